/*
 * hidphone.tsp as a TAPI host sees it: loaded with dlopen, driven only through the TSPI
 * functions of include/tspi.h, with phones played from recordings of the real descriptors
 * (HIDPHONE_DEVICES=replay:...) and what it sends them read back from HIDPHONE_REPLAY_LOG.
 *
 * Input reports in these recordings put their bits where the index of the real descriptors
 * says the controls are (the .expect files of the descriptors), not where our parser says.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hid/hex-text.h"
#include "hid/recording.h"
#include "hid/rdesc-load.h"
#include "test-util.h"
#include "tools/tapi-host.h"

#define WAIT_MS 3000

static char tmpdir[256];
static char log_path[300];

/* One report to play, at a time relative to the open. */
struct play {
	unsigned ms;
	const char *hex;
};

static void write_recording(const char *path, const char *fixture, const char *name,
			    uint16_t vid, uint16_t pid, const struct play *plays)
{
	struct recording_device dev = { .bus = 3, .vendor = vid, .product = pid };
	char rpath[256];
	uint8_t *rdesc = malloc(RDESC_MAX_SIZE);
	enum rdesc_file_format fmt;
	struct text_error err;
	FILE *f = fopen(path, "w");
	long n;

	assert_non_null(f);
	/* a fixture name, or a path under the test data for the synthetic ones */
	if (strchr(fixture, '/'))
		snprintf(rpath, sizeof(rpath), TEST_DATA_DIR "/%s", fixture);
	else
		snprintf(rpath, sizeof(rpath), TEST_DATA_DIR "/descriptors/%s.rdesc.hex", fixture);
	n = rdesc_read_file(rpath, rdesc, &fmt, &err);
	assert_true(n > 0);
	snprintf(dev.name, sizeof(dev.name), "%s", name);
	dev.rdesc = rdesc;
	dev.rdesc_len = (size_t)n;
	assert_int_equal(recording_write_device(f, &dev, false), 0);
	for (size_t i = 0; plays && plays[i].hex; i++) {
		uint8_t bytes[64];
		size_t bad;
		long len = hex_parse_bytes(plays[i].hex, strlen(plays[i].hex), bytes, sizeof(bytes),
					   &bad);

		assert_true(len > 0);
		assert_int_equal(recording_write_report(f, RECORDING_INPUT,
							(uint64_t)plays[i].ms * 1000, bytes,
							(size_t)len), 0);
	}
	fclose(f);
	free(rdesc);
}

static struct host *start(const char *devices, DWORD expect_phones)
{
	struct host *h = host;

	setenv("HIDPHONE_DEVICES", devices, 1);
	unlink(log_path);
	setenv("HIDPHONE_REPLAY_LOG", log_path, 1);
	host_clear(h);
	assert_int_equal(host_start(h, 100), 0);
	assert_int_equal(h->num_phones, expect_phones);
	return h;
}

/* Output reports the provider sent, as "02 01 00" strings, in order; with features set,
 * the feature reports instead. */
static bool want_features;

static size_t read_outputs(char out[][64], size_t max)
{
	FILE *f = fopen(log_path, "r");
	char line[512];
	size_t n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && n < max) {
		unsigned long sec, usec, len;
		int off = 0;

		if ((want_features ? sscanf(line, "F: %lu.%lu set %lu %n", &sec, &usec, &len, &off) :
				     sscanf(line, "O: %lu.%lu %lu %n", &sec, &usec, &len, &off)) == 3 &&
		    off > 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out[n++], 64, "%s", line + off);
		}
	}
	fclose(f);
	return n;
}

static bool has_output(const char *hex)
{
	char outs[256][64];
	size_t n = read_outputs(outs, 256);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(outs[i], hex) == 0)
			return true;
	}
	fprintf(stderr, "no output report %s among %zu:\n", hex, n);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", outs[i]);
	return false;
}

/* The output reports of id 1 logged so far with their time since the open, in ms. */
static size_t read_timed_outputs(char out[][64], double *ms, size_t max)
{
	FILE *f = fopen(log_path, "r");
	char line[512];
	size_t n = 0;

	while (f && fgets(line, sizeof(line), f) && n < max) {
		unsigned long sec, usec, len;
		int off = 0;

		if (sscanf(line, "O: %lu.%lu %lu %n", &sec, &usec, &len, &off) == 3 && off > 0 &&
		    strncmp(line + off, "01 ", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out[n], 64, "%s", line + off);
			ms[n++] = (double)sec * 1000.0 + (double)usec / 1000.0;
		}
	}
	if (f)
		fclose(f);
	return n;
}

/*
 * FLASH on a lamp with an on/off LED only (Hold, id 16, in report 1): the provider's timer
 * sends the report with the LED on and off, 1000 ms each, until the lamp is set steady or
 * off.
 */
static void check_host_flash(struct host *h, HDRVPHONE hd)
{
	static char outs[256][64];
	double ms[256];
	size_t n0 = read_timed_outputs(outs, ms, 256), n;
	DWORD mode = 0;

	assert_int_equal(h->phoneSetLamp(11, hd, 16, PHONELAMPMODE_FLASH), 11);
	assert_int_equal(host_wait_completion(h, 11, WAIT_MS), 0);
	assert_int_equal(h->phoneGetLamp(hd, 16, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_FLASH);
	usleep(2300 * 1000);
	assert_int_equal(h->phoneSetLamp(12, hd, 16, PHONELAMPMODE_OFF), 12);
	assert_int_equal(host_wait_completion(h, 12, WAIT_MS), 0);
	n = read_timed_outputs(outs, ms, 256);
	/* on (the request), off at +1 s, on at +2 s, then off (the request) */
	assert_int_equal(n - n0, 4);
	assert_string_equal(outs[n0], outs[n0 + 2]);
	assert_string_not_equal(outs[n0], outs[n0 + 1]);
	assert_string_equal(outs[n0 + 1], outs[n0 + 3]);
	/*
	 * Each edge on the schedule the request started: edge k at k s after the first. The
	 * timer keeps that schedule, so a late edge (a loaded machine, sanitizers) makes the
	 * gap before the next one shorter, not the cadence wrong: each edge is checked against
	 * its own time, late by up to 150 ms, early by up to 100 ms (the first write's own delay).
	 */
	for (size_t i = n0 + 1; i < n0 + 3; i++) {
		double at = ms[i] - ms[n0], want = 1000.0 * (double)(i - n0);

		if (at < want - 100 || at > want + 150)
			fail_msg("flash edge %zu came %.1f ms after the request's, not %.0f", i - n0, at,
				 want);
	}
}

/* The echo of an input event is written after the event is queued: give the loop time. */
static bool wait_output(const char *hex)
{
	for (int i = 0; i < WAIT_MS / 10; i++) {
		char outs[256][64];
		size_t n = read_outputs(outs, 256);

		for (size_t j = 0; j < n; j++) {
			if (strcmp(outs[j], hex) == 0)
				return true;
		}
		usleep(10 * 1000);
	}
	return has_output(hex);
}

static HDRVPHONE open_phone(struct host *h, DWORD id)
{
	HDRVPHONE hd = NULL;

	assert_int_equal(h->phoneOpen(id, (HTAPIPHONE)(uintptr_t)(0x5000 + id), &hd, h->version,
				      host_phone_event), 0);
	return hd;
}

/* Read under the host's lock: the dispatch thread appends (entries never move). */
static const struct host_event *find_event(struct host *h, size_t from, DWORD msg)
{
	const struct host_event *found = NULL;

	pthread_mutex_lock(&h->lock);
	for (size_t i = from; i < h->n_events && !found; i++) {
		if (!h->events[i].completion && h->events[i].msg == msg)
			found = &h->events[i];
	}
	pthread_mutex_unlock(&h->lock);
	return found;
}

/* --------------------------------------------------------------------------------------- */

static void test_negotiation(void **state)
{
	struct host *h = host;
	DWORD v = 0;
	(void)state;

	assert_int_equal(h->lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, TAPI_VERSION1_4,
						     TAPI_VERSION3_1, &v), 0);
	assert_int_equal(v, TAPI_VERSION3_1);
	assert_int_equal(h->lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, TAPI_VERSION2_0,
						     TAPI_VERSION2_2, &v), 0);
	assert_int_equal(v, TAPI_VERSION2_2);
	/* 1.x had ANSI strings and other signatures */
	assert_int_equal(h->lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, TAPI_VERSION1_0,
						     TAPI_VERSION1_4, &v),
			 LINEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(h->lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, TAPI_VERSION3_1,
						     TAPI_VERSION2_0, &v),
			 LINEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(h->lineNegotiateTSPIVersion(0, TAPI_VERSION2_0, TAPI_VERSION3_1, &v),
			 LINEERR_BADDEVICEID);
	assert_int_equal(h->lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, TAPI_VERSION2_0,
						     TAPI_VERSION3_1, NULL), LINEERR_INVALPARAM);
}

static void test_before_init_and_after_shutdown(void **state)
{
	struct host *h = host;
	char buf[512] = { 0 };
	LPPHONECAPS caps = (LPPHONECAPS)buf;
	HDRVPHONE hd = NULL;
	DWORD v, mode;
	(void)state;

	caps->dwTotalSize = sizeof(buf);
	assert_int_equal(h->phoneGetDevCaps(100, TAPI_VERSION3_1, 0, caps), PHONEERR_BADDEVICEID);
	assert_int_equal(h->phoneOpen(100, NULL, &hd, TAPI_VERSION3_1, NULL), PHONEERR_BADDEVICEID);
	assert_int_equal(h->phoneNegotiateTSPIVersion(100, TAPI_VERSION2_0, TAPI_VERSION3_1, &v),
			 PHONEERR_BADDEVICEID);
	assert_int_equal(h->phoneGetLamp((HDRVPHONE)(uintptr_t)1, 0, &mode),
			 PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(h->phoneClose((HDRVPHONE)(uintptr_t)1), PHONEERR_INVALPHONEHANDLE);
	/* shutting down what never started is fine */
	assert_int_equal(h->providerShutdown(TAPI_VERSION3_1, 42), 0);
}

static void test_enumerates_every_fixture(void **state)
{
	static const char *fixtures[] = {
		"boya-mini-2-rx", "epos-impact-d", "epos-impact-d1", "epos-impact-dw",
		"jabra-biz-2400-ii", "jabra-evolve-link-ms", "jabra-link-380c", "jabra-speak-810",
		"logitech-g535-negative-control", "logitech-mx-brio", "plantronics-blackwire-c5220",
		"plantronics-poly-bt700", "plantronics-voyager-base-cd",
		"razer-microphone-1532-0511", "sennheiser-sc-660-anc-usb", "yealink-wh66",
	};
	char devices[8192] = "replay+fast:";
	struct host *h = host;
	(void)state;

	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%s.hid", tmpdir, fixtures[i]);
		write_recording(path, fixtures[i], fixtures[i], 0x1000 + (uint16_t)i, 0x2000, NULL);
		strcat(devices, i ? ":" : "");
		strcat(devices, path);
	}
	/* 16 recordings, 15 phones: the gaming headset has no telephony collection */
	start(devices, 15);
	for (DWORD id = 100; id < 115; id++) {
		uint8_t buf[4096];
		LPPHONECAPS caps = (LPPHONECAPS)buf;
		const uint16_t *name;
		DWORD v;

		assert_int_equal(h->phoneNegotiateTSPIVersion(id, TAPI_VERSION2_0, TAPI_VERSION3_1, &v), 0);
		memset(buf, 0xa5, sizeof(buf));
		caps->dwTotalSize = sizeof(buf);
		assert_int_equal(h->phoneGetDevCaps(id, v, 0, caps), 0);
		assert_int_equal(caps->dwTotalSize, sizeof(buf));
		assert_true(caps->dwNeededSize == caps->dwUsedSize);
		assert_true(caps->dwUsedSize <= sizeof(buf));
		assert_true(caps->dwHookSwitchDevs != 0);
		assert_true(caps->dwNumButtonLamps >= 16 || caps->dwNumButtonLamps == 12);
		assert_int_equal(caps->dwButtonModesSize, caps->dwNumButtonLamps * 4);
		assert_int_equal(caps->dwLampModesSize, caps->dwNumButtonLamps * 4);
		assert_true(caps->dwPhoneNameSize >= 4);
		assert_true(caps->dwPhoneNameOffset + caps->dwPhoneNameSize <= caps->dwUsedSize);
		/* UTF-16, NUL-terminated, the recording's name */
		name = (const uint16_t *)(buf + caps->dwPhoneNameOffset);
		assert_int_equal(name[caps->dwPhoneNameSize / 2 - 1], 0);
		assert_true(name[0] >= 'a' && name[0] <= 'z');
		assert_int_equal(caps->dwStringFormat, STRINGFORMAT_ASCII);
		assert_true(caps->dwPhoneFeatures & PHONEFEATURE_GETBUTTONINFO);
		assert_int_not_equal(caps->dwPermanentPhoneID, 0);
	}
	assert_int_equal(h->phoneNegotiateTSPIVersion(115, TAPI_VERSION2_0, TAPI_VERSION3_1,
						      &(DWORD){ 0 }), PHONEERR_BADDEVICEID);
	host_stop(h);
}

