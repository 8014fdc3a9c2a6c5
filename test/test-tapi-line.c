/*
 * The line half of libtapi32 as applications see it: registrations and negotiation on the
 * line hidphone.tsp offers when its configuration (HIDPHONE_CONFIG) names one for a
 * replayed phone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <re.h>

#include "call-peer.h"
#include "tapi.h"
#include "test-tapi-util.h"
#include "test-util.h"

/* 127.0.0.1 ports 17300-17599, each test on ports of its own (a socket just closed may linger):
 * the line, baresip (SIP, SIP+1 for TLS, control), and the line's RTP. */
static unsigned test_k;          /* counted up by each use_line_mode() */
#define LINE_PORT (17300u + test_k)
#define PEER_SIP (17400u + 2u * test_k)
#define PEER_CTRL (17460u + test_k)
#define WAIT_MS 8000

static char tmpdir[256];

/* One replayed Jabra Link 380 (mode: "replay", or "replay+unplug" to unplug it after the
 * plays) and a line on it listening on 127.0.0.1:LINE_PORT. */
static void use_line_mode(const char *mode, const struct play *plays)
{
	char path[512], devices[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/380c.hid", tmpdir);
	tapi_test_write_recording(path, "jabra-link-380c", "Jabra Link 380", 0x0b0e, 0x24c9,
				  plays);
	snprintf(devices, sizeof(devices), "%s:%s", mode, path);
	setenv("HIDPHONE_DEVICES", devices, 1);
	setenv("TAPI_PROVIDERS", TEST_PROVIDER, 1);
	snprintf(path, sizeof(path), "%s/hidphone.conf", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	test_k++;
	fprintf(f, "[line alice]\nphone = first\nlisten = 127.0.0.1:%u\nmedia = tone\n"
		"rtp-ports = 17500-17599\n", LINE_PORT);
	fclose(f);
	setenv("HIDPHONE_CONFIG", path, 1);
}

static void use_line(void)
{
	use_line_mode("replay", NULL);
}

static HLINEAPP line_app(const char *name, DWORD *ndevs, int *fd)
{
	LINEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					  .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT };
	DWORD v = TAPI_CURRENT_VERSION;
	HLINEAPP h = 0;

	assert_int_equal(lineInitializeExA(&h, NULL, NULL, name, ndevs, &v, &params), 0);
	assert_int_not_equal(h, 0);
	assert_int_equal(v, TAPI_CURRENT_VERSION);
	assert_int_equal(params.dwUsedSize, sizeof(params));
	if (fd)
		*fd = TAPI_EVENT_FD(params);
	return h;
}

static void test_line_registration_errors(void **state)
{
	LINEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					  .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT };
	LINEMESSAGE m;
	HLINEAPP h;
	DWORD n, v = TAPI_CURRENT_VERSION;
	(void)state;

	use_line();
	assert_int_equal(lineShutdown(1), LINEERR_UNINITIALIZED);
	assert_int_equal(lineGetMessage(1, &m, 0), LINEERR_UNINITIALIZED);
	assert_int_equal(lineInitializeExA(NULL, NULL, NULL, "x", &n, &v, &params),
			 LINEERR_INVALPOINTER);
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "x", NULL, &v, &params),
			 LINEERR_INVALPOINTER);
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "x", &n, NULL, &params),
			 LINEERR_INVALPOINTER);
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "x", &n, &v, NULL),
			 LINEERR_INVALPOINTER);
	params.dwTotalSize = 16;
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "x", &n, &v, &params),
			 LINEERR_STRUCTURETOOSMALL);
	params.dwTotalSize = sizeof(params);
	params.dwOptions = LINEINITIALIZEEXOPTION_USEHIDDENWINDOW;
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "x", &n, &v, &params),
			 LINEERR_INVALPARAM);
	params.dwOptions = LINEINITIALIZEEXOPTION_USECOMPLETIONPORT;
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "x", &n, &v, &params),
			 LINEERR_INVALPARAM);
	params.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "\xff\xfe", &n, &v, &params),
			 LINEERR_INVALAPPNAME);
	v = TAPI_VERSION1_4;
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "x", &n, &v, &params),
			 LINEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(lineShutdown(1), LINEERR_UNINITIALIZED);

	/* One line, from the configuration. */
	n = 99;
	h = line_app("first", &n, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(lineShutdown(h + 1), LINEERR_INVALAPPHANDLE);
	assert_int_equal(lineShutdown(0), LINEERR_INVALAPPHANDLE);
	assert_int_equal(lineGetMessage(h, NULL, 0), LINEERR_INVALPOINTER);
	/* A line application is no phone application, and the reverse. */
	assert_int_equal(phoneShutdown(h), PHONEERR_INVALAPPHANDLE);
	{
		PHONEINITIALIZEEXPARAMS pp = { .dwTotalSize = sizeof(pp),
					       .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
		HPHONEAPP ph = 0;
		DWORD np = 0, pv = TAPI_CURRENT_VERSION;

		assert_int_equal(phoneInitializeExA(&ph, NULL, NULL, "phone", &np, &pv, &pp), 0);
		assert_int_equal(np, 1);
		assert_int_equal(lineShutdown(ph), LINEERR_INVALAPPHANDLE);
		assert_int_equal(lineGetMessage(ph, &m, 0), LINEERR_INVALAPPHANDLE);
		assert_int_equal(phoneShutdown(ph), 0);
	}
	assert_int_equal(lineShutdown(h), 0);
	/* The last registration gone: uninitialised again. */
	assert_int_equal(lineShutdown(h), LINEERR_UNINITIALIZED);
	n = 0;
	HLINEAPP h2 = line_app("second", &n, NULL);
	assert_int_equal(lineShutdown(h), LINEERR_INVALAPPHANDLE);
	assert_int_equal(lineShutdown(h2), 0);
}

static void test_line_unicode_name(void **state)
{
	static const WCHAR name[] = { 'l', 0x00e9, 'n', 'a', 0 };
	LINEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					  .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT };
	DWORD n = 0, v = TAPI_CURRENT_VERSION;
	HLINEAPP h = 0;
	(void)state;

	use_line();
	assert_int_equal(lineInitializeExW(&h, NULL, NULL, name, &n, &v, &params), 0);
	assert_int_equal(n, 1);
	assert_int_equal(lineShutdown(h), 0);
}

