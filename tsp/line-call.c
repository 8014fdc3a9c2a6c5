/*
 * Calls on a line: the TSPI call functions and the call engine on the loop thread that
 * carries them out. See line.h for the threading.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "calls/media-alsa.h"
#include "loop/event-loop.h"
#include "dispatch.h"
#include "errors.h"
#include "line.h"
#include "log.h"
#include "phone.h"
#include "phone-audio.h"
#include "phone-io.h"
#include "varstruct.h"

static struct call_engine *engine;   /* loop thread only */

/* --- helpers ---------------------------------------------------------------------------- */

static void complete(uint64_t handle, DRV_REQUESTID req, LONG result)
{
	tsp_post_completion(handle, req, result);
}

static uint32_t state_of(enum call_state s)
{
	switch (s) {
	case CALL_STATE_DIALTONE:     return LINECALLSTATE_DIALTONE;
	case CALL_STATE_DIALING:      return LINECALLSTATE_DIALING;
	case CALL_STATE_PROCEEDING:   return LINECALLSTATE_PROCEEDING;
	case CALL_STATE_RINGBACK:     return LINECALLSTATE_RINGBACK;
	case CALL_STATE_OFFERING:     return LINECALLSTATE_OFFERING;
	case CALL_STATE_CONNECTED:    return LINECALLSTATE_CONNECTED;
	case CALL_STATE_DISCONNECTED: return LINECALLSTATE_DISCONNECTED;
	default:                      return LINECALLSTATE_IDLE;
	}
}

static uint32_t mode_of(uint32_t state, enum call_reason r)
{
	if (state == LINECALLSTATE_DIALTONE)
		return LINEDIALTONEMODE_NORMAL;
	if (state == LINECALLSTATE_CONNECTED)
		return LINECONNECTEDMODE_ACTIVE;
	if (state == LINECALLSTATE_OFFERING)
		return LINEOFFERINGMODE_ACTIVE;
	if (state != LINECALLSTATE_DISCONNECTED)
		return 0;
	switch (r) {
	case CALL_REASON_NORMAL:      return LINEDISCONNECTMODE_NORMAL;
	case CALL_REASON_BUSY:        return LINEDISCONNECTMODE_BUSY;
	case CALL_REASON_REJECT:      return LINEDISCONNECTMODE_REJECT;
	case CALL_REASON_NOANSWER:    return LINEDISCONNECTMODE_NOANSWER;
	case CALL_REASON_UNREACHABLE: return LINEDISCONNECTMODE_UNREACHABLE;
	case CALL_REASON_BADADDRESS:  return LINEDISCONNECTMODE_BADADDRESS;
	default:                      return LINEDISCONNECTMODE_UNAVAIL;
	}
}

/* An application owns the line and takes voice calls. */
static bool line_owned(const struct tsp_line *l)
{
	return l->handle && l->proc &&
	       (l->media_modes & (LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_UNKNOWN));
}

/* The phone drives its line, and its device is open (its I/O, which rings and reads the
 * hook): for the host, or held by the line's own open. */
static bool phone_drives(const struct tsp_line *l)
{
	return l->cfg.phone_drives_line && l->phone && l->phone->handle && !l->phone->closing;
}

/* HID LED page (0x08): Mute (0x09). */
#define USAGE_LED_MUTE 0x00080009u

/* The Mute LED (lock held): lit while the phone's Mute button has the call muted. */
static void mute_lamp(struct phone *p, bool on)
{
	for (uint32_t id = 0; id < PHONE_MAX_IDS; id++) {
		const struct phone_button *b = phone_model_button(p->model, id);

		if (b && b->lamp_usage == USAGE_LED_MUTE)
			p->out.lamp_on[id] = on;
	}
}

/*
 * The phone shows the call (lock held): the ringer and Ring LED while it is offered; while
 * it is up, a hook switch's Off-Hook output (on headsets, the hook confirmation that opens
 * their audio) — the one the user lifted, else the first, for a call taken through TAPI —
 * and all of them off, with Mute, once it ends. Written only while the phone's device is
 * open: its I/O exists only then.
 */
static void phone_show(struct phone *p, uint32_t state, bool muted)
{
	struct phone_output_state before;
	bool up = state == LINECALLSTATE_DIALTONE || state == LINECALLSTATE_DIALING ||
		  state == LINECALLSTATE_PROCEEDING || state == LINECALLSTATE_RINGBACK ||
		  state == LINECALLSTATE_CONNECTED;
	int first = -1;
	bool any = false;

	if (!p || !p->handle)
		return;
	before = p->out;
	p->out.ringing = state == LINECALLSTATE_OFFERING;
	for (int h = 0; h < PHONE_HOOK_DEVICES; h++) {
		if (!p->model->hooks[h].present || !p->model->hooks[h].settable)
			continue;
		if (first < 0)
			first = h;
		any = any || p->out.hook_offhook[h];
		if (!up)
			p->out.hook_offhook[h] = false;
	}
	if (up && !any && first >= 0)
		p->out.hook_offhook[first] = true;
	/* Muted by its button: lit (again, after an application's phoneClose); the call
	 * over: out. Otherwise an application's Mute lamp stands. */
	if (!up || muted)
		mute_lamp(p, up);
	if (before.ringing != p->out.ringing)
		tsp_audio_line_ring(p, p->out.ringing);
	if (memcmp(&before, &p->out, sizeof(before)) != 0)
		tsp_phone_write(p);
}

static void phone_follow(const struct tsp_call *c)
{
	phone_show(c->line->phone, c->state, c->muted);
}

/* Calls on the line that are neither IDLE nor not yet placed: LINEDEVSTATUS's count. */
static uint32_t calls_up(const struct tsp_line *l)
{
	uint32_t n = 0;

	for (const struct tsp_call *c = l->calls; c; c = c->next)
		n += c->state && c->state != LINECALLSTATE_IDLE && !c->closed;
	return n;
}

/* LINE_LINEDEVSTATE and LINE_ADDRESSSTATE, only those lineSetStatusMessages asked for
 * (lock held). */
