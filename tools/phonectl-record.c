/*
 * phonectl record: a recording of a phone, for bug reports and regression tests.
 *
 * The file is hid-tools' recorder format (hid/recording.h), so hid-decode and hid-replay read
 * it: the device header (R:, N:, P:, I:), then every input report as an E: line preceded by
 * `#` lines decoding its fields, and, interleaved by time, T: lines with the TAPI events the
 * provider reported for the phone. Two readers run side by side: a session that opens the
 * phone through the provider, as a TAPI host does, and our own reader of the raw reports (a
 * hidraw node hands every open file its own copy; a recording is played again through a
 * replay transport with the same pacing).
 *
 * Dialled digits are private: unless --show-keys, every keypad key in an E: line reads as
 * Key 0 and every KEYPAD PHONE_BUTTON id as 0, and the file says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/phone-model.h"
#include "hid/field-codec.h"
#include "hid/hidraw-node.h"
#include "hid/recording.h"
#include "hid/transport-replay.h"
#include "hid/usage-ids.h"
#include "hid/usage-names.h"
#include "phonectl-session.h"
#include "phonectl.h"
#include "tapi-names.h"

/* Lines wait this long before they are written, so late ones can still go before them. */
#define HOLD_USEC 100000u
/* After a recording's last report: time for the provider's replay to catch up. */
#define END_GRACE_USEC 500000u
#define WAIT_USEC 50000u
#define MAX_REPORT 16384u

struct pending {
	uint64_t usec;
	uint64_t seq;             /* arrival order, for equal timestamps */
	char kind;                /* RECORDING_INPUT or RECORDING_TAPI */
	uint8_t *data;            /* E: the report, already obfuscated */
	size_t len;
	uint32_t message;         /* T: */
	uint64_t param[3];
};

struct recorder {
	FILE *out;
	const char *out_name;
	pthread_mutex_t lock;
	struct pending *queue;
	size_t n, cap;
	uint64_t seq;
	uint64_t t0;              /* host_now_usec() of time 0 */
	uint64_t last_e_usec;     /* the latest E: line queued */
	uint64_t written_usec;    /* the latest line written: the file never goes back */
	bool show_keys;
	atomic_int failed;        /* errno of a failed write or allocation: stop */
	struct rdesc *desc;       /* for the # lines, NULL when the descriptor does not parse */
	struct phone_model *model;/* NULL when not a phone */
	atomic_bool closed;       /* PHONE_CLOSE or PHONE_REMOVE: the phone went away */
	atomic_bool ignore;       /* stopping: later events are ours, not the device's */
};

static struct recorder rec = { .lock = PTHREAD_MUTEX_INITIALIZER };
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static bool is_keypad_usage(uint32_t usage)
{
	return USAGE_PAGE(usage) == UP_TELEPHONY && USAGE_ID(usage) >= TEL_KEY_0 &&
	       USAGE_ID(usage) <= TEL_KEY_D;
}

static void split(const struct rdesc *d, uint8_t *report, size_t len, uint8_t *id,
		  uint8_t **payload, size_t *plen)
{
	if (d->numbered) {
		*id = len ? report[0] : 0;
		*payload = report + (len ? 1 : 0);
		*plen = len ? len - 1 : 0;
	} else {
		*id = 0;
		*payload = report;
		*plen = len;
	}
}

/* The value an array field's elements get for "a key": Key 0's, else its first key's. */
static bool key0_value(const struct rdesc *d, const struct rdesc_field *f, int64_t *value)
{
	if (field_array_value_for(d, f, USAGE(UP_TELEPHONY, TEL_KEY_0), value) == 0)
		return true;
	for (uint32_t u = 0; u < f->usages_count; u++) {
		if (is_keypad_usage(d->usages[f->usages_first + u])) {
			*value = f->logical_min + (int64_t)u;
			return true;
		}
	}
	return false;
}

