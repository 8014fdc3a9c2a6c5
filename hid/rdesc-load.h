/*
 * Report descriptors from files and from hidraw nodes.
 */
#ifndef HIDPHONE_RDESC_LOAD_H
#define HIDPHONE_RDESC_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "rdesc.h"

enum rdesc_file_format {
	RDESC_FILE_HEX,       /* hex bytes as text, '#' starts a comment (shared/descriptors) */
	RDESC_FILE_RECORDING, /* a hid-recorder recording: the first "R: <len> <hex>" line */
	RDESC_FILE_BINARY,    /* the raw bytes, as in sysfs report_descriptor */
};

/* Where a text input went wrong: 1-based line and column, 0 when not about a place. */
struct text_error {
	unsigned line, column;
	char message[160];
};

/*
 * Extracts descriptor bytes from the contents of a file in any of the formats above,
 * detected from the contents. out must have room for RDESC_MAX_SIZE bytes.
 * Returns the number of bytes or a negative errno with err filled in.
 */
long rdesc_from_contents(const uint8_t *contents, size_t len, uint8_t *out,
			 enum rdesc_file_format *format, struct text_error *err);

/* Reads path and extracts a descriptor from it as rdesc_from_contents() does. */
long rdesc_read_file(const char *path, uint8_t *out, enum rdesc_file_format *format,
		     struct text_error *err);

const char *rdesc_file_format_name(enum rdesc_file_format format);

#endif
