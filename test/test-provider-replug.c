/*
 * A phone plugged in and pulled out again and again, inside the provider: each cycle is
 * what the udev monitor does (tsp/hotplug.h) with a device played from a recording. The
 * provider's heap must not grow with the cycles: a removed phone and its line are freed
 * when they go, not kept until providerShutdown. Linked with the provider's objects (not
 * loaded), so the test can be the udev monitor.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hid/rdesc-load.h"
#include "hid/recording.h"
#include "hid/transport-replay.h"
#include "loop/event-loop.h"
#include "tsp/hotplug.h"
#include "tsp/phone.h"
#include "tspi.h"

#define NODE "replay:replug"
#define WAIT_MS 3000
#define PHONE_BASE 100
#define LINE_BASE 200
/* The first cycles fill what is kept for the next ones (malloc's per-thread caches, the
 * loop's and libre's tables): about 11 KiB over 20 cycles, flat after. */
#define WARMUP 20
#define CYCLES 100                /* measured, after the warm-up */
/* Allowed growth per measured cycle: 0-29 bytes measured (libre's and malloc's tables
 * settling), far below the 1.7 KiB a cycle kept when removed lines stayed in the table. */
#define SLACK_PER_CYCLE 128

static char dir[64];
static char rec_path[128];
static struct transport_info info;

/* --- what the host sees ----------------------------------------------------------------- */

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ev_changed = PTHREAD_COND_INITIALIZER;
static struct {
	DWORD_PTR phone_temp, line_temp;        /* of the last PHONE_CREATE / LINE_CREATE */
	unsigned phone_creates, line_creates, phone_removes, line_removes, phone_closes;
} ev;

static void CALLBACK phone_event(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
				 DWORD_PTR p3)
{
	(void)ht;
	(void)p1;
	(void)p3;
	pthread_mutex_lock(&ev_lock);
	if (msg == PHONE_CREATE) {
		ev.phone_temp = p2;
		ev.phone_creates++;
	} else if (msg == PHONE_REMOVE) {
		ev.phone_removes++;
	} else if (msg == PHONE_CLOSE) {
		ev.phone_closes++;
	}
	pthread_cond_broadcast(&ev_changed);
	pthread_mutex_unlock(&ev_lock);
}

static void CALLBACK line_event(HTAPILINE htline, HTAPICALL htcall, DWORD msg, DWORD_PTR p1,
				DWORD_PTR p2, DWORD_PTR p3)
{
	(void)htline;
	(void)htcall;
	(void)p1;
	(void)p3;
	pthread_mutex_lock(&ev_lock);
	if (msg == LINE_CREATE) {
		ev.line_temp = p2;
		ev.line_creates++;
	} else if (msg == LINE_REMOVE) {
		ev.line_removes++;
	}
	pthread_cond_broadcast(&ev_changed);
	pthread_mutex_unlock(&ev_lock);
}

static void CALLBACK completion(DRV_REQUESTID id, LONG result)
{
	(void)id;
	(void)result;
}

/* Waits until *counter reaches want. */
static bool wait_count(const unsigned *counter, unsigned want)
{
	struct timespec until;
	bool ok = true;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&ev_lock);
	while (*counter < want && ok)
		ok = pthread_cond_timedwait(&ev_changed, &ev_lock, &until) == 0;
	ok = *counter >= want;
	pthread_mutex_unlock(&ev_lock);
	return ok;
}

/* --- the device -------------------------------------------------------------------------- */

/* Opens the recording's device, as discovery's replay source does. */
static int replug_open(struct phone *p, struct transport **out)
{
	struct replay_options opts = { .realtime = false };
	struct recording *rec = NULL;
	struct text_error err;
	int rc = recording_read_file(rec_path, &rec, &err);

	if (rc == 0)
		rc = replay_open(rec, 0, p->source, &opts, out, NULL);
	recording_free(rec);
	return rc;
}

static const struct phone_source replug_source = { .open = replug_open };

