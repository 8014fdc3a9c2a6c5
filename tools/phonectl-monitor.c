/*
 * phonectl monitor DEVICE: what the phone sends and what a TAPI host makes of it, live.
 *
 * Two streams side by side: the raw input reports with their decoded fields (read from the
 * hidraw node, which hands every reader its own copy, or from the recording), and the TAPI
 * events for them, as an application sees them: phonectl monitor is a MONITOR application of
 * libtapi32 (which loads hidphone.tsp), so it can watch a phone another program owns. --panel draws the phone's front panel instead and
 * redraws it in place; on something that is not a terminal it prints plain lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/phone-model.h"
#include "hid/field-codec.h"
#include "hid/hex-text.h"
#include "hid/hidraw-node.h"
#include "hid/recording.h"
#include "hid/transport-replay.h"
#include "hid/usage-names.h"
#include "json-writer.h"
#include "phonectl-app.h"
#include "phonectl-session.h"
#include "phonectl.h"
#include "tapi-names.h"
#include "tapi.h"

#define KEYS_SHOWN 12

static struct monitor {
	struct phonectl_options opts;
	bool panel;
	struct app_session a;
	uint64_t open_usec;
	pthread_t reader;
	bool reader_running;
	struct rdesc *desc;
	char name[128];
	pthread_mutex_t print_lock;
	int stop;                 /* eventfd */
	/* panel state */
	DWORD hook_mode[3];
	DWORD ring_mode;
	DWORD lamp_mode[128];
	DWORD n_ids;
	DWORD *lamp_modes_caps;
	char keys[KEYS_SHOWN][24];
	unsigned n_keys;
	char last_report[900];
	char last_event[160];
	/* the phone's line, watched as a monitor */
	struct app_line line;
	pthread_t line_reader;
	bool line_running;
	HCALL call;
	DWORD call_state, call_mode;
	char caller[400];
	uint64_t connected_usec, ended_usec;
} mon = { .print_lock = PTHREAD_MUTEX_INITIALIZER, .stop = -1 };

static double since_open(uint64_t usec)
{
	return usec > mon.open_usec ? (double)(usec - mon.open_usec) / 1e6 : 0.0;
}

/* One --json record a line: its type and its time since the phone opened, then its fields. */
static void json_record_begin(struct json *j, const char *type, uint64_t usec)
{
	json_init(j, stdout);
	json_object_begin(j, NULL);
	json_string(j, "type", type);
	json_int(j, "usec", (int64_t)(usec - mon.open_usec));
}

static void json_record_end(struct json *j)
{
	json_object_end(j);
	json_finish(j);
}

/* "HookSwitch=1 PhoneMute=0 keys=[PhoneKey5]" for the named fields of one report. */
static void decode(const uint8_t *report, size_t len, char *buf, size_t size)
{
	const uint8_t *payload = mon.desc->numbered ? report + 1 : report;
	size_t plen = mon.desc->numbered ? (len ? len - 1 : 0) : len;
	uint8_t id = mon.desc->numbered && len ? report[0] : 0;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < mon.desc->n_fields && used < size; i++) {
		const struct rdesc_field *f = &mon.desc->fields[i];
		char name[64];
		int64_t v;

		if (f->kind != RDESC_INPUT || f->report_id != id)
			continue;
		if (rdesc_field_is_array(f) && f->usages_count) {
			uint32_t usages[8];
			int n = field_array_usages(mon.desc, f, payload, plen, usages, 8);

			used += (size_t)snprintf(buf + used, size - used, "%s[", used ? " " : "");
			for (int k = 0; k < n && k < 8 && used < size; k++) {
				usage_format(usages[k], name, sizeof(name));
				used += (size_t)snprintf(buf + used, size - used, "%s%s", k ? "," : "",
							 strchr(name, '.') ? strchr(name, '.') + 1 : name);
			}
			if (used < size)
				used += (size_t)snprintf(buf + used, size - used, "]");
			continue;
		}
		if (!f->usage || field_get(f, 0, payload, plen, &v) < 0)
			continue;
		usage_format(f->usage, name, sizeof(name));
		used += (size_t)snprintf(buf + used, size - used, "%s%s=%lld", used ? " " : "",
					 strchr(name, '.') ? strchr(name, '.') + 1 : name, (long long)v);
	}
}

