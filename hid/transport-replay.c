/*
 * Replay transport: see transport-replay.h.
 *
 * The reader waits on a condition variable bound to CLOCK_MONOTONIC, with a deadline that
 * is the earlier of its timeout and the next report's due time, so an idle reader sleeps
 * until something can change: a report falls due, its timeout ends, or interrupt() is
 * called. Nothing polls.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report-prefix.h"
#include "transport-replay.h"

#define NSEC_PER_USEC 1000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC 1000000000ull
/* hid-replay sleeps at most 2 s between two reports, so long idle stretches do not drag. */
#define MAX_GAP_USEC 2000000ull

struct replay_input {
	uint64_t due_usec;       /* after the first read(), gaps already cut */
	size_t len;
	const uint8_t *data;     /* into replay.arena */
};

struct replay_feature {
	size_t inputs_before;    /* E: lines of this device before this F: get line */
	size_t len;
	const uint8_t *data;     /* into replay.arena, prefixed (report-prefix.h) */
};

/* The newest REPLAY_MAX_KEPT reports written, oldest at head. */
struct kept_reports {
	struct kept {
		uint8_t *data;
		size_t len;
	} *items;                /* allocated on the first report */
	size_t head, count;
};

struct replay {
	struct transport base;
	pthread_mutex_t lock;    /* everything below that changes after open */
	pthread_cond_t wake;

	bool realtime, unplug_at_end;
	FILE *log;
	bool log_with_index;     /* the recording has several devices: lines need D: */
	unsigned log_index;      /* this device's D: value */
	uint64_t opened_ns;

	uint8_t *arena;          /* bytes of inputs and features */
	struct replay_input *inputs;
	size_t n_inputs, next_input;
	struct replay_feature *features;
	size_t n_features;

	bool started;            /* the pacing clock runs from the first read() */
	uint64_t start_ns;
	bool interrupted;

	struct kept_reports outputs, feature_sets;
	int live_in, live_out;   /* a live device (replay_options.live): ours, or -1 */
};

/*
 * Lines of several transports sharing a log must not interleave, and a D: line is needed
 * when the writer changes; both are about the FILE, not one transport, hence a global lock.
 */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct replay *log_last_writer;
static const FILE *log_last_file;

static const struct transport_ops replay_ops;

static struct replay *to_replay(struct transport *t)
{
	return t && t->ops == &replay_ops ? (struct replay *)t : NULL;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static struct timespec to_timespec(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / NSEC_PER_SEC),
		.tv_nsec = (long)(ns % NSEC_PER_SEC),
	};
	return ts;
}

