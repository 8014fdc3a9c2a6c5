/*
 * Using a phone: open and close, the status-message filter, and the requests that change
 * what the phone shows (lamps, hook switch, ringer) with their Get counterparts.
 *
 * Every asynchronous request is checked and applied to the desired state before the function
 * returns; the I/O loop then writes it to the device and queues its ASYNC_COMPLETION behind
 * any event the change caused, so the host sees the PHONE_STATE first and the completion
 * once.
 */
#include <errno.h>

#include "button-info.h"
#include "dispatch.h"
#include "errors.h"
#include "phone.h"
#include "phone-audio.h"
#include "phone-io.h"
#include "varstruct.h"

#define ALL_PHONESTATES      0x00ffffffu
#define ALL_BUTTONMODES      0x0000003fu
#define ALL_BUTTONSTATES     0x0000000fu
#define ALL_HOOKSWITCHDEVS   (PHONEHOOKSWITCHDEV_HANDSET | PHONEHOOKSWITCHDEV_SPEAKER | \
			      PHONEHOOKSWITCHDEV_HEADSET)
#define ALL_LAMPMODES        0x000000ffu

static bool single_bit(DWORD v)
{
	return v && !(v & (v - 1));
}

static int hook_index(DWORD dev)
{
	switch (dev) {
	case PHONEHOOKSWITCHDEV_HANDSET: return PHONE_HOOK_HANDSET;
	case PHONEHOOKSWITCHDEV_SPEAKER: return PHONE_HOOK_SPEAKER;
	case PHONEHOOKSWITCHDEV_HEADSET: return PHONE_HOOK_HEADSET;
	}
	return -1;
}