static void test_line_negotiate(void **state)
{
	LINEEXTENSIONID ext;
	DWORD n = 0, v = 0;
	HLINEAPP h;
	(void)state;

	use_line();
	h = line_app("negotiate", &n, NULL);
	memset(&ext, 0xAA, sizeof(ext));
	assert_int_equal(lineNegotiateAPIVersion(h, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, &v, &ext),
			 0);
	assert_int_equal(v, TAPI_VERSION3_1);
	assert_int_equal(ext.dwExtensionID0 | ext.dwExtensionID1 | ext.dwExtensionID2 |
			 ext.dwExtensionID3, 0);
	assert_int_equal(lineNegotiateAPIVersion(h, 0, TAPI_VERSION2_0, TAPI_VERSION2_1, &v, &ext),
			 0);
	assert_int_equal(v, TAPI_VERSION2_1);
	assert_int_equal(lineNegotiateAPIVersion(h, 0, TAPI_VERSION1_0, TAPI_VERSION1_4, &v, &ext),
			 LINEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(lineNegotiateAPIVersion(h, 1, TAPI_VERSION2_0, TAPI_VERSION3_1, &v, &ext),
			 LINEERR_BADDEVICEID);
	assert_int_equal(lineNegotiateAPIVersion(h, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, NULL,
						 &ext), LINEERR_INVALPOINTER);
	assert_int_equal(lineNegotiateAPIVersion(h, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, &v, NULL),
			 LINEERR_INVALPOINTER);
	assert_int_equal(lineNegotiateAPIVersion(h + 1, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, &v,
						 &ext), LINEERR_INVALAPPHANDLE);
	assert_int_equal(lineShutdown(h), 0);
	assert_int_equal(lineNegotiateAPIVersion(h, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, &v, &ext),
			 LINEERR_UNINITIALIZED);
}

static void test_line_get_message(void **state)
{
	struct pollfd p;
	LINEMESSAGE m;
	DWORD n = 0;
	HLINEAPP h;
	int fd = -1;
	(void)state;

	use_line();
	h = line_app("messages", &n, &fd);
	assert_true(fd >= 0);
	/* Nothing queued: the descriptor is not readable and a wait times out. */
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 0), 0);
	assert_int_equal(lineGetMessage(h, &m, 0), LINEERR_OPERATIONFAILED);
	assert_int_equal(lineGetMessage(h, &m, 50), LINEERR_OPERATIONFAILED);
	assert_int_equal(lineShutdown(h), 0);
}

/* --- messages --------------------------------------------------------------------------- */

#define LOG_MAX 512

/* What one application took from its queue, in order. */
struct mlog {
	HLINEAPP app;
	int fd;
	size_t n;
	LINEMESSAGE m[LOG_MAX];
};

/* Takes messages until one matches (hDevice and p1 unless ~0), up to timeout_ms; its index
 * or -1. */
#define ANY ((DWORD)~0u)
static long wait_msg(struct mlog *g, DWORD msg, DWORD hdev, DWORD p1, unsigned timeout_ms)
{
	for (size_t i = 0; i < g->n; i++) {
		if (g->m[i].dwMessageID == msg && (hdev == ANY || g->m[i].hDevice == hdev) &&
		    (p1 == ANY || g->m[i].dwParam1 == p1))
			return (long)i;
	}
	for (;;) {
		LINEMESSAGE m;
		LONG rc = lineGetMessage(g->app, &m, timeout_ms);

		if (rc)
			return -1;
		if (g->n < LOG_MAX)
			g->m[g->n++] = m;
		if (m.dwMessageID == msg && (hdev == ANY || m.hDevice == hdev) &&
		    (p1 == ANY || m.dwParam1 == p1))
			return (long)g->n - 1;
	}
}

