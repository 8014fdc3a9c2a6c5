/*
 * Strings and variable-length structures between the provider (UTF-16, its own layout) and
 * the application (UTF-8 for the ...A functions, UTF-16 for ...W).
 */
#ifndef HIDPHONE_TAPI_TEXT_H
#define HIDPHONE_TAPI_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "tspi.h"

/* UTF-8 (len bytes) to NUL-terminated UTF-16 in *out (free it); *bytes counts the NUL.
 * 0, -EILSEQ for malformed UTF-8, -ENOMEM. */
int tapi_utf8_to_utf16(const char *s, size_t len, WCHAR **out, DWORD *bytes);
/* size bytes of UTF-16 (any alignment, NULs kept, so multi-strings convert whole) to UTF-8
 * in *out (free it); a lone surrogate becomes U+FFFD. 0 or -ENOMEM. */
int tapi_utf16_to_utf8(const void *s, DWORD size, char **out, DWORD *bytes);
/* Length in code units of a NUL-terminated UTF-16 string, up to max. */
size_t tapi_utf16_len(const WCHAR *s, size_t max);
/*
 * An address, digit string or device class from an application this many UTF-16 code units
 * long or longer is refused, in either form (the W functions read no further, the A ones no
 * further than 3 bytes a unit).
 */
#define TAPI_MAX_ARG_UNITS 4096

/* A copy of a NUL-terminated UTF-16 string from the application, bounded: *out (free it)
 * with its NUL, *bytes (may be NULL) counting it. -EINVAL when s has max units or more
 * before its NUL, -ENOMEM. */
int tapi_utf16_dup(const WCHAR *s, size_t max, WCHAR **out, DWORD *bytes);
/* The same from UTF-8 (the ...A functions), with the same limit in UTF-16 units: -EINVAL
 * when s converts to max units or more (read at most 3 * max bytes of it), -EILSEQ for
 * malformed UTF-8, -ENOMEM. */
int tapi_utf8_dup(const char *s, size_t max, WCHAR **out, DWORD *bytes);
/*
 * An application's friendly name (phoneInitializeEx, lineInitializeEx) as UTF-16 with its
 * NUL, from UTF-8 (the A form) or UTF-16 (the W form); the program's name when NULL.
 * -EINVAL for a name of 1024 units or more or one that is not UTF-8, -ENOMEM.
 */
int tapi_app_name_a(const char *s, WCHAR **out, DWORD *bytes);
int tapi_app_name_w(const WCHAR *s, WCHAR **out, DWORD *bytes);

/* One item of the variable part: its dwXxxSize member (dwXxxOffset follows it). */
struct tapi_var {
	size_t field;
	const void *data;
	DWORD size;
	bool utf16;               /* converted to UTF-8 for the ...A functions */
};

/* Reads an item of a structure the provider filled (used bytes of it); -1 if the item
 * lies outside. */
int tapi_var_read(const void *st, DWORD used, struct tapi_var *v);
/* Converts the UTF-16 items to UTF-8; the converted bytes are in bufs[i] (free them). */
int tapi_var_to_utf8(struct tapi_var *v, size_t n, char **bufs);
/*
 * Writes the structure for the application: fixed_size bytes of fixed (its dwTotalSize
 * kept), then the items if they all fit in out's dwTotalSize, else none; sets dwNeededSize
 * and dwUsedSize.
 */
void tapi_var_write(void *out, const void *fixed, DWORD fixed_size, const struct tapi_var *v,
		    size_t n);

#endif
