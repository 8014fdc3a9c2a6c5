/*
 * phonectl profile: a starter profile for a new phone (devices/data/README has the keys).
 *
 * The section matches the device by bus and VID:PID (its descriptor hash commented out, for
 * phones that share ids), says AttrProtocol=hid so it is a valid section from the start,
 * and lists, as comments, what the descriptor suggests checking: a keypad array that cannot
 * say "no key", a hook switch that toggles, an Off-Hook LED the device may want echoed,
 * controls flagged Constant. The output parses as it is; it is checked before it is written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "devices/phone-model.h"
#include "devices/profile.h"
#include "devices/telephony-map.h"
#include "hid/hidraw-node.h"
#include "hid/rdesc-load.h"
#include "hid/recording.h"
#include "hid/usage-ids.h"
#include "hid/usage-names.h"
#include "phonectl-session.h"
#include "phonectl.h"

struct device {
	const char *source;
	uint16_t bus, vendor, product;
	char name[128];
	uint8_t rdesc[RDESC_MAX_SIZE];
	size_t len;
};

static int load(struct device *dev, const char *path)
{
	enum rdesc_file_format format;
	struct text_error err;
	long n;

	dev->source = path;
	if (session_refuse_usb(path, "profile"))
		return -1;
	if (strncmp(path, "/dev/", 5) == 0) {
		struct hidraw_node_info info;

		n = hidraw_node_descriptor(path, dev->rdesc, sizeof(dev->rdesc));
		if (n < 0) {
			phonectl_error("%s: cannot read the report descriptor: %s", path,
				       strerror((int)-n));
			return -1;
		}
		dev->len = (size_t)n;
		if (hidraw_node_info(path, &info) == 0) {
			dev->bus = (uint16_t)info.bus;
			dev->vendor = info.vendor;
			dev->product = info.product;
			snprintf(dev->name, sizeof(dev->name), "%s", info.name);
		}
		return 0;
	}
	n = rdesc_read_file(path, dev->rdesc, &format, &err);
	if (n < 0) {
		phonectl_error("%s:%u: %s", path, err.line, err.message);
		return -1;
	}
	dev->len = (size_t)n;
	if (format == RDESC_FILE_RECORDING) {
		struct recording *rec = NULL;

		if (recording_read_file(path, &rec, &err) == 0 && rec->n_devices) {
			dev->bus = rec->devices[0].bus;
			dev->vendor = rec->devices[0].vendor;
			dev->product = rec->devices[0].product;
			snprintf(dev->name, sizeof(dev->name), "%s", rec->devices[0].name);
		}
		recording_free(rec);
	}
	return 0;
}

/* A section name the grammar takes: no brackets, quotes or control characters, trimmed. */
static void section_name(const struct device *dev, char *out, size_t size)
{
	size_t n = 0;

	for (const char *c = dev->name; *c && n + 1 < size && n < 80; c++) {
		if (*c == '[' || *c == ']' || *c == '"' || *c == '\'' || (unsigned char)*c < 0x20 ||
		    (unsigned char)*c > 0x7e)
			continue;
		if (*c == ' ' && (n == 0 || out[n - 1] == ' '))
			continue;
		out[n++] = *c;
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	if (!n && dev->vendor)
		snprintf(out, size, "Phone %04X:%04X", dev->vendor, dev->product);
	else if (!n)
		snprintf(out, size, "New phone");
}

/* What the descriptor suggests checking, as comment lines. */
static void suggestions(FILE *out, const struct phone_model *m)
{
	const struct rdesc *d = m->desc;
	bool keypad_done = false;

	for (int dev = 0; dev < PHONE_HOOK_DEVICES; dev++) {
		const struct phone_hook *h = &m->hooks[dev];

		/* AttrHookSwitch is about the Hook Switch; a Speaker Phone key toggles by nature. */
		if (!h->present || dev == PHONE_HOOK_SPEAKER)
			continue;
		fprintf(out, "# The %s hook switch is declared %s. If the phone flips it on each\n"
			     "# lift instead (or reports a level although declared relative):\n"
			     "#AttrHookSwitch=%s\n",
			dev == PHONE_HOOK_HEADSET ? "headset" : "handset",
			h->style == PHONE_INPUT_TOGGLE ? "relative (a toggle)" : "absolute (a level)",
			h->style == PHONE_INPUT_TOGGLE ? "absolute" : "toggle");
		if (h->settable)
			fprintf(out, "# It has an Off-Hook LED: the provider echoes hook changes there.\n"
				     "# If the device answers the LED with a hook report, give the window:\n"
				     "#AttrOffHookEcho=echo\n#AttrOffHookAckWindow=500\n");
		if (h->input.field->flags & RDESC_CONSTANT)
			fprintf(out, "# Its Hook Switch is flagged Constant. If it never changes:\n"
				     "#AttrIgnoreUsages=0x%04X:0x%04X\n", USAGE_PAGE(h->usage),
				USAGE_ID(h->usage));
	}
	for (uint32_t id = 0; id < PHONE_KEYPAD_IDS && !keypad_done; id++) {
		const struct phone_button *b = &m->buttons[id];
		const struct rdesc_field *f = b->input.field;

		if (!b->keypad || !rdesc_field_is_array(f))
			continue;
		keypad_done = true;
		if (f->flags & RDESC_NULL_STATE || f->logical_min > 0)
			continue;
		fprintf(out, "# The keypad array has no Null flag and value %lld names a key, so it\n"
			     "# cannot say \"no key\". If the idle phone shows that key held down:\n"
			     "#AttrKeypadIdle=%lld\n", (long long)f->logical_min,
			(long long)f->logical_min);
	}
	if (m->display.present)
		fprintf(out, "# Display: %ux%u from the cursor ranges. If the glass is smaller:\n"
			     "#AttrDisplaySize=%ux%u\n", m->display.columns, m->display.rows,
			m->display.columns, m->display.rows);
	else
		fprintf(out, "# No Alphanumeric Display. A display on a vendor page that reuses its\n"
			     "# usage ids (desk phones do, e.g. 0xFF99):\n#AttrDisplayPage=0xFF99\n");
	if (m->ringer.field)
		fprintf(out, "# A HID ringer. If the phone rings through its sound card instead:\n"
			     "#AttrRinger=audio\n");
	(void)d;
	fprintf(out, "# Button texts and functions, by usage:\n"
		     "#AttrButtonLabels=0x000B:0x0021=R\n#AttrButtonFunctions=0x000B:0x0021=FLASH\n"
		     "# Reports the phone needs at open (kind, report id, bytes):\n"
		     "#AttrInitReports=output:0x02:01 00\n");
}

static int write_profile(FILE *out, const struct device *dev, const struct phone_model *m)
{
	char name[96];

	section_name(dev, name, sizeof(name));
	fprintf(out, "# A starter profile for %s, written by phonectl profile from\n# %s.\n"
		     "# Keep the keys the phone needs, say in a comment above each which device and\n"
		     "# which recording shows the quirk, and put the file in /etc/hidphone/profiles.d/\n"
		     "# (or in devices/data/, below the line \"# Do not edit this file, it will be\n"
		     "# overwritten on update\" that shipped files start with). Check it with\n"
		     "# HIDPHONE_PROFILES=DIR phonectl describe.\n",
		name, dev->source);
	fprintf(out, "\n[%s]\n", name);
	if (dev->bus == 3 || dev->bus == 5)
		fprintf(out, "MatchBus=%s\n", dev->bus == 3 ? "usb" : "bluetooth");
	if (dev->vendor) {
		fprintf(out, "MatchVendor=0x%04X\nMatchProduct=0x%04X\n", dev->vendor, dev->product);
		fprintf(out, "# Phones sharing these ids (one chip, many OEM phones) are told apart by\n"
			     "# the descriptor:\n#MatchDescriptorHash=0x%016llX\n",
			(unsigned long long)profile_descriptor_hash(dev->rdesc, dev->len));
	} else {
		/* No ids known: the descriptor itself is the match. */
		fprintf(out, "MatchDescriptorHash=0x%016llX\n",
			(unsigned long long)profile_descriptor_hash(dev->rdesc, dev->len));
	}
	fprintf(out, "AttrProtocol=hid\n");
	suggestions(out, m);
	return ferror(out) ? -EIO : 0;
}

int phonectl_profile(int argc, char **argv, const struct phonectl_options *global)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct device *dev = calloc(1, sizeof(*dev));
	struct phone_model *m = NULL;
	struct profile_set set = { 0 };
	const char *output = NULL;
	char *text = NULL;
	size_t text_len = 0;
	FILE *mem = NULL, *out;
	int c, rc = EXIT_FAILURE;

	(void)global;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'h':
			printf("Usage: phonectl profile [-o FILE] DEVICE\n"
			       "DEVICE: a hidraw node, a recording or a descriptor file.\n");
			free(dev);
			return EXIT_SUCCESS;
		default:
			free(dev);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		phonectl_error("profile takes one DEVICE");
		free(dev);
		return EXIT_USAGE;
	}
	if (!dev || load(dev, argv[optind]) < 0)
		goto out;
	rc = phone_model_build(dev->rdesc, dev->len, &m);
	if (rc < 0) {
		phonectl_error("%s: %s", dev->source, rc == -ENODEV ?
			       "no Telephony-page collection: not a phone the provider drives" :
			       "the report descriptor does not parse");
		rc = EXIT_FAILURE;
		goto out;
	}
	rc = EXIT_FAILURE;
	/* Written to memory first: what goes out must parse. */
	mem = open_memstream(&text, &text_len);
	if (!mem || write_profile(mem, dev, m) < 0 || fclose(mem) != 0) {
		phonectl_error("out of memory");
		mem = NULL;
		goto out;
	}
	mem = NULL;
	if (profile_parse_text(&set, "starter.phone", text, text_len) != 0) {
		phonectl_error("the starter profile does not parse: %s", set.errors[0]);
		goto out;
	}
	out = output ? fopen(output, "w") : stdout;
	if (!out) {
		phonectl_error("%s: %s", output, strerror(errno));
		goto out;
	}
	fwrite(text, 1, text_len, out);
	if ((output ? fclose(out) : fflush(out)) != 0) {
		phonectl_error("%s: %s", output ? output : "stdout", strerror(errno));
		goto out;
	}
	rc = EXIT_SUCCESS;
out:
	if (mem)
		fclose(mem);
	free(text);
	profile_set_release(&set);
	phone_model_free(m);
	free(dev);
	return rc;
}
