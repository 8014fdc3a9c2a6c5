#include <errno.h>

#include "field-codec.h"
#include "hot-path.h"

static int span_ok(size_t len, uint32_t off, unsigned size)
{
	if (size == 0 || size > 32)
		return 0;
	/* 64-bit arithmetic: off + size cannot wrap. */
	return (uint64_t)off + size <= (uint64_t)len * 8;
}

int bits_get(const uint8_t *buf, size_t len, uint32_t off, unsigned size, uint32_t *value)
{
	uint64_t v = 0;
	uint32_t first = off / 8, last = (off + size - 1) / 8;

	if (!span_ok(len, off, size))
		return -ERANGE;
	/* At most 5 bytes hold 32 bits at any bit offset. */
	for (uint32_t b = last + 1; b-- > first;)
		v = (v << 8) | buf[b];
	v >>= off % 8;
	*value = (uint32_t)(v & ((size == 32) ? 0xffffffffu : ((1u << size) - 1)));
	return 0;
}

int bits_put(uint8_t *buf, size_t len, uint32_t off, unsigned size, uint32_t value)
{
	if (!span_ok(len, off, size))
		return -ERANGE;
	for (unsigned i = 0; i < size;) {
		uint32_t bit = off + i;
		unsigned shift = bit % 8;
		unsigned n = 8 - shift;
		uint8_t mask;

		if (n > size - i)
			n = size - i;
		mask = (uint8_t)(((1u << n) - 1) << shift);
		buf[bit / 8] = (uint8_t)((buf[bit / 8] & ~mask) |
					 (((value >> i) << shift) & mask));
		i += n;
	}
	return 0;
}

int32_t bits_sign_extend(uint32_t raw, unsigned size)
{
	if (size == 0 || size >= 32)
		return (int32_t)raw;
	if (raw & (1u << (size - 1)))
		return (int32_t)(raw | ~((1u << size) - 1));
	return (int32_t)raw;
}

static int element_offset(const struct rdesc_field *f, uint32_t index, uint32_t *off)
{
	if (index >= f->count)
		return -ERANGE;
	*off = f->bit_offset + index * f->bit_size;
	return 0;
}

HOT_PATH
int field_get(const struct rdesc_field *f, uint32_t index, const uint8_t *payload, size_t len,
	      int64_t *value)
{
	uint32_t off, raw;
	int rc = element_offset(f, index, &off);

	if (rc == 0)
		rc = bits_get(payload, len, off, f->bit_size, &raw);
	if (rc)
		return rc;
	*value = f->logical_min < 0 ? bits_sign_extend(raw, f->bit_size) : (int64_t)raw;
	return 0;
}

int field_put(const struct rdesc_field *f, uint32_t index, uint8_t *payload, size_t len,
	      int64_t value)
{
	uint32_t off;
	int rc = element_offset(f, index, &off);

	if (rc)
		return rc;
	return bits_put(payload, len, off, f->bit_size, (uint32_t)value);
}

HOT_PATH
int field_value_in_range(const struct rdesc_field *f, int64_t value)
{
	return value >= f->logical_min && value <= f->logical_max;
}

HOT_PATH
int field_array_usages(const struct rdesc *desc, const struct rdesc_field *f,
		       const uint8_t *payload, size_t len, uint32_t *out, size_t max)
{
	int found = 0;

	for (uint32_t i = 0; i < f->count; i++) {
		int64_t v, idx;
		int rc = field_get(f, i, payload, len, &v);

		if (rc)
			return rc;
		if (!field_value_in_range(f, v))
			continue;
		idx = v - f->logical_min;
		if (idx < 0 || idx >= (int64_t)f->usages_count)
			continue;
		if ((size_t)found < max)
			out[found] = desc->usages[f->usages_first + (uint32_t)idx];
		found++;
	}
	return found;
}

int field_array_value_for(const struct rdesc *desc, const struct rdesc_field *f, uint32_t usage,
			  int64_t *value)
{
	for (uint32_t i = 0; i < f->usages_count; i++) {
		if (desc->usages[f->usages_first + i] != usage)
			continue;
		if (f->logical_min + i > f->logical_max)
			return -ENOENT;
		*value = f->logical_min + i;
		return 0;
	}
	return -ENOENT;
}
