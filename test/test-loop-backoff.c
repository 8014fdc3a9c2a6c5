/*
 * Exponential back-off on the loop's timers (loop/backoff.c) with a test clock: a device
 * whose open fails a few times and then works is tried at 50, 150, 350 ms (waits of 50,
 * 100, 200); one that never works is tried with the waits doubling up to 2 s and then
 * given up; a removal cancels what is armed. The retries of tsp/hotplug.c are these.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "loop/backoff.h"
#include "loop/event-loop.h"

static uint64_t fake_now;

static uint64_t fake_clock(void *ctx)
{
	(void)ctx;
	return __atomic_load_n(&fake_now, __ATOMIC_SEQ_CST);
}

static const struct loop_clock test_clock = { .now_ms = fake_clock };

/* A device that fails its first `fails` opens (all of them: -1). */
static struct device {
	struct loop_backoff b;
	int fails;
	int tries;
	uint64_t tried_at[32];
	bool opened, gave_up;
} dev;

static void try_open(void *arg)
{
	struct device *d = arg;

	if (d->tries < 32)
		d->tried_at[d->tries] = loop_now_ms() - 10000;
	d->tries++;
	if (d->fails < 0 || d->tries <= d->fails) {
		if (!loop_backoff_retry(&d->b, try_open, d))
			d->gave_up = true;
		return;
	}
	d->opened = true;
}

/* The first open, at time 0: it fails as the device was just added. */
static void first_open_on_loop(void *arg)
{
	struct device *d = arg;

	loop_backoff_init(&d->b, 50, 2000, 8);
	if (!loop_backoff_retry(&d->b, try_open, d))
		d->gave_up = true;
}

static void cancel_on_loop(void *arg)
{
	loop_backoff_cancel(&((struct device *)arg)->b);
}

static void armed_on_loop(void *arg)
{
	*(bool *)arg = loop_timer_armed(&dev.b.timer);
}

static bool armed(void)
{
	bool a = false;

	loop_call(armed_on_loop, &a);
	return a;
}

static void run_clock(uint64_t from, uint64_t to)
{
	for (uint64_t t = from; t <= to; t++) {
		__atomic_store_n(&fake_now, 10000 + t, __ATOMIC_SEQ_CST);
		loop_timers_advance();
	}
}

static int setup(void **state)
{
	(void)state;
	__atomic_store_n(&fake_now, 10000, __ATOMIC_SEQ_CST);
	dev = (struct device){ 0 };
	return loop_start(&test_clock) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	loop_call(cancel_on_loop, &dev);
	loop_stop();
	return 0;
}

static void test_transient(void **state)
{
	(void)state;
	dev.fails = 2;
	loop_call(first_open_on_loop, &dev);
	run_clock(0, 10000);
	assert_int_equal(dev.tries, 3);
	assert_int_equal(dev.tried_at[0], 50);
	assert_int_equal(dev.tried_at[1], 150);
	assert_int_equal(dev.tried_at[2], 350);
	assert_true(dev.opened);
	assert_false(dev.gave_up);
	assert_false(armed());
}

static void test_gives_up(void **state)
{
	static const uint64_t want[] = { 50, 150, 350, 750, 1550, 3150, 5150, 7150 };

	(void)state;
	dev.fails = -1;
	loop_call(first_open_on_loop, &dev);
	run_clock(0, 20000);
	assert_int_equal(dev.tries, 8);
	for (int i = 0; i < 8; i++)
		assert_int_equal(dev.tried_at[i], want[i]);
	assert_true(dev.gave_up);
	assert_false(dev.opened);
	assert_false(armed());
}

static void test_cancel(void **state)
{
	(void)state;
	dev.fails = -1;
	loop_call(first_open_on_loop, &dev);
	run_clock(0, 200);
	assert_int_equal(dev.tries, 2);
	assert_true(armed());
	/* The device goes away (udev remove): nothing more is tried. */
	loop_call(cancel_on_loop, &dev);
	assert_false(armed());
	run_clock(201, 20000);
	assert_int_equal(dev.tries, 2);
	assert_false(dev.gave_up);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_transient, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gives_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
