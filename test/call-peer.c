/* baresip as the far end: a temporary config directory, the process, and its ctrl_tcp
 * control connection (netstring-framed JSON), all on the test's libre main loop. */
#include "test/call-peer.h"

#include <re.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BARESIP "/usr/bin/baresip"
#define MAX_PATTERNS 4

struct until {
	bool (*cond)(void *arg);
	void *arg;
	uint64_t deadline;
	bool met;
	struct tmr tmr;
};

static void until_check(void *arg)
{
	struct until *u = arg;

	if (u->cond && u->cond(u->arg)) {
		u->met = true;
		re_cancel();
		return;
	}
	if (tmr_jiffies() >= u->deadline) {
		re_cancel();
		return;
	}
	tmr_start(&u->tmr, 2, until_check, u);
}

bool loop_until(bool (*cond)(void *arg), void *arg, unsigned timeout_ms)
{
	struct until u = { .cond = cond, .arg = arg };

	if (cond && cond(arg))
		return true;
	tmr_init(&u.tmr);
	u.deadline = tmr_jiffies() + timeout_ms;
	tmr_start(&u.tmr, 2, until_check, &u);
	re_main(NULL);
	tmr_cancel(&u.tmr);
	return u.met;
}

static void run_for_done(void *arg)
{
	(void)arg;
	re_cancel();
}

