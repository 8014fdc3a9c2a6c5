/*
 * phonectl feature get|set, phonectl output: raw reports, for bring-up.
 *
 * The bytes go straight to the device, past the provider: through hidapi on a hidraw node
 * (the transport the provider uses), or to a replay transport on a recording, which answers
 * `feature get` from the recording's `F: get` lines and accepts writes, printing them as the
 * O:/F: set lines they would be. On the command line and in what is printed, a report is
 * in the prefixed form those lines have (hid/report-prefix.h): report id first, 0 for a
 * descriptor without report ids.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "devices/phone-model.h"
#include "hid/hex-text.h"
#include "hid/hidraw-node.h"
#include "hid/recording.h"
#include "hid/report-prefix.h"
#include "hid/transport-hidraw.h"
#include "hid/transport-replay.h"
#include "json-writer.h"
#include "phonectl-session.h"
#include "phonectl.h"

#define MAX_BYTES RECORDING_MAX_REPORT

struct raw_device {
	const char *name;
	struct transport *t;
	bool replay;
	bool hidapi;                 /* hidraw_transport_init() was called */
	struct recording *rec;
	struct rdesc *desc;          /* NULL when the descriptor does not parse */
};

static void raw_close(struct raw_device *d)
{
	transport_close(d->t);
	if (d->hidapi)
		hidraw_transport_exit();
	recording_free(d->rec);
	rdesc_free(d->desc);
}

static int open_recording(struct raw_device *d, bool log_writes)
{
	struct replay_options opts = { .output_log = log_writes ? stdout : NULL };
	struct text_error err;
	size_t device = 0;
	int rc = recording_read_file(d->name, &d->rec, &err);

	if (rc < 0) {
		if (err.line)
			phonectl_error("%s:%u:%u: %s", d->name, err.line, err.column, err.message);
		else
			phonectl_error("%s: %s", d->name, err.message);
		return -1;
	}
	if (d->rec->n_devices == 0) {
		phonectl_error("%s: the recording has no device", d->name);
		return -1;
	}
	/* The first phone of the recording, as the provider's phone 0; else its first device. */
	for (size_t i = 0; i < d->rec->n_devices; i++) {
		struct phone_model *m = NULL;

		if (phone_model_build(d->rec->devices[i].rdesc, d->rec->devices[i].rdesc_len, &m) == 0) {
			phone_model_free(m);
			device = i;
			break;
		}
	}
	if (rdesc_parse(d->rec->devices[device].rdesc, d->rec->devices[device].rdesc_len,
			&d->desc, NULL) < 0)
		d->desc = NULL;
	rc = replay_open(d->rec, device, d->name, &opts, &d->t, NULL);
	if (rc < 0) {
		phonectl_error("%s: cannot play device %zu: %s", d->name, device, strerror(-rc));
		return -1;
	}
	d->replay = true;
	return 0;
}

static int open_node(struct raw_device *d)
{
	uint8_t *bytes = malloc(RDESC_MAX_SIZE);
	long n = bytes ? hidraw_node_descriptor(d->name, bytes, RDESC_MAX_SIZE) : -ENOMEM;
	int rc;

	if (n > 0 && rdesc_parse(bytes, (size_t)n, &d->desc, NULL) < 0)
		d->desc = NULL;
	free(bytes);
	/* Only hidraw nodes have a descriptor; hidapi must not be handed anything else. */
	if (n <= 0) {
		phonectl_error("%s: not a hidraw node: cannot read its report descriptor: %s",
			       d->name, n == 0 ? "it is empty" : strerror((int)-n));
		return -1;
	}
	rc = hidraw_transport_init();
	if (rc < 0) {
		phonectl_error("%s: hidapi did not start: %s", d->name, strerror(-rc));
		return -1;
	}
	d->hidapi = true;
	rc = hidraw_transport_open(d->name, &d->t);
	if (rc < 0) {
		phonectl_error("%s: cannot open it: %s%s", d->name,
			       rc == -EIO ? "hidapi refused it" : strerror(-rc),
			       rc == -EACCES ? " (phonectl list names the fix)" : "");
		return -1;
	}
	return 0;
}

static int raw_open(struct raw_device *d, const char *command, const char *name,
		    bool log_writes)
{
	struct stat st;

	memset(d, 0, sizeof(*d));
	d->name = name;
	if (session_refuse_usb(name, command))
		return -1;
	if (stat(name, &st) < 0) {
		phonectl_error("%s: %s", name, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return open_recording(d, log_writes);
	if (S_ISCHR(st.st_mode))
		return open_node(d);
	phonectl_error("%s: neither a hidraw node nor a recording", name);
	return -1;
}

/* A report id argument: 0-255, decimal or 0x hex. */
static int parse_id(const char *text, uint8_t *id)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 0);
	if (errno || end == text || *end || v > 255 || text[0] == '-') {
		phonectl_error("'%s' is not a report id (0-255)", text);
		return -1;
	}
	*id = (uint8_t)v;
	return 0;
}

