/* hidraw-check: the host-side probes of the VM end-to-end harness.
 *
 *   hidraw-check find VID PID [MS]       wait for a hidraw node of VID:PID, print it
 *   hidraw-check gone VID PID [MS]       wait until no hidraw node of VID:PID is left
 *   hidraw-check rawinfo DEV VID PID [NAME]
 *                                        HIDIOCGRAWINFO: bus USB, VID, PID match;
 *                                        HIDIOCGRAWNAME equals NAME if given
 *   hidraw-check rdesc DEV FILE.bin      HIDIOCGRDESC equals the file byte for byte
 *   hidraw-check input DEV HIDG HEX [MS] gadget-phone plays HEX at HIDG; the same
 *                                        bytes must come out of DEV
 *   hidraw-check output DEV HIDG HEX [MS]
 *                                        HEX written to DEV must reach gadget-phone
 *   hidraw-check play DEV HIDG SCRIPT [MS]
 *                                        gadget-phone plays SCRIPT; every report it
 *                                        sends must come out of DEV, in order
 *   hidraw-check latency DEV HIDG IN_HEX OUT_HEX N
 *                                        one-way latencies, N samples per direction
 *
 * VID and PID are hex ("0b0e"). Exit status 0 means the check held; the reason
 * for a failure goes to stderr. The input and output checks drive the real
 * gadget-phone program (found on PATH), so the firmware is tested as well.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/hidraw.h>
#include <linux/input.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e-common.h"

#define MAX_REPORT 4096

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hidraw-check: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static unsigned parse_id(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 16);

	if (*s == '\0' || *end != '\0' || v > 0xffff)
		die("bad VID/PID '%s'", s);
	return (unsigned)v;
}

/* Finds the hidraw node whose HID device is VID:PID on the USB bus, from sysfs,
 * so that it works with and without udevd. Returns 1 and fills path if found. */