static void devstate(struct tsp_line *l, uint32_t state, DWORD_PTR p2, DWORD_PTR p3)
{
	if (l->proc && (l->status_line & state))
		tsp_post_line_event(l->handle, l->proc, l->htline, NULL, LINE_LINEDEVSTATE, state,
				    p2, p3);
}

static void addrstate(struct tsp_line *l, uint32_t state)
{
	state &= l->status_address;
	if (l->proc && state)
		tsp_post_line_event(l->handle, l->proc, l->htline, NULL, LINE_ADDRESSSTATE, 0,
				    state, 0);
}

/* Every 6 s while a call is offered, as a line rings in ring cycles (loop thread). */
#define RING_CYCLE_MS 6000

static void ring_cycle(void *arg)
{
	struct tsp_line *l = arg;
	bool offered = false;

	pthread_mutex_lock(&tsp.lock);
	for (const struct tsp_call *c = l->calls; c; c = c->next)
		offered = offered || (c->state == LINECALLSTATE_OFFERING && !c->closed);
	if (offered && !l->removed) {
		devstate(l, LINEDEVSTATE_RINGING, 1, ++l->ring_count);
		loop_timer_start(&l->ring_timer, RING_CYCLE_MS, ring_cycle, l);
	}
	pthread_mutex_unlock(&tsp.lock);
	tsp_dispatch();
}

/* The line's counts after a call changed state (lock held, loop thread). */
static void line_follow(struct tsp_line *l, uint32_t before, uint32_t state)
{
	uint32_t after = calls_up(l);

	if (state == LINECALLSTATE_OFFERING) {
		/* The first ring at once (count 0), then one per cycle. */
		l->ring_count = 0;
		devstate(l, LINEDEVSTATE_RINGING, 1, 0);
		loop_timer_start(&l->ring_timer, RING_CYCLE_MS, ring_cycle, l);
	} else if (loop_timer_armed(&l->ring_timer)) {
		bool offered = false;

		for (const struct tsp_call *c = l->calls; c; c = c->next)
			offered = offered || (c->state == LINECALLSTATE_OFFERING && !c->closed);
		if (!offered)
			loop_timer_cancel(&l->ring_timer);
	}
	if (after == before)
		return;
	devstate(l, LINEDEVSTATE_NUMCALLS, 0, 0);
	addrstate(l, LINEADDRESSSTATE_NUMCALLS |
		  (after == 0 ? LINEADDRESSSTATE_INUSEZERO :
		   before == 0 ? LINEADDRESSSTATE_INUSEONE : 0));
}

/* Reports a new state to TAPI (lock held, loop thread). */
static void report_state(struct tsp_call *c, uint32_t state, uint32_t mode)
{
	struct tsp_line *l = c->line;
	uint32_t before;

	if (c->closed || c->state == state)
		return;
	before = calls_up(l);
	c->state = state;
	c->state_mode = mode;
	c->states_seen |= state;
	c->state_since_ms = loop_now_ms();
	if (state != LINECALLSTATE_DIALTONE)
		line_dialer_cancel(&c->dialer);
	if (c->announced && l->proc)
		tsp_post_line_event(l->handle, l->proc, l->htline, &c->htcall, LINE_CALLSTATE,
				    state, mode, LINEMEDIAMODE_INTERACTIVEVOICE);
	line_follow(l, before, state);
	phone_follow(c);
}

/* Calls that hold the line: any not yet IDLE, including one still being placed. */
static bool active_calls_on(const struct tsp_line *l)
{
	for (const struct tsp_call *c = l->calls; c; c = c->next) {
		if (c->state != LINECALLSTATE_IDLE)
			return true;
	}
	return false;
}

static void free_call(void *arg)
{
	free(arg);
}

