#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file-read.h"
#include "hex-text.h"
#include "rdesc-load.h"

/* A text descriptor with comments is a few KiB; anything this large is not one. */
#define MAX_FILE_SIZE (4u << 20)

static long text_fail(struct text_error *err, int rc, unsigned line, unsigned column,
		      const char *msg)
{
	err->line = line;
	err->column = column;
	snprintf(err->message, sizeof(err->message), "%s", msg);
	return rc;
}

static bool looks_binary(const uint8_t *c, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (c[i] == '\n' || c[i] == '\r' || c[i] == '\t')
			continue;
		if (c[i] < 0x20 || c[i] >= 0x7f)
			return true;
	}
	return false;
}

struct line {
	const char *text;
	size_t len;
	unsigned number;
};

static bool next_line(const char *text, size_t len, size_t *pos, struct line *l)
{
	const char *nl;

	if (*pos >= len)
		return false;
	l->text = text + *pos;
	nl = memchr(l->text, '\n', len - *pos);
	l->len = nl ? (size_t)(nl - l->text) : len - *pos;
	*pos += l->len + (nl ? 1 : 0);
	l->number++;
	return true;
}

static size_t skip_blanks(const char *s, size_t i, size_t len)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static long bytes_of_line(const struct line *l, size_t start, size_t end, uint8_t *out,
			  size_t room, struct text_error *err)
{
	size_t bad = 0;
	long n = hex_parse_bytes(l->text + start, end - start, out, room, &bad);

	if (n == -EINVAL)
		return text_fail(err, -EINVAL, l->number, (unsigned)(start + bad + 1),
				 "expected a hex byte");
	if (n == -E2BIG)
		return text_fail(err, -E2BIG, l->number, (unsigned)(start + bad + 1),
				 "descriptor longer than 65535 bytes");
	return n;
}

/* "R: 356 05 0b 09 05 ...": the byte count is checked against the bytes given. */
static long from_recording(const char *text, size_t len, uint8_t *out, struct text_error *err)
{
	struct line l = { 0 };
	size_t pos = 0;

	while (next_line(text, len, &pos, &l)) {
		size_t i = skip_blanks(l.text, 0, l.len), num_start;
		unsigned long declared = 0;
		long n;

		if (l.len - i < 2 || l.text[i] != 'R' || l.text[i + 1] != ':')
			continue;
		i = skip_blanks(l.text, i + 2, l.len);
		num_start = i;
		while (i < l.len && l.text[i] >= '0' && l.text[i] <= '9') {
			declared = declared * 10 + (unsigned long)(l.text[i] - '0');
			if (declared > RDESC_MAX_SIZE)
				return text_fail(err, -E2BIG, l.number, (unsigned)num_start + 1,
						 "descriptor length above 65535");
			i++;
		}
		if (i == num_start)
			return text_fail(err, -EINVAL, l.number, (unsigned)i + 1,
					 "expected the descriptor length after 'R:'");
		n = bytes_of_line(&l, i, l.len, out, RDESC_MAX_SIZE, err);
		if (n < 0)
			return n;
		if ((unsigned long)n != declared) {
			char msg[96];

			snprintf(msg, sizeof(msg), "'R:' declares %lu bytes but lists %ld",
				 declared, n);
			return text_fail(err, -EINVAL, l.number, (unsigned)num_start + 1, msg);
		}
		return n;
	}
	return text_fail(err, -EINVAL, 0, 0, "no 'R:' line");
}

static long from_hex_text(const char *text, size_t len, uint8_t *out, struct text_error *err)
{
	struct line l = { 0 };
	size_t pos = 0, total = 0;

	while (next_line(text, len, &pos, &l)) {
		const char *hash = memchr(l.text, '#', l.len);
		size_t end = hash ? (size_t)(hash - l.text) : l.len;
		long n = bytes_of_line(&l, 0, end, out + total, RDESC_MAX_SIZE - total, err);

		if (n < 0)
			return n;
		total += (size_t)n;
	}
	if (total == 0)
		return text_fail(err, -EINVAL, 0, 0, "no descriptor bytes");
	return (long)total;
}

static bool has_recording_line(const char *text, size_t len)
{
	struct line l = { 0 };
	size_t pos = 0;

	while (next_line(text, len, &pos, &l)) {
		size_t i = skip_blanks(l.text, 0, l.len);

		if (l.len - i >= 2 && l.text[i] == 'R' && l.text[i + 1] == ':')
			return true;
	}
	return false;
}

long rdesc_from_contents(const uint8_t *contents, size_t len, uint8_t *out,
			 enum rdesc_file_format *format, struct text_error *err)
{
	const char *text = (const char *)contents;

	memset(err, 0, sizeof(*err));
	if (looks_binary(contents, len)) {
		*format = RDESC_FILE_BINARY;
		if (len > RDESC_MAX_SIZE)
			return text_fail(err, -E2BIG, 0, 0, "binary descriptor longer than 65535 bytes");
		memcpy(out, contents, len);
		return (long)len;
	}
	if (has_recording_line(text, len)) {
		*format = RDESC_FILE_RECORDING;
		return from_recording(text, len, out, err);
	}
	*format = RDESC_FILE_HEX;
	return from_hex_text(text, len, out, err);
}

long rdesc_read_file(const char *path, uint8_t *out, enum rdesc_file_format *format,
		     struct text_error *err)
{
	char *contents, why[64];
	size_t len;
	long rc;

	memset(err, 0, sizeof(*err));
	rc = file_read(path, MAX_FILE_SIZE, 0, &contents, &len);
	if (rc < 0)
		return text_fail(err, (int)rc, 0, 0,
				 file_read_error((int)rc, MAX_FILE_SIZE, why, sizeof(why)));
	rc = rdesc_from_contents((const uint8_t *)contents, len, out, format, err);
	free(contents);
	return rc;
}

const char *rdesc_file_format_name(enum rdesc_file_format format)
{
	switch (format) {
	case RDESC_FILE_HEX: return "hex";
	case RDESC_FILE_RECORDING: return "recording";
	case RDESC_FILE_BINARY: return "binary";
	}
	return "?";
}
