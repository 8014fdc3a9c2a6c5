/*
 * The phone's audio: its device classes (wave/in, wave/out, alsa/in, alsa/out), volume and
 * gain, the hook switch's mutes, changes made elsewhere, and ringing through the speaker.
 *
 * Every answer reads sysfs afresh through devices/audio-card: a card that snd-usb-audio
 * registers after the HID interface is answered from the moment it exists, one that went
 * away is no longer, and the classes listed in the caps are exactly those that answer.
 *
 * While a phone is open, the loop thread owns its struct phone_audio: the card's mixer with
 * its poll descriptors watched by the loop (changes made elsewhere become PHONE_STATE), and
 * the ring's PCM, fed from its poll descriptors. An open phone whose card is not there (yet,
 * or any more) waits for one on a udev monitor of the sound subsystem, which runs only while
 * some open phone is waiting.
 */
#include <errno.h>
#include <libudev.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "devices/audio-card.h"
#include "devices/audio-mixer.h"
#include "devices/audio-ring.h"
#include "hid/hot-path.h"
#include "loop/event-loop.h"
#include "dispatch.h"
#include "errors.h"
#include "line.h"
#include "log.h"
#include "phone-audio.h"
#include "phone-io.h"

#define MAX_FDS 4

static const char *const audio_classes[] = { "wave/in", "wave/out", "alsa/in", "alsa/out" };

/* The sysfs root the association reads: HIDPHONE_SYSFS, as phonectl reads it (tests point
 * it at a directory tree), else /sys. */
static const char *sysfs_root(void)
{
	const char *r = getenv("HIDPHONE_SYSFS");

	return r && r[0] ? r : NULL;
}

/* What stands for the phone's USB device in sysfs: its hidraw node, or for a phone spoken
 * to over libusb (a CM109-family sound card) its "usb:BUS:ADDR:IF" path. A replayed phone
 * has neither; with HIDPHONE_REPLAY_HIDRAW (a hidraw name or a usb: path) it stands in for
 * that phone of the HIDPHONE_SYSFS tree, which is how the provider tests give a replayed
 * phone a card. */
static const char *phone_node(const struct phone *p)
{
	const char *n;

	if (strncmp(p->info.path, "/dev/", 5) == 0 || strncmp(p->info.path, "usb:", 4) == 0)
		return p->info.path;
	n = getenv("HIDPHONE_REPLAY_HIDRAW");
	return p->replay && n && n[0] ? n : NULL;
}

static int phone_card(const struct phone *p, struct audio_card *c)
{
	const char *node = phone_node(p);

	return node ? audio_card_find(sysfs_root(), node, c) : -ENOENT;
}

/* Index into audio_classes, -1 if cls is none of them. */
static int audio_class(LPCWSTR cls)
{
	for (int i = 0; i < 4; i++)
		if (tsp_class_is(cls, audio_classes[i]))
			return i;
	return -1;
}

static int class_value(const struct audio_card *c, int cls, uint32_t *id, char *name,
		       size_t size)
{
	enum audio_dir dir = (cls & 1) ? AUDIO_OUT : AUDIO_IN;

	if (cls < 2)
		return audio_card_wave_id(c, dir, id);
	return audio_card_pcm_name(c, dir, name, size);
}

int tsp_audio_get_id(const struct phone *p, LPCWSTR cls, LPVARSTRING vs)
{
	int which = audio_class(cls);
	struct audio_card c;
	char name[128];
	uint32_t id = 0;
	uint32_t len;
	int rc;

	if (which < 0)
		return -EINVAL;
	rc = phone_card(p, &c);
	if (rc < 0)
		return -ENOENT;
	rc = class_value(&c, which, &id, name, sizeof(name));
	if (rc < 0)
		return -ENOENT;
	if (vs->dwTotalSize < VARSTRING_SIZE)
		return -ENOSPC;
	if (which < 2)
		return tsp_varstring_id(vs, id) ? -ENOSPC : 0;
	len = (uint32_t)strlen(name) + 1;
	vs->dwNeededSize = VARSTRING_SIZE + len;
	vs->dwStringFormat = STRINGFORMAT_ASCII;
	if (vs->dwTotalSize < vs->dwNeededSize) {
		vs->dwUsedSize = VARSTRING_SIZE;
		vs->dwStringSize = vs->dwStringOffset = 0;
		return 0;
	}
	memcpy((uint8_t *)vs + VARSTRING_SIZE, name, len);
	vs->dwStringSize = len;
	vs->dwStringOffset = VARSTRING_SIZE;
	vs->dwUsedSize = vs->dwNeededSize;
	return 0;
}

