/* vm-host: the real hidphone.tsp, loaded as a TAPI host loads it (tools/tapi-host.c resolves
 * the TSPI_* functions), driven against the USB HID gadgets of the VM guest. It is the phone
 * firmware as well: it opens each phone's /dev/hidgN, writes input reports there and
 * records the output reports that arrive, so both ends are stamped with one clock.
 *
 *   vm-host discover     enumeration and PHONECAPS of the standing set
 *   vm-host input        hook switch, keypad and feature keys at the gadget -> PHONE_STATE,
 *                        PHONE_BUTTON, in order
 *   vm-host output       SetLamp, SetRing, SetHookSwitch -> bytes at the gadget, completions
 *   vm-host latency      input report -> callback, bare hidraw read, SetLamp -> gadget (printed)
 *   vm-host hotplug      unplug/replug with the phone open, PHONE_CREATE, 4 phones at once,
 *                        leak check over E2E_HOTPLUG cycles (default 200)
 *
 * Prints its own test points, "ok - DESC" or "not ok - DESC", with "# " diagnostics;
 * guest/lib.sh (tap_run) turns them into the run's TAP lines. Exit status: 0 all held,
 * 1 some did not, anything else a crash.
 *
 * Expectations come from the fixtures' .expect files (field positions from an independent
 * decoder) and phones.tsv, never from the provider's own parser. The standing set is
 * /run/e2e/standing; fixtures and descriptors are under $E2E_DIR (default /etc/e2e).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <malloc.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e-common.h"
#include "tapi-host.h"

#define PROVIDER_ID 42
#define HPROV ((HPROVIDER)(uintptr_t)0x1234)
#define ID_BASE 100u
#define MAX_FX 32
#define MAX_REP 64
#define GADGETS "/sys/kernel/config/usb_gadget"

/* --- test points ---------------------------------------------------------------------- */

static int n_failed;

struct check {
	int bad;
	char why[4096];
	size_t len;
};

__attribute__((format(printf, 2, 3)))
static void check_fail(struct check *c, const char *fmt, ...)
{
	va_list ap;

	c->bad++;
	if (c->len + 8 >= sizeof(c->why))
		return;
	va_start(ap, fmt);
	c->len += (size_t)vsnprintf(c->why + c->len, sizeof(c->why) - c->len, fmt, ap);
	va_end(ap);
	if (c->len < sizeof(c->why) - 1)
		c->why[c->len++] = '\n';
	c->why[c->len < sizeof(c->why) ? c->len : sizeof(c->why) - 1] = '\0';
}

__attribute__((format(printf, 1, 2)))
static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

__attribute__((format(printf, 2, 3)))
static void tap(struct check *c, const char *fmt, ...)
{
	va_list ap;

	fputs(c->bad ? "not ok - " : "ok - ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (c->bad) {
		n_failed++;
		for (char *s = c->why, *nl; *s; s = nl + 1) {
			nl = strchr(s, '\n');
			if (!nl) {
				printf("#   %s\n", s);
				break;
			}
			printf("#   %.*s\n", (int)(nl - s), s);
		}
	}
	fflush(stdout);
	memset(c, 0, sizeof(*c));
}

/* --- fixtures: phones.tsv and the .expect files -------------------------------------- */

enum { K_INPUT, K_OUTPUT, K_FEATURE };

struct xvar {
	unsigned page, usage;
	int kind, rid, bit, size;
};

struct xarr {
	unsigned page, first, last;
	int kind, rid, bit, size, count;
	long lmin, lmax;
};

struct fixture {
	char name[64], mfr[64], prod[96];
	unsigned vid, pid;
	uint8_t in[MAX_REP], out[MAX_REP];
	int in_len, out_len;
	bool phone;
	unsigned tlc_usage;           /* the Telephony top-level collection, 0 if none */
	struct xvar vars[128];
	int n_vars;
	struct xarr arrs[16];
	int n_arrs;
};

static struct fixture fxs[MAX_FX];
static int n_fx;

static const char *e2e_dir(void)
{
	const char *d = getenv("E2E_DIR");
	return d && *d ? d : "/etc/e2e";
}

static int kind_of(const char *s)
{
	return strcmp(s, "input") == 0 ? K_INPUT : strcmp(s, "output") == 0 ? K_OUTPUT : K_FEATURE;
}

static void load_expect(struct fixture *f)
{
	char path[512], line[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/descriptors/%s.expect", e2e_dir(), f->name);
	fp = fopen(path, "re");
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		char kind[16];
		unsigned a, b, c;
		int rid, bit, size, count;
		long lmin, lmax;

		if (sscanf(line, "tlc %x %x", &a, &b) == 2) {
			if (a == 0x0b && !f->tlc_usage)
				f->tlc_usage = b;
		} else if (sscanf(line, "var %x %x %15s %d %d %d", &a, &b, kind, &rid, &bit, &size) == 6) {
			if (f->n_vars < 128)
				f->vars[f->n_vars++] = (struct xvar){ a, b, kind_of(kind), rid, bit, size };
		} else if (sscanf(line, "array %x %x %x %15s %d %d %d %d %ld %ld", &a, &b, &c, kind, &rid,
				  &bit, &size, &count, &lmin, &lmax) == 10) {
			if (f->n_arrs < 16)
				f->arrs[f->n_arrs++] = (struct xarr){ a, b, c, kind_of(kind), rid, bit,
								      size, count, lmin, lmax };
		}
	}
	fclose(fp);
}