/* The HEX... arguments ("02 01", "0x02,0x01", or one byte per argument) into out. */
static long parse_hex(int argc, char **argv, uint8_t *out, size_t max)
{
	size_t len = 0, total = 0, bad;
	char *text;
	long n;

	for (int i = 0; i < argc; i++)
		total += strlen(argv[i]) + 1;
	text = malloc(total + 1);
	if (!text) {
		phonectl_error("out of memory");
		return -1;
	}
	for (int i = 0; i < argc; i++) {
		size_t k = strlen(argv[i]);

		memcpy(text + len, argv[i], k);
		len += k;
		text[len++] = ' ';
	}
	text[len] = '\0';
	n = hex_parse_bytes(text, len, out, max, &bad);
	if (n == -E2BIG)
		phonectl_error("more than %zu bytes: too long for a report", max);
	else if (n < 0)
		phonectl_error("'%.*s' is not a hex byte", (int)strcspn(text + bad, " ,"),
			       text + bad);
	else if (n == 0)
		phonectl_error("no bytes given");
	free(text);
	return n > 0 ? n : -1;
}

/* Bring-up tools send what they are told; a mismatch with the descriptor is worth a note. */
static void check_size(const struct raw_device *d, enum rdesc_kind kind, uint8_t id, size_t len)
{
	const struct rdesc_report *r;

	if (!d->desc)
		return;
	if (!d->desc->numbered && id != 0) {
		phonectl_error("%s: note: the descriptor has no report ids; the first byte should "
			       "be 0", d->name);
		return;
	}
	r = rdesc_find_report(d->desc, kind, id);
	if (!r)
		phonectl_error("%s: note: the descriptor declares no %s report %u", d->name,
			       rdesc_kind_name(kind), id);
	else if (len && rdesc_report_bytes(d->desc, r) + !d->desc->numbered != len)
		phonectl_error("%s: note: the descriptor declares %s report %u as %zu bytes "
			       "(report id included), sending %zu", d->name, rdesc_kind_name(kind),
			       id, rdesc_report_bytes(d->desc, r) + !d->desc->numbered, len);
}

static void print_sent(const struct raw_device *d, const char *what, uint8_t id, size_t len,
		       bool json)
{
	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_string(&j, "device", d->name);
		json_string(&j, "report", what);
		json_uint(&j, "report_id", id);
		json_uint(&j, "sent", len);
		json_bool(&j, "replay", d->replay);
		json_object_end(&j);
		json_finish(&j);
		return;
	}
	printf("sent %zu bytes%s\n", len, d->replay ? " (to the recording's replay: accepted, "
	       "nothing reaches a device)" : "");
}

static int feature_get(struct raw_device *d, uint8_t id, bool json)
{
	size_t size = 4096;
	uint8_t *buf;
	int n;

	if (d->desc) {
		const struct rdesc_report *r = rdesc_find_report(d->desc, RDESC_FEATURE, id);

		check_size(d, RDESC_FEATURE, id, 0);
		if (r)
			size = rdesc_report_bytes(d->desc, r) + !d->desc->numbered;
	}
	buf = calloc(1, size);
	if (!buf) {
		phonectl_error("out of memory");
		return EXIT_FAILURE;
	}
	/* Printed prefixed: the id first, also the 0 of an unnumbered report. */
	buf[0] = id;
	n = transport_get_feature(d->t, id, buf + report_prefix_len(id),
				  size - report_prefix_len(id));
	if (n >= 0)
		n += (int)report_prefix_len(id);
	if (n < 0) {
		if (n == -EPIPE && d->replay)
			phonectl_error("%s: feature report %u: the device stalls the request (the "
				       "recording has no F: get line for it)", d->name, id);
		else
			phonectl_error("%s: cannot read feature report %u: %s", d->name, id,
				       strerror(-n));
		free(buf);
		return EXIT_FAILURE;
	}
	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_string(&j, "device", d->name);
		json_uint(&j, "report_id", id);
		json_uint(&j, "length", (uint64_t)n);
		json_array_begin(&j, "bytes");
		for (int i = 0; i < n; i++)
			json_uint(&j, NULL, buf[i]);
		json_array_end(&j);
		json_bool(&j, "replay", d->replay);
		json_object_end(&j);
		json_finish(&j);
	} else {
		char *hex = malloc((size_t)n * 3 + 1);

		if (hex) {
			hex_format_bytes(buf, (size_t)n, hex, (size_t)n * 3 + 1);
			printf("%s\n", hex);
		}
		free(hex);
	}
	free(buf);
	return EXIT_SUCCESS;
}

