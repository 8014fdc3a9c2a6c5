/*
 * hidphone.tsp's lines as a TAPI host sees them: loaded with dlopen, driven through the
 * TSPI line functions, on a replayed phone, with the line configured by a temporary
 * hidphone.conf (HIDPHONE_CONFIG) on 127.0.0.1 and a real baresip as the far end
 * (test/call-peer.c). Every test has ports of its own, so nothing a test left behind (a
 * socket libre still holds for a transaction, a retransmission) reaches the next: test k
 * has the line on 16100+k, baresip on 16400+2k (and 16401+2k, its TLS), its control on
 * 16600+k; RTP 16200-16299.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re.h>

#include "hid/hex-text.h"
#include "hid/rdesc-load.h"
#include "hid/recording.h"
#include "call-peer.h"
#include "test-util.h"
#include "tools/tapi-host.h"

#define WAIT_MS 8000
static unsigned test_k;          /* this test's port offset, counted up by each start() */
#define LINE_PORT (16100u + test_k)
#define PEER_SIP (16400u + 2u * test_k)    /* baresip itself takes SIP+1 for TLS */
#define PEER_CTRL (16600u + test_k)
#define PHONE_BASE 100
#define LINE_ID (PHONE_BASE + 100)

static char tmpdir[256];
static struct call_peer peer;
static bool peer_up;
static bool host_running;
static const char *line_media = "tone";   /* media = of the line the tests configure */
static const char *line_extra = "";       /* more lines of its [line] section */

/* Input reports to play, at ms after the phone's open (NULL hex ends the list). */
struct play {
	unsigned ms;
	const char *hex;
};
static const struct play *plays;

/* The phone replayed: its descriptor (test/data/descriptors), name and USB ids. */
struct fixture {
	const char *rdesc, *name;
	uint16_t vendor, product;
};
static const struct fixture jabra_380c = { "jabra-link-380c", "Jabra Link 380", 0x0b0e, 0x24c9 };
static const struct fixture *fixture = &jabra_380c;

static void write_recording(const char *path, unsigned unplug_after_ms)
{
	struct recording_device dev = { .bus = 3, .vendor = fixture->vendor,
					.product = fixture->product };
	char rdesc_path[300];
	uint8_t *rdesc = malloc(RDESC_MAX_SIZE);
	enum rdesc_file_format fmt;
	struct text_error err;
	FILE *f = fopen(path, "w");
	long n;

	assert_non_null(f);
	snprintf(rdesc_path, sizeof(rdesc_path), TEST_DATA_DIR "/descriptors/%s.rdesc.hex",
		 fixture->rdesc);
	n = rdesc_read_file(rdesc_path, rdesc, &fmt, &err);
	assert_true(n > 0);
	snprintf(dev.name, sizeof(dev.name), "%s", fixture->name);
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
	if (unplug_after_ms) {
		/* keypad idle: a report that changes nothing, then the device goes */
		uint8_t idle[] = { 0x02, 0x00, 0x06 };

		assert_int_equal(recording_write_report(f, RECORDING_INPUT,
							(uint64_t)unplug_after_ms * 1000, idle,
							sizeof(idle)), 0);
	}
	fclose(f);
	free(rdesc);
}

static void write_config(void)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/hidphone.conf", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[line alice]\nphone = first\nlisten = 127.0.0.1:%u\nmedia = %s\n"
		"rtp-ports = 16200-16299\nanswer-timeout = 3\nmedia-timeout = 2\n"
		"dial-timeout = 1\ndial-domain = 127.0.0.1:%u\n%s", LINE_PORT, line_media, PEER_SIP,
		line_extra);
	fclose(f);
	setenv("HIDPHONE_CONFIG", path, 1);
}

/* Starts the provider with one replayed phone (unplugged after unplug_ms when not 0). */
static struct host *start(unsigned unplug_ms)
{
	char path[300], devices[400];

	if (!peer_up)
		test_k++;     /* a test without a peer: its own line port all the same */
	snprintf(path, sizeof(path), "%s/phone.hid", tmpdir);
	write_recording(path, unplug_ms);
	snprintf(devices, sizeof(devices), "%s:%s", unplug_ms ? "replay+unplug" : "replay", path);
	setenv("HIDPHONE_DEVICES", devices, 1);
	/* what the provider writes to the phone, read back by read_outputs() */
	snprintf(path, sizeof(path), "%s/output.log", tmpdir);
	unlink(path);
	setenv("HIDPHONE_REPLAY_LOG", path, 1);
	write_config();
	host_clear(host);
	assert_int_equal(host_start(host, PHONE_BASE), 0);
	host_running = true;
	assert_int_equal(host->num_phones, 1);
	assert_int_equal(host->num_lines, 1);
	return host;
}

static const uint16_t *w(const char *s)
{
	static uint16_t buf[4][128];
	static int k;
	uint16_t *b = buf[k++ & 3];
	size_t i = 0;

	for (; s[i] && i < 127; i++)
		b[i] = (uint8_t)s[i];
	b[i] = 0;
	return b;
}

static HDRVLINE open_line(struct host *h)
{
	HDRVLINE hd = NULL;

	assert_int_equal(h->lineOpen(LINE_ID, (HTAPILINE)(uintptr_t)0x4444, &hd, h->version,
				     host_line_event), 0);
	assert_non_null(hd);
	return hd;
}

/* The host opens the line's phone (the device its line may hold already). */
static HDRVPHONE open_phone(struct host *h)
{
	HDRVPHONE hp = NULL;

	assert_int_equal(h->phoneOpen(PHONE_BASE, (HTAPIPHONE)(uintptr_t)0x5000, &hp, h->version,
				      host_phone_event), 0);
	assert_non_null(hp);
	return hp;
}

/* Index of the first line event msg (from index from) for htcall (NULL: any), or -1. */
static long find_line(struct host *h, size_t from, DWORD msg, HTAPICALL htcall)
{
	long found = -1;

	pthread_mutex_lock(&h->lock);
	for (size_t i = from; i < h->n_events && found < 0; i++) {
		const struct host_event *e = &h->events[i];

		if (e->line && e->msg == msg && (!htcall || e->htcall == htcall))
			found = (long)i;
	}
	pthread_mutex_unlock(&h->lock);
	return found;
}

static long wait_line(struct host *h, size_t from, DWORD msg, HTAPICALL htcall)
{
	uint64_t end = host_now_usec() + WAIT_MS * 1000ull;
	long i;

	while ((i = find_line(h, from, msg, htcall)) < 0 && host_now_usec() < end)
		host_wait(h, host_n_events(h) + 1, 50);
	return i;
}

/* Waits for LINE_CALLSTATE state on htcall; returns its index (fails the test if none). */
static long wait_state(struct host *h, size_t from, HTAPICALL htcall, DWORD state)
{
	uint64_t end = host_now_usec() + WAIT_MS * 1000ull;

	for (;;) {
		pthread_mutex_lock(&h->lock);
		for (size_t i = from; i < h->n_events; i++) {
			const struct host_event *e = &h->events[i];

			if (e->line && e->msg == LINE_CALLSTATE && e->htcall == htcall &&
			    e->p1 == state) {
				pthread_mutex_unlock(&h->lock);
				return (long)i;
			}
		}
		pthread_mutex_unlock(&h->lock);
		if (host_now_usec() >= end)
			break;
		host_wait(h, host_n_events(h) + 1, 50);
	}
	fprintf(stderr, "no call state 0x%x; the calls' states were:\n", state);
	for (size_t i = from, n = host_n_events(h); i < n; i++)
		if (h->events[i].line && h->events[i].msg == LINE_CALLSTATE)
			fprintf(stderr, "  0x%lx mode 0x%lx\n", (unsigned long)h->events[i].p1,
				(unsigned long)h->events[i].p2);
	fail();
	return -1;
}

/* The states reported for htcall, in order, as a bit string of LINECALLSTATE_ values. */
static size_t states_of(struct host *h, HTAPICALL htcall, DWORD *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < h->n_events && n < max; i++) {
		const struct host_event *e = &h->events[i];

		if (e->line && e->msg == LINE_CALLSTATE && e->htcall == htcall)
			out[n++] = (DWORD)e->p1;
	}
	pthread_mutex_unlock(&h->lock);
	return n;
}

static size_t completions_of(struct host *h, DRV_REQUESTID req)
{
	size_t n = 0;

	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < h->n_events; i++)
		n += h->events[i].completion && h->events[i].request == req;
	pthread_mutex_unlock(&h->lock);
	return n;
}

/* The events msg (line ones or phone ones, completions not) from index from on. */
static size_t count_msg(struct host *h, size_t from, bool line, DWORD msg)
{
	size_t n = 0;

	pthread_mutex_lock(&h->lock);
	for (size_t i = from; i < h->n_events; i++)
		n += !h->events[i].completion && h->events[i].line == line &&
		     h->events[i].msg == msg;
	pthread_mutex_unlock(&h->lock);
	return n;
}

/* Output reports written to the phone so far (HIDPHONE_REPLAY_LOG), as "02 01 00", in order. */
static size_t read_outputs(char out[][16], size_t max)
{
	char path[300], line[256];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/output.log", tmpdir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && n < max) {
		unsigned long sec, usec, len;
		int off = 0;

		if (sscanf(line, "O: %lu.%lu %lu %n", &sec, &usec, &len, &off) == 3 && off > 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out[n++], 16, "%s", line + off);
		}
	}
	fclose(f);
	return n;
}

/* Whether the phone was sent output report hex (last: as the last one); false after listing
 * what it was sent. */
static bool sent_as(const char *hex, bool last)
{
	char outs[256][16];
	size_t n = read_outputs(outs, 256);

	for (size_t i = last && n ? n - 1 : 0; i < n; i++) {
		if (strcmp(outs[i], hex) == 0)
			return true;
	}
	fprintf(stderr, "no output report %s %s %zu:\n", hex, last ? "last of" : "among", n);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", outs[i]);
	return false;
}

static bool sent(const char *hex)
{
	return sent_as(hex, false);
}

static void make_uri(char *buf, size_t size, const char *user, unsigned port)
{
	snprintf(buf, size, "sip:%s@127.0.0.1:%u", user, port);
}

