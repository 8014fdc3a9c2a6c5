/*
 * The I/O loop (loop/event-loop.c): work posted from other threads runs on the loop thread
 * in order, loop_call() waits for it, descriptors are watched through libre, and timers
 * follow a test clock exactly.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include <stdbool.h>

#include "loop/event-loop.h"

static uint64_t fake_now;

static uint64_t fake_clock(void *ctx)
{
	(void)ctx;
	return __atomic_load_n(&fake_now, __ATOMIC_SEQ_CST);
}

static void set_time(uint64_t ms)
{
	__atomic_store_n(&fake_now, ms, __ATOMIC_SEQ_CST);
}

/* Sets the test clock and runs what is due by then; how many timers ran. */
static int advance_to(uint64_t ms)
{
	set_time(ms);
	return loop_timers_advance();
}

static const struct loop_clock test_clock = { .now_ms = fake_clock };

struct seq {
	int order[64];
	int n;
	bool on_loop[64];
};

static struct seq seq;

static void record(void *arg)
{
	seq.on_loop[seq.n] = loop_on_thread();
	seq.order[seq.n++] = (int)(intptr_t)arg;
}

static void test_post_order_and_call(void **state)
{
	(void)state;
	seq.n = 0;
	assert_int_equal(loop_post(record, (void *)1), -ESHUTDOWN);
	assert_int_equal(loop_start(NULL), 0);
	assert_int_equal(loop_start(NULL), -EALREADY);
	assert_false(loop_on_thread());
	for (intptr_t i = 0; i < 20; i++)
		assert_int_equal(loop_post(record, (void *)i), 0);
	/* loop_call() is an ordering point: everything posted before has run. */
	assert_int_equal(loop_call(record, (void *)99), 0);
	assert_int_equal(seq.n, 21);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(seq.order[i], i);
		assert_true(seq.on_loop[i]);
	}
	assert_int_equal(seq.order[20], 99);
	/* What is posted before the stop still runs. */
	assert_int_equal(loop_post(record, (void *)7), 0);
	loop_stop();
	assert_int_equal(seq.n, 22);
	assert_int_equal(seq.order[21], 7);
	assert_false(loop_running());
	assert_int_equal(loop_call(record, (void *)1), -ESHUTDOWN);
}

struct pipe_watch {
	int fds[2];
	int reads;
	char last;
};

static void readable(int flags, void *arg)
{
	struct pipe_watch *w = arg;
	char c;

	if ((flags & FD_READ) && read(w->fds[0], &c, 1) == 1) {
		w->reads++;
		w->last = c;
	}
}

static void watch(void *arg)
{
	struct pipe_watch *w = arg;

	assert_int_equal(fd_listen(w->fds[0], FD_READ, readable, w), 0);
}

static void unwatch(void *arg)
{
	fd_close(((struct pipe_watch *)arg)->fds[0]);
}

struct count {
	struct pipe_watch *w;
	int reads;
	char last;
};

static void get_count(void *arg)
{
	struct count *c = arg;

	c->reads = c->w->reads;
	c->last = c->w->last;
}

static void test_descriptors(void **state)
{
	struct pipe_watch w = { .reads = 0 };

	(void)state;
	assert_int_equal(pipe(w.fds), 0);
	assert_int_equal(loop_start(NULL), 0);
	loop_call(watch, &w);
	for (char c = 'a'; c <= 'e'; c++) {
		struct count n = { .w = &w };

		assert_int_equal(write(w.fds[1], &c, 1), 1);
		/* The loop picks it up by itself; look from here until it has. */
		for (int i = 0; i < 2000; i++) {
			loop_call(get_count, &n);
			if (n.reads == c - 'a' + 1)
				break;
			usleep(1000);
		}
		assert_int_equal(n.reads, c - 'a' + 1);
		assert_int_equal(n.last, c);
	}
	loop_call(unwatch, &w);
	loop_stop();
	close(w.fds[0]);
	close(w.fds[1]);
}

