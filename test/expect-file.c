/*
 * The .expect reader: see expect-file.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect-file.h"

static enum expect_kind kind_of(const char *s)
{
	return strcmp(s, "input") == 0 ? EXPECT_INPUT :
	       strcmp(s, "output") == 0 ? EXPECT_OUTPUT :
	       strcmp(s, "feature") == 0 ? EXPECT_FEATURE : EXPECT_BAD_KIND;
}

/* "report-ids 1 2 4 5": the ids; 0 when a token is not an id. */
static int report_ids(char *line, struct expect_fact *f)
{
	char *save = NULL, *tok;

	strtok_r(line, " ", &save);
	while ((tok = strtok_r(NULL, " ", &save))) {
		char *end;
		unsigned long id = strtoul(tok, &end, 10);

		if (*end || id == 0 || id > 255 || f->n_ids == sizeof(f->ids))
			return 0;
		f->ids[f->n_ids++] = (unsigned char)id;
	}
	return f->n_ids > 0;
}

int expect_read(const char *path, void (*fact)(const struct expect_fact *f, void *ctx),
		void *ctx)
{
	FILE *fp = fopen(path, "r");
	char line[1024], copy[1024];
	unsigned lineno = 0;

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		struct expect_fact f;
		char kind[16];

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		memset(&f, 0, sizeof(f));
		f.line = lineno;
		f.text = line;
		f.type = EXPECT_UNREADABLE;
		snprintf(copy, sizeof(copy), "%s", line);
		if (sscanf(line, "tlc %x %x", &f.page, &f.usage) == 2) {
			f.type = EXPECT_TLC;
		} else if (strncmp(line, "report-ids ", 11) == 0) {
			if (report_ids(copy, &f))
				f.type = EXPECT_REPORT_IDS;
		} else if (sscanf(line, "var %x %x %15s %d %d %d %63s", &f.page, &f.usage, kind,
				  &f.rid, &f.bit, &f.size, f.flags) >= 6) {
			f.type = EXPECT_VAR;
			f.kind = kind_of(kind);
		} else if (sscanf(line, "array %x %x %x %15s %d %d %d %d %ld %ld %63s", &f.page,
				  &f.usage, &f.last, kind, &f.rid, &f.bit, &f.size, &f.count, &f.lmin,
				  &f.lmax, f.flags) >= 10) {
			f.type = EXPECT_ARRAY;
			f.kind = kind_of(kind);
		} else if (sscanf(line, "note-page-after-usage %15s %d %d", kind, &f.rid,
				  &f.bit) == 3) {
			f.type = EXPECT_NOTE_PAGE_AFTER_USAGE;
			f.kind = kind_of(kind);
		} else if (sscanf(line, "max-payload %15s %d", kind, &f.count) == 2) {
			f.type = EXPECT_MAX_PAYLOAD;
			f.kind = kind_of(kind);
		}
		fact(&f, ctx);
	}
	fclose(fp);
	return 0;
}

int expect_has_flag(const struct expect_fact *f, const char *word)
{
	size_t n = strlen(word);

	for (const char *s = f->flags; *s; s += strcspn(s, ","), s += *s == ',') {
		if (strncmp(s, word, n) == 0 && (s[n] == ',' || s[n] == '\0'))
			return 1;
	}
	return 0;
}
