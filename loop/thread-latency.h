/*
 * Wake-up latency of the calling thread, for threads that keep a clock (the RTP send clock):
 * asks the kernel's fair scheduler for a short time slice. No privilege, no priority change.
 */
#ifndef HIDPHONE_LOOP_THREAD_LATENCY_H
#define HIDPHONE_LOOP_THREAD_LATENCY_H

/* The slice asked for: the kernel's minimum. */
#define LOOP_SHORT_SLICE_NS 100000u

/*
 * Asks for a LOOP_SHORT_SLICE_NS slice for the calling thread, keeping its policy and nice
 * value. Idempotent. 0; -EOPNOTSUPP, thread left alone, when its policy is neither
 * SCHED_OTHER nor SCHED_BATCH (real-time and deadline threads already wake ahead of fair
 * ones; an idle thread asked to wait); or a negative errno from sched_getattr/setattr.
 * Kernels before 6.12 accept the value and ignore it.
 */
int loop_thread_short_slice(void);

#endif