static void plug_in(void *arg)
{
	(void)arg;
	tsp_hotplug_add(&info, NODE, &replug_source);
}

static void pull_out(void *arg)
{
	(void)arg;
	tsp_hotplug_remove(NODE);
}

/* Out and in again before the loop has run anything the removal posted. */
static void replug(void *arg)
{
	pull_out(arg);
	plug_in(arg);
}

static void nothing(void *arg)
{
	(void)arg;
}

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* --- fixture ----------------------------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	struct recording_device dev = { .bus = 3, .vendor = 0x0b0e, .product = 0x24c9 };
	struct recording *rec = NULL;
	struct transport *t = NULL;
	struct text_error err;
	enum rdesc_file_format fmt;
	uint8_t *rdesc = malloc(RDESC_MAX_SIZE);
	long n;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hidphone-replug-XXXXXX");
	if (!rdesc || !mkdtemp(dir))
		return -1;
	n = rdesc_read_file(TEST_DATA_DIR "/descriptors/jabra-link-380c.rdesc.hex", rdesc, &fmt,
			    &err);
	if (n <= 0)
		return -1;
	snprintf(dev.name, sizeof(dev.name), "Jabra Link 380");
	dev.rdesc = rdesc;
	dev.rdesc_len = (size_t)n;
	snprintf(rec_path, sizeof(rec_path), "%s/380c.hid", dir);
	f = fopen(rec_path, "w");
	if (!f || recording_write_device(f, &dev, false) != 0)
		return -1;
	fclose(f);
	free(rdesc);
	/* What the udev monitor would have read from the node. */
	if (recording_read_file(rec_path, &rec, &err) != 0 ||
	    replay_open(rec, 0, NODE, NULL, &t, &info) != 0)
		return -1;
	transport_close(t);
	recording_free(rec);
	snprintf(info.path, sizeof(info.path), "%s", NODE);
	setenv("HIDPHONE_DEVICES", "none", 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void start_provider(const char *config)
{
	char path[128];
	DWORD lines = 9, phones = 9, options = 0;

	snprintf(path, sizeof(path), "%s/hidphone.conf", dir);
	write_file(path, config);
	setenv("HIDPHONE_CONFIG", path, 1);
	pthread_mutex_lock(&ev_lock);
	memset(&ev, 0, sizeof(ev));
	pthread_mutex_unlock(&ev_lock);
	assert_int_equal(TSPI_providerEnumDevices(7, &lines, &phones, (HPROVIDER)0x1234,
						  line_event, phone_event), 0);
	assert_int_equal(phones, 0);
	assert_int_equal(lines, 0);
	assert_int_equal(TSPI_providerInit(TSP_VERSION_HIGH, 7, LINE_BASE, PHONE_BASE, 0, 0,
					   completion, &options), 0);
}

static void stop_provider(void)
{
	assert_int_equal(TSPI_providerShutdown(TSP_VERSION_HIGH, 7), 0);
}

/*
 * WARMUP + CYCLES plug-in / (open) / unplug cycles; returns the heap's growth over the last
 * CYCLES, each measured with everything its removal queued done.
 */
static long run_cycles(bool open)
{
	size_t base = 0;

	for (int i = 1; i <= WARMUP + CYCLES; i++) {
		DWORD phone_id = PHONE_BASE + (DWORD)i, line_id = LINE_BASE + (DWORD)i;
		HDRVPHONE hd = NULL;

		assert_int_equal(loop_call(plug_in, NULL), 0);
		assert_true(wait_count(&ev.phone_creates, (unsigned)i));
		assert_true(wait_count(&ev.line_creates, (unsigned)i));
		assert_int_equal(TSPI_providerCreatePhoneDevice(ev.phone_temp, phone_id), 0);
		assert_int_equal(TSPI_providerCreateLineDevice(ev.line_temp, line_id), 0);
		if (open) {
			assert_int_equal(TSPI_phoneOpen(phone_id, (HTAPIPHONE)(uintptr_t)i, &hd,
							TSP_VERSION_HIGH, phone_event), 0);
		}
		assert_int_equal(loop_call(pull_out, NULL), 0);
		assert_true(wait_count(&ev.phone_removes, (unsigned)i));
		assert_true(wait_count(&ev.line_removes, (unsigned)i));
		if (open)
			assert_true(wait_count(&ev.phone_closes, (unsigned)i));
		/* The old ids are dead. */
		assert_int_equal(TSPI_lineNegotiateTSPIVersion(line_id, TSP_VERSION_LOW,
							       TSP_VERSION_HIGH, &(DWORD){ 0 }),
				 LINEERR_BADDEVICEID);
		assert_int_equal(TSPI_phoneNegotiateTSPIVersion(phone_id, TSP_VERSION_LOW,
								TSP_VERSION_HIGH, &(DWORD){ 0 }),
				 PHONEERR_BADDEVICEID);
		/* What the removal posted has run: the loop's jobs, then what they queued for
		 * the host's thread. */
		assert_int_equal(loop_call(nothing, NULL), 0);
		usleep(20 * 1000);
		if (i == WARMUP)
			base = heap_in_use();
	}
	/* A sanitizer's allocator is not malloc's: the cycles ran, their heap is not seen. */
	if (!base) {
		stop_provider();
		skip();
	}
	return (long)heap_in_use() - (long)base;
}

/* The embedded default line of each phone: made and removed with it, not opened. */
static void test_default_line_cycles(void **state)
{
	long grew;

	(void)state;
	start_provider("");
	grew = run_cycles(false);
	fprintf(stderr, "default line, %d cycles: heap grew by %ld bytes (%.1f per cycle)\n",
		CYCLES, grew, (double)grew / CYCLES);
	assert_true(grew < (long)SLACK_PER_CYCLE * CYCLES);
	stop_provider();
}

/* A configured line and an open phone (its I/O and the line's SIP stack): the line comes
 * back with its phone each time (LINE_CREATE), and nothing is kept per cycle. */
static void test_configured_line_open_cycles(void **state)
{
	long grew;

	(void)state;
	start_provider("[line desk]\nphone = first\nlisten = 127.0.0.1:16950\n"
		       "media = silence\n");
	grew = run_cycles(true);
	fprintf(stderr, "configured line, phone open, %d cycles: heap grew by %ld bytes (%.1f "
		"per cycle)\n", CYCLES, grew, (double)grew / CYCLES);
	assert_true(grew < (long)SLACK_PER_CYCLE * CYCLES);
	stop_provider();
}

/* Pulled out and plugged in at once, before the old line's SIP stack has closed: the
 * configured line comes back with the new phone all the same. */
static void test_replug_at_once(void **state)
{
	(void)state;
	start_provider("[line desk]\nphone = first\nlisten = 127.0.0.1:16950\n");
	assert_int_equal(loop_call(plug_in, NULL), 0);
	assert_true(wait_count(&ev.line_creates, 1));
	assert_int_equal(TSPI_providerCreatePhoneDevice(ev.phone_temp, PHONE_BASE), 0);
	assert_int_equal(TSPI_providerCreateLineDevice(ev.line_temp, LINE_BASE), 0);
	assert_int_equal(loop_call(replug, NULL), 0);
	assert_true(wait_count(&ev.line_removes, 1));
	assert_true(wait_count(&ev.phone_creates, 2));
	assert_true(wait_count(&ev.line_creates, 2));
	assert_int_equal(TSPI_providerCreatePhoneDevice(ev.phone_temp, PHONE_BASE + 1), 0);
	assert_int_equal(TSPI_providerCreateLineDevice(ev.line_temp, LINE_BASE + 1), 0);
	assert_int_equal(TSPI_lineNegotiateTSPIVersion(LINE_BASE + 1, TSP_VERSION_LOW,
						       TSP_VERSION_HIGH, &(DWORD){ 0 }), 0);
	stop_provider();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_line_cycles),
		cmocka_unit_test(test_configured_line_open_cycles),
		cmocka_unit_test(test_replug_at_once),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
