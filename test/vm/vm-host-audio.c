/* vm-host audio: a composite phone's sound card through hidphone.tsp (step 90).
 *
 *   vm-host audio NODE CARD VOLUME_CTL GAIN_CTL GADGET PORT HIDG
 *
 * The phone at hidraw NODE, whose card is CARD (the simple controls VOLUME_CTL and GAIN_CTL,
 * as amixer names them), opened through the provider with every PHONE_STATE asked for:
 * amixer changes → PHONE_STATE volume/gain (only when the value changed), the provider's
 * own phoneSetVolume → one PHONE_STATE, hookswitch MIC/SPEAKER/ONHOOK → the card's mute
 * switches, the card unbound and bound again while A stays open (its mixer watched again
 * when it comes back), then ringing through the speaker (a profile with AttrRinger=audio,
 * as the fixture has a Telephony Ringer) and `gadget-audio.sh unplug GADGET PORT` mid-ring: the
 * forced close comes, nothing hangs and no descriptor is left open. HIDG, the gadget's
 * /dev/hidgN, is drained meanwhile: f_hid takes no further output report until the one it
 * holds is read, and usbhid would wait 5 s for each (the hook's Off-Hook LED, the ringer).
 *
 * The ring is never stopped while the device is there: usbip-vudc does not complete
 * isochronous transfers, and stopping a running stream on it blocks in usb_kill_urb
 * (vm-e2e.md §10); the unplug is what ends it, as it would for a real headset pulled out.
 */
#include "vm-host.h"

#define HT_AUDIO ((HTAPIPHONE)(uintptr_t)0xa0d10)

static volatile bool drain_stop;

static void *drain(void *arg)
{
	int fd = *(int *)arg;
	uint8_t buf[512];

	while (!drain_stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 100) > 0 && read(fd, buf, sizeof(buf)) < 0 && errno != EAGAIN)
			usleep(100 * 1000);
	}
	return NULL;
}

/* Runs a shell command; its status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Whether amixer says the simple control's switch in that direction is off (muted). */
static int muted(int card, const char *ctl, bool capture)
{
	char cmd[256], line[256];
	int off = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "amixer -c %d sget '%s' 2>/dev/null", card, ctl);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		/* "  Mono: Playback 80 [80%] [-20.00dB] [on]" / "Capture ... [off]" */
		if (!strstr(line, capture ? "Capture" : "Playback") || !strchr(line, ':') ||
		    strstr(line, "Capabilities") || strstr(line, "channels") ||
		    strstr(line, "Limits"))
			continue;
		if (strstr(line, "[off]"))
			off = 1;
		else if (strstr(line, "[on]") && off < 0)
			off = 0;
	}
	pclose(p);
	return off;
}

struct state_arg {
	DWORD state;
};

static bool is_state(const struct host_event *e, const void *arg)
{
	const struct state_arg *a = arg;

	return from_open_phone(e) && e->msg == PHONE_STATE && e->p1 == a->state;
}

static bool is_close(const struct host_event *e, const void *arg)
{
	(void)arg;
	return from_open_phone(e) && e->msg == PHONE_CLOSE;
}

/* The PHONE_STATE events of state from index from on, after waiting ms. */
static int states_after(size_t from, DWORD state, long ms, DWORD_PTR *last)
{
	struct state_arg a = { state };
	int n = 0;
	long i;

	if (ms)
		usleep((useconds_t)ms * 1000);
	while ((i = host_find(H, from, is_state, &a, 0)) >= 0) {
		*last = host_event_at(H, (size_t)i).p2;
		from = (size_t)i + 1;
		n++;
	}
	return n;
}

/* amixer sets the card's ctl to value: whether a PHONE_STATE state (HEADSETVOLUME or
 * HEADSETGAIN) comes within 3 s with the value phoneGetVolume or phoneGetGain reads then
 * (in *v). */
static bool amixer_state(const struct phone *ph, int card, const char *ctl, const char *value,
			 DWORD state, DWORD *v)
{
	size_t mark = host_n_events(H);
	struct state_arg a = { state };
	long i;

	sh("amixer -q -c %d sset '%s' %s", card, ctl, value);
	i = host_find(H, mark, is_state, &a, 3000);
	if (state == PHONESTATE_HEADSETGAIN)
		H->phoneGetGain(ph->hd, PHONEHOOKSWITCHDEV_HEADSET, v);
	else
		H->phoneGetVolume(ph->hd, PHONEHOOKSWITCHDEV_HEADSET, v);
	return i >= 0 && host_event_at(H, (size_t)i).p2 == *v;
}

