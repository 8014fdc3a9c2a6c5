#include <alsa/asoundlib.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "devices/audio-mixer.h"
#include "devices/audio-ring.h"

#define RING_RATE 48000u
#define RING_PERIOD_US 20000u
#define RING_BUFFER_US 100000u
#define CHUNK_FRAMES 960u

/*
 * Mode 1: the North American ring (440 + 480 Hz, 2 s on, 4 s off); mode 2: the British
 * double ring (400 + 450 Hz, 0.4 on, 0.2 off, 0.4 on, 2 s off); mode 3: a short chirp
 * for a second line. Tones of desk phones' ringers, not melodies: they stand out from
 * music and are what a headset wearer expects a call to sound like.
 */
static const struct audio_ring_pattern patterns[] = {
	{ 440, 480, 2000, 4000, 0, 0 },
	{ 400, 450, 400, 200, 400, 2000 },
	{ 1000, 1200, 150, 150, 150, 2500 },
};

const struct audio_ring_pattern *audio_ring_pattern_for_mode(unsigned mode)
{
	if (mode == 0 || mode > sizeof(patterns) / sizeof(patterns[0]))
		return NULL;
	return &patterns[mode - 1];
}

unsigned audio_ring_pattern_count(void)
{
	return sizeof(patterns) / sizeof(patterns[0]);
}

struct audio_ring {
	snd_pcm_t *pcm;
	snd_pcm_uframes_t buffer_frames;
	struct audio_ring_pattern pattern;
	double gain;
	uint64_t pos;
	int16_t chunk[CHUNK_FRAMES];
};

double audio_ring_sample(const struct audio_ring_pattern *p, unsigned rate, uint64_t pos)
{
	uint64_t cycle_ms = (uint64_t)p->on_ms + p->off_ms + p->on2_ms + p->off2_ms;
	uint64_t ms;
	double t, v = 0.0;
	bool on;

	if (cycle_ms == 0 || rate == 0)
		return 0.0;
	ms = (pos * 1000u / rate) % cycle_ms;
	on = ms < p->on_ms ||
	     (ms >= (uint64_t)p->on_ms + p->off_ms && ms < (uint64_t)p->on_ms + p->off_ms + p->on2_ms);
	if (!on)
		return 0.0;
	t = (double)pos / rate;
	if (p->freq1)
		v += sin(2.0 * M_PI * p->freq1 * t);
	if (p->freq2)
		v += sin(2.0 * M_PI * p->freq2 * t);
	return (p->freq1 && p->freq2) ? v / 2.0 : v;
}

/* The mixer's curve on a 60 dB scale: ring volume 50% is about -16 dB, 0 is silence. */
static double gain_of(uint32_t volume)
{
	long db;

	if (volume == 0)
		return 0.0;
	db = audio_volume_to_db(audio_volume_norm(volume), -6000, 0);
	return pow(10.0, (double)db / 2000.0);
}

static int setup(snd_pcm_t *pcm, snd_pcm_uframes_t *buffer_frames)
{
	snd_pcm_hw_params_t *hw;
	snd_pcm_sw_params_t *sw;
	unsigned rate = RING_RATE, period = RING_PERIOD_US, buffer = RING_BUFFER_US;
	snd_pcm_uframes_t period_frames;
	int rc;

	snd_pcm_hw_params_alloca(&hw);
	snd_pcm_sw_params_alloca(&sw);
	if ((rc = snd_pcm_hw_params_any(pcm, hw)) < 0 ||
	    (rc = snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED)) < 0 ||
	    (rc = snd_pcm_hw_params_set_format(pcm, hw, SND_PCM_FORMAT_S16)) < 0 ||
	    (rc = snd_pcm_hw_params_set_channels(pcm, hw, 1)) < 0 ||
	    (rc = snd_pcm_hw_params_set_rate(pcm, hw, rate, 0)) < 0 ||
	    (rc = snd_pcm_hw_params_set_buffer_time_near(pcm, hw, &buffer, NULL)) < 0 ||
	    (rc = snd_pcm_hw_params_set_period_time_near(pcm, hw, &period, NULL)) < 0 ||
	    (rc = snd_pcm_hw_params(pcm, hw)) < 0)
		return rc;
	if ((rc = snd_pcm_hw_params_get_period_size(hw, &period_frames, NULL)) < 0 ||
	    (rc = snd_pcm_hw_params_get_buffer_size(hw, buffer_frames)) < 0 ||
	    (rc = snd_pcm_sw_params_current(pcm, sw)) < 0 ||
	    (rc = snd_pcm_sw_params_set_avail_min(pcm, sw, period_frames)) < 0 ||
	    (rc = snd_pcm_sw_params_set_start_threshold(pcm, sw, period_frames)) < 0 ||
	    (rc = snd_pcm_sw_params(pcm, sw)) < 0)
		return rc;
	return snd_pcm_prepare(pcm);
}