/* Every keypad key pressed in this report becomes Key 0; releases and idle values stay. */
static void obfuscate(const struct phone_model *m, uint8_t *report, size_t len)
{
	const struct rdesc *d = m->desc;
	const struct rdesc_field *done[PHONE_KEYPAD_IDS];
	size_t n_done = 0;
	bool var_down = false;
	uint8_t *payload, id;
	size_t plen;

	split(d, report, len, &id, &payload, &plen);
	for (uint32_t k = 0; k < PHONE_KEYPAD_IDS && k < m->n_ids; k++) {
		const struct phone_button *b = &m->buttons[k];
		const struct rdesc_field *f = b->input.field;
		bool seen = false;
		int64_t repl, v;

		if (!b->keypad || !b->has_input || !f || f->kind != RDESC_INPUT ||
		    f->report_id != id)
			continue;
		if (!rdesc_field_is_array(f)) {
			/* One bit per key: remember whether any was down, then clear them all. */
			if (field_get(f, 0, payload, plen, &v) == 0 && v != 0) {
				var_down = true;
				field_put(f, 0, payload, plen, 0);
			}
			continue;
		}
		for (size_t i = 0; i < n_done; i++)
			seen |= done[i] == f;
		if (seen || !key0_value(d, f, &repl))
			continue;
		done[n_done++] = f;
		for (uint32_t e = 0; e < f->count; e++) {
			int64_t index;

			if (field_get(f, e, payload, plen, &v) < 0)
				break;
			index = v - f->logical_min;
			if (index < 0 || index >= (int64_t)f->usages_count ||
			    !is_keypad_usage(d->usages[f->usages_first + (uint32_t)index]))
				continue;
			field_put(f, e, payload, plen, repl);
		}
	}
	if (var_down) {
		/* Key 0 (or the lowest key there is) stands for whichever keys were down. */
		for (uint32_t k = 0; k < PHONE_KEYPAD_IDS && k < m->n_ids; k++) {
			const struct phone_button *b = &m->buttons[k];
			const struct rdesc_field *f = b->input.field;

			if (b->keypad && b->has_input && f && !rdesc_field_is_array(f) &&
			    f->kind == RDESC_INPUT && f->report_id == id) {
				field_put(f, 0, payload, plen, 1);
				break;
			}
		}
	}
}

/* "# ReportID: 2 / Telephony.HookSwitch=1 | ... | [Telephony.PhoneKey0]" */
static void write_decoded(FILE *out, const struct rdesc *d, const uint8_t *report, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1), *payload, id;
	const char *sep = "";
	bool any = false;
	char name[64];
	size_t plen;

	if (!copy)
		return;
	memcpy(copy, report, len);
	split(d, copy, len, &id, &payload, &plen);
	fputs("#", out);
	if (d->numbered) {
		fprintf(out, " ReportID: %u /", id);
		if (!rdesc_find_report(d, RDESC_INPUT, id)) {
			fputs(" (not an input report of the descriptor)\n", out);
			free(copy);
			return;
		}
	}
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct rdesc_field *f = &d->fields[i];

		if (f->kind != RDESC_INPUT || f->report_id != id)
			continue;
		if (rdesc_field_is_array(f) && f->usages_count) {
			uint32_t usages[16];
			int n = field_array_usages(d, f, payload, plen, usages, 16);

			if (n < 0)
				continue;
			fprintf(out, "%s [", sep);
			for (int k = 0; k < n && k < 16; k++) {
				usage_format(usages[k], name, sizeof(name));
				fprintf(out, "%s%s", k ? " " : "", name);
			}
			fputs("]", out);
		} else if (f->usage) {
			int64_t v;

			if (field_get(f, 0, payload, plen, &v) < 0)
				continue;
			usage_format(f->usage, name, sizeof(name));
			fprintf(out, "%s %s=%lld", sep, name, (long long)v);
			for (uint32_t e = 1; e < f->count && e < 64; e++) {
				if (field_get(f, e, payload, plen, &v) < 0)
					break;
				fprintf(out, ",%lld", (long long)v);
			}
			if (f->count > 64)
				fputs(",...", out);
		} else {
			continue;
		}
		sep = " |";
		any = true;
	}
	if (!any)
		fputs(" (no named fields)", out);
	fputs("\n", out);
	free(copy);
}

static int compare_pending(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->usec != y->usec)
		return x->usec < y->usec ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void queue_locked(struct pending p)
{
	if (rec.n == rec.cap) {
		size_t cap = rec.cap ? rec.cap * 2 : 64;
		struct pending *q = realloc(rec.queue, cap * sizeof(*q));

		if (!q) {
			free(p.data);
			atomic_store(&rec.failed, ENOMEM);
			return;
		}
		rec.queue = q;
		rec.cap = cap;
	}
	p.seq = rec.seq++;
	rec.queue[rec.n++] = p;
}

