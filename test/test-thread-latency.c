/*
 * The short scheduler slice (loop/thread-latency.c): the calling thread gets the slice and
 * keeps its policy and nice value (a nice value is never lowered); asking twice is the same
 * as once; a thread that is not SCHED_OTHER/SCHED_BATCH is left alone with -EOPNOTSUPP.
 * Each case runs in a child process of its own, so the test's scheduling stays as it was
 * (a thread would do, but pthread.h brings glibc's struct sched_param, which
 * linux/sched/types.h defines again).
 */
#include <errno.h>
#include <linux/sched.h>
#include <linux/sched/types.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop/thread-latency.h"

/* In the child a cmocka assertion would unwind into the child's copy of the runner. */
#define CHILD_CHECK(cond)                                                                   \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);          \
			_exit(1);                                                           \
		}                                                                           \
	} while (0)

static struct sched_attr get_attr(void)
{
	struct sched_attr a;

	memset(&a, 0, sizeof(a));
	CHILD_CHECK(syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0) == 0);
	return a;
}

/* Custom slices came with Linux 6.12; before, the kernel takes the value and keeps none. */
static int kernel_has_slices(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return 0;
	return major > 6 || (major == 6 && minor >= 12);
}

/* Runs fn in a child process (its own scheduling attributes) and checks it passed. */
static void in_child(void (*fn)(void))
{
	pid_t pid = fork();
	int status = 0;

	assert_true(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* The slice asked for is in force (or, before Linux 6.12, the kernel kept none). */
static int has_short_slice(const struct sched_attr *a)
{
	return a->sched_runtime == LOOP_SHORT_SLICE_NS ||
	       (!kernel_has_slices() && a->sched_runtime == 0);
}

/* Switches the calling task to another fair policy (allowed without privilege). */
static void set_policy(uint32_t policy)
{
	struct sched_attr a = get_attr();

	a.size = sizeof(a);
	a.sched_policy = policy;
	a.sched_flags = 0;
	CHILD_CHECK(syscall(SYS_sched_setattr, 0, &a, 0) == 0);
}

static void slice_keeps_nice(void)
{
	struct sched_attr a;

	/* Raising one's nice value needs no privilege; lowering it back would. */
	CHILD_CHECK(setpriority(PRIO_PROCESS, 0, 5) == 0);
	CHILD_CHECK(loop_thread_short_slice() == 0);
	a = get_attr();
	CHILD_CHECK(a.sched_policy == SCHED_NORMAL);
	CHILD_CHECK(a.sched_nice == 5);
	CHILD_CHECK(has_short_slice(&a));
	/* Idempotent. */
	CHILD_CHECK(loop_thread_short_slice() == 0);
	a = get_attr();
	CHILD_CHECK(a.sched_nice == 5);
	CHILD_CHECK(has_short_slice(&a));
}

static void batch_thread(void)
{
	struct sched_attr a;

	set_policy(SCHED_BATCH);
	CHILD_CHECK(loop_thread_short_slice() == 0);
	a = get_attr();
	CHILD_CHECK(a.sched_policy == SCHED_BATCH);
	CHILD_CHECK(has_short_slice(&a));
}

static void idle_thread_left_alone(void)
{
	struct sched_attr a;

	/* SCHED_IDLE: asked to run only when nothing else does; a slice would not change that. */
	set_policy(SCHED_IDLE);
	CHILD_CHECK(loop_thread_short_slice() == -EOPNOTSUPP);
	a = get_attr();
	CHILD_CHECK(a.sched_policy == SCHED_IDLE);
	CHILD_CHECK(a.sched_runtime != LOOP_SHORT_SLICE_NS);
}

static void test_slice_keeps_nice(void **state)
{
	(void)state;
	in_child(slice_keeps_nice);
}

static void test_batch_thread(void **state)
{
	(void)state;
	in_child(batch_thread);
}

static void test_idle_thread_left_alone(void **state)
{
	(void)state;
	in_child(idle_thread_left_alone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slice_keeps_nice),
		cmocka_unit_test(test_batch_thread),
		cmocka_unit_test(test_idle_thread_left_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
