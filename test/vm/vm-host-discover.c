/* vm-host discover: see vm-host.c. */
#include "vm-host.h"

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

int cmd_discover(void)
{
	struct check c = { 0 };
	LONG rc = start_provider();
	int want = count_standing_phones();

	if (getenv("HIDPHONE_DEVICES"))
		check_fail(&c, "HIDPHONE_DEVICES is set");
	if (rc)
		check_fail(&c, "providerEnumDevices/Init: %#x", (unsigned)rc);
	if (!rc && (int)H->num_phones != want)
		check_fail(&c, "%u phones, want %d", H->num_phones, want);
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