void tsp_audio_pcm_names(const struct phone *p, char *out, size_t out_size, char *in,
			 size_t in_size)
{
	struct audio_card c;

	out[0] = in[0] = '\0';
	if (phone_card(p, &c) < 0)
		return;
	if (audio_card_pcm_name(&c, AUDIO_OUT, out, out_size) < 0)
		out[0] = '\0';
	if (audio_card_pcm_name(&c, AUDIO_IN, in, in_size) < 0)
		in[0] = '\0';
}

void tsp_audio_add_classes(const struct phone *p, const char *const *first, struct varstruct *vs,
			   DWORD *size, DWORD *off)
{
	uint16_t buf[256];
	struct audio_card c;
	size_t n = 0;
	bool card = p && phone_card(p, &c) == 0;

	for (size_t i = 0; first[i]; i++) {
		n += utf8_to_utf16(first[i], buf + n, 32);
		buf[n++] = 0;
	}
	for (int i = 0; card && i < 4; i++) {
		char name[128];
		uint32_t id;

		if (class_value(&c, i, &id, name, sizeof(name)) < 0)
			continue;
		n += utf8_to_utf16(audio_classes[i], buf + n, 32);
		buf[n++] = 0;
	}
	buf[n++] = 0;
	varstruct_add(vs, buf, (uint32_t)(n * 2), size, off);
}

/* The hookswitch devices the phone has: they share the card's one volume and gain. */
static DWORD hook_devs(const struct phone *p)
{
	static const DWORD bits[PHONE_HOOK_DEVICES] = {
		[PHONE_HOOK_HANDSET] = PHONEHOOKSWITCHDEV_HANDSET,
		[PHONE_HOOK_SPEAKER] = PHONEHOOKSWITCHDEV_SPEAKER,
		[PHONE_HOOK_HEADSET] = PHONEHOOKSWITCHDEV_HEADSET,
	};
	DWORD devs = 0;

	for (int d = 0; d < PHONE_HOOK_DEVICES; d++)
		if (p->model->hooks[d].present)
			devs |= bits[d];
	return devs;
}

/* The card number of the phone, or the PHONEERR_ why there is none (lock held). */
static LONG level_card(struct phone *p, DWORD dev, int *card)
{
	struct audio_card c;

	if (dev != PHONEHOOKSWITCHDEV_HANDSET && dev != PHONEHOOKSWITCHDEV_SPEAKER &&
	    dev != PHONEHOOKSWITCHDEV_HEADSET)
		return PHONEERR_INVALHOOKSWITCHDEV;
	if (phone_card(p, &c) < 0)
		/* a card that was there and went is a failure, never having one is not */
		return p->audio_seen ? PHONEERR_OPERATIONFAILED : PHONEERR_OPERATIONUNAVAIL;
	p->audio_seen = true;
	if (!(hook_devs(p) & dev))
		return PHONEERR_INVALHOOKSWITCHDEV;
	*card = c.number;
	return 0;
}

static int mixer_get(int card, enum audio_control ctl, uint32_t *value)
{
	struct audio_mixer *m;
	int rc = audio_mixer_open(&m, card, NULL, NULL);

	if (rc < 0)
		return rc;
	rc = audio_mixer_get(m, ctl, value);
	audio_mixer_close(m);
	return rc;
}

LONG tsp_audio_level_get(struct phone *p, DWORD hookswitch_dev, bool gain, DWORD *value)
{
	uint32_t v = 0;
	int card = -1;
	LONG r = level_card(p, hookswitch_dev, &card);
	int rc;

	if (r)
		return r;
	rc = mixer_get(card, gain ? AUDIO_CTL_CAPTURE_VOLUME : AUDIO_CTL_PLAYBACK_VOLUME, &v);
	if (rc < 0)
		return tsp_phone_error(rc);
	*value = v;
	return 0;
}

/* --- the open phone's card on the loop thread ------------------------------------------ */

struct phone_audio;

/* One watched descriptor: which, of whom. */
struct audio_fd {
	struct phone_audio *pa;
	int fd;
	short events;
};

