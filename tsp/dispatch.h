/*
 * Callbacks to the host, in order, never concurrently, no lock held.
 */
#ifndef HIDPHONE_TSP_DISPATCH_H
#define HIDPHONE_TSP_DISPATCH_H

#include <stdint.h>

#include "tspi.h"

void tsp_post_event(uint64_t handle, PHONEEVENT proc, HTAPIPHONE ht, DWORD msg, DWORD_PTR p1,
		    DWORD_PTR p2, DWORD_PTR p3);
/* A line event; htcall (may be NULL) is read when it is delivered. */
void tsp_post_line_event(uint64_t handle, LINEEVENT proc, HTAPILINE htline,
			 const HTAPICALL *htcall, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3);
/* fn(arg) on the delivering thread after everything queued before it was delivered. */
void tsp_post_cleanup(void (*fn)(void *arg), void *arg);
void tsp_post_completion(uint64_t handle, DRV_REQUESTID request, LONG result);
/* Delivers what is queued unless another thread is already delivering. */
void tsp_dispatch(void);
/* Has the dispatch thread deliver what is queued (threads that never run host code). */
void tsp_dispatch_wake(void);
/*
 * The loop thread's hand-off of an input's events: wakes the dispatch thread and lets it
 * deliver before this thread goes on to the input's consequences.
 */
void tsp_dispatch_handoff(void);
/* Drops the events queued for an open that ended; completions stay. */
void tsp_dispatch_forget(uint64_t handle);
/* Waits (without the provider lock) until nothing queued belongs to handle. */
void tsp_dispatch_flush(uint64_t handle);
/*
 * The thread that delivers for the loop thread (which never runs host code). While it has
 * nothing to deliver it also waits for the descriptors of tsp_dispatch_watch(), and calls
 * input(token) for one that is readable; input() reads it and queues what it read, which
 * the thread then delivers.
 */
int tsp_dispatch_start(void (*input)(uint64_t token));
void tsp_dispatch_stop(void);
/*
 * Has the dispatch thread wait for fd to be readable while it is idle, sharing the wake-ups
 * with the loop's loop_watch_shared() of fd, added after this one (loop/event-loop.h).
 * token (not 0) goes to input(). -EINVAL: fd cannot be watched so; -ESHUTDOWN: no thread.
 */
int tsp_dispatch_watch(int fd, uint64_t token);
/* Before fd is closed: the thread waits for it no more (a readiness it already took may
 * still reach input(), which finds its token gone). */
void tsp_dispatch_unwatch(int fd);
/* Waits until nothing is queued and no callback runs (not from inside a callback). */
void tsp_dispatch_wait_idle(void);

#endif
