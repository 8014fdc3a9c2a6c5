/*
 * Replay transport: reports in order, pacing, timeouts, interrupt, unplug, feature answers,
 * outputs kept and logged. Timing checks have lower bounds the code guarantees and upper
 * bounds loose enough for a loaded machine.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hid/rdesc-load.h"
#include "hid/recording.h"
#include "hid/report-prefix.h"
#include "hid/transport-replay.h"

#define JABRA TEST_DATA_DIR "/recordings/jabra-evolve-link-ms.hid"
#define TWO TEST_DATA_DIR "/recordings/jabra-and-razer.hid"
#define HEADER "R: 4 05 0b 09 05\nN: test\nI: 3 0b0e 0307\n"

static const struct replay_options fast_unplug = { .unplug_at_end = true };

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0)
		;
}

static struct recording *load(const char *path)
{
	struct recording *rec = NULL;
	struct text_error err;

	if (recording_read_file(path, &rec, &err) != 0)
		fail_msg("%s:%u:%u: %s", path, err.line, err.column, err.message);
	return rec;
}

static struct recording *parse(const char *text)
{
	struct recording *rec = NULL;
	struct text_error err;

	if (recording_parse(text, strlen(text), &rec, &err) != 0)
		fail_msg("line %u:%u: %s", err.line, err.column, err.message);
	return rec;
}

static struct transport *open_text(const char *text, const struct replay_options *opts)
{
	struct recording *rec = parse(text);
	struct transport *t = NULL;

	assert_int_equal(replay_open(rec, 0, "test", opts, &t, NULL), 0);
	/* the transport keeps its own copy */
	recording_free(rec);
	return t;
}

static void expect_read(struct transport *t, int timeout_ms, const uint8_t *want, size_t len)
{
	uint8_t buf[64];

	assert_int_equal(transport_read(t, buf, sizeof(buf), timeout_ms), (int)len);
	assert_memory_equal(buf, want, len);
}

static void test_fast(void **state)
{
	static const uint8_t reports[4][3] = {
		{ 0x02, 0x01, 0x00 }, { 0x02, 0x05, 0x00 }, { 0x02, 0x01, 0x00 }, { 0x02, 0x00, 0x00 },
	};
	static struct transport_info info;
	static uint8_t rdesc[RDESC_MAX_SIZE];
	struct recording *rec = load(JABRA);
	enum rdesc_file_format fmt;
	struct text_error err;
	struct transport *t;
	uint8_t buf[8];
	long n;
	(void)state;

	memset(&info, 0xa5, sizeof(info));
	assert_int_equal(replay_open(rec, 0, "jabra.hid", &fast_unplug, &t, &info), 0);
	recording_free(rec);
	assert_string_equal(info.path, "replay:jabra.hid");
	assert_int_equal(info.bus, 3);
	assert_int_equal(info.vendor, 0x0b0e);
	assert_int_equal(info.product, 0x0307);
	assert_int_equal(info.release, 0);
	assert_int_equal(info.interface, -1);
	assert_string_equal(info.manufacturer, "hidphone replay");
	assert_string_equal(info.product_name, "Jabra EVOLVE LINK MS");
	assert_string_equal(info.serial, "replay-0");
	n = rdesc_read_file(TEST_DATA_DIR "/descriptors/jabra-evolve-link-ms.rdesc.hex", rdesc,
			    &fmt, &err);
	assert_int_equal(info.rdesc_len, (size_t)n);
	assert_memory_equal(info.rdesc, rdesc, (size_t)n);

	for (int i = 0; i < 4; i++)
		expect_read(t, i == 0 ? -1 : 0, reports[i], 3);
	/* gone, and it stays gone */
	assert_int_equal(transport_read(t, buf, sizeof(buf), -1), -ENODEV);
	assert_int_equal(transport_read(t, buf, sizeof(buf), 0), -ENODEV);
	assert_int_equal(transport_read(t, buf, 0, 0), -EINVAL);
	transport_close(t);
}

/* A short buffer gets the start of the report, as from hidraw. */
static void test_short_buffer(void **state)
{
	struct transport *t = open_text(HEADER "E: 000000.000000 3 02 01 00\n", &fast_unplug);
	uint8_t buf[2];
	(void)state;

	assert_int_equal(transport_read(t, buf, sizeof(buf), 0), 2);
	assert_int_equal(buf[1], 0x01);
	assert_int_equal(transport_read(t, buf, sizeof(buf), 0), -ENODEV);
	transport_close(t);
}

