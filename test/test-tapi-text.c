/*
 * The runtime's own parsers and converters: UTF-8/UTF-16, the variable part of TAPI
 * structures, providers.conf.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tapi/tapi-providers.h"
#include "tapi/tapi-text.h"

static void test_utf8_to_utf16(void **state)
{
	WCHAR *w;
	DWORD bytes;
	(void)state;

	/* "aÄ€😀": 1, 2, 3 and 4 bytes; the last a surrogate pair */
	assert_int_equal(tapi_utf8_to_utf16("a\xc3\x84\xe2\x82\xac\xf0\x9f\x98\x80", 10, &w,
					    &bytes), 0);
	assert_int_equal(bytes, 12);
	assert_int_equal(w[0], 'a');
	assert_int_equal(w[1], 0xC4);
	assert_int_equal(w[2], 0x20AC);
	assert_int_equal(w[3], 0xD83D);
	assert_int_equal(w[4], 0xDE00);
	assert_int_equal(w[5], 0);
	free(w);
	/* malformed: stray continuation, truncated, overlong, surrogate, beyond U+10FFFF */
	const char *bad[] = { "\x80", "\xc3", "\xe2\x82", "\xc0\xaf", "\xed\xa0\x80",
			      "\xf4\x90\x80\x80", "\xff" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tapi_utf8_to_utf16(bad[i], strlen(bad[i]), &w, &bytes), -EILSEQ);
}

static void test_utf16_to_utf8(void **state)
{
	/* unaligned on purpose; a multi-string keeps its NULs; a lone surrogate is U+FFFD */
	uint8_t raw[1 + 16];
	const WCHAR units[] = { 'a', 0, 0xC4, 0, 0xD83D, 0xDE00, 0xDC00, 0 };
	char *s;
	DWORD bytes;
	(void)state;

	memcpy(raw + 1, units, sizeof(units));
	assert_int_equal(tapi_utf16_to_utf8(raw + 1, sizeof(units), &s, &bytes), 0);
	assert_int_equal(bytes, 1 + 1 + 2 + 1 + 4 + 3 + 1);
	assert_memory_equal(s, "a\0\xc3\x84\0\xf0\x9f\x98\x80\xef\xbf\xbd\0", bytes);
	free(s);
}

/* A bounded copy of an application's UTF-16 argument: up to its NUL, refused at max. */
static void test_utf16_dup(void **state)
{
	const WCHAR abc[] = { 'a', 0xC4, 0xD83D, 0xDE00, 0, 'x' };
	WCHAR *w = NULL;
	DWORD bytes = 0;
	(void)state;

	assert_int_equal(tapi_utf16_dup(abc, 5, &w, &bytes), 0);
	assert_int_equal(bytes, 5 * sizeof(WCHAR));
	assert_memory_equal(w, abc, 5 * sizeof(WCHAR));
	free(w);
	assert_int_equal(tapi_utf16_dup(abc + 4, 1, &w, NULL), 0);  /* "" */
	assert_int_equal(w[0], 0);
	free(w);
	w = NULL;
	assert_int_equal(tapi_utf16_dup(abc, 4, &w, &bytes), -EINVAL); /* 4 units: too long */
	assert_null(w);
}

static void test_utf8_dup(void **state)
{
	/* max 4: three units fit, four do not, counted in UTF-16 units. */
	static const char fits[] = "a\xc3\x84\xe2\x82\xac";             /* a, U+00C4, U+20AC */
	static const char pair[] = "a\xf0\x9f\x98\x80";                 /* a, U+1F600: 3 units */
	static const char pair_more[] = "ab\xf0\x9f\x98\x80";           /* 4 units */
	char *unterminated = malloc(12);
	WCHAR *w = NULL;
	DWORD bytes = 0;
	(void)state;

	assert_int_equal(tapi_utf8_dup(fits, 4, &w, &bytes), 0);
	assert_int_equal(bytes, 4 * sizeof(WCHAR));
	assert_int_equal(w[0], 'a');
	assert_int_equal(w[1], 0xC4);
	assert_int_equal(w[2], 0x20AC);
	assert_int_equal(w[3], 0);
	free(w);
	assert_int_equal(tapi_utf8_dup(pair, 4, &w, NULL), 0);
	assert_int_equal(w[1], 0xD83D);
	free(w);
	w = NULL;
	assert_int_equal(tapi_utf8_dup(pair_more, 4, &w, NULL), -EINVAL);
	assert_null(w);
	assert_int_equal(tapi_utf8_dup("abcd", 4, &w, NULL), -EINVAL);
	assert_null(w);
	assert_int_equal(tapi_utf8_dup("a\xff", 4, &w, NULL), -EILSEQ);
	/* 3 * max bytes with no NUL among them: decided without reading further (ASan sees). */
	assert_non_null(unterminated);
	memcpy(unterminated, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 12);
	assert_int_equal(tapi_utf8_dup(unterminated, 4, &w, NULL), -EINVAL);
	free(unterminated);
}

