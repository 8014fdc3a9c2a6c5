/*
 * Recordings: parsing and writing hid-recorder text, extended with O:/F:/T: lines.
 *
 * The parser reads hid-recorder files the way hid-replay does (a `D:` line selects the
 * device the following lines describe; lines before any `D:` belong to device 0; unknown
 * prefixes are skipped) but reports every malformed line instead of asserting, and bounds
 * everything it allocates, because recordings come from bug reports and strangers.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "file-read.h"
#include "hex-text.h"
#include "recording.h"

/* An hour of a chatty device is a few MiB; this only stops a wrong file from eating RAM. */
#define MAX_FILE_SIZE (256u << 20)
/*
 * Seconds beyond this are not a recording; the bound keeps sec * 1000000 + usec far from
 * overflowing 64 bits.
 */
#define MAX_SECONDS 1000000000000ull
#define USEC_PER_SEC 1000000ull

/*
 * A T: line's event name: what the host's API calls the event (PHONE_STATE, or a number
 * for one without a name). The layer that knows that API reads it; to this one it is a word.
 */
static bool is_event_name(const char *s, size_t len)
{
	if (len == 0 || len >= RECORDING_MAX_NAME)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!(c == '_' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		      (c >= 'a' && c <= 'z')))
			return false;
	}
	return true;
}

void recording_free(struct recording *rec)
{
	if (!rec)
		return;
	for (size_t i = 0; i < rec->n_devices; i++)
		free(rec->devices[i].rdesc);
	for (size_t i = 0; i < rec->n_events; i++)
		free(rec->events[i].data);
	free(rec->devices);
	free(rec->events);
	free(rec);
}

/* --- parsing --------------------------------------------------------------------------- */

/*
 * Reports and T: lines each keep their own clock: T: lines are what a provider reported,
 * and phonectl replay --print-t appends them after the reports they answer.
 */
struct clock {
	bool started;
	uint64_t last_usec;
	unsigned last_line;      /* of the latest event, for "goes back" messages */
};

struct device_state {
	bool has_rdesc;
	bool has_events;
	struct clock reports, tapi;
	unsigned first_line;     /* where the device started, for "has no R:" */
};

struct parser {
	struct recording *rec;
	struct text_error *err;
	struct device_state state[RECORDING_MAX_DEVICES];
	size_t cap_events;
	long current;            /* index into rec->devices, -1 before the first device line */
	uint8_t *scratch;        /* RDESC_MAX_SIZE bytes, for any hex list */
	const char *l;           /* the current line, without its newline and trailing blanks */
	size_t len;
	unsigned line;
};

/* offset: 0-based in the line; NO_COLUMN for errors about the whole file */
#define NO_COLUMN ((size_t)-1)

