/*
 * The .expect files of test/data/descriptors/: facts about each real descriptor from an
 * independent decoder (see the files' own header lines). One reader for the tests that
 * use them, the VM's guest host included (which builds it without the rest of the tree).
 */
#ifndef HIDPHONE_TEST_EXPECT_FILE_H
#define HIDPHONE_TEST_EXPECT_FILE_H

enum expect_type { EXPECT_TLC, EXPECT_REPORT_IDS, EXPECT_VAR, EXPECT_ARRAY };
enum expect_kind { EXPECT_INPUT, EXPECT_OUTPUT, EXPECT_FEATURE, EXPECT_BAD_KIND };

/*
 * One fact line:
 *   tlc PAGE USAGE                                          (page, usage)
 *   report-ids ID...                                        (nothing more is kept)
 *   var PAGE USAGE KIND RID BIT SIZE FLAGS                  (page, usage, kind, rid, bit, size, flags)
 *   array PAGE FIRST LAST KIND RID BIT SIZE COUNT LMIN LMAX FLAGS
 *                                                           (usage is FIRST)
 * Other lines (comments, notes, max-payload) are not facts these readers use.
 */
struct expect_fact {
	enum expect_type type;
	unsigned page, usage, last;
	enum expect_kind kind;
	int rid, bit, size, count;
	long lmin, lmax;
	char flags[64];
};

/* Calls fact() for every fact line of path, in order. 0, or -1 when path cannot be read. */
int expect_read(const char *path, void (*fact)(const struct expect_fact *f, void *ctx),
		void *ctx);
/* Whether the comma-separated flags contain word ("Rel", "Cnst", ...). */
int expect_has_flag(const struct expect_fact *f, const char *word);

#endif
