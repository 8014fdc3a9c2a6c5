/*
 * An open phone's I/O: opening its transport, reading it on the I/O loop and turning input
 * reports into TAPI events, writing output state to the device, and closing, also when the
 * device is gone.
 *
 * The loop thread reads the open transport, and so does the dispatch thread while it is idle
 * (tsp_phone_input(): its reads and the loop's are made under the provider lock, one report
 * at a time, so reports keep their order); the device writer (phone-writer.h) writes it and,
 * after the open's last write, closes it, so a close never pulls the transport from under a
 * read or a write. A close stops the reading through the loop, behind the requests posted
 * before it, whose writes the loop queues before the close; the dispatch thread finds the
 * open closing, under the lock, before that.
 */
#include <errno.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "hid/hot-path.h"
#include "loop/event-loop.h"
#include "lamp-cadence.h"
#include "button-info.h"
#include "dispatch.h"
#include "errors.h"
#include "log.h"
#include "phone.h"
#include "phone-audio.h"
#include "phone-io.h"
#include "phone-writer.h"
#include "line.h"

static DWORD hook_state_bit(enum phone_hook_device dev)
{
	switch (dev) {
	case PHONE_HOOK_HANDSET: return PHONESTATE_HANDSETHOOKSWITCH;
	case PHONE_HOOK_SPEAKER: return PHONESTATE_SPEAKERHOOKSWITCH;
	case PHONE_HOOK_HEADSET: return PHONESTATE_HEADSETHOOKSWITCH;
	}
	return 0;
}

HOT_PATH
void tsp_phone_state(struct phone *p, DWORD state, DWORD_PTR param)
{
	/* REINIT always reaches the host (TSPI_phoneSetStatusMessages). */
	if (!p->host_handle || !(p->filter_states & state || state == PHONESTATE_REINIT))
		return;
	tsp_post_event(p->host_handle, p->event_proc, p->htphone, PHONE_STATE, state, param, 0);
}

HOT_PATH
void tsp_phone_button(struct phone *p, uint32_t id, bool down)
{
	const struct phone_button *b = phone_model_button(p->model, id);
	DWORD mode, state = down ? PHONEBUTTONSTATE_DOWN : PHONEBUTTONSTATE_UP;

	if (!b || !p->host_handle)
		return;
	mode = tsp_button_mode(b);
	if (!(p->filter_button_modes & mode) || !(p->filter_button_states & state))
		return;
	tsp_post_event(p->host_handle, p->event_proc, p->htphone, PHONE_BUTTON, id, mode, state);
}

/*
 * An open phone's I/O, on the loop thread: the node's descriptor watched by the loop
 * (hidraw) or a timer for the next report of a recording (replay), and the cadences of
 * lamps the provider blinks itself. Its writes are jobs of the device writer
 * (phone-writer.h), which also closes the transport and frees this, after the last of
 * them: so a write in progress always has its transport.
 */
struct write_job;

struct phone_io {
	struct phone *phone;         /* loop thread; the writer never follows it */
	struct transport *t;
	uint64_t handle;
	int fd;                      /* watched (set under the provider lock), or -1 */
	/*
	 * fd is read by whichever of the loop and the dispatch thread is free (its reads under
	 * the provider lock, so reports keep their order); false: by the loop alone.
	 */
	bool shared;
	struct loop_watch watch;
	bool playing;                /* a recording: the host has set its filter (or 1 s passed) */
	struct loop_timer timer;     /* a recording: the next report, or the 1 s before playing */
	struct lamp_blinker blink;
	/*
	 * AttrOffHookAckWindow (provider lock): what each hook's Off-Hook output last said
	 * (off before the first write: what a device shows when opened), and until when (loop
	 * clock, ms) a hook report saying the same is the device's acknowledgement: UINT64_MAX
	 * while that write is queued or in progress, then the window from its end. ack_seq
	 * tells the writer whether the window it would open is still the newest.
	 */
	bool hook_led[PHONE_HOOK_DEVICES];
	uint64_t ack_until[PHONE_HOOK_DEVICES];
	uint32_t ack_seq[PHONE_HOOK_DEVICES];
	uint32_t ack_window_ms;
	/*
	 * Provider lock: the after-work of the reports read (struct input_work), oldest
	 * first, whichever thread read them; freed by io_stop().
	 */
	struct input_work *work_head, *work_tail;
	uint64_t work_seq;
	/* Writer lock: the output write queued and not yet taken by the writer, or NULL. */
	struct write_job *queued_out;
	bool *closed;                /* writer lock: set when the writer has closed this */
	char source[sizeof(((struct phone *)0)->source)];
	size_t len;
	uint8_t buf[];
};

/* --- writes: jobs of the device writer ------------------------------------------------ */

struct write_done {
	uint64_t handle;
	DRV_REQUESTID id;
};

/* Bytes before each report in write_job.bytes. */
enum { JOB_REPORT_HEADER = 4 };

struct write_job {
	struct writer_job base;
	struct phone_io *io;
	const char *what;            /* for the log */
	/*
	 * The reports, in order, each as: feature (1 byte), report id (1 byte), length (2
	 * bytes), the report as on the wire.
	 */
	uint8_t *bytes;
	size_t used, cap;
	/* The requests this write completes. */
	struct write_done *done;
	size_t n_done, cap_done;
	unsigned ack_hooks;          /* hooks whose Off-Hook output this write changes */
	uint32_t ack_seq[PHONE_HOOK_DEVICES];
};

static void job_free(struct write_job *j)
{
	free(j->bytes);
	free(j->done);
	free(j);
}

static int job_add_report(struct write_job *j, uint8_t id, const uint8_t *report, size_t len,
			  bool feature)
{
	if (len > 0xffff)
		return -EINVAL;
	if (j->used + JOB_REPORT_HEADER + len > j->cap) {
		size_t cap = (j->cap ? j->cap * 2 : 64) + JOB_REPORT_HEADER + len;
		uint8_t *b = realloc(j->bytes, cap);

		if (!b)
			return -ENOMEM;
		j->bytes = b;
		j->cap = cap;
	}
	j->bytes[j->used] = feature;
	j->bytes[j->used + 1] = id;
	j->bytes[j->used + 2] = (uint8_t)len;
	j->bytes[j->used + 3] = (uint8_t)(len >> 8);
	memcpy(j->bytes + j->used + JOB_REPORT_HEADER, report, len);
	j->used += JOB_REPORT_HEADER + len;
	return 0;
}

