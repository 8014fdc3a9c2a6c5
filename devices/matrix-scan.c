#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hid/usage-ids.h"
#include "hid/usage-names.h"
#include "matrix-scan.h"

/* Keypad ids 0-15: digits, *, #, A-D, as the phone model numbers them. */
#define SCAN_KEYPAD_IDS 16u

const struct scan_protocol scan_protocol_cm109 = {
	.name = "cm109",
	.report_len = 4,
	/* HID_OR0 bits 7-6 = 0: OR1-2 drive the GPO pins, OR0 holds the buzzer (as cm109.c). */
	.out_mode = { 0x00, 0x00, 0x00, 0x00 },
	.column_bytes = { 1, 2 },
	.row_byte = 1,
	.row_mask = 0xf0,
	.column_mask = 0x0f,
	/* The chip answers within a USB frame or two; a lost answer costs one resend. */
	.answer_ms = 100,
};

const struct scan_protocol *scan_protocol_of(const struct profile_values *v)
{
	if ((v->set & (1u << PROFILE_PROTOCOL)) && v->protocol == PROFILE_PROTOCOL_CM109)
		return &scan_protocol_cm109;
	return NULL;
}

static bool has_key(const struct profile_values *v, enum profile_key k)
{
	return v->set & (1u << k);
}

/* The keypad ids the keymap has, ascending; the keypad array lists them in this order. */
static size_t keypad_ids(const struct profile_values *v, uint8_t ids[SCAN_KEYPAD_IDS])
{
	size_t n = 0;

	for (uint8_t id = 0; id < SCAN_KEYPAD_IDS; id++) {
		for (size_t i = 0; has_key(v, PROFILE_SCAN_KEYMAP) && i < v->n_scan_keys; i++) {
			if (v->scan_keys[i].key == id) {
				ids[n++] = id;
				break;
			}
		}
	}
	return n;
}

static bool has_hook_keys(const struct profile_values *v)
{
	for (size_t i = 0; has_key(v, PROFILE_SCAN_KEYMAP) && i < v->n_scan_keys; i++) {
		if (v->scan_keys[i].key >= PROFILE_SCAN_OFFHOOK)
			return true;
	}
	return false;
}

struct out_buf {
	uint8_t *p;
	size_t size, len;
};

static void put(struct out_buf *b, const uint8_t *bytes, size_t n)
{
	if (b->len + n <= b->size)
		memcpy(b->p + b->len, bytes, n);
	b->len += n;
}
#define PUT(b, ...) put(b, (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

/*
 * Input report (2 bytes): bit 0 the Hook Switch (1: off hook), then the keypad array (0: no
 * key, i: the i-th keypad usage listed). Output report (1 byte): bit 0 the Ringer. The layout
 * is the same whatever the keymap has; an absent control is padding.
 */
int scan_descriptor(const struct profile_values *v, uint8_t *out, size_t size)
{
	struct out_buf b = { .p = out, .size = size };
	uint8_t ids[SCAN_KEYPAD_IDS];
	size_t n = keypad_ids(v, ids);

	PUT(&b, 0x05, UP_TELEPHONY, 0x09, TEL_PHONE, 0xa1, 0x01);
	if (has_hook_keys(v))
		PUT(&b, 0x09, TEL_HOOK_SWITCH, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01,
		    0x81, 0x02, 0x75, 0x07, 0x95, 0x01, 0x81, 0x03);
	else
		PUT(&b, 0x75, 0x08, 0x95, 0x01, 0x81, 0x03);
	if (n) {
		for (size_t i = 0; i < n; i++)
			PUT(&b, 0x09, (uint8_t)(TEL_KEY_0 + ids[i]));
		PUT(&b, 0x15, 0x01, 0x25, (uint8_t)n, 0x75, 0x08, 0x95, 0x01, 0x81, 0x00);
	} else {
		PUT(&b, 0x75, 0x08, 0x95, 0x01, 0x81, 0x03);
	}
	if (has_key(v, PROFILE_BUZZER))
		PUT(&b, 0x09, TEL_RINGER, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01, 0x91, 0x02,
		    0x75, 0x07, 0x95, 0x01, 0x91, 0x03);
	PUT(&b, 0xc0);
	return b.len <= size ? (int)b.len : -ENOSPC;
}

struct scan_transport {
	struct transport base;
	const struct scan_protocol *proto;
	struct transport *inner;
	uint64_t (*now_ms)(void);
	size_t n_keys;
	struct profile_scan_key keys[PROFILE_MAX_LIST];
	uint8_t keypad_index[SCAN_KEYPAD_IDS];  /* keypad id -> array value (0: none) */
	bool has_buzzer;
	uint8_t buzzer_byte, buzzer_mask;