static void drain(struct mlog *g, unsigned quiet_ms)
{
	LINEMESSAGE m;

	while (lineGetMessage(g->app, &m, quiet_ms) == 0) {
		if (g->n < LOG_MAX)
			g->m[g->n++] = m;
	}
}

static struct call_peer peer;
static bool peer_up;
static HLINEAPP apps[4];
static size_t n_apps;
static HPHONEAPP phone_app;

static HLINEAPP registered(const char *name, int *fd)
{
	DWORD n = 0;
	HLINEAPP h = line_app(name, &n, fd);

	assert_int_equal(n, 1);
	apps[n_apps++] = h;
	return h;
}

static int setup(void **state)
{
	(void)state;
	use_line();
	peer_up = true;
	return peer_start_setup(&peer, PEER_SIP, PEER_CTRL);
}

static int teardown(void **state)
{
	(void)state;
	while (n_apps)
		lineShutdown(apps[--n_apps]);
	if (phone_app)
		phoneShutdown(phone_app);
	phone_app = 0;
	if (peer_up)
		peer_stop(&peer);
	peer_up = false;
	return 0;
}

static HLINE open_line(HLINEAPP app, DWORD privileges, DWORD media, DWORD_PTR instance)
{
	LINEEXTENSIONID ext;
	DWORD v = 0;
	HLINE h = 0;

	assert_int_equal(lineNegotiateAPIVersion(app, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, &v, &ext),
			 0);
	assert_int_equal(lineOpenA(app, 0, &h, v, 0, instance, privileges, media, NULL), 0);
	assert_int_not_equal(h, 0);
	return h;
}

static bool saw_state(const struct mlog *g, HCALL hc, DWORD state)
{
	for (size_t i = 0; i < g->n; i++) {
		if (g->m[i].dwMessageID == LINE_CALLSTATE && g->m[i].hDevice == hc &&
		    g->m[i].dwParam1 == state)
			return true;
	}
	return false;
}

/* --- calls against baresip -------------------------------------------------------------- */

