/*
 * The volume curve (alsamixer's mapping) and the ring patterns, without a sound card; the
 * mixer itself is exercised on a real USB Audio card in the VM (test/vm, step 90).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "devices/audio-mixer.h"
#include "devices/audio-ring.h"

#define DB_MUTE (-9999999L)

static void test_cubic_curve_on_a_large_range(void **state)
{
	(void)state;
	/* f_uac1's controls and many headsets: -100 dB .. 0 dB. */
	assert_true(audio_volume_from_db(0, -10000, 0) == 1.0);
	assert_true(audio_volume_from_db(-10000, -10000, 0) == 0.0);
	assert_true(audio_volume_from_db(-20000, -10000, 0) == 0.0);
	/* -18 dB: 10^(-0.3) = 0.50119, less the floor 10^(-100/60) = 0.021544, rescaled. */
	assert_true(fabs(audio_volume_from_db(-1800, -10000, 0) - 0.490204) < 1e-5);
	/* -6 dB: 10^(-0.1) = 0.794328 → 0.789800. */
	assert_true(fabs(audio_volume_from_db(-600, -10000, 0) - 0.789800) < 1e-5);
	/* Half-way is about -17.5 dB, nowhere near -50 dB. */
	assert_int_equal(audio_volume_to_db(0.5, -10000, 0), -1751);
	assert_int_equal(audio_volume_to_db(0.0, -10000, 0), -10000);
	assert_int_equal(audio_volume_to_db(1.0, -10000, 0), 0);
	/* A range that does not end at 0 dB: the curve is relative to the maximum. */
	assert_true(fabs(audio_volume_from_db(-1200, -4000, 600) - 0.398199) < 1e-5);
}

static void test_linear_on_a_small_range(void **state)
{
	(void)state;
	/* Up to 24 dB the dB scale is used as it is. */
	assert_true(fabs(audio_volume_from_db(-1000, -2000, 0) - 0.5) < 1e-9);
	assert_true(fabs(audio_volume_from_db(-1800, -2400, 0) - 0.25) < 1e-9);
	assert_int_equal(audio_volume_to_db(0.25, -2400, 0), -1800);
	/* One step above 24 dB is cubic already: the middle in dB is below half. */
	assert_true(audio_volume_from_db(-1250, -2500, 0) < 0.4);
}

static void test_mute_as_minimum(void **state)
{
	(void)state;
	/* A control whose minimum means "mute": no rescaling, 0 only at the mute step. */
	assert_true(fabs(audio_volume_from_db(-600, DB_MUTE, 0) - 0.794328) < 1e-5);
	assert_true(audio_volume_from_db(DB_MUTE, DB_MUTE, 0) == 0.0);
	assert_int_equal(audio_volume_to_db(0.794328, DB_MUTE, 0), -600);
}

static void test_round_trip(void **state)
{
	static const long ranges[][2] = { { -10000, 0 }, { -2400, 0 }, { -4650, 1200 },
					  { DB_MUTE, 0 }, { -12700, 0 } };
	size_t r;
	uint32_t v;

	(void)state;
	for (r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		for (v = 0; v <= AUDIO_VOLUME_MAX; v += 257) {
			long db = audio_volume_to_db(audio_volume_norm(v), ranges[r][0], ranges[r][1]);
			uint32_t back = audio_volume_from_norm(
				audio_volume_from_db(db, ranges[r][0], ranges[r][1]));

			/* 1/100 dB steps: the way back is within a few of 65535. */
			assert_true(db >= ranges[r][0] && db <= ranges[r][1]);
			assert_true(labs((long)back - (long)v) <= 40 || (v < 300 && back < 300));
		}
	}
	assert_int_equal(audio_volume_from_norm(-1.0), 0);
	assert_int_equal(audio_volume_from_norm(2.0), AUDIO_VOLUME_MAX);
	assert_int_equal(audio_volume_from_norm(0.5), 32768);
	assert_true(audio_volume_norm(0xFFFFFFFFu) == 1.0);
	/* Empty or inverted ranges do not divide by zero. */
	assert_true(audio_volume_from_db(0, 0, 0) == 0.0);
	assert_int_equal(audio_volume_to_db(0.5, 100, 100), 100);
}

static void test_monotonic(void **state)
{
	long db;
	double prev = -1.0;

	(void)state;
	for (db = -10000; db <= 0; db += 50) {
		double n = audio_volume_from_db(db, -10000, 0);

		assert_true(n > prev);
		prev = n;
	}
}