static void load_fixtures(void)
{
	char path[512], line[1024];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/phones.tsv", e2e_dir());
	fp = fopen(path, "re");
	if (!fp) {
		fprintf(stderr, "vm-host: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), fp) && n_fx < MAX_FX) {
		char *col[9], *save = NULL, *s = line;
		int n = 0;
		struct fixture *f = &fxs[n_fx];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		for (char *t = strtok_r(s, "\t", &save); t && n < 9; t = strtok_r(NULL, "\t", &save))
			col[n++] = t;
		if (n < 9)
			continue;
		memset(f, 0, sizeof(*f));
		snprintf(f->name, sizeof(f->name), "%s", col[0]);
		f->vid = (unsigned)strtoul(col[1], NULL, 16);
		f->pid = (unsigned)strtoul(col[2], NULL, 16);
		snprintf(f->mfr, sizeof(f->mfr), "%s", strcmp(col[3], "-") ? col[3] : "");
		snprintf(f->prod, sizeof(f->prod), "%s", strcmp(col[4], "-") ? col[4] : "");
		f->in_len = strcmp(col[5], "-") ? e2e_parse_hex(col[5], f->in, sizeof(f->in)) : 0;
		f->out_len = strcmp(col[6], "-") ? e2e_parse_hex(col[6], f->out, sizeof(f->out)) : 0;
		f->phone = strcmp(col[8], "phone") == 0;
		load_expect(f);
		n_fx++;
	}
	fclose(fp);
}

static struct fixture *fixture(const char *name)
{
	for (int i = 0; i < n_fx; i++) {
		if (strcmp(fxs[i].name, name) == 0)
			return &fxs[i];
	}
	return NULL;
}

static struct fixture *fixture_by_product(const char *prod)
{
	for (int i = 0; i < n_fx; i++) {
		if (strcmp(fxs[i].prod, prod) == 0)
			return &fxs[i];
	}
	return NULL;
}

static const struct xvar *xvar(const struct fixture *f, unsigned page, unsigned usage, int kind)
{
	for (int i = 0; i < f->n_vars; i++) {
		if (f->vars[i].page == page && f->vars[i].usage == usage && f->vars[i].kind == kind)
			return &f->vars[i];
	}
	return NULL;
}

/* The input array that lists Telephony usage u (Phone Key 0 .. Pound). */
static const struct xarr *xkeypad(const struct fixture *f, unsigned u)
{
	for (int i = 0; i < f->n_arrs; i++) {
		const struct xarr *a = &f->arrs[i];
		if (a->page == 0x0b && a->kind == K_INPUT && a->first <= u && u <= a->last)
			return a;
	}
	return NULL;
}

/* The standing set, in order. */
static struct fixture *standing[8];
static int n_standing;

static void load_standing(void)
{
	FILE *fp = fopen("/run/e2e/standing", "re");
	char line[128];

	if (!fp) {
		fprintf(stderr, "vm-host: no /run/e2e/standing (step 20-standing-set not run?)\n");
		exit(2);
	}
	while (fgets(line, sizeof(line), fp) && n_standing < 8) {
		struct fixture *f;
		line[strcspn(line, "\n")] = '\0';
		f = fixture(line);
		if (f)
			standing[n_standing++] = f;
	}
	fclose(fp);
}

/* --- reports ------------------------------------------------------------------------- */

struct report {
	int rid;
	size_t len;
	uint8_t b[MAX_REP];
};

/* Payload bits exclude the report-id byte, as in the .expect files. */
static void rep_set(struct report *r, int bit, int size, uint32_t v)
{
	int base = r->rid ? 8 : 0;

	for (int i = 0; i < size; i++) {
		int pos = base + bit + i;
		if ((size_t)(pos / 8) >= r->len)
			return;
		if (v >> i & 1)
			r->b[pos / 8] |= (uint8_t)(1u << (pos % 8));
		else
			r->b[pos / 8] &= (uint8_t)~(1u << (pos % 8));
	}
}

static bool rep_get(const uint8_t *b, size_t len, int rid, int bit)
{
	int pos = (rid ? 8 : 0) + bit;
	return (size_t)(pos / 8) < len && (b[pos / 8] >> (pos % 8) & 1);
}

/* Length on the wire of report rid of a kind: phones.tsv's report when it is that one, else
 * what the .expect fields need. */
static size_t rep_len(const struct fixture *f, int kind, int rid)
{
	const uint8_t *tsv = kind == K_INPUT ? f->in : f->out;
	int tsv_len = kind == K_INPUT ? f->in_len : f->out_len;
	int end = 0;

	if (rid && tsv_len > 0 && tsv[0] == rid)
		return (size_t)tsv_len;
	for (int i = 0; i < f->n_vars; i++) {
		const struct xvar *v = &f->vars[i];
		if (v->kind == kind && v->rid == rid && v->bit + v->size > end)
			end = v->bit + v->size;
	}
	for (int i = 0; i < f->n_arrs; i++) {
		const struct xarr *a = &f->arrs[i];
		if (a->kind == kind && a->rid == rid && a->bit + a->size * a->count > end)
			end = a->bit + a->size * a->count;
	}
	return (size_t)((end + 7) / 8 + (rid ? 1 : 0));
}

static void rep_init(struct report *r, const struct fixture *f, int kind, int rid)
{
	memset(r, 0, sizeof(*r));
	r->rid = rid;
	r->len = rep_len(f, kind, rid);
	if (r->len > MAX_REP)
		r->len = MAX_REP;
	r->b[0] = (uint8_t)rid;
}

static const char *hex(const uint8_t *p, size_t n)
{
	static char buf[8][MAX_REP * 3 + 1];
	static int i;

	i = (i + 1) % 8;
	return e2e_fmt_hex(p, n, buf[i], sizeof(buf[i]));
}

/* --- the gadget end ------------------------------------------------------------------ */

struct outrep {
	int64_t t;
	size_t len;
	uint8_t b[MAX_REP];
};

struct gadget {
	const struct fixture *fx;
	char path[300];
	int fd;
	pthread_t thread;
	bool running;
	volatile bool stop;
	bool gone;
	bool inited;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct outrep *outs;
	size_t n_outs, cap_outs;
};

static int read_text(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* /dev/hidgN of a gadget: the node whose dev number is the function's (as gadget.sh hidg). */
static int hidg_path(const char *fx, char *out, size_t cap)
{
	char want[32], path[512], got[32];
	DIR *d;
	struct dirent *e;
	int found = -1;

	snprintf(path, sizeof(path), GADGETS "/%s/functions/hid.usb0/dev", fx);
	if (read_text(path, want, sizeof(want)) < 0)
		return -1;
	d = opendir("/sys/class/hidg");
	if (!d)
		return -1;
	while (found < 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/hidg/%s/dev", e->d_name);
		if (read_text(path, got, sizeof(got)) == 0 && strcmp(got, want) == 0) {
			snprintf(out, cap, "/dev/%s", e->d_name);
			found = 0;
		}
	}
	closedir(d);
	return found;
}

static void *gadget_main(void *data)
{
	struct gadget *g = data;

	while (!g->stop) {
		struct pollfd p = { .fd = g->fd, .events = POLLIN };
		int r = poll(&p, 1, 50);

		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if (p.revents & POLLIN) {
			uint8_t buf[512];
			ssize_t n;

			while ((n = read(g->fd, buf, sizeof(buf))) > 0) {
				int64_t t = e2e_now_us();

				pthread_mutex_lock(&g->lock);
				if (g->n_outs == g->cap_outs) {
					size_t cap = g->cap_outs ? g->cap_outs * 2 : 256;
					struct outrep *o = realloc(g->outs, cap * sizeof(*o));
					if (o) {
						g->outs = o;
						g->cap_outs = cap;
					}
				}
				if (g->n_outs < g->cap_outs) {
					struct outrep *o = &g->outs[g->n_outs++];
					o->t = t;
					o->len = (size_t)n < MAX_REP ? (size_t)n : MAX_REP;
					memcpy(o->b, buf, o->len);
				}
				pthread_cond_broadcast(&g->cond);
				pthread_mutex_unlock(&g->lock);
			}
		}
		if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) {
			g->gone = true;
			break;
		}
	}
	return NULL;
}

/* Opens the fixture's gadget node (waiting up to ms for it) and records its output reports. */
static int gadget_open(struct gadget *g, const struct fixture *fx, long ms)
{
	int64_t deadline = e2e_now_us() + ms * 1000;

	if (!g->inited) {
		pthread_mutex_init(&g->lock, NULL);
		pthread_cond_init(&g->cond, NULL);
		g->inited = true;
	}
	g->fx = fx;
	g->fd = -1;
	g->stop = false;
	g->gone = false;
	pthread_mutex_lock(&g->lock);
	g->n_outs = 0;
	pthread_mutex_unlock(&g->lock);
	for (;;) {
		if (hidg_path(fx->name, g->path, sizeof(g->path)) == 0) {
			g->fd = open(g->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
			if (g->fd >= 0)
				break;
		}
		if (e2e_now_us() >= deadline) {
			diag("%s: no gadget node to open: %s", fx->name, strerror(errno));
			return -1;
		}
		usleep(5000);
	}
	/* Output reports queued before now are not ours to judge. */
	{
		uint8_t buf[512];
		while (read(g->fd, buf, sizeof(buf)) > 0)
			;
	}
	if (pthread_create(&g->thread, NULL, gadget_main, g) != 0) {
		close(g->fd);
		g->fd = -1;
		return -1;
	}
	g->running = true;
	return 0;
}

static void gadget_close(struct gadget *g)
{
	if (g->running) {
		g->stop = true;
		pthread_join(g->thread, NULL);
		g->running = false;
	}
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

static size_t gadget_count(struct gadget *g)
{
	size_t n;

	pthread_mutex_lock(&g->lock);
	n = g->n_outs;
	pthread_mutex_unlock(&g->lock);
	return n;
}

/* Waits until more than n output reports have arrived; false on timeout. */
static bool gadget_wait(struct gadget *g, size_t n, long ms)
{
	int64_t deadline = e2e_now_us() + ms * 1000;
	bool ok;

	pthread_mutex_lock(&g->lock);
	while (g->n_outs <= n && e2e_now_us() < deadline) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 5 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&g->cond, &g->lock, &ts);
	}
	ok = g->n_outs > n;
	pthread_mutex_unlock(&g->lock);
	return ok;
}

/* The last output report with report id rid at index >= from; false if none. */
static bool gadget_last(struct gadget *g, size_t from, int rid, struct outrep *out)
{
	bool found = false;

	pthread_mutex_lock(&g->lock);
	for (size_t i = from; i < g->n_outs; i++) {
		if (!rid || g->outs[i].b[0] == rid) {
			*out = g->outs[i];
			found = true;
		}
	}
	pthread_mutex_unlock(&g->lock);
	return found;
}

/* Writes one input report once the previous one has been fetched; *t is stamped just
 * before the write. */
static int gadget_write(struct gadget *g, const struct report *r, int64_t *t)
{
	struct pollfd p = { .fd = g->fd, .events = POLLOUT };
	int rc;

	do
		rc = poll(&p, 1, 2000);
	while (rc < 0 && errno == EINTR);
	if (rc != 1 || !(p.revents & POLLOUT)) {
		diag("%s: the host did not fetch the previous input report within 2 s",
		     g->fx->name);
		return -1;
	}
	if (t)
		*t = e2e_now_us();
	if (write(g->fd, r->b, r->len) != (ssize_t)r->len) {
		diag("%s: write %s: %s", g->fx->name, g->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Plugs a gadget out and in by its UDC attribute, as gadget.sh unbind/bind do. */
static int gadget_udc(const char *fx, char *udc, size_t cap)
{
	char path[256];

	snprintf(path, sizeof(path), GADGETS "/%s/UDC", fx);
	return read_text(path, udc, cap);
}

static int gadget_bind(const char *fx, const char *udc)
{
	char path[256], text[80];

	snprintf(path, sizeof(path), GADGETS "/%s/UDC", fx);
	snprintf(text, sizeof(text), "%s\n", udc ? udc : "");
	return write_text(path, text);
}

/* --- the host side: callbacks and their log ------------------------------------------ */

enum via { VIA_ENUM = 1, VIA_OPEN, VIA_COMPLETION, VIA_LINE };

struct ev {
	int via;
	HTAPIPHONE ht;
	DWORD msg;
	DWORD_PTR p1, p2, p3;
	DRV_REQUESTID req;
	LONG result;
	int64_t t;
};

static struct host *H;
static DWORD version;
static DWORD n_enum;
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ev_cond = PTHREAD_COND_INITIALIZER;
static struct ev *evs;
static size_t n_evs, cap_evs;
static int ev_inside, ev_concurrent;

static void record(struct ev e)
{
	e.t = e2e_now_us();
	pthread_mutex_lock(&ev_lock);
	if (ev_inside++)
		ev_concurrent++;
	if (n_evs == cap_evs) {
		size_t cap = cap_evs ? cap_evs * 2 : 4096;
		struct ev *n = realloc(evs, cap * sizeof(*n));
		if (n) {
			evs = n;
			cap_evs = cap;
		}
	}
	if (n_evs < cap_evs)
		evs[n_evs++] = e;
	ev_inside--;
	pthread_cond_broadcast(&ev_cond);
	pthread_mutex_unlock(&ev_lock);
}

static void CALLBACK enum_proc(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3)
{
	record((struct ev){ .via = VIA_ENUM, .ht = ht, .msg = msg, .p1 = p1, .p2 = p2, .p3 = p3 });
}

static void CALLBACK open_proc(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3)
{
	record((struct ev){ .via = VIA_OPEN, .ht = ht, .msg = msg, .p1 = p1, .p2 = p2, .p3 = p3 });
}

static void CALLBACK completion_proc(DRV_REQUESTID req, LONG result)
{
	record((struct ev){ .via = VIA_COMPLETION, .req = req, .result = result });
}

static void CALLBACK line_proc(HTAPILINE l, HTAPICALL c, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
			       DWORD_PTR p3)
{
	(void)l;
	(void)c;
	record((struct ev){ .via = VIA_LINE, .msg = msg, .p1 = p1, .p2 = p2, .p3 = p3 });
}

static size_t ev_count(void)
{
	size_t n;

	pthread_mutex_lock(&ev_lock);
	n = n_evs;
	pthread_mutex_unlock(&ev_lock);
	return n;
}

static void ev_clear(void)
{
	pthread_mutex_lock(&ev_lock);
	n_evs = 0;
	pthread_mutex_unlock(&ev_lock);
}

static struct ev ev_at(size_t i)
{
	struct ev e;

	pthread_mutex_lock(&ev_lock);
	e = evs[i];
	pthread_mutex_unlock(&ev_lock);
	return e;
}

/* Waits until more than n events are logged; false on timeout. */
static bool ev_wait(size_t n, long ms)
{
	int64_t deadline = e2e_now_us() + ms * 1000;
	bool ok;

	pthread_mutex_lock(&ev_lock);
	while (n_evs <= n && e2e_now_us() < deadline) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 5 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&ev_cond, &ev_lock, &ts);
	}
	ok = n_evs > n;
	pthread_mutex_unlock(&ev_lock);
	return ok;
}

typedef bool (*ev_pred)(const struct ev *e, const void *arg);

/* Index of the first event from `from` on that matches, waiting up to ms; -1 if none. */
static long ev_find(size_t from, ev_pred pred, const void *arg, long ms)
{
	int64_t deadline = e2e_now_us() + ms * 1000;
	size_t i = from;

	for (;;) {
		size_t n = ev_count();
		for (; i < n; i++) {
			struct ev e = ev_at(i);
			if (pred(&e, arg))
				return (long)i;
		}
		if (e2e_now_us() >= deadline)
			return -1;
		ev_wait(n, (long)((deadline - e2e_now_us()) / 1000) + 1);
	}
}

static bool is_completion(const struct ev *e, const void *arg)
{
	return e->via == VIA_COMPLETION && e->req == *(const DRV_REQUESTID *)arg;
}

static int completions_of(DRV_REQUESTID req, LONG *result)
{
	int n = 0;
	size_t count = ev_count();

	for (size_t i = 0; i < count; i++) {
		struct ev e = ev_at(i);
		if (e.via == VIA_COMPLETION && e.req == req) {
			n++;
			if (result)
				*result = e.result;
		}
	}
	return n;
}

static const char *msg_name(DWORD msg)
{
	switch (msg) {
	case PHONE_BUTTON: return "PHONE_BUTTON";
	case PHONE_CLOSE: return "PHONE_CLOSE";
	case PHONE_STATE: return "PHONE_STATE";
	case PHONE_CREATE: return "PHONE_CREATE";
	case PHONE_REMOVE: return "PHONE_REMOVE";
	}
	return "PHONE_?";
}

static const char *ev_text(const struct ev *e)
{
	static char buf[4][160];
	static int i;

	i = (i + 1) % 4;
	if (e->via == VIA_COMPLETION)
		snprintf(buf[i], sizeof(buf[i]), "completion(%u, 0x%x)", e->req, (unsigned)e->result);
	else
		snprintf(buf[i], sizeof(buf[i]), "%s%s(ht %#lx, %#lx, %#lx, %#lx)",
			 e->via == VIA_ENUM ? "[enum proc] " : e->via == VIA_LINE ? "[LINE] " : "",
			 msg_name(e->msg), (unsigned long)(uintptr_t)e->ht, (unsigned long)e->p1,
			 (unsigned long)e->p2, (unsigned long)e->p3);
	return buf[i];
}

/* --- the provider -------------------------------------------------------------------- */

static LONG start_provider(void)
{
	DWORD lines = 0, options = 0;
	LONG rc;

	unsetenv("HIDPHONE_DEVICES");
	if (!H) {
		/* Named explicitly: where run.sh puts it, unless HIDPHONE_TSP says otherwise. */
		const char *path = getenv("HIDPHONE_TSP");
		H = host_load(path && *path ? path : "/usr/local/lib/hidphone.tsp");
		if (!H) {
			fprintf(stderr, "vm-host: cannot load the provider\n");
			exit(2);
		}
	}
	rc = H->lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, TAPI_VERSION2_0, TAPI_VERSION3_1,
					 &version);
	if (rc)
		return rc;
	rc = H->providerEnumDevices(PROVIDER_ID, &lines, &n_enum, HPROV, line_proc, enum_proc);
	if (rc)
		return rc;
	return H->providerInit(version, PROVIDER_ID, 0, ID_BASE, lines, n_enum, completion_proc,
			       &options);
}

static void stop_provider(void)
{
	H->providerShutdown(version, PROVIDER_ID);
}

struct caps {
	LONG rc;
	DWORD version;
	union {
		PHONECAPS c;
		uint8_t raw[16384];
	} u;
	char name[128];
	bool name_ascii;
	char info[512];
};

static void utf16_to_ascii(const uint8_t *base, DWORD off, DWORD size, char *out, size_t cap,
			   bool *ascii)
{
	size_t n = 0;

	if (ascii)
		*ascii = true;
	for (DWORD i = 0; i + 1 < size && n + 1 < cap; i += 2) {
		uint16_t u = (uint16_t)(base[off + i] | base[off + i + 1] << 8);
		if (!u)
			break;
		if (u >= 0x80 && ascii)
			*ascii = false;
		out[n++] = u < 0x80 ? (char)u : '?';
	}
	out[n] = '\0';
}

static void get_caps(DWORD id, struct caps *c)
{
	memset(c, 0, sizeof(*c));
	c->rc = H->phoneNegotiateTSPIVersion(id, TAPI_VERSION2_0, TAPI_VERSION3_1, &c->version);
	if (c->rc)
		return;
	c->u.c.dwTotalSize = sizeof(c->u.raw);
	c->rc = H->phoneGetDevCaps(id, c->version, 0, &c->u.c);
	if (c->rc)
		return;
	if (c->u.c.dwPhoneNameSize && c->u.c.dwPhoneNameOffset + c->u.c.dwPhoneNameSize <= sizeof(c->u.raw))
		utf16_to_ascii(c->u.raw, c->u.c.dwPhoneNameOffset, c->u.c.dwPhoneNameSize, c->name,
			       sizeof(c->name), &c->name_ascii);
	if (c->u.c.dwPhoneInfoSize && c->u.c.dwPhoneInfoOffset + c->u.c.dwPhoneInfoSize <= sizeof(c->u.raw))
		utf16_to_ascii(c->u.raw, c->u.c.dwPhoneInfoOffset, c->u.c.dwPhoneInfoSize, c->info,
			       sizeof(c->info), NULL);
}

static const DWORD *caps_array(const struct caps *c, DWORD off, DWORD size)
{
	if (!size || off + size > c->u.c.dwUsedSize || off % 4 || size != c->u.c.dwNumButtonLamps * 4)
		return NULL;
	return (const DWORD *)(c->u.raw + off);
}

/* The phones the provider lists, by fixture: the phone whose PhoneName is the product. */
struct phone {
	DWORD id;
	struct fixture *fx;
	struct caps caps;
	HDRVPHONE hd;
	HTAPIPHONE ht;
};

static struct phone phones[8];
static int n_phones;

static void list_phones(void)
{
	n_phones = 0;
	for (DWORD i = 0; i < n_enum && n_phones < 8; i++) {
		struct phone *p = &phones[n_phones];
		memset(p, 0, sizeof(*p));
		p->id = ID_BASE + i;
		get_caps(p->id, &p->caps);
		p->fx = p->caps.rc ? NULL : fixture_by_product(p->caps.name);
		n_phones++;
	}
}

static struct phone *phone_of(const struct fixture *fx)
{
	for (int i = 0; i < n_phones; i++) {
		if (phones[i].fx == fx)
			return &phones[i];
	}
	return NULL;
}

static LONG open_phone(struct phone *p, HTAPIPHONE ht)
{
	LONG rc;

	p->ht = ht;
	p->hd = NULL;
	rc = H->phoneOpen(p->id, ht, &p->hd, p->caps.version ? p->caps.version : version, open_proc);
	return rc;
}

static DWORD button_info(HDRVPHONE hd, DWORD id, DWORD *mode)
{
	union {
		PHONEBUTTONINFO b;
		uint8_t raw[512];
	} u;

	memset(&u, 0, sizeof(u));
	u.b.dwTotalSize = sizeof(u);
	if (H->phoneGetButtonInfo(hd, id, &u.b) != 0) {
		if (mode)
			*mode = 0;
		return 0xffffffffu;
	}
	if (mode)
		*mode = u.b.dwButtonMode;
	return u.b.dwButtonFunction;
}

/* Feature-button ids whose function is fn (looked up, never assumed). */
static int feature_ids(struct phone *p, DWORD fn, DWORD *ids, int max)
{
	int n = 0;

	for (DWORD id = 0; id < p->caps.u.c.dwNumButtonLamps && n < max; id++) {
		DWORD mode, f = button_info(p->hd, id, &mode);
		if (f == fn && mode == PHONEBUTTONMODE_FEATURE)
			ids[n++] = id;
	}
	return n;
}

/* The hook switch device a Telephony collection is: headsets report as headset, the rest
 * (Phone, Handset) as handset. */
static DWORD hook_dev_of(const struct fixture *f)
{
	return f->tlc_usage == 0x05 ? PHONEHOOKSWITCHDEV_HEADSET : PHONEHOOKSWITCHDEV_HANDSET;
}

static DWORD hook_state_of(DWORD dev)
{
	return dev == PHONEHOOKSWITCHDEV_HEADSET ? PHONESTATE_HEADSETHOOKSWITCH :
	       dev == PHONEHOOKSWITCHDEV_SPEAKER ? PHONESTATE_SPEAKERHOOKSWITCH :
						   PHONESTATE_HANDSETHOOKSWITCH;
}

#define ALL_HOOK_STATES (PHONESTATE_HANDSETHOOKSWITCH | PHONESTATE_SPEAKERHOOKSWITCH | \
			 PHONESTATE_HEADSETHOOKSWITCH)