static void draw_panel(void)
{
	static const char *devs[3] = { "handset", "speaker", "headset" };

	/* Home, clear: the panel is redrawn in place. */
	printf("\033[H\033[J");
	printf("  %s   (phonectl monitor --panel, Ctrl-C ends)\n\n", mon.name);
	for (int d = 0; d < 3; d++) {
		if (!mon.hook_mode[d])
			continue;
		printf("  %-8s %s\n", devs[d], mon.hook_mode[d] == PHONEHOOKSWITCHMODE_ONHOOK ?
			   "on hook" : "\033[1;32mOFF HOOK\033[0m");
	}
	printf("  ringer   %s\n\n  lamps\n", mon.ring_mode ? "\033[1;33mRINGING\033[0m" : "silent");
	for (DWORD id = 0; id < mon.n_ids; id++) {
		uint8_t buf[256];
		LPPHONEBUTTONINFO info = (LPPHONEBUTTONINFO)buf;
		char text[64] = "";
		DWORD mode = mon.lamp_mode[id];

		if (!mon.lamp_modes_caps || mon.lamp_modes_caps[id] == PHONELAMPMODE_DUMMY)
			continue;
		info->dwTotalSize = sizeof(buf);
		if (phoneGetButtonInfoW(mon.a.phone, id, info) == 0)
			session_string(buf, info->dwButtonTextOffset, info->dwButtonTextSize, text,
				       sizeof(text));
		printf("    %3u %-26s %s%s\033[0m\n", id, text,
		       mode == PHONELAMPMODE_STEADY ? "\033[1;31m● " : "\033[2m○ ",
		       tapi_lampmode_name(mode));
	}
	printf("\n  call     ");
	if (!mon.call_state) {
		printf("none\n");
	} else {
		uint64_t end = mon.ended_usec ? mon.ended_usec : host_now_usec();
		unsigned secs = mon.connected_usec ? (unsigned)((end - mon.connected_usec) / 1000000u) : 0;

		printf("%s%s%s", mon.call_state == LINECALLSTATE_CONNECTED ? "\033[1;32m" :
				 mon.call_state == LINECALLSTATE_OFFERING ? "\033[1;33m" : "",
		       tapi_callstate_name(mon.call_state), "\033[0m");
		if (mon.call_state == LINECALLSTATE_DISCONNECTED)
			printf(" %s", tapi_disconnectmode_name(mon.call_mode));
		if (mon.caller[0])
			printf("  %s", mon.caller);
		if (mon.connected_usec)
			printf("  %02u:%02u", secs / 60, secs % 60);
		printf("\n");
	}
	printf("\n  last keys ");
	for (unsigned i = 0; i < mon.n_keys; i++)
		printf(" %s", mon.keys[i]);
	printf("\n  report     %s\n  event      %s\n", mon.last_report, mon.last_event);
	fflush(stdout);
}

static void note_key(DWORD id, DWORD state)
{
	if (state != PHONEBUTTONSTATE_DOWN)
		return;
	if (mon.n_keys == KEYS_SHOWN) {
		memmove(mon.keys[0], mon.keys[1], sizeof(mon.keys[0]) * (KEYS_SHOWN - 1));
		mon.n_keys--;
	}
	if (id < 10)
		snprintf(mon.keys[mon.n_keys++], sizeof(mon.keys[0]), "%u", id);
	else if (id < 16)
		snprintf(mon.keys[mon.n_keys++], sizeof(mon.keys[0]), "%c", "*#ABCD"[id - 10]);
	else
		snprintf(mon.keys[mon.n_keys++], sizeof(mon.keys[0]), "[%u]", id);
}