/* Writes the queued lines older than `before` (all with UINT64_MAX), oldest first. */
static void flush_before(uint64_t before)
{
	size_t k = 0;

	pthread_mutex_lock(&rec.lock);
	if (rec.n == 0) {
		pthread_mutex_unlock(&rec.lock);
		return;
	}
	qsort(rec.queue, rec.n, sizeof(*rec.queue), compare_pending);
	for (; k < rec.n && rec.queue[k].usec < before; k++) {
		struct pending *p = &rec.queue[k];
		int rc;

		if (p->usec < rec.written_usec)
			p->usec = rec.written_usec;
		rec.written_usec = p->usec;
		if (p->kind == RECORDING_INPUT) {
			if (rec.desc)
				write_decoded(rec.out, rec.desc, p->data, p->len);
			rc = recording_write_report(rec.out, RECORDING_INPUT, p->usec, p->data, p->len);
			free(p->data);
		} else {
			char name[16];

			rc = recording_write_tapi(rec.out, p->usec,
						  tapi_event_name(p->message, name, sizeof(name)),
						  p->param[0], p->param[1], p->param[2]);
		}
		if (rc < 0)
			atomic_store(&rec.failed, -rc);
	}
	memmove(rec.queue, rec.queue + k, (rec.n - k) * sizeof(*rec.queue));
	rec.n -= k;
	if (k && fflush(rec.out) != 0)
		atomic_store(&rec.failed, errno ? errno : EIO);
	pthread_mutex_unlock(&rec.lock);
}

static uint64_t since_t0(uint64_t usec)
{
	return usec > rec.t0 ? usec - rec.t0 : 0;
}

/*
 * Where the raw reports come from: our own open of the node, or the recording again.
 *
 * The provider's T: lines must not come before the E: line that caused them, even when our
 * reader runs late. So reads are short and serialised (read_lock), and every TAPI event
 * first takes whatever reports are ready: when the provider has seen a report, our copy is
 * there too (hidraw queues it for every open file at once; a recording's reports fall due
 * on our clock first, as it starts before the provider's).
 */
static struct source {
	pthread_mutex_t read_lock;
	int fd;                      /* hidraw node, or -1 */
	struct transport *replay;    /* recording, or NULL */
	struct recording *file;
	size_t device;               /* the recorded device, index into file->devices */
	uint64_t *due;               /* recording: when each report falls due, as replay paces it */
	size_t n_due, next;
	uint64_t start_usec;         /* recording: the replay's time 0 (its first read) */
	atomic_bool gone;            /* the device went away, or the recording ended */
	atomic_int error;            /* a read failed: its errno */
	uint8_t *buf;
	struct recording_device dev; /* the header we write */
	uint8_t *rdesc;              /* node: the descriptor bytes */
	struct hidraw_node_info node;
} src = { .read_lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1 };

static void queue_report(const uint8_t *report, size_t len, uint64_t usec)
{
	struct pending p = { .kind = RECORDING_INPUT, .len = len, .usec = usec };

	p.data = malloc(len);
	if (!p.data) {
		atomic_store(&rec.failed, ENOMEM);
		return;
	}
	memcpy(p.data, report, len);
	if (rec.model && !rec.show_keys)
		obfuscate(rec.model, p.data, len);
	pthread_mutex_lock(&rec.lock);
	if (usec > rec.last_e_usec)
		rec.last_e_usec = usec;
	queue_locked(p);
	pthread_mutex_unlock(&rec.lock);
}

/* Takes every report that is ready, without waiting; read_lock held. */
static void take_reports(void)
{
	for (;;) {
		uint64_t usec;
		int n;

		if (src.replay) {
			n = transport_read(src.replay, src.buf, MAX_REPORT, 0);
			/* Stamped with the time it fell due: the recording's own, gaps cut as replayed. */
			usec = src.next < src.n_due ? since_t0(src.start_usec) + src.due[src.next] :
						      since_t0(host_now_usec());
			if (n > 0)
				src.next++;
		} else {
			ssize_t r = read(src.fd, src.buf, MAX_REPORT);

			n = r >= 0 ? (int)r : errno == EAGAIN || errno == EINTR ? 0 :
			    errno == EIO || errno == ENODEV ? -ENODEV : -errno;
			usec = since_t0(host_now_usec());
		}
		if (n == 0 || n == -EINTR)
			return;
		if (n == -ENODEV) {
			atomic_store(&src.gone, true);
			return;
		}
		if (n < 0) {
			atomic_store(&src.error, -n);
			atomic_store(&src.gone, true);
			return;
		}
		queue_report(src.buf, (size_t)n, usec);
	}
}

