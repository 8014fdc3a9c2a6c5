/*
 * Delivering callbacks to the host.
 *
 * TAPI wants the events of a phone in order and never two callbacks at once, and a host may
 * call back into TSPI from inside a callback. So every event and completion goes into one
 * queue, and whichever thread finds the queue idle delivers everything in it, without
 * holding any lock during a callback. A thread that queues while another delivers just
 * leaves its item: the delivering thread takes it in order.
 *
 * The I/O loop and the device writer never run host code: what they queue (input events,
 * completions, hotplug) is delivered by the dispatch thread, so a slow callback never holds
 * up a device, and a callback may call TSPI functions that wait for the loop.
 *
 * The dispatch thread also reads the phones' input while it has nothing to deliver: it
 * sleeps in an epoll set that holds, beside its wake-up eventfd, the phones' descriptors,
 * which the loop watches too (loop_watch_shared() in loop/event-loop.h). A report that
 * comes while this thread waits wakes it alone; it reads the report and delivers its events
 * itself, one thread switch from the device to the host as for a bare read(). A report
 * that comes while it is in a callback wakes the loop instead, so input never waits for a
 * host: only its delivery does, as it must to stay in order.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hid/hot-path.h"
#include "loop/event-loop.h"
#include "dispatch.h"
#include "log.h"
#include "phone.h"

struct item {
	struct item *next;
	uint64_t handle;            /* the open it belongs to; 0 for provider-wide messages */
	bool completion;
	PHONEEVENT proc;
	HTAPIPHONE ht;
	LINEEVENT line_proc;        /* a line event instead of a phone one */
	HTAPILINE htline;
	const HTAPICALL *htcall;    /* read when delivered: LINE_NEWCALL may have just set it */
	void (*cleanup)(void *arg); /* runs in order after everything queued before it */
	void *cleanup_arg;
	DWORD msg;
	DWORD_PTR p1, p2, p3;
	DRV_REQUESTID request;
	LONG result;
};

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_changed = PTHREAD_COND_INITIALIZER;
static struct item *head, *tail;
static bool delivering;
static uint64_t in_flight;          /* while delivering: the handle of the item in its callback */
static _Thread_local bool in_callback;

/* The epoll token of the wake-up eventfd; a watched descriptor's token is never 0. */
#define WAKE_TOKEN 0

static struct {
	pthread_t thread;
	bool running, stop, wanted;
	bool sleeping;               /* queue lock: in epoll_wait, and nobody wrote wake_fd yet */
	bool detached;               /* queue lock: stopped from its own callback; closes its fds */
	int ep;                      /* queue lock: the epoll set it sleeps in, or -1 */
	int wake_fd;
	void (*input)(uint64_t token);
} dt = { .ep = -1, .wake_fd = -1 };

/*
 * Queues a copy of init; false when out of memory. malloc(), not calloc(): init sets every
 * member, and glibc's calloc() goes to the arena (its lock and bins) each time, where
 * malloc() takes back an item the dispatch thread freed from that thread's own cache: the
 * short way for the events of each report the dispatch thread reads itself.
 */
HOT_PATH
static bool enqueue(struct item init)
{
	struct item *it = malloc(sizeof(*it));

	if (!it)
		return false;
	*it = init;
	it->next = NULL;
	pthread_mutex_lock(&queue_lock);
	if (tail)
		tail->next = it;
	else
		head = it;
	tail = it;
	pthread_mutex_unlock(&queue_lock);
	return true;
}

HOT_PATH
void tsp_post_event(uint64_t handle, PHONEEVENT proc, HTAPIPHONE ht, DWORD msg, DWORD_PTR p1,
		    DWORD_PTR p2, DWORD_PTR p3)
{
	if (!enqueue((struct item){ .handle = handle, .proc = proc, .ht = ht, .msg = msg,
				    .p1 = p1, .p2 = p2, .p3 = p3 }))
		tsp_log(TSP_LOG_ERROR, "out of memory: phone message %u lost", msg);
}

void tsp_post_line_event(uint64_t handle, LINEEVENT proc, HTAPILINE htline,
			 const HTAPICALL *htcall, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3)
{
	if (!enqueue((struct item){ .handle = handle, .line_proc = proc, .htline = htline,
				    .htcall = htcall, .msg = msg, .p1 = p1, .p2 = p2, .p3 = p3 }))
		tsp_log(TSP_LOG_ERROR, "out of memory: line message %u lost", msg);
}