static int job_add_done(struct write_job *j, uint64_t handle, DRV_REQUESTID id)
{
	if (j->n_done == j->cap_done) {
		size_t cap = j->cap_done ? j->cap_done * 2 : 2;
		struct write_done *d = realloc(j->done, cap * sizeof(*d));

		if (!d)
			return -ENOMEM;
		j->done = d;
		j->cap_done = cap;
	}
	j->done[j->n_done++] = (struct write_done){ .handle = handle, .id = id };
	return 0;
}

static int collect_output(uint8_t id, const uint8_t *report, size_t len, void *data)
{
	return job_add_report(data, id, report, len, false);
}

static int collect_report(uint8_t id, const uint8_t *report, size_t len, enum rdesc_kind kind,
			  void *data)
{
	/* HID 1.11's display example uses feature reports; others use output reports. */
	return job_add_report(data, id, report, len, kind == RDESC_FEATURE);
}

/* Completes the job's requests with rc (any thread but the loop's callers' own). */
static void job_complete(struct write_job *j, int rc)
{
	for (size_t i = 0; i < j->n_done; i++)
		tsp_post_completion(j->done[i].handle, j->done[i].id, tsp_phone_error(rc));
	if (j->n_done)
		tsp_dispatch_wake();
}

/* Writer thread: the job's reports, in order; then its completions. */
static void run_write(struct writer_job *base)
{
	struct write_job *j = (struct write_job *)base;
	struct phone_io *io = j->io;
	int rc = 0;

	/* From here on the job is the writer's: nobody merges into it any more. */
	tsp_writer_lock();
	if (io->queued_out == j)
		io->queued_out = NULL;
	tsp_writer_unlock();
	for (size_t off = 0; off + JOB_REPORT_HEADER <= j->used;) {
		bool feature = j->bytes[off];
		uint8_t id = j->bytes[off + 1];
		size_t len = (size_t)j->bytes[off + 2] | (size_t)j->bytes[off + 3] << 8;
		const uint8_t *report = j->bytes + off + JOB_REPORT_HEADER;
		int r = feature ? transport_set_feature(io->t, id, report, len) :
				  transport_write(io->t, id, report, len);

		/* Keep going: one report failing is no reason to leave the others stale. */
		if (r < 0 && rc == 0)
			rc = r;
		off += JOB_REPORT_HEADER + len;
	}
	if (rc < 0)
		tsp_log(TSP_LOG_WARNING, "%s: writing %s failed: %s", io->source, j->what,
			strerror(-rc));
	/*
	 * A device that reports a hook change when the host drives its Off-Hook LED (Jabra:
	 * devices/data/50-jabra.phone) is acknowledging, not being lifted or put down: the
	 * window runs from the end of the write that changed what the LED says.
	 */
	if (j->ack_hooks) {
		uint64_t until = loop_now_ms() + io->ack_window_ms;

		pthread_mutex_lock(&tsp.lock);
		for (int d = 0; d < PHONE_HOOK_DEVICES; d++) {
			if (j->ack_hooks & 1u << d && io->ack_seq[d] == j->ack_seq[d])
				io->ack_until[d] = until;
		}
		pthread_mutex_unlock(&tsp.lock);
	}
	job_complete(j, rc);
	job_free(j);
}

static struct write_job *job_new(struct phone_io *io, const char *what)
{
	struct write_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->base.run = run_write;
	j->io = io;
	j->what = what;
	return j;
}

/*
 * Queues a write job (writer lock held); with no writer (the provider is stopping), its
 * requests complete with an error and nothing is written.
 */
static bool queue_locked(struct write_job *j)
{
	if (tsp_writer_post_locked(&j->base) == 0)
		return true;
	job_complete(j, -ESHUTDOWN);
	job_free(j);
	return false;
}

/*
 * Loop thread, provider lock held: queues the write of the whole output state out (the
 * phone's own, p->out, but for a hook change's confirmation), completing request (when not
 * NULL). Of two writes, the later one writes the newer state; a write still waiting for the
 * writer takes the newer state instead of a second job being queued behind it, so a device
 * that is slow to take reports gets the newest state next, not every state in between, and
 * every request still completes once. A hook change's confirmation (merge false) is
 * written as it is, each one: the device waits for it.
 */
static void queue_state(struct phone *p, struct phone_io *io,
			const struct phone_output_state *out, const struct write_done *request,
			bool merge)
{
	const struct phone_model *m = p->model;
	struct write_job *j = job_new(io, "an output report"), *q;
	unsigned hooks = 0;
	int rc = j ? 0 : -ENOMEM;

	if (j)
		rc = phone_model_encode(m, out, collect_output, j);
	if (rc == 0 && request)
		rc = job_add_done(j, request->handle, request->id);
	if (rc < 0) {
		tsp_log(TSP_LOG_ERROR, "%s: cannot queue a write: %s", p->source, strerror(-rc));
		if (request)
			tsp_post_completion(request->handle, request->id, tsp_phone_error(rc));
		if (j)
			job_free(j);
		return;
	}
	for (int d = 0; io->ack_window_ms && d < PHONE_HOOK_DEVICES; d++) {
		bool led = out->hook_offhook[d];

		if (!m->hooks[d].settable)
			continue;
		if (d == (int)m->offhook_hook && m->offhook_lamp_id < PHONE_MAX_IDS &&
		    out->offhook_lamp_app)
			led = out->lamp_on[m->offhook_lamp_id];
		if (io->hook_led[d] != led) {
			hooks |= 1u << d;
			io->ack_seq[d]++;
			io->ack_until[d] = UINT64_MAX;
		}
		io->hook_led[d] = led;
		j->ack_seq[d] = io->ack_seq[d];
	}
	j->ack_hooks = hooks;
	tsp_writer_lock();
	q = merge ? io->queued_out : NULL;
	if (q && (!request || job_add_done(q, request->handle, request->id) == 0)) {
		/* The waiting write takes this state: its bytes, and the newer windows. */
		free(q->bytes);
		q->bytes = j->bytes;
		q->used = j->used;
		q->cap = j->cap;
		j->bytes = NULL;
		q->ack_hooks |= hooks;
		memcpy(q->ack_seq, j->ack_seq, sizeof(q->ack_seq));
		tsp_writer_unlock();
		job_free(j);
		return;
	}
	io->queued_out = queue_locked(j) && merge ? j : NULL;
	tsp_writer_unlock();
}

