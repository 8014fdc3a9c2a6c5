/*
 * A short scheduler slice for a thread that keeps a clock: see thread-latency.h.
 *
 * Why: on a busy machine a woken thread waits for a CPU. The RTP send clock's timerfd fires
 * on time (perf sched timehist: tens of microseconds), but the loop thread then sat
 * runnable for 1 to 14 ms behind compilers and a VM before it ran. Linux's fair scheduler
 * (EEVDF, 6.6 and later) lets a woken task preempt the running one when its virtual
 * deadline is the earlier, and the deadline is one slice ahead: with the default slice
 * (0.7 ms × (1 + log2 CPUs), and HZ ticks between checks) the woken loop waits. Since 6.12
 * a task may ask for a slice of its own with sched_setattr's sched_runtime, unprivileged; a
 * short slice gives it an early deadline, so its wake-ups preempt far more often. The
 * share of CPU is unchanged (that is the nice value), and a thread that runs for tens of
 * microseconds per 20 ms never uses up even the short slice. Real-time scheduling would
 * do better still but needs a privilege (CAP_SYS_NICE or RLIMIT_RTPRIO) that a provider
 * loaded into an ordinary application does not have.
 */
#include "loop/thread-latency.h"

#include <errno.h>
#include <linux/sched.h>
#include <linux/sched/types.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int loop_thread_short_slice(void)
{
	struct sched_attr a;

	memset(&a, 0, sizeof(a));
	if (syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0))
		return -errno;
	if (a.sched_policy != SCHED_NORMAL && a.sched_policy != SCHED_BATCH)
		return -EOPNOTSUPP;
	if (a.sched_runtime == LOOP_SHORT_SLICE_NS)
		return 0;
	a.size = sizeof(a);
	a.sched_runtime = LOOP_SHORT_SLICE_NS;
	/* Policy and nice as read: a nice value is never lowered (that needs privilege). */
	a.sched_flags &= SCHED_FLAG_RESET_ON_FORK;
	if (syscall(SYS_sched_setattr, 0, &a, 0))
		return -errno;
	return 0;
}