static void test_var_write_and_read(void **state)
{
	uint8_t src[64] = { 0 }, out[64];
	VARSTRING *v = (VARSTRING *)src, *o = (VARSTRING *)out;
	struct tapi_var item = { .field = offsetof(VARSTRING, dwStringSize) };
	(void)state;

	v->dwTotalSize = sizeof(src);
	v->dwUsedSize = 30;
	v->dwStringSize = 6;
	v->dwStringOffset = 24;
	memcpy(src + 24, "abcdef", 6);
	assert_int_equal(tapi_var_read(src, v->dwUsedSize, &item), 0);
	assert_int_equal(item.size, 6);
	/* fits */
	memset(out, 0xa5, sizeof(out));
	o->dwTotalSize = 40;
	tapi_var_write(out, src, VARSTRING_SIZE, &item, 1);
	assert_int_equal(o->dwTotalSize, 40);
	assert_int_equal(o->dwNeededSize, 30);
	assert_int_equal(o->dwUsedSize, 30);
	assert_int_equal(o->dwStringOffset, 24);
	assert_memory_equal(out + 24, "abcdef", 6);
	/* does not fit: the fixed part alone, the item left out whole */
	o->dwTotalSize = 28;
	tapi_var_write(out, src, VARSTRING_SIZE, &item, 1);
	assert_int_equal(o->dwNeededSize, 30);
	assert_int_equal(o->dwUsedSize, 24);
	assert_int_equal(o->dwStringSize, 0);
	assert_int_equal(o->dwStringOffset, 0);
	/* items pointing outside what was used, into the fixed part, or overflowing */
	v->dwStringOffset = 26;
	assert_int_equal(tapi_var_read(src, 30, &item), -1);
	v->dwStringOffset = 4;
	assert_int_equal(tapi_var_read(src, 30, &item), -1);
	v->dwStringOffset = 24;
	v->dwStringSize = 0xFFFFFFF0u;
	assert_int_equal(tapi_var_read(src, 30, &item), -1);
	/* a structure too short to have the item: no item */
	assert_int_equal(tapi_var_read(src, 16, &item), 0);
	assert_null(item.data);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_providers_conf(void **state)
{
	char dir[] = "/tmp/hidphone-conf-XXXXXX", path[64];
	char *paths[4];
	char *long_line = malloc(5000);
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/providers.conf", dir);
	write_file(path, "# providers\n\n  /a/one.tsp  # first\n\t/b/two.tsp\r\n#/c/off.tsp\n");
	assert_int_equal(tapi_read_providers_conf(path, paths, 4), 2);
	assert_string_equal(paths[0], "/a/one.tsp");
	assert_string_equal(paths[1], "/b/two.tsp");
	free(paths[0]);
	free(paths[1]);
	/* too many, a line too long, no file: refused with the file and line named */
	write_file(path, "1\n2\n3\n4\n5\n");
	assert_int_equal(tapi_read_providers_conf(path, paths, 4), -1);
	memset(long_line, 'x', 4999);
	long_line[4999] = '\0';
	write_file(path, long_line);
	assert_int_equal(tapi_read_providers_conf(path, paths, 4), -1);
	write_file(path, "");
	assert_int_equal(tapi_read_providers_conf(path, paths, 4), 0);
	unlink(path);
	assert_int_equal(tapi_read_providers_conf(path, paths, 4), -1);
	rmdir(dir);
	free(long_line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_to_utf16),
		cmocka_unit_test(test_utf16_to_utf8),
		cmocka_unit_test(test_utf16_dup),
		cmocka_unit_test(test_utf8_dup),
		cmocka_unit_test(test_var_write_and_read),
		cmocka_unit_test(test_providers_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