/* Loop thread, provider lock held: queue_state() of the phone's output state as it is now. */
static void queue_output(struct phone *p, struct phone_io *io, const struct write_done *request,
			 bool merge)
{
	queue_state(p, io, &p->out, request, merge);
}

/*
 * Loop thread, provider lock held: the confirmation of a hook change, with the hook
 * switches as the report that changed them left them (hooks, taken when it was handled),
 * not as they are by now: the dispatch thread may have read the next change meanwhile (a
 * hook put back at once), and the device is to see each change confirmed, in order
 * (test_hook_back_at_once).
 */
static void queue_echo(struct phone *p, struct phone_io *io, const bool *hooks)
{
	struct phone_output_state out = p->out;

	memcpy(out.hook_offhook, hooks, sizeof(out.hook_offhook));
	queue_state(p, io, &out, NULL, false);
}

/* Loop thread, provider lock held: queues the write of the whole display text. */
static void queue_display(struct phone *p, struct phone_io *io, const struct write_done *request)
{
	struct write_job *j = job_new(io, "the display");
	int rc = j ? 0 : -ENOMEM;

	if (j)
		rc = phone_model_encode_display(p->model, p->display_text, collect_report, j);
	if (rc == 0 && request)
		rc = job_add_done(j, request->handle, request->id);
	if (rc < 0) {
		tsp_log(TSP_LOG_WARNING, "%s: writing the display failed: %s", p->source,
			strerror(-rc));
		if (request)
			tsp_post_completion(request->handle, request->id, tsp_phone_error(rc));
		if (j)
			job_free(j);
		return;
	}
	tsp_writer_lock();
	/* An output write after this one must not be merged into one before it. */
	io->queued_out = NULL;
	queue_locked(j);
	tsp_writer_unlock();
}

/* Writer thread: the open is over; the transport closes after its last write. */
static void run_close(struct writer_job *base)
{
	struct write_job *j = (struct write_job *)base;
	struct phone_io *io = j->io;

	transport_close(io->t);
	tsp_writer_lock();
	if (io->closed) {
		*io->closed = true;
		tsp_writer_signal();
	}
	tsp_writer_unlock();
	free(io);
	job_free(j);
}

struct request {
	uint64_t handle;             /* the host's open the completion belongs to */
	uint64_t dev;                /* the device's open */
	struct phone_io *io;         /* alive while the open of dev is */
	DRV_REQUESTID id;
	enum tsp_write what;
	bool internal;               /* the provider's own write (a call's lamps): no completion */
};

/*
 * The cadence the provider times for lamp id: a blink mode of a lamp that has an on/off
 * LED and no multi-mode indicator to blink by itself.
 */
static enum lamp_cadence host_cadence(const struct phone *p, uint32_t id)
{
	const struct phone_button *b = phone_model_button(p->model, id);

	if (!b || !tsp_lamp_host_timed(p->model, b))
		return LAMP_CADENCE_NONE;
	switch (p->lamp_mode[id]) {
	case PHONELAMPMODE_WINK: return LAMP_CADENCE_WINK;
	case PHONELAMPMODE_FLASH: return LAMP_CADENCE_FLASH;
	case PHONELAMPMODE_FLUTTER: return LAMP_CADENCE_FLUTTER;
	case PHONELAMPMODE_BROKENFLUTTER: return LAMP_CADENCE_BROKEN_FLUTTER;
	}
	return LAMP_CADENCE_NONE;
}

/* Lock held, loop thread: the blinking lamps' on/off state as their cadence says now. */
static bool apply_blink(struct phone *p, struct phone_io *io)
{
	bool changed = false;

	for (uint32_t id = 0; io->blink.blinking && id < PHONE_MAX_IDS; id++) {
		bool lit;

		if (!io->blink.cadence[id])
			continue;
		lit = lamp_blinker_lit(&io->blink, id);
		changed |= p->out.lamp_on[id] != lit;
		p->out.lamp_on[id] = lit;
	}
	return changed;
}

/* Lock held, loop thread: the lamp modes the host set become cadences. */
static void sync_blink(struct phone *p, struct phone_io *io)
{
	for (uint32_t id = 0; id < p->model->n_ids && id < PHONE_MAX_IDS; id++)
		lamp_blinker_set(&io->blink, id, host_cadence(p, id));
	apply_blink(p, io);
}

static void blink_edge(void *arg)
{
	struct phone_io *io = arg;
	struct phone *p = io->phone;
	bool changed;

	pthread_mutex_lock(&tsp.lock);
	changed = p->handle == io->handle && !p->closing && apply_blink(p, io);
	if (changed)
		queue_output(p, io, NULL, true);
	pthread_mutex_unlock(&tsp.lock);
}

/* The device open of handle, also while it closes (its close waits for this on the loop). */
static struct phone *open_phone(uint64_t handle)
{
	for (size_t i = 0; i < tsp.n_phones; i++) {
		if (tsp.phones[i]->handle == handle)
			return tsp.phones[i];
	}
	return NULL;
}

/*
 * Loop thread: a request's write goes to the device writer, which completes it once
 * written. rq->io is used only while its open is found: a close stops the open's I/O on
 * this thread after the requests posted before it, and a phone closed by unplug before
 * now has no open (its request completes with an error at once).
 */
static void request_on_loop(void *arg)
{
	struct request *rq = arg;
	struct write_done done = { .handle = rq->handle, .id = rq->id };
	struct phone *p;

	pthread_mutex_lock(&tsp.lock);
	p = open_phone(rq->dev);
	if (p && p->transport) {
		if (rq->what == TSP_WRITE_DISPLAY) {
			queue_display(p, rq->io, rq->internal ? NULL : &done);
		} else {
			sync_blink(p, rq->io);
			queue_output(p, rq->io, rq->internal ? NULL : &done, true);
		}
	} else if (!rq->internal) {
		tsp_post_completion(rq->handle, rq->id, tsp_phone_error(-ENODEV));
	}
	pthread_mutex_unlock(&tsp.lock);
	tsp_dispatch();
	free(rq);
}

