/*
 * The phone functions of the TAPI 2.x application API.
 *
 * Each call checks its arguments as Microsoft documents them, then what TAPI adds to the
 * provider (registration, privileges, request ids), and calls the provider with tapi_lock
 * released: a provider may call back from inside any TSPI function.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tapi-providers.h"
#include "tapi-registry.h"
#include "tapi-text.h"

/* What a monitor may not do: every PHONEFEATURE_SET... bit. */
#define OWNER_FEATURES (PHONEFEATURE_SETBUTTONINFO | PHONEFEATURE_SETDATA | \
	PHONEFEATURE_SETDISPLAY | PHONEFEATURE_SETGAINHANDSET | PHONEFEATURE_SETGAINSPEAKER | \
	PHONEFEATURE_SETGAINHEADSET | PHONEFEATURE_SETHOOKSWITCHHANDSET | \
	PHONEFEATURE_SETHOOKSWITCHSPEAKER | PHONEFEATURE_SETHOOKSWITCHHEADSET | \
	PHONEFEATURE_SETLAMP | PHONEFEATURE_SETRING | PHONEFEATURE_SETVOLUMEHANDSET | \
	PHONEFEATURE_SETVOLUMESPEAKER | PHONEFEATURE_SETVOLUMEHEADSET)

#define ALL_PHONESTATES 0x00FFFFFFu    /* OTHER .. REMOVED */
#define ALL_BUTTONMODES 0x0000003Fu
#define ALL_BUTTONSTATES 0x0000000Fu
#define ALL_HOOKSWITCHDEVS 0x00000007u
#define MAX_PROVIDER_STRUCT (1u << 20)

static bool one_bit(DWORD v, DWORD allowed)
{
	return v && !(v & (v - 1)) && !(v & ~allowed);
}

static DWORD min_dword(DWORD a, DWORD b)
{
	return a < b ? a : b;
}

/* --- entering and leaving --------------------------------------------------------------- */

/* Both locks held on success (tapi_leave releases them); nothing held on failure. */
static LONG enter_app(HPHONEAPP h, struct tapi_app **app)
{
	LONG rc = tapi_enter(PHONEERR_UNINITIALIZED);

	if (rc)
		return rc;
	*app = tapi_app_get(h);
	return *app ? 0 : tapi_leave(PHONEERR_INVALAPPHANDLE);
}

static LONG enter_phone(HPHONE h, struct tapi_phone **ph)
{
	LONG rc = tapi_enter(PHONEERR_UNINITIALIZED);

	if (rc)
		return rc;
	*ph = tapi_phone_get(h);
	return *ph ? 0 : tapi_leave(PHONEERR_INVALPHONEHANDLE);
}

/* A provider structure in a buffer of our own: calls fill(buf) and, if the provider needs
 * more room, once more with that much. */
struct fill {
	struct tapi_provider *prov;
	HDRVPHONE hd;
	DWORD id, version, lamp;
	LPCWSTR device_class;
	int kind;
};

enum { FILL_CAPS, FILL_STATUS, FILL_BUTTON, FILL_ID };

static LONG fill_call(const struct fill *f, void *buf)
{
	switch (f->kind) {
	case FILL_CAPS:
		return f->prov->phoneGetDevCaps(f->id, f->version, 0, buf);
	case FILL_STATUS:
		return f->prov->phoneGetStatus(f->hd, buf);
	case FILL_BUTTON:
		return f->prov->phoneGetButtonInfo(f->hd, f->lamp, buf);
	default:
		return f->prov->phoneGetID(f->hd, buf, f->device_class, NULL);
	}
}

static LONG fill_temp(const struct fill *f, DWORD *buf_size, void **out)
{
	DWORD size = 4096;
	LONG rc;

	for (int round = 0; round < 2; round++) {
		DWORD *buf = calloc(1, size);
		DWORD needed;

		if (!buf)
			return PHONEERR_NOMEM;
		buf[0] = size;
		tapi_unlock_tables();
		rc = fill_call(f, buf);
		tapi_lock_tables();
		needed = buf[1];
		if (rc || needed <= size || needed > MAX_PROVIDER_STRUCT || round == 1) {
			if (rc) {
				free(buf);
				return rc;
			}
			/* What the provider wrote is only trusted within what it says it used. */
			if (buf[2] > size || buf[2] < 12) {
				tapi_log("%s: a structure claims %u bytes used", f->prov->path, buf[2]);
				free(buf);
				return PHONEERR_OPERATIONFAILED;
			}
			*out = buf;
			*buf_size = size;
			return 0;
		}
		free(buf);
		size = needed;
	}
	return PHONEERR_OPERATIONFAILED;
}

/*
 * Writes a provider's structure for the application: the fixed part as edited by the
 * caller, the items as read from the provider's buffer (UTF-16 ones converted for ...A).
 */
static LONG write_struct(void *out, const void *src, DWORD used, DWORD fixed, const void *fixed_part,
			 struct tapi_var *items, size_t n, bool ansi, const char *what)
{
	char *bufs[16] = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (items[i].data)
			continue;    /* supplied by TAPI */
		if (tapi_var_read(src, used, &items[i]) < 0) {
			tapi_log("a provider's %s has an item outside it", what);
			return PHONEERR_OPERATIONFAILED;
		}
	}
	if (ansi && tapi_var_to_utf8(items, n, bufs) < 0)
		return PHONEERR_NOMEM;
	tapi_var_write(out, fixed_part, fixed, items, n);
	for (size_t i = 0; i < n; i++)
		free(bufs[i]);
	return 0;
}

