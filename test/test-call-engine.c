/* The call engine against a real SIP peer: baresip (Debian baresip-core) started on
 * 127.0.0.1 by test/call-peer.c. Ports: baresip 15110 (control 15190), a second baresip
 * that gets killed 15130 (control 15191), our line 15120, a plain libre responder 15140,
 * a port nobody listens on 15150, RTP 15200-15399. Every wait is bounded. */
#include <re.h>

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "calls/call-engine.h"
#include "calls/call-internal.h"
#include "calls/media-port.h"
#include "calls/media-alsa.h"
#include "test/call-peer.h"
#include "test/call-registrar.h"

#define PEER_SIP 15110
#define PEER_CTRL 15190
#define PEER2_SIP 15130
#define PEER2_CTRL 15191
#define LINE_PORT 15120
#define RESPONDER_PORT 15140
#define DEAD_PORT 15150
#define REGISTRAR_PORT 15160
#define REG_LINE_PORT 15122
#define WAIT 5000

#define MAX_REC 32

struct rec {
	struct call *call;
	enum call_state st[MAX_REC];
	enum call_reason why[MAX_REC];
	unsigned n;
	char digits[64];
	unsigned ndigits;
	struct call *incoming;
	unsigned nincoming;
	enum call_state release_in; /* the callback releases the call in this state */
};

static struct call_peer peer;
static struct call_engine *engine;
static struct cline *line;
static struct rec rec;

static void on_state(struct call *call, enum call_state st, enum call_reason why, void *arg)
{
	(void)arg;
	if (getenv("HIDPHONE_TEST_VERBOSE"))
		fprintf(stderr, "engine> %p %s %s\n", (void *)call, call_state_name(st),
			call_reason_name(why));
	if (call != rec.call && call != rec.incoming)
		return;
	if (rec.n < MAX_REC) {
		rec.st[rec.n] = st;
		rec.why[rec.n] = why;
		rec.n++;
	}
	if (rec.release_in != CALL_STATE_IDLE && st == rec.release_in) {
		call_release(call);
		rec.call = rec.incoming = NULL;
	}
}

static void on_incoming(struct cline *l, struct call *call, void *arg)
{
	(void)arg;
	(void)l;
	rec.nincoming++;
	if (rec.incoming) {
		call_release(call); /* the tests take one at a time */
		return;
	}
	rec.incoming = call;
	rec.call = call;
	rec.st[0] = CALL_STATE_OFFERING;
	rec.n = 1;
}

static void on_digit(struct call *call, char digit, void *arg)
{
	(void)arg;
	(void)call;
	if (rec.ndigits < sizeof(rec.digits) - 1)
		rec.digits[rec.ndigits++] = digit;
}

static const struct call_events events = { on_state, on_incoming, on_digit, NULL };

static void rec_reset(void)
{
	memset(&rec, 0, sizeof(rec));
}

static bool in_state(void *arg)
{
	enum call_state want = *(enum call_state *)arg;

	return rec.n > 0 && rec.st[rec.n - 1] == want;
}

static bool wait_state(enum call_state want, unsigned timeout_ms)
{
	bool ok = loop_until(in_state, &want, timeout_ms);

	if (!ok) {
		unsigned i;

		fprintf(stderr, "call never reached %s; states:", call_state_name(want));
		for (i = 0; i < rec.n; i++)
			fprintf(stderr, " %s/%s", call_state_name(rec.st[i]),
				call_reason_name(rec.why[i]));
		fprintf(stderr, "\n");
	}
	return ok;
}

static bool saw_state(enum call_state st)
{
	unsigned i;

	for (i = 0; i < rec.n; i++)
		if (rec.st[i] == st)
			return true;
	return false;
}

static enum call_reason last_reason(void)
{
	return rec.n ? rec.why[rec.n - 1] : CALL_REASON_NONE;
}

static char peer_uri[64];

