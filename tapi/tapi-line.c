/*
 * The line half of libtapi32: registration, negotiation and messages of line applications.
 * The tables and queues are tapi-registry's, shared with the phone half; a line
 * application's handle is of its own kind, so phone functions refuse it and the reverse.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tapi-providers.h"
#include "tapi-registry.h"
#include "tapi-text.h"

/* What phone and line functions share answers in PHONEERR_ terms; the same conditions. */
static LONG line_err(LONG rc)
{
	static const struct {
		LONG phone, line;
	} same[] = {
		{ PHONEERR_INVALAPPHANDLE, LINEERR_INVALAPPHANDLE },
		{ PHONEERR_OPERATIONFAILED, LINEERR_OPERATIONFAILED },
		{ PHONEERR_NOMEM, LINEERR_NOMEM },
		{ PHONEERR_UNINITIALIZED, LINEERR_UNINITIALIZED },
		{ PHONEERR_INVALPOINTER, LINEERR_INVALPOINTER },
		{ PHONEERR_INVALAPPNAME, LINEERR_INVALAPPNAME },
		{ PHONEERR_STRUCTURETOOSMALL, LINEERR_STRUCTURETOOSMALL },
		{ PHONEERR_INVALPARAM, LINEERR_INVALPARAM },
		{ PHONEERR_INCOMPATIBLEAPIVERSION, LINEERR_INCOMPATIBLEAPIVERSION },
		{ PHONEERR_RESOURCEUNAVAIL, LINEERR_RESOURCEUNAVAIL },
	};

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		if (same[i].phone == rc)
			return same[i].line;
	}
	return rc;
}

/* Both locks held on success; nothing held on failure. */
static LONG enter_line_app(HLINEAPP h, struct tapi_app **app)
{
	LONG rc = tapi_enter(LINEERR_UNINITIALIZED);

	if (rc)
		return rc;
	*app = tapi_line_app_get(h);
	return *app ? 0 : tapi_leave(LINEERR_INVALAPPHANDLE);
}

LONG WINAPI lineInitializeExA(LPHLINEAPP lphLineApp, HINSTANCE hInstance,
			      LINECALLBACK lpfnCallback, LPCSTR lpszFriendlyAppName,
			      LPDWORD lpdwNumDevs, LPDWORD lpdwAPIVersion,
			      LPLINEINITIALIZEEXPARAMS lpLineInitializeExParams)
{
	(void)hInstance;
	(void)lpfnCallback;
	return line_err(tapi_initialize(true, lpszFriendlyAppName, true, lphLineApp, lpdwNumDevs,
					lpdwAPIVersion, lpLineInitializeExParams));
}

LONG WINAPI lineInitializeExW(LPHLINEAPP lphLineApp, HINSTANCE hInstance,
			      LINECALLBACK lpfnCallback, LPCWSTR lpszFriendlyAppName,
			      LPDWORD lpdwNumDevs, LPDWORD lpdwAPIVersion,
			      LPLINEINITIALIZEEXPARAMS lpLineInitializeExParams)
{
	(void)hInstance;
	(void)lpfnCallback;
	return line_err(tapi_initialize(true, lpszFriendlyAppName, false, lphLineApp, lpdwNumDevs,
					lpdwAPIVersion, lpLineInitializeExParams));
}

static LONG enter_line(HLINE h, struct tapi_line **l)
{
	LONG rc = tapi_enter(LINEERR_UNINITIALIZED);

	if (rc)
		return rc;
	*l = tapi_line_get(h);
	return *l ? 0 : tapi_leave(LINEERR_INVALLINEHANDLE);
}

/* A call handle the application may use: lineMakeCall's only after its LINE_REPLY. */
static LONG enter_call(HCALL h, struct tapi_call **c)
{
	LONG rc = tapi_enter(LINEERR_UNINITIALIZED);

	if (rc)
		return rc;
	*c = tapi_call_get(h);
	return *c && (*c)->published ? 0 : tapi_leave(LINEERR_INVALCALLHANDLE);
}

/* The provider's default media detection is the union of the owners' media modes. */
static void update_media(struct tapi_line_dev *dev)
{
	struct tapi_line *lines[64];
	size_t n = tapi_lines_of(dev, NULL, lines, 64);
	DWORD media = 0;
	HDRVLINE hd = dev->hd;

	for (size_t i = 0; i < n; i++) {
		if (lines[i]->privileges & LINECALLPRIVILEGE_OWNER)
			media |= lines[i]->media_modes;
	}
	if (!dev->open || media == dev->media || !dev->prov->lineSetDefaultMediaDetection)
		return;
	dev->media = media;
	tapi_unlock_tables();
	dev->prov->lineSetDefaultMediaDetection(hd, media);
	tapi_lock_tables();
}

/* Closes the provider's call once no application handle is left on it. */
static void close_tcall(struct tapi_tcall *tc)
{
	struct tapi_provider *prov = tc->dev->prov;
	HDRVCALL hd = tc->hd;
	bool line_open = tc->dev->open;

	tapi_tcall_free(tc);
	if (!hd || !line_open || !prov->lineCloseCall)
		return;
	tapi_unlock_tables();
	prov->lineCloseCall(hd);
	tapi_lock_tables();
}

/*
 * An application's open ends (lineClose, lineShutdown): replies still outstanding for it
 * are suppressed, its call handles go (a call nobody else has is dropped by
 * TSPI_lineCloseCall), and the provider's line is closed after the last open. Both locks
 * held; tapi_lock is released around provider calls.
 */
static void close_line(struct tapi_line *l)
{
	struct tapi_line_dev *dev = l->dev;
	struct tapi_call *calls[64];
	struct tapi_line *others[1];
	HLINE h = l->handle;
	size_t n;

	tapi_requests_suppress(h, NULL);
	tapi_line_free(l);
	while ((n = tapi_calls_of(NULL, h, calls, 64)) > 0) {
		for (size_t i = 0; i < n; i++) {
			struct tapi_tcall *tc = tapi_call_free(calls[i]);

			if (tc)
				close_tcall(tc);
		}
	}
	if (!dev->open)
		return;
	if (tapi_lines_of(dev, NULL, others, 1) == 0) {
		HDRVLINE hd = dev->hd;

		dev->open = false;
		dev->hd = NULL;
		dev->media = dev->digit_modes = 0;
		tapi_unlock_tables();
		dev->prov->lineClose(hd);
		tapi_lock_tables();
		return;
	}
	update_media(dev);
}

