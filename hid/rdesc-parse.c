/*
 * Report-descriptor parser: the HID 1.11 item grammar (section 6.2.2) into flat tables.
 *
 * Every descriptor is untrusted. The parser walks the bytes once, keeps a fixed amount of
 * state (item state, a bounded Push/Pop stack, a bounded collection stack, a bounded local
 * usage list) and appends to tables whose sizes are capped by the limits in rdesc.h, so any
 * input costs O(length) time and bounded memory. The first problem it cannot tolerate stops
 * the parse with a message naming the byte offset of the item.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdesc.h"
#include "usage-names.h"

enum item_type { ITEM_MAIN = 0, ITEM_GLOBAL = 1, ITEM_LOCAL = 2, ITEM_RESERVED = 3 };

enum main_tag {
	MAIN_INPUT = 0x8,
	MAIN_OUTPUT = 0x9,
	MAIN_COLLECTION = 0xa,
	MAIN_FEATURE = 0xb,
	MAIN_END_COLLECTION = 0xc,
};

enum global_tag {
	GLOBAL_USAGE_PAGE = 0x0,
	GLOBAL_LOGICAL_MIN = 0x1,
	GLOBAL_LOGICAL_MAX = 0x2,
	GLOBAL_PHYSICAL_MIN = 0x3,
	GLOBAL_PHYSICAL_MAX = 0x4,
	GLOBAL_UNIT_EXPONENT = 0x5,
	GLOBAL_UNIT = 0x6,
	GLOBAL_REPORT_SIZE = 0x7,
	GLOBAL_REPORT_ID = 0x8,
	GLOBAL_REPORT_COUNT = 0x9,
	GLOBAL_PUSH = 0xa,
	GLOBAL_POP = 0xb,
};

enum local_tag {
	LOCAL_USAGE = 0x0,
	LOCAL_USAGE_MIN = 0x1,
	LOCAL_USAGE_MAX = 0x2,
	LOCAL_DELIMITER = 0xa,
};

#define LONG_ITEM_PREFIX 0xfe

struct item {
	size_t offset;
	uint8_t type, tag, size;
	uint32_t udata;
	int32_t sdata;
};

/*
 * A range value whose signedness is only known once both ends are: HID has no unsigned
 * encoding, yet `15 00 25 ff` is meant as 0..255 by every device that writes it. Like Linux,
 * the maximum is read as unsigned unless the minimum is negative; unlike Linux this is
 * decided at the main item, so the order of the two items does not matter.
 */
struct raw_value {
	uint32_t udata;
	int32_t sdata;
};

struct global_state {
	uint16_t usage_page;
	struct raw_value logical_min, logical_max, physical_min, physical_max;
	int8_t unit_exponent;
	uint32_t unit;
	uint32_t report_size;
	uint32_t report_count;
	uint8_t report_id;
};

struct local_state {
	uint32_t usages[RDESC_MAX_LOCAL_USAGES];
	size_t n_usages;
	bool has_min, has_max;
	uint32_t usage_min, usage_max;
	size_t min_offset;
	bool in_delimiter;
	bool delimiter_has_usage;
	bool page_after_usage;
};

struct parser {
	const uint8_t *data;
	size_t len;
	struct rdesc *desc;
	struct rdesc_error *err;

	struct global_state global;
	struct global_state stack[RDESC_MAX_PUSH];
	size_t stack_depth;
	struct local_state local;

	uint16_t collections[RDESC_MAX_DEPTH];
	size_t depth;
	bool seen_unnumbered, seen_numbered;

	size_t cap_collections, cap_reports, cap_fields, cap_usages;
};

