/*
 * HID report descriptors: the parsed form.
 *
 * rdesc_parse() turns the bytes of a report descriptor (HID 1.11, section 6.2.2) into three
 * flat tables: collections, reports and fields. Everything above hid/ works on these tables;
 * nothing above hid/ looks at descriptor bytes.
 *
 * A field is one run of report bits with one meaning:
 *  - a Variable main item becomes one field per usage: element i of the item carries usage i,
 *    and the last usage covers all remaining elements (HID 1.11, 6.2.2.8), so a field has
 *    count 1 except for that last one;
 *  - an Array main item becomes one field whose elements each hold an index into its usage
 *    list (value - logical_min), e.g. a telephone keypad;
 *  - a main item without usages (padding, reserved bits) becomes one field with usage 0.
 *
 * Bit offsets count from the first payload bit, i.e. after the report-id byte of a numbered
 * report, which is also how hidraw and hidapi hand reports over (id first, then payload).
 */
#ifndef HIDPHONE_RDESC_H
#define HIDPHONE_RDESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits that keep parsing bounded in memory and time whatever the input. */
#define RDESC_MAX_SIZE          65535u  /* wDescriptorLength is 16 bits */
#define RDESC_MAX_DEPTH         32u     /* collection nesting */
#define RDESC_MAX_PUSH          16u     /* Push/Pop global stack */
#define RDESC_MAX_LOCAL_USAGES  4096u   /* usages declared for one main item */
#define RDESC_MAX_USAGES        65536u  /* all array usages of a descriptor */
#define RDESC_MAX_FIELDS        4096u
#define RDESC_MAX_COLLECTIONS   1024u
#define RDESC_MAX_REPORT_BITS   (16384u * 8u) /* the kernel's HID_MAX_BUFFER_SIZE */
#define RDESC_MAX_REPORT_COUNT  (RDESC_MAX_REPORT_BITS)

enum rdesc_kind {
	RDESC_INPUT = 0,
	RDESC_OUTPUT = 1,
	RDESC_FEATURE = 2,
};
#define RDESC_KIND_COUNT 3

/* Main item data bits (HID 1.11, 6.2.2.5); bit 8 only exists in 2- and 4-byte items. */
enum rdesc_flag {
	RDESC_CONSTANT = 1u << 0,
	RDESC_VARIABLE = 1u << 1,
	RDESC_RELATIVE = 1u << 2,
	RDESC_WRAP = 1u << 3,
	RDESC_NONLINEAR = 1u << 4,
	RDESC_NO_PREFERRED = 1u << 5,
	RDESC_NULL_STATE = 1u << 6,
	RDESC_VOLATILE = 1u << 7,
	RDESC_BUFFERED_BYTES = 1u << 8,
};

/* Facts about how a field was declared that other parsers treat differently. */
enum rdesc_note {
	/*
	 * A Usage Page item came between this field's usage and its main item
	 * (`09 07 05 09 81 02`). HID 1.11 binds a 16-bit usage to the page in effect when the
	 * Usage item is read, which we follow; Linux and hid-tools rebind a lone trailing usage
	 * to the new page. Seen on every Jabra-style descriptor (jabra-*.rdesc.hex).
	 */
	RDESC_NOTE_PAGE_AFTER_USAGE = 1u << 0,
};

enum rdesc_collection_type {
	RDESC_COLLECTION_PHYSICAL = 0,
	RDESC_COLLECTION_APPLICATION = 1,
	RDESC_COLLECTION_LOGICAL = 2,
	RDESC_COLLECTION_REPORT = 3,
	RDESC_COLLECTION_NAMED_ARRAY = 4,
	RDESC_COLLECTION_USAGE_SWITCH = 5,
	RDESC_COLLECTION_USAGE_MODIFIER = 6,
};

#define RDESC_NONE 0xffffu /* "no collection" in the index fields below */

struct rdesc_collection {
	uint32_t usage;      /* page << 16 | id, 0 when the collection has no usage */
	uint8_t type;        /* enum rdesc_collection_type, or a vendor value 0x80-0xff */
	uint16_t parent;     /* index into collections, RDESC_NONE for a top-level one */
	uint16_t depth;      /* 0 for top-level collections */
	uint32_t offset;     /* byte offset of the Collection item */
};

struct rdesc_report {
	uint8_t id;          /* 0 when the descriptor has no report ids */
	uint8_t kind;        /* enum rdesc_kind */
	uint32_t bits;       /* payload bits, without the report-id byte */
	uint16_t application;/* top-level collection of the first field, or RDESC_NONE */
};

struct rdesc_field {
	uint8_t report_id;
	uint8_t kind;            /* enum rdesc_kind */
	uint16_t flags;          /* enum rdesc_flag */
	uint8_t notes;           /* enum rdesc_note */
	uint8_t bit_size;        /* 1..32 */
	uint32_t count;          /* elements, each bit_size bits, consecutive */
	uint32_t bit_offset;     /* of element 0, from the first payload bit */
	int64_t logical_min, logical_max;
	int64_t physical_min, physical_max;
	uint32_t unit;
	int8_t unit_exponent;
	uint16_t page;           /* usage page in effect at the main item */
	uint32_t usage;          /* Variable: the usage of every element; 0 for padding */
	uint32_t usages_first;   /* Array: index of the first usage in rdesc.usages */
	uint32_t usages_count;   /* Array: number of usages */
	uint16_t collection;     /* innermost enclosing collection, or RDESC_NONE */
	uint16_t application;    /* top-level enclosing collection, or RDESC_NONE */
	uint32_t offset;         /* byte offset of the main item */
};

struct rdesc {
	bool numbered;           /* reports carry a report-id byte */
	size_t n_collections, n_reports, n_fields, n_usages;
	struct rdesc_collection *collections;
	struct rdesc_report *reports;
	struct rdesc_field *fields;
	uint32_t *usages;
};

struct rdesc_error {
	size_t offset;           /* byte offset of the offending item */
	char message[160];
};

/*
 * Parses len bytes of report descriptor. On success returns 0 and *out (free with
 * rdesc_free). On failure returns a negative errno (-EINVAL for malformed input, -E2BIG
 * when a limit above is exceeded, -ENOMEM) and, when err is not NULL, fills it in.
 */
int rdesc_parse(const uint8_t *data, size_t len, struct rdesc **out, struct rdesc_error *err);
void rdesc_free(struct rdesc *desc);

static inline bool rdesc_field_is_array(const struct rdesc_field *f)
{
	return !(f->flags & RDESC_VARIABLE);
}

const struct rdesc_report *rdesc_find_report(const struct rdesc *desc, enum rdesc_kind kind,
					     uint8_t id);

/* Bytes of a report on the wire, including the report-id byte of a numbered descriptor. */
size_t rdesc_report_bytes(const struct rdesc *desc, const struct rdesc_report *report);

/* The largest report of a kind, in bytes on the wire; 0 when there is none. */
size_t rdesc_max_report_bytes(const struct rdesc *desc, enum rdesc_kind kind);

const char *rdesc_kind_name(enum rdesc_kind kind);

/* The first field of a report carrying usage, or NULL. Array fields match any usage they list. */
const struct rdesc_field *rdesc_find_usage(const struct rdesc *desc, enum rdesc_kind kind,
					   uint32_t usage);

#endif
