#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tapi-names.h"

struct name {
	DWORD value;
	const char *name;
};

#define N(prefix, x) { prefix##x, #x }

#define M(x) { x, #x }
static const struct name messages[] = {
	M(PHONE_BUTTON), M(PHONE_CLOSE), M(PHONE_DEVSPECIFIC), M(PHONE_REPLY), M(PHONE_STATE),
	M(PHONE_CREATE), M(PHONE_REMOVE),
};

static const struct name states[] = {
	N(PHONESTATE_, OTHER), N(PHONESTATE_, CONNECTED), N(PHONESTATE_, DISCONNECTED),
	N(PHONESTATE_, OWNER), N(PHONESTATE_, MONITORS), N(PHONESTATE_, DISPLAY),
	N(PHONESTATE_, LAMP), N(PHONESTATE_, RINGMODE), N(PHONESTATE_, RINGVOLUME),
	N(PHONESTATE_, HANDSETHOOKSWITCH), N(PHONESTATE_, HANDSETVOLUME),
	N(PHONESTATE_, HANDSETGAIN), N(PHONESTATE_, SPEAKERHOOKSWITCH),
	N(PHONESTATE_, SPEAKERVOLUME), N(PHONESTATE_, SPEAKERGAIN),
	N(PHONESTATE_, HEADSETHOOKSWITCH), N(PHONESTATE_, HEADSETVOLUME),
	N(PHONESTATE_, HEADSETGAIN), N(PHONESTATE_, SUSPEND), N(PHONESTATE_, RESUME),
	N(PHONESTATE_, DEVSPECIFIC), N(PHONESTATE_, REINIT), N(PHONESTATE_, CAPSCHANGE),
	N(PHONESTATE_, REMOVED),
};

static const struct name hook_modes[] = {
	N(PHONEHOOKSWITCHMODE_, ONHOOK), N(PHONEHOOKSWITCHMODE_, MIC),
	N(PHONEHOOKSWITCHMODE_, SPEAKER), N(PHONEHOOKSWITCHMODE_, MICSPEAKER),
	N(PHONEHOOKSWITCHMODE_, UNKNOWN),
};

static const struct name hook_devs[] = {
	N(PHONEHOOKSWITCHDEV_, HANDSET), N(PHONEHOOKSWITCHDEV_, SPEAKER),
	N(PHONEHOOKSWITCHDEV_, HEADSET),
};

static const struct name button_modes[] = {
	N(PHONEBUTTONMODE_, DUMMY), N(PHONEBUTTONMODE_, CALL), N(PHONEBUTTONMODE_, FEATURE),
	N(PHONEBUTTONMODE_, KEYPAD), N(PHONEBUTTONMODE_, LOCAL), N(PHONEBUTTONMODE_, DISPLAY),
};

static const struct name button_states[] = {
	N(PHONEBUTTONSTATE_, UP), N(PHONEBUTTONSTATE_, DOWN), N(PHONEBUTTONSTATE_, UNKNOWN),
	N(PHONEBUTTONSTATE_, UNAVAIL),
};

static const struct name lamp_modes[] = {
	N(PHONELAMPMODE_, DUMMY), N(PHONELAMPMODE_, OFF), N(PHONELAMPMODE_, STEADY),
	N(PHONELAMPMODE_, WINK), N(PHONELAMPMODE_, FLASH), N(PHONELAMPMODE_, FLUTTER),
	N(PHONELAMPMODE_, BROKENFLUTTER), N(PHONELAMPMODE_, UNKNOWN),
};

/* PHONEBUTTONFUNCTION_ is an enumeration 0..0x2F in this order. */
static const char *const functions[] = {
	"UNKNOWN", "CONFERENCE", "TRANSFER", "DROP", "HOLD", "RECALL", "DISCONNECT", "CONNECT",
	"MSGWAITON", "MSGWAITOFF", "SELECTRING", "ABBREVDIAL", "FORWARD", "PICKUP", "RINGAGAIN",
	"PARK", "REJECT", "REDIRECT", "MUTE", "VOLUMEUP", "VOLUMEDOWN", "SPEAKERON",
	"SPEAKEROFF", "FLASH", "DATAON", "DATAOFF", "DONOTDISTURB", "INTERCOM", "BRIDGEDAPP",
	"BUSY", "CALLAPP", "DATETIME", "DIRECTORY", "COVER", "CALLID", "LASTNUM", "NIGHTSRV",
	"SENDCALLS", "MSGINDICATOR", "REPDIAL", "SETREPDIAL", "SYSTEMSPEED", "STATIONSPEED",
	"CAMPON", "SAVEREPEAT", "QUEUECALL", "NONE", "SEND",
};