struct phone_audio {
	struct phone *phone;
	uint64_t handle;              /* the open this belongs to */
	int card;                     /* the card the mixer is of, -1 without */
	struct audio_mixer *mixer;
	struct audio_fd mixer_fds[MAX_FDS];
	int n_mixer_fds;
	struct audio_ring *ring;
	unsigned ring_mode;
	struct audio_fd ring_fds[MAX_FDS];
	int n_ring_fds;
	struct loop_timer ring_timer; /* a PCM whose descriptors epoll refuses */
	/* Under the provider lock: an application's hookswitch mode set the mutes. */
	bool app_mode;
	/* The mutes as they were before a hookswitch mode changed them (restored after). */
	bool saved;
	uint32_t saved_mute[2];       /* playback, capture */
	struct phone_audio *next_waiting;
	bool waiting;
};

/* Open phones waiting for their card, and the udev monitor that runs while there are any. */
static struct {
	struct phone_audio *waiting;
	struct udev *udev;
	struct udev_monitor *monitor;
} snd;

static void attach(struct phone_audio *pa);

/* Loop thread, lock held or not: whether the open pa belongs to still runs. */
static struct phone *live_phone(struct phone_audio *pa)
{
	struct phone *p = pa->phone;

	return p->handle == pa->handle && !p->closing ? p : NULL;
}

static const DWORD level_states[2][PHONE_HOOK_DEVICES] = {
	{ PHONESTATE_HANDSETVOLUME, PHONESTATE_SPEAKERVOLUME, PHONESTATE_HEADSETVOLUME },
	{ PHONESTATE_HANDSETGAIN, PHONESTATE_SPEAKERGAIN, PHONESTATE_HEADSETGAIN },
};

/* Lock held: PHONE_STATE for a volume or gain, once for each hookswitch device sharing it. */
static void report_level(struct phone *p, bool gain, uint32_t value)
{
	for (int d = 0; d < PHONE_HOOK_DEVICES; d++)
		if (p->model->hooks[d].present)
			tsp_phone_state(p, level_states[gain][d], value);
}

/* The mixer's change handler: a change made elsewhere (amixer, the desktop, the device). */
static void mixer_changed(void *arg, enum audio_control ctl, uint32_t value)
{
	struct phone_audio *pa = arg;
	struct phone *p;

	if (ctl != AUDIO_CTL_PLAYBACK_VOLUME && ctl != AUDIO_CTL_CAPTURE_VOLUME)
		return;
	pthread_mutex_lock(&tsp.lock);
	p = live_phone(pa);
	if (p)
		report_level(p, ctl == AUDIO_CTL_CAPTURE_VOLUME, value);
	pthread_mutex_unlock(&tsp.lock);
}

static void unwatch(struct audio_fd *fds, int *n)
{
	for (int i = 0; i < *n; i++)
		fd_close(fds[i].fd);
	*n = 0;
}

static void wait_stop(struct phone_audio *pa)
{
	struct phone_audio **pp;

	if (!pa->waiting)
		return;
	for (pp = &snd.waiting; *pp; pp = &(*pp)->next_waiting) {
		if (*pp == pa) {
			*pp = pa->next_waiting;
			break;
		}
	}
	pa->waiting = false;
	pa->next_waiting = NULL;
	if (snd.waiting || !snd.monitor)
		return;
	fd_close(udev_monitor_get_fd(snd.monitor));
	udev_monitor_unref(snd.monitor);
	snd.monitor = NULL;
	udev_unref(snd.udev);
	snd.udev = NULL;
}

/* Loop thread: a sound card came (or any change in the sound subsystem): try the waiting. */
static void sound_event(int flags, void *arg)
{
	struct udev_device *dev;
	const char *action;
	bool added;

	(void)flags;
	(void)arg;
	dev = udev_monitor_receive_device(snd.monitor);
	if (!dev)
		return;
	action = udev_device_get_action(dev);
	added = action && strcmp(action, "add") == 0;
	udev_device_unref(dev);
	if (!added)
		return;
	/* attach() takes pa off the list when it finds the card, which may stop the monitor. */
	for (struct phone_audio *pa = snd.waiting, *next; pa; pa = next) {
		next = pa->next_waiting;
		attach(pa);
	}
}

