/*
 * The line half of libtapi32: registration, negotiation and messages of line applications.
 * The tables and queues are tapi-registry's, shared with the phone half; a line
 * application's handle is of its own kind, so phone functions refuse it and the reverse.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "tapi-providers.h"
#include "tapi-registry.h"
#include "tapi-text.h"

#define MAX_NAME_UNITS 1024

/* The API versions offered, as for phones. */
static const DWORD line_api_versions[] = {
	TAPI_VERSION2_0, TAPI_VERSION2_1, TAPI_VERSION2_2, TAPI_VERSION3_0, TAPI_VERSION3_1,
};

/* tapi_take answers in PHONEERR_ terms; the same conditions as LINEERR_. */
static LONG line_err(LONG rc)
{
	if (rc == PHONEERR_INVALAPPHANDLE)
		return LINEERR_INVALAPPHANDLE;
	if (rc == PHONEERR_OPERATIONFAILED)
		return LINEERR_OPERATIONFAILED;
	if (rc == PHONEERR_NOMEM)
		return LINEERR_NOMEM;
	return rc;
}

/* Both locks held on success; nothing held on failure. */
static LONG enter_line_app(HLINEAPP h, struct tapi_app **app)
{
	pthread_mutex_lock(&tapi_api_lock);
	pthread_mutex_lock(&tapi_lock);
	if (!tapi_n_apps) {
		pthread_mutex_unlock(&tapi_lock);
		pthread_mutex_unlock(&tapi_api_lock);
		return LINEERR_UNINITIALIZED;
	}
	*app = tapi_line_app_get(h);
	if (!*app) {
		pthread_mutex_unlock(&tapi_lock);
		pthread_mutex_unlock(&tapi_api_lock);
		return LINEERR_INVALAPPHANDLE;
	}
	return 0;
}

static LONG leave(LONG rc)
{
	pthread_mutex_unlock(&tapi_lock);
	pthread_mutex_unlock(&tapi_api_lock);
	return rc;
}

static LONG initialize(LPHLINEAPP lphLineApp, WCHAR *name, DWORD name_size,
		       LPDWORD lpdwNumDevs, LPDWORD lpdwAPIVersion,
		       LPLINEINITIALIZEEXPARAMS params)
{
	struct tapi_app *app;
	LONG rc = 0;
	int fd;

	if (!lphLineApp || !lpdwNumDevs || !lpdwAPIVersion || !params)
		rc = LINEERR_INVALPOINTER;
	else if (params->dwTotalSize < sizeof(*params))
		rc = LINEERR_STRUCTURETOOSMALL;
	/* The hidden window and completion ports are Win32 objects; the event is a descriptor. */
	else if (params->dwOptions != LINEINITIALIZEEXOPTION_USEEVENT)
		rc = LINEERR_INVALPARAM;
	else if (*lpdwAPIVersion < TAPI_VERSION2_0)
		rc = LINEERR_INCOMPATIBLEAPIVERSION;
	if (rc) {
		free(name);
		return rc;
	}
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0) {
		free(name);
		return errno == ENOMEM ? LINEERR_NOMEM : LINEERR_RESOURCEUNAVAIL;
	}
	pthread_mutex_lock(&tapi_api_lock);
	if (!tapi_n_apps)
		tapi_providers_load();
	pthread_mutex_lock(&tapi_lock);
	app = tapi_line_app_new();
	if (!app) {
		bool none = !tapi_n_apps;

		pthread_mutex_unlock(&tapi_lock);
		if (none)
			tapi_providers_unload();
		pthread_mutex_unlock(&tapi_api_lock);
		close(fd);
		free(name);
		return LINEERR_NOMEM;
	}
	app->event_fd = fd;
	app->name = name;
	app->name_size = name_size;
	tapi_n_apps++;
	*lphLineApp = app->handle;
	*lpdwNumDevs = (DWORD)tapi_n_line_devs();
	*lpdwAPIVersion = TAPI_CURRENT_VERSION;
	params->dwNeededSize = params->dwUsedSize = sizeof(*params);
	params->Handles.hEvent = (HANDLE)(intptr_t)fd;
	return leave(0);
}

static WCHAR *default_name(DWORD *size)
{
	WCHAR *w = NULL;

	if (tapi_utf8_to_utf16(program_invocation_short_name,
			       strlen(program_invocation_short_name), &w, size) < 0)
		return NULL;
	return w;
}

