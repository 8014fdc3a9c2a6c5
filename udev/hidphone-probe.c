/*
 * hidphone-probe: tells udev whether a hidraw node is a telephony device.
 *
 *   hidphone-probe /sys/devices/.../hidraw/hidraw3   (70-hidphone.rules passes %S%p)
 *   hidphone-probe --rdesc FILE                      (hex text, recording or raw bytes)
 *
 * A device is a phone when its report descriptor has a top-level collection on the
 * Telephony page, which is what class-compliant phones and headsets declare whoever made
 * them; a VID:PID list would miss every device released after it was written. For a phone
 * it prints udev properties for IMPORT{program}:
 *
 *   ID_HIDPHONE=1
 *   ID_HIDPHONE_COLLECTION=0x000b0005      (page << 16 | usage of the first such collection)
 *
 * and nothing for anything else. Exit status (udev 252 imports stdout only on status 0, and
 * logs a failure, like our stderr, at debug level only):
 *   0  the question was answered: phone, not a phone, or a descriptor we cannot parse
 *   1  the descriptor could not be read (or memory ran out): no answer
 *   2  usage error
 *
 * It runs for every hidraw node at every boot, so it does one bounded read and links only
 * the core parser and libc (no libudev: the rule hands over the path).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/telephony-map.h"
#include "hid/hidraw-node.h"
#include "hid/rdesc-load.h"
#include "hid/rdesc.h"

/* The property names, here and in 70-hidphone.rules; see udev/README for the choice. */
#define PROP_PHONE      "ID_HIDPHONE"
#define PROP_COLLECTION "ID_HIDPHONE_COLLECTION"

enum {
	EXIT_ANSWERED = 0,
	EXIT_UNREADABLE = 1,
	EXIT_USAGE = 2,
};

static void usage(FILE *out)
{
	fputs("Usage: hidphone-probe SYSFS-PATH-OF-HIDRAW-DEVICE\n"
	      "       hidphone-probe --rdesc FILE\n"
	      "Prints " PROP_PHONE "=1 and " PROP_COLLECTION "=0xPPPPUUUU for a telephony HID\n"
	      "device (a Telephony-page top-level collection), nothing otherwise.\n", out);
}

/* The report descriptor of the HID device a hidraw sysfs directory belongs to. */
static long read_sysfs(const char *syspath, uint8_t *out, char *name, size_t name_size)
{
	const char *sep = (*syspath && syspath[strlen(syspath) - 1] == '/') ? "" : "/";

	if ((size_t)snprintf(name, name_size, "%s%sdevice/report_descriptor", syspath, sep) >=
	    name_size) {
		fprintf(stderr, "hidphone-probe: %s: path too long\n", syspath);
		return -ENAMETOOLONG;
	}
	/* one byte more than a descriptor may have: an oversized file is told apart */
	long n = sysfs_read_file(name, out, RDESC_MAX_SIZE + 1);

	if (n < 0)
		fprintf(stderr, "hidphone-probe: %s: %s\n", name, strerror((int)-n));
	return n;
}

static long read_rdesc_file(const char *path, uint8_t *out)
{
	enum rdesc_file_format format;
	struct text_error err;
	long n = rdesc_read_file(path, out, &format, &err);

	if (n >= 0)
		return n;
	/* A test input that is not a descriptor file at all is the caller's mistake: no answer. */
	if (err.line)
		fprintf(stderr, "hidphone-probe: %s:%u:%u: %s\n", path, err.line, err.column,
			err.message);
	else
		fprintf(stderr, "hidphone-probe: %s: %s\n", path, err.message);
	return n;
}

int main(int argc, char **argv)
{
	static uint8_t bytes[RDESC_MAX_SIZE + 1];
	char sysfs_name[4096];
	const char *name;
	struct rdesc_error err;
	struct rdesc *desc = NULL;
	struct tel_map map;
	long len;
	int rc;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return EXIT_ANSWERED;
	}
	if (argc == 3 && strcmp(argv[1], "--rdesc") == 0) {
		name = argv[2];
		len = read_rdesc_file(name, bytes);
	} else if (argc == 2 && argv[1][0] != '-' && argv[1][0] != '\0') {
		len = read_sysfs(argv[1], bytes, sysfs_name, sizeof(sysfs_name));
		name = sysfs_name;
	} else {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (len < 0)
		return EXIT_UNREADABLE;

	/*
	 * A descriptor we cannot parse (malformed, truncated, or beyond the parser's limits)
	 * still gets exit status 0 and no properties. The kernel accepted it, or there would be
	 * no hidraw node, but the provider parses with this same parser and would reject the
	 * device, so granting access to it would give the user a node nothing here can drive.
	 * And it is an answer about the device, not a failure of the probe: a non-zero status
	 * would only add udev's "returned 1 (error)" debug line to our own stderr one, which udev
	 * logs at debug level (`udevadm control --log-level=debug` shows both). Status 1 is kept
	 * for "could not look", where retriggering the device may give a different answer.
	 */
	if ((size_t)len > RDESC_MAX_SIZE) {
		fprintf(stderr, "hidphone-probe: %s: descriptor larger than %u bytes, ignored\n",
			name, RDESC_MAX_SIZE);
		return EXIT_ANSWERED;
	}
	rc = rdesc_parse(bytes, (size_t)len, &desc, &err);
	if (rc == -ENOMEM) {
		fprintf(stderr, "hidphone-probe: %s: out of memory\n", name);
		return EXIT_UNREADABLE;
	}
	if (rc < 0) {
		fprintf(stderr, "hidphone-probe: %s: byte offset %zu (0x%zx): %s; not a phone\n",
			name, err.offset, err.offset, err.message);
		return EXIT_ANSWERED;
	}
	if (!tel_is_phone(desc)) {
		rdesc_free(desc);
		return EXIT_ANSWERED;
	}
	rc = tel_map_build(desc, &map);
	rdesc_free(desc);
	if (rc < 0) {
		fprintf(stderr, "hidphone-probe: %s: %s\n", name, strerror(-rc));
		return EXIT_UNREADABLE;
	}
	/* Both lines or neither: udev discards all of stdout when the status is not 0. */
	printf(PROP_PHONE "=1\n" PROP_COLLECTION "=0x%08x\n", (unsigned)map.collection_usage);
	tel_map_release(&map);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "hidphone-probe: writing to stdout: %s\n", strerror(errno));
		return EXIT_UNREADABLE;
	}
	return EXIT_ANSWERED;
}