static void test_make_call(void **state)
{
	static struct mlog own, mon;
	LINECALLSTATUS st;
	union { LINECALLINFO ci; uint8_t b[4096]; } u;
	char uri[64], called[32] = "", *long_a;
	WCHAR *long_w;
	HLINE hl, hm;
	HCALL hc = 0xDEADu, hmc;
	LONG req, drop;
	long i, r;
	(void)state;

	memset(&own, 0, sizeof(own));
	memset(&mon, 0, sizeof(mon));
	own.app = registered("owner", &own.fd);
	mon.app = registered("monitor", &mon.fd);
	hl = open_line(own.app, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_INTERACTIVEVOICE, 0x51);
	hm = open_line(mon.app, LINECALLPRIVILEGE_MONITOR, 0, 0x52);
	snprintf(uri, sizeof(uri), "sip:bob@127.0.0.1:%u", PEER_SIP);
	assert_int_equal(lineMakeCallA(hl, NULL, uri, 0, NULL), LINEERR_INVALPOINTER);
	assert_int_equal(lineMakeCallA(hl + 0x10000, &hc, uri, 0, NULL), LINEERR_INVALLINEHANDLE);
	/* 4096 units or more: refused by either form with the same code, no call made. */
	long_a = malloc(4097);
	long_w = malloc(4097 * sizeof(WCHAR));
	assert_non_null(long_a);
	assert_non_null(long_w);
	memset(long_a, '5', 4096);
	long_a[4096] = '\0';
	for (int k = 0; k < 4096; k++)
		long_w[k] = '5';
	long_w[4096] = 0;
	assert_int_equal(lineMakeCallA(hl, &hc, long_a, 0, NULL), LINEERR_INVALADDRESS);
	assert_int_equal(lineMakeCallW(hl, &hc, long_w, 0, NULL), LINEERR_INVALADDRESS);
	assert_int_equal(hc, 0xDEADu);
	req = lineMakeCallA(hl, &hc, uri, 0, NULL);
	assert_true(req > 0);
	{
		/* Read hc first: if it is written, the reply must already be queued. */
		volatile HCALL seen = *(volatile HCALL *)&hc;
		struct pollfd p = { .fd = own.fd, .events = POLLIN };

		assert_true(seen == 0xDEADu || poll(&p, 1, 0) == 1);
	}
	/* The HCALL is written with the successful LINE_REPLY, not before: until the reply is
	 * taken nothing about the call is in the queue but that reply. */
	r = wait_msg(&own, LINE_REPLY, hl, (DWORD)req, WAIT_MS);
	assert_true(r >= 0);
	assert_int_equal(own.m[r].dwParam2, 0);
	assert_int_equal(own.m[r].dwCallbackInstance, 0x51);
	assert_int_not_equal(hc, 0xDEADu);
	assert_int_not_equal(hc, 0);
	for (long k = 0; k < r; k++)
		assert_int_not_equal(own.m[k].dwMessageID, LINE_CALLSTATE);
	/* Then the states, on the new handle, to CONNECTED (bob answers by itself). */
	i = wait_msg(&own, LINE_CALLSTATE, hc, LINECALLSTATE_CONNECTED, WAIT_MS);
	assert_true(i > r);
	assert_int_equal(own.m[i].dwCallbackInstance, 0x51);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_ESTABLISHED", NULL) >= 0);
	/* The monitor has its own handle, and sees the call connected. */
	i = wait_msg(&mon, LINE_APPNEWCALL, hm, ANY, WAIT_MS);
	assert_true(i >= 0);
	assert_int_equal(mon.m[i].dwParam3, LINECALLPRIVILEGE_MONITOR);
	assert_int_equal(mon.m[i].dwCallbackInstance, 0x52);
	hmc = (HCALL)mon.m[i].dwParam2;
	assert_int_not_equal(hmc, hc);
	memset(&st, 0, sizeof(st));
	st.dwTotalSize = sizeof(st);
	assert_int_equal(lineGetCallStatus(hmc, &st), 0);
	assert_int_equal(st.dwCallState, LINECALLSTATE_CONNECTED);
	assert_int_equal(st.dwCallPrivilege, LINECALLPRIVILEGE_MONITOR);
	assert_int_equal(st.dwCallFeatures, 0);
	assert_int_equal(lineDrop(hmc, NULL, 0), LINEERR_NOTOWNER);
	assert_int_equal(lineGetCallStatus(hc, &st), 0);
	assert_int_equal(st.dwCallState, LINECALLSTATE_CONNECTED);
	assert_int_equal(st.dwCallPrivilege, LINECALLPRIVILEGE_OWNER);
	assert_true(st.dwCallFeatures & LINECALLFEATURE_DROP);
	st.dwTotalSize = 8;
	assert_int_equal(lineGetCallStatus(hc, &st), LINEERR_STRUCTURETOOSMALL);
	assert_int_equal(lineGetCallStatus(hc, NULL), LINEERR_INVALPOINTER);
	/* Call info, its strings in UTF-8 for the ...A function. */
	memset(&u, 0, sizeof(u));
	u.ci.dwTotalSize = sizeof(u);
	assert_int_equal(lineGetCallInfoA(hc, &u.ci), 0);
	assert_int_equal(u.ci.hLine, hl);
	assert_int_equal(u.ci.dwOrigin, LINECALLORIGIN_OUTBOUND);
	assert_true(u.ci.dwCalledIDSize > 0 && u.ci.dwCalledIDSize < sizeof(called));
	memcpy(called, u.b + u.ci.dwCalledIDOffset, u.ci.dwCalledIDSize);
	assert_non_null(strstr(called, "bob"));
	/* Digits: the owner generates them; LINE_MONITORDIGITS only for who asked. */
	assert_int_equal(lineGenerateDigitsA(hmc, LINEDIGITMODE_DTMF, "5", 0), LINEERR_NOTOWNER);
	assert_int_equal(lineGenerateDigitsA(hc, 0x40, "5", 0), LINEERR_INVALDIGITMODE);
	/* The A form no longer cuts 4096 digits to 4095: refused as the W form refuses them. */
	assert_int_equal(lineGenerateDigitsA(hc, LINEDIGITMODE_DTMF, long_a, 0),
			 LINEERR_INVALDIGITS);
	assert_int_equal(lineGenerateDigitsW(hc, LINEDIGITMODE_DTMF, long_w, 0),
			 LINEERR_INVALDIGITS);
	free(long_a);
	free(long_w);
	assert_int_equal(lineGenerateDigitsA(hc, LINEDIGITMODE_DTMF, "5", 0), 0);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_DTMF_START", "\"param\":\"5\"",
				    NULL) >= 0);
	assert_int_equal(lineMonitorDigits(hc, 0x80), LINEERR_INVALDIGITMODE);
	assert_int_equal(lineMonitorDigits(hc, LINEDIGITMODE_DTMF), 0);
	assert_int_equal(peer_command(&peer, "sndcode", "7"), 0);
	i = wait_msg(&own, LINE_MONITORDIGITS, hc, '7', WAIT_MS);
	assert_true(i >= 0);
	assert_int_equal(own.m[i].dwParam2, LINEDIGITMODE_DTMF);
	drain(&mon, 300);
	for (size_t k = 0; k < mon.n; k++)
		assert_int_not_equal(mon.m[k].dwMessageID, LINE_MONITORDIGITS);
	/* The sole owner may not let go of a live call. */
	assert_int_equal(lineDeallocateCall(hc), LINEERR_INVALCALLSTATE);
	drop = lineDrop(hc, NULL, 0);
	assert_true(drop > 0);
	r = wait_msg(&own, LINE_REPLY, hc, (DWORD)drop, WAIT_MS);
	assert_true(r >= 0);
	assert_int_equal(own.m[r].dwParam2, 0);
	assert_true(wait_msg(&own, LINE_CALLSTATE, hc, LINECALLSTATE_IDLE, WAIT_MS) >= 0);
	assert_true(wait_msg(&mon, LINE_CALLSTATE, hmc, LINECALLSTATE_IDLE, WAIT_MS) >= 0);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_CLOSED", NULL) >= 0);
	assert_int_equal(lineDeallocateCall(hmc), 0);
	assert_int_equal(lineDeallocateCall(hc), 0);
	assert_int_equal(lineDeallocateCall(hc), LINEERR_INVALCALLHANDLE);
	assert_int_equal(lineGetCallStatus(hc, &st), LINEERR_INVALCALLHANDLE);
	/* Exactly one reply per request. */
	drain(&own, 200);
	size_t replies = 0;
	for (size_t k = 0; k < own.n; k++)
		replies += own.m[k].dwMessageID == LINE_REPLY;
	assert_int_equal(replies, 2);
	assert_int_equal(lineClose(hl), 0);
	assert_int_equal(lineClose(hl), LINEERR_INVALLINEHANDLE);
	assert_int_equal(lineClose(hm), 0);
}

