/*
 * The one I/O loop on libre: see event-loop.h.
 *
 * Why libre's loop and not a loop of our own: the call engine (SIP, RTP) is built on libre
 * and must run on a libre main loop; with the phones, hotplug and the mixers on that same
 * loop there is one thread for all I/O and no lock order between them. libre 1.1.0 keeps
 * its loop state per thread once re_thread_init() has run there, so the loop thread has its
 * own epoll set and timer list, apart from any libre loop of the host.
 *
 * Work from other threads goes through our own queue under a mutex; libre's mqueue (a pipe
 * watched by the loop) only carries the wake-up, one per empty-to-non-empty change, so the
 * pipe never fills however much is posted.
 *
 * Our timers keep their own list, ordered by due time on the loop clock; one libre timer is
 * armed for the earliest. With a test clock none is armed and loop_timers_advance() runs
 * them, so a test decides what time it is.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>
#include <time.h>

#include <re.h>

#include "hid/hot-path.h"
#include "event-loop.h"

struct work {
	struct work *next;
	loop_fn *fn;
	void *arg;
};

struct call {
	loop_fn *fn;
	void *arg;
	bool done;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t changed;       /* the loop started, or a loop_call() ran */
	bool running, stopping, wake_pending;
	int start_rc;
	bool started;
	pthread_t thread;
	struct work *head, *tail;
	struct mqueue *mq;            /* loop thread only */
	struct loop_clock clock;      /* set before the thread starts; now_ms NULL: real */
	/* loop thread only */
	struct loop_timer *timers;
	struct tmr tmr;
	int shared_ep;                /* the shared watches' epoll set (libre watches it), or -1 */
} L = {
	.shared_ep = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.changed = PTHREAD_COND_INITIALIZER,
};

static _Thread_local bool on_loop;

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

HOT_PATH
uint64_t loop_now_ms(void)
{
	return L.clock.now_ms ? L.clock.now_ms(L.clock.ctx) : monotonic_ms();
}

HOT_PATH
bool loop_on_thread(void)
{
	return on_loop;
}

bool loop_running(void)
{
	bool r;

	pthread_mutex_lock(&L.lock);
	r = L.running && !L.stopping;
	pthread_mutex_unlock(&L.lock);
	return r;
}

/* --- timers ---------------------------------------------------------------------------- */

static void run_due(void);

static void tmr_fired(void *arg)
{
	(void)arg;
	run_due();
}

static void rearm(void)
{
	uint64_t now;

	if (L.clock.now_ms)
		return;
	if (!L.timers) {
		tmr_cancel(&L.tmr);
		return;
	}
	now = loop_now_ms();
	tmr_start(&L.tmr, L.timers->due_ms > now ? L.timers->due_ms - now : 0, tmr_fired, NULL);
}

