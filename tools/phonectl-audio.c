/*
 * phonectl audio, and the sound card lines of list and describe: the devices layer's
 * audio (devices/audio-*.c) used directly (volume, gain and id go through the provider).
 *
 *   phonectl audio DEVICE [--seconds N]   the phone's card and mixer, a one-second 1 kHz
 *                                         tone into the earpiece, then the microphone's
 *                                         level live for N seconds (default 5): the
 *                                         bring-up check that the right card was found
 */
#include <alsa/asoundlib.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devices/audio-card.h"
#include "devices/audio-mixer.h"
#include "json-writer.h"
#include "phonectl-audio.h"
#include "phonectl.h"
#include "tapi-names.h"

#define TONE_RATE 48000u
#define TONE_HZ 1000.0

/* HIDPHONE_SYSFS, as list takes it, so both read the same tree. */
static const char *sysfs_root(void)
{
	const char *p = getenv("HIDPHONE_SYSFS");

	return p && p[0] ? p : NULL;
}

void phonectl_sound_card_text(const char *node, const char *indent)
{
	struct audio_card c;
	char out[96], in[96];

	if (audio_card_find(sysfs_root(), node, &c) < 0)
		return;
	if (audio_card_pcm_name(&c, AUDIO_OUT, out, sizeof(out)) < 0)
		snprintf(out, sizeof(out), "none");
	if (audio_card_pcm_name(&c, AUDIO_IN, in, sizeof(in)) < 0)
		snprintf(in, sizeof(in), "none");
	printf("%ssound card %d \"%s\": playback %s, capture %s\n", indent, c.number, c.id, out, in);
}

void phonectl_sound_card_json(struct json *j, const char *node)
{
	struct audio_card c;
	char name[96];
	uint32_t id;

	if (audio_card_find(sysfs_root(), node, &c) < 0) {
		json_null(j, "sound_card");
		return;
	}
	json_object_begin(j, "sound_card");
	json_int(j, "card", c.number);
	json_string(j, "id", c.id);
	if (audio_card_wave_id(&c, AUDIO_OUT, &id) == 0)
		json_uint(j, "wave_out", id);
	else
		json_null(j, "wave_out");
	if (audio_card_wave_id(&c, AUDIO_IN, &id) == 0)
		json_uint(j, "wave_in", id);
	else
		json_null(j, "wave_in");
	if (audio_card_pcm_name(&c, AUDIO_OUT, name, sizeof(name)) > 0)
		json_string(j, "alsa_out", name);
	else
		json_null(j, "alsa_out");
	if (audio_card_pcm_name(&c, AUDIO_IN, name, sizeof(name)) > 0)
		json_string(j, "alsa_in", name);
	else
		json_null(j, "alsa_in");
	json_object_end(j);
}

static int set_params(snd_pcm_t *pcm, unsigned rate)
{
	return snd_pcm_set_params(pcm, SND_PCM_FORMAT_S16, SND_PCM_ACCESS_RW_INTERLEAVED, 1, rate,
				  1, 100000);
}

/* One second of 1 kHz at -12 dBFS, with 10 ms fades so it does not click. */
static int play_tone(const char *name)
{
	static int16_t buf[TONE_RATE];
	snd_pcm_t *pcm;
	snd_pcm_sframes_t n;
	unsigned i, fade = TONE_RATE / 100;
	int rc = snd_pcm_open(&pcm, name, SND_PCM_STREAM_PLAYBACK, 0);

	if (rc < 0)
		return rc;
	rc = set_params(pcm, TONE_RATE);
	if (rc < 0)
		goto out;
	for (i = 0; i < TONE_RATE; i++) {
		double env = i < fade ? (double)i / fade
				      : i >= TONE_RATE - fade ? (double)(TONE_RATE - i) / fade : 1.0;

		buf[i] = (int16_t)lrint(0.25 * 32767.0 * env * sin(2.0 * M_PI * TONE_HZ * i / TONE_RATE));
	}
	for (i = 0; i < TONE_RATE; i += (unsigned)n) {
		n = snd_pcm_writei(pcm, buf + i, TONE_RATE - i);
		if (n == -EPIPE || n == -ESTRPIPE) {
			n = snd_pcm_recover(pcm, (int)n, 1);
			if (n == 0)
				continue;
		}
		if (n < 0) {
			rc = (int)n;
			goto out;
		}
	}
	rc = snd_pcm_drain(pcm);
out:
	snd_pcm_close(pcm);
	return rc;
}

