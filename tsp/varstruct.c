/*
 * TAPI's variable-length structures (tspi-abi.md 3.2): a fixed part, then items addressed by
 * (size, offset) pairs. Every item counts toward dwNeededSize; an item that does not fit is
 * left out whole, with size and offset 0, never truncated.
 */
#include <string.h>

#include "varstruct.h"

void varstruct_init(struct varstruct *vs, void *base, uint32_t total, uint32_t fixed)
{
	vs->base = base;
	vs->total = total;
	vs->needed = fixed;
	vs->used = fixed;
}

void varstruct_add(struct varstruct *vs, const void *data, uint32_t len, DWORD *size,
		   DWORD *offset)
{
	*size = 0;
	*offset = 0;
	if (len == 0)
		return;
	vs->needed += len;
	/* Items are packed in order; once one did not fit, later ones must not fill the gap. */
	if (vs->used != vs->needed - len || len > vs->total - vs->used)
		return;
	memcpy(vs->base + vs->used, data, len);
	*size = len;
	*offset = vs->used;
	vs->used += len;
}

size_t utf8_to_utf16(const char *in, uint16_t *out, size_t max)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = 0;

	while (*s && n < max) {
		uint32_t cp;
		int extra;

		if (*s < 0x80) {
			cp = *s;
			extra = 0;
		} else if ((*s & 0xe0) == 0xc0) {
			cp = *s & 0x1f;
			extra = 1;
		} else if ((*s & 0xf0) == 0xe0) {
			cp = *s & 0x0f;
			extra = 2;
		} else if ((*s & 0xf8) == 0xf0) {
			cp = *s & 0x07;
			extra = 3;
		} else {
			cp = 0xfffd;
			extra = -1;
		}
		s++;
		for (int i = 0; i < extra; i++, s++) {
			if ((*s & 0xc0) != 0x80) {
				cp = 0xfffd;
				break;
			}
			cp = cp << 6 | (*s & 0x3f);
		}
		/* overlong forms, surrogates and values past U+10FFFF are not characters */
		if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
		    (extra == 3 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			cp = 0xfffd;
		if (cp >= 0x10000) {
			if (n + 2 > max)
				break;
			cp -= 0x10000;
			out[n++] = (uint16_t)(0xd800 | cp >> 10);
			out[n++] = (uint16_t)(0xdc00 | (cp & 0x3ff));
		} else {
			out[n++] = (uint16_t)cp;
		}
	}
	return n;
}

void varstruct_add_string(struct varstruct *vs, const char *utf8, DWORD *size, DWORD *offset)
{
	uint16_t buf[512];
	size_t n = utf8_to_utf16(utf8, buf, 511);

	buf[n++] = 0;
	varstruct_add(vs, buf, (uint32_t)(n * sizeof(uint16_t)), size, offset);
}