static void wait_start(struct phone_audio *pa)
{
	int err;

	if (pa->waiting)
		return;
	pa->next_waiting = snd.waiting;
	snd.waiting = pa;
	pa->waiting = true;
	if (snd.monitor)
		return;
	snd.udev = udev_new();
	/* "udev": after udevd applied the rules, so the control device is ours to open. */
	snd.monitor = snd.udev ? udev_monitor_new_from_netlink(snd.udev, "udev") : NULL;
	if (!snd.monitor ||
	    udev_monitor_filter_add_match_subsystem_devtype(snd.monitor, "sound", NULL) < 0 ||
	    udev_monitor_enable_receiving(snd.monitor) < 0 ||
	    (err = fd_listen(udev_monitor_get_fd(snd.monitor), FD_READ, sound_event, NULL))) {
		tsp_log(TSP_LOG_WARNING, "%s: cannot watch for its sound card to appear",
			pa->phone->source);
		udev_monitor_unref(snd.monitor);
		snd.monitor = NULL;
		udev_unref(snd.udev);
		snd.udev = NULL;
	}
}

static void mixer_readable(int flags, void *arg);

static void detach_mixer(struct phone_audio *pa)
{
	unwatch(pa->mixer_fds, &pa->n_mixer_fds);
	audio_mixer_close(pa->mixer);
	pa->mixer = NULL;
	pa->card = -1;
}

/*
 * Loop thread: opens the mixer of the phone's card and watches it; without a card (not
 * registered yet, or gone), waits for one.
 */
static void attach(struct phone_audio *pa)
{
	struct pollfd pfd[MAX_FDS];
	struct audio_card c;
	int n, rc;

	if (pa->mixer)
		return;
	rc = phone_card(pa->phone, &c);
	if (rc < 0) {
		/*
		 * Waited for only where one can come: a USB device with an audio interface whose
		 * card is not registered (yet, or again). Not below a USB device (uhid,
		 * Bluetooth), or a pure HID device: none will.
		 */
		if (rc == -ENOENT && audio_card_may_come(sysfs_root(), &c))
			wait_start(pa);
		return;
	}
	rc = audio_mixer_open(&pa->mixer, c.number, mixer_changed, pa);
	if (rc < 0) {
		/* The card's control device is not there yet (its udev event is still to come). */
		tsp_log(TSP_LOG_DEBUG, "%s: mixer of card %d: %s", pa->phone->source, c.number,
			strerror(-rc));
		wait_start(pa);
		return;
	}
	wait_stop(pa);
	pa->card = c.number;
	n = audio_mixer_poll_fds(pa->mixer, pfd, MAX_FDS);
	for (int i = 0; i < n; i++) {
		struct audio_fd *f = &pa->mixer_fds[pa->n_mixer_fds];

		*f = (struct audio_fd){ .pa = pa, .fd = pfd[i].fd, .events = pfd[i].events };
		if (fd_listen(f->fd, FD_READ | FD_EXCEPT, mixer_readable, f) == 0)
			pa->n_mixer_fds++;
	}
	tsp_log(TSP_LOG_INFO, "%s: watching the mixer of sound card %d", pa->phone->source,
		c.number);
}

static void mixer_readable(int flags, void *arg)
{
	struct audio_fd *f = arg;
	struct phone_audio *pa = f->pa;
	int rc;

	(void)flags;
	rc = audio_mixer_handle_events(pa->mixer);
	tsp_dispatch();
	if (rc == 0)
		return;
	/* The card went (its USB audio function, or the whole device: then the close follows). */
	tsp_log(TSP_LOG_INFO, "%s: sound card %d gone (%s)", pa->phone->source, pa->card,
		strerror(-rc));
	detach_mixer(pa);
	wait_start(pa);
}

static void open_on_loop(void *arg)
{
	attach(arg);
}

static void ring_stop(struct phone_audio *pa)
{
	loop_timer_cancel(&pa->ring_timer);
	unwatch(pa->ring_fds, &pa->n_ring_fds);
	audio_ring_stop(pa->ring);
	pa->ring = NULL;
	pa->ring_mode = 0;
}

/* The mixer for one change on the loop: the watched one, else the card's opened for it. */
static int loop_mixer(struct phone_audio *pa, int card, struct audio_mixer **m)
{
	*m = pa && pa->mixer && pa->card == card ? pa->mixer : NULL;
	return *m ? 0 : audio_mixer_open(m, card, NULL, NULL);
}

static void loop_mixer_done(struct phone_audio *pa, struct audio_mixer *m)
{
	if (!pa || m != pa->mixer)
		audio_mixer_close(m);
}

