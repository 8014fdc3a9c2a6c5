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
 *   vm-host audio ...    a composite phone's sound card: mixer events, mutes, ringing,
 *                        unplug mid-ring (vm-host-audio.c; step 90)
 *
 * Prints its own test points, "ok - DESC" or "not ok - DESC", with "# " diagnostics;
 * guest/lib.sh (tap_run) turns them into the run's TAP lines. Exit status: 0 all held,
 * 1 some did not, anything else a crash.
 *
 * Expectations come from the fixtures' .expect files (field positions from an independent
 * decoder) and phones.tsv, never from the provider's own parser. The standing set is
 * /run/e2e/standing; fixtures and descriptors are under $E2E_DIR (default /etc/e2e).
 */
#include "vm-host.h"

/* --- test points ---------------------------------------------------------------------- */

int n_failed;


__attribute__((format(printf, 2, 3)))
void check_fail(struct check *c, const char *fmt, ...)
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
void diag(const char *fmt, ...)
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
void tap(struct check *c, const char *fmt, ...)
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





struct fixture fxs[MAX_FX];
int n_fx;

const char *e2e_dir(void)
{
	const char *d = getenv("E2E_DIR");
	return d && *d ? d : "/etc/e2e";
}

static void expect_fact(const struct expect_fact *e, void *ctx)
{
	struct fixture *f = ctx;
	int kind = e->kind == EXPECT_INPUT ? K_INPUT : e->kind == EXPECT_OUTPUT ? K_OUTPUT : K_FEATURE;

	if (e->type == EXPECT_TLC) {
		if (e->page == 0x0b && !f->tlc_usage)
			f->tlc_usage = e->usage;
	} else if (e->type == EXPECT_VAR) {
		if (f->n_vars < 128)
			f->vars[f->n_vars++] = (struct xvar){ e->page, e->usage, kind, e->rid, e->bit,
							      e->size };
	} else if (e->type == EXPECT_ARRAY) {
		if (f->n_arrs < 16)
			f->arrs[f->n_arrs++] = (struct xarr){ e->page, e->usage, e->last, kind, e->rid,
							      e->bit, e->size, e->count, e->lmin,
							      e->lmax };
	}
}

void load_expect(struct fixture *f)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/descriptors/%s.expect", e2e_dir(), f->name);
	expect_read(path, expect_fact, f);
}

void load_fixtures(void)
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

struct fixture *fixture(const char *name)
{
	for (int i = 0; i < n_fx; i++) {
		if (strcmp(fxs[i].name, name) == 0)
			return &fxs[i];
	}
	return NULL;
}

struct fixture *fixture_by_product(const char *prod)
{
	for (int i = 0; i < n_fx; i++) {
		if (strcmp(fxs[i].prod, prod) == 0)
			return &fxs[i];
	}
	return NULL;
}

const struct xvar *xvar(const struct fixture *f, unsigned page, unsigned usage, int kind)
{
	for (int i = 0; i < f->n_vars; i++) {
		if (f->vars[i].page == page && f->vars[i].usage == usage && f->vars[i].kind == kind)
			return &f->vars[i];
	}
	return NULL;
}

/* The input array that lists Telephony usage u (Phone Key 0 .. Pound). */
const struct xarr *xkeypad(const struct fixture *f, unsigned u)
{
	for (int i = 0; i < f->n_arrs; i++) {
		const struct xarr *a = &f->arrs[i];
		if (a->page == 0x0b && a->kind == K_INPUT && a->first <= u && u <= a->last)
			return a;
	}
	return NULL;
}

/* The standing set, in order. */
struct fixture *standing[8];
int n_standing;

void load_standing(void)
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


/* Payload bits exclude the report-id byte, as in the .expect files. */
void rep_set(struct report *r, int bit, int size, uint32_t v)
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

