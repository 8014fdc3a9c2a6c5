/*
 * Recordings: hid-recorder files with and without D:, our O:/F:/T: lines, writers that
 * parse back to the same thing, and every error with the line it names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hid/rdesc-load.h"
#include "hid/recording.h"
#include "tools/tapi-names.h"
#include "tspi.h"

/* A descriptor and ids to put in front of the lines a test is about (2 lines). */
#define HEADER "R: 4 05 0b 09 05\nI: 3 0b0e 0307\n"

static int parse(const char *text, struct recording **rec, struct text_error *err)
{
	return recording_parse(text, strlen(text), rec, err);
}

static struct recording *parse_ok(const char *text)
{
	struct recording *rec = NULL;
	struct text_error err;
	int rc = parse(text, &rec, &err);

	if (rc != 0)
		fail_msg("parse failed: %d, line %u column %u: %s", rc, err.line, err.column,
			 err.message);
	assert_non_null(rec);
	return rec;
}

static void load_descriptor(const char *name, uint8_t *out, size_t *len)
{
	char path[256];
	enum rdesc_file_format fmt;
	struct text_error err;
	long n;

	snprintf(path, sizeof(path), TEST_DATA_DIR "/descriptors/%s.rdesc.hex", name);
	n = rdesc_read_file(path, out, &fmt, &err);
	assert_true(n > 0);
	*len = (size_t)n;
}

static void assert_bytes(const uint8_t *got, size_t got_len, const char *hex)
{
	uint8_t want[64];
	size_t n = 0;

	for (const char *s = hex; *s; ) {
		unsigned v;
		int used;

		if (sscanf(s, "%2x%n", &v, &used) != 1)
			break;
		want[n++] = (uint8_t)v;
		s += used;
		while (*s == ' ')
			s++;
	}
	assert_int_equal(got_len, n);
	assert_memory_equal(got, want, n);
}

static void test_recorder_file_without_index(void **state)
{
	static uint8_t rdesc[RDESC_MAX_SIZE];
	static const char kinds[] = "GEOTETEGSEOT";
	struct recording *rec = NULL;
	struct text_error err;
	size_t rdesc_len;
	(void)state;

	load_descriptor("jabra-evolve-link-ms", rdesc, &rdesc_len);
	assert_int_equal(recording_read_file(TEST_DATA_DIR "/recordings/jabra-evolve-link-ms.hid",
					     &rec, &err), 0);
	assert_int_equal(rec->n_devices, 1);
	assert_int_equal(rec->devices[0].index, 0);
	assert_string_equal(rec->devices[0].name, "Jabra EVOLVE LINK MS");
	assert_string_equal(rec->devices[0].phys, "");
	assert_int_equal(rec->devices[0].bus, 3);
	assert_int_equal(rec->devices[0].vendor, 0x0b0e);
	assert_int_equal(rec->devices[0].product, 0x0307);
	assert_int_equal(rec->devices[0].rdesc_len, rdesc_len);
	assert_memory_equal(rec->devices[0].rdesc, rdesc, rdesc_len);

	assert_int_equal(rec->n_events, strlen(kinds));
	for (size_t i = 0; i < rec->n_events; i++) {
		assert_int_equal(rec->events[i].kind, kinds[i]);
		assert_int_equal(rec->events[i].device, 0);
	}
	/* F: get 2 08 00 stands on line 12: 7 comment lines, R:, N:, I:, a comment */
	assert_int_equal(rec->events[0].line, 12);
	assert_bytes(rec->events[0].data, rec->events[0].len, "08 00");
	assert_int_equal(rec->events[1].usec, 0);
	assert_bytes(rec->events[1].data, rec->events[1].len, "02 01 00");
	assert_int_equal(rec->events[2].usec, 4000);
	assert_string_equal(rec->events[3].message, "PHONE_STATE");
	assert_int_equal(rec->events[3].param[0], PHONESTATE_HANDSETHOOKSWITCH);
	assert_int_equal(rec->events[3].param[1], PHONEHOOKSWITCHMODE_MIC);
	assert_int_equal(rec->events[3].param[2], 0);
	assert_null(rec->events[3].data);
	assert_string_equal(rec->events[5].message, "PHONE_BUTTON");
	assert_int_equal(rec->events[9].usec, 1500000);
	assert_bytes(rec->events[9].data, rec->events[9].len, "02 00 00");
	recording_free(rec);
}

