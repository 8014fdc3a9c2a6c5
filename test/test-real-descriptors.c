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

#define FIXTURES TEST_DATA_DIR "/descriptors"
#define MAX_FIXTURES 64

struct fixture {
	char name[128];
	struct rdesc *desc;
	char **matched;         /* per field: matched by an expect line */
};

static int kind_of(const char *s)
{
	if (strcmp(s, "input") == 0)
		return RDESC_INPUT;
	if (strcmp(s, "output") == 0)
		return RDESC_OUTPUT;
	if (strcmp(s, "feature") == 0)
		return RDESC_FEATURE;
	fail_msg("unknown kind '%s'", s);
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

static void check_expect_line(struct fixture *fx, const char *line, unsigned lineno, bool *seen)
{
	const struct rdesc *d = fx->desc;
	unsigned page, id, last, rid, bit, size, count;
	long lmin, lmax;
	char kind[16], flags[64];
	const struct rdesc_field *f;

	if (sscanf(line, "var %x %x %15s %u %u %u %63s", &page, &id, kind, &rid, &bit, &size,
		   flags) == 7) {
		f = find_field(d, kind_of(kind), rid, bit, USAGE(page, id));
		if (!f)
			fail_msg("%s:%u: no %s field %04x:%04x in report %u at bit %u", fx->name,
				 lineno, kind, page, id, rid, bit);
		assert_int_equal(f->bit_size, size);
		assert_int_equal(f->flags & 0x7f, flags_of(flags));
		seen[f - d->fields] = true;
	} else if (sscanf(line, "array %x %x %x %15s %u %u %u %u %ld %ld %63s", &page, &id, &last,
			  kind, &rid, &bit, &size, &count, &lmin, &lmax, flags) == 11) {
		f = find_field(d, kind_of(kind), rid, bit, USAGE(page, id));
		if (!f)
			fail_msg("%s:%u: no array at report %u bit %u", fx->name, lineno, rid, bit);
		assert_true(rdesc_field_is_array(f));
		assert_int_equal(f->bit_size, size);
		assert_int_equal(f->count, count);
		assert_int_equal(f->logical_min, lmin);
		assert_int_equal(f->logical_max, lmax);
		assert_int_equal(f->usages_count, last - id + 1);
		for (uint32_t i = 0; i < f->usages_count; i++)
			assert_int_equal(d->usages[f->usages_first + i], USAGE(page, id + i));
		assert_int_equal(f->flags & 0x7f, flags_of(flags));
		seen[f - d->fields] = true;
	} else if (sscanf(line, "note-page-after-usage %15s %u %u", kind, &rid, &bit) == 3) {
		bool found = false;

		for (size_t i = 0; i < d->n_fields; i++) {
			f = &d->fields[i];
			if (f->kind == kind_of(kind) && f->report_id == rid && f->bit_offset == bit &&
			    (f->notes & RDESC_NOTE_PAGE_AFTER_USAGE))
				found = true;
		}
		if (!found)
			fail_msg("%s:%u: no page-after-usage note at %s %u bit %u", fx->name,
				 lineno, kind, rid, bit);
	} else if (sscanf(line, "max-payload %15s %u", kind, &count) == 2) {
		size_t max = rdesc_max_report_bytes(d, (enum rdesc_kind)kind_of(kind));

		assert_int_equal(max - (d->numbered ? 1 : 0), count);
	} else if (strncmp(line, "tlc ", 4) == 0 || strncmp(line, "report-ids", 10) == 0) {
		/* checked as a whole by check_collections / check_report_ids */
	} else {
		fail_msg("%s:%u: cannot read expect line '%s'", fx->name, lineno, line);
	}
}

static void check_collections(struct fixture *fx, FILE *in)
{
	const struct rdesc *d = fx->desc;
	char line[512];
	size_t next = 0;
	unsigned page, id;

	rewind(in);
	while (fgets(line, sizeof(line), in)) {
		if (sscanf(line, "tlc %x %x", &page, &id) != 2)
			continue;
		while (next < d->n_collections && d->collections[next].depth != 0)
			next++;
		if (next >= d->n_collections)
			fail_msg("%s: top-level collection %04x:%04x missing", fx->name, page, id);
		assert_int_equal(d->collections[next].usage, USAGE(page, id));
		next++;
	}
	for (; next < d->n_collections; next++) {
		if (d->collections[next].depth == 0)
			fail_msg("%s: unexpected top-level collection 0x%08x", fx->name,
				 d->collections[next].usage);
	}
}

static void check_report_ids(struct fixture *fx, FILE *in)
{
	const struct rdesc *d = fx->desc;
	bool expected[256] = { false }, actual[256] = { false };
	char line[512];

	rewind(in);
	while (fgets(line, sizeof(line), in)) {
		char *save = NULL, *tok;

		if (strncmp(line, "report-ids", 10) != 0)
			continue;
		strtok_r(line, " \n", &save);
		while ((tok = strtok_r(NULL, " \n", &save)))
			expected[atoi(tok) & 0xff] = true;
	}
	for (size_t i = 0; i < d->n_reports; i++)
		actual[d->reports[i].id] = true;
	for (int id = 0; id < 256; id++) {
		if (expected[id] != actual[id])
			fail_msg("%s: report id %d %s", fx->name, id,
				 expected[id] ? "missing" : "unexpected");
	}
	assert_true(d->numbered);
}

static void test_fixture(void **state)
{
	struct fixture *fx = *state;
	char path[512], line[512];
	uint8_t *bytes = malloc(RDESC_MAX_SIZE);
	enum rdesc_file_format format;
	struct text_error terr;
	struct rdesc_error perr;
	unsigned lineno = 0;
	bool *seen;
	FILE *in;
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
	in = fopen(path, "r");
	assert_non_null(in);
	seen = calloc(fx->desc->n_fields + 1, sizeof(*seen));
	assert_non_null(seen);
	while (fgets(line, sizeof(line), in)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		check_expect_line(fx, line, lineno, seen);
	}
	check_collections(fx, in);
	check_report_ids(fx, in);
	fclose(in);

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
