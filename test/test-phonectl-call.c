/*
 * phonectl call | answer | hangup against a real baresip (test/call-peer.c): the phonectl
 * binary run as a user runs it, on a replayed phone whose line (a temporary hidphone.conf)
 * listens on 127.0.0.1:17700; baresip on 17710 (TLS 17711), its control on 17712; RTP
 * 17750-17799. Its output is read line by line while the test runs baresip's loop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <re.h>

#include "hid/rdesc-load.h"
#include "hid/recording.h"
#include "call-peer.h"
#include "test-util.h"

#define LINE_PORT 17700
#define PEER_SIP 17710
#define PEER_CTRL 17712
#define WAIT_MS 10000

static char tmpdir[256], rec_path[300], rec2_path[300];
static struct call_peer peer;

struct child {
	pid_t pid;
	int fd;
	char out[1 << 18];
	size_t len;
	int status;
	bool exited;
};

/* Runs path with argv, its stdout and stderr read into c->out as it runs. */
static pid_t spawn_program(struct child *c, const char *path, const char *const argv[])
{
	int p[2];

	memset(c, 0, sizeof(*c));
	assert_int_equal(pipe(p), 0);
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (c->pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		close(p[1]);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	c->fd = p[0];
	fcntl(c->fd, F_SETFL, O_NONBLOCK);
	return c->pid;
}

static pid_t spawn(struct child *c, const char *const argv[])
{
	return spawn_program(c, TEST_PHONECTL, argv);
}

static void drain(struct child *c)
{
	ssize_t n;

	while (c->len + 1 < sizeof(c->out) &&
	       (n = read(c->fd, c->out + c->len, sizeof(c->out) - 1 - c->len)) > 0)
		c->len += (size_t)n;
	c->out[c->len] = '\0';
	if (!c->exited && waitpid(c->pid, &c->status, WNOHANG) == c->pid)
		c->exited = true;
}

struct want {
	struct child *c;
	const char *text;
};

static bool printed(void *arg)
{
	struct want *w = arg;

	drain(w->c);
	return strstr(w->c->out, w->text) != NULL;
}

static bool exited(void *arg)
{
	struct child *c = arg;

	drain(c);
	if (c->exited) {
		drain(c);   /* what it wrote before it ended */
		return true;
	}
	return false;
}

static void expect_output(struct child *c, const char *text)
{
	struct want w = { c, text };

	if (!loop_until(printed, &w, WAIT_MS))
		fail_msg("phonectl never printed \"%s\"; it printed:\n%s", text, c->out);
}

/* Waits for the child to end; returns its exit status. */
static int wait_exit(struct child *c)
{
	if (!loop_until(exited, c, WAIT_MS)) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, &c->status, 0);
		fail_msg("phonectl did not end; it printed:\n%s", c->out);
	}
	close(c->fd);
	return WIFEXITED(c->status) ? WEXITSTATUS(c->status) : 128 + WTERMSIG(c->status);
}

/* baresip's user bob calls alice, the phone's line. */
static void bob_calls_alice(void)
{
	char aor[64], to[64];

	snprintf(aor, sizeof(aor), "sip:bob@127.0.0.1:%u", PEER_SIP);
	snprintf(to, sizeof(to), "sip:alice@127.0.0.1:%u", LINE_PORT);
	assert_int_equal(peer_command(&peer, "uafind", aor), 0);
	assert_int_equal(peer_command(&peer, "dial", to), 0);
}