static void test_recorder_file_with_index(void **state)
{
	static uint8_t rdesc[RDESC_MAX_SIZE];
	static const unsigned devices[] = { 0, 1, 0, 1, 1 };
	struct recording *rec = NULL;
	struct text_error err;
	size_t rdesc_len;
	(void)state;

	assert_int_equal(recording_read_file(TEST_DATA_DIR "/recordings/jabra-and-razer.hid",
					     &rec, &err), 0);
	assert_int_equal(rec->n_devices, 2);
	assert_int_equal(rec->devices[0].index, 0);
	assert_int_equal(rec->devices[1].index, 1);
	assert_string_equal(rec->devices[1].name, "Razer USB microphone");
	assert_string_equal(rec->devices[1].phys, "usb-0000:00:14.0-3/input3");
	assert_int_equal(rec->devices[1].vendor, 0x1532);
	assert_int_equal(rec->devices[1].product, 0x0511);
	load_descriptor("razer-microphone-1532-0511", rdesc, &rdesc_len);
	assert_int_equal(rec->devices[1].rdesc_len, rdesc_len);
	assert_memory_equal(rec->devices[1].rdesc, rdesc, rdesc_len);
	load_descriptor("jabra-evolve-link-ms", rdesc, &rdesc_len);
	assert_memory_equal(rec->devices[0].rdesc, rdesc, rdesc_len);

	assert_int_equal(rec->n_events, 5);
	for (size_t i = 0; i < rec->n_events; i++) {
		assert_int_equal(rec->events[i].kind, RECORDING_INPUT);
		assert_int_equal(rec->events[i].device, devices[i]);
	}
	assert_int_equal(rec->events[3].len, 16);
	recording_free(rec);
}

/* D: values need not start at 0 or be contiguous; lines before any D: are device 0. */
static void test_device_indices(void **state)
{
	struct recording *rec;
	(void)state;

	rec = parse_ok("D: 7\n" HEADER "D: 3\n" HEADER
		       "D: 7\nE: 000000.000000 1 01\nD: 3\nE: 000000.000000 1 02\n");
	assert_int_equal(rec->n_devices, 2);
	assert_int_equal(rec->devices[0].index, 7);
	assert_int_equal(rec->devices[1].index, 3);
	assert_int_equal(rec->events[0].device, 0);
	assert_int_equal(rec->events[1].device, 1);
	recording_free(rec);

	rec = parse_ok(HEADER "D: 1\n" HEADER "D: 0\nE: 000000.000000 1 01\n");
	assert_int_equal(rec->n_devices, 2);
	assert_int_equal(rec->devices[0].index, 0);
	assert_int_equal(rec->events[0].device, 0);
	recording_free(rec);
}

static void test_unknown_lines_ignored(void **state)
{
	struct recording *rec;
	(void)state;

	rec = parse_ok("\n   \n# comment\n\t# indented comment\n"
		       "X: something from a newer recorder\n"
		       "Foo: bar\n"
		       "e: 000000.000000 not an event\n"
		       "Z:\n"
		       HEADER
		       "N: name with trailing blanks  \r\n"
		       "  E: 000000.000001 1 01\r\n"
		       "E:000000.000002 2 0x02,0x03\n"
		       "Y: 9 9 9\n");
	assert_int_equal(rec->n_devices, 1);
	assert_string_equal(rec->devices[0].name, "name with trailing blanks");
	assert_int_equal(rec->n_events, 2);
	assert_int_equal(rec->events[0].usec, 1);
	assert_bytes(rec->events[1].data, rec->events[1].len, "02 03");
	recording_free(rec);
}

static void test_timestamps(void **state)
{
	struct recording *rec;
	(void)state;

	rec = parse_ok(HEADER
		       "E: 1.5 1 01\n"                  /* hid-replay: 1 s + 5 µs */
		       "E: 000001.000005 1 01\n"        /* equal is fine */
		       "E: 1234567.000001 1 01\n"       /* more than 6 digits of seconds */
		       "D: 1\n" HEADER
		       "E: 000000.000000 1 01\n");      /* another device has its own clock */
	assert_int_equal(rec->events[0].usec, 1000005);
	assert_int_equal(rec->events[1].usec, 1000005);
	assert_int_equal(rec->events[2].usec, 1234567000001ull);
	assert_int_equal(rec->events[3].usec, 0);
	recording_free(rec);
}

static void test_name_cut(void **state)
{
	char text[512], name[300];
	struct recording *rec;
	(void)state;

	/* 125 ASCII bytes and a 3-byte character: the character does not fit in 127 */
	memset(name, 'a', 125);
	strcpy(name + 125, "\xe2\x82\xac and more");
	snprintf(text, sizeof(text), HEADER "N: %s\n", name);
	rec = parse_ok(text);
	assert_int_equal(strlen(rec->devices[0].name), 125);
	recording_free(rec);
}