/* Waits, without the lock, up to WAIT_USEC for a report to be ready. */
static void wait_report(void)
{
	if (src.replay) {
		uint64_t now = host_now_usec(), until = now + WAIT_USEC;

		if (src.next < src.n_due && src.start_usec + src.due[src.next] < until)
			until = src.start_usec + src.due[src.next];
		if (until > now)
			usleep((useconds_t)(until - now));
	} else {
		struct pollfd p = { .fd = src.fd, .events = POLLIN };

		if (poll(&p, 1, (int)(WAIT_USEC / 1000)) > 0 &&
		    (p.revents & (POLLERR | POLLHUP | POLLNVAL)))
			atomic_store(&src.gone, true);
	}
}

static void on_event(struct host *h, const struct host_event *ev)
{
	struct pending p = { .kind = RECORDING_TAPI };

	(void)h;
	/* A recording is the phone's: its line's events (LINE_REMOVE at an unplug, the calls
	 * the hook switch starts) are not part of it. */
	if (atomic_load(&rec.ignore) || ev->line)
		return;
	pthread_mutex_lock(&src.read_lock);
	take_reports();
	pthread_mutex_unlock(&src.read_lock);
	if (ev->completion) {
		p.message = TAPI_ASYNC_COMPLETION;
		p.param[0] = ev->request;
		p.param[1] = (uint32_t)ev->result;
	} else {
		p.message = ev->msg;
		p.param[0] = ev->p1;
		p.param[1] = ev->p2;
		p.param[2] = ev->p3;
		if (!rec.show_keys && ev->msg == PHONE_BUTTON && ev->p1 < PHONE_KEYPAD_IDS &&
		    ev->p2 == PHONEBUTTONMODE_KEYPAD)
			p.param[0] = 0;
		if (ev->msg == PHONE_CLOSE || ev->msg == PHONE_REMOVE)
			atomic_store(&rec.closed, true);
	}
	pthread_mutex_lock(&rec.lock);
	p.usec = since_t0(ev->usec);
	/* A report read just now was there before the event: the event does not go first. */
	if (p.usec < rec.last_e_usec)
		p.usec = rec.last_e_usec;
	queue_locked(p);
	pthread_mutex_unlock(&rec.lock);
}

static bool descriptor_is_phone(const uint8_t *rdesc, size_t len)
{
	struct phone_model *m = NULL;

	if (phone_model_build(rdesc, len, &m) < 0)
		return false;
	phone_model_free(m);
	return true;
}

/* When each report falls due: what transport-replay.c does with the timestamps. */
static int schedule(struct source *so)
{
	const uint64_t max_gap = 2000000u;
	uint64_t prev = 0;

	so->due = calloc(so->file->n_events ? so->file->n_events : 1, sizeof(*so->due));
	if (!so->due) {
		phonectl_error("out of memory");
		return -1;
	}
	for (size_t i = 0; i < so->file->n_events; i++) {
		const struct recording_event *e = &so->file->events[i];
		uint64_t gap;

		if (e->device != so->device || e->kind != RECORDING_INPUT)
			continue;
		if (so->n_due == 0) {
			so->due[0] = e->usec > max_gap ? max_gap : e->usec;
		} else {
			gap = e->usec > prev ? e->usec - prev : 0;
			so->due[so->n_due] = so->due[so->n_due - 1] + (gap > max_gap ? max_gap : gap);
		}
		prev = e->usec;
		so->n_due++;
	}
	return 0;
}

