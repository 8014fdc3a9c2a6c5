/*
 * Handle tables, devices, requests and message queues: see tapi-registry.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tapi-registry.h"

pthread_mutex_t tapi_api_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t tapi_lock = PTHREAD_MUTEX_INITIALIZER;
size_t tapi_n_apps;

/*
 * A handle is (generation << 16) | (slot + 1): never 0, and a closed handle stays invalid
 * until its slot has been reused 65535 times.
 */
enum kind { KIND_FREE, KIND_APP, KIND_PHONE, KIND_LINEAPP, KIND_LINE, KIND_TCALL, KIND_CALL };

struct slot {
	uint16_t gen;
	uint8_t kind;
	void *obj;
};

#define MAX_SLOTS 0xFFFFu

static struct slot *slots;
static size_t n_slots;

static DWORD slot_take(enum kind kind, void *obj)
{
	size_t i;

	for (i = 0; i < n_slots; i++) {
		if (slots[i].kind == KIND_FREE)
			break;
	}
	if (i == n_slots) {
		struct slot *s;

		if (n_slots >= MAX_SLOTS)
			return 0;
		s = realloc(slots, (n_slots + 1) * sizeof(*s));
		if (!s)
			return 0;
		slots = s;
		slots[n_slots++] = (struct slot){ .gen = 0 };
	}
	if (++slots[i].gen == 0)
		slots[i].gen = 1;
	slots[i].kind = (uint8_t)kind;
	slots[i].obj = obj;
	return ((DWORD)slots[i].gen << 16) | (DWORD)(i + 1);
}

static void *slot_get(DWORD h, enum kind kind)
{
	size_t i = (h & 0xFFFFu);

	if (i == 0 || i > n_slots)
		return NULL;
	i--;
	if (slots[i].kind != kind || slots[i].gen != (h >> 16))
		return NULL;
	return slots[i].obj;
}

static void slot_release(DWORD h)
{
	size_t i = (h & 0xFFFFu);

	if (i == 0 || i > n_slots)
		return;
	/* The generation stays, so the old handle remains invalid when the slot is reused. */
	slots[i - 1].kind = KIND_FREE;
	slots[i - 1].obj = NULL;
}

/* --- applications ----------------------------------------------------------------------- */

static struct tapi_app *app_new(enum kind kind)
{
	struct tapi_app *app = calloc(1, sizeof(*app));
	pthread_condattr_t attr;

	if (!app)
		return NULL;
	app->event_fd = -1;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&app->cond, &attr);
	pthread_condattr_destroy(&attr);
	app->handle = slot_take(kind, app);
	if (!app->handle) {
		pthread_cond_destroy(&app->cond);
		free(app);
		return NULL;
	}
	return app;
}

struct tapi_app *tapi_app_new(void)
{
	return app_new(KIND_APP);
}

struct tapi_app *tapi_app_get(HPHONEAPP h)
{
	return slot_get(h, KIND_APP);
}

struct tapi_app *tapi_line_app_new(void)
{
	return app_new(KIND_LINEAPP);
}

struct tapi_app *tapi_line_app_get(HLINEAPP h)
{
	return slot_get(h, KIND_LINEAPP);
}

static void app_free(struct tapi_app *app)
{
	pthread_cond_destroy(&app->cond);
	free(app->name);
	free(app);
}

void tapi_app_end(struct tapi_app *app)
{
	struct tapi_msg *m = app->head;

	slot_release(app->handle);
	app->dead = true;
	while (m) {
		struct tapi_msg *next = m->next;

		free(m);
		m = next;
	}
	app->head = app->tail = NULL;
	app->n_msgs = 0;
	if (app->event_fd >= 0)
		close(app->event_fd);
	app->event_fd = -1;
	tapi_requests_suppress(0, app);
	pthread_cond_broadcast(&app->cond);
	if (!app->waiters)
		app_free(app);
}

/* --- phones ----------------------------------------------------------------------------- */

struct tapi_phone *tapi_phone_new(struct tapi_app *app, struct tapi_phone_dev *dev)
{
	struct tapi_phone *ph = calloc(1, sizeof(*ph));

	if (!ph)
		return NULL;
	ph->app = app;
	ph->dev = dev;
	ph->handle = slot_take(KIND_PHONE, ph);
	if (!ph->handle) {
		free(ph);
		return NULL;
	}
	return ph;
}

