/*
 * Where phones come from.
 *
 * Without HIDPHONE_DEVICES, every hidraw device whose report descriptor has a telephony
 * top-level collection is a phone (hidapi lists them), and so is every USB device that a
 * profile says speaks a scan protocol (libudev lists them). HIDPHONE_DEVICES names other sources,
 * separated by ';':
 *
 *   hidraw                          the real devices
 *   hidraw:/dev/hidrawN[:...]       only these nodes (phonectl uses it for one device), as without the variable
 *   replay[+fast][+unplug]:A[:B...] the devices of recordings A, B, ... played back once the
 *                                   phone is open and the host has set its status filter
 *                                   (1 s after the open at the latest), paced by their
 *                                   timestamps (+fast: as fast as possible; +unplug: the
 *                                   device goes away after its last report)
 *   usb                             phones over libusb: USB devices a profile gives a scan
 *                                   protocol (AttrProtocol=cm109; tsp/discovery-usb.c)
 *   usb:BUS:ADDR:IF                 only that one of them (phonectl uses it for one
 *                                   device); none when it is not attached
 *   replay+in=N[+out=M]:A           a live device with A's descriptor, for tests and
 *                                   benchmarks in the host's process: input reports are
 *                                   the packets of its SOCK_SEQPACKET socket N, output
 *                                   reports go to socket M (transport-replay.h)
 *   none                            no devices
 *
 * Unset, it means "hidraw;usb".
 * HIDPHONE_REPLAY_LOG=FILE appends the output reports sent to replayed devices to FILE as
 * recording lines (O:, F:), so what a phone would have shown can be checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hid/recording.h"
#include "hid/transport-hidraw.h"
#include "hid/transport-replay.h"
#include "discovery.h"
#include "discovery-usb.h"
#include "hotplug.h"
#include "log.h"
#include "phone.h"

static FILE *replay_log;

static char *only_nodes;  /* "hidraw:" list, ':'-separated, or NULL for all */

static bool hidraw_wanted(const char *path)
{
	size_t n = strlen(path);

	if (!only_nodes)
		return true;
	for (const char *s = only_nodes; *s; s += strcspn(s, ":"), s += *s == ':') {
		if (strncmp(s, path, n) == 0 && (s[n] == ':' || s[n] == '\0'))
			return true;
	}
	return false;
}

static int hidraw_source_open(struct phone *p, struct transport **out)
{
	return hidraw_transport_open(p->info.path, out);
}

static const struct phone_source hidraw_source = { .open = hidraw_source_open };

static void found_hidraw(const struct transport_info *info, void *ctx)
{
	struct phone *p;

	(void)ctx;
	if (!hidraw_wanted(info->path))
		return;
	p = tsp_phone_new(info, info->path, &hidraw_source);
	if (!p)
		return;
	if (tsp_phone_add(p) < 0) {
		tsp_phone_free(p);
		return;
	}
	tsp_log(TSP_LOG_INFO, "%s: phone %04x:%04x \"%s\"", info->path, info->vendor,
		info->product, info->product_name);
	/* Listing works without access to the node; opening will not. Say so now. */
	if (access(info->path, R_OK | W_OK) != 0)
		tsp_log(TSP_LOG_WARNING, "%s (%04x:%04x \"%s\"): no permission to open it; install "
			"hidphone's udev rules (make install) so the user at the seat gets access",
			info->path, info->vendor, info->product, info->product_name);
}

static int discover_hidraw(void)
{
	int rc;

	if (!tsp.hidapi_ready) {
		rc = hidraw_transport_init();
		if (rc < 0)
			return rc;
		tsp.hidapi_ready = true;
	}
	/* Watch before listing, so a phone plugged in meanwhile is not missed. */
	tsp_hotplug_start(hidraw_wanted, &hidraw_source);
	return hidraw_transport_enumerate(found_hidraw, NULL);
}

static int discover_usb(const char *only)
{
	/* Watch before listing, as for hidraw. */
	tsp_hotplug_start(NULL, NULL);
	return tsp_discover_usb(only);
}

