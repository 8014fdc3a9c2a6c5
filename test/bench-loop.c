/*
 * make bench: what one input report costs on the I/O loop, printed, not judged.
 *
 * A live replayed phone (HIDPHONE_DEVICES=replay+in=N: its input reports are the packets
 * of a socket this program writes, read on the loop as a hidraw node is) gets key 5 down
 * and up, alternately; each report's time from send() to the provider's PHONE_BUTTON
 * callback is taken, and the loop thread's CPU time per report. Twice: with the phone's
 * line not listening (phone-drives-line off: no SIP stack until a lineOpen) and with it
 * listening (the default: the phone's open starts the line's SIP stack on the loop), so
 * what an idle SIP stack adds to every report shows. The floor is a bare read() on the
 * same kind of socket in a thread of its own.
 */
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hid/rdesc-load.h"
#include "hid/recording.h"
#include "tools/tapi-host.h"

#define REPORTS 2000
static int reports = REPORTS;

/* Jabra Link 380c: report 2, bit 0 hook, bits 7-10 the keypad (5: key 5, 12: none). */
static const uint8_t key_down[] = { 0x02, 0x80, 0x02 };
static const uint8_t key_up[] = { 0x02, 0x00, 0x06 };

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static uint64_t pct(const uint64_t *v, int n, int p)
{
	return v[(n * p + 99) / 100 - 1];
}

