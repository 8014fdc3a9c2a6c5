/*
 * make bench: input report → phoneGetMessage return, against the provider's own callback for
 * the same report, in one run. A replayed phone presses a key every 5 ms; a shim provider in
 * front of hidphone.tsp notes the provider's callback, the application notes when
 * phoneGetMessage returns the PHONE_BUTTON. Both are measured from the report's due time on
 * the replay's clock, which starts at the reader's first read() after the filter is set; that
 * moment is taken as when TSPI_phoneSetStatusMessages was called, so both numbers include the
 * same few microseconds of the reader's wake-up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tapi.h"
#include "test-tapi-util.h"

#define PRESSES 400
#define GAP_MS 5

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void percentiles(double *v, size_t n, double *p50, double *p99)
{
	qsort(v, n, sizeof(*v), cmp);
	*p50 = v[n / 2];
	*p99 = v[(n * 99) / 100];
}

static void bench(void **state)
{
	static struct play plays[2 * PRESSES + 1];
	static char hex[2 * PRESSES][16];
	static uint64_t msg_ns[PRESSES];
	static double cb_us[PRESSES], msg_us[PRESSES], add_us[PRESSES];
	char dir[] = "/tmp/hidphone-bench-XXXXXX", path[64], devices[128];
	struct inbox in;
	PHONEMESSAGE m;
	HPHONE h;
	DWORD n;
	size_t got = 0;
	(void)state;

	assert_non_null(mkdtemp(dir));
	/* key 5 down (02 81 02) then up (02 01 06) on a Jabra Link 380c */
	for (int i = 0; i < PRESSES; i++) {
		snprintf(hex[2 * i], 16, "02 81 02");
		snprintf(hex[2 * i + 1], 16, "02 01 06");
		plays[2 * i] = (struct play){ (unsigned)(100 + 2 * i * GAP_MS), hex[2 * i] };
		plays[2 * i + 1] = (struct play){ (unsigned)(100 + (2 * i + 1) * GAP_MS),
						  hex[2 * i + 1] };
	}
	snprintf(path, sizeof(path), "%s/keys.hid", dir);
	tapi_test_write_recording(path, "jabra-link-380c", "Jabra Link 380", 0x0b0e, 0x24c9, plays);
	snprintf(devices, sizeof(devices), "replay:%s", path);
	setenv("HIDPHONE_DEVICES", devices, 1);
	setenv("BENCH_TSP", BENCH_TSP, 1);
	setenv("TAPI_PROVIDERS", BENCH_SHIM, 1);
	inbox_init(&in, "bench", &n);
	assert_int_equal(n, 1);
	assert_int_equal(phoneOpen(in.app, 0, &h, TAPI_VERSION3_1, 0, 0, PHONEPRIVILEGE_MONITOR), 0);
	assert_int_equal(phoneSetStatusMessages(h, 0, PHONEBUTTONMODE_KEYPAD,
						PHONEBUTTONSTATE_DOWN), 0);
	while (got < PRESSES && phoneGetMessage(in.app, &m, 2000) == 0) {
		if (m.dwMessageID == PHONE_BUTTON)
			msg_ns[got++] = now_ns();
	}
	assert_int_equal(got, PRESSES);

	void *shim = dlopen(BENCH_SHIM, RTLD_NOW | RTLD_NOLOAD);
	size_t (*times)(const uint64_t **, uint64_t *);
	const uint64_t *cb_ns;
	uint64_t release;
	assert_non_null(shim);
	*(void **)&times = dlsym(shim, "bench_shim_times");
	assert_non_null(times);
	/* the filter asks for presses only, so the provider sends nothing else */
	size_t n_cb = times(&cb_ns, &release);
	assert_int_equal(n_cb, PRESSES);
	for (size_t i = 0; i < PRESSES; i++) {
		uint64_t due = release + (uint64_t)plays[2 * i].ms * 1000000u;

		cb_us[i] = (double)(cb_ns[i] - due) / 1000.0;
		msg_us[i] = (double)(msg_ns[i] - due) / 1000.0;
		add_us[i] = (double)(msg_ns[i] - cb_ns[i]) / 1000.0;
	}
	dlclose(shim);
	assert_int_equal(phoneShutdown(in.app), 0);
	unlink(path);
	rmdir(dir);

	double cb50, cb99, msg50, msg99, add50, add99;
	percentiles(cb_us, PRESSES, &cb50, &cb99);
	percentiles(msg_us, PRESSES, &msg50, &msg99);
	percentiles(add_us, PRESSES, &add50, &add99);
	printf("input report -> application, %d key presses of a replayed phone (us):\n", PRESSES);
	printf("  %-38s p50 %8.1f   p99 %8.1f\n", "provider callback (TSPI host)", cb50, cb99);
	printf("  %-38s p50 %8.1f   p99 %8.1f\n", "phoneGetMessage return (libtapi32)", msg50, msg99);
	printf("  %-38s p50 %8.2fx  p99 %8.2fx\n", "ratio", msg50 / cb50, msg99 / cb99);
	printf("  %-38s p50 %8.1f   p99 %8.1f\n", "added by libtapi32 (same event)", add50, add99);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(bench) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