static int count_standing_phones(void)
{
	int n = 0;
	for (int i = 0; i < n_standing; i++)
		n += standing[i]->phone;
	return n;
}

/* --- discover ------------------------------------------------------------------------ */

static int count_leds(const struct fixture *f)
{
	int n = 0;
	for (int i = 0; i < f->n_vars; i++)
		n += f->vars[i].kind == K_OUTPUT && (f->vars[i].page == 0x08 ||
						     (f->vars[i].page == 0x0b && f->vars[i].usage == 0x9e));
	return n;
}

static void check_caps(struct phone *p, struct check *c)
{
	const PHONECAPS *k = &p->caps.u.c;
	const struct fixture *f = p->fx;
	const DWORD *modes = caps_array(&p->caps, k->dwButtonModesOffset, k->dwButtonModesSize);
	const DWORD *funcs = caps_array(&p->caps, k->dwButtonFunctionsOffset, k->dwButtonFunctionsSize);
	const DWORD *lamps = caps_array(&p->caps, k->dwLampModesOffset, k->dwLampModesSize);
	DWORD dev = hook_dev_of(f);
	int n_lamps = 0, n_steady = 0, leds = count_leds(f);
	bool ringer = xvar(f, 0x0b, 0x9e, K_OUTPUT) || xvar(f, 0x08, 0x18, K_OUTPUT);

	if (!p->caps.name_ascii || strcmp(p->caps.name, f->prod) != 0)
		check_fail(c, "PhoneName \"%s\", want \"%s\"", p->caps.name, f->prod);
	if (k->dwNeededSize > k->dwTotalSize || k->dwUsedSize > k->dwNeededSize)
		check_fail(c, "sizes: total %u needed %u used %u", k->dwTotalSize, k->dwNeededSize,
			   k->dwUsedSize);
	if (k->dwHookSwitchDevs != dev)
		check_fail(c, "dwHookSwitchDevs %#x, want %#x (Telephony collection 0x%04x)",
			   k->dwHookSwitchDevs, dev, f->tlc_usage);
	if (dev == PHONEHOOKSWITCHDEV_HEADSET &&
	    (k->dwMonitoredHeadsetHookSwitchModes & (PHONEHOOKSWITCHMODE_ONHOOK | PHONEHOOKSWITCHMODE_MICSPEAKER)) !=
		    (PHONEHOOKSWITCHMODE_ONHOOK | PHONEHOOKSWITCHMODE_MICSPEAKER))
		check_fail(c, "headset hook switch not monitored on/off (%#x)",
			   k->dwMonitoredHeadsetHookSwitchModes);
	if (!(k->dwPhoneStates & hook_state_of(dev)))
		check_fail(c, "dwPhoneStates %#x lacks the hook switch state", k->dwPhoneStates);
	if (k->dwNumButtonLamps < 12 || k->dwNumButtonLamps > 128)
		check_fail(c, "dwNumButtonLamps %u (ids 0-11 are the keypad's)", k->dwNumButtonLamps);
	if (!modes || !funcs || !lamps) {
		check_fail(c, "button modes/functions/lamp modes arrays missing or not %u DWORDs "
			   "(sizes %u %u %u)", k->dwNumButtonLamps, k->dwButtonModesSize,
			   k->dwButtonFunctionsSize, k->dwLampModesSize);
		return;
	}
	for (unsigned u = 0xb0; u <= 0xbb; u++) {
		if (xkeypad(f, u) && modes[u - 0xb0] != PHONEBUTTONMODE_KEYPAD)
			check_fail(c, "id %u (Phone Key usage 0x%02x): mode %#x, want KEYPAD", u - 0xb0, u,
				   modes[u - 0xb0]);
	}
	for (DWORD id = 0; id < k->dwNumButtonLamps; id++) {
		DWORD m = lamps[id];
		if (m == PHONELAMPMODE_DUMMY)
			continue;
		n_lamps++;
		if (m & PHONELAMPMODE_STEADY)
			n_steady++;
		if (!(m & PHONELAMPMODE_OFF) || (m & ~0xffu) || (m & PHONELAMPMODE_DUMMY))
			check_fail(c, "lamp %u: modes %#x (want OFF and no DUMMY)", id, m);
	}
	if (leds && (n_steady < 1 || n_lamps > leds))
		check_fail(c, "%d lamps (%d STEADY) for %d LED/ringer outputs in the descriptor", n_lamps,
			   n_steady, leds);
	if (leds && !(k->dwPhoneFeatures & PHONEFEATURE_SETLAMP))
		check_fail(c, "dwPhoneFeatures %#x lacks SETLAMP", k->dwPhoneFeatures);
	if (ringer && (k->dwNumRingModes != 1 || !(k->dwPhoneFeatures & PHONEFEATURE_SETRING)))
		check_fail(c, "ringer present but dwNumRingModes %u, features %#x", k->dwNumRingModes,
			   k->dwPhoneFeatures);
	if (k->dwPermanentPhoneID == 0)
		check_fail(c, "dwPermanentPhoneID 0");
	diag("%s: id %u \"%s\": %u ids, %d lamps (%d STEADY), hook devs %#x, ring modes %u, "
	     "features %#x", f->name, p->id, p->caps.name, k->dwNumButtonLamps, n_lamps, n_steady,
	     k->dwHookSwitchDevs, k->dwNumRingModes, k->dwPhoneFeatures);
}

