/* gadget-phone: the "phone firmware" end of a USB HID gadget.
 *
 * It opens /dev/hidgN (the device side of an f_hid function), plays INPUT
 * reports from a script and records the OUTPUT reports the host sends.
 *
 *   gadget-phone -d /dev/hidgN [-s SCRIPT|-] [-n N] [-t MS] [-l MS] [-w MS] [-D] [-q]
 *
 *   -d DEV    the gadget node; opening is retried until the deadline, because the
 *             node only exists while the gadget is bound to a UDC
 *   -s FILE   script to play, "-" for stdin (read as it arrives, so a test can
 *             feed it line by line); without -s nothing is played
 *   -n N      done only once N output reports have been received
 *   -t MS     overall deadline (default 10000); reaching it is a failure
 *   -l MS     keep recording this long after everything else is done
 *   -w MS     how long the host may take to fetch one input report (default 2000)
 *   -D        discard output reports already queued at start (printed as X:)
 *   -q        do not echo sent input reports
 *
 * Script lines:
 *   E: 02 01 00                       send this input report now
 *   E: 000001.250000 3 02 01 00       hid-recorder style: sent 1.25 s after the
 *                                     first timestamped event
 *   S: 100                            sleep 100 ms
 *   # ...  and any other line (R:, N:, I:, P: of hid-recorder) is ignored.
 *
 * Printed on stdout, one line each, flushed at once:
 *   READY                             the node is open (and drained with -D)
 *   I: <sec.usec> <len> <bytes>       an input report was handed to f_hid
 *                                     (stamped just before the write)
 *   O: <sec.usec> <len> <bytes>       an output report arrived from the host
 *   X: <sec.usec> <len> <bytes>       a stale output report discarded by -D
 *   END sent=N received=M status=...
 * Times are CLOCK_MONOTONIC, comparable with other processes in the guest.
 *
 * Exit status: 0 done, 1 usage or I/O error, 2 deadline reached, 3 the host
 * did not fetch an input report within -w.
 *
 * Why non-blocking I/O with poll: f_hid holds one input report in flight; a
 * blocking write() waits until the host polls the IN endpoint, and usbhid only
 * does that while someone has the hidraw node open, so a blocking firmware can
 * hang forever. Every wait here is bounded.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e-common.h"

#define MAX_REPORT 4096
#define MAX_EVENTS 256
#define SCRIPT_BUF 65536

enum ev_kind { EV_REPORT, EV_SLEEP };

struct event {
	enum ev_kind kind;
	int64_t at_us;   /* hid-recorder timestamp, -1 if none */
	int64_t sleep_us;
	size_t len;
	uint8_t data[MAX_REPORT];
};

static struct event *events;
static size_t ev_head, ev_tail;
static bool quiet;

static void say_at(const char *tag, int64_t t, const uint8_t *p, size_t n)
{
	static char hex[MAX_REPORT * 3 + 1];

	printf("%s: %lld.%06lld %zu %s\n", tag, (long long)(t / 1000000),
	       (long long)(t % 1000000), n, e2e_fmt_hex(p, n, hex, sizeof hex));
	fflush(stdout);
}

static void say(const char *tag, const uint8_t *p, size_t n)
{
	say_at(tag, e2e_now_us(), p, n);
}

static int parse_line(char *line, unsigned lineno)
{
	struct event *ev;
	char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (p[0] == '\0' || p[0] == '#' || p[1] != ':' || (p[0] != 'E' && p[0] != 'S'))
		return 0;
	if (ev_tail >= MAX_EVENTS) {
		fprintf(stderr, "gadget-phone: script line %u: more than %d events queued\n",
			lineno, MAX_EVENTS);
		return -1;
	}
	ev = &events[ev_tail];
	memset(ev, 0, offsetof(struct event, data));
	ev->at_us = -1;
	if (p[0] == 'S') {
		char *end;
		double ms = strtod(p + 2, &end);
		if (end == p + 2 || ms < 0) {
			fprintf(stderr, "gadget-phone: script line %u: bad sleep\n", lineno);
			return -1;
		}
		ev->kind = EV_SLEEP;
		ev->sleep_us = (int64_t)(ms * 1000.0);
		ev_tail++;
		return 0;
	}
	p += 2;
	while (*p == ' ' || *p == '\t')
		p++;
	/* hid-recorder puts "<sec>.<usec> <len>" before the bytes. */
	{
		char *sp = p + strcspn(p, " \t");
		if (memchr(p, '.', (size_t)(sp - p))) {
			char *end;
			double sec = strtod(p, &end);
			long len;
			int n;
			if (end != sp) {
				fprintf(stderr, "gadget-phone: script line %u: bad timestamp\n", lineno);
				return -1;
			}
			len = strtol(sp, &end, 10);
			n = e2e_parse_hex(end, ev->data, sizeof ev->data);
			if (n <= 0 || n != len) {
				fprintf(stderr, "gadget-phone: script line %u: %ld bytes announced, "
					"%d found\n", lineno, len, n);
				return -1;
			}
			ev->at_us = (int64_t)(sec * 1e6 + 0.5);
			ev->len = (size_t)n;
			ev->kind = EV_REPORT;
			ev_tail++;
			return 0;
		}
	}
	{
		int n = e2e_parse_hex(p, ev->data, sizeof ev->data);
		if (n <= 0) {
			fprintf(stderr, "gadget-phone: script line %u: bad report bytes\n", lineno);
			return -1;
		}
		ev->len = (size_t)n;
		ev->kind = EV_REPORT;
		ev_tail++;
	}
	return 0;
}