struct tapi_phone *tapi_phone_get(HPHONE h)
{
	return slot_get(h, KIND_PHONE);
}

void tapi_phone_free(struct tapi_phone *ph)
{
	slot_release(ph->handle);
	free(ph);
}

size_t tapi_phones_of(const struct tapi_phone_dev *dev, const struct tapi_app *app,
		      struct tapi_phone **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < n_slots && n < max; i++) {
		struct tapi_phone *ph = slots[i].obj;

		if (slots[i].kind != KIND_PHONE)
			continue;
		if ((dev && ph->dev == dev) || (app && ph->app == app))
			out[n++] = ph;
	}
	return n;
}

/* --- devices ---------------------------------------------------------------------------- */

static struct tapi_phone_dev **devs;
static size_t n_devs;

struct tapi_phone_dev *tapi_dev_add(struct tapi_provider *prov)
{
	struct tapi_phone_dev *dev = calloc(1, sizeof(*dev));
	struct tapi_phone_dev **d;

	if (!dev)
		return NULL;
	d = realloc(devs, (n_devs + 1) * sizeof(*d));
	if (!d) {
		free(dev);
		return NULL;
	}
	devs = d;
	dev->id = (DWORD)n_devs;
	dev->prov = prov;
	devs[n_devs++] = dev;
	return dev;
}

struct tapi_phone_dev *tapi_dev_get(DWORD id)
{
	return id < n_devs ? devs[id] : NULL;
}

size_t tapi_n_devs(void)
{
	return n_devs;
}

void tapi_devs_clear(void)
{
	for (size_t i = 0; i < n_devs; i++)
		free(devs[i]);
	free(devs);
	devs = NULL;
	n_devs = 0;
}

static struct tapi_line_dev **line_devs;
static size_t n_line_devs;

struct tapi_line_dev *tapi_line_dev_add(struct tapi_provider *prov)
{
	struct tapi_line_dev *dev = calloc(1, sizeof(*dev));
	struct tapi_line_dev **d;

	if (!dev)
		return NULL;
	d = realloc(line_devs, (n_line_devs + 1) * sizeof(*d));
	if (!d) {
		free(dev);
		return NULL;
	}
	line_devs = d;
	dev->id = (DWORD)n_line_devs;
	dev->prov = prov;
	line_devs[n_line_devs++] = dev;
	return dev;
}

struct tapi_line_dev *tapi_line_dev_get(DWORD id)
{
	return id < n_line_devs ? line_devs[id] : NULL;
}

size_t tapi_n_line_devs(void)
{
	return n_line_devs;
}

void tapi_line_devs_clear(void)
{
	for (size_t i = 0; i < n_line_devs; i++)
		free(line_devs[i]);
	free(line_devs);
	line_devs = NULL;
	n_line_devs = 0;
}

/* --- queues ----------------------------------------------------------------------------- */

static void event_fd_set(struct tapi_app *app, bool readable)
{
	uint64_t v = 1;
	ssize_t n;

	if (app->event_fd < 0)
		return;
	/* An eventfd counter: non-zero is readable. The queue's lock orders these. */
	if (readable)
		n = write(app->event_fd, &v, sizeof(v));
	else
		n = read(app->event_fd, &v, sizeof(v));
	if (n != (ssize_t)sizeof(v) && !(n < 0 && errno == EAGAIN))
		tapi_log("event descriptor of application %#x: %s", app->handle,
			 n < 0 ? strerror(errno) : "short transfer");
}

void tapi_post(struct tapi_app *app, DWORD hdevice, DWORD msg, DWORD_PTR instance, DWORD_PTR p1,
	       DWORD_PTR p2, DWORD_PTR p3)
{
	struct tapi_msg *m;

	if (!app || app->dead)
		return;
	/* Replies are never dropped: each request is answered exactly once. */
	if (app->n_msgs >= TAPI_MAX_QUEUE && msg != PHONE_REPLY && msg != LINE_REPLY) {
		if (app->dropped++ == 0)
			tapi_log("application %#x does not read its messages; dropping them",
				 app->handle);
		return;
	}
	m = malloc(sizeof(*m));
	if (!m) {
		tapi_log("out of memory: message %u for application %#x lost", msg, app->handle);
		return;
	}
	m->next = NULL;
	m->m = (PHONEMESSAGE){ .hDevice = hdevice, .dwMessageID = msg,
			       .dwCallbackInstance = instance, .dwParam1 = p1, .dwParam2 = p2,
			       .dwParam3 = p3 };
	if (app->tail)
		app->tail->next = m;
	else
		app->head = m;
	app->tail = m;
	if (app->n_msgs++ == 0)
		event_fd_set(app, true);
	pthread_cond_broadcast(&app->cond);
}