static const struct play link380c_plays[] = {
	{ 300, "02 01 06" },   /* headset off hook (bit 0), keypad idle (value 12) */
	{ 350, "02 81 02" },   /* key 5 pressed: keypad bits 7-10 = 5 */
	{ 400, "02 01 06" },   /* released */
	{ 450, "02 09 06" },   /* Phone Mute (bit 3, relative) */
	{ 500, "02 01 06" },
	{ 550, "01 02 00" },   /* Consumer Volume Increment, report 1 bit 1 */
	{ 600, "01 00 00" },
	{ 650, "02 00 06" },   /* on hook */
	{ 0, NULL },
};

static HDRVPHONE start_380c_playing(struct host *h, const char *mode, const struct play *plays)
{
	char path[512], devices[600];

	snprintf(path, sizeof(path), "%s/380c.hid", tmpdir);
	write_recording(path, "jabra-link-380c", "Jabra Link 380", 0x0b0e, 0x24c9, plays);
	snprintf(devices, sizeof(devices), "%s:%s", mode, path);
	start(devices, 1);
	return open_phone(h, 100);
}

static HDRVPHONE start_380c(struct host *h, const char *mode)
{
	return start_380c_playing(h, mode, link380c_plays);
}

static void test_380c_events(void **state)
{
	struct host *h = host;
	const struct host_event *ev;
	HDRVPHONE hd = start_380c(h, "replay");
	DWORD devs = 0;
	size_t i;
	(void)state;

	/* before the first report at 300 ms */
	assert_int_equal(h->phoneSetStatusMessages(hd, PHONESTATE_HEADSETHOOKSWITCH,
						   PHONEBUTTONMODE_KEYPAD | PHONEBUTTONMODE_FEATURE,
						   PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP), 0);
	/* hook off, 5 down, 5 up, mute down+up, volume down+up, hook on */
	assert_true(host_wait(h, 8, WAIT_MS));
	assert_int_equal(h->concurrent, 0);
	ev = &h->events[0];
	assert_int_equal(ev->msg, PHONE_STATE);
	assert_ptr_equal(ev->ht, (HTAPIPHONE)(uintptr_t)0x5064);
	assert_int_equal(ev->p1, PHONESTATE_HEADSETHOOKSWITCH);
	assert_int_equal(ev->p2, PHONEHOOKSWITCHMODE_MICSPEAKER);
	const struct { DWORD id, mode, state; } buttons[] = {
		{ 5, PHONEBUTTONMODE_KEYPAD, PHONEBUTTONSTATE_DOWN },
		{ 5, PHONEBUTTONMODE_KEYPAD, PHONEBUTTONSTATE_UP },
		{ 20, PHONEBUTTONMODE_FEATURE, PHONEBUTTONSTATE_DOWN },
		{ 20, PHONEBUTTONMODE_FEATURE, PHONEBUTTONSTATE_UP },
		{ 24, PHONEBUTTONMODE_FEATURE, PHONEBUTTONSTATE_DOWN },
		{ 24, PHONEBUTTONMODE_FEATURE, PHONEBUTTONSTATE_UP },
	};
	for (i = 0; i < 6; i++) {
		ev = &h->events[1 + i];
		assert_int_equal(ev->msg, PHONE_BUTTON);
		assert_int_equal(ev->p1, buttons[i].id);
		assert_int_equal(ev->p2, buttons[i].mode);
		assert_int_equal(ev->p3, buttons[i].state);
	}
	assert_int_equal(h->events[7].msg, PHONE_STATE);
	assert_int_equal(h->events[7].p2, PHONEHOOKSWITCHMODE_ONHOOK);
	/* the provider confirmed the device's hook changes on the Off-Hook LED (bit 0) */
	assert_true(wait_output("02 01 00"));
	assert_true(wait_output("02 00 00"));
	assert_int_equal(h->phoneGetHookSwitch(hd, &devs), 0);
	assert_int_equal(devs, 0);

	/* button info says what each id is */
	uint8_t buf[256];
	LPPHONEBUTTONINFO info = (LPPHONEBUTTONINFO)buf;
	info->dwTotalSize = sizeof(buf);
	assert_int_equal(h->phoneGetButtonInfo(hd, 20, info), 0);
	assert_int_equal(info->dwButtonMode, PHONEBUTTONMODE_FEATURE);
	assert_int_equal(info->dwButtonFunction, PHONEBUTTONFUNCTION_MUTE);
	assert_int_equal(info->dwButtonState, PHONEBUTTONSTATE_UP);
	assert_int_equal(h->phoneGetButtonInfo(hd, 5, info), 0);
	assert_int_equal(info->dwButtonMode, PHONEBUTTONMODE_KEYPAD);
	assert_int_equal(info->dwButtonTextSize, 4);
	assert_int_equal(*(uint16_t *)(buf + info->dwButtonTextOffset), '5');
	assert_int_equal(h->phoneClose(hd), 0);
	host_stop(h);
}

/* Filters: nothing but what the host asked for, and REINIT-only after open. */
static void test_status_filter(void **state)
{
	struct host *h = host;
	HDRVPHONE hd = start_380c(h, "replay");
	(void)state;

	assert_int_equal(h->phoneSetStatusMessages(hd, 0, PHONEBUTTONMODE_KEYPAD,
						   PHONEBUTTONSTATE_DOWN), 0);
	usleep(900 * 1000); /* the whole recording has played */
	assert_int_equal(host_count(h, false, PHONE_STATE), 0);
	assert_int_equal(host_count(h, false, PHONE_BUTTON), 1); /* key 5 down only */
	assert_int_equal(h->phoneSetStatusMessages(hd, 0x01000000, 0, 0), PHONEERR_INVALPHONESTATE);
	assert_int_equal(h->phoneSetStatusMessages(hd, 0, 0x40, 1), PHONEERR_INVALBUTTONMODE);
	assert_int_equal(h->phoneSetStatusMessages(hd, 0, PHONEBUTTONMODE_KEYPAD, 0),
			 PHONEERR_INVALBUTTONSTATE);
	assert_int_equal(h->phoneSetStatusMessages(hd, 0, PHONEBUTTONMODE_KEYPAD, 0x10),
			 PHONEERR_INVALBUTTONSTATE);
	assert_int_equal(h->phoneClose(hd), 0);
	host_stop(h);
}

static void test_380c_outputs(void **state)
{
	struct host *h = host;
	HDRVPHONE hd;
	DWORD mode, vol, devs;
	(void)state;

	/* a phone that reports nothing, so the output bytes are the requests' alone */
	hd = start_380c_playing(h, "replay", NULL);
	assert_int_equal(h->phoneSetStatusMessages(hd, PHONESTATE_LAMP | PHONESTATE_RINGMODE |
						   PHONESTATE_HEADSETHOOKSWITCH, 0, 0), 0);
	/* Mute LED is output report 2 bit 2, Hold bit 4, Off-Hook bit 0, Ring 3, Ringer 7 */
	assert_int_equal(h->phoneSetLamp(7, hd, 20, PHONELAMPMODE_STEADY), 7);
	assert_int_equal(host_wait_completion(h, 7, WAIT_MS), 0);
	assert_true(has_output("02 04 00"));
	assert_int_equal(h->phoneGetLamp(hd, 20, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_STEADY);
	assert_non_null(find_event(h, 0, PHONE_STATE));

	assert_int_equal(h->phoneSetRing(8, hd, 1, 0x8000), 8);
	assert_int_equal(host_wait_completion(h, 8, WAIT_MS), 0);
	assert_true(has_output("02 8c 00"));  /* Mute + Ring LED + Ringer, together */
	assert_int_equal(h->phoneGetRing(hd, &mode, &vol), 0);
	assert_int_equal(mode, 1);
	assert_int_equal(vol, 0x8000);

	assert_int_equal(h->phoneSetRing(9, hd, 0, 0), 9);
	assert_int_equal(host_wait_completion(h, 9, WAIT_MS), 0);
	assert_int_equal(h->phoneSetHookSwitch(10, hd, PHONEHOOKSWITCHDEV_HEADSET,
					       PHONEHOOKSWITCHMODE_MICSPEAKER), 10);
	assert_int_equal(host_wait_completion(h, 10, WAIT_MS), 0);
	assert_true(has_output("02 05 00"));  /* Off-Hook and Mute */
	assert_int_equal(h->phoneGetHookSwitch(hd, &devs), 0);
	assert_int_equal(devs, PHONEHOOKSWITCHDEV_HEADSET);

	/* every request completed exactly once */
	assert_int_equal(host_count(h, true, 0), 4);
	/* the log is itself a recording of the phone: its descriptor, then what it was sent */
	struct recording *rec = NULL;
	struct text_error err;
	assert_int_equal(recording_read_file(log_path, &rec, &err), 0);
	assert_int_equal(rec->n_devices, 1);
	assert_int_equal(rec->devices[0].vendor, 0x0b0e);
	assert_int_equal(rec->n_events, 4);
	assert_int_equal(rec->events[0].kind, RECORDING_OUTPUT);
	recording_free(rec);
	assert_int_equal(h->phoneClose(hd), 0);
	host_stop(h);
}

/*
 * A device that stops taking output reports (its OUT endpoint NAKs: hidraw's write() blocks
 * for up to 5 s) holds only the device writer: two live phones (replay+in=N+out=M), the
 * first with its output socket full, so the provider's write to it blocks until the test
 * reads. Each test fd pair: [0] the test's end, [1] the provider's.
 */
struct live {
	int in[2], out[2];
	size_t junk;                 /* packets the test put in out to fill it */
};

static void live_sockets(struct live *l, bool with_out)
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, l->in), 0);
	l->out[0] = l->out[1] = -1;
	l->junk = 0;
	if (with_out) {
		int small = 1;

		assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, l->out), 0);
		/* The smallest send buffer the kernel allows: a few packets fill it. */
		assert_int_equal(setsockopt(l->out[1], SOL_SOCKET, SO_SNDBUF, &small,
					    sizeof(small)), 0);
	}
}