__attribute__((format(printf, 4, 5)))
static int fail(struct parser *p, int rc, size_t offset, const char *fmt, ...)
{
	va_list ap;

	p->err->line = p->line;
	p->err->column = offset == NO_COLUMN ? 0 : (unsigned)offset + 1;
	va_start(ap, fmt);
	vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
	va_end(ap);
	return rc;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static size_t skip_blanks(const struct parser *p, size_t i)
{
	while (i < p->len && is_blank(p->l[i]))
		i++;
	return i;
}

static size_t token_end(const struct parser *p, size_t i)
{
	while (i < p->len && !is_blank(p->l[i]))
		i++;
	return i;
}

static int expect_end(struct parser *p, size_t i, char prefix)
{
	i = skip_blanks(p, i);
	if (i != p->len)
		return fail(p, -EINVAL, i, "unexpected text at the end of the '%c:' line", prefix);
	return 0;
}

/* A decimal number up to max at *i, followed by a blank or the end of the line. */
static int parse_decimal(struct parser *p, size_t *i, uint64_t max, uint64_t *value,
			 const char *what)
{
	size_t start = *i = skip_blanks(p, *i), end = token_end(p, start);
	uint64_t v = 0;

	if (start == end)
		return fail(p, -EINVAL, start, "expected %s", what);
	for (size_t k = start; k < end; k++) {
		unsigned d = (unsigned)(p->l[k] - '0');

		if (p->l[k] < '0' || p->l[k] > '9')
			return fail(p, -EINVAL, start, "expected %s", what);
		if (v > (max - d) / 10)
			return fail(p, -E2BIG, start, "%s above %llu", what, (unsigned long long)max);
		v = v * 10 + d;
	}
	*value = v;
	*i = end;
	return 0;
}

/* A hex number (0x optional) up to max, followed by a blank or the end of the line. */
static int parse_hex(struct parser *p, size_t *i, uint64_t max, uint64_t *value,
		     const char *what)
{
	size_t start = *i = skip_blanks(p, *i), end = token_end(p, start), k = start;
	uint64_t v = 0;

	if (end - k > 2 && p->l[k] == '0' && (p->l[k + 1] == 'x' || p->l[k + 1] == 'X'))
		k += 2;
	if (k == end)
		return fail(p, -EINVAL, start, "expected %s in hex", what);
	for (; k < end; k++) {
		int d = hex_digit_value(p->l[k]);

		if (d < 0)
			return fail(p, -EINVAL, start, "expected %s in hex", what);
		if (v > (max - (unsigned)d) / 16)
			return fail(p, -E2BIG, start, "%s above 0x%llx", what, (unsigned long long)max);
		v = v * 16 + (unsigned)d;
	}
	*value = v;
	*i = end;
	return 0;
}

/*
 * "<sec>.<usec>": hid-recorder pads seconds to 6 digits but a long recording has more, so
 * any count is accepted. Microseconds are an integer of up to 6 digits, read as hid-replay
 * reads them ("1.5" is 1 s + 5 µs).
 */
static int parse_timestamp(struct parser *p, size_t *i, uint64_t *usec)
{
	size_t start = *i = skip_blanks(p, *i), end = token_end(p, start), k = start;
	uint64_t sec = 0, frac = 0;
	size_t digits = 0;

	while (k < end && p->l[k] >= '0' && p->l[k] <= '9') {
		sec = sec * 10 + (uint64_t)(p->l[k++] - '0');
		if (sec > MAX_SECONDS)
			return fail(p, -ERANGE, start, "timestamp above %llu seconds",
				    (unsigned long long)MAX_SECONDS);
	}
	if (k > start && k < end && p->l[k] == '.') {
		for (k++; k < end && p->l[k] >= '0' && p->l[k] <= '9'; k++, digits++)
			if (digits < 6)
				frac = frac * 10 + (uint64_t)(p->l[k] - '0');
	}
	if (k != end || digits == 0 || digits > 6)
		return fail(p, -EINVAL, start, "expected a timestamp <seconds>.<microseconds>");
	*usec = sec * USEC_PER_SEC + frac;
	*i = end;
	return 0;
}

/*
 * "<len> <hex bytes>" to the end of the line, into p->scratch. The declared length must be
 * the number of bytes listed, as hid-replay asserts.
 */
static int parse_counted_bytes(struct parser *p, size_t i, size_t max, const char *what,
			       size_t *out_len)
{
	uint64_t declared;
	size_t len_at, bad = 0;
	long n;
	int rc;

	i = skip_blanks(p, i);
	len_at = i;
	rc = parse_decimal(p, &i, UINT32_MAX, &declared, "a byte count");
	if (rc < 0)
		return rc;
	if (declared > max)
		return fail(p, -E2BIG, len_at, "%s longer than %zu bytes", what, max);
	n = hex_parse_bytes(p->l + i, p->len - i, p->scratch, max, &bad);
	if (n == -EINVAL)
		return fail(p, -EINVAL, i + bad, "expected a hex byte");
	if (n == -E2BIG)
		return fail(p, -E2BIG, i + bad, "%s longer than %zu bytes", what, max);
	if ((uint64_t)n != declared)
		return fail(p, -EINVAL, len_at, "%s declares %llu bytes but lists %ld", what,
			    (unsigned long long)declared, n);
	*out_len = (size_t)n;
	return 0;
}

static int add_device(struct parser *p, unsigned index)
{
	struct recording *rec = p->rec;
	struct recording_device *grown;

	if (rec->n_devices >= RECORDING_MAX_DEVICES)
		return fail(p, -E2BIG, 0, "more than %u devices", RECORDING_MAX_DEVICES);
	grown = realloc(rec->devices, (rec->n_devices + 1) * sizeof(*grown));
	if (!grown)
		return fail(p, -ENOMEM, 0, "out of memory");
	rec->devices = grown;
	memset(&grown[rec->n_devices], 0, sizeof(*grown));
	grown[rec->n_devices].index = index;
	memset(&p->state[rec->n_devices], 0, sizeof(p->state[0]));
	p->state[rec->n_devices].first_line = p->line;
	p->current = (long)rec->n_devices++;
	return 0;
}

/* Lines before any D: describe device 0, as in a single-device hid-recorder file. */
static int current_device(struct parser *p)
{
	if (p->current >= 0)
		return 0;
	return add_device(p, 0);
}

static int line_device(struct parser *p, size_t i)
{
	uint64_t index;
	int rc = parse_decimal(p, &i, UINT_MAX, &index, "a device index");

	if (rc < 0)
		return rc;
	rc = expect_end(p, i, 'D');
	if (rc < 0)
		return rc;
	for (size_t d = 0; d < p->rec->n_devices; d++) {
		if (p->rec->devices[d].index == index) {
			/* hid-recorder repeats D: each time the device that reports changes */
			p->current = (long)d;
			return 0;
		}
	}
	return add_device(p, (unsigned)index);
}

static int line_rdesc(struct parser *p, size_t i)
{
	struct recording_device *dev;
	size_t n;
	int rc = current_device(p);

	if (rc < 0)
		return rc;
	dev = &p->rec->devices[p->current];
	if (p->state[p->current].has_rdesc)
		return fail(p, -EINVAL, 0, "device %u already has an 'R:' line", dev->index);
	rc = parse_counted_bytes(p, i, RDESC_MAX_SIZE, "'R:'", &n);
	if (rc < 0)
		return rc;
	if (n) {
		dev->rdesc = malloc(n);
		if (!dev->rdesc)
			return fail(p, -ENOMEM, 0, "out of memory");
		memcpy(dev->rdesc, p->scratch, n);
	}
	dev->rdesc_len = n;
	p->state[p->current].has_rdesc = true;
	return 0;
}

/* The rest of the line, cut to fit without splitting a UTF-8 sequence. */
static void copy_text(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size) {
		len = size - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* N: and P: take the rest of the line, as hid-replay's "N: {name}" does. */
static int line_text(struct parser *p, size_t i, bool phys)
{
	struct recording_device *dev;
	int rc = current_device(p);

	if (rc < 0)
		return rc;
	dev = &p->rec->devices[p->current];
	i = skip_blanks(p, i);
	if (phys)
		copy_text(dev->phys, sizeof(dev->phys), p->l + i, p->len - i);
	else
		copy_text(dev->name, sizeof(dev->name), p->l + i, p->len - i);
	return 0;
}

static int line_ids(struct parser *p, size_t i)
{
	uint64_t bus, vid, pid;
	struct recording_device *dev;
	int rc = current_device(p);

	if (rc < 0)
		return rc;
	if ((rc = parse_hex(p, &i, 0xffff, &bus, "the bus")) < 0 ||
	    (rc = parse_hex(p, &i, 0xffff, &vid, "the vendor id")) < 0 ||
	    (rc = parse_hex(p, &i, 0xffff, &pid, "the product id")) < 0 ||
	    (rc = expect_end(p, i, 'I')) < 0)
		return rc;
	dev = &p->rec->devices[p->current];
	dev->bus = (uint16_t)bus;
	dev->vendor = (uint16_t)vid;
	dev->product = (uint16_t)pid;
	return 0;
}

/* Appends an event of the current device; data (len bytes) is copied. */
static int add_event(struct parser *p, const struct recording_event *ev, size_t ts_at)
{
	struct recording *rec = p->rec;
	struct device_state *st = &p->state[p->current];
	struct clock *clock = ev->kind == RECORDING_TAPI ? &st->tapi : &st->reports;
	struct recording_event *e;

	if (clock->started && ev->usec < clock->last_usec)
		return fail(p, -EINVAL, ts_at,
			    "timestamp goes back (line %u has %llu.%06llu)", clock->last_line,
			    (unsigned long long)(clock->last_usec / USEC_PER_SEC),
			    (unsigned long long)(clock->last_usec % USEC_PER_SEC));
	if (rec->n_events >= RECORDING_MAX_EVENTS)
		return fail(p, -E2BIG, 0, "more than %u events", RECORDING_MAX_EVENTS);
	if (rec->n_events == p->cap_events) {
		size_t cap = p->cap_events ? p->cap_events * 2 : 64;
		struct recording_event *grown;

		if (cap > RECORDING_MAX_EVENTS)
			cap = RECORDING_MAX_EVENTS;
		grown = realloc(rec->events, cap * sizeof(*grown));
		if (!grown)
			return fail(p, -ENOMEM, 0, "out of memory");
		rec->events = grown;
		p->cap_events = cap;
	}
	e = &rec->events[rec->n_events];
	*e = *ev;
	e->device = (unsigned)p->current;
	e->line = p->line;
	e->data = NULL;
	if (ev->len) {
		e->data = malloc(ev->len);
		if (!e->data)
			return fail(p, -ENOMEM, 0, "out of memory");
		memcpy(e->data, ev->data, ev->len);
	}
	rec->n_events++;
	st->has_events = true;
	clock->started = true;
	clock->last_usec = ev->usec;
	clock->last_line = p->line;
	return 0;
}

/* E:, O: and F: carry report bytes of a device whose descriptor is known. */
static int line_report(struct parser *p, char prefix, size_t i)
{
	struct recording_event ev = { .kind = prefix };
	size_t ts_at, n;
	int rc;

	if (p->current < 0 || !p->state[p->current].has_rdesc)
		return fail(p, -EINVAL, 0, "'%c:' line before the device's 'R:' line", prefix);
	ts_at = skip_blanks(p, i);
	rc = parse_timestamp(p, &i, &ev.usec);
	if (rc < 0)
		return rc;
	if (prefix == 'F') {
		size_t start = skip_blanks(p, i), end = token_end(p, start);

		if (end - start == 3 && memcmp(p->l + start, "get", 3) == 0)
			ev.kind = RECORDING_FEATURE_GET;
		else if (end - start == 3 && memcmp(p->l + start, "set", 3) == 0)
			ev.kind = RECORDING_FEATURE_SET;
		else
			return fail(p, -EINVAL, start, "expected 'get' or 'set'");
		i = end;
	}
	rc = parse_counted_bytes(p, i, RECORDING_MAX_REPORT,
				 prefix == 'E' ? "input report" :
				 prefix == 'O' ? "output report" : "feature report", &n);
	if (rc < 0)
		return rc;
	if (n == 0)
		return fail(p, -EINVAL, skip_blanks(p, i), "a report has at least one byte");
	ev.data = p->scratch;
	ev.len = n;
	return add_event(p, &ev, ts_at);
}

/* T: <ts> <EVENT> <p1> <p2> <p3>: what the provider told its host. */
static int line_tapi(struct parser *p, size_t i)
{
	struct recording_event ev = { .kind = RECORDING_TAPI };
	size_t ts_at, start, end;
	int rc = current_device(p);

	if (rc < 0)
		return rc;
	ts_at = skip_blanks(p, i);
	rc = parse_timestamp(p, &i, &ev.usec);
	if (rc < 0)
		return rc;
	start = skip_blanks(p, i);
	end = token_end(p, start);
	if (!is_event_name(p->l + start, end - start))
		return fail(p, -EINVAL, start,
			    "expected an event name (PHONE_STATE, ...) or number");
	memcpy(ev.message, p->l + start, end - start);
	ev.message[end - start] = '\0';
	i = end;
	for (int k = 0; k < 3; k++) {
		static const char *const what[] = { "param1", "param2", "param3" };

		rc = parse_hex(p, &i, UINT64_MAX, &ev.param[k], what[k]);
		if (rc < 0)
			return rc;
	}
	rc = expect_end(p, i, 'T');
	if (rc < 0)
		return rc;
	return add_event(p, &ev, ts_at);
}

static int parse_line(struct parser *p)
{
	size_t i = skip_blanks(p, 0), start = i;
	char prefix;

	if (i == p->len || p->l[i] == '#')
		return 0;
	while (i < p->len && ((p->l[i] >= 'A' && p->l[i] <= 'Z') ||
			      (p->l[i] >= 'a' && p->l[i] <= 'z') ||
			      (p->l[i] >= '0' && p->l[i] <= '9') || p->l[i] == '_' ||
			      p->l[i] == '-'))
		i++;
	if (i == start || i == p->len || p->l[i] != ':')
		return fail(p, -EINVAL, start, "expected '<letter>: ...' or a '#' comment");
	if (i - start != 1)
		return 0; /* someone's extension: ignored, as hid-tools does */
	prefix = p->l[start];
	i++;
	switch (prefix) {
	case 'D':
		return line_device(p, i);
	case 'R':
		return line_rdesc(p, i);
	case 'N':
		return line_text(p, i, false);
	case 'P':
		return line_text(p, i, true);
	case 'I':
		return line_ids(p, i);
	case 'E':
	case 'O':
	case 'F':
		return line_report(p, prefix, i);
	case 'T':
		return line_tapi(p, i);
	default:
		return 0;
	}
}

static int parse_all(struct parser *p, const char *text, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *nul;
		int rc;

		p->line++;
		p->l = text + pos;
		p->len = line_len;
		pos += line_len + (nl ? 1 : 0);
		if (line_len > RECORDING_MAX_LINE)
			return fail(p, -E2BIG, RECORDING_MAX_LINE, "line longer than %u bytes",
				    RECORDING_MAX_LINE);
		nul = memchr(p->l, '\0', p->len);
		if (nul)
			return fail(p, -EINVAL, (size_t)(nul - p->l), "NUL byte in the text");
		while (p->len > 0 && (is_blank(p->l[p->len - 1]) || p->l[p->len - 1] == '\r'))
			p->len--;
		rc = parse_line(p);
		if (rc < 0)
			return rc;
	}
	if (p->rec->n_devices == 0) {
		p->line = 0;
		return fail(p, -EINVAL, NO_COLUMN, "no 'R:' line: not a recording");
	}
	for (size_t d = 0; d < p->rec->n_devices; d++) {
		if (!p->state[d].has_rdesc) {
			p->line = p->state[d].first_line;
			return fail(p, -EINVAL, 0, "device %u has no 'R:' line",
				    p->rec->devices[d].index);
		}
	}
	return 0;
}

static int parse_fail(struct text_error *err, int rc, const char *msg)
{
	snprintf(err->message, sizeof(err->message), "%s", msg);
	return rc;
}

int recording_parse(const char *text, size_t len, struct recording **out,
		    struct text_error *err)
{
	struct text_error ignored;
	struct parser *p;
	int rc;

	if (!err)
		err = &ignored;
	memset(err, 0, sizeof(*err));
	if (out)
		*out = NULL;
	if (!out || (!text && len))
		return parse_fail(err, -EINVAL, "invalid arguments");
	/* The parser is a few KiB of device state; keep it off small thread stacks. */
	p = calloc(1, sizeof(*p));
	if (!p)
		return parse_fail(err, -ENOMEM, "out of memory");
	p->err = err;
	p->current = -1;
	p->rec = calloc(1, sizeof(*p->rec));
	p->scratch = malloc(RDESC_MAX_SIZE);
	if (!p->rec || !p->scratch)
		rc = parse_fail(err, -ENOMEM, "out of memory");
	else
		rc = parse_all(p, text, len);
	if (rc < 0) {
		recording_free(p->rec);
	} else {
		/* give back the growth slack of the event array */
		if (p->rec->n_events && p->rec->n_events < p->cap_events) {
			struct recording_event *fit = realloc(p->rec->events,
							      p->rec->n_events * sizeof(*fit));

			if (fit)
				p->rec->events = fit;
		}
		*out = p->rec;
	}
	free(p->scratch);
	free(p);
	return rc;
}

static int read_fail(struct text_error *err, int rc, const char *msg)
{
	err->line = 0;
	err->column = 0;
	snprintf(err->message, sizeof(err->message), "%s", msg);
	return rc;
}

int recording_read_file(const char *path, struct recording **out, struct text_error *err)
{
	struct text_error ignored;
	char *text, why[64];
	size_t len;
	int rc;

	if (!err)
		err = &ignored;
	memset(err, 0, sizeof(*err));
	if (out)
		*out = NULL;
	if (!path || !out)
		return read_fail(err, -EINVAL, "invalid arguments");
	rc = file_read(path, MAX_FILE_SIZE, 0, &text, &len);
	if (rc < 0)
		return read_fail(err, rc, file_read_error(rc, MAX_FILE_SIZE, why, sizeof(why)));
	rc = recording_parse(text, len, out, err);
	free(text);
	return rc;
}

/* --- writing --------------------------------------------------------------------------- */

static void write_hex(FILE *out, const uint8_t *bytes, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		putc(' ', out);
		putc(digits[bytes[i] >> 4], out);
		putc(digits[bytes[i] & 0xf], out);
	}
}