void tapi_post_all(DWORD msg, DWORD_PTR p1)
{
	for (size_t i = 0; i < n_slots; i++) {
		if (slots[i].kind == KIND_APP)
			tapi_post(slots[i].obj, 0, msg, 0, p1, 0, 0);
	}
}

LONG tapi_take(struct tapi_app *app, PHONEMESSAGE *out, DWORD timeout_ms)
{
	struct timespec deadline;
	struct tapi_msg *m;
	LONG rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	app->waiters++;
	while (!app->dead && !app->head) {
		int err;

		if (timeout_ms == 0) {
			rc = PHONEERR_OPERATIONFAILED;
			break;
		}
		if (timeout_ms == 0xFFFFFFFFu) {
			pthread_cond_wait(&app->cond, &tapi_lock);
			continue;
		}
		err = pthread_cond_timedwait(&app->cond, &tapi_lock, &deadline);
		if (err == ETIMEDOUT && !app->head && !app->dead) {
			rc = PHONEERR_OPERATIONFAILED;
			break;
		}
	}
	app->waiters--;
	if (app->dead) {
		if (!app->waiters)
			app_free(app);
		return PHONEERR_INVALAPPHANDLE;
	}
	if (rc)
		return rc;
	m = app->head;
	app->head = m->next;
	if (!app->head)
		app->tail = NULL;
	if (--app->n_msgs == 0)
		event_fd_set(app, false);
	*out = m->m;
	free(m);
	return 0;
}

struct request;
static void line_call_reply(const struct request *r, LONG result);

/* --- requests --------------------------------------------------------------------------- */

struct request {
	DRV_REQUESTID id;
	struct tapi_app *app;     /* NULL: suppressed */
	DWORD open;               /* the HPHONE or HLINE whose close suppresses it */
	DWORD hdevice;            /* the reply's hDevice */
	DWORD msg;                /* PHONE_REPLY or LINE_REPLY */
	DWORD_PTR instance;
	LPHCALL out;              /* lineMakeCall: where the HCALL goes on success */
	HCALL call;
};

static struct request *requests;
static size_t n_requests, cap_requests;
static DRV_REQUESTID next_request = 1;

static struct request *request_find(DRV_REQUESTID id)
{
	for (size_t i = 0; i < n_requests; i++) {
		if (requests[i].id == id)
			return &requests[i];
	}
	return NULL;
}

static DRV_REQUESTID request_add(const struct request *r);

DRV_REQUESTID tapi_request_new(struct tapi_phone *ph)
{
	struct request r = { .app = ph->app, .open = ph->handle, .hdevice = ph->handle,
			     .msg = PHONE_REPLY, .instance = ph->instance };

	return request_add(&r);
}

DRV_REQUESTID tapi_line_request_new(struct tapi_app *app, HLINE line, DWORD hdevice,
				    DWORD_PTR instance, LPHCALL out, HCALL call)
{
	struct request r = { .app = app, .open = line, .hdevice = hdevice, .msg = LINE_REPLY,
			     .instance = instance, .out = out, .call = call };

	return request_add(&r);
}

static DRV_REQUESTID request_add(const struct request *req)
{
	DRV_REQUESTID id;

	if (n_requests == cap_requests) {
		size_t cap = cap_requests ? cap_requests * 2 : 16;
		struct request *r = realloc(requests, cap * sizeof(*r));

		if (!r)
			return 0;
		requests = r;
		cap_requests = cap;
	}
	/* Positive LONG values, never one still outstanding. */
	do {
		id = next_request;
		next_request = next_request >= 0x7FFFFFFFu ? 1 : next_request + 1;
	} while (request_find(id));
	requests[n_requests] = *req;
	requests[n_requests++].id = id;
	return id;
}

static void request_remove(struct request *r)
{
	*r = requests[--n_requests];
	if (!n_requests) {
		free(requests);
		requests = NULL;
		cap_requests = 0;
	}
}

