/* The call engine: lines, calls and their state machine over SIP (libre) with G.711 and
 * RFC 4733 telephone-events over RTP (libre/librem). No TAPI types: tsp/line-*.c maps it.
 *
 * Threading: every function here must be called on the thread that runs libre's main loop
 * (re_main); every callback runs on that thread. The engine starts no thread of its own and
 * never blocks: SIP and RTP sockets and timers are all on that loop.
 *
 * Lifetimes: a struct call belongs to the application from the moment it gets it (from
 * line_make_call or the incoming callback) until call_release(). Callbacks may call any
 * function here, call_release() included, but not call_engine_destroy(). */
#ifndef HIDPHONE_CALL_ENGINE_H
#define HIDPHONE_CALL_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calls/call-config.h"

struct call_engine;
struct cline;
struct call;
struct media_port;

enum call_state {
	CALL_STATE_IDLE = 0,
	CALL_STATE_DIALTONE,     /* outgoing, no destination yet: call_dial() sends it */
	CALL_STATE_DIALING,      /* INVITE sent, no answer yet */
	CALL_STATE_PROCEEDING,   /* 100 Trying */
	CALL_STATE_RINGBACK,     /* 180 Ringing / 183 Session Progress */
	CALL_STATE_OFFERING,     /* incoming, not answered yet (180 Ringing sent) */
	CALL_STATE_CONNECTED,    /* 2xx: media flowing */
	CALL_STATE_DISCONNECTED, /* the far end or the network ended it: see the reason */
};

enum call_reason {
	CALL_REASON_NONE = 0,
	CALL_REASON_NORMAL,      /* BYE, CANCEL by the caller, or our own drop */
	CALL_REASON_BUSY,        /* 486, 600 */
	CALL_REASON_REJECT,      /* 603 */
	CALL_REASON_NOANSWER,    /* 408, 480, or no answer within answer-timeout */
	CALL_REASON_UNREACHABLE, /* no route, ICMP unreachable, no response at all, no RTP */
	CALL_REASON_UNAVAIL,     /* any other failure */
	CALL_REASON_BADADDRESS,  /* the far end's host name does not exist */
};

enum call_dir { CALL_OUTGOING = 0, CALL_INCOMING };

/* What incoming calls get when the line is not accepting: 480 Temporarily Unavailable
 * (nobody is there to take it, which is the truth; it does not claim busy or a decline). */
#define CALL_REFUSE_SCODE 480

struct call_events {
	/* Every state change, once each, in order. reason is set with DISCONNECTED (and with
	 * IDLE after call_drop: NORMAL). */
	void (*state)(struct call *call, enum call_state state, enum call_reason reason,
		      void *arg);
	/* A new incoming call, already in OFFERING. The application owns it now. */
	void (*incoming)(struct cline *line, struct call *call, void *arg);
	/* A DTMF digit (0-9 * # A-D) arrived as an RFC 4733 event, once per key press. */
	void (*digit)(struct call *call, char digit, void *arg);
	/* A line with a registrar: each REGISTER's outcome (ok, or the status / errno that
	 * failed it; libre retries on its own), and each failed lookup of a registrar's name
	 * (scode 0, err ENOENT or EAGAIN; tried again on a back-off). May be NULL. */
	void (*registration)(struct cline *line, bool ok, uint16_t scode, int err, void *arg);
};

struct call_info {
	enum call_dir dir;
	enum call_state state;
	enum call_reason reason;
	uint16_t scode;            /* the SIP status that ended it, 0 if none */
	char remote_uri[256];      /* sip:... of the other party */
	char remote_user[128];     /* caller id / called id: user part of the remote URI */
	char remote_name[128];     /* display name, "" if none */
	char local_user[256];      /* our user: the called id of an incoming call */
	char codec[8];             /* PCMU, PCMA, "" before media is up */
};

struct call_stats {
	uint64_t rtp_tx, rtp_rx;           /* RTP packets sent and received (audio + events) */
	uint64_t dtmf_tx, dtmf_rx;         /* digits sent and received */
	uint64_t rx_bad;                   /* RTP packets dropped: unknown payload type, or
					    * from an address other than the far end's */
	int32_t rx_peak;                   /* loudest decoded sample received (0-32768) */
	/* RTP send timer: deviation of each send interval from 20 ms, in microseconds, taken
	 * when the packet has been handed to the kernel. */
	uint64_t intervals;
	uint32_t dev_p50_us, dev_p99_us, dev_max_us;
	/* How late each send was behind its frame's due time on the absolute 20 ms schedule
	 * (the timerfd clock only; late_n 0 with the libre timer fallback). */
	uint64_t late_n;
	uint32_t late_p50_us, late_p99_us, late_max_us;
	uint64_t setup_us;                 /* outgoing: INVITE sent → 2xx received */
};

/* --- engine -------------------------------------------------------------------------- */