static int fail(struct parser *p, int rc, size_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct parser *p, int rc, size_t offset, const char *fmt, ...)
{
	if (p->err) {
		va_list ap;

		p->err->offset = offset;
		va_start(ap, fmt);
		vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* Grows *array to hold at least `needed` elements, up to limit elements. */
static int reserve(void **array, size_t *cap, size_t needed, size_t elem, size_t limit)
{
	size_t ncap;
	void *n;

	if (needed <= *cap)
		return 0;
	if (needed > limit)
		return -E2BIG;
	ncap = *cap ? *cap : 16;
	while (ncap < needed)
		ncap *= 2;
	if (ncap > limit)
		ncap = limit;
	n = realloc(*array, ncap * elem);
	if (!n)
		return -ENOMEM;
	*array = n;
	*cap = ncap;
	return 0;
}

static int read_item(struct parser *p, size_t pos, struct item *it)
{
	static const uint8_t sizes[4] = { 0, 1, 2, 4 };
	uint8_t prefix = p->data[pos];

	it->offset = pos;
	if (prefix == LONG_ITEM_PREFIX) {
		/* Long items are reserved for future use (6.2.2.3): skip their data. */
		if (p->len - pos < 3)
			return fail(p, -EINVAL, pos, "long item header truncated");
		it->type = ITEM_RESERVED;
		it->tag = p->data[pos + 2];
		it->size = p->data[pos + 1];
		if (p->len - pos - 3 < it->size)
			return fail(p, -EINVAL, pos, "long item of %u data bytes truncated", it->size);
		it->udata = 0;
		it->sdata = 0;
		return 3 + it->size;
	}

	it->size = sizes[prefix & 0x3];
	it->type = (prefix >> 2) & 0x3;
	it->tag = prefix >> 4;
	if (p->len - pos - 1 < it->size)
		return fail(p, -EINVAL, pos, "item 0x%02x needs %u data bytes, %zu left",
			    prefix, it->size, p->len - pos - 1);

	it->udata = 0;
	for (unsigned i = 0; i < it->size; i++)
		it->udata |= (uint32_t)p->data[pos + 1 + i] << (8 * i);
	switch (it->size) {
	case 1: it->sdata = (int8_t)it->udata; break;
	case 2: it->sdata = (int16_t)it->udata; break;
	case 4: it->sdata = (int32_t)it->udata; break;
	default: it->sdata = 0; break;
	}
	return 1 + it->size;
}

static void reset_local(struct local_state *l)
{
	l->n_usages = 0;
	l->has_min = l->has_max = false;
	l->in_delimiter = false;
	l->delimiter_has_usage = false;
	l->page_after_usage = false;
}

/* A 16-bit usage takes the page in effect now; a 32-bit one names its own page. */
static uint32_t full_usage(const struct parser *p, const struct item *it)
{
	if (it->size == 4)
		return it->udata;
	return USAGE(p->global.usage_page, it->udata & 0xffff);
}

static int add_usage(struct parser *p, const struct item *it, uint32_t usage)
{
	struct local_state *l = &p->local;

	if (l->n_usages >= RDESC_MAX_LOCAL_USAGES)
		return fail(p, -E2BIG, it->offset, "more than %u usages before one main item",
			    RDESC_MAX_LOCAL_USAGES);
	l->usages[l->n_usages++] = usage;
	return 0;
}

static int add_usage_range(struct parser *p, const struct item *it)
{
	struct local_state *l = &p->local;
	uint32_t min = l->usage_min, max = l->usage_max;

	l->has_min = l->has_max = false;
	if (USAGE_PAGE(min) != USAGE_PAGE(max))
		return fail(p, -EINVAL, it->offset,
			    "Usage Minimum 0x%08x and Maximum 0x%08x are on different pages",
			    min, max);
	if (min > max)
		return fail(p, -EINVAL, it->offset,
			    "Usage Minimum 0x%x is above Usage Maximum 0x%x",
			    USAGE_ID(min), USAGE_ID(max));
	if ((size_t)(max - min) >= RDESC_MAX_LOCAL_USAGES - l->n_usages)
		return fail(p, -E2BIG, it->offset,
			    "usage range of %u usages exceeds %u usages per main item",
			    max - min + 1, RDESC_MAX_LOCAL_USAGES);
	for (uint32_t u = min;; u++) {
		l->usages[l->n_usages++] = u;
		if (u == max)
			break;
	}
	return 0;
}

static int parse_local(struct parser *p, const struct item *it)
{
	struct local_state *l = &p->local;

	switch (it->tag) {
	case LOCAL_USAGE:
		/*
		 * Inside a delimiter set the usages are alternatives for one control; the
		 * first is the preferred one and the only one we keep (HID 1.11, 6.2.2.8).
		 */
		if (l->in_delimiter) {
			if (l->delimiter_has_usage)
				return 0;
			l->delimiter_has_usage = true;
		}
		return add_usage(p, it, full_usage(p, it));
	case LOCAL_USAGE_MIN:
	case LOCAL_USAGE_MAX:
		if (l->in_delimiter) {
			if (l->delimiter_has_usage)
				return 0;
		}
		if (it->tag == LOCAL_USAGE_MIN) {
			if (l->has_min)
				return fail(p, -EINVAL, it->offset,
					    "second Usage Minimum before its Usage Maximum");
			l->has_min = true;
			l->usage_min = full_usage(p, it);
			l->min_offset = it->offset;
		} else {
			if (l->has_max)
				return fail(p, -EINVAL, it->offset,
					    "second Usage Maximum before its Usage Minimum");
			l->has_max = true;
			l->usage_max = full_usage(p, it);
		}
		if (l->has_min && l->has_max) {
			if (l->in_delimiter)
				l->delimiter_has_usage = true;
			return add_usage_range(p, it);
		}
		return 0;
	case LOCAL_DELIMITER:
		if (it->udata == 1) {
			if (l->in_delimiter)
				return fail(p, -EINVAL, it->offset, "nested Delimiter open");
			l->in_delimiter = true;
			l->delimiter_has_usage = false;
		} else if (it->udata == 0) {
			if (!l->in_delimiter)
				return fail(p, -EINVAL, it->offset, "Delimiter close without open");
			l->in_delimiter = false;
		} else {
			return fail(p, -EINVAL, it->offset, "Delimiter value %u is neither 0 nor 1",
				    it->udata);
		}
		return 0;
	default:
		/* Designators and strings do not affect report layout. */
		return 0;
	}
}

static int parse_global(struct parser *p, const struct item *it)
{
	struct global_state *g = &p->global;
	struct raw_value v = { it->udata, it->sdata };

	switch (it->tag) {
	case GLOBAL_USAGE_PAGE:
		if (it->udata > 0xffff)
			return fail(p, -EINVAL, it->offset, "Usage Page 0x%x does not fit 16 bits",
				    it->udata);
		if (g->usage_page != it->udata && p->local.n_usages > 0)
			p->local.page_after_usage = true;
		g->usage_page = (uint16_t)it->udata;
		return 0;
	case GLOBAL_LOGICAL_MIN: g->logical_min = v; return 0;
	case GLOBAL_LOGICAL_MAX: g->logical_max = v; return 0;
	case GLOBAL_PHYSICAL_MIN: g->physical_min = v; return 0;
	case GLOBAL_PHYSICAL_MAX: g->physical_max = v; return 0;
	case GLOBAL_UNIT_EXPONENT:
		/* Defined as a 4-bit two's complement nibble; some devices write a full byte. */
		if (it->udata <= 0xf)
			g->unit_exponent = (int8_t)(it->udata >= 8 ? (int)it->udata - 16 : (int)it->udata);
		else
			g->unit_exponent = (int8_t)it->sdata;
		return 0;
	case GLOBAL_UNIT: g->unit = it->udata; return 0;
	case GLOBAL_REPORT_SIZE:
		if (it->udata == 0 || it->udata > 32)
			return fail(p, -EINVAL, it->offset,
				    "Report Size %u is outside 1..32 bits", it->udata);
		g->report_size = it->udata;
		return 0;
	case GLOBAL_REPORT_COUNT:
		if (it->udata > RDESC_MAX_REPORT_COUNT)
			return fail(p, -E2BIG, it->offset, "Report Count %u is too large",
				    it->udata);
		g->report_count = it->udata;
		return 0;
	case GLOBAL_REPORT_ID:
		if (it->udata == 0 || it->udata > 255)
			return fail(p, -EINVAL, it->offset, "Report ID %u is outside 1..255",
				    it->udata);
		g->report_id = (uint8_t)it->udata;
		return 0;
	case GLOBAL_PUSH:
		if (p->stack_depth >= RDESC_MAX_PUSH)
			return fail(p, -E2BIG, it->offset, "Push nested deeper than %u",
				    RDESC_MAX_PUSH);
		p->stack[p->stack_depth++] = *g;
		return 0;
	case GLOBAL_POP:
		if (p->stack_depth == 0)
			return fail(p, -EINVAL, it->offset, "Pop without Push");
		*g = p->stack[--p->stack_depth];
		return 0;
	default:
		return fail(p, -EINVAL, it->offset, "unknown global item tag 0x%x", it->tag);
	}
}

static void resolve_range(struct raw_value min, struct raw_value max, int64_t *lo, int64_t *hi)
{
	*lo = min.sdata;
	*hi = min.sdata < 0 ? (int64_t)max.sdata : (int64_t)max.udata;
}

static uint16_t current_collection(const struct parser *p)
{
	return p->depth ? p->collections[p->depth - 1] : RDESC_NONE;
}

static uint16_t current_application(const struct parser *p)
{
	return p->depth ? p->collections[0] : RDESC_NONE;
}

static int parse_collection(struct parser *p, const struct item *it)
{
	struct rdesc *d = p->desc;
	struct rdesc_collection *c;
	int rc;

	if (p->depth >= RDESC_MAX_DEPTH)
		return fail(p, -E2BIG, it->offset, "collections nested deeper than %u",
			    RDESC_MAX_DEPTH);
	rc = reserve((void **)&d->collections, &p->cap_collections, d->n_collections + 1,
		     sizeof(*d->collections), RDESC_MAX_COLLECTIONS);
	if (rc)
		return fail(p, rc, it->offset, "more than %u collections", RDESC_MAX_COLLECTIONS);

	c = &d->collections[d->n_collections];
	c->usage = p->local.n_usages ? p->local.usages[0] : 0;
	c->type = (uint8_t)it->udata;
	c->parent = current_collection(p);
	c->depth = (uint16_t)p->depth;
	c->offset = (uint32_t)it->offset;
	p->collections[p->depth++] = (uint16_t)d->n_collections++;
	return 0;
}

static struct rdesc_report *get_report(struct parser *p, const struct item *it, uint8_t kind,
				       uint8_t id, int *rc)
{
	struct rdesc *d = p->desc;
	struct rdesc_report *r;

	for (size_t i = 0; i < d->n_reports; i++) {
		if (d->reports[i].kind == kind && d->reports[i].id == id)
			return &d->reports[i];
	}
	/* At most 256 ids of each kind exist, so this limit is never the binding one. */
	*rc = reserve((void **)&d->reports, &p->cap_reports, d->n_reports + 1, sizeof(*d->reports),
		      RDESC_KIND_COUNT * 256);
	if (*rc) {
		fail(p, *rc, it->offset, "out of memory for reports");
		return NULL;
	}
	r = &d->reports[d->n_reports++];
	r->id = id;
	r->kind = kind;
	r->bits = 0;
	r->application = current_application(p);
	return r;
}

static int add_field(struct parser *p, const struct item *it, const struct rdesc_field *tmpl,
		     struct rdesc_field **out)
{
	struct rdesc *d = p->desc;
	int rc;

	rc = reserve((void **)&d->fields, &p->cap_fields, d->n_fields + 1, sizeof(*d->fields),
		     RDESC_MAX_FIELDS);
	if (rc)
		return fail(p, rc, it->offset, "more than %u fields", RDESC_MAX_FIELDS);
	d->fields[d->n_fields] = *tmpl;
	*out = &d->fields[d->n_fields++];
	return 0;
}

static int parse_data_item(struct parser *p, const struct item *it, uint8_t kind)
{
	const struct global_state *g = &p->global;
	struct local_state *l = &p->local;
	struct rdesc *d = p->desc;
	struct rdesc_field tmpl = { 0 }, *f;
	struct rdesc_report *r;
	uint32_t bits;
	int rc = 0;

	if (l->has_min || l->has_max)
		return fail(p, -EINVAL, l->has_min ? l->min_offset : it->offset,
			    "Usage %s without Usage %s",
			    l->has_min ? "Minimum" : "Maximum", l->has_min ? "Maximum" : "Minimum");
	if (l->in_delimiter)
		return fail(p, -EINVAL, it->offset, "main item inside an open Delimiter");
	if (g->report_count == 0)
		return 0; /* declares nothing */
	if (g->report_size == 0)
		return fail(p, -EINVAL, it->offset, "main item before any Report Size");

	if (g->report_id) {
		if (p->seen_unnumbered)
			return fail(p, -EINVAL, it->offset,
				    "report id %u after main items without a report id",
				    g->report_id);
		p->seen_numbered = true;
	} else {
		if (p->seen_numbered)
			return fail(p, -EINVAL, it->offset,
				    "main item without a report id after numbered reports");
		p->seen_unnumbered = true;
	}

	r = get_report(p, it, kind, g->report_id, &rc);
	if (!r)
		return rc;
	bits = g->report_size * g->report_count;
	if (bits > RDESC_MAX_REPORT_BITS - r->bits)
		return fail(p, -E2BIG, it->offset, "%s report %u grows beyond %u bytes",
			    rdesc_kind_name(kind), g->report_id, RDESC_MAX_REPORT_BITS / 8);

	tmpl.report_id = g->report_id;
	tmpl.kind = kind;
	tmpl.flags = (uint16_t)(it->udata & 0x1ff);
	tmpl.notes = l->page_after_usage ? RDESC_NOTE_PAGE_AFTER_USAGE : 0;
	tmpl.bit_size = (uint8_t)g->report_size;
	tmpl.bit_offset = r->bits;
	resolve_range(g->logical_min, g->logical_max, &tmpl.logical_min, &tmpl.logical_max);
	resolve_range(g->physical_min, g->physical_max, &tmpl.physical_min, &tmpl.physical_max);
	tmpl.unit = g->unit;
	tmpl.unit_exponent = g->unit_exponent;
	tmpl.page = g->usage_page;
	tmpl.collection = current_collection(p);
	tmpl.application = current_application(p);
	tmpl.offset = (uint32_t)it->offset;
	r->bits += bits;

	if (!(tmpl.flags & RDESC_VARIABLE) && l->n_usages > 0) {
		/* Array: one field, its elements index the usage list. */
		if (l->n_usages > RDESC_MAX_USAGES - d->n_usages)
			return fail(p, -E2BIG, it->offset, "more than %u array usages in all",
				    RDESC_MAX_USAGES);
		rc = reserve((void **)&d->usages, &p->cap_usages, d->n_usages + l->n_usages,
			     sizeof(*d->usages), RDESC_MAX_USAGES);
		if (rc)
			return fail(p, rc, it->offset, "out of memory for usages");
		memcpy(&d->usages[d->n_usages], l->usages, l->n_usages * sizeof(*l->usages));
		tmpl.usages_first = (uint32_t)d->n_usages;
		tmpl.usages_count = (uint32_t)l->n_usages;
		d->n_usages += l->n_usages;
		tmpl.count = g->report_count;
		tmpl.usage = 0;
		return add_field(p, it, &tmpl, &f);
	}

	if (l->n_usages == 0) {
		/* Padding or an item whose meaning the descriptor does not say. */
		tmpl.count = g->report_count;
		return add_field(p, it, &tmpl, &f);
	}

	/* Variable: element i carries usage i; the last usage covers the rest. */
	size_t n = l->n_usages < g->report_count ? l->n_usages : g->report_count;
	for (size_t i = 0; i < n; i++) {
		tmpl.usage = l->usages[i];
		tmpl.bit_offset = r->bits - bits + (uint32_t)i * g->report_size;
		tmpl.count = (uint32_t)(i + 1 == n ? g->report_count - i : 1);
		rc = add_field(p, it, &tmpl, &f);
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_main(struct parser *p, const struct item *it)
{
	int rc;

	switch (it->tag) {
	case MAIN_INPUT: rc = parse_data_item(p, it, RDESC_INPUT); break;
	case MAIN_OUTPUT: rc = parse_data_item(p, it, RDESC_OUTPUT); break;
	case MAIN_FEATURE: rc = parse_data_item(p, it, RDESC_FEATURE); break;
	case MAIN_COLLECTION: rc = parse_collection(p, it); break;
	case MAIN_END_COLLECTION:
		if (p->depth == 0)
			return fail(p, -EINVAL, it->offset, "End Collection without Collection");
		p->depth--;
		rc = 0;
		break;
	default:
		return fail(p, -EINVAL, it->offset, "unknown main item tag 0x%x", it->tag);
	}
	reset_local(&p->local);
	return rc;
}

static int parse_items(struct parser *p)
{
	size_t pos = 0;
	struct item it;

	while (pos < p->len) {
		int n = read_item(p, pos, &it);
		int rc;

		if (n < 0)
			return n;
		switch (it.type) {
		case ITEM_MAIN: rc = parse_main(p, &it); break;
		case ITEM_GLOBAL: rc = parse_global(p, &it); break;
		case ITEM_LOCAL: rc = parse_local(p, &it); break;
		default: rc = 0; break; /* reserved and long items carry nothing we use */
		}
		if (rc)
			return rc;
		pos += (size_t)n;
	}
	if (p->depth != 0)
		return fail(p, -EINVAL, p->desc->n_collections ?
				    p->desc->collections[p->collections[p->depth - 1]].offset : 0,
			    "%zu collection(s) not closed at end of descriptor", p->depth);
	return 0;
}

int rdesc_parse(const uint8_t *data, size_t len, struct rdesc **out, struct rdesc_error *err)
{
	struct parser *p;
	int rc;

	*out = NULL;
	if (err) {
		err->offset = 0;
		err->message[0] = '\0';
	}
	if (!data && len)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->data = data;
	p->len = len;
	p->err = err;
	if (len > RDESC_MAX_SIZE) {
		rc = fail(p, -E2BIG, 0, "descriptor of %zu bytes exceeds %u", len, RDESC_MAX_SIZE);
		goto out;
	}
	p->desc = calloc(1, sizeof(*p->desc));
	if (!p->desc) {
		rc = -ENOMEM;
		goto out;
	}

	rc = parse_items(p);
	if (rc == 0) {
		p->desc->numbered = p->seen_numbered;
		*out = p->desc;
		p->desc = NULL;
	}
out:
	rdesc_free(p->desc);
	free(p);
	return rc;
}

void rdesc_free(struct rdesc *desc)
{
	if (!desc)
		return;
	free(desc->collections);
	free(desc->reports);
	free(desc->fields);
	free(desc->usages);
	free(desc);
}

const char *rdesc_kind_name(enum rdesc_kind kind)
{
	switch (kind) {
	case RDESC_INPUT: return "input";
	case RDESC_OUTPUT: return "output";
	case RDESC_FEATURE: return "feature";
	}
	return "?";
}

const struct rdesc_report *rdesc_find_report(const struct rdesc *desc, enum rdesc_kind kind,
					     uint8_t id)
{
	for (size_t i = 0; i < desc->n_reports; i++) {
		if (desc->reports[i].kind == kind && desc->reports[i].id == id)
			return &desc->reports[i];
	}
	return NULL;
}

size_t rdesc_report_bytes(const struct rdesc *desc, const struct rdesc_report *report)
{
	return (desc->numbered ? 1 : 0) + (report->bits + 7) / 8;
}

size_t rdesc_max_report_bytes(const struct rdesc *desc, enum rdesc_kind kind)
{
	size_t max = 0;

	for (size_t i = 0; i < desc->n_reports; i++) {
		size_t n;

		if (desc->reports[i].kind != kind)
			continue;
		n = rdesc_report_bytes(desc, &desc->reports[i]);
		if (n > max)
			max = n;
	}
	return max;
}

const struct rdesc_field *rdesc_find_usage(const struct rdesc *desc, enum rdesc_kind kind,
					   uint32_t usage)
{
	for (size_t i = 0; i < desc->n_fields; i++) {
		const struct rdesc_field *f = &desc->fields[i];

		if (f->kind != kind)
			continue;
		if (!rdesc_field_is_array(f)) {
			if (f->usage == usage)
				return f;
			continue;
		}
		for (uint32_t u = 0; u < f->usages_count; u++) {
			if (desc->usages[f->usages_first + u] == usage)
				return f;
		}
	}
	return NULL;
}
