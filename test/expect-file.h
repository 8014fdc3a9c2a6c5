/*
 * The .expect files of test/data/descriptors/: facts about each real descriptor from an
 * independent decoder (see the files' own header lines). One reader for the tests that
 * use them, the VM's guest host included (which builds it without the rest of the tree).
 */
#ifndef HIDPHONE_TEST_EXPECT_FILE_H
#define HIDPHONE_TEST_EXPECT_FILE_H

enum expect_type {
	EXPECT_TLC, EXPECT_REPORT_IDS, EXPECT_VAR, EXPECT_ARRAY, EXPECT_NOTE_PAGE_AFTER_USAGE,
	EXPECT_MAX_PAYLOAD,
	EXPECT_UNREADABLE,      /* not a comment, not blank, and none of the above */
};
enum expect_kind { EXPECT_INPUT, EXPECT_OUTPUT, EXPECT_FEATURE, EXPECT_BAD_KIND };

/*
 * One fact line:
 *   tlc PAGE USAGE                                          (page, usage)
 *   report-ids ID...                                        (n_ids, ids)
 *   var PAGE USAGE KIND RID BIT SIZE FLAGS                  (page, usage, kind, rid, bit, size, flags)
 *   array PAGE FIRST LAST KIND RID BIT SIZE COUNT LMIN LMAX FLAGS
 *                                                           (usage is FIRST)
 *   note-page-after-usage KIND RID BIT                      (kind, rid, bit)
 *   max-payload KIND BYTES                                  (kind, count)
 * '#' comments and blank lines are no facts.
 */
struct expect_fact {
	enum expect_type type;
	unsigned line;           /* 1-based, for messages */
	const char *text;        /* the line, without its line break */
	unsigned page, usage, last;
	enum expect_kind kind;
	int rid, bit, size, count;
	long lmin, lmax;
	char flags[64];
	unsigned n_ids;
	unsigned char ids[255];
};

/*
 * Calls fact() for every line of path that is not a comment or blank, in order (lines it
 * cannot read as EXPECT_UNREADABLE). 0, or -1 when path cannot be read.
 */
int expect_read(const char *path, void (*fact)(const struct expect_fact *f, void *ctx),
		void *ctx);
/* Whether the comma-separated flags contain word ("Rel", "Cnst", ...). */
int expect_has_flag(const struct expect_fact *f, const char *word);

#endif
