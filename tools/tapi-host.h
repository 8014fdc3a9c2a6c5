/*
 * A minimal TAPI host, for phonectl and the tests: loads a provider with dlopen, resolves
 * its TSPI_* functions by name as a TAPI host does, and records every callback it receives
 * (and hands each to on_event). One host per process: TSPI callbacks carry no context.
 */
#ifndef HIDPHONE_TAPI_HOST_H
#define HIDPHONE_TAPI_HOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tspi.h"

#define HOST_MAX_EVENTS 65536
/* What host_start tells the provider it is: its permanent id, and its HPROVIDER (which
 * PHONE_CREATE's dwParam1 gives back). */
#define HOST_PROVIDER_ID 42
#define HOST_HPROVIDER ((HPROVIDER)(uintptr_t)0x1234)

struct host_event {
	bool completion;
	bool line;                /* a LINEEVENT: htline and htcall are set, ht is not */
	bool enumerated;          /* to providerEnumDevices' PHONEEVENT (PHONE_CREATE,
				   * PHONE_REMOVE), not to an open phone's */
	HTAPIPHONE ht;
	HTAPILINE htline;
	HTAPICALL htcall;
	DWORD msg;
	DWORD_PTR p1, p2, p3;
	DRV_REQUESTID request;
	LONG result;
	uint64_t usec;            /* CLOCK_MONOTONIC when it arrived */
};

struct host {
	void *dl;
#define HOST_FN(name) __typeof__(TSPI_##name) *name
	HOST_FN(lineNegotiateTSPIVersion);
	HOST_FN(providerEnumDevices);
	HOST_FN(providerInit);
	HOST_FN(providerShutdown);
	HOST_FN(providerCreatePhoneDevice);
	HOST_FN(phoneNegotiateTSPIVersion);
	HOST_FN(phoneNegotiateExtVersion);
	HOST_FN(phoneGetExtensionID);
	HOST_FN(phoneSelectExtVersion);
	HOST_FN(phoneGetDevCaps);
	HOST_FN(phoneOpen);
	HOST_FN(phoneClose);
	HOST_FN(phoneSetStatusMessages);
	HOST_FN(phoneGetStatus);
	HOST_FN(phoneGetButtonInfo);
	HOST_FN(phoneSetButtonInfo);
	HOST_FN(phoneGetLamp);
	HOST_FN(phoneSetLamp);
	HOST_FN(phoneGetHookSwitch);
	HOST_FN(phoneSetHookSwitch);
	HOST_FN(phoneGetRing);
	HOST_FN(phoneSetRing);
	HOST_FN(phoneGetDisplay);
	HOST_FN(phoneSetDisplay);
	HOST_FN(phoneGetVolume);
	HOST_FN(phoneSetVolume);
	HOST_FN(phoneGetGain);
	HOST_FN(phoneSetGain);
	HOST_FN(phoneGetData);
	HOST_FN(phoneSetData);
	HOST_FN(phoneGetID);
	HOST_FN(phoneGetIcon);
	HOST_FN(phoneDevSpecific);
	/* Lines: resolved when the provider has them (NULL otherwise). */
	HOST_FN(lineGetDevCaps);
	HOST_FN(lineGetAddressCaps);
	HOST_FN(lineGetAddressStatus);
	HOST_FN(lineGetAddressID);
	HOST_FN(lineGetNumAddressIDs);
	HOST_FN(lineGetLineDevStatus);
	HOST_FN(lineOpen);
	HOST_FN(lineClose);
	HOST_FN(lineSetDefaultMediaDetection);
	HOST_FN(lineConditionalMediaDetection);
	HOST_FN(lineSetStatusMessages);
	HOST_FN(lineGetID);
	HOST_FN(lineMakeCall);
	HOST_FN(lineDial);
	HOST_FN(lineAnswer);
	HOST_FN(lineDrop);
	HOST_FN(lineCloseCall);
	HOST_FN(lineGenerateDigits);
	HOST_FN(lineMonitorDigits);
	HOST_FN(lineSetAppSpecific);
	HOST_FN(lineSetCallParams);
	HOST_FN(lineGetCallAddressID);
	HOST_FN(lineGetCallStatus);
	HOST_FN(lineGetCallInfo);
#undef HOST_FN

	pthread_mutex_t lock;
	pthread_cond_t changed;
	size_t n_events;
	struct host_event events[HOST_MAX_EVENTS];
	unsigned concurrent;      /* callbacks that started while another ran */
	int inside;
	DWORD version;
	DWORD num_phones;
	DWORD phone_base;
	DWORD num_lines;
	DWORD line_base;          /* phone_base + 100 */
	/* Called (without the host lock) for every callback, after it is recorded; set it with
	 * host_set_on_event(). */
	void (*on_event)(struct host *h, const struct host_event *ev);
};

extern struct host *host;

/* The host's LINEEVENT, to pass to TSPI_lineOpen. For LINE_NEWCALL it gives the call the
 * handle host_htcall(hdCall), as TAPI gives one. */
void CALLBACK host_line_event(HTAPILINE htline, HTAPICALL htcall, DWORD msg, DWORD_PTR p1,
			      DWORD_PTR p2, DWORD_PTR p3);
#define host_htcall(hdcall) ((HTAPICALL)(uintptr_t)(0x70000000u + (uintptr_t)(hdcall)))

/* The host's PHONEEVENT, to pass to TSPI_phoneOpen. */
void CALLBACK host_phone_event(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
			       DWORD_PTR p3);

/*
 * Loads the provider. path NULL: $HIDPHONE_TSP, else hidphone.tsp beside the running
 * program (the build directory), else the installed one. NULL on failure, with a message
 * on stderr.
 */
struct host *host_load(const char *path);
/* The provider host_load(NULL) would load, in buf (size PATH_MAX) or a constant. */
const char *host_provider_path(char *buf, size_t size);
void host_unload(struct host *h);

/* Negotiates, enumerates and initialises as TAPI does; returns providerInit's result. */
LONG host_start(struct host *h, DWORD phone_base);
void host_stop(struct host *h);

/* Waits until at least n events were recorded; false on timeout. */
bool host_wait(struct host *h, size_t n, int timeout_ms);
/* Waits for the completion of request; returns its result, or 1 on timeout. */
LONG host_wait_completion(struct host *h, DRV_REQUESTID request, int timeout_ms);
size_t host_count(struct host *h, bool completion, DWORD msg);
void host_clear(struct host *h);
/* The log as it is now: how many events, and a copy of one of them. */
size_t host_n_events(struct host *h);
struct host_event host_event_at(struct host *h, size_t i);
/* The index of the first event from `from` on that match() accepts, waiting up to
 * timeout_ms for it; -1 when none came. */
long host_find(struct host *h, size_t from,
	       bool (*match)(const struct host_event *ev, const void *arg), const void *arg,
	       int timeout_ms);
/* How many completions request has had (each must have one); *result: the last one's. */
size_t host_completions(struct host *h, DRV_REQUESTID request, LONG *result);
/* Sets on_event; callbacks may be running in other threads, so not by plain assignment. */
void host_set_on_event(struct host *h,
		       void (*on_event)(struct host *h, const struct host_event *ev));

uint64_t host_now_usec(void);
/* Voluntary and involuntary context switches of this process's threads so far (the
 * provider's run in it): each is a wakeup or a preemption. but_main: all threads but the
 * main one (a host that only sleeps and reads /proc there, which others preempt). */
unsigned long long host_context_switches(bool but_main);

#endif
