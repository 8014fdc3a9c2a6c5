/* A media port on ALSA devices, for `media = phone` lines: the TAPI layer opens it with
 * the phone's own PCM names from its call_media_open_h (calls/call-engine.h). */
#ifndef HIDPHONE_MEDIA_ALSA_H
#define HIDPHONE_MEDIA_ALSA_H

#include <stdint.h>

#include "calls/media-port.h"

struct media_alsa_stats {
	uint64_t frames_played, frames_captured;
	uint64_t xruns, dropped, short_reads;
};

/* playback or capture may be NULL (that direction then discards / sends silence). Names
 * are ALSA's ("plughw:CARD=Device,DEV=0", "default"). Returns 0 or a negative errno. */
int media_port_open_alsa(const char *playback, const char *capture, struct media_port **pp);
/* Only for ports from media_port_open_alsa(). */
void media_alsa_stats(const struct media_port *p, struct media_alsa_stats *st);

#endif