/* Loop thread: the mutes back as they were before a hookswitch mode changed them. */
static void restore_mutes(struct phone_audio *pa, int card)
{
	struct audio_mixer *m;

	if (!pa->saved)
		return;
	pa->saved = false;
	if (card < 0 || loop_mixer(pa, card, &m) < 0)
		return;
	(void)audio_mixer_set(m, AUDIO_CTL_PLAYBACK_MUTE, pa->saved_mute[0]);
	(void)audio_mixer_set(m, AUDIO_CTL_CAPTURE_MUTE, pa->saved_mute[1]);
	loop_mixer_done(pa, m);
}

static void close_on_loop(void *arg)
{
	struct phone_audio *pa = arg;

	ring_stop(pa);
	restore_mutes(pa, pa->card);
	if (pa->mixer)
		detach_mixer(pa);
	wait_stop(pa);
	free(pa);
}

void tsp_audio_open(struct phone *p)
{
	struct phone_audio *pa;

	memset(p->hook_mode, 0, sizeof(p->hook_mode));
	p->audio = NULL;
	/* A phone with no place in sysfs (a recording) has no card to watch. */
	if (!phone_node(p))
		return;
	pa = calloc(1, sizeof(*pa));
	if (!pa)
		return;
	*pa = (struct phone_audio){ .phone = p, .handle = p->handle, .card = -1 };
	if (loop_post(open_on_loop, pa) < 0) {
		free(pa);
		return;
	}
	p->audio = pa;
}

void tsp_audio_close(struct phone_audio *pa)
{
	if (pa && loop_call(close_on_loop, pa) < 0)
		close_on_loop(pa);   /* no loop: nothing else uses pa */
}

struct level_job {
	uint64_t handle;
	struct phone_audio *pa;      /* alive: posted before the close's detach */
	DRV_REQUESTID request;
	int card;
	enum audio_control ctl;
	uint32_t value;
};

/*
 * On the loop thread, on the watched mixer (a card that went away in between answers
 * -ENODEV here). A change is the phone's status changing, whoever made it: PHONE_STATE
 * before the completion, as for lamps; the mixer does not report it again.
 */
static void level_on_loop(void *arg)
{
	struct level_job *job = arg;
	struct audio_mixer *m;
	uint32_t before = 0, after = 0;
	int rc = loop_mixer(job->pa, job->card, &m);

	if (rc == 0) {
		bool known = audio_mixer_get(m, job->ctl, &before) == 0;

		rc = audio_mixer_set(m, job->ctl, job->value);
		if (rc == 0 && audio_mixer_get(m, job->ctl, &after) == 0 &&
		    (!known || after != before) && job->pa) {
			pthread_mutex_lock(&tsp.lock);
			if (live_phone(job->pa))
				report_level(job->pa->phone, job->ctl == AUDIO_CTL_CAPTURE_VOLUME,
					     after);
			pthread_mutex_unlock(&tsp.lock);
		}
		loop_mixer_done(job->pa, m);
	}
	tsp_post_completion(job->handle, job->request, tsp_phone_error(rc));
	tsp_dispatch();
	free(job);
}

LONG tsp_audio_level_set(struct phone *p, DRV_REQUESTID request, DWORD hookswitch_dev,
			 bool gain, DWORD value)
{
	struct level_job *job;
	int card = -1;
	LONG r = level_card(p, hookswitch_dev, &card);

	if (r)
		return r;
	job = malloc(sizeof(*job));
	if (!job)
		return PHONEERR_NOMEM;
	*job = (struct level_job){ .handle = p->host_handle, .pa = p->audio, .request = request,
				   .card = card,
				   .ctl = gain ? AUDIO_CTL_CAPTURE_VOLUME : AUDIO_CTL_PLAYBACK_VOLUME,
				   .value = value > 0xffff ? 0xffff : value };
	if (loop_post(level_on_loop, job) < 0) {
		free(job);
		return PHONEERR_OPERATIONFAILED;
	}
	return 0;
}