static void test_incoming_call(void **state)
{
	static struct mlog own, mon;
	char to[64], aor[64];
	HLINE hl, hm;
	HCALL hc, hmc;
	LONG req;
	long i;
	(void)state;

	memset(&own, 0, sizeof(own));
	memset(&mon, 0, sizeof(mon));
	own.app = registered("owner", &own.fd);
	mon.app = registered("monitor", &mon.fd);
	hm = open_line(mon.app, LINECALLPRIVILEGE_MONITOR, 0, 0x62);
	hl = open_line(own.app, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_INTERACTIVEVOICE, 0x61);
	snprintf(aor, sizeof(aor), "sip:bob@127.0.0.1:%u", PEER_SIP);
	snprintf(to, sizeof(to), "sip:alice@127.0.0.1:%u", LINE_PORT);
	assert_int_equal(peer_command(&peer, "uafind", aor), 0);
	assert_int_equal(peer_command(&peer, "dial", to), 0);
	/* The owner application gets the call as LINE_APPNEWCALL, then OFFERING on it. */
	i = wait_msg(&own, LINE_APPNEWCALL, hl, ANY, WAIT_MS);
	assert_true(i >= 0);
	assert_int_equal(own.m[i].dwParam3, LINECALLPRIVILEGE_OWNER);
	assert_int_equal(own.m[i].dwCallbackInstance, 0x61);
	hc = (HCALL)own.m[i].dwParam2;
	assert_true(wait_msg(&own, LINE_CALLSTATE, hc, LINECALLSTATE_OFFERING, WAIT_MS) > i);
	/* The monitor as monitor. */
	i = wait_msg(&mon, LINE_APPNEWCALL, hm, ANY, WAIT_MS);
	assert_true(i >= 0);
	assert_int_equal(mon.m[i].dwParam3, LINECALLPRIVILEGE_MONITOR);
	hmc = (HCALL)mon.m[i].dwParam2;
	assert_true(wait_msg(&mon, LINE_CALLSTATE, hmc, LINECALLSTATE_OFFERING, WAIT_MS) > i);
	assert_int_equal(lineAnswer(hmc, NULL, 0), LINEERR_NOTOWNER);
	req = lineAnswer(hc, NULL, 0);
	assert_true(req > 0);
	i = wait_msg(&own, LINE_REPLY, hc, (DWORD)req, WAIT_MS);
	assert_true(i >= 0);
	assert_int_equal(own.m[i].dwParam2, 0);
	assert_true(wait_msg(&own, LINE_CALLSTATE, hc, LINECALLSTATE_CONNECTED, WAIT_MS) >= 0);
	assert_true(wait_msg(&mon, LINE_CALLSTATE, hmc, LINECALLSTATE_CONNECTED, WAIT_MS) >= 0);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_ESTABLISHED", NULL) >= 0);
	/* The far end hangs up. */
	assert_int_equal(peer_command(&peer, "hangup", NULL), 0);
	assert_true(wait_msg(&own, LINE_CALLSTATE, hc, LINECALLSTATE_DISCONNECTED, WAIT_MS) >= 0);
	req = lineDrop(hc, NULL, 0);
	assert_true(req > 0);
	assert_true(wait_msg(&own, LINE_CALLSTATE, hc, LINECALLSTATE_IDLE, WAIT_MS) >= 0);
	assert_true(saw_state(&own, hc, LINECALLSTATE_OFFERING));
	assert_int_equal(lineDeallocateCall(hc), 0);
	/* lineClose takes the monitor's handle with it. */
	assert_int_equal(lineClose(hm), 0);
	assert_int_equal(lineDeallocateCall(hmc), LINEERR_INVALCALLHANDLE);
	assert_int_equal(lineClose(hl), 0);
}