LONG WINAPI lineShutdown(HLINEAPP hLineApp)
{
	struct tapi_app *app;
	LONG rc = enter_line_app(hLineApp, &app);

	if (rc)
		return rc;
	/* Its lines, a batch at a time: each close leaves the tables for the provider calls. */
	{
		struct tapi_line *lines[64];
		HLINE handles[64];
		size_t n;

		while ((n = tapi_lines_of(NULL, app, lines, 64)) > 0) {
			for (size_t i = 0; i < n; i++)
				handles[i] = lines[i]->handle;
			for (size_t i = 0; i < n; i++) {
				struct tapi_line *l = tapi_line_get(handles[i]);

				if (l)
					close_line(l);
			}
		}
	}
	tapi_app_unregister(app);
	return 0;
}

LONG WINAPI lineGetMessage(HLINEAPP hLineApp, LPLINEMESSAGE lpMessage, DWORD dwTimeout)
{
	PHONEMESSAGE m;
	LONG rc = line_err(tapi_get_message(hLineApp, true, lpMessage ? &m : NULL, dwTimeout));

	if (rc == 0) {
		/* LINEMESSAGE and PHONEMESSAGE have one layout (tapi.h pins both at 40 bytes). */
		_Static_assert(sizeof(LINEMESSAGE) == sizeof(PHONEMESSAGE), "message layouts");
		memcpy(lpMessage, &m, sizeof(*lpMessage));
	}
	return rc;
}

LONG WINAPI lineNegotiateAPIVersion(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAPILowVersion,
				    DWORD dwAPIHighVersion, LPDWORD lpdwAPIVersion,
				    LPLINEEXTENSIONID lpExtensionID)
{
	struct tapi_line_dev *dev;
	struct tapi_app *app;
	DWORD version;
	LONG rc = enter_line_app(hLineApp, &app);

	if (rc)
		return rc;
	if (!lpdwAPIVersion || !lpExtensionID)
		return tapi_leave(LINEERR_INVALPOINTER);
	dev = tapi_line_dev_get(dwDeviceID);
	if (!dev)
		return tapi_leave(LINEERR_BADDEVICEID);
	if (dev->removed || !dev->ready)
		return tapi_leave(LINEERR_NODEVICE);
	version = tapi_api_version_in(dwAPILowVersion, dwAPIHighVersion);
	if (!version)
		return tapi_leave(LINEERR_INCOMPATIBLEAPIVERSION);
	/* Providers are not asked for line extensions (TSPI_lineGetExtensionID) yet: none. */
	*lpdwAPIVersion = version;
	memset(lpExtensionID, 0, sizeof(*lpExtensionID));
	return tapi_leave(0);
}

/* --- opening and closing ---------------------------------------------------------------- */

#define PRIVILEGES (LINECALLPRIVILEGE_NONE | LINECALLPRIVILEGE_MONITOR | LINECALLPRIVILEGE_OWNER)
/* The media modes an owner may ask for on our lines: voice, and calls of unknown media. */
#define LINE_MEDIA (LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_UNKNOWN)

static LONG line_open(HLINEAPP hLineApp, DWORD dwDeviceID, LPHLINE lphLine, DWORD dwAPIVersion,
		      DWORD dwExtVersion, DWORD_PTR dwCallbackInstance, DWORD dwPrivileges,
		      DWORD dwMediaModes, LPLINECALLPARAMS const lpCallParams)
{
	struct tapi_line_dev *dev;
	struct tapi_line *l;
	struct tapi_app *app;
	LONG rc = enter_line_app(hLineApp, &app);

	(void)lpCallParams;   /* read only with LINEMAPPER, which is not offered */
	if (rc)
		return rc;
	if (!lphLine)
		return tapi_leave(LINEERR_INVALPOINTER);
	if (dwDeviceID == LINEMAPPER)
		return tapi_leave(LINEERR_OPERATIONUNAVAIL);
	dev = tapi_line_dev_get(dwDeviceID);
	if (!dev)
		return tapi_leave(LINEERR_BADDEVICEID);
	if (dev->removed || !dev->ready)
		return tapi_leave(LINEERR_NODEVICE);
	if (!tapi_api_version_ok(dwAPIVersion))
		return tapi_leave(LINEERR_INCOMPATIBLEAPIVERSION);
	if (dwExtVersion)
		return tapi_leave(LINEERR_INCOMPATIBLEEXTVERSION);
	/* NONE alone, or MONITOR and/or OWNER (the LINEOPENOPTION_ flags are not offered). */
	if (!dwPrivileges || (dwPrivileges & ~PRIVILEGES) ||
	    ((dwPrivileges & LINECALLPRIVILEGE_NONE) && dwPrivileges != LINECALLPRIVILEGE_NONE))
		return tapi_leave(LINEERR_INVALPRIVSELECT);
	if (dwPrivileges & LINECALLPRIVILEGE_OWNER) {
		if (!dwMediaModes || (dwMediaModes & ~LINE_MEDIA))
			return tapi_leave(LINEERR_INVALMEDIAMODE);
	}
	if (!dev->prov->lineOpen || !dev->prov->lineClose)
		return tapi_leave(LINEERR_OPERATIONUNAVAIL);
	l = tapi_line_new(app, dev);
	if (!l)
		return tapi_leave(LINEERR_NOMEM);
	l->privileges = dwPrivileges;
	l->media_modes = (dwPrivileges & LINECALLPRIVILEGE_OWNER) ? dwMediaModes : 0;
	l->api_version = dwAPIVersion;
	l->instance = dwCallbackInstance;
	if (!dev->open) {
		struct tapi_provider *prov = dev->prov;
		HDRVLINE hd = NULL;
		HLINE h = l->handle;
		DWORD id = dev->id, tspi = dev->tspi_version;

		/* Marked open first: a second application's lineOpen waits on tapi_api_lock. */
		dev->open = true;
		tapi_unlock_tables();
		rc = prov->lineOpen(id, (HTAPILINE)(uintptr_t)dev, &hd, tspi,
				    tapi_line_event_proc());
		tapi_lock_tables();
		l = tapi_line_get(h);
		if (rc || !l) {
			dev->open = false;
			if (l)
				tapi_line_free(l);
			else if (rc == 0) {
				tapi_unlock_tables();
				prov->lineClose(hd);
				tapi_lock_tables();
			}
			return tapi_leave(rc ? rc : LINEERR_NODEVICE);
		}
		dev->hd = hd;
	}
	*lphLine = l->handle;
	update_media(dev);
	return tapi_leave(0);
}

