/*
 * Trying again after a transient failure, on the loop's timers: the first retry after
 * first_ms, each next one after twice the wait before, up to max_ms, at most max_tries
 * retries; what a device just plugged in needs while udev and sysfs catch up (tsp/hotplug.c).
 * The loop's clock times it, so tests run it on their own clock (test/test-loop-backoff.c).
 * Loop thread only.
 */
#ifndef HIDPHONE_LOOP_BACKOFF_H
#define HIDPHONE_LOOP_BACKOFF_H

#include <stdbool.h>
#include <stdint.h>

#include "event-loop.h"

struct loop_backoff {
	struct loop_timer timer;
	uint32_t first_ms, max_ms;
	unsigned max_tries;
	unsigned tries;              /* retries armed so far */
	uint32_t next_ms;            /* the wait before the next one */
};

void loop_backoff_init(struct loop_backoff *b, uint32_t first_ms, uint32_t max_ms,
		       unsigned max_tries);
/* After a failure: arms the next try, fn(arg), and returns true; false when they are spent. */
bool loop_backoff_retry(struct loop_backoff *b, loop_fn *fn, void *arg);
/* No further try (safe when none is armed). */
void loop_backoff_cancel(struct loop_backoff *b);

#endif