/* Opening lines: the documented codes for what is wrong. */
static void test_line_open_errors(void **state)
{
	LINEEXTENSIONID ext;
	HLINEAPP app;
	HLINE hl = 0;
	HCALL hc = 0;
	DWORD v = 0, n = 0;
	(void)state;

	use_line();
	app = line_app("opener", &n, NULL);
	assert_int_equal(lineNegotiateAPIVersion(app, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, &v, &ext),
			 0);
#define OPEN(priv, media) lineOpenA(app, 0, &hl, v, 0, 0, (priv), (media), NULL)
	assert_int_equal(OPEN(0, 0), LINEERR_INVALPRIVSELECT);
	assert_int_equal(OPEN(0x8, 0), LINEERR_INVALPRIVSELECT);
	assert_int_equal(OPEN(LINECALLPRIVILEGE_NONE | LINECALLPRIVILEGE_OWNER,
			      LINEMEDIAMODE_INTERACTIVEVOICE), LINEERR_INVALPRIVSELECT);
	assert_int_equal(OPEN(LINECALLPRIVILEGE_OWNER, 0), LINEERR_INVALMEDIAMODE);
	assert_int_equal(OPEN(LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DATAMODEM),
			 LINEERR_INVALMEDIAMODE);
#undef OPEN
	assert_int_equal(lineOpenA(app, 0, NULL, v, 0, 0, LINECALLPRIVILEGE_NONE, 0, NULL),
			 LINEERR_INVALPOINTER);
	assert_int_equal(lineOpenA(app, 1, &hl, v, 0, 0, LINECALLPRIVILEGE_NONE, 0, NULL),
			 LINEERR_BADDEVICEID);
	assert_int_equal(lineOpenA(app, 0, &hl, 0x00010003, 0, 0, LINECALLPRIVILEGE_NONE, 0, NULL),
			 LINEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(lineOpenA(app, 0, &hl, v, 1, 0, LINECALLPRIVILEGE_NONE, 0, NULL),
			 LINEERR_INCOMPATIBLEEXTVERSION);
	assert_int_equal(lineOpenA(app + 1, 0, &hl, v, 0, 0, LINECALLPRIVILEGE_NONE, 0, NULL),
			 LINEERR_INVALAPPHANDLE);
	/* Several owners and monitors may share a line. */
	HLINE a = 0, b = 0, c = 0;
	assert_int_equal(lineOpenA(app, 0, &a, v, 0, 0, LINECALLPRIVILEGE_OWNER,
				   LINEMEDIAMODE_INTERACTIVEVOICE, NULL), 0);
	assert_int_equal(lineOpenW(app, 0, &b, v, 0, 0, LINECALLPRIVILEGE_OWNER |
				   LINECALLPRIVILEGE_MONITOR, LINEMEDIAMODE_UNKNOWN, NULL), 0);
	assert_int_equal(lineOpenA(app, 0, &c, v, 0, 0, LINECALLPRIVILEGE_NONE, 0, NULL), 0);
	assert_true(a != b && b != c && a != c);
	/* Handles of one kind are no handles of another. */
	assert_int_equal(lineClose((HLINE)app), LINEERR_INVALLINEHANDLE);
	assert_int_equal(lineDrop((HCALL)a, NULL, 0), LINEERR_INVALCALLHANDLE);
	assert_int_equal(lineAnswer(0, NULL, 0), LINEERR_INVALCALLHANDLE);
	assert_int_equal(lineDeallocateCall(0), LINEERR_INVALCALLHANDLE);
	assert_int_equal(lineDialA(hc, "1", 0), LINEERR_INVALCALLHANDLE);
	assert_int_equal(lineDialA(hc, NULL, 0), LINEERR_INVALPOINTER);
	assert_int_equal(lineClose(b), 0);
	/* lineShutdown closes the rest. */
	assert_int_equal(lineShutdown(app), 0);
	assert_int_equal(lineClose(a), LINEERR_UNINITIALIZED);
	app = line_app("again", &n, NULL);
	assert_int_equal(lineClose(a), LINEERR_INVALLINEHANDLE);
	assert_int_equal(lineClose(c), LINEERR_INVALLINEHANDLE);
	assert_int_equal(lineShutdown(app), 0);
}

/* examples/line-call, a program written against tapi.h, places a call with lineMakeCall. */
static void test_example_places_call(void **state)
{
	extern char **environ;
	char uri[64], out[300], buf[2048];
	char *argv[] = { LINE_EXAMPLE, uri, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = -1;
	FILE *f;
	size_t n;
	(void)state;

	snprintf(uri, sizeof(uri), "sip:bob@127.0.0.1:%u", PEER_SIP);
	snprintf(out, sizeof(out), "%s/line-call.out", tmpdir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(posix_spawn(&pid, LINE_EXAMPLE, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	/* baresip's control events are read while the example runs. */
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_ESTABLISHED", NULL) >= 0);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_CLOSED", NULL) >= 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	f = fopen(out, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* CONNECTED (0x100), then IDLE (0x1) after its lineDrop. */
	assert_non_null(strstr(buf, "call state 0x100\n"));
	assert_non_null(strstr(buf, "call state 0x1\n"));
}

/* Capabilities and status through the provider, with what TAPI adds. */
static void test_line_caps_and_status(void **state)
{
	union { LINEDEVCAPS c; LINEADDRESSCAPS a; LINEDEVSTATUS s; LINEADDRESSSTATUS as;
		VARSTRING v; uint8_t b[8192]; } u;
	LINEEXTENSIONID ext;
	HLINEAPP app;
	HLINE a, b;
	DWORD v = 0, n = 0, w = 0;
	char name[64] = "";
	(void)state;

	use_line();
	app = line_app("caps", &n, NULL);
	assert_int_equal(lineNegotiateAPIVersion(app, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, &v, &ext),
			 0);
	memset(&u, 0, sizeof(u));
	u.c.dwTotalSize = sizeof(u);
	assert_int_equal(lineGetDevCapsA(app, 0, v, 0, &u.c), 0);
	assert_true(u.c.dwNumAddresses >= 1);
	assert_true(u.c.dwLineNameSize > 1 && u.c.dwLineNameSize < sizeof(name));
	memcpy(name, u.b + u.c.dwLineNameOffset, u.c.dwLineNameSize);
	assert_int_equal(strlen(name) + 1, u.c.dwLineNameSize);   /* UTF-8, NUL-terminated */
	n = u.c.dwLineNameSize;
	memset(&u, 0, sizeof(u));
	u.c.dwTotalSize = sizeof(u);
	assert_int_equal(lineGetDevCapsW(app, 0, v, 0, &u.c), 0);
	assert_int_equal(u.c.dwLineNameSize, 2 * n);              /* the same in UTF-16 */
	u.c.dwTotalSize = 16;
	assert_int_equal(lineGetDevCapsA(app, 0, v, 0, &u.c), LINEERR_STRUCTURETOOSMALL);
	assert_int_equal(lineGetDevCapsA(app, 0, v, 0, NULL), LINEERR_INVALPOINTER);
	u.c.dwTotalSize = sizeof(u);
	assert_int_equal(lineGetDevCapsA(app, 7, v, 0, &u.c), LINEERR_BADDEVICEID);
	assert_int_equal(lineGetDevCapsA(app, 0, 0x00010004, 0, &u.c),
			 LINEERR_INCOMPATIBLEAPIVERSION);
	memset(&u, 0, sizeof(u));
	u.a.dwTotalSize = sizeof(u);
	assert_int_equal(lineGetAddressCapsA(app, 0, 0, v, 0, &u.a), 0);
	assert_int_equal(u.a.dwLineDeviceID, 0);
	u.a.dwTotalSize = sizeof(u);
	assert_int_equal(lineGetAddressCapsW(app, 0, 0, v, 0, &u.a), 0);

	assert_int_equal(lineOpenA(app, 0, &a, v, 0, 0, LINECALLPRIVILEGE_OWNER,
				   LINEMEDIAMODE_INTERACTIVEVOICE, NULL), 0);
	assert_int_equal(lineOpenA(app, 0, &b, v, 0, 0, LINECALLPRIVILEGE_MONITOR, 0, NULL), 0);
	memset(&u, 0, sizeof(u));
	u.s.dwTotalSize = sizeof(u);
	assert_int_equal(lineGetLineDevStatusA(a, &u.s), 0);
	assert_int_equal(u.s.dwNumOpens, 2);
	assert_int_equal(u.s.dwOpenMediaModes, LINEMEDIAMODE_INTERACTIVEVOICE);
	u.s.dwTotalSize = 8;
	assert_int_equal(lineGetLineDevStatusW(a, &u.s), LINEERR_STRUCTURETOOSMALL);
	memset(&u, 0, sizeof(u));
	u.as.dwTotalSize = sizeof(u);
	assert_int_equal(lineGetAddressStatusA(b, 0, &u.as), 0);
	assert_int_equal(u.as.dwNumInUse, 0);
	/* TAPI's own device class. */
	memset(&u, 0, sizeof(u));
	u.v.dwTotalSize = sizeof(u);
	assert_int_equal(lineGetIDA(a, 0, 0, LINECALLSELECT_LINE, &u.v, "tapi/line"), 0);
	assert_int_equal(u.v.dwStringSize, sizeof(DWORD));
	memcpy(&w, u.b + u.v.dwStringOffset, sizeof(w));
	assert_int_equal(w, 0);
	assert_int_equal(lineGetIDA(a, 0, 0, 0x40, &u.v, "tapi/line"), LINEERR_INVALCALLSELECT);
	assert_int_equal(lineGetIDA(a, 0, 0, LINECALLSELECT_CALL, &u.v, "tapi/line"),
			 LINEERR_INVALCALLHANDLE);
	assert_int_equal(lineGetIDA(a, 0, 0, LINECALLSELECT_LINE, &u.v, ""),
			 LINEERR_INVALDEVICECLASS);
	assert_int_equal(lineGetIDA(a, 0, 0, LINECALLSELECT_LINE, NULL, "tapi/line"),
			 LINEERR_INVALPOINTER);
	/* A class as long as the string bound, or malformed UTF-8, is no class. */
	{
		char *longcls = malloc(3 * 4096 + 1);

		assert_non_null(longcls);
		memset(longcls, 'x', 3 * 4096);
		longcls[3 * 4096] = '\0';
		assert_int_equal(lineGetIDA(a, 0, 0, LINECALLSELECT_LINE, &u.v, longcls),
				 LINEERR_INVALDEVICECLASS);
		free(longcls);
		assert_int_equal(lineGetIDA(a, 0, 0, LINECALLSELECT_LINE, &u.v, "tapi/\xff"),
				 LINEERR_INVALDEVICECLASS);
	}
	/* Status messages: documented bits only. */
	assert_int_equal(lineSetStatusMessages(a, 0x80000000u, 0), LINEERR_INVALLINESTATE);
	assert_int_equal(lineSetStatusMessages(a, 0, 0x80000000u), LINEERR_INVALADDRESSSTATE);
	assert_int_equal(lineSetStatusMessages(a, LINEDEVSTATE_OPEN | LINEDEVSTATE_CLOSE, 0), 0);
	assert_int_equal(lineSetStatusMessages(a + 0x10000, 0, 0), LINEERR_INVALLINEHANDLE);
	assert_int_equal(lineShutdown(app), 0);
	assert_int_equal(lineGetLineDevStatusA(a, &u.s), LINEERR_UNINITIALIZED);
}

/* The phone goes, and its line with it: forced LINE_CLOSE to each open, LINE_REMOVE to
 * every line application, dead handles. */
static void test_line_unplugged(void **state)
{
	static const struct play plays[] = {
		{ 1500, "02 00 06" },   /* nothing happens; then the phone is unplugged */
		{ 0, NULL },
	};
	static struct mlog own, mon, idle;
	LINEEXTENSIONID ext;
	HLINE hl, hm;
	DWORD v = 0;
	long i;
	(void)state;

	use_line_mode("replay+unplug", plays);
	memset(&own, 0, sizeof(own));
	memset(&mon, 0, sizeof(mon));
	memset(&idle, 0, sizeof(idle));
	own.app = registered("owner", NULL);
	mon.app = registered("monitor", NULL);
	idle.app = registered("idle", NULL);
	hl = open_line(own.app, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_INTERACTIVEVOICE, 7);
	hm = open_line(mon.app, LINECALLPRIVILEGE_MONITOR, 0, 8);
	{
		/* The replay plays (and then unplugs) once the phone is open and its filter set. */
		PHONEINITIALIZEEXPARAMS pp = { .dwTotalSize = sizeof(pp),
					       .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
		DWORD np = 0, pv = TAPI_CURRENT_VERSION;
		HPHONE hp = 0;

		assert_int_equal(phoneInitializeExA(&phone_app, NULL, NULL, "phone", &np, &pv, &pp),
				 0);
		assert_int_equal(phoneOpen(phone_app, 0, &hp, TAPI_VERSION3_1, 0, 0,
					   PHONEPRIVILEGE_MONITOR), 0);
		assert_int_equal(phoneSetStatusMessages(hp, PHONESTATE_HANDSETHOOKSWITCH, 0, 0), 0);
	}
	i = wait_msg(&own, LINE_CLOSE, hl, ANY, WAIT_MS);
	for (size_t k = 0; i < 0 && k < own.n; k++)
		fprintf(stderr, "owner got %#x %#x %#lx\n", (unsigned)own.m[k].dwMessageID,
			(unsigned)own.m[k].hDevice, (unsigned long)own.m[k].dwParam1);
	assert_true(i >= 0);
	assert_int_equal(own.m[i].dwCallbackInstance, 7);
	assert_true(wait_msg(&mon, LINE_CLOSE, hm, ANY, WAIT_MS) >= 0);
	assert_true(wait_msg(&own, LINE_REMOVE, 0, 0, WAIT_MS) >= 0);
	assert_true(wait_msg(&mon, LINE_REMOVE, 0, 0, WAIT_MS) >= 0);
	assert_true(wait_msg(&idle, LINE_REMOVE, 0, 0, WAIT_MS) >= 0);
	for (size_t k = 0; k < idle.n; k++)
		assert_int_not_equal(idle.m[k].dwMessageID, LINE_CLOSE);
	assert_int_equal(lineClose(hl), LINEERR_INVALLINEHANDLE);
	assert_int_equal(lineClose(hm), LINEERR_INVALLINEHANDLE);
	assert_int_equal(lineOpenA(own.app, 0, &hl, TAPI_VERSION3_1, 0, 0, LINECALLPRIVILEGE_NONE, 0,
				   NULL), LINEERR_NODEVICE);
	assert_int_equal(lineNegotiateAPIVersion(own.app, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, &v,
						 &ext), LINEERR_NODEVICE);
}

#define TEST(f) cmocka_unit_test(f)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_line_registration_errors),
		TEST(test_line_unicode_name),
		TEST(test_line_negotiate),
		TEST(test_line_get_message),
		TEST(test_line_open_errors),
		TEST(test_line_caps_and_status),
		cmocka_unit_test_teardown(test_line_unplugged, teardown),
		cmocka_unit_test_setup_teardown(test_make_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incoming_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_example_places_call, setup, teardown),
	};
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hidphone-tapi-line-test-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	setenv("HIDPHONE_LOG", "error", 0);
	if (libre_init())
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	test_remove_dir(tmpdir);
	return rc;
}