/* Turns complete lines at the front of buf into events, as long as the queue
 * has room; the rest waits, so a long recording is played in pieces. */
static int parse_pending(char *buf, size_t *len, unsigned *lineno)
{
	while (ev_tail < MAX_EVENTS) {
		char *nl = memchr(buf, '\n', *len);
		size_t used;
		if (!nl) {
			if (*len >= SCRIPT_BUF - 1) {
				fprintf(stderr, "gadget-phone: script line %u too long\n", *lineno + 1);
				return -1;
			}
			return 0;
		}
		*nl = '\0';
		if (nl > buf && nl[-1] == '\r')
			nl[-1] = '\0';
		if (parse_line(buf, ++*lineno) < 0)
			return -1;
		used = (size_t)(nl - buf) + 1;
		memmove(buf, nl + 1, *len - used);
		*len -= used;
	}
	return 0;
}

static int open_retry(const char *dev, int64_t deadline)
{
	for (;;) {
		int fd = open(dev, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		if ((errno != ENOENT && errno != ENODEV && errno != ENXIO) ||
		    e2e_now_us() >= deadline) {
			fprintf(stderr, "gadget-phone: open %s: %s\n", dev, strerror(errno));
			return -1;
		}
		usleep(10000);
	}
}

static void usage(void)
{
	fputs("usage: gadget-phone -d /dev/hidgN [-s SCRIPT|-] [-n N] [-t MS] [-l MS] "
	      "[-w MS] [-D] [-q]\n", stderr);
	exit(1);
}

int main(int argc, char **argv)
{
	const char *dev = NULL, *script = NULL;
	long want_out = 0, timeout_ms = 10000, linger_ms = 0, wtimeout_ms = 2000;
	bool drain = false;
	int opt, fd, sfd = -1, rc = 0;
	const char *status = "done";
	static uint8_t buf[MAX_REPORT];
	static char sbuf[SCRIPT_BUF];
	size_t slen = 0;
	unsigned lineno = 0;
	bool script_eof = true, in_flight = false;
	int64_t start, deadline, flight_since = 0, due = -1, rec_base = -1, rec_first = 0;
	int64_t done_at = -1;
	unsigned long sent = 0, received = 0;

	while ((opt = getopt(argc, argv, "d:s:n:t:l:w:Dq")) != -1) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 's': script = optarg; break;
		case 'n': want_out = strtol(optarg, NULL, 0); break;
		case 't': timeout_ms = strtol(optarg, NULL, 0); break;
		case 'l': linger_ms = strtol(optarg, NULL, 0); break;
		case 'w': wtimeout_ms = strtol(optarg, NULL, 0); break;
		case 'D': drain = true; break;
		case 'q': quiet = true; break;
		default: usage();
		}
	}
	if (!dev || optind != argc)
		usage();
	events = calloc(MAX_EVENTS, sizeof *events);
	if (!events) {
		perror("gadget-phone: calloc");
		return 1;
	}
	start = e2e_now_us();
	deadline = start + timeout_ms * 1000;

	if (script) {
		sfd = strcmp(script, "-") == 0 ? 0 : open(script, O_RDONLY | O_CLOEXEC);
		if (sfd < 0) {
			fprintf(stderr, "gadget-phone: %s: %s\n", script, strerror(errno));
			return 1;
		}
		fcntl(sfd, F_SETFL, fcntl(sfd, F_GETFL) | O_NONBLOCK);
		script_eof = false;
	}
	fd = open_retry(dev, deadline);
	if (fd < 0)
		return 1;
	if (drain) {
		ssize_t r;
		while ((r = read(fd, buf, sizeof buf)) > 0)
			say("X", buf, (size_t)r);
	}
	puts("READY");
	fflush(stdout);

	for (;;) {
		struct pollfd pfd[2];
		int nfds = 1, timeout;
		int64_t now = e2e_now_us(), wake = deadline;

		if (parse_pending(sbuf, &slen, &lineno) < 0) {
			status = "script-error";
			rc = 1;
			break;
		}
		/* Send whatever the script allows right now. */
		while (ev_head < ev_tail && !in_flight) {
			struct event *ev = &events[ev_head];
			int64_t t_write;
			ssize_t w;
			if (ev->kind == EV_SLEEP) {
				if (due < 0)
					due = now + ev->sleep_us;
				if (now < due)
					break;
				due = -1;
				ev_head++;
				continue;
			}
			if (ev->at_us >= 0) {
				if (rec_base < 0) {
					rec_base = now;
					rec_first = ev->at_us;
				}
				if (now < rec_base + (ev->at_us - rec_first)) {
					due = rec_base + (ev->at_us - rec_first);
					break;
				}
				due = -1;
			}
			/* Stamped before the write, as a latency start. */
			t_write = e2e_now_us();
			w = write(fd, ev->data, ev->len);
			if (w < 0 && errno == EAGAIN) {
				/* A report from someone else is still in flight. */
				in_flight = true;
				flight_since = now;
				break;
			}
			if (w != (ssize_t)ev->len) {
				fprintf(stderr, "gadget-phone: write %s: %s\n", dev,
					w < 0 ? strerror(errno) : "short write");
				status = "write-error";
				rc = 1;
				goto out;
			}
			if (!quiet)
				say_at("I", t_write, ev->data, ev->len);
			sent++;
			ev_head++;
			in_flight = true;
			flight_since = now;
		}
		if (ev_head == ev_tail)
			ev_head = ev_tail = 0;

		if (done_at < 0 && script_eof && slen == 0 && ev_head == ev_tail && !in_flight &&
		    received >= (unsigned long)want_out)
			done_at = now;
		if (done_at >= 0 && now >= done_at + linger_ms * 1000)
			break;
		if (now >= deadline) {
			fprintf(stderr, "gadget-phone: deadline of %ld ms reached (sent %lu, "
				"received %lu of %ld, script %s)\n", timeout_ms, sent, received,
				want_out, script_eof ? "finished" : "still open");
			status = "timeout";
			rc = 2;
			break;
		}
		if (in_flight && now >= flight_since + wtimeout_ms * 1000) {
			fprintf(stderr, "gadget-phone: the host did not fetch an input report "
				"within %ld ms (is the hidraw node open?)\n", wtimeout_ms);
			status = "host-not-reading";
			rc = 3;
			break;
		}

		if (due >= 0 && due < wake)
			wake = due;
		if (in_flight && flight_since + wtimeout_ms * 1000 < wake)
			wake = flight_since + wtimeout_ms * 1000;
		if (done_at >= 0 && done_at + linger_ms * 1000 < wake)
			wake = done_at + linger_ms * 1000;
		timeout = wake > now ? (int)((wake - now + 999) / 1000) : 0;

		pfd[0].fd = fd;
		pfd[0].events = POLLIN | (in_flight ? POLLOUT : 0);
		pfd[0].revents = 0;
		if (!script_eof && slen < sizeof sbuf - 1) {
			pfd[1].fd = sfd;
			pfd[1].events = POLLIN;
			pfd[1].revents = 0;
			nfds = 2;
		}
		if (poll(pfd, (nfds_t)nfds, timeout) < 0) {
			if (errno == EINTR)
				continue;
			perror("gadget-phone: poll");
			status = "poll-error";
			rc = 1;
			break;
		}
		if (pfd[0].revents & POLLIN) {
			ssize_t r;
			while ((r = read(fd, buf, sizeof buf)) > 0) {
				say("O", buf, (size_t)r);
				received++;
			}
			if (r < 0 && errno != EAGAIN) {
				fprintf(stderr, "gadget-phone: read %s: %s\n", dev, strerror(errno));
				status = "read-error";
				rc = 1;
				break;
			}
		}
		/* f_hid reports writable once the host has fetched the report in flight. */
		if (in_flight && (pfd[0].revents & POLLOUT))
			in_flight = false;
		if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			fprintf(stderr, "gadget-phone: %s: poll error (gadget unbound?)\n", dev);
			status = "device-gone";
			rc = 1;
			break;
		}
		if (nfds == 2 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t r = read(sfd, sbuf + slen, sizeof sbuf - 1 - slen);
			if (r > 0)
				slen += (size_t)r;
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
				script_eof = true;
				if (slen && sbuf[slen - 1] != '\n')
					sbuf[slen++] = '\n';
			}
		}
	}
out:
	printf("END sent=%lu received=%lu status=%s\n", sent, received, status);
	fflush(stdout);
	close(fd);
	return rc;
}