int call_engine_create(struct call_engine **ep, const struct call_events *ev, void *arg);
/* Ends every call without callbacks and closes every line. */
void call_engine_destroy(struct call_engine *e);
/* Logging: messages go here with level 0 error, 1 notice, 2 debug (default: levels 0 and 1
 * to stderr with a "hidphone calls:" prefix). No message contains a password. */
void call_engine_set_log(struct call_engine *e, void (*log)(int level, const char *msg,
							     void *arg), void *arg);

/* Where `media = phone` calls get their audio: the TAPI layer opens the phone's own audio
 * device for the call (a struct media_port, see calls/media-port.h) and returns 0, or an
 * error and the call sends silence. Called on the loop thread when a call's media starts
 * (connected; not while it rings, which may play on the same device); the engine closes
 * the port when the call's media ends. Without it, `phone` lines
 * send silence. */
typedef int (call_media_open_h)(struct cline *line, struct call *call, struct media_port **pp,
				void *arg);
void call_engine_set_media_open(struct call_engine *e, call_media_open_h *open, void *arg);

/* --- lines --------------------------------------------------------------------------- */

/* A line with its own SIP stack on cfg->listen (UDP; the next free port up to 100 above
 * it when taken). Its address is sip:USER@HOST:PORT with USER = cfg->user or cfg->name.
 * With cfg->registrar (sip:HOST[:PORT], HOST numeric or a name looked up off the loop,
 * again after each registration's response) it registers sip:USER@HOST there,
 * answering digest challenges with cfg->user and cfg->password, and keeps it registered;
 * calls then go out with that address as From. */
int cline_add(struct call_engine *e, const struct call_line_config *cfg, struct cline **lp);
/* Ends the line's calls without callbacks (they become IDLE; the application still
 * releases the ones it holds) and closes its SIP stack. */
void cline_remove(struct cline *line);
/* Incoming calls are refused with CALL_REFUSE_SCODE unless the line is accepting: the
 * TAPI layer sets it while an application owns the line or the phone drives it. */
void cline_set_accepting(struct cline *line, bool accepting);
bool cline_accepting(const struct cline *line);
uint16_t cline_port(const struct cline *line);          /* the SIP port actually bound */
const char *cline_uri(const struct cline *line);        /* sip:USER@HOST:PORT */
const char *cline_name(const struct cline *line);
bool cline_registered(const struct cline *line);
const struct call_line_config *cline_config(const struct cline *line);
void cline_set_userdata(struct cline *line, void *p);
void *cline_userdata(const struct cline *line);

/* --- calls --------------------------------------------------------------------------- */

/* An outgoing call. uri: sip:user@host[:port] → DIALING; NULL → DIALTONE, then
 * call_dial(). Returns 0 and *callp, or a negative errno (nothing then to release; -EINVAL
 * for a URI that is not one). With a numeric host the INVITE is on the wire when it
 * returns; a host name is looked up first, off the loop (getaddrinfo on a thread of its
 * own, /etc/hosts included), in the line's address family: a name that does not exist
 * ends the call DISCONNECTED with BADADDRESS, a name service that does not answer with
 * UNREACHABLE. */
int line_make_call(struct cline *line, const char *uri, struct call **callp);
/* In DIALTONE: dial uri (a sip: URI, or user@host). -EBUSY in any other state. */
int call_dial(struct call *call, const char *uri);
/* An OFFERING incoming call: 200 OK with our SDP answer → CONNECTED. */
int call_answer(struct call *call);
/* Ends the call (CANCEL, reject with 603, or BYE as its state needs) and reports IDLE with
 * reason NORMAL. In IDLE already: nothing happens, 0. */
int call_drop(struct call *call);
/* Sends digits (0-9 * # A-D; others are -EINVAL) as RFC 4733 events while CONNECTED. */
int call_send_dtmf(struct call *call, const char *digits);
/* While CONNECTED: mute sends silence instead of the media port's audio (RTP keeps
 * flowing: the far end's media timeout does not end the call), !mute sends it again.
 * -ENOTCONN in any other state. DTMF is sent either way. */
int call_set_mute(struct call *call, bool mute);
/* Gives the call back: drops it silently if not IDLE, then frees it. */
void call_release(struct call *call);

int call_get_info(const struct call *call, struct call_info *info);
void call_get_stats(const struct call *call, struct call_stats *st);
struct cline *call_line(const struct call *call);
enum call_state call_state(const struct call *call);
void call_set_userdata(struct call *call, void *p);
void *call_userdata(const struct call *call);

/* Calls allocated and not yet freed, over all engines (a leak check for tests). */
unsigned call_engine_live_calls(void);

/* --- mapping helpers (exposed for the TAPI layer and tests) --------------------------- */

enum call_reason call_reason_from_scode(uint16_t scode);
enum call_reason call_reason_from_errno(int err);
const char *call_state_name(enum call_state s);
const char *call_reason_name(enum call_reason r);

#endif
