/* The built-in media ports: silence and a 440 Hz test tone. Both discard what arrives
 * (counting frames and the peak level, so tests can see audio came through). */
#include "calls/media-port.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct gen_port {
	struct media_port base;
	double phase;                      /* of the tone, in radians */
};

static void sink_write(struct media_port *p, const int16_t frame[MEDIA_FRAME])
{
	size_t i;

	for (i = 0; i < MEDIA_FRAME; i++) {
		int32_t v = frame[i] < 0 ? -(int32_t)frame[i] : frame[i];

		if (v > p->peak_in)
			p->peak_in = v;
	}
	p->frames_in++;
}

static void silence_read(struct media_port *p, int16_t frame[MEDIA_FRAME])
{
	memset(frame, 0, MEDIA_FRAME * sizeof(frame[0]));
	p->frames_out++;
}

static void tone_read(struct media_port *p, int16_t frame[MEDIA_FRAME])
{
	struct gen_port *g = (struct gen_port *)p;
	const double step = 2.0 * M_PI * 440.0 / MEDIA_SRATE;
	size_t i;

	for (i = 0; i < MEDIA_FRAME; i++) {
		frame[i] = (int16_t)(8000.0 * sin(g->phase)); /* about -12 dBFS */
		g->phase += step;
	}
	g->phase = fmod(g->phase, 2.0 * M_PI);
	p->frames_out++;
}

static void gen_close(struct media_port *p)
{
	free(p);
}

static const struct media_port_ops silence_ops = { silence_read, sink_write, gen_close };
static const struct media_port_ops tone_ops = { tone_read, sink_write, gen_close };

int media_port_open(enum call_media_kind kind, struct media_port **pp)
{
	struct gen_port *g;

	*pp = NULL;
	if (kind != CALL_MEDIA_SILENCE && kind != CALL_MEDIA_TONE)
		return -ENOTSUP;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->base.ops = kind == CALL_MEDIA_TONE ? &tone_ops : &silence_ops;
	g->base.kind = kind;
	*pp = &g->base;
	return 0;
}

void media_port_close(struct media_port *p)
{
	if (p)
		p->ops->close(p);
}
