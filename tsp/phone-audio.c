/*
 * The phone's audio device classes (wave/in, wave/out, alsa/in, alsa/out).
 *
 * Every answer reads sysfs afresh through devices/audio-card: a card that snd-usb-audio
 * registers after the HID interface is answered from the moment it exists, one that went
 * away is no longer, and the classes listed in the caps are exactly those that answer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/audio-card.h"
#include "devices/audio-mixer.h"
#include "loop/event-loop.h"
#include "dispatch.h"
#include "errors.h"
#include "line.h"
#include "phone-audio.h"

static const char *const audio_classes[] = { "wave/in", "wave/out", "alsa/in", "alsa/out" };

/* The sysfs root the association reads: HIDPHONE_SYSFS, as phonectl reads it (tests point
 * it at a directory tree), else /sys. */
static const char *sysfs_root(void)
{
	const char *r = getenv("HIDPHONE_SYSFS");

	return r && r[0] ? r : NULL;
}

/* The hidraw node that stands for the phone in sysfs. A replayed phone has none; with
 * HIDPHONE_REPLAY_HIDRAW=hidrawN it stands in for that node of the HIDPHONE_SYSFS tree,
 * which is how the provider tests give a replayed phone a card. */
static const char *phone_node(const struct phone *p)
{
	const char *n;

	if (strncmp(p->info.path, "/dev/", 5) == 0)
		return p->info.path;
	n = getenv("HIDPHONE_REPLAY_HIDRAW");
	return p->replay && n && n[0] ? n : NULL;
}

static int phone_card(const struct phone *p, struct audio_card *c)
{
	const char *node = phone_node(p);

	return node ? audio_card_find(sysfs_root(), node, c) : -ENOENT;
}

/* Index into audio_classes, -1 if cls is none of them. */
static int audio_class(LPCWSTR cls)
{
	for (int i = 0; i < 4; i++)
		if (tsp_class_is(cls, audio_classes[i]))
			return i;
	return -1;
}

static int class_value(const struct audio_card *c, int cls, uint32_t *id, char *name,
		       size_t size)
{
	enum audio_dir dir = (cls & 1) ? AUDIO_OUT : AUDIO_IN;

	if (cls < 2)
		return audio_card_wave_id(c, dir, id);
	return audio_card_pcm_name(c, dir, name, size);
}

int tsp_audio_get_id(const struct phone *p, LPCWSTR cls, LPVARSTRING vs)
{
	int which = audio_class(cls);
	struct audio_card c;
	char name[128];
	uint32_t id = 0;
	uint32_t len;
	int rc;

	if (which < 0)
		return -EINVAL;
	rc = phone_card(p, &c);
	if (rc < 0)
		return -ENOENT;
	rc = class_value(&c, which, &id, name, sizeof(name));
	if (rc < 0)
		return -ENOENT;
	if (vs->dwTotalSize < VARSTRING_SIZE)
		return -ENOSPC;
	if (which < 2)
		return tsp_varstring_id(vs, id) ? -ENOSPC : 0;
	len = (uint32_t)strlen(name) + 1;
	vs->dwNeededSize = VARSTRING_SIZE + len;
	vs->dwStringFormat = STRINGFORMAT_ASCII;
	if (vs->dwTotalSize < vs->dwNeededSize) {
		vs->dwUsedSize = VARSTRING_SIZE;
		vs->dwStringSize = vs->dwStringOffset = 0;
		return 0;
	}
	memcpy((uint8_t *)vs + VARSTRING_SIZE, name, len);
	vs->dwStringSize = len;
	vs->dwStringOffset = VARSTRING_SIZE;
	vs->dwUsedSize = vs->dwNeededSize;
	return 0;
}

void tsp_audio_pcm_names(const struct phone *p, char *out, size_t out_size, char *in,
			 size_t in_size)
{
	struct audio_card c;

	out[0] = in[0] = '\0';
	if (phone_card(p, &c) < 0)
		return;
	if (audio_card_pcm_name(&c, AUDIO_OUT, out, out_size) < 0)
		out[0] = '\0';
	if (audio_card_pcm_name(&c, AUDIO_IN, in, in_size) < 0)
		in[0] = '\0';
}

void tsp_audio_add_classes(const struct phone *p, const char *const *first, struct varstruct *vs,
			   DWORD *size, DWORD *off)
{
	uint16_t buf[256];
	struct audio_card c;
	size_t n = 0;
	bool card = p && phone_card(p, &c) == 0;

	for (size_t i = 0; first[i]; i++) {
		n += utf8_to_utf16(first[i], buf + n, 32);
		buf[n++] = 0;
	}
	for (int i = 0; card && i < 4; i++) {
		char name[128];
		uint32_t id;

		if (class_value(&c, i, &id, name, sizeof(name)) < 0)
			continue;
		n += utf8_to_utf16(audio_classes[i], buf + n, 32);
		buf[n++] = 0;
	}
	buf[n++] = 0;
	varstruct_add(vs, buf, (uint32_t)(n * 2), size, off);
}

/* The hookswitch devices the phone has: they share the card's one volume and gain. */
static DWORD hook_devs(const struct phone *p)
{
	static const DWORD bits[PHONE_HOOK_DEVICES] = {
		[PHONE_HOOK_HANDSET] = PHONEHOOKSWITCHDEV_HANDSET,
		[PHONE_HOOK_SPEAKER] = PHONEHOOKSWITCHDEV_SPEAKER,
		[PHONE_HOOK_HEADSET] = PHONEHOOKSWITCHDEV_HEADSET,
	};
	DWORD devs = 0;

	for (int d = 0; d < PHONE_HOOK_DEVICES; d++)
		if (p->model->hooks[d].present)
			devs |= bits[d];
	return devs;
}