static int find_node(unsigned vid, unsigned pid, char *path, size_t cap)
{
	DIR *d = opendir("/sys/class/hidraw");
	struct dirent *de;
	char want[64];
	int found = 0;

	if (!d)
		return 0;
	snprintf(want, sizeof want, "HID_ID=0003:%08X:%08X", vid, pid);
	while (!found && (de = readdir(d))) {
		char fn[300], line[256];
		FILE *f;
		if (strncmp(de->d_name, "hidraw", 6) != 0)
			continue;
		snprintf(fn, sizeof fn, "/sys/class/hidraw/%s/device/uevent", de->d_name);
		f = fopen(fn, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof line, f)) {
			line[strcspn(line, "\n")] = '\0';
			if (strcmp(line, want) == 0) {
				snprintf(path, cap, "/dev/%s", de->d_name);
				found = 1;
				break;
			}
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

static int cmd_find(int argc, char **argv, bool want_present)
{
	unsigned vid, pid;
	long ms = 10000;
	int64_t deadline;
	char path[300];

	if (argc < 2)
		die("%s: need VID PID", want_present ? "find" : "gone");
	vid = parse_id(argv[0]);
	pid = parse_id(argv[1]);
	if (argc > 2)
		ms = strtol(argv[2], NULL, 0);
	deadline = e2e_now_us() + ms * 1000;
	for (;;) {
		int present = find_node(vid, pid, path, sizeof path);
		struct stat st;
		/* The sysfs entry comes before devtmpfs has the node. */
		if (present && want_present && stat(path, &st) == 0 && S_ISCHR(st.st_mode)) {
			puts(path);
			return 0;
		}
		if (!present && !want_present)
			return 0;
		if (e2e_now_us() >= deadline) {
			fprintf(stderr, "hidraw-check: %04x:%04x %s after %ld ms\n", vid, pid,
				want_present ? "has no hidraw node" : "still has a hidraw node", ms);
			return 1;
		}
		usleep(10000);
	}
}

static int open_dev(const char *dev)
{
	int fd = open(dev, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "hidraw-check: open %s: %s\n", dev, strerror(errno));
		exit(1);
	}
	return fd;
}

static int cmd_rawinfo(int argc, char **argv)
{
	struct hidraw_devinfo info;
	char name[256] = "";
	unsigned vid, pid;
	int fd, ok = 1;

	if (argc < 3)
		die("%s", "rawinfo: need DEV VID PID [NAME]");
	vid = parse_id(argv[1]);
	pid = parse_id(argv[2]);
	fd = open_dev(argv[0]);
	if (ioctl(fd, HIDIOCGRAWINFO, &info) < 0)
		die("HIDIOCGRAWINFO: %s", strerror(errno));
	if (ioctl(fd, HIDIOCGRAWNAME(sizeof name), name) < 0)
		die("HIDIOCGRAWNAME: %s", strerror(errno));
	printf("# %s: bus %u vid %04x pid %04x name \"%s\"\n", argv[0], info.bustype,
	       (unsigned)(uint16_t)info.vendor, (unsigned)(uint16_t)info.product, name);
	if (info.bustype != BUS_USB || (uint16_t)info.vendor != vid ||
	    (uint16_t)info.product != pid) {
		fprintf(stderr, "hidraw-check: want bus %u vid %04x pid %04x\n", BUS_USB, vid, pid);
		ok = 0;
	}
	/* usbhid names the device "<manufacturer> <product>" from the string
	 * descriptors, so this checks the gadget's strings made it across. */
	if (argc > 3 && strcmp(name, argv[3]) != 0) {
		fprintf(stderr, "hidraw-check: want name \"%s\"\n", argv[3]);
		ok = 0;
	}
	close(fd);
	return ok ? 0 : 1;
}

static int cmd_rdesc(int argc, char **argv)
{
	struct hidraw_report_descriptor rd;
	static uint8_t want[HID_MAX_DESCRIPTOR_SIZE + 1];
	size_t wlen;
	int fd, size = 0;
	FILE *f;

	if (argc < 2)
		die("%s", "rdesc: need DEV FILE");
	f = fopen(argv[1], "rb");
	if (!f)
		die("cannot open %s", argv[1]);
	wlen = fread(want, 1, sizeof want, f);
	fclose(f);
	fd = open_dev(argv[0]);
	if (ioctl(fd, HIDIOCGRDESCSIZE, &size) < 0)
		die("HIDIOCGRDESCSIZE: %s", strerror(errno));
	memset(&rd, 0, sizeof rd);
	rd.size = (uint32_t)size;
	if (ioctl(fd, HIDIOCGRDESC, &rd) < 0)
		die("HIDIOCGRDESC: %s", strerror(errno));
	close(fd);
	printf("# %s: descriptor %d bytes, fixture %zu bytes\n", argv[0], size, wlen);
	if ((size_t)size != wlen || memcmp(rd.value, want, wlen) != 0) {
		size_t i = 0;
		while (i < wlen && i < (size_t)size && rd.value[i] == want[i])
			i++;
		fprintf(stderr, "hidraw-check: descriptor differs from %s at offset %zu "
			"(kernel %d bytes, fixture %zu bytes)\n", argv[1], i, size, wlen);
		return 1;
	}
	return 0;
}

static void drain(int fd)
{
	uint8_t buf[MAX_REPORT];
	char hex[MAX_REPORT * 3 + 1];
	ssize_t r;

	while ((r = read(fd, buf, sizeof buf)) > 0)
		printf("# discarded stale report: %s\n", e2e_fmt_hex(buf, (size_t)r, hex, sizeof hex));
}

/* Starts gadget-phone with its stdin and stdout on pipes. */
static pid_t spawn_phone(char *const argv[], int *to_child, int *from_child)
{
	int in[2], out[2];
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execvp(argv[0], argv);
		fprintf(stderr, "hidraw-check: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	*to_child = in[1];
	*from_child = out[0];
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	return pid;
}

/* Waits for the child for at most ms, kills it after that; returns its exit code. */
static int reap(pid_t pid, long ms)
{
	int64_t deadline = e2e_now_us() + ms * 1000;
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (e2e_now_us() >= deadline) {
			fprintf(stderr, "hidraw-check: gadget-phone did not exit, killing it\n");
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return 124;
		}
		usleep(5000);
	}
}

/* Reads one line from a non-blocking fd, waiting until the deadline.
 * Returns 1 with a line, 0 on EOF, -1 on timeout. */
static int read_line(int fd, char *line, size_t cap, int64_t deadline)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r == 1) {
			if (c == '\n') {
				line[n] = '\0';
				return 1;
			}
			if (n + 1 < cap)
				line[n++] = c;
			continue;
		}
		if (r == 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return 0;
		{
			int64_t now = e2e_now_us();
			struct pollfd p = { .fd = fd, .events = POLLIN };
			if (now >= deadline)
				return -1;
			poll(&p, 1, (int)((deadline - now) / 1000) + 1);
		}
	}
}