void tsp_line_call_unlink(struct tsp_call *c)
{
	for (struct tsp_call **pp = &c->line->calls; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	c->closed = true;
}

/* --- the loop side ---------------------------------------------------------------------- */

enum job_kind { JOB_MAKECALL, JOB_DIAL, JOB_ANSWER, JOB_DROP, JOB_DTMF, JOB_RELEASE,
		JOB_ACCEPT, JOB_LINE_GONE, JOB_COMPLETE, JOB_MUTE };

struct job {
	enum job_kind kind;
	struct tsp_call *call;
	struct tsp_line *line;
	uint64_t handle;          /* the line open the completion belongs to */
	DRV_REQUESTID req;
	bool has_req;
	DWORD end_to_end;
	bool accepting;
	bool mute;
	bool from_phone;          /* the phone's keypad: no LINE_GENERATE */
	char text[260];           /* URI or digits; "" for none */
};

static void on_state(struct call *ec, enum call_state s, enum call_reason r, void *arg)
{
	struct tsp_call *c = call_userdata(ec);
	struct call_info info;

	(void)arg;
	if (!c)
		return; /* during line_make_call: reported when it returns */
	call_get_info(ec, &info);
	pthread_mutex_lock(&tsp.lock);
	c->info = info;
	report_state(c, state_of(s), mode_of(state_of(s), r));
	pthread_mutex_unlock(&tsp.lock);
	tsp_dispatch();
}

/*
 * A call TAPI did not create: LINE_NEWCALL while the line is open (lock held). TAPI gives
 * it to the owners and monitors of the line as it sees fit, and closes it when none of
 * them keeps it.
 */
static void announce(struct tsp_call *c)
{
	struct tsp_line *l = c->line;

	if (c->announced || !l->handle || !l->proc)
		return;
	c->announced = true;
	/* TAPI writes its handle for the call into c->htcall while taking LINE_NEWCALL. */
	tsp_post_line_event(l->handle, l->proc, l->htline, NULL, LINE_NEWCALL,
			    (DWORD_PTR)c->handle, (DWORD_PTR)&c->htcall, 0);
}

static void on_incoming(struct cline *cl, struct call *ec, void *arg)
{
	struct tsp_line *l = cline_userdata(cl);
	struct tsp_call *c = calloc(1, sizeof(*c));
	bool take;

	(void)arg;
	pthread_mutex_lock(&tsp.lock);
	/* The engine offers only while accepting; the line may have closed since. */
	take = c && l && !l->removed && (line_owned(l) || phone_drives(l));
	if (!take) {
		pthread_mutex_unlock(&tsp.lock);
		free(c);
		call_release(ec);
		return;
	}
	c->line = l;
	c->handle = ++tsp.next_handle;
	c->dir = CALL_INCOMING;
	c->ec = ec;
	call_get_info(ec, &c->info);
	call_set_userdata(ec, c);
	c->next = l->calls;
	l->calls = c;
	announce(c);
	report_state(c, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
	tsp_log(TSP_LOG_INFO, "line %s: call from %s", l->cfg.name, c->info.remote_uri);
	pthread_mutex_unlock(&tsp.lock);
	tsp_dispatch();
}

static void on_digit(struct call *ec, char digit, void *arg)
{
	struct tsp_call *c = call_userdata(ec);

	(void)arg;
	if (!c)
		return;
	pthread_mutex_lock(&tsp.lock);
	if (!c->closed && c->announced && (c->monitor_modes & LINEDIGITMODE_DTMF) &&
	    c->line->proc)
		tsp_post_line_event(c->line->handle, c->line->proc, c->line->htline, &c->htcall,
				    LINE_MONITORDIGITS, (DWORD_PTR)(uint8_t)digit,
				    LINEDIGITMODE_DTMF, 0);
	pthread_mutex_unlock(&tsp.lock);
	tsp_dispatch();
}

static const struct call_events events = {
	.state = on_state,
	.incoming = on_incoming,
	.digit = on_digit,
};

/*
 * libre's SIP transport needs the address it puts in Via and Contact, so it refuses the
 * any-address (sip_transp_add: EINVAL) that is the default `listen`. The line listens on
 * the host's default source address instead: the one its calls go out from.
 */
static void any_to_default(struct call_line_config *cfg)
{
	struct sa sa;
	int af;

	if (sa_set_str(&sa, cfg->listen_host, 0) != 0 || !sa_is_any(&sa))
		return;
	af = sa_af(&sa);
	if (net_default_source_addr_get(af, &sa) != 0 || sa_is_any(&sa)) {
		tsp_log(TSP_LOG_WARNING, "line %s: no default address; listening on loopback",
			cfg->name);
		snprintf(cfg->listen_host, sizeof(cfg->listen_host), "%s",
			 af == AF_INET6 ? "::1" : "127.0.0.1");
		return;
	}
	if (re_snprintf(cfg->listen_host, sizeof(cfg->listen_host), "%j", &sa) < 0)
		snprintf(cfg->listen_host, sizeof(cfg->listen_host), "127.0.0.1");
}

/*
 * media = phone: each call plays and records on the phone's own PCMs (its alsa/out and
 * alsa/in), looked up when the call's media starts, so a card that came or went since is
 * seen. A phone without a card (or a direction without a PCM) gets silence there. Loop
 * thread.
 */
static int open_phone_media(struct cline *cl, struct call *ec, struct media_port **pp,
			    void *arg)
{
	struct tsp_line *l = cline_userdata(cl);
	char out[128], in[128], name[CALL_CONFIG_NAME_MAX + 1] = "";
	int rc;

	(void)ec;
	(void)arg;
	out[0] = in[0] = '\0';
	pthread_mutex_lock(&tsp.lock);
	if (l && l->phone && !l->removed) {
		tsp_audio_pcm_names(l->phone, out, sizeof(out), in, sizeof(in));
		if (out[0])
			tsp_audio_release_pcm(l->phone);
		memcpy(name, l->cfg.name, sizeof(name));
	}
	pthread_mutex_unlock(&tsp.lock);
	if (!out[0] && !in[0])
		return -ENOENT;   /* the engine sends silence */
	rc = media_port_open_alsa(out[0] ? out : NULL, in[0] ? in : NULL, pp);
	if (rc < 0)
		tsp_log(TSP_LOG_WARNING, "line %s: the phone's audio (%s, %s) does not open (%s); "
			"the call sends silence", name, out[0] ? out : "-", in[0] ? in : "-",
			strerror(-rc));
	else
		tsp_log(TSP_LOG_INFO, "line %s: call audio on %s / %s", name, out[0] ? out : "-",
			in[0] ? in : "-");
	return rc;
}

static void engine_start(void *arg)
{
	(void)arg;
	if (!engine && call_engine_create(&engine, &events, NULL) < 0) {
		tsp_log(TSP_LOG_ERROR, "call engine: cannot start; lines make no calls");
		return;
	}
	call_engine_set_media_open(engine, open_phone_media, NULL);
	for (size_t i = 0;; i++) {
		struct call_line_config cfg;
		struct tsp_line *l;
		struct cline *cl;
		int rc;

		pthread_mutex_lock(&tsp.lock);
		if (i >= tsp.n_lines) {
			pthread_mutex_unlock(&tsp.lock);
			break;
		}
		l = tsp.lines[i];
		if (l->cl || l->removed || !l->listen) {
			pthread_mutex_unlock(&tsp.lock);
			continue;
		}
		cfg = l->cfg;
		pthread_mutex_unlock(&tsp.lock);
		any_to_default(&cfg);
		rc = cline_add(engine, &cfg, &cl);
		if (rc < 0) {
			tsp_log(TSP_LOG_ERROR, "line %s: cannot listen on %s:%u (%s)", cfg.name,
				cfg.listen_host, cfg.listen_port, strerror(-rc));
			continue;
		}
		cline_set_userdata(cl, l);
		l->cl = cl;
		tsp_log(TSP_LOG_INFO, "line %s: %s", cfg.name, cline_uri(cl));
	}
}

void tsp_line_engine_start(void)
{
	if (loop_post(engine_start, NULL) < 0)
		tsp_log(TSP_LOG_ERROR, "call engine: no I/O loop");
}

void tsp_line_want_listen(struct tsp_line *l)
{
	if (l->listen)
		return;
	l->listen = true;
	tsp_line_engine_start();
}

static void engine_stop(void *arg)
{
	(void)arg;
	/* Ends every call without callbacks and closes every line. */
	call_engine_destroy(engine);
	engine = NULL;
	pthread_mutex_lock(&tsp.lock);
	for (size_t i = 0; i < tsp.n_lines; i++)
		tsp.lines[i]->cl = NULL;
	pthread_mutex_unlock(&tsp.lock);
}

void tsp_lines_stop_engine(void)
{
	if (loop_call(engine_stop, NULL) < 0)
		engine = NULL;
}

static void run_job(void *arg)
{
	struct job *j = arg;
	struct tsp_call *c = j->call;
	LONG result = 0;
	int rc = 0;

	switch (j->kind) {
	case JOB_MAKECALL: {
		struct call *ec = NULL;
		struct cline *cl = j->line->cl;

		rc = cl ? line_make_call(cl, j->text[0] ? j->text : NULL, &ec) : -ENETDOWN;
		pthread_mutex_lock(&tsp.lock);
		if (rc < 0) {
			/* The call never was: TAPI forgets the handle with the failed request. A
			 * call closed meanwhile is freed by the release its close posted. */
			if (j->has_req)
				complete(j->handle, j->req, rc == -EINVAL ? LINEERR_INVALADDRESS :
							    tsp_line_error(rc));
			if (!c->closed) {
				tsp_line_call_unlink(c);
				tsp_post_cleanup(free_call, c);
			}
			pthread_mutex_unlock(&tsp.lock);
			tsp_dispatch();
			free(j);
			return;
		}
		c->ec = ec;
		call_set_userdata(ec, c);
		call_get_info(ec, &c->info);
		if (j->has_req)
			complete(j->handle, j->req, 0);
		else
			announce(c);
		report_state(c, state_of(call_state(ec)), mode_of(state_of(call_state(ec)),
								 CALL_REASON_NONE));
		pthread_mutex_unlock(&tsp.lock);
		tsp_dispatch();
		free(j);
		return;
	}
	case JOB_DIAL:
		rc = c->ec ? call_dial(c->ec, j->text) : -ENOTCONN;
		result = rc == -EBUSY ? LINEERR_INVALCALLSTATE :
			 rc == -EINVAL ? LINEERR_INVALADDRESS : tsp_line_error(rc);
		/* The keypad's number has no request to fail: the log says why it went nowhere. */
		if (rc < 0 && j->from_phone)
			tsp_log(TSP_LOG_WARNING, "line %s: %s not dialed (%s)", j->line->cfg.name,
				j->text, strerror(-rc));
		break;
	case JOB_ANSWER:
		rc = c->ec ? call_answer(c->ec) : -ENOTCONN;
		result = rc == -EBUSY || rc == -EPROTO ? LINEERR_INVALCALLSTATE :
			 tsp_line_error(rc);
		break;
	case JOB_DROP:
		rc = c->ec ? call_drop(c->ec) : 0;
		result = tsp_line_error(rc);
		break;
	case JOB_DTMF:
		rc = c->ec ? call_send_dtmf(c->ec, j->text) : -ENOTCONN;
		pthread_mutex_lock(&tsp.lock);
		if (!c->closed && c->announced && c->line->proc && !j->from_phone)
			tsp_post_line_event(c->line->handle, c->line->proc, c->line->htline,
					    &c->htcall, LINE_GENERATE,
					    rc < 0 ? LINEGENERATETERM_CANCEL :
						     LINEGENERATETERM_DONE,
					    j->end_to_end, 0);
		pthread_mutex_unlock(&tsp.lock);
		break;
	case JOB_RELEASE:
		line_dialer_cancel(&c->dialer);
		if (c->ec)
			call_release(c->ec);
		c->ec = NULL;
		/* Freed once the events queued for it are delivered. */
		tsp_post_cleanup(free_call, c);
		break;
	case JOB_COMPLETE:
		break;
	case JOB_MUTE:
		rc = c->ec ? call_set_mute(c->ec, j->mute) : -ENOTCONN;
		if (rc < 0)
			tsp_log(TSP_LOG_WARNING, "line %s: the call's microphone does not %smute (%s)",
				j->line->cfg.name, j->mute ? "" : "un", strerror(-rc));
		break;
	case JOB_ACCEPT:
		if (j->line->cl)
			cline_set_accepting(j->line->cl, j->accepting);
		break;
	case JOB_LINE_GONE:
		loop_timer_cancel(&j->line->ring_timer);
		/* Its calls were released by the jobs before this one. */
		if (j->line->cl) {
			cline_remove(j->line->cl);
			j->line->cl = NULL;
		}
		tsp_line_forget(j->line);
		break;
	}
	if (j->has_req) {
		if (rc < 0 && !result)
			result = LINEERR_OPERATIONFAILED;
		complete(j->handle, j->req, result);
	}
	tsp_dispatch();
	free(j);
}

/* Posts a job; with a request, completes it with an error if there is no loop (lock held). */
static LONG post(struct job *j)
{
	DRV_REQUESTID req = j->req;
	bool has_req = j->has_req;

	if (loop_post(run_job, j) < 0) {
		free(j);
		if (has_req)
			return LINEERR_OPERATIONFAILED;
		return 0;
	}
	return has_req ? (LONG)req : 0;
}

static struct job *job_new(enum job_kind kind, struct tsp_call *c, struct tsp_line *l)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->kind = kind;
	j->call = c;
	j->line = l ? l : c->line;
	j->handle = j->line->handle;
	return j;
}

void tsp_line_call_dispose(struct tsp_call *c)
{
	struct job *j = job_new(JOB_RELEASE, c, NULL);

	if (!j || loop_post(run_job, j) < 0) {
		/* No loop: the engine is gone with its calls; only ours is left. */
		free(j);
		tsp_post_cleanup(free_call, c);
	}
}

void tsp_line_gone(struct tsp_line *l)
{
	struct job *j = job_new(JOB_LINE_GONE, NULL, l);

	if (j)
		(void)post(j);
}

void tsp_line_set_accepting(struct tsp_line *l)
{
	struct job *j = job_new(JOB_ACCEPT, NULL, l);

	if (!j)
		return;
	/* An owner to offer calls to, or the phone to ring (which needs its I/O: open). */
	j->accepting = !l->removed && (line_owned(l) || phone_drives(l));
	(void)post(j);
}

static struct tsp_call *current_call(const struct tsp_line *l);

void tsp_line_phone_opened(struct phone *p)
{
	for (size_t i = 0; i < tsp.n_lines; i++) {
		struct tsp_call *c;

		if (tsp.lines[i]->phone != p)
			continue;
		if (tsp.lines[i]->cfg.phone_drives_line)
			tsp_line_want_listen(tsp.lines[i]);
		tsp_line_set_accepting(tsp.lines[i]);
		/* A phone opened during a call shows it at once (rings if it is offered). */
		c = current_call(tsp.lines[i]);
		if (c)
			phone_follow(c);
	}
}

static struct tsp_line *driven_line(const struct phone *p)
{
	for (size_t i = 0; i < tsp.n_lines; i++) {
		struct tsp_line *l = tsp.lines[i];

		if (l->phone == p && !l->removed && l->cfg.phone_drives_line)
			return l;
	}
	return NULL;
}

/* The call the phone acts on: the one that is not IDLE (one call per line). */
static struct tsp_call *current_call(const struct tsp_line *l)
{
	for (struct tsp_call *c = l->calls; c; c = c->next) {
		if (c->state != LINECALLSTATE_IDLE && !c->closed)
			return c;
	}
	return NULL;
}

bool tsp_line_phone_listens(const struct phone *p, bool hook)
{
	struct tsp_line *l = driven_line(p);

	return l && (hook || current_call(l));
}

static void post_call_job(struct tsp_call *c, enum job_kind kind, const char *text)
{
	struct job *j = job_new(kind, c, c->line);

	if (!j)
		return;
	j->from_phone = true;
	if (text && strlen(text) < sizeof(j->text))
		memcpy(j->text, text, strlen(text) + 1);
	(void)post(j);
}

void tsp_line_phone_hook(struct phone *p, bool offhook)
{
	struct tsp_line *l = driven_line(p);
	struct tsp_call *c;

	if (!l)
		return;
	c = current_call(l);
	if (offhook) {
		/* Lifting the handset takes an offered call, or gives a dial tone. */
		if (c && c->state == LINECALLSTATE_OFFERING) {
			/*
			 * The ringer and Ring LED stop now, not when the answer is through: the
			 * hook's confirmation written next (or this write) already has them off.
			 */
			if (p->out.ringing) {
				p->out.ringing = false;
				tsp_audio_line_ring(p, false);
				tsp_phone_write(p);
			}
			post_call_job(c, JOB_ANSWER, NULL);
			return;
		}
		if (c)
			return;
		c = calloc(1, sizeof(*c));
		if (!c)
			return;
		c->line = l;
		c->handle = ++tsp.next_handle;
		c->dir = CALL_OUTGOING;
		c->next = l->calls;
		l->calls = c;
		post_call_job(c, JOB_MAKECALL, NULL);
		return;
	}
	if (!c)
		return;
	/* Putting it down ends the call. A call TAPI never heard of is the phone's to free. */
	post_call_job(c, JOB_DROP, NULL);
	if (!c->announced) {
		tsp_line_call_unlink(c);
		tsp_line_call_dispose(c);
		/* It reports nothing more: the phone shows the line idle now. */
		phone_show(p, LINECALLSTATE_IDLE, false);
	}
}

/*
 * A number dialed on the keypad goes to the registrar, or to dial-domain: the only places
 * a line knows that take a bare number (lock held, loop thread).
 */
static void send_number(struct tsp_call *c, const char *number)
{
	const struct call_line_config *cfg = &c->line->cfg;
	const char *domain = cfg->registrar[0] ? cfg->registrar : cfg->dial_domain;
	char uri[260];

	if (!domain[0]) {
		tsp_log(TSP_LOG_WARNING, "line %s: keypad dialing needs a registrar or dial-domain; "
			"dial with lineDial (phonectl call) instead", cfg->name);
		return;
	}
	if (!strncmp(domain, "sip:", 4))
		domain += 4;
	if (snprintf(uri, sizeof(uri), "sip:%s@%s", number, domain) >= (int)sizeof(uri))
		return; /* the domain is at most 255 bytes, the number 32: never */
	tsp_log(TSP_LOG_INFO, "line %s: keypad dials %s", cfg->name, uri);
	post_call_job(c, JOB_DIAL, uri);
}

/* No key for the dial timeout: what was dialed goes out (loop thread, no lock held). */
static void dial_expired(struct line_dialer *d, void *arg)
{
	struct tsp_call *c = arg;
	char number[LINE_DIAL_MAX + 1];

	(void)d;
	pthread_mutex_lock(&tsp.lock);
	if (!c->closed && c->state == LINECALLSTATE_DIALTONE &&
	    line_dialer_take(&c->dialer, number, sizeof(number)))
		send_number(c, number);
	pthread_mutex_unlock(&tsp.lock);
}

void tsp_line_phone_key(struct phone *p, char digit)
{
	struct tsp_line *l = driven_line(p);
	struct tsp_call *c = l ? current_call(l) : NULL;
	char d[2] = { digit, '\0' };
	char number[LINE_DIAL_MAX + 1];

	if (!c)
		return;
	if (c->state == LINECALLSTATE_CONNECTED) {
		post_call_job(c, JOB_DTMF, d);
		if (c->announced && (c->monitor_modes & LINEDIGITMODE_DTMF) && l->proc)
			tsp_post_line_event(l->handle, l->proc, l->htline, &c->htcall,
					    LINE_MONITORDIGITS, (DWORD_PTR)(uint8_t)digit,
					    LINEDIGITMODE_DTMF, 0);
		return;
	}
	if (c->state != LINECALLSTATE_DIALTONE)
		return;
	if (!c->dialer.expired)
		line_dialer_init(&c->dialer, l->cfg.dial_timeout_ms, dial_expired, c);
	if (line_dialer_key(&c->dialer, digit, number, sizeof(number)))
		send_number(c, number);
}

void tsp_line_phone_mute(struct phone *p)
{
	struct tsp_line *l = driven_line(p);
	struct tsp_call *c = l ? current_call(l) : NULL;
	struct job *j;

	if (!c || c->state != LINECALLSTATE_CONNECTED)
		return;
	j = job_new(JOB_MUTE, c, NULL);
	if (!j)
		return;
	j->mute = !c->muted;
	if (post(j) < 0)
		return;
	c->muted = !c->muted;
	tsp_log(TSP_LOG_INFO, "line %s: the call's microphone is %smuted", l->cfg.name,
		c->muted ? "" : "un");
	/* Its LED says so; the Mute lamp's PHONE_STATE tells an application that has the
	 * phone open (TAPI has no call-level mute to report). */
	mute_lamp(p, c->muted);
	tsp_phone_write(p);
}

/* UTF-16 to ASCII (SIP URIs are ASCII here): false if too long or not ASCII. */
static bool ascii_of(LPCWSTR in, char *out, size_t size)
{
	const uint16_t *w = (const uint16_t *)in;
	size_t i = 0;

	for (; w[i]; i++) {
		if (w[i] >= 0x80 || w[i] < 0x20 || i + 1 >= size)
			return false;
		out[i] = (char)w[i];
	}
	out[i] = '\0';
	return true;
}

/* A destination as the engine takes it: sip:user@host[:port] (the scheme may be left out). */
static bool destination(LPCWSTR in, char *out, size_t size)
{
	char a[250];

	if (!ascii_of(in, a, sizeof(a)) || !a[0] || !strchr(a, '@'))
		return false;
	snprintf(out, size, "%s%s", strncmp(a, "sip:", 4) == 0 ? "" : "sip:", a);
	return true;
}

/* --- TSPI: calls ------------------------------------------------------------------------ */

TSPI_EXPORT LONG TSPIAPI TSPI_lineMakeCall(DRV_REQUESTID dwRequestID, HDRVLINE hdLine,
					   HTAPICALL htCall, LPHDRVCALL lphdCall,
					   LPCWSTR lpszDestAddress, DWORD dwCountryCode,
					   LPLINECALLPARAMS const lpCallParams)
{
	struct tsp_line *l;
	struct tsp_call *c;
	struct job *j;

	(void)dwCountryCode;
	if (!lphdCall)
		return LINEERR_INVALPOINTER;
	l = tsp_enter_line(hdLine);
	if (!l)
		return LINEERR_INVALLINEHANDLE;
	if (lpCallParams) {
		if (lpCallParams->dwTotalSize < offsetof(LINECALLPARAMS, dwPredictiveAutoTransferStates))
			return tsp_leave(LINEERR_STRUCTURETOOSMALL);
		if (lpCallParams->dwBearerMode && lpCallParams->dwBearerMode != LINEBEARERMODE_VOICE)
			return tsp_leave(LINEERR_INVALBEARERMODE);
		if (lpCallParams->dwMediaMode &&
		    lpCallParams->dwMediaMode != LINEMEDIAMODE_INTERACTIVEVOICE)
			return tsp_leave(LINEERR_INVALMEDIAMODE);
		if (lpCallParams->dwAddressMode == LINEADDRESSMODE_ADDRESSID &&
		    lpCallParams->dwAddressID != 0)
			return tsp_leave(LINEERR_INVALADDRESSID);
	}
	if (active_calls_on(l))
		return tsp_leave(LINEERR_CALLUNAVAIL);
	c = calloc(1, sizeof(*c));
	j = c ? job_new(JOB_MAKECALL, NULL, l) : NULL;
	if (!j) {
		free(c);
		return tsp_leave(LINEERR_NOMEM);
	}
	if (lpszDestAddress && !destination(lpszDestAddress, j->text, sizeof(j->text))) {
		free(c);
		free(j);
		return tsp_leave(LINEERR_INVALADDRESS);
	}
	c->line = l;
	c->handle = ++tsp.next_handle;
	c->htcall = htCall;
	c->dir = CALL_OUTGOING;
	c->announced = true;
	j->call = c;
	j->req = dwRequestID;
	j->has_req = true;
	if (loop_post(run_job, j) < 0) {
		free(c);
		free(j);
		return tsp_leave(LINEERR_OPERATIONFAILED);
	}
	c->next = l->calls;
	l->calls = c;
	*lphdCall = (HDRVCALL)(uintptr_t)c->handle;
	return tsp_leave((LONG)dwRequestID);
}

/* An asynchronous request on a call whose state allows it (lock held by the guard). */
static LONG call_request(DRV_REQUESTID req, struct tsp_call *c, enum job_kind kind,
			 const char *text)
{
	struct job *j = job_new(kind, c, NULL);

	if (!j)
		return tsp_leave(LINEERR_NOMEM);
	j->req = req;
	j->has_req = true;
	if (text)
		snprintf(j->text, sizeof(j->text), "%s", text);
	return tsp_leave(post(j));
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineDial(DRV_REQUESTID dwRequestID, HDRVCALL hdCall,
				       LPCWSTR lpszDestAddress, DWORD dwCountryCode)
{
	struct tsp_call *c;
	char uri[260];

	(void)dwCountryCode;
	if (!lpszDestAddress)
		return LINEERR_INVALPOINTER;
	c = tsp_enter_call(hdCall);
	if (!c)
		return LINEERR_INVALCALLHANDLE;
	if (c->state != LINECALLSTATE_DIALTONE)
		return tsp_leave(LINEERR_INVALCALLSTATE);
	if (!destination(lpszDestAddress, uri, sizeof(uri)))
		return tsp_leave(LINEERR_INVALADDRESS);
	return call_request(dwRequestID, c, JOB_DIAL, uri);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineAnswer(DRV_REQUESTID dwRequestID, HDRVCALL hdCall,
					 LPCSTR lpsUserUserInfo, DWORD dwSize)
{
	struct tsp_call *c;

	(void)lpsUserUserInfo;
	c = tsp_enter_call(hdCall);
	if (!c)
		return LINEERR_INVALCALLHANDLE;
	if (dwSize)
		return tsp_leave(LINEERR_USERUSERINFOTOOBIG);
	if (c->state != LINECALLSTATE_OFFERING)
		return tsp_leave(LINEERR_INVALCALLSTATE);
	return call_request(dwRequestID, c, JOB_ANSWER, NULL);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineDrop(DRV_REQUESTID dwRequestID, HDRVCALL hdCall,
				       LPCSTR lpsUserUserInfo, DWORD dwSize)
{
	struct tsp_call *c;

	(void)lpsUserUserInfo;
	c = tsp_enter_call(hdCall);
	if (!c)
		return LINEERR_INVALCALLHANDLE;
	if (dwSize)
		return tsp_leave(LINEERR_USERUSERINFOTOOBIG);
	return call_request(dwRequestID, c, JOB_DROP, NULL);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineCloseCall(HDRVCALL hdCall)
{
	struct tsp_call *c = tsp_enter_call(hdCall);

	if (!c)
		return LINEERR_INVALCALLHANDLE;
	/* Dropped silently if still up; TAPI hears nothing more about it. */
	tsp_line_call_unlink(c);
	tsp_line_call_dispose(c);
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineGenerateDigits(HDRVCALL hdCall, DWORD dwEndToEndID,
						 DWORD dwDigitMode, LPCWSTR lpszDigits,
						 DWORD dwDuration)
{
	struct tsp_call *c;
	struct job *j;
	char digits[64];

	(void)dwDuration;
	c = tsp_enter_call(hdCall);
	if (!c)
		return LINEERR_INVALCALLHANDLE;
	if (dwDigitMode != LINEDIGITMODE_DTMF)
		return tsp_leave(LINEERR_INVALDIGITMODE);
	/* NULL cancels a generation in progress; ours are sent at once, nothing to cancel. */
	if (!lpszDigits)
		return tsp_leave(0);
	if (!ascii_of(lpszDigits, digits, sizeof(digits)) ||
	    strspn(digits, "0123456789*#ABCDabcd") != strlen(digits))
		return tsp_leave(LINEERR_INVALDIGITS);
	if (c->state != LINECALLSTATE_CONNECTED)
		return tsp_leave(LINEERR_INVALCALLSTATE);
	for (char *d = digits; *d; d++)
		if (*d >= 'a' && *d <= 'd')
			*d = (char)(*d - 'a' + 'A');
	j = job_new(JOB_DTMF, c, NULL);
	if (!j)
		return tsp_leave(LINEERR_NOMEM);
	j->end_to_end = dwEndToEndID;
	snprintf(j->text, sizeof(j->text), "%s", digits);
	return tsp_leave(post(j) < 0 ? LINEERR_OPERATIONFAILED : 0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineMonitorDigits(HDRVCALL hdCall, DWORD dwDigitModes)
{
	struct tsp_call *c = tsp_enter_call(hdCall);

	if (!c)
		return LINEERR_INVALCALLHANDLE;
	if (dwDigitModes & ~(DWORD)LINEDIGITMODE_DTMF)
		return tsp_leave(LINEERR_INVALDIGITMODE);
	c->monitor_modes = dwDigitModes;
	return tsp_leave(0);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineSetAppSpecific(HDRVCALL hdCall, DWORD dwAppSpecific)
{
	struct tsp_call *c = tsp_enter_call(hdCall);

	if (!c)
		return LINEERR_INVALCALLHANDLE;
	c->app_specific = dwAppSpecific;
	if (c->line->proc)
		tsp_post_line_event(c->line->handle, c->line->proc, c->line->htline, &c->htcall,
				    LINE_CALLINFO, LINECALLINFOSTATE_APPSPECIFIC, 0, 0);
	pthread_mutex_unlock(&tsp.lock);
	tsp_dispatch();
	return 0;
}

/*
 * A voice call over SIP has one bearer mode, VOICE, and no data rate to change (G.711 is
 * 64 kbit/s), and dials no digits itself that dialing parameters could pace: so the only
 * change this takes is none, and it says which it cannot make.
 */
TSPI_EXPORT LONG TSPIAPI TSPI_lineSetCallParams(DRV_REQUESTID dwRequestID, HDRVCALL hdCall,
						DWORD dwBearerMode, DWORD dwMinRate,
						DWORD dwMaxRate, LPLINEDIALPARAMS const lpDialParams)
{
	const DWORD bearers = LINEBEARERMODE_VOICE | LINEBEARERMODE_SPEECH |
			      LINEBEARERMODE_MULTIUSE | LINEBEARERMODE_DATA |
			      LINEBEARERMODE_ALTSPEECHDATA | LINEBEARERMODE_NONCALLSIGNALING |
			      LINEBEARERMODE_PASSTHROUGH | LINEBEARERMODE_RESTRICTEDDATA;
	struct tsp_call *c;

	(void)lpDialParams; /* NULL: keep the current ones; any: nothing of ours uses them */
	c = tsp_enter_call(hdCall);
	if (!c)
		return LINEERR_INVALCALLHANDLE;
	/* exactly one LINEBEARERMODE_ */
	if (!dwBearerMode || (dwBearerMode & (dwBearerMode - 1)) || (dwBearerMode & ~bearers))
		return tsp_leave(LINEERR_INVALBEARERMODE);
	if (c->state == 0 || c->state == LINECALLSTATE_IDLE ||
	    c->state == LINECALLSTATE_DISCONNECTED)
		return tsp_leave(LINEERR_INVALCALLSTATE);
	if (dwBearerMode != LINEBEARERMODE_VOICE)
		return tsp_leave(LINEERR_BEARERMODEUNAVAIL);
	if (dwMinRate > dwMaxRate)
		return tsp_leave(LINEERR_INVALRATE);
	if (dwMinRate > 64000)
		return tsp_leave(LINEERR_RATEUNAVAIL);
	return call_request(dwRequestID, c, JOB_COMPLETE, NULL);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineGetCallAddressID(HDRVCALL hdCall, LPDWORD lpdwAddressID)
{
	if (!lpdwAddressID)
		return LINEERR_INVALPOINTER;
	if (!tsp_enter_call(hdCall))
		return LINEERR_INVALCALLHANDLE;
	*lpdwAddressID = 0;
	return tsp_leave(0);
}

static uint32_t call_features(const struct tsp_call *c)
{
	switch (c->state) {
	case LINECALLSTATE_OFFERING:
		return LINECALLFEATURE_ANSWER | LINECALLFEATURE_DROP;
	case LINECALLSTATE_DIALTONE:
		return LINECALLFEATURE_DIAL | LINECALLFEATURE_DROP;
	case LINECALLSTATE_CONNECTED:
		return LINECALLFEATURE_DROP | LINECALLFEATURE_GENERATEDIGITS |
		       LINECALLFEATURE_MONITORDIGITS;
	case LINECALLSTATE_IDLE:
	case 0:
		return 0;
	default:
		return LINECALLFEATURE_DROP;
	}
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineGetCallStatus(HDRVCALL hdCall, LPLINECALLSTATUS lpCallStatus)
{
	struct tsp_call *c;
	uint32_t fixed;

	if (!lpCallStatus)
		return LINEERR_INVALPOINTER;
	c = tsp_enter_call(hdCall);
	if (!c)
		return LINEERR_INVALCALLHANDLE;
	fixed = c->line->version >= TAPI_VERSION2_0 ? sizeof(LINECALLSTATUS) :
						      offsetof(LINECALLSTATUS, dwCallFeatures2);
	if (lpCallStatus->dwTotalSize < fixed)
		return tsp_leave(LINEERR_STRUCTURETOOSMALL);
	memset(&lpCallStatus->dwNeededSize, 0, fixed - offsetof(LINECALLSTATUS, dwNeededSize));
	lpCallStatus->dwNeededSize = lpCallStatus->dwUsedSize = fixed;
	lpCallStatus->dwCallState = c->state ? c->state : LINECALLSTATE_UNKNOWN;
	lpCallStatus->dwCallStateMode = c->state_mode;
	lpCallStatus->dwCallFeatures = call_features(c);
	return tsp_leave(0);
}

static uint32_t callinfo_fixed(DWORD v)
{
	return v >= TAPI_VERSION3_0 ? sizeof(LINECALLINFO) :
	       v >= TAPI_VERSION2_0 ? offsetof(LINECALLINFO, dwCallerIDAddressType) :
				      offsetof(LINECALLINFO, dwCallTreatment);
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineGetCallInfo(HDRVCALL hdCall, LPLINECALLINFO lpCallInfo)
{
	struct tsp_call *c;
	struct varstruct vs;
	const struct call_info *in;
	uint32_t fixed;

	if (!lpCallInfo)
		return LINEERR_INVALPOINTER;
	c = tsp_enter_call(hdCall);
	if (!c)
		return LINEERR_INVALCALLHANDLE;
	fixed = callinfo_fixed(c->line->version);
	if (lpCallInfo->dwTotalSize < fixed)
		return tsp_leave(LINEERR_STRUCTURETOOSMALL);
	in = &c->info;
	varstruct_init(&vs, lpCallInfo, lpCallInfo->dwTotalSize, fixed);
	lpCallInfo->dwLineDeviceID = c->line->device_id;
	lpCallInfo->dwAddressID = 0;
	lpCallInfo->dwBearerMode = LINEBEARERMODE_VOICE;
	lpCallInfo->dwMediaMode = LINEMEDIAMODE_INTERACTIVEVOICE;
	lpCallInfo->dwAppSpecific = c->app_specific;
	lpCallInfo->dwCallID = (DWORD)c->handle;
	lpCallInfo->dwCallStates = c->states_seen;
	lpCallInfo->dwMonitorDigitModes = c->monitor_modes;
	lpCallInfo->dwOrigin = c->dir == CALL_INCOMING ? LINECALLORIGIN_INBOUND :
						   LINECALLORIGIN_OUTBOUND;
	lpCallInfo->dwReason = LINECALLREASON_DIRECT;
	lpCallInfo->dwNumOwners = 1;
	if (c->dir == CALL_INCOMING) {
		/* Caller id: the far end's user part, and its display name when it sent one. */
		lpCallInfo->dwCallerIDFlags = in->remote_user[0] ? LINECALLPARTYID_ADDRESS :
								   LINECALLPARTYID_UNKNOWN;
		if (in->remote_user[0])
			varstruct_add_string(&vs, in->remote_user, &lpCallInfo->dwCallerIDSize,
					     &lpCallInfo->dwCallerIDOffset);
		if (in->remote_name[0]) {
			lpCallInfo->dwCallerIDFlags |= LINECALLPARTYID_NAME;
			varstruct_add_string(&vs, in->remote_name, &lpCallInfo->dwCallerIDNameSize,
					     &lpCallInfo->dwCallerIDNameOffset);
		}
		lpCallInfo->dwCalledIDFlags = LINECALLPARTYID_ADDRESS;
		varstruct_add_string(&vs, in->local_user, &lpCallInfo->dwCalledIDSize,
				     &lpCallInfo->dwCalledIDOffset);
	} else {
		lpCallInfo->dwCallerIDFlags = LINECALLPARTYID_ADDRESS;
		varstruct_add_string(&vs, c->line->cfg.user[0] ? c->line->cfg.user :
								 c->line->cfg.name,
				     &lpCallInfo->dwCallerIDSize, &lpCallInfo->dwCallerIDOffset);
		lpCallInfo->dwCalledIDFlags = in->remote_user[0] ? LINECALLPARTYID_ADDRESS :
								   LINECALLPARTYID_UNKNOWN;
		if (in->remote_user[0])
			varstruct_add_string(&vs, in->remote_user, &lpCallInfo->dwCalledIDSize,
					     &lpCallInfo->dwCalledIDOffset);
	}
	if (in->remote_uri[0])
		varstruct_add_string(&vs, in->remote_uri, &lpCallInfo->dwDisplayableAddressSize,
				     &lpCallInfo->dwDisplayableAddressOffset);
	lpCallInfo->dwConnectedIDFlags = LINECALLPARTYID_UNKNOWN;
	lpCallInfo->dwRedirectionIDFlags = LINECALLPARTYID_UNKNOWN;
	lpCallInfo->dwRedirectingIDFlags = LINECALLPARTYID_UNKNOWN;
	lpCallInfo->dwNeededSize = vs.needed;
	lpCallInfo->dwUsedSize = vs.used;
	return tsp_leave(0);
}