static void on_event(const struct host_event *ev)
{
	char line[160], err[48];

	pthread_mutex_lock(&mon.print_lock);
	if (ev->completion) {
		snprintf(line, sizeof(line), "ASYNC_COMPLETION request=%u %s", ev->request,
			 tapi_error_name(ev->result, err, sizeof(err)));
	} else {
		tapi_event_format(ev->msg, ev->p1, ev->p2, ev->p3, line, sizeof(line));
		if (ev->msg == PHONE_STATE) {
			if (ev->p1 == PHONESTATE_HANDSETHOOKSWITCH)
				mon.hook_mode[0] = (DWORD)ev->p2;
			else if (ev->p1 == PHONESTATE_SPEAKERHOOKSWITCH)
				mon.hook_mode[1] = (DWORD)ev->p2;
			else if (ev->p1 == PHONESTATE_HEADSETHOOKSWITCH)
				mon.hook_mode[2] = (DWORD)ev->p2;
			else if (ev->p1 == PHONESTATE_RINGMODE)
				mon.ring_mode = (DWORD)ev->p2;
		} else if (ev->msg == PHONE_BUTTON) {
			note_key((DWORD)ev->p1, (DWORD)ev->p3);
		}
	}
	if (ev->msg == PHONE_CLOSE && !ev->completion) {
		uint64_t one = 1;

		if (write(mon.stop, &one, sizeof(one)) < 0) {
			/* nothing else to do: the time limit ends the monitor */
		}
	}
	if (mon.panel) {
		snprintf(mon.last_event, sizeof(mon.last_event), "%s", line);
	} else if (mon.opts.json) {
		struct json j;

		json_record_begin(&j, ev->completion ? "completion" : "event", ev->usec);
		json_string(&j, "text", line);
		if (!ev->completion) {
			json_string(&j, "message", tapi_message_name(ev->msg) ?
						   tapi_message_name(ev->msg) : "?");
			json_uint(&j, "param1", ev->p1);
			json_uint(&j, "param2", ev->p2);
			json_uint(&j, "param3", ev->p3);
		}
		json_record_end(&j);
	} else {
		printf("%8.3f  tapi    %s\n", since_open(ev->usec), line);
	}
	pthread_mutex_unlock(&mon.print_lock);
	if (mon.panel) {
		/* Lamp modes are read back from the provider, as a host would. */
		if (!ev->completion && ev->msg == PHONE_STATE && ev->p1 == PHONESTATE_LAMP &&
		    ev->p2 < 128)
			phoneGetLamp(mon.a.phone, (DWORD)ev->p2, &mon.lamp_mode[ev->p2]);
		pthread_mutex_lock(&mon.print_lock);
		draw_panel();
		pthread_mutex_unlock(&mon.print_lock);
	}
}

/* The application's queue, read on a thread of ours: libtapi32 runs nothing of ours. */
static void *read_messages(void *data)
{
	HPHONEAPP app = (HPHONEAPP)(uintptr_t)data;
	PHONEMESSAGE m;

	while (phoneGetMessage(app, &m, 0xFFFFFFFFu) == 0) {
		struct host_event ev = { .msg = m.dwMessageID, .p1 = m.dwParam1, .p2 = m.dwParam2,
					 .p3 = m.dwParam3, .usec = host_now_usec() };

		on_event(&ev);
	}
	return NULL;   /* phoneShutdown */
}