struct bad {
	const char *text;
	int rc;
	unsigned line, column;
	const char *message;
};

static const struct bad bad_inputs[] = {
	/* declared length and listed bytes */
	{ HEADER "E: 000000.000000 3 02 01\n", -EINVAL, 3, 18, "declares 3 bytes but lists 2" },
	{ HEADER "E: 000000.000000 1 02 01\n", -EINVAL, 3, 18, "declares 1 bytes but lists 2" },
	{ HEADER "O: 000000.000000 x 02\n", -EINVAL, 3, 18, "expected a byte count" },
	{ HEADER "E: 000000.000000 0\n", -EINVAL, 3, 18, "at least one byte" },
	{ HEADER "E: 000000.000000 16385 00\n", -E2BIG, 3, 18, "longer than 16384" },
	{ HEADER "E: 000000.000000 99999999999 00\n", -E2BIG, 3, 18, "above" },
	{ "R: 65536 00\n", -E2BIG, 1, 4, "longer than 65535" },
	{ "R: 3 05 0b\n", -EINVAL, 1, 4, "declares 3 bytes but lists 2" },
	/* hex */
	{ HEADER "E: 000000.000000 2 02 0g\n", -EINVAL, 3, 23, "expected a hex byte" },
	{ HEADER "E: 000000.000000 2 02 001\n", -EINVAL, 3, 23, "expected a hex byte" },
	{ "R: 2 05 zz\n", -EINVAL, 1, 9, "expected a hex byte" },
	{ HEADER "E: 000000.000000 2 02 01 # comment\n", -EINVAL, 3, 26, "hex byte" },
	/* timestamps */
	{ HEADER "E: 000001.000000 1 02\nE: 000000.500000 1 02\n", -EINVAL, 4, 4,
	  "timestamp goes back (line 3 has 1.000000)" },
	/* T: lines have a clock of their own, so they may follow the reports they answer */
	{ HEADER "T: 000001.000000 PHONE_STATE 0 0 0\nT: 000000.000000 PHONE_STATE 0 0 0\n",
	  -EINVAL, 4, 4, "timestamp goes back (line 3 has 1.000000)" },
	{ HEADER "O: 000002.000000 1 02\nF: 000001.000000 set 1 02\n", -EINVAL, 4, 4,
	  "goes back" },
	{ HEADER "E: 000000.0000001 1 02\n", -EINVAL, 3, 4, "expected a timestamp" },
	{ HEADER "E: 12 1 02\n", -EINVAL, 3, 4, "expected a timestamp" },
	{ HEADER "E: .5 1 02\n", -EINVAL, 3, 4, "expected a timestamp" },
	{ HEADER "E: 1. 1 02\n", -EINVAL, 3, 4, "expected a timestamp" },
	{ HEADER "E: 1.x 1 02\n", -EINVAL, 3, 4, "expected a timestamp" },
	{ HEADER "E:\n", -EINVAL, 3, 3, "expected a timestamp" },
	{ HEADER "E: 99999999999999.000000 1 02\n", -ERANGE, 3, 4, "timestamp above" },
	/* reports before the device's descriptor */
	{ "E: 000000.000000 1 02\n" HEADER, -EINVAL, 1, 1, "'E:' line before the device's 'R:'" },
	{ "N: x\nO: 000000.000000 1 02\n" HEADER, -EINVAL, 2, 1, "'O:' line before" },
	{ "I: 3 1 2\n\nF: 000000.000000 get 1 02\n", -EINVAL, 3, 1, "'F:' line before" },
	{ HEADER "D: 1\nE: 000000.000000 1 02\n" HEADER, -EINVAL, 4, 1, "before the device" },
	/* devices */
	{ HEADER "R: 1 00\n", -EINVAL, 3, 1, "device 0 already has an 'R:' line" },
	{ HEADER "D: 5\nN: no descriptor\n", -EINVAL, 3, 1, "device 5 has no 'R:' line" },
	{ "D: 2\n", -EINVAL, 1, 1, "device 2 has no 'R:' line" },
	{ "T: 000000.000000 PHONE_STATE 0 0 0\n", -EINVAL, 1, 1, "device 0 has no 'R:'" },
	{ HEADER "D: x\n", -EINVAL, 3, 4, "expected a device index" },
	{ HEADER "D: 1 2\n", -EINVAL, 3, 6, "unexpected text at the end of the 'D:' line" },
	{ HEADER "D: 4294967296\n", -E2BIG, 3, 4, "device index above" },
	{ HEADER "D:\n", -EINVAL, 3, 3, "expected a device index" },
	/* I: */
	{ "I: 3 zz 1\n", -EINVAL, 1, 6, "expected the vendor id in hex" },
	{ "I: 3 10000 1\n", -E2BIG, 1, 6, "vendor id above 0xffff" },
	{ "I: 3 1 2 4\n", -EINVAL, 1, 10, "unexpected text" },
	{ "I: 3 1\n", -EINVAL, 1, 7, "expected the product id" },
	/* F: and T: */
	{ HEADER "F: 000000.000000 put 1 08\n", -EINVAL, 3, 18, "expected 'get' or 'set'" },
	{ HEADER "F: 000000.000000 1 08\n", -EINVAL, 3, 18, "expected 'get' or 'set'" },
	{ HEADER "T: 000000.000000 PHONE-STATE 0 0 0\n", -EINVAL, 3, 18, "event name" },
	{ HEADER "T: 000000.000000 PHONE_STATE_AND_THIRTY_TWO_LETTERS 0 0 0\n", -EINVAL, 3, 18,
	  "event name" },
	{ HEADER "T: 000000.000000\n", -EINVAL, 3, 17, "event name" },
	{ HEADER "T: 000000.000000 PHONE_STATE 0x200 0x2\n", -EINVAL, 3, 39,
	  "expected param3 in hex" },
	{ HEADER "T: 000000.000000 PHONE_STATE 1 2 3 4\n", -EINVAL, 3, 36, "unexpected text" },
	{ HEADER "T: 000000.000000 PHONE_STATE 1 2 0x10000000000000000\n", -E2BIG, 3, 34,
	  "param3 above" },
	{ HEADER "T: 000000.000000 PHONE_STATE 1 2 0x\n", -EINVAL, 3, 34, "param3" },
	/* garbage */
	{ HEADER "hello world\n", -EINVAL, 3, 1, "expected '<letter>: ...' or a '#' comment" },
	{ HEADER "  05 0b 09 05\n", -EINVAL, 3, 3, "expected '<letter>: ...'" },
	{ "05 0b 09 05\n", -EINVAL, 1, 1, "expected '<letter>: ...'" },
	{ HEADER ": x\n", -EINVAL, 3, 1, "expected '<letter>: ...'" },
	{ HEADER "E 000000.000000 1 02\n", -EINVAL, 3, 1, "expected '<letter>: ...'" },
	/* no device at all */
	{ "", -EINVAL, 0, 0, "no 'R:' line" },
	{ "# just a comment\n\nX: unknown\n", -EINVAL, 0, 0, "no 'R:' line" },
};

