/*
 * The .expect reader: see expect-file.h.
 */
#include <stdio.h>
#include <string.h>

#include "expect-file.h"

static enum expect_kind kind_of(const char *s)
{
	return strcmp(s, "input") == 0 ? EXPECT_INPUT :
	       strcmp(s, "output") == 0 ? EXPECT_OUTPUT :
	       strcmp(s, "feature") == 0 ? EXPECT_FEATURE : EXPECT_BAD_KIND;
}

int expect_read(const char *path, void (*fact)(const struct expect_fact *f, void *ctx),
		void *ctx)
{
	FILE *fp = fopen(path, "r");
	char line[1024];

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		struct expect_fact f;
		char kind[16];

		memset(&f, 0, sizeof(f));
		if (sscanf(line, "tlc %x %x", &f.page, &f.usage) == 2) {
			f.type = EXPECT_TLC;
		} else if (strncmp(line, "report-ids", 10) == 0) {
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
		} else {
			continue;
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
