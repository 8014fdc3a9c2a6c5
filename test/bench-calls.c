/* What a call costs, against baresip on loopback: call setup (INVITE → CONNECTED) side by
 * side with baresip calling the same peer, the RTP send interval's deviation from 20 ms,
 * and CPU per active call. Printed; ports as in test-call-engine.c. */
#include <re.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "calls/call-engine.h"
#include "calls/call-internal.h"
#include "test/call-peer.h"

#define CALLEE_SIP 15110
#define CALLEE_CTRL 15190
#define CALLER_SIP 15130
#define CALLER_CTRL 15191
#define LINE_PORT 15120
#define SETUPS 20
#define CPU_CALLS 4
#define SECONDS 10

static struct call *calls[CPU_CALLS];
static enum call_state states[CPU_CALLS];

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static void on_state(struct call *call, enum call_state st, enum call_reason why, void *arg)
{
	unsigned i;

	(void)why;
	(void)arg;
	for (i = 0; i < CPU_CALLS; i++)
		if (calls[i] == call)
			states[i] = st;
}

static bool all_in(void *arg)
{
	enum call_state want = *(enum call_state *)arg;
	unsigned i;

	for (i = 0; i < CPU_CALLS; i++)
		if (calls[i] && states[i] != want)
			return false;
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void print_times(const char *who, uint64_t *v, unsigned n)
{
	qsort(v, n, sizeof(v[0]), cmp_u64);
	printf("  %-34s median %6.2f ms  p90 %6.2f ms  min %6.2f ms  (%u calls)\n", who,
	       v[n / 2] / 1000.0, v[n * 9 / 10] / 1000.0, v[0] / 1000.0, n);
}

static void print_interval(const char *clock, const struct call_stats *st)
{
	/* The histogram ends at 20 ms: a percentile there means "20 ms or more". */
	printf("RTP send interval, %s: %llu intervals, deviation from 20 ms p50 %s%u us, "
	       "p99 %s%u us, max %u us; packets sent %llu, received %llu\n", clock,
	       (unsigned long long)st->intervals, st->dev_p50_us >= 20000 ? ">=" : "",
	       st->dev_p50_us, st->dev_p99_us >= 20000 ? ">=" : "", st->dev_p99_us,
	       st->dev_max_us, (unsigned long long)st->rtp_tx, (unsigned long long)st->rtp_rx);
}

int main(void)
{
	static const struct call_events ev = { on_state, NULL, NULL, NULL };
	struct call_peer callee, caller;
	struct call_engine *engine;
	struct call_line_config cfg;
	struct cline *line;
	uint64_t ours[SETUPS], theirs[SETUPS], invite[SETUPS], t0, c0, idle_cpu, busy_cpu;
	enum call_state connected = CALL_STATE_CONNECTED;
	char uri[64];
	unsigned i, mark;
	struct call_stats st;
	int rc = 1;

	signal(SIGPIPE, SIG_IGN);
	if (libre_init() || call_engine_create(&engine, &ev, NULL))
		return 1;
	call_line_config_defaults(&cfg, "alice");
	snprintf(cfg.listen_host, sizeof(cfg.listen_host), "127.0.0.1");
	cfg.listen_port = LINE_PORT;
	cfg.media = CALL_MEDIA_TONE;
	cfg.rtp_port_min = 15200;
	cfg.rtp_port_max = 15299;
	if (cline_add(engine, &cfg, &line))
		return 1;
	if (peer_start(&callee, CALLEE_SIP, CALLEE_CTRL) ||
	    peer_start(&caller, CALLER_SIP, CALLER_CTRL)) {
		fprintf(stderr, "bench-calls: baresip did not start\n");
		goto out;
	}
	snprintf(uri, sizeof(uri), "sip:bob@127.0.0.1:%u", CALLEE_SIP);

	printf("Call setup on loopback against baresip %s (auto-answer), INVITE to 200 OK:\n",
	       "1.0.0");
	for (i = 0; i < SETUPS; i++) {
		/* Ours: line_make_call sends the INVITE before it returns. */
		mark = callee.nevents;
		t0 = now_us();
		if (line_make_call(line, uri, &calls[0]))
			goto out;
		invite[i] = now_us() - t0;
		states[0] = CALL_STATE_DIALING;
		if (!loop_until(all_in, &connected, 5000))
			goto out;
		ours[i] = now_us() - t0;
		call_drop(calls[0]);
		call_release(calls[0]);
		calls[0] = NULL;
		if (peer_wait_event(&callee, mark, 5000, "CALL_CLOSED", NULL) < 0)
			goto out;

		/* baresip calling the same peer, timed from its dial command to its event. */
		mark = caller.nevents;
		t0 = now_us();
		if (peer_command(&caller, "dial", uri) ||
		    peer_wait_event(&caller, mark, 5000, "CALL_ESTABLISHED", NULL) < 0)
			goto out;
		theirs[i] = now_us() - t0;
		mark = callee.nevents;
		if (peer_command(&caller, "hangup", NULL) ||
		    peer_wait_event(&callee, mark, 5000, "CALL_CLOSED", NULL) < 0)
			goto out;
	}
	print_times("line_make_call -> INVITE sent", invite, SETUPS);
	print_times("hidphone engine -> CONNECTED", ours, SETUPS);
	print_times("baresip dial -> CALL_ESTABLISHED", theirs, SETUPS);
	printf("  (baresip's time includes its ctrl_tcp command and event on loopback TCP)\n");

	/* CPU: the loop idle with the line open, then with CPU_CALLS calls sending and
	 * receiving G.711 (the peer answers each). */
	c0 = cpu_us();
	loop_run_for(SECONDS * 1000);
	idle_cpu = cpu_us() - c0;
	for (i = 0; i < CPU_CALLS; i++) {
		if (line_make_call(line, uri, &calls[i]))
			goto out;
		states[i] = CALL_STATE_DIALING;
	}
	if (!loop_until(all_in, &connected, 5000))
		goto out;
	c0 = cpu_us();
	loop_run_for(SECONDS * 1000);
	busy_cpu = cpu_us() - c0;
	printf("CPU on the loop thread over %d s: idle line %.3f %% of a core; %d calls %.3f %%; "
	       "per call %.3f %% of a core\n", SECONDS, idle_cpu / (SECONDS * 1e4), CPU_CALLS,
	       busy_cpu / (SECONDS * 1e4),
	       (double)(busy_cpu > idle_cpu ? busy_cpu - idle_cpu : 0) / CPU_CALLS /
		       (SECONDS * 1e4));
	call_get_stats(calls[0], &st);
	print_interval("timerfd on the loop (default)", &st);
	for (i = 0; i < CPU_CALLS; i++) {
		call_release(calls[i]);
		calls[i] = NULL;
	}
	/* The same with libre's millisecond timer as the send clock, for comparison. */
	call_media_clock_timerfd = false;
	if (line_make_call(line, uri, &calls[0]))
		goto out;
	states[0] = CALL_STATE_DIALING;
	if (!loop_until(all_in, &connected, 5000))
		goto out;
	loop_run_for(SECONDS * 1000);
	call_get_stats(calls[0], &st);
	print_interval("libre timer (tmr, 1 ms resolution)", &st);
	call_media_clock_timerfd = true;
	rc = 0;
out:
	for (i = 0; i < CPU_CALLS; i++)
		if (calls[i])
			call_release(calls[i]);
	if (rc)
		fprintf(stderr, "bench-calls: a step failed or timed out\n");
	peer_stop(&caller);
	peer_stop(&callee);
	call_engine_destroy(engine);
	loop_run_for(50);
	libre_close();
	return rc;
}