/* --- registration ----------------------------------------------------------------------- */

LONG WINAPI phoneInitializeExA(LPHPHONEAPP lphPhoneApp, HINSTANCE hInstance,
			       PHONECALLBACK lpfnCallback, LPCSTR lpszFriendlyAppName,
			       LPDWORD lpdwNumDevs, LPDWORD lpdwAPIVersion,
			       LPPHONEINITIALIZEEXPARAMS lpPhoneInitializeExParams)
{
	(void)hInstance;
	(void)lpfnCallback;
	return tapi_initialize(false, lpszFriendlyAppName, true, lphPhoneApp, lpdwNumDevs,
			       lpdwAPIVersion, lpPhoneInitializeExParams);
}

LONG WINAPI phoneInitializeExW(LPHPHONEAPP lphPhoneApp, HINSTANCE hInstance,
			       PHONECALLBACK lpfnCallback, LPCWSTR lpszFriendlyAppName,
			       LPDWORD lpdwNumDevs, LPDWORD lpdwAPIVersion,
			       LPPHONEINITIALIZEEXPARAMS lpPhoneInitializeExParams)
{
	(void)hInstance;
	(void)lpfnCallback;
	return tapi_initialize(false, lpszFriendlyAppName, false, lphPhoneApp, lpdwNumDevs,
			       lpdwAPIVersion, lpPhoneInitializeExParams);
}

/*
 * One application's open ends (phoneClose, phoneShutdown): its outstanding replies are
 * suppressed, the others hear about the owner or monitor count, and the provider's phone
 * is closed after the last, or gets the new union of status messages. Both locks held;
 * tapi_lock is released around the provider call.
 */
static void close_phone(struct tapi_phone *ph, bool tell_app)
{
	struct tapi_phone_dev *dev = ph->dev;
	struct tapi_provider *prov = dev->prov;
	bool was_owner = ph->privilege == PHONEPRIVILEGE_OWNER;
	DWORD owners, monitors, states, modes, bstates;
	HDRVPHONE hd = dev->hd;

	tapi_requests_suppress(ph->handle, NULL);
	/* phoneClose's page: "the implementation sends a PHONE_CLOSE message". */
	if (tell_app)
		tapi_post(ph->app, ph->handle, PHONE_CLOSE, ph->instance, 0, 0, 0);
	tapi_phone_free(ph);
	tapi_notify_privileges(dev, NULL, was_owner, !was_owner);
	if (!dev->open)
		return;
	tapi_count_privileges(dev, &owners, &monitors, NULL);
	if (owners + monitors == 0) {
		dev->open = false;
		dev->hd = NULL;
		dev->states = dev->modes = dev->bstates = 0;
		tapi_unlock_tables();
		/* Completions of our requests still come, and are dropped as suppressed. */
		prov->phoneClose(hd);
		tapi_lock_tables();
		return;
	}
	tapi_status_union(dev, &states, &modes, &bstates);
	if (states != dev->states || modes != dev->modes || bstates != dev->bstates) {
		dev->states = states;
		dev->modes = modes;
		dev->bstates = bstates;
		tapi_unlock_tables();
		prov->phoneSetStatusMessages(hd, states, modes, bstates);
		tapi_lock_tables();
	}
}

LONG WINAPI phoneShutdown(HPHONEAPP hPhoneApp)
{
	struct tapi_phone *phones[64];
	HPHONE handles[64];
	struct tapi_app *app;
	size_t n;
	LONG rc = enter_app(hPhoneApp, &app);

	if (rc)
		return rc;
	/* Its phones, a batch at a time: each close leaves the tables for the provider call. */
	while ((n = tapi_phones_of(NULL, app, phones, 64)) > 0) {
		for (size_t i = 0; i < n; i++)
			handles[i] = phones[i]->handle;
		for (size_t i = 0; i < n; i++) {
			/* A forced close may have taken it while the tables were unlocked. */
			struct tapi_phone *ph = tapi_phone_get(handles[i]);

			if (ph)
				close_phone(ph, false);
		}
	}
	tapi_app_unregister(app);
	return 0;
}

LONG WINAPI phoneGetMessage(HPHONEAPP hPhoneApp, LPPHONEMESSAGE lpMessage, DWORD dwTimeout)
{
	return tapi_get_message(hPhoneApp, false, lpMessage, dwTimeout);
}

/* --- devices ---------------------------------------------------------------------------- */

static LONG device(DWORD id, struct tapi_phone_dev **dev)
{
	*dev = tapi_dev_get(id);
	if (!*dev)
		return PHONEERR_BADDEVICEID;
	if ((*dev)->removed || !(*dev)->ready)
		return PHONEERR_NODEVICE;
	return 0;
}

LONG WINAPI phoneNegotiateAPIVersion(HPHONEAPP hPhoneApp, DWORD dwDeviceID,
				     DWORD dwAPILowVersion, DWORD dwAPIHighVersion,
				     LPDWORD lpdwAPIVersion, LPPHONEEXTENSIONID lpExtensionID)
{
	struct tapi_phone_dev *dev;
	struct tapi_app *app;
	PHONEEXTENSIONID ext = { 0 };
	DWORD version;
	LONG rc = enter_app(hPhoneApp, &app);

	if (rc)
		return rc;
	if (!lpdwAPIVersion || !lpExtensionID)
		return tapi_leave(PHONEERR_INVALPOINTER);
	rc = device(dwDeviceID, &dev);
	if (rc)
		return tapi_leave(rc);
	version = tapi_api_version_in(dwAPILowVersion, dwAPIHighVersion);
	if (!version)
		return tapi_leave(PHONEERR_INCOMPATIBLEAPIVERSION);
	if (dev->prov->phoneGetExtensionID) {
		struct tapi_provider *prov = dev->prov;
		DWORD id = dev->id, tspi = dev->tspi_version;

		tapi_unlock_tables();
		rc = prov->phoneGetExtensionID(id, tspi, &ext);
		tapi_lock_tables();
		if (rc)
			ext = (PHONEEXTENSIONID){ 0 };
	}
	*lpdwAPIVersion = version;
	*lpExtensionID = ext;
	return tapi_leave(0);
}