static HDRVCALL make_call(struct host *h, HDRVLINE hl, DRV_REQUESTID req, HTAPICALL ht,
			  const char *user)
{
	HDRVCALL hc = NULL;
	char uri[128];

	make_uri(uri, sizeof(uri), user, PEER_SIP);
	assert_int_equal(h->lineMakeCall(req, hl, ht, &hc, w(uri), 0, NULL), (LONG)req);
	assert_non_null(hc);
	assert_int_equal(host_wait_completion(h, req, WAIT_MS), 0);
	return hc;
}

static int setup(void **state)
{
	int err;

	(void)state;
	test_k++;
	peer_up = true;   /* whatever happens, teardown stops it and frees what it kept */
	err = peer_start(&peer, PEER_SIP, PEER_CTRL);
	if (err) {
		fprintf(stderr, "baresip did not start: %s (log in %s)\n", strerror(-err), peer.dir);
		return -1;
	}
	return 0;
}

static void stop(struct host *h)
{
	host_stop(h);
	host_running = false;
}

static int teardown(void **state)
{
	(void)state;
	plays = NULL;
	fixture = &jabra_380c;
	line_media = "tone";
	line_extra = "";
	unsetenv("HIDPHONE_SYSFS");
	unsetenv("HIDPHONE_REPLAY_HIDRAW");
	unsetenv("HIDPHONE_RING_PCM");
	/* A failed test leaves the provider running: stop it, or every later test fails too. */
	if (host_running)
		stop(host);
	if (peer_up)
		peer_stop(&peer);
	peer_up = false;
	return 0;
}

/* --- devices ---------------------------------------------------------------------------- */