static void unlink_timer(struct loop_timer *t)
{
	for (struct loop_timer **pp = &L.timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->next = NULL;
	t->armed = false;
}

void loop_timer_start(struct loop_timer *t, uint64_t delay_ms, loop_fn *fn, void *arg)
{
	struct loop_timer **pp = &L.timers;

	if (t->armed)
		unlink_timer(t);
	t->due_ms = loop_now_ms() + delay_ms;
	t->fn = fn;
	t->arg = arg;
	t->armed = true;
	/* Equal due times run in the order they were started. */
	while (*pp && (*pp)->due_ms <= t->due_ms)
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
	rearm();
}

void loop_timer_cancel(struct loop_timer *t)
{
	if (!t->armed)
		return;
	unlink_timer(t);
	rearm();
}

static int run_due_count(void)
{
	uint64_t now = loop_now_ms();
	int n = 0;

	while (L.timers && L.timers->due_ms <= now) {
		struct loop_timer *t = L.timers;

		L.timers = t->next;
		t->next = NULL;
		t->armed = false;
		t->fn(t->arg);
		n++;
	}
	rearm();
	return n;
}

static void run_due(void)
{
	run_due_count();
}

struct advance {
	int ran;
};

static void advance_on_loop(void *arg)
{
	((struct advance *)arg)->ran = run_due_count();
}

int loop_timers_advance(void)
{
	struct advance a = { 0 };
	int rc = loop_call(advance_on_loop, &a);

	return rc < 0 ? rc : a.ran;
}

/* --- work from other threads ----------------------------------------------------------- */

static void woken(int id, void *data, void *arg)
{
	struct work *w;

	(void)id;
	(void)data;
	(void)arg;
	pthread_mutex_lock(&L.lock);
	w = L.head;
	L.head = L.tail = NULL;
	L.wake_pending = false;
	pthread_mutex_unlock(&L.lock);
	while (w) {
		struct work *next = w->next;

		w->fn(w->arg);
		free(w);
		w = next;
	}
}

static int post_locked(loop_fn *fn, void *arg)
{
	struct work *w;

	if (!L.running || L.stopping)
		return -ESHUTDOWN;
	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	*w = (struct work){ .fn = fn, .arg = arg };
	if (L.tail)
		L.tail->next = w;
	else
		L.head = w;
	L.tail = w;
	if (!L.wake_pending) {
		int err = mqueue_push(L.mq, 0, NULL);

		/* The queue stays; the next successful wake-up runs it. */
		L.wake_pending = err == 0;
	}
	return 0;
}

int loop_post(loop_fn *fn, void *arg)
{
	int rc;

	pthread_mutex_lock(&L.lock);
	rc = post_locked(fn, arg);
	pthread_mutex_unlock(&L.lock);
	return rc;
}

static void call_on_loop(void *arg)
{
	struct call *c = arg;

	c->fn(c->arg);
	pthread_mutex_lock(&L.lock);
	c->done = true;
	pthread_cond_broadcast(&L.changed);
	pthread_mutex_unlock(&L.lock);
}

int loop_call(loop_fn *fn, void *arg)
{
	struct call c = { .fn = fn, .arg = arg };
	int rc;

	if (on_loop) {
		fn(arg);
		return 0;
	}
	pthread_mutex_lock(&L.lock);
	rc = post_locked(call_on_loop, &c);
	while (rc == 0 && !c.done)
		pthread_cond_wait(&L.changed, &L.lock);
	pthread_mutex_unlock(&L.lock);
	return rc;
}

/* --- descriptors read together with another thread --------------------------------------- */

/*
 * libre's fd_listen() cannot ask for EPOLLEXCLUSIVE, so the shared descriptors sit in an
 * epoll set of their own, which libre watches like any descriptor. The exclusive wake-up
 * happens on fd's wait queue: an entry of a set nobody waits on directly (this one: libre
 * polls it) does not count as having woken anyone, so when the other thread is not waiting
 * the kernel goes on to this entry, and libre's poll of the set wakes the loop.
 */
static void shared_ready(int flags, void *arg)
{
	struct epoll_event ev;

	(void)flags;
	(void)arg;
	/* One at a time: what fn does may end another watch of the set (level-triggered, the
	 * next readable one brings the loop straight back). */
	if (epoll_wait(L.shared_ep, &ev, 1, 0) == 1) {
		struct loop_watch *w = ev.data.ptr;

		w->fn(w->arg);
	}
}

int loop_watch_shared(struct loop_watch *w, int fd, loop_fn *fn, void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = w };

	*w = (struct loop_watch){ .fd = -1, .fn = fn, .arg = arg };
	if (L.shared_ep < 0)
		return -ESHUTDOWN;
	if (epoll_ctl(L.shared_ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	w->fd = fd;
	return 0;
}

void loop_unwatch_shared(struct loop_watch *w)
{
	if (w->fd < 0 || L.shared_ep < 0)
		return;
	epoll_ctl(L.shared_ep, EPOLL_CTL_DEL, w->fd, NULL);
	w->fd = -1;
}

/*
 * The shared watches' set lives as long as the loop: one descriptor, never readable while
 * empty, so it costs an idle loop no wake-up, and the loop's descriptors do not change with
 * what is open.
 */
static int shared_open(void)
{
	int err;

	L.shared_ep = epoll_create1(EPOLL_CLOEXEC);
	if (L.shared_ep < 0)
		return -errno;
	err = fd_listen(L.shared_ep, FD_READ, shared_ready, NULL);
	if (err) {
		close(L.shared_ep);
		L.shared_ep = -1;
		return -err;
	}
	return 0;
}

static void shared_close(void)
{
	if (L.shared_ep < 0)
		return;
	fd_close(L.shared_ep);
	close(L.shared_ep);
	L.shared_ep = -1;
}

/* --- the thread ------------------------------------------------------------------------ */

static void cancel_on_loop(void *arg)
{
	(void)arg;
	re_cancel();
}

static int thread_setup(void)
{
	struct rlimit rl;
	int maxfds = 1024;
	int err;

	err = re_thread_init();
	if (err)
		return -err;
	/* fd_listen() takes descriptors below this bound: as many as the process may open. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur > (rlim_t)maxfds)
		maxfds = rl.rlim_cur > 65536 ? 65536 : (int)rl.rlim_cur;
	err = fd_setsize(maxfds);
	if (!err)
		err = mqueue_alloc(&L.mq, woken, NULL);
	if (!err)
		err = -shared_open();
	if (err) {
		L.mq = mem_deref(L.mq);
		re_thread_close();
		return -err;
	}
	tmr_init(&L.tmr);
	return 0;
}

static void *loop_main(void *arg)
{
	int rc;

	(void)arg;
	on_loop = true;
	/* Named for top -H, perf and the benchmarks. */
	pthread_setname_np(pthread_self(), "hidphone-loop");
	rc = thread_setup();
	pthread_mutex_lock(&L.lock);
	L.start_rc = rc;
	L.started = true;
	pthread_cond_broadcast(&L.changed);
	pthread_mutex_unlock(&L.lock);
	if (rc < 0)
		return NULL;
	re_main(NULL);
	shared_close();
	tmr_cancel(&L.tmr);
	L.timers = NULL;
	L.mq = mem_deref(L.mq);
	/* Frees this thread's libre context: its epoll set and descriptor table. */
	re_thread_close();
	return NULL;
}

int loop_start(const struct loop_clock *clock)
{
	int rc;

	pthread_mutex_lock(&L.lock);
	if (L.running) {
		pthread_mutex_unlock(&L.lock);
		return -EALREADY;
	}
	L.clock = clock ? *clock : (struct loop_clock){ 0 };
	L.started = false;
	L.stopping = false;
	L.wake_pending = false;
	rc = -pthread_create(&L.thread, NULL, loop_main, NULL);
	while (rc == 0 && !L.started)
		pthread_cond_wait(&L.changed, &L.lock);
	if (rc == 0 && L.start_rc < 0) {
		rc = L.start_rc;
		pthread_mutex_unlock(&L.lock);
		pthread_join(L.thread, NULL);
		return rc;
	}
	L.running = rc == 0;
	pthread_mutex_unlock(&L.lock);
	return rc;
}

void loop_stop(void)
{
	pthread_mutex_lock(&L.lock);
	if (!L.running || L.stopping || on_loop) {
		pthread_mutex_unlock(&L.lock);
		return;
	}
	/* Last in the queue: what was posted before still runs. */
	if (post_locked(cancel_on_loop, NULL) < 0) {
		pthread_mutex_unlock(&L.lock);
		return;
	}
	L.stopping = true;
	pthread_mutex_unlock(&L.lock);
	pthread_join(L.thread, NULL);
	pthread_mutex_lock(&L.lock);
	L.running = false;
	L.stopping = false;
	L.clock = (struct loop_clock){ 0 };
	pthread_mutex_unlock(&L.lock);
}