LONG WINAPI phoneNegotiateExtVersion(HPHONEAPP hPhoneApp, DWORD dwDeviceID, DWORD dwAPIVersion,
				     DWORD dwExtLowVersion, DWORD dwExtHighVersion,
				     LPDWORD lpdwExtVersion)
{
	struct tapi_phone_dev *dev;
	struct tapi_app *app;
	struct tapi_provider *prov;
	DWORD id, tspi, ext = 0;
	LONG rc = enter_app(hPhoneApp, &app);

	if (rc)
		return rc;
	if (!lpdwExtVersion)
		return tapi_leave(PHONEERR_INVALPOINTER);
	rc = device(dwDeviceID, &dev);
	if (rc)
		return tapi_leave(rc);
	if (!tapi_api_version_ok(dwAPIVersion))
		return tapi_leave(PHONEERR_INCOMPATIBLEAPIVERSION);
	prov = dev->prov;
	if (!prov->phoneNegotiateExtVersion)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	id = dev->id;
	tspi = min_dword(dwAPIVersion, dev->tspi_version);
	tapi_unlock_tables();
	rc = prov->phoneNegotiateExtVersion(id, tspi, dwExtLowVersion, dwExtHighVersion, &ext);
	tapi_lock_tables();
	if (rc == 0)
		*lpdwExtVersion = ext;
	return tapi_leave(rc);
}

static DWORD caps_fixed_size(DWORD api)
{
	return api >= TAPI_VERSION2_2 ? PHONECAPS_SIZE_2_2 : PHONECAPS_SIZE_2_0;
}

static LONG get_dev_caps(HPHONEAPP hPhoneApp, DWORD dwDeviceID, DWORD dwAPIVersion,
			 DWORD dwExtVersion, LPPHONECAPS out, bool ansi)
{
	struct tapi_phone_dev *dev;
	struct tapi_app *app;
	PHONECAPS *caps;
	DWORD size, fixed = caps_fixed_size(dwAPIVersion);
	LONG rc = enter_app(hPhoneApp, &app);

	if (rc)
		return rc;
	if (!out)
		return tapi_leave(PHONEERR_INVALPOINTER);
	rc = device(dwDeviceID, &dev);
	if (rc)
		return tapi_leave(rc);
	if (!tapi_api_version_ok(dwAPIVersion))
		return tapi_leave(PHONEERR_INCOMPATIBLEAPIVERSION);
	if (dwExtVersion)
		return tapi_leave(PHONEERR_INCOMPATIBLEEXTVERSION);
	if (out->dwTotalSize < fixed)
		return tapi_leave(PHONEERR_STRUCTURETOOSMALL);
	struct fill f = { .prov = dev->prov, .id = dev->id, .kind = FILL_CAPS,
			  .version = min_dword(dwAPIVersion, dev->tspi_version) };
	rc = fill_temp(&f, &size, (void **)&caps);
	if (rc)
		return tapi_leave(rc);
	/* The runtime generates these two for every phone. */
	caps->dwPhoneStates |= PHONESTATE_OWNER | PHONESTATE_MONITORS;
	struct tapi_var items[] = {
		{ .field = offsetof(PHONECAPS, dwProviderInfoSize), .utf16 = true },
		{ .field = offsetof(PHONECAPS, dwPhoneInfoSize), .utf16 = true },
		{ .field = offsetof(PHONECAPS, dwPhoneNameSize), .utf16 = true },
		{ .field = offsetof(PHONECAPS, dwButtonModesSize) },
		{ .field = offsetof(PHONECAPS, dwButtonFunctionsSize) },
		{ .field = offsetof(PHONECAPS, dwLampModesSize) },
		{ .field = offsetof(PHONECAPS, dwSetDataSize) },
		{ .field = offsetof(PHONECAPS, dwGetDataSize) },
		{ .field = offsetof(PHONECAPS, dwDevSpecificSize) },
		{ .field = offsetof(PHONECAPS, dwDeviceClassesSize), .utf16 = true },
	};
	_Static_assert(sizeof(items) / sizeof(items[0]) <= 16, "bufs in write_struct");
	rc = write_struct(out, caps, caps->dwUsedSize, fixed, caps, items,
			  sizeof(items) / sizeof(items[0]), ansi, "PHONECAPS");
	free(caps);
	return tapi_leave(rc);
}

LONG WINAPI phoneGetDevCapsA(HPHONEAPP hPhoneApp, DWORD dwDeviceID, DWORD dwAPIVersion,
			     DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps)
{
	return get_dev_caps(hPhoneApp, dwDeviceID, dwAPIVersion, dwExtVersion, lpPhoneCaps, true);
}

