/*
 * The mixer of a phone's sound card (alsa-lib): playback volume (the earpiece), capture
 * volume (the microphone gain) and their mute switches, as TAPI sees them: 0..0xFFFF.
 *
 * The volume curve is alsamixer's (alsa-utils, alsamixer/volume_mapping.c), so 50% here is
 * 50% in alsamixer and in the desktop's mixer:
 *
 *   - a control with a dB range of at most 24 dB maps linearly in dB;
 *   - a larger range maps the cube root of the amplitude: with d = dB - dBmax,
 *         n = 10^(d / 60)                   (= (10^(d / 20))^(1/3))
 *     scaled so that the control's minimum is 0 (n0 = 10^((dBmin - dBmax) / 60),
 *     n = (n - n0) / (1 - n0)); a minimum that means "mute" (-9999999 dB) maps to 0
 *     unscaled. Half-way is then about -18 dB below the maximum, which the ear hears as
 *     about half as loud, where a linear dB scale would put it at -50 dB on a 100 dB
 *     control (near silence) and a linear raw scale wherever the device's steps happen to be;
 *   - a control without dB information maps its raw range linearly.
 *
 * value 0..0xFFFF is n * 0xFFFF rounded. Setting rounds towards the requested value's side
 * of the nearest control step (up when raising, as alsamixer does), so a set value reads
 * back within one control step.
 *
 * Changes made elsewhere (amixer, the desktop, the device's own volume keys when it applies
 * them in hardware) are reported through the mixer's poll descriptors: the caller polls
 * audio_mixer_poll_fds() in its I/O loop and calls audio_mixer_handle_events() when one is
 * ready; the change callback then runs for each control whose value changed. Values this
 * module sets itself are not reported back (the caller made them).
 */
#ifndef HIDPHONE_AUDIO_MIXER_H
#define HIDPHONE_AUDIO_MIXER_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/audio-card.h"

#define AUDIO_VOLUME_MAX 0xFFFFu

enum audio_control {
	AUDIO_CTL_PLAYBACK_VOLUME,
	AUDIO_CTL_CAPTURE_VOLUME,   /* the gain */
	AUDIO_CTL_PLAYBACK_MUTE,
	AUDIO_CTL_CAPTURE_MUTE,
	AUDIO_CTL_COUNT
};

/* value: 0..0xFFFF for a volume, 1 (muted) or 0 for a mute. */
typedef void audio_mixer_change_fn(void *arg, enum audio_control ctl, uint32_t value);

struct audio_mixer;

/*
 * Opens the mixer of ALSA card `card` (its number); on_change may be NULL. -ENODEV when
 * the card does not exist (any more), other negative errnos from alsa-lib.
 */
int audio_mixer_open(struct audio_mixer **out, int card, audio_mixer_change_fn *on_change,
		     void *arg);
void audio_mixer_close(struct audio_mixer *m);

/* Whether the card has the control (the phone's PHONECAPS volume/gain flags). */
bool audio_mixer_has(const struct audio_mixer *m, enum audio_control ctl);
/* The simple-control name behind ctl ("PCM", "Mic", ...), "" without one. */
const char *audio_mixer_control_name(const struct audio_mixer *m, enum audio_control ctl);

/*
 * Get and set one control: 0..0xFFFF for volumes, 0/1 for mutes (1 = muted). -ENOTSUP
 * when the card lacks the control, -ENODEV once the card is gone, -EINVAL for a value out
 * of range.
 */
int audio_mixer_get(struct audio_mixer *m, enum audio_control ctl, uint32_t *value);
int audio_mixer_set(struct audio_mixer *m, enum audio_control ctl, uint32_t value);

/*
 * The descriptors to poll (fd_listen-compatible: one fd per entry, events in .events).
 * Returns how many were written to fds (at most max), or a negative errno.
 */
int audio_mixer_poll_fds(struct audio_mixer *m, struct pollfd *fds, int max);
/*
 * Reads the pending mixer events and reports changed controls through the callback.
 * Returns 0, or -ENODEV when the card went away (close the mixer then).
 */
int audio_mixer_handle_events(struct audio_mixer *m);

/* The curve alone (see above), for tests and for a software ring volume. dB in 1/100 dB. */
double audio_volume_from_db(long db, long db_min, long db_max);
long audio_volume_to_db(double norm, long db_min, long db_max);
uint32_t audio_volume_from_norm(double norm);
double audio_volume_norm(uint32_t value);

#endif
