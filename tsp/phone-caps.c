/*
 * What a phone is and what state it is in: version negotiation, PHONECAPS, PHONESTATUS,
 * PHONEBUTTONINFO, extensions and device ids.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "button-info.h"
#include "phone.h"
#include "phone-audio.h"
#include "line.h"
#include "provider.h"
#include "varstruct.h"

#define VERSION_STRING "hidphone 0.1.0"

static uint32_t caps_size(DWORD version)
{
	if (version >= TAPI_VERSION2_2)
		return PHONECAPS_SIZE_2_2;
	if (version >= TAPI_VERSION2_0)
		return PHONECAPS_SIZE_2_0;
	return PHONECAPS_SIZE_1_4;
}

static uint32_t status_size(DWORD version)
{
	return version >= TAPI_VERSION2_0 ? PHONESTATUS_SIZE_2_0 : PHONESTATUS_SIZE_1_4;
}

static DWORD hook_bit(int dev)
{
	static const DWORD bits[PHONE_HOOK_DEVICES] = {
		[PHONE_HOOK_HANDSET] = PHONEHOOKSWITCHDEV_HANDSET,
		[PHONE_HOOK_SPEAKER] = PHONEHOOKSWITCHDEV_SPEAKER,
		[PHONE_HOOK_HEADSET] = PHONEHOOKSWITCHDEV_HEADSET,
	};
	return bits[dev];
}

static bool has_lamps(const struct phone_model *m)
{
	for (uint32_t id = 0; id < m->n_ids; id++) {
		if (phone_button_has_lamp(&m->buttons[id]))
			return true;
	}
	return false;
}

static bool can_ring(const struct phone *p)
{
	return p->model->ringer.field || p->model->ring_lamp_id < PHONE_MAX_IDS ||
	       tsp_audio_ring_modes(p);
}

/* PHONEFEATURE_ bits of what the device can do at all. */
static DWORD features(const struct phone *p)
{
	const struct phone_model *m = p->model;
	static const DWORD get_hook[PHONE_HOOK_DEVICES] = {
		PHONEFEATURE_GETHOOKSWITCHHANDSET, PHONEFEATURE_GETHOOKSWITCHSPEAKER,
		PHONEFEATURE_GETHOOKSWITCHHEADSET,
	};
	static const DWORD set_hook[PHONE_HOOK_DEVICES] = {
		PHONEFEATURE_SETHOOKSWITCHHANDSET, PHONEFEATURE_SETHOOKSWITCHSPEAKER,
		PHONEFEATURE_SETHOOKSWITCHHEADSET,
	};
	DWORD f = 0;

	if (m->n_ids)
		f |= PHONEFEATURE_GETBUTTONINFO;
	if (has_lamps(m))
		f |= PHONEFEATURE_GETLAMP | PHONEFEATURE_SETLAMP;
	if (can_ring(p))
		f |= PHONEFEATURE_GETRING | PHONEFEATURE_SETRING;
	if (m->display.present)
		f |= PHONEFEATURE_GETDISPLAY | PHONEFEATURE_SETDISPLAY;
	for (int d = 0; d < PHONE_HOOK_DEVICES; d++) {
		if (m->hooks[d].present)
			f |= get_hook[d];
		if (m->hooks[d].settable)
			f |= set_hook[d];
	}
	return f;
}