static void recording_info(const struct recording_device *d, size_t index, const char *file,
			   struct transport_info *info)
{
	memset(info, 0, sizeof(*info));
	/* Long paths are cut for display; the phone keeps the full file name to open it. */
	snprintf(info->path, sizeof(info->path), "replay:%.200s#%zu", file, index);
	info->bus = d->bus;
	info->vendor = d->vendor;
	info->product = d->product;
	info->interface = -1;
	snprintf(info->manufacturer, sizeof(info->manufacturer), "hidphone replay");
	snprintf(info->product_name, sizeof(info->product_name), "%s", d->name);
	snprintf(info->serial, sizeof(info->serial), "replay-%zu", index);
	info->rdesc_len = d->rdesc_len <= sizeof(info->rdesc) ? d->rdesc_len : 0;
	memcpy(info->rdesc, d->rdesc, info->rdesc_len);
}

/*
 * The replay log becomes a recording of its own when it starts with the devices' headers.
 * Each replayed device marks its lines with its D: index from its own recording, so that
 * only adds up with one recording; logs of several are a list of O:/F: lines.
 */
static void log_headers(const struct recording *rec)
{
	for (size_t i = 0; i < rec->n_devices; i++)
		recording_write_device(replay_log, &rec->devices[i], rec->n_devices > 1);
	fflush(replay_log);
}

static int replay_source_open(struct phone *p, struct transport **out)
{
	struct replay_options opts = {
		.realtime = !p->replay_fast,
		.unplug_at_end = p->replay_unplug,
		.output_log = replay_log,
		.live = p->replay_in >= 0,
		.input_fd = p->replay_in,
		.output_fd = p->replay_out,
	};
	struct transport_info *info = malloc(sizeof(*info));
	struct recording *rec = NULL;
	struct text_error err;
	int rc;

	if (!info)
		return -ENOMEM;
	rc = recording_read_file(p->replay_file, &rec, &err);
	if (rc == 0 && p->replay_index >= rec->n_devices)
		rc = -ENODEV;
	if (rc == 0)
		rc = replay_open(rec, p->replay_index, p->source, &opts, out, info);
	recording_free(rec);
	free(info);
	return rc;
}

static const struct phone_source replay_source = { .open = replay_source_open };

struct replay_spec {
	bool fast, unplug;
	int in, out;              /* a live device's sockets, or -1 */
};

static int discover_recording(const char *file, const struct replay_spec *spec, bool only_file)
{
	struct transport_info *info = malloc(sizeof(*info));
	struct recording *rec = NULL;
	struct text_error err;
	int rc = recording_read_file(file, &rec, &err);

	if (rc < 0) {
		if (err.line)
			tsp_log(TSP_LOG_ERROR, "%s:%u:%u: %s", file, err.line, err.column, err.message);
		else
			tsp_log(TSP_LOG_ERROR, "%s: %s", file, err.message);
		free(info);
		return rc;
	}
	rc = info ? 0 : -ENOMEM;
	if (replay_log && only_file)
		log_headers(rec);
	for (size_t i = 0; rc == 0 && i < rec->n_devices; i++) {
		struct phone *p;

		recording_info(&rec->devices[i], i, file, info);
		p = tsp_phone_new(info, info->path, &replay_source);
		if (!p)
			continue;
		p->replay = true;
		p->replay_fast = spec->fast;
		p->replay_unplug = spec->unplug;
		p->replay_in = spec->in;
		p->replay_out = spec->out;
		p->replay_index = i;
		snprintf(p->replay_file, sizeof(p->replay_file), "%s", file);
		rc = tsp_phone_add(p);
		if (rc < 0)
			tsp_phone_free(p);
	}
	free(info);
	recording_free(rec);
	return rc;
}

static size_t count_files(const char *spec)
{
	const char *colon = strchr(spec, ':');
	size_t n = 0;

	for (const char *f = colon ? colon + 1 : ""; *f; f += strcspn(f, ":"), f += *f == ':')
		n += *f != ':';
	return n;
}

