/*
 * Line devices: the table, the guard, and the TSPI functions about a line as a device
 * (capabilities, status, open and close, ids). See line.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls/call-config.h"
#include "loop/event-loop.h"
#include "dispatch.h"
#include "errors.h"
#include "line.h"
#include "log.h"
#include "phone.h"
#include "phone-audio.h"
#include "phone-io.h"
#include "provider.h"
#include "varstruct.h"

#define LINE_MEDIA_MODES (LINEMEDIAMODE_INTERACTIVEVOICE)

/* --- the guard ------------------------------------------------------------------------- */

static struct tsp_line *line_by_handle(uint64_t h)
{
	if (!tsp.initialized || h == 0)
		return NULL;
	for (size_t i = 0; i < tsp.n_lines; i++) {
		if (tsp.lines[i]->handle == h && !tsp.lines[i]->removed)
			return tsp.lines[i];
	}
	return NULL;
}

static struct tsp_line *line_by_id(uint32_t id)
{
	if (!tsp.initialized || id == TSP_NO_ID)
		return NULL;
	for (size_t i = 0; i < tsp.n_lines; i++) {
		if (tsp.lines[i]->device_id == id && !tsp.lines[i]->removed)
			return tsp.lines[i];
	}
	return NULL;
}

struct tsp_line *tsp_enter_line(HDRVLINE handle)
{
	struct tsp_line *l;

	pthread_mutex_lock(&tsp.lock);
	l = line_by_handle((uint64_t)(uintptr_t)handle);
	if (!l)
		pthread_mutex_unlock(&tsp.lock);
	return l;
}

struct tsp_line *tsp_enter_line_id(DWORD device_id, DWORD version, LONG *err)
{
	struct tsp_line *l;

	pthread_mutex_lock(&tsp.lock);
	l = line_by_id(device_id);
	*err = !l ? LINEERR_BADDEVICEID :
	       version && !tsp_version_ok(version) ? LINEERR_INCOMPATIBLEAPIVERSION : 0;
	if (*err) {
		pthread_mutex_unlock(&tsp.lock);
		return NULL;
	}
	return l;
}

struct tsp_call *tsp_enter_call(HDRVCALL handle)
{
	uint64_t h = (uint64_t)(uintptr_t)handle;

	pthread_mutex_lock(&tsp.lock);
	for (size_t i = 0; h && tsp.initialized && i < tsp.n_lines; i++) {
		for (struct tsp_call *c = tsp.lines[i]->calls; c; c = c->next) {
			if (c->handle == h && !c->closed)
				return c;
		}
	}
	pthread_mutex_unlock(&tsp.lock);
	return NULL;
}

/* --- provider life --------------------------------------------------------------------- */

