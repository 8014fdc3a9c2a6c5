/*
 * Host-timed lamp cadences (tsp/lamp-cadence.c) on the I/O loop with a test clock: every
 * edge at the right millisecond, no wakeup without an edge, nothing left armed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "loop/event-loop.h"
#include "tsp/lamp-cadence.h"

static uint64_t fake_now;

static uint64_t fake_clock(void *ctx)
{
	(void)ctx;
	return __atomic_load_n(&fake_now, __ATOMIC_SEQ_CST);
}

static const struct loop_clock test_clock = { .now_ms = fake_clock };

#define LAMPS 4
static struct lamp_blinker blinker;
static bool lit[LAMPS];
static uint64_t edges_at[LAMPS][64];
static int n_edges[LAMPS];
static int wakeups;

/* What the phone does at an edge: look at every lamp, note those that changed. */
static void edge(void *ctx)
{
	(void)ctx;
	wakeups++;
	for (uint32_t id = 0; id < LAMPS; id++) {
		bool now = blinker.cadence[id] && lamp_blinker_lit(&blinker, id);

		if (now != lit[id] && n_edges[id] < 64)
			edges_at[id][n_edges[id]++] = loop_now_ms();
		lit[id] = now;
	}
}

struct set {
	uint32_t id;
	enum lamp_cadence c;
};

static void set_on_loop(void *arg)
{
	const struct set *s = arg;

	lamp_blinker_set(&blinker, s->id, s->c);
	lit[s->id] = s->c && lamp_blinker_lit(&blinker, s->id);
}

static void init_on_loop(void *arg)
{
	(void)arg;
	lamp_blinker_init(&blinker, edge, NULL);
}

static void stop_on_loop(void *arg)
{
	*(bool *)arg = loop_timer_armed(&blinker.timer);
	lamp_blinker_stop(&blinker);
}

static void set(uint32_t id, enum lamp_cadence c)
{
	struct set s = { id, c };

	loop_call(set_on_loop, &s);
}

/* Runs the clock from..to in 1 ms steps, firing what falls due. */
static void run_clock(uint64_t from, uint64_t to)
{
	for (uint64_t t = from; t <= to; t++) {
		__atomic_store_n(&fake_now, t, __ATOMIC_SEQ_CST);
		loop_timers_advance();
	}
}

static int setup(void **state)
{
	(void)state;
	__atomic_store_n(&fake_now, 10000, __ATOMIC_SEQ_CST);
	for (int i = 0; i < LAMPS; i++) {
		lit[i] = false;
		n_edges[i] = 0;
	}
	wakeups = 0;
	if (loop_start(&test_clock) < 0)
		return -1;
	loop_call(init_on_loop, NULL);
	return 0;
}

static int teardown(void **state)
{
	bool armed;

	(void)state;
	loop_call(stop_on_loop, &armed);
	loop_stop();
	return 0;
}

static void test_patterns(void **state)
{
	(void)state;
	assert_true(lamp_cadence_lit(LAMP_CADENCE_WINK, 0));
	assert_true(lamp_cadence_lit(LAMP_CADENCE_WINK, 499));
	assert_false(lamp_cadence_lit(LAMP_CADENCE_WINK, 500));
	assert_false(lamp_cadence_lit(LAMP_CADENCE_FLASH, 1999));
	assert_true(lamp_cadence_lit(LAMP_CADENCE_FLASH, 2000));
	assert_false(lamp_cadence_lit(LAMP_CADENCE_FLUTTER, 125));
	assert_true(lamp_cadence_lit(LAMP_CADENCE_BROKEN_FLUTTER, 250));
	assert_false(lamp_cadence_lit(LAMP_CADENCE_BROKEN_FLUTTER, 750));
	assert_false(lamp_cadence_lit(LAMP_CADENCE_NONE, 0));
	assert_int_equal(lamp_cadence_next_edge(LAMP_CADENCE_WINK, 0), 500);
	assert_int_equal(lamp_cadence_next_edge(LAMP_CADENCE_FLUTTER, 130), 120);
	assert_int_equal(lamp_cadence_next_edge(LAMP_CADENCE_BROKEN_FLUTTER, 600), 400);
}

/* Wink and flash on two lamps: their edges, in phase, and one wakeup per edge only. */
static void test_wink_and_flash(void **state)
{
	bool armed;

	(void)state;
	set(1, LAMP_CADENCE_WINK);
	set(2, LAMP_CADENCE_FLASH);
	assert_true(lit[1]);
	assert_true(lit[2]);
	run_clock(10000, 14000);
	assert_int_equal(n_edges[1], 8);
	for (int i = 0; i < 8; i++)
		assert_int_equal(edges_at[1][i], 10500u + 500u * (uint64_t)i);
	assert_int_equal(n_edges[2], 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(edges_at[2][i], 11000u + 1000u * (uint64_t)i);
	/* the flash's edges are the wink's too: 8 wakeups in 4 s, not 12 */
	assert_int_equal(wakeups, 8);
	/* Both steady again: the timer goes, nothing wakes up any more. */
	set(1, LAMP_CADENCE_NONE);
	set(2, LAMP_CADENCE_NONE);
	wakeups = 0;
	run_clock(14001, 20000);
	assert_int_equal(wakeups, 0);
	loop_call(stop_on_loop, &armed);
	assert_false(armed);
}

static void test_flutter_and_broken(void **state)
{
	(void)state;
	set(0, LAMP_CADENCE_FLUTTER);
	run_clock(10000, 11000);
	assert_int_equal(n_edges[0], 8);
	for (int i = 0; i < 8; i++)
		assert_int_equal(edges_at[0][i], 10125u + 125u * (uint64_t)i);
	set(0, LAMP_CADENCE_NONE);

	/* A new phase starts with the next lamp that blinks after none did. */
	__atomic_store_n(&fake_now, 20003, __ATOMIC_SEQ_CST);
	wakeups = 0;
	n_edges[3] = 0;
	set(3, LAMP_CADENCE_BROKEN_FLUTTER);
	assert_true(lit[3]);
	run_clock(20003, 21003);
	/* lit 0-125, dark 125-250, lit 250-375, dark 375-...-1000 */
	assert_int_equal(n_edges[3], 4);
	assert_int_equal(edges_at[3][0], 20128);
	assert_int_equal(edges_at[3][1], 20253);
	assert_int_equal(edges_at[3][2], 20378);
	assert_int_equal(edges_at[3][3], 21003);
	/* 125, 250, 375, then 500 (dark anyway) and straight to 1000 */
	assert_int_equal(wakeups, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patterns),
		cmocka_unit_test_setup_teardown(test_wink_and_flash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flutter_and_broken, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