/* The provider's next write to l blocks: its send buffer is full of the test's packets. */
static void live_stall(struct live *l)
{
	while (send(l->out[1], "x", 1, MSG_DONTWAIT) == 1)
		l->junk++;
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	assert_true(l->junk > 0);
}

/* Reads what is in l's output socket; returns the last report the provider sent. */
static size_t live_drain(struct live *l, uint8_t *last, size_t cap, int settle_ms)
{
	struct timeval limit = { .tv_sec = WAIT_MS / 1000 };
	size_t got = 0;

	/* Never a recv() without end: a test that fails must not hang make check. */
	assert_int_equal(setsockopt(l->out[0], SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)), 0);

	for (;;) {
		uint8_t buf[64];
		ssize_t n = recv(l->out[0], buf, sizeof(buf),
				 settle_ms ? 0 : MSG_DONTWAIT);

		if (n <= 0)
			break;
		if (l->junk) {
			l->junk--;
		} else if ((size_t)n <= cap) {
			memcpy(last, buf, (size_t)n);
			got = (size_t)n;
		}
		if (settle_ms && !l->junk) {
			/* What the writer sends once unblocked follows within settle_ms; a
			 * timeout the socket refuses would leave the next recv() blocking. */
			struct timeval tv = { .tv_sec = settle_ms / 1000,
					      .tv_usec = settle_ms % 1000 * 1000 };

			assert_int_equal(setsockopt(l->out[0], SOL_SOCKET, SO_RCVTIMEO, &tv,
						    sizeof(tv)), 0);
		}
	}
	return got;
}

static void live_close(struct live *l)
{
	for (int i = 0; i < 2; i++) {
		if (l->in[i] >= 0)
			close(l->in[i]);
		if (l->out[i] >= 0)
			close(l->out[i]);
		l->in[i] = l->out[i] = -1;
	}
}

static struct host *start_live(struct live *a, struct live *b)
{
	char path[512], devices[1200];

	snprintf(path, sizeof(path), "%s/380c-live.hid", tmpdir);
	write_recording(path, "jabra-link-380c", "Jabra Link 380", 0x0b0e, 0x24c9, NULL);
	live_sockets(a, true);
	live_sockets(b, false);
	snprintf(devices, sizeof(devices), "replay+in=%d+out=%d:%s;replay+in=%d:%s", a->in[1],
		 a->out[1], path, b->in[1], path);
	return start(devices, 2);
}

/* Waits until the host has msg (callbacks still arrive: under the host's lock). */
static bool wait_msg(struct host *h, DWORD msg, size_t n, int timeout_ms)
{
	uint64_t end = host_now_usec() + (uint64_t)timeout_ms * 1000;

	while (host_count(h, false, msg) < n) {
		if (host_now_usec() >= end)
			return false;
		host_wait(h, host_n_events(h) + 1, 100);
	}
	return true;
}

/* B's key 5 reaches the host while A's write is stuck; the time it took, in ms. */
static uint64_t key_through(struct host *h, struct live *b, HDRVPHONE hd)
{
	size_t before = host_count(h, false, PHONE_BUTTON);
	uint64_t t0 = host_now_usec();

	(void)hd;
	assert_int_equal(send(b->in[0], "\x02\x80\x02", 3, 0), 3);
	assert_true(wait_msg(h, PHONE_BUTTON, before + 1, WAIT_MS));
	assert_int_equal(host_count(h, false, PHONE_BUTTON), before + 1);
	assert_int_equal(send(b->in[0], "\x02\x00\x06", 3, 0), 3);
	return (host_now_usec() - t0) / 1000;
}

/*
 * Phone A (100) and phone B (101, keys reported) open; A's device stops taking output
 * reports and a SetLamp (request 7) on its Mute LED (id 20, output report 2 bit 2) holds
 * the writer.
 */
static void stuck_phone_beside_another(struct host *h, struct live *a, struct live *b,
				       HDRVPHONE *ha, HDRVPHONE *hb)
{
	start_live(a, b);
	*ha = open_phone(h, 100);
	*hb = open_phone(h, 101);
	assert_int_equal(h->phoneSetStatusMessages(*hb, 0, PHONEBUTTONMODE_KEYPAD,
						   PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP), 0);
	live_stall(a);
	assert_int_equal(h->phoneSetLamp(7, *ha, 20, PHONELAMPMODE_STEADY), 7);
	usleep(100 * 1000);
}

static void test_stuck_device(void **state)
{
	struct host *h = host;
	struct live a, b;
	HDRVPHONE ha, hb;
	uint8_t last[64];
	uint64_t ms;
	(void)state;

	stuck_phone_beside_another(h, &a, &b, &ha, &hb);
	assert_int_equal(host_count(h, true, 0), 0);
	/* The loop reads on: the other phone's key arrives at once (the loop is not stuck). */
	ms = key_through(h, &b, hb);
	assert_true(ms < 1000);
	/* More requests for the stuck phone queue behind its write, which is still stuck. */
	assert_int_equal(h->phoneSetLamp(8, ha, 20, PHONELAMPMODE_OFF), 8);
	assert_int_equal(h->phoneSetLamp(9, ha, 20, PHONELAMPMODE_STEADY), 9);
	usleep(100 * 1000);
	assert_int_equal(host_count(h, true, 0), 0);
	/* The device takes its reports again: every request completes once, the newest
	 * state is what it shows. */
	assert_true(live_drain(&a, last, sizeof(last), 1000) == 3);
	assert_memory_equal(last, "\x02\x04\x00", 3);
	assert_int_equal(host_wait_completion(h, 7, WAIT_MS), 0);
	assert_int_equal(host_wait_completion(h, 8, WAIT_MS), 0);
	assert_int_equal(host_wait_completion(h, 9, WAIT_MS), 0);
	usleep(100 * 1000);
	assert_int_equal(host_count(h, true, 0), 3);
	assert_int_equal(h->phoneClose(ha), 0);
	assert_int_equal(h->phoneClose(hb), 0);
	host_stop(h);
	live_close(&a);
	live_close(&b);
}

/* Unplugged while its write is stuck: the loop removes the phone without waiting for the
 * write, and the request completes once, with an error, when the write gives up. */
static void test_stuck_device_unplug(void **state)
{
	struct host *h = host;
	struct live a, b;
	HDRVPHONE ha, hb;
	const struct host_event *ev;
	HTAPIPHONE closed_ht;
	LONG rc;
	(void)state;

	stuck_phone_beside_another(h, &a, &b, &ha, &hb);
	/* The device goes: its input ends (as hidraw's does), its write is still stuck. */
	close(a.in[0]);
	a.in[0] = -1;
	assert_true(wait_msg(h, PHONE_REMOVE, 1, WAIT_MS));
	ev = find_event(h, 0, PHONE_CLOSE);
	closed_ht = ev ? ev->ht : NULL;
	assert_ptr_equal(closed_ht, (HTAPIPHONE)(uintptr_t)(0x5000 + 100));
	assert_int_equal(host_count(h, true, 0), 0);
	assert_true(key_through(h, &b, hb) < 1000);
	/* The write fails as the device is gone: the request completes, once, with an error. */
	close(a.out[0]);
	a.out[0] = -1;
	rc = host_wait_completion(h, 7, WAIT_MS);
	assert_true(rc != 0 && rc != 1);
	usleep(100 * 1000);
	assert_int_equal(host_count(h, true, 0), 1);
	assert_int_equal(h->phoneClose(hb), 0);
	host_stop(h);
	live_close(&a);
	live_close(&b);
}

static void *shutdown_thread(void *arg)
{
	host_stop(arg);
	return NULL;
}

/* providerShutdown while a write is stuck: it waits for the write, which then completes
 * its request once before the shutdown returns. */
static void test_stuck_device_shutdown(void **state)
{
	struct host *h = host;
	struct live a, b;
	HDRVPHONE ha;
	pthread_t th;
	uint8_t last[64];
	(void)state;

	start_live(&a, &b);
	ha = open_phone(h, 100);
	(void)ha;
	live_stall(&a);
	assert_int_equal(h->phoneSetLamp(7, ha, 20, PHONELAMPMODE_STEADY), 7);
	usleep(100 * 1000);
	/* The host shuts down without closing the phone. */
	assert_int_equal(pthread_create(&th, NULL, shutdown_thread, h), 0);
	usleep(200 * 1000);
	assert_int_equal(host_count(h, true, 0), 0);
	live_drain(&a, last, sizeof(last), 1000);
	assert_int_equal(pthread_join(th, NULL), 0);
	/* Delivered before providerShutdown returned, once. */
	assert_int_equal(host_count(h, true, 0), 1);
	live_close(&a);
	live_close(&b);
}

/*
 * Input never waits for the host: while a callback runs (held here until the test lets it
 * go), the next report is read all the same (by the loop, the dispatch thread being busy),
 * and what it sets off happens at once: the Off-Hook confirmation reaches the device. Its
 * event follows the held one, in order, once the callback returns.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool holding, release;
} held = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false };

static void hold_first_button(struct host *h, const struct host_event *ev)
{
	(void)h;
	if (ev->completion || ev->msg != PHONE_BUTTON)
		return;
	pthread_mutex_lock(&held.lock);
	if (!held.release) {
		held.holding = true;
		pthread_cond_broadcast(&held.changed);
		while (!held.release)
			pthread_cond_wait(&held.changed, &held.lock);
	}
	pthread_mutex_unlock(&held.lock);
}

static void test_input_while_callback_runs(void **state)
{
	struct host *h = host;
	struct live a, b;
	HDRVPHONE ha;
	uint8_t out[64];
	const struct host_event *button, *hook;
	struct timeval limit = { .tv_sec = WAIT_MS / 1000 };
	bool confirmed = false;
	(void)state;

	start_live(&a, &b);
	ha = open_phone(h, 100);
	assert_int_equal(h->phoneSetStatusMessages(ha, PHONESTATE_HEADSETHOOKSWITCH,
						   PHONEBUTTONMODE_KEYPAD,
						   PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP), 0);
	usleep(100 * 1000);
	live_drain(&a, out, sizeof(out), 0);
	held.holding = held.release = false;
	host_set_on_event(h, hold_first_button);

	/* Key 5 down: its callback holds the dispatch thread. */
	assert_int_equal(send(a.in[0], "\x02\x80\x02", 3, 0), 3);
	pthread_mutex_lock(&held.lock);
	while (!held.holding)
		pthread_cond_wait(&held.changed, &held.lock);
	pthread_mutex_unlock(&held.lock);
	/* Off-Hook (key up): read and confirmed on the device while the callback runs. */
	assert_int_equal(send(a.in[0], "\x02\x01\x06", 3, 0), 3);
	assert_int_equal(setsockopt(a.out[0], SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)), 0);
	while (!confirmed) {
		ssize_t n = recv(a.out[0], out, sizeof(out), 0);

		assert_true(n > 0);
		confirmed = n == 3 && out[0] == 0x02 && (out[1] & 0x01);
	}
	pthread_mutex_lock(&held.lock);
	assert_true(held.holding);
	assert_int_equal(host_count(h, false, PHONE_STATE), 0);
	held.release = true;
	pthread_cond_broadcast(&held.changed);
	pthread_mutex_unlock(&held.lock);

	/* Then its events, after the held one. */
	assert_true(wait_msg(h, PHONE_STATE, 1, WAIT_MS));
	host_set_on_event(h, NULL);
	button = find_event(h, 0, PHONE_BUTTON);
	hook = find_event(h, 0, PHONE_STATE);
	assert_non_null(button);
	assert_non_null(hook);
	assert_true(button < hook);
	assert_int_equal(hook->p1, PHONESTATE_HEADSETHOOKSWITCH);
	assert_int_equal(hook->p2, PHONEHOOKSWITCHMODE_MICSPEAKER);
	assert_int_equal(h->phoneClose(ha), 0);
	host_stop(h);
	live_close(&a);
	live_close(&b);
}

