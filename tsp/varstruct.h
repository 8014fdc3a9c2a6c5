/*
 * Filling TAPI's variable-length structures.
 */
#ifndef HIDPHONE_TSP_VARSTRUCT_H
#define HIDPHONE_TSP_VARSTRUCT_H

#include <stddef.h>
#include <stdint.h>

#include "tspi.h"

struct varstruct {
	uint8_t *base;
	uint32_t total, needed, used;
};
void varstruct_init(struct varstruct *vs, void *base, uint32_t total, uint32_t fixed);
/* Appends len bytes; sets *size and *offset when they fit, else both 0 (never truncated). */
void varstruct_add(struct varstruct *vs, const void *data, uint32_t len, DWORD *size, DWORD *offset);
/* Appends a UTF-8 string as NUL-terminated UTF-16LE. */
void varstruct_add_string(struct varstruct *vs, const char *utf8, DWORD *size, DWORD *offset);
/* Converts UTF-8 to UTF-16 (invalid sequences become U+FFFD); returns code units written. */
size_t utf8_to_utf16(const char *in, uint16_t *out, size_t max);

#endif
