/*
 * Helpers the cmocka tests share.
 */
#ifndef HIDPHONE_TEST_UTIL_H
#define HIDPHONE_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* The bytes of test/data/NAME.rdesc.hex (free them); fails the test if unreadable. */
uint8_t *test_data_rdesc(const char *name, size_t *len);
/* The same of test/data/descriptors/NAME.rdesc.hex, the real descriptors. */
uint8_t *test_fixture_rdesc(const char *name, size_t *len);

/* Removes dir and the files in it; HIDPHONE_TEST_KEEP=1 keeps them for a look. */
void test_remove_dir(const char *dir);

#endif
