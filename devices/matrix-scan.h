/*
 * Phones whose keypad the host scans (the C-Media CM109 family): no HID telephony
 * descriptor, a key matrix on the chip's GPIO pins, a buzzer behind an output bit. This
 * layer makes such a device look like an ordinary HID phone to the phone model: a transport
 * in front of the device's own one, with a report descriptor of its own (Telephony page:
 * keypad array, Hook Switch, Ringer), whose input reports come from scanning the matrix and
 * whose Ringer output becomes the buzzer bit on the wire. What differs between phones (which
 * scan code is which key, which keys are the hook, which bit is the buzzer) is the profile's
 * (AttrScanKeymap, AttrBuzzer: devices/data/README); what the chip does is the protocol
 * below, as data.
 *
 * The scan (the kernel's drivers/input/misc/cm109.c documents the protocol): with every
 * column driven, the row bits of an input report say whether any key is down; a change of
 * them starts a scan, one column driven per output report, each answered by one input
 * report whose row bits name the key in that column; then every column is driven again.
 * The chip reports a change of its rows by itself, so an idle phone costs no wakeup: reads
 * happen when the device sends something, and the only timer is the resend of an output
 * report whose answer did not come (answer_ms).
 */
#ifndef HIDPHONE_MATRIX_SCAN_H
#define HIDPHONE_MATRIX_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "devices/profile.h"
#include "hid/transport.h"

/* The wire protocol of one chip family. */
struct scan_protocol {
	const char *name;
	uint8_t report_len;          /* bytes of its input and output reports (no report id) */
	uint8_t out_mode[8];         /* the output report before columns and buzzer are set */
	uint8_t column_bytes[2];     /* output bytes that carry the driven column(s) */
	uint8_t row_byte;            /* input byte with the row bits (and the driven columns) */
	uint8_t row_mask;            /* its row bits */
	uint8_t column_mask;         /* its column bits; all of them: every column driven */
	uint32_t answer_ms;          /* an output report unanswered this long is sent again */
};

/* C-Media CM109: 4-byte reports; output byte 0 the mode (0: GPO and buzzer) and the
 * buzzer, bytes 1-2 the GPO columns; input byte 1: rows in the high nibble, the driven
 * columns in the low. */
extern const struct scan_protocol scan_protocol_cm109;

/* The protocol a profile's AttrProtocol names, or NULL (hid: no scan). */
const struct scan_protocol *scan_protocol_of(const struct profile_values *v);

/*
 * The report descriptor the phone model is given for such a phone: a Telephony Phone
 * collection with a keypad array (when the keymap has keypad keys), a Hook Switch (when it
 * has hook keys) and a Ringer output (with AttrBuzzer). Returns its length or -ENOSPC.
 */
int scan_descriptor(const struct profile_values *v, uint8_t *out, size_t size);

/*
 * Puts the scan in front of inner (which it owns from now on, also on failure): the
 * result reads and writes the reports of scan_descriptor(). now_ms is the clock the resend
 * is timed by (the I/O loop's). Writes the first output report (every column driven,
 * buzzer off). Returns 0 or a negative errno.
 */
int scan_transport_open(const struct scan_protocol *proto, const struct profile_values *v,
			struct transport *inner, uint64_t (*now_ms)(void), struct transport **out);

#endif
