/* Exponential back-off on the loop's timers: see backoff.h. */
#include <string.h>

#include "backoff.h"

void loop_backoff_init(struct loop_backoff *b, uint32_t first_ms, uint32_t max_ms,
		       unsigned max_tries)
{
	memset(b, 0, sizeof(*b));
	b->first_ms = first_ms;
	b->max_ms = max_ms < first_ms ? first_ms : max_ms;
	b->max_tries = max_tries;
	b->next_ms = first_ms;
}

bool loop_backoff_retry(struct loop_backoff *b, loop_fn *fn, void *arg)
{
	if (b->tries >= b->max_tries)
		return false;
	loop_timer_start(&b->timer, b->next_ms, fn, arg);
	b->tries++;
	b->next_ms = b->next_ms > b->max_ms / 2 ? b->max_ms : b->next_ms * 2;
	return true;
}

void loop_backoff_cancel(struct loop_backoff *b)
{
	loop_timer_cancel(&b->timer);
}