static DWORD phone_states(const struct phone *p)
{
	const struct phone_model *m = p->model;
	static const DWORD hook_states[PHONE_HOOK_DEVICES] = {
		PHONESTATE_HANDSETHOOKSWITCH, PHONESTATE_SPEAKERHOOKSWITCH,
		PHONESTATE_HEADSETHOOKSWITCH,
	};
	DWORD s = PHONESTATE_CONNECTED | PHONESTATE_DISCONNECTED;

	if (has_lamps(m))
		s |= PHONESTATE_LAMP;
	if (can_ring(p))
		s |= PHONESTATE_RINGMODE;
	if (m->display.present)
		s |= PHONESTATE_DISPLAY;
	for (int d = 0; d < PHONE_HOOK_DEVICES; d++) {
		if (m->hooks[d].present)
			s |= hook_states[d];
	}
	return s;
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
							DWORD dwHighVersion,
							LPDWORD lpdwTSPIVersion)
{
	LONG result = 0;

	if (!lpdwTSPIVersion)
		return PHONEERR_INVALPOINTER;
	/* Docs disagree whether INITIALIZE_NEGOTIATION can come here; accept it like the line call. */
	if (dwDeviceID != INITIALIZE_NEGOTIATION) {
		if (!tsp_enter_id(dwDeviceID, 0, &result))
			return result;
		tsp_leave(0);
	}
	if (tsp_negotiate(dwLowVersion, dwHighVersion, lpdwTSPIVersion) < 0)
		return PHONEERR_INCOMPATIBLEAPIVERSION;
	return 0;
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneNegotiateExtVersion(DWORD dwDeviceID, DWORD dwTSPIVersion,
						       DWORD dwLowVersion, DWORD dwHighVersion,
						       LPDWORD lpdwExtVersion)
{
	(void)dwDeviceID;
	(void)dwTSPIVersion;
	(void)dwLowVersion;
	(void)dwHighVersion;
	(void)lpdwExtVersion;
	/* No device-specific extensions. */
	return PHONEERR_OPERATIONUNAVAIL;
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetExtensionID(DWORD dwDeviceID, DWORD dwTSPIVersion,
						  LPPHONEEXTENSIONID lpExtensionID)
{
	LONG result = 0;

	if (!lpExtensionID)
		return PHONEERR_INVALPOINTER;
	if (!tsp_enter_id(dwDeviceID, dwTSPIVersion, &result))
		return result;
	memset(lpExtensionID, 0, sizeof(*lpExtensionID)); /* all zero: no extensions */
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneSelectExtVersion(HDRVPHONE hdPhone, DWORD dwExtVersion)
{
	if (!tsp_enter_handle(hdPhone))
		return PHONEERR_INVALPHONEHANDLE;
	return tsp_leave(dwExtVersion == 0 ? 0 : PHONEERR_INCOMPATIBLEEXTVERSION);
}

static void fill_guid(GUID *g, uint32_t permanent_id, uint16_t vendor, uint16_t product)
{
	/* A stable name-based value: the permanent id and the model, with RFC 4122 bits set. */
	g->Data1 = permanent_id;
	g->Data2 = vendor;
	g->Data3 = (uint16_t)(0x5000 | (product & 0x0fff));
	g->Data4[0] = (uint8_t)(0x80 | ((product >> 12) & 0x0f));
	g->Data4[1] = 0x68; /* 'h' */
	memcpy(&g->Data4[2], "idphn", 5);
	g->Data4[7] = (uint8_t)(permanent_id >> 24 ^ permanent_id);
}

static void fill_caps(const struct phone *p, LPPHONECAPS caps, DWORD version)
{
	const struct phone_model *m = p->model;
	uint32_t fixed = caps_size(version);
	DWORD modes[PHONE_MAX_IDS], functions[PHONE_MAX_IDS], lamps[PHONE_MAX_IDS];
	char info[800], name[160];
	struct varstruct vs;
	DWORD feats = features(p);
	/* the sound card's mutes: MIC and SPEAKER besides ONHOOK and MICSPEAKER */
	DWORD card_modes = tsp_audio_hook_modes(p);
	unsigned audio_rings = tsp_audio_ring_modes(p);

	/* Everything after dwTotalSize is ours to write, up to the version's fixed size. */
	memset((uint8_t *)caps + sizeof(DWORD), 0, fixed - sizeof(DWORD));
	varstruct_init(&vs, caps, caps->dwTotalSize, fixed);

	for (uint32_t id = 0; id < m->n_ids; id++) {
		modes[id] = tsp_button_mode(&m->buttons[id]);
		functions[id] = tsp_button_function(&m->buttons[id]);
		lamps[id] = tsp_lamp_modes(m, &m->buttons[id]);
	}
	snprintf(name, sizeof(name), "%s", p->info.product_name[0] ? p->info.product_name :
		 "HID phone");
	snprintf(info, sizeof(info), "%s %s (%04x:%04x%s%s, %s)", p->info.manufacturer,
		 p->info.product_name, p->info.vendor, p->info.product,
		 p->info.serial[0] ? ", serial " : "", p->info.serial, p->info.path);

	/* DWORD arrays first, strings after, so every item stays naturally aligned. */
	varstruct_add(&vs, modes, m->n_ids * 4, &caps->dwButtonModesSize, &caps->dwButtonModesOffset);
	varstruct_add(&vs, functions, m->n_ids * 4, &caps->dwButtonFunctionsSize,
		      &caps->dwButtonFunctionsOffset);
	varstruct_add(&vs, lamps, m->n_ids * 4, &caps->dwLampModesSize, &caps->dwLampModesOffset);
	varstruct_add_string(&vs, VERSION_STRING, &caps->dwProviderInfoSize,
			     &caps->dwProviderInfoOffset);
	varstruct_add_string(&vs, info, &caps->dwPhoneInfoSize, &caps->dwPhoneInfoOffset);
	varstruct_add_string(&vs, name, &caps->dwPhoneNameSize, &caps->dwPhoneNameOffset);

	caps->dwPermanentPhoneID = p->permanent_id;
	caps->dwStringFormat = STRINGFORMAT_ASCII;
	caps->dwPhoneStates = phone_states(p);
	for (int d = 0; d < PHONE_HOOK_DEVICES; d++) {
		DWORD modes_of = m->hooks[d].present ? PHONEHOOKSWITCHMODE_ONHOOK |
						       PHONEHOOKSWITCHMODE_MICSPEAKER | card_modes : 0;

		if (m->hooks[d].present)
			caps->dwHookSwitchDevs |= hook_bit(d);
		if (d == PHONE_HOOK_HANDSET)
			caps->dwHandsetHookSwitchModes = modes_of;
		else if (d == PHONE_HOOK_SPEAKER)
			caps->dwSpeakerHookSwitchModes = modes_of;
		else
			caps->dwHeadsetHookSwitchModes = modes_of;
	}
	caps->dwNumRingModes = audio_rings ? audio_rings : can_ring(p) ? 1 : 0;
	caps->dwDisplayNumRows = m->display.rows;
	caps->dwDisplayNumColumns = m->display.columns;
	caps->dwNumButtonLamps = m->n_ids;
	tsp_audio_caps(p, caps);

	if (version >= TAPI_VERSION2_0) {
		const char *classes[] = { "tapi/phone", NULL, NULL };

		if (tsp_line_of_phone(p) != TSP_NO_ID)
			classes[1] = "tapi/line";
		tsp_audio_add_classes(p, classes, &vs, &caps->dwDeviceClassesSize,
				      &caps->dwDeviceClassesOffset);
		caps->dwPhoneFeatures = feats;
		for (int d = 0; d < PHONE_HOOK_DEVICES; d++) {
			DWORD monitored = m->hooks[d].present ? PHONEHOOKSWITCHMODE_ONHOOK |
						PHONEHOOKSWITCHMODE_MICSPEAKER | card_modes : 0;
			DWORD settable = m->hooks[d].settable ? monitored : 0;

			if (d == PHONE_HOOK_HANDSET) {
				caps->dwSettableHandsetHookSwitchModes = settable;
				caps->dwMonitoredHandsetHookSwitchModes = monitored;
			} else if (d == PHONE_HOOK_SPEAKER) {
				caps->dwSettableSpeakerHookSwitchModes = settable;
				caps->dwMonitoredSpeakerHookSwitchModes = monitored;
			} else {
				caps->dwSettableHeadsetHookSwitchModes = settable;
				caps->dwMonitoredHeadsetHookSwitchModes = monitored;
			}
		}
	}
	if (version >= TAPI_VERSION2_2)
		fill_guid(&caps->PermanentPhoneGuid, p->permanent_id, p->info.vendor, p->info.product);
	caps->dwNeededSize = vs.needed;
	caps->dwUsedSize = vs.used;
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetDevCaps(DWORD dwDeviceID, DWORD dwTSPIVersion,
					      DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps)
{
	struct phone *p;
	LONG result = 0;

	if (!lpPhoneCaps)
		return PHONEERR_INVALPOINTER;
	p = tsp_enter_id(dwDeviceID, dwTSPIVersion, &result);
	if (!p)
		return result;
	if (dwExtVersion != 0)
		return tsp_leave(PHONEERR_INCOMPATIBLEEXTVERSION);
	if (lpPhoneCaps->dwTotalSize < caps_size(dwTSPIVersion))
		return tsp_leave(PHONEERR_STRUCTURETOOSMALL);
	fill_caps(p, lpPhoneCaps, dwTSPIVersion);
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetStatus(HDRVPHONE hdPhone, LPPHONESTATUS lpPhoneStatus)
{
	DWORD lamps[PHONE_MAX_IDS];
	struct varstruct vs;
	struct phone *p;
	uint32_t fixed;

	if (!lpPhoneStatus)
		return PHONEERR_INVALPOINTER;
	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	fixed = status_size(p->version);
	if (lpPhoneStatus->dwTotalSize < fixed)
		return tsp_leave(PHONEERR_STRUCTURETOOSMALL);
	/* dwNumOwners, dwNumMonitors and OwnerName are the host's: left as they are. */
	varstruct_init(&vs, lpPhoneStatus, lpPhoneStatus->dwTotalSize, fixed);
	lpPhoneStatus->dwStatusFlags = PHONESTATUSFLAGS_CONNECTED;
	lpPhoneStatus->dwRingMode = p->ring_mode;
	lpPhoneStatus->dwRingVolume = p->ring_volume;
	lpPhoneStatus->dwHandsetHookSwitchMode = tsp_hook_mode(p, PHONE_HOOK_HANDSET);
	lpPhoneStatus->dwSpeakerHookSwitchMode = tsp_hook_mode(p, PHONE_HOOK_SPEAKER);
	lpPhoneStatus->dwHeadsetHookSwitchMode = tsp_hook_mode(p, PHONE_HOOK_HEADSET);
	lpPhoneStatus->dwHandsetVolume = lpPhoneStatus->dwHandsetGain = 0;
	lpPhoneStatus->dwSpeakerVolume = lpPhoneStatus->dwSpeakerGain = 0;
	lpPhoneStatus->dwHeadsetVolume = lpPhoneStatus->dwHeadsetGain = 0;
	/* the card's levels, for the hookswitch devices that share them */
	tsp_audio_status(p, lpPhoneStatus);
	for (uint32_t id = 0; id < p->model->n_ids; id++)
		lamps[id] = p->lamp_mode[id];
	varstruct_add(&vs, lamps, p->model->n_ids * 4, &lpPhoneStatus->dwLampModesSize,
		      &lpPhoneStatus->dwLampModesOffset);
	varstruct_add(&vs, p->display_text, p->model->display.rows * p->model->display.columns,
		      &lpPhoneStatus->dwDisplaySize, &lpPhoneStatus->dwDisplayOffset);
	lpPhoneStatus->dwDevSpecificSize = lpPhoneStatus->dwDevSpecificOffset = 0;
	if (p->version >= TAPI_VERSION2_0)
		lpPhoneStatus->dwPhoneFeatures = features(p);
	lpPhoneStatus->dwNeededSize = vs.needed;
	lpPhoneStatus->dwUsedSize = vs.used;
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetButtonInfo(HDRVPHONE hdPhone, DWORD dwButtonLampID,
						 LPPHONEBUTTONINFO lpButtonInfo)
{
	const struct phone_button *b;
	struct varstruct vs;
	struct phone *p;
	uint32_t fixed;
	char text[64];

	if (!lpButtonInfo)
		return PHONEERR_INVALPOINTER;
	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	b = phone_model_button(p->model, dwButtonLampID);
	if (!b)
		return tsp_leave(PHONEERR_INVALBUTTONLAMPID);
	fixed = p->version >= TAPI_VERSION1_4 ? PHONEBUTTONINFO_SIZE_1_4 : PHONEBUTTONINFO_SIZE_1_0;
	if (lpButtonInfo->dwTotalSize < fixed)
		return tsp_leave(PHONEERR_STRUCTURETOOSMALL);
	memset((uint8_t *)lpButtonInfo + sizeof(DWORD), 0, fixed - sizeof(DWORD));
	varstruct_init(&vs, lpButtonInfo, lpButtonInfo->dwTotalSize, fixed);
	lpButtonInfo->dwButtonMode = tsp_button_mode(b);
	lpButtonInfo->dwButtonFunction = tsp_button_function(b);
	tsp_button_text(b, text, sizeof(text));
	if (text[0])
		varstruct_add_string(&vs, text, &lpButtonInfo->dwButtonTextSize,
				     &lpButtonInfo->dwButtonTextOffset);
	lpButtonInfo->dwButtonState = !b->has_input ? PHONEBUTTONSTATE_UNAVAIL :
				      p->in.button_down[b->id] ? PHONEBUTTONSTATE_DOWN :
								 PHONEBUTTONSTATE_UP;
	lpButtonInfo->dwNeededSize = vs.needed;
	lpButtonInfo->dwUsedSize = vs.used;
	return tsp_leave(0);
}

/* wave/in, wave/out, alsa/in, alsa/out: a class the phone cannot answer right now (no card,
 * no PCM that way) is as invalid as an unknown one. */
static LONG audio_id_result(int rc)
{
	if (rc == -ENOSPC)
		return PHONEERR_STRUCTURETOOSMALL;
	return rc < 0 ? PHONEERR_INVALDEVICECLASS : 0;
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetID(HDRVPHONE hdPhone, LPVARSTRING lpDeviceID,
					 LPCWSTR lpszDeviceClass, HANDLE hTargetProcess)
{
	struct phone *p;
	uint32_t line;

	(void)hTargetProcess;
	if (!lpDeviceID || !lpszDeviceClass)
		return PHONEERR_INVALPOINTER;
	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	/* TAPI answers tapi/phone itself; tapi/line is the phone's line, when it has one. */
	if (!tsp_class_is(lpszDeviceClass, "tapi/line"))
		return tsp_leave(audio_id_result(tsp_audio_get_id(p, lpszDeviceClass, lpDeviceID)));
	line = tsp_line_of_phone(p);
	if (line == TSP_NO_ID)
		return tsp_leave(PHONEERR_NODEVICE);
	return tsp_leave(tsp_varstring_id(lpDeviceID, line) ? PHONEERR_STRUCTURETOOSMALL : 0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetIcon(DWORD dwDeviceID, LPCWSTR lpszDeviceClass,
					   LPHICON lphIcon)
{
	LONG result;

	(void)lpszDeviceClass;
	if (!lphIcon)
		return PHONEERR_INVALPOINTER;
	if (!tsp_enter_id(dwDeviceID, 0, &result))
		return result;
	*lphIcon = NULL; /* TAPI shows its generic phone icon */
	return tsp_leave(0);
}