LONG WINAPI lineInitializeExA(LPHLINEAPP lphLineApp, HINSTANCE hInstance,
			      LINECALLBACK lpfnCallback, LPCSTR lpszFriendlyAppName,
			      LPDWORD lpdwNumDevs, LPDWORD lpdwAPIVersion,
			      LPLINEINITIALIZEEXPARAMS lpLineInitializeExParams)
{
	WCHAR *name = NULL;
	DWORD size = 0;

	(void)hInstance;
	(void)lpfnCallback;
	if (lpszFriendlyAppName) {
		size_t len = strnlen(lpszFriendlyAppName, 4 * MAX_NAME_UNITS);

		if (len == 4 * MAX_NAME_UNITS)
			return LINEERR_INVALAPPNAME;
		int rc = tapi_utf8_to_utf16(lpszFriendlyAppName, len, &name, &size);
		if (rc == -EILSEQ)
			return LINEERR_INVALAPPNAME;
		if (rc < 0)
			return LINEERR_NOMEM;
	} else if (!(name = default_name(&size))) {
		return LINEERR_NOMEM;
	}
	return initialize(lphLineApp, name, size, lpdwNumDevs, lpdwAPIVersion,
			  lpLineInitializeExParams);
}

LONG WINAPI lineInitializeExW(LPHLINEAPP lphLineApp, HINSTANCE hInstance,
			      LINECALLBACK lpfnCallback, LPCWSTR lpszFriendlyAppName,
			      LPDWORD lpdwNumDevs, LPDWORD lpdwAPIVersion,
			      LPLINEINITIALIZEEXPARAMS lpLineInitializeExParams)
{
	WCHAR *name;
	DWORD size = 0;

	(void)hInstance;
	(void)lpfnCallback;
	if (lpszFriendlyAppName) {
		size_t n = tapi_utf16_len(lpszFriendlyAppName, MAX_NAME_UNITS);

		if (n == MAX_NAME_UNITS)
			return LINEERR_INVALAPPNAME;
		name = malloc((n + 1) * sizeof(WCHAR));
		if (!name)
			return LINEERR_NOMEM;
		memcpy(name, lpszFriendlyAppName, n * sizeof(WCHAR));
		name[n] = 0;
		size = (DWORD)((n + 1) * sizeof(WCHAR));
	} else if (!(name = default_name(&size))) {
		return LINEERR_NOMEM;
	}
	return initialize(lphLineApp, name, size, lpdwNumDevs, lpdwAPIVersion,
			  lpLineInitializeExParams);
}

LONG WINAPI lineShutdown(HLINEAPP hLineApp)
{
	struct tapi_app *app;
	bool last;
	LONG rc = enter_line_app(hLineApp, &app);

	if (rc)
		return rc;
	/* No lines are opened yet by this half, so the registration is all there is. */
	tapi_app_end(app);
	last = --tapi_n_apps == 0;
	pthread_mutex_unlock(&tapi_lock);
	if (last)
		tapi_providers_unload();
	pthread_mutex_unlock(&tapi_api_lock);
	return 0;
}

LONG WINAPI lineGetMessage(HLINEAPP hLineApp, LPLINEMESSAGE lpMessage, DWORD dwTimeout)
{
	struct tapi_app *app;
	PHONEMESSAGE m;
	LONG rc;

	/* Only the tables: a waiting application must not hold up the others' calls. */
	pthread_mutex_lock(&tapi_lock);
	if (!tapi_n_apps)
		rc = LINEERR_UNINITIALIZED;
	else if (!(app = tapi_line_app_get(hLineApp)))
		rc = LINEERR_INVALAPPHANDLE;
	else if (!lpMessage)
		rc = LINEERR_INVALPOINTER;
	else
		rc = line_err(tapi_take(app, &m, dwTimeout));
	pthread_mutex_unlock(&tapi_lock);
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
	DWORD version = 0;
	LONG rc = enter_line_app(hLineApp, &app);

	if (rc)
		return rc;
	if (!lpdwAPIVersion || !lpExtensionID)
		return leave(LINEERR_INVALPOINTER);
	dev = tapi_line_dev_get(dwDeviceID);
	if (!dev)
		return leave(LINEERR_BADDEVICEID);
	if (dev->removed || !dev->ready)
		return leave(LINEERR_NODEVICE);
	for (size_t i = sizeof(line_api_versions) / sizeof(line_api_versions[0]); i-- > 0;) {
		if (line_api_versions[i] >= dwAPILowVersion &&
		    line_api_versions[i] <= dwAPIHighVersion) {
			version = line_api_versions[i];
			break;
		}
	}
	if (!version)
		return leave(LINEERR_INCOMPATIBLEAPIVERSION);
	/* Providers are not asked for line extensions (TSPI_lineGetExtensionID) yet: none. */
	*lpdwAPIVersion = version;
	memset(lpExtensionID, 0, sizeof(*lpExtensionID));
	return leave(0);
}