bool rep_get(const uint8_t *b, size_t len, int rid, int bit)
{
	int pos = (rid ? 8 : 0) + bit;
	return (size_t)(pos / 8) < len && (b[pos / 8] >> (pos % 8) & 1);
}

/* Length on the wire of report rid of a kind: phones.tsv's report when it is that one, else
 * what the .expect fields need. */
size_t rep_len(const struct fixture *f, int kind, int rid)
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

void rep_init(struct report *r, const struct fixture *f, int kind, int rid)
{
	memset(r, 0, sizeof(*r));
	r->rid = rid;
	r->len = rep_len(f, kind, rid);
	if (r->len > MAX_REP)
		r->len = MAX_REP;
	r->b[0] = (uint8_t)rid;
}

const char *hex(const uint8_t *p, size_t n)
{
	static char buf[8][MAX_REP * 3 + 1];
	static int i;

	i = (i + 1) % 8;
	return e2e_fmt_hex(p, n, buf[i], sizeof(buf[i]));
}

/* --- the gadget end ------------------------------------------------------------------ */



int read_text(const char *path, char *buf, size_t cap)
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

int write_text(const char *path, const char *text)
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
int hidg_path(const char *fx, char *out, size_t cap)
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

/*
 * The gadget's output reports, recorded as they arrive. The reader blocks in read() on a
 * descriptor of its own: f_hid's poll() also wakes on the completion of each input report
 * the test writes (its write queue), which would put this thread, part of the stand-in
 * device, in the host's way at the very moment a latency is measured. It is cancelled,
 * never woken, to stop (read() and usleep() are cancellation points; the lock is not
 * held across them).
 */
void *gadget_main(void *data)
{
	struct gadget *g = data;

	for (;;) {
		uint8_t buf[512];
		ssize_t n = read(g->rfd, buf, sizeof(buf));
		int64_t t = e2e_now_us();

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* Only pthread_cancel() ends the recording: the outputs after it count. */
			if (!g->read_failed)
				diag("%s: reading output reports: %s", g->fx->name,
				     n < 0 ? strerror(errno) : "end of file");
			g->read_failed = true;
			usleep(10 * 1000);
			continue;
		}
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
	return NULL;
}

/* Opens the fixture's gadget node (waiting up to ms for it) and records its output reports. */
int gadget_open(struct gadget *g, const struct fixture *fx, long ms)
{
	int64_t deadline = e2e_now_us() + ms * 1000;
	int rc;

	if (!g->inited) {
		pthread_mutex_init(&g->lock, NULL);
		pthread_cond_init(&g->cond, NULL);
		g->inited = true;
	}
	g->fx = fx;
	g->fd = g->rfd = -1;
	g->read_failed = false;
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
	g->rfd = open(g->path, O_RDWR | O_CLOEXEC);
	rc = g->rfd < 0 ? errno : pthread_create(&g->thread, NULL, gadget_main, g);
	if (rc) {
		diag("%s: no reader for the output reports: %s", fx->name, strerror(rc));
		if (g->rfd >= 0)
			close(g->rfd);
		close(g->fd);
		g->fd = g->rfd = -1;
		return -1;
	}
	g->running = true;
	return 0;
}

void gadget_close(struct gadget *g)
{
	if (g->running) {
		pthread_cancel(g->thread);
		pthread_join(g->thread, NULL);
		g->running = false;
	}
	if (g->rfd >= 0)
		close(g->rfd);
	if (g->fd >= 0)
		close(g->fd);
	g->fd = g->rfd = -1;
}

size_t gadget_count(struct gadget *g)
{
	size_t n;

	pthread_mutex_lock(&g->lock);
	n = g->n_outs;
	pthread_mutex_unlock(&g->lock);
	return n;
}

/* Waits until more than n output reports have arrived; false on timeout. */
bool gadget_wait(struct gadget *g, size_t n, long ms)
{
	return wait_count(&g->lock, &g->cond, &g->n_outs, n, ms);
}