static void test_errors(void **state)
{
	(void)state;

	for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
		const struct bad *b = &bad_inputs[i];
		struct recording *rec = (struct recording *)&rec; /* must be reset to NULL */
		struct text_error err;
		int rc = parse(b->text, &rec, &err);

		if (rc != b->rc || err.line != b->line || err.column != b->column ||
		    !strstr(err.message, b->message))
			fail_msg("input %zu (%s): got %d at %u:%u \"%s\", want %d at %u:%u \"%s\"", i,
				 b->text, rc, err.line, err.column, err.message, b->rc, b->line,
				 b->column, b->message);
		assert_null(rec);
	}
}

static void test_nul_byte(void **state)
{
	static const char text[] = "R: 1 00\nN: a\0b\n";
	struct recording *rec = NULL;
	struct text_error err;
	(void)state;

	assert_int_equal(recording_parse(text, sizeof(text) - 1, &rec, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 5);
	assert_null(rec);
}

static void test_too_many_devices(void **state)
{
	size_t size = (RECORDING_MAX_DEVICES + 1) * 32, n = 0;
	char *text = malloc(size);
	struct recording *rec = NULL;
	struct text_error err;
	(void)state;

	for (unsigned d = 0; d < RECORDING_MAX_DEVICES; d++)
		n += (size_t)snprintf(text + n, size - n, "D: %u\nR: 1 00\n", d);
	rec = parse_ok(text);
	assert_int_equal(rec->n_devices, RECORDING_MAX_DEVICES);
	recording_free(rec);
	/* selecting a known device again is not a new one */
	n += (size_t)snprintf(text + n, size - n, "D: 0\nD: 9\n");
	rec = parse_ok(text);
	recording_free(rec);
	n += (size_t)snprintf(text + n, size - n, "D: %u\nR: 1 00\n", RECORDING_MAX_DEVICES);
	assert_int_equal(parse(text, &rec, &err), -E2BIG);
	assert_int_equal(err.line, 2 * RECORDING_MAX_DEVICES + 3);
	assert_non_null(strstr(err.message, "more than 64 devices"));
	free(text);
}

static void test_overlong_line(void **state)
{
	size_t head = strlen(HEADER), size = head + RECORDING_MAX_LINE + 64;
	char *text = malloc(size);
	struct recording *rec = NULL;
	struct text_error err;
	(void)state;

	/* exactly the limit: fine, even for a line nobody reads */
	memcpy(text, HEADER, head);
	memcpy(text + head, "# ", 2);
	memset(text + head + 2, 'x', RECORDING_MAX_LINE - 2);
	strcpy(text + head + RECORDING_MAX_LINE, "\n");
	rec = parse_ok(text);
	recording_free(rec);
	/* one byte more */
	strcpy(text + head + RECORDING_MAX_LINE, "x\nE: 000000.000000 1 00\n");
	assert_int_equal(parse(text, &rec, &err), -E2BIG);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, RECORDING_MAX_LINE + 1);
	assert_non_null(strstr(err.message, "line longer than 262144 bytes"));
	free(text);
}