static uint64_t call_now_us_for_tests(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void make_uri(char *buf, size_t size, const char *user, unsigned port)
{
	snprintf(buf, size, "sip:%s@127.0.0.1:%u", user, port);
}

/* --- fixture -------------------------------------------------------------------------- */

static void line_config(struct call_line_config *cfg, const char *name, uint16_t port)
{
	call_line_config_defaults(cfg, name);
	snprintf(cfg->listen_host, sizeof(cfg->listen_host), "127.0.0.1");
	cfg->listen_port = port;
	cfg->media = CALL_MEDIA_TONE;
	cfg->rtp_port_min = 15200;
	cfg->rtp_port_max = 15299;
	cfg->answer_timeout_ms = 2000;
	cfg->media_timeout_ms = 2000;
}

static int setup(void **state)
{
	struct call_line_config cfg;
	int err;

	(void)state;
	rec_reset();
	if (libre_init())
		return -1;
	if (call_engine_create(&engine, &events, NULL))
		return -1;
	line_config(&cfg, "alice", LINE_PORT);
	err = cline_add(engine, &cfg, &line);
	if (err) {
		fprintf(stderr, "cline_add: %s\n", strerror(-err));
		return -1;
	}
	cline_set_accepting(line, true);
	if (peer_start_setup(&peer, PEER_SIP, PEER_CTRL))
		return -1;
	make_uri(peer_uri, sizeof(peer_uri), "bob", PEER_SIP);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (rec.call)
		call_release(rec.call);
	rec_reset();
	peer_stop(&peer);
	call_engine_destroy(engine);
	engine = NULL;
	line = NULL;
	/* Every call the test made or was offered is gone, whatever happened to its peer. */
	if (call_engine_live_calls()) {
		fprintf(stderr, "%u calls leaked\n", call_engine_live_calls());
		return -1;
	}
	/* Lets libre finish what the sessions left (final BYE responses, timers). */
	loop_run_for(50);
	libre_close();
	return 0;
}

/* --- outgoing ------------------------------------------------------------------------- */

static void test_outgoing_connected_rtp_dtmf(void **state)
{
	struct call_stats st;
	struct call_info info;
	unsigned mark;
	int i;

	(void)state;
	assert_int_equal(line_make_call(line, peer_uri, &rec.call), 0);
	assert_int_equal(rec.st[0], CALL_STATE_DIALING);
	assert_true(wait_state(CALL_STATE_CONNECTED, WAIT));
	assert_int_equal(call_get_info(rec.call, &info), 0);
	assert_string_equal(info.remote_user, "bob");
	assert_string_equal(info.codec, "PCMU");
	i = peer_wait_event(&peer, 0, WAIT, "CALL_ESTABLISHED", NULL);
	assert_true(i >= 0);

	/* Media both ways: 40 packets (0.8 s) from baresip, its tone loud enough. */
	loop_run_for(1000);
	call_get_stats(rec.call, &st);
	fprintf(stderr, "outgoing call: setup %.2f ms, rtp tx %llu rx %llu, interval "
		"deviation p50 %u us p99 %u us max %u us\n", st.setup_us / 1000.0,
		(unsigned long long)st.rtp_tx, (unsigned long long)st.rtp_rx, st.dev_p50_us,
		st.dev_p99_us, st.dev_max_us);
	assert_true(st.rtp_rx >= 40);
	assert_true(st.rtp_tx >= 40);
	/* Every tick of the timerfd clock is timed against its schedule: one per read, so at
	 * most one per packet sent. */
	fprintf(stderr, "sends behind their due time: p50 %u us p99 %u us max %u us (%llu)\n",
		st.late_p50_us, st.late_p99_us, st.late_max_us, (unsigned long long)st.late_n);
	assert_true(st.late_n >= 40 && st.late_n <= st.rtp_tx);
	assert_true(st.late_p50_us <= st.late_p99_us && st.late_p99_us <= st.late_max_us);
	/* What arrived decodes to baresip's sine, not silence. */
	fprintf(stderr, "received audio peak %d\n", st.rx_peak);
	assert_true(st.rx_peak > 1000);

	/* Muted, the call still sends RTP every 20 ms (silence: test-line checks it at
	 * baresip), so the far end's media timeout does not end it. */
	{
		uint64_t tx = st.rtp_tx;

		assert_int_equal(call_set_mute(rec.call, true), 0);
		loop_run_for(400);
		call_get_stats(rec.call, &st);
		assert_true(st.rtp_tx >= tx + 15);
		assert_int_equal(call_set_mute(rec.call, false), 0);
		assert_int_equal(call_set_mute(NULL, true), -EINVAL);
	}

	/* Our DTMF at baresip. */
	mark = peer.nevents;
	assert_int_equal(call_send_dtmf(rec.call, "19#"), 0);
	assert_true(peer_wait_event(&peer, mark, WAIT, "CALL_DTMF_START", "\"param\":\"1\"",
				    NULL) >= 0);
	assert_true(peer_wait_event(&peer, mark, WAIT, "CALL_DTMF_START", "\"param\":\"9\"",
				    NULL) >= 0);
	assert_true(peer_wait_event(&peer, mark, WAIT, "CALL_DTMF_START", "\"param\":\"#\"",
				    NULL) >= 0);
	assert_int_equal(call_send_dtmf(rec.call, "x"), -EINVAL);

	/* baresip's DTMF at us. */
	assert_int_equal(peer_command(&peer, "sndcode", "5"), 0);
	assert_int_equal(peer_command(&peer, "sndcode", "*"), 0);
	for (i = 0; i < 200 && rec.ndigits < 2; i++)
		loop_run_for(10);
	assert_string_equal(rec.digits, "5*");

	/* We hang up: IDLE here, CALL_CLOSED there. */
	mark = peer.nevents;
	assert_int_equal(call_drop(rec.call), 0);
	assert_int_equal(rec.st[rec.n - 1], CALL_STATE_IDLE);
	assert_int_equal(last_reason(), CALL_REASON_NORMAL);
	assert_true(peer_wait_event(&peer, mark, WAIT, "CALL_CLOSED", NULL) >= 0);
}


/* Dials from one of baresip's UAs (bob or carol) to `to`. */
static void peer_dial(const char *from_user, const char *to)
{
	char aor[64];

	make_uri(aor, sizeof(aor), from_user, PEER_SIP);
	assert_int_equal(peer_command(&peer, "uafind", aor), 0);
	assert_int_equal(peer_command(&peer, "dial", to), 0);
}

static bool have_incoming(void *arg)
{
	(void)arg;
	return rec.incoming != NULL;
}

static bool rx_at_least(void *arg)
{
	struct call_stats st;

	call_get_stats(rec.call, &st);
	return st.rtp_rx >= *(uint64_t *)arg;
}

static void test_dialtone_then_dial(void **state)
{
	(void)state;
	assert_int_equal(line_make_call(line, NULL, &rec.call), 0);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.st[0], CALL_STATE_DIALTONE);
	assert_int_equal(call_send_dtmf(rec.call, "1"), -ENOTCONN);
	assert_int_equal(call_set_mute(rec.call, true), -ENOTCONN);
	assert_int_equal(call_answer(rec.call), -EBUSY);
	assert_int_equal(call_dial(rec.call, "bob@127.0.0.1:15110"), 0);
	assert_int_equal(call_dial(rec.call, peer_uri), -EBUSY);
	assert_int_equal(rec.st[1], CALL_STATE_DIALING);
	assert_true(wait_state(CALL_STATE_CONNECTED, WAIT));
	assert_true(saw_state(CALL_STATE_RINGBACK));
	assert_true(peer_wait_event(&peer, 0, WAIT, "CALL_ESTABLISHED", NULL) >= 0);
	/* baresip saw our RTP... */
	assert_true(peer_wait_event(&peer, 0, WAIT, "CALL_RTPESTAB", NULL) >= 0);
	loop_run_for(1000);
	/* The far end hangs up: DISCONNECTED/NORMAL; our drop then gives IDLE. */
	assert_int_equal(peer_command(&peer, "hangup", NULL), 0);
	assert_true(wait_state(CALL_STATE_DISCONNECTED, WAIT));
	assert_int_equal(last_reason(), CALL_REASON_NORMAL);
	/* ...and counted it: 1 s of 20 ms packets, as its own log says at the call's end. */
	{
		struct call_stats st;
		long got = -1;
		int i;

		call_get_stats(rec.call, &st);
		for (i = 0; i < 100 && got < 0; i++) {
			loop_run_for(20);
			got = peer_log_rx_packets(&peer);
		}
		fprintf(stderr, "RTP: we sent %llu, baresip received %ld\n",
			(unsigned long long)st.rtp_tx, got);
		assert_true(got >= 40);
		assert_true((uint64_t)got <= st.rtp_tx);
	}
	assert_int_equal(call_drop(rec.call), 0);
	assert_int_equal(rec.st[rec.n - 1], CALL_STATE_IDLE);
	assert_int_equal(call_drop(rec.call), 0); /* once IDLE, nothing more */
	assert_int_equal(rec.st[rec.n - 1], CALL_STATE_IDLE);
}

/* A-law both ways: pat has only PCMA, as callee and as caller. */
static void test_pcma_both_ways(void **state)
{
	char pat[64];
	struct call_info info;
	struct call_stats st;
	uint64_t want = 25;
	long got = -1;
	int i;

	(void)state;
	make_uri(pat, sizeof(pat), "pat", PEER_SIP);
	assert_int_equal(line_make_call(line, pat, &rec.call), 0);
	assert_true(wait_state(CALL_STATE_CONNECTED, WAIT));
	call_get_info(rec.call, &info);
	assert_string_equal(info.codec, "PCMA");
	assert_true(loop_until(rx_at_least, &want, WAIT));
	call_get_stats(rec.call, &st);
	assert_true(st.rx_peak > 1000); /* baresip's sine, decoded as A-law */
	assert_int_equal(call_send_dtmf(rec.call, "7"), 0);
	assert_true(peer_wait_event(&peer, 0, WAIT, "CALL_DTMF_START", "\"param\":\"7\"", NULL)
		    >= 0);
	assert_int_equal(call_drop(rec.call), 0);
	for (i = 0; i < 100 && got < 0; i++) {
		loop_run_for(20);
		got = peer_log_rx_packets(&peer);
	}
	assert_true(got >= 20);
	call_release(rec.call);
	rec_reset();

	/* pat calls us: its offer has PCMA only, our answer takes it. */
	peer_dial("pat", cline_uri(line));
	assert_true(loop_until(have_incoming, NULL, WAIT));
	assert_int_equal(call_answer(rec.call), 0);
	call_get_info(rec.call, &info);
	assert_string_equal(info.codec, "PCMA");
	assert_string_equal(info.remote_user, "pat");
	assert_true(loop_until(rx_at_least, &want, WAIT));
	assert_int_equal(call_drop(rec.call), 0);
}