void tsp_post_cleanup(void (*fn)(void *arg), void *arg)
{
	/* Leaking is the safe side: an event queued before may still point into arg. */
	if (!enqueue((struct item){ .cleanup = fn, .cleanup_arg = arg }))
		tsp_log(TSP_LOG_ERROR, "out of memory: a call's memory is kept");
}

void tsp_post_completion(uint64_t handle, DRV_REQUESTID request, LONG result)
{
	if (enqueue((struct item){ .handle = handle, .completion = true, .request = request,
				   .result = result }))
		return;
	/* A completion must not be lost: deliver it without the queue, in order or not. */
	tsp_log(TSP_LOG_ERROR, "out of memory: completing request %u directly", request);
	if (tsp.completion_proc)
		tsp.completion_proc(request, result);
}

HOT_PATH
static void deliver(void)
{
	pthread_mutex_lock(&queue_lock);
	/* Nested in a callback, or another thread is at it: the items wait their turn. */
	if (delivering || in_callback) {
		pthread_mutex_unlock(&queue_lock);
		return;
	}
	delivering = true;
	while (head) {
		struct item *it = head;
		ASYNC_COMPLETION completion = tsp.completion_proc;

		head = it->next;
		if (!head)
			tail = NULL;
		in_flight = it->handle;
		pthread_mutex_unlock(&queue_lock);

		in_callback = true;
		if (it->completion) {
			if (completion)
				completion(it->request, it->result);
		} else if (it->cleanup) {
			it->cleanup(it->cleanup_arg);
		} else if (it->line_proc) {
			it->line_proc(it->htline, it->htcall ? *it->htcall : NULL, it->msg, it->p1,
				      it->p2, it->p3);
		} else if (it->proc) {
			it->proc(it->ht, it->msg, it->p1, it->p2, it->p3);
		}
		in_callback = false;
		free(it);

		pthread_mutex_lock(&queue_lock);
		pthread_cond_broadcast(&queue_changed);
	}
	delivering = false;
	pthread_cond_broadcast(&queue_changed);
	pthread_mutex_unlock(&queue_lock);
}

/*
 * Queue lock held: whether the caller is to write the dispatch thread's eventfd (it sleeps
 * and nobody has written it yet), and from now on nobody else is.
 */
static bool wake_locked(void)
{
	bool write_it = dt.sleeping;

	dt.sleeping = false;
	return write_it;
}

static void wake_write(void)
{
	uint64_t one = 1;

	/* Fails only when the counter is full: the thread is woken already. */
	if (write(dt.wake_fd, &one, sizeof(one)) != sizeof(one))
		return;
}

static void wake_drain(void)
{
	uint64_t count;

	/* Nonblocking; each write wakes the thread once and is read here once. */
	if (read(dt.wake_fd, &count, sizeof(count)) != sizeof(count))
		return;
}

/* True when the dispatch thread was woken to deliver: something is queued. */
static bool wake(void)
{
	bool any, write_it = false;

	pthread_mutex_lock(&queue_lock);
	any = head != NULL;
	dt.wanted = dt.wanted || any;
	if (any)
		write_it = wake_locked();
	pthread_mutex_unlock(&queue_lock);
	if (write_it)
		wake_write();
	return any;
}

void tsp_dispatch_wake(void)
{
	(void)wake();
}

void tsp_dispatch_handoff(void)
{
	/*
	 * The woken dispatch thread and this one have both slept until now, so the scheduler
	 * sees no reason for the one to preempt the other: on a single CPU this thread would
	 * go on to what the input set off (a line's call, the device's confirmation write)
	 * before the host hears of the input. Giving up the CPU once lets the delivery run
	 * first; with a CPU to spare the call returns at once.
	 */
	if (wake())
		sched_yield();
}

HOT_PATH
void tsp_dispatch(void)
{
	if (loop_on_thread()) {
		tsp_dispatch_wake();
		return;
	}
	deliver();
}

static void close_fds(void)
{
	if (dt.wake_fd >= 0)
		close(dt.wake_fd);
	if (dt.ep >= 0)
		close(dt.ep);
	dt.wake_fd = dt.ep = -1;
}

