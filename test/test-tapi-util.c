#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hid/hex-text.h"
#include "hid/rdesc-load.h"
#include "hid/recording.h"
#include "test-tapi-util.h"

void tapi_test_write_recording(const char *path, const char *fixture, const char *name,
			       uint16_t vid, uint16_t pid, const struct play *plays)
{
	struct recording_device dev = { .bus = 3, .vendor = vid, .product = pid };
	char rpath[256];
	uint8_t *rdesc = malloc(RDESC_MAX_SIZE);
	enum rdesc_file_format fmt;
	struct text_error err;
	FILE *f = fopen(path, "w");
	long n;

	assert_non_null(f);
	assert_non_null(rdesc);
	snprintf(rpath, sizeof(rpath), TEST_DATA_DIR "/descriptors/%s.rdesc.hex", fixture);
	n = rdesc_read_file(rpath, rdesc, &fmt, &err);
	assert_true(n > 0);
	snprintf(dev.name, sizeof(dev.name), "%s", name);
	dev.rdesc = rdesc;
	dev.rdesc_len = (size_t)n;
	assert_int_equal(recording_write_device(f, &dev, false), 0);
	for (size_t i = 0; plays && plays[i].hex; i++) {
		uint8_t bytes[64];
		size_t bad;
		long len = hex_parse_bytes(plays[i].hex, strlen(plays[i].hex), bytes, sizeof(bytes),
					   &bad);

		assert_true(len > 0);
		assert_int_equal(recording_write_report(f, RECORDING_INPUT,
							(uint64_t)plays[i].ms * 1000, bytes,
							(size_t)len), 0);
	}
	fclose(f);
	free(rdesc);
}

void inbox_init(struct inbox *in, const char *name, DWORD *ndevs)
{
	PHONEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					   .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD version = TAPI_CURRENT_VERSION;

	memset(in, 0, sizeof(*in));
	assert_int_equal(phoneInitializeExA(&in->app, NULL, NULL, name, ndevs, &version, &params),
			 0);
	assert_int_not_equal(in->app, 0);
	assert_int_equal(version, TAPI_CURRENT_VERSION);
	assert_int_equal(params.dwUsedSize, sizeof(params));
	in->fd = TAPI_EVENT_FD(params);
	assert_true(in->fd >= 0);
}

static void keep(struct inbox *in, const PHONEMESSAGE *m)
{
	assert_true(in->n < INBOX_MAX);
	in->m[in->n++] = *m;
}

void inbox_drain(struct inbox *in, unsigned quiet_ms)
{
	PHONEMESSAGE m;

	while (phoneGetMessage(in->app, &m, quiet_ms) == 0)
		keep(in, &m);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

long inbox_wait(struct inbox *in, DWORD msg, DWORD_PTR p1, unsigned timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;
	PHONEMESSAGE m;

	for (size_t i = 0; i < in->n; i++) {
		if (in->m[i].dwMessageID == msg && (p1 == (DWORD_PTR)~0u || in->m[i].dwParam1 == p1))
			return (long)i;
	}
	for (;;) {
		uint64_t now = now_ms();

		if (now >= end || phoneGetMessage(in->app, &m, (DWORD)(end - now)) != 0)
			return -1;
		keep(in, &m);
		if (m.dwMessageID == msg && (p1 == (DWORD_PTR)~0u || m.dwParam1 == p1))
			return (long)in->n - 1;
	}
}

size_t inbox_count(const struct inbox *in, DWORD msg, DWORD_PTR p1)
{
	size_t c = 0;

	for (size_t i = 0; i < in->n; i++)
		c += in->m[i].dwMessageID == msg &&
		     (p1 == (DWORD_PTR)~0u || in->m[i].dwParam1 == p1);
	return c;
}

size_t inbox_wait_count(struct inbox *in, DWORD msg, DWORD_PTR p1, size_t n, unsigned timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;
	PHONEMESSAGE m;

	while (inbox_count(in, msg, p1) < n) {
		uint64_t now = now_ms();

		if (now >= end || phoneGetMessage(in->app, &m, (DWORD)(end - now)) != 0)
			break;
		keep(in, &m);
	}
	return inbox_count(in, msg, p1);
}