static int discover_replay(const char *spec, bool only_file)
{
	const char *colon = strchr(spec, ':');
	struct replay_spec rs = { .in = -1, .out = -1 };
	char opts[64];
	int rc = 0;

	if (!colon || (size_t)(colon - spec) >= sizeof(opts))
		return -EINVAL;
	memcpy(opts, spec, (size_t)(colon - spec));
	opts[colon - spec] = '\0';
	for (char *save = NULL, *o = strtok_r(opts, "+", &save); o; o = strtok_r(NULL, "+", &save)) {
		if (strcmp(o, "replay") == 0)
			continue;
		else if (strcmp(o, "fast") == 0)
			rs.fast = true;
		else if (strcmp(o, "unplug") == 0)
			rs.unplug = true;
		else if (strncmp(o, "in=", 3) == 0 && sscanf(o + 3, "%d", &rs.in) == 1 && rs.in >= 0)
			continue;
		else if (strncmp(o, "out=", 4) == 0 && sscanf(o + 4, "%d", &rs.out) == 1 &&
			 rs.out >= 0)
			continue;
		else
			return -EINVAL;
	}
	/* Output to a live device only: a recording played back has no socket to send to. */
	if (rs.out >= 0 && rs.in < 0)
		return -EINVAL;
	for (const char *f = colon + 1; *f;) {
		size_t n = strcspn(f, ":");
		char file[256];

		if (n && n < sizeof(file)) {
			memcpy(file, f, n);
			file[n] = '\0';
			if (discover_recording(file, &rs, only_file) < 0)
				rc = -EINVAL;
		}
		f += n + (f[n] == ':');
	}
	return rc;
}

int tsp_discover(void)
{
	const char *env = getenv("HIDPHONE_DEVICES");
	const char *log = getenv("HIDPHONE_REPLAY_LOG");
	char *copy, *save = NULL;
	int rc = 0;

	if (log && *log && !replay_log) {
		replay_log = fopen(log, "a");
		if (!replay_log)
			tsp_log(TSP_LOG_ERROR, "HIDPHONE_REPLAY_LOG=%s: %s", log, strerror(errno));
	}
	if (!env || !*env) {
		rc = discover_hidraw();
		/* A machine without libudev's database (a container) has no USB phones either. */
		if (discover_usb(NULL) < 0)
			tsp_log(TSP_LOG_INFO, "no USB devices listed: phones over libusb not looked for");
		return rc;
	}
	copy = strdup(env);
	if (!copy)
		return -ENOMEM;
	size_t files = 0;
	for (const char *s = env; s; s = strchr(s, ';'), s = s ? s + 1 : NULL) {
		if (strncmp(s, "replay", 6) == 0)
			files += count_files(s);
	}
	for (char *s = strtok_r(copy, ";", &save); s; s = strtok_r(NULL, ";", &save)) {
		int r;

		if (strcmp(s, "none") == 0)
			r = 0;
		else if (strcmp(s, "hidraw") == 0)
			r = discover_hidraw();
		else if (strcmp(s, "usb") == 0)
			r = discover_usb(NULL);
		else if (strncmp(s, "usb:", 4) == 0)
			r = discover_usb(s);
		else if (strncmp(s, "hidraw:", 7) == 0) {
			free(only_nodes);
			only_nodes = strdup(s + 7);
			r = only_nodes ? discover_hidraw() : -ENOMEM;
		}
		else if (strncmp(s, "replay", 6) == 0)
			r = discover_replay(s, files == 1);
		else
			r = -EINVAL;
		if (r < 0) {
			tsp_log(TSP_LOG_ERROR, "HIDPHONE_DEVICES: cannot use '%s'", s);
			rc = r;
		}
	}
	free(copy);
	return rc;
}

void tsp_discovery_release(void)
{
	free(only_nodes);
	only_nodes = NULL;
	if (replay_log) {
		fclose(replay_log);
		replay_log = NULL;
	}
	if (tsp.hidapi_ready) {
		hidraw_transport_exit();
		tsp.hidapi_ready = false;
	}
}
