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