LONG WINAPI lineOpenA(HLINEAPP hLineApp, DWORD dwDeviceID, LPHLINE lphLine, DWORD dwAPIVersion,
		      DWORD dwExtVersion, DWORD_PTR dwCallbackInstance, DWORD dwPrivileges,
		      DWORD dwMediaModes, LPLINECALLPARAMS const lpCallParams)
{
	return line_open(hLineApp, dwDeviceID, lphLine, dwAPIVersion, dwExtVersion,
			 dwCallbackInstance, dwPrivileges, dwMediaModes, lpCallParams);
}

LONG WINAPI lineOpenW(HLINEAPP hLineApp, DWORD dwDeviceID, LPHLINE lphLine, DWORD dwAPIVersion,
		      DWORD dwExtVersion, DWORD_PTR dwCallbackInstance, DWORD dwPrivileges,
		      DWORD dwMediaModes, LPLINECALLPARAMS const lpCallParams)
{
	return line_open(hLineApp, dwDeviceID, lphLine, dwAPIVersion, dwExtVersion,
			 dwCallbackInstance, dwPrivileges, dwMediaModes, lpCallParams);
}

LONG WINAPI lineClose(HLINE hLine)
{
	struct tapi_line *l;
	LONG rc = enter_line(hLine, &l);

	if (rc)
		return rc;
	close_line(l);
	return tapi_leave(0);
}

/* --- calls ------------------------------------------------------------------------------ */

static LONG make_call(HLINE hLine, LPHCALL lphCall, WCHAR *dest, DWORD dwCountryCode,
		      LPLINECALLPARAMS const lpCallParams)
{
	struct tapi_line_dev *dev;
	struct tapi_provider *prov;
	struct tapi_tcall *tc;
	struct tapi_call *c;
	struct tapi_line *l;
	HDRVCALL hd = NULL;
	HDRVLINE hdl;
	HCALL hc;
	DWORD tch;
	DRV_REQUESTID id;
	LONG rc = enter_line(hLine, &l);

	if (rc) {
		free(dest);
		return rc;
	}
	dev = l->dev;
	prov = dev->prov;
	if (!lphCall)
		rc = LINEERR_INVALPOINTER;
	else if (lpCallParams && lpCallParams->dwTotalSize < sizeof(LINECALLPARAMS))
		rc = LINEERR_STRUCTURETOOSMALL;
	else if (!dev->open || !prov->lineMakeCall)
		rc = LINEERR_OPERATIONUNAVAIL;
	if (rc) {
		free(dest);
		return tapi_leave(rc);
	}
	tc = tapi_tcall_new(dev);
	c = tc ? tapi_call_new(l, tc, LINECALLPRIVILEGE_OWNER, false) : NULL;
	id = c ? tapi_line_request_new(l->app, l->handle, l->handle, l->instance, lphCall,
				       c->handle) : 0;
	if (!id) {
		if (c)
			tapi_call_free(c);
		if (tc)
			tapi_tcall_free(tc);
		free(dest);
		return tapi_leave(LINEERR_NOMEM);
	}
	hc = c->handle;
	tch = tc->handle;
	hdl = dev->hd;
	tapi_unlock_tables();
	rc = prov->lineMakeCall(id, hdl, (HTAPICALL)(uintptr_t)tch, &hd, dest, dwCountryCode,
				lpCallParams);
	tapi_lock_tables();
	free(dest);
	tc = tapi_tcall_get(tch);
	if (rc < 0) {
		/* Refused at once: no reply comes, and the handles are void. */
		tapi_request_drop(id);
		c = tapi_call_get(hc);
		if (c && (tc = tapi_call_free(c)))
			tapi_tcall_free(tc);
		return tapi_leave(rc);
	}
	if (tc)
		tc->hd = hd;
	return tapi_leave((LONG)id);
}

LONG WINAPI lineMakeCallA(HLINE hLine, LPHCALL lphCall, LPCSTR lpszDestAddress,
			  DWORD dwCountryCode, LPLINECALLPARAMS const lpCallParams)
{
	WCHAR *dest = NULL;

	if (lpszDestAddress) {
		int rc = tapi_utf8_dup(lpszDestAddress, TAPI_MAX_ARG_UNITS, &dest, NULL);

		if (rc < 0)
			return rc == -ENOMEM ? LINEERR_NOMEM : LINEERR_INVALADDRESS;
	}
	return make_call(hLine, lphCall, dest, dwCountryCode, lpCallParams);
}

LONG WINAPI lineMakeCallW(HLINE hLine, LPHCALL lphCall, LPCWSTR lpszDestAddress,
			  DWORD dwCountryCode, LPLINECALLPARAMS const lpCallParams)
{
	WCHAR *dest = NULL;

	if (lpszDestAddress) {
		int rc = tapi_utf16_dup(lpszDestAddress, TAPI_MAX_ARG_UNITS, &dest, NULL);

		if (rc < 0)
			return rc == -ENOMEM ? LINEERR_NOMEM : LINEERR_INVALADDRESS;
	}
	return make_call(hLine, lphCall, dest, dwCountryCode, lpCallParams);
}

/* An asynchronous request on a call its owner makes: lineDial, lineAnswer, lineDrop. */
enum call_op { OP_DIAL, OP_ANSWER, OP_DROP };

static LONG call_request(HCALL hCall, enum call_op op, WCHAR *dest, DWORD country,
			 LPCSTR uui, DWORD uui_size)
{
	struct tapi_provider *prov;
	struct tapi_call *c;
	DRV_REQUESTID id;
	HDRVCALL hd;
	LONG rc = enter_call(hCall, &c);

	if (rc) {
		free(dest);
		return rc;
	}
	prov = c->tc->dev->prov;
	if (c->privilege != LINECALLPRIVILEGE_OWNER)
		rc = LINEERR_NOTOWNER;
	else if (uui && uui_size > 0xFFFF)
		rc = LINEERR_USERUSERINFOTOOBIG;
	else if (!c->tc->dev->open || !c->tc->hd ||
		 (op == OP_DIAL && !prov->lineDial) || (op == OP_ANSWER && !prov->lineAnswer) ||
		 (op == OP_DROP && !prov->lineDrop))
		rc = LINEERR_OPERATIONUNAVAIL;
	if (rc) {
		free(dest);
		return tapi_leave(rc);
	}
	id = tapi_line_request_new(c->app, c->line, c->handle, c->instance, NULL, 0);
	if (!id) {
		free(dest);
		return tapi_leave(LINEERR_NOMEM);
	}
	hd = c->tc->hd;
	tapi_unlock_tables();
	if (op == OP_DIAL)
		rc = prov->lineDial(id, hd, dest, country);
	else if (op == OP_ANSWER)
		rc = prov->lineAnswer(id, hd, uui, uui ? uui_size : 0);
	else
		rc = prov->lineDrop(id, hd, uui, uui ? uui_size : 0);
	tapi_lock_tables();
	free(dest);
	if (rc < 0) {
		tapi_request_drop(id);
		return tapi_leave(rc);
	}
	return tapi_leave((LONG)id);
}