/* One timer, no polling: the loop sleeps between its own events (benchmarks measure CPU). */
void loop_run_for(unsigned ms)
{
	struct tmr t;

	tmr_init(&t);
	tmr_start(&t, ms, run_for_done, NULL);
	re_main(NULL);
	tmr_cancel(&t);
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

static void ctrl_handle(struct call_peer *p, const char *json, size_t len)
{
	char *s = malloc(len + 1);

	if (!s)
		return;
	memcpy(s, json, len);
	s[len] = '\0';
	if (getenv("HIDPHONE_TEST_VERBOSE"))
		fprintf(stderr, "baresip> %s\n", s);
	if (strstr(s, "\"response\":true")) {
		snprintf(p->last_response, sizeof(p->last_response), "%s", s);
		p->responses++;
	}
	if (p->nevents < PEER_MAX_EVENTS)
		p->events[p->nevents++] = s;
	else
		free(s);
}

/* No Nagle on our side and no delayed ACKs: baresip writes a response and its events in
 * separate small segments, which would otherwise wait 40 ms for our ACK. */
static void ctrl_tune(struct call_peer *p)
{
	int one = 1, fd = tcp_conn_fd(p->ctrl);

	if (fd < 0)
		return;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

static void ctrl_estab(void *arg)
{
	struct call_peer *p = arg;

	p->connected = true;
	ctrl_tune(p);
}

/* Netstrings: "LEN:JSON," back to back, possibly split across reads. */
static void ctrl_recv(struct mbuf *mb, void *arg)
{
	struct call_peer *p = arg;

	ctrl_tune(p); /* the kernel turns quick ACKs off again after a while */
	if (mbuf_write_mem(p->rx, mbuf_buf(mb), mbuf_get_left(mb)))
		return;
	for (;;) {
		const char *b = (const char *)p->rx->buf;
		size_t have = p->rx->end, i = 0, len = 0;

		while (i < have && i < 10 && b[i] >= '0' && b[i] <= '9')
			len = len * 10 + (size_t)(b[i++] - '0');
		if (i == have || i + 1 + len + 1 > have)
			return; /* incomplete */
		if (b[i] != ':' || b[i + 1 + len] != ',') {
			p->rx->pos = p->rx->end = 0; /* out of step: drop what we have */
			return;
		}
		ctrl_handle(p, b + i + 1, len);
		memmove(p->rx->buf, b + i + 2 + len, have - (i + 2 + len));
		p->rx->end = have - (i + 2 + len);
		p->rx->pos = 0;
	}
}

static void ctrl_close(int err, void *arg)
{
	struct call_peer *p = arg;

	(void)err;
	p->ctrl_closed = true;
	p->connected = false;
}

static bool is_connected(void *arg)
{
	struct call_peer *p = arg;

	return p->connected || p->ctrl_closed;
}

int peer_start(struct call_peer *p, uint16_t sip_port, uint16_t ctrl_port)
{
	char config[1200], accounts[512];
	struct sa addr;
	unsigned attempt;
	int fd;

	memset(p, 0, sizeof(*p));
	p->sip_port = sip_port;
	p->ctrl_port = ctrl_port;
	snprintf(p->dir, sizeof(p->dir), "/tmp/hidphone-baresip-XXXXXX");
	if (!mkdtemp(p->dir))
		return -errno;
	/* bob answers at once, carol waits for a command, pat speaks only PCMA (the codec
	 * module loads before the accounts, which name its codecs).
	 * ausine as the source (a 440 Hz tone we can recognise); aubridge as a player that
	 * needs no sound card. SIP over UDP on loopback only; TLS would take sip_port + 1. */
	snprintf(config, sizeof(config),
		 "poll_method epoll\n"
		 "net_interface 127.0.0.1\n"
		 "sip_listen 127.0.0.1:%u\n"
		 "sip_transports udp\n"
		 "module_path /usr/lib/baresip/modules\n"
		 "module g711.so\n"
		 "module account.so\n"
		 "module ausine.so\n"
		 "module aubridge.so\n"
		 "module sndfile.so\n"
		 "snd_path %s\n"
		 "module_app ctrl_tcp.so\n"
		 "module_app menu.so\n"
		 "ctrl_tcp_listen 127.0.0.1:%u\n"
		 "audio_player aubridge,nil\n"
		 "audio_alert aubridge,nil\n"
		 "audio_source ausine,440\n"
		 "ausrc_srate 48000\n"
		 "ausrc_channels 2\n"
		 "rtp_timeout 0\n"
		 "rtp_ports 15300-15399\n"
		 "rtp_stats yes\n",
		 sip_port, p->dir, ctrl_port);
	snprintf(accounts, sizeof(accounts),
		 "<sip:bob@127.0.0.1:%u>;regint=0;answermode=auto;audio_codecs=PCMU,PCMA\n"
		 "<sip:carol@127.0.0.1:%u>;regint=0;answermode=manual;audio_codecs=PCMU,PCMA\n"
		 "<sip:pat@127.0.0.1:%u>;regint=0;answermode=auto;audio_codecs=PCMA\n"
		 "<sip:4711@127.0.0.1:%u>;regint=0;answermode=auto;audio_codecs=PCMU,PCMA\n",
		 sip_port, sip_port, sip_port, sip_port);
	if (write_file(p->dir, "config", config) || write_file(p->dir, "accounts", accounts) ||
	    write_file(p->dir, "contacts", ""))
		return -EIO;

	p->pid = fork();
	if (p->pid < 0)
		return -errno;
	if (p->pid == 0) {
		char log[96];

		/* Dies with the test, even when a sanitizer aborts it: no peer keeps the
		 * test's ports after a failed run. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);

		snprintf(log, sizeof(log), "%s/log", p->dir);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, 0);
		/* Line-buffered, so its log can be read while it runs. */
		execl("/usr/bin/stdbuf", "stdbuf", "-oL", "-eL", BARESIP, "-f", p->dir, "-v",
		      (char *)NULL);
		_exit(127);
	}
	p->rx = mbuf_alloc(8192);
	sa_set_str(&addr, "127.0.0.1", ctrl_port);
	/* It takes a moment to listen: connect until it answers (bounded). */
	for (attempt = 0; attempt < 100; attempt++) {
		p->ctrl_closed = false;
		if (tcp_connect(&p->ctrl, &addr, ctrl_estab, ctrl_recv, ctrl_close, p))
			return -EIO;
		loop_until(is_connected, p, 500);
		if (p->connected)
			return 0;
		p->ctrl = mem_deref(p->ctrl);
		if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
			p->pid = 0;
			return -ECHILD;
		}
		loop_run_for(30);
	}
	return -ETIMEDOUT;
}

static void reap(struct call_peer *p, unsigned timeout_ms)
{
	unsigned waited = 0;

	while (p->pid > 0) {
		if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
			p->pid = 0;
			return;
		}
		if (waited >= timeout_ms) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, NULL, 0);
			p->pid = 0;
			return;
		}
		loop_run_for(10);
		waited += 10;
	}
}

