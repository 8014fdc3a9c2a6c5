/* vm-host input: see vm-host.c. */
#include "vm-host.h"

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

static bool match_events(const struct want *w, int n_want, const struct host_event *got, int n_got,
			 HTAPIPHONE ht, struct check *c)
{
	int bad = c->bad;

	for (int i = 0; i < n_want || i < n_got; i++) {
		const struct want *x = i < n_want ? &w[i] : NULL;
		const struct host_event *e = i < n_got ? &got[i] : NULL;
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
	struct host_event got[64];
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

	first_ev = host_n_events(H);
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
			size_t count = host_n_events(H);
			for (size_t i = first_ev; i < count; i++) {
				struct host_event e = host_event_at(H, i);
				n += from_open_phone(&e);
			}
			if (n >= s.n_want || e2e_now_us() >= deadline)
				break;
			host_wait(H, count + 1, 50);
		}
		usleep(200 * 1000);
	}
	for (size_t i = first_ev, count = host_n_events(H); i < count && n_got < 64; i++) {
		struct host_event e = host_event_at(H, i);
		if (from_open_phone(&e) && (e.msg == PHONE_STATE || e.msg == PHONE_BUTTON))
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

int cmd_input(void)
{
	struct check c = { 0 };

	if (!provider_up("input"))
		return 1;
	/* 100 ms: a stale report from an earlier step goes by before the filter matters. */
	each_standing_phone("input", 0x5000, ALL_HOOK_STATES,
			    PHONEBUTTONMODE_KEYPAD | PHONEBUTTONMODE_FEATURE | PHONEBUTTONMODE_CALL,
			    PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP, 100, run_input);
	if (H->concurrent)
		check_fail(&c, "%u callbacks overlapped", H->concurrent);
	tap(&c, "input: callbacks never overlapped");
	stop_provider();
	return n_failed ? 1 : 0;
}