LONG WINAPI lineDialA(HCALL hCall, LPCSTR lpszDestAddress, DWORD dwCountryCode)
{
	WCHAR *dest = NULL;
	int rc;

	if (!lpszDestAddress)
		return LINEERR_INVALPOINTER;
	rc = tapi_utf8_dup(lpszDestAddress, TAPI_MAX_ARG_UNITS, &dest, NULL);
	if (rc < 0)
		return rc == -ENOMEM ? LINEERR_NOMEM : LINEERR_INVALADDRESS;
	return call_request(hCall, OP_DIAL, dest, dwCountryCode, NULL, 0);
}

LONG WINAPI lineDialW(HCALL hCall, LPCWSTR lpszDestAddress, DWORD dwCountryCode)
{
	WCHAR *dest;
	int rc;

	if (!lpszDestAddress)
		return LINEERR_INVALPOINTER;
	rc = tapi_utf16_dup(lpszDestAddress, TAPI_MAX_ARG_UNITS, &dest, NULL);
	if (rc < 0)
		return rc == -ENOMEM ? LINEERR_NOMEM : LINEERR_INVALADDRESS;
	return call_request(hCall, OP_DIAL, dest, dwCountryCode, NULL, 0);
}

LONG WINAPI lineAnswer(HCALL hCall, LPCSTR lpsUserUserInfo, DWORD dwSize)
{
	return call_request(hCall, OP_ANSWER, NULL, 0, lpsUserUserInfo, dwSize);
}

LONG WINAPI lineDrop(HCALL hCall, LPCSTR lpsUserUserInfo, DWORD dwSize)
{
	return call_request(hCall, OP_DROP, NULL, 0, lpsUserUserInfo, dwSize);
}

LONG WINAPI lineDeallocateCall(HCALL hCall)
{
	struct tapi_call *c, *all[64];
	struct tapi_tcall *tc;
	size_t n, owners = 0;
	LONG rc = enter_call(hCall, &c);

	if (rc)
		return rc;
	tc = c->tc;
	n = tapi_calls_of(tc, 0, all, 64);
	for (size_t i = 0; i < n; i++)
		owners += all[i]->privilege == LINECALLPRIVILEGE_OWNER;
	/* The page: the sole owner of a call that is not idle gets LINEERR_INVALCALLSTATE. */
	if (c->privilege == LINECALLPRIVILEGE_OWNER && owners == 1 && tc->dev->open &&
	    tc->state != LINECALLSTATE_IDLE)
		return tapi_leave(LINEERR_INVALCALLSTATE);
	tc = tapi_call_free(c);
	if (tc)
		close_tcall(tc);
	return tapi_leave(0);
}

LONG WINAPI lineGetCallStatus(HCALL hCall, LPLINECALLSTATUS lpCallStatus)
{
	struct tapi_provider *prov;
	struct tapi_call *c;
	DWORD privilege;
	HDRVCALL hd;
	LONG rc = enter_call(hCall, &c);

	if (rc)
		return rc;
	if (!lpCallStatus)
		return tapi_leave(LINEERR_INVALPOINTER);
	if (lpCallStatus->dwTotalSize < sizeof(LINECALLSTATUS))
		return tapi_leave(LINEERR_STRUCTURETOOSMALL);
	prov = c->tc->dev->prov;
	hd = c->tc->hd;
	privilege = c->privilege;
	if (!c->tc->dev->open || !hd || !prov->lineGetCallStatus) {
		/* The provider's call is gone (its line closed): what TAPI last heard. */
		DWORD total = lpCallStatus->dwTotalSize;

		memset(lpCallStatus, 0, sizeof(*lpCallStatus));
		lpCallStatus->dwTotalSize = total;
		lpCallStatus->dwNeededSize = lpCallStatus->dwUsedSize = sizeof(LINECALLSTATUS);
		lpCallStatus->dwCallState = LINECALLSTATE_IDLE;
		lpCallStatus->dwCallPrivilege = privilege;
		return tapi_leave(0);
	}
	tapi_unlock_tables();
	rc = prov->lineGetCallStatus(hd, lpCallStatus);
	tapi_lock_tables();
	if (rc == 0) {
		lpCallStatus->dwCallPrivilege = privilege;
		/* A monitor can do nothing to the call. */
		if (privilege != LINECALLPRIVILEGE_OWNER) {
			lpCallStatus->dwCallFeatures = 0;
			lpCallStatus->dwCallFeatures2 = 0;
		}
	}
	return tapi_leave(rc);
}