static void test_ring_patterns(void **state)
{
	const struct audio_ring_pattern *p;
	unsigned rate = 8000;
	uint64_t pos;
	double peak_on = 0.0, peak_off = 0.0;

	(void)state;
	assert_null(audio_ring_pattern_for_mode(0));
	assert_null(audio_ring_pattern_for_mode(audio_ring_pattern_count() + 1));
	/* Mode 2, the double ring: 0.4 s on, 0.2 s off, 0.4 s on, 2 s off. */
	p = audio_ring_pattern_for_mode(2);
	assert_non_null(p);
	for (pos = 0; pos < (uint64_t)rate * 3; pos++) {
		double s = audio_ring_sample(p, rate, pos);
		unsigned ms = (unsigned)(pos * 1000 / rate);

		assert_true(fabs(s) <= 1.0);
		if (ms < 400 || (ms >= 600 && ms < 1000))
			peak_on = fmax(peak_on, fabs(s));
		else
			peak_off = fmax(peak_off, fabs(s));
	}
	assert_true(peak_on > 0.9);
	assert_true(peak_off == 0.0);
	/* The cycle repeats: 3 s later is the same sample. */
	assert_true(fabs(audio_ring_sample(p, rate, 100) -
			 audio_ring_sample(p, rate, 100 + (uint64_t)rate * 3)) < 1e-6);
	assert_true(fabs(audio_ring_sample(p, rate, 100)) > 0.0);
	p = audio_ring_pattern_for_mode(1);
	assert_true(audio_ring_sample(p, rate, (uint64_t)rate * 3) == 0.0);
}

/*
 * The ring on alsa-lib's `file` PCM (a null device that also writes the samples to a
 * file): driven only by its poll descriptors, stopped on request, the pattern's cadence and
 * the ring volume in the samples written.
 */
static long ring_peak(uint32_t volume, double *on_share)
{
	char path[] = "/tmp/hidphone-ring-XXXXXX", pcm[128];
	const struct audio_ring_pattern *p = audio_ring_pattern_for_mode(2);
	struct audio_ring *r = NULL;
	int16_t buf[4096];
	long peak = 0, loud = 0, total = 0;
	int fd = mkstemp(path), polls;
	FILE *f;
	size_t n;

	assert_true(fd >= 0);
	close(fd);
	snprintf(pcm, sizeof(pcm), "file:FILE=%s,FORMAT=raw", path);
	assert_int_equal(audio_ring_start(&r, pcm, p, volume), 0);
	assert_non_null(r);
	/* About 3 s of the pattern (one cycle of the double ring), fed through poll. */
	for (polls = 0; polls < 10000 && audio_ring_frames(r) < 48000u * 3; polls++) {
		struct pollfd fds[4];
		int nfds = audio_ring_poll_fds(r, fds, 4);

		assert_true(nfds >= 0);
		if (nfds > 0)
			assert_true(poll(fds, (nfds_t)nfds, 1000) >= 0);
		assert_int_equal(audio_ring_handle_events(r, fds, nfds), 0);
	}
	assert_true(audio_ring_frames(r) >= 48000u * 3);
	audio_ring_stop(r);
	f = fopen(path, "rb");
	assert_non_null(f);
	while ((n = fread(buf, sizeof(buf[0]), 4096, f)) > 0) {
		for (size_t i = 0; i < n; i++) {
			long v = labs((long)buf[i]);

			peak = v > peak ? v : peak;
			loud += v > 200;
			total++;
		}
	}
	fclose(f);
	unlink(path);
	*on_share = total ? (double)loud / (double)total : 0.0;
	return peak;
}

static void test_ring_on_a_file_pcm(void **state)
{
	double on_full, on_half;
	long full, half;

	(void)state;
	full = ring_peak(AUDIO_VOLUME_MAX, &on_full);
	half = ring_peak(0x8000, &on_half);
	/* Full volume is full scale; half-way on a 60 dB curve is about -16 dB (0.155). */
	assert_true(full > 30000);
	assert_true(half > 0.12 * 32767 && half < 0.20 * 32767);
	/* The double ring sounds 0.8 s of every 3 s: a little less, as zero crossings are quiet. */
	assert_true(on_full > 0.22 && on_full < 0.28);
	assert_true(on_half > 0.20 && on_half < 0.28);
}

static void test_bad_arguments(void **state)
{
	struct audio_mixer *m = (struct audio_mixer *)1;
	struct audio_ring *r = (struct audio_ring *)1;
	uint32_t v;

	(void)state;
	assert_int_equal(audio_mixer_open(&m, -1, NULL, NULL), -EINVAL);
	assert_null(m);
	assert_int_equal(audio_mixer_get(NULL, AUDIO_CTL_PLAYBACK_VOLUME, &v), -EINVAL);
	assert_false(audio_mixer_has(NULL, AUDIO_CTL_CAPTURE_VOLUME));
	assert_int_equal(audio_ring_start(&r, NULL, audio_ring_pattern_for_mode(1), 0), -EINVAL);
	assert_null(r);
	audio_mixer_close(NULL);
	audio_ring_stop(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cubic_curve_on_a_large_range),
		cmocka_unit_test(test_linear_on_a_small_range),
		cmocka_unit_test(test_mute_as_minimum),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_monotonic),
		cmocka_unit_test(test_ring_patterns),
		cmocka_unit_test(test_ring_on_a_file_pcm),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
