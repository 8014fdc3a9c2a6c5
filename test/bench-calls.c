/* What a call costs, against baresip on loopback: call setup (INVITE → CONNECTED) side by
 * side with baresip calling the same peer, the RTP send interval's deviation from 20 ms,
 * and CPU per active call. Printed; ports as in test-call-engine.c.
 *
 * The send interval is measured twice: by the engine itself (the time each packet was
 * handed to the kernel, call_get_stats) and on the wire, where the kernel timestamps every
 * packet as it passes the loopback device (an AF_PACKET socket, SO_TIMESTAMPNS; loopback
 * stamps a packet in netif_rx, within the sender's sendto). The wire is what the far end
 * gets; neither our loop's nor the far end's scheduling after the send enters it. The
 * wire needs CAP_NET_RAW, which a private network namespace gives (unshare -rn); without
 * it only the engine's own figure is printed. */
#include <re.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "calls/call-engine.h"
#include "calls/call-internal.h"
#include "calls/media-hist.h"
#include "test/call-peer.h"

#define CALLEE_SIP 15110
#define CALLEE_CTRL 15190
#define CALLER_SIP 15130
#define CALLER_CTRL 15191
#define LINE_PORT 15120
#define RTP_MIN 15200
#define RTP_MAX 15299
#define SETUPS 20
#define CPU_CALLS 4
#define SECONDS 10

/* All calls pooled, and each call alone: a stall of one call is diluted in the pool. */
static struct {
	int fd;
	bool on;                      /* counting (the measured window) */
	struct {
		uint16_t port;
		uint64_t last_ns;
		struct media_hist h;
	} flow[CPU_CALLS];
	struct media_hist all;           /* deviation of the intervals from 20 ms */
	uint64_t packets;
} wire = { .fd = -1 };

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
	if (st->late_n)
		printf("  sends behind their due time on the 20 ms schedule: p50 %u us, p99 %u us, "
		       "max %u us\n", st->late_p50_us, st->late_p99_us, st->late_max_us);
}

static void wire_packet(const uint8_t *p, size_t len, uint64_t ns)
{
	const struct iphdr *ip = (const void *)p;
	const struct udphdr *udp;
	uint16_t sport;
	unsigned i;

	if (len < sizeof(*ip) || ip->version != 4 || ip->protocol != IPPROTO_UDP ||
	    len < ip->ihl * 4u + sizeof(*udp))
		return;
	udp = (const void *)(p + ip->ihl * 4u);
	sport = ntohs(udp->source);
	/* Our RTP ports are even; RTCP takes the odd one above. */
	if (sport < RTP_MIN || sport > RTP_MAX || sport % 2)
		return;
	wire.packets++;
	for (i = 0; i < CPU_CALLS && wire.flow[i].port && wire.flow[i].port != sport; i++)
		;
	if (i == CPU_CALLS)
		return;
	wire.flow[i].port = sport;
	if (wire.flow[i].last_ns) {
		uint64_t iv = (ns - wire.flow[i].last_ns) / 1000;
		uint64_t d = iv > 20000 ? iv - 20000 : 20000 - iv;

		media_hist_add(&wire.all, d);
		media_hist_add(&wire.flow[i].h, d);
	}
	wire.flow[i].last_ns = ns;
}

static void wire_recv(int flags, void *arg)
{
	uint8_t buf[2048];
	union {
		char buf[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl;

	(void)flags;
	(void)arg;
	for (;;) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
		struct cmsghdr *c;
		ssize_t n = recvmsg(wire.fd, &msg, MSG_DONTWAIT);

		if (n < 0)
			return;
		if (!wire.on)
			continue;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec ts;

				memcpy(&ts, CMSG_DATA(c), sizeof(ts));
				wire_packet(buf, (size_t)n,
					    (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
			}
		}
	}
}

/* 0, or -errno (no CAP_NET_RAW): then the wire is not measured. */
static int wire_open(void)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	int one = 1, size = 1 << 20;

	wire.fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	if (wire.fd < 0)
		return -errno;
	sll.sll_ifindex = (int)if_nametoindex("lo");
	if (bind(wire.fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(wire.fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ||
	    fd_listen(wire.fd, FD_READ, wire_recv, NULL)) {
		int err = errno ? -errno : -EIO;

		close(wire.fd);
		wire.fd = -1;
		return err;
	}
	(void)setsockopt(wire.fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return 0;
}

static void wire_close(void)
{
	if (wire.fd < 0)
		return;
	fd_close(wire.fd);
	close(wire.fd);
	wire.fd = -1;
}

static void print_wire(void)
{
	struct tpacket_stats ps = { 0 };
	socklen_t len = sizeof(ps);
	unsigned p50, p99, i;

	if (wire.fd < 0 || !wire.all.n) {
		printf("RTP send interval, on the wire: not measured (needs CAP_NET_RAW: run in "
		       "unshare -rn)\n");
		return;
	}
	(void)getsockopt(wire.fd, SOL_PACKET, PACKET_STATISTICS, &ps, &len);
	p50 = media_hist_percentile(&wire.all, 50);
	p99 = media_hist_percentile(&wire.all, 99);
	printf("RTP send interval, on the wire (kernel timestamps on lo, %d calls): %llu "
	       "intervals, deviation from 20 ms p50 %s%u us, p99 %s%u us, max %llu us; "
	       "%u packets dropped by the tap\n  each call's p99:", CPU_CALLS,
	       (unsigned long long)wire.all.n, p50 >= 20000 ? ">=" : "", p50,
	       p99 >= 20000 ? ">=" : "", p99, (unsigned long long)wire.all.max_us, ps.tp_drops);
	for (i = 0; i < CPU_CALLS; i++)
		if (wire.flow[i].h.n)
			printf(" %u us", media_hist_percentile(&wire.flow[i].h, 99));
	printf("\n");
}

static void print_load(const char *when)
{
	double l[3];

	if (getloadavg(l, 3) == 3)
		printf("  (load average %s: %.2f %.2f %.2f)\n", when, l[0], l[1], l[2]);
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
	if (wire_open() < 0)
		fprintf(stderr, "bench-calls: no packet socket on lo: %s\n", strerror(errno));
	call_line_config_defaults(&cfg, "alice");
	snprintf(cfg.listen_host, sizeof(cfg.listen_host), "127.0.0.1");
	cfg.listen_port = LINE_PORT;
	cfg.media = CALL_MEDIA_TONE;
	cfg.rtp_port_min = RTP_MIN;
	cfg.rtp_port_max = RTP_MAX;
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
	print_load("before the calls' measurement");
	c0 = cpu_us();
	wire.on = true;
	loop_run_for(SECONDS * 1000);
	wire.on = false;
	busy_cpu = cpu_us() - c0;
	printf("CPU on the loop thread over %d s: idle line %.3f %% of a core; %d calls %.3f %%; "
	       "per call %.3f %% of a core\n", SECONDS, idle_cpu / (SECONDS * 1e4), CPU_CALLS,
	       busy_cpu / (SECONDS * 1e4),
	       (double)(busy_cpu > idle_cpu ? busy_cpu - idle_cpu : 0) / CPU_CALLS /
		       (SECONDS * 1e4));
	call_get_stats(calls[0], &st);
	print_interval("timerfd on the loop (default), measured by the engine, call 1", &st);
	print_wire();
	print_load("after");
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
	wire_close();
	call_engine_destroy(engine);
	loop_run_for(50);
	libre_close();
	return rc;
}
