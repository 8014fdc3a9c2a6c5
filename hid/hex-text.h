/*
 * Hex byte lists in text: "05 0b 09 05", as in shared descriptor files, hid-recorder lines
 * and our recordings. Tokens are two hex digits, optionally written 0x05 and separated by
 * blanks or commas, so a C array pasted from a datasheet reads as well.
 */
#ifndef HIDPHONE_HEX_TEXT_H
#define HIDPHONE_HEX_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* The value of a hex digit, -1 for anything else. */
int hex_digit_value(char c);

/*
 * Parses the hex bytes in text[0..len) into out (room for max bytes). Returns the number of
 * bytes, -EINVAL on a token that is not a hex byte (*bad_at = its offset in text) or -E2BIG
 * when there are more than max bytes (*bad_at = offset of the first byte that did not fit).
 */
long hex_parse_bytes(const char *text, size_t len, uint8_t *out, size_t max, size_t *bad_at);

/* Writes n bytes as "xx xx xx" into buf; returns the length it needed (snprintf-like). */
size_t hex_format_bytes(const uint8_t *bytes, size_t n, char *buf, size_t size);

#endif
