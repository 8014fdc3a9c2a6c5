#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phonectl-app.h"
#include "phonectl-session.h"
#include "phonectl.h"
#include "tapi-names.h"

int app_session_start(struct app_session *a, const char *device, const char *replay_mode)
{
	PHONEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					   .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	PHONEEXTENSIONID ext;
	DWORD n = 0, version = TAPI_CURRENT_VERSION;
	char path[PATH_MAX], name[48];
	bool replay;
	LONG rc;

	*a = (struct app_session){ 0 };
	snprintf(a->device, sizeof(a->device), "%s", device);
	if (session_devices(device, replay_mode, &replay) < 0)
		return -1;
	setenv("TAPI_PROVIDERS", host_provider_path(path, sizeof(path)), 0);
	rc = phoneInitializeExA(&a->app, NULL, NULL, "phonectl", &n, &version, &params);
	if (rc) {
		phonectl_error("%s: %s", device, tapi_error_name(rc, name, sizeof(name)));
		return -1;
	}
	if (n == 0) {
		session_no_phone(device);
		app_session_stop(a);
		return -1;
	}
	rc = phoneNegotiateAPIVersion(a->app, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, &a->version,
				      &ext);
	if (rc) {
		phonectl_error("%s: %s", device, tapi_error_name(rc, name, sizeof(name)));
		app_session_stop(a);
		return -1;
	}
	return 0;
}

int app_session_open(struct app_session *a, DWORD privilege)
{
	char name[48];
	LONG rc = phoneOpen(a->app, 0, &a->phone, a->version, 0, 0, privilege);

	/* Every message, so a replayed phone starts playing at once. */
	if (rc == 0)
		rc = phoneSetStatusMessages(a->phone, 0x00ffffffu, 0x3f,
					    PHONEBUTTONSTATE_UP | PHONEBUTTONSTATE_DOWN);
	if (rc) {
		/* The provider's message before this one names the cause (permission, claimed). */
		phonectl_error("%s: cannot open phone 0: %s%s", a->device,
			       tapi_error_name(rc, name, sizeof(name)),
			       rc == PHONEERR_RESOURCEUNAVAIL ?
			       " (no permission, or claimed by another process)" : "");
		return -1;
	}
	return 0;
}

LPPHONECAPS app_session_caps(struct app_session *a)
{
	DWORD size = 4096;

	for (int tries = 0; tries < 3; tries++) {
		LPPHONECAPS caps = calloc(1, size);
		LONG rc;

		if (!caps)
			return NULL;
		caps->dwTotalSize = size;
		rc = phoneGetDevCapsW(a->app, 0, a->version, 0, caps);
		if (rc == 0 && caps->dwNeededSize <= size)
			return caps;
		size = rc == 0 ? caps->dwNeededSize : size * 2;
		free(caps);
	}
	return NULL;
}

LONG app_session_complete(struct app_session *a, LONG returned)
{
	PHONEMESSAGE m;
	char name[48];

	if (returned < 0) {
		printf("refused: %s\n", tapi_error_name(returned, name, sizeof(name)));
		return returned;
	}
	/* The status messages of the phone come too; the reply is the one with this id. */
	while (phoneGetMessage(a->app, &m, 5000) == 0) {
		if (m.dwMessageID == PHONE_REPLY && m.dwParam1 == (DWORD_PTR)returned) {
			LONG result = (LONG)(DWORD)m.dwParam2;

			printf("completed: %s\n", tapi_error_name(result, name, sizeof(name)));
			return result;
		}
	}
	printf("no completion within 5 s\n");
	return 1;
}

void app_session_stop(struct app_session *a)
{
	if (!a->app)
		return;
	if (a->phone)
		phoneClose(a->phone);
	phoneShutdown(a->app);
	*a = (struct app_session){ 0 };
}

int app_line_open(struct app_line *l, const char *device, DWORD privilege, bool optional)
{
	LINEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					  .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT };
	LINEEXTENSIONID ext;
	DWORD n = 0, version = TAPI_CURRENT_VERSION;
	char path[PATH_MAX], name[48];
	LONG rc;

	*l = (struct app_line){ 0 };
	setenv("TAPI_PROVIDERS", host_provider_path(path, sizeof(path)), 0);
	rc = lineInitializeExA(&l->app, NULL, NULL, "phonectl", &n, &version, &params);
	if (!rc && n == 0)
		rc = LINEERR_NODEVICE;
	if (!rc)
		rc = lineNegotiateAPIVersion(l->app, 0, TAPI_VERSION2_0, TAPI_VERSION3_1,
					     &l->version, &ext);
	if (!rc)
		rc = lineOpenA(l->app, 0, &l->line, l->version, 0, 0, privilege,
			       privilege == LINECALLPRIVILEGE_OWNER ?
			       LINEMEDIAMODE_INTERACTIVEVOICE : 0, NULL);
	if (rc == LINEERR_NODEVICE && optional) {
		app_line_stop(l);
		return -1;
	}
	if (rc) {
		phonectl_error("%s: cannot open line 0: %s%s", device,
			       tapi_error_name(rc, name, sizeof(name)),
			       rc == LINEERR_NODEVICE ? " (no such phone, or no line for it)" : "");
		app_line_stop(l);
		return -1;
	}
	return 0;
}

void app_line_stop(struct app_line *l)
{
	if (!l->app)
		return;
	if (l->line)
		lineClose(l->line);
	lineShutdown(l->app);
	*l = (struct app_line){ 0 };
}

int app_call_party(HCALL call, bool *inbound, char *buf, size_t size)
{
	union { LINECALLINFO ci; uint8_t b[2048]; } u;
	const char *who = "?", *name = "", *uri = "";
	DWORD off, len;

	memset(&u, 0, sizeof(u));
	u.ci.dwTotalSize = sizeof(u) - 1;   /* the last byte stays a terminator */
	if (lineGetCallInfoA(call, &u.ci) != 0)
		return -1;
	*inbound = u.ci.dwOrigin == LINECALLORIGIN_INBOUND;
	if (*inbound) {
		off = u.ci.dwCallerIDOffset;
		len = u.ci.dwCallerIDSize;
		if (u.ci.dwCallerIDNameSize && u.ci.dwCallerIDNameOffset < sizeof(u))
			name = (const char *)u.b + u.ci.dwCallerIDNameOffset;
	} else {
		off = u.ci.dwCalledIDOffset;
		len = u.ci.dwCalledIDSize;
	}
	if (len && off < sizeof(u))
		who = (const char *)u.b + off;
	if (u.ci.dwDisplayableAddressSize && u.ci.dwDisplayableAddressOffset < sizeof(u))
		uri = (const char *)u.b + u.ci.dwDisplayableAddressOffset;
	snprintf(buf, size, "%s%s%s%s%s%s", who, *name ? " \"" : "", name, *name ? "\"" : "",
		 *uri ? " " : "", uri);
	return 0;
}
