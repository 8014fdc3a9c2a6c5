/*
 * An open phone's I/O: opening its transport, the reader thread that turns input reports
 * into TAPI events, pushing output state to the device, and closing, also when the device
 * is gone.
 *
 * The reader thread owns the transport: it closes it when it ends. So a close can never pull
 * the transport from under a read, even when the host closes the phone from inside a callback
 * that the reader thread itself is delivering.
 */
#include <errno.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "hid/transport-hidraw.h"
#include "provider.h"

struct reader_args {
	struct phone *phone;
	struct transport *transport;
	uint64_t handle;
};

static DWORD hook_state_bit(enum phone_hook_device dev)
{
	switch (dev) {
	case PHONE_HOOK_HANDSET: return PHONESTATE_HANDSETHOOKSWITCH;
	case PHONE_HOOK_SPEAKER: return PHONESTATE_SPEAKERHOOKSWITCH;
	case PHONE_HOOK_HEADSET: return PHONESTATE_HEADSETHOOKSWITCH;
	}
	return 0;
}

void tsp_phone_state(struct phone *p, DWORD state, DWORD_PTR param)
{
	/* REINIT always reaches the host (TSPI_phoneSetStatusMessages). */
	if (!p->handle || !(p->filter_states & state || state == PHONESTATE_REINIT))
		return;
	tsp_post_event(p->handle, p->event_proc, p->htphone, PHONE_STATE, state, param, 0);
}

void tsp_phone_button(struct phone *p, uint32_t id, bool down)
{
	const struct phone_button *b = phone_model_button(p->model, id);
	DWORD mode, state = down ? PHONEBUTTONSTATE_DOWN : PHONEBUTTONSTATE_UP;

	if (!b || !p->handle)
		return;
	mode = tsp_button_mode(b);
	if (!(p->filter_button_modes & mode) || !(p->filter_button_states & state))
		return;
	tsp_post_event(p->handle, p->event_proc, p->htphone, PHONE_BUTTON, id, mode, state);
}

struct commit_ctx {
	struct transport *t;
	int rc;
};

static int write_report(const uint8_t *report, size_t len, void *data)
{
	struct commit_ctx *c = data;
	int rc = transport_write(c->t, report, len);

	if (rc < 0 && c->rc == 0)
		c->rc = rc;
	/* Keep going: one report failing is no reason to leave the others stale. */
	return 0;
}

/*
 * Writes the output state as it is when the write happens, under the I/O lock: of two
 * requests racing, the one writing last writes the newest state, never an older snapshot.
 */
static int commit(struct phone *p, struct transport *t)
{
	struct commit_ctx c = { .t = t };
	struct phone_output_state state;

	pthread_mutex_lock(&p->io_lock);
	pthread_mutex_lock(&tsp.lock);
	state = p->out;
	pthread_mutex_unlock(&tsp.lock);
	phone_model_encode(p->model, &state, write_report, &c);
	pthread_mutex_unlock(&p->io_lock);
	if (c.rc < 0)
		tsp_log(TSP_LOG_WARNING, "%s: writing an output report failed: %s", p->source,
			strerror(-c.rc));
	return c.rc;
}

int tsp_phone_commit(struct phone *p, struct transport *t)
{
	return commit(p, t);
}

static int write_display_report(const uint8_t *report, size_t len, enum rdesc_kind kind,
				void *data)
{
	struct transport *t = data;

	/* HID 1.11's display example uses feature reports; others use output reports. */
	return kind == RDESC_FEATURE ? transport_set_feature(t, report, len) :
				       transport_write(t, report, len);
}

int tsp_phone_commit_display(struct phone *p, struct transport *t)
{
	const struct phone_display *dp = &p->model->display;
	size_t n = (size_t)dp->rows * dp->columns;
	uint8_t *text = malloc(n ? n : 1);
	int rc;

	if (!text)
		return -ENOMEM;
	pthread_mutex_lock(&p->io_lock);
	pthread_mutex_lock(&tsp.lock);
	memcpy(text, p->display_text, n);
	pthread_mutex_unlock(&tsp.lock);
	rc = phone_model_encode_display(p->model, text, write_display_report, t);
	pthread_mutex_unlock(&p->io_lock);
	free(text);
	if (rc < 0)
		tsp_log(TSP_LOG_WARNING, "%s: writing the display failed: %s", p->source,
			strerror(-rc));
	return rc;
}

void tsp_phone_acquire(struct phone *p)
{
	p->busy++;
}