/* The biggest report and the biggest descriptor fit in a line. */
static void test_largest(void **state)
{
	size_t size = 16 + RDESC_MAX_SIZE * 3 + 64 + RECORDING_MAX_REPORT * 3, n;
	char *text = malloc(size);
	struct recording *rec;
	(void)state;

	n = (size_t)snprintf(text, size, "R: %u", RDESC_MAX_SIZE);
	for (unsigned i = 0; i < RDESC_MAX_SIZE; i++)
		n += (size_t)snprintf(text + n, size - n, " %02x", i & 0xff);
	n += (size_t)snprintf(text + n, size - n, "\nE: 000000.000000 %u", RECORDING_MAX_REPORT);
	for (unsigned i = 0; i < RECORDING_MAX_REPORT; i++)
		n += (size_t)snprintf(text + n, size - n, " %02x", (i * 7) & 0xff);
	snprintf(text + n, size - n, "\n");
	rec = parse_ok(text);
	assert_int_equal(rec->devices[0].rdesc_len, RDESC_MAX_SIZE);
	assert_int_equal(rec->devices[0].rdesc[RDESC_MAX_SIZE - 1], (RDESC_MAX_SIZE - 1) & 0xff);
	assert_int_equal(rec->events[0].len, RECORDING_MAX_REPORT);
	assert_int_equal(rec->events[0].data[100], (100 * 7) & 0xff);
	recording_free(rec);
	free(text);
}

static void test_too_many_events(void **state)
{
	static const char line[] = "E: 000000.000000 1 01\n";
	size_t head = strlen(HEADER), each = sizeof(line) - 1;
	size_t size = head + (RECORDING_MAX_EVENTS + 1) * each + 1;
	char *text = malloc(size), *p = text;
	struct recording *rec = NULL;
	struct text_error err;
	(void)state;

	memcpy(p, HEADER, head);
	p += head;
	for (unsigned i = 0; i < RECORDING_MAX_EVENTS; i++, p += each)
		memcpy(p, line, each);
	*p = '\0';
	rec = parse_ok(text);
	assert_int_equal(rec->n_events, RECORDING_MAX_EVENTS);
	recording_free(rec);
	memcpy(p, line, each + 1);
	assert_int_equal(recording_parse(text, strlen(text), &rec, &err), -E2BIG);
	assert_int_equal(err.line, 3 + RECORDING_MAX_EVENTS);
	assert_non_null(strstr(err.message, "more than 1000000 events"));
	assert_null(rec);
	free(text);
}

static char *write_to_string(int (*writer)(FILE *, const void *), const void *arg, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = writer(f, arg);
	fclose(f);
	return buf;
}

static int write_jabra_device(FILE *f, const void *arg)
{
	static const uint8_t rdesc[] = { 0x05, 0x0b, 0x09, 0x05 };
	struct recording_device dev = {
		.index = 3, .name = "Jabra EVOLVE LINK MS", .bus = 3, .vendor = 0x0b0e,
		.product = 0x24c9, .rdesc = (uint8_t *)rdesc, .rdesc_len = sizeof(rdesc),
	};

	if (arg)
		snprintf(dev.phys, sizeof(dev.phys), "usb-0000:00:14.0-2/input3");
	return recording_write_device(f, &dev, arg != NULL);
}

