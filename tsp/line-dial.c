/* Keypad dialing with a dial timeout. See line-dial.h. */
#include <stdio.h>
#include <string.h>

#include "line-dial.h"

static void timeout(void *arg)
{
	struct line_dialer *d = arg;

	if (d->digits[0] && d->expired)
		d->expired(d, d->arg);
}

void line_dialer_init(struct line_dialer *d, unsigned timeout_ms,
		      void (*expired)(struct line_dialer *d, void *arg), void *arg)
{
	memset(d, 0, sizeof(*d));
	d->timeout_ms = timeout_ms;
	d->expired = expired;
	d->arg = arg;
}

bool line_dialer_take(struct line_dialer *d, char *out, size_t size)
{
	bool any = d->digits[0] != '\0';

	loop_timer_cancel(&d->timer);
	if (size)
		snprintf(out, size, "%s", d->digits);
	d->digits[0] = '\0';
	return any;
}

void line_dialer_cancel(struct line_dialer *d)
{
	loop_timer_cancel(&d->timer);
	d->digits[0] = '\0';
}

bool line_dialer_key(struct line_dialer *d, char key, char *out, size_t size)
{
	size_t n = strlen(d->digits);

	if (key == '#')
		return line_dialer_take(d, out, size);
	if (!strchr("0123456789*ABCD", key) || key == '\0')
		return false;
	if (n < LINE_DIAL_MAX) {
		d->digits[n] = key;
		d->digits[n + 1] = '\0';
	}
	if (d->timeout_ms)
		loop_timer_start(&d->timer, d->timeout_ms, timeout, d);
	return false;
}
