/*
 * Every real descriptor in test/data/descriptors parses, and agrees with the facts in its
 * .expect file: top-level collections, report ids, and the place and flags of every
 * Telephony and LED field. Those facts come from an independent decoder that was checked
 * against hid-tools (see INDEX.md beside the fixtures), not from this parser.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hid/rdesc-load.h"
#include "hid/rdesc.h"
#include "hid/usage-names.h"
#include "expect-file.h"

#define FIXTURES TEST_DATA_DIR "/descriptors"
#define MAX_FIXTURES 64

struct fixture {
	char name[128];
	struct rdesc *desc;
	char **matched;         /* per field: matched by an expect line */
};

static int kind_of(const struct expect_fact *e)
{
	switch (e->kind) {
	case EXPECT_INPUT: return RDESC_INPUT;
	case EXPECT_OUTPUT: return RDESC_OUTPUT;
	case EXPECT_FEATURE: return RDESC_FEATURE;
	default: break;
	}
	fail_msg("line %u: unknown kind in '%s'", e->line, e->text);
	return -1;
}

/* "Cnst,Var,Abs,NoPref" as the rdesc flag bits it names. */
static uint16_t flags_of(const char *s)
{
	static const struct { const char *name; uint16_t set; } words[] = {
		{ "Data", 0 }, { "Cnst", RDESC_CONSTANT }, { "Arr", 0 }, { "Var", RDESC_VARIABLE },
		{ "Abs", 0 }, { "Rel", RDESC_RELATIVE }, { "Wrap", RDESC_WRAP },
		{ "NonLin", RDESC_NONLINEAR }, { "NoPref", RDESC_NO_PREFERRED },
		{ "Null", RDESC_NULL_STATE }, { "Vol", RDESC_VOLATILE }, { "Buf", RDESC_BUFFERED_BYTES },
	};
	char copy[128], *save = NULL;
	uint16_t flags = 0;

	snprintf(copy, sizeof(copy), "%s", s);
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			if (strcmp(w, words[i].name) == 0)
				break;
		}
		if (i == sizeof(words) / sizeof(words[0]))
			fail_msg("unknown flag '%s'", w);
		flags |= words[i].set;
	}
	return flags;
}

static bool field_has_usage(const struct rdesc *d, const struct rdesc_field *f, uint32_t usage)
{
	if (!rdesc_field_is_array(f))
		return f->usage == usage;
	for (uint32_t i = 0; i < f->usages_count; i++) {
		if (d->usages[f->usages_first + i] == usage)
			return true;
	}
	return false;
}

static const struct rdesc_field *find_field(const struct rdesc *d, int kind, unsigned rid,
					    unsigned bit, uint32_t usage)
{
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct rdesc_field *f = &d->fields[i];

		if (f->kind == kind && f->report_id == rid && f->bit_offset == bit &&
		    field_has_usage(d, f, usage))
			return f;
	}
	return NULL;
}

static bool page_is_checked(uint16_t page)
{
	return page == UP_TELEPHONY || page == UP_LED;
}

/* What the .expect file's lines said so far, as expect_read() hands them over. */
struct expect_check {
	struct fixture *fx;
	bool *seen;              /* per field: matched by a var or array line */
	size_t next_tlc;         /* the collection the next tlc line stands for */
	bool ids_listed, expected_id[256];
};

static void check_fact(const struct expect_fact *e, void *ctx)
{
	struct expect_check *c = ctx;
	struct fixture *fx = c->fx;
	const struct rdesc *d = fx->desc;
	uint32_t usage = USAGE(e->page, e->usage);
	const struct rdesc_field *f;

	switch (e->type) {
	case EXPECT_TLC:
		/* in order: the top-level collections, nested ones skipped */
		while (c->next_tlc < d->n_collections && d->collections[c->next_tlc].depth != 0)
			c->next_tlc++;
		if (c->next_tlc >= d->n_collections)
			fail_msg("%s:%u: top-level collection %04x:%04x missing", fx->name, e->line,
				 e->page, e->usage);
		assert_int_equal(d->collections[c->next_tlc].usage, usage);
		c->next_tlc++;
		break;
	case EXPECT_REPORT_IDS:
		c->ids_listed = true;
		for (unsigned i = 0; i < e->n_ids; i++)
			c->expected_id[e->ids[i]] = true;
		break;
	case EXPECT_VAR:
		if (!e->flags[0])
			fail_msg("%s:%u: no flags in '%s'", fx->name, e->line, e->text);
		f = find_field(d, kind_of(e), (unsigned)e->rid, (unsigned)e->bit, usage);
		if (!f)
			fail_msg("%s:%u: no %s field %04x:%04x in report %d at bit %d", fx->name,
				 e->line, rdesc_kind_name((enum rdesc_kind)kind_of(e)), e->page,
				 e->usage, e->rid, e->bit);
		assert_int_equal(f->bit_size, e->size);
		assert_int_equal(f->flags & 0x7f, flags_of(e->flags));
		c->seen[f - d->fields] = true;
		break;
	case EXPECT_ARRAY:
		if (!e->flags[0])
			fail_msg("%s:%u: no flags in '%s'", fx->name, e->line, e->text);
		f = find_field(d, kind_of(e), (unsigned)e->rid, (unsigned)e->bit, usage);
		if (!f)
			fail_msg("%s:%u: no array at report %d bit %d", fx->name, e->line, e->rid,
				 e->bit);
		assert_true(rdesc_field_is_array(f));
		assert_int_equal(f->bit_size, e->size);
		assert_int_equal(f->count, e->count);
		assert_int_equal(f->logical_min, e->lmin);
		assert_int_equal(f->logical_max, e->lmax);
		assert_int_equal(f->usages_count, e->last - e->usage + 1);
		for (uint32_t i = 0; i < f->usages_count; i++)
			assert_int_equal(d->usages[f->usages_first + i], USAGE(e->page, e->usage + i));
		assert_int_equal(f->flags & 0x7f, flags_of(e->flags));
		c->seen[f - d->fields] = true;
		break;
	case EXPECT_NOTE_PAGE_AFTER_USAGE: {
		bool found = false;

		for (size_t i = 0; i < d->n_fields; i++) {
			f = &d->fields[i];
			if (f->kind == kind_of(e) && f->report_id == (unsigned)e->rid &&
			    f->bit_offset == (unsigned)e->bit && (f->notes & RDESC_NOTE_PAGE_AFTER_USAGE))
				found = true;
		}
		if (!found)
			fail_msg("%s:%u: no page-after-usage note at %s %d bit %d", fx->name, e->line,
				 rdesc_kind_name((enum rdesc_kind)kind_of(e)), e->rid, e->bit);
		break;
	}
	case EXPECT_MAX_PAYLOAD:
		assert_int_equal(rdesc_max_report_bytes(d, (enum rdesc_kind)kind_of(e)) -
				 (d->numbered ? 1 : 0), e->count);
		break;
	case EXPECT_UNREADABLE:
		fail_msg("%s:%u: cannot read expect line '%s'", fx->name, e->line, e->text);
		break;
	}
}

