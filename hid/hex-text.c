#include <errno.h>

#include "hex-text.h"

int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_separator(char c)
{
	return c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n';
}

long hex_parse_bytes(const char *text, size_t len, uint8_t *out, size_t max, size_t *bad_at)
{
	size_t pos = 0, n = 0;

	while (pos < len) {
		size_t start;
		int hi, lo;

		if (is_separator(text[pos])) {
			pos++;
			continue;
		}
		start = pos;
		if (len - pos >= 2 && text[pos] == '0' && (text[pos + 1] == 'x' || text[pos + 1] == 'X'))
			pos += 2;
		if (len - pos < 2 || (hi = hex_digit_value(text[pos])) < 0 || (lo = hex_digit_value(text[pos + 1])) < 0 ||
		    (len - pos > 2 && !is_separator(text[pos + 2]))) {
			*bad_at = start;
			return -EINVAL;
		}
		if (n >= max) {
			*bad_at = start;
			return -E2BIG;
		}
		out[n++] = (uint8_t)(hi << 4 | lo);
		pos += 2;
	}
	return (long)n;
}

size_t hex_format_bytes(const uint8_t *bytes, size_t n, char *buf, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	size_t need = n ? n * 3 - 1 : 0, p = 0;

	if (size == 0)
		return need;
	for (size_t i = 0; i < n; i++) {
		/* Only whole "xx" tokens are written, so a short buffer never ends mid-byte. */
		if (p + (i ? 3 : 2) >= size)
			break;
		if (i)
			buf[p++] = ' ';
		buf[p++] = digits[bytes[i] >> 4];
		buf[p++] = digits[bytes[i] & 0xf];
	}
	buf[p] = '\0';
	return need;
}