void tsp_audio_caps(const struct phone *p, LPPHONECAPS caps)
{
	struct audio_mixer *m;
	struct audio_card c;

	if (phone_card(p, &c) < 0 || audio_mixer_open(&m, c.number, NULL, NULL) < 0)
		return;
	for (int gain = 0; gain < 2; gain++) {
		if (!audio_mixer_has(m, gain ? AUDIO_CTL_CAPTURE_VOLUME : AUDIO_CTL_PLAYBACK_VOLUME))
			continue;
		*(gain ? &caps->dwGainFlags : &caps->dwVolumeFlags) = hook_devs(p);
		/* a change made elsewhere is reported (PHONE_STATE), as is the provider's own */
		for (int d = 0; d < PHONE_HOOK_DEVICES; d++)
			if (p->model->hooks[d].present)
				caps->dwPhoneStates |= level_states[gain][d];
	}
	audio_mixer_close(m);
}

void tsp_audio_status(const struct phone *p, LPPHONESTATUS status)
{
	uint32_t vol = 0, gain = 0;
	struct audio_mixer *m;
	struct audio_card c;
	DWORD devs;

	if (phone_card(p, &c) < 0 || audio_mixer_open(&m, c.number, NULL, NULL) < 0)
		return;
	(void)audio_mixer_get(m, AUDIO_CTL_PLAYBACK_VOLUME, &vol);
	(void)audio_mixer_get(m, AUDIO_CTL_CAPTURE_VOLUME, &gain);
	audio_mixer_close(m);
	devs = hook_devs(p);
	if (devs & PHONEHOOKSWITCHDEV_HANDSET) {
		status->dwHandsetVolume = vol;
		status->dwHandsetGain = gain;
	}
	if (devs & PHONEHOOKSWITCHDEV_SPEAKER) {
		status->dwSpeakerVolume = vol;
		status->dwSpeakerGain = gain;
	}
	if (devs & PHONEHOOKSWITCHDEV_HEADSET) {
		status->dwHeadsetVolume = vol;
		status->dwHeadsetGain = gain;
	}
}

/* --- the hook switch's mutes ------------------------------------------------------------ */

DWORD tsp_hook_mode(const struct phone *p, int dev)
{
	if (!p->model->hooks[dev].present)
		return 0;
	if (!p->in.hook_offhook[dev])
		return PHONEHOOKSWITCHMODE_ONHOOK;
	return p->hook_mode[dev] ? p->hook_mode[dev] : PHONEHOOKSWITCHMODE_MICSPEAKER;
}

DWORD tsp_audio_hook_modes(const struct phone *p)
{
	struct audio_mixer *m;
	struct audio_card c;
	DWORD modes = 0;

	if (phone_card(p, &c) < 0 || audio_mixer_open(&m, c.number, NULL, NULL) < 0)
		return 0;
	if (audio_mixer_has(m, AUDIO_CTL_PLAYBACK_MUTE))
		modes |= PHONEHOOKSWITCHMODE_MIC;
	if (audio_mixer_has(m, AUDIO_CTL_CAPTURE_MUTE))
		modes |= PHONEHOOKSWITCHMODE_SPEAKER;
	audio_mixer_close(m);
	return modes;
}

struct mute_job {
	struct phone_audio *pa;      /* alive: posted before the close's detach */
	int card;
	DWORD mode;                  /* 0: the device's own hook change */
};

static void mutes_on_loop(void *arg)
{
	struct mute_job *job = arg;
	struct phone_audio *pa = job->pa;
	DWORD mode = job->mode;
	struct audio_mixer *m;
	int rc;

	/* The device's own hook change ends the application's mode: the mutes go back. An
	 * application's ONHOOK is TAPI's "microphone and speaker both disabled": both muted,
	 * given back at the user's next hook change or at the close. */
	if (mode == 0) {
		restore_mutes(pa, job->card);
		free(job);
		return;
	}
	rc = loop_mixer(pa, job->card, &m);
	if (rc < 0) {
		tsp_log(TSP_LOG_WARNING, "%s: the mutes of sound card %d: %s", pa->phone->source,
			job->card, strerror(-rc));
		free(job);
		return;
	}
	if (!pa->saved) {
		pa->saved_mute[0] = pa->saved_mute[1] = 0;
		(void)audio_mixer_get(m, AUDIO_CTL_PLAYBACK_MUTE, &pa->saved_mute[0]);
		(void)audio_mixer_get(m, AUDIO_CTL_CAPTURE_MUTE, &pa->saved_mute[1]);
		pa->saved = true;
	}
	(void)audio_mixer_set(m, AUDIO_CTL_PLAYBACK_MUTE,
			      !(mode & (PHONEHOOKSWITCHMODE_SPEAKER | PHONEHOOKSWITCHMODE_MICSPEAKER)));
	(void)audio_mixer_set(m, AUDIO_CTL_CAPTURE_MUTE,
			      !(mode & (PHONEHOOKSWITCHMODE_MIC | PHONEHOOKSWITCHMODE_MICSPEAKER)));
	loop_mixer_done(pa, m);
	free(job);
}