static int write_events(FILE *f, const void *arg)
{
	static const uint8_t input[] = { 0x02, 0x01, 0x00 }, feature[] = { 0x08, 0x01 };
	int rc = 0;
	(void)arg;

	rc |= recording_write_report(f, RECORDING_INPUT, 3000002, input, sizeof(input));
	rc |= recording_write_report(f, RECORDING_OUTPUT, 1234567000000ull, input, 3);
	rc |= recording_write_report(f, RECORDING_FEATURE_GET, 1, feature, sizeof(feature));
	rc |= recording_write_report(f, RECORDING_FEATURE_SET, 999999, feature, sizeof(feature));
	rc |= recording_write_tapi(f, 0, "PHONE_STATE", 0x200, 0x2, 0x0);
	rc |= recording_write_tapi(f, 5, "ASYNC_COMPLETION", 0x10001, 0x80000048ull, UINT64_MAX);
	rc |= recording_write_tapi(f, 6, "12345", 1, 0xabcdef, 0);
	return rc;
}

static void test_writer_layout(void **state)
{
	char *s;
	int rc;
	(void)state;

	s = write_to_string(write_jabra_device, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "R: 4 05 0b 09 05\nN: Jabra EVOLVE LINK MS\nI: 3 0b0e 24c9\n");
	free(s);
	s = write_to_string(write_jabra_device, "with index", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "D: 3\nR: 4 05 0b 09 05\nN: Jabra EVOLVE LINK MS\n"
			       "P: usb-0000:00:14.0-2/input3\nI: 3 0b0e 24c9\n");
	free(s);
	s = write_to_string(write_events, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s,
			    "E: 000003.000002 3 02 01 00\n"
			    "O: 1234567.000000 3 02 01 00\n"
			    "F: 000000.000001 get 2 08 01\n"
			    "F: 000000.999999 set 2 08 01\n"
			    "T: 000000.000000 PHONE_STATE 0x200 0x2 0x0\n"
			    "T: 000000.000005 ASYNC_COMPLETION 0x10001 0x80000048 0xffffffffffffffff\n"
			    "T: 000000.000006 12345 0x1 0xabcdef 0x0\n");
	free(s);
}

static void test_writer_errors(void **state)
{
	static const uint8_t byte = 1;
	uint8_t *big = calloc(1, RECORDING_MAX_REPORT + 1);
	struct recording_device dev = { .rdesc_len = 1 };
	FILE *full;
	(void)state;

	assert_int_equal(recording_write_report(stdout, 'X', 0, &byte, 1), -EINVAL);
	assert_int_equal(recording_write_report(stdout, 'F', 0, &byte, 1), -EINVAL);
	assert_int_equal(recording_write_report(stdout, 'E', 0, &byte, 0), -EINVAL);
	assert_int_equal(recording_write_report(stdout, 'E', 0, NULL, 1), -EINVAL);
	assert_int_equal(recording_write_report(stdout, 'E', 0, big, RECORDING_MAX_REPORT + 1),
			 -EINVAL);
	assert_int_equal(recording_write_device(stdout, &dev, false), -EINVAL); /* no bytes */
	/* an event name is one word: it cannot break the line it stands in */
	assert_int_equal(recording_write_tapi(stdout, 0, "PHONE_STATE 1 2 3\nE:", 0, 0, 0), -EINVAL);
	assert_int_equal(recording_write_tapi(stdout, 0, "", 0, 0, 0), -EINVAL);
	assert_int_equal(recording_write_tapi(stdout, 0, NULL, 0, 0, 0), -EINVAL);
	free(big);

	/* unbuffered, so the failure shows in the call that wrote */
	full = fopen("/dev/full", "w");
	if (!full)
		skip();
	setvbuf(full, NULL, _IONBF, 0);
	assert_int_equal(recording_write_report(full, 'E', 0, &byte, 1), -EIO);
	assert_int_equal(recording_write_tapi(full, 0, "PHONE_STATE", 0, 0, 0), -EIO);
	dev.rdesc = (uint8_t *)&byte;
	assert_int_equal(recording_write_device(full, &dev, true), -EIO);
	fclose(full);
}

static void assert_same_recording(const struct recording *a, const struct recording *b)
{
	assert_int_equal(a->n_devices, b->n_devices);
	for (size_t i = 0; i < a->n_devices; i++) {
		const struct recording_device *x = &a->devices[i], *y = &b->devices[i];

		assert_int_equal(x->index, y->index);
		assert_string_equal(x->name, y->name);
		assert_string_equal(x->phys, y->phys);
		assert_int_equal(x->bus, y->bus);
		assert_int_equal(x->vendor, y->vendor);
		assert_int_equal(x->product, y->product);
		assert_int_equal(x->rdesc_len, y->rdesc_len);
		assert_memory_equal(x->rdesc, y->rdesc, x->rdesc_len);
	}
	assert_int_equal(a->n_events, b->n_events);
	for (size_t i = 0; i < a->n_events; i++) {
		const struct recording_event *x = &a->events[i], *y = &b->events[i];

		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->device, y->device);
		assert_int_equal(x->usec, y->usec);
		assert_int_equal(x->len, y->len);
		if (x->len)
			assert_memory_equal(x->data, y->data, x->len);
		assert_string_equal(x->message, y->message);
		for (int k = 0; k < 3; k++)
			assert_int_equal(x->param[k], y->param[k]);
	}
}