static const struct name errors[] = {
	N(PHONEERR_, ALLOCATED), N(PHONEERR_, BADDEVICEID), N(PHONEERR_, INCOMPATIBLEAPIVERSION),
	N(PHONEERR_, INCOMPATIBLEEXTVERSION), N(PHONEERR_, INIFILECORRUPT), N(PHONEERR_, INUSE),
	N(PHONEERR_, INVALAPPHANDLE), N(PHONEERR_, INVALAPPNAME), N(PHONEERR_, INVALBUTTONLAMPID),
	N(PHONEERR_, INVALBUTTONMODE), N(PHONEERR_, INVALBUTTONSTATE), N(PHONEERR_, INVALDATAID),
	N(PHONEERR_, INVALDEVICECLASS), N(PHONEERR_, INVALEXTVERSION),
	N(PHONEERR_, INVALHOOKSWITCHDEV), N(PHONEERR_, INVALHOOKSWITCHMODE),
	N(PHONEERR_, INVALLAMPMODE), N(PHONEERR_, INVALPARAM), N(PHONEERR_, INVALPHONEHANDLE),
	N(PHONEERR_, INVALPHONESTATE), N(PHONEERR_, INVALPOINTER), N(PHONEERR_, INVALPRIVILEGE),
	N(PHONEERR_, INVALRINGMODE), N(PHONEERR_, NODEVICE), N(PHONEERR_, NODRIVER),
	N(PHONEERR_, NOMEM), N(PHONEERR_, NOTOWNER), N(PHONEERR_, OPERATIONFAILED),
	N(PHONEERR_, OPERATIONUNAVAIL), N(PHONEERR_, RESOURCEUNAVAIL),
	N(PHONEERR_, REQUESTOVERRUN), N(PHONEERR_, STRUCTURETOOSMALL), N(PHONEERR_, UNINITIALIZED),
	N(PHONEERR_, REINIT), N(PHONEERR_, DISCONNECTED), N(PHONEERR_, SERVICE_NOT_RUNNING),
	N(LINEERR_, BADDEVICEID), N(LINEERR_, INCOMPATIBLEAPIVERSION), N(LINEERR_, INIFILECORRUPT),
	N(LINEERR_, INUSE), N(LINEERR_, INVALPARAM), N(LINEERR_, NODRIVER), N(LINEERR_, NOMEM),
	N(LINEERR_, OPERATIONFAILED), N(LINEERR_, OPERATIONUNAVAIL), N(LINEERR_, RESOURCEUNAVAIL),
	N(LINEERR_, NOMULTIPLEINSTANCE), N(LINEERR_, ALLOCATED), N(LINEERR_, INVALADDRESS),
	N(LINEERR_, INVALADDRESSID), N(LINEERR_, INVALCALLHANDLE), N(LINEERR_, INVALCALLSTATE),
	N(LINEERR_, INVALLINEHANDLE), N(LINEERR_, INVALMEDIAMODE), N(LINEERR_, INVALPOINTER),
	N(LINEERR_, INVALPRIVSELECT), N(LINEERR_, CALLUNAVAIL), N(LINEERR_, NOTOWNER),
	N(LINEERR_, NODEVICE), N(LINEERR_, INVALBEARERMODE), N(LINEERR_, BEARERMODEUNAVAIL),
	N(LINEERR_, INVALRATE), N(LINEERR_, RATEUNAVAIL), N(LINEERR_, STRUCTURETOOSMALL),
	N(LINEERR_, UNINITIALIZED), N(LINEERR_, INVALDIGITS), N(LINEERR_, INVALDIGITMODE),
	N(LINEERR_, INVALAPPHANDLE),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct name call_states[] = {
	N(LINECALLSTATE_, IDLE), N(LINECALLSTATE_, OFFERING), N(LINECALLSTATE_, ACCEPTED),
	N(LINECALLSTATE_, DIALTONE), N(LINECALLSTATE_, DIALING), N(LINECALLSTATE_, RINGBACK),
	N(LINECALLSTATE_, BUSY), N(LINECALLSTATE_, SPECIALINFO), N(LINECALLSTATE_, CONNECTED),
	N(LINECALLSTATE_, PROCEEDING), N(LINECALLSTATE_, ONHOLD),
	N(LINECALLSTATE_, CONFERENCED), N(LINECALLSTATE_, ONHOLDPENDCONF),
	N(LINECALLSTATE_, ONHOLDPENDTRANSFER), N(LINECALLSTATE_, DISCONNECTED),
	N(LINECALLSTATE_, UNKNOWN),
};

static const struct name disconnect_modes[] = {
	N(LINEDISCONNECTMODE_, NORMAL), N(LINEDISCONNECTMODE_, UNKNOWN),
	N(LINEDISCONNECTMODE_, REJECT), N(LINEDISCONNECTMODE_, PICKUP),
	N(LINEDISCONNECTMODE_, FORWARDED), N(LINEDISCONNECTMODE_, BUSY),
	N(LINEDISCONNECTMODE_, NOANSWER), N(LINEDISCONNECTMODE_, BADADDRESS),
	N(LINEDISCONNECTMODE_, UNREACHABLE), N(LINEDISCONNECTMODE_, CONGESTION),
	N(LINEDISCONNECTMODE_, INCOMPATIBLE), N(LINEDISCONNECTMODE_, UNAVAIL),
	N(LINEDISCONNECTMODE_, NODIALTONE),
};

static const char *lookup(const struct name *t, size_t n, DWORD v)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].value == v)
			return t[i].name;
	}
	return NULL;
}

