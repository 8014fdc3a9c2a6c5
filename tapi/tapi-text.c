/*
 * UTF-8/UTF-16 conversion and variable-length structures: see tapi-text.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tapi-text.h"

int tapi_utf8_to_utf16(const char *s, size_t len, WCHAR **out, DWORD *bytes)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + len;
	WCHAR *w;
	size_t n = 0;

	if (len > 0x3FFFFFFF)
		return -EILSEQ;
	/* At most one code unit per byte, plus the NUL. */
	w = malloc((len + 1) * sizeof(*w));
	if (!w)
		return -ENOMEM;
	while (p < end) {
		uint32_t c = *p++;
		int more;

		if (c < 0x80)
			more = 0;
		else if ((c & 0xE0) == 0xC0)
			more = 1, c &= 0x1F;
		else if ((c & 0xF0) == 0xE0)
			more = 2, c &= 0x0F;
		else if ((c & 0xF8) == 0xF0)
			more = 3, c &= 0x07;
		else
			goto bad;
		if (end - p < more)
			goto bad;
		for (int i = 0; i < more; i++) {
			if ((p[i] & 0xC0) != 0x80)
				goto bad;
			c = (c << 6) | (p[i] & 0x3Fu);
		}
		p += more;
		/* overlong forms, surrogates and values beyond Unicode */
		if ((more == 1 && c < 0x80) || (more == 2 && c < 0x800) ||
		    (more == 3 && c < 0x10000) || (c >= 0xD800 && c < 0xE000) || c > 0x10FFFF)
			goto bad;
		if (c >= 0x10000) {
			c -= 0x10000;
			w[n++] = (WCHAR)(0xD800 | (c >> 10));
			w[n++] = (WCHAR)(0xDC00 | (c & 0x3FF));
		} else {
			w[n++] = (WCHAR)c;
		}
	}
	w[n++] = 0;
	*out = w;
	*bytes = (DWORD)(n * sizeof(*w));
	return 0;
bad:
	free(w);
	return -EILSEQ;
}

static WCHAR unit_at(const uint8_t *p, size_t i)
{
	WCHAR u;

	memcpy(&u, p + 2 * i, sizeof(u));
	return u;
}

int tapi_utf16_to_utf8(const void *s, DWORD size, char **out, DWORD *bytes)
{
	const uint8_t *p = s;
	size_t units = size / 2, n = 0;
	uint8_t *o = malloc(units * 3 + 1);

	if (!o)
		return -ENOMEM;
	for (size_t i = 0; i < units; i++) {
		uint32_t c = unit_at(p, i);

		if (c >= 0xD800 && c < 0xDC00 && i + 1 < units && unit_at(p, i + 1) >= 0xDC00 &&
		    unit_at(p, i + 1) < 0xE000) {
			c = 0x10000 + ((c - 0xD800) << 10) + (unit_at(p, i + 1) - 0xDC00u);
			i++;
		} else if (c >= 0xD800 && c < 0xE000) {
			c = 0xFFFD;
		}
		if (c < 0x80) {
			o[n++] = (uint8_t)c;
		} else if (c < 0x800) {
			o[n++] = (uint8_t)(0xC0 | (c >> 6));
			o[n++] = (uint8_t)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			o[n++] = (uint8_t)(0xE0 | (c >> 12));
			o[n++] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
			o[n++] = (uint8_t)(0x80 | (c & 0x3F));
		} else {
			o[n++] = (uint8_t)(0xF0 | (c >> 18));
			o[n++] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
			o[n++] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
			o[n++] = (uint8_t)(0x80 | (c & 0x3F));
		}
	}
	*out = (char *)o;
	*bytes = (DWORD)n;
	return 0;
}