/* Writes rec the way phonectl record will: headers, then events with D: on each change. */
static char *write_recording(const struct recording *rec)
{
	bool several = rec->n_devices > 1;
	long last = several ? -1 : 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	for (size_t i = 0; i < rec->n_devices; i++)
		assert_int_equal(recording_write_device(f, &rec->devices[i], several), 0);
	for (size_t i = 0; i < rec->n_events; i++) {
		const struct recording_event *e = &rec->events[i];

		if ((long)e->device != last) {
			fprintf(f, "D: %u\n", rec->devices[e->device].index);
			last = (long)e->device;
		}
		if (e->kind == RECORDING_TAPI)
			assert_int_equal(recording_write_tapi(f, e->usec, e->message, e->param[0],
							      e->param[1], e->param[2]), 0);
		else
			assert_int_equal(recording_write_report(f, e->kind, e->usec, e->data,
								e->len), 0);
	}
	fclose(f);
	return buf;
}

static void round_trip(const struct recording *rec)
{
	char *text = write_recording(rec), *again;
	struct recording *back = parse_ok(text);

	assert_same_recording(rec, back);
	again = write_recording(back);
	assert_string_equal(text, again);
	free(again);
	free(text);
	recording_free(back);
}

static void test_round_trip(void **state)
{
	static const char *const files[] = {
		TEST_DATA_DIR "/recordings/jabra-evolve-link-ms.hid",
		TEST_DATA_DIR "/recordings/jabra-and-razer.hid",
	};
	struct recording *rec;
	struct text_error err;
	(void)state;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		assert_int_equal(recording_read_file(files[i], &rec, &err), 0);
		round_trip(rec);
		recording_free(rec);
	}
	/* every kind, odd values, names with tricky characters, unknown messages */
	rec = parse_ok("D: 0\nR: 1 00\nN: a name: with colons # and a hash\nP: usb-1/input0\n"
		       "I: 5 0000 ffff\n"
		       "D: 9\nR: 0\nN:\nI: 0 0 0\n"
		       "D: 0\nE: 000000.000000 1 ff\nO: 000000.000001 2 00 ff\n"
		       "F: 000000.000002 get 3 01 02 03\nF: 000000.000003 set 1 01\n"
		       "D: 9\nT: 000100.000000 26 0 0 0\nT: 000101.000000 4294967295 0 0 0\n"
		       "T: 000102.000000 PHONE_REPLY 0xffffffffffffffff 0X1 00\n"
		       "T: 000103.000000 0x10000 1 2 3\n");
	assert_int_equal(rec->devices[1].rdesc_len, 0);
	assert_null(rec->devices[1].rdesc);
	assert_string_equal(rec->devices[0].name, "a name: with colons # and a hash");
	assert_string_equal(rec->events[4].message, "26");
	assert_string_equal(rec->events[5].message, "4294967295");
	assert_string_equal(rec->events[7].message, "0x10000");
	round_trip(rec);
	recording_free(rec);
}

/* A name with a line break cannot break the file it is written to. */
static void test_writer_line_breaks(void **state)
{
	struct recording_device dev = { .name = "evil\nE: 0.0 1 00", .phys = "x\ry" };
	struct recording *rec;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	(void)state;

	assert_int_equal(recording_write_device(f, &dev, false), 0);
	fclose(f);
	rec = parse_ok(buf);
	assert_string_equal(rec->devices[0].name, "evil E: 0.0 1 00");
	assert_string_equal(rec->devices[0].phys, "x y");
	assert_int_equal(rec->n_events, 0);
	recording_free(rec);
	free(buf);
}