/* One line message: the call's state, its caller, its time (print_lock held). */
static void on_line_message(const LINEMESSAGE *m)
{
	uint64_t now = host_now_usec();
	char line[120];
	bool inbound;

	if (m->dwMessageID == LINE_APPNEWCALL) {
		if (mon.call && mon.call != (HCALL)m->dwParam2)
			lineDeallocateCall(mon.call);
		mon.call = (HCALL)m->dwParam2;
		mon.call_state = 0;
		mon.caller[0] = '\0';
		mon.connected_usec = mon.ended_usec = 0;
		return;
	}
	if (m->dwMessageID != LINE_CALLSTATE || !mon.call || m->hDevice != (DWORD_PTR)mon.call)
		return;
	mon.call_state = (DWORD)m->dwParam1;
	mon.call_mode = (DWORD)m->dwParam2;
	if (!mon.caller[0] && app_call_party(mon.call, &inbound, mon.caller,
					     sizeof(mon.caller)) < 0)
		mon.caller[0] = '\0';
	if (mon.call_state == LINECALLSTATE_CONNECTED && !mon.connected_usec)
		mon.connected_usec = now;
	if (mon.call_state == LINECALLSTATE_IDLE || mon.call_state == LINECALLSTATE_DISCONNECTED) {
		if (!mon.ended_usec)
			mon.ended_usec = now;
	}
	snprintf(line, sizeof(line), "LINE_CALLSTATE %s%s%s",
		 tapi_callstate_name(mon.call_state),
		 mon.call_state == LINECALLSTATE_DISCONNECTED ? " " : "",
		 mon.call_state == LINECALLSTATE_DISCONNECTED ?
		 tapi_disconnectmode_name(mon.call_mode) : "");
	if (mon.panel) {
		snprintf(mon.last_event, sizeof(mon.last_event), "%s", line);
	} else if (mon.opts.json) {
		struct json j;

		json_record_begin(&j, "event", now);
		json_string(&j, "text", line);
		json_string(&j, "message", "LINE_CALLSTATE");
		json_uint(&j, "param1", m->dwParam1);
		json_uint(&j, "param2", m->dwParam2);
		json_string(&j, "party", mon.caller);
		json_record_end(&j);
	} else {
		printf("%8.3f  line    %s\n", since_open(now), line);
		if (mon.call_state == LINECALLSTATE_OFFERING && mon.caller[0])
			printf("%8.3f  line    call from %s\n", since_open(now), mon.caller);
		if (mon.call_state == LINECALLSTATE_IDLE && mon.connected_usec)
			printf("%8.3f  line    call time %.1f s\n", since_open(now),
			       (double)(mon.ended_usec - mon.connected_usec) / 1e6);
	}
	if (mon.call_state == LINECALLSTATE_IDLE) {
		lineDeallocateCall(mon.call);
		mon.call = 0;
	}
}

/* The line's messages, on a thread of ours; the panel's call timer ticks each second. */
static void *read_line_messages(void *data)
{
	HLINEAPP app = (HLINEAPP)(uintptr_t)data;
	LINEMESSAGE m;

	while (__atomic_load_n(&mon.line_running, __ATOMIC_ACQUIRE)) {
		LONG rc = lineGetMessage(app, &m, 1000);

		if (rc == LINEERR_INVALAPPHANDLE || rc == LINEERR_UNINITIALIZED)
			break;
		pthread_mutex_lock(&mon.print_lock);
		if (rc == 0)
			on_line_message(&m);
		if (mon.panel && (rc == 0 || mon.call_state == LINECALLSTATE_CONNECTED))
			draw_panel();
		pthread_mutex_unlock(&mon.print_lock);
	}
	return NULL;
}

/*
 * The phone's line as a monitor. A phone without one shows no call, quietly: it is a phone
 * still. A line that fails to open says why, and the phone's events go on.
 */
static void line_open(const char *device)
{
	if (app_line_open(&mon.line, device, LINECALLPRIVILEGE_MONITOR, true) < 0)
		return;
	__atomic_store_n(&mon.line_running, true, __ATOMIC_RELEASE);
	if (pthread_create(&mon.line_reader, NULL, read_line_messages,
			   (void *)(uintptr_t)mon.line.app) != 0) {
		mon.line_running = false;
		app_line_stop(&mon.line);
	}
}

static void line_stop(void)
{
	if (!mon.line_running)
		return;
	__atomic_store_n(&mon.line_running, false, __ATOMIC_RELEASE);
	pthread_join(mon.line_reader, NULL);
	if (mon.call)
		lineDeallocateCall(mon.call);
	mon.call = 0;
	app_line_stop(&mon.line);
}

/* Opens phone 0 as a monitor and starts reading its messages. */
static int tapi_open(void)
{
	if (app_session_open(&mon.a, PHONEPRIVILEGE_MONITOR) < 0)
		return -1;
	mon.open_usec = host_now_usec();
	if (pthread_create(&mon.reader, NULL, read_messages, (void *)(uintptr_t)mon.a.app) != 0) {
		phonectl_error("cannot start a thread");
		return -1;
	}
	mon.reader_running = true;
	return 0;
}