/* After the last line: no collection and no report id the file does not list. */
static void check_rest(const struct expect_check *c)
{
	const struct fixture *fx = c->fx;
	const struct rdesc *d = fx->desc;
	bool actual[256] = { false };

	for (size_t next = c->next_tlc; next < d->n_collections; next++) {
		if (d->collections[next].depth == 0)
			fail_msg("%s: unexpected top-level collection 0x%08x", fx->name,
				 d->collections[next].usage);
	}
	for (size_t i = 0; i < d->n_reports; i++)
		actual[d->reports[i].id] = true;
	for (int id = 0; id < 256; id++) {
		if (c->expected_id[id] != actual[id])
			fail_msg("%s: report id %d %s", fx->name, id,
				 c->expected_id[id] ? "missing" : "unexpected");
	}
	assert_true(c->ids_listed);
	assert_true(d->numbered);
}

static void test_fixture(void **state)
{
	struct fixture *fx = *state;
	char path[512];
	uint8_t *bytes = malloc(RDESC_MAX_SIZE);
	enum rdesc_file_format format;
	struct text_error terr;
	struct rdesc_error perr;
	struct expect_check c;
	bool *seen;
	long n;

	assert_non_null(bytes);
	snprintf(path, sizeof(path), "%s/%s.rdesc.hex", FIXTURES, fx->name);
	n = rdesc_read_file(path, bytes, &format, &terr);
	if (n < 0)
		fail_msg("%s: %s", path, terr.message);
	assert_int_equal(format, RDESC_FILE_HEX);
	if (rdesc_parse(bytes, (size_t)n, &fx->desc, &perr) < 0)
		fail_msg("%s: offset %zu: %s", path, perr.offset, perr.message);
	free(bytes);

	snprintf(path, sizeof(path), "%s/%s.expect", FIXTURES, fx->name);
	seen = calloc(fx->desc->n_fields + 1, sizeof(*seen));
	assert_non_null(seen);
	c = (struct expect_check){ .fx = fx, .seen = seen };
	assert_int_equal(expect_read(path, check_fact, &c), 0);
	check_rest(&c);

	/* The other direction: we find no Telephony or LED field the index does not list. */
	for (size_t i = 0; i < fx->desc->n_fields; i++) {
		const struct rdesc_field *f = &fx->desc->fields[i];
		bool checked = false;

		if (rdesc_field_is_array(f)) {
			for (uint32_t u = 0; u < f->usages_count; u++)
				checked |= page_is_checked(USAGE_PAGE(fx->desc->usages[f->usages_first + u]));
		} else {
			checked = f->usage && page_is_checked(USAGE_PAGE(f->usage));
		}
		if (checked && !seen[i])
			fail_msg("%s: field %zu (%s report %u bit %u, usage 0x%08x) not in the index",
				 fx->name, i, rdesc_kind_name(f->kind), f->report_id, f->bit_offset,
				 f->usage);
	}
	free(seen);
	rdesc_free(fx->desc);
	fx->desc = NULL;
}

int main(void)
{
	static struct fixture fixtures[MAX_FIXTURES];
	struct CMUnitTest tests[MAX_FIXTURES];
	struct dirent **names;
	size_t count = 0;
	int n = scandir(FIXTURES, &names, NULL, alphasort);

	if (n < 0) {
		perror(FIXTURES);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		const char *dot = strstr(names[i]->d_name, ".expect");

		if (dot && dot[7] == '\0' && count < MAX_FIXTURES) {
			struct fixture *fx = &fixtures[count];

			snprintf(fx->name, sizeof(fx->name), "%.*s", (int)(dot - names[i]->d_name),
				 names[i]->d_name);
			tests[count] = (struct CMUnitTest){
				.name = fx->name, .test_func = test_fixture, .initial_state = fx,
			};
			count++;
		}
		free(names[i]);
	}
	free(names);
	/* The shared set has 16 descriptors; fewer means fixtures went missing. */
	if (count < 16) {
		fprintf(stderr, "only %zu fixtures with .expect files in %s\n", count, FIXTURES);
		return 1;
	}
	return _cmocka_run_group_tests("real-descriptors", tests, count, NULL, NULL);
}