/* media = phone with the TAPI layer's port opener: the engine's audio goes through a
 * port from outside (here one that sends a square wave and keeps what it gets). */
struct test_port {
	struct media_port base;
	unsigned reads, writes;
	int32_t peak;
	bool closed;
};

static struct test_port tport;
static unsigned opens;

static void tport_read(struct media_port *p, int16_t frame[MEDIA_FRAME])
{
	struct test_port *t = (struct test_port *)p;
	size_t i;

	for (i = 0; i < MEDIA_FRAME; i++)
		frame[i] = (i / 8) % 2 ? 6000 : -6000; /* 500 Hz */
	t->reads++;
}

static void tport_write(struct media_port *p, const int16_t frame[MEDIA_FRAME])
{
	struct test_port *t = (struct test_port *)p;
	size_t i;

	for (i = 0; i < MEDIA_FRAME; i++)
		if (abs(frame[i]) > t->peak)
			t->peak = abs(frame[i]);
	t->writes++;
}

static void tport_close(struct media_port *p)
{
	((struct test_port *)p)->closed = true;
}

static const struct media_port_ops tport_ops = { tport_read, tport_write, tport_close };

static int open_phone_port(struct cline *l, struct call *call, struct media_port **pp,
			   void *arg)
{
	(void)call;
	(void)arg;
	opens++;
	if (strcmp(cline_name(l), "alice"))
		return -ENODEV;
	memset(&tport, 0, sizeof(tport));
	tport.base.ops = &tport_ops;
	tport.base.kind = CALL_MEDIA_PHONE;
	*pp = &tport.base;
	return 0;
}

static void test_phone_media_port(void **state)
{
	struct call_line_config cfg;
	struct cline *l2;

	(void)state;
	cline_remove(line);
	line_config(&cfg, "alice", LINE_PORT);
	cfg.media = CALL_MEDIA_PHONE;
	assert_int_equal(cline_add(engine, &cfg, &line), 0);
	call_engine_set_media_open(engine, open_phone_port, NULL);
	assert_int_equal(line_make_call(line, peer_uri, &rec.call), 0);
	/* not while it rings (a ring may be playing on the phone's device): once connected */
	assert_int_equal(opens, 0);
	assert_true(wait_state(CALL_STATE_CONNECTED, WAIT));
	assert_int_equal(opens, 1);
	loop_run_for(600);
	assert_true(tport.reads >= 20);
	assert_true(tport.writes >= 20);
	assert_true(tport.peak > 1000);
	assert_false(tport.closed);
	assert_int_equal(call_drop(rec.call), 0);
	assert_true(tport.closed);
	call_release(rec.call);
	rec.call = NULL;
	/* A line whose phone has no audio device: the call still works, with silence. */
	line_config(&cfg, "bert", LINE_PORT + 2);
	cfg.media = CALL_MEDIA_PHONE;
	assert_int_equal(cline_add(engine, &cfg, &l2), 0);
	assert_int_equal(line_make_call(l2, peer_uri, &rec.call), 0);
	assert_true(wait_state(CALL_STATE_CONNECTED, WAIT));
	assert_int_equal(opens, 2);
	assert_int_equal(call_drop(rec.call), 0);
	call_release(rec.call);
	rec.call = NULL;
	cline_remove(l2);
}

/* The ALSA port in a call between two of our own lines: alice's microphone is an ALSA
 * capture device reading a 440 Hz file, her earpiece a playback device writing a file
 * (ALSA's file plugin over its null device: no sound card needed); bert sends a tone. */
static char alsa_dir[64];

static int open_alsa_port(struct cline *l, struct call *call, struct media_port **pp,
			  void *arg)
{
	(void)l;
	(void)call;
	(void)arg;
	return media_port_open_alsa("hp_play", "hp_cap", pp);
}

static bool both_connected(void *arg)
{
	struct call **c = arg;

	return call_state(c[0]) == CALL_STATE_CONNECTED && call_state(c[1]) == CALL_STATE_CONNECTED;
}

