/* audio-check: the devices layer's audio on the guest's real sound cards (step 90).
 *
 *   audio-check card NODE              the phone's card: "card=N id=ID wave_out=N wave_in=N
 *                                      alsa_out=NAME alsa_in=NAME usb=PATH"; status 3 when
 *                                      it has none, 4 when NODE is not a USB device
 *   audio-check controls NODE          the simple controls picked for volume, gain, mutes
 *   audio-check get NODE CTL           CTL: volume | gain | mute-out | mute-in
 *   audio-check set NODE CTL VALUE     (0..65535 for volume and gain, 0/1 for mutes)
 *   audio-check watch NODE MS          opens the mixer, prints "ready", then every change
 *                                      the change handler reports ("change CTL VALUE")
 *                                      until MS pass; "gone" when the card goes away.
 *                                      Status 0 if at least one change or "gone" came
 *                                      and no fd is left open after closing the mixer.
 *   audio-check ring NODE MS           rings on the phone's playback PCM, driven by its
 *                                      poll descriptors; "gone after N ms" when the device
 *                                      goes away (status 0), "still ringing" and status 5
 *                                      when MS pass first; then the fds open at the end
 *
 * Built from devices/audio-*.c by run.sh; links alsa-lib.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e-common.h"
#include "devices/audio-card.h"
#include "devices/audio-mixer.h"
#include "devices/audio-ring.h"

static const char *const ctl_names[AUDIO_CTL_COUNT] = { "volume", "gain", "mute-out", "mute-in" };

static int ctl_of(const char *s)
{
	int i;

	for (i = 0; i < AUDIO_CTL_COUNT; i++)
		if (strcmp(s, ctl_names[i]) == 0)
			return i;
	fprintf(stderr, "audio-check: unknown control %s\n", s);
	exit(2);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int find(const char *node, struct audio_card *c)
{
	int rc = audio_card_find(NULL, node, c);

	if (rc == -ENOENT) {
		printf("no card (usb=%s)\n", c->usb_path);
		exit(3);
	}
	if (rc == -ENODEV) {
		printf("not a USB device\n");
		exit(4);
	}
	if (rc < 0) {
		fprintf(stderr, "audio-check: %s: %s\n", node, strerror(-rc));
		exit(1);
	}
	return 0;
}

static struct audio_mixer *mixer(const char *node, audio_mixer_change_fn *fn)
{
	struct audio_card c;
	struct audio_mixer *m;
	int rc;

	find(node, &c);
	rc = audio_mixer_open(&m, c.number, fn, NULL);
	if (rc < 0) {
		fprintf(stderr, "audio-check: mixer of card %d: %s\n", c.number, strerror(-rc));
		exit(1);
	}
	return m;
}

static int changes;

static void on_change(void *arg, enum audio_control ctl, uint32_t value)
{
	(void)arg;
	printf("change %s %u\n", ctl_names[ctl], value);
	fflush(stdout);
	changes++;
}

static int cmd_card(const char *node)
{
	struct audio_card c;
	char out[96] = "-", in[96] = "-";
	uint32_t wo = 0, wi = 0;
	int ho, hi;

	find(node, &c);
	ho = audio_card_wave_id(&c, AUDIO_OUT, &wo) == 0;
	hi = audio_card_wave_id(&c, AUDIO_IN, &wi) == 0;
	audio_card_pcm_name(&c, AUDIO_OUT, out, sizeof(out));
	audio_card_pcm_name(&c, AUDIO_IN, in, sizeof(in));
	printf("card=%d id=%s wave_out=%s%u wave_in=%s%u alsa_out=%s alsa_in=%s usb=%s\n", c.number,
	       c.id, ho ? "" : "none:", wo, hi ? "" : "none:", wi, out, in, c.usb_path);
	return 0;
}

static int cmd_watch(const char *node, long ms)
{
	int fds0 = e2e_open_fds();
	struct audio_mixer *m = mixer(node, on_change);
	long end = now_ms() + ms;
	int rc = 0;

	printf("ready\n");
	fflush(stdout);
	while (now_ms() < end) {
		struct pollfd fds[8];
		int n = audio_mixer_poll_fds(m, fds, 8);

		if (n < 0) {
			rc = n;
			break;
		}
		if (poll(fds, (nfds_t)n, (int)(end - now_ms())) <= 0)
			continue;
		rc = audio_mixer_handle_events(m);
		if (rc < 0)
			break;
	}
	audio_mixer_close(m);
	if (e2e_open_fds() != fds0) {
		printf("fds before %d, after close %d\n", fds0, e2e_open_fds());
		return 1;
	}
	if (rc == -ENODEV) {
		printf("gone\n");
		return 0;
	}
	if (rc < 0)
		printf("error %s\n", strerror(-rc));
	return changes > 0 ? 0 : 1;
}

static int cmd_ring(const char *node, long ms)
{
	struct audio_card c;
	struct audio_ring *r;
	char pcm[96];
	long t0 = now_ms(), end = t0 + ms;
	int rc, fds0 = e2e_open_fds();

	find(node, &c);
	if (audio_card_pcm_name(&c, AUDIO_OUT, pcm, sizeof(pcm)) < 0) {
		printf("no playback PCM\n");
		return 1;
	}
	rc = audio_ring_start(&r, pcm, audio_ring_pattern_for_mode(1), 0x8000);
	if (rc < 0) {
		printf("cannot ring on %s: %s\n", pcm, strerror(-rc));
		return 1;
	}
	printf("ringing on %s\n", pcm);
	fflush(stdout);
	rc = 0;
	while (now_ms() < end) {
		struct pollfd fds[8];
		int n = audio_ring_poll_fds(r, fds, 8);

		if (n < 0) {
			rc = n;
			break;
		}
		if (poll(fds, (nfds_t)n, 200) < 0)
			continue;
		rc = audio_ring_handle_events(r, fds, n);
		if (rc < 0)
			break;
	}
	printf("frames written: %llu\n", (unsigned long long)audio_ring_frames(r));
	audio_ring_stop(r);
	printf("fds before %d, after stop %d\n", fds0, e2e_open_fds());
	if (rc == -ENODEV) {
		printf("gone after %ld ms\n", now_ms() - t0);
		return e2e_open_fds() == fds0 ? 0 : 1;
	}
	if (rc < 0) {
		printf("ring ended: %s\n", strerror(-rc));
		return 1;
	}
	printf("still ringing\n");
	return 5;
}

int main(int argc, char **argv)
{
	struct audio_mixer *m;
	uint32_t v;
	int rc, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && strcmp(argv[1], "card") == 0)
		return cmd_card(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "controls") == 0) {
		m = mixer(argv[2], NULL);
		for (i = 0; i < AUDIO_CTL_COUNT; i++)
			printf("%s=%s\n", ctl_names[i],
			       audio_mixer_has(m, (enum audio_control)i)
				       ? audio_mixer_control_name(m, (enum audio_control)i) : "-");
		audio_mixer_close(m);
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "get") == 0) {
		m = mixer(argv[2], NULL);
		rc = audio_mixer_get(m, (enum audio_control)ctl_of(argv[3]), &v);
		audio_mixer_close(m);
		if (rc < 0) {
			fprintf(stderr, "audio-check: get %s: %s\n", argv[3], strerror(-rc));
			return 1;
		}
		printf("%u\n", v);
		return 0;
	}
	if (argc >= 5 && strcmp(argv[1], "set") == 0) {
		m = mixer(argv[2], NULL);
		rc = audio_mixer_set(m, (enum audio_control)ctl_of(argv[3]),
				     (uint32_t)strtoul(argv[4], NULL, 0));
		audio_mixer_close(m);
		if (rc < 0) {
			fprintf(stderr, "audio-check: set %s: %s\n", argv[3], strerror(-rc));
			return 1;
		}
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "watch") == 0)
		return cmd_watch(argv[2], atol(argv[3]));
	if (argc >= 4 && strcmp(argv[1], "ring") == 0)
		return cmd_ring(argv[2], atol(argv[3]));
	fprintf(stderr, "usage: audio-check card|controls|get|set|watch|ring NODE ...\n");
	return 2;
}