/* Without unplug_at_end an exhausted recording behaves like an idle device. */
static void test_end_without_unplug(void **state)
{
	static const uint8_t report[] = { 0x02, 0x01, 0x00 };
	struct transport *t = open_text(HEADER "E: 000000.000000 3 02 01 00\n", NULL);
	uint8_t buf[8];
	int64_t start;
	(void)state;

	expect_read(t, 0, report, sizeof(report));
	assert_int_equal(transport_read(t, buf, sizeof(buf), 0), 0);
	start = now_ms();
	assert_int_equal(transport_read(t, buf, sizeof(buf), 60), 0);
	assert_true(now_ms() - start >= 59); /* ms truncation on both sides */
	assert_true(now_ms() - start < 2000);
	transport_close(t);
}

static void test_no_inputs(void **state)
{
	struct transport *t = open_text(HEADER "O: 000000.000000 1 02\n", &fast_unplug);
	uint8_t buf[8];
	(void)state;

	assert_int_equal(transport_read(t, buf, sizeof(buf), -1), -ENODEV);
	transport_close(t);
}

static void test_realtime(void **state)
{
	static const uint8_t a[] = { 0x01 }, b[] = { 0x02 }, c[] = { 0x03 };
	struct replay_options opts = { .realtime = true, .unplug_at_end = true };
	struct transport *t;
	uint8_t buf[8];
	int64_t start;
	(void)state;

	t = open_text(HEADER "E: 000000.100000 1 01\nE: 000000.150000 1 02\n"
		      "E: 000000.200000 1 03\n", &opts);
	/* the clock starts at the first read, not at open: this wait must not count */
	sleep_ms(150);
	start = now_ms();
	/* the recording's time 0 is the first read: the first report comes 100 ms later */
	expect_read(t, -1, a, 1);
	assert_true(now_ms() - start >= 99);
	assert_true(now_ms() - start < 1000);
	expect_read(t, -1, b, 1);
	expect_read(t, -1, c, 1);
	assert_true(now_ms() - start >= 199);
	assert_true(now_ms() - start < 2000);
	assert_int_equal(transport_read(t, buf, sizeof(buf), -1), -ENODEV);
	transport_close(t);
}

/* A report not yet due: polls and short timeouts return 0, a long enough wait gets it. */
static void test_realtime_timeouts(void **state)
{
	static const uint8_t a[] = { 0x01 }, b[] = { 0x02 };
	struct replay_options opts = { .realtime = true };
	struct transport *t;
	uint8_t buf[8];
	int64_t start, t1;
	(void)state;

	t = open_text(HEADER "E: 000000.000000 1 01\nE: 000000.600000 1 02\n", &opts);
	start = now_ms();
	expect_read(t, 0, a, 1);
	assert_int_equal(transport_read(t, buf, sizeof(buf), 0), 0);
	t1 = now_ms();
	assert_int_equal(transport_read(t, buf, sizeof(buf), 50), 0);
	assert_true(now_ms() - t1 >= 49);
	expect_read(t, 5000, b, 1);
	assert_true(now_ms() - start >= 599);
	assert_true(now_ms() - start < 3000);
	/* idle after the end, like a real device */
	assert_int_equal(transport_read(t, buf, sizeof(buf), 10), 0);
	transport_close(t);
}

/* A minute of silence in the recording is played as 2 s, as hid-replay does. */
static void test_realtime_long_gap(void **state)
{
	static const uint8_t a[] = { 0x01 }, b[] = { 0x02 }, c[] = { 0x03 };
	struct replay_options opts = { .realtime = true, .unplug_at_end = true };
	struct transport *t;
	int64_t start, elapsed;
	(void)state;

	t = open_text(HEADER "E: 000000.000000 1 01\nE: 000060.000000 1 02\n"
		      "E: 000060.010000 1 03\n", &opts);
	start = now_ms();
	expect_read(t, -1, a, 1);
	expect_read(t, -1, b, 1);
	elapsed = now_ms() - start;
	assert_true(elapsed >= 1999);
	assert_true(elapsed < 5000);
	/* the gaps after it keep their length */
	expect_read(t, -1, c, 1);
	assert_true(now_ms() - start >= 2009);
	transport_close(t);
}

