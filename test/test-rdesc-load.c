#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hid/file-read.h"
#include "hid/hex-text.h"
#include "hid/rdesc-load.h"

static long load(const char *text, uint8_t *out, enum rdesc_file_format *fmt,
		 struct text_error *err)
{
	return rdesc_from_contents((const uint8_t *)text, strlen(text), out, fmt, err);
}

static void test_hex_text(void **state)
{
	uint8_t out[RDESC_MAX_SIZE];
	enum rdesc_file_format fmt;
	struct text_error err;
	(void)state;

	assert_int_equal(load("05 0b 09 05\n# a comment\na1 01 # trailing\n\n", out, &fmt, &err), 6);
	assert_int_equal(fmt, RDESC_FILE_HEX);
	assert_int_equal(out[0], 0x05);
	assert_int_equal(out[5], 0x01);
	/* pasted C arrays read as well */
	assert_int_equal(load("0x05, 0x0B,\r\n0xA1,0x01", out, &fmt, &err), 4);
	assert_int_equal(out[1], 0x0b);
}

static void test_hex_errors(void **state)
{
	uint8_t out[RDESC_MAX_SIZE];
	enum rdesc_file_format fmt;
	struct text_error err;
	(void)state;

	assert_int_equal(load("05 0b\n09 5 a1\n", out, &fmt, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 4);
	assert_int_equal(load("05 0bz\n", out, &fmt, &err), -EINVAL);
	assert_int_equal(err.column, 4);
	assert_int_equal(load("# nothing\n", out, &fmt, &err), -EINVAL);
	assert_non_null(strstr(err.message, "no descriptor bytes"));
	assert_int_equal(load("", out, &fmt, &err), -EINVAL);
}

static void test_hex_too_long(void **state)
{
	size_t n = (RDESC_MAX_SIZE + 1) * 3;
	char *text = malloc(n + 1);
	uint8_t *out = malloc(RDESC_MAX_SIZE);
	enum rdesc_file_format fmt;
	struct text_error err;
	(void)state;

	for (size_t i = 0; i < RDESC_MAX_SIZE + 1; i++)
		memcpy(text + 3 * i, "00\n", 3);
	text[n] = '\0';
	assert_int_equal(rdesc_from_contents((uint8_t *)text, n, out, &fmt, &err), -E2BIG);
	assert_int_equal(err.line, RDESC_MAX_SIZE + 1);
	free(text);
	free(out);
}

static void test_recording(void **state)
{
	uint8_t out[RDESC_MAX_SIZE];
	enum rdesc_file_format fmt;
	struct text_error err;
	(void)state;

	assert_int_equal(load("# hid-recorder\nD: 0\nR: 4 05 0b a1 01\nN: Phone\nI: 3 0b0e 24c9\n"
			      "E: 0.000000 3 02 01 00\n", out, &fmt, &err), 4);
	assert_int_equal(fmt, RDESC_FILE_RECORDING);
	assert_int_equal(out[2], 0xa1);
	assert_int_equal(load("R: 5 05 0b a1 01\n", out, &fmt, &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.message, "declares 5 bytes but lists 4"));
	assert_int_equal(load("R: 05 0b\n", out, &fmt, &err), -EINVAL);
	assert_int_equal(load("R: x\n", out, &fmt, &err), -EINVAL);
	assert_int_equal(load("R: 99999999 00\n", out, &fmt, &err), -E2BIG);
}

static void test_binary(void **state)
{
	static const uint8_t bin[] = { 0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, 0xc0 };
	uint8_t out[RDESC_MAX_SIZE];
	enum rdesc_file_format fmt;
	struct text_error err;
	(void)state;

	assert_int_equal(rdesc_from_contents(bin, sizeof(bin), out, &fmt, &err), 7);
	assert_int_equal(fmt, RDESC_FILE_BINARY);
	assert_memory_equal(out, bin, sizeof(bin));
}

static void test_read_file(void **state)
{
	uint8_t *out = malloc(RDESC_MAX_SIZE);
	enum rdesc_file_format fmt;
	struct text_error err;
	(void)state;

	assert_int_equal(rdesc_read_file(TEST_DATA_DIR "/descriptors/jabra-speak-810.rdesc.hex",
					 out, &fmt, &err), 267);
	assert_int_equal(rdesc_read_file(TEST_DATA_DIR "/no-such-file", out, &fmt, &err), -ENOENT);
	free(out);
}

/* A file of n bytes 'x' in a fresh directory; returns its path (in dir). */
static const char *file_of(char *dir, size_t n)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/f", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		putc('x', f);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* The one reader of whole files (descriptors, recordings, profiles, hidphone.conf). */
static void test_file_read(void **state)
{
	char dir[] = "/tmp/test-file-read.XXXXXX", fifo[64], why[64];
	const char *path;
	char *text;
	size_t len;
	(void)state;

	assert_non_null(mkdtemp(dir));
	/* at the limit, and beyond it by one byte, with and without a size to go by */
	path = file_of(dir, 100000);
	assert_int_equal(file_read(path, 100000, FILE_READ_REGULAR, &text, &len), 0);
	assert_int_equal(len, 100000);
	assert_int_equal(text[len], '\0');
	free(text);
	assert_int_equal(file_read(path, 99999, 0, &text, &len), -EFBIG);
	assert_null(text);
	assert_int_equal(len, 0);
	assert_string_equal(file_read_error(-EFBIG, 99999, why, sizeof(why)),
			    "file larger than 99999 bytes");
	assert_string_equal(file_read_error(-EFBIG, 4u << 20, why, sizeof(why)),
			    "file larger than 4 MiB");
	/* /proc says 0 bytes; what the reads find counts */
	assert_int_equal(file_read("/proc/self/status", 1u << 20, 0, &text, &len), 0);
	assert_true(len > 0 && strstr(text, "Name:"));
	free(text);
	assert_int_equal(file_read("/proc/self/status", 10, 0, &text, &len), -EFBIG);
	/* an empty file is text too */
	assert_int_equal(file_read("/dev/null", 10, 0, &text, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(text, "");
	free(text);
	/* only regular files when asked: a FIFO would block, a directory is no text */
	assert_int_equal(file_read("/dev/null", 10, FILE_READ_REGULAR, &text, &len), -EINVAL);
	assert_string_equal(file_read_error(-EINVAL, 10, why, sizeof(why)), "not a regular file");
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(file_read(fifo, 10, FILE_READ_REGULAR, &text, &len), -EINVAL);
	assert_int_equal(file_read(dir, 10, FILE_READ_REGULAR, &text, &len), -EISDIR);
	assert_int_equal(file_read(dir, 10, 0, &text, &len), -EISDIR);
	assert_int_equal(file_read("/nonexistent/f", 10, 0, &text, &len), -ENOENT);
	assert_null(text);
	unlink(fifo);
	unlink(path);
	rmdir(dir);
}

/* A descriptor file too large to be one says so, before a byte of it is parsed. */
static void test_read_file_too_large(void **state)
{
	char dir[] = "/tmp/test-rdesc-load.XXXXXX";
	uint8_t *out = malloc(RDESC_MAX_SIZE);
	enum rdesc_file_format fmt;
	struct text_error err;
	const char *path;
	(void)state;

	assert_non_null(mkdtemp(dir));
	path = file_of(dir, (4u << 20) + 1);
	assert_int_equal(rdesc_read_file(path, out, &fmt, &err), -EFBIG);
	assert_string_equal(err.message, "file larger than 4 MiB");
	assert_int_equal(err.line, 0);
	unlink(path);
	rmdir(dir);
	free(out);
}

static void test_hex_format(void **state)
{
	const uint8_t b[] = { 0x05, 0x0b, 0xff };
	char buf[16];
	(void)state;

	assert_int_equal(hex_format_bytes(b, 3, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "05 0b ff");
	/* only whole tokens: "05 0b" fits 6 bytes with its NUL, 5 bytes hold "05" */
	assert_int_equal(hex_format_bytes(b, 3, buf, 6), 8);
	assert_string_equal(buf, "05 0b");
	assert_int_equal(hex_format_bytes(b, 3, buf, 5), 8);
	assert_string_equal(buf, "05");
	assert_int_equal(hex_format_bytes(b, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_text),
		cmocka_unit_test(test_file_read),
		cmocka_unit_test(test_read_file_too_large),
		cmocka_unit_test(test_hex_errors),
		cmocka_unit_test(test_hex_too_long),
		cmocka_unit_test(test_recording),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_hex_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
