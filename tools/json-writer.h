/*
 * A small streaming JSON writer for phonectl's --json output: it tracks nesting and commas,
 * escapes strings, and writes one compact document (or one document per line).
 */
#ifndef HIDPHONE_JSON_WRITER_H
#define HIDPHONE_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *out;
	unsigned depth;
	bool first[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *out);

/* key is NULL inside arrays and for the top-level value. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_int(struct json *j, const char *key, int64_t value);
void json_uint(struct json *j, const char *key, uint64_t value);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);
void json_string(struct json *j, const char *key, const char *value);
/* Ends a top-level document with a newline. */
void json_finish(struct json *j);

#endif