HOT_PATH
void tsp_phone_offhook_lamp(struct phone *p)
{
	uint32_t id = p->model->offhook_lamp_id;
	DWORD mode;

	if (id >= PHONE_MAX_IDS || p->out.offhook_lamp_app || !p->handle)
		return;
	mode = p->out.hook_offhook[p->model->offhook_hook] ? PHONELAMPMODE_STEADY :
							     PHONELAMPMODE_OFF;
	p->out.lamp_on[id] = mode != PHONELAMPMODE_OFF;
	if (p->lamp_mode[id] != mode) {
		p->lamp_mode[id] = mode;
		tsp_phone_state(p, PHONESTATE_LAMP, id);
	}
}

/*
 * Lock held. A call changed lamps itself (Mute goes out when it ends): their modes say so
 * and TAPI hears of it, as of a change an application made. A lamp the provider blinks
 * by its timer is on and off by turns; its mode stands.
 */
static void lamps_follow_output(struct phone *p)
{
	for (uint32_t id = 0; id < p->model->n_ids && id < PHONE_MAX_IDS; id++) {
		DWORD mode = p->lamp_mode[id];

		if (mode == PHONELAMPMODE_DUMMY || (id == p->model->offhook_lamp_id &&
						    !p->out.offhook_lamp_app))
			continue;
		if ((mode != PHONELAMPMODE_OFF) == p->out.lamp_on[id] ||
		    (p->io && p->io->blink.cadence[id]))
			continue;
		p->lamp_mode[id] = p->out.lamp_on[id] ? PHONELAMPMODE_STEADY : PHONELAMPMODE_OFF;
		p->out.lamp_blink[id] = PHONE_LAMP_STEADY;
		tsp_phone_state(p, PHONESTATE_LAMP, id);
	}
}

/* The provider's own write of the output state or the display: no request (lock held). */
static void write_internal(struct phone *p, enum tsp_write what)
{
	struct request *rq = malloc(sizeof(*rq));

	if (!rq)
		return;
	*rq = (struct request){ .dev = p->handle, .io = p->io, .what = what, .internal = true };
	if (loop_post(request_on_loop, rq) < 0)
		free(rq);
}

void tsp_phone_write(struct phone *p)
{
	if (!p->handle || p->closing || !p->io)
		return;
	/* A call moved the hook's Off-Hook LED or other lamps: their lamps say so. */
	tsp_phone_offhook_lamp(p);
	lamps_follow_output(p);
	write_internal(p, TSP_WRITE_OUTPUT);
}

void tsp_phone_request(struct phone *p, DRV_REQUESTID request, enum tsp_write what)
{
	struct request *rq = malloc(sizeof(*rq));
	int rc = rq ? 0 : -ENOMEM;

	if (rq) {
		*rq = (struct request){ .handle = p->host_handle, .dev = p->handle, .io = p->io,
					.id = request, .what = what };
		rc = loop_post(request_on_loop, rq);
	}
	if (rc < 0) {
		/* Every request completes, also when it cannot be carried out. */
		free(rq);
		tsp_post_completion(p->host_handle, request, tsp_phone_error(rc));
	}
}

/* Unlinks p from the table, tells TAPI and frees it (lock held). */
static void forget_removed(struct phone *p)
{
	/* Its line goes with it: forced LINE_CLOSE, calls ended, LINE_REMOVE. */
	tsp_lines_phone_gone(p);
	if (p->device_id != TSP_NO_ID && tsp.create_proc)
		tsp_post_event(0, tsp.create_proc, NULL, PHONE_REMOVE, p->device_id, 0, 0);
	/*
	 * Nothing refers to the phone any more: its reading has stopped and its requests were
	 * written or completed before the close returned. A re-plugged device comes back as a
	 * new phone with a new id.
	 */
	for (size_t i = 0; i < tsp.n_phones; i++) {
		if (tsp.phones[i] == p) {
			memmove(&tsp.phones[i], &tsp.phones[i + 1],
				(tsp.n_phones - i - 1) * sizeof(tsp.phones[0]));
			tsp.n_phones--;
			break;
		}
	}
	tsp_phone_free(p);
}

void tsp_phone_removed(struct phone *p)
{
	/*
	 * The reading sees the node hang up and the udev monitor sees it go: the first does the
	 * work, and the flag keeps the other away while the close has the lock released.
	 */
	if (p->removed)
		return;
	p->removed = true;
	tsp_log(TSP_LOG_INFO, "%s: device removed", p->source);
	/* TAPI has counted it: providerInit gives it its id, reports the removal and frees it. */
	if (!tsp.initialized)
		return;
	/* A host thread is closing it right now: that close finishes the removal. */
	if (p->closing) {
		p->remove_after_close = true;
		return;
	}
	if (p->handle && tsp_phone_close(p, true))
		return;
	forget_removed(p);
}

/*
 * What a report means to the phone's line: hook changes, keypad digits and the Mute button,
 * in order, for after the host has heard of the report.
 */
enum line_in_kind { LINE_IN_HOOK, LINE_IN_KEY, LINE_IN_MUTE };

struct line_input {
	int n;
	struct line_in {
		enum line_in_kind kind;
		bool offhook;
		char digit;
	} in[32];
};

static void line_input_add(struct line_input *li, enum line_in_kind kind, bool offhook,
			   char digit)
{
	if (li->n < 32)
		li->in[li->n++] = (struct line_in){ .kind = kind, .offhook = offhook,
						    .digit = digit };
}

/* Lock held: the line reacts (a dial tone, the call dropped, a digit dialed, muted). */
static void line_input_run(struct phone *p, const struct line_input *li)
{
	for (int i = 0; i < li->n; i++) {
		switch (li->in[i].kind) {
		case LINE_IN_HOOK:
			tsp_line_phone_hook(p, li->in[i].offhook);
			break;
		case LINE_IN_KEY:
			tsp_line_phone_key(p, li->in[i].digit);
			break;
		case LINE_IN_MUTE:
			tsp_line_phone_mute(p);
			break;
		}
	}
}

/* Lock held: keeps of li what the phone's line acts on now (tsp_line_phone_listens()). */
static void line_input_filter(const struct phone *p, struct line_input *li)
{
	int kept = 0;

	for (int i = 0; i < li->n; i++) {
		if (tsp_line_phone_listens(p, li->in[i].kind == LINE_IN_HOOK))
			li->in[kept++] = li->in[i];
	}
	li->n = kept;
}

/*
 * Turns one report into events, and into li what the line is to do about it; true when
 * the device wants its hook change confirmed.
 */
