/*
 * The TSPI providers libtapi32 loads with dlopen, and their callbacks.
 */
#ifndef HIDPHONE_TAPI_PROVIDERS_H
#define HIDPHONE_TAPI_PROVIDERS_H

#include <stdbool.h>
#include <stdio.h>

#include "tspi.h"

/* The TSPI versions the runtime speaks with providers, and the API versions it offers. */
#define TAPI_LOW_VERSION  TAPI_VERSION2_0
#define TAPI_HIGH_VERSION TAPI_VERSION3_1

struct tapi_provider {
	char *path;
	void *dl;
	DWORD permanent_id;
	DWORD version;
	bool initialized;
#define TAPI_TSPI_FN(name) __typeof__(TSPI_##name) *name
	TAPI_TSPI_FN(lineNegotiateTSPIVersion);
	TAPI_TSPI_FN(providerEnumDevices);
	TAPI_TSPI_FN(providerInit);
	TAPI_TSPI_FN(providerShutdown);
	TAPI_TSPI_FN(providerCreatePhoneDevice);
	TAPI_TSPI_FN(phoneNegotiateTSPIVersion);
	TAPI_TSPI_FN(phoneNegotiateExtVersion);
	TAPI_TSPI_FN(phoneGetExtensionID);
	TAPI_TSPI_FN(phoneGetDevCaps);
	TAPI_TSPI_FN(phoneOpen);
	TAPI_TSPI_FN(phoneClose);
	TAPI_TSPI_FN(phoneSetStatusMessages);
	TAPI_TSPI_FN(phoneGetStatus);
	TAPI_TSPI_FN(phoneGetButtonInfo);
	TAPI_TSPI_FN(phoneSetButtonInfo);
	TAPI_TSPI_FN(phoneGetLamp);
	TAPI_TSPI_FN(phoneSetLamp);
	TAPI_TSPI_FN(phoneGetHookSwitch);
	TAPI_TSPI_FN(phoneSetHookSwitch);
	TAPI_TSPI_FN(phoneGetRing);
	TAPI_TSPI_FN(phoneSetRing);
	TAPI_TSPI_FN(phoneGetDisplay);
	TAPI_TSPI_FN(phoneSetDisplay);
	TAPI_TSPI_FN(phoneGetVolume);
	TAPI_TSPI_FN(phoneSetVolume);
	TAPI_TSPI_FN(phoneGetGain);
	TAPI_TSPI_FN(phoneSetGain);
	TAPI_TSPI_FN(phoneGetID);
	TAPI_TSPI_FN(lineGetDevCaps);
	TAPI_TSPI_FN(providerCreateLineDevice);
	TAPI_TSPI_FN(lineGetAddressCaps);
	TAPI_TSPI_FN(lineGetAddressStatus);
	TAPI_TSPI_FN(lineGetLineDevStatus);
	TAPI_TSPI_FN(lineOpen);
	TAPI_TSPI_FN(lineClose);
	TAPI_TSPI_FN(lineSetDefaultMediaDetection);
	TAPI_TSPI_FN(lineSetStatusMessages);
	TAPI_TSPI_FN(lineGetID);
	TAPI_TSPI_FN(lineMakeCall);
	TAPI_TSPI_FN(lineDial);
	TAPI_TSPI_FN(lineAnswer);
	TAPI_TSPI_FN(lineDrop);
	TAPI_TSPI_FN(lineCloseCall);
	TAPI_TSPI_FN(lineGenerateDigits);
	TAPI_TSPI_FN(lineMonitorDigits);
	TAPI_TSPI_FN(lineGetCallStatus);
	TAPI_TSPI_FN(lineGetCallInfo);
#undef TAPI_TSPI_FN
};

/*
 * Loads the providers (TAPI_PROVIDERS, else the configuration file, else the installed
 * hidphone.tsp), numbers their phones and initialises them. Called with tapi_api_lock held
 * when the first application registers; a provider that fails is logged and left out.
 */
void tapi_providers_load(void);
/* Shuts them down and unloads them, after the last application. */
void tapi_providers_unload(void);

struct tapi_app;
/*
 * A new application registration (phoneInitializeEx, lineInitializeEx): its event
 * descriptor, the providers loaded for the first one, the handle of a phone or line
 * application; it owns NAME from here on. 0 with tapi_api_lock and tapi_lock held (the
 * caller fills in its answer, then unlocks both); a negative errno with neither held and
 * NAME freed.
 */
int tapi_app_register(bool line, WCHAR *name, DWORD name_size, struct tapi_app **out);
/*
 * phoneInitializeEx and lineInitializeEx, A and W: checks what the application gives as
 * Microsoft documents it (the friendly name, UTF-8 when ansi, else UTF-16; the pointers;
 * the params' size and options; the version), registers it (tapi_app_register) and
 * answers: its handle, the number of devices, the version, the params' sizes and event.
 * params is the application's PHONEINITIALIZEEXPARAMS or LINEINITIALIZEEXPARAMS: they have
 * one layout. 0, or the PHONEERR_ of what is wrong (lines answer the LINEERR_ of the same
 * condition); no lock held either way.
 */
LONG tapi_initialize(bool line, const void *name, bool ansi, DWORD *handle, DWORD *num_devs,
		     DWORD *api_version, void *params);
/*
 * The end of a registration (phoneShutdown, lineShutdown), once its opens are closed: the
 * handle goes, and the providers are unloaded after the last application. Called with
 * tapi_api_lock and tapi_lock held; returns with neither.
 */
void tapi_app_unregister(struct tapi_app *app);

/* The PHONEEVENT to give TSPI_phoneOpen, with the device entry as htPhone. */
PHONEEVENT tapi_phone_event_proc(void);
/* The LINEEVENT to give TSPI_lineOpen, with the device entry as htLine. */
LINEEVENT tapi_line_event_proc(void);

/*
 * Reads a providers.conf: one path per line, '#' starts a comment, blank lines ignored.
 * Returns the number of paths stored in paths[0..max) (each malloc'ed), or -1 with a
 * message naming the file and line when a line is too long or the file unreadable.
 */
int tapi_read_providers_conf(const char *file, char **paths, int max);
/* The same from an open stream; file names it in messages. */
int tapi_read_providers_stream(FILE *f, const char *file, char **paths, int max);

#endif