/*
 * A hook put back at once (Off-Hook and On-Hook read back to back, the second before the
 * loop wrote the first's confirmation): the device still sees each change confirmed on the
 * Off-Hook LED, set and then clear, as the Jabra profile's headsets wait for.
 */
static void test_hook_back_at_once(void **state)
{
	struct host *h = host;
	struct live a, b;
	HDRVPHONE ha;
	uint8_t out[64];
	struct timeval limit = { .tv_sec = WAIT_MS / 1000 };
	bool set = false, cleared = false;
	(void)state;

	start_live(&a, &b);
	ha = open_phone(h, 100);
	assert_int_equal(h->phoneSetStatusMessages(ha, PHONESTATE_HEADSETHOOKSWITCH, 0, 0), 0);
	usleep(100 * 1000);
	live_drain(&a, out, sizeof(out), 0);
	assert_int_equal(setsockopt(a.out[0], SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)), 0);
	assert_int_equal(send(a.in[0], "\x02\x01\x06", 3, 0), 3);
	assert_int_equal(send(a.in[0], "\x02\x00\x06", 3, 0), 3);
	while (!cleared) {
		ssize_t n = recv(a.out[0], out, sizeof(out), 0);

		assert_true(n > 0);
		if (n == 3 && out[0] == 0x02 && (out[1] & 0x01))
			set = true;
		else if (n == 3 && out[0] == 0x02 && set)
			cleared = true;
	}
	assert_true(wait_msg(h, PHONE_STATE, 2, WAIT_MS));
	assert_int_equal(find_event(h, 0, PHONE_STATE)->p2, PHONEHOOKSWITCHMODE_MICSPEAKER);
	assert_int_equal(h->phoneClose(ha), 0);
	host_stop(h);
	live_close(&a);
	live_close(&b);
}

/* Voluntary and involuntary context switches of this process's thread named name. */
static long thread_switches(const char *name)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	long total = -1;

	while (d && (e = readdir(d))) {
		char path[300], line[256];
		bool named = false;
		long n = 0;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", e->d_name);
		f = fopen(path, "re");
		while (f && fgets(line, sizeof(line), f)) {
			char comm[64];
			long v;

			if (sscanf(line, "Name: %63s", comm) == 1)
				named = strcmp(comm, name) == 0;
			else if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1 ||
				 sscanf(line, "nonvoluntary_ctxt_switches: %ld", &v) == 1)
				n += v;
		}
		if (f)
			fclose(f);
		if (named)
			total = n;
	}
	if (d)
		closedir(d);
	return total;
}

/*
 * Reports that come while the dispatch thread waits are its to read and deliver: the loop
 * thread is not woken for them (keys the line does not act on, 20 ms apart).
 */
static void test_idle_dispatch_reads(void **state)
{
	struct host *h = host;
	struct live a, b;
	HDRVPHONE hb;
	long before, after;
	(void)state;

	start_live(&a, &b);
	hb = open_phone(h, 101);
	assert_int_equal(h->phoneSetStatusMessages(hb, 0, PHONEBUTTONMODE_KEYPAD,
						   PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP), 0);
	usleep(200 * 1000);
	before = thread_switches("hidphone-loop");
	assert_true(before >= 0);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(send(b.in[0], i % 2 ? "\x02\x00\x06" : "\x02\x80\x02", 3, 0), 3);
		assert_true(wait_msg(h, PHONE_BUTTON, (size_t)i + 1, WAIT_MS));
		usleep(20 * 1000);
	}
	after = thread_switches("hidphone-loop");
	/* The loop read none of them (a few wake-ups of its own are allowed, not one a key). */
	assert_true(after - before < 5);
	assert_int_equal(host_count(h, false, PHONE_BUTTON), 20);
	assert_int_equal(h->phoneClose(hb), 0);
	host_stop(h);
	live_close(&a);
	live_close(&b);
}