static int cmd_discover(void)
{
	struct check c = { 0 };
	LONG rc = start_provider();
	int want = count_standing_phones();

	if (getenv("HIDPHONE_DEVICES"))
		check_fail(&c, "HIDPHONE_DEVICES is set");
	if (rc)
		check_fail(&c, "providerEnumDevices/Init: %#x", (unsigned)rc);
	if (!rc && (int)n_enum != want)
		check_fail(&c, "%u phones, want %d", n_enum, want);
	tap(&c, "discovery: with HIDPHONE_DEVICES unset, TSPI_providerEnumDevices lists %d phones "
	    "on real hidraw nodes: the standing set's phones", want);
	if (rc)
		return 1;
	list_phones();
	for (int i = 0; i < n_phones; i++)
		diag("id %u: \"%s\" (%s)", phones[i].id, phones[i].caps.name, phones[i].caps.info);

	for (int s = 0; s < n_standing; s++) {
		struct fixture *f = standing[s];
		int found = 0;

		for (int i = 0; i < n_phones; i++)
			found += phones[i].fx == f;
		if (f->phone) {
			if (found != 1)
				check_fail(&c, "%d phones named \"%s\", want 1", found, f->prod);
			tap(&c, "discovery: %s is one phone named \"%s\" (UTF-16 PhoneName = USB product)",
			    f->name, f->prod);
			if (found == 1) {
				check_caps(phone_of(f), &c);
				tap(&c, "discovery: %s: PHONECAPS plausible (hook switch devices, keypad ids, "
				    "lamp modes, ringer)", f->name);
			}
		} else {
			if (found)
				check_fail(&c, "listed as a phone");
			tap(&c, "discovery: %s (\"%s\", no Telephony collection) is not a phone", f->name,
			    f->prod);
		}
	}
	for (int i = 0; i < n_phones; i++) {
		for (int j = 0; j < i; j++) {
			if (phones[i].caps.u.c.dwPermanentPhoneID == phones[j].caps.u.c.dwPermanentPhoneID)
				check_fail(&c, "ids %u and %u share permanent id %#x", phones[i].id,
					   phones[j].id, phones[i].caps.u.c.dwPermanentPhoneID);
		}
		if (!phones[i].fx)
			check_fail(&c, "id %u \"%s\" is no fixture of the standing set", phones[i].id,
				   phones[i].caps.name);
	}
	tap(&c, "discovery: every phone is a fixture, with its own permanent id");
	stop_provider();
	return n_failed ? 1 : 0;
}

/* --- input --------------------------------------------------------------------------- */

struct want {
	DWORD msg, p1, p2, p3;
	const DWORD *p1_any;      /* p1 is one of these (feature keys: looked-up ids) */
	int n_any;
	int same_as;              /* p1 equals the p1 of want[same_as] (an UP after its DOWN) */
	const char *what;
};

struct inputs {
	struct report rep[4];      /* per report id, the current state of each input report */
	int n;
};

static struct report *in_rep(struct inputs *in, const struct fixture *f, int rid)
{
	for (int i = 0; i < in->n; i++) {
		if (in->rep[i].rid == rid)
			return &in->rep[i];
	}
	if (in->n == 4)
		return NULL;
	rep_init(&in->rep[in->n], f, K_INPUT, rid);
	return &in->rep[in->n++];
}

/* A value of the keypad array that names no key. */
static long keypad_idle(const struct xarr *a)
{
	long n_usages = (long)(a->last - a->first + 1);
	long cand[] = { 0, (1L << a->size) - 1, a->lmax };

	for (int i = 0; i < 3; i++) {
		if (cand[i] < a->lmin || cand[i] > a->lmax || cand[i] - a->lmin >= n_usages)
			return cand[i];
	}
	return -1;
}

struct script {
	struct report seq[64];
	struct want want[64];
	int n_seq, n_want;
};

static void push(struct script *s, const struct report *r)
{
	if (s->n_seq < 64)
		s->seq[s->n_seq++] = *r;
}

static void expect(struct script *s, struct want w)
{
	if (s->n_want < 64)
		s->want[s->n_want++] = w;
}

static bool match_events(const struct want *w, int n_want, const struct ev *got, int n_got,
			 HTAPIPHONE ht, struct check *c)
{
	int bad = c->bad;

	for (int i = 0; i < n_want || i < n_got; i++) {
		const struct want *x = i < n_want ? &w[i] : NULL;
		const struct ev *e = i < n_got ? &got[i] : NULL;
		bool ok = x && e && e->msg == x->msg && e->p2 == x->p2 && e->p3 == x->p3 && e->ht == ht;

		if (ok && x->n_any) {
			bool any = false;
			for (int k = 0; k < x->n_any; k++)
				any |= e->p1 == x->p1_any[k];
			ok = any;
		} else if (ok && x->same_as >= 0) {
			ok = x->same_as < n_got && e->p1 == got[x->same_as].p1;
		} else if (ok) {
			ok = e->p1 == x->p1;
		}
		if (!ok)
			check_fail(c, "event %d: got %s, want %s %s", i, e ? ev_text(e) : "nothing",
				   x ? msg_name(x->msg) : "nothing", x ? x->what : "");
	}
	return c->bad == bad;
}

static void run_input(struct phone *p, struct gadget *g)
{
	struct fixture *f = p->fx;
	const struct xvar *hook = xvar(f, 0x0b, 0x20, K_INPUT);
	const struct xvar *mute = xvar(f, 0x0b, 0x2f, K_INPUT);
	const struct xvar *flash = xvar(f, 0x0b, 0x21, K_INPUT);
	const struct xvar *offhook_led = xvar(f, 0x08, 0x17, K_OUTPUT);
	const struct xarr *keypad = xkeypad(f, 0xb0);
	DWORD state = hook_state_of(hook_dev_of(f));
	static DWORD mute_ids[8], flash_ids[8];
	int n_mute, n_flash;
	struct inputs in = { .n = 0 };
	struct script s = { .n_seq = 0 };
	struct check c = { 0 };
	const unsigned keys[] = { 0xb1, 0xb5, 0xb0, 0xba, 0xbb }; /* 1 5 0 * # */
	char desc[256] = "";
	size_t first_ev, first_out;
	struct ev got[64];
	int n_got = 0;
	long idle = keypad ? keypad_idle(keypad) : -1;
	struct report *r;

	if (!hook) {
		check_fail(&c, "no Hook Switch in %s.expect", f->name);
		tap(&c, "input: %s", f->name);
		return;
	}
	n_mute = mute ? feature_ids(p, PHONEBUTTONFUNCTION_MUTE, mute_ids, 8) : 0;
	n_flash = flash ? feature_ids(p, PHONEBUTTONFUNCTION_FLASH, flash_ids, 8) : 0;
	if (mute && !n_mute)
		check_fail(&c, "no FEATURE button with PHONEBUTTONFUNCTION_MUTE for Phone Mute");
	if (flash && !n_flash)
		check_fail(&c, "no FEATURE button with PHONEBUTTONFUNCTION_FLASH for Flash");

	/* Idle: on hook, no key. */
	r = in_rep(&in, f, hook->rid);
	if (keypad && idle >= 0)
		rep_set(in_rep(&in, f, keypad->rid), keypad->bit, keypad->size, (uint32_t)idle);

	rep_set(r, hook->bit, hook->size, 1);
	push(&s, r);
	expect(&s, (struct want){ PHONE_STATE, state, PHONEHOOKSWITCHMODE_MICSPEAKER, 0, NULL, 0, -1,
				  "hook switch off hook" });
	strcat(desc, "hook off");
	if (keypad && idle >= 0) {
		struct report *kr = in_rep(&in, f, keypad->rid);
		strcat(desc, ", keys");
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			DWORD id = keys[i] - 0xb0;
			if (keys[i] < keypad->first || keys[i] > keypad->last)
				continue;
			rep_set(kr, keypad->bit, keypad->size,
				(uint32_t)(keypad->lmin + (long)(keys[i] - keypad->first)));
			push(&s, kr);
			expect(&s, (struct want){ PHONE_BUTTON, id, PHONEBUTTONMODE_KEYPAD,
						  PHONEBUTTONSTATE_DOWN, NULL, 0, -1, "key down" });
			rep_set(kr, keypad->bit, keypad->size, (uint32_t)idle);
			push(&s, kr);
			expect(&s, (struct want){ PHONE_BUTTON, id, PHONEBUTTONMODE_KEYPAD,
						  PHONEBUTTONSTATE_UP, NULL, 0, -1, "key up" });
			strcat(desc, " ");
			strcat(desc, (const char *[]){ "0", "1", "2", "3", "4", "5", "6", "7", "8",
						       "9", "*", "#" }[id]);
		}
	}
	for (int k = 0; k < 2; k++) {
		const struct xvar *v = k ? flash : mute;
		const DWORD *ids = k ? flash_ids : mute_ids;
		int n = k ? n_flash : n_mute;
		struct report *vr;

		if (!v || !n)
			continue;
		vr = in_rep(&in, f, v->rid);
		rep_set(vr, v->bit, v->size, 1);
		push(&s, vr);
		expect(&s, (struct want){ PHONE_BUTTON, 0, PHONEBUTTONMODE_FEATURE, PHONEBUTTONSTATE_DOWN,
					  ids, n, -1, k ? "Flash down" : "Phone Mute down" });
		rep_set(vr, v->bit, v->size, 0);
		push(&s, vr);
		expect(&s, (struct want){ PHONE_BUTTON, 0, PHONEBUTTONMODE_FEATURE, PHONEBUTTONSTATE_UP,
					  NULL, 0, s.n_want - 1, k ? "Flash up" : "Phone Mute up" });
		strcat(desc, k ? ", Flash" : ", Phone Mute");
	}
	r = in_rep(&in, f, hook->rid);
	rep_set(r, hook->bit, hook->size, 0);
	push(&s, r);
	expect(&s, (struct want){ PHONE_STATE, state, PHONEHOOKSWITCHMODE_ONHOOK, 0, NULL, 0, -1,
				  "hook switch on hook" });
	strcat(desc, ", hook on");

	first_ev = ev_count();
	first_out = gadget_count(g);
	for (int i = 0; i < s.n_seq; i++) {
		if (gadget_write(g, &s.seq[i], NULL) < 0) {
			check_fail(&c, "report %d (%s) not taken by the host", i,
				   hex(s.seq[i].b, s.seq[i].len));
			break;
		}
	}
	/* Everything that is coming, and a little more to see nothing extra comes. */
	{
		int64_t deadline = e2e_now_us() + 3000 * 1000;
		for (;;) {
			int n = 0;
			size_t count = ev_count();
			for (size_t i = first_ev; i < count; i++) {
				struct ev e = ev_at(i);
				n += e.via == VIA_OPEN;
			}
			if (n >= s.n_want || e2e_now_us() >= deadline)
				break;
			ev_wait(count, 50);
		}
		usleep(200 * 1000);
	}
	for (size_t i = first_ev, count = ev_count(); i < count && n_got < 64; i++) {
		struct ev e = ev_at(i);
		if (e.via == VIA_OPEN && (e.msg == PHONE_STATE || e.msg == PHONE_BUTTON))
			got[n_got++] = e;
	}
	match_events(s.want, s.n_want, got, n_got, p->ht, &c);
	if (c.bad) {
		for (int i = 0; i < s.n_seq; i++)
			diag("sent %s", hex(s.seq[i].b, s.seq[i].len));
	}
	tap(&c, "input: %s: %s at the gadget -> %d PHONE_STATE/PHONE_BUTTON in order", f->name, desc,
	    s.n_want);

	/* Headsets want the host to confirm a reported hook change on the Off-Hook LED. */
	if (offhook_led) {
		bool seen_on = false;
		struct outrep last;
		size_t n_out;

		gadget_wait(g, first_out, 500);
		n_out = gadget_count(g);
		for (size_t i = first_out; i < n_out; i++) {
			struct outrep o;
			pthread_mutex_lock(&g->lock);
			o = g->outs[i];
			pthread_mutex_unlock(&g->lock);
			if (o.b[0] == offhook_led->rid && rep_get(o.b, o.len, o.b[0], offhook_led->bit))
				seen_on = true;
		}
		if (!seen_on)
			check_fail(&c, "no output report with Off-Hook (report %d bit %d) set",
				   offhook_led->rid, offhook_led->bit);
		if (gadget_last(g, first_out, offhook_led->rid, &last) &&
		    rep_get(last.b, last.len, offhook_led->rid, offhook_led->bit))
			check_fail(&c, "last output report %s still has Off-Hook set", hex(last.b, last.len));
		tap(&c, "input: %s: the hook changes are confirmed on the Off-Hook LED (output report "
		    "%d bit %d set, then clear)", f->name, offhook_led->rid, offhook_led->bit);
	}
}