static void test_line_device(void **state)
{
	struct host *h = start(0);
	union { LINEDEVCAPS caps; uint8_t b[2048]; } u;
	union { VARSTRING vs; uint8_t b[64]; } id;
	DWORD v = 0, n = 0;
	HDRVLINE hl;
	HDRVPHONE hp = NULL;
	const uint16_t *cls;

	(void)state;
	assert_int_equal(h->lineNegotiateTSPIVersion(LINE_ID, TAPI_VERSION2_0, TAPI_VERSION3_1, &v),
			 0);
	assert_int_equal(v, TAPI_VERSION3_1);
	assert_int_equal(h->lineNegotiateTSPIVersion(LINE_ID + 1, TAPI_VERSION2_0,
						     TAPI_VERSION3_1, &v), LINEERR_BADDEVICEID);
	assert_int_equal(h->lineNegotiateTSPIVersion(LINE_ID, 0x00010000, 0x00010003, &v),
			 LINEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(h->lineNegotiateTSPIVersion(LINE_ID, TAPI_VERSION2_0, TAPI_VERSION3_1,
						     NULL), LINEERR_INVALPARAM);

	memset(&u, 0, sizeof(u));
	u.caps.dwTotalSize = sizeof(u);
	assert_int_equal(h->lineGetDevCaps(LINE_ID, h->version, 0, &u.caps), 0);
	assert_int_equal(u.caps.dwBearerModes, LINEBEARERMODE_VOICE);
	assert_int_equal(u.caps.dwMediaModes, LINEMEDIAMODE_INTERACTIVEVOICE);
	assert_true(u.caps.dwLineFeatures & LINEFEATURE_MAKECALL);
	assert_int_equal(u.caps.dwNumAddresses, 1);
	assert_true(u.caps.dwUsedSize == u.caps.dwNeededSize);
	/* the device classes: a MULTI_SZ of UTF-16 strings */
	cls = (const uint16_t *)(u.b + u.caps.dwDeviceClassesOffset);
	assert_true(u.caps.dwDeviceClassesSize > 0);
	{
		/* a replayed phone has no sound card: no audio class */
		const char *want[] = { "tapi/line", "tapi/phone" };
		size_t k = 0;

		for (size_t i = 0; i < 2; i++) {
			for (size_t j = 0; want[i][j]; j++)
				assert_int_equal(cls[k++], (uint8_t)want[i][j]);
			assert_int_equal(cls[k++], 0);
		}
		assert_int_equal(cls[k], 0);
	}
	u.caps.dwTotalSize = 40;
	assert_int_equal(h->lineGetDevCaps(LINE_ID, h->version, 0, &u.caps),
			 LINEERR_STRUCTURETOOSMALL);
	assert_int_equal(h->lineGetDevCaps(LINE_ID, h->version, 0, NULL), LINEERR_INVALPOINTER);
	assert_int_equal(h->lineGetDevCaps(LINE_ID + 7, h->version, 0, &u.caps),
			 LINEERR_BADDEVICEID);
	u.caps.dwTotalSize = sizeof(u);
	assert_int_equal(h->lineGetDevCaps(LINE_ID, 0x00010003, 0, &u.caps),
			 LINEERR_INCOMPATIBLEAPIVERSION);

	/* the line and its phone name each other */
	hl = open_line(h);
	memset(&id, 0, sizeof(id));
	id.vs.dwTotalSize = sizeof(id);
	assert_int_equal(h->lineGetID(hl, 0, NULL, LINECALLSELECT_LINE, &id.vs, w("tapi/phone"),
				      NULL), 0);
	assert_int_equal(id.vs.dwStringFormat, STRINGFORMAT_BINARY);
	assert_int_equal(id.vs.dwStringSize, 4);
	assert_int_equal(*(DWORD *)(id.b + id.vs.dwStringOffset), PHONE_BASE);
	assert_int_equal(h->lineGetID(hl, 0, NULL, LINECALLSELECT_LINE, &id.vs, w("wave/xyz"),
				      NULL), LINEERR_INVALDEVICECLASS);
	assert_int_equal(h->lineGetID(hl, 0, NULL, LINECALLSELECT_LINE, &id.vs, w("wave/out"),
				      NULL), LINEERR_INVALDEVICECLASS);
	assert_int_equal(h->lineGetID(hl, 0, NULL, 77, &id.vs, w("tapi/phone"), NULL),
			 LINEERR_INVALCALLSELECT);
	hp = open_phone(h);
	memset(&id, 0, sizeof(id));
	id.vs.dwTotalSize = sizeof(id);
	assert_int_equal(h->phoneGetID(hp, &id.vs, w("tapi/line"), NULL), 0);
	assert_int_equal(id.vs.dwStringFormat, STRINGFORMAT_BINARY);
	assert_int_equal(*(DWORD *)(id.b + id.vs.dwStringOffset), LINE_ID);
	/* too small for the id: the size it needs, no id */
	id.vs.dwTotalSize = sizeof(VARSTRING);
	assert_int_equal(h->phoneGetID(hp, &id.vs, w("tapi/line"), NULL), 0);
	assert_int_equal(id.vs.dwNeededSize, sizeof(VARSTRING) + 4);
	assert_int_equal(id.vs.dwStringSize, 0);
	assert_int_equal(h->phoneClose(hp), 0);

	assert_int_equal(h->lineGetNumAddressIDs(hl, &n), 0);
	assert_int_equal(n, 1);
	{
		union { LINEADDRESSCAPS c; uint8_t b[1024]; } ac;
		union { LINEDEVSTATUS s; uint8_t b[512]; } ds;
		LINEADDRESSSTATUS as;

		memset(&ac, 0, sizeof(ac));
		ac.c.dwTotalSize = sizeof(ac);
		assert_int_equal(h->lineGetAddressCaps(LINE_ID, 0, h->version, 0, &ac.c), 0);
		assert_true(ac.c.dwAddressFeatures & LINEADDRFEATURE_MAKECALL);
		assert_true(ac.c.dwDisconnectModes & LINEDISCONNECTMODE_BUSY);
		assert_int_equal(h->lineGetAddressCaps(LINE_ID, 1, h->version, 0, &ac.c),
				 LINEERR_INVALADDRESSID);
		memset(&ds, 0, sizeof(ds));
		ds.s.dwTotalSize = sizeof(ds);
		assert_int_equal(h->lineGetLineDevStatus(hl, &ds.s), 0);
		assert_int_equal(ds.s.dwNumActiveCalls, 0);
		memset(&as, 0, sizeof(as));
		as.dwTotalSize = sizeof(as);
		assert_int_equal(h->lineGetAddressStatus(hl, 0, &as), 0);
		assert_int_equal(h->lineGetAddressStatus(hl, 3, &as), LINEERR_INVALADDRESSID);
	}
	assert_int_equal(h->lineClose(hl), 0);
	stop(h);
}

/* --- exports -------------------------------------------------------------------------- */

/* The provider exports the TSPI functions it implements and nothing else. */
static void test_exports(void **state)
{
	static const char *const want[] = {
		"TSPI_lineAnswer", "TSPI_lineClose", "TSPI_lineCloseCall",
		"TSPI_lineConditionalMediaDetection", "TSPI_lineDial", "TSPI_lineDrop",
		"TSPI_lineGenerateDigits", "TSPI_lineGetAddressCaps", "TSPI_lineGetAddressID",
		"TSPI_lineGetAddressStatus", "TSPI_lineGetCallAddressID", "TSPI_lineGetCallInfo",
		"TSPI_lineGetCallStatus", "TSPI_lineGetDevCaps", "TSPI_lineGetID",
		"TSPI_lineGetLineDevStatus", "TSPI_lineGetNumAddressIDs", "TSPI_lineMakeCall",
		"TSPI_lineMonitorDigits", "TSPI_lineNegotiateTSPIVersion", "TSPI_lineOpen",
		"TSPI_lineSetAppSpecific", "TSPI_lineSetCallParams",
		"TSPI_lineSetDefaultMediaDetection",
		"TSPI_lineSetStatusMessages", "TSPI_phoneClose", "TSPI_phoneDevSpecific",
		"TSPI_phoneGetButtonInfo", "TSPI_phoneGetData", "TSPI_phoneGetDevCaps",
		"TSPI_phoneGetDisplay", "TSPI_phoneGetExtensionID", "TSPI_phoneGetGain",
		"TSPI_phoneGetHookSwitch", "TSPI_phoneGetID", "TSPI_phoneGetIcon",
		"TSPI_phoneGetLamp", "TSPI_phoneGetRing", "TSPI_phoneGetStatus",
		"TSPI_phoneGetVolume", "TSPI_phoneNegotiateExtVersion",
		"TSPI_phoneNegotiateTSPIVersion", "TSPI_phoneOpen", "TSPI_phoneSelectExtVersion",
		"TSPI_phoneSetButtonInfo", "TSPI_phoneSetData", "TSPI_phoneSetDisplay",
		"TSPI_phoneSetGain", "TSPI_phoneSetHookSwitch", "TSPI_phoneSetLamp",
		"TSPI_phoneSetRing", "TSPI_phoneSetStatusMessages", "TSPI_phoneSetVolume",
		"TSPI_providerCreateLineDevice", "TSPI_providerCreatePhoneDevice",
		"TSPI_providerEnumDevices", "TSPI_providerInit",
		"TSPI_providerShutdown",
	};
	size_t nwant = sizeof(want) / sizeof(want[0]), n = 0;
	char line[256], type[8], name[200];
	FILE *f;

	(void)state;
	f = popen("nm -D --defined-only " TEST_PROVIDER, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		bool known = false;

		/* functions: T; sanitizer builds add their own hooks, which are not ours */
		if (sscanf(line, "%*s %7s %199s", type, name) != 2 || strcmp(type, "T") != 0 ||
		    strncmp(name, "__", 2) == 0)
			continue;
		for (size_t i = 0; i < nwant; i++)
			known = known || strcmp(name, want[i]) == 0;
		if (!known)
			fprintf(stderr, "unexpected export %s\n", name);
		assert_true(known);
		n++;
	}
	assert_int_equal(pclose(f), 0);
	assert_int_equal(n, nwant);
}

/* --- misuse ----------------------------------------------------------------------------- */

static void test_misuse(void **state)
{
	struct host *h = start(0);
	HDRVLINE hl, other = NULL;
	HDRVCALL hc = NULL, hc2 = NULL;
	LINECALLSTATUS cs;
	DWORD n;

	(void)state;
	hl = open_line(h);
	assert_int_equal(h->lineOpen(LINE_ID, NULL, &other, h->version, host_line_event),
			 LINEERR_ALLOCATED);
	assert_int_equal(h->lineOpen(LINE_ID + 1, NULL, &other, h->version, host_line_event),
			 LINEERR_BADDEVICEID);
	assert_int_equal(h->lineOpen(LINE_ID, NULL, NULL, h->version, host_line_event),
			 LINEERR_INVALPOINTER);
	assert_int_equal(h->lineOpen(LINE_ID, NULL, &other, 0x00050000, host_line_event),
			 LINEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(h->lineGetNumAddressIDs((HDRVLINE)(uintptr_t)0xdead, &n),
			 LINEERR_INVALLINEHANDLE);
	assert_int_equal(h->lineGetNumAddressIDs(hl, NULL), LINEERR_INVALPOINTER);
	assert_int_equal(h->lineSetDefaultMediaDetection(hl, 0x40000000), LINEERR_INVALMEDIAMODE);
	assert_int_equal(h->lineSetStatusMessages(hl, 0x80000000, 0), LINEERR_INVALLINESTATE);
	assert_int_equal(h->lineSetStatusMessages(hl, 0, 0x80000000), LINEERR_INVALADDRESSSTATE);
	assert_int_equal(h->lineMakeCall(1, hl, NULL, NULL, w("sip:bob@127.0.0.1"), 0, NULL),
			 LINEERR_INVALPOINTER);
	assert_int_equal(h->lineMakeCall(1, hl, NULL, &hc, w("no-at-sign"), 0, NULL),
			 LINEERR_INVALADDRESS);
	assert_int_equal(h->lineMakeCall(1, hl, NULL, &hc, w("sip:bob@exa_mple.org"), 0, NULL), 1);
	/* not a host name: the request fails, once, with INVALADDRESS */
	assert_int_equal(host_wait_completion(h, 1, WAIT_MS), LINEERR_INVALADDRESS);
	assert_int_equal(h->lineGetCallStatus(hc, &cs), LINEERR_INVALCALLHANDLE);
	{
		LINECALLPARAMS cp;

		memset(&cp, 0, sizeof(cp));
		cp.dwTotalSize = sizeof(cp);
		cp.dwBearerMode = LINEBEARERMODE_DATA;
		assert_int_equal(h->lineMakeCall(2, hl, NULL, &hc, NULL, 0, &cp),
				 LINEERR_INVALBEARERMODE);
		cp.dwBearerMode = 0;
		cp.dwMediaMode = LINEMEDIAMODE_DATAMODEM;
		assert_int_equal(h->lineMakeCall(2, hl, NULL, &hc, NULL, 0, &cp),
				 LINEERR_INVALMEDIAMODE);
	}
	/* a call in DIALTONE: only lineDial and lineDrop make sense */
	assert_int_equal(h->lineMakeCall(3, hl, (HTAPICALL)(uintptr_t)0x3333, &hc, NULL, 0, NULL),
			 3);
	assert_int_equal(host_wait_completion(h, 3, WAIT_MS), 0);
	wait_state(h, 0, (HTAPICALL)(uintptr_t)0x3333, LINECALLSTATE_DIALTONE);
	memset(&cs, 0, sizeof(cs));
	cs.dwTotalSize = sizeof(cs);
	assert_int_equal(h->lineGetCallStatus(hc, &cs), 0);
	assert_int_equal(cs.dwCallState, LINECALLSTATE_DIALTONE);
	assert_true(cs.dwCallFeatures & LINECALLFEATURE_DIAL);
	cs.dwTotalSize = 8;
	assert_int_equal(h->lineGetCallStatus(hc, &cs), LINEERR_STRUCTURETOOSMALL);
	assert_int_equal(h->lineGetCallStatus(hc, NULL), LINEERR_INVALPOINTER);
	assert_int_equal(h->lineAnswer(4, hc, NULL, 0), LINEERR_INVALCALLSTATE);
	assert_int_equal(h->lineGenerateDigits(hc, 1, LINEDIGITMODE_DTMF, w("12"), 0),
			 LINEERR_INVALCALLSTATE);
	assert_int_equal(h->lineGenerateDigits(hc, 1, LINEDIGITMODE_PULSE, w("12"), 0),
			 LINEERR_INVALDIGITMODE);
	assert_int_equal(h->lineGenerateDigits(hc, 1, LINEDIGITMODE_DTMF, w("1x"), 0),
			 LINEERR_INVALDIGITS);
	assert_int_equal(h->lineMonitorDigits(hc, LINEDIGITMODE_PULSE), LINEERR_INVALDIGITMODE);
	assert_int_equal(h->lineDial(5, hc, NULL, 0), LINEERR_INVALPOINTER);
	assert_int_equal(h->lineDial(5, hc, w("nobody"), 0), LINEERR_INVALADDRESS);
	/* one call at a time */
	assert_int_equal(h->lineMakeCall(6, hl, NULL, &hc2, NULL, 0, NULL),
			 LINEERR_CALLUNAVAIL);
	assert_int_equal(h->lineDrop(7, hc, NULL, 0), 7);
	assert_int_equal(host_wait_completion(h, 7, WAIT_MS), 0);
	wait_state(h, 0, (HTAPICALL)(uintptr_t)0x3333, LINECALLSTATE_IDLE);
	assert_int_equal(h->lineDial(8, hc, w("bob@127.0.0.1"), 0), LINEERR_INVALCALLSTATE);
	assert_int_equal(h->lineCloseCall(hc), 0);
	assert_int_equal(h->lineCloseCall(hc), LINEERR_INVALCALLHANDLE);
	assert_int_equal(h->lineDrop(9, hc, NULL, 0), LINEERR_INVALCALLHANDLE);
	assert_int_equal(h->lineDrop(9, (HDRVCALL)(uintptr_t)0xbeef, NULL, 0),
			 LINEERR_INVALCALLHANDLE);
	assert_int_equal(h->lineClose(hl), 0);
	/* a closed line is no line */
	assert_int_equal(h->lineMakeCall(10, hl, NULL, &hc, NULL, 0, NULL), LINEERR_INVALLINEHANDLE);
	assert_int_equal(h->lineClose(hl), LINEERR_INVALLINEHANDLE);
	for (DRV_REQUESTID r = 1; r <= 10; r++)
		assert_true(completions_of(h, r) <= 1);
	assert_int_equal(completions_of(h, 1), 1);
	assert_int_equal(completions_of(h, 3), 1);
	assert_int_equal(completions_of(h, 7), 1);
	stop(h);
}

/* --- calls against baresip -------------------------------------------------------------- */

#define HT_OUT ((HTAPICALL)(uintptr_t)0x1111)

static void test_outgoing_connected_drop(void **state)
{
	struct host *h = start(0);
	union { LINECALLINFO ci; uint8_t b[2048]; } u;
	DWORD states[16];
	size_t n;
	HDRVLINE hl;
	HDRVCALL hc;
	char called[16] = "";

	(void)state;
	hl = open_line(h);
	hc = make_call(h, hl, 11, HT_OUT, "bob");
	wait_state(h, 0, HT_OUT, LINECALLSTATE_CONNECTED);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_ESTABLISHED", NULL) >= 0);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_RTPESTAB", NULL) >= 0);
	memset(&u, 0, sizeof(u));
	u.ci.dwTotalSize = sizeof(u);
	assert_int_equal(h->lineGetCallInfo(hc, &u.ci), 0);
	assert_int_equal(u.ci.dwOrigin, LINECALLORIGIN_OUTBOUND);
	assert_int_equal(u.ci.dwLineDeviceID, LINE_ID);
	assert_int_equal(u.ci.dwBearerMode, LINEBEARERMODE_VOICE);
	assert_true(u.ci.dwCalledIDFlags & LINECALLPARTYID_ADDRESS);
	for (size_t i = 0; i * 2 < u.ci.dwCalledIDSize && i < 15; i++)
		called[i] = (char)u.b[u.ci.dwCalledIDOffset + i * 2];
	assert_string_equal(called, "bob");
	/* lineSetCallParams: VOICE at any rate G.711 has stays; nothing else is possible */
	assert_int_equal(h->lineSetCallParams(13, hc, LINEBEARERMODE_VOICE, 0, 64000, NULL), 13);
	assert_int_equal(host_wait_completion(h, 13, WAIT_MS), 0);
	assert_int_equal(h->lineSetCallParams(14, hc, LINEBEARERMODE_DATA, 0, 0, NULL),
			 LINEERR_BEARERMODEUNAVAIL);
	assert_int_equal(h->lineSetCallParams(14, hc, LINEBEARERMODE_VOICE |
					      LINEBEARERMODE_DATA, 0, 0, NULL),
			 LINEERR_INVALBEARERMODE);
	assert_int_equal(h->lineSetCallParams(14, hc, 0x100, 0, 0, NULL), LINEERR_INVALBEARERMODE);
	assert_int_equal(h->lineSetCallParams(14, hc, LINEBEARERMODE_VOICE, 9, 8, NULL),
			 LINEERR_INVALRATE);
	assert_int_equal(h->lineSetCallParams(14, hc, LINEBEARERMODE_VOICE, 128000, 128000, NULL),
			 LINEERR_RATEUNAVAIL);
	assert_int_equal(h->lineSetCallParams(14, NULL, LINEBEARERMODE_VOICE, 0, 0, NULL),
			 LINEERR_INVALCALLHANDLE);
	assert_int_equal(h->lineMonitorDigits(hc, LINEDIGITMODE_DTMF), 0);
	assert_int_equal(h->lineGenerateDigits(hc, 77, LINEDIGITMODE_DTMF, w("5#"), 0), 0);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_DTMF_START", "\"param\":\"5\"", NULL) >= 0);
	assert_true(wait_line(h, 0, LINE_GENERATE, HT_OUT) >= 0);
	/* the far end presses 7: LINE_MONITORDIGITS */
	assert_int_equal(peer_command(&peer, "sndcode", "7"), 0);
	{
		long i = wait_line(h, 0, LINE_MONITORDIGITS, HT_OUT);

		assert_true(i >= 0);
		assert_int_equal(h->events[i].p1, '7');
	}
	assert_int_equal(h->lineDrop(12, hc, NULL, 0), 12);
	assert_int_equal(host_wait_completion(h, 12, WAIT_MS), 0);
	wait_state(h, 0, HT_OUT, LINECALLSTATE_IDLE);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_CLOSED", NULL) >= 0);
	n = states_of(h, HT_OUT, states, 16);
	/* DIALING, [PROCEEDING], [RINGBACK], CONNECTED, IDLE: in this order, each once */
	assert_true(n >= 3);
	assert_int_equal(states[0], LINECALLSTATE_DIALING);
	assert_int_equal(states[n - 2], LINECALLSTATE_CONNECTED);
	assert_int_equal(states[n - 1], LINECALLSTATE_IDLE);
	for (size_t i = 1; i + 2 < n; i++)
		assert_true(states[i] == LINECALLSTATE_PROCEEDING ||
			    states[i] == LINECALLSTATE_RINGBACK);
	assert_int_equal(h->lineSetCallParams(15, hc, LINEBEARERMODE_VOICE, 0, 0, NULL),
			 LINEERR_INVALCALLSTATE);
	/* no lineSetStatusMessages: no LINE_LINEDEVSTATE, no LINE_ADDRESSSTATE */
	assert_true(find_line(h, 0, LINE_LINEDEVSTATE, NULL) < 0);
	assert_true(find_line(h, 0, LINE_ADDRESSSTATE, NULL) < 0);
	assert_int_equal(h->lineCloseCall(hc), 0);
	assert_int_equal(h->lineClose(hl), 0);
	assert_int_equal(completions_of(h, 11), 1);
	assert_int_equal(completions_of(h, 12), 1);
	assert_int_equal(completions_of(h, 13), 1);
	assert_int_equal(completions_of(h, 14), 0);
	stop(h);
}

