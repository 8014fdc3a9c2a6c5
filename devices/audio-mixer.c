#include <alsa/asoundlib.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/audio-mixer.h"

/* alsamixer's threshold: up to this range (in 1/100 dB) the dB scale is used linearly. */
#define LINEAR_DB_RANGE 2400

struct audio_mixer {
	snd_mixer_t *handle;
	snd_mixer_elem_t *elem[AUDIO_CTL_COUNT];
	snd_mixer_selem_channel_id_t channel[AUDIO_CTL_COUNT];
	char names[AUDIO_CTL_COUNT][64];
	uint32_t last[AUDIO_CTL_COUNT];   /* the value last reported or set, per control */
	audio_mixer_change_fn *on_change;
	void *arg;
	bool gone;
};

/* --- the curve ---------------------------------------------------------------------- */

double audio_volume_from_db(long db, long db_min, long db_max)
{
	double n, n0;

	if (db_max <= db_min)
		return 0.0;
	if (db <= db_min)
		return 0.0;
	if (db >= db_max)
		return 1.0;
	if (db_max - db_min <= LINEAR_DB_RANGE)
		return (double)(db - db_min) / (double)(db_max - db_min);
	n = pow(10.0, (double)(db - db_max) / 6000.0);
	if (db_min != SND_CTL_TLV_DB_GAIN_MUTE) {
		n0 = pow(10.0, (double)(db_min - db_max) / 6000.0);
		n = (n - n0) / (1.0 - n0);
	}
	return n;
}

long audio_volume_to_db(double norm, long db_min, long db_max)
{
	double n0;

	if (db_max <= db_min || norm <= 0.0)
		return db_min;
	if (norm >= 1.0)
		return db_max;
	if (db_max - db_min <= LINEAR_DB_RANGE)
		return db_min + lrint(norm * (double)(db_max - db_min));
	if (db_min != SND_CTL_TLV_DB_GAIN_MUTE) {
		n0 = pow(10.0, (double)(db_min - db_max) / 6000.0);
		norm = norm * (1.0 - n0) + n0;
	}
	return db_max + lrint(6000.0 * log10(norm));
}

uint32_t audio_volume_from_norm(double norm)
{
	if (!(norm > 0.0))
		return 0;
	if (norm >= 1.0)
		return AUDIO_VOLUME_MAX;
	return (uint32_t)lrint(norm * AUDIO_VOLUME_MAX);
}

double audio_volume_norm(uint32_t value)
{
	if (value >= AUDIO_VOLUME_MAX)
		return 1.0;
	return (double)value / AUDIO_VOLUME_MAX;
}

/* --- one control ---------------------------------------------------------------------- */

static bool is_playback(enum audio_control ctl)
{
	return ctl == AUDIO_CTL_PLAYBACK_VOLUME || ctl == AUDIO_CTL_PLAYBACK_MUTE;
}

static bool is_volume(enum audio_control ctl)
{
	return ctl == AUDIO_CTL_PLAYBACK_VOLUME || ctl == AUDIO_CTL_CAPTURE_VOLUME;
}

static bool elem_has(snd_mixer_elem_t *e, enum audio_control ctl)
{
	switch (ctl) {
	case AUDIO_CTL_PLAYBACK_VOLUME: return snd_mixer_selem_has_playback_volume(e);
	case AUDIO_CTL_CAPTURE_VOLUME: return snd_mixer_selem_has_capture_volume(e);
	case AUDIO_CTL_PLAYBACK_MUTE: return snd_mixer_selem_has_playback_switch(e);
	case AUDIO_CTL_CAPTURE_MUTE: return snd_mixer_selem_has_capture_switch(e);
	default: return false;
	}
}

static snd_mixer_selem_channel_id_t first_channel(snd_mixer_elem_t *e, bool playback)
{
	int ch;

	for (ch = 0; ch <= SND_MIXER_SCHN_LAST; ch++)
		if (playback ? snd_mixer_selem_has_playback_channel(e, ch)
			     : snd_mixer_selem_has_capture_channel(e, ch))
			return (snd_mixer_selem_channel_id_t)ch;
	return SND_MIXER_SCHN_MONO;
}