LONG WINAPI phoneGetDevCapsW(HPHONEAPP hPhoneApp, DWORD dwDeviceID, DWORD dwAPIVersion,
			     DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps)
{
	return get_dev_caps(hPhoneApp, dwDeviceID, dwAPIVersion, dwExtVersion, lpPhoneCaps,
			    false);
}

/* --- opening and closing ---------------------------------------------------------------- */

LONG WINAPI phoneOpen(HPHONEAPP hPhoneApp, DWORD dwDeviceID, LPHPHONE lphPhone,
		      DWORD dwAPIVersion, DWORD dwExtVersion, DWORD_PTR dwCallbackInstance,
		      DWORD dwPrivilege)
{
	struct tapi_phone_dev *dev;
	struct tapi_phone *ph;
	struct tapi_app *app;
	DWORD owners, monitors;
	bool opened = false;
	LONG rc = enter_app(hPhoneApp, &app);

	if (rc)
		return rc;
	if (!lphPhone)
		return tapi_leave(PHONEERR_INVALPOINTER);
	/* "one and only one of the PHONEPRIVILEGE_ constants" */
	if (dwPrivilege != PHONEPRIVILEGE_OWNER && dwPrivilege != PHONEPRIVILEGE_MONITOR)
		return tapi_leave(PHONEERR_INVALPRIVILEGE);
	rc = device(dwDeviceID, &dev);
	if (rc)
		return tapi_leave(rc);
	if (!tapi_api_version_ok(dwAPIVersion))
		return tapi_leave(PHONEERR_INCOMPATIBLEAPIVERSION);
	if (dwExtVersion)
		return tapi_leave(PHONEERR_INCOMPATIBLEEXTVERSION);
	tapi_count_privileges(dev, &owners, &monitors, NULL);
	/* Ownership is exclusive; Windows' telephony service answers a second owner so. */
	if (dwPrivilege == PHONEPRIVILEGE_OWNER && owners)
		return tapi_leave(PHONEERR_INVALPRIVILEGE);
	if (!dev->open) {
		struct tapi_provider *prov = dev->prov;
		HDRVPHONE hd = NULL;
		DWORD id = dev->id, tspi = dev->tspi_version;

		dev->opening = true;
		dev->closed_while_opening = false;
		tapi_unlock_tables();
		rc = prov->phoneOpen(id, (HTAPIPHONE)(const void *)dev, &hd, tspi,
				     tapi_phone_event_proc());
		tapi_lock_tables();
		dev->opening = false;
		if (rc)
			return tapi_leave(rc);
		if (dev->closed_while_opening || dev->removed)
			return tapi_leave(PHONEERR_NODEVICE);
		dev->open = true;
		dev->hd = hd;
		dev->states = dev->modes = dev->bstates = 0;
		opened = true;
	}
	ph = tapi_phone_new(app, dev);
	if (!ph) {
		if (opened) {
			struct tapi_provider *prov = dev->prov;
			HDRVPHONE hd = dev->hd;

			dev->open = false;
			dev->hd = NULL;
			tapi_unlock_tables();
			prov->phoneClose(hd);
			tapi_lock_tables();
		}
		return tapi_leave(PHONEERR_NOMEM);
	}
	ph->privilege = dwPrivilege;
	ph->api_version = dwAPIVersion;
	ph->instance = dwCallbackInstance;
	*lphPhone = ph->handle;
	tapi_notify_privileges(dev, ph, dwPrivilege == PHONEPRIVILEGE_OWNER,
			       dwPrivilege == PHONEPRIVILEGE_MONITOR);
	return tapi_leave(0);
}

LONG WINAPI phoneClose(HPHONE hPhone)
{
	struct tapi_phone *ph;
	LONG rc = enter_phone(hPhone, &ph);

	if (rc)
		return rc;
	close_phone(ph, true);
	return tapi_leave(0);
}

/* --- status messages -------------------------------------------------------------------- */

LONG WINAPI phoneSetStatusMessages(HPHONE hPhone, DWORD dwPhoneStates, DWORD dwButtonModes,
				   DWORD dwButtonStates)
{
	struct tapi_phone *ph;
	struct tapi_phone_dev *dev;
	DWORD states, modes, bstates;
	LONG rc = enter_phone(hPhone, &ph);

	if (rc)
		return rc;
	if (dwPhoneStates & ~ALL_PHONESTATES)
		return tapi_leave(PHONEERR_INVALPHONESTATE);
	if (dwButtonModes & ~ALL_BUTTONMODES)
		return tapi_leave(PHONEERR_INVALBUTTONMODE);
	if ((dwButtonStates & ~ALL_BUTTONSTATES) || (dwButtonModes && !dwButtonStates))
		return tapi_leave(PHONEERR_INVALBUTTONSTATE);
	ph->states = dwPhoneStates;
	ph->modes = dwButtonModes;
	ph->bstates = dwButtonModes ? dwButtonStates : 0;
	dev = ph->dev;
	tapi_status_union(dev, &states, &modes, &bstates);
	if (states != dev->states || modes != dev->modes || bstates != dev->bstates) {
		struct tapi_provider *prov = dev->prov;
		HDRVPHONE hd = dev->hd;

		dev->states = states;
		dev->modes = modes;
		dev->bstates = bstates;
		tapi_unlock_tables();
		rc = prov->phoneSetStatusMessages(hd, states, modes, bstates);
		tapi_lock_tables();
		if (rc)
			tapi_log("%s: TSPI_phoneSetStatusMessages: %#x", prov->path, (unsigned)rc);
	}
	return tapi_leave(0);
}

