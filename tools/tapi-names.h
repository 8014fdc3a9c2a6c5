/*
 * Names of TAPI values, for people reading phonectl's output and recordings' T: lines.
 */
#ifndef HIDPHONE_TAPI_NAMES_H
#define HIDPHONE_TAPI_NAMES_H

#include <stddef.h>

#include "tspi.h"

/* "PHONE_STATE", ...; NULL for an unknown message. */
const char *tapi_message_name(DWORD msg);
/*
 * Recordings' T: lines name the events (hid/recording.h keeps them as words): the message's
 * name, ASYNC_COMPLETION for a completed request (a callback, not a message, so it gets
 * this number), or the number of a message without a name.
 */
#define TAPI_ASYNC_COMPLETION 0x10000u
const char *tapi_event_name(DWORD msg, char *buf, size_t size);
/* The name or number (decimal, or hex with 0x) back; -EINVAL for anything else. */
int tapi_event_parse(const char *name, DWORD *msg);
/* "PHONEERR_INVALLAMPMODE", "LINEERR_NOMEM", "success"; a number for unknown codes. */
const char *tapi_error_name(LONG code, char *buf, size_t size);
/* Bit sets as "HANDSETHOOKSWITCH|LAMP": the given prefix's names without the prefix. */
const char *tapi_phonestate_names(DWORD bits, char *buf, size_t size);
const char *tapi_hookswitchmode_name(DWORD mode);
const char *tapi_hookswitchdev_name(DWORD dev);
const char *tapi_buttonmode_name(DWORD mode);
const char *tapi_buttonstate_name(DWORD state);
const char *tapi_buttonfunction_name(DWORD function);
const char *tapi_lampmode_name(DWORD mode);
/* "CONNECTED", "DISCONNECTED"; "BUSY", "BADADDRESS" (LINECALLSTATE_, LINEDISCONNECTMODE_) */
const char *tapi_callstate_name(DWORD state);
const char *tapi_disconnectmode_name(DWORD mode);
/* Parses "STEADY" or "PHONELAMPMODE_STEADY" (any case); -1 when unknown. */
long tapi_lampmode_parse(const char *s);
long tapi_hookswitchmode_parse(const char *s);
long tapi_hookswitchdev_parse(const char *s);

/* One event as a line: "PHONE_BUTTON id=5 KEYPAD DOWN", "PHONE_STATE HEADSETHOOKSWITCH MICSPEAKER". */
void tapi_event_format(DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3, char *buf,
		       size_t size);

#endif