HOT_PATH
static bool handle_report(struct phone *p, struct phone_io *io, const uint8_t *buf, size_t n,
			  struct line_input *li)
{
	struct phone_input_event ev[32];
	bool need_echo = false;
	int count = phone_model_decode(p->model, &p->in, buf, n, ev, 32);

	for (int i = 0; i < count && i < 32; i++) {
		if (ev[i].type == PHONE_EVENT_HOOK) {
			const struct phone_hook *h = &p->model->hooks[ev[i].hook];

			/* The device acknowledging what the host's Off-Hook LED said: no event. */
			if (io->ack_until[ev[i].hook] && loop_now_ms() < io->ack_until[ev[i].hook] &&
			    io->hook_led[ev[i].hook] == ev[i].offhook) {
				io->ack_until[ev[i].hook] = 0;
				/* Taken: the write still in progress opens no window after it. */
				io->ack_seq[ev[i].hook]++;
				tsp_log(TSP_LOG_DEBUG, "%s: hook report acknowledges the Off-Hook LED",
					p->source);
				continue;
			}

			/*
			 * Headsets want the host to confirm a hook change they report by
			 * driving the Off-Hook LED, or they fall back (prior-art: Jabra, EPOS).
			 * A profile's AttrOffHookEcho leaves it to the application, or to nobody.
			 */
			if (h->settable && phone_model_offhook_echo(p->model) == PHONE_ECHO_ECHO &&
			    p->out.hook_offhook[ev[i].hook] != ev[i].offhook) {
				p->out.hook_offhook[ev[i].hook] = ev[i].offhook;
				need_echo = true;
			}
			/* The user's hook ends an application's hookswitch mode (its mutes). */
			tsp_audio_device_hook(p, (int)ev[i].hook);
			tsp_phone_state(p, hook_state_bit(ev[i].hook),
					ev[i].offhook ? PHONEHOOKSWITCHMODE_MICSPEAKER :
							PHONEHOOKSWITCHMODE_ONHOOK);
			/* The hook first, then the lamp of the LED that confirms it. */
			tsp_phone_offhook_lamp(p);
			line_input_add(li, LINE_IN_HOOK, ev[i].offhook, 0);
		} else {
			const struct phone_button *b = phone_model_button(p->model, ev[i].button);

			tsp_phone_button(p, ev[i].button, ev[i].down);
			if (!b || !ev[i].down)
				continue;
			if (b->keypad && b->id < 16)
				line_input_add(li, LINE_IN_KEY, false, "0123456789*#ABCD"[b->id]);
			else if (tsp_button_function(b) == PHONEBUTTONFUNCTION_MUTE)
				line_input_add(li, LINE_IN_MUTE, false, 0);
		}
	}
	return need_echo;
}


static void io_unwatch(struct phone_io *io)
{
	if (io->fd >= 0 && io->shared) {
		tsp_dispatch_unwatch(io->fd);
		loop_unwatch_shared(&io->watch);
	} else if (io->fd >= 0) {
		fd_close(io->fd);
	}
	io->fd = -1;
	loop_timer_cancel(&io->timer);
}

/*
 * One report's after-work: the line's reaction (a call made or dropped, a digit) and the
 * device's confirmation of a hook change. The dispatch thread and the loop both read
 * reports; each queues the report's after-work as it reads it, under the provider lock, and
 * the loop runs it all in that order (io->work_head), whoever posted the run: so a report
 * the loop read itself never overtakes one the dispatch thread read before
 * (test_hook_back_at_once: Off-Hook then On-Hook, or the line would be left with a dial
 * tone and the device with its Off-Hook LED lit), and a host slow in a callback holds up
 * neither (test_input_while_callback_runs).
 */
struct input_work {
	struct input_work *next;
	uint64_t seq;                    /* in the open's order of reports (io->work_seq) */
	bool echo;
	bool hooks[PHONE_HOOK_DEVICES];  /* echo: the hook switches as the report left them */
	struct line_input li;
};

/*
 * Lock held, right after handle_report(): queues the report's after-work, if it has any.
 * Its number in the open's order, 0 when it has none (or no memory: the change then
 * reaches neither line nor device).
 */
HOT_PATH
static uint64_t work_add(struct phone *p, struct phone_io *io, bool echo,
			 const struct line_input *li)
{
	struct input_work *w;

	if (!echo && !li->n)
		return 0;
	w = malloc(sizeof(*w));
	if (!w) {
		tsp_log(TSP_LOG_ERROR, "%s: a key or hook change does not reach its line or "
			"device: out of memory", p->source);
		return 0;
	}
	*w = (struct input_work){ .seq = ++io->work_seq, .echo = echo, .li = *li };
	memcpy(w->hooks, p->out.hook_offhook, sizeof(w->hooks));
	if (io->work_tail)
		io->work_tail->next = w;
	else
		io->work_head = w;
	io->work_tail = w;
	return w->seq;
}

/*
 * Lock held, after the callbacks of the report whose after-work is seq: drops from it what
 * the line does not act on (a key while no call is up), and the whole of it when nothing
 * is left, so the loop stays asleep for it. Nothing when the loop has run it already
 * (it read the next report itself during the callbacks).
 */
static void work_filter(struct phone *p, struct phone_io *io, uint64_t seq)
{
	struct input_work **at = &io->work_head, *prev = NULL, *w;

	while (*at && (*at)->seq != seq) {
		prev = *at;
		at = &(*at)->next;
	}
	w = *at;
	if (!w)
		return;
	line_input_filter(p, &w->li);
	if (w->echo || w->li.n)
		return;
	*at = w->next;
	if (io->work_tail == w)
		io->work_tail = prev;
	free(w);
}

/* Lock held (or io stopped): the oldest after-work, taken off the queue, or NULL. */
static struct input_work *work_pop(struct phone_io *io)
{
	struct input_work *w = io->work_head;

	if (w) {
		io->work_head = w->next;
		if (!io->work_head)
			io->work_tail = NULL;
	}
	return w;
}

/* io_stop(): nobody reads io any more. */
static void work_free(struct phone_io *io)
{
	struct input_work *w;

	while ((w = work_pop(io)))
		free(w);
}

/*
 * Loop thread, lock held, io its phone's open: runs the after-work queued, oldest first.
 * True when it ran any (events may be queued for the host).
 */