static int cmd_input(void)
{
	struct check c = { 0 };
	LONG rc = start_provider();

	if (rc) {
		check_fail(&c, "provider start: %#x", (unsigned)rc);
		tap(&c, "input: provider started");
		return 1;
	}
	list_phones();
	for (int s = 0; s < n_standing; s++) {
		struct fixture *f = standing[s];
		struct phone *p = f->phone ? phone_of(f) : NULL;
		static struct gadget g;

		if (!f->phone)
			continue;
		if (!p) {
			check_fail(&c, "no phone named \"%s\"", f->prod);
			tap(&c, "input: %s", f->name);
			continue;
		}
		if (gadget_open(&g, f, 5000) < 0) {
			check_fail(&c, "gadget node not found");
			tap(&c, "input: %s", f->name);
			continue;
		}
		rc = open_phone(p, (HTAPIPHONE)(uintptr_t)(0x5000 + p->id));
		if (!rc)
			rc = H->phoneSetStatusMessages(p->hd, ALL_HOOK_STATES,
						       PHONEBUTTONMODE_KEYPAD | PHONEBUTTONMODE_FEATURE |
							       PHONEBUTTONMODE_CALL,
						       PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP);
		if (rc) {
			check_fail(&c, "phoneOpen/SetStatusMessages: %#x", (unsigned)rc);
			tap(&c, "input: %s", f->name);
		} else {
			/* Let a stale report from an earlier step go by before the filter matters. */
			usleep(100 * 1000);
			run_input(p, &g);
			H->phoneClose(p->hd);
		}
		gadget_close(&g);
	}
	if (ev_concurrent)
		check_fail(&c, "%d callbacks overlapped", ev_concurrent);
	tap(&c, "input: callbacks never overlapped");
	stop_provider();
	return n_failed ? 1 : 0;
}

/* --- output -------------------------------------------------------------------------- */

struct request {
	const char *what;
	int kind;               /* 0 SetLamp, 1 SetRing, 2 SetHookSwitch */
	DWORD a, b;
	unsigned bits;          /* expected bits: 1 mute, 2 ring LED, 4 ringer, 8 off-hook */
};

enum { B_MUTE = 1, B_RING = 2, B_RINGER = 4, B_OFFHOOK = 8 };

static DRV_REQUESTID next_request = 1000;

static LONG issue(struct phone *p, const struct request *q, DWORD lamp, DWORD dev, DRV_REQUESTID id)
{
	switch (q->kind) {
	case 0: return H->phoneSetLamp(id, p->hd, lamp, q->a);
	case 1: return H->phoneSetRing(id, p->hd, q->a, q->b);
	default: return H->phoneSetHookSwitch(id, p->hd, dev, q->a);
	}
}

/*
 * A lamp the provider blinks itself (an on/off LED, no multi-mode indicator: its modes
 * include BROKENFLUTTER): WINK for 2.7 s, then OFF. At the gadget, the LED bit of the
 * reports that arrive must turn on at once, then change every 500 ms (on, off, on, off,
 * on, off); every report is printed with its time at the gadget.
 */
static void run_cadence(struct phone *p, struct gadget *g, DWORD lamp, DWORD modes,
			const struct xvar *v, int rid)
{
	struct check c = { 0 };
	size_t first = gadget_count(g);
	DRV_REQUESTID id = ++next_request, off_id;
	int64_t t0 = 0, edge_t[32];
	bool edge_on[32], last = false, have_last = false;
	int n_edges = 0;

	if (!(modes & PHONELAMPMODE_BROKENFLUTTER)) {
		diag("cadence: %s: lamp %u blinks by the device (modes %#x), not timed here",
		     p->fx->name, lamp, (unsigned)modes);
		return;
	}
	if (H->phoneSetLamp(id, p->hd, lamp, PHONELAMPMODE_WINK) != (LONG)id ||
	    ev_find(0, is_completion, &id, 3000) < 0)
		check_fail(&c, "SetLamp(WINK) not accepted and completed");
	usleep(2700 * 1000);
	off_id = ++next_request;
	if (H->phoneSetLamp(off_id, p->hd, lamp, PHONELAMPMODE_OFF) != (LONG)off_id ||
	    ev_find(0, is_completion, &off_id, 3000) < 0)
		check_fail(&c, "SetLamp(OFF) not accepted and completed");
	usleep(200 * 1000);
	pthread_mutex_lock(&g->lock);
	for (size_t i = first; i < g->n_outs; i++) {
		const struct outrep *o = &g->outs[i];
		bool bit;

		if (rid && o->b[0] != rid)
			continue;
		bit = rep_get(o->b, o->len, rid, v->bit);
		if (!t0)
			t0 = o->t;
		diag("cadence: %s: +%7.1f ms at the gadget: %s (LED %s)", p->fx->name,
		     (double)(o->t - t0) / 1000.0, hex(o->b, o->len), bit ? "on" : "off");
		if ((!have_last || bit != last) && n_edges < 32) {
			edge_t[n_edges] = o->t;
			edge_on[n_edges++] = bit;
		}
		last = bit;
		have_last = true;
	}
	pthread_mutex_unlock(&g->lock);
	/*
	 * Each change k at k x 500 ms from the first, within 250 ms (a TCG guest on a busy
	 * host stalls now and then), and the mean period within 30 ms of 500: a wrong
	 * cadence (125 or 1000 ms) fails either way.
	 */
	if (n_edges < 6 || !edge_on[0])
		check_fail(&c, "%d LED changes at the gadget, want on and 5 more", n_edges);
	for (int i = 1; i < n_edges && i < 6; i++) {
		double at = (double)(edge_t[i] - edge_t[0]) / 1000.0;

		if (edge_on[i] == edge_on[i - 1] || at < 500.0 * i - 250.0 || at > 500.0 * i + 250.0)
			check_fail(&c, "change %d at +%.1f ms, want +%d", i, at, 500 * i);
	}
	if (n_edges >= 6) {
		double period = (double)(edge_t[5] - edge_t[0]) / 1000.0 / 5.0;

		diag("cadence: %s: mean period %.1f ms over 5 changes", p->fx->name, period);
		if (period < 470.0 || period > 530.0)
			check_fail(&c, "mean period %.1f ms, want 500", period);
	}
	tap(&c, "output: %s: WINK on lamp %u (an on/off LED) blinks at the gadget 500 ms on, "
	    "500 ms off, by the provider's timer", p->fx->name, lamp);
}