	bool buzzer;                 /* the Ringer output the host set */
	uint8_t drive;               /* the column(s) driven: one bit, or column_mask for all */
	uint8_t rows;                /* the rows last seen with every column driven */
	uint8_t found;               /* the scan code this scan found, 0 for none yet */
	bool awaiting;               /* an answer to the last output report is due */
	bool resend;                 /* the output report is to be sent (again) */
	uint64_t answer_by;          /* now_ms() by which it should have come */
	bool hook;                   /* the Hook Switch reported (off hook) */
	uint8_t key;                 /* the keypad array value reported */
	bool report_due;             /* the state above changed: an input report to hand out */
	/*
	 * The provider reads on its I/O loop and writes (the buzzer) on its writer thread: both
	 * change the state above and drive the chip, one at a time.
	 */
	pthread_mutex_t lock;
};

static struct scan_transport *to_scan(struct transport *t)
{
	return (struct scan_transport *)t;
}

/* The output report for the driven columns and the buzzer, sent to the chip. */
static int send_drive(struct scan_transport *s)
{
	uint8_t out[sizeof(s->proto->out_mode)];
	int rc;

	memcpy(out, s->proto->out_mode, s->proto->report_len);
	for (size_t i = 0; i < sizeof(s->proto->column_bytes); i++)
		out[s->proto->column_bytes[i]] = s->drive;
	if (s->has_buzzer && s->buzzer)
		out[s->buzzer_byte] |= s->buzzer_mask;
	/* The chip numbers no reports: id 0. */
	rc = transport_write(s->inner, 0, out, s->proto->report_len);
	/*
	 * A column's answer is needed to go on; with every column driven, none is (the chip
	 * reports a change of its rows by itself). A failed write is tried again as late.
	 */
	s->resend = false;
	s->awaiting = rc < 0 || s->drive != s->proto->column_mask;
	s->answer_by = s->now_ms() + s->proto->answer_ms;
	return rc;
}

/* The scan ended on code (0: no key down): keypad and hook state as the keymap says. */
static void scan_result(struct scan_transport *s, uint8_t code)
{
	uint8_t key = 0;
	bool hook = s->hook;

	for (size_t i = 0; code && i < s->n_keys; i++) {
		if (s->keys[i].code != code)
			continue;
		if (s->keys[i].key == PROFILE_SCAN_OFFHOOK)
			hook = true;
		else if (s->keys[i].key == PROFILE_SCAN_ONHOOK)
			hook = false;
		else
			key = s->keypad_index[s->keys[i].key];
	}
	if (key != s->key || hook != s->hook)
		s->report_due = true;
	s->key = key;
	s->hook = hook;
}

/* One input report from the chip. */
static void feed(struct scan_transport *s, const uint8_t *r, size_t n)
{
	const struct scan_protocol *pr = s->proto;
	uint8_t rows, columns;

	if (n <= pr->row_byte)
		return;
	rows = r[pr->row_byte] & pr->row_mask;
	columns = r[pr->row_byte] & pr->column_mask;
	if (s->drive == pr->column_mask) {
		/* The answer to a column's report that came late: not every column's rows. */
		if (columns != pr->column_mask)
			return;
		s->awaiting = false;
		if (rows == s->rows)
			return;
		s->rows = rows;
		if (!rows) {
			scan_result(s, 0);
			return;
		}
		/* Something changed: which key, column by column from the lowest. */
		s->found = 0;
		s->drive = pr->column_mask & (uint8_t)-pr->column_mask;
		s->resend = true;
		return;
	}
	/* An answer for another column (sent before the last write): not this column's. */
	if (columns != s->drive)
		return;
	s->awaiting = false;
	/* One key at a time, as the chip's keymaps are made: the first row found wins. */
	if (rows && !s->found)
		s->found = (uint8_t)((rows & (uint8_t)-rows) | s->drive);
	s->drive = (uint8_t)(s->drive << 1);
	if (!(s->drive & pr->column_mask)) {
		scan_result(s, s->found);
		/*
		 * Back to watching every column: its answer, compared with the rows that
		 * started this scan, tells whether anything moved meanwhile.
		 */
		s->drive = pr->column_mask;
	}
	s->resend = true;
}

static int take_report(struct scan_transport *s, uint8_t *buf, size_t len)
{
	uint8_t r[2] = { s->hook ? 1 : 0, s->key };
	size_t n = len < sizeof(r) ? len : sizeof(r);

	s->report_due = false;
	memcpy(buf, r, n);
	return (int)n;
}