struct reader {
	struct transport *t;
	int timeout_ms;
	int rc;
	int64_t returned_ms;
};

static void *reader_thread(void *arg)
{
	struct reader *r = arg;
	uint8_t buf[8];

	r->rc = transport_read(r->t, buf, sizeof(buf), r->timeout_ms);
	r->returned_ms = now_ms();
	return NULL;
}

static void interrupt_blocked_read(struct transport *t, int timeout_ms)
{
	struct reader r = { .t = t, .timeout_ms = timeout_ms };
	pthread_t thread;
	int64_t started, interrupted;

	started = now_ms();
	assert_int_equal(pthread_create(&thread, NULL, reader_thread, &r), 0);
	sleep_ms(150);
	interrupted = now_ms();
	transport_interrupt(t);
	assert_int_equal(pthread_join(thread, NULL), 0);
	assert_int_equal(r.rc, -EINTR);
	/* it was blocked until the interrupt, and woke promptly */
	assert_true(r.returned_ms - started >= 149);
	assert_true(r.returned_ms - interrupted < 100);
}

static void test_interrupt(void **state)
{
	struct replay_options realtime = { .realtime = true };
	struct transport *t;
	(void)state;

	/* exhausted, waiting without limit */
	t = open_text(HEADER "E: 000000.000000 1 01\n", NULL);
	expect_read(t, -1, (const uint8_t[]){ 0x01 }, 1);
	interrupt_blocked_read(t, -1);
	interrupt_blocked_read(t, 10000);
	transport_close(t);

	/* waiting for a report due much later */
	t = open_text(HEADER "E: 000000.000000 1 01\nE: 000001.900000 1 02\n", &realtime);
	expect_read(t, -1, (const uint8_t[]){ 0x01 }, 1);
	interrupt_blocked_read(t, -1);
	transport_close(t);
}

/* An interrupt that comes before the reader waits is not lost, and is used up once. */
static void test_interrupt_before_read(void **state)
{
	struct transport *t = open_text(HEADER "E: 000000.000000 1 01\n", &fast_unplug);
	uint8_t buf[8];
	(void)state;

	transport_interrupt(t);
	assert_int_equal(transport_read(t, buf, sizeof(buf), -1), -EINTR);
	expect_read(t, -1, (const uint8_t[]){ 0x01 }, 1);
	assert_int_equal(transport_read(t, buf, sizeof(buf), -1), -ENODEV);
	transport_close(t);
}

static int get_feature(struct transport *t, uint8_t id, uint8_t *buf, size_t len)
{
	memset(buf, 0xee, len);
	return transport_get_feature(t, id, buf, len);
}

static void test_get_feature(void **state)
{
	struct recording *rec = load(JABRA);
	struct transport *t;
	uint8_t buf[8];
	(void)state;

	/* F: get 08 00 comes before the first E:, F: get 08 01 after the third */
	assert_int_equal(replay_open(rec, 0, "jabra", &fast_unplug, &t, NULL), 0);
	recording_free(rec);
	assert_int_equal(get_feature(t, 8, buf, sizeof(buf)), 2);
	assert_int_equal(buf[1], 0x00);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(get_feature(t, 8, buf, sizeof(buf)), 2);
		assert_int_equal(buf[1], 0x00);
		assert_int_equal(transport_read(t, buf, sizeof(buf), 0), 3);
	}
	assert_int_equal(get_feature(t, 8, buf, sizeof(buf)), 2);
	assert_int_equal(buf[0], 0x08);
	assert_int_equal(buf[1], 0x01);
	assert_int_equal(get_feature(t, 8, buf, 1), 1);
	/* no F: get line for it: the device stalls */
	assert_int_equal(get_feature(t, 5, buf, sizeof(buf)), -EPIPE);
	/* F: set lines are not answers */
	assert_int_equal(transport_read(t, buf, sizeof(buf), 0), 3);
	assert_int_equal(get_feature(t, 8, buf, sizeof(buf)), 2);
	assert_int_equal(buf[1], 0x01);
	transport_close(t);

	/* read only later in the recording: that reading answers from the start */
	t = open_text(HEADER "E: 000000.000000 1 01\nF: 000000.100000 get 2 05 aa\n"
		      "E: 000000.200000 1 01\nF: 000000.300000 get 2 05 bb\n"
		      "F: 000000.300000 set 2 05 cc\n", &fast_unplug);
	assert_int_equal(get_feature(t, 5, buf, sizeof(buf)), 2);
	assert_int_equal(buf[1], 0xaa);
	assert_int_equal(transport_read(t, buf, sizeof(buf), 0), 1);
	assert_int_equal(get_feature(t, 5, buf, sizeof(buf)), 2);
	assert_int_equal(buf[1], 0xaa);
	assert_int_equal(transport_read(t, buf, sizeof(buf), 0), 1);
	assert_int_equal(get_feature(t, 5, buf, sizeof(buf)), 2);
	assert_int_equal(buf[1], 0xbb);
	assert_int_equal(transport_get_feature(t, 5, buf, 0), -EINVAL);
	transport_close(t);
}