static void post_mutes(struct phone *p, DWORD mode)
{
	struct mute_job *job;
	struct audio_card c;

	if (!p->audio || phone_card(p, &c) < 0)
		return;
	job = malloc(sizeof(*job));
	if (!job)
		return;
	*job = (struct mute_job){ .pa = p->audio, .card = c.number, .mode = mode };
	if (loop_post(mutes_on_loop, job) < 0)
		free(job);
}

void tsp_audio_hook_mode(struct phone *p, DWORD mode)
{
	if (p->audio)
		p->audio->app_mode = true;
	post_mutes(p, mode);
}

HOT_PATH
void tsp_audio_device_hook(struct phone *p, int dev)
{
	if (dev < 0 || dev >= PHONE_HOOK_DEVICES)
		return;
	p->hook_mode[dev] = 0;
	/*
	 * Only an application's mode changed the mutes: otherwise there is nothing to give
	 * back, and the hook event is not held up by a look for the card in sysfs.
	 */
	if (!p->audio || !p->audio->app_mode)
		return;
	p->audio->app_mode = false;
	post_mutes(p, 0);
}

/* --- ringing through the speaker --------------------------------------------------------- */

unsigned tsp_audio_ring_modes(const struct phone *p)
{
	const struct phone_model *m = p->model;
	struct audio_card c;

	if (phone_model_rings_through_hid(m))
		return 0;
	/* A phone with a Telephony Ringer rings with it, unless its profile says otherwise. */
	if (m->ringer.field && !phone_model_rings_through_audio(m))
		return 0;
	if (phone_card(p, &c) < 0 || c.pcm[AUDIO_OUT] < 0)
		return 0;
	return audio_ring_pattern_count();
}

struct ring_job {
	uint64_t handle;
	struct phone_audio *pa;      /* alive: posted before the close's detach */
	DRV_REQUESTID request;
	unsigned mode;
	uint32_t volume;
	bool no_request;             /* the line's ring for an offered call: nothing completes */
	char pcm[160];
};

static short revents_of(int flags)
{
	return (short)((flags & FD_READ ? POLLIN : 0) | (flags & FD_WRITE ? POLLOUT : 0) |
		       (flags & FD_EXCEPT ? POLLERR : 0));
}

/* Loop thread: the ring's PCM has room (or an error): the next stretch of the pattern. */
static void ring_ready(int flags, void *arg)
{
	struct audio_fd *f = arg;
	struct phone_audio *pa = f->pa;
	struct pollfd pfd[MAX_FDS];
	int rc;

	for (int i = 0; i < pa->n_ring_fds; i++)
		pfd[i] = (struct pollfd){ .fd = pa->ring_fds[i].fd, .events = pa->ring_fds[i].events,
					  .revents = &pa->ring_fds[i] == f ? revents_of(flags) : 0 };
	rc = audio_ring_handle_events(pa->ring, pfd, pa->n_ring_fds);
	if (rc == 0)
		return;
	tsp_log(TSP_LOG_WARNING, "%s: ringing on its sound card ended: %s", pa->phone->source,
		strerror(-rc));
	ring_stop(pa);
}

/*
 * alsa-lib's null and file PCMs poll /dev/full, which epoll refuses (EPERM) and poll()
 * calls always ready: such a PCM is fed by a loop timer, one period (20 ms) at a time.
 */
static void ring_tick(void *arg)
{
	struct phone_audio *pa = arg;
	struct pollfd pfd = { .fd = -1 };
	int rc = audio_ring_poll_fds(pa->ring, &pfd, 1);

	if (rc >= 0) {
		pfd.revents = (short)(pfd.events & (POLLIN | POLLOUT));
		rc = audio_ring_handle_events(pa->ring, &pfd, rc);
	}
	if (rc == 0) {
		loop_timer_start(&pa->ring_timer, 20, ring_tick, pa);
		return;
	}
	tsp_log(TSP_LOG_WARNING, "%s: ringing on its sound card ended: %s", pa->phone->source,
		strerror(-rc));
	ring_stop(pa);
}