/* A name with a line break would end the line early; the parser could not read it back. */
static void write_text(FILE *out, const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	for (size_t i = 0; i < n; i++)
		putc(s[i] == '\n' || s[i] == '\r' ? ' ' : s[i], out);
}

static int write_status(FILE *out)
{
	return ferror(out) ? -EIO : 0;
}

int recording_write_device(FILE *out, const struct recording_device *dev, bool with_index)
{
	if (!out || !dev || dev->rdesc_len > RDESC_MAX_SIZE || (dev->rdesc_len && !dev->rdesc))
		return -EINVAL;
	if (with_index)
		fprintf(out, "D: %u\n", dev->index);
	fprintf(out, "R: %zu", dev->rdesc_len);
	write_hex(out, dev->rdesc, dev->rdesc_len);
	fputs("\nN: ", out);
	write_text(out, dev->name, sizeof(dev->name));
	putc('\n', out);
	if (dev->phys[0]) {
		fputs("P: ", out);
		write_text(out, dev->phys, sizeof(dev->phys));
		putc('\n', out);
	}
	fprintf(out, "I: %x %04x %04x\n", dev->bus, dev->vendor, dev->product);
	return write_status(out);
}

static void write_timestamp(FILE *out, char prefix, uint64_t usec)
{
	fprintf(out, "%c: %06llu.%06llu", prefix, (unsigned long long)(usec / USEC_PER_SEC),
		(unsigned long long)(usec % USEC_PER_SEC));
}

int recording_write_report(FILE *out, char kind, uint64_t usec, const uint8_t *data, size_t len)
{
	if (!out || !data || len == 0 || len > RECORDING_MAX_REPORT)
		return -EINVAL;
	switch (kind) {
	case RECORDING_INPUT:
	case RECORDING_OUTPUT:
		write_timestamp(out, kind, usec);
		break;
	case RECORDING_FEATURE_GET:
	case RECORDING_FEATURE_SET:
		write_timestamp(out, 'F', usec);
		fputs(kind == RECORDING_FEATURE_GET ? " get" : " set", out);
		break;
	default:
		return -EINVAL;
	}
	fprintf(out, " %zu", len);
	write_hex(out, data, len);
	putc('\n', out);
	return write_status(out);
}

int recording_write_tapi(FILE *out, uint64_t usec, const char *message, uint64_t p1,
			 uint64_t p2, uint64_t p3)
{
	if (!out || !message || !is_event_name(message, strlen(message)))
		return -EINVAL;
	write_timestamp(out, 'T', usec);
	fprintf(out, " %s 0x%llx 0x%llx 0x%llx\n", message, (unsigned long long)p1,
		(unsigned long long)p2, (unsigned long long)p3);
	return write_status(out);
}