/* Polls fd for one report, up to ms. Returns its length, or -1. */
static ssize_t read_report(int fd, uint8_t *buf, size_t cap, long ms)
{
	int64_t deadline = e2e_now_us() + ms * 1000;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t now = e2e_now_us();
		ssize_t r = read(fd, buf, cap);
		if (r >= 0)
			return r;
		if (errno != EAGAIN && errno != EINTR)
			return -1;
		if (now >= deadline)
			return -1;
		poll(&p, 1, (int)((deadline - now) / 1000) + 1);
	}
}

static int cmd_input(int argc, char **argv)
{
	uint8_t want[MAX_REPORT], got[MAX_REPORT];
	char hex[MAX_REPORT * 3 + 1], line[256], tmo[32];
	long ms = argc > 3 ? strtol(argv[3], NULL, 0) : 3000;
	int n, fd, to_child, from_child, rc, ok = 1;
	ssize_t r;
	pid_t pid;

	if (argc < 3)
		die("%s", "input: need DEV HIDG HEX");
	n = e2e_parse_hex(argv[2], want, sizeof want);
	if (n <= 0)
		die("bad report '%s'", argv[2]);
	/* Open first: usbhid polls the IN endpoint only while the node is open. */
	fd = open_dev(argv[0]);
	drain(fd);
	snprintf(tmo, sizeof tmo, "%ld", ms);
	{
		char *args[] = { "gadget-phone", "-d", argv[1], "-s", "-", "-t", tmo, NULL };
		pid = spawn_phone(args, &to_child, &from_child);
	}
	snprintf(line, sizeof line, "E: %s\n", e2e_fmt_hex(want, (size_t)n, hex, sizeof hex));
	if (e2e_write_all(to_child, line, strlen(line)) < 0)
		die("%s", "cannot feed gadget-phone");
	close(to_child);
	r = read_report(fd, got, sizeof got, ms);
	if (r < 0) {
		fprintf(stderr, "hidraw-check: no input report on %s within %ld ms\n", argv[0], ms);
		ok = 0;
	} else if (r != n || memcmp(got, want, (size_t)n) != 0) {
		fprintf(stderr, "hidraw-check: got %s\n", e2e_fmt_hex(got, (size_t)r, hex, sizeof hex));
		fprintf(stderr, "hidraw-check: want %s\n", e2e_fmt_hex(want, (size_t)n, hex, sizeof hex));
		ok = 0;
	} else {
		printf("# %s delivered %s\n", argv[0], e2e_fmt_hex(got, (size_t)r, hex, sizeof hex));
	}
	rc = reap(pid, ms + 2000);
	while (read_line(from_child, line, sizeof line, e2e_now_us()) == 1)
		if (strncmp(line, "END", 3) == 0 && rc != 0)
			fprintf(stderr, "hidraw-check: gadget-phone: %s\n", line);
	if (rc != 0) {
		fprintf(stderr, "hidraw-check: gadget-phone exited with %d\n", rc);
		ok = 0;
	}
	close(from_child);
	close(fd);
	return ok ? 0 : 1;
}

