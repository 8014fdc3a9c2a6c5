#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "hid/field-codec.h"
#include "hid/rdesc.h"
#include "hid/usage-names.h"

/* Every offset and size: a value written reads back, and no other bit changes. */
static void test_bits_roundtrip_all_positions(void **state)
{
	(void)state;
	for (unsigned size = 1; size <= 32; size++) {
		for (uint32_t off = 0; off + size <= 8 * 8; off++) {
			uint8_t buf[8], before[8];
			uint32_t value = 0xa5c3e1f7u & (size == 32 ? 0xffffffffu : (1u << size) - 1);
			uint32_t got;

			memset(buf, 0x5a, sizeof(buf));
			memcpy(before, buf, sizeof(buf));
			assert_int_equal(bits_put(buf, sizeof(buf), off, size, value), 0);
			assert_int_equal(bits_get(buf, sizeof(buf), off, size, &got), 0);
			assert_int_equal(got, value);
			for (uint32_t bit = 0; bit < 64; bit++) {
				if (bit >= off && bit < off + size)
					continue;
				assert_int_equal((buf[bit / 8] >> (bit % 8)) & 1,
						 (before[bit / 8] >> (bit % 8)) & 1);
			}
		}
	}
}

static void test_bits_little_endian(void **state)
{
	const uint8_t buf[] = { 0x34, 0x12, 0xf0 };
	uint32_t v;
	(void)state;

	assert_int_equal(bits_get(buf, sizeof(buf), 0, 16, &v), 0);
	assert_int_equal(v, 0x1234);
	assert_int_equal(bits_get(buf, sizeof(buf), 4, 4, &v), 0);
	assert_int_equal(v, 0x3);
	assert_int_equal(bits_get(buf, sizeof(buf), 20, 4, &v), 0);
	assert_int_equal(v, 0xf);
}

static void test_bits_bounds(void **state)
{
	uint8_t buf[2] = { 0 };
	uint32_t v;
	(void)state;

	assert_int_equal(bits_get(buf, sizeof(buf), 9, 8, &v), -ERANGE);
	assert_int_equal(bits_get(buf, sizeof(buf), 0, 0, &v), -ERANGE);
	assert_int_equal(bits_get(buf, sizeof(buf), 0, 33, &v), -ERANGE);
	assert_int_equal(bits_get(buf, sizeof(buf), UINT32_MAX, 1, &v), -ERANGE);
	assert_int_equal(bits_put(buf, sizeof(buf), 16, 1, 1), -ERANGE);
	assert_int_equal(bits_get(NULL, 0, 0, 1, &v), -ERANGE);
}

static void test_sign_extend(void **state)
{
	(void)state;
	assert_int_equal(bits_sign_extend(0xf, 4), -1);
	assert_int_equal(bits_sign_extend(0x7, 4), 7);
	assert_int_equal(bits_sign_extend(0x80, 8), -128);
	assert_int_equal(bits_sign_extend(0xffffffffu, 32), -1);
}

