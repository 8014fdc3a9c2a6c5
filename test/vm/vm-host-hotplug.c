/* vm-host hotplug: see vm-host.c. */
#include "vm-host.h"

/* --- hotplug ------------------------------------------------------------------------- */

#define PROC_FDS_KEPT 64

struct procstat {
	long rss_kb, threads;
	int fds;
	size_t heap;             /* malloc'd bytes in use, every arena (mallinfo2) */
	char fd[PROC_FDS_KEPT][80];   /* "N -> target" of the first fds, to name a leak */
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
	while (d && (e = readdir(d))) {
		char path[300], target[64];
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		if (s->fds < PROC_FDS_KEPT) {
			snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
			n = readlink(path, target, sizeof(target) - 1);
			target[n > 0 ? n : 0] = '\0';
			snprintf(s->fd[s->fds], sizeof(s->fd[0]), "%.12s -> %.63s", e->d_name,
				 target);
		}
		s->fds++;
	}
	if (d) {
		closedir(d);
		s->fds--; /* the directory itself */
	}
	{
		struct mallinfo2 mi = mallinfo2();
		s->heap = mi.uordblks + mi.hblkhd;
	}
}

/*
 * procstat() once the provider is at rest: when three samples 20 ms apart (at most a
 * second of them) agree on the number of descriptors. Around an open or a close some come
 * a moment after the host's event (a closed open's transport is closed by the writer after
 * its last write; a mixer is watched from the loop), and a single snapshot caught that
 * moment at times (16 descriptors after cycle 1 once, 17 otherwise).
 */
static void procstat_settled(struct procstat *s)
{
	int same = 0;

	procstat(s);
	for (int i = 0; i < 50 && same < 2; i++) {
		int fds = s->fds;

		usleep(20 * 1000);
		procstat(s);
		same = s->fds == fds ? same + 1 : 0;
	}
}

struct match {
	bool enumerated;          /* to the enumeration's PHONEEVENT, else to an open phone's */
	DWORD msg;
	bool any_ht;
	HTAPIPHONE ht;
	bool any_p1;
	DWORD_PTR p1;
};

static bool is_match(const struct host_event *e, const void *arg)
{
	const struct match *m = arg;
	return (m->enumerated ? e->enumerated : from_open_phone(e)) && e->msg == m->msg && (m->any_ht || e->ht == m->ht) &&
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

/* The longest wait for a cycle's completions after its last request. */
static int64_t completion_wait_max;

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
	struct match m = { true, PHONE_CREATE, false, NULL, true, 0 };
	long idx = host_find(H, from, is_match, &m, (int)ms);
	struct host_event e;
	LONG rc;

	if (idx < 0) {
		check_fail(c, "no PHONE_CREATE within %ld ms", ms);
		return false;
	}
	e = host_event_at(H, (size_t)idx);
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

int cmd_hotplug(void)
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
	next_id = ID_BASE + H->num_phones;
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
		size_t from = host_n_events(H);
		DWORD id;
		struct caps caps;
		int opened = 0;

		if (ctrl) {
			snprintf(cmd, sizeof(cmd), "gadget.sh remove %s", ctrl->name);
			if (system(cmd) != 0)
				check_fail(&c, "%s failed", cmd);
			usleep(500 * 1000);
			for (size_t i = from; i < host_n_events(H); i++) {
				struct host_event e = host_event_at(H, i);
				check_fail(&c, "unplugging %s (not a phone) gave %s", ctrl->name, ev_text(&e));
			}
		}
		from = host_n_events(H);
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
	lamp_id = first_steady_lamp(p);

	t_start = e2e_now_us();
	for (int cycle = 1; cycle <= cycles; cycle++) {
		struct check cc = { 0 };
		size_t from;
		pthread_t th;
		bool hammering = false;
		long i_close, i_remove;
		struct match m_close = { false, PHONE_CLOSE, false, p->ht, true, 0 };
		struct match m_remove = { true, PHONE_REMOVE, false, NULL, false, p->id };
		DWORD old_id = p->id;
		HDRVPHONE old_hd = p->hd;
		struct caps caps;
		bool reopened = false;

		if (cycle == 2)
			procstat_settled(&base);
		host_clear(H);
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
		i_close = host_find(H, from, is_match, &m_close, 5000);
		i_remove = host_find(H, from, is_match, &m_remove, 5000);
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
			/*
			 * Completions come from the provider's I/O loop once it has written (or
			 * given up on) each request: wait for all of them, up to 5 s.
			 */
			{
				int64_t t0 = e2e_now_us(), until = t0 + 5000 * 1000;
				int k = 0;

				while (k < hm.n_acc && e2e_now_us() < until) {
					LONG res;

					if (host_completions(H, hm.accepted[k], &res) > 0)
						k++;
					else
						usleep(1000);
				}
				usleep(20 * 1000);   /* a second completion would show by now */
				if (e2e_now_us() - t0 > completion_wait_max)
					completion_wait_max = e2e_now_us() - t0;
			}
			for (int k = 0; k < hm.n_acc; k++) {
				LONG res = 0;
				int n = (int)host_completions(H, hm.accepted[k], &res);
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
			if (hm.rejected && host_completions(H, hm.rejected, NULL)) {
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
		from = host_n_events(H);
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
	procstat_settled(&end);

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
	diag("hotplug: the last completions of a cycle came at most %.1f ms after its last request",
	     (double)completion_wait_max / 1000.0);
	diag("hotplug: %d cycles in %.1f s (%.0f ms each)", n_cycles, (double)t_cycles / 1e6,
	     n_cycles ? (double)t_cycles / 1e3 / n_cycles : 0.0);
	diag("hotplug: after cycle 1: VmRSS %ld KiB, heap in use %zu KiB, %d fds, %ld threads; "
	     "after cycle %d: VmRSS %ld KiB, heap in use %zu KiB, %d fds, %ld threads", base.rss_kb,
	     base.heap / 1024, base.fds, base.threads, n_cycles, end.rss_kb, end.heap / 1024, end.fds,
	     end.threads);
	if (n_cycles > 1) {
		long slack = 1024;
		long heap_kb = ((long)end.heap - (long)base.heap) / 1024;

		if (end.fds > base.fds) {
			check_fail(&c, "open fds %d -> %d", base.fds, end.fds);
			/* Which: the descriptors open at the end that were not at the start. */
			for (int i = 0; i < end.fds && i < PROC_FDS_KEPT; i++) {
				bool seen = false;

				for (int k = 0; k < base.fds && k < PROC_FDS_KEPT && !seen; k++)
					seen = strcmp(end.fd[i], base.fd[k]) == 0;
				if (!seen)
					diag("hotplug: open at the end, not after cycle 1: %s", end.fd[i]);
			}
		}
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

