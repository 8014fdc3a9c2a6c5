/* vm-host latency: see vm-host.c. */
#include "vm-host.h"

/* --- latency ------------------------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int64_t pct(const int64_t *v, int n, int p)
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


/*
 * What each thread of this process does over ms of quiet: context switches and CPU time
 * (clock ticks of /proc/self/task/N/stat), printed, so a thread that wakes or spins while
 * nothing happens shows (the provider's loop with its lines' SIP stacks, for one).
 */
struct thread_use {
	int tid;
	char comm[32];
	unsigned long long ctxsw, ticks;
};

static int thread_use(struct thread_use *t, int max)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) && n < max) {
		char path[300], line[512];
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		memset(&t[n], 0, sizeof(t[n]));
		t[n].tid = atoi(e->d_name);
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", e->d_name);
		f = fopen(path, "re");
		while (f && fgets(line, sizeof(line), f)) {
			unsigned long long v;

			if (sscanf(line, "Name: %31s", t[n].comm) == 1)
				continue;
			if (sscanf(line, "voluntary_ctxt_switches: %llu", &v) == 1 ||
			    sscanf(line, "nonvoluntary_ctxt_switches: %llu", &v) == 1)
				t[n].ctxsw += v;
		}
		if (f)
			fclose(f);
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", e->d_name);
		f = fopen(path, "re");
		if (f && fgets(line, sizeof(line), f)) {
			const char *r = strrchr(line, ')');
			unsigned long long ut = 0, st = 0;

			/* after "pid (comm)": state and 10 fields, then utime and stime */
			if (r && sscanf(r + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
					&ut, &st) == 2)
				t[n].ticks = ut + st;
		}
		if (f)
			fclose(f);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

static void quiet_use(const char *what, int ms)
{
	struct thread_use a[64], b[64];
	int na = thread_use(a, 64), nb;

	usleep((useconds_t)ms * 1000);
	nb = thread_use(b, 64);
	for (int i = 0; i < nb; i++) {
		for (int j = 0; j < na; j++) {
			if (a[j].tid != b[i].tid)
				continue;
			diag("quiet %d ms, %s: thread %s (%d): %llu wakeups, %llu CPU ticks", ms, what,
			     b[i].comm, b[i].tid, b[i].ctxsw - a[j].ctxsw, b[i].ticks - a[j].ticks);
		}
	}
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
	int stop[2];                /* a pipe: written to end the reading */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t n, len;
	int64_t t;
	uint8_t buf[256];
};

static void *raw_main(void *data)
{
	struct rawreader *rr = data;

	for (;;) {
		/* No timeout: the reader sleeps between reports as the provider's loop does. */
		struct pollfd pf[2] = { { .fd = rr->fd, .events = POLLIN },
					{ .fd = rr->stop[0], .events = POLLIN } };
		uint8_t buf[256];
		ssize_t got;

		if (poll(pf, 2, -1) <= 0)
			continue;
		if (pf[1].revents)
			break;
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
	return wait_count(&rr->lock, &rr->cond, &rr->n, n, ms);
}


#define LAT_BLOCKS 10
/*
 * Hook changes by hand: tens of milliseconds apart at the fastest. In five turns each of
 * bare reads and the provider (50 changes, an even count, so each turn starts on-hook): a
 * report's way after a pause varies by a tenth of a millisecond from one stretch of the
 * run to the next under TCG, and two turns each left the ratio to the luck of the draw.
 */
#define HOOK_GAP_MS 50
#define HOOK_BLOCKS 5

/* A block's samples: all of them, and those of its a and b reports apart (when set). */
struct samples {
	int64_t *all, *a, *b;
	int n_all, n_a, n_b;
};

static bool samples_alloc(struct samples *s, int n)
{
	s->all = calloc((size_t)n, sizeof(int64_t));
	s->a = calloc((size_t)n, sizeof(int64_t));
	s->b = calloc((size_t)n, sizeof(int64_t));
	return s->all && s->a && s->b;
}

static void samples_add(struct samples *s, bool is_b, int64_t d)
{
	s->all[s->n_all++] = d;
	if (is_b)
		s->b[s->n_b++] = d;
	else
		s->a[s->n_a++] = d;
}

/*
 * count reports (a, b, a, ...) gap_ms apart, read by a bare read() loop on node; -1 if it
 * cannot open it.
 */
static int bare_block(struct gadget *g, const char *node, const struct report *a,
		      const struct report *b, int count, int gap_ms, struct samples *s, int *lost)
{
	struct rawreader rr = { .fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC) };
	uint8_t buf[256];
	pthread_t th;

	if (rr.fd < 0)
		return -1;
	if (pipe2(rr.stop, O_CLOEXEC) < 0) {
		close(rr.fd);
		return -1;
	}
	pthread_mutex_init(&rr.lock, NULL);
	pthread_cond_init(&rr.cond, NULL);
	while (read(rr.fd, buf, sizeof(buf)) > 0)
		;
	if (pthread_create(&th, NULL, raw_main, &rr) != 0) {
		close(rr.fd);
		close(rr.stop[0]);
		close(rr.stop[1]);
		return -1;
	}
	for (int i = 0; i < count && *lost < 10; i++) {
		const struct report *r = i % 2 ? b : a;
		size_t before;
		int64_t t0, t1;
		bool same;

		pthread_mutex_lock(&rr.lock);
		before = rr.n;
		pthread_mutex_unlock(&rr.lock);
		if (gadget_write(g, r, &t0) < 0 || !raw_wait(&rr, before, 2000)) {
			(*lost)++;
			continue;
		}
		pthread_mutex_lock(&rr.lock);
		t1 = rr.t;
		same = rr.len == r->len && memcmp(rr.buf, r->b, r->len) == 0;
		pthread_mutex_unlock(&rr.lock);
		if (!same)
			(*lost)++;
		else
			samples_add(s, r == b, t1 - t0);
		if (gap_ms)
			usleep((useconds_t)gap_ms * 1000);
	}
	if (write(rr.stop[1], "", 1) != 1)
		diag("bare reader: cannot stop it: %s", strerror(errno));
	pthread_join(th, NULL);
	close(rr.fd);
	close(rr.stop[0]);
	close(rr.stop[1]);
	return 0;
}


/*
 * count reports (a, b, a, ...) through the provider, gap_ms apart: for each, the time to
 * its first callback with msg.
 */
static void prov_block(struct gadget *g, const struct report *a, const struct report *b,
		       int count, DWORD msg, int gap_ms, struct samples *s, int *lost)
{
	for (int i = 0; i < count && *lost < 10; i++) {
		const struct report *r = i % 2 ? b : a;
		size_t at = host_n_events(H);
		int64_t t0, d = -1;

		if (gadget_write(g, r, &t0) < 0) {
			(*lost)++;
			continue;
		}
		while (d < 0 && host_wait(H, at + 1, 2000)) {
			struct host_event ev = host_event_at(H, at++);

			if (ev.msg == msg && !ev.completion && !ev.line)
				d = (int64_t)ev.usec - t0;
		}
		if (d < 0)
			(*lost)++;
		else
			samples_add(s, r == b, d);
		if (gap_ms)
			usleep((useconds_t)gap_ms * 1000);
	}
}

/*
 * blocks of count reports (a, b, a, ...) gap_ms apart, in turns: read by a bare read()
 * loop on node with the phone closed, then through the provider with the phone open (its
 * callbacks with msg), so a change in the host's load over the run weighs on both alike.
 * -1 when a block could not run.
 */
static int turns(struct check *c, struct gadget *g, struct phone *p, const char *node,
		 const struct report *a, const struct report *b, int blocks, int count, DWORD msg,
		 int gap_ms, struct samples *bare, struct samples *prov, int *lost)
{
	for (int i = 0; i < blocks && *lost < 10; i++) {
		if (bare_block(g, node, a, b, count, gap_ms, bare, lost) < 0) {
			check_fail(c, "open %s: %s", node, strerror(errno));
			return -1;
		}
		if (open_phone(p, (HTAPIPHONE)(uintptr_t)0x7777) != 0) {
			check_fail(c, "%s not opened", p->fx->name);
			return -1;
		}
		H->phoneSetStatusMessages(p->hd, ALL_HOOK_STATES, PHONEBUTTONMODE_KEYPAD,
					  PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP);
		usleep(20 * 1000);
		prov_block(g, a, b, count, msg, gap_ms, prov, lost);
		H->phoneClose(p->hd);
	}
	return 0;
}

/* p50 and p99 of a block's samples over those of the bare reads (both sorted by stats()). */
static void ratios(const char *what, const struct samples *s, const struct samples *bare)
{
	for (int p = 50; p <= 99; p += 49) {
		int64_t x = pct(s->all, s->n_all, p), y = pct(bare->all, bare->n_all, p);

		if (x > 0 && y > 0)
			diag("latency ratio p%d %s / p%d bare = %.2f (%lld / %lld us)", p, what, p,
			     (double)x / (double)y, (long long)x, (long long)y);
	}
}

int cmd_latency(void)
{
	struct check c = { 0 };
	struct fixture *f = NULL;
	struct phone *p;
	static struct gadget g;
	int n = (int)env_long("E2E_LAT", 1000), lost = 0;
	int64_t *lamp = calloc((size_t)n, sizeof(int64_t));
	int64_t *call = calloc((size_t)n, sizeof(int64_t));
	struct samples bare = { 0 }, key = { 0 }, bare_hook = { 0 }, hook = { 0 }, burst = { 0 };
	int n_lamp = 0;
	char what[200];
	struct report down, up, off, on;
	const struct xarr *kp;
	const struct xvar *hv;
	char node[300];
	DWORD lamp_id = 0xffffffffu;
	LONG rc;

	for (int s = 0; s < n_standing && !f; s++) {
		if (standing[s]->phone && xkeypad(standing[s], 0xb5) && xvar(standing[s], 0x0b, 0x20, K_INPUT))
			f = standing[s];
	}
	if (!f || !lamp || !call || !samples_alloc(&bare, n) || !samples_alloc(&key, n) ||
	    !samples_alloc(&bare_hook, n) || !samples_alloc(&hook, n) ||
	    !samples_alloc(&burst, n)) {
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

	rc = start_provider();
	list_phones();
	p = phone_of(f);
	if (rc || !p || hidraw_of(f->vid, f->pid, node, sizeof(node)) < 0 ||
	    gadget_open(&g, f, 5000) < 0 || open_phone(p, (HTAPIPHONE)(uintptr_t)0x7777) != 0) {
		check_fail(&c, "provider start %#x, or %s has no phone, hidraw or gadget node, or "
			   "does not open", (unsigned)rc, f->name);
		tap(&c, "latency");
		return 1;
	}
	/*
	 * The first open starts the phone's line and its SIP stack, which stay for the rest:
	 * the bare reads and the provider run with it alike. Quiet from a second after it.
	 */
	usleep(1100 * 1000);
	quiet_use("phone open 1 s", 2000);
	H->phoneClose(p->hd);
	/*
	 * Key presses back to back; the hook switch HOOK_GAP_MS apart, as a hand moves it,
	 * each of its changes (the Off-Hook echo write, the line's call: a dial tone at
	 * Off-Hook, dropped at On-Hook) done before the next. Bare reads of the same reports
	 * at the same pace are its floor.
	 */
	if (turns(&c, &g, p, node, &down, &up, LAT_BLOCKS, n / LAT_BLOCKS, PHONE_BUTTON, 0, &bare,
		  &key, &lost) < 0 ||
	    turns(&c, &g, p, node, &off, &on, HOOK_BLOCKS, n / 4 / HOOK_BLOCKS, PHONE_STATE,
		  HOOK_GAP_MS, &bare_hook, &hook, &lost) < 0 ||
	    open_phone(p, (HTAPIPHONE)(uintptr_t)0x7777) != 0) {
		if (!n_failed)
			check_fail(&c, "%s not opened", f->name);
		tap(&c, "latency");
		gadget_close(&g);
		return 1;
	}
	H->phoneSetStatusMessages(p->hd, ALL_HOOK_STATES, PHONEBUTTONMODE_KEYPAD,
				  PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP);
	usleep(100 * 1000);
	/* The hook switch back to back: each change also waits for the work of the one before. */
	prov_block(&g, &off, &on, n / 4, PHONE_STATE, 0, &burst, &lost);
	usleep(50 * 1000);
	/* SetLamp -> the bytes at the gadget. */
	lamp_id = first_steady_lamp(p);
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

	stats("input, bare read() loop on hidraw (write hidg -> read returns in a reader thread; "
	      "in turns with the provider's blocks)", bare.all, bare.n_all);
	stats("input through hidphone.tsp (write hidg -> PHONE_BUTTON callback)", key.all,
	      key.n_all);
	snprintf(what, sizeof(what), "hook switch %d ms apart, bare read() loop on hidraw",
		 HOOK_GAP_MS);
	stats(what, bare_hook.all, bare_hook.n_all);
	snprintf(what, sizeof(what), "hook switch %d ms apart through hidphone.tsp (write hidg "
		 "-> PHONE_STATE)", HOOK_GAP_MS);
	stats(what, hook.all, hook.n_all);
	stats("  of which Off-Hook", hook.a, hook.n_a);
	stats("  of which On-Hook", hook.b, hook.n_b);
	stats("hook switch back to back through hidphone.tsp", burst.all, burst.n_all);
	stats("output, TSPI_phoneSetLamp -> report read at the gadget", lamp, n_lamp);
	stats("TSPI_phoneSetLamp call duration", call, n_lamp);
	ratios("provider", &key, &bare);
	snprintf(what, sizeof(what), "hook switch %d ms apart, provider", HOOK_GAP_MS);
	ratios(what, &hook, &bare_hook);
	if (bare.n_all != n / LAT_BLOCKS * LAT_BLOCKS || key.n_all != bare.n_all ||
	    bare_hook.n_all != n / 4 / HOOK_BLOCKS * HOOK_BLOCKS || hook.n_all != bare_hook.n_all ||
	    burst.n_all != n / 4 || n_lamp != n)
		check_fail(&c, "samples: bare %d, provider %d, hook bare %d, provider %d and %d, "
			   "SetLamp %d of %d (lost %d)", bare.n_all, key.n_all, bare_hook.n_all,
			   hook.n_all, burst.n_all, n_lamp, n, lost);
	tap(&c, "latency: %d samples each: bare hidraw, provider input, SetLamp output (printed, "
	    "not judged)", n);
	return n_failed ? 1 : 0;
}
