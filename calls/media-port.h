/* Where a call's audio comes from and goes to: 20 ms frames of 8 kHz mono 16-bit PCM.
 * A port is used on the loop thread only. The phone's ALSA devices will be one kind. */
#ifndef HIDPHONE_MEDIA_PORT_H
#define HIDPHONE_MEDIA_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "calls/call-config.h"

#define MEDIA_SRATE 8000
#define MEDIA_PTIME_MS 20
#define MEDIA_FRAME (MEDIA_SRATE * MEDIA_PTIME_MS / 1000) /* 160 samples */

struct media_port;

struct media_port_ops {
	/* Fills one frame to send. Never blocks: a source with nothing ready gives silence. */
	void (*read)(struct media_port *p, int16_t frame[MEDIA_FRAME]);
	/* Takes one received frame. Never blocks: a sink that is full drops it. */
	void (*write)(struct media_port *p, const int16_t frame[MEDIA_FRAME]);
	void (*close)(struct media_port *p);
};

struct media_port {
	const struct media_port_ops *ops;
	enum call_media_kind kind;
	uint64_t frames_in, frames_out;    /* frames read (sent) and written (received) */
	int32_t peak_in;                   /* loudest received sample so far */
};

/* A built-in port: silence or tone. `phone` is -ENOTSUP here: its ports come from the
 * TAPI layer (call_engine_set_media_open), which knows the phone's audio device. A port
 * from elsewhere sets ops and kind and may embed struct media_port first in its own. */
int media_port_open(enum call_media_kind kind, struct media_port **pp);
void media_port_close(struct media_port *p);

#endif