/* The last output report with report id rid at index >= from; false if none. */
bool gadget_last(struct gadget *g, size_t from, int rid, struct outrep *out)
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
int gadget_write(struct gadget *g, const struct report *r, int64_t *t)
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
int gadget_udc(const char *fx, char *udc, size_t cap)
{
	char path[256];

	snprintf(path, sizeof(path), GADGETS "/%s/UDC", fx);
	return read_text(path, udc, cap);
}

int gadget_bind(const char *fx, const char *udc)
{
	char path[256], text[80];

	snprintf(path, sizeof(path), GADGETS "/%s/UDC", fx);
	snprintf(text, sizeof(text), "%s\n", udc ? udc : "");
	return write_text(path, text);
}

/* --- the host: tools/tapi-host.c's, with its callbacks and their log ------------------ */

struct host *H;

bool is_completion(const struct host_event *e, const void *request)
{
	return e->completion && e->request == *(const DRV_REQUESTID *)request;
}

/* The message's name from the tools' table (tools/tapi-names.c). */
const char *msg_name(DWORD msg)
{
	const char *n = tapi_message_name(msg);

	return n ? n : "PHONE_?";
}

const char *ev_text(const struct host_event *e)
{
	static char buf[4][160];
	static int i;

	i = (i + 1) % 4;
	if (e->completion)
		snprintf(buf[i], sizeof(buf[i]), "completion(%u, 0x%x)", e->request,
			 (unsigned)e->result);
	else
		snprintf(buf[i], sizeof(buf[i]), "%s%s(ht %#lx, %#lx, %#lx, %#lx)",
			 e->enumerated ? "[enum proc] " : e->line ? "[LINE] " : "",
			 msg_name(e->msg), (unsigned long)(uintptr_t)e->ht, (unsigned long)e->p1,
			 (unsigned long)e->p2, (unsigned long)e->p3);
	return buf[i];
}

/* --- the provider -------------------------------------------------------------------- */

LONG start_provider(void)
{
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
	return host_start(H, ID_BASE);
}

void stop_provider(void)
{
	host_stop(H);
}