static void run_output(struct phone *p, struct gadget *g)
{
	struct fixture *f = p->fx;
	const PHONECAPS *k = &p->caps.u.c;
	const DWORD *lamps = caps_array(&p->caps, k->dwLampModesOffset, k->dwLampModesSize);
	const struct xvar *v_mute = xvar(f, 0x08, 0x09, K_OUTPUT);
	const struct xvar *v_ring = xvar(f, 0x08, 0x18, K_OUTPUT);
	const struct xvar *v_ringer = xvar(f, 0x0b, 0x9e, K_OUTPUT);
	const struct xvar *v_offhook = xvar(f, 0x08, 0x17, K_OUTPUT);
	const struct xvar *bitv[4] = { v_mute, v_ring, v_ringer, v_offhook };
	struct check c = { 0 };
	DWORD lamp = 0xffffffffu, dev = 0;
	int rid = v_mute ? v_mute->rid : -1;

	/* A lamp that can be steady: the Mute LED, which shares its id with Phone Mute. */
	for (DWORD id = 0; lamps && id < k->dwNumButtonLamps; id++) {
		DWORD mode;
		if ((lamps[id] & PHONELAMPMODE_STEADY) &&
		    button_info(p->hd, id, &mode) == PHONEBUTTONFUNCTION_MUTE) {
			lamp = id;
			break;
		}
	}
	if (k->dwSettableHeadsetHookSwitchModes & PHONEHOOKSWITCHMODE_MICSPEAKER)
		dev = PHONEHOOKSWITCHDEV_HEADSET;
	else if (k->dwSettableHandsetHookSwitchModes & PHONEHOOKSWITCHMODE_MICSPEAKER)
		dev = PHONEHOOKSWITCHDEV_HANDSET;
	else if (k->dwSettableSpeakerHookSwitchModes & PHONEHOOKSWITCHMODE_MICSPEAKER)
		dev = PHONEHOOKSWITCHDEV_SPEAKER;
	if (!v_mute || lamp == 0xffffffffu || !dev) {
		if (!v_mute)
			check_fail(&c, "%s.expect has no Mute LED", f->name);
		if (lamp == 0xffffffffu)
			check_fail(&c, "no lamp id with STEADY whose button is PHONEBUTTONFUNCTION_MUTE");
		if (!dev)
			check_fail(&c, "caps: no settable hook switch device");
		tap(&c, "output: %s", f->name);
		return;
	}
	for (int i = 0; i < 4; i++) {
		if (bitv[i] && bitv[i]->rid != rid)
			bitv[i] = NULL; /* another report: not judged here */
	}

	const struct request reqs[] = {
		{ "SetLamp(Mute lamp, STEADY)", 0, PHONELAMPMODE_STEADY, 0, B_MUTE },
		{ "SetRing(1, 0x8000)", 1, 1, 0x8000, B_MUTE | B_RING | B_RINGER },
		{ "SetRing(0, 0)", 1, 0, 0, B_MUTE },
		{ "SetLamp(Mute lamp, OFF)", 0, PHONELAMPMODE_OFF, 0, 0 },
		{ "SetHookSwitch(dev, MICSPEAKER)", 2, PHONEHOOKSWITCHMODE_MICSPEAKER, 0, B_OFFHOOK },
		{ "SetHookSwitch(dev, ONHOOK)", 2, PHONEHOOKSWITCHMODE_ONHOOK, 0, 0 },
	};
	for (int i = 0; i < 6; i++) {
		const struct request *q = &reqs[i];
		struct report want;
		struct outrep got;
		size_t first = gadget_count(g);
		DRV_REQUESTID id = ++next_request;
		LONG rc, result = 1;
		int64_t deadline;

		if ((q->bits & B_RINGER) && !v_ringer && !v_ring) {
			continue;
		}
		rep_init(&want, f, K_OUTPUT, rid);
		for (int b = 0; b < 4; b++) {
			if ((q->bits & 1u << b) && bitv[b])
				rep_set(&want, bitv[b]->bit, bitv[b]->size, 1);
		}
		rc = issue(p, q, lamp, dev, id);
		if (rc != (LONG)id)
			check_fail(&c, "returned %#x, want the request id %u", (unsigned)rc, id);
		else if (ev_find(0, is_completion, &id, 3000) < 0)
			check_fail(&c, "no completion within 3 s");
		/* The request is written before it completes; wait for the bytes to settle. */
		deadline = e2e_now_us() + 2000 * 1000;
		for (;;) {
			bool have = gadget_last(g, first, rid, &got);
			if ((have && got.len == want.len && memcmp(got.b, want.b, want.len) == 0) ||
			    e2e_now_us() >= deadline)
				break;
			gadget_wait(g, gadget_count(g), 50);
		}
		if (!gadget_last(g, first, rid, &got))
			check_fail(&c, "no output report %d reached the gadget", rid);
		else if (got.len != want.len || memcmp(got.b, want.b, want.len) != 0)
			check_fail(&c, "gadget got %s, want %s", hex(got.b, got.len), hex(want.b, want.len));
		usleep(100 * 1000);
		{
			int n = completions_of(id, &result);
			if (rc == (LONG)id && (n != 1 || result != 0))
				check_fail(&c, "%d completions, last result %#x (want exactly one, 0)", n,
					   (unsigned)result);
		}
		tap(&c, "output: %s: %s (lamp id %u, hook dev %#x) puts %s on the wire, completes once "
		    "with 0", f->name, q->what, lamp, dev, hex(want.b, want.len));
	}
	run_cadence(p, g, lamp, lamps[lamp], v_mute, rid);
}

static int cmd_output(void)
{
	struct check c = { 0 };
	LONG rc = start_provider();

	if (rc) {
		check_fail(&c, "provider start: %#x", (unsigned)rc);
		tap(&c, "output: provider started");
		return 1;
	}
	list_phones();
	for (int s = 0; s < n_standing; s++) {
		struct fixture *f = standing[s];
		struct phone *p = f->phone ? phone_of(f) : NULL;
		static struct gadget g;

		if (!f->phone)
			continue;
		if (!p || gadget_open(&g, f, 5000) < 0) {
			check_fail(&c, p ? "gadget node not found" : "no phone of this name");
			tap(&c, "output: %s", f->name);
			continue;
		}
		rc = open_phone(p, (HTAPIPHONE)(uintptr_t)(0x6000 + p->id));
		if (!rc)
			rc = H->phoneSetStatusMessages(p->hd, 0x00ffffff, 0, 0);
		if (rc) {
			check_fail(&c, "phoneOpen/SetStatusMessages: %#x", (unsigned)rc);
			tap(&c, "output: %s", f->name);
		} else {
			run_output(p, &g);
			H->phoneClose(p->hd);
		}
		gadget_close(&g);
	}
	stop_provider();
	return n_failed ? 1 : 0;
}

/* --- latency ------------------------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int64_t pct(int64_t *v, int n, int p)
{
	return n ? v[(n * p + 99) / 100 - 1] : -1;
}

static void stats(const char *what, int64_t *v, int n)
{
	int64_t sum = 0;

	if (n <= 0) {
		diag("latency %s: no samples", what);
		return;
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_i64);
	for (int i = 0; i < n; i++)
		sum += v[i];
	diag("latency %s n=%d min=%lld p50=%lld p90=%lld p99=%lld max=%lld mean=%lld us", what, n,
	     (long long)v[0], (long long)pct(v, n, 50), (long long)pct(v, n, 90),
	     (long long)pct(v, n, 99), (long long)v[n - 1], (long long)(sum / n));
}

/* The hidraw node of VID:PID, from sysfs (as hidraw-check find). */
static int hidraw_of(unsigned vid, unsigned pid, char *out, size_t cap)
{
	DIR *d = opendir("/sys/class/hidraw");
	struct dirent *e;
	char want[64];
	int found = -1;

	if (!d)
		return -1;
	snprintf(want, sizeof(want), "HID_ID=0003:%08X:%08X", vid, pid);
	while (found < 0 && (e = readdir(d))) {
		char path[300], line[256];
		FILE *fp;
		if (strncmp(e->d_name, "hidraw", 6) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/class/hidraw/%s/device/uevent", e->d_name);
		fp = fopen(path, "re");
		if (!fp)
			continue;
		while (fgets(line, sizeof(line), fp)) {
			line[strcspn(line, "\n")] = '\0';
			if (strcmp(line, want) == 0) {
				snprintf(out, cap, "/dev/%s", e->d_name);
				found = 0;
			}
		}
		fclose(fp);
	}
	closedir(d);
	return found;
}

/* The floor: a thread that does nothing but read() the hidraw node, as the provider's
 * reader thread does, stamping each report as read() returns. */
struct rawreader {
	int fd;
	volatile bool stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t n, len;
	int64_t t;
	uint8_t buf[256];
};

static void *raw_main(void *data)
{
	struct rawreader *rr = data;

	while (!rr->stop) {
		struct pollfd pf = { .fd = rr->fd, .events = POLLIN };
		uint8_t buf[256];
		ssize_t got;

		if (poll(&pf, 1, 50) <= 0)
			continue;
		got = read(rr->fd, buf, sizeof(buf));
		if (got <= 0)
			continue;
		pthread_mutex_lock(&rr->lock);
		rr->t = e2e_now_us();
		rr->len = (size_t)got;
		memcpy(rr->buf, buf, (size_t)got);
		rr->n++;
		pthread_cond_broadcast(&rr->cond);
		pthread_mutex_unlock(&rr->lock);
	}
	return NULL;
}

static bool raw_wait(struct rawreader *rr, size_t n, long ms)
{
	int64_t deadline = e2e_now_us() + ms * 1000;
	bool ok;

	pthread_mutex_lock(&rr->lock);
	while (rr->n <= n && e2e_now_us() < deadline) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 5 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&rr->cond, &rr->lock, &ts);
	}
	ok = rr->n > n;
	pthread_mutex_unlock(&rr->lock);
	return ok;
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	return v && *v ? strtol(v, NULL, 0) : def;
}