static DWORD hook_state(int dev)
{
	static const DWORD states[PHONE_HOOK_DEVICES] = {
		PHONESTATE_HANDSETHOOKSWITCH, PHONESTATE_SPEAKERHOOKSWITCH,
		PHONESTATE_HEADSETHOOKSWITCH,
	};
	return states[dev];
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneOpen(DWORD dwDeviceID, HTAPIPHONE htPhone,
					LPHDRVPHONE lphdPhone, DWORD dwTSPIVersion,
					PHONEEVENT lpfnEventProc)
{
	struct phone *p;
	LONG err;
	int rc;

	if (!lphdPhone)
		return PHONEERR_INVALPOINTER;
	p = tsp_enter_id(dwDeviceID, dwTSPIVersion, &err);
	if (!p)
		return err;
	/* TAPI funnels every application's open into one; a second one is a host bug. */
	if (p->host_handle || p->closing)
		return tsp_leave(PHONEERR_INUSE);
	/* The device may be open already: its line holds it. The host attaches to that. */
	rc = p->handle ? 0 : tsp_phone_open(p);
	if (rc < 0)
		return tsp_leave(tsp_phone_error(rc));
	p->host_handle = ++tsp.next_handle;
	p->htphone = htPhone;
	p->event_proc = lpfnEventProc;
	p->version = dwTSPIVersion;
	/* After open only PHONESTATE_REINIT is reported (TSPI_phoneSetStatusMessages). */
	p->filter_states = 0;
	p->filter_button_modes = 0;
	p->filter_button_states = 0;
	*lphdPhone = (HDRVPHONE)(uintptr_t)p->host_handle;
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hdPhone)
{
	struct phone *p;

	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	/* The line's use of the device outlasts the host's open: only the host goes. */
	if (p->line_holds)
		tsp_phone_detach(p);
	else
		tsp_phone_close(p, false);
	tsp_leave(0);
	tsp_dispatch();
	return 0;
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetStatusMessages(HDRVPHONE hdPhone, DWORD dwPhoneStates,
						     DWORD dwButtonModes, DWORD dwButtonStates)
{
	struct phone *p;

	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	if (dwPhoneStates & ~ALL_PHONESTATES)
		return tsp_leave(PHONEERR_INVALPHONESTATE);
	if (dwButtonModes & ~ALL_BUTTONMODES)
		return tsp_leave(PHONEERR_INVALBUTTONMODE);
	/* Button states only mean something with button modes, and then they are required. */
	if (dwButtonModes && (!dwButtonStates || (dwButtonStates & ~ALL_BUTTONSTATES)))
		return tsp_leave(PHONEERR_INVALBUTTONSTATE);
	p->filter_states = dwPhoneStates;
	p->filter_button_modes = dwButtonModes;
	p->filter_button_states = dwButtonModes ? dwButtonStates : 0;
	tsp_phone_go(p);
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetLamp(HDRVPHONE hdPhone, DWORD dwButtonLampID,
					   LPDWORD lpdwLampMode)
{
	struct phone *p;

	if (!lpdwLampMode)
		return PHONEERR_INVALPOINTER;
	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	if (!phone_model_button(p->model, dwButtonLampID))
		return tsp_leave(PHONEERR_INVALBUTTONLAMPID);
	*lpdwLampMode = p->lamp_mode[dwButtonLampID];
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetLamp(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					   DWORD dwButtonLampID, DWORD dwLampMode)
{
	const struct phone_button *b;
	struct phone *p;

	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	b = phone_model_button(p->model, dwButtonLampID);
	if (!b || !phone_button_has_lamp(b))
		return tsp_leave(PHONEERR_INVALBUTTONLAMPID);
	if (!single_bit(dwLampMode) || (dwLampMode & ~ALL_LAMPMODES) ||
	    !(dwLampMode & tsp_lamp_modes(p->model, b)) || dwLampMode == PHONELAMPMODE_DUMMY)
		return tsp_leave(PHONEERR_INVALLAMPMODE);
	/*
	 * The Off-Hook LED is the hook echo's until an application sets it; then it is the
	 * application's until it closes the phone (README, "Lamps").
	 */
	if (b->id == p->model->offhook_lamp_id)
		p->out.offhook_lamp_app = true;
	if (p->lamp_mode[b->id] != dwLampMode) {
		p->lamp_mode[b->id] = dwLampMode;
		p->out.lamp_on[b->id] = dwLampMode != PHONELAMPMODE_OFF;
		/*
		 * Without a multi-mode indicator (or with AttrLampBlink=host), the loop blinks
		 * the LED by its timer.
		 */
		p->out.lamp_blink[b->id] = tsp_lamp_host_timed(p->model, b) ? PHONE_LAMP_STEADY :
					   dwLampMode == PHONELAMPMODE_FLASH ? PHONE_LAMP_FLASH :
					   dwLampMode == PHONELAMPMODE_WINK ? PHONE_LAMP_SLOW_BLINK :
					   dwLampMode == PHONELAMPMODE_FLUTTER ? PHONE_LAMP_FAST_BLINK :
					   PHONE_LAMP_STEADY;
		tsp_phone_state(p, PHONESTATE_LAMP, b->id);
	}
	return tsp_leave_async(p, dwRequestID, TSP_WRITE_OUTPUT);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetHookSwitch(HDRVPHONE hdPhone, LPDWORD lpdwHookSwitchDevs)
{
	static const DWORD bits[PHONE_HOOK_DEVICES] = {
		PHONEHOOKSWITCHDEV_HANDSET, PHONEHOOKSWITCHDEV_SPEAKER, PHONEHOOKSWITCHDEV_HEADSET,
	};
	struct phone *p;
	DWORD devs = 0;

	if (!lpdwHookSwitchDevs)
		return PHONEERR_INVALPOINTER;
	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	for (int d = 0; d < PHONE_HOOK_DEVICES; d++) {
		if (p->model->hooks[d].present && p->in.hook_offhook[d])
			devs |= bits[d];
	}
	*lpdwHookSwitchDevs = devs;
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetHookSwitch(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						 DWORD dwHookSwitchDevs, DWORD dwHookSwitchMode)
{
	struct phone *p;
	bool offhook;

	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	if (!dwHookSwitchDevs || (dwHookSwitchDevs & ~ALL_HOOKSWITCHDEVS))
		return tsp_leave(PHONEERR_INVALHOOKSWITCHDEV);
	for (DWORD bit = 1; bit <= PHONEHOOKSWITCHDEV_HEADSET; bit <<= 1) {
		int d = hook_index(bit);

		if (!(dwHookSwitchDevs & bit))
			continue;
		if (!p->model->hooks[d].present)
			return tsp_leave(PHONEERR_INVALHOOKSWITCHDEV);
		/* Only a device with an output for it (the Off-Hook LED) can be told. */
		if (!p->model->hooks[d].settable)
			return tsp_leave(PHONEERR_OPERATIONUNAVAIL);
	}
	/* MIC and SPEAKER are the sound card's mutes, where the phone has a card with them. */
	if (!single_bit(dwHookSwitchMode) ||
	    !(dwHookSwitchMode & (PHONEHOOKSWITCHMODE_ONHOOK | PHONEHOOKSWITCHMODE_MICSPEAKER |
				  tsp_audio_hook_modes(p))))
		return tsp_leave(PHONEERR_INVALHOOKSWITCHMODE);

	offhook = dwHookSwitchMode != PHONEHOOKSWITCHMODE_ONHOOK;
	for (DWORD bit = 1; bit <= PHONEHOOKSWITCHDEV_HEADSET; bit <<= 1) {
		int d = hook_index(bit);
		DWORD was = tsp_hook_mode(p, d);

		if (!(dwHookSwitchDevs & bit))
			continue;
		p->out.hook_offhook[d] = offhook;
		p->hook_mode[d] = offhook ? dwHookSwitchMode : 0;
		/*
		 * The device may answer with the same state in its next report; that is an
		 * acknowledgement, not the user lifting the handset again.
		 */
		p->in.hook_offhook[d] = offhook;
		if (tsp_hook_mode(p, d) != was)
			tsp_phone_state(p, hook_state(d), dwHookSwitchMode);
	}
	/* One card for every hookswitch device: the mode set last is what its mutes say. */
	tsp_audio_hook_mode(p, dwHookSwitchMode);
	tsp_phone_offhook_lamp(p);
	return tsp_leave_async(p, dwRequestID, TSP_WRITE_OUTPUT);
}

static bool can_ring(const struct phone *p)
{
	return p->model->ringer.field || p->model->ring_lamp_id < PHONE_MAX_IDS ||
	       tsp_audio_ring_modes(p);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetRing(HDRVPHONE hdPhone, LPDWORD lpdwRingMode,
					   LPDWORD lpdwVolume)
{
	struct phone *p;

	if (!lpdwRingMode || !lpdwVolume)
		return PHONEERR_INVALPOINTER;
	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	if (!can_ring(p))
		return tsp_leave(PHONEERR_OPERATIONUNAVAIL);
	*lpdwRingMode = p->ring_mode;
	*lpdwVolume = p->ring_volume;
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetRing(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					   DWORD dwRingMode, DWORD dwVolume)
{
	struct phone *p;
	unsigned audio_modes;
	int rc;

	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	if (!can_ring(p))
		return tsp_leave(PHONEERR_OPERATIONUNAVAIL);
	/*
	 * A HID ringer has one ring: 0 is silence, 1 rings. Through the sound card, the
	 * patterns of devices/audio-ring (tsp/phone-audio.c); a Ring LED lights for any.
	 */
	audio_modes = tsp_audio_ring_modes(p);
	if (dwRingMode > (audio_modes ? audio_modes : 1))
		return tsp_leave(PHONEERR_INVALRINGMODE);
	p->ring_volume = dwVolume > 0xffff ? 0xffff : dwVolume;
	if (p->ring_mode != dwRingMode) {
		p->ring_mode = dwRingMode;
		p->out.ringing = dwRingMode != 0;
		tsp_phone_state(p, PHONESTATE_RINGMODE, dwRingMode);
	}
	if (!audio_modes)
		return tsp_leave_async(p, dwRequestID, TSP_WRITE_OUTPUT);
	/* The ring on the loop completes the request; the Ring LED is written beside it. */
	rc = tsp_audio_ring(p, dwRequestID, dwRingMode, p->ring_volume);
	if (rc < 0)
		return tsp_leave(tsp_phone_error(rc));
	tsp_phone_write(p);
	return tsp_leave((LONG)dwRequestID);
}

/* A request the device has no means for, on a valid handle. */
static LONG unavailable(HDRVPHONE hdPhone)
{
	if (!tsp_enter_handle(hdPhone))
		return PHONEERR_INVALPHONEHANDLE;
	return tsp_leave(PHONEERR_OPERATIONUNAVAIL);
}

/* Volume and gain: the levels of the phone's sound card (tsp/phone-audio.c). */
static LONG level_get(HDRVPHONE hdPhone, DWORD dev, bool gain, LPDWORD value)
{
	struct phone *p;

	if (!value)
		return PHONEERR_INVALPOINTER;
	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	return tsp_leave(tsp_audio_level_get(p, dev, gain, value));
}

static LONG level_set(DRV_REQUESTID request, HDRVPHONE hdPhone, DWORD dev, bool gain,
		      DWORD value)
{
	struct phone *p = tsp_enter_handle(hdPhone);
	LONG r;

	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	r = tsp_audio_level_set(p, request, dev, gain, value);
	return tsp_leave(r ? r : (LONG)request);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetDisplay(HDRVPHONE hdPhone, LPVARSTRING lpDisplay)
{
	struct varstruct vs;
	struct phone *p;
	uint32_t n;

	if (!lpDisplay)
		return PHONEERR_INVALPOINTER;
	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	if (!p->model->display.present)
		return tsp_leave(PHONEERR_OPERATIONUNAVAIL);
	if (lpDisplay->dwTotalSize < VARSTRING_SIZE)
		return tsp_leave(PHONEERR_STRUCTURETOOSMALL);
	n = p->model->display.rows * p->model->display.columns;
	varstruct_init(&vs, lpDisplay, lpDisplay->dwTotalSize, VARSTRING_SIZE);
	/* PHONECAPS announces ASCII: the text comes back as the host wrote it, row after row. */
	lpDisplay->dwStringFormat = STRINGFORMAT_ASCII;
	varstruct_add(&vs, p->display_text, n, &lpDisplay->dwStringSize,
		      &lpDisplay->dwStringOffset);
	lpDisplay->dwNeededSize = vs.needed;
	lpDisplay->dwUsedSize = vs.used;
	return tsp_leave(0);
}

/*
 * The display is one buffer of rows x columns characters: text written at (row, column)
 * runs on into the next rows and is cut at the end of the display (TSPI_phoneSetDisplay).
 * It stops at a NUL; characters the display cannot show become spaces.
 */
TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetDisplay(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					      DWORD dwRow, DWORD dwColumn, LPCWSTR lpsDisplay,
					      DWORD dwSize)
{
	const uint8_t *bytes = (const uint8_t *)lpsDisplay;
	const struct phone_display *dp;
	struct phone *p;
	size_t at, end;

	if (!lpsDisplay && dwSize)
		return PHONEERR_INVALPOINTER;
	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	dp = &p->model->display;
	if (!dp->present)
		return tsp_leave(PHONEERR_OPERATIONUNAVAIL);
	if (dwRow >= dp->rows || dwColumn >= dp->columns)
		return tsp_leave(PHONEERR_INVALPARAM);
	at = (size_t)dwRow * dp->columns + dwColumn;
	end = (size_t)dp->rows * dp->columns;
	for (DWORD i = 0; i < dwSize && bytes[i] && at < end; i++, at++)
		p->display_text[at] = bytes[i] >= 0x20 && bytes[i] < 0x7f ? bytes[i] : ' ';
	tsp_phone_state(p, PHONESTATE_DISPLAY, 0);
	return tsp_leave_async(p, dwRequestID, TSP_WRITE_DISPLAY);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetVolume(HDRVPHONE hdPhone, DWORD dwHookSwitchDev,
					     LPDWORD lpdwVolume)
{
	return level_get(hdPhone, dwHookSwitchDev, false, lpdwVolume);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetVolume(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					     DWORD dwHookSwitchDev, DWORD dwVolume)
{
	return level_set(dwRequestID, hdPhone, dwHookSwitchDev, false, dwVolume);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetGain(HDRVPHONE hdPhone, DWORD dwHookSwitchDev,
					   LPDWORD lpdwGain)
{
	return level_get(hdPhone, dwHookSwitchDev, true, lpdwGain);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetGain(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					   DWORD dwHookSwitchDev, DWORD dwGain)
{
	return level_set(dwRequestID, hdPhone, dwHookSwitchDev, true, dwGain);
}

/* PHONECAPS says there are no data areas, so every data id is invalid. */
static LONG no_data(HDRVPHONE hdPhone)
{
	if (!tsp_enter_handle(hdPhone))
		return PHONEERR_INVALPHONEHANDLE;
	return tsp_leave(PHONEERR_INVALDATAID);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetData(HDRVPHONE hdPhone, DWORD dwDataID, LPVOID lpData,
					   DWORD dwSize)
{
	(void)dwDataID;
	(void)lpData;
	(void)dwSize;
	return no_data(hdPhone);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetData(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					   DWORD dwDataID, LPVOID lpData, DWORD dwSize)
{
	(void)dwRequestID;
	(void)dwDataID;
	(void)lpData;
	(void)dwSize;
	return no_data(hdPhone);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetButtonInfo(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						 DWORD dwButtonLampID,
						 LPPHONEBUTTONINFO lpButtonInfo)
{
	struct phone *p;

	(void)dwRequestID;
	if (!lpButtonInfo)
		return PHONEERR_INVALPOINTER;
	p = tsp_enter_handle(hdPhone);
	if (!p)
		return PHONEERR_INVALPHONEHANDLE;
	if (!phone_model_button(p->model, dwButtonLampID))
		return tsp_leave(PHONEERR_INVALBUTTONLAMPID);
	/* A USB phone's keys are what its firmware makes them. */
	return tsp_leave(PHONEERR_OPERATIONUNAVAIL);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneDevSpecific(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					       LPVOID lpParams, DWORD dwSize)
{
	(void)dwRequestID;
	if (!lpParams && dwSize)
		return PHONEERR_INVALPOINTER;
	return unavailable(hdPhone);
}