static int add_line(const struct call_line_config *cfg, struct phone *p, bool listen)
{
	struct tsp_line *l;
	struct tsp_line **n;

	n = realloc(tsp.lines, (tsp.n_lines + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	tsp.lines = n;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->cfg = *cfg;
	l->phone = p;
	l->listen = listen;
	l->device_id = TSP_NO_ID;
	/* The phone's permanent id with the line's name: stable for the same phone and file. */
	l->permanent_id = p->permanent_id;
	for (const char *s = cfg->name; *s; s++)
		l->permanent_id = (l->permanent_id ^ (uint8_t)*s) * 16777619u;
	tsp.lines[tsp.n_lines++] = l;
	return 0;
}

static bool phone_has_line(const struct phone *p)
{
	for (size_t i = 0; i < tsp.n_lines; i++) {
		if (tsp.lines[i]->phone == p)
			return true;
	}
	return false;
}

/* The phone a configured line names: first, VID:PID or a serial number. */
static struct phone *phone_for(const char *want)
{
	unsigned vid, pid;
	char tail;

	for (size_t i = 0; i < tsp.n_phones; i++) {
		struct phone *p = tsp.phones[i];

		if (p->removed || phone_has_line(p))
			continue;
		if (strcmp(want, "first") == 0)
			return p;
		if (sscanf(want, "%x:%x%c", &vid, &pid, &tail) == 2 && vid == p->info.vendor &&
		    pid == p->info.product)
			return p;
		if (p->info.serial[0] && strcmp(want, p->info.serial) == 0)
			return p;
	}
	return NULL;
}

uint32_t tsp_line_of_phone(const struct phone *p)
{
	for (size_t i = 0; i < tsp.n_lines; i++) {
		if (tsp.lines[i]->phone == p && !tsp.lines[i]->removed)
			return tsp.lines[i]->device_id;
	}
	return TSP_NO_ID;
}

/* The configuration read at enumeration, kept for phones plugged in later (lock held). */
static struct call_config cfg;
static bool cfg_used[CALL_CONFIG_MAX_LINES];

/* The embedded default's name for a new line: phoneN, the lowest N no line has (a removed
 * one has none), so a phone plugged in again gets its old name and SIP address back when
 * they are free. Its SIP stack starts on the loop after the removed line's has closed. */
static void default_name(char *name, size_t size)
{
	for (unsigned n = 1;; n++) {
		size_t i;

		snprintf(name, size, "phone%u", n);
		for (i = 0; i < tsp.n_lines; i++) {
			if (!tsp.lines[i]->removed && strcmp(tsp.lines[i]->cfg.name, name) == 0)
				break;
		}
		if (i == tsp.n_lines)
			return;
	}
}

void tsp_lines_build(void)
{
	struct call_config_error err;
	int rc;

	memset(cfg_used, 0, sizeof(cfg_used));

	rc = call_config_load(&cfg, &err);
	if (rc < 0)
		tsp_log(TSP_LOG_ERROR, "%s", err.msg);
	if (cfg.nlines) {
		for (unsigned i = 0; i < cfg.nlines; i++) {
			struct phone *p = phone_for(cfg.line[i].phone);

			if (!p) {
				tsp_log(TSP_LOG_WARNING, "line %s: no phone \"%s\"; the line waits "
					"for the next enumeration", cfg.line[i].name,
					cfg.line[i].phone);
				continue;
			}
			if (add_line(&cfg.line[i], p, true) < 0)
				tsp_log(TSP_LOG_ERROR, "line %s: out of memory", cfg.line[i].name);
			else
				cfg_used[i] = true;
		}
	} else {
		/* The embedded default: direct SIP calls, one line per phone. */
		for (size_t i = 0; i < tsp.n_phones; i++) {
			struct call_line_config lc;
			char name[32];

			if (tsp.phones[i]->removed || phone_has_line(tsp.phones[i]))
				continue;
			default_name(name, sizeof(name));
			call_line_config_defaults(&lc, name);
			if (add_line(&lc, tsp.phones[i], false) < 0)
				tsp_log(TSP_LOG_ERROR, "line %s: out of memory", name);
		}
	}
	tsp_line_engine_start();
}

void tsp_lines_phone_added(struct phone *p)
{
	size_t before = tsp.n_lines;
	char name[32];

	if (cfg.nlines) {
		for (unsigned i = 0; i < cfg.nlines; i++) {
			if (cfg_used[i] || phone_for(cfg.line[i].phone) != p)
				continue;
			if (add_line(&cfg.line[i], p, true) == 0)
				cfg_used[i] = true;
			break;
		}
	} else if (!phone_has_line(p)) {
		struct call_line_config lc;

		default_name(name, sizeof(name));
		call_line_config_defaults(&lc, name);
		(void)add_line(&lc, p, false);
	}
	if (tsp.n_lines == before)
		return;
	/* TAPI answers LINE_CREATE with TSPI_providerCreateLineDevice, which gives the id. */
	tsp.lines[before]->temp_id = ++tsp.next_temp_id;
	if (tsp.line_create_proc)
		tsp_post_line_event(0, tsp.line_create_proc, NULL, NULL, LINE_CREATE,
				    (DWORD_PTR)tsp.hprovider, tsp.lines[before]->temp_id, 0);
	tsp_line_engine_start();
}

TSPI_EXPORT LONG TSPIAPI TSPI_providerCreateLineDevice(DWORD_PTR dwTempID, DWORD dwDeviceID)
{
	LONG result = LINEERR_BADDEVICEID;

	pthread_mutex_lock(&tsp.lock);
	for (size_t i = 0; tsp.enumerated && i < tsp.n_lines; i++) {
		struct tsp_line *l = tsp.lines[i];

		if (l->temp_id == dwTempID && l->device_id == TSP_NO_ID && !l->removed) {
			/* An id TAPI hands out twice would make two lines one. */
			if (dwDeviceID == TSP_NO_ID || line_by_id(dwDeviceID))
				break;
			l->device_id = dwDeviceID;
			result = 0;
			break;
		}
	}
	pthread_mutex_unlock(&tsp.lock);
	return result;
}

void tsp_lines_init(DWORD line_base, DWORD_PTR num_lines)
{
	tsp.line_base = line_base;
	for (size_t i = 0; i < tsp.n_lines; i++) {
		if (!tsp.lines[i]->temp_id)
			tsp.lines[i]->device_id = i < num_lines ? line_base + (uint32_t)i :
								  TSP_NO_ID;
	}
}

/* Ends the open; its calls go with it (all: also those of the phone TAPI never knew). */
static void close_line(struct tsp_line *l, bool forced, bool all)
{
	uint64_t h = l->handle;

	for (struct tsp_call *c = l->calls, *next; c; c = next) {
		next = c->next;
		if (all || c->announced) {
			tsp_line_call_unlink(c);
			tsp_line_call_dispose(c);
		}
	}
	if (!h)
		return;
	l->media_modes = 0;
	if (forced && l->proc)
		tsp_post_line_event(0, l->proc, l->htline, NULL, LINE_CLOSE, 0, 0, 0);
	l->handle = 0;
	l->proc = NULL;
	tsp_line_set_accepting(l);
	tsp_dispatch_forget(h);
	/* Last: the device's close releases the lock. */
	if (l->holds_phone) {
		l->holds_phone = false;
		tsp_phone_unhold(l->phone);
	}
}

void tsp_lines_phone_gone(struct phone *p)
{
	for (size_t i = 0; i < tsp.n_lines; i++) {
		struct tsp_line *l = tsp.lines[i];

		if (l->phone != p || l->removed)
			continue;
		close_line(l, true, true);
		l->removed = true;
		l->phone = NULL;
		/* A configured line is made again when its phone comes back. */
		for (unsigned k = 0; k < cfg.nlines; k++) {
			if (cfg_used[k] && strcmp(cfg.line[k].name, l->cfg.name) == 0)
				cfg_used[k] = false;
		}
		tsp_line_gone(l);
		if (l->device_id != TSP_NO_ID && tsp.line_create_proc)
			tsp_post_line_event(0, tsp.line_create_proc, NULL, NULL, LINE_REMOVE,
					    l->device_id, 0, 0);
		tsp_log(TSP_LOG_INFO, "line %s removed with its phone", l->cfg.name);
	}
}

void tsp_line_forget(struct tsp_line *l)
{
	pthread_mutex_lock(&tsp.lock);
	for (size_t i = 0; i < tsp.n_lines; i++) {
		if (tsp.lines[i] != l)
			continue;
		memmove(&tsp.lines[i], &tsp.lines[i + 1],
			(tsp.n_lines - i - 1) * sizeof(tsp.lines[0]));
		tsp.n_lines--;
		break;
	}
	pthread_mutex_unlock(&tsp.lock);
	/* After the events queued for it, as a call's memory. */
	tsp_post_cleanup(free, l);
}

void tsp_lines_stop(void)
{
	for (size_t i = 0; i < tsp.n_lines; i++) {
		tsp.lines[i]->proc = NULL;
		close_line(tsp.lines[i], false, true);
	}
}

void tsp_lines_free(void)
{
	for (size_t i = 0; i < tsp.n_lines; i++)
		free(tsp.lines[i]);
	free(tsp.lines);
	tsp.lines = NULL;
	tsp.n_lines = 0;
}

/* --- TSPI: the line as a device --------------------------------------------------------- */

LONG tsp_line_negotiate(DWORD dwDeviceID, DWORD low, DWORD high, LPDWORD version)
{
	LONG err;

	if (!tsp_enter_line_id(dwDeviceID, 0, &err))
		return err;
	if (tsp_negotiate(low, high, version) < 0)
		return tsp_leave(LINEERR_INCOMPATIBLEAPIVERSION);
	return tsp_leave(0);
}

/* Fixed part of each structure by version: 2.0's form, and the newest (3.0+) form. */
static uint32_t devcaps_fixed(DWORD v)
{
	return v >= TAPI_VERSION3_0 ? sizeof(LINEDEVCAPS) :
	       v >= TAPI_VERSION2_0 ? offsetof(LINEDEVCAPS, PermanentLineGuid) :
				      offsetof(LINEDEVCAPS, dwLineFeatures);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineGetDevCaps(DWORD dwDeviceID, DWORD dwTSPIVersion,
					     DWORD dwExtVersion, LPLINEDEVCAPS lpLineDevCaps)
{
	static const char *const classes[] = { "tapi/line", "tapi/phone", NULL };
	struct tsp_line *l;
	struct varstruct vs;
	uint32_t fixed;
	char name[200];
	LONG err;

	if (!lpLineDevCaps)
		return LINEERR_INVALPOINTER;
	l = tsp_enter_line_id(dwDeviceID, dwTSPIVersion, &err);
	if (!l)
		return err;
	if (dwExtVersion)
		return tsp_leave(LINEERR_INCOMPATIBLEEXTVERSION);
	fixed = devcaps_fixed(dwTSPIVersion);
	if (lpLineDevCaps->dwTotalSize < fixed)
		return tsp_leave(LINEERR_STRUCTURETOOSMALL);
	varstruct_init(&vs, lpLineDevCaps, lpLineDevCaps->dwTotalSize, fixed);
	lpLineDevCaps->dwPermanentLineID = l->permanent_id;
	lpLineDevCaps->dwStringFormat = STRINGFORMAT_UNICODE;
	lpLineDevCaps->dwAddressModes = LINEADDRESSMODE_ADDRESSID;
	lpLineDevCaps->dwNumAddresses = 1;
	lpLineDevCaps->dwBearerModes = LINEBEARERMODE_VOICE;
	lpLineDevCaps->dwMediaModes = LINE_MEDIA_MODES;
	lpLineDevCaps->dwGenerateDigitModes = LINEDIGITMODE_DTMF;
	lpLineDevCaps->dwMonitorDigitModes = LINEDIGITMODE_DTMF;
	lpLineDevCaps->dwMaxNumActiveCalls = 1;
	lpLineDevCaps->dwAnswerMode = LINEANSWERMODE_NONE;
	lpLineDevCaps->dwLineStates = LINEDEVSTATE_OPEN | LINEDEVSTATE_CLOSE |
				      LINEDEVSTATE_REMOVED | LINEDEVSTATE_RINGING |
				      LINEDEVSTATE_NUMCALLS;
	lpLineDevCaps->dwRingModes = 1;
	varstruct_add_string(&vs, "hidphone", &lpLineDevCaps->dwProviderInfoSize,
			     &lpLineDevCaps->dwProviderInfoOffset);
	snprintf(name, sizeof(name), "%s (%s)", l->cfg.name,
		 l->phone ? l->phone->info.product_name : "gone");
	varstruct_add_string(&vs, name, &lpLineDevCaps->dwLineNameSize,
			     &lpLineDevCaps->dwLineNameOffset);
	if (dwTSPIVersion >= TAPI_VERSION2_0) {
		lpLineDevCaps->dwLineFeatures = LINEFEATURE_MAKECALL;
		tsp_audio_add_classes(l->phone, classes, &vs, &lpLineDevCaps->dwDeviceClassesSize,
				      &lpLineDevCaps->dwDeviceClassesOffset);
	}
	if (dwTSPIVersion >= TAPI_VERSION3_0)
		lpLineDevCaps->dwAddressTypes = LINEADDRESSTYPE_SDP | LINEADDRESSTYPE_IPADDRESS;
	lpLineDevCaps->dwNeededSize = vs.needed;
	lpLineDevCaps->dwUsedSize = vs.used;
	return tsp_leave(0);
}

static uint32_t addrcaps_fixed(DWORD v)
{
	return v >= TAPI_VERSION3_0 ? sizeof(LINEADDRESSCAPS) :
	       v >= TAPI_VERSION2_0 ? offsetof(LINEADDRESSCAPS, dwAvailableMediaModes) :
				      offsetof(LINEADDRESSCAPS, dwPredictiveAutoTransferStates);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineGetAddressCaps(DWORD dwDeviceID, DWORD dwAddressID,
						 DWORD dwTSPIVersion, DWORD dwExtVersion,
						 LPLINEADDRESSCAPS lpAddressCaps)
{
	struct tsp_line *l;
	struct varstruct vs;
	uint32_t fixed;
	LONG err;

	if (!lpAddressCaps)
		return LINEERR_INVALPOINTER;
	l = tsp_enter_line_id(dwDeviceID, dwTSPIVersion, &err);
	if (!l)
		return err;
	if (dwAddressID != 0)
		return tsp_leave(LINEERR_INVALADDRESSID);
	if (dwExtVersion)
		return tsp_leave(LINEERR_INCOMPATIBLEEXTVERSION);
	fixed = addrcaps_fixed(dwTSPIVersion);
	if (lpAddressCaps->dwTotalSize < fixed)
		return tsp_leave(LINEERR_STRUCTURETOOSMALL);
	varstruct_init(&vs, lpAddressCaps, lpAddressCaps->dwTotalSize, fixed);
	lpAddressCaps->dwLineDeviceID = l->device_id;
	varstruct_add_string(&vs, l->cfg.user[0] ? l->cfg.user : l->cfg.name,
			     &lpAddressCaps->dwAddressSize, &lpAddressCaps->dwAddressOffset);
	lpAddressCaps->dwAddressSharing = LINEADDRESSSHARING_PRIVATE;
	lpAddressCaps->dwAddressStates = LINEADDRESSSTATE_INUSEZERO | LINEADDRESSSTATE_INUSEONE |
					 LINEADDRESSSTATE_NUMCALLS;
	lpAddressCaps->dwCallInfoStates = LINECALLINFOSTATE_APPSPECIFIC |
					  LINECALLINFOSTATE_CALLERID |
					  LINECALLINFOSTATE_CALLEDID;
	lpAddressCaps->dwCallerIDFlags = LINECALLPARTYID_ADDRESS | LINECALLPARTYID_NAME |
					 LINECALLPARTYID_UNKNOWN;
	lpAddressCaps->dwCalledIDFlags = LINECALLPARTYID_ADDRESS | LINECALLPARTYID_UNKNOWN;
	lpAddressCaps->dwCallStates = LINECALLSTATE_IDLE | LINECALLSTATE_OFFERING |
				      LINECALLSTATE_DIALTONE | LINECALLSTATE_DIALING |
				      LINECALLSTATE_PROCEEDING | LINECALLSTATE_RINGBACK |
				      LINECALLSTATE_CONNECTED | LINECALLSTATE_DISCONNECTED;
	lpAddressCaps->dwDialToneModes = LINEDIALTONEMODE_NORMAL;
	lpAddressCaps->dwDisconnectModes = LINEDISCONNECTMODE_NORMAL | LINEDISCONNECTMODE_BUSY |
					   LINEDISCONNECTMODE_REJECT |
					   LINEDISCONNECTMODE_NOANSWER |
					   LINEDISCONNECTMODE_UNREACHABLE |
					   LINEDISCONNECTMODE_BADADDRESS |
					   LINEDISCONNECTMODE_UNAVAIL;
	lpAddressCaps->dwMaxNumActiveCalls = 1;
	lpAddressCaps->dwAddrCapFlags = LINEADDRCAPFLAGS_DIALED;
	lpAddressCaps->dwCallFeatures = LINECALLFEATURE_ANSWER | LINECALLFEATURE_DIAL |
					LINECALLFEATURE_DROP | LINECALLFEATURE_GENERATEDIGITS |
					LINECALLFEATURE_MONITORDIGITS;
	lpAddressCaps->dwAddressFeatures = LINEADDRFEATURE_MAKECALL;
	if (dwTSPIVersion >= TAPI_VERSION3_0)
		lpAddressCaps->dwAvailableMediaModes = LINE_MEDIA_MODES;
	lpAddressCaps->dwNeededSize = vs.needed;
	lpAddressCaps->dwUsedSize = vs.used;
	return tsp_leave(0);
}

static uint32_t active_calls(const struct tsp_line *l)
{
	uint32_t n = 0;

	for (const struct tsp_call *c = l->calls; c; c = c->next)
		n += c->state && c->state != LINECALLSTATE_IDLE;
	return n;
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineGetAddressStatus(HDRVLINE hdLine, DWORD dwAddressID,
						   LPLINEADDRESSSTATUS lpAddressStatus)
{
	struct tsp_line *l;
	uint32_t n;

	if (!lpAddressStatus)
		return LINEERR_INVALPOINTER;
	l = tsp_enter_line(hdLine);
	if (!l)
		return LINEERR_INVALLINEHANDLE;
	if (dwAddressID != 0)
		return tsp_leave(LINEERR_INVALADDRESSID);
	if (lpAddressStatus->dwTotalSize < sizeof(LINEADDRESSSTATUS))
		return tsp_leave(LINEERR_STRUCTURETOOSMALL);
	memset(&lpAddressStatus->dwNeededSize, 0,
	       sizeof(LINEADDRESSSTATUS) - offsetof(LINEADDRESSSTATUS, dwNeededSize));
	n = active_calls(l);
	lpAddressStatus->dwNeededSize = lpAddressStatus->dwUsedSize = sizeof(LINEADDRESSSTATUS);
	lpAddressStatus->dwNumInUse = n ? 1 : 0;
	lpAddressStatus->dwNumActiveCalls = n;
	lpAddressStatus->dwAddressFeatures = n ? 0 : LINEADDRFEATURE_MAKECALL;
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineGetAddressID(HDRVLINE hdLine, LPDWORD lpdwAddressID,
					       DWORD dwAddressMode, LPCWSTR lpsAddress,
					       DWORD dwSize)
{
	(void)lpsAddress;
	(void)dwSize;
	if (!lpdwAddressID)
		return LINEERR_INVALPOINTER;
	if (!tsp_enter_line(hdLine))
		return LINEERR_INVALLINEHANDLE;
	if (dwAddressMode != LINEADDRESSMODE_DIALABLEADDR)
		return tsp_leave(LINEERR_INVALADDRESSMODE);
	*lpdwAddressID = 0; /* one address per line */
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineGetNumAddressIDs(HDRVLINE hdLine, LPDWORD lpdwNumAddressIDs)
{
	if (!lpdwNumAddressIDs)
		return LINEERR_INVALPOINTER;
	if (!tsp_enter_line(hdLine))
		return LINEERR_INVALLINEHANDLE;
	*lpdwNumAddressIDs = 1;
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineGetLineDevStatus(HDRVLINE hdLine, LPLINEDEVSTATUS lpLineDevStatus)
{
	struct tsp_line *l;
	uint32_t fixed;

	if (!lpLineDevStatus)
		return LINEERR_INVALPOINTER;
	l = tsp_enter_line(hdLine);
	if (!l)
		return LINEERR_INVALLINEHANDLE;
	fixed = l->version >= TAPI_VERSION2_0 ? sizeof(LINEDEVSTATUS) :
						offsetof(LINEDEVSTATUS, dwAvailableMediaModes);
	if (lpLineDevStatus->dwTotalSize < fixed)
		return tsp_leave(LINEERR_STRUCTURETOOSMALL);
	memset(&lpLineDevStatus->dwNeededSize, 0, fixed - offsetof(LINEDEVSTATUS, dwNeededSize));
	lpLineDevStatus->dwNeededSize = lpLineDevStatus->dwUsedSize = fixed;
	lpLineDevStatus->dwNumOpens = 1;
	lpLineDevStatus->dwOpenMediaModes = l->media_modes;
	lpLineDevStatus->dwNumActiveCalls = active_calls(l);
	lpLineDevStatus->dwLineFeatures = active_calls(l) ? 0 : LINEFEATURE_MAKECALL;
	lpLineDevStatus->dwDevStatusFlags = LINEDEVSTATUSFLAGS_CONNECTED |
					    LINEDEVSTATUSFLAGS_INSERVICE;
	if (fixed == sizeof(LINEDEVSTATUS))
		lpLineDevStatus->dwAvailableMediaModes = LINE_MEDIA_MODES;
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineOpen(DWORD dwDeviceID, HTAPILINE htLine, LPHDRVLINE lphdLine,
				       DWORD dwTSPIVersion, LINEEVENT lpfnEventProc)
{
	struct tsp_line *l;
	LONG err;

	if (!lphdLine || !lpfnEventProc)
		return LINEERR_INVALPOINTER;
	l = tsp_enter_line_id(dwDeviceID, dwTSPIVersion, &err);
	if (!l)
		return err;
	if (!dwTSPIVersion)
		return tsp_leave(LINEERR_INCOMPATIBLEAPIVERSION);
	/* TAPI opens a device once and shares it among its applications. */
	if (l->handle)
		return tsp_leave(LINEERR_ALLOCATED);
	l->handle = ++tsp.next_handle;
	l->htline = htLine;
	l->proc = lpfnEventProc;
	l->version = dwTSPIVersion;
	l->media_modes = 0;
	l->status_line = l->status_address = 0;
	*lphdLine = (HDRVLINE)(uintptr_t)l->handle;
	tsp_line_want_listen(l);
	/* The phone drives its line from now on, opened by the host or not: its device's I/O
	 * (the hook, the keypad, the ringer) runs while the line is open. */
	if (l->cfg.phone_drives_line && l->phone) {
		int rc = tsp_phone_hold(l->phone);

		if (rc < 0)
			tsp_log(TSP_LOG_WARNING, "line %s: its phone does not open (%s); it does "
				"not drive the line", l->cfg.name, strerror(-rc));
		l->holds_phone = rc == 0;
	}
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineClose(HDRVLINE hdLine)
{
	struct tsp_line *l = tsp_enter_line(hdLine);
	uint64_t h;

	if (!l)
		return LINEERR_INVALLINEHANDLE;
	h = l->handle;
	close_line(l, false, false);
	pthread_mutex_unlock(&tsp.lock);
	/* Nothing of this open reaches the host after the close returns. */
	tsp_dispatch_flush(h);
	return 0;
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineSetDefaultMediaDetection(HDRVLINE hdLine, DWORD dwMediaModes)
{
	struct tsp_line *l = tsp_enter_line(hdLine);

	if (!l)
		return LINEERR_INVALLINEHANDLE;
	/* UNKNOWN is how TAPI asks for "anything": a voice call is what comes. */
	if (dwMediaModes & ~(LINE_MEDIA_MODES | LINEMEDIAMODE_UNKNOWN))
		return tsp_leave(LINEERR_INVALMEDIAMODE);
	l->media_modes = dwMediaModes;
	/* Incoming calls are offered only while someone owns the line to take them. */
	tsp_line_set_accepting(l);
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineConditionalMediaDetection(HDRVLINE hdLine, DWORD dwMediaModes,
							    LPLINECALLPARAMS const lpCallParams)
{
	if (!lpCallParams)
		return LINEERR_INVALPOINTER;
	if (!tsp_enter_line(hdLine))
		return LINEERR_INVALLINEHANDLE;
	if (dwMediaModes & ~(LINE_MEDIA_MODES | LINEMEDIAMODE_UNKNOWN))
		return tsp_leave(LINEERR_INVALMEDIAMODE);
	if (lpCallParams->dwBearerMode && lpCallParams->dwBearerMode != LINEBEARERMODE_VOICE)
		return tsp_leave(LINEERR_INVALBEARERMODE);
	if (lpCallParams->dwAddressID != 0 &&
	    lpCallParams->dwAddressMode == LINEADDRESSMODE_ADDRESSID)
		return tsp_leave(LINEERR_INVALADDRESSID);
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineSetStatusMessages(HDRVLINE hdLine, DWORD dwLineStates,
						    DWORD dwAddressStates)
{
	struct tsp_line *l = tsp_enter_line(hdLine);

	if (!l)
		return LINEERR_INVALLINEHANDLE;
	if (dwLineStates & ~(LINEDEVSTATE_OPEN | LINEDEVSTATE_CLOSE | LINEDEVSTATE_REMOVED |
			     LINEDEVSTATE_OTHER | LINEDEVSTATE_RINGING |
			     LINEDEVSTATE_CONNECTED | LINEDEVSTATE_DISCONNECTED |
			     LINEDEVSTATE_INSERVICE | LINEDEVSTATE_OUTOFSERVICE |
			     LINEDEVSTATE_NUMCALLS | LINEDEVSTATE_REINIT))
		return tsp_leave(LINEERR_INVALLINESTATE);
	if (dwAddressStates & ~(LINEADDRESSSTATE_OTHER | LINEADDRESSSTATE_INUSEZERO |
				LINEADDRESSSTATE_INUSEONE | LINEADDRESSSTATE_NUMCALLS))
		return tsp_leave(LINEERR_INVALADDRESSSTATE);
	l->status_line = dwLineStates;
	l->status_address = dwAddressStates;
	return tsp_leave(0);
}

/* VARSTRING with one DWORD, STRINGFORMAT_BINARY: how TAPI hands out a device id. */
LONG tsp_varstring_id(LPVARSTRING vs, DWORD id)
{
	if (vs->dwTotalSize < VARSTRING_SIZE)
		return LINEERR_STRUCTURETOOSMALL;
	vs->dwNeededSize = VARSTRING_SIZE + sizeof(DWORD);
	vs->dwStringFormat = STRINGFORMAT_BINARY;
	if (vs->dwTotalSize < vs->dwNeededSize) {
		vs->dwUsedSize = VARSTRING_SIZE;
		vs->dwStringSize = vs->dwStringOffset = 0;
		return 0;
	}
	memcpy((uint8_t *)vs + VARSTRING_SIZE, &id, sizeof(id));
	vs->dwStringSize = sizeof(DWORD);
	vs->dwStringOffset = VARSTRING_SIZE;
	vs->dwUsedSize = vs->dwNeededSize;
	return 0;
}

bool tsp_class_is(LPCWSTR cls, const char *ascii)
{
	size_t i = 0;

	for (; ascii[i]; i++) {
		uint16_t c = ((const uint16_t *)cls)[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint16_t)(c - 'A' + 'a');
		if (c != (uint8_t)ascii[i])
			return false;
	}
	return ((const uint16_t *)cls)[i] == 0;
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineGetID(HDRVLINE hdLine, DWORD dwAddressID, HDRVCALL hdCall,
					DWORD dwSelect, LPVARSTRING lpDeviceID,
					LPCWSTR lpszDeviceClass, HANDLE hTargetProcess)
{
	struct tsp_line *l = NULL;
	struct tsp_call *c = NULL;

	(void)hTargetProcess;
	if (!lpDeviceID || !lpszDeviceClass)
		return LINEERR_INVALPOINTER;
	if (dwSelect == LINECALLSELECT_CALL) {
		c = tsp_enter_call(hdCall);
		if (!c)
			return LINEERR_INVALCALLHANDLE;
		l = c->line;
	} else if (dwSelect == LINECALLSELECT_LINE || dwSelect == LINECALLSELECT_ADDRESS) {
		l = tsp_enter_line(hdLine);
		if (!l)
			return LINEERR_INVALLINEHANDLE;
		if (dwSelect == LINECALLSELECT_ADDRESS && dwAddressID != 0)
			return tsp_leave(LINEERR_INVALADDRESSID);
	} else {
		return LINEERR_INVALCALLSELECT;
	}
	if (tsp_class_is(lpszDeviceClass, "tapi/line"))
		return tsp_leave(tsp_varstring_id(lpDeviceID, l->device_id));
	if (tsp_class_is(lpszDeviceClass, "tapi/phone")) {
		if (!l->phone || l->phone->device_id == TSP_NO_ID)
			return tsp_leave(LINEERR_NODEVICE);
		return tsp_leave(tsp_varstring_id(lpDeviceID, l->phone->device_id));
	}
	/* wave/in, wave/out, alsa/in, alsa/out: the audio of the line's phone, when it has a
	 * card right now. */
	switch (l->phone ? tsp_audio_get_id(l->phone, lpszDeviceClass, lpDeviceID) : -ENOENT) {
	case 0:
		return tsp_leave(0);
	case -ENOSPC:
		return tsp_leave(LINEERR_STRUCTURETOOSMALL);
	default:
		return tsp_leave(LINEERR_INVALDEVICECLASS);
	}
}
