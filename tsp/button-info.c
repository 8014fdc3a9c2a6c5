/*
 * What TAPI calls each button: its mode (keypad, feature, call appearance), its function
 * (PHONEBUTTONFUNCTION_), its text, and the lamp modes its lamp can show.
 */
#include <stdio.h>

#include "hid/hot-path.h"
#include "hid/usage-ids.h"
#include "hid/usage-names.h"
#include "button-info.h"
#include "phone.h"

static const struct {
	uint32_t usage;
	DWORD function;
} functions[] = {
	{ USAGE(UP_TELEPHONY, TEL_FLASH), PHONEBUTTONFUNCTION_FLASH },
	{ USAGE(UP_TELEPHONY, TEL_HOLD), PHONEBUTTONFUNCTION_HOLD },
	{ USAGE(UP_TELEPHONY, TEL_REDIAL), PHONEBUTTONFUNCTION_LASTNUM },
	{ USAGE(UP_TELEPHONY, TEL_TRANSFER), PHONEBUTTONFUNCTION_TRANSFER },
	{ USAGE(UP_TELEPHONY, TEL_DROP), PHONEBUTTONFUNCTION_DROP },
	{ USAGE(UP_TELEPHONY, TEL_PARK), PHONEBUTTONFUNCTION_PARK },
	{ USAGE(UP_TELEPHONY, TEL_FORWARD_CALLS), PHONEBUTTONFUNCTION_FORWARD },
	{ USAGE(UP_TELEPHONY, TEL_LINE), PHONEBUTTONFUNCTION_CALLAPP },
	{ USAGE(UP_TELEPHONY, TEL_CONFERENCE), PHONEBUTTONFUNCTION_CONFERENCE },
	{ USAGE(UP_TELEPHONY, TEL_RING_SELECT), PHONEBUTTONFUNCTION_SELECTRING },
	{ USAGE(UP_TELEPHONY, TEL_PHONE_MUTE), PHONEBUTTONFUNCTION_MUTE },
	{ USAGE(UP_TELEPHONY, TEL_CALLER_ID), PHONEBUTTONFUNCTION_CALLID },
	{ USAGE(UP_TELEPHONY, TEL_SEND), PHONEBUTTONFUNCTION_SEND },
	{ USAGE(UP_TELEPHONY, TEL_SPEED_DIAL), PHONEBUTTONFUNCTION_ABBREVDIAL },
	{ USAGE(UP_TELEPHONY, TEL_STORE_NUMBER), PHONEBUTTONFUNCTION_SETREPDIAL },
	{ USAGE(UP_TELEPHONY, TEL_RECALL_NUMBER), PHONEBUTTONFUNCTION_REPDIAL },
	{ USAGE(UP_TELEPHONY, TEL_PHONE_DIRECTORY), PHONEBUTTONFUNCTION_DIRECTORY },
	{ USAGE(UP_TELEPHONY, TEL_VOICE_MAIL), PHONEBUTTONFUNCTION_MSGINDICATOR },
	{ USAGE(UP_TELEPHONY, TEL_SCREEN_CALLS), PHONEBUTTONFUNCTION_SENDCALLS },
	{ USAGE(UP_TELEPHONY, TEL_DO_NOT_DISTURB), PHONEBUTTONFUNCTION_DONOTDISTURB },
	{ USAGE(UP_TELEPHONY, TEL_MESSAGE), PHONEBUTTONFUNCTION_MSGINDICATOR },
	/* Jabra-style headsets report the reject key as Line Busy Tone (prior-art, Jabra SDK). */
	{ USAGE(UP_TELEPHONY, TEL_LINE_BUSY_TONE), PHONEBUTTONFUNCTION_REJECT },
	{ USAGE(UP_CONSUMER, CONSUMER_VOLUME_UP), PHONEBUTTONFUNCTION_VOLUMEUP },
	{ USAGE(UP_CONSUMER, CONSUMER_VOLUME_DOWN), PHONEBUTTONFUNCTION_VOLUMEDOWN },
	{ USAGE(UP_CONSUMER, CONSUMER_MUTE), PHONEBUTTONFUNCTION_MUTE },
};

HOT_PATH
DWORD tsp_button_mode(const struct phone_button *b)
{
	if (b->keypad)
		return PHONEBUTTONMODE_KEYPAD;
	if (!b->has_input)
		return PHONEBUTTONMODE_DUMMY;
	if (b->usage == USAGE(UP_TELEPHONY, TEL_LINE))
		return PHONEBUTTONMODE_CALL;
	return PHONEBUTTONMODE_FEATURE;
}

DWORD tsp_button_function(const struct phone_button *b)
{
	if (b->function_set)   /* a profile's AttrButtonFunctions */
		return b->function;
	if (b->keypad)
		return PHONEBUTTONFUNCTION_NONE;
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
		if (functions[i].usage == b->usage)
			return functions[i].function;
	}
	return b->has_input ? PHONEBUTTONFUNCTION_UNKNOWN : PHONEBUTTONFUNCTION_NONE;
}

void tsp_button_text(const struct phone_button *b, char *buf, size_t size)
{
	static const char keys[] = "0123456789*#ABCD";
	uint32_t usage = b->usage ? b->usage : b->lamp_usage;

	if (b->label[0]) {     /* a profile's AttrButtonLabels */
		snprintf(buf, size, "%s", b->label);
		return;
	}
	if (b->keypad && b->id < 16) {
		snprintf(buf, size, "%c", keys[b->id]);
		return;
	}
	if (!usage) {
		buf[0] = '\0';
		return;
	}
	usage_format(usage, buf, size);
}

bool tsp_lamp_host_timed(const struct phone_model *m, const struct phone_button *b)
{
	return phone_button_has_lamp(b) &&
	       (!b->lamp_mode.field || phone_model_host_timed_lamps(m));
}

DWORD tsp_lamp_modes(const struct phone_model *m, const struct phone_button *b)
{
	DWORD modes;

	if (!phone_button_has_lamp(b))
		return PHONELAMPMODE_DUMMY;
	/*
	 * Blinking is what the device's multi-mode indicator offers: flash is TAPI's flash,
	 * slow blink its wink, fast blink flutter. An LED with on and off only blinks by the
	 * provider's timers, in every mode (tsp/lamp-cadence.h); so does every lamp of a
	 * phone whose profile says AttrLampBlink=host, its indicator set On and Off by turns.
	 */
	modes = PHONELAMPMODE_OFF | PHONELAMPMODE_STEADY;
	if (tsp_lamp_host_timed(m, b))
		return modes | PHONELAMPMODE_WINK | PHONELAMPMODE_FLASH | PHONELAMPMODE_FLUTTER |
		       PHONELAMPMODE_BROKENFLUTTER;
	if (phone_model_lamp_can(m, b, PHONE_LAMP_FLASH))
		modes |= PHONELAMPMODE_FLASH;
	if (phone_model_lamp_can(m, b, PHONE_LAMP_SLOW_BLINK))
		modes |= PHONELAMPMODE_WINK;
	if (phone_model_lamp_can(m, b, PHONE_LAMP_FAST_BLINK))
		modes |= PHONELAMPMODE_FLUTTER;
	return modes;
}
