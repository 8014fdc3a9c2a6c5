/*
 * Reading and writing field values in report payloads.
 *
 * HID packs fields little-endian at the bit level: bit n of a report is bit (n % 8) of byte
 * n / 8, and a multi-bit value starts with its least significant bit (HID 1.11, 5.8). The
 * payload passed here starts after the report-id byte, like rdesc_field.bit_offset.
 * Every function checks the bounds it is given and never touches a byte outside them.
 */
#ifndef HIDPHONE_FIELD_CODEC_H
#define HIDPHONE_FIELD_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "rdesc.h"

/* Reads size (1..32) bits at bit offset off. Returns 0, or -ERANGE when outside len bytes. */
int bits_get(const uint8_t *buf, size_t len, uint32_t off, unsigned size, uint32_t *value);

/* Writes the low size bits of value at bit offset off, leaving all other bits untouched. */
int bits_put(uint8_t *buf, size_t len, uint32_t off, unsigned size, uint32_t value);

/* Sign-extends the low size bits of raw. */
int32_t bits_sign_extend(uint32_t raw, unsigned size);

/*
 * Element index of field f: the value as the descriptor means it, sign-extended when the
 * logical minimum is negative, else unsigned.
 */
int field_get(const struct rdesc_field *f, uint32_t index, const uint8_t *payload, size_t len,
	      int64_t *value);
int field_put(const struct rdesc_field *f, uint32_t index, uint8_t *payload, size_t len,
	      int64_t value);

/* True when value lies within the field's logical range. */
int field_value_in_range(const struct rdesc_field *f, int64_t value);

/*
 * The usages an array field currently reports: each element's value minus logical_min
 * indexes the field's usage list; a value outside the logical range or past the list means
 * "nothing" (the Null state, or an idle value like a keypad's 0 below logical_min 1).
 * Writes at most max usages to out and returns how many elements named a usage, or a
 * negative errno when the payload is too short.
 */
int field_array_usages(const struct rdesc *desc, const struct rdesc_field *f,
		       const uint8_t *payload, size_t len, uint32_t *out, size_t max);

/* The array element value that selects usage, or -ENOENT when the field does not list it. */
int field_array_value_for(const struct rdesc *desc, const struct rdesc_field *f, uint32_t usage,
			  int64_t *value);

#endif
