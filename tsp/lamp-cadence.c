/*
 * Host-timed lamp cadences: see lamp-cadence.h.
 */
#include "lamp-cadence.h"

#define FLUTTER_HALF 125u

bool lamp_cadence_lit(enum lamp_cadence c, uint64_t t)
{
	switch (c) {
	case LAMP_CADENCE_WINK:
		return t % 1000u < 500u;
	case LAMP_CADENCE_FLASH:
		return t % 2000u < 1000u;
	case LAMP_CADENCE_FLUTTER:
		return t % (2u * FLUTTER_HALF) < FLUTTER_HALF;
	case LAMP_CADENCE_BROKEN_FLUTTER:
		return t % 1000u < 500u && t % (2u * FLUTTER_HALF) < FLUTTER_HALF;
	case LAMP_CADENCE_NONE:
		break;
	}
	return false;
}

uint64_t lamp_cadence_next_edge(enum lamp_cadence c, uint64_t t)
{
	uint64_t step;

	switch (c) {
	case LAMP_CADENCE_WINK:
		step = 500u;
		break;
	case LAMP_CADENCE_FLASH:
		step = 1000u;
		break;
	case LAMP_CADENCE_FLUTTER:
		step = FLUTTER_HALF;
		break;
	case LAMP_CADENCE_BROKEN_FLUTTER:
		/* The dark half has no edges: sleep through it. */
		if (t % 1000u >= 500u)
			return 1000u - t % 1000u;
		step = FLUTTER_HALF;
		break;
	default:
		return UINT64_MAX;
	}
	return step - t % step;
}

static void arm(struct lamp_blinker *b);

static void fired(void *arg)
{
	struct lamp_blinker *b = arg;

	arm(b);
	b->edge(b->ctx);
}

static void arm(struct lamp_blinker *b)
{
	uint64_t t = loop_now_ms() - b->epoch, next = UINT64_MAX;

	if (!b->blinking) {
		loop_timer_cancel(&b->timer);
		return;
	}
	for (uint32_t id = 0; id < PHONE_MAX_IDS; id++) {
		uint64_t n;

		if (!b->cadence[id])
			continue;
		n = lamp_cadence_next_edge(b->cadence[id], t);
		if (n < next)
			next = n;
	}
	loop_timer_start(&b->timer, next, fired, b);
}

void lamp_blinker_init(struct lamp_blinker *b, void (*edge)(void *ctx), void *ctx)
{
	*b = (struct lamp_blinker){ .edge = edge, .ctx = ctx };
}

void lamp_blinker_set(struct lamp_blinker *b, uint32_t id, enum lamp_cadence c)
{
	if (id >= PHONE_MAX_IDS || b->cadence[id] == c)
		return;
	if (!b->blinking)
		b->epoch = loop_now_ms();
	b->blinking += (c != LAMP_CADENCE_NONE) - (b->cadence[id] != LAMP_CADENCE_NONE);
	b->cadence[id] = (uint8_t)c;
	arm(b);
}

bool lamp_blinker_lit(const struct lamp_blinker *b, uint32_t id)
{
	return id < PHONE_MAX_IDS &&
	       lamp_cadence_lit(b->cadence[id], loop_now_ms() - b->epoch);
}

void lamp_blinker_stop(struct lamp_blinker *b)
{
	loop_timer_cancel(&b->timer);
	b->blinking = 0;
	for (uint32_t id = 0; id < PHONE_MAX_IDS; id++)
		b->cadence[id] = LAMP_CADENCE_NONE;
}