static int open_recording(struct source *so, const char *path)
{
	struct replay_options ropts = { .realtime = true, .unplug_at_end = true };
	struct text_error err;
	int rc = recording_read_file(path, &so->file, &err);

	if (rc < 0) {
		if (err.line)
			phonectl_error("%s:%u:%u: %s", path, err.line, err.column, err.message);
		else
			phonectl_error("%s: %s", path, err.message);
		return -1;
	}
	if (so->file->n_devices == 0) {
		phonectl_error("%s: the recording has no device", path);
		return -1;
	}
	/* The provider's phone 0 is the recording's first phone; we record that device. */
	so->device = 0;
	for (size_t i = 0; i < so->file->n_devices; i++) {
		if (descriptor_is_phone(so->file->devices[i].rdesc, so->file->devices[i].rdesc_len)) {
			so->device = i;
			break;
		}
	}
	so->dev = so->file->devices[so->device];
	so->dev.index = 0;
	rc = replay_open(so->file, so->device, path, &ropts, &so->replay, NULL);
	if (rc < 0) {
		phonectl_error("%s: cannot play device %zu: %s", path, so->device, strerror(-rc));
		return -1;
	}
	return schedule(so);
}

static int open_node(struct source *so, const char *node)
{
	long n;

	so->rdesc = malloc(RDESC_MAX_SIZE);
	n = so->rdesc ? hidraw_node_descriptor(node, so->rdesc, RDESC_MAX_SIZE) : -ENOMEM;
	if (n < 0) {
		phonectl_error("%s: cannot read the report descriptor: %s", node, strerror((int)-n));
		return -1;
	}
	if (hidraw_node_info(node, &so->node) < 0)
		memset(&so->node, 0, sizeof(so->node));
	memset(&so->dev, 0, sizeof(so->dev));
	snprintf(so->dev.name, sizeof(so->dev.name), "%s", so->node.name);
	snprintf(so->dev.phys, sizeof(so->dev.phys), "%s", so->node.phys);
	so->dev.bus = (uint16_t)so->node.bus;
	so->dev.vendor = so->node.vendor;
	so->dev.product = so->node.product;
	so->dev.rdesc = so->rdesc;
	so->dev.rdesc_len = (size_t)n;
	/* Read only: hidraw gives every open file its own copy of each input report. */
	so->fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (so->fd < 0) {
		int err = errno;

		phonectl_error("%s: %s%s", node, strerror(err), err == EACCES ?
			       " (phonectl list names the fix)" : "");
		return -1;
	}
	return 0;
}

static void source_close(struct source *so)
{
	if (so->fd >= 0)
		close(so->fd);
	transport_close(so->replay);
	recording_free(so->file);
	free(so->due);
	free(so->buf);
	free(so->rdesc);
}

static void write_header(const struct source *so, const char *device, bool session)
{
	FILE *out = rec.out;

	fprintf(out, "# %s\n", so->dev.name[0] ? so->dev.name : "(no name)");
	fprintf(out, "# recorded by phonectl record from %s\n", device);
	if (!rec.model)
		fprintf(out, "# not a phone (no Telephony top-level collection): no T: lines\n");
	else if (!session)
		fprintf(out, "# the provider could not be loaded or could not open the phone: "
			     "no T: lines\n");
	else
		fprintf(out, "# T: lines are the TAPI events the provider reported for the phone "
			     "(hid-tools skips them)\n");
	if (!rec.show_keys)
		fprintf(out, "# dialled digits are hidden: every keypad key in E: lines reads as "
			     "Key 0 and every KEYPAD button in T: lines as id 0 (phonectl record "
			     "--show-keys keeps them)\n");
	recording_write_device(out, &so->dev, false);
	fflush(out);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: phonectl record [-o FILE] [--show-keys] [--seconds N] DEVICE\n"
		   "  DEVICE  a hidraw node (/dev/hidrawN), or a recording to record again\n");
}