static int cmd_output(int argc, char **argv)
{
	uint8_t want[MAX_REPORT], got[MAX_REPORT];
	char hex[MAX_REPORT * 3 + 1], line[MAX_REPORT * 3 + 64], tmo[32];
	long ms = argc > 3 ? strtol(argv[3], NULL, 0) : 3000;
	int n, fd, to_child, from_child, rc, ok = 0, got_n = -1;
	int64_t deadline = e2e_now_us() + ms * 1000;
	ssize_t w;
	pid_t pid;

	if (argc < 3)
		die("%s", "output: need DEV HIDG HEX");
	n = e2e_parse_hex(argv[2], want, sizeof want);
	if (n <= 0)
		die("bad report '%s'", argv[2]);
	fd = open_dev(argv[0]);
	snprintf(tmo, sizeof tmo, "%ld", ms);
	{
		char *args[] = { "gadget-phone", "-d", argv[1], "-D", "-n", "1", "-t", tmo, NULL };
		pid = spawn_phone(args, &to_child, &from_child);
	}
	close(to_child);
	for (;;) {
		int lr = read_line(from_child, line, sizeof line, deadline);
		if (lr <= 0) {
			fprintf(stderr, "hidraw-check: gadget-phone did not get ready\n");
			goto done;
		}
		if (strcmp(line, "READY") == 0)
			break;
		printf("# gadget-phone: %s\n", line);
	}
	w = write(fd, want, (size_t)n);
	if (w != n) {
		fprintf(stderr, "hidraw-check: write %s: %s\n", argv[0],
			w < 0 ? strerror(errno) : "short write");
		goto done;
	}
	for (;;) {
		char *p, *end;
		long len;
		int lr = read_line(from_child, line, sizeof line, deadline);
		if (lr <= 0) {
			fprintf(stderr, "hidraw-check: gadget-phone saw no output report\n");
			goto done;
		}
		if (strncmp(line, "O: ", 3) != 0) {
			if (strncmp(line, "END", 3) == 0) {
				fprintf(stderr, "hidraw-check: gadget-phone: %s\n", line);
				goto done;
			}
			continue;
		}
		/* "O: <sec.usec> <len> <bytes>" */
		p = strchr(line + 3, ' ');
		if (!p)
			continue;
		len = strtol(p, &end, 10);
		got_n = e2e_parse_hex(end, got, sizeof got);
		if (got_n != len)
			fprintf(stderr, "hidraw-check: garbled line from gadget-phone: %s\n", line);
		break;
	}
	if (got_n == n && memcmp(got, want, (size_t)n) == 0) {
		printf("# %s delivered %s\n", argv[1], e2e_fmt_hex(got, (size_t)n, hex, sizeof hex));
		ok = 1;
	} else {
		fprintf(stderr, "hidraw-check: got %s\n",
			got_n > 0 ? e2e_fmt_hex(got, (size_t)got_n, hex, sizeof hex) : "(nothing)");
		fprintf(stderr, "hidraw-check: want %s\n", e2e_fmt_hex(want, (size_t)n, hex, sizeof hex));
	}
done:
	rc = reap(pid, ms + 2000);
	if (rc != 0) {
		fprintf(stderr, "hidraw-check: gadget-phone exited with %d\n", rc);
		ok = 0;
	}
	close(from_child);
	close(fd);
	return ok ? 0 : 1;
}

struct sent {
	int64_t t;
	size_t len;
	uint8_t data[64];
};

/* Runs gadget-phone on a script while reading DEV, then compares the reports
 * gadget-phone says it sent ("I:" lines) with what arrived, in order. Also
 * prints when each report was sent and arrived, relative to the first, so a
 * script's delays can be seen to hold. */
