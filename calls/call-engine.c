/* The call engine's SIP side: lines with their own SIP stack (libre sip + sipsess), the
 * call state machine, incoming call screening and the mapping of SIP results to reasons. */
#include "calls/call-internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PORT_TRIES 100       /* a taken listen port: try the next ones up to this many */
#define MAX_CALLS_PER_LINE 4 /* more incoming calls than this get 486 */
#define ALLOW_HDR "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\n"


struct call {
	struct le le;
	struct cline *line;
	struct sipsess *sess;
	struct cmedia *media;
	struct tmr tmr_answer;
	struct cresolve *resolve;     /* the far end's host name being looked up */
	enum call_dir dir;
	enum call_state state;
	enum call_reason reason;
	uint16_t scode;
	char remote_uri[256];
	char remote_user[128];
	char remote_name[128];
	uint64_t t_invite_us, setup_us;
	struct call_stats final;      /* the media's counters when it ended */
	void *userdata;
};

uint64_t call_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void call_log(const struct call_engine *e, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (e && e->log)
		e->log(level, msg, e->log_arg);
	else if (level <= 1)
		fprintf(stderr, "hidphone calls: %s\n", msg);
}

struct call_engine *call_engine_of(const struct call *call)
{
	return call->line ? call->line->e : NULL;
}

/* --- names and mappings ------------------------------------------------------------- */

enum call_reason call_reason_from_scode(uint16_t scode)
{
	switch (scode) {
	case 486:
	case 600:
		return CALL_REASON_BUSY;
	case 603:
		return CALL_REASON_REJECT;
	case 408:
	case 480:
		return CALL_REASON_NOANSWER;
	default:
		return CALL_REASON_UNAVAIL;
	}
}

enum call_reason call_reason_from_errno(int err)
{
	switch (err) {
	case 0:
		return CALL_REASON_NORMAL;
	case ECONNREFUSED:
	case ENETUNREACH:
	case EHOSTUNREACH:
	case ETIMEDOUT:
	case EADDRNOTAVAIL:
		return CALL_REASON_UNREACHABLE;
	default:
		return CALL_REASON_UNAVAIL;
	}
}

