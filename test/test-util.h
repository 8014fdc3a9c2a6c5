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

/*
 * A sysfs tree under sys (emptied first) in which hidraw7 is interface 1.3 of a composite
 * USB device whose interface 1.0 is sound card 3 ("Phone", one PCM each way): with
 * HIDPHONE_SYSFS=sys and HIDPHONE_REPLAY_HIDRAW=hidraw7 a replayed phone has that card.
 */
void test_fake_card(const char *sys);
/* The size of the file at path, -1 if there is none. */
long test_file_size(const char *path);
/* Waits (bounded) until the file holds at least bytes; its size then. */
long test_wait_size(const char *path, long bytes, unsigned timeout_ms);
/* The loudest of n samples of a raw S16 file, from sample offset on. */
long test_raw_peak(const char *path, size_t offset, size_t n);

#endif