/* The name, or "?" for a value the table does not have. */
static const char *lookup_or_unknown(const struct name *t, size_t n, DWORD v)
{
	const char *name = lookup(t, n, v);

	return name ? name : "?";
}

static long parse(const struct name *t, size_t n, const char *prefix, const char *s)
{
	size_t plen = strlen(prefix);

	if (strncasecmp(s, prefix, plen) == 0)
		s += plen;
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(t[i].name, s) == 0)
			return (long)t[i].value;
	}
	return -1;
}

const char *tapi_message_name(DWORD msg)
{
	return lookup(messages, COUNT(messages), msg);
}

const char *tapi_event_name(DWORD msg, char *buf, size_t size)
{
	const char *n = msg == TAPI_ASYNC_COMPLETION ? "ASYNC_COMPLETION" : tapi_message_name(msg);

	if (n)
		return n;
	snprintf(buf, size, "%lu", (unsigned long)msg);
	return buf;
}

int tapi_event_parse(const char *name, DWORD *msg)
{
	unsigned long long v;
	char *end;

	if (strcmp(name, "ASYNC_COMPLETION") == 0) {
		*msg = TAPI_ASYNC_COMPLETION;
		return 0;
	}
	for (size_t i = 0; i < COUNT(messages); i++) {
		if (strcmp(messages[i].name, name) == 0) {
			*msg = messages[i].value;
			return 0;
		}
	}
	/* A number: decimal, or hex with 0x; nothing else, and nothing beyond 32 bits. */
	if (name[0] < '0' || name[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(name, &end, name[0] == '0' && (name[1] == 'x' || name[1] == 'X') ? 16 : 10);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*msg = (DWORD)v;
	return 0;
}

const char *tapi_error_name(LONG code, char *buf, size_t size)
{
	const char *n;

	if (code == 0)
		return "success";
	n = lookup(errors, COUNT(errors), (DWORD)code);
	if (!n)
		snprintf(buf, size, "0x%08x", (unsigned)code);
	else
		snprintf(buf, size, "%s%s", ((DWORD)code & 0xf0000000u) == 0x90000000u ?
					   "PHONEERR_" : "LINEERR_", n);
	return buf;
}

const char *tapi_phonestate_names(DWORD bits, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < COUNT(states); i++) {
		if (!(bits & states[i].value))
			continue;
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s",
					 used ? "|" : "", states[i].name);
	}
	if (!used)
		snprintf(buf, size, "0");
	return buf;
}