/* The call is ended by the far end: DISCONNECTED with mode, then the host drops to IDLE. */
static void far_end_ends(const char *user, bool answer_first, DWORD mode)
{
	struct host *h = start(0);
	char aor[64];
	long i;
	HDRVLINE hl;
	HDRVCALL hc;

	hl = open_line(h);
	hc = make_call(h, hl, 21, HT_OUT, user);
	if (strcmp(user, "nobody")) {
		assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_INCOMING", NULL) >= 0);
		make_uri(aor, sizeof(aor), user, PEER_SIP);
		assert_int_equal(peer_command(&peer, "uafind", aor), 0);
		if (answer_first) {
			assert_int_equal(peer_command(&peer, "accept", NULL), 0);
			wait_state(h, 0, HT_OUT, LINECALLSTATE_CONNECTED);
		}
		assert_int_equal(peer_command(&peer, "hangup", NULL), 0);
	}
	i = wait_state(h, 0, HT_OUT, LINECALLSTATE_DISCONNECTED);
	assert_int_equal(h->events[i].p2, mode);
	assert_int_equal(h->lineDrop(22, hc, NULL, 0), 22);
	assert_int_equal(host_wait_completion(h, 22, WAIT_MS), 0);
	wait_state(h, 0, HT_OUT, LINECALLSTATE_IDLE);
	assert_int_equal(h->lineCloseCall(hc), 0);
	assert_int_equal(h->lineClose(hl), 0);
	assert_int_equal(completions_of(h, 21), 1);
	assert_int_equal(completions_of(h, 22), 1);
	stop(h);
}

static void test_busy(void **state)
{
	(void)state;
	/* carol answers by hand; hanging up while she rings is 486 Busy Here */
	far_end_ends("carol", false, LINEDISCONNECTMODE_BUSY);
}

static void test_far_end_bye(void **state)
{
	(void)state;
	far_end_ends("carol", true, LINEDISCONNECTMODE_NORMAL);
}

static void test_unknown_user(void **state)
{
	(void)state;
	/* baresip has no UA "nobody": its answer is UNAVAIL or NOANSWER, never CONNECTED */
	struct host *h = start(0);
	HDRVLINE hl = open_line(h);
	HDRVCALL hc = make_call(h, hl, 31, HT_OUT, "nobody");
	long i = wait_state(h, 0, HT_OUT, LINECALLSTATE_DISCONNECTED);

	assert_true(h->events[i].p2 != LINEDISCONNECTMODE_NORMAL);
	assert_true(find_line(h, 0, LINE_CALLSTATE, HT_OUT) >= 0);
	{
		DWORD states[16];
		size_t n = states_of(h, HT_OUT, states, 16);

		for (size_t k = 0; k < n; k++)
			assert_int_not_equal(states[k], LINECALLSTATE_CONNECTED);
	}
	assert_int_equal(h->lineCloseCall(hc), 0);
	assert_int_equal(h->lineClose(hl), 0);
	stop(h);
}

static void test_incoming_answer(void **state)
{
	struct host *h = start(0);
	union { LINECALLINFO ci; uint8_t b[2048]; } u;
	char to[64], aor[64], caller[16] = "";
	HDRVLINE hl;
	HDRVCALL hc;
	HTAPICALL ht;
	long i;

	(void)state;
	hl = open_line(h);
	assert_int_equal(h->lineSetDefaultMediaDetection(hl, LINEMEDIAMODE_INTERACTIVEVOICE), 0);
	/* ringing and the call count, but not INUSEONE: only what was asked for comes */
	assert_int_equal(h->lineSetStatusMessages(hl, LINEDEVSTATE_RINGING |
						  LINEDEVSTATE_NUMCALLS,
						  LINEADDRESSSTATE_INUSEZERO |
						  LINEADDRESSSTATE_NUMCALLS), 0);
	make_uri(aor, sizeof(aor), "bob", PEER_SIP);
	make_uri(to, sizeof(to), "alice", LINE_PORT);
	assert_int_equal(peer_command(&peer, "uafind", aor), 0);
	assert_int_equal(peer_command(&peer, "dial", to), 0);
	i = wait_line(h, 0, LINE_NEWCALL, NULL);
	assert_true(i >= 0);
	hc = (HDRVCALL)h->events[i].p1;
	ht = host_htcall(h->events[i].p1);
	/* the call's events carry the handle the host gave it during LINE_NEWCALL */
	wait_state(h, (size_t)i, ht, LINECALLSTATE_OFFERING);
	{
		/* the first ring: mode 1, count 0; one call now: NUMCALLS, not INUSEONE */
		long r = wait_line(h, 0, LINE_LINEDEVSTATE, NULL);
		long a = wait_line(h, 0, LINE_ADDRESSSTATE, NULL);

		assert_true(r >= 0 && a >= 0);
		assert_int_equal(h->events[r].p1, LINEDEVSTATE_RINGING);
		assert_int_equal(h->events[r].p2, 1);
		assert_int_equal(h->events[r].p3, 0);
		assert_int_equal(h->events[a].p1, 0);
		assert_int_equal(h->events[a].p2, LINEADDRESSSTATE_NUMCALLS);
		r = wait_line(h, (size_t)r + 1, LINE_LINEDEVSTATE, NULL);
		assert_true(r >= 0);
		assert_int_equal(h->events[r].p1, LINEDEVSTATE_NUMCALLS);
	}
	memset(&u, 0, sizeof(u));
	u.ci.dwTotalSize = sizeof(u);
	assert_int_equal(h->lineGetCallInfo(hc, &u.ci), 0);
	assert_int_equal(u.ci.dwOrigin, LINECALLORIGIN_INBOUND);
	assert_true(u.ci.dwCallerIDFlags & LINECALLPARTYID_ADDRESS);
	for (size_t k = 0; k * 2 < u.ci.dwCallerIDSize && k < 15; k++)
		caller[k] = (char)u.b[u.ci.dwCallerIDOffset + k * 2];
	assert_string_equal(caller, "bob");
	u.ci.dwTotalSize = 16;
	assert_int_equal(h->lineGetCallInfo(hc, &u.ci), LINEERR_STRUCTURETOOSMALL);
	assert_int_equal(h->lineAnswer(41, hc, NULL, 0), 41);
	assert_int_equal(host_wait_completion(h, 41, WAIT_MS), 0);
	wait_state(h, 0, ht, LINECALLSTATE_CONNECTED);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_ESTABLISHED", NULL) >= 0);
	assert_int_equal(peer_command(&peer, "hangup", NULL), 0);
	i = wait_state(h, 0, ht, LINECALLSTATE_DISCONNECTED);
	assert_int_equal(h->events[i].p2, LINEDISCONNECTMODE_NORMAL);
	assert_int_equal(h->lineDrop(42, hc, NULL, 0), 42);
	assert_int_equal(host_wait_completion(h, 42, WAIT_MS), 0);
	wait_state(h, 0, ht, LINECALLSTATE_IDLE);
	{
		/* the call is over: the address is in use by nobody */
		long a = wait_line(h, 0, LINE_ADDRESSSTATE, NULL);

		while (a >= 0 && !(h->events[a].p2 & LINEADDRESSSTATE_INUSEZERO))
			a = wait_line(h, (size_t)a + 1, LINE_ADDRESSSTATE, NULL);
		assert_true(a >= 0);
		assert_int_equal(h->events[a].p2, LINEADDRESSSTATE_NUMCALLS |
						 LINEADDRESSSTATE_INUSEZERO);
	}
	assert_int_equal(h->lineCloseCall(hc), 0);
	assert_int_equal(h->lineClose(hl), 0);
	stop(h);
}