LONG WINAPI phoneGetStatusMessages(HPHONE hPhone, LPDWORD lpdwPhoneStates,
				   LPDWORD lpdwButtonModes, LPDWORD lpdwButtonStates)
{
	struct tapi_phone *ph;
	LONG rc = enter_phone(hPhone, &ph);

	if (rc)
		return rc;
	if (!lpdwPhoneStates || !lpdwButtonModes || !lpdwButtonStates)
		return tapi_leave(PHONEERR_INVALPOINTER);
	*lpdwPhoneStates = ph->states;
	*lpdwButtonModes = ph->modes;
	*lpdwButtonStates = ph->bstates;
	return tapi_leave(0);
}

/* --- status ----------------------------------------------------------------------------- */

static LONG get_status(HPHONE hPhone, LPPHONESTATUS out, bool ansi)
{
	struct tapi_phone *ph, *owner;
	PHONESTATUS *st;
	DWORD size, owners, monitors;
	bool monitor;
	LONG rc = enter_phone(hPhone, &ph);

	if (rc)
		return rc;
	if (!out)
		return tapi_leave(PHONEERR_INVALPOINTER);
	if (out->dwTotalSize < PHONESTATUS_SIZE_2_0)
		return tapi_leave(PHONEERR_STRUCTURETOOSMALL);
	if (!ph->dev->prov->phoneGetStatus)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	monitor = ph->privilege == PHONEPRIVILEGE_MONITOR;
	struct fill f = { .prov = ph->dev->prov, .hd = ph->dev->hd, .kind = FILL_STATUS };
	struct tapi_phone_dev *dev = ph->dev;
	rc = fill_temp(&f, &size, (void **)&st);
	if (rc)
		return tapi_leave(rc);
	/* The tables were unlocked: the phone may have been closed meanwhile. */
	if (!tapi_phone_get(hPhone)) {
		free(st);
		return tapi_leave(PHONEERR_INVALPHONEHANDLE);
	}
	tapi_count_privileges(dev, &owners, &monitors, &owner);
	st->dwNumOwners = owners;
	st->dwNumMonitors = monitors;
	if (monitor)
		st->dwPhoneFeatures &= ~OWNER_FEATURES;
	struct tapi_var items[] = {
		{ .field = offsetof(PHONESTATUS, dwDisplaySize) },
		{ .field = offsetof(PHONESTATUS, dwLampModesSize) },
		{ .field = offsetof(PHONESTATUS, dwOwnerNameSize), .utf16 = true },
		{ .field = offsetof(PHONESTATUS, dwDevSpecificSize) },
	};
	/* OwnerName is TAPI's: the owner's name from phoneInitializeEx. */
	if (owner) {
		items[2].data = owner->app->name;
		items[2].size = owner->app->name_size;
	} else {
		items[2].data = "";    /* none: supplied, empty */
	}
	rc = write_struct(out, st, st->dwUsedSize, PHONESTATUS_SIZE_2_0, st, items, 4, ansi,
			  "PHONESTATUS");
	free(st);
	return tapi_leave(rc);
}

LONG WINAPI phoneGetStatusA(HPHONE hPhone, LPPHONESTATUS lpPhoneStatus)
{
	return get_status(hPhone, lpPhoneStatus, true);
}

LONG WINAPI phoneGetStatusW(HPHONE hPhone, LPPHONESTATUS lpPhoneStatus)
{
	return get_status(hPhone, lpPhoneStatus, false);
}

/* --- what the owner changes: asynchronous, answered by one PHONE_REPLY -------------------- */

struct owner_call {
	struct tapi_provider *prov;
	HDRVPHONE hd;
	DRV_REQUESTID id;
};

/* The handle must be an owner's. Both locks held on success. */
static LONG enter_owner(HPHONE hPhone, struct owner_call *c)
{
	struct tapi_phone *ph;
	LONG rc = enter_phone(hPhone, &ph);

	if (rc)
		return rc;
	if (ph->privilege != PHONEPRIVILEGE_OWNER)
		return tapi_leave(PHONEERR_NOTOWNER);
	c->prov = ph->dev->prov;
	c->hd = ph->dev->hd;
	c->id = 0;
	return 0;
}

/* A request id, then the tables unlocked for the provider call. */
static LONG start_request(HPHONE hPhone, struct owner_call *c)
{
	c->id = tapi_request_new(tapi_phone_get(hPhone));
	if (!c->id)
		return tapi_leave(PHONEERR_NOMEM);
	tapi_unlock_tables();
	return 0;
}

/* The provider answered: its error is ours (and no reply comes), else the request id. */
static LONG finish_request(struct owner_call *c, LONG rc)
{
	tapi_lock_tables();
	if (rc < 0)
		tapi_request_drop(c->id);
	return tapi_leave(rc < 0 ? rc : (LONG)c->id);
}

LONG WINAPI phoneSetLamp(HPHONE hPhone, DWORD dwButtonLampID, DWORD dwLampMode)
{
	struct owner_call c;
	LONG rc = enter_owner(hPhone, &c);

	if (rc)
		return rc;
	if (!c.prov->phoneSetLamp)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	if (!one_bit(dwLampMode, 0xFF))
		return tapi_leave(PHONEERR_INVALLAMPMODE);
	if ((rc = start_request(hPhone, &c)))
		return rc;
	return finish_request(&c, c.prov->phoneSetLamp(c.id, c.hd, dwButtonLampID, dwLampMode));
}