void utf16_to_ascii(const uint8_t *base, DWORD off, DWORD size, char *out, size_t cap,
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

void get_caps(DWORD id, struct caps *c)
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

const DWORD *caps_array(const struct caps *c, DWORD off, DWORD size)
{
	if (!size || off + size > c->u.c.dwUsedSize || off % 4 || size != c->u.c.dwNumButtonLamps * 4)
		return NULL;
	return (const DWORD *)(c->u.raw + off);
}


struct phone phones[8];
int n_phones;

void list_phones(void)
{
	n_phones = 0;
	for (DWORD i = 0; i < H->num_phones && n_phones < 8; i++) {
		struct phone *p = &phones[n_phones];
		memset(p, 0, sizeof(*p));
		p->id = ID_BASE + i;
		get_caps(p->id, &p->caps);
		p->fx = p->caps.rc ? NULL : fixture_by_product(p->caps.name);
		n_phones++;
	}
}

struct phone *phone_of(const struct fixture *fx)
{
	for (int i = 0; i < n_phones; i++) {
		if (phones[i].fx == fx)
			return &phones[i];
	}
	return NULL;
}

LONG open_phone(struct phone *p, HTAPIPHONE ht)
{
	LONG rc;

	p->ht = ht;
	p->hd = NULL;
	rc = H->phoneOpen(p->id, ht, &p->hd, p->caps.version ? p->caps.version : H->version,
			  host_phone_event);
	return rc;
}

DWORD button_info(HDRVPHONE hd, DWORD id, DWORD *mode)
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
int feature_ids(struct phone *p, DWORD fn, DWORD *ids, int max)
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
DWORD hook_dev_of(const struct fixture *f)
{
	return f->tlc_usage == 0x05 ? PHONEHOOKSWITCHDEV_HEADSET : PHONEHOOKSWITCHDEV_HANDSET;
}

DWORD hook_state_of(DWORD dev)
{
	return dev == PHONEHOOKSWITCHDEV_HEADSET ? PHONESTATE_HEADSETHOOKSWITCH :
	       dev == PHONEHOOKSWITCHDEV_SPEAKER ? PHONESTATE_SPEAKERHOOKSWITCH :
						   PHONESTATE_HANDSETHOOKSWITCH;
}


int count_standing_phones(void)
{
	int n = 0;
	for (int i = 0; i < n_standing; i++)
		n += standing[i]->phone;
	return n;
}

/* A value of the keypad array that names no key. */
long keypad_idle(const struct xarr *a)
{
	long n_usages = (long)(a->last - a->first + 1);
	long cand[] = { 0, (1L << a->size) - 1, a->lmax };

	for (int i = 0; i < 3; i++) {
		if (cand[i] < a->lmin || cand[i] > a->lmax || cand[i] - a->lmin >= n_usages)
			return cand[i];
	}
	return -1;
}

DWORD first_steady_lamp(const struct phone *p)
{
	const DWORD *lamps = caps_array(&p->caps, p->caps.u.c.dwLampModesOffset,
					p->caps.u.c.dwLampModesSize);

	for (DWORD id = 0; lamps && id < p->caps.u.c.dwNumButtonLamps; id++) {
		if (lamps[id] & PHONELAMPMODE_STEADY)
			return id;
	}
	return 0xffffffffu;
}

bool provider_up(const char *what)
{
	struct check c = { 0 };
	LONG rc = start_provider();

	if (!rc)
		return true;
	check_fail(&c, "provider start: %#x", (unsigned)rc);
	tap(&c, "%s: provider started", what);
	return false;
}

void each_standing_phone(const char *what, uintptr_t ht_base, DWORD states, DWORD modes,
			 DWORD button_states, int settle_ms,
			 void (*run)(struct phone *p, struct gadget *g))
{
	list_phones();
	for (int s = 0; s < n_standing; s++) {
		struct fixture *f = standing[s];
		struct phone *p = f->phone ? phone_of(f) : NULL;
		static struct gadget g;
		struct check c = { 0 };
		LONG rc;

		if (!f->phone)
			continue;
		if (!p || gadget_open(&g, f, 5000) < 0) {
			if (p)
				check_fail(&c, "gadget node not found");
			else
				check_fail(&c, "no phone named \"%s\"", f->prod);
			tap(&c, "%s: %s", what, f->name);
			continue;
		}
		rc = open_phone(p, (HTAPIPHONE)(ht_base + p->id));
		if (!rc)
			rc = H->phoneSetStatusMessages(p->hd, states, modes, button_states);
		if (rc) {
			check_fail(&c, "phoneOpen/SetStatusMessages: %#x", (unsigned)rc);
			tap(&c, "%s: %s", what, f->name);
		} else {
			if (settle_ms)
				usleep((useconds_t)settle_ms * 1000);
			run(p, &g);
			H->phoneClose(p->hd);
		}
		gadget_close(&g);
	}
}

/* Waits on cond, taking lock, until *count > n or ms have passed; whether it is. */
bool wait_count(pthread_mutex_t *lock, pthread_cond_t *cond, const size_t *count, size_t n,
		long ms)
{
	int64_t deadline = e2e_now_us() + ms * 1000;
	bool ok;

	pthread_mutex_lock(lock);
	while (*count <= n && e2e_now_us() < deadline) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 5 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(cond, lock, &ts);
	}
	ok = *count > n;
	pthread_mutex_unlock(lock);
	return ok;
}

long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	return v && *v ? strtol(v, NULL, 0) : def;
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
	if (strcmp(cmd, "audio") == 0)
		return cmd_audio(argc, argv);
	fputs("usage: vm-host discover|input|output|latency|hotplug|audio\n", stderr);
	return 2;
}