static struct loop_timer t1, t2, t3, periodic;
static uint64_t fired_at[16];
static int n_fired;

static void start_three(void *arg)
{
	(void)arg;
	loop_timer_start(&t1, 100, record, (void *)1);
	loop_timer_start(&t2, 50, record, (void *)2);
	loop_timer_start(&t3, 100, record, (void *)3);
}

static void tick(void *arg)
{
	(void)arg;
	fired_at[n_fired++] = loop_now_ms();
	if (n_fired < 4)
		loop_timer_start(&periodic, 250, tick, NULL);
}

static void start_periodic(void *arg)
{
	(void)arg;
	loop_timer_start(&periodic, 250, tick, NULL);
}

static void start_and_cancel(void *arg)
{
	(void)arg;
	loop_timer_start(&t1, 10, record, (void *)1);
	loop_timer_start(&t2, 20, record, (void *)2);
	loop_timer_cancel(&t1);
	/* Restarting moves it: one run, at the new time. */
	loop_timer_start(&t2, 30, record, (void *)2);
}

static void test_timers_follow_the_clock(void **state)
{
	(void)state;
	set_time(1000);
	seq.n = 0;
	assert_int_equal(loop_start(&test_clock), 0);
	assert_int_equal(loop_now_ms(), 1000);
	loop_call(start_three, NULL);
	assert_int_equal(advance_to(1049), 0);
	assert_int_equal(advance_to(1050), 1);
	assert_int_equal(advance_to(1100), 2);
	assert_int_equal(seq.n, 3);
	/* Due first runs first; equal due times in the order they were started. */
	assert_int_equal(seq.order[0], 2);
	assert_int_equal(seq.order[1], 1);
	assert_int_equal(seq.order[2], 3);
	assert_true(seq.on_loop[0]);

	/* A timer that re-arms itself: a cadence, exactly on the clock's milliseconds. */
	set_time(0);
	n_fired = 0;
	loop_call(start_periodic, NULL);
	for (uint64_t ms = 0; ms <= 2000; ms += 10)
		advance_to(ms);
	assert_int_equal(n_fired, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(fired_at[i], 250u * (uint64_t)(i + 1));

	seq.n = 0;
	set_time(0);
	loop_call(start_and_cancel, NULL);
	assert_int_equal(advance_to(25), 0);
	assert_int_equal(advance_to(30), 1);
	assert_int_equal(advance_to(100), 0);
	assert_int_equal(seq.n, 1);
	assert_int_equal(seq.order[0], 2);
	loop_stop();
}

/* With the real clock, timers fire by themselves. */
static void get_seq_n(void *arg)
{
	*(int *)arg = seq.n;
}

static void test_real_timer(void **state)
{
	int n = 0;

	(void)state;
	seq.n = 0;
	assert_int_equal(loop_start(NULL), 0);
	loop_call(start_three, NULL);
	for (int i = 0; i < 2000 && n < 3; i++) {
		loop_call(get_seq_n, &n);
		usleep(1000);
	}
	loop_call(record, (void *)9);
	assert_int_equal(seq.n, 4);
	assert_int_equal(seq.order[0], 2);
	loop_stop();
}

static int counts[4];

static void count_it(void *arg)
{
	counts[(intptr_t)arg]++;
}

static void *counter(void *arg)
{
	for (int i = 0; i < 1000; i++)
		assert_int_equal(loop_post(count_it, arg), 0);
	return NULL;
}

/* Many threads posting at once: nothing lost, however full the queue gets. */
static void test_many_posters(void **state)
{
	pthread_t th[4];

	(void)state;
	assert_int_equal(loop_start(NULL), 0);
	for (intptr_t i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, counter, (void *)i), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	loop_stop();
	for (int i = 0; i < 4; i++)
		assert_int_equal(counts[i], 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_post_order_and_call),
		cmocka_unit_test(test_descriptors),
		cmocka_unit_test(test_timers_follow_the_clock),
		cmocka_unit_test(test_real_timer),
		cmocka_unit_test(test_many_posters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