static LONG get_call_info(HCALL hCall, LPLINECALLINFO out, bool ansi)
{
	struct tapi_provider *prov;
	struct tapi_call *c;
	LINECALLINFO *ci;
	HDRVCALL hd;
	DWORD size = 4096;
	HLINE line;
	char *bufs[32] = { 0 };
	LONG rc = enter_call(hCall, &c);

	if (rc)
		return rc;
	if (!out)
		return tapi_leave(LINEERR_INVALPOINTER);
	if (out->dwTotalSize < sizeof(LINECALLINFO))
		return tapi_leave(LINEERR_STRUCTURETOOSMALL);
	prov = c->tc->dev->prov;
	hd = c->tc->hd;
	line = c->line;
	if (!c->tc->dev->open || !hd || !prov->lineGetCallInfo)
		return tapi_leave(LINEERR_OPERATIONUNAVAIL);
	for (int round = 0; ; round++) {
		ci = calloc(1, size);
		if (!ci)
			return tapi_leave(LINEERR_NOMEM);
		ci->dwTotalSize = size;
		tapi_unlock_tables();
		rc = prov->lineGetCallInfo(hd, ci);
		tapi_lock_tables();
		if (rc || ci->dwNeededSize <= size || ci->dwNeededSize > (1u << 20) || round)
			break;
		size = ci->dwNeededSize;
		free(ci);
	}
	if (rc) {
		free(ci);
		return tapi_leave(rc);
	}
	if (ci->dwUsedSize > size || ci->dwUsedSize < sizeof(LINECALLINFO)) {
		free(ci);
		return tapi_leave(LINEERR_OPERATIONFAILED);
	}
	ci->hLine = line;
#define VAR(f, u) { .field = offsetof(LINECALLINFO, f), .utf16 = (u) }
	struct tapi_var items[] = {
		VAR(dwCallerIDSize, true), VAR(dwCallerIDNameSize, true),
		VAR(dwCalledIDSize, true), VAR(dwCalledIDNameSize, true),
		VAR(dwConnectedIDSize, true), VAR(dwConnectedIDNameSize, true),
		VAR(dwRedirectionIDSize, true), VAR(dwRedirectionIDNameSize, true),
		VAR(dwRedirectingIDSize, true), VAR(dwRedirectingIDNameSize, true),
		VAR(dwAppNameSize, true), VAR(dwDisplayableAddressSize, true),
		VAR(dwCalledPartySize, true), VAR(dwCommentSize, true),
		VAR(dwDisplaySize, false), VAR(dwUserUserInfoSize, false),
		VAR(dwHighLevelCompSize, false), VAR(dwLowLevelCompSize, false),
		VAR(dwChargingInfoSize, false), VAR(dwTerminalModesSize, false),
		VAR(dwDevSpecificSize, false), VAR(dwCallDataSize, false),
		VAR(dwSendingFlowspecSize, false), VAR(dwReceivingFlowspecSize, false),
	};
#undef VAR
	size_t n = sizeof(items) / sizeof(items[0]);
	_Static_assert(sizeof(items) / sizeof(items[0]) <= 32, "bufs");
	for (size_t i = 0; i < n; i++) {
		if (tapi_var_read(ci, ci->dwUsedSize, &items[i]) < 0) {
			tapi_log("a provider's LINECALLINFO has an item outside it");
			free(ci);
			return tapi_leave(LINEERR_OPERATIONFAILED);
		}
	}
	if (ansi && tapi_var_to_utf8(items, n, bufs) < 0) {
		free(ci);
		return tapi_leave(LINEERR_NOMEM);
	}
	tapi_var_write(out, ci, sizeof(LINECALLINFO), items, n);
	for (size_t i = 0; i < n; i++)
		free(bufs[i]);
	free(ci);
	return tapi_leave(0);
}

LONG WINAPI lineGetCallInfoA(HCALL hCall, LPLINECALLINFO lpCallInfo)
{
	return get_call_info(hCall, lpCallInfo, true);
}

LONG WINAPI lineGetCallInfoW(HCALL hCall, LPLINECALLINFO lpCallInfo)
{
	return get_call_info(hCall, lpCallInfo, false);
}

/* --- structures from the provider ------------------------------------------------------- */

enum lfill { LF_DEVCAPS, LF_ADDRCAPS, LF_DEVSTATUS, LF_ADDRSTATUS, LF_ID };

struct lfill_arg {
	struct tapi_provider *prov;
	enum lfill kind;
	DWORD id, addr, version, select;
	HDRVLINE hdl;
	HDRVCALL hdc;
	LPCWSTR cls;
};

static LONG lfill_call(const struct lfill_arg *a, void *buf)
{
	switch (a->kind) {
	case LF_DEVCAPS:
		return a->prov->lineGetDevCaps(a->id, a->version, 0, buf);
	case LF_ADDRCAPS:
		return a->prov->lineGetAddressCaps(a->id, a->addr, a->version, 0, buf);
	case LF_DEVSTATUS:
		return a->prov->lineGetLineDevStatus(a->hdl, buf);
	case LF_ADDRSTATUS:
		return a->prov->lineGetAddressStatus(a->hdl, a->addr, buf);
	default:
		return a->prov->lineGetID(a->hdl, a->addr, a->hdc, a->select, buf, a->cls, NULL);
	}
}

/* The provider fills a buffer of ours (once more with the size it asks for); tables
 * unlocked meanwhile. */
static LONG lfill_temp(const struct lfill_arg *a, DWORD min_used, void **out)
{
	DWORD size = 4096;
	LONG rc;

	for (int round = 0; round < 2; round++) {
		DWORD *buf = calloc(1, size);

		if (!buf)
			return LINEERR_NOMEM;
		buf[0] = size;
		tapi_unlock_tables();
		rc = lfill_call(a, buf);
		tapi_lock_tables();
		if (rc) {
			free(buf);
			return rc;
		}
		if (buf[1] > size && buf[1] <= (1u << 20) && round == 0) {
			size = buf[1];
			free(buf);
			continue;
		}
		/* What the provider wrote is only trusted within what it says it used. */
		if (buf[2] > size || buf[2] < min_used) {
			tapi_log("%s: a structure claims %u bytes used", a->prov->path, buf[2]);
			free(buf);
			return LINEERR_OPERATIONFAILED;
		}
		*out = buf;
		return 0;
	}
	return LINEERR_OPERATIONFAILED;
}

/* Writes the provider's structure st for the application, UTF-16 items in UTF-8 for ...A. */
static LONG lwrite(void *out, const void *st, DWORD fixed, struct tapi_var *items, size_t n,
		   bool ansi)
{
	char *bufs[32] = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (!items[i].data && tapi_var_read(st, ((const DWORD *)st)[2], &items[i]) < 0) {
			tapi_log("a provider's structure has an item outside it");
			return LINEERR_OPERATIONFAILED;
		}
	}
	if (ansi && tapi_var_to_utf8(items, n, bufs) < 0)
		return LINEERR_NOMEM;
	tapi_var_write(out, st, fixed, items, n);
	for (size_t i = 0; i < n; i++)
		free(bufs[i]);
	return 0;
}

#define VAR(type, f, u) { .field = offsetof(type, f), .utf16 = (u) }

static DWORD devcaps_fixed(DWORD api)
{
	if (api >= TAPI_VERSION3_0)
		return sizeof(LINEDEVCAPS);
	if (api >= TAPI_VERSION2_2)
		return offsetof(LINEDEVCAPS, dwAddressTypes);
	return offsetof(LINEDEVCAPS, PermanentLineGuid);
}

static LONG app_device(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD api, DWORD ext, void *out,
		       struct tapi_line_dev **dev)
{
	struct tapi_app *app;
	LONG rc = enter_line_app(hLineApp, &app);