/*
 * Nobody takes the call, which is refused (480) and never offered: the line open but owned
 * by nobody (no media detection) and its phone not driving it (phone-drives-line = off);
 * and with the phone driving it (the default), the line not open: no application at all.
 */
static void test_incoming_refused_without_owner(void **state)
{
	struct host *h;
	char to[64], aor[64];
	HDRVLINE hl;
	unsigned from;

	(void)state;
	line_extra = "phone-drives-line = off\n";
	h = start(0);
	hl = open_line(h);
	make_uri(aor, sizeof(aor), "bob", PEER_SIP);
	make_uri(to, sizeof(to), "alice", LINE_PORT);
	assert_int_equal(peer_command(&peer, "uafind", aor), 0);
	assert_int_equal(peer_command(&peer, "dial", to), 0);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_CLOSED", "480", NULL) >= 0);
	assert_true(find_line(h, 0, LINE_NEWCALL, NULL) < 0);
	assert_int_equal(h->lineClose(hl), 0);
	stop(h);

	line_extra = "";
	h = start(0);
	/* a line listens from the start (configured), but nobody has it open */
	from = peer.nevents;
	assert_int_equal(peer_command(&peer, "dial", to), 0);
	assert_true(peer_wait_event(&peer, from, WAIT_MS, "CALL_CLOSED", "480", NULL) >= 0);
	stop(h);
}

/* The far end's machine vanishes mid-call: no more RTP ends the call (media-timeout). */
static void test_peer_killed(void **state)
{
	struct host *h = start(0);
	HDRVLINE hl;
	HDRVCALL hc;
	long i;

	(void)state;
	hl = open_line(h);
	hc = make_call(h, hl, 51, HT_OUT, "bob");
	wait_state(h, 0, HT_OUT, LINECALLSTATE_CONNECTED);
	peer_kill(&peer);
	i = wait_state(h, 0, HT_OUT, LINECALLSTATE_DISCONNECTED);
	assert_int_equal(h->events[i].p2, LINEDISCONNECTMODE_UNREACHABLE);
	assert_int_equal(h->lineDrop(52, hc, NULL, 0), 52);
	assert_int_equal(host_wait_completion(h, 52, WAIT_MS), 0);
	assert_int_equal(h->lineCloseCall(hc), 0);
	assert_int_equal(h->lineClose(hl), 0);
	assert_int_equal(completions_of(h, 51), 1);
	assert_int_equal(completions_of(h, 52), 1);
	stop(h);
}

/* The phone is unplugged mid-call: forced LINE_CLOSE, LINE_REMOVE, the call is gone. */
static void test_phone_unplugged(void **state)
{
	struct host *h = start(1500);
	HDRVLINE hl;
	HDRVCALL hc;
	HDRVPHONE hp = NULL;
	DWORD n;

	(void)state;
	hl = open_line(h);
	hc = make_call(h, hl, 61, HT_OUT, "bob");
	wait_state(h, 0, HT_OUT, LINECALLSTATE_CONNECTED);
	/* the replay plays (and then unplugs) once the phone is open and its filter set */
	hp = open_phone(h);
	assert_int_equal(h->phoneSetStatusMessages(hp, 0, 0, 0), 0);
	assert_true(wait_line(h, 0, LINE_CLOSE, NULL) >= 0);
	assert_true(wait_line(h, 0, LINE_REMOVE, NULL) >= 0);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_CLOSED", NULL) >= 0);
	assert_int_equal(h->lineDrop(62, hc, NULL, 0), LINEERR_INVALCALLHANDLE);
	assert_int_equal(h->lineGetNumAddressIDs(hl, &n), LINEERR_INVALLINEHANDLE);
	assert_int_equal(h->lineNegotiateTSPIVersion(LINE_ID, TAPI_VERSION2_0, TAPI_VERSION3_1,
						     &n), LINEERR_BADDEVICEID);
	assert_int_equal(completions_of(h, 61), 1);
	/* the host's phone open and the line's, each closed once (the line holds the device) */
	usleep(200 * 1000);
	assert_int_equal(count_msg(h, 0, false, PHONE_CLOSE), 1);
	assert_int_equal(count_msg(h, 0, true, LINE_CLOSE), 1);
	stop(h);
}

/* --- the phone drives its line --------------------------------------------------------- */

/* Jabra Link 380 (test/data/descriptors/jabra-link-380c): report 2, bit 0 the headset's hook,
 * keypad idle value 12 in bits 7-10 (as in test-provider.c). */
static const struct play answer_plays[] = {
	{ 600, "02 01 06" },   /* off hook */
	{ 4000, "02 00 06" },  /* on hook: after the checks made while connected, also under load */
	{ 0, NULL },
};

static HDRVPHONE open_phone_playing(struct host *h)
{
	HDRVPHONE hp = open_phone(h);

	/* the replay plays once the filter is set; the phone's own events keep flowing */
	assert_int_equal(h->phoneSetStatusMessages(hp, PHONESTATE_HEADSETHOOKSWITCH |
						   PHONESTATE_LAMP, 0, 0), 0);
	return hp;
}

/* The PHONE_STATE LAMP events for lamp id so far. */
static size_t lamp_events(struct host *h, DWORD id)
{
	size_t n = 0;

	pthread_mutex_lock(&h->lock);
	for (size_t k = 0; k < h->n_events; k++)
		n += !h->events[k].line && !h->events[k].completion &&
		     h->events[k].msg == PHONE_STATE && h->events[k].p1 == PHONESTATE_LAMP &&
		     h->events[k].p2 == id;
	pthread_mutex_unlock(&h->lock);
	return n;
}

/*
 * The PHONE_STATE LAMP events for lamp id once there are at least n (bounded wait). A lamp
 * the call changes is written on the loop after the LINE_CALLSTATE that changed it was
 * queued, so its event may come after the host has seen the call state.
 */
static size_t wait_lamp_events(struct host *h, DWORD id, size_t n)
{
	uint64_t end = host_now_usec() + WAIT_MS * 1000ull;
	size_t got;

	while ((got = lamp_events(h, id)) < n && host_now_usec() < end)
		host_wait(h, host_n_events(h) + 1, 50);
	return got;
}