static void tapi_stop(void)
{
	line_stop();
	/* phoneShutdown wakes the reader; mon.a is only cleared once it has ended. */
	if (mon.a.phone)
		phoneClose(mon.a.phone);
	if (mon.a.app)
		phoneShutdown(mon.a.app);
	if (mon.reader_running)
		pthread_join(mon.reader, NULL);
	mon.reader_running = false;
	mon.a = (struct app_session){ 0 };
}

static void show_report(const uint8_t *report, size_t len)
{
	char hex[200], fields[600];
	uint64_t now = host_now_usec();

	hex_format_bytes(report, len, hex, sizeof(hex));
	decode(report, len, fields, sizeof(fields));
	pthread_mutex_lock(&mon.print_lock);
	if (mon.panel) {
		snprintf(mon.last_report, sizeof(mon.last_report), "%s  %s", hex, fields);
		draw_panel();
	} else if (mon.opts.json) {
		struct json j;

		json_record_begin(&j, "report", now);
		json_string(&j, "bytes", hex);
		json_string(&j, "fields", fields);
		json_record_end(&j);
	} else {
		printf("%8.3f  report  %-24s %s\n", since_open(now), hex, fields);
	}
	pthread_mutex_unlock(&mon.print_lock);
}

/* Raw reports from the node itself: hidraw gives each open file its own copy (NULL: none,
 * only the TAPI events until the end). */
static void watch_node(const char *node, int seconds)
{
	uint8_t buf[4096];
	int fd = node ? open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
	struct pollfd fds[2] = { { .fd = fd, .events = POLLIN }, { .fd = mon.stop, .events = POLLIN } };
	uint64_t end = seconds > 0 ? host_now_usec() + (uint64_t)seconds * 1000000u : 0;

	if (fd < 0 && node) {
		phonectl_error("%s: %s (the TAPI events still show)", node, strerror(errno));
		fds[0].fd = -1;
	}
	for (;;) {
		int timeout = end ? (int)((end - host_now_usec()) / 1000) : -1;
		ssize_t n;

		if (end && host_now_usec() >= end)
			break;
		if (poll(fds, 2, timeout) <= 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			break;
		if (!(fds[0].revents & POLLIN))
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n > 0)
			show_report(buf, (size_t)n);
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;
	}
	if (fd >= 0)
		close(fd);
}

/* Raw reports of a recording, paced as the provider plays them. */
static void watch_recording(const struct recording *rec, size_t device, int seconds)
{
	struct replay_options ropts = { .realtime = true, .unplug_at_end = true };
	struct transport *t = NULL;
	uint64_t end = host_now_usec() + (uint64_t)(seconds > 0 ? seconds : 3600) * 1000000u;
	uint8_t buf[4096];

	if (replay_open(rec, device, "monitor", &ropts, &t, NULL) < 0)
		return;
	while (host_now_usec() < end) {
		struct pollfd p = { .fd = mon.stop, .events = POLLIN };
		int n = transport_read(t, buf, sizeof(buf), 100);

		if (n > 0)
			show_report(buf, (size_t)n);
		else if (n < 0 && n != -EINTR)
			break;
		if (poll(&p, 1, 0) > 0)
			break;
	}
	transport_close(t);
	/* The provider's last events of the recording may still be on their way. */
	usleep(200 * 1000);
}

static void on_signal(int sig)
{
	uint64_t one = 1;

	(void)sig;
	if (write(mon.stop, &one, sizeof(one)) < 0) {
		/* a second signal will try again */
	}
}

static int load_descriptor(const char *device, struct recording **rec, size_t *device_index)
{
	uint8_t *bytes = NULL;
	struct text_error err;
	long n;

	if (strncmp(device, "/dev/", 5) == 0) {
		bytes = malloc(RDESC_MAX_SIZE);
		n = bytes ? hidraw_node_descriptor(device, bytes, RDESC_MAX_SIZE) : -ENOMEM;
		if (n < 0 || rdesc_parse(bytes, (size_t)n, &mon.desc, NULL) < 0) {
			free(bytes);
			phonectl_error("%s: cannot read its report descriptor", device);
			return -1;
		}
		free(bytes);
		return 0;
	}
	if (recording_read_file(device, rec, &err) < 0) {
		if (err.line)
			phonectl_error("%s:%u:%u: %s", device, err.line, err.column, err.message);
		else
			phonectl_error("%s: %s", device, err.message);
		return -1;
	}
	/* The first device of the recording that is a phone: the one the provider opens as 0. */
	for (size_t i = 0; i < (*rec)->n_devices; i++) {
		struct phone_model *m = NULL;

		if (phone_model_build((*rec)->devices[i].rdesc, (*rec)->devices[i].rdesc_len, &m) < 0)
			continue;
		phone_model_free(m);
		*device_index = i;
		return rdesc_parse((*rec)->devices[i].rdesc, (*rec)->devices[i].rdesc_len,
				   &mon.desc, NULL) < 0 ? -1 : 0;
	}
	phonectl_error("%s: no phone in this recording", device);
	return -1;
}