LONG WINAPI phoneSetRing(HPHONE hPhone, DWORD dwRingMode, DWORD dwVolume)
{
	struct owner_call c;
	LONG rc = enter_owner(hPhone, &c);

	if (rc)
		return rc;
	if (!c.prov->phoneSetRing)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	if ((rc = start_request(hPhone, &c)))
		return rc;
	return finish_request(&c, c.prov->phoneSetRing(c.id, c.hd, dwRingMode,
						      min_dword(dwVolume, 0xFFFF)));
}

LONG WINAPI phoneSetHookSwitch(HPHONE hPhone, DWORD dwHookSwitchDevs, DWORD dwHookSwitchMode)
{
	struct owner_call c;
	LONG rc = enter_owner(hPhone, &c);

	if (rc)
		return rc;
	if (!c.prov->phoneSetHookSwitch)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	if (!dwHookSwitchDevs || (dwHookSwitchDevs & ~ALL_HOOKSWITCHDEVS))
		return tapi_leave(PHONEERR_INVALHOOKSWITCHDEV);
	if (!one_bit(dwHookSwitchMode, PHONEHOOKSWITCHMODE_ONHOOK | PHONEHOOKSWITCHMODE_MIC |
		     PHONEHOOKSWITCHMODE_SPEAKER | PHONEHOOKSWITCHMODE_MICSPEAKER))
		return tapi_leave(PHONEERR_INVALHOOKSWITCHMODE);
	if ((rc = start_request(hPhone, &c)))
		return rc;
	return finish_request(&c, c.prov->phoneSetHookSwitch(c.id, c.hd, dwHookSwitchDevs,
							    dwHookSwitchMode));
}

LONG WINAPI phoneSetVolume(HPHONE hPhone, DWORD dwHookSwitchDev, DWORD dwVolume)
{
	struct owner_call c;
	LONG rc = enter_owner(hPhone, &c);

	if (rc)
		return rc;
	if (!c.prov->phoneSetVolume)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	if (!one_bit(dwHookSwitchDev, ALL_HOOKSWITCHDEVS))
		return tapi_leave(PHONEERR_INVALHOOKSWITCHDEV);
	if ((rc = start_request(hPhone, &c)))
		return rc;
	return finish_request(&c, c.prov->phoneSetVolume(c.id, c.hd, dwHookSwitchDev,
							min_dword(dwVolume, 0xFFFF)));
}

LONG WINAPI phoneSetGain(HPHONE hPhone, DWORD dwHookSwitchDev, DWORD dwGain)
{
	struct owner_call c;
	LONG rc = enter_owner(hPhone, &c);

	if (rc)
		return rc;
	if (!c.prov->phoneSetGain)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	if (!one_bit(dwHookSwitchDev, ALL_HOOKSWITCHDEVS))
		return tapi_leave(PHONEERR_INVALHOOKSWITCHDEV);
	if ((rc = start_request(hPhone, &c)))
		return rc;
	return finish_request(&c, c.prov->phoneSetGain(c.id, c.hd, dwHookSwitchDev,
						      min_dword(dwGain, 0xFFFF)));
}

/* The bytes go to the provider as they are, in the format its PHONECAPS.dwStringFormat names. */
LONG WINAPI phoneSetDisplay(HPHONE hPhone, DWORD dwRow, DWORD dwColumn, LPCSTR lpsDisplay,
			    DWORD dwSize)
{
	struct owner_call c;
	LONG rc = enter_owner(hPhone, &c);

	if (rc)
		return rc;
	if (!c.prov->phoneSetDisplay)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	if (!lpsDisplay && dwSize)
		return tapi_leave(PHONEERR_INVALPOINTER);
	if ((rc = start_request(hPhone, &c)))
		return rc;
	return finish_request(&c, c.prov->phoneSetDisplay(c.id, c.hd, dwRow, dwColumn,
							 (LPCWSTR)(const void *)lpsDisplay,
							 dwSize));
}

static LONG set_button_info(HPHONE hPhone, DWORD lamp, const PHONEBUTTONINFO *in, bool ansi)
{
	struct owner_call c;
	PHONEBUTTONINFO *bi;
	WCHAR *text = NULL;
	DWORD total;
	LONG rc = enter_owner(hPhone, &c);

	if (rc)
		return rc;
	if (!c.prov->phoneSetButtonInfo)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	if (!in)
		return tapi_leave(PHONEERR_INVALPOINTER);
	if (in->dwTotalSize < PHONEBUTTONINFO_SIZE_1_4)
		return tapi_leave(PHONEERR_STRUCTURETOOSMALL);
	struct tapi_var items[] = {
		{ .field = offsetof(PHONEBUTTONINFO, dwButtonTextSize), .utf16 = true },
		{ .field = offsetof(PHONEBUTTONINFO, dwDevSpecificSize) },
	};
	/* The application's items must lie inside the structure it passes. */
	if (tapi_var_read(in, in->dwTotalSize, &items[0]) < 0 ||
	    tapi_var_read(in, in->dwTotalSize, &items[1]) < 0)
		return tapi_leave(PHONEERR_STRUCTURETOOSMALL);
	if (ansi && items[0].data) {
		DWORD bytes;
		size_t len = strnlen(items[0].data, items[0].size);

		if (tapi_utf8_to_utf16(items[0].data, len, &text, &bytes) < 0)
			return tapi_leave(PHONEERR_INVALPARAM);
		items[0].data = text;
		items[0].size = bytes;
	}
	total = PHONEBUTTONINFO_SIZE_1_4 + items[0].size + items[1].size + 8;
	bi = calloc(1, total);
	if (!bi) {
		free(text);
		return tapi_leave(PHONEERR_NOMEM);
	}
	bi->dwTotalSize = total;
	tapi_var_write(bi, in, PHONEBUTTONINFO_SIZE_1_4, items, 2);
	bi->dwTotalSize = total;
	free(text);
	if ((rc = start_request(hPhone, &c))) {
		free(bi);
		return rc;
	}
	/* The provider copies what it keeps before it returns, as TSPI requires. */
	rc = c.prov->phoneSetButtonInfo(c.id, c.hd, lamp, bi);
	free(bi);
	return finish_request(&c, rc);
}