static bool work_run(struct phone *p, struct phone_io *io)
{
	bool ran = false;

	while (p->io == io && io->work_head) {
		struct input_work *w = work_pop(io);

		line_input_run(p, &w->li);
		if (w->echo && p->io == io)
			queue_echo(p, io, w->hooks);
		free(w);
		ran = true;
	}
	return ran;
}

/*
 * Reads what the transport has (one report: once), false when the phone's open ended
 * meanwhile.
 */
static bool io_read(struct phone_io *io, bool once)
{
	struct phone *p = io->phone;

	for (int i = 0; !once || i < 1; i++) {
		struct line_input li = { 0 };
		bool echo, ran = false;
		uint64_t seq;
		int n;

		/* Read under the lock: the dispatch thread may read this descriptor too. */
		pthread_mutex_lock(&tsp.lock);
		if (p->handle != io->handle || p->closing) {
			pthread_mutex_unlock(&tsp.lock);
			return false;
		}
		n = transport_read(io->t, io->buf, io->len, 0);
		if (n == 0) {
			pthread_mutex_unlock(&tsp.lock);
			return true;
		}
		if (n == -ENODEV) {
			io_unwatch(io);
			/* Closes the phone, which stops and frees io on this thread, at once. */
			tsp_phone_removed(p);
			pthread_mutex_unlock(&tsp.lock);
			tsp_dispatch();
			return false;
		}
		if (n < 0 && n != -EINTR) {
			tsp_log(TSP_LOG_ERROR, "%s: reading failed: %s", p->source, strerror(-n));
			io_unwatch(io);
			pthread_mutex_unlock(&tsp.lock);
			return false;
		}
		echo = n > 0 && handle_report(p, io, io->buf, (size_t)n, &li);
		seq = work_add(p, io, echo, &li);
		pthread_mutex_unlock(&tsp.lock);
		/*
		 * The host hears of the change first: the dispatch thread delivers before this
		 * thread starts the line's reaction (a call made or dropped, a digit) and
		 * before the writer is woken, which on a single CPU may run first and hold it
		 * for the write's time on the bus. The phone stays (its close waits for this
		 * thread).
		 */
		tsp_dispatch_handoff();
		if (!seq)
			continue;
		pthread_mutex_lock(&tsp.lock);
		if (p->io == io)
			ran = work_run(p, io);
		pthread_mutex_unlock(&tsp.lock);
		if (ran)
			tsp_dispatch();
	}
	return true;
}

/*
 * What the loop does after the dispatch thread read a report (see tsp_phone_input()): the
 * after-work queued so far, in order; or, when the dispatch thread's read failed, the read
 * again, which handles the failure (an unplug) as the loop's own does. By the open's
 * handle: the loop may have closed the open (an unplug it read itself) and freed its
 * phone before this runs.
 */
struct after_input {
	uint64_t handle;
	bool reread;
};

static void after_input(void *arg)
{
	struct after_input *a = arg;
	struct phone_io *reread = NULL;
	struct phone *p;
	bool ran = false;

	pthread_mutex_lock(&tsp.lock);
	p = open_phone(a->handle);
	/* Alive until this returns: only the loop stops an open's I/O. */
	if (p && p->io && p->io->handle == a->handle) {
		if (a->reread)
			reread = p->io;
		else
			ran = work_run(p, p->io);
	}
	pthread_mutex_unlock(&tsp.lock);
	if (reread)
		(void)io_read(reread, false);
	if (ran || reread)
		tsp_dispatch();
	free(a);
}

static int post_after_input(uint64_t handle, bool reread)
{
	struct after_input *a = malloc(sizeof(*a));

	if (!a)
		return -ENOMEM;
	*a = (struct after_input){ .handle = handle, .reread = reread };
	if (loop_post(after_input, a) < 0) {
		free(a);
		return -ESHUTDOWN;
	}
	return 0;
}

/*
 * The dispatch thread's token for an open: its handle, and in the top bits the phone's place
 * in the table when the watch began, which finds it without going through every phone
 * (their memory is cold after a pause: a visible share of a report's way to the host in
 * the VM). The place is a hint, checked against the handle.
 */
#define TOKEN_HANDLE_BITS 48
#define TOKEN_HANDLE_MASK ((UINT64_C(1) << TOKEN_HANDLE_BITS) - 1)

static uint64_t input_token(const struct phone *p, uint64_t handle)
{
	uint64_t at = 0xffff;

	for (size_t i = 0; i < tsp.n_phones && i < 0xffff; i++) {
		if (tsp.phones[i] == p)
			at = i;
	}
	return at << TOKEN_HANDLE_BITS | (handle & TOKEN_HANDLE_MASK);
}

/* Lock held: the device open of token, as open_phone(). */
HOT_PATH
static struct phone *input_phone(uint64_t token)
{
	size_t at = (size_t)(token >> TOKEN_HANDLE_BITS);
	uint64_t handle = token & TOKEN_HANDLE_MASK;

	if (at < tsp.n_phones && tsp.phones[at]->handle == handle)
		return tsp.phones[at];
	return open_phone(handle);
}

HOT_PATH
void tsp_phone_input(uint64_t token)
{
	uint64_t handle = token & TOKEN_HANDLE_MASK;
	struct line_input li = { 0 };
	struct phone_io *io;
	struct phone *p;
	uint64_t seq;
	bool echo, post;
	int n;

	pthread_mutex_lock(&tsp.lock);
	p = input_phone(token);
	io = p && !p->closing ? p->io : NULL;
	/* io lives while its open does: its close sets closing, under this lock, first. */
	if (!io || io->handle != handle || io->fd < 0) {
		pthread_mutex_unlock(&tsp.lock);
		return;
	}
	n = transport_read(io->t, io->buf, io->len, 0);
	if (n < 0) {
		/* The loop handles failures and unplugs, and reads the descriptor alone now. */
		tsp_dispatch_unwatch(io->fd);
		if (post_after_input(handle, true) < 0)
			tsp_log(TSP_LOG_ERROR, "%s: reading failed: %s", p->source, strerror(-n));
	}
	if (n <= 0) {
		pthread_mutex_unlock(&tsp.lock);
		return;
	}
	echo = handle_report(p, io, io->buf, (size_t)n, &li);
	seq = work_add(p, io, echo, &li);
	pthread_mutex_unlock(&tsp.lock);
	/* The host first, as when the loop reads (io_read()); then the line and the device. */
	tsp_dispatch();
	if (!seq)
		return;
	pthread_mutex_lock(&tsp.lock);
	p = input_phone(token);
	/* A close since (p->io gone) has dropped the open's after-work. */
	if (!p || !p->io || p->io->handle != handle) {
		pthread_mutex_unlock(&tsp.lock);
		return;
	}
	io = p->io;
	work_filter(p, io, seq);
	post = io->work_head != NULL;
	pthread_mutex_unlock(&tsp.lock);
	if (post && post_after_input(handle, false) < 0)
		tsp_log(TSP_LOG_ERROR, "phone open %llu: a key or hook change does not reach its "
			"line or device: the loop has stopped", (unsigned long long)handle);
}