const char *tapi_hookswitchmode_name(DWORD mode)
{
	return lookup_or_unknown(hook_modes, COUNT(hook_modes), mode);
}

const char *tapi_hookswitchdev_name(DWORD dev)
{
	return lookup_or_unknown(hook_devs, COUNT(hook_devs), dev);
}

const char *tapi_buttonmode_name(DWORD mode)
{
	return lookup_or_unknown(button_modes, COUNT(button_modes), mode);
}

const char *tapi_buttonstate_name(DWORD state)
{
	return lookup_or_unknown(button_states, COUNT(button_states), state);
}

const char *tapi_buttonfunction_name(DWORD function)
{
	return function < COUNT(functions) ? functions[function] : "?";
}

const char *tapi_lampmode_name(DWORD mode)
{
	return lookup_or_unknown(lamp_modes, COUNT(lamp_modes), mode);
}

const char *tapi_callstate_name(DWORD state)
{
	return lookup_or_unknown(call_states, COUNT(call_states), state);
}

const char *tapi_disconnectmode_name(DWORD mode)
{
	return lookup_or_unknown(disconnect_modes, COUNT(disconnect_modes), mode);
}

long tapi_lampmode_parse(const char *s)
{
	return parse(lamp_modes, COUNT(lamp_modes), "PHONELAMPMODE_", s);
}

long tapi_hookswitchmode_parse(const char *s)
{
	return parse(hook_modes, COUNT(hook_modes), "PHONEHOOKSWITCHMODE_", s);
}

long tapi_hookswitchdev_parse(const char *s)
{
	return parse(hook_devs, COUNT(hook_devs), "PHONEHOOKSWITCHDEV_", s);
}

static const char *hook_dev_of_state(DWORD state)
{
	switch (state) {
	case PHONESTATE_HANDSETHOOKSWITCH: return "handset";
	case PHONESTATE_SPEAKERHOOKSWITCH: return "speaker";
	case PHONESTATE_HEADSETHOOKSWITCH: return "headset";
	}
	return NULL;
}

void tapi_event_format(DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3, char *buf,
		       size_t size)
{
	const char *name = tapi_message_name(msg);
	char states_buf[256];

	switch (msg) {
	case PHONE_STATE:
		if (hook_dev_of_state((DWORD)p1))
			snprintf(buf, size, "PHONE_STATE %s hook %s",
				 hook_dev_of_state((DWORD)p1), tapi_hookswitchmode_name((DWORD)p2));
		else if (p1 == PHONESTATE_LAMP)
			snprintf(buf, size, "PHONE_STATE LAMP id=%lu", (unsigned long)p2);
		else if (p1 == PHONESTATE_RINGMODE)
			snprintf(buf, size, "PHONE_STATE RINGMODE %lu", (unsigned long)p2);
		else
			snprintf(buf, size, "PHONE_STATE %s 0x%lx",
				 tapi_phonestate_names((DWORD)p1, states_buf, sizeof(states_buf)),
				 (unsigned long)p2);
		break;
	case PHONE_BUTTON:
		snprintf(buf, size, "PHONE_BUTTON id=%lu %s %s", (unsigned long)p1,
			 tapi_buttonmode_name((DWORD)p2), tapi_buttonstate_name((DWORD)p3));
		break;
	case PHONE_CREATE:
		snprintf(buf, size, "PHONE_CREATE temp-id=%lu", (unsigned long)p2);
		break;
	case PHONE_REMOVE:
		snprintf(buf, size, "PHONE_REMOVE id=%lu", (unsigned long)p1);
		break;
	default:
		snprintf(buf, size, "%s 0x%lx 0x%lx 0x%lx", name ? name : "message", (unsigned long)p1,
			 (unsigned long)p2, (unsigned long)p3);
	}
}
