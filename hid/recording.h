/*
 * Recordings: one text format for fixtures, bug reports and phonectl record/replay.
 *
 * hid-tools' recorder format is kept exactly, so hid-decode and hid-replay read our files:
 *   # comment              (hid-recorder puts decoded fields in comments)
 *   D: <index>             device index, when several devices are recorded
 *   R: <len> <hex bytes>   report descriptor
 *   N: <name>              device name
 *   P: <phys>              physical path
 *   I: <bus> <vid> <pid>   hex
 *   E: <sec>.<usec> <len> <hex bytes>   input report, report id first when numbered
 * and extended with lines hid-tools ignores:
 *   O: <sec>.<usec> <len> <hex bytes>   output report sent by the host, report id first,
 *                                       00 when the device numbers none (report-prefix.h)
 *   F: <sec>.<usec> get|set <len> <hex bytes>   feature report read or written, as O:
 *   T: <sec>.<usec> <EVENT> <param1> <param2> <param3>   an event the provider reported
 *                                       to its host, params in hex. EVENT is a word of
 *                                       letters, digits and '_': the host API's name for it
 *                                       (PHONE_STATE, ASYNC_COMPLETION, ...) or its number.
 *                                       hid/ keeps it as written; the layer that knows the
 *                                       host's API (tools/tapi-names.h) reads and writes it.
 *
 * Recordings are untrusted input: every line is bounded, every error names the line.
 */
#ifndef HIDPHONE_RECORDING_H
#define HIDPHONE_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rdesc-load.h"

#define RECORDING_MAX_DEVICES 64
#define RECORDING_MAX_LINE (256u * 1024u)
#define RECORDING_MAX_REPORT 16384u
#define RECORDING_MAX_EVENTS 1000000u
#define RECORDING_MAX_NAME 32u   /* a T: line's event name, with its terminating NUL */

struct recording_device {
	unsigned index;          /* D: value, 0 when the file has no D: lines */
	char name[128];
	char phys[128];
	uint16_t bus, vendor, product;
	uint8_t *rdesc;
	size_t rdesc_len;
};

enum recording_kind {
	RECORDING_INPUT = 'E',
	RECORDING_OUTPUT = 'O',
	RECORDING_FEATURE_GET = 'G',
	RECORDING_FEATURE_SET = 'S',
	RECORDING_TAPI = 'T',
};

struct recording_event {
	char kind;               /* enum recording_kind */
	unsigned device;         /* index into recording.devices */
	uint64_t usec;           /* timestamp, microseconds */
	unsigned line;           /* where it stands in the file, for messages */
	uint8_t *data;           /* reports: the bytes, report id first when numbered */
	size_t len;
	char message[RECORDING_MAX_NAME]; /* T: the event's name as written */
	uint64_t param[3];       /* T: the event's parameters */
};

struct recording {
	size_t n_devices;
	struct recording_device *devices;
	size_t n_events;
	struct recording_event *events;
};

int recording_parse(const char *text, size_t len, struct recording **out,
		    struct text_error *err);
int recording_read_file(const char *path, struct recording **out, struct text_error *err);
void recording_free(struct recording *rec);

/* Writers: each writes one complete line (a multi-line header for the device). */
int recording_write_device(FILE *out, const struct recording_device *dev, bool with_index);
int recording_write_report(FILE *out, char kind, uint64_t usec, const uint8_t *data, size_t len);
/* -EINVAL for a message that is not a word of letters, digits and '_' (RECORDING_MAX_NAME). */
int recording_write_tapi(FILE *out, uint64_t usec, const char *message, uint64_t p1,
			 uint64_t p2, uint64_t p3);

#endif