void tapi_request_drop(DRV_REQUESTID id)
{
	struct request *r = request_find(id);

	if (r)
		request_remove(r);
}

void tapi_requests_suppress(HPHONE phone, const struct tapi_app *app)
{
	for (size_t i = 0; i < n_requests; i++) {
		if ((phone && requests[i].open == phone) || (app && requests[i].app == app))
			requests[i].app = NULL;
	}
}

void tapi_request_complete(DRV_REQUESTID id, LONG result)
{
	struct request *r = request_find(id);

	if (!r) {
		tapi_log("a provider completed request %u, which is not outstanding", id);
		return;
	}
	if (r->call) {
		struct request done = *r;

		request_remove(r);
		line_call_reply(&done, result);
		return;
	}
	if (r->app)
		tapi_post(r->app, r->hdevice, r->msg, r->instance, id, (DWORD_PTR)(DWORD)result, 0);
	request_remove(r);
}

/* --- what TAPI adds --------------------------------------------------------------------- */

void tapi_count_privileges(const struct tapi_phone_dev *dev, DWORD *owners, DWORD *monitors,
			   struct tapi_phone **owner)
{
	*owners = *monitors = 0;
	if (owner)
		*owner = NULL;
	for (size_t i = 0; i < n_slots; i++) {
		struct tapi_phone *ph = slots[i].obj;

		if (slots[i].kind != KIND_PHONE || ph->dev != dev)
			continue;
		if (ph->privilege == PHONEPRIVILEGE_OWNER) {
			(*owners)++;
			if (owner)
				*owner = ph;
		} else {
			(*monitors)++;
		}
	}
}

void tapi_notify_privileges(struct tapi_phone_dev *dev, const struct tapi_phone *except,
			    bool owner_changed, bool monitors_changed)
{
	DWORD owners, monitors;

	tapi_count_privileges(dev, &owners, &monitors, NULL);
	for (size_t i = 0; i < n_slots; i++) {
		struct tapi_phone *ph = slots[i].obj;

		if (slots[i].kind != KIND_PHONE || ph->dev != dev || ph == except)
			continue;
		if (owner_changed && (ph->states & PHONESTATE_OWNER))
			tapi_post(ph->app, ph->handle, PHONE_STATE, ph->instance, PHONESTATE_OWNER,
				  owners, 0);
		if (monitors_changed && (ph->states & PHONESTATE_MONITORS))
			tapi_post(ph->app, ph->handle, PHONE_STATE, ph->instance,
				  PHONESTATE_MONITORS, monitors, 0);
	}
}

void tapi_status_union(const struct tapi_phone_dev *dev, DWORD *states, DWORD *modes,
		       DWORD *bstates)
{
	*states = *modes = *bstates = 0;
	for (size_t i = 0; i < n_slots; i++) {
		struct tapi_phone *ph = slots[i].obj;

		if (slots[i].kind != KIND_PHONE || ph->dev != dev)
			continue;
		*states |= ph->states;
		*modes |= ph->modes;
		*bstates |= ph->bstates;
	}
	*states &= ~(PHONESTATE_OWNER | PHONESTATE_MONITORS);
}

void tapi_dev_event(struct tapi_phone_dev *dev, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
		    DWORD_PTR p3)
{
	if (msg == PHONE_CLOSE) {
		/* Forced: every application that had the phone open hears it; handles die. */
		if (dev->opening)
			dev->closed_while_opening = true;
		if (!dev->open)
			return;
		for (size_t i = 0; i < n_slots; i++) {
			struct tapi_phone *ph = slots[i].obj;

			if (slots[i].kind != KIND_PHONE || ph->dev != dev)
				continue;
			tapi_post(ph->app, ph->handle, PHONE_CLOSE, ph->instance, 0, 0, 0);
			tapi_phone_free(ph);
		}
		dev->open = false;
		dev->hd = NULL;
		dev->states = dev->modes = dev->bstates = 0;
		return;
	}
	if (!dev->open)
		return;
	for (size_t i = 0; i < n_slots; i++) {
		struct tapi_phone *ph = slots[i].obj;
		bool want;

		if (slots[i].kind != KIND_PHONE || ph->dev != dev)
			continue;
		switch (msg) {
		case PHONE_STATE:
			/* REINIT is sent whatever the filter says. */
			want = (p1 & ph->states) || (p1 & PHONESTATE_REINIT);
			break;
		case PHONE_BUTTON:
			want = (p2 & ph->modes) && (p3 & ph->bstates);
			break;
		default:
			want = true;
			break;
		}
		if (want)
			tapi_post(ph->app, ph->handle, msg, ph->instance, p1, p2, p3);
	}
}