/*
 * A transport with a descriptor may also want a timer (the keypad scan of phones over
 * libusb, devices/matrix-scan.c: the resend of an unanswered column): its due_ms() after
 * each reading. Nothing else of the loop's reading changes for it.
 */
static void io_due(void *arg);

static void io_arm_due(struct phone_io *io)
{
	long ms = transport_due_ms(io->t);

	if (ms >= 0)
		loop_timer_start(&io->timer, (uint64_t)ms, io_due, io);
}

static void io_due(void *arg)
{
	struct phone_io *io = arg;

	if (io_read(io, false))
		io_arm_due(io);
}

/*
 * The node is readable: one report. The loop's watch is level-triggered, so a second
 * report waiting brings the loop straight back; a report alone costs one read(), not a
 * second one that finds nothing.
 */
static void io_readable(int flags, void *arg)
{
	struct phone_io *io = arg;

	(void)flags;
	/* and a transport that also keeps time (the keypad scan) gets its timer again */
	if (io_read(io, true))
		io_arm_due(io);
}

static void io_shared_readable(void *arg)
{
	(void)io_read(arg, true);
}

static void io_play(void *arg)
{
	struct phone_io *io = arg;
	long ms;

	io->playing = true;
	loop_timer_cancel(&io->timer);    /* the 1 s wait, when the host was quicker */
	if (!io_read(io, false))
		return;
	ms = transport_due_ms(io->t);
	if (ms >= 0)
		loop_timer_start(&io->timer, (uint64_t)ms, io_play, io);
}

static void io_start(void *arg)
{
	struct phone_io *io = arg;
	int fd = transport_wait_fd(io->t);
	struct write_job *init;
	uint64_t token;
	int err;

	lamp_blinker_init(&io->blink, blink_edge, io);
	/*
	 * A profile's AttrInitReports: what the phone needs before its controls work, the
	 * writer's first job for this open, ahead of every request's.
	 */
	init = job_new(io, "an init report");
	err = init ? phone_model_encode_init(io->phone->model, collect_report, init) : -ENOMEM;
	if (err < 0)
		tsp_log(TSP_LOG_WARNING, "%s: an init report failed: %s", io->phone->source,
			strerror(-err));
	if (init && err >= 0 && init->used) {
		tsp_writer_lock();
		queue_locked(init);
		tsp_writer_unlock();
	} else if (init) {
		job_free(init);
	}

	if (fd < 0) {
		/*
		 * A recording starts playing when the host has said which events it wants:
		 * events of the first reports would otherwise race its
		 * TSPI_phoneSetStatusMessages. A host that never sets the filter gets the
		 * playback a second after the open.
		 */
		if (!io->playing)
			loop_timer_start(&io->timer, 1000, io_play, io);
		return;
	}
	pthread_mutex_lock(&tsp.lock);
	io->fd = fd;
	pthread_mutex_unlock(&tsp.lock);
	/*
	 * Read by whichever thread is free (tsp/dispatch.c): the dispatch thread's watch first,
	 * so the kernel wakes it when it waits. A transport that also keeps time (its due_ms())
	 * or whose descriptor cannot be shared so (libusb's epoll set) is read by the loop alone.
	 */
	pthread_mutex_lock(&tsp.lock);
	token = input_token(io->phone, io->handle);
	pthread_mutex_unlock(&tsp.lock);
	if (transport_due_ms(io->t) < 0 && tsp_dispatch_watch(fd, token) == 0) {
		if (loop_watch_shared(&io->watch, fd, io_shared_readable, io) == 0) {
			pthread_mutex_lock(&tsp.lock);
			io->shared = true;
			pthread_mutex_unlock(&tsp.lock);
			return;
		}
		tsp_dispatch_unwatch(fd);
	}
	err = fd_listen(fd, FD_READ | FD_EXCEPT, io_readable, io);
	if (err) {
		tsp_log(TSP_LOG_ERROR, "%s: cannot watch the device: %s", io->phone->source,
			strerror(err));
		pthread_mutex_lock(&tsp.lock);
		io->fd = -1;
		pthread_mutex_unlock(&tsp.lock);
		return;
	}
	io_arm_due(io);
}

static void io_go(void *arg)
{
	struct phone_io *io = arg;

	if (!io->playing)
		io_play(io);
}

struct io_stop {
	struct phone_io *io;
	bool *closed;                /* the closing thread waits for the writer: or NULL */
};

/*
 * Loop thread (or any, without a loop): the reading stops; the device writer closes the
 * transport and frees io after the writes queued before.
 */
static void io_stop(void *arg)
{
	struct io_stop *st = arg;
	struct phone_io *io = st->io;
	struct write_job *j;

	io_unwatch(io);
	lamp_blinker_stop(&io->blink);
	work_free(io);
	j = job_new(io, "the close");
	if (j) {
		j->base.run = run_close;
		tsp_writer_lock();
		io->closed = st->closed;
		if (tsp_writer_post_locked(&j->base) == 0) {
			tsp_writer_unlock();
			return;
		}
		io->closed = NULL;
		tsp_writer_unlock();
		free(j);
	}
	/* No writer (it has stopped, or no memory): nothing else uses io now. */
	transport_close(io->t);
	if (st->closed)
		*st->closed = true;
	free(io);
}

void tsp_phone_go(struct phone *p)
{
	if (p->replay_go || !p->io)
		return;
	p->replay_go = true;
	/* Posted before any stop of this open (that needs the lock held here): io is alive. */
	loop_post(io_go, p->io);
}

