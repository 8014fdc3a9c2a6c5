/*
 * phonectl as an application of libtapi32: one registration with phone 0 of DEVICE open,
 * with the privilege the command needs, so what it shows is what applications get.
 */
#ifndef HIDPHONE_PHONECTL_APP_H
#define HIDPHONE_PHONECTL_APP_H

#include "tapi.h"

struct app_session {
	HPHONEAPP app;
	HPHONE phone;
	DWORD version;
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

#endif