static int read_control(struct audio_mixer *m, enum audio_control ctl, uint32_t *value)
{
	snd_mixer_elem_t *e = m->elem[ctl];
	snd_mixer_selem_channel_id_t ch = m->channel[ctl];
	bool play = is_playback(ctl);
	long min, max, v;
	int on, rc;

	if (!is_volume(ctl)) {
		rc = play ? snd_mixer_selem_get_playback_switch(e, ch, &on)
			  : snd_mixer_selem_get_capture_switch(e, ch, &on);
		if (rc < 0)
			return rc;
		/* ALSA's switch is "sound on": muted is its opposite. */
		*value = on ? 0 : 1;
		return 0;
	}
	rc = play ? snd_mixer_selem_get_playback_dB_range(e, &min, &max)
		  : snd_mixer_selem_get_capture_dB_range(e, &min, &max);
	if (rc == 0 && min < max) {
		rc = play ? snd_mixer_selem_get_playback_dB(e, ch, &v)
			  : snd_mixer_selem_get_capture_dB(e, ch, &v);
		if (rc < 0)
			return rc;
		*value = audio_volume_from_norm(audio_volume_from_db(v, min, max));
		return 0;
	}
	/* No dB information: the raw range, linearly. */
	rc = play ? snd_mixer_selem_get_playback_volume_range(e, &min, &max)
		  : snd_mixer_selem_get_capture_volume_range(e, &min, &max);
	if (rc < 0)
		return rc;
	rc = play ? snd_mixer_selem_get_playback_volume(e, ch, &v)
		  : snd_mixer_selem_get_capture_volume(e, ch, &v);
	if (rc < 0)
		return rc;
	*value = max > min ? audio_volume_from_norm((double)(v - min) / (double)(max - min)) : 0;
	return 0;
}

static int write_volume(struct audio_mixer *m, enum audio_control ctl, uint32_t value)
{
	snd_mixer_elem_t *e = m->elem[ctl];
	bool play = is_playback(ctl);
	double norm = audio_volume_norm(value);
	uint32_t now = 0;
	long min, max;
	int dir, rc;

	/* Round towards the side the value moves to, as alsamixer does for its steps. */
	rc = read_control(m, ctl, &now);
	if (rc < 0)
		return rc;
	dir = value >= now ? 1 : -1;
	rc = play ? snd_mixer_selem_get_playback_dB_range(e, &min, &max)
		  : snd_mixer_selem_get_capture_dB_range(e, &min, &max);
	if (rc == 0 && min < max) {
		long db = audio_volume_to_db(norm, min, max);

		/* The end points exactly: rounding must not leave 0 above the minimum. */
		if (value == 0)
			dir = -1;
		return play ? snd_mixer_selem_set_playback_dB_all(e, db, dir)
			    : snd_mixer_selem_set_capture_dB_all(e, db, dir);
	}
	rc = play ? snd_mixer_selem_get_playback_volume_range(e, &min, &max)
		  : snd_mixer_selem_get_capture_volume_range(e, &min, &max);
	if (rc < 0)
		return rc;
	{
		long raw = min + lrint(norm * (double)(max - min));

		return play ? snd_mixer_selem_set_playback_volume_all(e, raw)
			    : snd_mixer_selem_set_capture_volume_all(e, raw);
	}
}

/* --- the mixer ---------------------------------------------------------------------------- */

/*
 * Which simple control is the earpiece's or the microphone's: the first active one with a
 * volume in that direction, preferring one that has the mute switch too (USB Audio
 * feature units give both to one control); the mute is taken from the volume's control if
 * it has one, else from the first control with a switch.
 */
static void pick_controls(struct audio_mixer *m)
{
	snd_mixer_elem_t *e;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (e = snd_mixer_first_elem(m->handle); e; e = snd_mixer_elem_next(e)) {
			if (!snd_mixer_selem_is_active(e))
				continue;
			if (!m->elem[AUDIO_CTL_PLAYBACK_VOLUME] &&
			    snd_mixer_selem_has_playback_volume(e) &&
			    (pass || snd_mixer_selem_has_playback_switch(e)))
				m->elem[AUDIO_CTL_PLAYBACK_VOLUME] = e;
			if (!m->elem[AUDIO_CTL_CAPTURE_VOLUME] &&
			    snd_mixer_selem_has_capture_volume(e) &&
			    (pass || snd_mixer_selem_has_capture_switch(e)))
				m->elem[AUDIO_CTL_CAPTURE_VOLUME] = e;
		}
	}
	e = m->elem[AUDIO_CTL_PLAYBACK_VOLUME];
	if (e && snd_mixer_selem_has_playback_switch(e))
		m->elem[AUDIO_CTL_PLAYBACK_MUTE] = e;
	e = m->elem[AUDIO_CTL_CAPTURE_VOLUME];
	if (e && snd_mixer_selem_has_capture_switch(e))
		m->elem[AUDIO_CTL_CAPTURE_MUTE] = e;
	for (e = snd_mixer_first_elem(m->handle); e; e = snd_mixer_elem_next(e)) {
		if (!snd_mixer_selem_is_active(e))
			continue;
		if (!m->elem[AUDIO_CTL_PLAYBACK_MUTE] && snd_mixer_selem_has_playback_switch(e))
			m->elem[AUDIO_CTL_PLAYBACK_MUTE] = e;
		if (!m->elem[AUDIO_CTL_CAPTURE_MUTE] && snd_mixer_selem_has_capture_switch(e))
			m->elem[AUDIO_CTL_CAPTURE_MUTE] = e;
	}
}