static int cmd_play(int argc, char **argv)
{
	static struct sent sent[1024], got[1024];
	char line[MAX_REPORT * 3 + 64], tmo[32];
	long ms = argc > 3 ? strtol(argv[3], NULL, 0) : 10000;
	int fd, to_child, from_child, rc, ok = 1, nsent = 0, ngot = 0, child_done = 0;
	int64_t deadline = e2e_now_us() + ms * 1000, quiet_until = 0;
	size_t llen = 0;
	pid_t pid;

	if (argc < 3)
		die("%s", "play: need DEV HIDG SCRIPT");
	fd = open_dev(argv[0]);
	drain(fd);
	snprintf(tmo, sizeof tmo, "%ld", ms);
	{
		char *args[] = { "gadget-phone", "-d", argv[1], "-s", argv[2], "-t", tmo, NULL };
		pid = spawn_phone(args, &to_child, &from_child);
	}
	close(to_child);
	/* Until gadget-phone has finished and DEV has been quiet for 300 ms. */
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = from_child, .events = POLLIN } };
		int64_t now = e2e_now_us();
		if (now >= deadline || (child_done && now >= quiet_until))
			break;
		poll(p, child_done ? 1 : 2, 50);
		for (;;) {
			uint8_t buf[MAX_REPORT];
			ssize_t r = read(fd, buf, sizeof buf);
			if (r <= 0)
				break;
			if (ngot < 1024) {
				got[ngot].t = e2e_now_us();
				got[ngot].len = (size_t)r < sizeof got[0].data ? (size_t)r : sizeof got[0].data;
				memcpy(got[ngot].data, buf, got[ngot].len);
				ngot++;
			}
			quiet_until = e2e_now_us() + 300000;
		}
		while (!child_done) {
			char c;
			ssize_t r = read(from_child, &c, 1);
			if (r == 0) {
				child_done = 1;
				if (quiet_until < e2e_now_us() + 300000)
					quiet_until = e2e_now_us() + 300000;
				break;
			}
			if (r < 0)
				break;
			if (c != '\n') {
				if (llen + 1 < sizeof line)
					line[llen++] = c;
				continue;
			}
			line[llen] = '\0';
			llen = 0;
			if (strncmp(line, "I: ", 3) == 0 && nsent < 1024) {
				/* "I: <sec.usec> <len> <bytes>" */
				char *end, *q;
				double sec = strtod(line + 3, &end);
				long len = strtol(end, &q, 10);
				int n = e2e_parse_hex(q, sent[nsent].data, sizeof sent[0].data);
				sent[nsent].t = (int64_t)(sec * 1e6 + 0.5);
				sent[nsent].len = n > 0 && n == len ? (size_t)n : 0;
				nsent++;
			} else if (strncmp(line, "END", 3) == 0) {
				printf("# gadget-phone: %s\n", line);
			}
		}
	}
	rc = reap(pid, 2000);
	if (rc != 0) {
		fprintf(stderr, "hidraw-check: gadget-phone exited with %d\n", rc);
		ok = 0;
	}
	for (int i = 0; i < nsent || i < ngot; i++) {
		char h1[200], h2[200];
		const char *a = i < nsent ? e2e_fmt_hex(sent[i].data, sent[i].len, h1, sizeof h1) : "-";
		const char *b = i < ngot ? e2e_fmt_hex(got[i].data, got[i].len, h2, sizeof h2) : "-";
		int same = i < nsent && i < ngot && sent[i].len && sent[i].len == got[i].len &&
			   memcmp(sent[i].data, got[i].data, got[i].len) == 0;
		printf("# %2d sent +%6.1f ms %-24s arrived +%6.1f ms %s%s\n", i,
		       i < nsent ? (double)(sent[i].t - sent[0].t) / 1000.0 : 0.0, a,
		       i < ngot && nsent ? (double)(got[i].t - sent[0].t) / 1000.0 : 0.0, b,
		       same ? "" : "   <-- differs");
		if (!same)
			ok = 0;
	}
	if (nsent == 0) {
		fprintf(stderr, "hidraw-check: the script sent nothing\n");
		ok = 0;
	}
	close(from_child);
	close(fd);
	return ok ? 0 : 1;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void print_stats(const char *what, int64_t *v, int n)
{
	int64_t sum = 0;

	if (n <= 0) {
		printf("# latency %s: no samples\n", what);
		return;
	}
	qsort(v, (size_t)n, sizeof *v, cmp_i64);
	for (int i = 0; i < n; i++)
		sum += v[i];
	/* Nearest-rank percentiles. */
	printf("# latency %s n=%d min=%lld p50=%lld p90=%lld p99=%lld max=%lld mean=%lld us\n",
	       what, n, (long long)v[0], (long long)v[(n * 50 + 99) / 100 - 1],
	       (long long)v[(n * 90 + 99) / 100 - 1], (long long)v[(n * 99 + 99) / 100 - 1],
	       (long long)v[n - 1], (long long)(sum / n));
}

/* Waits until the gadget has no input report in flight (f_hid signals POLLOUT). */
static int wait_writable(int fd, long ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int r;

	do
		r = poll(&p, 1, (int)ms);
	while (r < 0 && errno == EINTR);
	return r == 1 && (p.revents & POLLOUT) ? 0 : -1;
}