static int ring_start(struct phone_audio *pa, const char *pcm, unsigned mode, uint32_t volume)
{
	struct pollfd pfd[MAX_FDS];
	bool unpollable = false;
	int n, rc;

	rc = audio_ring_start(&pa->ring, pcm, audio_ring_pattern_for_mode(mode), volume);
	if (rc < 0)
		return rc;
	pa->ring_mode = mode;
	n = audio_ring_poll_fds(pa->ring, pfd, MAX_FDS);
	for (int i = 0; i < n; i++) {
		struct audio_fd *f = &pa->ring_fds[pa->n_ring_fds];
		int flags = (pfd[i].events & POLLIN ? FD_READ : 0) |
			    (pfd[i].events & POLLOUT ? FD_WRITE : 0) | FD_EXCEPT;

		*f = (struct audio_fd){ .pa = pa, .fd = pfd[i].fd, .events = pfd[i].events };
		rc = fd_listen(f->fd, flags, ring_ready, f);
		if (rc == 0)
			pa->n_ring_fds++;
		else if (rc == EPERM)
			unpollable = true;
	}
	if (unpollable && n == 1) {
		loop_timer_start(&pa->ring_timer, 20, ring_tick, pa);
		return 0;
	}
	if (n <= 0 || pa->n_ring_fds < n) {
		ring_stop(pa);
		return n < 0 ? n : -EIO;
	}
	return 0;
}

static void ring_on_loop(void *arg)
{
	struct ring_job *job = arg;
	struct phone_audio *pa = job->pa;
	int rc = 0;

	if (job->mode == 0) {
		ring_stop(pa);
	} else if (pa->ring && pa->ring_mode == job->mode) {
		audio_ring_set_volume(pa->ring, job->volume);
	} else {
		ring_stop(pa);
		rc = ring_start(pa, job->pcm, job->mode, job->volume);
		if (rc < 0)
			tsp_log(TSP_LOG_WARNING, "%s: cannot ring on %s: %s", pa->phone->source,
				job->pcm, strerror(-rc));
	}
	if (!job->no_request) {
		tsp_post_completion(job->handle, job->request, tsp_phone_error(rc));
		tsp_dispatch();
	}
	free(job);
}

static int post_ring(struct phone *p, DRV_REQUESTID request, bool no_request, unsigned mode,
		     uint32_t volume)
{
	const char *test_pcm = getenv("HIDPHONE_RING_PCM");
	struct ring_job *job;
	struct audio_card c;
	int rc;

	if (!p->audio)
		return -ENODEV;
	job = calloc(1, sizeof(*job));
	if (!job)
		return -ENOMEM;
	*job = (struct ring_job){ .handle = p->host_handle, .pa = p->audio, .request = request,
				  .no_request = no_request, .mode = mode, .volume = volume };
	if (mode && test_pcm && test_pcm[0]) {
		/* tests and bring-up: a PCM of alsa-lib's own (file, null) instead of the card's */
		snprintf(job->pcm, sizeof(job->pcm), "%s", test_pcm);
	} else if (mode) {
		rc = phone_card(p, &c);
		if (rc == 0)
			rc = audio_card_pcm_name(&c, AUDIO_OUT, job->pcm, sizeof(job->pcm));
		if (rc < 0) {
			free(job);
			return -ENODEV;
		}
	}
	rc = loop_post(ring_on_loop, job);
	if (rc < 0)
		free(job);
	return rc;
}

int tsp_audio_ring(struct phone *p, DRV_REQUESTID request, unsigned mode, uint32_t volume)
{
	return post_ring(p, request, false, mode, volume);
}

/* The line's offered call rings the speaker unless an application set a ring itself. */
#define LINE_RING_VOLUME 0xc000u

void tsp_audio_line_ring(struct phone *p, bool on)
{
	if (p->ring_mode != 0 || !tsp_audio_ring_modes(p))
		return;
	(void)post_ring(p, 0, true, on ? 1 : 0, p->ring_volume ? p->ring_volume : LINE_RING_VOLUME);
}

void tsp_audio_release_pcm(struct phone *p)
{
	struct phone_audio *pa = p->audio;

	if (pa && pa->ring) {
		tsp_log(TSP_LOG_INFO, "%s: the ring on its sound card stops: a call takes the card",
			p->source);
		ring_stop(pa);
	}
}