	if (rc)
		return rc;
	if (!out)
		return tapi_leave(LINEERR_INVALPOINTER);
	*dev = tapi_line_dev_get(dwDeviceID);
	if (!*dev)
		return tapi_leave(LINEERR_BADDEVICEID);
	if ((*dev)->removed || !(*dev)->ready)
		return tapi_leave(LINEERR_NODEVICE);
	if (!tapi_api_version_ok(api))
		return tapi_leave(LINEERR_INCOMPATIBLEAPIVERSION);
	if (ext)
		return tapi_leave(LINEERR_INCOMPATIBLEEXTVERSION);
	return 0;
}

static LONG get_dev_caps(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD api, DWORD ext,
			 LPLINEDEVCAPS out, bool ansi)
{
	struct tapi_line_dev *dev;
	LINEDEVCAPS *caps;
	DWORD fixed = devcaps_fixed(api);
	LONG rc = app_device(hLineApp, dwDeviceID, api, ext, out, &dev);

	if (rc)
		return rc;
	if (out->dwTotalSize < fixed)
		return tapi_leave(LINEERR_STRUCTURETOOSMALL);
	if (!dev->prov->lineGetDevCaps)
		return tapi_leave(LINEERR_OPERATIONUNAVAIL);
	struct lfill_arg a = { .prov = dev->prov, .kind = LF_DEVCAPS, .id = dev->id,
			       .version = api < dev->tspi_version ? api : dev->tspi_version };
	rc = lfill_temp(&a, offsetof(LINEDEVCAPS, PermanentLineGuid), (void **)&caps);
	if (rc)
		return tapi_leave(rc);
	struct tapi_var items[] = {
		VAR(LINEDEVCAPS, dwProviderInfoSize, true),
		VAR(LINEDEVCAPS, dwSwitchInfoSize, true),
		VAR(LINEDEVCAPS, dwLineNameSize, true),
		VAR(LINEDEVCAPS, dwTerminalCapsSize, false),
		VAR(LINEDEVCAPS, dwTerminalTextSize, false),
		VAR(LINEDEVCAPS, dwDevSpecificSize, false),
		VAR(LINEDEVCAPS, dwDeviceClassesSize, true),
	};
	rc = lwrite(out, caps, fixed, items, sizeof(items) / sizeof(items[0]), ansi);
	free(caps);
	return tapi_leave(rc);
}

LONG WINAPI lineGetDevCapsA(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAPIVersion,
			    DWORD dwExtVersion, LPLINEDEVCAPS lpLineDevCaps)
{
	return get_dev_caps(hLineApp, dwDeviceID, dwAPIVersion, dwExtVersion, lpLineDevCaps, true);
}

LONG WINAPI lineGetDevCapsW(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAPIVersion,
			    DWORD dwExtVersion, LPLINEDEVCAPS lpLineDevCaps)
{
	return get_dev_caps(hLineApp, dwDeviceID, dwAPIVersion, dwExtVersion, lpLineDevCaps,
			    false);
}

static LONG get_address_caps(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAddressID, DWORD api,
			     DWORD ext, LPLINEADDRESSCAPS out, bool ansi)
{
	struct tapi_line_dev *dev;
	LINEADDRESSCAPS *caps;
	LONG rc = app_device(hLineApp, dwDeviceID, api, ext, out, &dev);

	if (rc)
		return rc;
	if (out->dwTotalSize < sizeof(LINEADDRESSCAPS))
		return tapi_leave(LINEERR_STRUCTURETOOSMALL);
	if (!dev->prov->lineGetAddressCaps)
		return tapi_leave(LINEERR_OPERATIONUNAVAIL);
	struct lfill_arg a = { .prov = dev->prov, .kind = LF_ADDRCAPS, .id = dev->id,
			       .addr = dwAddressID,
			       .version = api < dev->tspi_version ? api : dev->tspi_version };
	rc = lfill_temp(&a, sizeof(LINEADDRESSCAPS), (void **)&caps);
	if (rc)
		return tapi_leave(rc);
	caps->dwLineDeviceID = dev->id;
	struct tapi_var items[] = {
		VAR(LINEADDRESSCAPS, dwAddressSize, true),
		VAR(LINEADDRESSCAPS, dwDevSpecificSize, false),
		VAR(LINEADDRESSCAPS, dwCompletionMsgTextSize, false),
		VAR(LINEADDRESSCAPS, dwCallTreatmentListSize, false),
		VAR(LINEADDRESSCAPS, dwDeviceClassesSize, true),
	};
	rc = lwrite(out, caps, sizeof(LINEADDRESSCAPS), items, sizeof(items) / sizeof(items[0]),
		    ansi);
	free(caps);
	return tapi_leave(rc);
}

LONG WINAPI lineGetAddressCapsA(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAddressID,
				DWORD dwAPIVersion, DWORD dwExtVersion,
				LPLINEADDRESSCAPS lpAddressCaps)
{
	return get_address_caps(hLineApp, dwDeviceID, dwAddressID, dwAPIVersion, dwExtVersion,
				lpAddressCaps, true);
}

LONG WINAPI lineGetAddressCapsW(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAddressID,
				DWORD dwAPIVersion, DWORD dwExtVersion,
				LPLINEADDRESSCAPS lpAddressCaps)
{
	return get_address_caps(hLineApp, dwDeviceID, dwAddressID, dwAPIVersion, dwExtVersion,
				lpAddressCaps, false);
}

static LONG get_dev_status(HLINE hLine, LPLINEDEVSTATUS out, bool ansi)
{
	struct tapi_line *l, *all[64];
	LINEDEVSTATUS *st;
	DWORD media = 0;
	size_t n;
	LONG rc = enter_line(hLine, &l);

	if (rc)
		return rc;
	if (!out)
		return tapi_leave(LINEERR_INVALPOINTER);
	if (out->dwTotalSize < sizeof(LINEDEVSTATUS))
		return tapi_leave(LINEERR_STRUCTURETOOSMALL);
	if (!l->dev->open || !l->dev->prov->lineGetLineDevStatus)
		return tapi_leave(LINEERR_OPERATIONUNAVAIL);
	struct lfill_arg a = { .prov = l->dev->prov, .kind = LF_DEVSTATUS, .hdl = l->dev->hd };
	rc = lfill_temp(&a, sizeof(LINEDEVSTATUS), (void **)&st);
	if (rc)
		return tapi_leave(rc);
	/* The opens are TAPI's to count. */
	l = tapi_line_get(hLine);
	if (!l) {
		free(st);
		return tapi_leave(LINEERR_INVALLINEHANDLE);
	}
	n = tapi_lines_of(l->dev, NULL, all, 64);
	for (size_t i = 0; i < n; i++)
		media |= all[i]->media_modes;
	st->dwNumOpens = (DWORD)n;
	st->dwOpenMediaModes = media;
	struct tapi_var items[] = {
		VAR(LINEDEVSTATUS, dwTerminalModesSize, false),
		VAR(LINEDEVSTATUS, dwDevSpecificSize, false),
		{ .field = offsetof(LINEDEVSTATUS, dwAppInfoSize), .data = "", .size = 0 },
	};
	rc = lwrite(out, st, sizeof(LINEDEVSTATUS), items, sizeof(items) / sizeof(items[0]), ansi);
	free(st);
	return tapi_leave(rc);
}