size_t tapi_utf16_len(const WCHAR *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int tapi_utf16_dup(const WCHAR *s, size_t max, WCHAR **out, DWORD *bytes)
{
	size_t n = tapi_utf16_len(s, max);

	if (n == max)
		return -EINVAL;
	*out = malloc((n + 1) * sizeof(WCHAR));
	if (!*out)
		return -ENOMEM;
	memcpy(*out, s, n * sizeof(WCHAR));
	(*out)[n] = 0;
	if (bytes)
		*bytes = (DWORD)((n + 1) * sizeof(WCHAR));
	return 0;
}

static DWORD get_dword(const void *st, size_t off)
{
	DWORD v;

	memcpy(&v, (const uint8_t *)st + off, sizeof(v));
	return v;
}

static void put_dword(void *st, size_t off, DWORD v)
{
	memcpy((uint8_t *)st + off, &v, sizeof(v));
}

int tapi_var_read(const void *st, DWORD used, struct tapi_var *v)
{
	DWORD size, offset;

	v->data = NULL;
	v->size = 0;
	if (v->field + 8 > used)
		return 0;        /* an older, shorter structure: not there */
	size = get_dword(st, v->field);
	offset = get_dword(st, v->field + 4);
	if (!size)
		return 0;
	if (offset < v->field + 8 || offset > used || size > used - offset)
		return -1;
	v->data = (const uint8_t *)st + offset;
	v->size = size;
	return 0;
}

int tapi_var_to_utf8(struct tapi_var *v, size_t n, char **bufs)
{
	for (size_t i = 0; i < n; i++) {
		DWORD bytes;

		bufs[i] = NULL;
		if (!v[i].utf16 || !v[i].data)
			continue;
		if (tapi_utf16_to_utf8(v[i].data, v[i].size, &bufs[i], &bytes) < 0) {
			while (i-- > 0)
				free(bufs[i]);
			return -ENOMEM;
		}
		v[i].data = bufs[i];
		v[i].size = bytes;
	}
	return 0;
}

/* Items start on 4-byte boundaries, so UTF-16 and DWORD arrays are aligned. */
static DWORD align4(DWORD n)
{
	return (n + 3u) & ~3u;
}

void tapi_var_write(void *out, const void *fixed, DWORD fixed_size, const struct tapi_var *v,
		    size_t n)
{
	DWORD total = get_dword(out, 0);
	uint64_t needed = fixed_size;
	DWORD pos;

	memcpy((uint8_t *)out + 4, (const uint8_t *)fixed + 4, fixed_size - 4);
	for (size_t i = 0; i < n; i++) {
		put_dword(out, v[i].field, 0);
		put_dword(out, v[i].field + 4, 0);
		if (v[i].size)
			needed = align4((DWORD)needed) + (uint64_t)v[i].size;
	}
	if (needed > 0xFFFFFFFFu)
		needed = 0xFFFFFFFFu;
	put_dword(out, 4, (DWORD)needed);
	if (needed > total) {
		put_dword(out, 8, fixed_size);
		return;
	}
	pos = fixed_size;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].size)
			continue;
		memset((uint8_t *)out + pos, 0, align4(pos) - pos);
		pos = align4(pos);
		memcpy((uint8_t *)out + pos, v[i].data, v[i].size);
		put_dword(out, v[i].field, v[i].size);
		put_dword(out, v[i].field + 4, pos);
		pos += v[i].size;
	}
	put_dword(out, 8, pos);
}

#define MAX_NAME_UNITS 1024

static int program_name(WCHAR **out, DWORD *bytes)
{
	return tapi_utf8_to_utf16(program_invocation_short_name,
				  strlen(program_invocation_short_name), out, bytes) < 0 ? -ENOMEM : 0;
}

int tapi_utf8_dup(const char *s, size_t max, WCHAR **out, DWORD *bytes)
{
	/*
	 * A UTF-16 unit takes at most 3 bytes of UTF-8 (a surrogate pair 4 for 2 units), so a
	 * string of 3 * max bytes has max units or more: reading no further decides.
	 */
	size_t len = strnlen(s, 3 * max);
	DWORD size;
	int rc;

	if (len == 3 * max)
		return -EINVAL;
	rc = tapi_utf8_to_utf16(s, len, out, &size);
	if (rc < 0)
		return rc;
	if (size / sizeof(WCHAR) - 1 >= max) {
		free(*out);
		*out = NULL;
		return -EINVAL;
	}
	if (bytes)
		*bytes = size;
	return 0;
}

int tapi_app_name_a(const char *s, WCHAR **out, DWORD *bytes)
{
	int rc;

	if (!s)
		return program_name(out, bytes);
	rc = tapi_utf8_dup(s, MAX_NAME_UNITS, out, bytes);
	return rc == -EILSEQ ? -EINVAL : rc;
}

int tapi_app_name_w(const WCHAR *s, WCHAR **out, DWORD *bytes)
{
	if (!s)
		return program_name(out, bytes);
	return tapi_utf16_dup(s, MAX_NAME_UNITS, out, bytes);
}