void tapi_log(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "libtapi32: %s\n", buf);
}

/* --- lines and calls -------------------------------------------------------------------- */

struct tapi_line *tapi_line_new(struct tapi_app *app, struct tapi_line_dev *dev)
{
	struct tapi_line *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->handle = slot_take(KIND_LINE, l);
	if (!l->handle) {
		free(l);
		return NULL;
	}
	l->app = app;
	l->dev = dev;
	return l;
}

struct tapi_line *tapi_line_get(HLINE h)
{
	return slot_get(h, KIND_LINE);
}

void tapi_line_free(struct tapi_line *l)
{
	slot_release(l->handle);
	free(l);
}

size_t tapi_lines_of(const struct tapi_line_dev *dev, const struct tapi_app *app,
		     struct tapi_line **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < n_slots && n < max; i++) {
		struct tapi_line *l = slots[i].obj;

		if (slots[i].kind != KIND_LINE)
			continue;
		if ((dev && l->dev == dev) || (app && l->app == app))
			out[n++] = l;
	}
	return n;
}

struct tapi_tcall *tapi_tcall_new(struct tapi_line_dev *dev)
{
	struct tapi_tcall *tc = calloc(1, sizeof(*tc));

	if (!tc)
		return NULL;
	tc->handle = slot_take(KIND_TCALL, tc);
	if (!tc->handle) {
		free(tc);
		return NULL;
	}
	tc->dev = dev;
	return tc;
}

struct tapi_tcall *tapi_tcall_get(DWORD h)
{
	return slot_get(h, KIND_TCALL);
}

void tapi_tcall_free(struct tapi_tcall *tc)
{
	slot_release(tc->handle);
	free(tc);
}

struct tapi_call *tapi_call_new(const struct tapi_line *l, struct tapi_tcall *tc,
				DWORD privilege, bool published)
{
	struct tapi_call *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->handle = slot_take(KIND_CALL, c);
	if (!c->handle) {
		free(c);
		return NULL;
	}
	c->app = l->app;
	c->line = l->handle;
	c->instance = l->instance;
	c->tc = tc;
	c->privilege = privilege;
	c->published = published;
	tc->n_calls++;
	return c;
}

struct tapi_call *tapi_call_get(HCALL h)
{
	return slot_get(h, KIND_CALL);
}

struct tapi_tcall *tapi_call_free(struct tapi_call *c)
{
	struct tapi_tcall *tc = c->tc;

	slot_release(c->handle);
	free(c);
	return --tc->n_calls == 0 ? tc : NULL;
}

size_t tapi_calls_of(const struct tapi_tcall *tc, HLINE line, struct tapi_call **out,
		     size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < n_slots && n < max; i++) {
		struct tapi_call *c = slots[i].obj;

		if (slots[i].kind != KIND_CALL)
			continue;
		if ((tc && c->tc == tc) || (line && c->line == line))
			out[n++] = c;
	}
	return n;
}

void tapi_post_all_lines(DWORD msg, DWORD_PTR p1)
{
	for (size_t i = 0; i < n_slots; i++) {
		if (slots[i].kind == KIND_LINEAPP)
			tapi_post(slots[i].obj, 0, msg, 0, p1, 0, 0);
	}
}

#define MAX_BATCH 64

void tapi_call_add_monitors(struct tapi_tcall *tc, HLINE except)
{
	struct tapi_line *lines[MAX_BATCH];
	size_t n = tapi_lines_of(tc->dev, NULL, lines, MAX_BATCH);

	for (size_t i = 0; i < n; i++) {
		struct tapi_call *c;

		if (lines[i]->handle == except || !(lines[i]->privileges & LINECALLPRIVILEGE_MONITOR))
			continue;
		c = tapi_call_new(lines[i], tc, LINECALLPRIVILEGE_MONITOR, true);
		if (!c) {
			tapi_log("out of memory: application %#x does not see a call",
				 lines[i]->app->handle);
			continue;
		}
		tapi_post(c->app, lines[i]->handle, LINE_APPNEWCALL, c->instance, 0, c->handle,
			  LINECALLPRIVILEGE_MONITOR);
	}
}