int phonectl_monitor(int argc, char **argv, const struct phonectl_options *global)
{
	static const struct option longopts[] = {
		{ "panel", no_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "seconds", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct recording *rec = NULL;
	size_t device_index = 0;
	LPPHONECAPS caps;
	int c, seconds = 0, rc = EXIT_FAILURE;
	const char *device;
	bool usb;

	mon.opts = *global;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': mon.panel = true; break;
		case 'j': mon.opts.json = 1; break;
		case 's': seconds = atoi(optarg); break;
		case 'h':
			printf("Usage: phonectl monitor [--panel] [--json] [--seconds N] DEVICE\n");
			return EXIT_SUCCESS;
		default:
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		phonectl_error("monitor takes one device: a hidraw node, a usb: path or a recording");
		return EXIT_USAGE;
	}
	device = argv[optind];
	/* A panel needs a terminal to redraw; elsewhere plain lines say the same. */
	if (mon.panel && (!isatty(STDOUT_FILENO) || mon.opts.json))
		mon.panel = false;
	mon.stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/*
	 * Over libusb the provider claims the interface for itself: no second reader gets the
	 * reports, so only the TAPI events show.
	 */
	usb = session_is_usb(device);
	if (mon.stop < 0 || (!usb && load_descriptor(device, &rec, &device_index) < 0))
		goto out;
	if (app_session_start(&mon.a, device, "replay+unplug") < 0)
		goto out;
	caps = app_session_caps(&mon.a);
	if (caps) {
		session_string(caps, caps->dwPhoneNameOffset, caps->dwPhoneNameSize, mon.name,
			       sizeof(mon.name));
		mon.n_ids = caps->dwNumButtonLamps < 128 ? caps->dwNumButtonLamps : 128;
		mon.lamp_modes_caps = malloc(mon.n_ids * sizeof(DWORD) + 1);
		if (mon.lamp_modes_caps && caps->dwLampModesSize == mon.n_ids * 4)
			memcpy(mon.lamp_modes_caps, (uint8_t *)caps + caps->dwLampModesOffset,
			       mon.n_ids * 4);
		for (int d = 0; d < 3; d++) {
			DWORD bit = 1u << d;

			if (caps->dwHookSwitchDevs & bit)
				mon.hook_mode[d] = PHONEHOOKSWITCHMODE_ONHOOK;
		}
		free(caps);
	}
	for (DWORD id = 0; id < mon.n_ids; id++)
		mon.lamp_mode[id] = PHONELAMPMODE_OFF;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (tapi_open() < 0)
		goto stop;
	line_open(device);
	if (!mon.panel && !mon.opts.json)
		printf("monitoring %s \"%s\"%s%s\n", device, mon.name,
		       usb ? " (TAPI events only: the provider holds the interface)" : "",
		       seconds ? "" : " (Ctrl-C ends)");
	if (mon.panel) {
		pthread_mutex_lock(&mon.print_lock);
		draw_panel();
		pthread_mutex_unlock(&mon.print_lock);
	}
	if (rec)
		watch_recording(rec, device_index, seconds);
	else
		watch_node(usb ? NULL : device, seconds);
	rc = EXIT_SUCCESS;
stop:
	tapi_stop();
out:
	recording_free(rec);
	rdesc_free(mon.desc);
	free(mon.lamp_modes_caps);
	if (mon.stop >= 0)
		close(mon.stop);
	return rc;
}