LONG WINAPI phoneSetButtonInfoA(HPHONE hPhone, DWORD dwButtonLampID,
				LPPHONEBUTTONINFO const lpButtonInfo)
{
	return set_button_info(hPhone, dwButtonLampID, lpButtonInfo, true);
}

LONG WINAPI phoneSetButtonInfoW(HPHONE hPhone, DWORD dwButtonLampID,
				LPPHONEBUTTONINFO const lpButtonInfo)
{
	return set_button_info(hPhone, dwButtonLampID, lpButtonInfo, false);
}

/* --- what anyone with the phone open may read ------------------------------------------ */

struct reader {
	struct tapi_provider *prov;
	HDRVPHONE hd;
};

/* Both locks held on success, then the tables unlocked for the provider call by the caller. */
static LONG enter_reader(HPHONE hPhone, struct reader *r)
{
	struct tapi_phone *ph;
	LONG rc = enter_phone(hPhone, &ph);

	if (rc)
		return rc;
	r->prov = ph->dev->prov;
	r->hd = ph->dev->hd;
	return 0;
}

static LONG reader_result(LONG rc)
{
	tapi_lock_tables();
	return tapi_leave(rc);
}

LONG WINAPI phoneGetLamp(HPHONE hPhone, DWORD dwButtonLampID, LPDWORD lpdwLampMode)
{
	struct reader r;
	LONG rc = enter_reader(hPhone, &r);

	if (rc)
		return rc;
	if (!lpdwLampMode)
		return tapi_leave(PHONEERR_INVALPOINTER);
	if (!r.prov->phoneGetLamp)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	tapi_unlock_tables();
	return reader_result(r.prov->phoneGetLamp(r.hd, dwButtonLampID, lpdwLampMode));
}

LONG WINAPI phoneGetRing(HPHONE hPhone, LPDWORD lpdwRingMode, LPDWORD lpdwVolume)
{
	struct reader r;
	LONG rc = enter_reader(hPhone, &r);

	if (rc)
		return rc;
	if (!lpdwRingMode || !lpdwVolume)
		return tapi_leave(PHONEERR_INVALPOINTER);
	if (!r.prov->phoneGetRing)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	tapi_unlock_tables();
	return reader_result(r.prov->phoneGetRing(r.hd, lpdwRingMode, lpdwVolume));
}

LONG WINAPI phoneGetHookSwitch(HPHONE hPhone, LPDWORD lpdwHookSwitchDevs)
{
	struct reader r;
	LONG rc = enter_reader(hPhone, &r);

	if (rc)
		return rc;
	if (!lpdwHookSwitchDevs)
		return tapi_leave(PHONEERR_INVALPOINTER);
	if (!r.prov->phoneGetHookSwitch)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	tapi_unlock_tables();
	return reader_result(r.prov->phoneGetHookSwitch(r.hd, lpdwHookSwitchDevs));
}

LONG WINAPI phoneGetVolume(HPHONE hPhone, DWORD dwHookSwitchDev, LPDWORD lpdwVolume)
{
	struct reader r;
	LONG rc = enter_reader(hPhone, &r);

	if (rc)
		return rc;
	if (!lpdwVolume)
		return tapi_leave(PHONEERR_INVALPOINTER);
	if (!one_bit(dwHookSwitchDev, ALL_HOOKSWITCHDEVS))
		return tapi_leave(PHONEERR_INVALHOOKSWITCHDEV);
	if (!r.prov->phoneGetVolume)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	tapi_unlock_tables();
	return reader_result(r.prov->phoneGetVolume(r.hd, dwHookSwitchDev, lpdwVolume));
}

LONG WINAPI phoneGetGain(HPHONE hPhone, DWORD dwHookSwitchDev, LPDWORD lpdwGain)
{
	struct reader r;
	LONG rc = enter_reader(hPhone, &r);

	if (rc)
		return rc;
	if (!lpdwGain)
		return tapi_leave(PHONEERR_INVALPOINTER);
	if (!one_bit(dwHookSwitchDev, ALL_HOOKSWITCHDEVS))
		return tapi_leave(PHONEERR_INVALHOOKSWITCHDEV);
	if (!r.prov->phoneGetGain)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	tapi_unlock_tables();
	return reader_result(r.prov->phoneGetGain(r.hd, dwHookSwitchDev, lpdwGain));
}

LONG WINAPI phoneGetDisplay(HPHONE hPhone, LPVARSTRING lpDisplay)
{
	struct reader r;
	LONG rc = enter_reader(hPhone, &r);

	if (rc)
		return rc;
	if (!lpDisplay)
		return tapi_leave(PHONEERR_INVALPOINTER);
	if (lpDisplay->dwTotalSize < VARSTRING_SIZE)
		return tapi_leave(PHONEERR_STRUCTURETOOSMALL);
	if (!r.prov->phoneGetDisplay)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	/* The display's bytes are in the phone's own format: nothing to convert. */
	tapi_unlock_tables();
	return reader_result(r.prov->phoneGetDisplay(r.hd, lpDisplay));
}