static void test_field_signed(void **state)
{
	struct rdesc_field f = { .bit_size = 8, .count = 2, .bit_offset = 8, .logical_min = -127,
				 .logical_max = 127, .flags = RDESC_VARIABLE };
	uint8_t buf[3] = { 0, 0xff, 0x05 };
	int64_t v;
	(void)state;

	assert_int_equal(field_get(&f, 0, buf, sizeof(buf), &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(field_get(&f, 1, buf, sizeof(buf), &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(field_get(&f, 2, buf, sizeof(buf), &v), -ERANGE);
	assert_int_equal(field_put(&f, 1, buf, sizeof(buf), -2), 0);
	assert_int_equal(buf[2], 0xfe);
	f.logical_min = 0;
	f.logical_max = 255;
	assert_int_equal(field_get(&f, 0, buf, sizeof(buf), &v), 0);
	assert_int_equal(v, 255);
}

/* Keypad arrays as they are found on real devices (INDEX.md, "Keypad encodings differ"). */
static const uint8_t keypad_null[] = {
	/* Jabra 380c style: 12 keys, logical 0..12 with Null; 0 selects Key0 */
	0x05, 0x0b, 0x19, 0xb0, 0x29, 0xbb, 0x15, 0x00, 0x25, 0x0c, 0x75, 0x04, 0x95, 0x01,
	0x81, 0x40,
};
static const uint8_t keypad_desk[] = {
	/* a desk phone: 13 keys Key0..KeyA with logical 1..13, idle value 0 */
	0x05, 0x0b, 0x19, 0xb0, 0x29, 0xbc, 0x15, 0x01, 0x25, 0x0d, 0x75, 0x04, 0x95, 0x01,
	0x81, 0x00,
};

static void test_array_keypad_null(void **state)
{
	struct rdesc *d = NULL;
	uint32_t usages[4];
	uint8_t report[1] = { 0 };
	(void)state;

	assert_int_equal(rdesc_parse(keypad_null, sizeof(keypad_null), &d, NULL), 0);
	/* 0 is Key0: index = value - logical_min */
	assert_int_equal(field_array_usages(d, &d->fields[0], report, 1, usages, 4), 1);
	assert_int_equal(usages[0], USAGE(0x0b, 0xb0));
	report[0] = 11;
	assert_int_equal(field_array_usages(d, &d->fields[0], report, 1, usages, 4), 1);
	assert_int_equal(usages[0], USAGE(0x0b, 0xbb));
	/* 12 is in the logical range but past the 12 usages: no key. */
	report[0] = 12;
	assert_int_equal(field_array_usages(d, &d->fields[0], report, 1, usages, 4), 0);
	/* 15 is outside the logical range: the Null state. */
	report[0] = 15;
	assert_int_equal(field_array_usages(d, &d->fields[0], report, 1, usages, 4), 0);
	assert_int_equal(field_array_usages(d, &d->fields[0], report, 0, usages, 4), -ERANGE);
	rdesc_free(d);
}

static void test_array_keypad_desk_phone(void **state)
{
	struct rdesc *d = NULL;
	uint32_t usages[4];
	uint8_t report[1] = { 0 };
	int64_t v;
	(void)state;

	assert_int_equal(rdesc_parse(keypad_desk, sizeof(keypad_desk), &d, NULL), 0);
	assert_int_equal(field_array_usages(d, &d->fields[0], report, 1, usages, 4), 0);
	report[0] = 1;
	assert_int_equal(field_array_usages(d, &d->fields[0], report, 1, usages, 4), 1);
	assert_int_equal(usages[0], USAGE(0x0b, 0xb0));
	report[0] = 13;
	assert_int_equal(field_array_usages(d, &d->fields[0], report, 1, usages, 4), 1);
	assert_int_equal(usages[0], USAGE(0x0b, 0xbc));
	assert_int_equal(field_array_value_for(d, &d->fields[0], USAGE(0x0b, 0xbb), &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(field_array_value_for(d, &d->fields[0], USAGE(0x0b, 0xbd), &v), -ENOENT);
	rdesc_free(d);
}

static void test_array_multiple_slots(void **state)
{
	static const uint8_t d6[] = {
		0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x15, 0x00, 0x25, 0x65, 0x75, 0x08, 0x95, 0x03,
		0x81, 0x00,
	};
	struct rdesc *d = NULL;
	uint32_t usages[2];
	const uint8_t report[3] = { 0x04, 0x00, 0x05 };
	(void)state;

	assert_int_equal(rdesc_parse(d6, sizeof(d6), &d, NULL), 0);
	/* three slots name usages; only two fit in the output, the count says three */
	assert_int_equal(field_array_usages(d, &d->fields[0], report, 3, usages, 2), 3);
	assert_int_equal(usages[0], USAGE(0x07, 0x04));
	assert_int_equal(usages[1], USAGE(0x07, 0x00));
	rdesc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bits_roundtrip_all_positions),
		cmocka_unit_test(test_bits_little_endian),
		cmocka_unit_test(test_bits_bounds),
		cmocka_unit_test(test_sign_extend),
		cmocka_unit_test(test_field_signed),
		cmocka_unit_test(test_array_keypad_null),
		cmocka_unit_test(test_array_keypad_desk_phone),
		cmocka_unit_test(test_array_multiple_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
