/*
 * make bench: what the provider costs, printed, not judged.
 *
 *  - threads: the process's threads with 1, 32 and 128 phones open (the provider's are
 *    its I/O loop, its device writer and its dispatch thread, however many phones are
 *    open: 4 with the host's own);
 *  - idle wakeups: voluntary and involuntary context switches of every thread of this
 *    process but the host's sleeping main thread, over a quiet interval, with no phone open
 *    and with 1, 32 and 128 open;
 *  - idle wakeups with 1 and 32 lines open and no phone open: each line holds its phone's
 *    device open (the phone drives its line) and listens for SIP;
 *  - memory per open phone (RSS with the phones open over RSS with none);
 *  - how long opening and closing them takes.
 * The phones are replayed recordings of a real descriptor that send nothing while idle.
 * Input latency against a bare read() of hidraw is measured on the real USB stack by
 * make check-vm, which prints both side by side.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hid/rdesc-load.h"
#include "hid/recording.h"
#include "tools/tapi-host.h"

#define PHONES 128
#define IDLE_SECONDS 3

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	}
	if (f)
		fclose(f);
	return kib;
}

static int count_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* Wakeups of the whole process over a quiet interval, minus the main thread's own sleep. */
static double idle_wakeups_per_second(void)
{
	unsigned long long before, after;

	/* What an open starts (the first reads, the confirmation writes) is over by then. */
	usleep(300 * 1000);
	before = host_context_switches(true);
	sleep(IDLE_SECONDS);
	after = host_context_switches(true);
	return (double)(after - before) / IDLE_SECONDS;
}

/* Opens the first n phones, measures, closes them; 0 or 1. */
static int round_of(struct host *h, int n, long rss_base, long *rss_open)
{
	static HDRVPHONE hd[PHONES];
	uint64_t t0, t1, t2, slowest = 0;
	double idle;
	long rss;
	int threads;

	t0 = host_now_usec();
	for (int i = 0; i < n; i++) {
		if (h->phoneOpen((DWORD)i, (HTAPIPHONE)(uintptr_t)(i + 1), &hd[i], h->version,
				 host_phone_event) != 0) {
			fprintf(stderr, "bench: cannot open phone %d\n", i);
			return 1;
		}
		/* As a host does right after the open; a replayed phone starts playing then. */
		h->phoneSetStatusMessages(hd[i], PHONESTATE_HANDSETHOOKSWITCH, 0, 0);
	}
	t1 = host_now_usec();
	threads = count_threads();
	rss = rss_kib();
	*rss_open = rss;
	idle = idle_wakeups_per_second();
	printf("bench: %3d phones open: %d threads, RSS %+ld KiB over none open (%.1f KiB per "
	       "phone), opened in %.1f ms (%.3f ms each)\n", n, threads, rss - rss_base,
	       (double)(rss - rss_base) / n, (double)(t1 - t0) / 1000.0,
	       (double)(t1 - t0) / 1000.0 / n);
	printf("bench: %3d phones open: idle wakeups %.2f/s (%.3f per phone per second; the "
	       "target is at most 1)\n", n, idle, idle / n);
	t1 = host_now_usec();
	for (int i = 0; i < n; i++) {
		uint64_t c0 = host_now_usec();

		h->phoneClose(hd[i]);
		if (host_now_usec() - c0 > slowest)
			slowest = host_now_usec() - c0;
	}
	t2 = host_now_usec();
	printf("bench: %3d phones closed in %.1f ms, the slowest in %.2f ms\n", n,
	       (double)(t2 - t1) / 1000.0, (double)slowest / 1000.0);
	return 0;
}

/* Opens the first n lines (no phone open: each holds its phone's device), measures, closes. */
static int lines_round(struct host *h, int n)
{
	static HDRVLINE hd[32];
	double idle;

	for (int i = 0; i < n; i++) {
		if (h->lineOpen(h->line_base + (DWORD)i, (HTAPILINE)(uintptr_t)(i + 1), &hd[i],
				h->version, host_line_event) != 0) {
			fprintf(stderr, "bench: cannot open line %d\n", i);
			return 1;
		}
	}
	/*
	 * A replayed phone nobody opened starts playing 1 s after its device opened (a
	 * one-time timer; a hidraw node has none): the interval starts after it.
	 */
	usleep(1000 * 1000);
	idle = idle_wakeups_per_second();
	printf("bench: %3d lines open, no phone open (each line holds its phone's device): "
	       "idle wakeups %.2f/s\n", n, idle);
	for (int i = 0; i < n; i++)
		h->lineClose(hd[i]);
	return 0;
}

int main(void)
{
	static const int rounds[] = { 1, 32, PHONES };
	char dir[] = "/tmp/hidphone-bench-XXXXXX";
	static char devices[PHONES * 80 + 16] = "replay:";
	struct recording_device dev = { .bus = 3, .vendor = 0x0b0e, .product = 0x24c9 };
	uint8_t *rdesc = malloc(RDESC_MAX_SIZE);
	enum rdesc_file_format fmt;
	struct text_error err;
	struct host *h;
	long rss0, rss_open[3] = { 0 };
	int threads0, rc = 0;
	long n;

	if (!mkdtemp(dir) || !rdesc)
		return 1;
	n = rdesc_read_file(TEST_DATA_DIR "/descriptors/jabra-link-380c.rdesc.hex", rdesc, &fmt, &err);
	if (n < 0)
		return 1;
	dev.rdesc = rdesc;
	dev.rdesc_len = (size_t)n;
	for (int i = 0; i < PHONES; i++) {
		char path[128];
		FILE *f;

		snprintf(path, sizeof(path), "%s/phone%03d.hid", dir, i);
		snprintf(dev.name, sizeof(dev.name), "Phone %d", i);
		f = fopen(path, "w");
		if (!f || recording_write_device(f, &dev, false) < 0)
			return 1;
		fclose(f);
		strcat(devices, i ? ":" : "");
		strcat(devices, path);
	}
	setenv("HIDPHONE_DEVICES", devices, 1);
	h = host_load(TEST_PROVIDER);
	if (!h || host_start(h, 0) != 0 || h->num_phones != PHONES) {
		fprintf(stderr, "bench: the provider did not start with %d phones\n", PHONES);
		return 1;
	}
	threads0 = count_threads();
	rss0 = rss_kib();
	printf("bench: provider started, no phone open: %d threads (the host's own: 1)\n",
	       threads0);
	printf("bench: idle wakeups, no phone open: %.2f/s\n", idle_wakeups_per_second());
	rc = lines_round(h, 1);
	if (rc == 0)
		rc = lines_round(h, 32);
	for (size_t i = 0; rc == 0 && i < sizeof(rounds) / sizeof(rounds[0]); i++)
		rc = round_of(h, rounds[i], rss0, &rss_open[i]);
	/* One-time costs (the first open touches the loop thread's heap) cancel out here. */
	if (rc == 0)
		printf("bench: RSS per phone from 32 to %d open: %.2f KiB (the target is at most 8)\n",
		       PHONES, (double)(rss_open[2] - rss_open[1]) / (PHONES - 32));
	host_stop(h);
	printf("bench: after providerShutdown: %d threads\n", count_threads());
	host_unload(h);
	for (int i = 0; i < PHONES; i++) {
		char path[128];

		snprintf(path, sizeof(path), "%s/phone%03d.hid", dir, i);
		unlink(path);
	}
	rmdir(dir);
	free(rdesc);
	return rc;
}
