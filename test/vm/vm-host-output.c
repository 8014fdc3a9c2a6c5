/* vm-host output: see vm-host.c. */
#include "vm-host.h"

/* --- output -------------------------------------------------------------------------- */

struct request {
	const char *what;
	int kind;               /* 0 SetLamp, 1 SetRing, 2 SetHookSwitch */
	DWORD a, b;
	unsigned bits;          /* expected bits: 1 mute, 2 ring LED, 4 ringer, 8 off-hook */
};

enum { B_MUTE = 1, B_RING = 2, B_RINGER = 4, B_OFFHOOK = 8 };

DRV_REQUESTID next_request = 1000;

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
	    host_find(H, 0, is_completion, &id, 3000) < 0)
		check_fail(&c, "SetLamp(WINK) not accepted and completed");
	usleep(2700 * 1000);
	off_id = ++next_request;
	if (H->phoneSetLamp(off_id, p->hd, lamp, PHONELAMPMODE_OFF) != (LONG)off_id ||
	    host_find(H, 0, is_completion, &off_id, 3000) < 0)
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
		else if (host_find(H, 0, is_completion, &id, 3000) < 0)
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
			int n = (int)host_completions(H, id, &result);
			if (rc == (LONG)id && (n != 1 || result != 0))
				check_fail(&c, "%d completions, last result %#x (want exactly one, 0)", n,
					   (unsigned)result);
		}
		tap(&c, "output: %s: %s (lamp id %u, hook dev %#x) puts %s on the wire, completes once "
		    "with 0", f->name, q->what, lamp, dev, hex(want.b, want.len));
	}
	run_cadence(p, g, lamp, lamps[lamp], v_mute, rid);
}

int cmd_output(void)
{
	if (!provider_up("output"))
		return 1;
	each_standing_phone("output", 0x6000, 0x00ffffff, 0, 0, 0, run_output);
	stop_provider();
	return n_failed ? 1 : 0;
}