void tsp_phone_release(struct phone *p)
{
	pthread_mutex_lock(&tsp.lock);
	if (--p->busy == 0)
		pthread_cond_broadcast(&p->idle);
	pthread_mutex_unlock(&tsp.lock);
}

void tsp_phone_removed(struct phone *p)
{
	/*
	 * The reader sees the node hang up and the udev monitor sees it go: the first does the
	 * work, and the flag keeps the other away while the close has the lock released.
	 */
	if (p->removed)
		return;
	p->removed = true;
	tsp_log(TSP_LOG_INFO, "%s: device removed", p->source);
	/* TAPI has counted it: providerInit gives it its id, reports the removal and frees it. */
	if (!tsp.initialized)
		return;
	if (p->handle)
		tsp_phone_close(p, true);
	if (p->device_id != TSP_NO_ID && tsp.create_proc)
		tsp_post_event(0, tsp.create_proc, NULL, PHONE_REMOVE, p->device_id, 0, 0);
	/*
	 * Nothing refers to the phone any more: its reader has ended or is past its last use of
	 * it, and TSPI calls on it finished before the close returned. A re-plugged device
	 * comes back as a new phone with a new id.
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

/* Turns one report into events; true when the device wants its hook change confirmed. */
static bool handle_report(struct phone *p, const uint8_t *buf, size_t n)
{
	struct phone_input_event ev[32];
	bool need_echo = false;
	int count = phone_model_decode(p->model, &p->in, buf, n, ev, 32);

	for (int i = 0; i < count && i < 32; i++) {
		if (ev[i].type == PHONE_EVENT_HOOK) {
			const struct phone_hook *h = &p->model->hooks[ev[i].hook];

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
			tsp_phone_state(p, hook_state_bit(ev[i].hook),
					ev[i].offhook ? PHONEHOOKSWITCHMODE_MICSPEAKER :
							PHONEHOOKSWITCHMODE_ONHOOK);
		} else {
			tsp_phone_button(p, ev[i].button, ev[i].down);
		}
	}
	return need_echo;
}

static void *reader_main(void *data)
{
	struct reader_args args = *(struct reader_args *)data;
	struct phone *p = args.phone;
	size_t len = p->model->max_input_bytes ? p->model->max_input_bytes : 64;
	uint8_t *buf = malloc(len);

	free(data);
	/*
	 * A recording starts playing when the host has said which events it wants: events of
	 * the first reports would otherwise race its TSPI_phoneSetStatusMessages. A host that
	 * never sets the filter gets the playback a second after the open.
	 */
	if (p->replay) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_mutex_lock(&tsp.lock);
		while (!p->replay_go && p->handle == args.handle && !p->closing &&
		       pthread_cond_timedwait(&p->go, &tsp.lock, &until) == 0)
			;
		pthread_mutex_unlock(&tsp.lock);
	}
	for (;;) {
		int n = buf ? transport_read(args.transport, buf, len, -1) : -ENOMEM;
		bool echo;

		pthread_mutex_lock(&tsp.lock);
		if (p->handle != args.handle || p->closing) {
			pthread_mutex_unlock(&tsp.lock);
			break;
		}
		if (n == -ENODEV) {
			tsp_phone_removed(p);
			pthread_mutex_unlock(&tsp.lock);
			tsp_dispatch();
			break;
		}
		if (n < 0 && n != -EINTR) {
			tsp_log(TSP_LOG_ERROR, "%s: reading failed: %s", p->source, strerror(-n));
			pthread_mutex_unlock(&tsp.lock);
			break;
		}
		echo = n > 0 && handle_report(p, buf, (size_t)n);
		pthread_mutex_unlock(&tsp.lock);
		/* The host hears of the change first; the confirmation write may take a while. */
		tsp_dispatch();
		if (echo)
			commit(p, args.transport);
	}
	free(buf);
	transport_close(args.transport);
	return NULL;
}

/* Lock held. Keeps a reader that cannot be joined now for tsp_join_ended_readers(). */
static void keep_ended_reader(pthread_t reader)
{
	if (tsp.n_ended_readers == tsp.cap_ended_readers) {
		size_t cap = tsp.cap_ended_readers ? tsp.cap_ended_readers * 2 : 8;
		pthread_t *n = realloc(tsp.ended_readers, cap * sizeof(*n));

		if (!n) {
			/* Without room to keep it, the thread must clean up after itself. */
			pthread_detach(reader);
			return;
		}
		tsp.ended_readers = n;
		tsp.cap_ended_readers = cap;
	}
	tsp.ended_readers[tsp.n_ended_readers++] = reader;
}