static int scan_read_locked(struct scan_transport *s, uint8_t *buf, size_t len, int timeout_ms)
{
	uint8_t r[64];

	for (;;) {
		int n, rc;

		if (s->report_due)
			return take_report(s, buf, len);
		if (!s->resend && s->awaiting && s->now_ms() >= s->answer_by)
			s->resend = true;
		if (s->resend) {
			rc = send_drive(s);
			if (rc == -ENODEV)
				return rc;
		}
		/* Once the scan is under way, no wait: its answer is read when it comes. */
		n = transport_read(s->inner, r, sizeof(r), timeout_ms);
		if (n <= 0)
			return n;
		feed(s, r, (size_t)n);
	}
}

static int scan_read(struct transport *t, uint8_t *buf, size_t len, int timeout_ms)
{
	struct scan_transport *s = to_scan(t);
	int rc;

	pthread_mutex_lock(&s->lock);
	rc = scan_read_locked(s, buf, len, timeout_ms);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* The one output report of scan_descriptor(): unnumbered, bit 0 the Ringer. */
static int scan_write(struct transport *t, uint8_t id, const uint8_t *report, size_t len)
{
	struct scan_transport *s = to_scan(t);
	bool ring = report[0] & 1;
	int rc = 0;

	(void)len;
	if (id != 0)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	if (s->has_buzzer && ring != s->buzzer) {
		s->buzzer = ring;
		/* The chip takes the whole register: the buzzer with the columns as they are. */
		rc = send_drive(s);
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static int scan_get_feature(struct transport *t, uint8_t id, uint8_t *report, size_t size)
{
	(void)t, (void)id, (void)report, (void)size;
	return -EOPNOTSUPP;
}

static int scan_set_feature(struct transport *t, uint8_t id, const uint8_t *report, size_t len)
{
	(void)t, (void)id, (void)report, (void)len;
	return -EOPNOTSUPP;
}

static void scan_interrupt(struct transport *t)
{
	transport_interrupt(to_scan(t)->inner);
}

static void scan_close(struct transport *t)
{
	struct scan_transport *s = to_scan(t);

	/* The buzzer must not go on sounding after the phone is closed. */
	if (s->buzzer) {
		s->buzzer = false;
		send_drive(s);
	}
	transport_close(s->inner);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static int scan_wait_fd(struct transport *t)
{
	return transport_wait_fd(to_scan(t)->inner);
}

static long scan_due_ms(struct transport *t)
{
	struct scan_transport *s = to_scan(t);
	long ms;

	pthread_mutex_lock(&s->lock);
	if (s->report_due || s->resend) {
		ms = 0;
	} else if (!s->awaiting) {
		ms = -1;
	} else {
		uint64_t now = s->now_ms();

		ms = now >= s->answer_by ? 0 : (long)(s->answer_by - now);
	}
	pthread_mutex_unlock(&s->lock);
	return ms;
}

static const struct transport_ops scan_ops = {
	.read = scan_read,
	.write = scan_write,
	.get_feature = scan_get_feature,
	.set_feature = scan_set_feature,
	.interrupt = scan_interrupt,
	.close = scan_close,
	.wait_fd = scan_wait_fd,
	.due_ms = scan_due_ms,
};

int scan_transport_open(const struct scan_protocol *proto, const struct profile_values *v,
			struct transport *inner, uint64_t (*now_ms)(void), struct transport **out)
{
	struct scan_transport *s = calloc(1, sizeof(*s));
	uint8_t ids[SCAN_KEYPAD_IDS];
	size_t n;
	int rc;

	*out = NULL;
	if (!s || proto->report_len > sizeof(proto->out_mode)) {
		free(s);
		transport_close(inner);
		return s ? -EINVAL : -ENOMEM;
	}
	s->base.ops = &scan_ops;
	pthread_mutex_init(&s->lock, NULL);
	s->proto = proto;
	s->inner = inner;
	s->now_ms = now_ms;
	if (has_key(v, PROFILE_SCAN_KEYMAP)) {
		s->n_keys = v->n_scan_keys;
		memcpy(s->keys, v->scan_keys, sizeof(s->keys));
	}
	n = keypad_ids(v, ids);
	for (size_t i = 0; i < n; i++)
		s->keypad_index[ids[i]] = (uint8_t)(i + 1);
	s->has_buzzer = has_key(v, PROFILE_BUZZER) && v->buzzer_byte < proto->report_len;
	s->buzzer_byte = v->buzzer_byte;
	s->buzzer_mask = v->buzzer_mask;
	s->drive = proto->column_mask;
	rc = send_drive(s);
	if (rc < 0) {
		scan_close(&s->base);
		return rc;
	}
	*out = &s->base;
	return 0;
}