HOT_PATH
static void *dispatch_main(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "hidphone-disp");
	pthread_mutex_lock(&queue_lock);
	for (;;) {
		struct epoll_event ev[16];
		int n = 0;

		if (dt.stop && !dt.wanted)
			break;
		if (!dt.wanted) {
			int ep = dt.ep;

			dt.sleeping = true;
			pthread_mutex_unlock(&queue_lock);
			n = epoll_wait(ep, ev, 16, -1);
			pthread_mutex_lock(&queue_lock);
			dt.sleeping = false;
		}
		dt.wanted = false;
		pthread_mutex_unlock(&queue_lock);
		for (int i = 0; i < n; i++) {
			if (ev[i].data.u64 == WAKE_TOKEN)
				wake_drain();
			else
				dt.input(ev[i].data.u64);
		}
		deliver();
		pthread_mutex_lock(&queue_lock);
	}
	if (dt.detached) {
		dt.detached = false;
		close_fds();
	}
	pthread_mutex_unlock(&queue_lock);
	return NULL;
}

int tsp_dispatch_start(void (*input)(uint64_t token))
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = WAKE_TOKEN };
	int rc;

	if (dt.running)
		return 0;
	dt.stop = false;
	dt.wanted = false;
	dt.sleeping = false;
	dt.input = input;
	dt.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	dt.ep = epoll_create1(EPOLL_CLOEXEC);
	if (dt.wake_fd < 0 || dt.ep < 0 || epoll_ctl(dt.ep, EPOLL_CTL_ADD, dt.wake_fd, &ev) < 0) {
		rc = -errno;
		close_fds();
		return rc;
	}
	rc = pthread_create(&dt.thread, NULL, dispatch_main, NULL);
	if (rc) {
		close_fds();
		return -rc;
	}
	dt.running = true;
	return 0;
}

void tsp_dispatch_stop(void)
{
	bool write_it;
	int ep;

	if (!dt.running)
		return;
	pthread_mutex_lock(&queue_lock);
	dt.stop = true;
	write_it = wake_locked();
	pthread_mutex_unlock(&queue_lock);
	if (write_it)
		wake_write();
	/* A host that shuts down from inside a callback: the thread ends when it returns. */
	if (pthread_equal(dt.thread, pthread_self())) {
		pthread_mutex_lock(&queue_lock);
		dt.detached = true;
		pthread_mutex_unlock(&queue_lock);
		pthread_detach(dt.thread);
		dt.running = false;
		return;
	}
	pthread_join(dt.thread, NULL);
	pthread_mutex_lock(&queue_lock);
	ep = dt.ep;
	dt.ep = -1;
	pthread_mutex_unlock(&queue_lock);
	if (ep >= 0)
		close(ep);
	if (dt.wake_fd >= 0)
		close(dt.wake_fd);
	dt.wake_fd = -1;
	dt.running = false;
}

int tsp_dispatch_watch(int fd, uint64_t token)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.u64 = token };
	int rc = -ESHUTDOWN;

	if (token == WAKE_TOKEN)
		return -EINVAL;
	pthread_mutex_lock(&queue_lock);
	if (dt.ep >= 0 && !dt.stop)
		rc = epoll_ctl(dt.ep, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
	pthread_mutex_unlock(&queue_lock);
	return rc;
}

void tsp_dispatch_unwatch(int fd)
{
	pthread_mutex_lock(&queue_lock);
	if (dt.ep >= 0)
		epoll_ctl(dt.ep, EPOLL_CTL_DEL, fd, NULL);
	pthread_mutex_unlock(&queue_lock);
}

void tsp_dispatch_forget(uint64_t handle)
{
	pthread_mutex_lock(&queue_lock);
	for (struct item **pp = &head; *pp;) {
		struct item *it = *pp;

		if (it->handle == handle && !it->completion && !it->cleanup) {
			*pp = it->next;
			free(it);
			continue;
		}
		pp = &it->next;
	}
	tail = NULL;
	for (struct item *it = head; it; it = it->next)
		tail = it;
	pthread_mutex_unlock(&queue_lock);
}

/* Queued, or in its callback on another thread right now. */
static bool queued(uint64_t handle)
{
	if (delivering && in_flight == handle)
		return true;
	for (struct item *it = head; it; it = it->next) {
		if (it->handle == handle)
			return true;
	}
	return false;
}

void tsp_dispatch_flush(uint64_t handle)
{
	/* Inside a callback nothing can be delivered until it returns; do not wait for it. */
	if (in_callback)
		return;
	deliver();
	pthread_mutex_lock(&queue_lock);
	while (queued(handle))
		pthread_cond_wait(&queue_changed, &queue_lock);
	pthread_mutex_unlock(&queue_lock);
}

void tsp_dispatch_wait_idle(void)
{
	if (in_callback)
		return;
	deliver();
	pthread_mutex_lock(&queue_lock);
	while (head || delivering)
		pthread_cond_wait(&queue_changed, &queue_lock);
	pthread_mutex_unlock(&queue_lock);
}