/*
 * Writes what the device has room for, at most one buffer: a device that always says it has
 * room (alsa-lib's null and file PCMs, a stream whose clock stopped) must not keep the loop
 * here for ever.
 */
static int fill(struct audio_ring *r)
{
	snd_pcm_uframes_t budget = r->buffer_frames;

	while (budget > 0) {
		snd_pcm_sframes_t avail = snd_pcm_avail_update(r->pcm), n;
		unsigned i, frames;

		if (avail == -EPIPE || avail == -ESTRPIPE) {
			/* An underrun (a loop that was busy elsewhere): start over, keep ringing. */
			int rc = snd_pcm_prepare(r->pcm);

			if (rc < 0)
				return rc;
			continue;
		}
		if (avail < 0)
			return (int)avail;
		if (avail == 0)
			return 0;
		if ((snd_pcm_uframes_t)avail > budget)
			avail = (snd_pcm_sframes_t)budget;
		frames = (unsigned)(avail < (snd_pcm_sframes_t)CHUNK_FRAMES ? avail : CHUNK_FRAMES);
		for (i = 0; i < frames; i++)
			r->chunk[i] = (int16_t)lrint(32767.0 * r->gain *
						     audio_ring_sample(&r->pattern, RING_RATE, r->pos + i));
		n = snd_pcm_writei(r->pcm, r->chunk, frames);
		if (n == -EAGAIN)
			return 0;
		if (n == -EPIPE) {
			int rc = snd_pcm_prepare(r->pcm);

			if (rc < 0)
				return rc;
			continue;
		}
		if (n < 0)
			return (int)n;
		r->pos += (uint64_t)n;
		budget -= (snd_pcm_uframes_t)n;
		if ((unsigned)n < frames)
			return 0;
	}
	return 0;
}

int audio_ring_start(struct audio_ring **out, const char *pcm_name,
		     const struct audio_ring_pattern *pattern, uint32_t volume)
{
	struct audio_ring *r;
	int rc;

	*out = NULL;
	if (!pcm_name || !pattern)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->pattern = *pattern;
	r->gain = gain_of(volume);
	rc = snd_pcm_open(&r->pcm, pcm_name, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
	if (rc < 0) {
		free(r);
		return rc == -ENOENT ? -ENODEV : rc;
	}
	rc = setup(r->pcm, &r->buffer_frames);
	if (rc == 0)
		rc = fill(r);
	if (rc < 0) {
		snd_pcm_close(r->pcm);
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void audio_ring_set_volume(struct audio_ring *r, uint32_t volume)
{
	if (r)
		r->gain = gain_of(volume);
}

void audio_ring_stop(struct audio_ring *r)
{
	if (!r)
		return;
	snd_pcm_drop(r->pcm);
	snd_pcm_close(r->pcm);
	free(r);
}

int audio_ring_poll_fds(struct audio_ring *r, struct pollfd *fds, int max)
{
	int n;

	if (!r || max < 0)
		return -EINVAL;
	n = snd_pcm_poll_descriptors_count(r->pcm);
	if (n < 0)
		return n;
	if (n > max)
		n = max;
	return snd_pcm_poll_descriptors(r->pcm, fds, (unsigned)n);
}

int audio_ring_handle_events(struct audio_ring *r, struct pollfd *fds, int nfds)
{
	unsigned short revents = 0;
	int rc;

	if (!r || nfds < 0)
		return -EINVAL;
	rc = snd_pcm_poll_descriptors_revents(r->pcm, fds, (unsigned)nfds, &revents);
	if (rc < 0)
		return rc;
	if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
		snd_pcm_state_t st = snd_pcm_state(r->pcm);

		if (st == SND_PCM_STATE_DISCONNECTED)
			return -ENODEV;
		if (st != SND_PCM_STATE_XRUN)
			return -EIO;
	}
	rc = fill(r);
	if (rc == -ENODEV || snd_pcm_state(r->pcm) == SND_PCM_STATE_DISCONNECTED)
		return -ENODEV;
	return rc;
}

uint64_t audio_ring_frames(const struct audio_ring *r)
{
	return r ? r->pos : 0;
}