LONG WINAPI lineGetLineDevStatusA(HLINE hLine, LPLINEDEVSTATUS lpLineDevStatus)
{
	return get_dev_status(hLine, lpLineDevStatus, true);
}

LONG WINAPI lineGetLineDevStatusW(HLINE hLine, LPLINEDEVSTATUS lpLineDevStatus)
{
	return get_dev_status(hLine, lpLineDevStatus, false);
}

static LONG get_address_status(HLINE hLine, DWORD dwAddressID, LPLINEADDRESSSTATUS out,
			       bool ansi)
{
	struct tapi_line *l;
	LINEADDRESSSTATUS *st;
	LONG rc = enter_line(hLine, &l);

	if (rc)
		return rc;
	if (!out)
		return tapi_leave(LINEERR_INVALPOINTER);
	if (out->dwTotalSize < sizeof(LINEADDRESSSTATUS))
		return tapi_leave(LINEERR_STRUCTURETOOSMALL);
	if (!l->dev->open || !l->dev->prov->lineGetAddressStatus)
		return tapi_leave(LINEERR_OPERATIONUNAVAIL);
	struct lfill_arg a = { .prov = l->dev->prov, .kind = LF_ADDRSTATUS, .hdl = l->dev->hd,
			       .addr = dwAddressID };
	rc = lfill_temp(&a, sizeof(LINEADDRESSSTATUS), (void **)&st);
	if (rc)
		return tapi_leave(rc);
	struct tapi_var items[] = {
		VAR(LINEADDRESSSTATUS, dwForwardSize, false),
		VAR(LINEADDRESSSTATUS, dwTerminalModesSize, false),
		VAR(LINEADDRESSSTATUS, dwDevSpecificSize, false),
	};
	rc = lwrite(out, st, sizeof(LINEADDRESSSTATUS), items, sizeof(items) / sizeof(items[0]),
		    ansi);
	free(st);
	return tapi_leave(rc);
}

LONG WINAPI lineGetAddressStatusA(HLINE hLine, DWORD dwAddressID,
				  LPLINEADDRESSSTATUS lpAddressStatus)
{
	return get_address_status(hLine, dwAddressID, lpAddressStatus, true);
}

LONG WINAPI lineGetAddressStatusW(HLINE hLine, DWORD dwAddressID,
				  LPLINEADDRESSSTATUS lpAddressStatus)
{
	return get_address_status(hLine, dwAddressID, lpAddressStatus, false);
}

static bool is_class(const WCHAR *cls, const char *want)
{
	for (size_t i = 0; ; i++) {
		WCHAR c = cls[i];

		if (c >= 'A' && c <= 'Z')
			c = (WCHAR)(c - 'A' + 'a');
		if (c != (WCHAR)(unsigned char)want[i])
			return false;
		if (!want[i])
			return true;
	}
}

static LONG get_id(HLINE hLine, DWORD dwAddressID, HCALL hCall, DWORD dwSelect,
		   LPVARSTRING out, const WCHAR *cls, bool ansi)
{
	struct tapi_line_dev *dev;
	struct tapi_line *l = NULL;
	struct tapi_call *c = NULL;
	VARSTRING *vs;
	LONG rc;

	rc = tapi_enter(LINEERR_UNINITIALIZED);
	if (rc)
		return rc;
	if (dwSelect == LINECALLSELECT_CALL) {
		c = tapi_call_get(hCall);
		if (!c || !c->published)
			return tapi_leave(LINEERR_INVALCALLHANDLE);
		dev = c->tc->dev;
	} else if (dwSelect == LINECALLSELECT_LINE || dwSelect == LINECALLSELECT_ADDRESS) {
		l = tapi_line_get(hLine);
		if (!l)
			return tapi_leave(LINEERR_INVALLINEHANDLE);
		dev = l->dev;
	} else {
		return tapi_leave(LINEERR_INVALCALLSELECT);
	}
	if (!out || !cls)
		return tapi_leave(LINEERR_INVALPOINTER);
	if (out->dwTotalSize < VARSTRING_SIZE)
		return tapi_leave(LINEERR_STRUCTURETOOSMALL);
	if (!cls[0])
		return tapi_leave(LINEERR_INVALDEVICECLASS);
	/* TAPI answers its own class: the line's device id, as a DWORD. */
	if (is_class(cls, "tapi/line")) {
		VARSTRING fixed = { .dwStringFormat = STRINGFORMAT_BINARY };
		struct tapi_var item = { .field = offsetof(VARSTRING, dwStringSize),
					 .data = &dev->id, .size = sizeof(DWORD) };

		tapi_var_write(out, &fixed, VARSTRING_SIZE, &item, 1);
		return tapi_leave(0);
	}
	if (!dev->open || !dev->prov->lineGetID)
		return tapi_leave(LINEERR_INVALDEVICECLASS);
	struct lfill_arg a = { .prov = dev->prov, .kind = LF_ID, .hdl = dev->hd,
			       .hdc = c ? c->tc->hd : NULL, .addr = dwAddressID,
			       .select = dwSelect, .cls = cls };
	rc = lfill_temp(&a, VARSTRING_SIZE, (void **)&vs);
	if (rc)
		return tapi_leave(rc);
	struct tapi_var item = { .field = offsetof(VARSTRING, dwStringSize),
				 .utf16 = vs->dwStringFormat == STRINGFORMAT_UNICODE };
	if (ansi && item.utf16)
		vs->dwStringFormat = STRINGFORMAT_ASCII;
	rc = lwrite(out, vs, VARSTRING_SIZE, &item, 1, ansi);
	free(vs);
	return tapi_leave(rc);
}