static LONG get_button_info(HPHONE hPhone, DWORD lamp, LPPHONEBUTTONINFO out, bool ansi)
{
	struct reader r;
	PHONEBUTTONINFO *bi;
	DWORD size;
	LONG rc = enter_reader(hPhone, &r);

	if (rc)
		return rc;
	if (!out)
		return tapi_leave(PHONEERR_INVALPOINTER);
	if (out->dwTotalSize < PHONEBUTTONINFO_SIZE_1_4)
		return tapi_leave(PHONEERR_STRUCTURETOOSMALL);
	if (!r.prov->phoneGetButtonInfo)
		return tapi_leave(PHONEERR_OPERATIONUNAVAIL);
	struct fill f = { .prov = r.prov, .hd = r.hd, .lamp = lamp, .kind = FILL_BUTTON };
	rc = fill_temp(&f, &size, (void **)&bi);
	if (rc)
		return tapi_leave(rc);
	struct tapi_var items[] = {
		{ .field = offsetof(PHONEBUTTONINFO, dwButtonTextSize), .utf16 = true },
		{ .field = offsetof(PHONEBUTTONINFO, dwDevSpecificSize) },
	};
	rc = write_struct(out, bi, bi->dwUsedSize, PHONEBUTTONINFO_SIZE_1_4, bi, items, 2, ansi,
			  "PHONEBUTTONINFO");
	free(bi);
	return tapi_leave(rc);
}

LONG WINAPI phoneGetButtonInfoA(HPHONE hPhone, DWORD dwButtonLampID,
				LPPHONEBUTTONINFO lpButtonInfo)
{
	return get_button_info(hPhone, dwButtonLampID, lpButtonInfo, true);
}

LONG WINAPI phoneGetButtonInfoW(HPHONE hPhone, DWORD dwButtonLampID,
				LPPHONEBUTTONINFO lpButtonInfo)
{
	return get_button_info(hPhone, dwButtonLampID, lpButtonInfo, false);
}

static bool is_tapi_phone(const WCHAR *cls)
{
	static const char want[] = "tapi/phone";

	for (size_t i = 0; i < sizeof(want); i++) {
		WCHAR c = cls[i];

		if (c >= 'A' && c <= 'Z')
			c = (WCHAR)(c - 'A' + 'a');
		if (c != (WCHAR)want[i])
			return false;
	}
	return true;
}

static LONG get_id(HPHONE hPhone, LPVARSTRING out, const WCHAR *cls, bool ansi)
{
	struct tapi_phone *ph;
	VARSTRING *vs;
	DWORD size;
	LONG rc = enter_phone(hPhone, &ph);

	if (rc)
		return rc;
	if (!out || !cls)
		return tapi_leave(PHONEERR_INVALPOINTER);
	if (out->dwTotalSize < VARSTRING_SIZE)
		return tapi_leave(PHONEERR_STRUCTURETOOSMALL);
	if (!cls[0])
		return tapi_leave(PHONEERR_INVALDEVICECLASS);
	/* TAPI answers its own class: the device id, as a DWORD. */
	if (is_tapi_phone(cls)) {
		VARSTRING fixed = { .dwStringFormat = STRINGFORMAT_BINARY };
		struct tapi_var item = { .field = offsetof(VARSTRING, dwStringSize),
					 .data = &ph->dev->id, .size = sizeof(DWORD) };

		tapi_var_write(out, &fixed, VARSTRING_SIZE, &item, 1);
		return tapi_leave(0);
	}
	if (!ph->dev->prov->phoneGetID)
		return tapi_leave(PHONEERR_INVALDEVICECLASS);
	struct fill f = { .prov = ph->dev->prov, .hd = ph->dev->hd, .device_class = cls,
			  .kind = FILL_ID };
	rc = fill_temp(&f, &size, (void **)&vs);
	if (rc)
		return tapi_leave(rc);
	struct tapi_var item = { .field = offsetof(VARSTRING, dwStringSize),
				 .utf16 = vs->dwStringFormat == STRINGFORMAT_UNICODE };
	if (ansi && item.utf16)
		vs->dwStringFormat = STRINGFORMAT_ASCII;
	rc = write_struct(out, vs, vs->dwUsedSize, VARSTRING_SIZE, vs, &item, 1, ansi,
			  "VARSTRING");
	free(vs);
	return tapi_leave(rc);
}

LONG WINAPI phoneGetIDA(HPHONE hPhone, LPVARSTRING lpDeviceID, LPCSTR lpszDeviceClass)
{
	WCHAR *cls = NULL;
	DWORD bytes;
	LONG rc;

	if (lpszDeviceClass) {
		/* Bounded as the other A forms' strings: a longer one is refused, not cut. */
		int r = tapi_utf8_dup(lpszDeviceClass, TAPI_MAX_ARG_UNITS, &cls, &bytes);

		if (r == -ENOMEM)
			return PHONEERR_NOMEM;
		if (r < 0)
			return PHONEERR_INVALDEVICECLASS;
	}
	rc = get_id(hPhone, lpDeviceID, cls, true);
	free(cls);
	return rc;
}

LONG WINAPI phoneGetIDW(HPHONE hPhone, LPVARSTRING lpDeviceID, LPCWSTR lpszDeviceClass)
{
	return get_id(hPhone, lpDeviceID, lpszDeviceClass, false);
}