void peer_kill(struct call_peer *p)
{
	if (p->pid > 0)
		kill(p->pid, SIGKILL);
	reap(p, 3000);
	p->ctrl = mem_deref(p->ctrl);
}

int peer_start_setup(struct call_peer *p, uint16_t sip_port, uint16_t ctrl_port)
{
	int err = peer_start(p, sip_port, ctrl_port);

	if (err) {
		fprintf(stderr, "baresip did not start: %s (log in %s)\n", strerror(-err), p->dir);
		return -1;
	}
	return 0;
}

void peer_stop(struct call_peer *p)
{
	unsigned i;
	char cmd[160];

	if (p->pid > 0 && p->connected)
		(void)peer_command(p, "quit", NULL);
	if (p->pid > 0)
		kill(p->pid, SIGTERM);
	reap(p, 3000);
	p->ctrl = mem_deref(p->ctrl);
	p->rx = mem_deref(p->rx);
	for (i = 0; i < p->nevents; i++)
		free(p->events[i]);
	p->nevents = 0;
	if (p->dir[0] && !getenv("HIDPHONE_TEST_KEEP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", p->dir);
	}
	p->dir[0] = '\0';
}

struct wait_resp {
	struct call_peer *p;
	unsigned want;
};

static bool got_response(void *arg)
{
	struct wait_resp *w = arg;

	return w->p->responses >= w->want || w->p->ctrl_closed;
}

int peer_command(struct call_peer *p, const char *cmd, const char *params)
{
	static unsigned token;
	struct wait_resp w = { p, p->responses + 1 };
	char json[512];
	struct mbuf *mb;
	int n, err;

	if (!p->ctrl || !p->connected)
		return -ENOTCONN;
	n = snprintf(json, sizeof(json), "{\"command\":\"%s\",\"params\":\"%s\",\"token\":\"%u\"}",
		     cmd, params ? params : "", ++token);
	if (n < 0 || (size_t)n >= sizeof(json))
		return -E2BIG;
	mb = mbuf_alloc(n + 16);
	if (!mb)
		return -ENOMEM;
	mbuf_printf(mb, "%d:%s,", n, json);
	mb->pos = 0;
	err = tcp_send(p->ctrl, mb);
	mem_deref(mb);
	if (err)
		return -err;
	if (!loop_until(got_response, &w, 3000) || p->ctrl_closed)
		return -ETIMEDOUT;
	return strstr(p->last_response, "\"ok\":true") ? 0 : -EPROTO;
}

static int find_v(const struct call_peer *p, unsigned from, const char *const *pat)
{
	unsigned i, k;

	for (i = from; i < p->nevents; i++) {
		for (k = 0; pat[k]; k++)
			if (!strstr(p->events[i], pat[k]))
				break;
		if (!pat[k])
			return (int)i;
	}
	return -1;
}

static unsigned collect(const char *pat[MAX_PATTERNS + 1], va_list ap)
{
	unsigned n = 0;
	const char *s;

	while ((s = va_arg(ap, const char *)) != NULL && n < MAX_PATTERNS)
		pat[n++] = s;
	pat[n] = NULL;
	return n;
}

int peer_find_event(const struct call_peer *p, unsigned from, ...)
{
	const char *pat[MAX_PATTERNS + 1];
	va_list ap;

	va_start(ap, from);
	collect(pat, ap);
	va_end(ap);
	return find_v(p, from, pat);
}

struct wait_ev {
	struct call_peer *p;
	unsigned from;
	const char **pat;
	int found;
};

static bool event_seen(void *arg)
{
	struct wait_ev *w = arg;

	w->found = find_v(w->p, w->from, w->pat);
	return w->found >= 0;
}