static void test_outputs_in_memory(void **state)
{
	static const uint8_t led[] = { 0x02, 0x01, 0x00 }, off[] = { 0x02, 0x00, 0x00 };
	static const uint8_t feature[] = { 0x08, 0x01 };
	struct transport *t = open_text(HEADER, NULL);
	uint8_t buf[8];
	(void)state;

	assert_int_equal(replay_output_count(t), 0);
	assert_int_equal(replay_output_get(t, 0, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(transport_write(t, 2, led, sizeof(led)), 0);
	assert_int_equal(transport_write(t, 2, off, sizeof(off)), 0);
	assert_int_equal(transport_set_feature(t, 8, feature, sizeof(feature)), 0);
	assert_int_equal(transport_write(t, 2, led, 0), -EINVAL);
	/* bytes that are not the report the id names */
	assert_int_equal(transport_write(t, 3, led, sizeof(led)), -EINVAL);
	assert_int_equal(transport_set_feature(t, 9, feature, sizeof(feature)), -EINVAL);
	assert_int_equal(transport_write(t, 2, NULL, 3), -EINVAL);
	assert_int_equal(replay_output_count(t), 2);
	assert_int_equal(replay_output_get(t, 0, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, led, 3);
	assert_int_equal(replay_output_get(t, 1, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, off, 3);
	assert_int_equal(replay_output_get(t, 1, buf, 2), -ENOBUFS);
	assert_int_equal(replay_output_get(t, 2, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(replay_feature_set_count(t), 1);
	assert_int_equal(replay_feature_set_get(t, 0, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, feature, 2);
	/* set_feature is no answer to get_feature: the recording is */
	assert_int_equal(get_feature(t, 8, buf, sizeof(buf)), -EPIPE);
	transport_close(t);
}

/* Only the newest REPLAY_MAX_KEPT are kept. */
static void test_outputs_cap(void **state)
{
	struct transport *t = open_text(HEADER, NULL);
	uint8_t report[3] = { 0x02 }, buf[8];
	(void)state;

	for (unsigned i = 0; i < REPLAY_MAX_KEPT + 904; i++) {
		report[1] = (uint8_t)(i >> 8);
		report[2] = (uint8_t)i;
		assert_int_equal(transport_write(t, 2, report, sizeof(report)), 0);
	}
	assert_int_equal(replay_output_count(t), REPLAY_MAX_KEPT);
	assert_int_equal(replay_output_get(t, 0, buf, sizeof(buf)), 3);
	assert_int_equal(buf[1] << 8 | buf[2], 904);
	assert_int_equal(replay_output_get(t, REPLAY_MAX_KEPT - 1, buf, sizeof(buf)), 3);
	assert_int_equal(buf[1] << 8 | buf[2], REPLAY_MAX_KEPT + 903);
	transport_close(t);
}

static char *read_all(FILE *f, size_t *len)
{
	char *text;
	long size;

	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	text = malloc((size_t)size + 1);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	text[size] = '\0';
	*len = (size_t)size;
	return text;
}

static struct recording *parse_log(FILE *log)
{
	struct recording *rec = NULL;
	struct text_error err;
	size_t len;
	char *text = read_all(log, &len);

	if (recording_parse(text, len, &rec, &err) != 0)
		fail_msg("log line %u:%u: %s\n%s", err.line, err.column, err.message, text);
	free(text);
	return rec;
}

static void test_output_log(void **state)
{
	static const uint8_t led[] = { 0x02, 0x01, 0x00 }, off[] = { 0x02, 0x00, 0x00 };
	static const uint8_t feature[] = { 0x08, 0x01 };
	struct recording *rec = load(JABRA), *back;
	struct replay_options opts = { .output_log = tmpfile() };
	struct transport *t;
	(void)state;

	assert_non_null(opts.output_log);
	assert_int_equal(recording_write_device(opts.output_log, &rec->devices[0], false), 0);
	assert_int_equal(replay_open(rec, 0, "jabra", &opts, &t, NULL), 0);
	assert_int_equal(transport_write(t, 2, led, sizeof(led)), 0);
	sleep_ms(5);
	assert_int_equal(transport_set_feature(t, 8, feature, sizeof(feature)), 0);
	assert_int_equal(transport_write(t, 2, off, sizeof(off)), 0);
	transport_close(t);

	back = parse_log(opts.output_log);
	assert_int_equal(back->n_devices, 1);
	assert_string_equal(back->devices[0].name, rec->devices[0].name);
	assert_int_equal(back->devices[0].rdesc_len, rec->devices[0].rdesc_len);
	assert_int_equal(back->n_events, 3);
	assert_int_equal(back->events[0].kind, RECORDING_OUTPUT);
	assert_memory_equal(back->events[0].data, led, sizeof(led));
	assert_int_equal(back->events[1].kind, RECORDING_FEATURE_SET);
	assert_memory_equal(back->events[1].data, feature, sizeof(feature));
	assert_int_equal(back->events[2].kind, RECORDING_OUTPUT);
	assert_memory_equal(back->events[2].data, off, sizeof(off));
	/* time since open */
	assert_true(back->events[1].usec >= back->events[0].usec + 4000);
	assert_true(back->events[2].usec < 60000000);
	recording_free(back);
	recording_free(rec);
	fclose(opts.output_log);
}

/* The prefixed form (report id first, 0 for none) and the form on the wire, both ways. */
static void test_prefixed_form(void **state)
{
	static const uint8_t numbered[] = { 0x05, 0xaa }, unnumbered[] = { 0x00, 0x00, 0x07 };
	struct report_prefixed p;
	const uint8_t *report;
	uint8_t id, big[200];
	size_t len;
	(void)state;

	/* a numbered report is its own prefixed form */
	assert_int_equal(report_unprefix(numbered, 2, &id, &report, &len), 0);
	assert_int_equal(id, 5);
	assert_ptr_equal(report, numbered);
	assert_int_equal(len, 2);
	/* an unnumbered one loses the 0 before it: a data byte of 0 stays */
	assert_int_equal(report_unprefix(unnumbered, 3, &id, &report, &len), 0);
	assert_int_equal(id, 0);
	assert_ptr_equal(report, unnumbered + 1);
	assert_int_equal(len, 2);
	assert_int_equal(report_unprefix(unnumbered, 1, &id, &report, &len), -EINVAL);
	assert_int_equal(report_unprefix(unnumbered, 0, &id, &report, &len), -EINVAL);

	assert_int_equal(report_prefix(&p, 0, unnumbered + 1, 2), 0);
	assert_int_equal(p.len, 3);
	assert_memory_equal(p.bytes, unnumbered, 3);
	report_prefixed_release(&p);
	assert_int_equal(report_prefix(&p, 5, numbered, 2), 0);
	assert_int_equal(p.len, 2);
	assert_memory_equal(p.bytes, numbered, 2);
	report_prefixed_release(&p);
	/* room for a backend to fill: the id, then zeros; past the small buffer, allocated */
	memset(big, 0, sizeof(big));
	assert_int_equal(report_prefix(&p, 0, NULL, sizeof(big)), 0);
	assert_int_equal(p.len, sizeof(big) + 1);
	assert_ptr_not_equal(p.bytes, p.small);
	assert_int_equal(p.bytes[0], 0);
	assert_memory_equal(p.bytes + 1, big, sizeof(big));
	report_prefixed_release(&p);
	assert_int_equal(report_prefix(&p, 9, NULL, 4), 0);
	assert_int_equal(p.len, 4);
	assert_int_equal(p.bytes[0], 9);
	report_prefixed_release(&p);
}

/*
 * A device that numbers no reports: the transport takes and gives its bytes as on the wire
 * (id 0, no id byte), and the recording's F: get and O:/F: set lines keep their leading
 * 00, so recordings written before and after read the same.
 */
static void test_unnumbered(void **state)
{
	static const uint8_t out[] = { 0x00, 0x11 }, prefixed_out[] = { 0x00, 0x00, 0x11 };
	static const uint8_t feature[] = { 0x33 }, prefixed_feature[] = { 0x00, 0x33 };
	struct replay_options opts = { .output_log = tmpfile() };
	struct recording *rec, *back;
	struct transport *t;
	uint8_t buf[8];
	(void)state;

	assert_non_null(opts.output_log);
	rec = parse(HEADER "F: 000000.000000 get 3 00 aa bb\nF: 000000.000000 get 2 05 cc\n");
	assert_int_equal(recording_write_device(opts.output_log, &rec->devices[0], false), 0);
	assert_int_equal(replay_open(rec, 0, "unnumbered", &opts, &t, NULL), 0);
	recording_free(rec);
	assert_int_equal(get_feature(t, 0, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "\xaa\xbb", 2);
	assert_int_equal(buf[2], 0xee);
	assert_int_equal(get_feature(t, 0, buf, 1), 1);
	assert_int_equal(buf[0], 0xaa);
	assert_int_equal(get_feature(t, 5, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "\x05\xcc", 2);

	assert_int_equal(transport_write(t, 0, out, sizeof(out)), 0);
	assert_int_equal(transport_set_feature(t, 0, feature, sizeof(feature)), 0);
	assert_int_equal(replay_output_get(t, 0, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, prefixed_out, 3);
	assert_int_equal(replay_feature_set_get(t, 0, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, prefixed_feature, 2);
	transport_close(t);

	back = parse_log(opts.output_log);
	assert_int_equal(back->n_events, 2);
	assert_int_equal(back->events[0].kind, RECORDING_OUTPUT);
	assert_int_equal(back->events[0].len, 3);
	assert_memory_equal(back->events[0].data, prefixed_out, 3);
	assert_int_equal(back->events[1].kind, RECORDING_FEATURE_SET);
	assert_memory_equal(back->events[1].data, prefixed_feature, 2);
	recording_free(back);
	fclose(opts.output_log);
}

static void test_two_devices(void **state)
{
	static const uint8_t jabra[2][3] = { { 0x02, 0x01, 0x00 }, { 0x02, 0x00, 0x00 } };
	static const uint8_t razer_hook[] = { 0x02, 0x01 }, razer_idle[] = { 0x02, 0x00 };
	static struct transport_info info0, info1;
	struct recording *rec = load(TWO);
	struct transport *t0, *t1, *none;
	uint8_t buf[32];
	(void)state;

	assert_int_equal(replay_open(rec, 0, "two", &fast_unplug, &t0, &info0), 0);
	assert_int_equal(replay_open(rec, 1, "two", &fast_unplug, &t1, &info1), 0);
	assert_int_equal(replay_open(rec, 2, "two", &fast_unplug, &none, NULL), -ENODEV);
	recording_free(rec);
	assert_string_equal(info0.serial, "replay-0");
	assert_string_equal(info1.serial, "replay-1");
	assert_string_equal(info1.product_name, "Razer USB microphone");
	assert_int_equal(info1.vendor, 0x1532);
	assert_int_equal(info1.rdesc_len, 104);

	expect_read(t1, -1, razer_hook, 2);
	assert_int_equal(transport_read(t1, buf, sizeof(buf), -1), 16);
	assert_int_equal(buf[0], 0x01);
	expect_read(t1, -1, razer_idle, 2);
	assert_int_equal(transport_read(t1, buf, sizeof(buf), -1), -ENODEV);
	expect_read(t0, -1, jabra[0], 3);
	expect_read(t0, -1, jabra[1], 3);
	assert_int_equal(transport_read(t0, buf, sizeof(buf), -1), -ENODEV);
	transport_close(t0);
	transport_close(t1);
}

struct writer {
	struct transport *t;
	uint8_t id;
	int rc;
};

#define WRITES 300

static void *writer_thread(void *arg)
{
	struct writer *w = arg;

	for (unsigned i = 0; i < WRITES && w->rc == 0; i++) {
		uint8_t report[3] = { w->id, (uint8_t)(i >> 8), (uint8_t)i };

		w->rc = i % 10 == 9 ? transport_set_feature(w->t, w->id, report, sizeof(report)) :
				      transport_write(w->t, w->id, report, sizeof(report));
	}
	return NULL;
}

/* Two devices of one recording log to one FILE from two threads; the log reads back. */
static void test_two_devices_shared_log(void **state)
{
	struct recording *rec = load(TWO), *back;
	struct replay_options opts = { .unplug_at_end = true, .output_log = tmpfile() };
	struct writer w[2] = { { .id = 0x10 }, { .id = 0x20 } };
	pthread_t threads[2];
	unsigned seen[2] = { 0, 0 };
	(void)state;

	assert_non_null(opts.output_log);
	for (int d = 0; d < 2; d++) {
		assert_int_equal(recording_write_device(opts.output_log, &rec->devices[d], true), 0);
		assert_int_equal(replay_open(rec, (size_t)d, "two", &opts, &w[d].t, NULL), 0);
	}
	for (int d = 0; d < 2; d++)
		assert_int_equal(pthread_create(&threads[d], NULL, writer_thread, &w[d]), 0);
	/* a reader running meanwhile on each */
	for (int d = 0; d < 2; d++) {
		uint8_t buf[32];

		while (transport_read(w[d].t, buf, sizeof(buf), -1) > 0)
			;
	}
	for (int d = 0; d < 2; d++) {
		assert_int_equal(pthread_join(threads[d], NULL), 0);
		assert_int_equal(w[d].rc, 0);
		transport_close(w[d].t);
	}

	back = parse_log(opts.output_log);
	assert_int_equal(back->n_devices, 2);
	assert_string_equal(back->devices[1].name, "Razer USB microphone");
	assert_int_equal(back->n_events, 2 * WRITES);
	for (size_t i = 0; i < back->n_events; i++) {
		const struct recording_event *e = &back->events[i];
		unsigned d = e->device, n = seen[d];

		assert_true(d < 2);
		assert_int_equal(e->len, 3);
		assert_int_equal(e->data[0], w[d].id);
		/* each device's lines in the order it wrote them */
		assert_int_equal(e->data[1] << 8 | e->data[2], n);
		assert_int_equal(e->kind, n % 10 == 9 ? RECORDING_FEATURE_SET : RECORDING_OUTPUT);
		seen[d]++;
	}
	recording_free(back);
	recording_free(rec);
	fclose(opts.output_log);
}

static void test_open_errors(void **state)
{
	struct recording *rec = load(JABRA);
	struct transport *t = (struct transport *)&t;
	(void)state;

	assert_int_equal(replay_open(rec, 1, "x", NULL, &t, NULL), -ENODEV);
	assert_null(t);
	assert_int_equal(replay_open(NULL, 0, "x", NULL, &t, NULL), -EINVAL);
	assert_int_equal(replay_open(rec, 0, "x", NULL, NULL, NULL), -EINVAL);
	/* not a replay transport */
	assert_int_equal(replay_output_count(NULL), 0);
	transport_close(NULL);
	recording_free(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast),
		cmocka_unit_test(test_short_buffer),
		cmocka_unit_test(test_end_without_unplug),
		cmocka_unit_test(test_no_inputs),
		cmocka_unit_test(test_realtime),
		cmocka_unit_test(test_realtime_timeouts),
		cmocka_unit_test(test_realtime_long_gap),
		cmocka_unit_test(test_interrupt),
		cmocka_unit_test(test_interrupt_before_read),
		cmocka_unit_test(test_get_feature),
		cmocka_unit_test(test_prefixed_form),
		cmocka_unit_test(test_unnumbered),
		cmocka_unit_test(test_outputs_in_memory),
		cmocka_unit_test(test_outputs_cap),
		cmocka_unit_test(test_output_log),
		cmocka_unit_test(test_two_devices),
		cmocka_unit_test(test_two_devices_shared_log),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
