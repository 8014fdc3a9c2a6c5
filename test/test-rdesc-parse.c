/*
 * Hand-written descriptors: each feature of the item grammar, and each way a descriptor
 * can be malformed or hostile, with the byte offset the error must name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hid/rdesc.h"
#include "hid/usage-names.h"

#define PARSE_OK(bytes) parse_ok(bytes, sizeof(bytes))

static struct rdesc *parse_ok(const uint8_t *bytes, size_t len)
{
	struct rdesc_error err;
	struct rdesc *d = NULL;
	int rc = rdesc_parse(bytes, len, &d, &err);

	if (rc != 0)
		fail_msg("parse failed at %zu: %s", err.offset, err.message);
	return d;
}

static void expect_error(const uint8_t *bytes, size_t len, int rc, size_t offset,
			 const char *words)
{
	struct rdesc_error err;
	struct rdesc *d = (struct rdesc *)0x1;

	assert_int_equal(rdesc_parse(bytes, len, &d, &err), rc);
	assert_null(d);
	assert_int_equal(err.offset, offset);
	if (!strstr(err.message, words))
		fail_msg("message '%s' lacks '%s'", err.message, words);
}
#define EXPECT_ERROR(bytes, rc, offset, words) expect_error(bytes, sizeof(bytes), rc, offset, words)

/* A boot-keyboard-like descriptor: unnumbered, a variable byte, padding, an array. */
static void test_unnumbered_keyboard(void **state)
{
	static const uint8_t d[] = {
		0x05, 0x01, 0x09, 0x06, 0xa1, 0x01,
		0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08,
		0x81, 0x02,
		0x95, 0x01, 0x75, 0x08, 0x81, 0x01,
		0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65,
		0x81, 0x00,
		0xc0,
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	assert_false(desc->numbered);
	assert_int_equal(desc->n_collections, 1);
	assert_int_equal(desc->collections[0].usage, USAGE(0x01, 0x06));
	assert_int_equal(desc->n_reports, 1);
	assert_int_equal(desc->reports[0].bits, 64);
	assert_int_equal(rdesc_report_bytes(desc, &desc->reports[0]), 8);
	/* 8 modifier fields, 1 padding field, 1 array */
	assert_int_equal(desc->n_fields, 10);
	assert_int_equal(desc->fields[7].usage, USAGE(0x07, 0xe7));
	assert_int_equal(desc->fields[7].bit_offset, 7);
	assert_int_equal(desc->fields[8].usage, 0);
	assert_int_equal(desc->fields[8].bit_offset, 8);
	assert_true(rdesc_field_is_array(&desc->fields[9]));
	assert_int_equal(desc->fields[9].count, 6);
	assert_int_equal(desc->fields[9].usages_count, 0x66);
	assert_int_equal(desc->fields[9].bit_offset, 16);
	assert_int_equal(desc->fields[9].application, 0);
	rdesc_free(desc);
}

static void test_last_usage_covers_remaining(void **state)
{
	static const uint8_t d[] = {
		0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x85, 0x05,
		0x09, 0x01, 0x09, 0x02, 0x75, 0x08, 0x95, 0x3f, 0x81, 0x02, 0xc0,
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	assert_true(desc->numbered);
	assert_int_equal(desc->n_fields, 2);
	assert_int_equal(desc->fields[0].count, 1);
	assert_int_equal(desc->fields[1].usage, USAGE(0xff00, 0x02));
	assert_int_equal(desc->fields[1].count, 62);
	assert_int_equal(desc->fields[1].bit_offset, 8);
	assert_int_equal(rdesc_report_bytes(desc, &desc->reports[0]), 64);
	rdesc_free(desc);
}

/* More usages than elements: the extra usages name nothing. */
static void test_more_usages_than_count(void **state)
{
	static const uint8_t d[] = {
		0x05, 0x0b, 0x09, 0x20, 0x09, 0x21, 0x09, 0x2f, 0x75, 0x01, 0x95, 0x02, 0x81, 0x02,
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	assert_int_equal(desc->n_fields, 2);
	assert_int_equal(desc->fields[1].usage, USAGE(0x0b, 0x21));
	rdesc_free(desc);
}

static void test_push_pop(void **state)
{
	static const uint8_t d[] = {
		0x05, 0x08, 0x75, 0x01, 0x95, 0x01, 0xa4,       /* Push */
		0x05, 0x0b, 0x75, 0x04, 0x09, 0x20, 0x81, 0x02,  /* 4-bit Telephony */
		0xb4,                                            /* Pop */
		0x09, 0x17, 0x91, 0x02,                          /* 1-bit LED output */
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	assert_int_equal(desc->n_fields, 2);
	assert_int_equal(desc->fields[0].bit_size, 4);
	assert_int_equal(desc->fields[1].usage, USAGE(0x08, 0x17));
	assert_int_equal(desc->fields[1].bit_size, 1);
	assert_int_equal(desc->fields[1].kind, RDESC_OUTPUT);
	rdesc_free(desc);
}

static void test_extended_usage(void **state)
{
	static const uint8_t d[] = {
		0x05, 0x01, 0x0b, 0x20, 0x00, 0x0b, 0x00, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02,
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	assert_int_equal(desc->fields[0].usage, USAGE(0x0b, 0x20));
	rdesc_free(desc);
}

static void test_extended_usage_range(void **state)
{
	static const uint8_t d[] = {
		0x1b, 0xb0, 0x00, 0x0b, 0x00, 0x2b, 0xbb, 0x00, 0x0b, 0x00,
		0x15, 0x01, 0x25, 0x0c, 0x75, 0x04, 0x95, 0x01, 0x81, 0x00,
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	assert_int_equal(desc->n_usages, 12);
	assert_int_equal(desc->usages[0], USAGE(0x0b, 0xb0));
	assert_int_equal(desc->usages[11], USAGE(0x0b, 0xbb));
	rdesc_free(desc);
}

/* Maximum before Minimum is unusual but says the same thing. */
static void test_usage_range_any_order(void **state)
{
	static const uint8_t d[] = {
		0x05, 0x09, 0x29, 0x03, 0x19, 0x01, 0x75, 0x01, 0x95, 0x03, 0x81, 0x02,
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	assert_int_equal(desc->n_fields, 3);
	assert_int_equal(desc->fields[2].usage, USAGE(0x09, 0x03));
	rdesc_free(desc);
}

static void test_delimiter_keeps_first_usage(void **state)
{
	static const uint8_t d[] = {
		0x05, 0x0b, 0xa9, 0x01, 0x09, 0x21, 0x09, 0x24, 0xa9, 0x00, 0x09, 0x2f,
		0x75, 0x01, 0x95, 0x02, 0x81, 0x02,
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	assert_int_equal(desc->n_fields, 2);
	assert_int_equal(desc->fields[0].usage, USAGE(0x0b, 0x21));
	assert_int_equal(desc->fields[1].usage, USAGE(0x0b, 0x2f));
	rdesc_free(desc);
}

static void test_long_item_skipped(void **state)
{
	static const uint8_t d[] = {
		0xfe, 0x03, 0x10, 0xaa, 0xbb, 0xcc,
		0x05, 0x0b, 0x09, 0x20, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02,
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	assert_int_equal(desc->n_fields, 1);
	rdesc_free(desc);
}

/* Real devices put live hook bits in Constant fields (jabra-link-380c.rdesc.hex). */
static void test_constant_with_usage_kept(void **state)
{
	static const uint8_t d[] = {
		0x05, 0x0b, 0x09, 0x20, 0x75, 0x01, 0x95, 0x01, 0x81, 0x23,
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	assert_int_equal(desc->n_fields, 1);
	assert_int_equal(desc->fields[0].usage, USAGE(0x0b, 0x20));
	assert_int_equal(desc->fields[0].flags, RDESC_CONSTANT | RDESC_VARIABLE | RDESC_NO_PREFERRED);
	rdesc_free(desc);
}

static void test_page_after_usage(void **state)
{
	static const uint8_t d[] = {
		0x05, 0x0b, 0x09, 0x07, 0x05, 0x09, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02,
		0x09, 0x01, 0x81, 0x02,
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	/* HID 1.11 binds the usage to the page in effect when it is read. */
	assert_int_equal(desc->fields[0].usage, USAGE(0x0b, 0x07));
	assert_true(desc->fields[0].notes & RDESC_NOTE_PAGE_AFTER_USAGE);
	assert_int_equal(desc->fields[1].usage, USAGE(0x09, 0x01));
	assert_false(desc->fields[1].notes & RDESC_NOTE_PAGE_AFTER_USAGE);
	rdesc_free(desc);
}

static void test_logical_range_signedness(void **state)
{
	static const uint8_t d[] = {
		0x05, 0x0c, 0x09, 0xe0, 0x15, 0x00, 0x25, 0xff, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02,
		0x15, 0xff, 0x25, 0x01, 0x81, 0x06,
		0x25, 0x7f, 0x15, 0x81, 0x81, 0x06, /* maximum before minimum */
		0x16, 0x00, 0x80, 0x26, 0xff, 0x7f, 0x75, 0x10, 0x81, 0x06,
		0x15, 0x00, 0x27, 0xff, 0xff, 0xff, 0xff, 0x75, 0x20, 0x81, 0x02,
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	assert_int_equal(desc->fields[0].logical_min, 0);
	assert_int_equal(desc->fields[0].logical_max, 255);
	assert_int_equal(desc->fields[1].logical_min, -1);
	assert_int_equal(desc->fields[1].logical_max, 1);
	assert_int_equal(desc->fields[2].logical_min, -127);
	assert_int_equal(desc->fields[2].logical_max, 127);
	assert_int_equal(desc->fields[3].logical_min, -32768);
	assert_int_equal(desc->fields[3].logical_max, 32767);
	assert_int_equal(desc->fields[4].logical_max, 4294967295LL);
	rdesc_free(desc);
}

static void test_unit_exponent(void **state)
{
	static const uint8_t d[] = {
		0x55, 0x0e, 0x05, 0x01, 0x09, 0x30, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02,
		0x55, 0xfd, 0x81, 0x02,
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	assert_int_equal(desc->fields[0].unit_exponent, -2);
	assert_int_equal(desc->fields[1].unit_exponent, -3);
	rdesc_free(desc);
}

static void test_nested_collections(void **state)
{
	static const uint8_t d[] = {
		0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01,  /* 0: Headset */
		0xa1, 0x01,                          /* 1: usage-less application (EPOS) */
		0x09, 0x06, 0xa1, 0x02,              /* 2: Key Pad */
		0x09, 0xb0, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02,
		0xc0, 0xc0, 0xc0,
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	assert_int_equal(desc->n_collections, 3);
	assert_int_equal(desc->collections[1].usage, 0);
	assert_int_equal(desc->collections[1].parent, 0);
	assert_int_equal(desc->collections[2].depth, 2);
	assert_int_equal(desc->collections[2].type, RDESC_COLLECTION_LOGICAL);
	assert_int_equal(desc->fields[0].collection, 2);
	assert_int_equal(desc->fields[0].application, 0);
	rdesc_free(desc);
}

/* Voyager Base CD uses report 1 for an input and an output of different layout. */
static void test_kinds_have_separate_reports(void **state)
{
	static const uint8_t d[] = {
		0x85, 0x01, 0x05, 0x0b, 0x09, 0x20, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02,
		0x95, 0x07, 0x81, 0x01, 0x05, 0x08, 0x09, 0x18, 0x95, 0x01, 0x91, 0x02,
	};
	struct rdesc *desc = PARSE_OK(d);
	(void)state;

	assert_int_equal(desc->n_reports, 2);
	assert_int_equal(rdesc_find_report(desc, RDESC_INPUT, 1)->bits, 8);
	assert_int_equal(rdesc_find_report(desc, RDESC_OUTPUT, 1)->bits, 1);
	assert_null(rdesc_find_report(desc, RDESC_FEATURE, 1));
	assert_non_null(rdesc_find_usage(desc, RDESC_OUTPUT, USAGE(0x08, 0x18)));
	assert_null(rdesc_find_usage(desc, RDESC_INPUT, USAGE(0x08, 0x18)));
	rdesc_free(desc);
}

static void test_empty_and_count_zero(void **state)
{
	static const uint8_t d[] = { 0x75, 0x08, 0x95, 0x00, 0x81, 0x02 };
	struct rdesc *desc = NULL;
	(void)state;

	assert_int_equal(rdesc_parse(NULL, 0, &desc, NULL), 0);
	assert_int_equal(desc->n_fields, 0);
	rdesc_free(desc);
	desc = PARSE_OK(d);
	assert_int_equal(desc->n_fields, 0);
	rdesc_free(desc);
}

static void test_malformed(void **state)
{
	(void)state;
	static const uint8_t truncated[] = { 0x05, 0x0b, 0x26, 0xff };
	static const uint8_t truncated_long[] = { 0x05, 0x0b, 0xfe, 0x05, 0x00, 0x01 };
	static const uint8_t long_header[] = { 0xfe, 0x01 };
	static const uint8_t pop[] = { 0x05, 0x0b, 0xb4 };
	static const uint8_t end_collection[] = { 0x09, 0x01, 0xa1, 0x01, 0xc0, 0xc0 };
	static const uint8_t unclosed[] = { 0x05, 0x0b, 0x09, 0x01, 0xa1, 0x01, 0xa1, 0x02, 0xc0 };
	static const uint8_t size0[] = { 0x05, 0x0b, 0x75, 0x00 };
	static const uint8_t size33[] = { 0x75, 0x21 };
	static const uint8_t huge_count[] = { 0x75, 0x01, 0x97, 0xff, 0xff, 0xff, 0x7f };
	/* 32 bits x 4096 fills the 16 KiB limit exactly; the second item overflows it. */
	static const uint8_t report_too_big[] = {
		0x75, 0x20, 0x96, 0x00, 0x10, 0x81, 0x02, 0x81, 0x02,
	};
	static const uint8_t min_above_max[] = { 0x05, 0x0b, 0x19, 0x30, 0x29, 0x20 };
	static const uint8_t range_pages[] = { 0x1b, 0x01, 0x00, 0x0b, 0x00, 0x2b, 0x02, 0x00, 0x0c, 0x00 };
	static const uint8_t huge_range[] = { 0x05, 0x0c, 0x19, 0x00, 0x2a, 0xff, 0xff };
	static const uint8_t lone_min[] = { 0x05, 0x09, 0x19, 0x01, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02 };
	static const uint8_t rid0[] = { 0x85, 0x00 };
	static const uint8_t mixed[] = {
		0x75, 0x08, 0x95, 0x01, 0x81, 0x01, 0x85, 0x02, 0x81, 0x01,
	};
	static const uint8_t mixed2[] = {
		0x85, 0x02, 0x75, 0x08, 0x95, 0x01, 0x81, 0x01, 0xa4, 0x85, 0x03, 0xb4, 0xb4,
	};
	static const uint8_t nested_delim[] = { 0xa9, 0x01, 0xa9, 0x01 };
	static const uint8_t close_delim[] = { 0xa9, 0x00 };
	static const uint8_t bad_page[] = { 0x07, 0x00, 0x00, 0x01, 0x00 };
	static const uint8_t unknown_global[] = { 0xc4, 0x01 };
	static const uint8_t unknown_main[] = { 0xd0 };
	static const uint8_t no_size[] = { 0x95, 0x01, 0x81, 0x02 };

	EXPECT_ERROR(truncated, -EINVAL, 2, "needs 2 data bytes");
	EXPECT_ERROR(truncated_long, -EINVAL, 2, "long item");
	EXPECT_ERROR(long_header, -EINVAL, 0, "long item header");
	EXPECT_ERROR(pop, -EINVAL, 2, "Pop without Push");
	EXPECT_ERROR(end_collection, -EINVAL, 5, "End Collection without Collection");
	EXPECT_ERROR(unclosed, -EINVAL, 4, "not closed");
	EXPECT_ERROR(size0, -EINVAL, 2, "Report Size 0");
	EXPECT_ERROR(size33, -EINVAL, 0, "Report Size 33");
	EXPECT_ERROR(huge_count, -E2BIG, 2, "Report Count");
	EXPECT_ERROR(report_too_big, -E2BIG, 7, "beyond 16384 bytes");
	EXPECT_ERROR(min_above_max, -EINVAL, 4, "above Usage Maximum");
	EXPECT_ERROR(range_pages, -EINVAL, 5, "different pages");
	EXPECT_ERROR(huge_range, -E2BIG, 4, "usage range");
	EXPECT_ERROR(lone_min, -EINVAL, 2, "Usage Minimum without Usage Maximum");
	EXPECT_ERROR(rid0, -EINVAL, 0, "Report ID 0");
	EXPECT_ERROR(mixed, -EINVAL, 8, "after main items without a report id");
	EXPECT_ERROR(nested_delim, -EINVAL, 2, "nested Delimiter");
	EXPECT_ERROR(close_delim, -EINVAL, 0, "Delimiter close");
	EXPECT_ERROR(bad_page, -EINVAL, 0, "Usage Page");
	EXPECT_ERROR(unknown_global, -EINVAL, 0, "unknown global");
	EXPECT_ERROR(unknown_main, -EINVAL, 0, "unknown main");
	EXPECT_ERROR(no_size, -EINVAL, 2, "before any Report Size");

	/* A popped report id does not undo the fact that reports are numbered. */
	struct rdesc *desc = NULL;
	assert_int_equal(rdesc_parse(mixed2, sizeof(mixed2), &desc, NULL), -EINVAL);
}

static void test_deep_nesting(void **state)
{
	uint8_t d[2 * (RDESC_MAX_DEPTH + 1)];
	(void)state;

	for (size_t i = 0; i <= RDESC_MAX_DEPTH; i++) {
		d[2 * i] = 0xa1;
		d[2 * i + 1] = 0x02;
	}
	expect_error(d, sizeof(d), -E2BIG, 2 * RDESC_MAX_DEPTH, "nested deeper");
}

static void test_push_overflow(void **state)
{
	uint8_t d[RDESC_MAX_PUSH + 1];
	(void)state;

	memset(d, 0xa4, sizeof(d));
	expect_error(d, sizeof(d), -E2BIG, RDESC_MAX_PUSH, "Push nested deeper");
}

/* Many small items cannot make the parser use more than its limits. */
static void test_field_limit(void **state)
{
	size_t n = 4 + 2 * (RDESC_MAX_FIELDS + 1);
	uint8_t *d = malloc(n);
	struct rdesc_error err;
	struct rdesc *desc = NULL;
	(void)state;

	d[0] = 0x75; d[1] = 0x01; d[2] = 0x95; d[3] = 0x01;
	for (size_t i = 4; i < n; i += 2) {
		d[i] = 0x81;
		d[i + 1] = 0x01;
	}
	assert_int_equal(rdesc_parse(d, n, &desc, &err), -E2BIG);
	assert_int_equal(err.offset, 4 + 2 * RDESC_MAX_FIELDS);
	free(d);
}

static void test_too_long(void **state)
{
	uint8_t *d = calloc(1, RDESC_MAX_SIZE + 1);
	struct rdesc *desc = NULL;
	(void)state;

	assert_int_equal(rdesc_parse(d, RDESC_MAX_SIZE + 1, &desc, NULL), -E2BIG);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unnumbered_keyboard),
		cmocka_unit_test(test_last_usage_covers_remaining),
		cmocka_unit_test(test_more_usages_than_count),
		cmocka_unit_test(test_push_pop),
		cmocka_unit_test(test_extended_usage),
		cmocka_unit_test(test_extended_usage_range),
		cmocka_unit_test(test_usage_range_any_order),
		cmocka_unit_test(test_delimiter_keeps_first_usage),
		cmocka_unit_test(test_long_item_skipped),
		cmocka_unit_test(test_constant_with_usage_kept),
		cmocka_unit_test(test_page_after_usage),
		cmocka_unit_test(test_logical_range_signedness),
		cmocka_unit_test(test_unit_exponent),
		cmocka_unit_test(test_nested_collections),
		cmocka_unit_test(test_kinds_have_separate_reports),
		cmocka_unit_test(test_empty_and_count_zero),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_push_overflow),
		cmocka_unit_test(test_field_limit),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