int phonectl_record(int argc, char **argv, const struct phonectl_options *global)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "show-keys", no_argument, NULL, 'k' },
		{ "seconds", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct session s = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	const char *device, *out_path = NULL;
	double seconds = 0;
	bool session = false;
	uint64_t deadline = 0, end_at = 0;
	struct stat st;
	int c, rc = EXIT_FAILURE;
	char *end;

	(void)global;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out_path = optarg; break;
		case 'k': rec.show_keys = true; break;
		case 's':
			errno = 0;
			seconds = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(seconds > 0) || seconds > 1e7) {
				phonectl_error("--seconds wants a positive number of seconds, not '%s'",
					       optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		phonectl_error("record takes one DEVICE (a hidraw node or a recording)");
		usage(stderr);
		return EXIT_USAGE;
	}
	device = argv[optind];
	if (session_refuse_usb(device, "record"))
		return EXIT_FAILURE;
	if (stat(device, &st) < 0) {
		phonectl_error("%s: %s", device, strerror(errno));
		return EXIT_FAILURE;
	}
	if (!S_ISCHR(st.st_mode) && !S_ISREG(st.st_mode)) {
		phonectl_error("%s: neither a hidraw node nor a recording", device);
		return EXIT_FAILURE;
	}
	if (S_ISREG(st.st_mode) ? open_recording(&src, device) < 0 : open_node(&src, device) < 0)
		goto out;

	if (rdesc_parse(src.dev.rdesc, src.dev.rdesc_len, &rec.desc, NULL) < 0)
		rec.desc = NULL;
	if (phone_model_build(src.dev.rdesc, src.dev.rdesc_len, &rec.model) < 0)
		rec.model = NULL;

	rec.out = stdout;
	rec.out_name = "standard output";
	if (out_path) {
		rec.out = fopen(out_path, "w");
		rec.out_name = out_path;
		if (!rec.out) {
			phonectl_error("%s: %s", out_path, strerror(errno));
			goto out;
		}
	}
	src.buf = malloc(MAX_REPORT);
	if (!src.buf) {
		phonectl_error("out of memory");
		goto out;
	}

	if (rec.model) {
		/* The session plays a recording without unplugging at its end: we stop there. */
		session = session_start(&s, device, "replay") == 0;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/*
	 * Time 0 is when our reader starts. A recording's pacing clock starts at its first
	 * read, here, before the provider's (the phone is opened next), so each report falls
	 * due for us first.
	 */
	rec.t0 = host_now_usec();
	if (src.replay) {
		src.start_usec = rec.t0;   /* the replay's own starts a microsecond later */
		pthread_mutex_lock(&src.read_lock);
		take_reports();
		pthread_mutex_unlock(&src.read_lock);
	}
	if (session) {
		host_set_on_event(s.h, on_event);
		if (session_open(&s, 0) < 0) {
			host_set_on_event(s.h, NULL);
			session_stop(&s);
			session = false;
		}
	}
	write_header(&src, device, session);
	if (seconds > 0)
		deadline = rec.t0 + (uint64_t)(seconds * 1e6);

	rc = EXIT_SUCCESS;
	while (!stop_signal && !atomic_load(&rec.failed)) {
		uint64_t now = host_now_usec();

		if (deadline && now >= deadline)
			break;
		if (atomic_load(&rec.closed)) {
			fprintf(stderr, "phonectl: %s: the phone was closed: the device went away\n",
				device);
			break;
		}
		if (end_at) {
			/* Gone or ended: the provider may still report what it read last. */
			if (now >= end_at)
				break;
			usleep(10000);
		} else {
			wait_report();
			pthread_mutex_lock(&src.read_lock);
			take_reports();
			pthread_mutex_unlock(&src.read_lock);
			now = host_now_usec();
			if (atomic_load(&src.error)) {
				phonectl_error("%s: %s", device, strerror(atomic_load(&src.error)));
				rc = EXIT_FAILURE;
				break;
			}
			if (atomic_load(&src.gone)) {
				if (!src.replay)
					fprintf(stderr, "phonectl: %s: the device went away\n", device);
				end_at = now + (session ? END_GRACE_USEC : 1);
			}
		}
		flush_before(since_t0(now) > HOLD_USEC ? since_t0(now) - HOLD_USEC : 0);
	}
	/* What the provider does while closing is ours, not the device's. */
	atomic_store(&rec.ignore, true);
	flush_before(UINT64_MAX);
	if (session) {
		host_set_on_event(s.h, NULL);
		session_stop(&s);
	}
	if (atomic_load(&rec.failed)) {
		phonectl_error("%s: cannot write the recording: %s", rec.out_name,
			       strerror(atomic_load(&rec.failed)));
		rc = EXIT_FAILURE;
	}
out:
	if (rec.out && rec.out != stdout && fclose(rec.out) != 0 && rc == EXIT_SUCCESS) {
		phonectl_error("%s: %s", rec.out_name, strerror(errno));
		rc = EXIT_FAILURE;
	}
	for (size_t i = 0; i < rec.n; i++)
		free(rec.queue[i].data);
	free(rec.queue);
	phone_model_free(rec.model);
	rdesc_free(rec.desc);
	source_close(&src);
	return rc;
}