/*
 * lineMakeCall's reply: the HCALL is written to the application's lphCall as the successful
 * LINE_REPLY is queued (the page's caution), then the call's current state follows. A
 * failed call's handle is void.
 */
static void line_call_reply(const struct request *r, LONG result)
{
	struct tapi_call *c = tapi_call_get(r->call);

	if (!c) {
		/* Its line was closed meanwhile: the reply was suppressed with it. */
		if (r->app)
			tapi_post(r->app, r->hdevice, r->msg, r->instance, r->id,
				  (DWORD_PTR)(DWORD)result, 0);
		return;
	}
	if (result || !r->app) {
		struct tapi_tcall *tc = tapi_call_free(c);

		/* The provider forgets a call whose TSPI_lineMakeCall failed. */
		if (tc && result)
			tapi_tcall_free(tc);
		else if (tc)
			tapi_log("call %#x of a closed line left to the provider", r->call);
		if (r->app)
			tapi_post(r->app, r->hdevice, r->msg, r->instance, r->id,
				  (DWORD_PTR)(DWORD)result, 0);
		return;
	}
	*r->out = c->handle;
	c->published = true;
	tapi_post(r->app, r->hdevice, r->msg, r->instance, r->id, 0, 0);
	if (c->tc->state)
		tapi_post(c->app, c->handle, LINE_CALLSTATE, c->instance, c->tc->state,
			  c->tc->mode, 0);
	tapi_call_add_monitors(c->tc, c->line);
}

/* A call the provider offers: the first owner of the device whose media modes take voice
 * owns it, monitors see it. */
static void line_new_call(struct tapi_line_dev *dev, HDRVCALL hd, HTAPICALL *ht)
{
	struct tapi_line *lines[MAX_BATCH];
	size_t n = tapi_lines_of(dev, NULL, lines, MAX_BATCH);
	struct tapi_tcall *tc = tapi_tcall_new(dev);
	struct tapi_line *owner = NULL;
	struct tapi_call *c;

	if (!tc) {
		tapi_log("out of memory: a new call on line %u is not seen", dev->id);
		return;
	}
	tc->hd = hd;
	*ht = (HTAPICALL)(uintptr_t)tc->handle;
	for (size_t i = 0; i < n && !owner; i++) {
		if ((lines[i]->privileges & LINECALLPRIVILEGE_OWNER) &&
		    (lines[i]->media_modes & (LINEMEDIAMODE_INTERACTIVEVOICE |
					      LINEMEDIAMODE_UNKNOWN)))
			owner = lines[i];
	}
	if (owner && (c = tapi_call_new(owner, tc, LINECALLPRIVILEGE_OWNER, true)))
		tapi_post(c->app, owner->handle, LINE_APPNEWCALL, c->instance, 0, c->handle,
			  LINECALLPRIVILEGE_OWNER);
	tapi_call_add_monitors(tc, owner ? owner->handle : 0);
	if (!tc->n_calls) {
		/* Its owner closed as it came: the call's events find nothing; the provider ends
		 * it with its line. */
		tapi_log("a new call on line %u has no application", dev->id);
		*ht = NULL;
		tapi_tcall_free(tc);
	}
}

/* The provider closed its line (unplug, forced close): every open of it ends. */
static void line_forced_close(struct tapi_line_dev *dev)
{
	struct tapi_line *lines[MAX_BATCH];
	struct tapi_call *calls[MAX_BATCH];
	size_t n;

	while ((n = tapi_lines_of(dev, NULL, lines, MAX_BATCH)) > 0) {
		for (size_t i = 0; i < n; i++) {
			struct tapi_line *l = lines[i];
			size_t k;

			tapi_requests_suppress(l->handle, NULL);
			while ((k = tapi_calls_of(NULL, l->handle, calls, MAX_BATCH)) > 0) {
				for (size_t j = 0; j < k; j++) {
					struct tapi_tcall *tc = tapi_call_free(calls[j]);

					if (tc)
						tapi_tcall_free(tc);
				}
			}
			tapi_post(l->app, l->handle, LINE_CLOSE, l->instance, 0, 0, 0);
			tapi_line_free(l);
		}
	}
	dev->open = false;
	dev->hd = NULL;
	dev->media = dev->digit_modes = 0;
}