void tsp_join_ended_readers(bool all)
{
	pthread_mutex_lock(&tsp.lock);
	for (size_t i = 0; i < tsp.n_ended_readers;) {
		pthread_t t = tsp.ended_readers[i];

		/* A reader may be waiting for the lock on its way out: never join holding it. */
		pthread_mutex_unlock(&tsp.lock);
		bool joined = all ? pthread_join(t, NULL) == 0 : pthread_tryjoin_np(t, NULL) == 0;
		pthread_mutex_lock(&tsp.lock);
		if (joined) {
			for (size_t j = 0; j < tsp.n_ended_readers; j++) {
				if (pthread_equal(tsp.ended_readers[j], t)) {
					tsp.ended_readers[j] = tsp.ended_readers[--tsp.n_ended_readers];
					break;
				}
			}
			i = 0;
			continue;
		}
		i++;
	}
	if (all) {
		free(tsp.ended_readers);
		tsp.ended_readers = NULL;
		tsp.cap_ended_readers = 0;
	}
	pthread_mutex_unlock(&tsp.lock);
}

static int open_transport(struct phone *p, struct transport **t)
{
	if (p->replay)
		return tsp_replay_open(p, t);
	return hidraw_transport_open(p->info.path, t);
}

int tsp_phone_open(struct phone *p)
{
	struct reader_args *args = malloc(sizeof(*args));
	struct transport *t = NULL;
	int rc;

	if (!args)
		return -ENOMEM;
	rc = open_transport(p, &t);
	if (rc < 0) {
		if (rc == -EACCES)
			tsp_log(TSP_LOG_ERROR, "%s: permission denied; install hidphone's udev rules "
				"(make install) so the user at the seat may use telephony devices",
				p->source);
		else
			tsp_log(TSP_LOG_ERROR, "%s: cannot open: %s", p->source, strerror(-rc));
		free(args);
		return rc;
	}
	p->transport = t;
	/* A profile's AttrInitReports: what the phone needs before its controls work. */
	rc = phone_model_encode_init(p->model, write_display_report, t);
	if (rc < 0)
		tsp_log(TSP_LOG_WARNING, "%s: an init report failed: %s", p->source, strerror(-rc));
	p->handle = ++tsp.next_handle;
	memset(&p->out, 0, sizeof(p->out));
	memset(&p->in, 0, sizeof(p->in));
	for (uint32_t id = 0; id < PHONE_MAX_IDS; id++) {
		const struct phone_button *b = phone_model_button(p->model, id);

		p->lamp_mode[id] = b && phone_button_has_lamp(b) ? PHONELAMPMODE_OFF :
							       PHONELAMPMODE_DUMMY;
	}
	p->ring_mode = 0;
	p->ring_volume = 0;
	p->replay_go = false;
	if (p->display_text)
		memset(p->display_text, ' ',
		       (size_t)p->model->display.rows * p->model->display.columns);
	*args = (struct reader_args){ .phone = p, .transport = t, .handle = p->handle };
	rc = pthread_create(&p->reader, NULL, reader_main, args);
	if (rc) {
		transport_close(t);
		p->transport = NULL;
		p->handle = 0;
		free(args);
		return -rc;
	}
	p->reader_running = true;
	return 0;
}

void tsp_phone_close(struct phone *p, bool forced)
{
	uint64_t handle = p->handle;
	PHONEEVENT proc = p->event_proc;
	HTAPIPHONE ht = p->htphone;
	pthread_t reader = p->reader;
	bool join;

	if (!handle || p->closing)
		return;
	p->closing = true;
	/* TSPI calls under way finish (and complete) first. */
	while (p->busy)
		pthread_cond_wait(&p->idle, &tsp.lock);

	join = p->reader_running && !pthread_equal(reader, pthread_self());
	if (p->reader_running) {
		pthread_cond_broadcast(&p->go);
		transport_interrupt(p->transport);
		if (!join)
			keep_ended_reader(reader);
	}
	p->reader_running = false;
	pthread_mutex_unlock(&tsp.lock);
	if (join)
		pthread_join(reader, NULL);
	/* No event of this open reaches the host after the close; every completion does. */
	tsp_dispatch_forget(handle);
	tsp_dispatch_flush(handle);
	pthread_mutex_lock(&tsp.lock);

	p->transport = NULL;
	p->handle = 0;
	p->closing = false;
	p->event_proc = NULL;
	if (forced)
		tsp_post_event(0, proc, ht, PHONE_CLOSE, 0, 0, 0);
}
