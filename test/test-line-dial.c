/*
 * Keypad dialing (tsp/line-dial.c) on the I/O loop with a test clock: the digits go out at
 * '#' at once, or when the dial timeout passes after the last key (each key starts it
 * over), never before; a timeout of 0 waits for '#'; cancel leaves nothing armed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "loop/event-loop.h"
#include "tsp/line-dial.h"

static uint64_t fake_now;

static uint64_t fake_clock(void *ctx)
{
	(void)ctx;
	return __atomic_load_n(&fake_now, __ATOMIC_SEQ_CST);
}

static const struct loop_clock test_clock = { .now_ms = fake_clock };

static struct line_dialer dialer;
static char sent[8][LINE_DIAL_MAX + 1];
static uint64_t sent_at[8];
static int n_sent;

static void record(const char *number)
{
	if (n_sent < 8) {
		strcpy(sent[n_sent], number);
		sent_at[n_sent] = loop_now_ms();
	}
	n_sent++;
}

static void expired(struct line_dialer *d, void *arg)
{
	char number[LINE_DIAL_MAX + 1];

	assert_ptr_equal(arg, &dialer);
	if (line_dialer_take(d, number, sizeof(number)))
		record(number);
}

struct init { unsigned timeout_ms; };

static void init_on_loop(void *arg)
{
	line_dialer_init(&dialer, ((struct init *)arg)->timeout_ms, expired, &dialer);
}

struct key { char k; };

static void key_on_loop(void *arg)
{
	char number[LINE_DIAL_MAX + 1];

	if (line_dialer_key(&dialer, ((struct key *)arg)->k, number, sizeof(number)))
		record(number);
}

static void armed_on_loop(void *arg)
{
	*(bool *)arg = loop_timer_armed(&dialer.timer);
}

static void cancel_on_loop(void *arg)
{
	(void)arg;
	line_dialer_cancel(&dialer);
}

static void keys(const char *s)
{
	for (; *s; s++) {
		struct key k = { *s };

		loop_call(key_on_loop, &k);
	}
}

static bool armed(void)
{
	bool a;

	loop_call(armed_on_loop, &a);
	return a;
}

/* Runs the clock from..to in 1 ms steps, firing what falls due. */
static void run_clock(uint64_t from, uint64_t to)
{
	for (uint64_t t = from; t <= to; t++) {
		__atomic_store_n(&fake_now, t, __ATOMIC_SEQ_CST);
		loop_timers_advance();
	}
}

static void start(unsigned timeout_ms)
{
	struct init in = { timeout_ms };

	loop_call(init_on_loop, &in);
}

static int setup(void **state)
{
	(void)state;
	__atomic_store_n(&fake_now, 50000, __ATOMIC_SEQ_CST);
	n_sent = 0;
	memset(sent, 0, sizeof(sent));
	return loop_start(&test_clock) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	loop_call(cancel_on_loop, NULL);
	loop_stop();
	return 0;
}

/* Each key starts the timeout over; the number goes 4000 ms after the last key. */
static void test_timeout_after_last_key(void **state)
{
	(void)state;
	start(4000);
	keys("12");
	run_clock(50000, 53000);
	keys("3");                 /* at 53000: due at 57000 now, not 54000 */
	run_clock(53001, 56999);
	assert_int_equal(n_sent, 0);
	assert_true(armed());
	run_clock(57000, 60000);
	assert_int_equal(n_sent, 1);
	assert_string_equal(sent[0], "123");
	assert_int_equal(sent_at[0], 57000);
	assert_false(armed());
	/* nothing dialed since: the timeout sends nothing more */
	run_clock(60001, 70000);
	assert_int_equal(n_sent, 1);
}

/* '#' sends at once and stops the timer; '#' alone sends nothing. */
static void test_hash_sends_now(void **state)
{
	(void)state;
	start(4000);
	keys("#");
	assert_int_equal(n_sent, 0);
	assert_false(armed());
	keys("*55");
	run_clock(50000, 51000);
	keys("#");
	assert_int_equal(n_sent, 1);
	assert_string_equal(sent[0], "*55");
	assert_int_equal(sent_at[0], 51000);
	assert_false(armed());
	run_clock(51001, 60000);
	assert_int_equal(n_sent, 1);
}

/* A timeout of 0: only '#' sends. */
static void test_no_timeout(void **state)
{
	(void)state;
	start(0);
	keys("0815");
	assert_false(armed());
	run_clock(50000, 200000 / 2);
	assert_int_equal(n_sent, 0);
	keys("#");
	assert_int_equal(n_sent, 1);
	assert_string_equal(sent[0], "0815");
}

/* Cancel (the call left DIALTONE) forgets the digits; more keys than fit are dropped. */
static void test_cancel_and_bounds(void **state)
{
	char many[LINE_DIAL_MAX + 10];

	(void)state;
	start(1000);
	keys("42");
	loop_call(cancel_on_loop, NULL);
	assert_false(armed());
	run_clock(50000, 52000);
	assert_int_equal(n_sent, 0);
	memset(many, '7', sizeof(many) - 1);
	many[sizeof(many) - 1] = '\0';
	keys(many);
	keys("x");                 /* not a key: ignored */
	run_clock(52001, 53001);
	assert_int_equal(n_sent, 1);
	assert_int_equal(strlen(sent[0]), LINE_DIAL_MAX);
	assert_int_equal(strspn(sent[0], "7"), LINE_DIAL_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_timeout_after_last_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hash_sends_now, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_and_bounds, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
