/* Inside the call engine: shared between call-engine.c (SIP) and call-media.c (RTP). */
#ifndef HIDPHONE_CALL_INTERNAL_H
#define HIDPHONE_CALL_INTERNAL_H

#include <re.h>

#include "calls/call-engine.h"

struct cmedia;

uint64_t call_now_us(void);
void call_log(const struct call_engine *e, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct call_engine *call_engine_of(const struct call *call);

/* A `phone` port from the TAPI layer's opener; -ENOTSUP when it has none. */
int call_open_phone_port(struct call *call, struct media_port **pp);

/* From the media to the call. */
void call_media_digit(struct call *call, char digit);
void call_media_lost(struct call *call);     /* no RTP for media-timeout, or ICMP errors */

/* The RTP send clock of calls started from now on: a timerfd on the loop (default) or
 * libre's millisecond timer (for comparison in make bench). */
extern bool call_media_clock_timerfd;

/* Media of one call: an RTP socket on the line's address, its SDP and the send timer. */
int cmedia_alloc(struct cmedia **mp, struct call *call, const struct call_line_config *cfg,
		 const struct sa *laddr);
void cmedia_free(struct cmedia *m);
int cmedia_encode(struct cmedia *m, struct mbuf **mbp, bool offer);
/* Takes the far end's SDP. -EPROTO: no common codec. */
int cmedia_decode(struct cmedia *m, struct mbuf *mb, bool offer);
int cmedia_start(struct cmedia *m);
void cmedia_stop(struct cmedia *m);
int cmedia_send_dtmf(struct cmedia *m, const char *digits);
const char *cmedia_codec(const struct cmedia *m);
void cmedia_stats(const struct cmedia *m, struct call_stats *st);

#endif