/* The microphone's level every 100 ms, as dBFS and a bar, for `seconds`. */
static int show_level(const char *name, unsigned seconds)
{
	enum { BLOCK = 4800 };
	int16_t buf[BLOCK];
	snd_pcm_t *pcm;
	unsigned blocks = seconds * 10, b;
	bool tty = isatty(STDOUT_FILENO);
	int rc = snd_pcm_open(&pcm, name, SND_PCM_STREAM_CAPTURE, 0);

	if (rc < 0)
		return rc;
	rc = set_params(pcm, TONE_RATE / 10 * 10);
	if (rc < 0)
		goto out;
	for (b = 0; b < blocks; b++) {
		snd_pcm_sframes_t n = snd_pcm_readi(pcm, buf, BLOCK);
		double sum = 0.0, db;
		char bar[41];
		int i, len;

		if (n == -EPIPE || n == -ESTRPIPE) {
			rc = snd_pcm_recover(pcm, (int)n, 1);
			if (rc < 0)
				goto out;
			continue;
		}
		if (n < 0) {
			rc = (int)n;
			goto out;
		}
		for (i = 0; i < n; i++)
			sum += (double)buf[i] * buf[i];
		db = n ? 10.0 * log10(sum / n / (32768.0 * 32768.0) + 1e-12) : -120.0;
		len = db <= -60.0 ? 0 : (int)((db + 60.0) / 60.0 * 40.0);
		if (len > 40)
			len = 40;
		memset(bar, '#', (size_t)len);
		bar[len] = '\0';
		printf(tty ? "\rmicrophone %6.1f dBFS |%-40s|" : "microphone %6.1f dBFS |%-40s|\n", db, bar);
		fflush(stdout);
	}
	if (tty)
		printf("\n");
	rc = 0;
out:
	snd_pcm_close(pcm);
	return rc;
}

int phonectl_audio(int argc, char **argv, const struct phonectl_options *opts)
{
	static const struct option longopts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const names[AUDIO_CTL_COUNT] = {
		"earpiece volume", "microphone gain", "earpiece mute", "microphone mute",
	};
	struct audio_mixer *m = NULL;
	struct audio_card c;
	unsigned long seconds = 5;
	char out[96], in[96], *end;
	const char *node;
	int opt, rc, failed = 0;

	(void)opts;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			seconds = strtoul(optarg, &end, 10);
			if (!optarg[0] || *end || seconds > 3600) {
				phonectl_error("--seconds takes 0..3600");
				return EXIT_USAGE;
			}
			break;
		case 'h':
			printf("Usage: phonectl audio DEVICE [--seconds N]\n");
			return EXIT_SUCCESS;
		default:
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		phonectl_error("usage: phonectl audio DEVICE [--seconds N]");
		return EXIT_USAGE;
	}
	node = argv[optind];
	rc = audio_card_find(sysfs_root(), node, &c);
	if (rc == -ENOENT || rc == -ENODEV) {
		/* A usb: path names a USB device; when it does not answer, it is not attached. */
		printf("%s: no sound card (%s)\n", node,
		       rc == -ENOENT ? "its USB device has no audio interface" :
		       strncmp(node, "usb:", 4) == 0 ? "no USB device at that bus and address" :
		       "not a USB device");
		return EXIT_FAILURE;
	}
	if (rc == -EINVAL) {
		phonectl_error("%s: not a hidraw node or usb:BUS:ADDR:IF path", node);
		return EXIT_FAILURE;
	}
	if (rc < 0) {
		phonectl_error("%s: %s", node, strerror(-rc));
		return EXIT_FAILURE;
	}
	if (audio_card_pcm_name(&c, AUDIO_OUT, out, sizeof(out)) < 0)
		snprintf(out, sizeof(out), "none");
	if (audio_card_pcm_name(&c, AUDIO_IN, in, sizeof(in)) < 0)
		snprintf(in, sizeof(in), "none");
	printf("%s: sound card %d \"%s\" (USB device %s)\n", node, c.number, c.id, c.usb_path);
	printf("  wave/out, wave/in: %d\n  alsa/out: %s\n  alsa/in: %s\n", c.number, out, in);
	if (audio_mixer_open(&m, c.number, NULL, NULL) == 0) {
		for (int i = 0; i < AUDIO_CTL_COUNT; i++) {
			uint32_t v;

			if (!audio_mixer_has(m, (enum audio_control)i)) {
				printf("  %s: none\n", names[i]);
				continue;
			}
			if (audio_mixer_get(m, (enum audio_control)i, &v) < 0)
				continue;
			if (i < AUDIO_CTL_PLAYBACK_MUTE)
				printf("  %s: 0x%04x (control '%s')\n", names[i], v,
				       audio_mixer_control_name(m, (enum audio_control)i));
			else
				printf("  %s: %s\n", names[i], v ? "on" : "off");
		}
		audio_mixer_close(m);
	}
	if (c.pcm[AUDIO_OUT] >= 0) {
		printf("playing a 1 kHz tone for one second on %s\n", out);
		fflush(stdout);
		rc = play_tone(out);
		if (rc < 0) {
			printf("  playback failed: %s\n", snd_strerror(rc));
			failed = 1;
		}
	}
	if (c.pcm[AUDIO_IN] >= 0 && seconds) {
		printf("microphone level on %s for %lu s:\n", in, seconds);
		fflush(stdout);
		rc = show_level(in, (unsigned)seconds);
		if (rc < 0) {
			printf("  capture failed: %s\n", snd_strerror(rc));
			failed = 1;
		}
	}
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