static LONG wait_done(DRV_REQUESTID req)
{
	long i = host_find(H, 0, is_completion, &req, 5000);

	return i < 0 ? 1 : host_event_at(H, (size_t)i).result;
}

int cmd_audio(int argc, char **argv)
{
	const char *node, *vctl, *gctl, *gadget;
	struct check c = { 0 };
	char profiles[] = "/tmp/vm-host-profiles-XXXXXX", path[300];
	struct phone ph = { 0 };
	int card, port, fds0, fds1, hidg;
	pthread_t drainer;
	DWORD v = 0, devs = 0;
	DWORD_PTR last = 0;
	size_t mark;
	FILE *f;

	if (argc != 9) {
		fputs("usage: vm-host audio NODE CARD VOLUME_CTL GAIN_CTL GADGET PORT HIDG\n", stderr);
		return 2;
	}
	node = argv[2];
	card = atoi(argv[3]);
	vctl = argv[4];
	gctl = argv[5];
	gadget = argv[6];
	port = atoi(argv[7]);
	hidg = open(argv[8], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (hidg < 0 || pthread_create(&drainer, NULL, drain, &hidg) != 0) {
		fprintf(stderr, "vm-host: %s: %s\n", argv[8], strerror(errno));
		return 2;
	}

	/* The fixture has a Telephony Ringer: a profile makes it ring through its card. */
	if (!mkdtemp(profiles))
		return 2;
	snprintf(path, sizeof(path), "%s/90-ring-audio.phone", profiles);
	f = fopen(path, "w");
	if (!f)
		return 2;
	fprintf(f, "[ring through the sound card]\nMatchBus=usb\nAttrRinger=audio\n");
	fclose(f);
	setenv("HIDPHONE_PROFILES", profiles, 1);
	if (!provider_up("audio"))
		return 1;
	for (DWORD i = 0; i < H->num_phones; i++) {
		get_caps(ID_BASE + i, &ph.caps);
		if (!ph.caps.rc && strstr(ph.caps.info, node)) {
			ph.id = ID_BASE + i;
			break;
		}
	}
	if (!ph.id) {
		check_fail(&c, "no phone with %s in its PhoneInfo", node);
		tap(&c, "audio: the provider lists %s", node);
		stop_provider();
		return 1;
	}
	{
		PHONECAPS *k = &ph.caps.u.c;
		DWORD vs = PHONESTATE_HEADSETVOLUME | PHONESTATE_HEADSETGAIN;
		DWORD modes = PHONEHOOKSWITCHMODE_ONHOOK | PHONEHOOKSWITCHMODE_MIC |
			      PHONEHOOKSWITCHMODE_SPEAKER | PHONEHOOKSWITCHMODE_MICSPEAKER;

		if (k->dwVolumeFlags != PHONEHOOKSWITCHDEV_HEADSET ||
		    k->dwGainFlags != PHONEHOOKSWITCHDEV_HEADSET)
			check_fail(&c, "volume flags %#x, gain flags %#x", (unsigned)k->dwVolumeFlags,
				   (unsigned)k->dwGainFlags);
		if ((k->dwPhoneStates & vs) != vs)
			check_fail(&c, "phone states %#x", (unsigned)k->dwPhoneStates);
		if (k->dwHeadsetHookSwitchModes != modes || k->dwSettableHeadsetHookSwitchModes != modes)
			check_fail(&c, "headset modes %#x, settable %#x",
				   (unsigned)k->dwHeadsetHookSwitchModes,
				   (unsigned)k->dwSettableHeadsetHookSwitchModes);
		if (k->dwNumRingModes != 3)
			check_fail(&c, "%u ring modes", (unsigned)k->dwNumRingModes);
		tap(&c, "audio: PHONECAPS of %s (phone %u): HEADSET volume and gain, their PHONE_STATEs, "
		    "hookswitch MIC and SPEAKER, 3 ring modes through the card", node, (unsigned)ph.id);
	}
	fds0 = e2e_open_fds();
	if (open_phone(&ph, HT_AUDIO) || H->phoneSetStatusMessages(ph.hd, 0x00ffffffu, 0, 0)) {
		check_fail(&c, "phoneOpen or phoneSetStatusMessages failed");
		tap(&c, "audio: %s opened", node);
		stop_provider();
		return 1;
	}
	usleep(300 * 1000);   /* the loop attaches the mixer */

	/* A change made elsewhere: one PHONE_STATE with the new value. */
	mark = host_n_events(H);
	sh("amixer -q -c %d sset '%s' 30%% unmute", card, vctl);
	{
		struct state_arg a = { PHONESTATE_HEADSETVOLUME };
		long i = host_find(H, mark, is_state, &a, 3000);
		int n = states_after(mark, PHONESTATE_HEADSETVOLUME, 300, &last);

		H->phoneGetVolume(ph.hd, PHONEHOOKSWITCHDEV_HEADSET, &v);
		if (i < 0 || n != 1 || last != v)
			check_fail(&c, "%d PHONE_STATE HEADSETVOLUME (last %#lx), phoneGetVolume %#x", n,
				   (unsigned long)last, (unsigned)v);
		diag("amixer 30%% → PHONE_STATE HEADSETVOLUME %#lx, %d of them", (unsigned long)last, n);
		tap(&c, "audio: amixer sets '%s' to 30%% → one PHONE_STATE HEADSETVOLUME with the value "
		    "phoneGetVolume reads", vctl);
	}
	mark = host_n_events(H);
	sh("amixer -q -c %d sset '%s' 30%%", card, vctl);
	if (states_after(mark, PHONESTATE_HEADSETVOLUME, 700, &last) != 0)
		check_fail(&c, "a PHONE_STATE came for a value that did not change");
	tap(&c, "audio: amixer sets '%s' to 30%% again → no PHONE_STATE", vctl);

	if (!amixer_state(&ph, card, gctl, "70%", PHONESTATE_HEADSETGAIN, &v))
		check_fail(&c, "no PHONE_STATE HEADSETGAIN with %#x", (unsigned)v);
	tap(&c, "audio: amixer sets '%s' to 70%% → PHONE_STATE HEADSETGAIN %#x", gctl, (unsigned)v);

	/* The provider's own set: one PHONE_STATE, before the completion; the card has it. */
	mark = host_n_events(H);
	{
		DRV_REQUESTID req = 9001;
		struct state_arg a = { PHONESTATE_HEADSETVOLUME };
		long i, done;
		int n;

		if (H->phoneSetVolume(req, ph.hd, PHONEHOOKSWITCHDEV_HEADSET, 0xC000) != (LONG)req ||
		    wait_done(req) != 0)
			check_fail(&c, "phoneSetVolume did not complete with success");
		i = host_find(H, mark, is_state, &a, 0);
		done = host_find(H, mark, is_completion, &req, 0);
		n = states_after(mark, PHONESTATE_HEADSETVOLUME, 700, &last);
		H->phoneGetVolume(ph.hd, PHONEHOOKSWITCHDEV_HEADSET, &v);
		if (i < 0 || done < 0 || i > done || n != 1 || last != v)
			check_fail(&c, "PHONE_STATE at %ld, completion at %ld, %d states, last %#lx, "
				   "volume %#x", i, done, n, (unsigned long)last, (unsigned)v);
		if (v < 0xBC00 || v > 0xC400)
			check_fail(&c, "volume reads %#x", (unsigned)v);
		tap(&c, "audio: phoneSetVolume 0xC000 → one PHONE_STATE HEADSETVOLUME (%#x) before its "
		    "completion, no echo from the mixer", (unsigned)v);
	}

	/* The hook switch's modes on the card's mutes. */
	{
		static const struct {
			DWORD mode;
			const char *name;
			int out_muted, in_muted;
		} steps[] = {
			{ PHONEHOOKSWITCHMODE_MIC, "MIC", 1, 0 },
			{ PHONEHOOKSWITCHMODE_SPEAKER, "SPEAKER", 0, 1 },
			{ PHONEHOOKSWITCHMODE_MICSPEAKER, "MICSPEAKER", 0, 0 },
		};
		int out0, in0;

		/* what the card had before: the playback muted here */
		sh("amixer -q -c %d sset '%s' mute", card, vctl);
		sh("amixer -q -c %d sset '%s' cap", card, gctl);
		usleep(200 * 1000);
		out0 = muted(card, vctl, false);
		in0 = muted(card, gctl, true);
		for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
			DRV_REQUESTID req = 9100 + (DRV_REQUESTID)s;
			union {
				PHONESTATUS st;
				uint8_t raw[4096];
			} u;
			struct state_arg a = { PHONESTATE_HEADSETHOOKSWITCH };
			long i;
			int o, in;

			mark = host_n_events(H);
			if (H->phoneSetHookSwitch(req, ph.hd, PHONEHOOKSWITCHDEV_HEADSET,
						  steps[s].mode) != (LONG)req || wait_done(req) != 0)
				check_fail(&c, "phoneSetHookSwitch %s failed", steps[s].name);
			usleep(200 * 1000);
			o = muted(card, vctl, false);
			in = muted(card, gctl, true);
			i = host_find(H, mark, is_state, &a, 0);
			memset(&u, 0, sizeof(u));
			u.st.dwTotalSize = sizeof(u);
			H->phoneGetStatus(ph.hd, &u.st);
			H->phoneGetHookSwitch(ph.hd, &devs);
			if (o != steps[s].out_muted || in != steps[s].in_muted)
				check_fail(&c, "playback %s, capture %s", o ? "muted" : "on",
					   in ? "muted" : "on");
			if (i < 0 || host_event_at(H, (size_t)i).p2 != steps[s].mode)
				check_fail(&c, "no PHONE_STATE HEADSETHOOKSWITCH %s", steps[s].name);
			if (u.st.dwHeadsetHookSwitchMode != steps[s].mode ||
			    devs != PHONEHOOKSWITCHDEV_HEADSET)
				check_fail(&c, "PHONESTATUS mode %#x, phoneGetHookSwitch %#x",
					   (unsigned)u.st.dwHeadsetHookSwitchMode, (unsigned)devs);
			tap(&c, "audio: phoneSetHookSwitch HEADSET %s → playback %s, capture %s on the "
			    "card; PHONE_STATE, PHONESTATUS and phoneGetHookSwitch say so", steps[s].name,
			    steps[s].out_muted ? "muted" : "on", steps[s].in_muted ? "muted" : "on");
		}
		{
			DRV_REQUESTID req = 9199;

			if (H->phoneSetHookSwitch(req, ph.hd, PHONEHOOKSWITCHDEV_HEADSET,
						  PHONEHOOKSWITCHMODE_ONHOOK) != (LONG)req ||
			    wait_done(req) != 0)
				check_fail(&c, "phoneSetHookSwitch ONHOOK failed");
			usleep(200 * 1000);
			if (muted(card, vctl, false) != 1 || muted(card, gctl, true) != 1)
				check_fail(&c, "playback %d capture %d after ONHOOK, not both muted",
					   muted(card, vctl, false), muted(card, gctl, true));
			tap(&c, "audio: phoneSetHookSwitch HEADSET ONHOOK → playback and capture muted "
			    "on the card");
			/* the close gives back the mutes the application's modes found */
			H->phoneClose(ph.hd);
			usleep(300 * 1000);
			if (muted(card, vctl, false) != out0 || muted(card, gctl, true) != in0)
				check_fail(&c, "playback %d capture %d after the close, before %d %d",
					   muted(card, vctl, false), muted(card, gctl, true), out0, in0);
			if (open_phone(&ph, HT_AUDIO) ||
			    H->phoneSetStatusMessages(ph.hd, 0x00ffffffu, 0, 0))
				check_fail(&c, "phoneOpen again failed");
			tap(&c, "audio: phoneClose → the mutes as they were before the modes (playback "
			    "muted, capture on); opened again");
		}
		sh("amixer -q -c %d sset '%s' unmute", card, vctl);
	}

	/*
	 * The card goes while the phone stays (snd-usb-audio unbound from A's audio
	 * interfaces) and comes back: the audio calls fail meanwhile and the rest works; when
	 * the card is registered again the open phone's mixer is watched again.
	 */
	{
		DWORD hook = 0, newcard = 0;
		LONG r;

		sh("d=$(readlink -f /sys/class/hidraw/%s); d=${d%%/*/*/*/*}; u=${d##*/}; "
		   "for i in /sys/bus/usb/drivers/snd-usb-audio/$u:*; do [ -e \"$i\" ] && "
		   "echo ${i##*/} >>/tmp/vm-host-unbound && "
		   "echo ${i##*/} >/sys/bus/usb/drivers/snd-usb-audio/unbind; done",
		   strrchr(node, '/') + 1);
		snprintf(path, sizeof(path), "/proc/asound/card%d", card);
		for (int i = 0; i < 100 && access(path, F_OK) == 0; i++)
			usleep(20 * 1000);
		if (access(path, F_OK) == 0)
			check_fail(&c, "card %d still there after the unbind", card);
		usleep(300 * 1000);
		r = H->phoneGetVolume(ph.hd, PHONEHOOKSWITCHDEV_HEADSET, &v);
		if (r != PHONEERR_OPERATIONFAILED)
			check_fail(&c, "phoneGetVolume without the card: %#x", (unsigned)r);
		if (H->phoneGetHookSwitch(ph.hd, &hook) != 0)
			check_fail(&c, "phoneGetHookSwitch failed without the card");
		tap(&c, "audio: the card unbound while A stays open: phoneGetVolume "
		    "PHONEERR_OPERATIONFAILED, the hook switch still answers");

		sh("while read -r i; do echo $i >/sys/bus/usb/drivers/snd-usb-audio/bind; "
		   "done </tmp/vm-host-unbound 2>/dev/null; rm -f /tmp/vm-host-unbound");
		for (int i = 0; i < 100; i++) {
			union {
				VARSTRING vs;
				uint8_t raw[256];
			} u;
			static const WCHAR cls[] = { 'w', 'a', 'v', 'e', '/', 'o', 'u', 't', 0 };

			memset(&u, 0, sizeof(u));
			u.vs.dwTotalSize = sizeof(u);
			if (H->phoneGetID(ph.hd, &u.vs, cls, NULL) == 0 && u.vs.dwStringSize == 4) {
				memcpy(&newcard, u.raw + u.vs.dwStringOffset, 4);
				break;
			}
			usleep(50 * 1000);
		}
		if (!newcard)
			check_fail(&c, "wave/out does not answer after the bind");
		card = (int)newcard;
		usleep(500 * 1000);   /* the udev event, then the loop attaches the mixer */
		if (!amixer_state(&ph, card, vctl, "40%", PHONESTATE_HEADSETVOLUME, &v))
			check_fail(&c, "no PHONE_STATE HEADSETVOLUME %#x after the card came back",
				   (unsigned)v);
		tap(&c, "audio: the card bound again (card %d): the open phone's mixer is watched "
		    "again (amixer 40%% → PHONE_STATE HEADSETVOLUME)", card);
	}

	/* Ringing through the speaker, then the phone pulled out mid-ring. */
	{
		DRV_REQUESTID req = 9200;
		DWORD mode = 0, vol = 0;
		int64_t t0;
		long i;

		if (H->phoneSetRing(req, ph.hd, 2, 0x8000) != (LONG)req || wait_done(req) != 0)
			check_fail(&c, "phoneSetRing 2 did not complete with success");
		H->phoneGetRing(ph.hd, &mode, &vol);
		if (mode != 2 || vol != 0x8000)
			check_fail(&c, "phoneGetRing: mode %u volume %#x", (unsigned)mode, (unsigned)vol);
		tap(&c, "audio: phoneSetRing 2 rings on the card's playback PCM (completed: success)");
		usleep(500 * 1000);
		mark = host_n_events(H);
		t0 = e2e_now_us();
		if (sh("gadget-audio.sh unplug '%s' %d", gadget, port) != 0)
			check_fail(&c, "gadget-audio.sh unplug failed");
		i = host_find(H, mark, is_close, NULL, 10000);
		if (i < 0)
			check_fail(&c, "no PHONE_CLOSE within 10 s");
		else
			diag("PHONE_CLOSE %.0f ms after the unplug began",
			     (double)((int64_t)host_event_at(H, (size_t)i).usec - t0) / 1000.0);
		tap(&c, "audio: unplugged mid-ring: PHONE_CLOSE, the ring and the mixer watch end");
	}
	usleep(300 * 1000);
	fds1 = e2e_open_fds();
	if (fds1 != fds0)
		check_fail(&c, "%d descriptors before the open, %d after the forced close", fds0,
			   fds1);
	tap(&c, "audio: no descriptor of the open left (%d before it, %d after the forced close)",
	    fds0, fds1);
	stop_provider();
	drain_stop = true;
	pthread_join(drainer, NULL);
	close(hidg);
	snprintf(path, sizeof(path), "%s/90-ring-audio.phone", profiles);
	unlink(path);
	rmdir(profiles);
	return n_failed ? 1 : 0;
}
