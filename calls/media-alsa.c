/* A media port on ALSA PCM devices (the phone's USB audio: playback = its earpiece,
 * capture = its microphone). 8 kHz mono S16, 20 ms periods; "plughw:" or "default"-style
 * names let ALSA convert for cards that cannot do 8 kHz. Non-blocking both ways: the loop's
 * send clock paces it; a capture with nothing ready gives silence, a playback that is full
 * drops the frame, and an xrun is recovered from on the spot. */
#include "calls/media-alsa.h"

#include <alsa/asoundlib.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct alsa_port {
	struct media_port base;
	snd_pcm_t *play, *cap;
	struct media_alsa_stats st;
};

static int setup(snd_pcm_t *pcm)
{
	snd_pcm_hw_params_t *hw;
	snd_pcm_uframes_t period = MEDIA_FRAME, buffer = MEDIA_FRAME * 6;
	unsigned rate = MEDIA_SRATE;
	int err;

	snd_pcm_hw_params_alloca(&hw);
	if ((err = snd_pcm_hw_params_any(pcm, hw)) < 0 ||
	    (err = snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED)) < 0 ||
	    (err = snd_pcm_hw_params_set_format(pcm, hw, SND_PCM_FORMAT_S16)) < 0 ||
	    (err = snd_pcm_hw_params_set_channels(pcm, hw, 1)) < 0 ||
	    (err = snd_pcm_hw_params_set_rate_near(pcm, hw, &rate, NULL)) < 0 ||
	    (err = snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, NULL)) < 0 ||
	    (err = snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer)) < 0 ||
	    (err = snd_pcm_hw_params(pcm, hw)) < 0)
		return err;
	if (rate != MEDIA_SRATE)
		return -EINVAL; /* a hw: device without 8 kHz: use plughw: */
	return snd_pcm_prepare(pcm);
}

static void alsa_read(struct media_port *p, int16_t frame[MEDIA_FRAME])
{
	struct alsa_port *a = (struct alsa_port *)p;
	snd_pcm_sframes_t n = 0;

	if (a->cap) {
		n = snd_pcm_readi(a->cap, frame, MEDIA_FRAME);
		if (n == -EPIPE || n == -ESTRPIPE) {
			a->st.xruns++;
			(void)snd_pcm_recover(a->cap, (int)n, 1);
			(void)snd_pcm_start(a->cap);
			n = 0;
		} else if (n < 0) {
			n = 0; /* -EAGAIN: nothing captured yet */
		}
	}
	if (n < MEDIA_FRAME) {
		memset(frame + n, 0, (size_t)(MEDIA_FRAME - n) * sizeof(frame[0]));
		a->st.short_reads++;
	}
	a->st.frames_captured += (uint64_t)n;
	p->frames_out++;
}

static void alsa_write(struct media_port *p, const int16_t frame[MEDIA_FRAME])
{
	struct alsa_port *a = (struct alsa_port *)p;
	snd_pcm_sframes_t n;
	size_t i;

	for (i = 0; i < MEDIA_FRAME; i++) {
		int32_t v = frame[i] < 0 ? -(int32_t)frame[i] : frame[i];

		if (v > p->peak_in)
			p->peak_in = v;
	}
	p->frames_in++;
	if (!a->play)
		return;
	n = snd_pcm_writei(a->play, frame, MEDIA_FRAME);
	if (n == -EPIPE || n == -ESTRPIPE) {
		a->st.xruns++;
		if (snd_pcm_recover(a->play, (int)n, 1) == 0)
			n = snd_pcm_writei(a->play, frame, MEDIA_FRAME);
	}
	if (n > 0)
		a->st.frames_played += (uint64_t)n;
	else
		a->st.dropped++;
}

static void alsa_close(struct media_port *p)
{
	struct alsa_port *a = (struct alsa_port *)p;

	if (a->play)
		snd_pcm_close(a->play);
	if (a->cap)
		snd_pcm_close(a->cap);
	free(a);
}

static const struct media_port_ops alsa_ops = { alsa_read, alsa_write, alsa_close };

int media_port_open_alsa(const char *playback, const char *capture, struct media_port **pp)
{
	struct alsa_port *a;
	int16_t silence[MEDIA_FRAME * 2] = { 0 };
	int err = 0;

	*pp = NULL;
	if (!playback && !capture)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->base.ops = &alsa_ops;
	a->base.kind = CALL_MEDIA_PHONE;
	if (playback) {
		err = snd_pcm_open(&a->play, playback, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
		if (!err)
			err = setup(a->play);
		/* Two frames of silence ahead, so the first late tick does not underrun. */
		if (!err)
			(void)snd_pcm_writei(a->play, silence, MEDIA_FRAME * 2);
	}
	if (!err && capture) {
		err = snd_pcm_open(&a->cap, capture, SND_PCM_STREAM_CAPTURE, SND_PCM_NONBLOCK);
		if (!err)
			err = setup(a->cap);
		if (!err)
			err = snd_pcm_start(a->cap);
	}
	if (err) {
		alsa_close(&a->base);
		return err < 0 ? err : -EIO;
	}
	*pp = &a->base;
	return 0;
}

void media_alsa_stats(const struct media_port *p, struct media_alsa_stats *st)
{
	*st = ((const struct alsa_port *)p)->st;
}