/* data: the report prefixed, as it was given. */
static int send_report(struct raw_device *d, bool feature, const uint8_t *data, size_t len,
		       bool json)
{
	const uint8_t *report;
	size_t report_len;
	uint8_t id;
	int rc;

	check_size(d, feature ? RDESC_FEATURE : RDESC_OUTPUT, data[0], len);
	rc = report_unprefix(data, len, &id, &report, &report_len);
	if (rc == 0)
		rc = feature ? transport_set_feature(d->t, id, report, report_len) :
			       transport_write(d->t, id, report, report_len);
	if (rc < 0) {
		phonectl_error("%s: cannot send %s report %u: %s", d->name,
			       feature ? "feature" : "output", data[0], strerror(-rc));
		return EXIT_FAILURE;
	}
	fflush(stdout);
	print_sent(d, feature ? "feature" : "output", data[0], len, json);
	return EXIT_SUCCESS;
}

/* Options common to both commands: --json and --help. Returns -1 to go on, else an exit status. */
static int parse_options(int argc, char **argv, struct phonectl_options *opts, const char *usage)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	optind = 1;
	/* "+": stop at the first operand, so hex bytes are never taken for options. */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': opts->json = 1; break;
		case 'h':
			printf("%s", usage);
			return EXIT_SUCCESS;
		default:
			fprintf(stderr, "%s", usage);
			return EXIT_USAGE;
		}
	}
	return -1;
}

int phonectl_feature(int argc, char **argv, const struct phonectl_options *global)
{
	static const char usage[] = "Usage: phonectl feature get DEVICE ID\n"
				    "       phonectl feature set DEVICE ID HEX...\n";
	struct phonectl_options opts = *global;
	struct raw_device d;
	uint8_t *data = NULL, id;
	bool set;
	long n = 0;
	int rc = parse_options(argc, argv, &opts, usage);

	if (rc >= 0)
		return rc;
	argc -= optind;
	argv += optind;
	if (argc < 1 || (strcmp(argv[0], "get") != 0 && strcmp(argv[0], "set") != 0)) {
		phonectl_error("feature wants get or set%s%s%s", argc ? " (not '" : "",
			       argc ? argv[0] : "", argc ? "')" : "");
		fprintf(stderr, "%s", usage);
		return EXIT_USAGE;
	}
	set = strcmp(argv[0], "set") == 0;
	if ((!set && argc != 3) || (set && argc < 4)) {
		phonectl_error("feature %s takes DEVICE ID%s", argv[0], set ? " HEX..." : "");
		fprintf(stderr, "%s", usage);
		return EXIT_USAGE;
	}
	if (parse_id(argv[2], &id) < 0)
		return EXIT_USAGE;
	if (set) {
		data = malloc(MAX_BYTES);
		if (!data) {
			phonectl_error("out of memory");
			return EXIT_FAILURE;
		}
		data[0] = id;
		n = parse_hex(argc - 3, argv + 3, data + 1, MAX_BYTES - 1);
		if (n < 0) {
			free(data);
			return EXIT_USAGE;
		}
	}
	if (raw_open(&d, "feature", argv[1], set && !opts.json) < 0) {
		raw_close(&d);
		free(data);
		return EXIT_FAILURE;
	}
	rc = set ? send_report(&d, true, data, (size_t)n + 1, opts.json) :
		   feature_get(&d, id, opts.json);
	raw_close(&d);
	free(data);
	return rc;
}

int phonectl_output(int argc, char **argv, const struct phonectl_options *global)
{
	static const char usage[] = "Usage: phonectl output DEVICE HEX...   (report id first, 0 "
				    "when the device has none)\n";
	struct phonectl_options opts = *global;
	struct raw_device d;
	uint8_t *data;
	long n;
	int rc = parse_options(argc, argv, &opts, usage);

	if (rc >= 0)
		return rc;
	argc -= optind;
	argv += optind;
	if (argc < 2) {
		phonectl_error("output takes DEVICE HEX... (the report, id first)");
		fprintf(stderr, "%s", usage);
		return EXIT_USAGE;
	}
	data = malloc(MAX_BYTES);
	if (!data) {
		phonectl_error("out of memory");
		return EXIT_FAILURE;
	}
	n = parse_hex(argc - 1, argv + 1, data, MAX_BYTES);
	if (n < 0) {
		free(data);
		return EXIT_USAGE;
	}
	if (raw_open(&d, "output", argv[0], !opts.json) < 0) {
		raw_close(&d);
		free(data);
		return EXIT_FAILURE;
	}
	rc = send_report(&d, false, data, (size_t)n, opts.json);
	raw_close(&d);
	free(data);
	return rc;
}