static void write_files(void)
{
	struct recording_device dev = { .bus = 3, .vendor = 0x0b0e, .product = 0x24c9 };
	uint8_t *rdesc = malloc(RDESC_MAX_SIZE);
	enum rdesc_file_format fmt;
	struct text_error err;
	char path[300];
	FILE *f;
	long n;

	snprintf(rec_path, sizeof(rec_path), "%s/phone.hid", tmpdir);
	f = fopen(rec_path, "w");
	assert_non_null(f);
	n = rdesc_read_file(TEST_DATA_DIR "/descriptors/jabra-link-380c.rdesc.hex", rdesc, &fmt,
			    &err);
	assert_true(n > 0);
	snprintf(dev.name, sizeof(dev.name), "Jabra Link 380");
	dev.rdesc = rdesc;
	dev.rdesc_len = (size_t)n;
	assert_int_equal(recording_write_device(f, &dev, false), 0);
	fclose(f);
	/* the same phone, lifted at 4.5 s and put down at 7 s (Jabra Link 380: report 2, bit 0
	 * the headset's hook, keypad idle), as test-line.c plays it; idle reports before, as
	 * a replay cuts longer gaps to 2 s */
	snprintf(rec2_path, sizeof(rec2_path), "%s/phone-lifted.hid", tmpdir);
	f = fopen(rec2_path, "w");
	assert_non_null(f);
	assert_int_equal(recording_write_device(f, &dev, false), 0);
	{
		static const uint8_t up[] = { 0x02, 0x01, 0x06 }, down[] = { 0x02, 0x00, 0x06 };
		/* and a last one, so the phone is still there when the call ends */
		static const unsigned at_ms[] = { 1500, 3000, 4500, 5800, 7000, 8500 };

		for (size_t i = 0; i < 6; i++)
			assert_int_equal(recording_write_report(f, RECORDING_INPUT,
								(uint64_t)at_ms[i] * 1000,
								i == 2 || i == 3 ? up : down,
								sizeof(up)), 0);
	}
	fclose(f);
	free(rdesc);
	snprintf(path, sizeof(path), "%s/hidphone.conf", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[line alice]\nlisten = 127.0.0.1:%u\nmedia = tone\nrtp-ports = 17750-17799\n"
		"answer-timeout = 5\n", LINE_PORT);
	fclose(f);
	setenv("HIDPHONE_CONFIG", path, 1);
	setenv("XDG_RUNTIME_DIR", tmpdir, 1);
}

static int group_setup(void **state)
{
	(void)state;
	write_files();
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return peer_start_setup(&peer, PEER_SIP, PEER_CTRL);
}

static int teardown(void **state)
{
	(void)state;
	peer_stop(&peer);
	return 0;
}

/* phonectl call reaches CONNECTED with baresip; phonectl hangup ends it (BYE at baresip),
 * and the call's phonectl says IDLE and exits 0. */
static void test_call_then_hangup(void **state)
{
	const char *hangup[] = { "phonectl", "hangup", rec_path, NULL };
	struct child call, hup;
	char uri[64];
	const char *argv[] = { "phonectl", "call", rec_path, uri, NULL };

	(void)state;
	snprintf(uri, sizeof(uri), "sip:bob@127.0.0.1:%u", PEER_SIP);
	spawn(&call, argv);
	expect_output(&call, "calling sip:bob@");
	expect_output(&call, "state CONNECTED");
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_ESTABLISHED", NULL) >= 0);
	spawn(&hup, hangup);
	assert_int_equal(wait_exit(&hup), 0);
	assert_non_null(strstr(hup.out, "hung up"));
	assert_int_equal(wait_exit(&call), 0);
	assert_non_null(strstr(call.out, "state IDLE"));
	assert_non_null(strstr(call.out, "call time"));
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_CLOSED", NULL) >= 0);
	/* nothing held any more: another hangup finds no call */
	spawn(&hup, hangup);
	assert_int_equal(wait_exit(&hup), 1);
	assert_non_null(strstr(hup.out, "no call held"));
}

/* phonectl answer takes baresip's call (caller id bob), baresip hangs up: DISCONNECTED
 * NORMAL, then IDLE, exit 0. */
static void test_answer(void **state)
{
	const char *argv[] = { "phonectl", "answer", "--wait", "20", rec_path, NULL };
	struct child ans;

	(void)state;
	spawn(&ans, argv);
	expect_output(&ans, "waiting for a call");
	bob_calls_alice();
	expect_output(&ans, "state OFFERING");
	expect_output(&ans, "call from bob");
	expect_output(&ans, "state CONNECTED");
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_ESTABLISHED", NULL) >= 0);
	assert_int_equal(peer_command(&peer, "hangup", NULL), 0);
	assert_int_equal(wait_exit(&ans), 0);
	assert_non_null(strstr(ans.out, "state DISCONNECTED NORMAL"));
	assert_non_null(strstr(ans.out, "state IDLE"));
}