LONG WINAPI lineGetIDA(HLINE hLine, DWORD dwAddressID, HCALL hCall, DWORD dwSelect,
		       LPVARSTRING lpDeviceID, LPCSTR lpszDeviceClass)
{
	WCHAR *cls = NULL;
	DWORD bytes;
	LONG rc;

	if (lpszDeviceClass) {
		/* Bounded as the other A forms' strings: a longer one is refused, not cut. */
		int r = tapi_utf8_dup(lpszDeviceClass, TAPI_MAX_ARG_UNITS, &cls, &bytes);

		if (r == -ENOMEM)
			return LINEERR_NOMEM;
		if (r < 0)
			return LINEERR_INVALDEVICECLASS;
	}
	rc = get_id(hLine, dwAddressID, hCall, dwSelect, lpDeviceID, cls, true);
	free(cls);
	return rc;
}

LONG WINAPI lineGetIDW(HLINE hLine, DWORD dwAddressID, HCALL hCall, DWORD dwSelect,
		       LPVARSTRING lpDeviceID, LPCWSTR lpszDeviceClass)
{
	return get_id(hLine, dwAddressID, hCall, dwSelect, lpDeviceID, lpszDeviceClass, false);
}

/* --- status messages and digits --------------------------------------------------------- */

#define ALL_LINE_STATES (LINEDEVSTATE_REMOVED | (LINEDEVSTATE_REMOVED - 1))
#define ALL_ADDRESS_STATES (LINEADDRESSSTATE_CAPSCHANGE | (LINEADDRESSSTATE_CAPSCHANGE - 1))

LONG WINAPI lineSetStatusMessages(HLINE hLine, DWORD dwLineStates, DWORD dwAddressStates)
{
	struct tapi_line *l, *all[64];
	DWORD states = 0, addr = 0;
	HDRVLINE hd;
	size_t n;
	LONG rc = enter_line(hLine, &l);

	if (rc)
		return rc;
	if (dwLineStates & ~ALL_LINE_STATES)
		return tapi_leave(LINEERR_INVALLINESTATE);
	if (dwAddressStates & ~ALL_ADDRESS_STATES)
		return tapi_leave(LINEERR_INVALADDRESSSTATE);
	l->line_states = dwLineStates;
	l->address_states = dwAddressStates;
	/* The provider gets the union of what the opens of its line asked for. */
	n = tapi_lines_of(l->dev, NULL, all, 64);
	for (size_t i = 0; i < n; i++) {
		states |= all[i]->line_states;
		addr |= all[i]->address_states;
	}
	if (!l->dev->open || !l->dev->prov->lineSetStatusMessages)
		return tapi_leave(0);
	hd = l->dev->hd;
	struct tapi_provider *prov = l->dev->prov;
	tapi_unlock_tables();
	rc = prov->lineSetStatusMessages(hd, states, addr);
	tapi_lock_tables();
	return tapi_leave(rc);
}

#define DIGIT_MODES (LINEDIGITMODE_PULSE | LINEDIGITMODE_DTMF | LINEDIGITMODE_DTMFEND)

LONG WINAPI lineMonitorDigits(HCALL hCall, DWORD dwDigitModes)
{
	struct tapi_call *c, *all[64];
	struct tapi_provider *prov;
	DWORD modes = 0;
	HDRVCALL hd;
	size_t n;
	LONG rc = enter_call(hCall, &c);

	if (rc)
		return rc;
	if (dwDigitModes & ~DIGIT_MODES)
		return tapi_leave(LINEERR_INVALDIGITMODE);
	prov = c->tc->dev->prov;
	if (!c->tc->dev->open || !c->tc->hd || !prov->lineMonitorDigits)
		return tapi_leave(LINEERR_OPERATIONUNAVAIL);
	c->monitor_digits = dwDigitModes;
	/* Each application monitors on its own handle; the provider monitors for all. */
	n = tapi_calls_of(c->tc, 0, all, 64);
	for (size_t i = 0; i < n; i++)
		modes |= all[i]->monitor_digits;
	hd = c->tc->hd;
	tapi_unlock_tables();
	rc = prov->lineMonitorDigits(hd, modes);
	tapi_lock_tables();
	return tapi_leave(rc);
}

static LONG generate_digits(HCALL hCall, DWORD dwDigitMode, WCHAR *digits, DWORD dwDuration)
{
	struct tapi_provider *prov;
	struct tapi_call *c;
	HDRVCALL hd;
	LONG rc = enter_call(hCall, &c);

	if (rc) {
		free(digits);
		return rc;
	}
	prov = c->tc->dev->prov;
	if (c->privilege != LINECALLPRIVILEGE_OWNER)
		rc = LINEERR_NOTOWNER;
	else if (dwDigitMode != LINEDIGITMODE_PULSE && dwDigitMode != LINEDIGITMODE_DTMF)
		rc = LINEERR_INVALDIGITMODE;
	else if (!c->tc->dev->open || !c->tc->hd || !prov->lineGenerateDigits)
		rc = LINEERR_OPERATIONUNAVAIL;
	if (rc) {
		free(digits);
		return tapi_leave(rc);
	}
	hd = c->tc->hd;
	tapi_unlock_tables();
	/* The end-to-end id comes back in LINE_GENERATE's dwParam2: the application's handle. */
	rc = prov->lineGenerateDigits(hd, hCall, dwDigitMode, digits, dwDuration);
	tapi_lock_tables();
	free(digits);
	return tapi_leave(rc);
}

LONG WINAPI lineGenerateDigitsA(HCALL hCall, DWORD dwDigitMode, LPCSTR lpszDigits,
				DWORD dwDuration)
{
	WCHAR *digits = NULL;

	if (lpszDigits) {
		int rc = tapi_utf8_dup(lpszDigits, TAPI_MAX_ARG_UNITS, &digits, NULL);

		if (rc < 0)
			return rc == -ENOMEM ? LINEERR_NOMEM : LINEERR_INVALDIGITS;
	}
	return generate_digits(hCall, dwDigitMode, digits, dwDuration);
}

LONG WINAPI lineGenerateDigitsW(HCALL hCall, DWORD dwDigitMode, LPCWSTR lpszDigits,
				DWORD dwDuration)
{
	WCHAR *digits = NULL;

	if (lpszDigits) {
		int rc = tapi_utf16_dup(lpszDigits, TAPI_MAX_ARG_UNITS, &digits, NULL);

		if (rc < 0)
			return rc == -ENOMEM ? LINEERR_NOMEM : LINEERR_INVALDIGITS;
	}
	return generate_digits(hCall, dwDigitMode, digits, dwDuration);
}