void tapi_line_dev_event(struct tapi_line_dev *dev, struct tapi_tcall *tc, DWORD msg,
			 DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3)
{
	struct tapi_call *calls[MAX_BATCH];
	struct tapi_line *lines[MAX_BATCH];
	size_t n;

	switch (msg) {
	case LINE_NEWCALL:
		if (dev->open)
			line_new_call(dev, (HDRVCALL)p1, (HTAPICALL *)p2);
		return;
	case LINE_CLOSE:
		if (dev->open)
			line_forced_close(dev);
		return;
	case LINE_LINEDEVSTATE:
		n = tapi_lines_of(dev, NULL, lines, MAX_BATCH);
		for (size_t i = 0; i < n; i++) {
			if (lines[i]->line_states & p1)
				tapi_post(lines[i]->app, lines[i]->handle, msg, lines[i]->instance,
					  p1, p2, p3);
		}
		return;
	case LINE_ADDRESSSTATE:
		n = tapi_lines_of(dev, NULL, lines, MAX_BATCH);
		for (size_t i = 0; i < n; i++) {
			if (lines[i]->address_states & p2)
				tapi_post(lines[i]->app, lines[i]->handle, msg, lines[i]->instance,
					  p1, p2, p3);
		}
		return;
	default:
		break;
	}
	if (!tc)
		return;
	if (msg == LINE_CALLSTATE) {
		tc->state = (DWORD)p1;
		tc->mode = (DWORD)p2;
	}
	n = tapi_calls_of(tc, 0, calls, MAX_BATCH);
	for (size_t i = 0; i < n; i++) {
		struct tapi_call *c = calls[i];

		if (!c->published)
			continue;   /* lineMakeCall's: its state follows its LINE_REPLY */
		if (msg == LINE_CALLSTATE)
			tapi_post(c->app, c->handle, msg, c->instance, p1, p2, 0);
		else if (msg == LINE_MONITORDIGITS && !(c->monitor_digits & p2))
			continue;
		else if (msg == LINE_GENERATE && c->privilege != LINECALLPRIVILEGE_OWNER)
			continue;
		else
			tapi_post(c->app, c->handle, msg, c->instance, p1, p2, p3);
	}
}

/* --- the API functions' guard ----------------------------------------------------------- */

static const DWORD api_versions[] = {
	TAPI_VERSION2_0, TAPI_VERSION2_1, TAPI_VERSION2_2, TAPI_VERSION3_0, TAPI_VERSION3_1,
};

LONG tapi_enter(LONG uninitialized)
{
	pthread_mutex_lock(&tapi_api_lock);
	pthread_mutex_lock(&tapi_lock);
	return tapi_n_apps ? 0 : tapi_leave(uninitialized);
}

LONG tapi_leave(LONG rc)
{
	pthread_mutex_unlock(&tapi_lock);
	pthread_mutex_unlock(&tapi_api_lock);
	return rc;
}

void tapi_unlock_tables(void)
{
	pthread_mutex_unlock(&tapi_lock);
}

void tapi_lock_tables(void)
{
	pthread_mutex_lock(&tapi_lock);
}

bool tapi_api_version_ok(DWORD v)
{
	return tapi_api_version_in(v, v) != 0;
}

DWORD tapi_api_version_in(DWORD low, DWORD high)
{
	for (size_t i = sizeof(api_versions) / sizeof(api_versions[0]); i-- > 0;) {
		if (api_versions[i] >= low && api_versions[i] <= high)
			return api_versions[i];
	}
	return 0;
}

LONG tapi_get_message(DWORD h, bool line, PHONEMESSAGE *out, DWORD timeout_ms)
{
	struct tapi_app *app;
	PHONEMESSAGE m;
	LONG rc;

	pthread_mutex_lock(&tapi_lock);
	if (!tapi_n_apps)
		rc = PHONEERR_UNINITIALIZED;
	else if (!(app = line ? tapi_line_app_get(h) : tapi_app_get(h)))
		rc = PHONEERR_INVALAPPHANDLE;
	else if (!out)
		rc = PHONEERR_INVALPOINTER;
	else
		rc = tapi_take(app, &m, timeout_ms);
	pthread_mutex_unlock(&tapi_lock);
	if (rc == 0)
		*out = m;
	return rc;
}