/* What an application sets (lamps, ringer, display) as a fresh open has it (lock held). */
static void reset_app_state(struct phone *p)
{
	for (uint32_t id = 0; id < PHONE_MAX_IDS; id++) {
		const struct phone_button *b = phone_model_button(p->model, id);

		p->lamp_mode[id] = b && phone_button_has_lamp(b) ? PHONELAMPMODE_OFF :
							       PHONELAMPMODE_DUMMY;
		p->out.lamp_on[id] = false;
		p->out.lamp_blink[id] = PHONE_LAMP_STEADY;
	}
	p->out.offhook_lamp_app = false;
	p->out.ringing = false;
	p->ring_mode = 0;
	p->ring_volume = 0;
	if (p->display_text)
		memset(p->display_text, ' ',
		       (size_t)p->model->display.rows * p->model->display.columns);
}

int tsp_phone_open(struct phone *p)
{
	size_t len = p->model->max_input_bytes ? p->model->max_input_bytes : 64;
	struct phone_io *io = calloc(1, sizeof(*io) + len);
	struct transport *t = NULL;
	int rc;

	if (!io)
		return -ENOMEM;
	rc = p->from->open(p, &t);
	if (rc < 0) {
		if (rc == -EACCES)
			tsp_log(TSP_LOG_ERROR, "%s: permission denied; install hidphone's udev rules "
				"(make install) so the user at the seat may use telephony devices",
				p->source);
		else if (rc == -EBUSY)
			tsp_log(TSP_LOG_ERROR, "%s: claimed by another process (a TAPI host or "
				"phonectl has it open)", p->source);
		else
			tsp_log(TSP_LOG_ERROR, "%s: cannot open: %s", p->source, strerror(-rc));
		free(io);
		return rc;
	}
	p->transport = t;
	p->handle = ++tsp.next_handle;
	memset(&p->out, 0, sizeof(p->out));
	memset(&p->in, 0, sizeof(p->in));
	reset_app_state(p);
	p->replay_go = false;
	*io = (struct phone_io){ .phone = p, .t = t, .handle = p->handle, .fd = -1, .len = len,
				 .ack_window_ms = phone_model_ack_window_ms(p->model) };
	snprintf(io->source, sizeof(io->source), "%s", p->source);
	rc = loop_post(io_start, io);
	if (rc < 0) {
		transport_close(t);
		p->transport = NULL;
		p->handle = 0;
		free(io);
		return rc;
	}
	p->io = io;
	tsp_audio_open(p);
	tsp_line_phone_opened(p);
	return 0;
}

bool tsp_phone_close(struct phone *p, bool forced)
{
	uint64_t handle = p->handle, host = p->host_handle;
	PHONEEVENT proc = p->event_proc;
	HTAPIPHONE ht = p->htphone;
	struct phone_audio *audio = p->audio;
	bool on_loop = loop_on_thread(), closed = false;
	struct io_stop st = { .io = p->io, .closed = on_loop ? NULL : &closed };

	if (!handle || p->closing)
		return false;
	p->closing = true;
	/* The dispatch thread stops waiting for the node now: the open is no longer its to
	 * read, and a report left on the node would otherwise wake it until the loop stops
	 * the reading. The node is still open: the writer closes it after that. */
	if (p->io && p->io->shared && p->io->fd >= 0)
		tsp_dispatch_unwatch(p->io->fd);
	p->io = NULL;
	p->audio = NULL;
	pthread_mutex_unlock(&tsp.lock);
	/*
	 * Behind the requests already posted, whose writes are queued first; at once when the
	 * loop itself closes (unplug). A host's close then waits for the writer to have
	 * written them (completed) and closed the device; the loop never waits for a device.
	 */
	if (st.io && loop_call(io_stop, &st) < 0)
		io_stop(&st);   /* no loop: nothing else can use io */
	if (st.io && st.closed) {
		tsp_writer_lock();
		while (!closed)
			tsp_writer_wait();
		tsp_writer_unlock();
	}
	/* The ring stops, the mutes go back, the mixer is no longer watched. */
	tsp_audio_close(audio);
	/*
	 * No event of this open reaches the host after the host's close; every completion
	 * does. A forced close keeps what the device did before it went: those events are
	 * queued before the PHONE_CLOSE, so the host gets them in order.
	 */
	if (!forced && host)
		tsp_dispatch_forget(host);
	/* The loop never waits for the host: a callback may be waiting for the loop. */
	if (!on_loop && host)
		tsp_dispatch_flush(host);
	pthread_mutex_lock(&tsp.lock);

	p->transport = NULL;
	p->handle = 0;
	p->host_handle = 0;
	p->closing = false;
	p->event_proc = NULL;
	tsp_line_phone_opened(p);
	/* The host had it open: it hears of the device's end once, the line holding it not. */
	if (forced && host)
		tsp_post_event(0, proc, ht, PHONE_CLOSE, 0, 0, 0);
	if (p->remove_after_close) {
		forget_removed(p);
		return true;
	}
	/* The line took the device while this close ran: it opens again for the line. */
	if (p->line_holds && !p->removed && !forced)
		(void)tsp_phone_open(p);
	return false;
}

void tsp_phone_detach(struct phone *p)
{
	uint64_t host = p->host_handle;
	struct phone_audio *audio = p->audio;

	if (!host || p->closing)
		return;
	p->host_handle = 0;
	p->event_proc = NULL;
	p->filter_states = p->filter_button_modes = p->filter_button_states = 0;
	tsp_dispatch_forget(host);
	/* What the application set goes: lamps, ringer, display, its hookswitch modes
	 * (mutes, its ring on the sound card: the audio opens afresh for the line). */
	reset_app_state(p);
	p->audio = NULL;
	tsp_audio_open(p);
	tsp_line_phone_opened(p);      /* the line's call shows again (rings if offered) */
	tsp_phone_write(p);
	if (p->display_text)
		write_internal(p, TSP_WRITE_DISPLAY);
	pthread_mutex_unlock(&tsp.lock);
	tsp_audio_close(audio);
	if (!loop_on_thread())
		tsp_dispatch_flush(host);
	pthread_mutex_lock(&tsp.lock);
}

int tsp_phone_hold(struct phone *p)
{
	int rc = 0;

	if (p->removed)
		return -ENODEV;
	if (!p->handle && !p->closing)
		rc = tsp_phone_open(p);
	if (rc == 0)
		p->line_holds++;
	return rc;
}

bool tsp_phone_unhold(struct phone *p)
{
	if (!p->line_holds)
		return false;
	if (--p->line_holds || p->host_handle || !p->handle)
		return false;
	return tsp_phone_close(p, false);
}
