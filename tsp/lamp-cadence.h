/*
 * Lamp cadences the provider times itself, for LEDs that only know on and off (no Usage
 * Multi Mode Indicator): TAPI's WINK, FLASH, FLUTTER and BROKENFLUTTER as on/off patterns
 * driven by timers on the I/O loop.
 *
 * TAPI names the rates only: wink "normal", flash "slow", flutter "fast", broken flutter
 * "the superposition of flash and flutter". The patterns (times in ms, on/off):
 *
 *   WINK            500 / 500     1 Hz
 *   FLASH          1000 / 1000    0.5 Hz
 *   FLUTTER         125 / 125     4 Hz
 *   BROKENFLUTTER   flutter during the first 500 ms of each second, off the other 500
 *
 * Every lamp of a phone blinks in phase from the moment the first of them started, as
 * the lamps of a key telephone do, and every edge falls on a multiple of 125 ms from that
 * moment. One timer per phone, armed only while a lamp blinks: a phone with no blinking
 * lamp costs no wakeup.
 */
#ifndef HIDPHONE_TSP_LAMP_CADENCE_H
#define HIDPHONE_TSP_LAMP_CADENCE_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/phone-model.h"
#include "loop/event-loop.h"

enum lamp_cadence {
	LAMP_CADENCE_NONE = 0,   /* steady or off: not timed */
	LAMP_CADENCE_WINK,
	LAMP_CADENCE_FLASH,
	LAMP_CADENCE_FLUTTER,
	LAMP_CADENCE_BROKEN_FLUTTER,
};

/* Whether a lamp of cadence c is lit t ms after the phase started. */
bool lamp_cadence_lit(enum lamp_cadence c, uint64_t t);
/* The ms from t to the next time the lamp may change (the next edge of c). */
uint64_t lamp_cadence_next_edge(enum lamp_cadence c, uint64_t t);

/* The cadences of one phone's lamps; loop thread only. */
struct lamp_blinker {
	struct loop_timer timer;
	uint64_t epoch;                      /* loop time the phase started */
	unsigned blinking;                   /* lamps with a cadence */
	uint8_t cadence[PHONE_MAX_IDS];      /* enum lamp_cadence per id */
	/* Called on the loop thread at every edge; lamp_blinker_lit() says the new state. */
	void (*edge)(void *ctx);
	void *ctx;
};

void lamp_blinker_init(struct lamp_blinker *b, void (*edge)(void *ctx), void *ctx);
/* Gives lamp id cadence c (NONE: not timed any more); the timer follows. */
void lamp_blinker_set(struct lamp_blinker *b, uint32_t id, enum lamp_cadence c);
/* Whether lamp id, which has a cadence, is lit now. */
bool lamp_blinker_lit(const struct lamp_blinker *b, uint32_t id);
void lamp_blinker_stop(struct lamp_blinker *b);

#endif