const char *call_state_name(enum call_state s)
{
	static const char *const n[] = { "IDLE", "DIALTONE", "DIALING", "PROCEEDING",
					 "RINGBACK", "OFFERING", "CONNECTED", "DISCONNECTED" };

	return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

const char *call_reason_name(enum call_reason r)
{
	static const char *const n[] = { "NONE", "NORMAL", "BUSY", "REJECT", "NOANSWER",
					 "UNREACHABLE", "UNAVAIL", "BADADDRESS" };

	return (unsigned)r < sizeof(n) / sizeof(n[0]) ? n[r] : "?";
}

/* --- state changes -------------------------------------------------------------------- */

/* Reports one state change. The call is kept alive over the callback, which may release
 * it; returns false when it did (the caller must not touch the call afterwards). */
static bool set_state(struct call *call, enum call_state st, enum call_reason reason)
{
	struct call_engine *e = call_engine_of(call);
	bool alive;

	if (call->state == st)
		return true;
	call->state = st;
	call->reason = reason;
	if (!e || !e->ev.state)
		return true;
	mem_ref(call);
	e->ev.state(call, st, reason, e->arg);
	/* call_release() in the callback dropped the application's reference. */
	alive = mem_nrefs(call) > 1;
	mem_deref(call);
	return alive;
}

/* The SIP session and media end; the call stays with the application until released. */
static void end_session(struct call *call)
{
	tmr_cancel(&call->tmr_answer);
	cresolve_cancel(call->resolve);
	call->resolve = NULL;
	if (call->media) {
		cmedia_stats(call->media, &call->final);
		cmedia_stop(call->media);
		cmedia_free(call->media);
		call->media = NULL;
	}
	/* libre sends what the session's state needs: CANCEL, or BYE once established. */
	call->sess = mem_deref(call->sess);
}

static void disconnect(struct call *call, enum call_reason reason, uint16_t scode)
{
	if (call->state == CALL_STATE_IDLE || call->state == CALL_STATE_DISCONNECTED)
		return;
	end_session(call);
	call->scode = scode;
	set_state(call, CALL_STATE_DISCONNECTED, reason);
}

void call_media_digit(struct call *call, char digit)
{
	struct call_engine *e = call_engine_of(call);

	if (e && e->ev.digit) {
		mem_ref(call);
		e->ev.digit(call, digit, e->arg);
		mem_deref(call);
	}
}

void call_media_lost(struct call *call)
{
	call_log(call_engine_of(call), 1, "call with %s: no media from the far end, ending it",
		 call->remote_uri);
	disconnect(call, CALL_REASON_UNREACHABLE, 0);
}

/* --- sipsess handlers ----------------------------------------------------------------- */

static int sess_offer(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	int err;

	if (!call->media)
		return EPROTO;
	err = cmedia_decode(call->media, msg->mb, true);
	if (err)
		return -err;
	return -cmedia_encode(call->media, descp, false);
}

static int sess_answer(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;

	if (!call->media)
		return EPROTO;
	return -cmedia_decode(call->media, msg->mb, false);
}

static void sess_progress(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;

	if (msg->scode == 100) {
		if (call->state == CALL_STATE_DIALING)
			set_state(call, CALL_STATE_PROCEEDING, CALL_REASON_NONE);
	} else if (msg->scode == 180 || msg->scode == 183) {
		set_state(call, CALL_STATE_RINGBACK, CALL_REASON_NONE);
	} else if (call->state == CALL_STATE_DIALING) {
		set_state(call, CALL_STATE_PROCEEDING, CALL_REASON_NONE);
	}
}

static void sess_estab(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;

	(void)msg;
	if (call->dir == CALL_INCOMING) {
		/* CONNECTED when we answered; this is the ACK. Without an offer in the INVITE
		 * our 200 made the offer and the ACK brought the answer: media starts now. */
		if (call->media && cmedia_codec(call->media)[0])
			(void)cmedia_start(call->media);
		return;
	}
	tmr_cancel(&call->tmr_answer);
	call->setup_us = call_now_us() - call->t_invite_us;
	if (!call->media || cmedia_start(call->media)) {
		call_log(call_engine_of(call), 1, "call with %s: no usable SDP answer",
			 call->remote_uri);
		disconnect(call, CALL_REASON_UNAVAIL, 0);
		return;
	}
	set_state(call, CALL_STATE_CONNECTED, CALL_REASON_NONE);
}

static void sess_close(int err, const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	enum call_reason reason;
	uint16_t scode = 0;

	call_log(call_engine_of(call), 2, "call with %s closed: %s, status %u", call->remote_uri,
		 err ? strerror(err) : "no error", msg && !msg->req ? msg->scode : 0);
	if (msg && !msg->req && msg->scode >= 300) {
		scode = msg->scode;
		reason = call_reason_from_scode(scode);
	} else if ((msg && msg->req) || err == ECONNRESET) {

		/* libre closes with ECONNRESET and the request for BYE, and for CANCEL
		 * of a call we were offered: the other side hung up. */
		reason = CALL_REASON_NORMAL;
	} else {
		reason = call_reason_from_errno(err);
	}
	disconnect(call, reason, scode);
}

/* --- calls ---------------------------------------------------------------------------- */

static unsigned live_calls; /* loop thread only; for the tests' leak checks */

unsigned call_engine_live_calls(void)
{
	return live_calls;
}

static void call_destructor(void *arg)
{
	struct call *call = arg;

	live_calls--;
	end_session(call);
	list_unlink(&call->le);
}

static int call_alloc(struct call **cp, struct cline *line, enum call_dir dir)
{
	struct call *call;
	int err;

	call = mem_zalloc(sizeof(*call), call_destructor);
	if (!call)
		return -ENOMEM;
	live_calls++;
	call->line = line;
	call->dir = dir;
	tmr_init(&call->tmr_answer);
	err = cmedia_alloc(&call->media, call, &line->cfg, &line->laddr);
	if (err) {
		call->line = NULL;
		mem_deref(call);
		return err;
	}
	list_append(&line->calls, &call->le, call);
	*cp = call;
	return 0;
}

static void answer_timeout(void *arg)
{
	struct call *call = arg;

	/* Nothing at all came back: the far end is not there. */
	disconnect(call, call->state == CALL_STATE_DIALING ? CALL_REASON_UNREACHABLE
							   : CALL_REASON_NOANSWER, 0);
}

/* The INVITE to target (the remote URI, its host numeric). */
static int send_invite(struct call *call, const char *target)
{
	struct cline *line = call->line;
	struct mbuf *offer = NULL;
	int err;

	err = cmedia_encode(call->media, &offer, true);
	if (err)
		return err;
	call->t_invite_us = call_now_us();
	err = sipsess_connect(&call->sess, line->sock, target, NULL, line->aor,
			      line->user, NULL, 0, "application/sdp", offer, cline_auth, line,
			      false,
			      sess_offer, sess_answer, sess_progress, sess_estab, NULL, NULL,
			      sess_close, call, ALLOW_HDR);
	mem_deref(offer);
	return -err;
}

/* The far end's host name resolved: the INVITE goes to its address. Its Request-URI and
 * To name the address (libre sends where the Request-URI says); the call's remote URI
 * stays as dialed. */
static void resolved(int err, const struct sa *addr, void *arg)
{
	struct call *call = arg;
	char target[sizeof(call->remote_uri) + 64];

	call->resolve = NULL;
	if (!err)
		err = cresolve_uri_at(target, sizeof(target), call->remote_uri, addr);
	if (!err)
		err = send_invite(call, target);
	if (!err) {
		call_log(call_engine_of(call), 2, "call to %s goes to %s", call->remote_uri, target);
		return;
	}
	call_log(call_engine_of(call), 1, "call to %s: %s", call->remote_uri,
		 err == -ENOENT ? "no such host" : err == -EAGAIN ? "the name service did not "
		 "answer" : strerror(-err));
	disconnect(call, err == -ENOENT ? CALL_REASON_BADADDRESS :
			 err == -EAGAIN ? CALL_REASON_UNREACHABLE : call_reason_from_errno(-err), 0);
}

static int start_invite(struct call *call, const char *uri)
{
	struct cline *line = call->line;
	struct sip_addr addr;
	struct sa dst;
	struct pl pl;
	char host[256];
	int err;

	if (strncmp(uri, "sip:", 4)) {
		int n = snprintf(call->remote_uri, sizeof(call->remote_uri), "sip:%s", uri);

		if (n < 0 || (size_t)n >= sizeof(call->remote_uri))
			return -ENAMETOOLONG;
	} else if (snprintf(call->remote_uri, sizeof(call->remote_uri), "%s", uri) >=
		   (int)sizeof(call->remote_uri)) {
		return -ENAMETOOLONG;
	}
	/* libre's decoder takes a prefix of what it is given: nothing a URI cannot hold. */
	for (const char *ch = call->remote_uri; *ch; ch++)
		if ((unsigned char)*ch <= ' ' || (unsigned char)*ch >= 0x7f || strchr("<>\"", *ch))
			return -EINVAL;
	pl_set_str(&pl, call->remote_uri);
	if (sip_addr_decode(&addr, &pl) || !pl_isset(&addr.uri.host))
		return -EINVAL;
	pl_strcpy(&addr.uri.user, call->remote_user, sizeof(call->remote_user));
	if (sa_set(&dst, &addr.uri.host, 0) == 0) {
		err = send_invite(call, call->remote_uri);
	} else {
		/* A name: looked up off the loop, the INVITE follows (DIALING meanwhile). */
		if (!cresolve_host_ok(&addr.uri.host))
			return -EINVAL;
		pl_strcpy(&addr.uri.host, host, sizeof(host));
		err = cresolve_start(&call->resolve, host, sa_af(&line->laddr), resolved, call);
	}
	if (err)
		return err;
	tmr_start(&call->tmr_answer, line->cfg.answer_timeout_ms, answer_timeout, call);
	return 0;
}

int line_make_call(struct cline *line, const char *uri, struct call **callp)
{
	struct call *call;
	int err;

	if (!line || !callp)
		return -EINVAL;
	err = call_alloc(&call, line, CALL_OUTGOING);
	if (err)
		return err;
	*callp = call;
	if (!uri) {
		set_state(call, CALL_STATE_DIALTONE, CALL_REASON_NONE);
		return 0;
	}
	err = start_invite(call, uri);
	if (err) {
		*callp = NULL;
		mem_deref(call);
		return err;
	}
	set_state(call, CALL_STATE_DIALING, CALL_REASON_NONE);
	return 0;
}

int call_dial(struct call *call, const char *uri)
{
	int err;

	if (!call || !uri || !*uri)
		return -EINVAL;
	if (call->state != CALL_STATE_DIALTONE || !call->line)
		return -EBUSY;
	err = start_invite(call, uri);
	if (err)
		return err;
	set_state(call, CALL_STATE_DIALING, CALL_REASON_NONE);
	return 0;
}

int call_answer(struct call *call)
{
	struct mbuf *desc = NULL;
	int err;

	if (!call)
		return -EINVAL;
	if (call->state != CALL_STATE_OFFERING || !call->sess)
		return -EBUSY;
	/* With an offer in the INVITE this is our answer, else our offer (answered in ACK). */
	err = cmedia_encode(call->media, &desc, !call->media || cmedia_codec(call->media)[0] == 0);
	if (err)
		return err;
	err = sipsess_answer(call->sess, 200, "OK", desc, ALLOW_HDR);
	mem_deref(desc);
	if (err)
		return -err;
	if (cmedia_codec(call->media)[0])
		cmedia_start(call->media);
	set_state(call, CALL_STATE_CONNECTED, CALL_REASON_NONE);
	return 0;
}

int call_drop(struct call *call)
{
	if (!call)
		return -EINVAL;
	if (call->state == CALL_STATE_IDLE)
		return 0;
	if (call->state == CALL_STATE_OFFERING && call->sess)
		(void)sipsess_reject(call->sess, 603, "Decline", NULL);
	end_session(call);
	set_state(call, CALL_STATE_IDLE, CALL_REASON_NORMAL);
	return 0;
}

int call_send_dtmf(struct call *call, const char *digits)
{
	if (!call || !digits)
		return -EINVAL;
	if (call->state != CALL_STATE_CONNECTED || !call->media)
		return -ENOTCONN;
	return cmedia_send_dtmf(call->media, digits);
}

int call_set_mute(struct call *call, bool mute)
{
	if (!call)
		return -EINVAL;
	if (call->state != CALL_STATE_CONNECTED || !call->media)
		return -ENOTCONN;
	cmedia_set_mute(call->media, mute);
	return 0;
}

void call_release(struct call *call)
{
	if (!call)
		return;
	if (call->state == CALL_STATE_OFFERING && call->sess)
		(void)sipsess_reject(call->sess, 603, "Decline", NULL);
	end_session(call);
	call->state = CALL_STATE_IDLE;
	list_unlink(&call->le);
	call->line = NULL;
	mem_deref(call);
}

int call_get_info(const struct call *call, struct call_info *info)
{
	if (!call || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->dir = call->dir;
	info->state = call->state;
	info->reason = call->reason;
	info->scode = call->scode;
	snprintf(info->remote_uri, sizeof(info->remote_uri), "%s", call->remote_uri);
	snprintf(info->remote_user, sizeof(info->remote_user), "%s", call->remote_user);
	snprintf(info->remote_name, sizeof(info->remote_name), "%s", call->remote_name);
	if (call->line)
		snprintf(info->local_user, sizeof(info->local_user), "%s", call->line->user);
	if (call->media)
		snprintf(info->codec, sizeof(info->codec), "%s", cmedia_codec(call->media));
	return 0;
}

void call_get_stats(const struct call *call, struct call_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (call->media)
		cmedia_stats(call->media, st);
	else
		*st = call->final;
	st->setup_us = call->setup_us;
}

struct cline *call_line(const struct call *call) { return call->line; }
enum call_state call_state(const struct call *call) { return call->state; }
void call_set_userdata(struct call *call, void *p) { call->userdata = p; }
void *call_userdata(const struct call *call) { return call->userdata; }

/* --- incoming ------------------------------------------------------------------------- */

static void sess_conn(const struct sip_msg *msg, void *arg)
{
	struct cline *line = arg;
	struct call_engine *e = line->e;
	struct call *call;
	int err;

	/* The request URI names whom the caller wants; only our user is here. */
	if (pl_strcmp(&msg->uri.user, line->user)) {
		(void)sip_treply(NULL, line->sip, msg, 404, "Not Found");
		return;
	}
	if (!line->accepting) {
		(void)sip_treply(NULL, line->sip, msg, CALL_REFUSE_SCODE,
				 "Temporarily Unavailable");
		return;
	}
	if (list_count(&line->calls) >= MAX_CALLS_PER_LINE) {
		(void)sip_treply(NULL, line->sip, msg, 486, "Busy Here");
		return;
	}
	err = call_alloc(&call, line, CALL_INCOMING);
	if (err) {
		(void)sip_treply(NULL, line->sip, msg, 500, "Server Internal Error");
		return;
	}
	(void)re_snprintf(call->remote_uri, sizeof(call->remote_uri), "%r", &msg->from.auri);
	pl_strcpy(&msg->from.uri.user, call->remote_user, sizeof(call->remote_user));
	pl_strcpy(&msg->from.dname, call->remote_name, sizeof(call->remote_name));
	if (mbuf_get_left(msg->mb) && cmedia_decode(call->media, msg->mb, true)) {
		(void)sip_treply(NULL, line->sip, msg, 488, "Not Acceptable Here");
		mem_deref(call);
		return;
	}
	err = sipsess_accept(&call->sess, line->sock, msg, 180, "Ringing", line->user,
			     "application/sdp", NULL, NULL, NULL, false, sess_offer, sess_answer,
			     sess_estab, NULL, NULL, sess_close, call, ALLOW_HDR);
	if (err) {
		(void)sip_treply(NULL, line->sip, msg, 500, "Server Internal Error");
		mem_deref(call);
		return;
	}
	call->state = CALL_STATE_OFFERING;
	if (e->ev.incoming)
		e->ev.incoming(line, call, e->arg);
	else
		call_release(call); /* nobody to take it */
}

/* --- lines ---------------------------------------------------------------------------- */

static void line_destructor(void *arg)
{
	struct cline *line = arg;
	struct le *le;

	/* Calls the application still holds lose their line; their sessions end now. */
	while ((le = list_head(&line->calls)) != NULL) {
		struct call *call = le->data;

		end_session(call);
		list_unlink(&call->le);
		call->line = NULL;
		call->state = CALL_STATE_IDLE; /* no callback: the line itself is going */
	}
	cline_unregister(line);
	line->sock = mem_deref(line->sock);
	if (line->sip)
		sip_close(line->sip, true);
	line->sip = mem_deref(line->sip);
	list_unlink(&line->le);
}

int cline_add(struct call_engine *e, const struct call_line_config *cfg, struct cline **lp)
{
	struct cline *line;
	unsigned i;
	int err;

	if (!e || !cfg || !lp)
		return -EINVAL;
	line = mem_zalloc(sizeof(*line), line_destructor);
	if (!line)
		return -ENOMEM;
	line->e = e;
	line->cfg = *cfg;
	snprintf(line->user, sizeof(line->user), "%s", cfg->user[0] ? cfg->user : cfg->name);
	list_append(&e->lines, &line->le, line);

	err = sip_alloc(&line->sip, NULL, 8, 8, 8, "hidphone", NULL, NULL);
	if (err)
		goto out;
	err = sa_set_str(&line->laddr, cfg->listen_host, cfg->listen_port);
	if (err)
		goto out;
	for (i = 0; i < PORT_TRIES && (uint32_t)cfg->listen_port + i <= 65535; i++) {
		sa_set_port(&line->laddr, (uint16_t)(cfg->listen_port + i));
		err = sip_transp_add(line->sip, SIP_TRANSP_UDP, &line->laddr);
		if (err != EADDRINUSE)
			break;
	}
	/* Every port of the search taken (many phones, each a default line on 5060 and up):
	 * any free port the system gives, which the line's address then names. */
	if (err == EADDRINUSE) {
		sa_set_port(&line->laddr, 0);
		err = sip_transp_add(line->sip, SIP_TRANSP_UDP, &line->laddr);
		if (!err)
			err = sip_transp_laddr(line->sip, &line->laddr, SIP_TRANSP_UDP, NULL);
	}
	if (err)
		goto out;
	if (i)
		call_log(e, 1, "line %s: %s:%u is taken, listening on port %u", cfg->name,
			 cfg->listen_host, cfg->listen_port, sa_port(&line->laddr));
	err = sipsess_listen(&line->sock, line->sip, 32, sess_conn, line);
	if (err)
		goto out;
	if (sa_af(&line->laddr) == AF_INET6)
		re_snprintf(line->uri, sizeof(line->uri), "sip:%s@[%j]:%u", line->user,
			    &line->laddr, sa_port(&line->laddr));
	else
		re_snprintf(line->uri, sizeof(line->uri), "sip:%s@%j:%u", line->user,
			    &line->laddr, sa_port(&line->laddr));
	snprintf(line->aor, sizeof(line->aor), "%s", line->uri);
	if (cfg->registrar[0])
		err = cline_register(line);
out:
	if (err) {
		call_log(e, 0, "line %s: cannot listen on %s:%u: %s", cfg->name,
			 cfg->listen_host, cfg->listen_port, strerror(err));
		mem_deref(line);
		return -err;
	}
	*lp = line;
	return 0;
}

bool cline_registered(const struct cline *line) { return line->registered; }

void cline_remove(struct cline *line)
{
	mem_deref(line);
}

void cline_set_accepting(struct cline *line, bool accepting) { line->accepting = accepting; }
bool cline_accepting(const struct cline *line) { return line->accepting; }
uint16_t cline_port(const struct cline *line) { return sa_port(&line->laddr); }
const char *cline_uri(const struct cline *line) { return line->uri; }
const char *cline_name(const struct cline *line) { return line->cfg.name; }
const struct call_line_config *cline_config(const struct cline *line) { return &line->cfg; }
void cline_set_userdata(struct cline *line, void *p) { line->userdata = p; }
void *cline_userdata(const struct cline *line) { return line->userdata; }

/* --- engine --------------------------------------------------------------------------- */

static void engine_destructor(void *arg)
{
	struct call_engine *e = arg;
	struct le *le;

	while ((le = list_head(&e->lines)) != NULL)
		mem_deref(le->data);
}

int call_engine_create(struct call_engine **ep, const struct call_events *ev, void *arg)
{
	struct call_engine *e;

	if (!ep)
		return -EINVAL;
	e = mem_zalloc(sizeof(*e), engine_destructor);
	if (!e)
		return -ENOMEM;
	if (ev)
		e->ev = *ev;
	e->arg = arg;
	*ep = e;
	return 0;
}

void call_engine_destroy(struct call_engine *e)
{
	mem_deref(e);
	/* A lookup still running is cancelled already; its thread runs our code until it
	 * returns, and the host may unload the provider after this. */
	if (!cresolve_drain(5000))
		call_log(NULL, 0, "a host name lookup did not end within 5 s");
}

void call_engine_set_media_open(struct call_engine *e, call_media_open_h *open, void *arg)
{
	e->media_open = open;
	e->media_open_arg = arg;
}

int call_open_phone_port(struct call *call, struct media_port **pp)
{
	struct call_engine *e = call_engine_of(call);

	if (!e || !e->media_open)
		return -ENOTSUP;
	return e->media_open(call->line, call, pp, e->media_open_arg);
}

void call_engine_set_log(struct call_engine *e,
			 void (*log)(int level, const char *msg, void *arg), void *arg)
{
	e->log = log;
	e->log_arg = arg;
}