static void test_error_paths(void **state)
{
	struct host *h = host;
	HDRVPHONE hd, other = NULL;
	uint8_t buf[512];
	LPPHONESTATUS st = (LPPHONESTATUS)buf;
	LPPHONECAPS caps = (LPPHONECAPS)buf;
	DWORD v;
	(void)state;

	hd = start_380c(h, "replay");
	/* bad ids and handles */
	assert_int_equal(h->phoneOpen(99, NULL, &other, TAPI_VERSION3_1, NULL), PHONEERR_BADDEVICEID);
	assert_int_equal(h->phoneOpen(100, NULL, &other, TAPI_VERSION3_1, NULL), PHONEERR_INUSE);
	assert_int_equal(h->phoneOpen(100, NULL, NULL, TAPI_VERSION3_1, NULL), PHONEERR_INVALPOINTER);
	assert_int_equal(h->phoneSetLamp(1, (HDRVPHONE)(uintptr_t)0xdead, 20, PHONELAMPMODE_STEADY),
			 PHONEERR_INVALPHONEHANDLE);
	/* lamps */
	assert_int_equal(h->phoneSetLamp(1, hd, 5, PHONELAMPMODE_STEADY), PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(h->phoneSetLamp(1, hd, 999, PHONELAMPMODE_STEADY), PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(h->phoneSetLamp(1, hd, 20, PHONELAMPMODE_STEADY | PHONELAMPMODE_OFF),
			 PHONEERR_INVALLAMPMODE);
	assert_int_equal(h->phoneSetLamp(1, hd, 20, PHONELAMPMODE_UNKNOWN), PHONEERR_INVALLAMPMODE);
	assert_int_equal(h->phoneSetLamp(1, hd, 20, 0), PHONEERR_INVALLAMPMODE);
	assert_int_equal(h->phoneGetLamp(hd, 999, &v), PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(h->phoneGetLamp(hd, 20, NULL), PHONEERR_INVALPOINTER);
	/* hook switch: no handset or speaker on this headset, one mode at a time */
	assert_int_equal(h->phoneSetHookSwitch(1, hd, PHONEHOOKSWITCHDEV_HANDSET,
					       PHONEHOOKSWITCHMODE_ONHOOK), PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(h->phoneSetHookSwitch(1, hd, 0, PHONEHOOKSWITCHMODE_ONHOOK),
			 PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(h->phoneSetHookSwitch(1, hd, 8, PHONEHOOKSWITCHMODE_ONHOOK),
			 PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(h->phoneSetHookSwitch(1, hd, PHONEHOOKSWITCHDEV_HEADSET,
					       PHONEHOOKSWITCHMODE_ONHOOK | PHONEHOOKSWITCHMODE_MIC),
			 PHONEERR_INVALHOOKSWITCHMODE);
	/* ringer: one pattern */
	assert_int_equal(h->phoneSetRing(1, hd, 2, 0), PHONEERR_INVALRINGMODE);
	/* what the device cannot do */
	assert_int_equal(h->phoneGetVolume(hd, PHONEHOOKSWITCHDEV_HEADSET, &v),
			 PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(h->phoneGetVolume(hd, 3, &v), PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(h->phoneSetGain(1, hd, 0, 5), PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(h->phoneGetDisplay(hd, (LPVARSTRING)buf), PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(h->phoneGetData(hd, 0, buf, 4), PHONEERR_INVALDATAID);
	assert_int_equal(h->phoneNegotiateExtVersion(100, TAPI_VERSION3_1, 1, 2, &v),
			 PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(h->phoneSelectExtVersion(hd, 0), 0);
	assert_int_equal(h->phoneSelectExtVersion(hd, 1), PHONEERR_INCOMPATIBLEEXTVERSION);
	/* structures: the fixed part must fit; the variable part is left out whole */
	st->dwTotalSize = PHONESTATUS_SIZE_2_0 - 4;
	assert_int_equal(h->phoneGetStatus(hd, st), PHONEERR_STRUCTURETOOSMALL);
	st->dwTotalSize = PHONESTATUS_SIZE_2_0;
	assert_int_equal(h->phoneGetStatus(hd, st), 0);
	/*
	 * 31 ids: 16 keypad, 7 Telephony buttons, 3 consumer keys, 4 lamps of their own, and
	 * the Off-Hook LED's lamp
	 */
	assert_int_equal(st->dwNeededSize, PHONESTATUS_SIZE_2_0 + 31 * 4);
	assert_int_equal(st->dwUsedSize, PHONESTATUS_SIZE_2_0);
	assert_int_equal(st->dwLampModesSize, 0);
	assert_int_equal(h->phoneGetStatus(hd, NULL), PHONEERR_INVALPOINTER);
	caps->dwTotalSize = PHONECAPS_SIZE_2_2 - 1;
	assert_int_equal(h->phoneGetDevCaps(100, TAPI_VERSION3_1, 0, caps), PHONEERR_STRUCTURETOOSMALL);
	/* a 2.0 host gets the 2.0 structure: 180 bytes suffice */
	caps->dwTotalSize = PHONECAPS_SIZE_2_0;
	assert_int_equal(h->phoneGetDevCaps(100, TAPI_VERSION2_0, 0, caps), 0);
	assert_true(caps->dwNeededSize > PHONECAPS_SIZE_2_0);
	assert_int_equal(caps->dwUsedSize, PHONECAPS_SIZE_2_0);
	assert_int_equal(h->phoneGetDevCaps(100, TAPI_VERSION1_4, 0, caps),
			 PHONEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(h->phoneGetDevCaps(100, TAPI_VERSION3_1, 1, caps),
			 PHONEERR_INCOMPATIBLEEXTVERSION);
	/* closing: once */
	assert_int_equal(h->phoneClose(hd), 0);
	assert_int_equal(h->phoneClose(hd), PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(h->phoneGetStatus(hd, st), PHONEERR_INVALPHONEHANDLE);
	/* no request was accepted, so none completes */
	assert_int_equal(host_count(h, true, 0), 0);
	host_stop(h);
	/* after shutdown, nothing is there */
	assert_int_equal(h->phoneGetDevCaps(100, TAPI_VERSION3_1, 0, caps), PHONEERR_BADDEVICEID);
	assert_int_equal(h->phoneSetLamp(1, hd, 20, PHONELAMPMODE_STEADY), PHONEERR_INVALPHONEHANDLE);
}

static void test_unplug(void **state)
{
	struct host *h = host;
	HDRVPHONE hd;
	const struct host_event *close_ev, *remove_ev;
	DWORD v;
	(void)state;

	hd = start_380c(h, "replay+fast+unplug");
	/* the recording ends: the device is gone (other events may come between) */
	assert_true(wait_msg(h, PHONE_REMOVE, 1, WAIT_MS));
	close_ev = find_event(h, 0, PHONE_CLOSE);
	remove_ev = find_event(h, 0, PHONE_REMOVE);
	assert_non_null(close_ev);
	assert_non_null(remove_ev);
	assert_true(close_ev < remove_ev);
	assert_ptr_equal(close_ev->ht, (HTAPIPHONE)(uintptr_t)0x5064);
	assert_int_equal(remove_ev->p1, 100);
	assert_int_equal(h->phoneGetLamp(hd, 20, &v), PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(h->phoneClose(hd), PHONEERR_INVALPHONEHANDLE);
	/* its id is dead */
	assert_int_equal(h->phoneOpen(100, NULL, &hd, TAPI_VERSION3_1, NULL), PHONEERR_BADDEVICEID);
	host_stop(h);
}

/* A host may close the phone from inside its own callback. */
static void close_on_button(struct host *h, const struct host_event *ev)
{
	static HDRVPHONE *target;

	if (!ev) {
		target = (HDRVPHONE *)h;
		return;
	}
	if (!ev->completion && ev->msg == PHONE_BUTTON && target) {
		assert_int_equal(h->phoneClose(*target), 0);
		target = NULL;
	}
}

static void test_close_inside_callback(void **state)
{
	struct host *h = host;
	HDRVPHONE hd = start_380c(h, "replay");
	(void)state;

	close_on_button((struct host *)&hd, NULL);
	host_set_on_event(h, close_on_button);
	assert_int_equal(h->phoneSetStatusMessages(hd, 0, PHONEBUTTONMODE_KEYPAD,
						   PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP), 0);
	assert_true(host_wait(h, 1, WAIT_MS));
	usleep(700 * 1000);
	host_set_on_event(h, NULL);
	/* the key's release came after the close: it is not delivered */
	assert_int_equal(host_count(h, false, PHONE_BUTTON), 1);
	assert_int_equal(h->phoneClose(hd), PHONEERR_INVALPHONEHANDLE);
	host_stop(h);
}

struct hammer {
	HDRVPHONE hd;
	DWORD first;
	int n;
};

static void *hammer_main(void *data)
{
	struct hammer *hm = data;
	uint8_t buf[512];
	LPPHONESTATUS st = (LPPHONESTATUS)buf;

	for (int i = 0; i < hm->n; i++) {
		DWORD mode = i % 2 ? PHONELAMPMODE_OFF : PHONELAMPMODE_STEADY;

		/* the Mute (20) and Hold (28) lamps */
		if (host->phoneSetLamp(hm->first + (DWORD)i, hm->hd, 20 + (DWORD)(i % 2) * 8, mode) !=
		    (LONG)(hm->first + (DWORD)i))
			return (void *)1;
		st->dwTotalSize = sizeof(buf);
		if (host->phoneGetStatus(hm->hd, st) != 0)
			return (void *)1;
	}
	return NULL;
}

/* Several threads call TSPI while input events flow; callbacks never overlap. */
static void test_concurrency(void **state)
{
	struct host *h = host;
	HDRVPHONE hd = start_380c(h, "replay");
	struct hammer hm[4];
	pthread_t t[4];
	(void)state;

	assert_int_equal(h->phoneSetStatusMessages(hd, PHONESTATE_LAMP | PHONESTATE_HEADSETHOOKSWITCH,
						   PHONEBUTTONMODE_KEYPAD | PHONEBUTTONMODE_FEATURE,
						   PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP), 0);
	for (int i = 0; i < 4; i++) {
		hm[i] = (struct hammer){ .hd = hd, .first = 1000 * (DWORD)(i + 1), .n = 200 };
		assert_int_equal(pthread_create(&t[i], NULL, hammer_main, &hm[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		void *ret;

		pthread_join(t[i], &ret);
		assert_null(ret);
	}
	assert_int_equal(h->phoneClose(hd), 0);
	/* every request completed exactly once, before the close returned */
	assert_int_equal(host_count(h, true, 0), 800);
	for (int i = 0; i < 4; i++) {
		for (int r = 0; r < 200; r++) {
			DRV_REQUESTID id = hm[i].first + (DWORD)r;
			int seen = 0;

			for (size_t e = 0; e < h->n_events; e++)
				seen += h->events[e].completion && h->events[e].request == id;
			assert_int_equal(seen, 1);
		}
	}
	assert_int_equal(h->concurrent, 0);
	host_stop(h);
}

/* Repeated open and close leaves nothing behind (checked by ASan's leak detector). */
static void test_open_close_cycles(void **state)
{
	struct host *h = host;
	(void)state;

	for (int cycle = 0; cycle < 3; cycle++) {
		HDRVPHONE hd = start_380c(h, "replay+fast");

		for (int i = 0; i < 20; i++) {
			assert_int_equal(h->phoneClose(hd), 0);
			hd = open_phone(h, 100);
		}
		assert_int_equal(h->phoneClose(hd), 0);
		host_stop(h);
	}
}

static void test_bad_devices_variable(void **state)
{
	struct host *h = host;
	DWORD lines, phones;
	char path[512];
	FILE *f;
	(void)state;

	setenv("HIDPHONE_DEVICES", "floppy:/dev/fd0", 1);
	assert_int_equal(h->providerEnumDevices(42, &lines, &phones, NULL, NULL, NULL),
			 LINEERR_OPERATIONFAILED);
	snprintf(path, sizeof(path), "%s/broken.hid", tmpdir);
	f = fopen(path, "w");
	fprintf(f, "R: 3 05 0b\n");
	fclose(f);
	char devices[600];
	snprintf(devices, sizeof(devices), "replay:%s", path);
	setenv("HIDPHONE_DEVICES", devices, 1);
	assert_int_equal(h->providerEnumDevices(42, &lines, &phones, NULL, NULL, NULL),
			 LINEERR_OPERATIONFAILED);
	setenv("HIDPHONE_DEVICES", "none", 1);
	assert_int_equal(h->providerEnumDevices(42, &lines, &phones, NULL, NULL, NULL), 0);
	assert_int_equal(phones, 0);
	h->providerShutdown(TAPI_VERSION3_1, 42);
}

/*
 * A desk phone whose only LED is Off-Hook (test/data/synthetic/desk-phone-offhook-led.rdesc.hex):
 * the LED is lamp 16, the last id after the keypad's. The hook echo drives it and reports
 * each change as PHONE_STATE LAMP; an application's phoneSetLamp takes it over until it
 * closes the phone, and the next open gives it back to the echo.
 */
static const struct play offhook_led_plays[] = {
	{ 50, "01 01" },     /* handset lifted: the echo lights the LED */
	{ 100, "01 00" },    /* put down: the echo puts it out */
	{ 0, NULL },
};

static const struct play offhook_led_later[] = {
	{ 600, "01 01" },    /* lifted after the application set the lamp: it stays as set */
	{ 0, NULL },
};

static DWORD lamp_of(struct host *h, HDRVPHONE hd, DWORD id)
{
	DWORD mode = 0;

	assert_int_equal(h->phoneGetLamp(hd, id, &mode), 0);
	return mode;
}

static size_t count_lamp_states(struct host *h, DWORD id, DWORD *last_mode)
{
	size_t n = 0;

	(void)last_mode;
	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < h->n_events; i++) {
		if (!h->events[i].completion && h->events[i].msg == PHONE_STATE &&
		    h->events[i].p1 == PHONESTATE_LAMP && h->events[i].p2 == id)
			n++;
	}
	pthread_mutex_unlock(&h->lock);
	return n;
}

static void test_offhook_led_lamp(void **state)
{
	struct host *h = host;
	char path[512], devices[600];
	uint8_t buf[1024];
	LPPHONECAPS caps = (LPPHONECAPS)buf;
	const DWORD *modes;
	HDRVPHONE hd;
	(void)state;

	snprintf(path, sizeof(path), "%s/offhook-led.hid", tmpdir);
	write_recording(path, "synthetic/desk-phone-offhook-led.rdesc.hex", "Desk Phone Off-Hook",
			0x1234, 0x5679, offhook_led_plays);
	snprintf(devices, sizeof(devices), "replay:%s", path);
	start(devices, 1);
	caps->dwTotalSize = sizeof(buf);
	assert_int_equal(h->phoneGetDevCaps(100, h->version, 0, caps), 0);
	assert_int_equal(caps->dwHookSwitchDevs, PHONEHOOKSWITCHDEV_HANDSET);
	/* the keypad's 16 ids, then the Off-Hook LED's lamp */
	assert_int_equal(caps->dwNumButtonLamps, 17);
	assert_true(caps->dwPhoneStates & PHONESTATE_LAMP);
	modes = (const DWORD *)(const void *)(buf + caps->dwLampModesOffset);
	assert_int_equal(caps->dwLampModesSize, 17 * 4);
	assert_true(modes[16] & PHONELAMPMODE_STEADY);
	assert_true(modes[16] & PHONELAMPMODE_OFF);
	assert_true(modes[16] & PHONELAMPMODE_FLASH);   /* timed by the host: an on/off LED */
	for (int i = 0; i < 16; i++)
		assert_int_equal(modes[i], PHONELAMPMODE_DUMMY);

	hd = open_phone(h, 100);
	assert_int_equal(h->phoneSetStatusMessages(hd, PHONESTATE_HANDSETHOOKSWITCH | PHONESTATE_LAMP,
						   0, 0), 0);
	/* hook off, lamp STEADY, hook on, lamp OFF */
	assert_true(host_wait(h, 4, WAIT_MS));
	assert_true(wait_output("01 00"));
	assert_true(has_output("01 01"));
	assert_int_equal(count_lamp_states(h, 16, NULL), 2);
	assert_int_equal(lamp_of(h, hd, 16), PHONELAMPMODE_OFF);
	{
		const struct host_event *e = find_event(h, 0, PHONE_STATE);

		assert_non_null(e);
		assert_int_equal(e->p1, PHONESTATE_HANDSETHOOKSWITCH);
	}

	/* The application lights it: its own lamp now, whatever the hook does. */
	host_clear(h);
	assert_int_equal(h->phoneSetLamp(21, hd, 16, PHONELAMPMODE_STEADY), 21);
	assert_int_equal(host_wait_completion(h, 21, WAIT_MS), 0);
	assert_int_equal(count_lamp_states(h, 16, NULL), 1);
	assert_int_equal(lamp_of(h, hd, 16), PHONELAMPMODE_STEADY);
	{
		char outs[256][64];
		size_t n = read_outputs(outs, 256);

		assert_true(n > 0);
		assert_string_equal(outs[n - 1], "01 01");
	}
	/* The hook switch set by the application on hook: the LED stays the lamp's. */
	assert_int_equal(h->phoneSetHookSwitch(22, hd, PHONEHOOKSWITCHDEV_HANDSET,
					       PHONEHOOKSWITCHMODE_ONHOOK), 22);
	assert_int_equal(host_wait_completion(h, 22, WAIT_MS), 0);
	{
		char outs[256][64];
		size_t n = read_outputs(outs, 256);

		assert_string_equal(outs[n - 1], "01 01");
	}
	assert_int_equal(lamp_of(h, hd, 16), PHONELAMPMODE_STEADY);
	assert_int_equal(count_lamp_states(h, 16, NULL), 1);
	assert_int_equal(h->phoneClose(hd), 0);
	host_stop(h);

	/* A new open: the echo owns the LED again, the lamp follows the hook. */
	write_recording(path, "synthetic/desk-phone-offhook-led.rdesc.hex", "Desk Phone Off-Hook",
			0x1234, 0x5679, offhook_led_later);
	start(devices, 1);
	hd = open_phone(h, 100);
	assert_int_equal(lamp_of(h, hd, 16), PHONELAMPMODE_OFF);
	assert_int_equal(h->phoneSetStatusMessages(hd, PHONESTATE_HANDSETHOOKSWITCH | PHONESTATE_LAMP,
						   0, 0), 0);
	assert_true(host_wait(h, 2, WAIT_MS));
	assert_true(wait_output("01 01"));
	assert_int_equal(count_lamp_states(h, 16, NULL), 1);
	assert_int_equal(lamp_of(h, hd, 16), PHONELAMPMODE_STEADY);
	assert_int_equal(h->phoneClose(hd), 0);
	host_stop(h);
}

/*
 * AttrOffHookAckWindow on the desk phone whose only LED is Off-Hook: the application lights
 * the LED, the phone answers with a hook report 100 ms later. With a 1000 ms window that
 * report is the phone's acknowledgement (no PHONE_STATE); the hook put down and lifted
 * again after the window are the user's. Without the profile the acknowledgement
 * reads as the user lifting the handset.
 */
static const struct play ack_plays[] = {
	{ 100, "01 01" },    /* the phone acknowledges the lit Off-Hook LED */
	{ 2000, "01 00" },   /* put down */
	{ 2200, "01 01" },   /* lifted */
	{ 0, NULL },
};

static size_t hook_events(struct host *h)
{
	size_t n = 0;

	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < h->n_events; i++)
		n += !h->events[i].completion && h->events[i].msg == PHONE_STATE &&
		     h->events[i].p1 == PHONESTATE_HANDSETHOOKSWITCH;
	pthread_mutex_unlock(&h->lock);
	return n;
}

static size_t run_ack_window(const char *profiles)
{
	struct host *h = host;
	char path[512], devices[600];
	HDRVPHONE hd;
	size_t n;

	if (profiles)
		setenv("HIDPHONE_PROFILES", profiles, 1);
	else
		setenv("HIDPHONE_PROFILES", TEST_DATA_DIR "/profiles-none", 1);
	snprintf(path, sizeof(path), "%s/ack.hid", tmpdir);
	write_recording(path, "synthetic/desk-phone-offhook-led.rdesc.hex", "Desk Phone Ack",
			0x1234, 0x567a, ack_plays);
	snprintf(devices, sizeof(devices), "replay:%s", path);
	start(devices, 1);
	hd = open_phone(h, 100);
	assert_int_equal(h->phoneSetLamp(31, hd, 16, PHONELAMPMODE_STEADY), 31);
	assert_int_equal(host_wait_completion(h, 31, WAIT_MS), 0);
	host_clear(h);
	/* the recording plays from here */
	assert_int_equal(h->phoneSetStatusMessages(hd, PHONESTATE_HANDSETHOOKSWITCH, 0, 0), 0);
	usleep(2600 * 1000);
	n = hook_events(h);
	assert_int_equal(h->phoneClose(hd), 0);
	host_stop(h);
	setenv("HIDPHONE_PROFILES", TEST_DATA_DIR "/profiles-none", 1);
	return n;
}

static void test_offhook_ack_window(void **state)
{
	char dir[300], file[400];
	FILE *f;
	(void)state;

	/* no profile: the acknowledgement, the put-down and the lift are three hook events */
	assert_int_equal(run_ack_window(NULL), 3);
	snprintf(dir, sizeof(dir), "%s/profiles-ack", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(file, sizeof(file), "%s/50-ack.phone", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("[Desk Phone Ack]\nMatchVendor=0x1234\nMatchProduct=0x567A\n"
	      "AttrOffHookAckWindow=1000\n", f);
	fclose(f);
	/* with a 1000 ms window: only the user's two, after it */
	assert_int_equal(run_ack_window(dir), 2);
	unlink(file);
	rmdir(dir);
}

/*
 * AttrLampBlink=host on the desk phone (test/data/synthetic/desk-phone.rdesc.hex), whose
 * Message Waiting LED has a multi-mode indicator in report 4 (an array: 1 Indicator On,
 * 2 Flash, ..., 5 Off). Without the profile FLASH is the device's: one report 4 with the
 * Flash selector, and no BROKENFLUTTER offered. With it the provider times the flash: On
 * and Off by turns, 1000 ms each, and every blink mode is offered.
 */
static size_t report4_after(size_t from, char out[][64], size_t max)
{
	static char all[256][64];
	size_t n = read_outputs(all, 256), k = 0;

	for (size_t i = from; i < n && k < max; i++) {
		if (strncmp(all[i], "04 ", 3) == 0)
			snprintf(out[k++], 64, "%s", all[i]);
	}
	return k;
}

static void run_lamp_blink(const char *profiles, char out[][64], size_t *n_out, DWORD *modes_out)
{
	struct host *h = host;
	char path[512], devices[600];
	uint8_t buf[2048];
	LPPHONECAPS caps = (LPPHONECAPS)buf;
	const DWORD *modes;
	DWORD id = 0;
	size_t from;
	HDRVPHONE hd;
	char tmp[256][64];

	setenv("HIDPHONE_PROFILES", profiles ? profiles : TEST_DATA_DIR "/profiles-none", 1);
	snprintf(path, sizeof(path), "%s/blink.hid", tmpdir);
	write_recording(path, "synthetic/desk-phone.rdesc.hex", "Desk Phone Blink", 0x1234,
			0x567b, NULL);
	snprintf(devices, sizeof(devices), "replay:%s", path);
	start(devices, 1);
	caps->dwTotalSize = sizeof(buf);
	assert_int_equal(h->phoneGetDevCaps(100, h->version, 0, caps), 0);
	modes = (const DWORD *)(const void *)(buf + caps->dwLampModesOffset);
	*modes_out = 0;
	hd = open_phone(h, 100);
	/* find the Message Waiting lamp: the one whose STEADY writes report 4's Indicator On */
	for (id = 16; id < caps->dwNumButtonLamps; id++) {
		size_t k;

		if (!(modes[id] & PHONELAMPMODE_STEADY))
			continue;
		from = read_outputs(tmp, 256);
		host_clear(h);
		assert_int_equal(h->phoneSetLamp(40, hd, id, PHONELAMPMODE_STEADY), 40);
		assert_int_equal(host_wait_completion(h, 40, WAIT_MS), 0);
		k = report4_after(from, out, 8);
		assert_int_equal(h->phoneSetLamp(41, hd, id, PHONELAMPMODE_OFF), 41);
		assert_int_equal(host_wait_completion(h, 41, WAIT_MS), 0);
		if (k && strcmp(out[k - 1], "04 01") == 0)
			break;
	}
	assert_true(id < caps->dwNumButtonLamps);
	*modes_out = modes[id];
	from = read_outputs(tmp, 256);
	host_clear(h);
	assert_int_equal(h->phoneSetLamp(42, hd, id, PHONELAMPMODE_FLASH), 42);
	assert_int_equal(host_wait_completion(h, 42, WAIT_MS), 0);
	usleep(2300 * 1000);
	*n_out = report4_after(from, out, 16);
	assert_int_equal(h->phoneClose(hd), 0);
	host_stop(h);
	setenv("HIDPHONE_PROFILES", TEST_DATA_DIR "/profiles-none", 1);
}

static void test_lamp_blink_host(void **state)
{
	static char out[16][64];
	char dir[300], file[400];
	size_t n = 0;
	DWORD modes = 0;
	FILE *f;
	(void)state;

	run_lamp_blink(NULL, out, &n, &modes);
	assert_false(modes & PHONELAMPMODE_BROKENFLUTTER);
	assert_int_equal(n, 1);
	assert_string_equal(out[0], "04 02");         /* Indicator Flash: the device blinks */

	snprintf(dir, sizeof(dir), "%s/profiles-blink", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(file, sizeof(file), "%s/50-blink.phone", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("[Desk Phone Blink]\nMatchVendor=0x1234\nMatchProduct=0x567B\n"
	      "AttrLampBlink=host\n", f);
	fclose(f);
	run_lamp_blink(dir, out, &n, &modes);
	assert_true(modes & PHONELAMPMODE_BROKENFLUTTER);
	/* on (the request), off at +1 s, on at +2 s */
	assert_int_equal(n, 3);
	assert_string_equal(out[0], "04 01");
	assert_string_equal(out[1], "04 05");
	assert_string_equal(out[2], "04 01");
	unlink(file);
	rmdir(dir);
}

/*
 * The desk phone (test/data/synthetic/desk-phone.rdesc.hex): a Speaker Phone that toggles,
 * a keypad whose idle value is outside its logical range, and a 2 x 16 Alphanumeric Display
 * written through feature reports (HID 1.11, A.8).
 */
static const struct play desk_plays[] = {
	{ 300, "01 02 00" },   /* Speaker Phone pressed: speakerphone on */
	{ 330, "01 00 00" },   /* released: nothing */
	{ 360, "01 00 0d" },   /* keypad value 13: key A */
	{ 390, "01 00 00" },   /* 0, below the logical range: no key */
	{ 420, "01 02 00" },   /* Speaker Phone again: off */
	{ 0, NULL },
};

static void test_desk_phone(void **state)
{
	struct host *h = host;
	char path[512], devices[600];
	uint8_t buf[512];
	LPPHONECAPS caps = (LPPHONECAPS)buf;
	LPVARSTRING v = (LPVARSTRING)buf;
	HDRVPHONE hd;
	(void)state;

	snprintf(path, sizeof(path), "%s/desk.hid", tmpdir);
	write_recording(path, "synthetic/desk-phone.rdesc.hex", "Desk Phone", 0x1234, 0x5678,
			desk_plays);
	snprintf(devices, sizeof(devices), "replay:%s", path);
	start(devices, 1);
	caps->dwTotalSize = sizeof(buf);
	assert_int_equal(h->phoneGetDevCaps(100, h->version, 0, caps), 0);
	assert_int_equal(caps->dwDisplayNumRows, 2);
	assert_int_equal(caps->dwDisplayNumColumns, 16);
	assert_true(caps->dwPhoneStates & PHONESTATE_DISPLAY);
	assert_true(caps->dwPhoneFeatures & PHONEFEATURE_SETDISPLAY);
	assert_int_equal(caps->dwHookSwitchDevs, PHONEHOOKSWITCHDEV_HANDSET | PHONEHOOKSWITCHDEV_SPEAKER);
	hd = open_phone(h, 100);
	assert_int_equal(h->phoneSetStatusMessages(hd, PHONESTATE_SPEAKERHOOKSWITCH | PHONESTATE_DISPLAY,
						   PHONEBUTTONMODE_KEYPAD,
						   PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP), 0);
	assert_true(host_wait(h, 4, WAIT_MS));
	assert_int_equal(h->events[0].p1, PHONESTATE_SPEAKERHOOKSWITCH);
	assert_int_equal(h->events[0].p2, PHONEHOOKSWITCHMODE_MICSPEAKER);
	assert_int_equal(h->events[1].msg, PHONE_BUTTON);
	assert_int_equal(h->events[1].p1, 12);       /* key A */
	assert_int_equal(h->events[1].p3, PHONEBUTTONSTATE_DOWN);
	assert_int_equal(h->events[2].p3, PHONEBUTTONSTATE_UP);
	assert_int_equal(h->events[3].p1, PHONESTATE_SPEAKERHOOKSWITCH);
	assert_int_equal(h->events[3].p2, PHONEHOOKSWITCHMODE_ONHOOK);

	/* text at row 0, column 0: the cursor (report 2: column bits 0-3, row 4-7), then the
	 * Character Report (report 3) with four characters, for every run of four */
	host_clear(h);
	assert_int_equal(h->phoneSetDisplay(5, hd, 0, 0, (LPCWSTR)(const void *)"Hello", 6), 5);
	assert_int_equal(host_wait_completion(h, 5, WAIT_MS), 0);
	assert_non_null(find_event(h, 0, PHONE_STATE));
	want_features = true;
	assert_true(has_output("02 00"));
	assert_true(has_output("03 48 65 6c 6c"));
	assert_true(has_output("02 04"));
	assert_true(has_output("03 6f 20 20 20"));
	assert_true(has_output("02 1c"));            /* row 1, column 12 */
	/* runs on into row 1 and stops at the end of the display */
	assert_int_equal(h->phoneSetDisplay(6, hd, 0, 14, (LPCWSTR)(const void *)"abcXYZ", 6), 6);
	assert_int_equal(host_wait_completion(h, 6, WAIT_MS), 0);
	assert_true(has_output("03 20 20 61 62"));   /* row 0, columns 12-15 */
	assert_true(has_output("03 63 58 59 5a"));   /* row 1, columns 0-3 */
	want_features = false;
	v->dwTotalSize = sizeof(buf);
	assert_int_equal(h->phoneGetDisplay(hd, v), 0);
	assert_int_equal(v->dwStringFormat, STRINGFORMAT_ASCII);
	assert_int_equal(v->dwStringSize, 32);
	assert_memory_equal(buf + v->dwStringOffset, "Hello         abcXYZ            ", 32);
	v->dwTotalSize = 30;
	assert_int_equal(h->phoneGetDisplay(hd, v), 0);
	assert_int_equal(v->dwNeededSize, VARSTRING_SIZE + 32);
	assert_int_equal(v->dwStringSize, 0);
	assert_int_equal(h->phoneSetDisplay(7, hd, 2, 0, (LPCWSTR)(const void *)"x", 2),
			 PHONEERR_INVALPARAM);
	assert_int_equal(h->phoneSetDisplay(7, hd, 0, 16, (LPCWSTR)(const void *)"x", 2),
			 PHONEERR_INVALPARAM);
	assert_int_equal(h->phoneSetDisplay(7, hd, 0, 0, NULL, 2), PHONEERR_INVALPOINTER);

	/* Message Waiting (id 18) blinks as its multi-mode indicator offers (report 4: 1 On,
	 * 2 Flash, 3 Slow Blink, 4 Fast Blink, 5 Off); Hold (16) has no such indicator: the
	 * provider blinks its on/off LED */
	const DWORD *lamp_modes = (const DWORD *)(buf + caps->dwLampModesOffset);
	caps->dwTotalSize = sizeof(buf);
	assert_int_equal(h->phoneGetDevCaps(100, h->version, 0, caps), 0);
	assert_int_equal(lamp_modes[18], PHONELAMPMODE_OFF | PHONELAMPMODE_STEADY |
					 PHONELAMPMODE_FLASH | PHONELAMPMODE_WINK | PHONELAMPMODE_FLUTTER);
	assert_int_equal(lamp_modes[16], PHONELAMPMODE_OFF | PHONELAMPMODE_STEADY |
					 PHONELAMPMODE_WINK | PHONELAMPMODE_FLASH |
					 PHONELAMPMODE_FLUTTER | PHONELAMPMODE_BROKENFLUTTER);
	assert_int_equal(h->phoneSetLamp(8, hd, 18, PHONELAMPMODE_FLASH), 8);
	assert_int_equal(host_wait_completion(h, 8, WAIT_MS), 0);
	assert_true(has_output("01 04"));     /* the plain LED lit too */
	assert_true(has_output("04 02"));
	assert_int_equal(h->phoneSetLamp(9, hd, 18, PHONELAMPMODE_FLUTTER), 9);
	assert_int_equal(host_wait_completion(h, 9, WAIT_MS), 0);
	assert_true(has_output("04 04"));
	assert_int_equal(h->phoneSetLamp(10, hd, 18, PHONELAMPMODE_OFF), 10);
	assert_int_equal(host_wait_completion(h, 10, WAIT_MS), 0);
	assert_true(has_output("04 05"));
	check_host_flash(h, hd);
	assert_int_equal(h->phoneClose(hd), 0);
	host_stop(h);
}

/* --------------------------------------------------------------------------------------- */
/* The phone's audio device classes over a sysfs tree (HIDPHONE_SYSFS) in which the replayed
 * phone stands for hidraw7 (HIDPHONE_REPLAY_HIDRAW): a composite USB device whose sound
 * card comes after the HID interface and goes again. */

#define USBDEV "devices/pci0000:00/0000:00:14.0/usb1/1-2"

/* Runs a shell command with every "%s" in it replaced by the sysfs root. */
static void sys_sh(const char *cmd, const char *root)
{
	char out[2048];
	size_t n = 0;

	for (const char *c = cmd; *c && n + strlen(root) + 1 < sizeof(out); c++) {
		if (c[0] == '%' && c[1] == 's') {
			memcpy(out + n, root, strlen(root));
			n += strlen(root);
			c++;
		} else {
			out[n++] = *c;
		}
	}
	out[n] = '\0';
	assert_int_equal(system(out), 0);
}

/* The UTF-16 multi-string dwDeviceClasses of caps as one ASCII line, classes after a space. */
static void caps_classes(LPPHONECAPS caps, char *out, size_t size)
{
	const uint16_t *w = (const uint16_t *)((const uint8_t *)caps + caps->dwDeviceClassesOffset);
	size_t n = 0;

	for (size_t i = 0; i < caps->dwDeviceClassesSize / 2 && n + 1 < size; i++) {
		if (w[i] == 0 && (i + 1 >= caps->dwDeviceClassesSize / 2 || w[i + 1] == 0))
			break;
		out[n++] = w[i] ? (char)w[i] : ' ';
	}
	out[n] = '\0';
}

static LONG get_id(struct host *h, HDRVPHONE hd, const char *cls, LPVARSTRING v, DWORD total)
{
	uint16_t w[32];
	size_t i = 0;

	for (; cls[i] && i < 31; i++)
		w[i] = (uint16_t)cls[i];
	w[i] = 0;
	memset(v, 0, total);
	v->dwTotalSize = total;
	return h->phoneGetID(hd, v, (LPCWSTR)(const void *)w, NULL);
}

/* Starts the provider on a replayed phone that stands for `node` of the sysfs tree `sys`
 * (HIDPHONE_SYSFS, HIDPHONE_REPLAY_HIDRAW) and opens it as phone 100. */
static HDRVPHONE open_audio_phone(struct host *h, const char *sys, const char *node)
{
	char path[512], devices[600];

	setenv("HIDPHONE_SYSFS", sys, 1);
	setenv("HIDPHONE_REPLAY_HIDRAW", node, 1);
	snprintf(path, sizeof(path), "%s/audio.hid", tmpdir);
	write_recording(path, "jabra-link-380c", "Jabra Link 380", 0x0b0e, 0x24c9, NULL);
	snprintf(devices, sizeof(devices), "replay:%s", path);
	start(devices, 1);
	return open_phone(h, 100);
}

static void test_audio_classes(void **state)
{
	struct host *h = host;
	char sys[300], classes[200];
	uint8_t buf[1024];
	LPPHONECAPS caps = (LPPHONECAPS)buf;
	uint8_t vbuf[256];
	LPVARSTRING v = (LPVARSTRING)vbuf;
	DWORD card = 0;
	HDRVPHONE hd;
	(void)state;

	snprintf(sys, sizeof(sys), "%s/sys", tmpdir);
	sys_sh("mkdir -p %s/" USBDEV "/1-2:1.3/0003:0B0E:24C9.0001/hidraw/hidraw7 %s/class/hidraw "
	       "%s/class/sound && printf 'DEVTYPE=usb_device\\n' > %s/" USBDEV "/uevent && "
	       "printf 'DEVTYPE=usb_interface\\n' > %s/" USBDEV "/1-2:1.3/uevent && "
	       "ln -s ../../" USBDEV "/1-2:1.3/0003:0B0E:24C9.0001/hidraw/hidraw7 "
	       "%s/class/hidraw/hidraw7", sys);
	hd = open_audio_phone(h, sys, "hidraw7");

	/* no card yet: no audio class listed, none answers */
	caps->dwTotalSize = sizeof(buf);
	assert_int_equal(h->phoneGetDevCaps(100, h->version, 0, caps), 0);
	caps_classes(caps, classes, sizeof(classes));
	assert_null(strstr(classes, "wave/"));
	assert_null(strstr(classes, "alsa/"));
	assert_int_equal(get_id(h, hd, "wave/out", v, sizeof(vbuf)), PHONEERR_INVALDEVICECLASS);
	assert_int_equal(get_id(h, hd, "alsa/in", v, sizeof(vbuf)), PHONEERR_INVALDEVICECLASS);
	/* no card: volume and gain are not something this phone has */
	assert_int_equal(h->phoneGetVolume(hd, PHONEHOOKSWITCHDEV_HEADSET, &card),
			 PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(h->phoneSetGain(7, hd, PHONEHOOKSWITCHDEV_HEADSET, 0x1000),
			 PHONEERR_OPERATIONUNAVAIL);

	/* snd-usb-audio registers card 3 on interface 1.0 of the same USB device */
	sys_sh("mkdir -p %s/" USBDEV "/1-2:1.0/sound/card3/pcmC3D0p %s/" USBDEV
	       "/1-2:1.0/sound/card3/pcmC3D0c && printf 'Phone\\n' > %s/" USBDEV
	       "/1-2:1.0/sound/card3/id && ln -s ../../" USBDEV "/1-2:1.0/sound/card3 "
	       "%s/class/sound/card3", sys);
	assert_int_equal(h->phoneGetDevCaps(100, h->version, 0, caps), 0);
	caps_classes(caps, classes, sizeof(classes));
	assert_string_equal(classes, "tapi/phone tapi/line wave/in wave/out alsa/in alsa/out");
	assert_int_equal(get_id(h, hd, "wave/out", v, sizeof(vbuf)), 0);
	assert_int_equal(v->dwStringFormat, STRINGFORMAT_BINARY);
	assert_int_equal(v->dwStringSize, 4);
	memcpy(&card, vbuf + v->dwStringOffset, 4);
	assert_int_equal(card, 3);
	assert_int_equal(get_id(h, hd, "WAVE/IN", v, sizeof(vbuf)), 0);
	memcpy(&card, vbuf + v->dwStringOffset, 4);
	assert_int_equal(card, 3);
	assert_int_equal(get_id(h, hd, "alsa/in", v, sizeof(vbuf)), 0);
	assert_int_equal(v->dwStringFormat, STRINGFORMAT_ASCII);
	assert_string_equal((const char *)vbuf + v->dwStringOffset, "plughw:CARD=Phone,DEV=0");
	assert_int_equal(v->dwStringSize, strlen("plughw:CARD=Phone,DEV=0") + 1);
	/* too small for the name: the size it needs, nothing written */
	assert_int_equal(get_id(h, hd, "alsa/out", v, VARSTRING_SIZE + 4), 0);
	assert_int_equal(v->dwNeededSize, VARSTRING_SIZE + strlen("plughw:CARD=Phone,DEV=0") + 1);
	assert_int_equal(v->dwStringSize, 0);
	assert_int_equal(get_id(h, hd, "alsa/out", v, 8), PHONEERR_STRUCTURETOOSMALL);
	assert_int_equal(get_id(h, hd, "wave", v, sizeof(vbuf)), PHONEERR_INVALDEVICECLASS);
	assert_int_equal(get_id(h, hd, "video/out", v, sizeof(vbuf)), PHONEERR_INVALDEVICECLASS);

	/* the phone's line answers the same classes */
	{
		static const uint16_t wave_out[] = { 'w', 'a', 'v', 'e', '/', 'o', 'u', 't', 0 };
		HDRVLINE hl = NULL;

		assert_int_equal(h->num_lines, 1);
		assert_int_equal(h->lineOpen(h->line_base, (HTAPILINE)(uintptr_t)0x4444, &hl,
					     h->version, host_line_event), 0);
		memset(vbuf, 0, sizeof(vbuf));
		v->dwTotalSize = sizeof(vbuf);
		assert_int_equal(h->lineGetID(hl, 0, NULL, LINECALLSELECT_LINE, v,
					      (LPCWSTR)(const void *)wave_out, NULL), 0);
		memcpy(&card, vbuf + v->dwStringOffset, 4);
		assert_int_equal(card, 3);
		assert_int_equal(h->lineClose(hl), 0);
	}

	/* the card's mixer is asked (this fake card has none: whatever it answers, the phone
	 * has been seen with a card) */
	(void)h->phoneGetGain(hd, PHONEHOOKSWITCHDEV_HEADSET, &card);

	/* the card goes (unplugged audio function): its classes go with it, and the levels of
	 * a card that was there fail */
	sys_sh("rm %s/class/sound/card3", sys);
	assert_int_equal(h->phoneGetVolume(hd, PHONEHOOKSWITCHDEV_HEADSET, &card),
			 PHONEERR_OPERATIONFAILED);
	assert_int_equal(h->phoneSetVolume(8, hd, PHONEHOOKSWITCHDEV_HEADSET, 0x1000),
			 PHONEERR_OPERATIONFAILED);
	assert_int_equal(h->phoneGetVolume(hd, PHONEHOOKSWITCHDEV_HANDSET | PHONEHOOKSWITCHDEV_SPEAKER, &card),
			 PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(get_id(h, hd, "wave/out", v, sizeof(vbuf)), PHONEERR_INVALDEVICECLASS);
	assert_int_equal(h->phoneGetDevCaps(100, h->version, 0, caps), 0);
	caps_classes(caps, classes, sizeof(classes));
	assert_null(strstr(classes, "wave/"));
	assert_int_equal(h->phoneClose(hd), 0);
	unsetenv("HIDPHONE_SYSFS");
	unsetenv("HIDPHONE_REPLAY_HIDRAW");
}

/* A phone spoken to over libusb (a CM109-family sound card, no hidraw node) is found by its
 * "usb:BUS:ADDR:IF" path: two identical ones, the replayed phone stands for the one at
 * address 6, whose card has the higher number. */
#define CM109A "devices/pci0000:00/0000:00:14.0/usb1/1-3"
#define CM109B "devices/pci0000:00/0000:00:14.0/usb1/1-4"

static void test_audio_usb_path(void **state)
{
	struct host *h = host;
	char sys[300];
	uint8_t vbuf[256];
	LPVARSTRING v = (LPVARSTRING)vbuf;
	DWORD card = 0;
	HDRVPHONE hd;
	(void)state;

	snprintf(sys, sizeof(sys), "%s/sys-usb", tmpdir);
	sys_sh("mkdir -p %s/" CM109A "/1-3:1.0/sound/card1/pcmC1D0p %s/" CM109B
	       "/1-4:1.0/sound/card2/pcmC2D0p %s/class/sound %s/bus/usb/devices && "
	       "printf 'DEVTYPE=usb_device\\n' > %s/" CM109A "/uevent && "
	       "printf 'DEVTYPE=usb_device\\n' > %s/" CM109B "/uevent && "
	       "echo 1 > %s/" CM109A "/busnum && echo 5 > %s/" CM109A "/devnum && "
	       "echo 1 > %s/" CM109B "/busnum && echo 6 > %s/" CM109B "/devnum && "
	       "echo Device > %s/" CM109A "/1-3:1.0/sound/card1/id && "
	       "echo Device_1 > %s/" CM109B "/1-4:1.0/sound/card2/id && "
	       "ln -s ../../" CM109A "/1-3:1.0/sound/card1 %s/class/sound/card1 && "
	       "ln -s ../../" CM109B "/1-4:1.0/sound/card2 %s/class/sound/card2 && "
	       "ln -s ../../../" CM109A " %s/bus/usb/devices/1-3 && "
	       "ln -s ../../../" CM109B " %s/bus/usb/devices/1-4", sys);
	hd = open_audio_phone(h, sys, "usb:1:6:3");
	assert_int_equal(get_id(h, hd, "wave/out", v, sizeof(vbuf)), 0);
	memcpy(&card, vbuf + v->dwStringOffset, 4);
	assert_int_equal(card, 2);
	assert_int_equal(get_id(h, hd, "alsa/out", v, sizeof(vbuf)), 0);
	assert_string_equal((const char *)vbuf + v->dwStringOffset, "plughw:CARD=Device_1,DEV=0");
	/* no microphone PCM on this fake card */
	assert_int_equal(get_id(h, hd, "wave/in", v, sizeof(vbuf)), PHONEERR_INVALDEVICECLASS);
	assert_int_equal(h->phoneClose(hd), 0);
	unsetenv("HIDPHONE_SYSFS");
	unsetenv("HIDPHONE_REPLAY_HIDRAW");
}

/*
 * Ringing through the speaker: a headset with neither a Telephony Ringer nor a Ring LED
 * (the Razer microphone) rings on its card's playback PCM, here alsa-lib's file PCM
 * (HIDPHONE_RING_PCM) so the samples can be read back: the pattern at the ring volume,
 * stopped by phoneSetRing(0) and by the close.
 */
static void test_audio_ring(void **state)
{
	struct host *h = host;
	char path[512], devices[600], sys[300], raw[400], pcm[500];
	uint8_t buf[1024];
	LPPHONECAPS caps = (LPPHONECAPS)buf;
	const struct host_event *ev;
	DWORD mode = 9, vol = 9;
	HDRVPHONE hd;
	long size;
	size_t n0;
	(void)state;

	snprintf(sys, sizeof(sys), "%s/sys", tmpdir);
	snprintf(raw, sizeof(raw), "%s/ring.raw", tmpdir);
	snprintf(pcm, sizeof(pcm), "file:FILE=%s,FORMAT=raw", raw);
	test_fake_card(sys);
	setenv("HIDPHONE_SYSFS", sys, 1);
	setenv("HIDPHONE_REPLAY_HIDRAW", "hidraw7", 1);
	setenv("HIDPHONE_RING_PCM", pcm, 1);
	snprintf(path, sizeof(path), "%s/ring.hid", tmpdir);
	write_recording(path, "razer-microphone-1532-0511", "Razer", 0x1532, 0x0511, NULL);
	snprintf(devices, sizeof(devices), "replay:%s", path);
	start(devices, 1);

	/* the card gives it a ringer: every pattern of devices/audio-ring */
	caps->dwTotalSize = sizeof(buf);
	assert_int_equal(h->phoneGetDevCaps(100, h->version, 0, caps), 0);
	assert_int_equal(caps->dwNumRingModes, 3);
	assert_true(caps->dwPhoneFeatures & PHONEFEATURE_SETRING);
	assert_true(caps->dwPhoneStates & PHONESTATE_RINGMODE);
	hd = open_phone(h, 100);
	assert_int_equal(h->phoneSetStatusMessages(hd, PHONESTATE_RINGMODE, 0, 0), 0);
	assert_int_equal(h->phoneSetRing(20, hd, 4, 0xffff), PHONEERR_INVALRINGMODE);

	n0 = host_n_events(h);
	assert_int_equal(h->phoneSetRing(21, hd, 2, 0xffff), 21);
	assert_int_equal(host_wait_completion(h, 21, WAIT_MS), 0);
	ev = find_event(h, n0, PHONE_STATE);
	assert_non_null(ev);
	assert_int_equal(ev->p1, PHONESTATE_RINGMODE);
	assert_int_equal(ev->p2, 2);
	assert_int_equal(h->phoneGetRing(hd, &mode, &vol), 0);
	assert_int_equal(mode, 2);
	assert_int_equal(vol, 0xffff);
	/* a second of the double ring: its first 0.4 s at full scale */
	size = test_wait_size(raw, 96000, WAIT_MS);
	assert_true(size >= 96000);
	assert_true(test_raw_peak(raw, 0, 48000 * 4 / 10) > 30000);

	/* mode 0 stops it: nothing more is written */
	assert_int_equal(h->phoneSetRing(22, hd, 0, 0), 22);
	assert_int_equal(host_wait_completion(h, 22, WAIT_MS), 0);
	size = test_file_size(raw);
	usleep(100 * 1000);
	assert_int_equal(test_file_size(raw), size);

	/* again, quieter; the close stops it */
	unlink(raw);
	assert_int_equal(h->phoneSetRing(23, hd, 1, 0x8000), 23);
	assert_int_equal(host_wait_completion(h, 23, WAIT_MS), 0);
	size = test_wait_size(raw, 96000, WAIT_MS);
	assert_true(size >= 96000);
	/* half-way on the ring's 60 dB curve is about -16 dB: well below full scale */
	{
		long peak = test_raw_peak(raw, 0, 48000);

		assert_true(peak > 0.12 * 32767 && peak < 0.20 * 32767);
	}
	assert_int_equal(h->phoneClose(hd), 0);
	size = test_file_size(raw);
	usleep(100 * 1000);
	assert_int_equal(test_file_size(raw), size);

	/* no playback PCM, no ringer: the headset has nothing to ring with */
	sys_sh("rm -r %s/class/sound/card3", sys);
	assert_int_equal(h->phoneGetDevCaps(100, h->version, 0, caps), 0);
	assert_int_equal(caps->dwNumRingModes, 0);
	hd = open_phone(h, 100);
	assert_int_equal(h->phoneSetRing(24, hd, 1, 0xffff), PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(h->phoneClose(hd), 0);
	host_stop(h);

	/* a phone with a Telephony Ringer rings with it, card or not: one ring mode */
	test_fake_card(sys);
	write_recording(path, "jabra-link-380c", "Jabra Link 380", 0x0b0e, 0x24c9, NULL);
	start(devices, 1);
	assert_int_equal(h->phoneGetDevCaps(100, h->version, 0, caps), 0);
	assert_int_equal(caps->dwNumRingModes, 1);
	hd = open_phone(h, 100);
	unlink(raw);
	assert_int_equal(h->phoneSetRing(25, hd, 1, 0xffff), 25);
	assert_int_equal(host_wait_completion(h, 25, WAIT_MS), 0);
	usleep(100 * 1000);
	assert_true(test_file_size(raw) <= 0);
	/* a card without mute controls (this fake one has no mixer at all) has no MIC mode */
	assert_int_equal(h->phoneSetHookSwitch(26, hd, PHONEHOOKSWITCHDEV_HEADSET,
					       PHONEHOOKSWITCHMODE_MIC),
			 PHONEERR_INVALHOOKSWITCHMODE);
	assert_int_equal(h->phoneClose(hd), 0);
	unsetenv("HIDPHONE_SYSFS");
	unsetenv("HIDPHONE_REPLAY_HIDRAW");
	unsetenv("HIDPHONE_RING_PCM");
}

/* A failed test must not leave its phones open for the next one. */
static int shut_down(void **state)
{
	(void)state;
	host_set_on_event(host, NULL);
	host->providerShutdown(TAPI_VERSION3_1, 42);
	return 0;
}

#define TEST(fn) cmocka_unit_test_teardown(fn, shut_down)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_negotiation),
		TEST(test_before_init_and_after_shutdown),
		TEST(test_enumerates_every_fixture),
		TEST(test_380c_events),
		TEST(test_status_filter),
		TEST(test_380c_outputs),
		TEST(test_error_paths),
		TEST(test_unplug),
		TEST(test_stuck_device),
		TEST(test_stuck_device_unplug),
		TEST(test_stuck_device_shutdown),
		TEST(test_input_while_callback_runs),
		TEST(test_hook_back_at_once),
		TEST(test_idle_dispatch_reads),
		TEST(test_close_inside_callback),
		TEST(test_concurrency),
		TEST(test_open_close_cycles),
		TEST(test_bad_devices_variable),
		TEST(test_desk_phone),
		TEST(test_offhook_led_lamp),
		TEST(test_offhook_ack_window),
		TEST(test_lamp_blink_host),
		TEST(test_audio_classes),
		TEST(test_audio_usb_path),
		TEST(test_audio_ring),
	};
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hidphone-test-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(log_path, sizeof(log_path), "%s/output.log", tmpdir);
	if (!host_load(TEST_PROVIDER))
		return 1;
	/* TEST_ONLY=name runs the tests whose names match (cmocka's filter pattern). */
	if (getenv("TEST_ONLY"))
		cmocka_set_test_filter(getenv("TEST_ONLY"));
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_remove_dir(tmpdir);
	host_unload(host);
	return rc;
}
