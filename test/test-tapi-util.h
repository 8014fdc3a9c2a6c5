/*
 * What the libtapi32 tests share: recordings to replay and an application's inbox.
 */
#ifndef HIDPHONE_TEST_TAPI_UTIL_H
#define HIDPHONE_TEST_TAPI_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "tapi.h"

/* One input report to play, ms after the phone starts playing. */
struct play {
	unsigned ms;
	const char *hex;
};

/* Writes a recording of the fixture's descriptor (test/data/descriptors/NAME.rdesc.hex)
 * with these input reports. */
void tapi_test_write_recording(const char *path, const char *fixture, const char *name,
			       uint16_t vid, uint16_t pid, const struct play *plays);

#define INBOX_MAX 1024

/* Everything an application took from its queue, in order. */
struct inbox {
	HPHONEAPP app;
	int fd;
	size_t n;
	PHONEMESSAGE m[INBOX_MAX];
};

/* A registration with the event descriptor; fails the test on error. */
void inbox_init(struct inbox *in, const char *name, DWORD *ndevs);
/* Takes messages until none comes for quiet_ms. */
void inbox_drain(struct inbox *in, unsigned quiet_ms);
/* Takes messages until n of msg (with p1, or ANY) are kept or timeout_ms pass; the count. */
size_t inbox_wait_count(struct inbox *in, DWORD msg, DWORD_PTR p1, size_t n, unsigned timeout_ms);
/* Takes messages until one with this id (and p1, unless ~0) came, up to timeout_ms; its
 * index, or -1. */
long inbox_wait(struct inbox *in, DWORD msg, DWORD_PTR p1, unsigned timeout_ms);
size_t inbox_count(const struct inbox *in, DWORD msg, DWORD_PTR p1);

#endif