/* One process writes the gadget and reads hidraw (and the reverse), so both
 * stamps come from the same clock and no scheduling hop between processes is
 * counted. Input: stamp before write(hidg), stamp after read(hidraw) returns.
 * Output: stamp before write(hidraw), stamp after read(hidg) returns. */
static int cmd_latency(int argc, char **argv)
{
	uint8_t want[MAX_REPORT], wout[MAX_REPORT], got[MAX_REPORT];
	int n, no, count, hr, hg, bad = 0, in_n = 0, out_n = 0;
	int64_t *lin, *lout;

	if (argc < 5)
		die("%s", "latency: need DEV HIDG IN_HEX OUT_HEX N");
	n = e2e_parse_hex(argv[2], want, sizeof want);
	no = e2e_parse_hex(argv[3], wout, sizeof wout);
	count = atoi(argv[4]);
	if (n <= 0 || no <= 0 || count <= 0)
		die("%s", "latency: bad report or count");
	lin = calloc((size_t)count, sizeof *lin);
	lout = calloc((size_t)count, sizeof *lout);
	if (!lin || !lout)
		die("%s", "out of memory");
	hr = open_dev(argv[0]);
	hg = open_dev(argv[1]);
	drain(hr);
	drain(hg);
	for (int i = 0; i < count && bad < 10; i++) {
		int64_t t0, t1;
		ssize_t r;
		if (wait_writable(hg, 2000) < 0) {
			fprintf(stderr, "hidraw-check: gadget stays busy (sample %d)\n", i);
			bad++;
			continue;
		}
		t0 = e2e_now_us();
		if (write(hg, want, (size_t)n) != n) {
			fprintf(stderr, "hidraw-check: write gadget: %s\n", strerror(errno));
			bad++;
			continue;
		}
		r = read_report(hr, got, sizeof got, 2000);
		t1 = e2e_now_us();
		if (r != n || memcmp(got, want, (size_t)n) != 0) {
			fprintf(stderr, "hidraw-check: input sample %d: %s\n", i,
				r < 0 ? "lost" : "wrong bytes");
			bad++;
			continue;
		}
		lin[in_n++] = t1 - t0;
	}
	for (int i = 0; i < count && bad < 10; i++) {
		int64_t t0, t1;
		ssize_t r;
		t0 = e2e_now_us();
		if (write(hr, wout, (size_t)no) != no) {
			fprintf(stderr, "hidraw-check: write hidraw: %s\n", strerror(errno));
			bad++;
			continue;
		}
		r = read_report(hg, got, sizeof got, 2000);
		t1 = e2e_now_us();
		if (r != no || memcmp(got, wout, (size_t)no) != 0) {
			fprintf(stderr, "hidraw-check: output sample %d: %s\n", i,
				r < 0 ? "lost" : "wrong bytes");
			bad++;
			continue;
		}
		lout[out_n++] = t1 - t0;
	}
	print_stats("input (write hidg -> read hidraw)", lin, in_n);
	print_stats("output (write hidraw -> read hidg)", lout, out_n);
	close(hr);
	close(hg);
	if (bad || in_n != count || out_n != count) {
		fprintf(stderr, "hidraw-check: %d of %d samples failed\n",
			2 * count - in_n - out_n, 2 * count);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		fputs("usage: hidraw-check find|gone|rawinfo|rdesc|input|output|play|latency ...\n",
		      stderr);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	cmd = argv[1];
	argc -= 2;
	argv += 2;
	if (strcmp(cmd, "find") == 0)
		return cmd_find(argc, argv, true);
	if (strcmp(cmd, "gone") == 0)
		return cmd_find(argc, argv, false);
	if (strcmp(cmd, "rawinfo") == 0)
		return cmd_rawinfo(argc, argv);
	if (strcmp(cmd, "rdesc") == 0)
		return cmd_rdesc(argc, argv);
	if (strcmp(cmd, "input") == 0)
		return cmd_input(argc, argv);
	if (strcmp(cmd, "output") == 0)
		return cmd_output(argc, argv);
	if (strcmp(cmd, "play") == 0)
		return cmd_play(argc, argv);
	if (strcmp(cmd, "latency") == 0)
		return cmd_latency(argc, argv);
	die("unknown command '%s'", cmd);
}