static int cmd_latency(void)
{
	struct check c = { 0 };
	struct fixture *f = NULL;
	struct phone *p;
	static struct gadget g;
	int n = (int)env_long("E2E_LAT", 1000), lost = 0;
	int64_t *bare = calloc((size_t)n, sizeof(int64_t));
	int64_t *prov = calloc((size_t)n, sizeof(int64_t));
	int64_t *hook = calloc((size_t)n, sizeof(int64_t));
	int64_t *lamp = calloc((size_t)n, sizeof(int64_t));
	int64_t *call = calloc((size_t)n, sizeof(int64_t));
	int n_bare = 0, n_prov = 0, n_hook = 0, n_lamp = 0;
	struct report down, up, off, on;
	const struct xarr *kp;
	const struct xvar *hv;
	char node[300];
	DWORD lamp_id = 0xffffffffu;
	int64_t p50_bare, p50_prov;
	LONG rc;

	for (int s = 0; s < n_standing && !f; s++) {
		if (standing[s]->phone && xkeypad(standing[s], 0xb5) && xvar(standing[s], 0x0b, 0x20, K_INPUT))
			f = standing[s];
	}
	if (!f || !bare || !prov || !hook || !lamp || !call) {
		check_fail(&c, "no standing phone with a keypad and hook switch");
		tap(&c, "latency");
		return 1;
	}
	kp = xkeypad(f, 0xb5);
	hv = xvar(f, 0x0b, 0x20, K_INPUT);
	rep_init(&up, f, K_INPUT, kp->rid);
	rep_set(&up, kp->bit, kp->size, (uint32_t)keypad_idle(kp));
	down = up;
	rep_set(&down, kp->bit, kp->size, (uint32_t)(kp->lmin + (long)(0xb5 - kp->first)));
	rep_init(&on, f, K_INPUT, hv->rid);
	if (hv->rid == kp->rid)
		on = up;
	off = on;
	rep_set(&off, hv->bit, hv->size, 1);
	diag("latency on %s: key 5 %s / %s, hook %s / %s", f->name, hex(down.b, down.len),
	     hex(up.b, up.len), hex(off.b, off.len), hex(on.b, on.len));

	/* The floor: a bare read() loop on the hidraw node, the provider not running. */
	if (hidraw_of(f->vid, f->pid, node, sizeof(node)) < 0 || gadget_open(&g, f, 5000) < 0) {
		check_fail(&c, "no hidraw or gadget node for %s", f->name);
		tap(&c, "latency");
		return 1;
	}
	{
		struct rawreader rr = { .fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC) };
		pthread_t th;
		uint8_t buf[256];

		pthread_mutex_init(&rr.lock, NULL);
		pthread_cond_init(&rr.cond, NULL);
		while (rr.fd >= 0 && read(rr.fd, buf, sizeof(buf)) > 0)
			;
		if (rr.fd < 0 || pthread_create(&th, NULL, raw_main, &rr) != 0) {
			check_fail(&c, "open %s: %s", node, strerror(errno));
		} else {
			for (int i = 0; i < n && lost < 10; i++) {
				const struct report *r = i % 2 ? &up : &down;
				size_t before;
				int64_t t0, t1;
				bool same;

				pthread_mutex_lock(&rr.lock);
				before = rr.n;
				pthread_mutex_unlock(&rr.lock);
				if (gadget_write(&g, r, &t0) < 0 || !raw_wait(&rr, before, 2000)) {
					lost++;
					continue;
				}
				pthread_mutex_lock(&rr.lock);
				t1 = rr.t;
				same = rr.len == r->len && memcmp(rr.buf, r->b, r->len) == 0;
				pthread_mutex_unlock(&rr.lock);
				if (!same) {
					lost++;
					continue;
				}
				bare[n_bare++] = t1 - t0;
			}
			rr.stop = true;
			pthread_join(th, NULL);
		}
		if (rr.fd >= 0)
			close(rr.fd);
	}

	rc = start_provider();
	list_phones();
	p = phone_of(f);
	if (rc || !p || open_phone(p, (HTAPIPHONE)(uintptr_t)0x7777) != 0) {
		check_fail(&c, "provider start %#x, or %s not opened", (unsigned)rc, f->name);
		tap(&c, "latency");
		gadget_close(&g);
		return 1;
	}
	H->phoneSetStatusMessages(p->hd, ALL_HOOK_STATES, PHONEBUTTONMODE_KEYPAD,
				  PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP);
	usleep(100 * 1000);
	/* Through the provider: key down, key up, each one PHONE_BUTTON. */
	for (int pass = 0; pass < 2; pass++) {
		int64_t *v = pass ? hook : prov;
		int *nv = pass ? &n_hook : &n_prov;
		int count = pass ? n / 4 : n;

		for (int i = 0; i < count && lost < 10; i++) {
			const struct report *r = pass ? (i % 2 ? &on : &off) : (i % 2 ? &up : &down);
			size_t before = ev_count();
			int64_t t0;
			long idx;

			if (gadget_write(&g, r, &t0) < 0) {
				lost++;
				continue;
			}
			if (!ev_wait(before, 2000)) {
				lost++;
				continue;
			}
			idx = (long)before;
			v[(*nv)++] = ev_at((size_t)idx).t - t0;
		}
		usleep(50 * 1000);
	}
	/* SetLamp -> the bytes at the gadget. */
	{
		const DWORD *lamps = caps_array(&p->caps, p->caps.u.c.dwLampModesOffset,
						p->caps.u.c.dwLampModesSize);
		for (DWORD id = 0; lamps && id < p->caps.u.c.dwNumButtonLamps; id++) {
			if (lamps[id] & PHONELAMPMODE_STEADY) {
				lamp_id = id;
				break;
			}
		}
	}
	for (int i = 0; lamp_id != 0xffffffffu && i < n && lost < 10; i++) {
		size_t before = gadget_count(&g);
		DRV_REQUESTID id = ++next_request;
		int64_t t0 = e2e_now_us(), t1;
		struct outrep o;

		if (H->phoneSetLamp(id, p->hd, lamp_id, i % 2 ? PHONELAMPMODE_OFF : PHONELAMPMODE_STEADY) !=
		    (LONG)id) {
			lost++;
			continue;
		}
		t1 = e2e_now_us();
		if (!gadget_wait(&g, before, 2000)) {
			lost++;
			continue;
		}
		pthread_mutex_lock(&g.lock);
		o = g.outs[before];
		pthread_mutex_unlock(&g.lock);
		lamp[n_lamp] = o.t - t0;
		call[n_lamp++] = t1 - t0;
	}
	H->phoneClose(p->hd);
	stop_provider();
	gadget_close(&g);

	stats("input, bare read() loop on hidraw (write hidg -> read returns in a reader thread)", bare, n_bare);
	stats("input through hidphone.tsp (write hidg -> PHONE_BUTTON callback)", prov, n_prov);
	stats("input through hidphone.tsp, hook switch (write hidg -> PHONE_STATE; includes the "
	      "Off-Hook echo write)", hook, n_hook);
	stats("output, TSPI_phoneSetLamp -> report read at the gadget", lamp, n_lamp);
	stats("TSPI_phoneSetLamp call duration", call, n_lamp);
	p50_bare = pct(bare, n_bare, 50);
	p50_prov = pct(prov, n_prov, 50);
	if (p50_bare > 0)
		diag("latency ratio p50 provider / p50 bare = %.2f (%lld / %lld us)",
		     (double)p50_prov / (double)p50_bare, (long long)p50_prov, (long long)p50_bare);
	if (n_bare != n || n_prov != n || n_hook != n / 4 || n_lamp != n)
		check_fail(&c, "samples: bare %d, provider %d, hook %d, SetLamp %d of %d (lost %d)",
			   n_bare, n_prov, n_hook, n_lamp, n, lost);
	tap(&c, "latency: %d samples each: bare hidraw, provider input, SetLamp output (printed, "
	    "not judged)", n);
	return n_failed ? 1 : 0;
}

/* --- hotplug ------------------------------------------------------------------------- */

struct procstat {
	long rss_kb, threads;
	int fds;
	size_t heap;             /* malloc'd bytes in use, every arena (mallinfo2) */
};

static void procstat(struct procstat *s)
{
	FILE *fp = fopen("/proc/self/status", "re");
	char line[256];
	DIR *d;
	struct dirent *e;

	memset(s, 0, sizeof(*s));
	while (fp && fgets(line, sizeof(line), fp)) {
		sscanf(line, "VmRSS: %ld", &s->rss_kb);
		sscanf(line, "Threads: %ld", &s->threads);
	}
	if (fp)
		fclose(fp);
	d = opendir("/proc/self/fd");
	while (d && (e = readdir(d)))
		s->fds += e->d_name[0] != '.';
	if (d) {
		closedir(d);
		s->fds--; /* the directory itself */
	}
	{
		struct mallinfo2 mi = mallinfo2();
		s->heap = mi.uordblks + mi.hblkhd;
	}
}

struct match {
	int via;
	DWORD msg;
	bool any_ht;
	HTAPIPHONE ht;
	bool any_p1;
	DWORD_PTR p1;
};

static bool is_match(const struct ev *e, const void *arg)
{
	const struct match *m = arg;
	return e->via == m->via && e->msg == m->msg && (m->any_ht || e->ht == m->ht) &&
	       (m->any_p1 || e->p1 == m->p1);
}

struct hammer {
	HDRVPHONE hd;
	DWORD lamp;
	volatile bool stop, done;
	DRV_REQUESTID accepted[8192];
	int n_acc;
	DRV_REQUESTID rejected;
	LONG rej_rc;
};

static pthread_mutex_t req_lock = PTHREAD_MUTEX_INITIALIZER;

static DRV_REQUESTID new_request(void)
{
	DRV_REQUESTID id;

	pthread_mutex_lock(&req_lock);
	id = ++next_request;
	pthread_mutex_unlock(&req_lock);
	return id;
}

static void *hammer_main(void *data)
{
	struct hammer *h = data;

	for (int i = 0; !h->stop && h->n_acc < 8192; i++) {
		DRV_REQUESTID id = new_request();
		LONG rc = H->phoneSetLamp(id, h->hd, h->lamp,
					  i % 2 ? PHONELAMPMODE_OFF : PHONELAMPMODE_STEADY);
		if (rc != (LONG)id) {
			h->rejected = id;
			h->rej_rc = rc;
			break;
		}
		h->accepted[h->n_acc++] = id;
		usleep(1000);
	}
	h->done = true;
	return NULL;
}

/* A PHONE_CREATE for a new device: CreatePhoneDevice with a new id, caps. */
static bool adopt(DWORD *next_id, size_t from, DWORD *id_out, struct caps *caps, struct check *c,
		  long ms)
{
	struct match m = { VIA_ENUM, PHONE_CREATE, false, NULL, true, 0 };
	long idx = ev_find(from, is_match, &m, ms);
	struct ev e;
	LONG rc;

	if (idx < 0) {
		check_fail(c, "no PHONE_CREATE within %ld ms", ms);
		return false;
	}
	e = ev_at((size_t)idx);
	if ((HPROVIDER)(uintptr_t)e.p1 != HPROV)
		check_fail(c, "PHONE_CREATE dwParam1 %#lx, want the HPROVIDER %#lx", (unsigned long)e.p1,
			   (unsigned long)(uintptr_t)HPROV);
	rc = H->providerCreatePhoneDevice(e.p2, *next_id);
	if (rc) {
		check_fail(c, "CreatePhoneDevice(temp %#lx, %u): %#x", (unsigned long)e.p2, *next_id,
			   (unsigned)rc);
		return false;
	}
	*id_out = (*next_id)++;
	get_caps(*id_out, caps);
	if (caps->rc)
		check_fail(c, "GetDevCaps(%u): %#x", *id_out, (unsigned)caps->rc);
	return true;
}

