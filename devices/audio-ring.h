/*
 * Ringing through a phone's own speaker, for phones without a HID ringer (most headsets):
 * a ring pattern played on the phone's playback PCM with alsa-lib.
 *
 * No thread and no timer: the PCM is opened non-blocking and its poll descriptors drive
 * it. The caller's I/O loop polls audio_ring_poll_fds() and calls audio_ring_handle_events()
 * when they are ready; each call tops the device's buffer up with the next stretch of the
 * pattern (tone or silence: the silences are written as samples too, so the PCM's own
 * clock is the pattern's clock). Stop with audio_ring_stop() (phoneSetRing(0), close);
 * an unplugged device makes audio_ring_handle_events() return -ENODEV.
 */
#ifndef HIDPHONE_AUDIO_RING_H
#define HIDPHONE_AUDIO_RING_H

#include <poll.h>
#include <stdint.h>

/*
 * One ring cadence: the tone (two frequencies mixed, Hz; 0 for none) on for on_ms, off for
 * off_ms, then again on/off a second time when on2_ms is set (double ring), repeating.
 */
struct audio_ring_pattern {
	unsigned freq1, freq2;
	unsigned on_ms, off_ms, on2_ms, off2_ms;
};

/* The ring patterns of TAPI ring modes 1.. (mode 0 is silence). */
const struct audio_ring_pattern *audio_ring_pattern_for_mode(unsigned mode);
unsigned audio_ring_pattern_count(void);

struct audio_ring;

/*
 * Starts ringing on the PCM `pcm_name` (an "alsa/out" name) at volume 0..0xFFFF (the
 * alsamixer curve of devices/audio-mixer.h, applied to the samples). -ENODEV, -EBUSY or
 * another negative errno when the PCM cannot be opened or set up.
 */
int audio_ring_start(struct audio_ring **out, const char *pcm_name,
		     const struct audio_ring_pattern *pattern, uint32_t volume);
void audio_ring_set_volume(struct audio_ring *r, uint32_t volume);
/* Stops at once (drops what is queued) and closes the PCM. */
void audio_ring_stop(struct audio_ring *r);

int audio_ring_poll_fds(struct audio_ring *r, struct pollfd *fds, int max);
/*
 * fds/nfds: what poll() returned for the descriptors of audio_ring_poll_fds(). Writes what
 * the device has room for. 0 while ringing, -ENODEV when the device went away, another
 * negative errno on a failure that ended the ring (an unplug can show as -EIO first, when
 * the stream's transfers fail before the USB core reports the disconnect). After an error,
 * audio_ring_stop() is all that is left to call.
 */
int audio_ring_handle_events(struct audio_ring *r, struct pollfd *fds, int nfds);
/* Frames written so far (for tests and the bring-up tool). */
uint64_t audio_ring_frames(const struct audio_ring *r);

/* One sample of the pattern at frame `pos` of a stream at `rate` Hz, full scale ±1.0. */
double audio_ring_sample(const struct audio_ring_pattern *p, unsigned rate, uint64_t pos);

#endif
