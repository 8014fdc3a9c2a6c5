/* Inside the call engine: shared by call-engine.c (SIP, lines, calls), call-register.c and
 * call-media.c (RTP). */
#ifndef HIDPHONE_CALL_INTERNAL_H
#define HIDPHONE_CALL_INTERNAL_H

#include <re.h>

#include "calls/call-engine.h"

struct cmedia;
struct cresolve;

/* The loop thread only. */
struct call_engine {
	struct call_events ev;
	void *arg;
	struct list lines;
	void (*log)(int level, const char *msg, void *arg);
	void *log_arg;
	call_media_open_h *media_open;
	void *media_open_arg;
};

struct cline {
	struct le le;
	struct call_engine *e;
	struct call_line_config cfg;
	struct sip *sip;
	struct sipsess_sock *sock;
	struct sipreg *reg;
	bool registered;
	/* A registrar given by name (call-register.c): its lookup, the address REGISTERs go
	 * to, the next try after failed lookups in a row. */
	bool reg_by_name;
	struct cresolve *reg_resolve;
	struct sa reg_addr;
	struct tmr reg_tmr;
	unsigned reg_fails;
	struct sa laddr;              /* the SIP address actually bound */
	char user[CALL_CONFIG_VALUE_MAX];
	char uri[CALL_CONFIG_VALUE_MAX + 80];
	char aor[2 * CALL_CONFIG_VALUE_MAX + 8]; /* From of our calls: the registered address */
	bool accepting;
	struct list calls;
	void *userdata;
};

/* Registration of a line with cfg.registrar (call-register.c): 0 or a positive errno
 * (libre's convention, as its handlers). cline_auth answers digest challenges. */
int cline_register(struct cline *line);
/* Stops it: unregisters (expires 0) while the line's SIP stack lives. */
void cline_unregister(struct cline *line);
int cline_auth(char **user, char **pass, const char *realm, void *arg);
/* The first wait after a registrar's name could not be looked up (30 s; tests shorten it). */
extern uint32_t call_register_retry_ms;

/* Host name lookups off the loop (call-resolve.c). h runs on the loop thread, once, with
 * 0 and the address, -ENOENT (no such name), -EAGAIN (the name service did not answer) or
 * another negative errno; never after cresolve_cancel(). */
typedef void (cresolve_h)(int err, const struct sa *addr, void *arg);
int cresolve_start(struct cresolve **rp, const char *host, int af, cresolve_h *h, void *arg);
void cresolve_cancel(struct cresolve *r);
/* Waits until no lookup thread runs any more (false: some still did after timeout_ms). */
bool cresolve_drain(unsigned timeout_ms);
/* A host name: letters, digits, '-' and '.' (RFC 1123), at most 253 bytes. */
bool cresolve_host_ok(const struct pl *host);
/* uri (a SIP URI or name-addr) with its host replaced by addr (IPv6 in brackets), for
 * libre, which sends where the Request-URI says. 0, -EINVAL, -ENAMETOOLONG. */
int cresolve_uri_at(char *out, size_t size, const char *uri, const struct sa *addr);

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
void cmedia_set_mute(struct cmedia *m, bool mute);
const char *cmedia_codec(const struct cmedia *m);
void cmedia_stats(const struct cmedia *m, struct call_stats *st);

#endif