static int cmd_hotplug(void)
{
	struct check c = { 0 };
	int cycles = (int)env_long("E2E_HOTPLUG", 200);
	struct fixture *ctrl = NULL, *extra = NULL, *cyc = NULL;
	DWORD next_id, lamp_id = 0xffffffffu;
	struct phone *p;
	static struct gadget g;
	static struct hammer hm;
	struct procstat base = { 0 }, end = { 0 };
	char udc[64];
	int n_cycles = 0, bad_close = 0, bad_remove = 0, bad_create = 0, bad_reopen = 0;
	int bad_completion = 0, in_flight_errors = 0, total_acc = 0, bad_stale = 0;
	LONG err_codes[8] = { 0 };
	int64_t t_start, t_cycles = 0;
	LONG rc = start_provider();

	if (rc) {
		check_fail(&c, "provider start: %#x", (unsigned)rc);
		tap(&c, "hotplug: provider started");
		return 1;
	}
	list_phones();
	next_id = ID_BASE + n_enum;
	for (int s = 0; s < n_standing; s++) {
		if (!standing[s]->phone)
			ctrl = standing[s];
		else if (!cyc)
			cyc = standing[s];
	}
	for (int i = 0; i < n_fx && !extra; i++) {
		bool in = false;
		for (int s = 0; s < n_standing; s++)
			in |= standing[s] == &fxs[i];
		if (!in && fxs[i].phone)
			extra = &fxs[i];
	}
	if (!cyc || !extra) {
		check_fail(&c, "no phone to cycle or to add");
		tap(&c, "hotplug");
		return 1;
	}

	/* Four phones at once: the control makes room for another phone. */
	{
		char cmd[256];
		size_t from = ev_count();
		DWORD id;
		struct caps caps;
		int opened = 0;

		if (ctrl) {
			snprintf(cmd, sizeof(cmd), "gadget.sh remove %s", ctrl->name);
			if (system(cmd) != 0)
				check_fail(&c, "%s failed", cmd);
			usleep(500 * 1000);
			for (size_t i = from; i < ev_count(); i++) {
				struct ev e = ev_at(i);
				check_fail(&c, "unplugging %s (not a phone) gave %s", ctrl->name, ev_text(&e));
			}
		}
		from = ev_count();
		snprintf(cmd, sizeof(cmd), "gadget.sh create %s >/dev/null", extra->name);
		if (system(cmd) != 0)
			check_fail(&c, "%s failed", cmd);
		if (adopt(&next_id, from, &id, &caps, &c, 15000)) {
			if (strcmp(caps.name, extra->prod) != 0)
				check_fail(&c, "new phone %u is \"%s\", want \"%s\"", id, caps.name, extra->prod);
			if (n_phones < 8) {
				phones[n_phones] = (struct phone){ .id = id, .fx = extra, .caps = caps };
				n_phones++;
			}
		}
		tap(&c, "hotplug: plugging %s in gives PHONE_CREATE(HPROVIDER, temp id); "
		    "CreatePhoneDevice(temp, %u) makes it phone \"%s\"", extra->name, next_id - 1,
		    extra->prod);
		for (int i = 0; i < n_phones; i++) {
			rc = open_phone(&phones[i], (HTAPIPHONE)(uintptr_t)(0x8000 + phones[i].id));
			if (rc)
				check_fail(&c, "phoneOpen(%u \"%s\"): %#x", phones[i].id, phones[i].caps.name,
					   (unsigned)rc);
			else
				opened++;
		}
		if (opened < 4)
			check_fail(&c, "%d phones open, want 4", opened);
		tap(&c, "hotplug: %d phones present and open at once", opened);
		for (int i = 0; i < n_phones; i++) {
			if (phones[i].hd && phones[i].fx != cyc)
				H->phoneClose(phones[i].hd);
		}
	}

	p = phone_of(cyc);
	if (!p || !p->hd || gadget_udc(cyc->name, udc, sizeof(udc)) < 0 || !udc[0]) {
		check_fail(&c, "%s is not open or not bound", cyc->name);
		tap(&c, "hotplug: unplug/replug");
		goto restore;
	}
	{
		const DWORD *lamps = caps_array(&p->caps, p->caps.u.c.dwLampModesOffset,
						p->caps.u.c.dwLampModesSize);
		for (DWORD id = 0; lamps && id < p->caps.u.c.dwNumButtonLamps; id++) {
			if (lamps[id] & PHONELAMPMODE_STEADY) {
				lamp_id = id;
				break;
			}
		}
	}

	t_start = e2e_now_us();
	for (int cycle = 1; cycle <= cycles; cycle++) {
		struct check cc = { 0 };
		size_t from;
		pthread_t th;
		bool hammering = false;
		long i_close, i_remove;
		struct match m_close = { VIA_OPEN, PHONE_CLOSE, false, p->ht, true, 0 };
		struct match m_remove = { VIA_ENUM, PHONE_REMOVE, false, NULL, false, p->id };
		DWORD old_id = p->id;
		HDRVPHONE old_hd = p->hd;
		struct caps caps;
		bool reopened = false;

		if (cycle == 2)
			procstat(&base);
		ev_clear();
		from = 0;
		/* Requests keep coming while the device goes away. */
		if (gadget_open(&g, cyc, 5000) == 0 && lamp_id != 0xffffffffu) {
			memset(&hm, 0, sizeof(hm));
			hm.hd = p->hd;
			hm.lamp = lamp_id;
			hammering = pthread_create(&th, NULL, hammer_main, &hm) == 0;
		}
		usleep(20 * 1000);
		/* f_hid's node is closed before its function goes. */
		gadget_close(&g);
		if (gadget_bind(cyc->name, NULL) < 0)
			check_fail(&cc, "unbind failed: %s", strerror(errno));
		i_close = ev_find(from, is_match, &m_close, 5000);
		i_remove = ev_find(from, is_match, &m_remove, 5000);
		if (i_close < 0) {
			bad_close++;
			check_fail(&cc, "no PHONE_CLOSE(ht %#lx)", (unsigned long)(uintptr_t)p->ht);
		}
		if (i_remove < 0) {
			bad_remove++;
			check_fail(&cc, "no PHONE_REMOVE(NULL, %u) through the EnumDevices PHONEEVENT", p->id);
		}
		if (i_close >= 0 && i_remove >= 0 && i_close > i_remove) {
			bad_close++;
			check_fail(&cc, "PHONE_REMOVE came before PHONE_CLOSE");
		}
		if (hammering) {
			int64_t deadline = e2e_now_us() + 5000 * 1000;
			while (!hm.done && e2e_now_us() < deadline)
				usleep(5000);
			hm.stop = true;
			pthread_join(th, NULL);
			usleep(20 * 1000);
			for (int k = 0; k < hm.n_acc; k++) {
				LONG res = 0;
				int n = completions_of(hm.accepted[k], &res);
				if (n != 1) {
					bad_completion++;
					check_fail(&cc, "request %u: %d completions", hm.accepted[k], n);
				} else if (res) {
					in_flight_errors++;
					for (int e = 0; e < 8; e++) {
						if (err_codes[e] == res || !err_codes[e]) {
							err_codes[e] = res;
							break;
						}
					}
				}
			}
			if (hm.rejected && completions_of(hm.rejected, NULL)) {
				bad_completion++;
				check_fail(&cc, "rejected request %u (%#x) completed", hm.rejected,
					   (unsigned)hm.rejected);
			}
			total_acc += hm.n_acc;
		}
		/* The old id and handle are dead. */
		get_caps(old_id, &caps);
		if (caps.rc != PHONEERR_BADDEVICEID ||
		    H->phoneSetLamp(new_request(), old_hd, lamp_id, PHONELAMPMODE_OFF) !=
			    PHONEERR_INVALPHONEHANDLE) {
			bad_stale++;
			check_fail(&cc, "id %u or its handle still answer after PHONE_REMOVE", old_id);
		}
		/* Plug it in again: a new phone with a new id. */
		from = ev_count();
		if (gadget_bind(cyc->name, udc) < 0)
			check_fail(&cc, "bind to %s failed: %s", udc, strerror(errno));
		{
			DWORD id;
			if (adopt(&next_id, from, &id, &caps, &cc, 15000)) {
				if (strcmp(caps.name, cyc->prod) != 0)
					check_fail(&cc, "re-plugged phone %u is \"%s\"", id, caps.name);
				p->id = id;
				p->caps = caps;
				rc = open_phone(p, (HTAPIPHONE)(uintptr_t)(0x9000 + cycle));
				if (rc) {
					bad_reopen++;
					check_fail(&cc, "phoneOpen(%u): %#x", id, (unsigned)rc);
				} else {
					reopened = true;
				}
			} else {
				bad_create++;
			}
		}
		n_cycles++;
		if (cc.bad) {
			diag("cycle %d:", cycle);
			for (char *s = cc.why, *nl; *s; s = nl + 1) {
				nl = strchr(s, '\n');
				if (!nl)
					break;
				diag("  %.*s", (int)(nl - s), s);
			}
		}
		if (cycle % 10 == 0 || cc.bad)
			diag("cycle %d done, %.1f s so far, phone id %u", cycle,
			     (double)(e2e_now_us() - t_start) / 1e6, p->id);
		/* A phone that cannot be opened again ends the exercise. */
		if (!reopened)
			break;
	}
	t_cycles = e2e_now_us() - t_start;
	procstat(&end);

	if (bad_close || bad_remove)
		check_fail(&c, "%d cycles without PHONE_CLOSE(htPhone) first, %d without PHONE_REMOVE(id)",
			   bad_close, bad_remove);
	if (n_cycles < cycles)
		check_fail(&c, "stopped after %d of %d cycles", n_cycles, cycles);
	tap(&c, "hotplug: %d unplugs of %s while open: PHONE_CLOSE(the open's htPhone), then "
	    "PHONE_REMOVE(its id) through the EnumDevices PHONEEVENT; old id and handle dead", cycles,
	    cyc->name);
	if (bad_stale)
		check_fail(&c, "%d cycles: old id or handle still valid", bad_stale);
	if (bad_create || bad_reopen)
		check_fail(&c, "%d cycles without PHONE_CREATE, %d could not open the new id", bad_create,
			   bad_reopen);
	tap(&c, "hotplug: %d replugs: PHONE_CREATE(HPROVIDER, temp id), CreatePhoneDevice with a "
	    "new id (last %u), phone opens again", n_cycles, next_id - 1);
	if (bad_completion)
		check_fail(&c, "%d requests did not complete exactly once", bad_completion);
	if (!total_acc)
		check_fail(&c, "no request was in flight");
	tap(&c, "hotplug: %d SetLamp requests racing the unplugs each completed exactly once "
	    "(%d with an error: issued while the device was going)", total_acc, in_flight_errors);
	for (int e = 0; e < 8 && err_codes[e]; e++)
		diag("hotplug: requests in flight completed with %#x", (unsigned)err_codes[e]);
	diag("hotplug: %d cycles in %.1f s (%.0f ms each)", n_cycles, (double)t_cycles / 1e6,
	     n_cycles ? (double)t_cycles / 1e3 / n_cycles : 0.0);
	diag("hotplug: after cycle 1: VmRSS %ld KiB, heap in use %zu KiB, %d fds, %ld threads; "
	     "after cycle %d: VmRSS %ld KiB, heap in use %zu KiB, %d fds, %ld threads", base.rss_kb,
	     base.heap / 1024, base.fds, base.threads, n_cycles, end.rss_kb, end.heap / 1024, end.fds,
	     end.threads);
	if (n_cycles > 1) {
		long slack = 1024;
		long heap_kb = ((long)end.heap - (long)base.heap) / 1024;

		if (end.fds > base.fds)
			check_fail(&c, "open fds %d -> %d", base.fds, end.fds);
		if (end.threads > base.threads)
			check_fail(&c, "threads %ld -> %ld", base.threads, end.threads);
		if (end.rss_kb - base.rss_kb > slack)
			check_fail(&c, "VmRSS grew by %ld KiB over %d cycles (%.1f KiB per cycle; slack %ld "
				   "KiB)", end.rss_kb - base.rss_kb, n_cycles - 1,
				   (double)(end.rss_kb - base.rss_kb) / (n_cycles - 1), slack);
		if (heap_kb > slack)
			check_fail(&c, "heap in use grew by %ld KiB over %d cycles (%.1f KiB per unplug)",
				   heap_kb, n_cycles - 1, (double)heap_kb / (n_cycles - 1));
	} else {
		check_fail(&c, "too few cycles to compare");
	}
	tap(&c, "hotplug: nothing leaks over %d cycles (fds, threads; VmRSS and heap in use within 1 MiB)",
	    n_cycles);

restore:
	if (p && p->hd)
		H->phoneClose(p->hd);
	stop_provider();
	{
		struct procstat after;
		procstat(&after);
		diag("hotplug: after providerShutdown: heap in use %zu KiB, VmRSS %ld KiB, %d fds, %ld "
		     "threads", after.heap / 1024, after.rss_kb, after.fds, after.threads);
		if (end.heap > base.heap && after.heap < end.heap && n_cycles > 1)
			diag("hotplug: providerShutdown freed %zu KiB: the provider held %.1f KiB more per "
			     "unplug/replug until then", (end.heap - after.heap) / 1024,
			     (double)(end.heap - base.heap) / 1024 / (n_cycles - 1));
	}
	{
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "gadget.sh remove %s", extra->name);
		if (system(cmd) != 0)
			diag("%s failed", cmd);
		if (ctrl) {
			snprintf(cmd, sizeof(cmd), "gadget.sh create %s >/dev/null", ctrl->name);
			if (system(cmd) != 0)
				diag("%s failed", cmd);
		}
	}
	return n_failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	load_fixtures();
	load_standing();
	if (strcmp(cmd, "discover") == 0)
		return cmd_discover();
	if (strcmp(cmd, "input") == 0)
		return cmd_input();
	if (strcmp(cmd, "output") == 0)
		return cmd_output();
	if (strcmp(cmd, "latency") == 0)
		return cmd_latency();
	if (strcmp(cmd, "hotplug") == 0)
		return cmd_hotplug();
	fputs("usage: vm-host discover|input|output|latency|hotplug\n", stderr);
	return 2;
}
