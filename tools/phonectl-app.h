/*
 * phonectl as an application of libtapi32: one registration with phone 0 of DEVICE open,
 * with the privilege the command needs, so what it shows is what applications get.
 */
#ifndef HIDPHONE_PHONECTL_APP_H
#define HIDPHONE_PHONECTL_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "tapi.h"

struct app_session {
	HPHONEAPP app;
	HPHONE phone;
	DWORD version;
	char device[256];         /* DEVICE as given, for messages */
};

/*
 * Points the provider at DEVICE (as session_start does), registers with libtapi32, which
 * loads TAPI_PROVIDERS or else the provider phonectl's host would load, and negotiates.
 * Returns 0, or -1 after printing why.
 */
int app_session_start(struct app_session *a, const char *device, const char *replay_mode);
/* Opens phone 0 and asks for every status message. 0 or -1 after printing why. */
int app_session_open(struct app_session *a, DWORD privilege);
/* PHONECAPS (UTF-16 strings) of phone 0, in a buffer that fits it (free it). */
LPPHONECAPS app_session_caps(struct app_session *a);
/* A request's outcome, printed: refused at once, or its PHONE_REPLY (1: none in 5 s). */
LONG app_session_complete(struct app_session *a, LONG returned);
void app_session_stop(struct app_session *a);

/* Line 0 of the same provider (the phone's line), as a line application of libtapi32. */
struct app_line {
	HLINEAPP app;
	HLINE line;
	DWORD version;
};

/*
 * Registers as a line application (the provider already pointed at the device by
 * app_session_start or session_devices) and opens line 0: OWNER takes interactive-voice
 * calls, MONITOR watches them. 0, or -1 after printing why (naming device); optional: a
 * phone that has no line (the configuration gives lines to other phones only) is -1
 * without a word.
 */
int app_line_open(struct app_line *l, const char *device, DWORD privilege, bool optional);
void app_line_stop(struct app_line *l);
/* The other party of a call, from LINECALLINFO: `bob "Bob" sip:bob@host` (the caller of an
 * incoming call, the called party of an outgoing one). 0, or -1 when there is no info. */
int app_call_party(HCALL call, bool *inbound, char *buf, size_t size);

#endif