static void test_phone_answers_and_hangs_up(void **state)
{
	struct host *h;
	char to[64], aor[64];
	HDRVPHONE hp;
	DWORD mode = 0;
	HDRVLINE hl;
	HDRVCALL hc;
	HTAPICALL ht;
	long i;

	(void)state;
	plays = answer_plays;
	h = start(0);
	hl = open_line(h);
	assert_int_equal(h->lineSetDefaultMediaDetection(hl, LINEMEDIAMODE_INTERACTIVEVOICE), 0);
	make_uri(aor, sizeof(aor), "bob", PEER_SIP);
	make_uri(to, sizeof(to), "alice", LINE_PORT);
	assert_int_equal(peer_command(&peer, "uafind", aor), 0);
	assert_int_equal(peer_command(&peer, "dial", to), 0);
	i = wait_line(h, 0, LINE_NEWCALL, NULL);
	assert_true(i >= 0);
	hc = (HDRVCALL)h->events[i].p1;
	ht = host_htcall(h->events[i].p1);
	wait_state(h, 0, ht, LINECALLSTATE_OFFERING);
	hp = open_phone_playing(h);
	/* lifting the headset answers; the phone's PHONE_STATE for it still reaches the host */
	wait_state(h, 0, ht, LINECALLSTATE_CONNECTED);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_ESTABLISHED", NULL) >= 0);
	/* the echo lit the Off-Hook LED (lamp 30, the last id) and said so */
	assert_int_equal(h->phoneGetLamp(hp, 30, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_STEADY);
	assert_int_equal(wait_lamp_events(h, 30, 1), 1);
	/* Mute (lamp 20) lit by the application during the call */
	assert_int_equal(h->phoneSetLamp(81, hp, 20, PHONELAMPMODE_STEADY), 81);
	assert_int_equal(host_wait_completion(h, 81, WAIT_MS), 0);
	assert_int_equal(wait_lamp_events(h, 20, 1), 1);
	{
		bool seen = false;

		pthread_mutex_lock(&h->lock);
		for (size_t k = 0; k < h->n_events; k++)
			seen = seen || (!h->events[k].line && !h->events[k].completion &&
					h->events[k].msg == PHONE_STATE &&
					h->events[k].p1 == PHONESTATE_HEADSETHOOKSWITCH);
		pthread_mutex_unlock(&h->lock);
		assert_true(seen);
	}
	/* putting it down drops the call */
	wait_state(h, 0, ht, LINECALLSTATE_IDLE);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_CLOSED", NULL) >= 0);
	/* the call put Mute out, the echo the Off-Hook LED: both lamps say so, and TAPI heard */
	assert_int_equal(h->phoneGetLamp(hp, 20, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_OFF);
	assert_int_equal(wait_lamp_events(h, 20, 2), 2);
	assert_int_equal(h->phoneGetLamp(hp, 30, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_OFF);
	assert_int_equal(wait_lamp_events(h, 30, 2), 2);
	assert_int_equal(h->lineCloseCall(hc), 0);
	assert_int_equal(h->lineClose(hl), 0);
	stop(h);
}

static const struct play dialtone_plays[] = {
	{ 300, "02 01 06" },   /* off hook */
	{ 4000, "02 00 06" },  /* on hook */
	{ 0, NULL },
};

/*
 * Lifting the headset with no call: a new call in DIALTONE, announced to the line's
 * application, dialed with lineDial; on hook drops it. host_opens: an application owns the
 * line and the host has the phone open; else the line is open, owned by nobody (no media
 * detection), and nobody opened the phone: the line holds its device all the same (a
 * replayed phone nobody opened plays 1 s after its device opened, at lineOpen).
 */
static void dialtone_then_dial(bool host_opens)
{
	struct host *h;
	char uri[64];
	HDRVLINE hl;
	HDRVCALL hc;
	HTAPICALL ht;
	long i;
	union { LINECALLINFO ci; uint8_t b[1024]; } u;

	plays = dialtone_plays;
	h = start(0);
	hl = open_line(h);
	if (host_opens) {
		assert_int_equal(h->lineSetDefaultMediaDetection(hl,
								 LINEMEDIAMODE_INTERACTIVEVOICE), 0);
		open_phone_playing(h);
	}
	i = wait_line(h, 0, LINE_NEWCALL, NULL);
	assert_true(i >= 0);
	hc = (HDRVCALL)h->events[i].p1;
	ht = host_htcall(h->events[i].p1);
	wait_state(h, 0, ht, LINECALLSTATE_DIALTONE);
	memset(&u, 0, sizeof(u));
	u.ci.dwTotalSize = sizeof(u);
	assert_int_equal(h->lineGetCallInfo(hc, &u.ci), 0);
	assert_int_equal(u.ci.dwOrigin, LINECALLORIGIN_OUTBOUND);
	make_uri(uri, sizeof(uri), "bob", PEER_SIP);
	assert_int_equal(h->lineDial(71, hc, w(uri), 0), 71);
	assert_int_equal(host_wait_completion(h, 71, WAIT_MS), 0);
	wait_state(h, 0, ht, LINECALLSTATE_CONNECTED);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_ESTABLISHED", NULL) >= 0);
	wait_state(h, 0, ht, LINECALLSTATE_IDLE);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_CLOSED", NULL) >= 0);
	/* the headset's hook was confirmed (Off-Hook, output report 2 bit 0), then put out */
	assert_true(sent("02 01 00"));
	assert_true(sent("02 00 00"));
	assert_int_equal(h->lineCloseCall(hc), 0);
	assert_int_equal(h->lineClose(hl), 0);
	assert_int_equal(completions_of(h, 71), 1);
	stop(h);
}

static void test_phone_dialtone_then_dial(void **state)
{
	(void)state;
	dialtone_then_dial(true);
}

static void test_phone_drives_unopened_dialtone(void **state)
{
	(void)state;
	dialtone_then_dial(false);
}

/* Host names through lineMakeCall: localhost reaches baresip; a name that does not exist
 * ends DISCONNECTED with BADADDRESS (UNREACHABLE where no name service answers). */
static void test_host_names(void **state)
{
	struct host *h = start(0);
	HDRVLINE hl;
	HDRVCALL hc = NULL;
	char uri[64];
	long i;

	(void)state;
	hl = open_line(h);
	snprintf(uri, sizeof(uri), "sip:bob@localhost:%u", PEER_SIP);
	assert_int_equal(h->lineMakeCall(91, hl, HT_OUT, &hc, w(uri), 0, NULL), 91);
	assert_int_equal(host_wait_completion(h, 91, WAIT_MS), 0);
	wait_state(h, 0, HT_OUT, LINECALLSTATE_CONNECTED);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_ESTABLISHED", NULL) >= 0);
	assert_int_equal(h->lineDrop(92, hc, NULL, 0), 92);
	assert_int_equal(host_wait_completion(h, 92, WAIT_MS), 0);
	wait_state(h, 0, HT_OUT, LINECALLSTATE_IDLE);
	assert_int_equal(h->lineCloseCall(hc), 0);

	hc = NULL;
	assert_int_equal(h->lineMakeCall(93, hl, (HTAPICALL)(uintptr_t)0x7777, &hc,
					 w("sip:bob@no-such-host.invalid"), 0, NULL), 93);
	assert_int_equal(host_wait_completion(h, 93, WAIT_MS), 0);
	i = wait_state(h, 0, (HTAPICALL)(uintptr_t)0x7777, LINECALLSTATE_DISCONNECTED);
	assert_true(h->events[i].p2 == LINEDISCONNECTMODE_BADADDRESS ||
		    h->events[i].p2 == LINEDISCONNECTMODE_UNREACHABLE);
	assert_int_equal(h->lineCloseCall(hc), 0);
	assert_int_equal(h->lineClose(hl), 0);
	stop(h);
}

/*
 * media = phone: the call plays and records on the phone's own PCMs. The replayed phone
 * gets a sound card from a sysfs tree (HIDPHONE_SYSFS, the phone standing for hidraw7 as in
 * test-provider.c, test_fake_card), so its PCMs are "plughw:CARD=Phone,DEV=0"; ~/.asoundrc (HOME is the
 * test directory) makes plughw ALSA's file plugin: playback into played.raw, capture from
 * mic.raw (a 1 kHz tone). baresip's 440 Hz reaches the file; the file's tone reaches
 * baresip (its sndfile dump of what it decoded).
 */
static void test_phone_media(void **state)
{
	char cmd[2048], path[400], uri[64], home[300];
	static int16_t pcm[8000];
	struct host *h;
	HDRVLINE hl;
	HDRVCALL hc = NULL;
	long peak, n, got;
	FILE *f;

	(void)state;
	snprintf(home, sizeof(home), "%s/alsa", tmpdir);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", home);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/sys", tmpdir);
	test_fake_card(path);
	setenv("HIDPHONE_SYSFS", path, 1);
	setenv("HIDPHONE_REPLAY_HIDRAW", "hidraw7", 1);
	for (size_t i = 0; i < 8000; i++)
		pcm[i] = (int16_t)(12000 * ((i / 4) % 2 ? 1 : -1));   /* 1 kHz square */
	snprintf(path, sizeof(path), "%s/mic.raw", home);
	f = fopen(path, "wb");
	assert_non_null(f);
	for (int i = 0; i < 6; i++)
		fwrite(pcm, sizeof(pcm), 1, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/.asoundrc", home);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "pcm.hp_null { type null }\n"
		"pcm.hp_play { type file slave.pcm \"hp_null\" file \"%s/played.raw\" "
		"format \"raw\" }\n"
		"pcm.hp_cap { type file slave.pcm \"hp_null\" file \"/dev/null\" "
		"infile \"%s/mic.raw\" format \"raw\" }\n"
		"pcm.!plughw { @args [ CARD DEV SUBDEV ] @args.CARD { type string } "
		"@args.DEV { type integer } @args.SUBDEV { type integer default -1 } "
		"type asym playback.pcm \"hp_play\" capture.pcm \"hp_cap\" }\n", home, home);
	fclose(f);
	setenv("HOME", home, 1);
	line_media = "phone";

	h = start(0);
	hl = open_line(h);
	snprintf(uri, sizeof(uri), "sip:bob@127.0.0.1:%u", PEER_SIP);
	assert_int_equal(h->lineMakeCall(95, hl, HT_OUT, &hc, w(uri), 0, NULL), 95);
	assert_int_equal(host_wait_completion(h, 95, WAIT_MS), 0);
	wait_state(h, 0, HT_OUT, LINECALLSTATE_CONNECTED);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_ESTABLISHED", NULL) >= 0);
	usleep(1500 * 1000);
	assert_int_equal(h->lineDrop(96, hc, NULL, 0), 96);
	assert_int_equal(host_wait_completion(h, 96, WAIT_MS), 0);
	wait_state(h, 0, HT_OUT, LINECALLSTATE_IDLE);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_CLOSED", NULL) >= 0);
	assert_int_equal(h->lineCloseCall(hc), 0);
	assert_int_equal(h->lineClose(hl), 0);
	stop(h);

	/* baresip's tone came out of the phone's playback PCM */
	snprintf(path, sizeof(path), "%s/played.raw", home);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = (long)fread(pcm, sizeof(pcm[0]), 8000, f);
	fclose(f);
	peak = 0;
	for (long i = 0; i < n; i++)
		peak = abs(pcm[i]) > peak ? abs(pcm[i]) : peak;
	fprintf(stderr, "baresip -> RTP -> the phone's playback PCM: %ld samples, peak %ld\n",
		n, peak);
	assert_true(n >= 4000);
	assert_true(peak > 1000);
	/* the phone's capture PCM reached baresip, decoded (its own dump of the call) */
	got = 0;
	for (int i = 0; i < 100 && (peak = peer_dump_peak(&peer, "dec", &got)) < 0; i++)
		usleep(20 * 1000);
	fprintf(stderr, "the phone's capture PCM -> RTP -> baresip: %ld samples, peak %ld\n",
		got, peak);
	assert_true(got > 4000);
	assert_true(peak > 5000);
}

/*
 * The line's ring through the speaker. The Plantronics Blackwire C5220
 * (test/data/descriptors/plantronics-blackwire-c5220) has a hook switch and a Ring LED but
 * no Telephony Ringer: with a sound card (test_fake_card) it rings there, here on alsa-lib's
 * file PCM (HIDPHONE_RING_PCM) so the samples can be read back.
 */
static const struct fixture blackwire = { "plantronics-blackwire-c5220", "Plantronics Blackwire",
					  0x047f, 0xc035 };

/* Sets up the fake card and the ring's file PCM writing to raw. */
static void ring_to_file(char *raw, size_t size)
{
	char path[300], pcm[400];

	snprintf(path, sizeof(path), "%s/sys", tmpdir);
	test_fake_card(path);
	setenv("HIDPHONE_SYSFS", path, 1);
	setenv("HIDPHONE_REPLAY_HIDRAW", "hidraw7", 1);
	snprintf(raw, size, "%s/ring.raw", tmpdir);
	unlink(raw);
	snprintf(pcm, sizeof(pcm), "file:FILE=%s,FORMAT=raw", raw);
	setenv("HIDPHONE_RING_PCM", pcm, 1);
}

/*
 * The ring tests' set-up: the phone's speaker rings into the file raw (a fake card, ALSA's
 * file plugin), the line is open and owned for voice, the host has the phone open, and baresip's bob is the
 * caller. ring_rig_stop closes both and stops the provider.
 */
struct ring_rig {
	char raw[300];
	struct host *h;
	HDRVPHONE hp;
	HDRVLINE hl;
};

static void ring_rig_start(struct ring_rig *r)
{
	char aor[64];

	ring_to_file(r->raw, sizeof(r->raw));
	r->h = start(0);
	r->hl = open_line(r->h);
	assert_int_equal(r->h->lineSetDefaultMediaDetection(r->hl, LINEMEDIAMODE_INTERACTIVEVOICE),
			 0);
	r->hp = open_phone(r->h);
	make_uri(aor, sizeof(aor), "bob", PEER_SIP);
	assert_int_equal(peer_command(&peer, "uafind", aor), 0);
}

static void ring_rig_stop(struct ring_rig *r)
{
	assert_int_equal(r->h->phoneClose(r->hp), 0);
	assert_int_equal(r->h->lineClose(r->hl), 0);
	stop(r->h);
}

/* baresip's bob calls the line; the call once it is OFFERING (events from index from). */
static HDRVCALL offer_call(struct host *h, size_t from, HTAPICALL *ht)
{
	char to[64];
	HDRVCALL hc;
	long i;

	make_uri(to, sizeof(to), "alice", LINE_PORT);
	assert_int_equal(peer_command(&peer, "dial", to), 0);
	i = wait_line(h, from, LINE_NEWCALL, NULL);
	assert_true(i >= 0);
	hc = (HDRVCALL)h->events[i].p1;
	*ht = host_htcall(h->events[i].p1);
	wait_state(h, (size_t)i, *ht, LINECALLSTATE_OFFERING);
	return hc;
}

static void drop_call(struct host *h, HDRVCALL hc, HTAPICALL ht, DRV_REQUESTID req,
		      size_t from)
{
	assert_int_equal(h->lineDrop(req, hc, NULL, 0), (LONG)req);
	assert_int_equal(host_wait_completion(h, req, WAIT_MS), 0);
	wait_state(h, from, ht, LINECALLSTATE_IDLE);
	assert_int_equal(h->lineCloseCall(hc), 0);
}

/* The size of the open file fd (an unlinked one still grows while its PCM writes). */
static long fd_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (long)st.st_size : -1;
}

/* Whether the file at path (fd >= 0: the open file fd) grows over ms milliseconds. */
static bool grows(const char *path, int fd, unsigned ms)
{
	long before = fd >= 0 ? fd_size(fd) : test_file_size(path);

	usleep(ms * 1000);
	return (fd >= 0 ? fd_size(fd) : test_file_size(path)) > before;
}

/* Waits (bounded) until the file stops growing: no byte more in 200 ms. */
static bool stops_growing(const char *path, int fd)
{
	for (int i = 0; i < WAIT_MS / 200; i++)
		if (!grows(path, fd, 200))
			return true;
	return false;
}

static void test_offered_call_rings_speaker(void **state)
{
	struct ring_rig r;
	const char *raw = r.raw;
	struct host *h;
	HDRVPHONE hp;
	HDRVCALL hc;
	HTAPICALL ht;
	size_t n0;
	long size, peak;
	int fd;

	(void)state;
	fixture = &blackwire;
	/* open, the phone drives its line: it shows (and rings for) the line's calls */
	ring_rig_start(&r);
	h = r.h;
	hp = r.hp;

	/* offered: the speaker rings, pattern 1 (2 s on) at 0xC000, no ring volume being set */
	hc = offer_call(h, 0, &ht);
	size = test_wait_size(raw, 96000, WAIT_MS);
	assert_true(size >= 96000);
	peak = test_raw_peak(raw, 0, 48000);
	fprintf(stderr, "line ring: %ld bytes in the file, peak of its first second %ld\n", size,
		peak);
	/* 0xC000 on the ring's 60 dB curve: above 0x8000's -16 dB, below full scale */
	assert_true(peak > 0.25 * 32767 && peak < 0.6 * 32767);
	assert_true(grows(raw, -1, 200));
	/* answered: the ring stops */
	n0 = host_n_events(h);
	assert_int_equal(h->lineAnswer(101, hc, NULL, 0), 101);
	assert_int_equal(host_wait_completion(h, 101, WAIT_MS), 0);
	wait_state(h, n0, ht, LINECALLSTATE_CONNECTED);
	assert_true(stops_growing(raw, -1));
	assert_false(grows(raw, -1, 300));
	drop_call(h, hc, ht, 102, n0);

	/* An application's ring is its own: a call neither stops it... */
	unlink(raw);
	assert_int_equal(h->phoneSetRing(103, hp, 2, 0xffff), 103);
	assert_int_equal(host_wait_completion(h, 103, WAIT_MS), 0);
	assert_true(test_wait_size(raw, 48000, WAIT_MS) >= 48000);
	n0 = host_n_events(h);
	hc = offer_call(h, n0, &ht);
	assert_int_equal(h->lineAnswer(104, hc, NULL, 0), 104);
	assert_int_equal(host_wait_completion(h, 104, WAIT_MS), 0);
	wait_state(h, n0, ht, LINECALLSTATE_CONNECTED);
	usleep(200 * 1000);
	assert_true(grows(raw, -1, 300));
	drop_call(h, hc, ht, 105, n0);

	/* ...nor restarts it as the line's: the file PCM would write a new file */
	fd = open(raw, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(unlink(raw), 0);
	n0 = host_n_events(h);
	hc = offer_call(h, n0, &ht);
	usleep(300 * 1000);
	assert_int_equal(test_file_size(raw), -1);
	assert_true(grows(NULL, fd, 200));
	/* the application ends it, during the offered call */
	assert_int_equal(h->phoneSetRing(106, hp, 0, 0), 106);
	assert_int_equal(host_wait_completion(h, 106, WAIT_MS), 0);
	assert_true(stops_growing(NULL, fd));
	close(fd);
	drop_call(h, hc, ht, 107, n0);
	ring_rig_stop(&r);
}

/*
 * media = phone: a call's media takes the phone's PCM, so a ring on it stops when the call
 * connects, even an application's (which the line's state leaves alone, above).
 */
static void test_call_media_takes_ring_pcm(void **state)
{
	struct ring_rig r;
	const char *raw = r.raw;
	struct host *h;
	HDRVCALL hc;
	HTAPICALL ht;

	(void)state;
	fixture = &blackwire;
	line_media = "phone";
	ring_rig_start(&r);
	h = r.h;
	assert_int_equal(h->phoneSetRing(121, r.hp, 2, 0xffff), 121);
	assert_int_equal(host_wait_completion(h, 121, WAIT_MS), 0);
	assert_true(test_wait_size(raw, 48000, WAIT_MS) >= 48000);
	hc = offer_call(h, 0, &ht);
	assert_true(grows(raw, -1, 200));
	assert_int_equal(h->lineAnswer(122, hc, NULL, 0), 122);
	assert_int_equal(host_wait_completion(h, 122, WAIT_MS), 0);
	wait_state(h, 0, ht, LINECALLSTATE_CONNECTED);
	assert_true(stops_growing(raw, -1));
	assert_false(grows(raw, -1, 300));
	drop_call(h, hc, ht, 123, 0);
	ring_rig_stop(&r);
}

/* A phone with a Telephony Ringer (the Jabra Link 380) rings with it, never on the PCM. */
static void test_offered_call_hid_ringer(void **state)
{
	union { VARSTRING vs; uint8_t b[64]; } id;
	struct ring_rig r;
	struct host *h;
	HDRVCALL hc;
	HTAPICALL ht;
	DWORD mode = 9, vol = 9;

	(void)state;
	ring_rig_start(&r);
	h = r.h;
	/* it has the card (card 3) all the same */
	memset(&id, 0, sizeof(id));
	id.vs.dwTotalSize = sizeof(id);
	assert_int_equal(h->phoneGetID(r.hp, &id.vs, w("wave/out"), NULL), 0);
	assert_int_equal(*(DWORD *)(id.b + id.vs.dwStringOffset), 3);
	hc = offer_call(h, 0, &ht);
	usleep(500 * 1000);
	assert_int_equal(test_file_size(r.raw), -1);
	/* the line's ring is not an application's: the ring mode stays 0 */
	assert_int_equal(h->phoneGetRing(r.hp, &mode, &vol), 0);
	assert_int_equal(mode, 0);
	drop_call(h, hc, ht, 111, 0);
	ring_rig_stop(&r);
}

/* Keypad key v pressed with the headset off hook: keypad bits 7-10 = v. */
static const struct play keypad_plays[] = {
	{ 300, "02 01 06" },   /* off hook */
	{ 700, "02 01 02" },   /* 4 */
	{ 750, "02 01 06" },
	{ 800, "02 81 03" },   /* 7 */
	{ 850, "02 01 06" },
	{ 900, "02 81 00" },   /* 1 */
	{ 950, "02 01 06" },
	{ 1000, "02 81 00" },  /* 1 */
	{ 1050, "02 01 06" },
	{ 5000, "02 00 06" },  /* on hook */
	{ 0, NULL },
};

/* Lifting the headset and keying 4711: dial-timeout (1 s) after the last key the number
 * goes to dial-domain (baresip's UA 4711 answers), not before; hanging up ends it. */
static void test_phone_keypad_dials(void **state)
{
	union { LINECALLINFO ci; uint8_t b[1024]; } u;
	const uint16_t *called;
	struct host *h;
	uint64_t gap_ms;
	HDRVLINE hl;
	HDRVCALL hc;
	HTAPICALL ht;
	long i, d, t;

	(void)state;
	plays = keypad_plays;
	h = start(0);
	hl = open_line(h);
	assert_int_equal(h->lineSetDefaultMediaDetection(hl, LINEMEDIAMODE_INTERACTIVEVOICE), 0);
	open_phone_playing(h);
	i = wait_line(h, 0, LINE_NEWCALL, NULL);
	assert_true(i >= 0);
	hc = (HDRVCALL)h->events[i].p1;
	ht = host_htcall(h->events[i].p1);
	t = wait_state(h, 0, ht, LINECALLSTATE_DIALTONE);
	d = wait_state(h, 0, ht, LINECALLSTATE_DIALING);
	/* Not at the first key (400 ms after the dial tone) but the dial timeout (1 s) after the
	 * last (750 ms after it): 1.75 s on the replay's clock; the host's stamps may bunch up
	 * under load, so a margin. test-line-dial.c times it to the millisecond. */
	gap_ms = (h->events[d].usec - h->events[t].usec) / 1000;
	fprintf(stderr, "keypad: DIALTONE to DIALING %llu ms\n", (unsigned long long)gap_ms);
	assert_true(gap_ms >= 900);
	wait_state(h, 0, ht, LINECALLSTATE_CONNECTED);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_ESTABLISHED", "4711", NULL) >= 0);
	memset(&u, 0, sizeof(u));
	u.ci.dwTotalSize = sizeof(u);
	assert_int_equal(h->lineGetCallInfo(hc, &u.ci), 0);
	called = (const uint16_t *)(u.b + u.ci.dwCalledIDOffset);
	assert_int_equal(u.ci.dwCalledIDSize, 5 * 2);
	assert_int_equal(called[0], '4');
	assert_int_equal(called[3], '1');
	wait_state(h, 0, ht, LINECALLSTATE_IDLE);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_CLOSED", NULL) >= 0);
	assert_int_equal(h->lineCloseCall(hc), 0);
	assert_int_equal(h->lineClose(hl), 0);
	stop(h);
}

/* --- the phone drives its line without the host opening it ------------------------------ */

/*
 * An offered call rings the phone nobody opened (Ring LED bit 3 + Ringer bit 7: 02 88 00)
 * and lifting the headset answers it. The write that confirms the hook (Off-Hook, bit 0)
 * has the ringer and Ring LED off already: no 02 89 00 ever.
 */
static const struct play unopened_answer_plays[] = {
	{ 1500, "02 01 06" },  /* off hook: 2.5 s after lineOpen, the call offered by then */
	{ 4500, "02 00 06" },  /* on hook */
	{ 0, NULL },
};

static void test_phone_drives_unopened_answer(void **state)
{
	char outs[256][16], aor[64];
	struct host *h;
	HDRVCALL hc;
	HTAPICALL ht;
	size_t n, ring = 0, off = 0;

	(void)state;
	plays = unopened_answer_plays;
	h = start(0);
	open_line(h);
	make_uri(aor, sizeof(aor), "bob", PEER_SIP);
	assert_int_equal(peer_command(&peer, "uafind", aor), 0);
	hc = offer_call(h, 0, &ht);
	wait_state(h, 0, ht, LINECALLSTATE_CONNECTED);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_ESTABLISHED", NULL) >= 0);
	wait_state(h, 0, ht, LINECALLSTATE_IDLE);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_CLOSED", NULL) >= 0);
	n = read_outputs(outs, 256);
	for (size_t i = 0; i < n; i++) {
		unsigned id, bits, b2;

		fprintf(stderr, "output: %s\n", outs[i]);
		assert_int_equal(sscanf(outs[i], "%x %x %x", &id, &bits, &b2), 3);
		if (bits == 0x88 && !ring)
			ring = i + 1;
		if ((bits & 0x01) && !off)
			off = i + 1;
		/* Off-Hook never with the ringer or the Ring LED */
		assert_false((bits & 0x01) && (bits & 0x88));
	}
	assert_true(ring > 0);
	assert_true(off > ring);
	assert_true(sent("02 01 00"));
	assert_int_equal(h->lineCloseCall(hc), 0);
	/* the line left open, holding the phone's device: providerShutdown closes both */
	stop(h);
}

/* Waits (bounded) until the last output report written to the phone is hex. */
static bool last_output_is(const char *hex)
{
	char outs[256][16];

	for (int i = 0; i < WAIT_MS / 50; i++) {
		size_t n = read_outputs(outs, 256);

		if (n && strcmp(outs[n - 1], hex) == 0)
			return true;
		usleep(50 * 1000);
	}
	return sent_as(hex, true);
}

/*
 * The host opens the phone the line holds and closes it again: what the application set
 * (the Mute lamp) goes out, and the phone still drives its line, with no PHONE_ event after
 * the close. Unplugged then: the line closes (forced LINE_CLOSE) once, and the host, whose
 * open ended, gets no PHONE_CLOSE.
 */
static const struct play detach_plays[] = {
	{ 1500, "02 01 06" },  /* off hook, after the host's close */
	{ 2500, "02 00 06" },  /* on hook */
	{ 0, NULL },
};

static void test_phone_close_keeps_line_drive(void **state)
{
	struct host *h;
	HDRVPHONE hp;
	HDRVLINE hl;
	HTAPICALL ht;
	size_t n0;
	long i;

	(void)state;
	plays = detach_plays;
	h = start(3500);
	hl = open_line(h);
	hp = open_phone_playing(h);
	assert_int_equal(h->phoneSetLamp(151, hp, 20, PHONELAMPMODE_STEADY), 151);
	assert_int_equal(host_wait_completion(h, 151, WAIT_MS), 0);
	assert_true(last_output_is("02 04 00"));
	assert_int_equal(h->phoneClose(hp), 0);
	n0 = host_n_events(h);
	assert_true(last_output_is("02 00 00"));
	assert_int_equal(h->phoneSetLamp(152, hp, 20, PHONELAMPMODE_STEADY),
			 PHONEERR_INVALPHONEHANDLE);
	/* the hook, with the phone closed by the host: a dial tone, then on hook IDLE */
	i = wait_line(h, n0, LINE_NEWCALL, NULL);
	assert_true(i >= 0);
	ht = host_htcall(h->events[i].p1);
	wait_state(h, n0, ht, LINECALLSTATE_DIALTONE);
	wait_state(h, n0, ht, LINECALLSTATE_IDLE);
	/* unplugged: LINE_CLOSE and LINE_REMOVE, once each */
	assert_true(wait_line(h, n0, LINE_REMOVE, NULL) >= 0);
	usleep(200 * 1000);
	assert_int_equal(count_msg(h, 0, true, LINE_CLOSE), 1);
	assert_int_equal(count_msg(h, 0, true, LINE_REMOVE), 1);
	assert_int_equal(count_msg(h, 0, false, PHONE_CLOSE), 0);
	assert_int_equal(count_msg(h, n0, false, PHONE_STATE), 0);
	assert_int_equal(h->lineClose(hl), LINEERR_INVALLINEHANDLE);
	assert_int_equal(completions_of(h, 151), 1);
	stop(h);
}

/*
 * The Mute button (report 2 bit 3, relative) during a call mutes the call's microphone:
 * baresip receives the line's tone (media = tone), then silence while muted, then the tone
 * again; the Mute LED (output report 2 bit 2, lamp 20) lights and goes out with it, and the
 * application that has the phone open hears of the lamp.
 */
static const struct play mute_plays[] = {
	{ 300, "02 01 06" },   /* off hook */
	{ 2300, "02 09 06" },  /* Mute */
	{ 2350, "02 01 06" },
	{ 4300, "02 09 06" },  /* Mute again */
	{ 4350, "02 01 06" },
	{ 6000, "02 00 06" },  /* on hook */
	{ 0, NULL },
};

static void test_phone_mute_button(void **state)
{
	long peaks[200];
	struct host *h;
	char uri[64];
	HDRVPHONE hp;
	HDRVLINE hl;
	HDRVCALL hc;
	HTAPICALL ht;
	DWORD mode = 9;
	size_t n = 0;
	long i;
	int stage = 0, quiet = 0;

	(void)state;
	plays = mute_plays;
	h = start(0);
	hl = open_line(h);
	hp = open_phone_playing(h);
	i = wait_line(h, 0, LINE_NEWCALL, NULL);
	assert_true(i >= 0);
	hc = (HDRVCALL)h->events[i].p1;
	ht = host_htcall(h->events[i].p1);
	wait_state(h, 0, ht, LINECALLSTATE_DIALTONE);
	make_uri(uri, sizeof(uri), "bob", PEER_SIP);
	assert_int_equal(h->lineDial(141, hc, w(uri), 0), 141);
	assert_int_equal(host_wait_completion(h, 141, WAIT_MS), 0);
	wait_state(h, 0, ht, LINECALLSTATE_CONNECTED);
	/* muted: the Mute LED is lit, and its lamp says so */
	assert_int_equal(wait_lamp_events(h, 20, 1), 1);
	assert_int_equal(h->phoneGetLamp(hp, 20, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_STEADY);
	/* unmuted: out again */
	assert_int_equal(wait_lamp_events(h, 20, 2), 2);
	assert_int_equal(h->phoneGetLamp(hp, 20, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_OFF);
	assert_true(sent("02 05 00"));   /* Off-Hook + Mute */
	wait_state(h, 0, ht, LINECALLSTATE_IDLE);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_CLOSED", NULL) >= 0);
	/* what baresip received, 100 ms windows: tone, >= 1 s of silence, tone */
	for (int k = 0; k < 100 && (n = peer_dump_peaks(&peer, "dec", 800, peaks, 200)) == 0; k++)
		usleep(20 * 1000);
	for (size_t k = 0; k < n; k++) {
		fprintf(stderr, "%ld%s", peaks[k], k + 1 < n ? " " : "\n");
		if (stage == 0 && peaks[k] > 3000)
			stage = 1;
		else if (stage == 1 && peaks[k] < 100 && ++quiet >= 10)
			stage = 2;
		else if (stage == 1 && peaks[k] >= 100)
			quiet = 0;
		else if (stage == 2 && peaks[k] > 3000)
			stage = 3;
	}
	assert_int_equal(stage, 3);
	assert_int_equal(h->lineCloseCall(hc), 0);
	assert_int_equal(h->phoneClose(hp), 0);
	assert_int_equal(h->lineClose(hl), 0);
	assert_int_equal(completions_of(h, 141), 1);
	stop(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exports),
		cmocka_unit_test_teardown(test_line_device, teardown),
		cmocka_unit_test_teardown(test_misuse, teardown),
		cmocka_unit_test_setup_teardown(test_outgoing_connected_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_far_end_bye, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incoming_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incoming_refused_without_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_killed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_unplugged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_answers_and_hangs_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_dialtone_then_dial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_keypad_dials, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_media, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offered_call_rings_speaker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_media_takes_ring_pcm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offered_call_hid_ringer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_drives_unopened_dialtone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_drives_unopened_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_mute_button, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_close_keeps_line_drive, setup, teardown),
	};
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hidphone-line-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	unsetenv("HIDPHONE_REPLAY_LOG");
	if (libre_init())
		return 1;
	if (!host_load(TEST_PROVIDER))
		return 1;
	/* TEST_ONLY=name runs the tests whose names match (cmocka's filter pattern). */
	if (getenv("TEST_ONLY"))
		cmocka_set_test_filter(getenv("TEST_ONLY"));
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	host_unload(host);
	libre_close();
	test_remove_dir(tmpdir);
	return rc;
}
