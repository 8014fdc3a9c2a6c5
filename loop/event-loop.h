/*
 * The one I/O loop: a single thread running libre's main loop (re_main) on which every
 * descriptor the provider reads is watched and every timer runs: hidraw nodes, the udev
 * monitor, the replay transport's pacing, lamp cadences, and — for the layers above devices/
 * that build on it — ALSA mixer descriptors and SIP/RTP sockets.
 *
 * Code running on the loop thread may call libre's fd_listen()/fd_close()/tmr_start()
 * directly: the loop thread has its own libre context (re_thread_init), so a host process
 * that runs libre itself is not disturbed, and its libre state is not ours.
 *
 * Other threads never touch loop-owned state; they hand work over with loop_post() (async)
 * or loop_call() (runs it and waits for it to have run; for the few places that need a
 * result or an ordering point; the loop itself never waits on those threads).
 *
 * Timers (struct loop_timer) read the loop's clock, which tests replace with their own
 * (struct loop_clock): then nothing fires by itself, and loop_timers_advance() runs what the
 * test clock says is due, so cadences are tested without sleeping.
 */
#ifndef HIDPHONE_LOOP_EVENT_LOOP_H
#define HIDPHONE_LOOP_EVENT_LOOP_H

#include <stdbool.h>
#include <stdint.h>

typedef void loop_fn(void *arg);

/* A clock for tests: milliseconds, never going back. */
struct loop_clock {
	uint64_t (*now_ms)(void *ctx);
	void *ctx;
};

/*
 * Starts the loop thread. clock NULL: the monotonic clock, timers fire by themselves.
 * Returns 0, -EALREADY when it runs, or a negative errno.
 */
int loop_start(const struct loop_clock *clock);
/*
 * Runs what was posted before, then ends the loop thread and joins it. Not from the loop
 * thread. Timers still armed are dropped (their owners cancel them first).
 */
void loop_stop(void);
bool loop_running(void);
bool loop_on_thread(void);

/* Runs fn(arg) on the loop thread, later, in posting order. -ESHUTDOWN: no loop. */
int loop_post(loop_fn *fn, void *arg);
/* Runs fn(arg) on the loop thread and returns when it has run (at once on the loop thread). */
int loop_call(loop_fn *fn, void *arg);

/* Timers: loop thread only. A timer is zero-initialised or loop_timer_init()ed first. */
struct loop_timer {
	struct loop_timer *next;
	uint64_t due_ms;
	loop_fn *fn;
	void *arg;
	bool armed;
};

void loop_timer_start(struct loop_timer *t, uint64_t delay_ms, loop_fn *fn, void *arg);
void loop_timer_cancel(struct loop_timer *t);
static inline bool loop_timer_armed(const struct loop_timer *t)
{
	return t->armed;
}
/*
 * A descriptor the loop reads together with another thread (the dispatch thread reads the
 * phones' input so, tsp/dispatch.h). That thread waits on fd in an epoll set of its own,
 * added there with EPOLLEXCLUSIVE before this watch; the loop's watch is exclusive too.
 * The kernel then wakes one of the two for each wake-up of fd, the other thread first:
 * while it waits, it alone hears of fd; while it is busy, the loop does. So whichever is
 * free reads, with no wake-up of the other. The two serialise their reads themselves.
 * Loop thread only; w is the caller's until loop_unwatch_shared(). -EINVAL: fd cannot be
 * watched so (an epoll instance is one); watch it with fd_listen() instead. The loop keeps
 * one epoll set for these from start to stop (libre's fd_listen() cannot ask for
 * EPOLLEXCLUSIVE itself).
 */
struct loop_watch {
	int fd;
	loop_fn *fn;                /* fd is readable (or hung up): fn(arg) */
	void *arg;
};

int loop_watch_shared(struct loop_watch *w, int fd, loop_fn *fn, void *arg);
void loop_unwatch_shared(struct loop_watch *w);

/* The loop clock, in milliseconds (any thread). */
uint64_t loop_now_ms(void);

/*
 * With a test clock: runs, on the loop thread, every timer due by the clock's time now
 * (also those a timer started that are due by then); returns how many ran.
 */
int loop_timers_advance(void);

#endif
