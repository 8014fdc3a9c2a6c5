/*
 * Keypad dialing: the digits a phone's keypad dials in DIALTONE, collected until '#' or
 * until no key came for the dial timeout. Loop thread only (the timer is a loop timer, on
 * the loop's clock, which tests replace).
 */
#ifndef HIDPHONE_TSP_LINE_DIAL_H
#define HIDPHONE_TSP_LINE_DIAL_H

#include <stdbool.h>
#include <stddef.h>

#include "loop/event-loop.h"

#define LINE_DIAL_MAX 32

struct line_dialer {
	char digits[LINE_DIAL_MAX + 1];
	unsigned timeout_ms;         /* 0: only '#' sends */
	struct loop_timer timer;
	/* The dial timeout ran out with digits collected: take them (line_dialer_take). */
	void (*expired)(struct line_dialer *d, void *arg);
	void *arg;
};

void line_dialer_init(struct line_dialer *d, unsigned timeout_ms,
		      void (*expired)(struct line_dialer *d, void *arg), void *arg);
/*
 * A key (0-9 * # A-D). '#' completes the number: returns true with it in out (and the
 * dialer empty again). Otherwise the digit is collected (keys beyond LINE_DIAL_MAX are
 * dropped) and the timeout starts over; returns false. '#' with nothing collected: false.
 */
bool line_dialer_key(struct line_dialer *d, char key, char *out, size_t size);
/* The digits collected (false if none), emptying the dialer and stopping its timer. */
bool line_dialer_take(struct line_dialer *d, char *out, size_t size);
/* Forgets the digits and stops the timer. */
void line_dialer_cancel(struct line_dialer *d);

#endif