int peer_wait_event(struct call_peer *p, unsigned from, unsigned timeout_ms, ...)
{
	const char *pat[MAX_PATTERNS + 1];
	struct wait_ev w = { p, from, pat, -1 };
	va_list ap;
	unsigned k;

	va_start(ap, timeout_ms);
	collect(pat, ap);
	va_end(ap);
	if (loop_until(event_seen, &w, timeout_ms))
		return w.found;
	fprintf(stderr, "baresip: no event with");
	for (k = 0; pat[k]; k++)
		fprintf(stderr, " \"%s\"", pat[k]);
	fprintf(stderr, " within %u ms; it sent:\n", timeout_ms);
	peer_dump_events(p);
	return -1;
}

void peer_dump_events(const struct call_peer *p)
{
	unsigned i;

	for (i = 0; i < p->nevents; i++)
		fprintf(stderr, "  [%u] %.300s\n", i, p->events[i]);
}

/* baresip -v prints each call's RTP counters when the call ends:
 *     audio           Transmit:     Receive:
 *     packets:             25           20
 * Returns the last call's received count, or -1 if there is none yet. */
long peer_log_rx_packets(const struct call_peer *p)
{
	char path[96], line[256];
	long tx, rx, last = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/log", p->dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "packets: %ld %ld", &tx, &rx) == 2)
			last = rx;
	fclose(f);
	return last;
}

/*
 * The loudest sample of each window of the newest dump-*-WHICH.wav (16-bit PCM): peaks[i]
 * for samples [i * window, (i + 1) * window), at most max of them (NULL, 0: none kept);
 * the loudest of all, -1 if there is none.
 */
static long dump_peaks(const struct call_peer *p, const char *which, long window, long *peaks,
		       size_t max, size_t *n_peaks, long *samples)
{
	char cmd[256], path[256] = "";
	long peak = -1, n = 0;
	uint8_t hdr[12], chunk[8];
	FILE *f;

	if (n_peaks)
		*n_peaks = 0;

	snprintf(cmd, sizeof(cmd), "ls -t %s/dump-*-%s.wav 2>/dev/null | head -n 1", p->dir, which);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (!fgets(path, sizeof(path), f))
		path[0] = '\0';
	pclose(f);
	path[strcspn(path, "\n")] = '\0';
	if (!path[0] || !(f = fopen(path, "rb")))
		return -1;
	/* RIFF header, then chunks up to "data" */
	if (fread(hdr, 1, 12, f) != 12 || memcmp(hdr, "RIFF", 4) || memcmp(hdr + 8, "WAVE", 4))
		goto out;
	while (fread(chunk, 1, 8, f) == 8) {
		uint32_t len = (uint32_t)chunk[4] | (uint32_t)chunk[5] << 8 |
			       (uint32_t)chunk[6] << 16 | (uint32_t)chunk[7] << 24;
		int16_t s;

		if (memcmp(chunk, "data", 4)) {
			if (fseek(f, (long)(len + (len & 1)), SEEK_CUR))
				break;
			continue;
		}
		peak = 0;
		while (fread(&s, sizeof(s), 1, f) == 1) {
			long a = s < 0 ? -(long)s : s;
			size_t w = window > 0 ? (size_t)(n / window) : 0;

			if (peaks && w < max) {
				if (n % window == 0)
					peaks[w] = 0;
				if (a > peaks[w])
					peaks[w] = a;
				*n_peaks = w + 1;
			}
			n++;
			if (a > peak)
				peak = a;
		}
		break;
	}
out:
	fclose(f);
	if (samples)
		*samples = n;
	return peak;
}

long peer_dump_peak(const struct call_peer *p, const char *which, long *samples)
{
	return dump_peaks(p, which, 0, NULL, 0, NULL, samples);
}

size_t peer_dump_peaks(const struct call_peer *p, const char *which, long window, long *peaks,
		       size_t max)
{
	size_t n = 0;

	return dump_peaks(p, which, window, peaks, max, &n, NULL) < 0 ? 0 : n;
}