static void test_alsa_port_between_lines(void **state)
{
	char path[128], rc[1024];
	struct call_line_config cfg;
	struct call *c[2];
	struct call_stats st;
	struct cline *l2;
	int16_t pcm[8000], peak = 0;
	size_t i, n;
	FILE *f;

	(void)state;
	snprintf(alsa_dir, sizeof(alsa_dir), "/tmp/hidphone-alsa-XXXXXX");
	assert_non_null(mkdtemp(alsa_dir));
	for (i = 0; i < 8000; i++)
		pcm[i] = (int16_t)(9000 * sin(2 * M_PI * 440 * (double)i / 8000));
	snprintf(path, sizeof(path), "%s/mic.raw", alsa_dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	for (i = 0; i < 5; i++)
		fwrite(pcm, sizeof(pcm), 1, f);
	fclose(f);
	/* ALSA reads ~/.asoundrc: this process's HOME is the test directory. */
	snprintf(rc, sizeof(rc),
		 "pcm.hp_null { type null }\n"
		 "pcm.hp_play { type file slave.pcm \"hp_null\" file \"%s/played.raw\" "
		 "format \"raw\" }\n"
		 "pcm.hp_cap { type file slave.pcm \"hp_null\" file \"/dev/null\" "
		 "infile \"%s/mic.raw\" format \"raw\" }\n", alsa_dir, alsa_dir);
	snprintf(path, sizeof(path), "%s/.asoundrc", alsa_dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(rc, f);
	fclose(f);
	setenv("HOME", alsa_dir, 1);
	unsetenv("XDG_CONFIG_HOME");

	cline_remove(line);
	line_config(&cfg, "alice", LINE_PORT);
	cfg.media = CALL_MEDIA_PHONE;
	assert_int_equal(cline_add(engine, &cfg, &line), 0);
	call_engine_set_media_open(engine, open_alsa_port, NULL);
	line_config(&cfg, "bert", LINE_PORT + 2);
	cfg.media = CALL_MEDIA_TONE;
	assert_int_equal(cline_add(engine, &cfg, &l2), 0);
	cline_set_accepting(l2, true);

	assert_int_equal(line_make_call(line, cline_uri(l2), &c[0]), 0);
	assert_true(loop_until(have_incoming, NULL, WAIT));
	c[1] = rec.incoming;
	assert_int_equal(call_answer(c[1]), 0);
	assert_true(loop_until(both_connected, c, WAIT));
	loop_run_for(1000);
	/* alice's microphone reached bert as audio... */
	call_get_stats(c[1], &st);
	fprintf(stderr, "ALSA capture -> RTP -> bert: %llu packets, peak %d\n",
		(unsigned long long)st.rtp_rx, st.rx_peak);
	assert_true(st.rtp_rx >= 40);
	assert_true(st.rx_peak > 5000);
	assert_int_equal(call_drop(c[0]), 0);
	call_release(c[0]);
	assert_true(wait_state(CALL_STATE_DISCONNECTED, WAIT));
	/* ...and bert's tone came out of alice's earpiece (the played file). */
	snprintf(path, sizeof(path), "%s/played.raw", alsa_dir);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(pcm, sizeof(pcm[0]), 8000, f);
	fclose(f);
	for (i = 0; i < n; i++)
		if (abs(pcm[i]) > peak)
			peak = (int16_t)abs(pcm[i]);
	fprintf(stderr, "bert -> RTP -> ALSA playback: %zu samples in the file, peak %d\n", n,
		peak);
	assert_true(n >= 4000);
	assert_true(peak > 5000);
	cline_remove(l2);
	snprintf(rc, sizeof(rc), "rm -rf '%s'", alsa_dir);
	assert_int_equal(system(rc), 0);
}

/* carol answers manually: baresip rejects with 486 when told to hang up an incoming call. */
static void test_busy(void **state)
{
	char carol[64];
	struct call_info info;

	(void)state;
	make_uri(carol, sizeof(carol), "carol", PEER_SIP);
	assert_int_equal(line_make_call(line, carol, &rec.call), 0);
	assert_true(peer_wait_event(&peer, 0, WAIT, "CALL_INCOMING", "carol", NULL) >= 0);
	assert_true(wait_state(CALL_STATE_RINGBACK, WAIT));
	assert_int_equal(peer_command(&peer, "uafind", carol), 0);
	assert_int_equal(peer_command(&peer, "hangup", NULL), 0);
	assert_true(wait_state(CALL_STATE_DISCONNECTED, WAIT));
	assert_int_equal(last_reason(), CALL_REASON_BUSY);
	call_get_info(rec.call, &info);
	assert_int_equal(info.scode, 486);
}

static void test_no_answer(void **state)
{
	char carol[64];
	uint64_t t0;

	(void)state;
	make_uri(carol, sizeof(carol), "carol", PEER_SIP);
	t0 = call_now_us_for_tests();
	assert_int_equal(line_make_call(line, carol, &rec.call), 0);
	assert_true(wait_state(CALL_STATE_DISCONNECTED, WAIT));
	assert_true(saw_state(CALL_STATE_RINGBACK));
	assert_int_equal(last_reason(), CALL_REASON_NOANSWER);
	/* answer-timeout is 2 s in this fixture. */
	assert_true(call_now_us_for_tests() - t0 >= 1900000);
	/* The CANCEL reached baresip. */
	assert_true(peer_wait_event(&peer, 0, WAIT, "CALL_CLOSED", "carol", NULL) >= 0);
}

/* A far end that answers every INVITE with one status: a plain libre SIP stack, because
 * baresip 1.0 has no command that declines with 603. */
struct responder {
	struct sip *sip;
	struct sip_lsnr *lsnr;
	uint16_t scode;
	unsigned invites;
};

static bool responder_req(const struct sip_msg *msg, void *arg)
{
	struct responder *r = arg;

	if (!pl_strcmp(&msg->met, "INVITE")) {
		r->invites++;
		(void)sip_treply(NULL, r->sip, msg, r->scode, "Test");
		return true;
	}
	return false;
}

static void responder_start(struct responder *r, uint16_t scode)
{
	struct sa laddr;

	memset(r, 0, sizeof(*r));
	r->scode = scode;
	assert_int_equal(sip_alloc(&r->sip, NULL, 4, 4, 4, "responder", NULL, NULL), 0);
	sa_set_str(&laddr, "127.0.0.1", RESPONDER_PORT);
	assert_int_equal(sip_transp_add(r->sip, SIP_TRANSP_UDP, &laddr), 0);
	assert_int_equal(sip_listen(&r->lsnr, r->sip, true, responder_req, r), 0);
}

static void responder_stop(struct responder *r)
{
	r->lsnr = mem_deref(r->lsnr);
	sip_close(r->sip, true);
	r->sip = mem_deref(r->sip);
}

static void test_final_responses(void **state)
{
	static const struct {
		uint16_t scode;
		enum call_reason reason;
	} cases[] = {
		{ 603, CALL_REASON_REJECT }, { 600, CALL_REASON_BUSY },
		{ 486, CALL_REASON_BUSY },   { 480, CALL_REASON_NOANSWER },
		{ 408, CALL_REASON_NOANSWER }, { 404, CALL_REASON_UNAVAIL },
		{ 503, CALL_REASON_UNAVAIL },
	};
	struct responder r;
	char uri[64];
	unsigned i;

	(void)state;
	make_uri(uri, sizeof(uri), "dave", RESPONDER_PORT);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct call_info info;

		responder_start(&r, cases[i].scode);
		rec_reset();
		assert_int_equal(line_make_call(line, uri, &rec.call), 0);
		assert_true(wait_state(CALL_STATE_DISCONNECTED, WAIT));
		assert_int_equal(last_reason(), cases[i].reason);
		call_get_info(rec.call, &info);
		assert_int_equal(info.scode, cases[i].scode);
		assert_int_equal(r.invites, 1);
		call_release(rec.call);
		rec.call = NULL;
		responder_stop(&r);
	}
}

static void test_unreachable(void **state)
{
	char uri[64];

	(void)state;
	make_uri(uri, sizeof(uri), "nobody", DEAD_PORT);
	assert_int_equal(line_make_call(line, uri, &rec.call), 0);
	assert_true(wait_state(CALL_STATE_DISCONNECTED, WAIT));
	assert_int_equal(last_reason(), CALL_REASON_UNREACHABLE);
	assert_int_equal(line_make_call(line, "sip:", &rec.incoming), -EINVAL);
	assert_int_equal(line_make_call(line, "sip:bob@exa_mple.org", &rec.incoming), -EINVAL);
	assert_int_equal(line_make_call(line, "sip:bob@exam%20ple.org", &rec.incoming), -EINVAL);
	assert_int_equal(line_make_call(line, "not a uri at all", &rec.incoming), -EINVAL);
	assert_null(rec.incoming);
}

/* Host names: localhost (from /etc/hosts) reaches baresip; a name that does not exist
 * ends the call BADADDRESS (UNREACHABLE where no name service answers: a network namespace
 * without one), and neither waits on the loop; a call dropped during its lookup ends at
 * once and its lookup's answer goes nowhere. */
static void test_host_names(void **state)
{
	char uri[64];
	uint64_t t0, took;

	(void)state;
	snprintf(uri, sizeof(uri), "sip:bob@localhost:%u", PEER_SIP);
	t0 = call_now_us_for_tests();
	assert_int_equal(line_make_call(line, uri, &rec.call), 0);
	took = call_now_us_for_tests() - t0;
	assert_int_equal(rec.st[0], CALL_STATE_DIALING);
	assert_true(wait_state(CALL_STATE_CONNECTED, WAIT));
	assert_true(peer_wait_event(&peer, 0, WAIT, "CALL_ESTABLISHED", "bob", NULL) >= 0);
	{
		struct call_info info;

		assert_int_equal(call_get_info(rec.call, &info), 0);
		assert_string_equal(info.remote_uri, uri);   /* as dialed */
		assert_string_equal(info.remote_user, "bob");
	}
	fprintf(stderr, "line_make_call with a host name returned in %llu us\n",
		(unsigned long long)took);
	assert_true(took < 20000);
	assert_int_equal(call_drop(rec.call), 0);
	call_release(rec.call);
	rec_reset();

	assert_int_equal(line_make_call(line, "sip:bob@no-such-host.invalid", &rec.call), 0);
	assert_true(wait_state(CALL_STATE_DISCONNECTED, WAIT));
	assert_true(last_reason() == CALL_REASON_BADADDRESS ||
		    last_reason() == CALL_REASON_UNREACHABLE);
	fprintf(stderr, "no-such-host.invalid: %s\n", call_reason_name(last_reason()));
	assert_false(saw_state(CALL_STATE_CONNECTED));
	call_release(rec.call);
	rec_reset();

	/* dropped while its name is looked up: IDLE now, nothing after */
	snprintf(uri, sizeof(uri), "sip:carol@localhost:%u", PEER_SIP);
	assert_int_equal(line_make_call(line, uri, &rec.call), 0);
	assert_int_equal(call_drop(rec.call), 0);
	assert_int_equal(rec.st[rec.n - 1], CALL_STATE_IDLE);
	loop_run_for(300);
	assert_int_equal(rec.st[rec.n - 1], CALL_STATE_IDLE);
	assert_int_equal(rec.n, 2);
	assert_true(peer_find_event(&peer, 0, "CALL_INCOMING", "carol", NULL) < 0);
	/* released at once, before its lookup's answer */
	assert_int_equal(line_make_call(line, uri, &rec.incoming), 0);
	call_release(rec.incoming);
	rec.incoming = NULL;
	loop_run_for(300);
}

static void test_incoming_answer_peer_hangs_up(void **state)
{
	struct call_info info;
	uint64_t want = 25;
	unsigned mark = peer.nevents;

	(void)state;
	peer_dial("bob", cline_uri(line));
	assert_true(loop_until(have_incoming, NULL, WAIT));
	assert_int_equal(call_get_info(rec.call, &info), 0);
	assert_int_equal(info.dir, CALL_INCOMING);
	assert_int_equal(info.state, CALL_STATE_OFFERING);
	assert_string_equal(info.remote_user, "bob");
	assert_string_equal(info.local_user, "alice");
	assert_non_null(strstr(info.remote_uri, "sip:bob@127.0.0.1"));
	assert_true(peer_wait_event(&peer, mark, WAIT, "CALL_RINGING", NULL) >= 0);
	assert_int_equal(call_answer(rec.call), 0);
	assert_int_equal(rec.st[rec.n - 1], CALL_STATE_CONNECTED);
	assert_int_equal(call_answer(rec.call), -EBUSY);
	assert_true(peer_wait_event(&peer, mark, WAIT, "CALL_ESTABLISHED", NULL) >= 0);
	assert_true(loop_until(rx_at_least, &want, WAIT));
	assert_int_equal(peer_command(&peer, "hangup", NULL), 0);
	assert_true(wait_state(CALL_STATE_DISCONNECTED, WAIT));
	assert_int_equal(last_reason(), CALL_REASON_NORMAL);
	assert_int_equal(rec.nincoming, 1);
}

static void test_incoming_we_hang_up(void **state)
{
	unsigned mark = peer.nevents;
	uint64_t want = 25;
	struct call_stats st;

	(void)state;
	peer_dial("bob", cline_uri(line));
	assert_true(loop_until(have_incoming, NULL, WAIT));
	assert_int_equal(call_answer(rec.call), 0);
	assert_true(loop_until(rx_at_least, &want, WAIT));
	call_get_stats(rec.call, &st);
	assert_true(st.rtp_tx >= 10);
	assert_int_equal(call_drop(rec.call), 0);
	assert_int_equal(rec.st[rec.n - 1], CALL_STATE_IDLE);
	assert_true(peer_wait_event(&peer, mark, WAIT, "CALL_CLOSED", NULL) >= 0);
}

/* The caller gives up before we answer: CANCEL → DISCONNECTED/NORMAL. */
static void test_incoming_caller_cancels(void **state)
{
	(void)state;
	peer_dial("bob", cline_uri(line));
	assert_true(loop_until(have_incoming, NULL, WAIT));
	assert_int_equal(peer_command(&peer, "hangup", NULL), 0);
	assert_true(wait_state(CALL_STATE_DISCONNECTED, WAIT));
	assert_int_equal(last_reason(), CALL_REASON_NORMAL);
}

static void test_incoming_other_user_404(void **state)
{
	char uri[64];
	unsigned mark = peer.nevents;

	(void)state;
	make_uri(uri, sizeof(uri), "mallory", LINE_PORT);
	peer_dial("bob", uri);
	assert_true(peer_wait_event(&peer, mark, WAIT, "CALL_CLOSED", "404", NULL) >= 0);
	assert_int_equal(rec.nincoming, 0);
}

static void test_incoming_refused_when_not_accepting(void **state)
{
	unsigned mark = peer.nevents;

	(void)state;
	cline_set_accepting(line, false);
	peer_dial("bob", cline_uri(line));
	assert_true(peer_wait_event(&peer, mark, WAIT, "CALL_CLOSED", "480", NULL) >= 0);
	assert_int_equal(rec.nincoming, 0);
	/* Accepting again, the same call goes through. */
	cline_set_accepting(line, true);
	peer_dial("bob", cline_uri(line));
	assert_true(loop_until(have_incoming, NULL, WAIT));
}

static void test_peer_vanishes(void **state)
{
	struct call_peer p2;
	char uri[64];
	uint64_t want = 10, t0;

	(void)state;
	assert_int_equal(peer_start(&p2, PEER2_SIP, PEER2_CTRL), 0);
	make_uri(uri, sizeof(uri), "bob", PEER2_SIP);
	assert_int_equal(line_make_call(line, uri, &rec.call), 0);
	assert_true(wait_state(CALL_STATE_CONNECTED, WAIT));
	assert_true(loop_until(rx_at_least, &want, WAIT));
	t0 = call_now_us_for_tests();
	peer_kill(&p2);
	assert_true(wait_state(CALL_STATE_DISCONNECTED, WAIT));
	fprintf(stderr, "far end killed: DISCONNECTED/%s after %.0f ms\n",
		call_reason_name(last_reason()), (call_now_us_for_tests() - t0) / 1000.0);
	assert_int_equal(last_reason(), CALL_REASON_UNREACHABLE);
	/* ICMP port unreachable on the RTP socket, well before media-timeout (2 s). */
	assert_true(call_now_us_for_tests() - t0 < 1500000);
	assert_int_equal(call_send_dtmf(rec.call, "1"), -ENOTCONN);
	assert_int_equal(call_drop(rec.call), 0);
	assert_int_equal(rec.st[rec.n - 1], CALL_STATE_IDLE);
	peer_stop(&p2);
}

/* The far end stops (SIGSTOP): its sockets stay open, so no ICMP; media-timeout (2 s
 * here) ends the call. */
static void test_peer_freezes(void **state)
{
	struct call_peer p2;
	char uri[64];
	uint64_t want = 10, t0, took;

	(void)state;
	assert_int_equal(peer_start(&p2, PEER2_SIP, PEER2_CTRL), 0);
	make_uri(uri, sizeof(uri), "bob", PEER2_SIP);
	assert_int_equal(line_make_call(line, uri, &rec.call), 0);
	assert_true(wait_state(CALL_STATE_CONNECTED, WAIT));
	assert_true(loop_until(rx_at_least, &want, WAIT));
	t0 = call_now_us_for_tests();
	kill(p2.pid, SIGSTOP);
	assert_true(wait_state(CALL_STATE_DISCONNECTED, WAIT));
	took = call_now_us_for_tests() - t0;
	kill(p2.pid, SIGCONT);
	fprintf(stderr, "far end frozen: DISCONNECTED/%s after %.0f ms\n",
		call_reason_name(last_reason()), took / 1000.0);
	assert_int_equal(last_reason(), CALL_REASON_UNREACHABLE);
	assert_true(took >= 1900000 && took < 4500000);
	peer_stop(&p2);
}

/* The application may give a call back from inside its callbacks: from libre's
 * established handler (outgoing CONNECTED) and from its close handler (DISCONNECTED). */
static void test_release_inside_callbacks(void **state)
{
	char carol[64];
	unsigned mark = peer.nevents;

	(void)state;
	rec.release_in = CALL_STATE_CONNECTED;
	assert_int_equal(line_make_call(line, peer_uri, &rec.call), 0);
	assert_true(wait_state(CALL_STATE_CONNECTED, WAIT));
	assert_null(rec.call);
	/* Released while connected: the far end gets its BYE. */
	assert_true(peer_wait_event(&peer, mark, WAIT, "CALL_CLOSED", NULL) >= 0);

	rec_reset();
	rec.release_in = CALL_STATE_DISCONNECTED;
	make_uri(carol, sizeof(carol), "carol", PEER_SIP);
	assert_int_equal(line_make_call(line, carol, &rec.call), 0);
	assert_true(wait_state(CALL_STATE_RINGBACK, WAIT));
	assert_int_equal(peer_command(&peer, "uafind", carol), 0);
	assert_int_equal(peer_command(&peer, "hangup", NULL), 0);
	assert_true(wait_state(CALL_STATE_DISCONNECTED, WAIT));
	assert_null(rec.call);
	loop_run_for(50);
	assert_int_equal(call_engine_live_calls(), 0);
}

/* --- registration against kamailio ---------------------------------------------------- */

struct reg_rec {
	unsigned ok, failed;
	uint16_t last_scode;
	int last_err;
	char log[8192];
	size_t loglen;
};

static struct reg_rec reg;

static void on_registration(struct cline *l, bool ok, uint16_t scode, int err, void *arg)
{
	(void)l;
	(void)arg;
	if (ok)
		reg.ok++;
	else
		reg.failed++;
	reg.last_scode = scode;
	reg.last_err = err;
}

static void keep_log(int level, const char *msg, void *arg)
{
	int n;

	(void)level;
	(void)arg;
	n = snprintf(reg.log + reg.loglen, sizeof(reg.log) - reg.loglen, "%s\n", msg);
	if (n > 0 && reg.loglen + (size_t)n < sizeof(reg.log))
		reg.loglen += (size_t)n;
}

static bool reg_settled(void *arg)
{
	(void)arg;
	return reg.ok > 0 || reg.failed > 0;
}

/* kamailio on REGISTRAR_PORT and an engine of its own that records registrations. */
static struct call_engine *registrar_engine(struct registrar *kam)
{
	static const struct call_events ev = { on_state, on_incoming, on_digit, on_registration };
	struct call_engine *e2;

	memset(&reg, 0, sizeof(reg));
	assert_int_equal(registrar_start(kam, REGISTRAR_PORT, "sesame-7"), 0);
	assert_int_equal(call_engine_create(&e2, &ev, NULL), 0);
	call_engine_set_log(e2, keep_log, NULL);
	return e2;
}

static void registrar_done(struct call_engine *e2, struct registrar *kam)
{
	call_engine_destroy(e2);
	loop_run_for(100); /* the un-REGISTER goes out */
	registrar_stop(kam);
}

/* baresip calls USER's address at kamailio, which routes the INVITE to the registered
 * line; answered and dropped. */
static void call_via_registrar(const char *user)
{
	char uri[64];
	unsigned mark;

	snprintf(uri, sizeof(uri), "sip:%s@127.0.0.1:%u", user, REGISTRAR_PORT);
	mark = peer.nevents;
	peer_dial("bob", uri);
	assert_true(loop_until(have_incoming, NULL, WAIT));
	assert_int_equal(call_answer(rec.call), 0);
	assert_true(peer_wait_event(&peer, mark, WAIT, "CALL_ESTABLISHED", NULL) >= 0);
	assert_int_equal(call_drop(rec.call), 0);
	assert_true(peer_wait_event(&peer, mark, WAIT, "CALL_CLOSED", NULL) >= 0);
	call_release(rec.call);
	rec_reset();
}

static void test_register_via_kamailio(void **state)
{
	struct call_line_config cfg;
	struct registrar kam;
	struct call_engine *e2 = registrar_engine(&kam);
	struct cline *l2;

	(void)state;
	/* A wrong password: the challenge is answered, the registrar refuses. */
	line_config(&cfg, "frank", REG_LINE_PORT);
	snprintf(cfg.registrar, sizeof(cfg.registrar), "sip:127.0.0.1:%u", REGISTRAR_PORT);
	snprintf(cfg.password, sizeof(cfg.password), "wrong-pass");
	assert_int_equal(cline_add(e2, &cfg, &l2), 0);
	assert_true(loop_until(reg_settled, NULL, WAIT));
	assert_int_equal(reg.ok, 0);
	assert_false(cline_registered(l2));
	fprintf(stderr, "wrong password: registration failed with %u\n", reg.last_scode);
	assert_true(reg.last_scode == 401 || reg.last_scode == 403);
	cline_remove(l2);

	/* The right one: registered; baresip calls the address at kamailio, which routes
	 * the INVITE to the line. */
	memset(&reg, 0, sizeof(reg));
	call_engine_set_log(e2, keep_log, NULL);
	line_config(&cfg, "erin", REG_LINE_PORT);
	snprintf(cfg.registrar, sizeof(cfg.registrar), "sip:127.0.0.1:%u", REGISTRAR_PORT);
	snprintf(cfg.password, sizeof(cfg.password), "sesame-7");
	assert_int_equal(cline_add(e2, &cfg, &l2), 0);
	cline_set_accepting(l2, true);
	assert_true(loop_until(reg_settled, NULL, WAIT));
	assert_int_equal(reg.ok, 1);
	assert_true(cline_registered(l2));
	call_via_registrar("erin");

	/* The passwords reached kamailio only: never our log. */
	assert_null(strstr(reg.log, "sesame"));
	assert_null(strstr(reg.log, "wrong-pass"));
	assert_non_null(strstr(reg.log, "registered at sip:127.0.0.1:15160"));
	registrar_done(e2, &kam);
}

static bool reg_failed_twice(void *arg)
{
	(void)arg;
	return reg.failed >= 2;
}

/*
 * registrar = sip:NAME:PORT: localhost (from /etc/hosts) is looked up off the loop and the
 * line registers at its address, with the name in its address of record; a name that does
 * not exist fails the registration (ENOENT, or EAGAIN where no name service answers: a
 * network namespace without one), is logged and tried again on the back-off, and neither
 * holds up cline_add; a line removed during a lookup hears nothing more of it.
 */
static void test_register_by_host_name(void **state)
{
	uint32_t retry_was = call_register_retry_ms;
	struct call_line_config cfg;
	struct registrar kam;
	struct call_engine *e2 = registrar_engine(&kam);
	struct cline *l2;
	uint64_t t0, took;

	(void)state;
	line_config(&cfg, "erin", REG_LINE_PORT);
	snprintf(cfg.registrar, sizeof(cfg.registrar), "sip:localhost:%u", REGISTRAR_PORT);
	snprintf(cfg.password, sizeof(cfg.password), "sesame-7");
	t0 = call_now_us_for_tests();
	assert_int_equal(cline_add(e2, &cfg, &l2), 0);
	took = call_now_us_for_tests() - t0;
	cline_set_accepting(l2, true);
	assert_true(loop_until(reg_settled, NULL, WAIT));
	assert_int_equal(reg.failed, 0);
	assert_int_equal(reg.ok, 1);
	assert_true(cline_registered(l2));
	fprintf(stderr, "cline_add with registrar sip:localhost returned in %llu us\n",
		(unsigned long long)took);
	assert_true(took < 20000);
	assert_non_null(strstr(reg.log, "registrar sip:localhost:15160 is at 127.0.0.1"));
	assert_non_null(strstr(reg.log, "registered at sip:localhost:15160"));
	call_via_registrar("erin");
	assert_null(strstr(reg.log, "sesame"));
	cline_remove(l2);

	/* No such name: failed, logged, tried again (a short back-off for the test). */
	memset(&reg, 0, sizeof(reg));
	call_register_retry_ms = 200;
	line_config(&cfg, "frank", REG_LINE_PORT);
	snprintf(cfg.registrar, sizeof(cfg.registrar), "sip:nonexistent.invalid:%u",
		 REGISTRAR_PORT);
	snprintf(cfg.password, sizeof(cfg.password), "sesame-7");
	t0 = call_now_us_for_tests();
	assert_int_equal(cline_add(e2, &cfg, &l2), 0);
	took = call_now_us_for_tests() - t0;
	assert_true(took < 20000);
	assert_true(loop_until(reg_failed_twice, NULL, WAIT));
	assert_int_equal(reg.ok, 0);
	assert_false(cline_registered(l2));
	assert_int_equal(reg.last_scode, 0);
	assert_true(reg.last_err == ENOENT || reg.last_err == EAGAIN);
	fprintf(stderr, "nonexistent.invalid: %s\n", strerror(reg.last_err));
	assert_non_null(strstr(reg.log, "line frank: registration failed: registrar "
				   "sip:nonexistent.invalid:15160: "));
	assert_non_null(strstr(reg.log, "; trying again in "));
	/* the line itself works meanwhile */
	assert_string_equal(cline_uri(l2), "sip:frank@127.0.0.1:15122");
	cline_remove(l2);

	/* Removed while its registrar's name is looked up: nothing comes of the lookup. */
	memset(&reg, 0, sizeof(reg));
	line_config(&cfg, "gina", REG_LINE_PORT);
	snprintf(cfg.registrar, sizeof(cfg.registrar), "sip:localhost:%u", REGISTRAR_PORT);
	assert_int_equal(cline_add(e2, &cfg, &l2), 0);
	cline_remove(l2);
	loop_run_for(300);
	assert_int_equal(reg.ok + reg.failed, 0);

	/* Not a host name: refused at once. */
	snprintf(cfg.registrar, sizeof(cfg.registrar), "sip:exa_mple.org");
	assert_int_equal(cline_add(e2, &cfg, &l2), -EINVAL);

	call_register_retry_ms = retry_was;
	assert_null(strstr(reg.log, "sesame"));
	registrar_done(e2, &kam);
}

static void test_listen_port_taken(void **state)
{
	struct call_line_config cfg;
	struct cline *l2;

	(void)state;
	line_config(&cfg, "bert", LINE_PORT);
	assert_int_equal(cline_add(engine, &cfg, &l2), 0);
	assert_int_equal(cline_port(l2), LINE_PORT + 1);
	assert_string_equal(cline_uri(l2), "sip:bert@127.0.0.1:15121");
	cline_remove(l2);
}

static void test_reason_mapping(void **state)
{
	(void)state;
	assert_int_equal(call_reason_from_scode(486), CALL_REASON_BUSY);
	assert_int_equal(call_reason_from_scode(600), CALL_REASON_BUSY);
	assert_int_equal(call_reason_from_scode(603), CALL_REASON_REJECT);
	assert_int_equal(call_reason_from_scode(408), CALL_REASON_NOANSWER);
	assert_int_equal(call_reason_from_scode(480), CALL_REASON_NOANSWER);
	assert_int_equal(call_reason_from_scode(500), CALL_REASON_UNAVAIL);
	assert_int_equal(call_reason_from_errno(ECONNREFUSED), CALL_REASON_UNREACHABLE);
	assert_int_equal(call_reason_from_errno(ENETUNREACH), CALL_REASON_UNREACHABLE);
	assert_int_equal(call_reason_from_errno(ENOMEM), CALL_REASON_UNAVAIL);
	assert_string_equal(call_reason_name(CALL_REASON_BADADDRESS), "BADADDRESS");
	assert_string_equal(call_state_name(CALL_STATE_RINGBACK), "RINGBACK");
	assert_string_equal(call_reason_name(CALL_REASON_NOANSWER), "NOANSWER");
}

/* --- malformed SIP from the network --------------------------------------------------- */

#define JUNK_PORT 15198

static const char good_invite[] =
	"INVITE sip:alice@127.0.0.1:15120 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:15198;branch=z9hG4bK-%u\r\n"
	"Max-Forwards: 70\r\n"
	"From: \"Eve\" <sip:eve@127.0.0.1:15198>;tag=t%u\r\n"
	"To: <sip:%s@127.0.0.1:15120>\r\n"
	"Call-ID: junk-%u@127.0.0.1\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sip:eve@127.0.0.1:15198>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: %u\r\n\r\n%s";

static const char good_sdp[] =
	"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
	"m=audio 15197 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

static int junk_fd = -1;
static char junk_reply[2048];

static void send_junk(const void *buf, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(LINE_PORT) };

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	(void)sendto(junk_fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
	loop_run_for(2);
}

static size_t invite(char *buf, size_t size, unsigned id, const char *user, const char *sdp)
{
	int n = snprintf(buf, size, good_invite, id, id, user, id, (unsigned)strlen(sdp), sdp);

	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* Reads replies until one starts with `status` (e.g. "SIP/2.0 488"), bounded. */
static bool got_reply(void *arg)
{
	const char *status = arg;
	ssize_t n;

	while ((n = recv(junk_fd, junk_reply, sizeof(junk_reply) - 1, MSG_DONTWAIT)) > 0) {
		junk_reply[n] = '\0';
		if (!strncmp(junk_reply, status, strlen(status)))
			return true;
	}
	return false;
}

static void test_malformed_datagrams(void **state)
{
	static char buf[70000];
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(JUNK_PORT) };
	unsigned i, id = 1, seed = 12345;
	int sink_fd;
	size_t len;

	(void)state;
	junk_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(junk_fd >= 0);
	me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(junk_fd, (struct sockaddr *)&me, sizeof(me)), 0);

	/* Noise: empty, keep-alives, random bytes of many lengths, NULs. */
	send_junk("", 0);
	send_junk("\r\n\r\n", 4);
	for (i = 0; i < 200; i++) {
		size_t k, n = (size_t)(rand_r(&seed) % 1500) + 1;

		for (k = 0; k < n; k++)
			buf[k] = (char)rand_r(&seed);
		if (i % 3 == 0)
			memcpy(buf, "INVITE ", n < 7 ? n : 7);
		send_junk(buf, n);
	}
	/* Every prefix (in steps) of a valid INVITE, and the INVITE with bytes flipped. */
	len = invite(buf, sizeof(buf), id++, "alice", good_sdp);
	for (i = 1; i < len; i += 5)
		send_junk(buf, i);
	for (i = 0; i < 300; i++) {
		char copy[2048];
		size_t n = invite(copy, sizeof(copy), 1000 + i, "alice", good_sdp);

		copy[rand_r(&seed) % n] = (char)rand_r(&seed);
		copy[rand_r(&seed) % n] = (char)rand_r(&seed);
		send_junk(copy, n);
	}
	/* Headers that lie or overflow. */
	len = (size_t)snprintf(buf, sizeof(buf),
		"INVITE sip:alice@127.0.0.1:15120 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:15198;"
		"branch=z9hG4bK-x\r\nFrom: <sip:e@h>;tag=1\r\nTo: <sip:alice@h>\r\nCall-ID: c\r\n"
		"CSeq: 1 INVITE\r\nContent-Length: 99999\r\n\r\nv=0\r\n");
	send_junk(buf, len);
	len = (size_t)snprintf(buf, sizeof(buf), "INVITE sip:alice@127.0.0.1 SIP/2.0\r\nX: ");
	memset(buf + len, 'a', 60000);
	len += 60000;
	memcpy(buf + len, "\r\n\r\n", 4);
	send_junk(buf, len + 4);
	send_junk("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:15120;branch=z9hG4bKnone\r\n"
		  "CSeq: 1 INVITE\r\nCall-ID: none\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n"
		  "Content-Length: 0\r\n\r\n", 160);
	send_junk("BYE sip:alice@127.0.0.1:15120 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:15198;"
		  "branch=z9hG4bKbye\r\nFrom: <sip:e@h>;tag=1\r\nTo: <sip:alice@h>;tag=2\r\n"
		  "Call-ID: nodialog\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n", 178);

	/* Well-formed SIP with SDP we cannot use gets 488; a stranger's user gets 404. */
	len = invite(buf, sizeof(buf), id++, "alice",
		     "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		     "m=audio 15197 RTP/AVP 18\r\n");
	send_junk(buf, len);
	assert_true(loop_until(got_reply, "SIP/2.0 488", WAIT));
	len = invite(buf, sizeof(buf), id++, "alice", "v=0\r\nthis is not SDP\r\n");
	send_junk(buf, len);
	assert_true(loop_until(got_reply, "SIP/2.0 488", WAIT));
	len = invite(buf, sizeof(buf), id++, "mallory", good_sdp);
	send_junk(buf, len);
	assert_true(loop_until(got_reply, "SIP/2.0 404", WAIT));

	/* An INVITE without SDP (offer in our 200 OK, answer expected in the ACK). */
	loop_run_for(100);
	if (rec.incoming)
		call_release(rec.incoming);
	rec_reset();
	len = invite(buf, sizeof(buf), id++, "alice", "");
	send_junk(buf, len);
	assert_true(loop_until(have_incoming, NULL, WAIT));
	assert_int_equal(call_answer(rec.incoming), 0);
	assert_true(loop_until(got_reply, "SIP/2.0 200", WAIT));
	assert_non_null(strstr(junk_reply, "m=audio "));
	assert_non_null(strstr(junk_reply, "telephone-event/8000"));

	/* RTP at an answered call's port: from a stranger's address it is dropped (no audio,
	 * no DTMF injected), from the far end's it counts; junk does no harm. */
	loop_run_for(100);
	if (rec.incoming)
		call_release(rec.incoming);
	rec_reset();
	/* Where good_sdp says the far end's RTP is: a sink, so our packets cause no ICMP. */
	me.sin_port = htons(15197);
	sink_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(sink_fd, (struct sockaddr *)&me, sizeof(me)), 0);
	len = invite(buf, sizeof(buf), id++, "alice", good_sdp);
	send_junk(buf, len);
	assert_true(loop_until(have_incoming, NULL, WAIT));
	assert_int_equal(call_answer(rec.incoming), 0);
	assert_true(loop_until(got_reply, "SIP/2.0 200", WAIT));
	{
		const char *m = strstr(junk_reply, "m=audio ");
		struct sockaddr_in rtp = { .sin_family = AF_INET };
		struct sockaddr_in stranger = { .sin_family = AF_INET };
		uint8_t pkt[12 + 160];
		struct call_stats st;
		int sfd;

		assert_non_null(m);
		rtp.sin_port = htons((uint16_t)atoi(m + 8));
		rtp.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		stranger.sin_addr.s_addr = htonl(0x7f000002); /* 127.0.0.2 */
		sfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		assert_true(sfd >= 0);
		assert_int_equal(bind(sfd, (struct sockaddr *)&stranger, sizeof(stranger)), 0);
		memset(pkt, 0xff, sizeof(pkt));
		pkt[0] = 0x80;
		for (i = 0; i < 10; i++) {
			pkt[1] = i % 2 ? 101 : 0; /* PCMU, and telephone-event "1" */
			pkt[3] = (uint8_t)i;
			pkt[12] = 1;
			pkt[13] = 0x0a;
			(void)sendto(sfd, pkt, i % 2 ? 16 : sizeof(pkt), 0, (struct sockaddr *)&rtp,
				     sizeof(rtp));
		}
		for (i = 0; i < 50; i++) {
			size_t k, n = (size_t)(rand_r(&seed) % sizeof(pkt)) + 1;

			for (k = 0; k < n; k++)
				pkt[k] = (uint8_t)rand_r(&seed);
			(void)sendto(sfd, pkt, n, 0, (struct sockaddr *)&rtp, sizeof(rtp));
			(void)sendto(junk_fd, pkt, n, 0, (struct sockaddr *)&rtp, sizeof(rtp));
		}
		close(sfd);
		loop_run_for(100);
		call_get_stats(rec.incoming, &st);
		assert_true(st.rx_bad >= 10);
		assert_int_equal(st.dtmf_rx, 0);
		assert_int_equal(rec.ndigits, 0);
		/* From the far end's address a well-formed packet counts. */
		memset(pkt, 0xff, sizeof(pkt));
		pkt[0] = 0x80;
		pkt[1] = 0;
		pkt[3] = 99;
		(void)sendto(junk_fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&rtp, sizeof(rtp));
		loop_run_for(50);
		call_get_stats(rec.incoming, &st);
		assert_true(st.rtp_rx >= 1);
		assert_int_equal(call_state(rec.incoming), CALL_STATE_CONNECTED);
	}
	close(sink_fd);

	loop_run_for(100);
	/* Whatever the flipped bytes turned into calls, give them back. */
	if (rec.incoming) {
		call_release(rec.incoming);
		rec_reset();
	}
	rec_reset();
	rec.nincoming = 0;
	close(junk_fd);
	junk_fd = -1;

	/* The line still takes a real call. */
	peer_dial("bob", cline_uri(line));
	assert_true(loop_until(have_incoming, NULL, WAIT));
	assert_int_equal(call_answer(rec.call), 0);
	assert_true(peer_wait_event(&peer, 0, WAIT, "CALL_ESTABLISHED", NULL) >= 0);
	assert_int_equal(call_drop(rec.call), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_mapping),
		T(test_outgoing_connected_rtp_dtmf),
		T(test_dialtone_then_dial),
		T(test_pcma_both_ways),
		T(test_phone_media_port),
		T(test_alsa_port_between_lines),
		T(test_busy),
		T(test_no_answer),
		T(test_final_responses),
		T(test_unreachable),
		T(test_host_names),
		T(test_incoming_answer_peer_hangs_up),
		T(test_incoming_we_hang_up),
		T(test_incoming_caller_cancels),
		T(test_incoming_other_user_404),
		T(test_incoming_refused_when_not_accepting),
		T(test_peer_vanishes),
		T(test_peer_freezes),
		T(test_release_inside_callbacks),
		T(test_listen_port_taken),
		T(test_register_via_kamailio),
		T(test_register_by_host_name),
		T(test_malformed_datagrams),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
