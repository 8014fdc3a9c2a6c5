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
 *   O: <sec>.<usec> <len> <hex bytes>   output report sent by the host, report id first
 *   F: <sec>.<usec> get|set <len> <hex bytes>   feature report read or written
 *   T: <sec>.<usec> <MESSAGE> <param1> <param2> <param3>   an event the provider reported
 *                                       to its TAPI host (PHONE_STATE, PHONE_BUTTON, ...,
 *                                       ASYNC_COMPLETION), params in hex
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
	uint32_t message;        /* T: PHONE_* message number, or RECORDING_ASYNC_COMPLETION */
	uint64_t param[3];       /* T: dwParam1..3 (ASYNC_COMPLETION: request id, result) */
};

/* ASYNC_COMPLETION is a callback, not a message; T: lines give it this number. */
#define RECORDING_ASYNC_COMPLETION 0x10000u

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

/* "PHONE_STATE" -> 18 and back; numbers are accepted and written for unknown messages. */
const char *recording_message_name(uint32_t message);
int recording_message_parse(const char *name, uint32_t *message);

/* Writers: each writes one complete line (a multi-line header for the device). */
int recording_write_device(FILE *out, const struct recording_device *dev, bool with_index);
int recording_write_report(FILE *out, char kind, uint64_t usec, const uint8_t *data, size_t len);
int recording_write_tapi(FILE *out, uint64_t usec, uint32_t message, uint64_t p1, uint64_t p2,
			 uint64_t p3);

#endif