/* A call carol never answers, hung up by baresip while ringing: BUSY, exit 1; a bad URI is
 * refused; usage errors exit 2. */
static void test_failures(void **state)
{
	const char *bad[] = { "phonectl", "call", rec_path, "no-at-sign", NULL };
	const char *usage[] = { "phonectl", "call", rec_path, NULL };
	char uri[64], aor[64];
	const char *argv[] = { "phonectl", "call", rec_path, uri, NULL };
	struct child c;

	(void)state;
	snprintf(uri, sizeof(uri), "sip:carol@127.0.0.1:%u", PEER_SIP);
	spawn(&c, argv);
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_INCOMING", NULL) >= 0);
	snprintf(aor, sizeof(aor), "sip:carol@127.0.0.1:%u", PEER_SIP);
	assert_int_equal(peer_command(&peer, "uafind", aor), 0);
	assert_int_equal(peer_command(&peer, "hangup", NULL), 0);
	assert_int_equal(wait_exit(&c), 1);
	assert_non_null(strstr(c.out, "state DISCONNECTED BUSY"));
	assert_non_null(strstr(c.out, "state IDLE"));
	spawn(&c, bad);
	assert_int_equal(wait_exit(&c), 1);
	assert_non_null(strstr(c.out, "LINEERR_INVALADDRESS"));
	spawn(&c, usage);
	assert_int_equal(wait_exit(&c), 2);
}

/* phonectl monitor watches the line too: baresip calls, the phone (replayed) answers by
 * lifting its headset and hangs up: OFFERING with the caller, CONNECTED, IDLE with the
 * call time. */
static void test_monitor_shows_the_call(void **state)
{
	const char *argv[] = { "phonectl", "monitor", "--seconds", "15", rec2_path, NULL };
	struct child mon;

	(void)state;
	spawn(&mon, argv);
	expect_output(&mon, "monitoring");
	bob_calls_alice();
	expect_output(&mon, "line    LINE_CALLSTATE OFFERING");
	expect_output(&mon, "line    call from bob");
	expect_output(&mon, "line    LINE_CALLSTATE CONNECTED");
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_ESTABLISHED", NULL) >= 0);
	expect_output(&mon, "line    LINE_CALLSTATE IDLE");
	expect_output(&mon, "line    call time 2.");   /* lifted 4.5 s to 7 s */
	assert_true(peer_wait_event(&peer, 0, WAIT_MS, "CALL_CLOSED", NULL) >= 0);
	assert_int_equal(wait_exit(&mon), 0);
}

/* The panel (on a terminal: script(1) gives it one) shows the call's state, caller and
 * timer. */
static void test_monitor_panel(void **state)
{
	char cmd[800];
	const char *argv[] = { "/usr/bin/script", "-qfec", cmd, "/dev/null", NULL };
	struct child mon;

	(void)state;
	if (access("/usr/bin/script", X_OK) != 0)
		skip();
	snprintf(cmd, sizeof(cmd), "%s monitor --panel --seconds 15 %s", TEST_PHONECTL,
		 rec2_path);
	spawn_program(&mon, argv[0], argv);
	expect_output(&mon, "call     none");
	bob_calls_alice();
	expect_output(&mon, "OFFERING\033[0m  bob");
	expect_output(&mon, "CONNECTED\033[0m  bob");
	/* the timer runs: a redraw a second later shows 00:01 */
	expect_output(&mon, "  00:01");
	expect_output(&mon, "IDLE\033[0m  bob");
	assert_int_equal(wait_exit(&mon), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_call_then_hangup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_shows_the_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_panel, setup, teardown),
	};
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hidphone-phonectl-call-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	signal(SIGPIPE, SIG_IGN);
	unsetenv("TAPI_PROVIDERS");
	setenv("HIDPHONE_TSP", TEST_PROVIDER, 1);
	if (libre_init())
		return 1;
	rc = cmocka_run_group_tests(tests, group_setup, NULL);
	libre_close();
	test_remove_dir(tmpdir);
	return rc;
}