/* hid/ keeps T: names as words; tools/tapi-names reads them as TAPI's messages. */
static void test_message_names(void **state)
{
	static const struct {
		const char *name;
		DWORD number;
	} known[] = {
		{ "PHONE_BUTTON", PHONE_BUTTON },
		{ "PHONE_CLOSE", PHONE_CLOSE },
		{ "PHONE_DEVSPECIFIC", PHONE_DEVSPECIFIC },
		{ "PHONE_REPLY", PHONE_REPLY },
		{ "PHONE_STATE", PHONE_STATE },
		{ "PHONE_CREATE", PHONE_CREATE },
		{ "PHONE_REMOVE", PHONE_REMOVE },
		{ "ASYNC_COMPLETION", TAPI_ASYNC_COMPLETION },
	};
	static const char *const with_t[] = {
		TEST_DATA_DIR "/recordings/jabra-evolve-link-ms.hid",
		TEST_DATA_DIR "/recordings/jabra-link-380c-call.hid",
	};
	struct recording *rec;
	struct text_error err;
	char buf[16];
	DWORD m;
	(void)state;

	assert_int_equal(PHONE_STATE, 18);
	assert_int_equal(PHONE_CREATE, 20);
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		assert_string_equal(tapi_event_name(known[i].number, buf, sizeof(buf)),
				    known[i].name);
		assert_int_equal(tapi_event_parse(known[i].name, &m), 0);
		assert_int_equal(m, known[i].number);
	}
	assert_string_equal(tapi_event_name(0, buf, sizeof(buf)), "0");
	assert_string_equal(tapi_event_name(19, buf, sizeof(buf)), "19");
	assert_string_equal(tapi_event_name(UINT32_MAX, buf, sizeof(buf)), "4294967295");
	assert_int_equal(tapi_event_parse("19", &m), 0);
	assert_int_equal(m, 19);
	assert_int_equal(tapi_event_parse("0x10000", &m), 0);
	assert_int_equal(m, TAPI_ASYNC_COMPLETION);
	assert_int_equal(tapi_event_parse("4294967295", &m), 0);
	assert_int_equal(m, UINT32_MAX);
	assert_int_equal(tapi_event_parse("4294967296", &m), -EINVAL);
	assert_int_equal(tapi_event_parse("phone_state", &m), -EINVAL);
	assert_int_equal(tapi_event_parse("PHONE_STATEX", &m), -EINVAL);
	assert_int_equal(tapi_event_parse("", &m), -EINVAL);
	assert_int_equal(tapi_event_parse("0x", &m), -EINVAL);
	assert_int_equal(tapi_event_parse("-1", &m), -EINVAL);
	assert_int_equal(tapi_event_parse("12a", &m), -EINVAL);

	/* every T: name of the fixtures is one TAPI reads */
	for (size_t f = 0; f < sizeof(with_t) / sizeof(with_t[0]); f++) {
		size_t n = 0;

		assert_int_equal(recording_read_file(with_t[f], &rec, &err), 0);
		for (size_t i = 0; i < rec->n_events; i++) {
			if (rec->events[i].kind != RECORDING_TAPI)
				continue;
			assert_int_equal(tapi_event_parse(rec->events[i].message, &m), 0);
			n++;
		}
		assert_true(n > 0);
		recording_free(rec);
	}
}

static void test_read_file_errors(void **state)
{
	struct recording *rec = (struct recording *)&rec;
	struct text_error err;
	(void)state;

	assert_int_equal(recording_read_file(TEST_DATA_DIR "/recordings/no-such-file.hid", &rec,
					     &err), -ENOENT);
	assert_null(rec);
	assert_int_equal(err.line, 0);
	assert_true(strlen(err.message) > 0);
	assert_int_equal(recording_read_file(TEST_DATA_DIR "/recordings", &rec, &err), -EISDIR);
	/* a descriptor file is not a recording, and the message says where */
	assert_int_equal(recording_read_file(TEST_DATA_DIR "/descriptors/yealink-wh66.rdesc.hex",
					     &rec, &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 1);
	/* arguments */
	assert_int_equal(recording_parse(NULL, 1, &rec, &err), -EINVAL);
	assert_int_equal(recording_parse("", 0, NULL, &err), -EINVAL);
	assert_int_equal(recording_parse("", 0, &rec, NULL), -EINVAL);
	recording_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorder_file_without_index),
		cmocka_unit_test(test_recorder_file_with_index),
		cmocka_unit_test(test_device_indices),
		cmocka_unit_test(test_unknown_lines_ignored),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_name_cut),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_too_many_devices),
		cmocka_unit_test(test_overlong_line),
		cmocka_unit_test(test_largest),
		cmocka_unit_test(test_too_many_events),
		cmocka_unit_test(test_writer_layout),
		cmocka_unit_test(test_writer_errors),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_writer_line_breaks),
		cmocka_unit_test(test_message_names),
		cmocka_unit_test(test_read_file_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