int audio_mixer_open(struct audio_mixer **out, int card, audio_mixer_change_fn *on_change,
		     void *arg)
{
	struct audio_mixer *m;
	char name[32];
	int ctl, rc;

	*out = NULL;
	if (card < 0)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->on_change = on_change;
	m->arg = arg;
	snprintf(name, sizeof(name), "hw:%d", card);
	rc = snd_mixer_open(&m->handle, 0);
	if (rc < 0)
		goto fail;
	rc = snd_mixer_attach(m->handle, name);
	if (rc < 0)
		goto fail;
	rc = snd_mixer_selem_register(m->handle, NULL, NULL);
	if (rc < 0)
		goto fail;
	rc = snd_mixer_load(m->handle);
	if (rc < 0)
		goto fail;
	pick_controls(m);
	for (ctl = 0; ctl < AUDIO_CTL_COUNT; ctl++) {
		snd_mixer_elem_t *e = m->elem[ctl];

		if (!e)
			continue;
		m->channel[ctl] = first_channel(e, is_playback((enum audio_control)ctl));
		snprintf(m->names[ctl], sizeof(m->names[ctl]), "%s", snd_mixer_selem_get_name(e));
		if (read_control(m, (enum audio_control)ctl, &m->last[ctl]) < 0)
			m->last[ctl] = 0;
	}
	*out = m;
	return 0;
fail:
	if (m->handle)
		snd_mixer_close(m->handle);
	free(m);
	/* A card number nobody has: alsa-lib says ENOENT (no control device node). */
	return rc == -ENOENT ? -ENODEV : rc;
}

void audio_mixer_close(struct audio_mixer *m)
{
	if (!m)
		return;
	snd_mixer_close(m->handle);
	free(m);
}

bool audio_mixer_has(const struct audio_mixer *m, enum audio_control ctl)
{
	return m && ctl >= 0 && ctl < AUDIO_CTL_COUNT && m->elem[ctl] && elem_has(m->elem[ctl], ctl);
}

const char *audio_mixer_control_name(const struct audio_mixer *m, enum audio_control ctl)
{
	if (!audio_mixer_has(m, ctl))
		return "";
	return m->names[ctl];
}

static int known(struct audio_mixer *m, enum audio_control ctl)
{
	if (!m || ctl < 0 || ctl >= AUDIO_CTL_COUNT)
		return -EINVAL;
	if (m->gone)
		return -ENODEV;
	if (!m->elem[ctl])
		return -ENOTSUP;
	return 0;
}

/* alsa-lib's answer on a card that was unplugged under it. */
static int note_error(struct audio_mixer *m, int rc)
{
	if (rc == -ENODEV || rc == -EBADFD)
		m->gone = true;
	return m->gone ? -ENODEV : rc;
}

int audio_mixer_get(struct audio_mixer *m, enum audio_control ctl, uint32_t *value)
{
	int rc = known(m, ctl);

	if (rc < 0)
		return rc;
	rc = read_control(m, ctl, value);
	return rc < 0 ? note_error(m, rc) : 0;
}

int audio_mixer_set(struct audio_mixer *m, enum audio_control ctl, uint32_t value)
{
	int rc = known(m, ctl);

	if (rc < 0)
		return rc;
	if (is_volume(ctl) ? value > AUDIO_VOLUME_MAX : value > 1)
		return -EINVAL;
	if (is_volume(ctl)) {
		rc = write_volume(m, ctl, value);
	} else {
		snd_mixer_elem_t *e = m->elem[ctl];

		rc = is_playback(ctl) ? snd_mixer_selem_set_playback_switch_all(e, !value)
				      : snd_mixer_selem_set_capture_switch_all(e, !value);
	}
	if (rc < 0)
		return note_error(m, rc);
	/* Ours, not news: the event this write causes must not come back as a change. */
	if (read_control(m, ctl, &m->last[ctl]) < 0)
		m->last[ctl] = value;
	return 0;
}

int audio_mixer_poll_fds(struct audio_mixer *m, struct pollfd *fds, int max)
{
	int n;

	if (!m || max < 0)
		return -EINVAL;
	if (m->gone)
		return -ENODEV;
	n = snd_mixer_poll_descriptors_count(m->handle);
	if (n < 0)
		return note_error(m, n);
	if (n > max)
		n = max;
	return snd_mixer_poll_descriptors(m->handle, fds, (unsigned)n);
}

int audio_mixer_handle_events(struct audio_mixer *m)
{
	int ctl, rc;

	if (!m)
		return -EINVAL;
	if (m->gone)
		return -ENODEV;
	rc = snd_mixer_handle_events(m->handle);
	if (rc < 0)
		return note_error(m, rc);
	for (ctl = 0; ctl < AUDIO_CTL_COUNT; ctl++) {
		uint32_t v;

		if (!m->elem[ctl])
			continue;
		rc = read_control(m, (enum audio_control)ctl, &v);
		if (rc < 0)
			return note_error(m, rc);
		if (v == m->last[ctl])
			continue;
		m->last[ctl] = v;
		if (m->on_change)
			m->on_change(m->arg, (enum audio_control)ctl, v);
	}
	return 0;
}