/* CPU time of thread tid of this process, in us. */
static uint64_t thread_cpu_us(pid_t tid)
{
	/* The thread's CPU clock by its tid: the kernel's encoding (per thread, scheduler). */
	clockid_t cid = (clockid_t)((~(unsigned)tid << 3) | 6);
	struct timespec ts;

	if (clock_gettime(cid, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The thread named name, or -1. */
static pid_t thread_named(const char *name)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	pid_t found = -1;

	while (d && (e = readdir(d))) {
		char path[300], comm[64] = "";
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (f && fgets(comm, sizeof(comm), f) && strncmp(comm, name, strlen(name)) == 0)
			found = atoi(e->d_name);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return found;
}

static void print_stats(const char *what, uint64_t *v, int n, double cpu_per_report)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	printf("  %-34s p50 %6.1f  p99 %7.1f us", what, (double)pct(v, n, 50),
	       (double)pct(v, n, 99));
	if (cpu_per_report >= 0)
		printf("   loop CPU %.1f us/report", cpu_per_report);
	printf("\n");
}

/* The floor: a thread that only polls and reads the socket, stamping each report. */
struct bare {
	int fd;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t n;
	uint64_t t;
};

static void *bare_main(void *arg)
{
	struct bare *b = arg;

	for (;;) {
		struct pollfd pf = { .fd = b->fd, .events = POLLIN };
		uint8_t buf[64];
		ssize_t got;

		if (poll(&pf, 1, -1) <= 0)
			continue;
		got = recv(b->fd, buf, sizeof(buf), 0);
		if (got <= 0)
			return NULL;
		pthread_mutex_lock(&b->lock);
		b->t = host_now_usec();
		b->n++;
		pthread_cond_broadcast(&b->cond);
		pthread_mutex_unlock(&b->lock);
	}
}

static int run_bare(uint64_t *v)
{
	struct bare b = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	int sv[2], n = 0;
	pthread_t th;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	b.fd = sv[1];
	if (pthread_create(&th, NULL, bare_main, &b) != 0)
		return 0;
	for (int i = 0; i < reports; i++) {
		const uint8_t *r = i % 2 ? key_up : key_down;
		uint64_t t0 = host_now_usec();

		pthread_mutex_lock(&b.lock);
		size_t before = b.n;
		pthread_mutex_unlock(&b.lock);
		if (send(sv[0], r, 3, 0) != 3)
			break;
		pthread_mutex_lock(&b.lock);
		while (b.n == before)
			pthread_cond_wait(&b.cond, &b.lock);
		v[n++] = b.t - t0;
		pthread_mutex_unlock(&b.lock);
	}
	close(sv[0]);
	pthread_join(th, NULL);
	close(sv[1]);
	return n;
}

/* Through the provider: key down/up reports to PHONE_BUTTON; returns the samples taken. */
static int run_provider(const char *recording, const char *config, uint64_t *v,
			double *cpu_per_report)
{
	char devices[128];
	int sv[2], n = 0;
	struct host *h;
	HDRVPHONE hd;
	pid_t loop;
	uint64_t cpu0;

	*cpu_per_report = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	snprintf(devices, sizeof(devices), "replay+in=%d:%s", sv[1], recording);
	setenv("HIDPHONE_DEVICES", devices, 1);
	setenv("HIDPHONE_CONFIG", config, 1);
	h = host_load(TEST_PROVIDER);
	if (!h || host_start(h, 0) != 0 || h->num_phones != 1 ||
	    h->phoneOpen(0, (HTAPIPHONE)1, &hd, h->version, host_phone_event) != 0) {
		fprintf(stderr, "bench: the provider did not open the live phone\n");
		return 0;
	}
	h->phoneSetStatusMessages(hd, 0, PHONEBUTTONMODE_KEYPAD,
				  PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP);
	/* The open's own work (the line's SIP stack, the first writes) is over by then. */
	usleep(300 * 1000);
	loop = thread_named("hidphone-loop");
	cpu0 = loop > 0 ? thread_cpu_us(loop) : 0;
	for (int i = 0; i < reports; i++) {
		const uint8_t *r = i % 2 ? key_up : key_down;
		size_t before = host_count(h, false, PHONE_BUTTON);
		uint64_t t0 = host_now_usec();

		if (send(sv[0], r, 3, 0) != 3)
			break;
		/* Other events (the line's) may come meanwhile: wait for this PHONE_BUTTON. */
		while (host_count(h, false, PHONE_BUTTON) == before &&
		       host_wait(h, h->n_events + 1, 2000))
			;
		if (host_count(h, false, PHONE_BUTTON) != before + 1)
			break;
		/* The newest PHONE_BUTTON is this report's. */
		pthread_mutex_lock(&h->lock);
		for (size_t e = h->n_events; e-- > 0;) {
			if (h->events[e].msg == PHONE_BUTTON && !h->events[e].completion) {
				v[n++] = h->events[e].usec - t0;
				break;
			}
		}
		pthread_mutex_unlock(&h->lock);
		/* Long enough for the loop to be back asleep, as between key presses. */
		usleep(200);
	}
	if (n < reports)
		fprintf(stderr, "bench: %d of %d reports reached the host\n", n, reports);
	if (loop > 0 && n)
		*cpu_per_report = (double)(thread_cpu_us(loop) - cpu0) / n;
	h->phoneClose(hd);
	host_stop(h);
	host_unload(h);
	close(sv[0]);
	close(sv[1]);
	return n;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/hidphone-bench-loop-XXXXXX";
	char rec[300], quiet[300], listening[300];
	struct recording_device dev = { .bus = 3, .vendor = 0x0b0e, .product = 0x24c9 };
	static uint64_t v[REPORTS];
	uint8_t *rdesc = malloc(RDESC_MAX_SIZE);
	enum rdesc_file_format fmt;
	struct text_error err;
	double cpu;
	FILE *f;
	long len;
	int n;

	if (getenv("BENCH_REPORTS"))
		reports = atoi(getenv("BENCH_REPORTS")) > 0 && atoi(getenv("BENCH_REPORTS")) <= REPORTS ?
			  atoi(getenv("BENCH_REPORTS")) : REPORTS;
	if (!mkdtemp(dir) || !rdesc)
		return 1;
	len = rdesc_read_file(TEST_DATA_DIR "/descriptors/jabra-link-380c.rdesc.hex", rdesc, &fmt,
			      &err);
	if (len < 0)
		return 1;
	dev.rdesc = rdesc;
	dev.rdesc_len = (size_t)len;
	snprintf(dev.name, sizeof(dev.name), "Live phone");
	snprintf(rec, sizeof(rec), "%s/live.hid", dir);
	snprintf(quiet, sizeof(quiet), "%s/quiet.conf", dir);
	snprintf(listening, sizeof(listening), "%s/listening.conf", dir);
	f = fopen(rec, "w");
	if (!f || recording_write_device(f, &dev, false) < 0)
		return 1;
	fclose(f);
	if (write_file(quiet, "[line bench]\nlisten = 127.0.0.1:5060\nphone-drives-line = off\n") ||
	    write_file(listening, "[line bench]\nlisten = 127.0.0.1:5060\nphone-drives-line = on\n"))
		return 1;

	printf("input report -> PHONE_BUTTON, %d key reports of a live phone (socket), us:\n",
	       reports);
	n = run_bare(v);
	if (n)
		print_stats("bare read() of the socket", v, n, -1);
	n = run_provider(rec, quiet, v, &cpu);
	if (n)
		print_stats("provider, line not listening", v, n, cpu);
	n = run_provider(rec, listening, v, &cpu);
	if (n)
		print_stats("provider, line listening (SIP)", v, n, cpu);
	unlink(rec);
	unlink(quiet);
	unlink(listening);
	rmdir(dir);
	free(rdesc);
	return 0;
}