/* The card number of the phone, or the PHONEERR_ why there is none (lock held). */
static LONG level_card(struct phone *p, DWORD dev, int *card)
{
	struct audio_card c;

	if (dev != PHONEHOOKSWITCHDEV_HANDSET && dev != PHONEHOOKSWITCHDEV_SPEAKER &&
	    dev != PHONEHOOKSWITCHDEV_HEADSET)
		return PHONEERR_INVALHOOKSWITCHDEV;
	if (phone_card(p, &c) < 0)
		/* a card that was there and went is a failure, never having one is not */
		return p->audio_seen ? PHONEERR_OPERATIONFAILED : PHONEERR_OPERATIONUNAVAIL;
	p->audio_seen = true;
	if (!(hook_devs(p) & dev))
		return PHONEERR_INVALHOOKSWITCHDEV;
	*card = c.number;
	return 0;
}

static int mixer_get(int card, enum audio_control ctl, uint32_t *value)
{
	struct audio_mixer *m;
	int rc = audio_mixer_open(&m, card, NULL, NULL);

	if (rc < 0)
		return rc;
	rc = audio_mixer_get(m, ctl, value);
	audio_mixer_close(m);
	return rc;
}

LONG tsp_audio_level_get(struct phone *p, DWORD hookswitch_dev, bool gain, DWORD *value)
{
	uint32_t v = 0;
	int card = -1;
	LONG r = level_card(p, hookswitch_dev, &card);
	int rc;

	if (r)
		return r;
	rc = mixer_get(card, gain ? AUDIO_CTL_CAPTURE_VOLUME : AUDIO_CTL_PLAYBACK_VOLUME, &v);
	if (rc < 0)
		return tsp_phone_error(rc);
	*value = v;
	return 0;
}

struct level_job {
	uint64_t handle;
	DRV_REQUESTID request;
	int card;
	enum audio_control ctl;
	uint32_t value;
};

/* On the loop thread: the mixer is opened for the one change and closed again, so a card
 * that went away in between answers -ENODEV here. */
static void level_on_loop(void *arg)
{
	struct level_job *job = arg;
	struct audio_mixer *m;
	int rc = audio_mixer_open(&m, job->card, NULL, NULL);

	if (rc == 0) {
		rc = audio_mixer_set(m, job->ctl, job->value);
		audio_mixer_close(m);
	}
	tsp_post_completion(job->handle, job->request, tsp_phone_error(rc));
	tsp_dispatch();
	free(job);
}

LONG tsp_audio_level_set(struct phone *p, DRV_REQUESTID request, DWORD hookswitch_dev,
			 bool gain, DWORD value)
{
	struct level_job *job;
	int card = -1;
	LONG r = level_card(p, hookswitch_dev, &card);

	if (r)
		return r;
	job = malloc(sizeof(*job));
	if (!job)
		return PHONEERR_NOMEM;
	*job = (struct level_job){ .handle = p->handle, .request = request, .card = card,
				   .ctl = gain ? AUDIO_CTL_CAPTURE_VOLUME : AUDIO_CTL_PLAYBACK_VOLUME,
				   .value = value > 0xffff ? 0xffff : value };
	if (loop_post(level_on_loop, job) < 0) {
		free(job);
		return PHONEERR_OPERATIONFAILED;
	}
	return 0;
}

void tsp_audio_caps(const struct phone *p, LPPHONECAPS caps)
{
	struct audio_mixer *m;
	struct audio_card c;

	if (phone_card(p, &c) < 0 || audio_mixer_open(&m, c.number, NULL, NULL) < 0)
		return;
	if (audio_mixer_has(m, AUDIO_CTL_PLAYBACK_VOLUME))
		caps->dwVolumeFlags = hook_devs(p);
	if (audio_mixer_has(m, AUDIO_CTL_CAPTURE_VOLUME))
		caps->dwGainFlags = hook_devs(p);
	audio_mixer_close(m);
}

void tsp_audio_status(const struct phone *p, LPPHONESTATUS status)
{
	uint32_t vol = 0, gain = 0;
	struct audio_mixer *m;
	struct audio_card c;
	DWORD devs;

	if (phone_card(p, &c) < 0 || audio_mixer_open(&m, c.number, NULL, NULL) < 0)
		return;
	(void)audio_mixer_get(m, AUDIO_CTL_PLAYBACK_VOLUME, &vol);
	(void)audio_mixer_get(m, AUDIO_CTL_CAPTURE_VOLUME, &gain);
	audio_mixer_close(m);
	devs = hook_devs(p);
	if (devs & PHONEHOOKSWITCHDEV_HANDSET) {
		status->dwHandsetVolume = vol;
		status->dwHandsetGain = gain;
	}
	if (devs & PHONEHOOKSWITCHDEV_SPEAKER) {
		status->dwSpeakerVolume = vol;
		status->dwSpeakerGain = gain;
	}
	if (devs & PHONEHOOKSWITCHDEV_HEADSET) {
		status->dwHeadsetVolume = vol;
		status->dwHeadsetGain = gain;
	}
}