/* A live device's next report: one packet of its socket, as hidraw gives one report. */
static int live_read(struct replay *r, uint8_t *buf, size_t len, int timeout_ms)
{
	struct pollfd pf = { .fd = r->live_in, .events = POLLIN };
	ssize_t n;
	bool stop;

	pthread_mutex_lock(&r->lock);
	stop = r->interrupted;
	r->interrupted = false;
	pthread_mutex_unlock(&r->lock);
	if (stop)
		return -EINTR;
	if (timeout_ms != 0 && poll(&pf, 1, timeout_ms) < 0)
		return -errno;
	n = recv(r->live_in, buf, len, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	/* The other end closed: the device is gone. */
	return n == 0 ? -ENODEV : (int)n;
}

static int replay_read(struct transport *t, uint8_t *buf, size_t len, int timeout_ms)
{
	struct replay *r = (struct replay *)t;
	uint64_t now = now_ns(), deadline = 0;
	int rc;

	if (!buf || len == 0)
		return -EINVAL;
	if (r->live_in >= 0)
		return live_read(r, buf, len, timeout_ms);
	if (timeout_ms > 0)
		deadline = now + (uint64_t)timeout_ms * NSEC_PER_MSEC;
	pthread_mutex_lock(&r->lock);
	if (!r->started) {
		r->started = true;
		r->start_ns = now;
	}
	for (;;) {
		bool wait_until = false;
		uint64_t until = 0;

		if (r->interrupted) {
			r->interrupted = false;
			rc = -EINTR;
			break;
		}
		if (r->next_input < r->n_inputs) {
			const struct replay_input *in = &r->inputs[r->next_input];
			uint64_t due = r->start_ns + in->due_usec * NSEC_PER_USEC;

			if (!r->realtime || now >= due) {
				size_t n = in->len < len ? in->len : len; /* hidraw truncates too */

				memcpy(buf, in->data, n);
				r->next_input++;
				rc = (int)n;
				break;
			}
			wait_until = true;
			until = due;
		} else if (r->unplug_at_end) {
			rc = -ENODEV;
			break;
		}
		if (timeout_ms == 0 || (timeout_ms > 0 && now >= deadline)) {
			rc = 0;
			break;
		}
		if (timeout_ms > 0 && (!wait_until || deadline < until)) {
			wait_until = true;
			until = deadline;
		}
		if (wait_until) {
			struct timespec ts = to_timespec(until);

			pthread_cond_timedwait(&r->wake, &r->lock, &ts);
		} else {
			pthread_cond_wait(&r->wake, &r->lock);
		}
		now = now_ns();
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static long replay_due_ms(struct transport *t)
{
	struct replay *r = (struct replay *)t;
	uint64_t now = now_ns();
	long ms = -1;

	if (r->live_in >= 0)
		return -1;
	pthread_mutex_lock(&r->lock);
	/* The clock starts here as in read(): asking is the start of reading. */
	if (!r->started) {
		r->started = true;
		r->start_ns = now;
	}
	if (r->interrupted) {
		ms = 0;
	} else if (r->next_input < r->n_inputs) {
		uint64_t due = r->start_ns + r->inputs[r->next_input].due_usec * NSEC_PER_USEC;

		/* Rounded up: a read() at the end of the wait finds the report due. */
		ms = !r->realtime || now >= due ? 0 :
		     (long)((due - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC);
	} else if (r->unplug_at_end) {
		ms = 0;
	}
	pthread_mutex_unlock(&r->lock);
	return ms;
}

static void replay_interrupt(struct transport *t)
{
	struct replay *r = (struct replay *)t;

	pthread_mutex_lock(&r->lock);
	r->interrupted = true;
	pthread_cond_broadcast(&r->wake);
	pthread_mutex_unlock(&r->lock);
}

static int replay_get_feature(struct transport *t, uint8_t id, uint8_t *report, size_t size)
{
	struct replay *r = (struct replay *)t;
	const struct replay_feature *answer = NULL, *first = NULL;
	size_t skip = report_prefix_len(id), n = 0;

	pthread_mutex_lock(&r->lock);
	/*
	 * The device answers what it answered at this point of the recording: the latest
	 * reading before the next input report, or, when it was only read later, that reading.
	 * F: get lines are in the prefixed form: the id first, 0 for an unnumbered report.
	 */
	for (size_t i = 0; i < r->n_features; i++) {
		const struct replay_feature *f = &r->features[i];

		if (f->data[0] != id)
			continue;
		if (!first)
			first = f;
		if (f->inputs_before <= r->next_input)
			answer = f;
	}
	if (!answer)
		answer = first;
	if (answer) {
		n = answer->len - skip < size ? answer->len - skip : size;
		memcpy(report, answer->data + skip, n);
	}
	pthread_mutex_unlock(&r->lock);
	/* a real device stalls the control request for a report it does not have */
	return answer ? (int)n : -EPIPE;
}

static void kept_free(struct kept_reports *k)
{
	if (k->items)
		for (size_t i = 0; i < k->count; i++)
			free(k->items[(k->head + i) % REPLAY_MAX_KEPT].data);
	free(k->items);
}

static int kept_add(struct kept_reports *k, const uint8_t *data, size_t len)
{
	uint8_t *copy = malloc(len);
	struct kept *slot;

	if (!copy)
		return -ENOMEM;
	if (!k->items) {
		k->items = calloc(REPLAY_MAX_KEPT, sizeof(*k->items));
		if (!k->items) {
			free(copy);
			return -ENOMEM;
		}
	}
	if (k->count == REPLAY_MAX_KEPT) {
		free(k->items[k->head].data);
		k->head = (k->head + 1) % REPLAY_MAX_KEPT;
		k->count--;
	}
	slot = &k->items[(k->head + k->count) % REPLAY_MAX_KEPT];
	slot->data = copy;
	slot->len = len;
	memcpy(copy, data, len);
	k->count++;
	return 0;
}

static int kept_get(struct replay *r, struct kept_reports *k, size_t i, uint8_t *buf,
		    size_t len)
{
	int rc;

	pthread_mutex_lock(&r->lock);
	if (i >= k->count) {
		rc = -ENOENT;
	} else {
		const struct kept *item = &k->items[(k->head + i) % REPLAY_MAX_KEPT];

		if (!buf || len < item->len) {
			rc = -ENOBUFS;
		} else {
			memcpy(buf, item->data, item->len);
			rc = (int)item->len;
		}
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static int log_report(struct replay *r, char kind, const uint8_t *data, size_t len)
{
	uint64_t usec;
	int rc = 0;

	pthread_mutex_lock(&log_lock);
	/* taken under the lock so lines of one device never go back in time */
	usec = (now_ns() - r->opened_ns) / NSEC_PER_USEC;
	if (r->log_with_index && (log_last_writer != r || log_last_file != r->log)) {
		fprintf(r->log, "D: %u\n", r->log_index);
		if (ferror(r->log))
			rc = -EIO;
	}
	if (rc == 0)
		rc = recording_write_report(r->log, kind, usec, data, len);
	if (fflush(r->log) != 0 && rc == 0)
		rc = -EIO;
	log_last_writer = r;
	log_last_file = r->log;
	pthread_mutex_unlock(&log_lock);
	return rc;
}

/* Keeps, logs and passes on a report in the prefixed form, as O: and F: set lines have it. */
static int record_sent(struct replay *r, struct kept_reports *k, char kind, uint8_t id,
		       const uint8_t *report, size_t len)
{
	struct report_prefixed p;
	int rc;

	if (len > RECORDING_MAX_REPORT - report_prefix_len(id))
		return -EINVAL;
	rc = report_prefix(&p, id, report, len);
	if (rc == 0) {
		pthread_mutex_lock(&r->lock);
		rc = kept_add(k, p.bytes, p.len);
		pthread_mutex_unlock(&r->lock);
	}
	if (rc == 0 && r->log)
		rc = log_report(r, kind, p.bytes, p.len);
	/* A live device takes it when its socket has room: until then this blocks. */
	if (rc == 0 && r->live_out >= 0 && send(r->live_out, p.bytes, p.len, MSG_NOSIGNAL) < 0)
		rc = errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN ? -ENODEV : -errno;
	report_prefixed_release(&p);
	return rc;
}

static int replay_wait_fd(struct transport *t)
{
	return ((struct replay *)t)->live_in;
}

static int replay_write(struct transport *t, uint8_t id, const uint8_t *report, size_t len)
{
	struct replay *r = (struct replay *)t;

	return record_sent(r, &r->outputs, RECORDING_OUTPUT, id, report, len);
}

static int replay_set_feature(struct transport *t, uint8_t id, const uint8_t *report,
			      size_t len)
{
	struct replay *r = (struct replay *)t;

	return record_sent(r, &r->feature_sets, RECORDING_FEATURE_SET, id, report, len);
}

static void replay_free(struct replay *r)
{
	if (r->live_in >= 0)
		close(r->live_in);
	if (r->live_out >= 0)
		close(r->live_out);
	kept_free(&r->outputs);
	kept_free(&r->feature_sets);
	free(r->inputs);
	free(r->features);
	free(r->arena);
	free(r);
}

static void replay_close(struct transport *t)
{
	struct replay *r = to_replay(t);

	if (!r)
		return;
	/* a later transport at the same address must not pass for this one in the log */
	pthread_mutex_lock(&log_lock);
	if (log_last_writer == r)
		log_last_writer = NULL;
	pthread_mutex_unlock(&log_lock);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
	replay_free(r);
}

static const struct transport_ops replay_ops = {
	.read = replay_read,
	.write = replay_write,
	.get_feature = replay_get_feature,
	.set_feature = replay_set_feature,
	.interrupt = replay_interrupt,
	.close = replay_close,
	.due_ms = replay_due_ms,
	.wait_fd = replay_wait_fd,
};

/* Copies the device's E: and F: get lines out of the recording. */
static int copy_events(struct replay *r, const struct recording *rec, unsigned device)
{
	size_t bytes = 0, n_in = 0, n_feat = 0, off = 0, in = 0, feat = 0;
	uint64_t prev_usec = 0;

	for (size_t i = 0; i < rec->n_events; i++) {
		const struct recording_event *e = &rec->events[i];

		if (e->device != device || (e->kind != RECORDING_INPUT &&
					    e->kind != RECORDING_FEATURE_GET))
			continue;
		/* a hand-built recording could break what the parser guarantees */
		if (!e->data || e->len == 0 || e->len > RECORDING_MAX_REPORT)
			return -EINVAL;
		bytes += e->len;
		if (e->kind == RECORDING_INPUT)
			n_in++;
		else
			n_feat++;
	}
	r->arena = malloc(bytes ? bytes : 1);
	r->inputs = calloc(n_in ? n_in : 1, sizeof(*r->inputs));
	r->features = calloc(n_feat ? n_feat : 1, sizeof(*r->features));
	if (!r->arena || !r->inputs || !r->features)
		return -ENOMEM;
	for (size_t i = 0; i < rec->n_events; i++) {
		const struct recording_event *e = &rec->events[i];

		if (e->device != device)
			continue;
		if (e->kind == RECORDING_INPUT) {
			struct replay_input *p = &r->inputs[in];

			if (in == 0) {
				/*
				 * A recording's time starts at the open, so "hook off 300 ms
				 * after open" can be written down; hid-recorder's first event
				 * is at 0 anyway.
				 */
				p->due_usec = e->usec > MAX_GAP_USEC ? MAX_GAP_USEC : e->usec;
			} else {
				uint64_t gap = e->usec > prev_usec ? e->usec - prev_usec : 0;

				p->due_usec = r->inputs[in - 1].due_usec +
					      (gap > MAX_GAP_USEC ? MAX_GAP_USEC : gap);
			}
			prev_usec = e->usec;
			p->len = e->len;
			p->data = r->arena + off;
			in++;
		} else if (e->kind == RECORDING_FEATURE_GET) {
			struct replay_feature *f = &r->features[feat++];

			f->inputs_before = in;
			f->len = e->len;
			f->data = r->arena + off;
		} else {
			continue;
		}
		memcpy(r->arena + off, e->data, e->len);
		off += e->len;
	}
	r->n_inputs = n_in;
	r->n_features = n_feat;
	return 0;
}

static void fill_info(struct transport_info *info, const struct recording_device *dev,
		      size_t index, const char *label)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->path, sizeof(info->path), "replay:%s", label ? label : "recording");
	info->bus = dev->bus;
	info->vendor = dev->vendor;
	info->product = dev->product;
	info->release = 0;
	info->interface = -1;
	snprintf(info->manufacturer, sizeof(info->manufacturer), "hidphone replay");
	snprintf(info->product_name, sizeof(info->product_name), "%.*s",
		 (int)strnlen(dev->name, sizeof(dev->name)), dev->name);
	snprintf(info->serial, sizeof(info->serial), "replay-%zu", index);
	info->rdesc_len = dev->rdesc_len;
	if (dev->rdesc_len)
		memcpy(info->rdesc, dev->rdesc, dev->rdesc_len);
}

int replay_open(const struct recording *rec, size_t index, const char *label,
		const struct replay_options *opts, struct transport **out,
		struct transport_info *info)
{
	static const struct replay_options defaults;
	const struct recording_device *dev;
	pthread_condattr_t attr;
	struct replay *r;
	int rc;

	if (out)
		*out = NULL;
	if (!rec || !out)
		return -EINVAL;
	if (index >= rec->n_devices)
		return -ENODEV;
	dev = &rec->devices[index];
	if (dev->rdesc_len > RDESC_MAX_SIZE || (dev->rdesc_len && !dev->rdesc))
		return -EINVAL;
	if (!opts)
		opts = &defaults;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->base.ops = &replay_ops;
	r->live_in = r->live_out = -1;
	if (opts->live) {
		r->live_in = fcntl(opts->input_fd, F_DUPFD_CLOEXEC, 0);
		if (r->live_in < 0 || (opts->output_fd >= 0 &&
		    (r->live_out = fcntl(opts->output_fd, F_DUPFD_CLOEXEC, 0)) < 0)) {
			rc = -errno;
			replay_free(r);
			return rc;
		}
	}
	r->realtime = opts->realtime;
	r->unplug_at_end = opts->unplug_at_end;
	r->log = opts->output_log;
	r->log_with_index = rec->n_devices > 1;
	r->log_index = dev->index;
	rc = copy_events(r, rec, (unsigned)index);
	if (rc < 0) {
		replay_free(r);
		return rc;
	}
	if (pthread_mutex_init(&r->lock, NULL) != 0) {
		replay_free(r);
		return -ENOMEM;
	}
	/* deadlines are on the monotonic clock, so setting the date does not disturb pacing */
	if (pthread_condattr_init(&attr) != 0) {
		pthread_mutex_destroy(&r->lock);
		replay_free(r);
		return -ENOMEM;
	}
	rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (rc == 0)
		rc = pthread_cond_init(&r->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (rc != 0) {
		pthread_mutex_destroy(&r->lock);
		replay_free(r);
		return -rc;
	}
	r->opened_ns = now_ns();
	if (info)
		fill_info(info, dev, index, label);
	*out = &r->base;
	return 0;
}

size_t replay_output_count(struct transport *t)
{
	struct replay *r = to_replay(t);
	size_t n;

	if (!r)
		return 0;
	pthread_mutex_lock(&r->lock);
	n = r->outputs.count;
	pthread_mutex_unlock(&r->lock);
	return n;
}

int replay_output_get(struct transport *t, size_t i, uint8_t *buf, size_t len)
{
	struct replay *r = to_replay(t);

	return r ? kept_get(r, &r->outputs, i, buf, len) : -EINVAL;
}

size_t replay_feature_set_count(struct transport *t)
{
	struct replay *r = to_replay(t);
	size_t n;

	if (!r)
		return 0;
	pthread_mutex_lock(&r->lock);
	n = r->feature_sets.count;
	pthread_mutex_unlock(&r->lock);
	return n;
}

int replay_feature_set_get(struct transport *t, size_t i, uint8_t *buf, size_t len)
{
	struct replay *r = to_replay(t);

	return r ? kept_get(r, &r->feature_sets, i, buf, len) : -EINVAL;
}
