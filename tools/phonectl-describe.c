/*
 * phonectl describe: what a report descriptor declares, and what a phone provider makes of it.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/matrix-find.h"
#include "devices/matrix-scan.h"
#include "devices/phone-model.h"
#include "devices/profile.h"
#include "devices/telephony-map.h"
#include "hid/hex-text.h"
#include "hid/hidraw-node.h"
#include "hid/rdesc-load.h"
#include "hid/rdesc.h"
#include "hid/usage-ids.h"
#include "hid/usage-names.h"
#include "hid/recording.h"
#include "json-writer.h"
#include "phonectl-audio.h"
#include "phonectl-session.h"
#include "phonectl.h"
#include "tapi-names.h"

/* linux/input.h's BUS_USB; that header's LED_ names clash with hid/usage-ids.h's. */
enum { DESCRIBE_BUS_USB = 3 };

struct source {
	const char *name;          /* file or node, for messages */
	const char *format;
	bool is_node;
	bool is_usb;               /* a phone over libusb: name is its path, usb:BUS:ADDR:IF */
	char path[256];            /* is_usb: the provider's path of it */
	char protocol[16];         /* is_usb: its scan protocol */
	struct hidraw_node_info info;
	uint8_t bytes[RDESC_MAX_SIZE];
	size_t len;
};

static int load_file(struct source *src, const char *path)
{
	enum rdesc_file_format format = RDESC_FILE_BINARY;
	struct text_error err;
	long n = rdesc_read_file(path, src->bytes, &format, &err);

	if (n < 0) {
		if (err.line)
			phonectl_error("%s:%u:%u: %s", path, err.line, err.column, err.message);
		else
			phonectl_error("%s: %s", path, err.message);
		return -1;
	}
	src->name = path;
	src->format = rdesc_file_format_name(format);
	src->len = (size_t)n;
	/* A recording says which device it is (I:, N:): the profiles match on that. */
	if (format == RDESC_FILE_RECORDING) {
		struct recording *rec = NULL;

		if (recording_read_file(path, &rec, &err) == 0 && rec->n_devices) {
			src->info.bus = rec->devices[0].bus;
			src->info.vendor = rec->devices[0].vendor;
			src->info.product = rec->devices[0].product;
			snprintf(src->info.name, sizeof(src->info.name), "%s", rec->devices[0].name);
		}
		recording_free(rec);
	}
	return 0;
}

static int load_node(struct source *src, const char *node)
{
	long n = hidraw_node_descriptor(node, src->bytes, sizeof(src->bytes));

	if (n < 0) {
		phonectl_error("%s: cannot read the report descriptor: %s", node, strerror((int)-n));
		return -1;
	}
	src->name = node;
	src->format = "hidraw";
	src->is_node = true;
	src->len = (size_t)n;
	if (hidraw_node_info(node, &src->info) < 0)
		memset(&src->info, 0, sizeof(src->info));
	return 0;
}

/* A phone over libusb as the walker found it: its descriptor is the one the scan presents. */
static void load_usb(struct source *src, const struct transport_info *info,
		     const char *protocol)
{
	snprintf(src->path, sizeof(src->path), "%s", info->path);
	snprintf(src->protocol, sizeof(src->protocol), "%s", protocol);
	src->name = src->path;
	src->format = "scan";
	src->is_usb = true;
	memcpy(src->bytes, info->rdesc, info->rdesc_len);
	src->len = info->rdesc_len;
	src->info.bus = DESCRIBE_BUS_USB;
	src->info.vendor = info->vendor;
	src->info.product = info->product;
	/* Cut as the hidraw node's strings are (hid/hidraw-node.h sizes them). */
	snprintf(src->info.name, sizeof(src->info.name), "%.60s%s%.60s", info->manufacturer,
		 info->manufacturer[0] && info->product_name[0] ? " " : "", info->product_name);
	snprintf(src->info.uniq, sizeof(src->info.uniq), "%.63s", info->serial);
}

static void format_flags(uint16_t flags, char *buf, size_t size)
{
	snprintf(buf, size, "%s,%s,%s%s%s%s%s%s%s", flags & RDESC_CONSTANT ? "Cnst" : "Data",
		 flags & RDESC_VARIABLE ? "Var" : "Arr", flags & RDESC_RELATIVE ? "Rel" : "Abs",
		 flags & RDESC_WRAP ? ",Wrap" : "", flags & RDESC_NONLINEAR ? ",NonLin" : "",
		 flags & RDESC_NO_PREFERRED ? ",NoPref" : "", flags & RDESC_NULL_STATE ? ",Null" : "",
		 flags & RDESC_VOLATILE ? ",Vol" : "", flags & RDESC_BUFFERED_BYTES ? ",Buf" : "");
}

static const char *collection_type_name(uint8_t type)
{
	static const char *names[] = { "Physical", "Application", "Logical", "Report",
				       "NamedArray", "UsageSwitch", "UsageModifier" };

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "Vendor";
}

/* The key a keypad usage stands for: '0'-'9', '*', '#', 'A'-'D'. */
static char keypad_char(uint32_t usage)
{
	static const char keys[] = "0123456789*#ABCD";
	unsigned id = USAGE_ID(usage);

	if (USAGE_PAGE(usage) != UP_TELEPHONY || id < TEL_KEY_0 || id > TEL_KEY_D)
		return '?';
	return keys[id - TEL_KEY_0];
}

static void print_header(const struct source *src)
{
	if (src->is_node && src->info.vendor)
		printf("device: %s  \"%s\"  %04x:%04x\n", src->name, src->info.name,
		       src->info.vendor, src->info.product);
	if (src->is_node)
		phonectl_sound_card_text(src->name, "");
	if (src->is_usb) {
		printf("device: %s  \"%s\"  %04x:%04x\n", src->name, src->info.name,
		       src->info.vendor, src->info.product);
		phonectl_sound_card_text(src->name, "");
		printf("transport: libusb, %s keypad scan (devices/matrix-scan.c)\n", src->protocol);
		printf("descriptor: the one the %s scan presents, made from the profile below, "
		       "%zu bytes\n", src->protocol, src->len);
		return;
	}
	printf("descriptor: %s (%s), %zu bytes\n", src->name, src->format, src->len);
}

static void print_collections(const struct rdesc *d)
{
	char name[64];

	printf("collections:\n");
	for (size_t i = 0; i < d->n_collections; i++) {
		const struct rdesc_collection *c = &d->collections[i];

		usage_format(c->usage, name, sizeof(name));
		printf("  %*s%s %s\n", 2 * c->depth, "", collection_type_name(c->type),
		       c->usage ? name : "(no usage)");
	}
}

static void print_reports(const struct rdesc *d)
{
	printf("reports:%s\n", d->numbered ? "" : " (unnumbered)");
	for (int kind = 0; kind < RDESC_KIND_COUNT; kind++) {
		for (size_t i = 0; i < d->n_reports; i++) {
			const struct rdesc_report *r = &d->reports[i];

			if (r->kind != kind)
				continue;
			printf("  %-7s id %3u  %4zu bytes (%u payload bits)\n",
			       rdesc_kind_name(kind), r->id, rdesc_report_bytes(d, r), r->bits);
		}
	}
}

static void print_field(const struct rdesc *d, const struct rdesc_field *f)
{
	char flags[64], name[64], last[64];

	format_flags(f->flags, flags, sizeof(flags));
	printf("  %-7s id %3u  bit %4u  %3ux%-2u  ", rdesc_kind_name(f->kind), f->report_id,
	       f->bit_offset, f->count, f->bit_size);
	if (rdesc_field_is_array(f) && f->usages_count) {
		usage_format(d->usages[f->usages_first], name, sizeof(name));
		usage_format(d->usages[f->usages_first + f->usages_count - 1], last, sizeof(last));
		if (f->usages_count == 1)
			printf("array [%s]", name);
		else
			printf("array [%s .. %s] (%u usages)", name, last, f->usages_count);
	} else if (f->usage) {
		usage_format(f->usage, name, sizeof(name));
		printf("%s", name);
	} else {
		printf("(padding)");
	}
	printf("  %lld..%lld  %s\n", (long long)f->logical_min, (long long)f->logical_max, flags);
}

static void print_fields(const struct rdesc *d)
{
	printf("fields:\n");
	for (size_t i = 0; i < d->n_fields; i++)
		print_field(d, &d->fields[i]);
}

static void print_place(const struct rdesc_field *f)
{
	printf("%s report %u, bit %u", rdesc_kind_name(f->kind), f->report_id, f->bit_offset);
	if (f->count * f->bit_size > 1)
		printf("-%u", f->bit_offset + f->count * f->bit_size - 1);
	if (f->kind == RDESC_INPUT)
		printf(", %s", rdesc_field_is_array(f) ? "array" :
			       f->flags & RDESC_RELATIVE ? "relative" : "absolute");
	if (f->flags & RDESC_CONSTANT)
		printf(", declared constant");
}

static void print_telephony(const struct rdesc *d, const struct tel_map *map)
{
	char name[64];

	printf("telephony:\n");
	if (map->n_collections == 0) {
		printf("  none: no top-level collection on the Telephony page, not a phone\n");
		return;
	}
	usage_format(map->collection_usage, name, sizeof(name));
	printf("  phone collection: %s\n", name);
	for (int role = 0; role < TEL_ROLE_COUNT; role++) {
		size_t n = 0;

		for (size_t i = 0; i < map->n_controls; i++) {
			const struct tel_control *c = &map->controls[i];
			const struct rdesc_field *f = &d->fields[c->field];

			if (c->role != (enum tel_role)role)
				continue;
			if (n++ == 0)
				printf("  %s:\n", tel_role_name(c->role));
			if (c->role == TEL_ROLE_KEYPAD) {
				/* The keys of one array field share a place: list them on one line. */
				size_t j = i;

				printf("    keys");
				while (j < map->n_controls && map->controls[j].field == c->field &&
				       map->controls[j].role == TEL_ROLE_KEYPAD)
					printf(" %c", keypad_char(map->controls[j++].usage));
				printf("  (");
				print_place(f);
				printf(")\n");
				i = j - 1;
				continue;
			}
			usage_format(c->usage, name, sizeof(name));
			printf("    %-28s (", name);
			print_place(f);
			printf(")\n");
		}
		if (n == 0 && (role == TEL_ROLE_HOOKSWITCH || role == TEL_ROLE_LAMP ||
			       role == TEL_ROLE_RINGER || role == TEL_ROLE_DISPLAY))
			printf("  %s: none\n", tel_role_name((enum tel_role)role));
	}
}

static void json_usage_name(struct json *j, const char *key, uint32_t usage)
{
	char name[64];

	usage_format(usage, name, sizeof(name));
	json_string(j, key, name);
}

static void json_field(struct json *j, const struct rdesc *d, const struct rdesc_field *f)
{
	bool array = rdesc_field_is_array(f) && f->usages_count;

	json_object_begin(j, NULL);
	json_uint(j, "report_id", f->report_id);
	json_string(j, "kind", rdesc_kind_name(f->kind));
	json_uint(j, "usage_page", array ? USAGE_PAGE(d->usages[f->usages_first]) :
				   f->usage ? USAGE_PAGE(f->usage) : f->page);
	if (!array && f->usage) {
		json_uint(j, "usage", USAGE_ID(f->usage));
		json_usage_name(j, "name", f->usage);
	} else {
		json_null(j, "usage");
	}
	/* Ids for a quick look, full page:id values for arrays that mix pages (EPOS). */
	json_array_begin(j, "usages");
	for (uint32_t u = 0; array && u < f->usages_count; u++)
		json_uint(j, NULL, USAGE_ID(d->usages[f->usages_first + u]));
	json_array_end(j);
	json_array_begin(j, "extended_usages");
	for (uint32_t u = 0; array && u < f->usages_count; u++)
		json_uint(j, NULL, d->usages[f->usages_first + u]);
	json_array_end(j);
	json_uint(j, "bit_offset", f->bit_offset);
	json_uint(j, "bit_size", f->bit_size);
	json_uint(j, "count", f->count);
	json_int(j, "logical_min", f->logical_min);
	json_int(j, "logical_max", f->logical_max);
	json_bool(j, "constant", f->flags & RDESC_CONSTANT);
	json_bool(j, "variable", f->flags & RDESC_VARIABLE);
	json_bool(j, "relative", f->flags & RDESC_RELATIVE);
	json_bool(j, "null_state", f->flags & RDESC_NULL_STATE);
	json_bool(j, "no_preferred", f->flags & RDESC_NO_PREFERRED);
	json_uint(j, "flags", f->flags);
	json_bool(j, "usage_page_after_usage", f->notes & RDESC_NOTE_PAGE_AFTER_USAGE);
	json_uint(j, "descriptor_offset", f->offset);
	json_object_end(j);
}

/* The model with the profiles applied, as the provider builds it for this device. */
static struct phone_model *profiled_model(const struct source *src)
{
	struct profile_device dev = { .bus = (uint16_t)src->info.bus, .vendor = src->info.vendor,
				      .product = src->info.product, .name = src->info.name };
	struct phone_model *m = NULL;

	if (phone_model_build_device(src->bytes, src->len, &dev, NULL, &m) < 0)
		return NULL;
	return m;
}

static void print_profile(const struct source *src, const struct phone_model *m)
{
	const struct phone_profile_info *pi = &m->profile;

	printf("profiles (%s):\n", profile_default_dirs());
	if (src->info.vendor)
		printf("  device: bus %u, %04x:%04x, \"%s\"\n", src->info.bus, src->info.vendor,
		       src->info.product, src->info.name);
	else
		printf("  device: ids unknown (a descriptor file; --usb VID:PID and --name say them)\n");
	printf("  descriptor hash: 0x%016llX\n",
	       (unsigned long long)profile_descriptor_hash(src->bytes, src->len));
	for (size_t i = 0; i < pi->n_errors && i < PROFILE_MAX_ERRORS; i++)
		printf("  skipped, profile bug: %s\n", pi->errors[i]);
	if (pi->n_matched == 0) {
		printf("  matched: none (phonectl profile writes a starter profile)\n");
		return;
	}
	for (size_t i = 0; i < pi->n_matched; i++)
		printf("  matched: %s\n", pi->matched[i]);
	for (int k = 0; k < PROFILE_KEY_COUNT; k++) {
		if (!(pi->applied & (1u << k)))
			continue;
		printf("  %s=%s\n      from %s\n      %s\n", profile_key_name((enum profile_key)k),
		       pi->value[k], pi->origin[k], pi->effect[k]);
	}
}

static void json_profile(struct json *j, const struct source *src, const struct phone_model *m)
{
	const struct phone_profile_info *pi = &m->profile;
	char hash[32];

	snprintf(hash, sizeof(hash), "0x%016llX",
		 (unsigned long long)profile_descriptor_hash(src->bytes, src->len));
	json_object_begin(j, "profile");
	json_string(j, "dirs", profile_default_dirs());
	json_string(j, "descriptor_hash", hash);
	json_array_begin(j, "errors");
	for (size_t i = 0; i < pi->n_errors && i < PROFILE_MAX_ERRORS; i++)
		json_string(j, NULL, pi->errors[i]);
	json_array_end(j);
	json_array_begin(j, "matched");
	for (size_t i = 0; i < pi->n_matched; i++)
		json_string(j, NULL, pi->matched[i]);
	json_array_end(j);
	json_array_begin(j, "keys");
	for (int k = 0; k < PROFILE_KEY_COUNT; k++) {
		if (!(pi->applied & (1u << k)))
			continue;
		json_object_begin(j, NULL);
		json_string(j, "key", profile_key_name((enum profile_key)k));
		json_string(j, "value", pi->value[k]);
		json_string(j, "from", pi->origin[k]);
		json_string(j, "effect", pi->effect[k]);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

/*
 * The phone as a TAPI host sees it: PHONECAPS from the provider. A device is asked
 * directly; a descriptor file is played as a one-line recording, so the caps come from the
 * same code a host runs. NULL when the provider cannot be loaded or says it is no phone.
 */
static LPPHONECAPS tapi_caps(const struct source *src, struct session *s, char *path)
{
	struct recording_device dev = { .bus = src->info.bus ? (uint16_t)src->info.bus : 3,
					.vendor = src->info.vendor, .product = src->info.product };
	LPPHONECAPS caps = NULL;
	const char *device = src->name;
	FILE *f = NULL;
	int fd = -1;

	if (!src->is_node && !src->is_usb) {
		fd = mkstemp(path);
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f)
			goto out;
		snprintf(dev.name, sizeof(dev.name), "%s", src->name);
		dev.rdesc = (uint8_t *)src->bytes;
		dev.rdesc_len = src->len;
		recording_write_device(f, &dev, false);
		fclose(f);
		f = NULL;
		device = path;
	}
	/* The provider's messages about what it cannot use are for monitor and list. */
	setenv("HIDPHONE_LOG", "error", 0);
	if (session_start(s, src->is_usb ? src->path : device, "replay+fast") < 0)
		goto out;
	caps = session_caps(s, s->device_id);
out:
	return caps;
}

/* The per-id arrays of PHONECAPS; all NULL unless every one is there and whole. */
struct caps_arrays {
	const DWORD *modes, *functions, *lamps;
};

static const DWORD *caps_array(LPPHONECAPS caps, DWORD offset, DWORD size, DWORD n)
{
	return size >= n * 4 ? (const DWORD *)((const uint8_t *)caps + offset) : NULL;
}

static struct caps_arrays caps_arrays(LPPHONECAPS caps)
{
	DWORD n = caps->dwNumButtonLamps;
	struct caps_arrays a = {
		caps_array(caps, caps->dwButtonModesOffset, caps->dwButtonModesSize, n),
		caps_array(caps, caps->dwButtonFunctionsOffset, caps->dwButtonFunctionsSize, n),
		caps_array(caps, caps->dwLampModesOffset, caps->dwLampModesSize, n),
	};

	if (!a.modes || !a.functions || !a.lamps)
		a = (struct caps_arrays){ 0 };
	return a;
}

static void print_caps(struct session *s, LPPHONECAPS caps)
{
	struct caps_arrays a = caps_arrays(caps);
	char name[128], states[256];

	printf("tapi (PHONECAPS from the provider):\n");
	printf("  name: %s\n", session_string(caps, caps->dwPhoneNameOffset, caps->dwPhoneNameSize,
					      name, sizeof(name)));
	printf("  permanent id: 0x%08x\n", caps->dwPermanentPhoneID);
	printf("  phone states: %s\n", tapi_phonestate_names(caps->dwPhoneStates, states,
							     sizeof(states)));
	for (DWORD bit = 1; bit <= PHONEHOOKSWITCHDEV_HEADSET; bit <<= 1) {
		DWORD settable = bit == PHONEHOOKSWITCHDEV_HANDSET ? caps->dwSettableHandsetHookSwitchModes :
				 bit == PHONEHOOKSWITCHDEV_SPEAKER ? caps->dwSettableSpeakerHookSwitchModes :
				 caps->dwSettableHeadsetHookSwitchModes;

		if (caps->dwHookSwitchDevs & bit)
			printf("  hook switch: %s (%s)\n", tapi_hookswitchdev_name(bit),
			       settable ? "reported and settable" : "reported");
	}
	printf("  ring modes: %u\n", caps->dwNumRingModes);
	printf("  display: %ux%u\n", caps->dwDisplayNumRows, caps->dwDisplayNumColumns);
	printf("  buttons and lamps: %u ids%s\n", caps->dwNumButtonLamps,
	       s->hd ? "" : " (their names need access to the device: see phonectl list)");
	for (DWORD id = 0; a.modes && id < caps->dwNumButtonLamps; id++) {
		uint8_t buf[256];
		LPPHONEBUTTONINFO info = (LPPHONEBUTTONINFO)buf;
		char text[64] = "";

		if (a.modes[id] == PHONEBUTTONMODE_DUMMY && a.lamps[id] == PHONELAMPMODE_DUMMY)
			continue;
		info->dwTotalSize = sizeof(buf);
		if (s->hd && s->h->phoneGetButtonInfo(s->hd, id, info) == 0)
			session_string(buf, info->dwButtonTextOffset, info->dwButtonTextSize, text,
				       sizeof(text));
		char lamp[96] = "-";
		size_t used = 0;

		for (DWORD bit = PHONELAMPMODE_OFF; bit <= PHONELAMPMODE_UNKNOWN && a.lamps[id] !=
		     PHONELAMPMODE_DUMMY; bit <<= 1) {
			if (a.lamps[id] & bit)
				used += (size_t)snprintf(lamp + used, sizeof(lamp) - used, "%s%s",
							 used ? "|" : "", tapi_lampmode_name(bit));
		}
		printf("    %3u  %-26s button %-8s %-13s lamp %s\n", id, text,
		       tapi_buttonmode_name(a.modes[id]), tapi_buttonfunction_name(a.functions[id]),
		       lamp);
	}
	printf("  what changes them: the report descriptor and the profiles above\n");
}

static void json_caps(struct json *j, LPPHONECAPS caps)
{
	struct caps_arrays a = caps_arrays(caps);
	char name[128];

	json_object_begin(j, "tapi");
	json_string(j, "name", session_string(caps, caps->dwPhoneNameOffset, caps->dwPhoneNameSize,
					      name, sizeof(name)));
	json_uint(j, "permanent_id", caps->dwPermanentPhoneID);
	json_uint(j, "phone_states", caps->dwPhoneStates);
	json_uint(j, "hookswitch_devs", caps->dwHookSwitchDevs);
	json_uint(j, "num_ring_modes", caps->dwNumRingModes);
	json_uint(j, "display_rows", caps->dwDisplayNumRows);
	json_uint(j, "display_columns", caps->dwDisplayNumColumns);
	json_uint(j, "num_button_lamps", caps->dwNumButtonLamps);
	json_uint(j, "phone_features", caps->dwPhoneFeatures);
	json_array_begin(j, "buttons");
	for (DWORD id = 0; a.modes && id < caps->dwNumButtonLamps; id++) {
		json_object_begin(j, NULL);
		json_uint(j, "id", id);
		json_string(j, "mode", tapi_buttonmode_name(a.modes[id]));
		json_string(j, "function", tapi_buttonfunction_name(a.functions[id]));
		json_uint(j, "lamp_modes", a.lamps[id]);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void print_json(const struct source *src, const struct rdesc *d, const struct tel_map *map,
		       const struct phone_model *model, LPPHONECAPS caps)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_string(&j, "source", src->name);
	json_string(&j, "format", src->format);
	json_uint(&j, "descriptor_bytes", src->len);
	json_string(&j, "transport", src->is_usb ? "libusb" : src->is_node ? "hidraw" : "none");
	if (src->is_usb)
		json_string(&j, "scan_protocol", src->protocol);
	else
		json_null(&j, "scan_protocol");
	if (src->is_node || src->is_usb) {
		json_object_begin(&j, "device");
		json_string(&j, "name", src->info.name);
		json_uint(&j, "bus", src->info.bus);
		json_uint(&j, "vendor_id", src->info.vendor);
		json_uint(&j, "product_id", src->info.product);
		json_string(&j, "phys", src->info.phys);
		json_string(&j, "serial", src->info.uniq);
		json_object_end(&j);
	}
	if (src->is_node || src->is_usb)
		phonectl_sound_card_json(&j, src->name);
	json_bool(&j, "numbered", d->numbered);

	json_array_begin(&j, "collections");
	for (size_t i = 0; i < d->n_collections; i++) {
		const struct rdesc_collection *c = &d->collections[i];

		if (c->depth != 0)
			continue;
		json_object_begin(&j, NULL);
		json_uint(&j, "usage_page", USAGE_PAGE(c->usage));
		json_uint(&j, "usage", USAGE_ID(c->usage));
		json_usage_name(&j, "name", c->usage);
		json_string(&j, "type", collection_type_name(c->type));
		json_object_end(&j);
	}
	json_array_end(&j);

	json_array_begin(&j, "reports");
	for (size_t i = 0; i < d->n_reports; i++) {
		json_object_begin(&j, NULL);
		json_uint(&j, "id", d->reports[i].id);
		json_string(&j, "kind", rdesc_kind_name(d->reports[i].kind));
		json_uint(&j, "bits", d->reports[i].bits);
		json_uint(&j, "bytes", rdesc_report_bytes(d, &d->reports[i]));
		json_object_end(&j);
	}
	json_array_end(&j);

	json_array_begin(&j, "fields");
	for (size_t i = 0; i < d->n_fields; i++)
		json_field(&j, d, &d->fields[i]);
	json_array_end(&j);

	json_object_begin(&j, "telephony");
	json_bool(&j, "phone", map->n_collections > 0);
	if (map->n_collections) {
		json_uint(&j, "collection_usage_page", USAGE_PAGE(map->collection_usage));
		json_uint(&j, "collection_usage", USAGE_ID(map->collection_usage));
	}
	json_array_begin(&j, "controls");
	for (size_t i = 0; i < map->n_controls; i++) {
		const struct tel_control *c = &map->controls[i];
		const struct rdesc_field *f = &d->fields[c->field];

		json_object_begin(&j, NULL);
		json_string(&j, "role", tel_role_name(c->role));
		json_uint(&j, "usage_page", USAGE_PAGE(c->usage));
		json_uint(&j, "usage", USAGE_ID(c->usage));
		json_usage_name(&j, "name", c->usage);
		json_string(&j, "kind", rdesc_kind_name(f->kind));
		json_uint(&j, "report_id", f->report_id);
		json_uint(&j, "bit_offset", f->bit_offset);
		json_uint(&j, "field", c->field);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	if (model)
		json_profile(&j, src, model);
	if (caps)
		json_caps(&j, caps);
	json_object_end(&j);
	json_finish(&j);
}

static int describe_source(struct source *src, const struct phonectl_options *opts)
{
	struct rdesc_error err;
	struct rdesc *d = NULL;
	struct tel_map map;
	struct session s = { 0 };
	struct phone_model *model = NULL;
	LPPHONECAPS caps = NULL;
	/* the recording a descriptor file is played from, kept until the session ends */
	char tmp[] = "/tmp/phonectl-describe-XXXXXX";
	int rc = rdesc_parse(src->bytes, src->len, &d, &err);

	if (rc < 0) {
		phonectl_error("%s: byte offset %zu (0x%zx): %s", src->name, err.offset,
			       err.offset, err.message);
		return EXIT_FAILURE;
	}
	rc = tel_map_build(d, &map);
	if (rc < 0) {
		phonectl_error("%s: %s", src->name, strerror(-rc));
		rdesc_free(d);
		return EXIT_FAILURE;
	}
	if (map.n_collections) {
		model = profiled_model(src);
		caps = tapi_caps(src, &s, tmp);
		/* Button names need the phone open; caps do not, so without access they still show. */
		if (caps && s.h->phoneOpen(s.device_id, (HTAPIPHONE)(uintptr_t)1, &s.hd,
					   s.h->version, host_phone_event) != 0)
			s.hd = NULL;
	}
	if (opts->json) {
		print_json(src, d, &map, model, caps);
	} else {
		print_header(src);
		if (opts->verbose) {
			char hex[RDESC_MAX_SIZE * 3];

			hex_format_bytes(src->bytes, src->len, hex, sizeof(hex));
			printf("bytes: %s\n", hex);
		}
		print_collections(d);
		print_reports(d);
		print_fields(d);
		print_telephony(d, &map);
		if (model)
			print_profile(src, model);
		if (caps)
			print_caps(&s, caps);
	}
	free(caps);
	phone_model_free(model);
	session_stop(&s);
	if (strcmp(tmp, "/tmp/phonectl-describe-XXXXXX") != 0)
		unlink(tmp);
	tel_map_release(&map);
	rdesc_free(d);
	return EXIT_SUCCESS;
}

struct usb_found {
	size_t n;
	struct transport_info *infos;
	const char *only;         /* one path (usb:BUS:ADDR:IF), or NULL for every phone */
};

static void found_usb(struct udev_device *itf, const struct transport_info *info, void *ctx)
{
	struct usb_found *f = ctx;
	struct transport_info *more;

	(void)itf;
	if (f->only && strcmp(f->only, info->path) != 0)
		return;
	more = realloc(f->infos, (f->n + 1) * sizeof(*more));
	if (!more)
		return;
	f->infos = more;
	f->infos[f->n++] = *info;
}

/*
 * The phones over libusb (devices/matrix-find.c, as the provider finds them), or the one
 * at path only; each is described as the others. *found counts them, the result is
 * EXIT_FAILURE if one failed.
 */
static int describe_usb(const struct phonectl_options *opts, int *found, const char *only)
{
	struct profile_set set = { 0 };
	struct usb_found f = { .only = only };
	int rc = profile_set_load(&set, NULL), status = EXIT_SUCCESS;

	if (rc == 0)
		rc = matrix_find_all(&set, found_usb, &f);
	if (rc < 0)
		phonectl_error("phones over libusb not looked for: %s", strerror(-rc));
	for (size_t i = 0; i < f.n; i++) {
		struct source *src = calloc(1, sizeof(*src));
		struct profile_match_result *m = calloc(1, sizeof(*m));
		char name[sizeof(f.infos[i].manufacturer) + sizeof(f.infos[i].product_name) + 1];
		struct profile_device dev = { .bus = DESCRIBE_BUS_USB, .vendor = f.infos[i].vendor,
					      .product = f.infos[i].product, .name = name };
		const struct scan_protocol *proto;

		if (!src || !m) {
			free(src);
			free(m);
			status = EXIT_FAILURE;
			break;
		}
		snprintf(name, sizeof(name), "%s%s%s", f.infos[i].manufacturer,
			 f.infos[i].manufacturer[0] && f.infos[i].product_name[0] ? " " : "",
			 f.infos[i].product_name);
		profile_match(&set, &dev, m);
		proto = scan_protocol_of(&m->values);
		load_usb(src, &f.infos[i], proto ? proto->name : "?");
		if ((*found)++ && !opts->json)
			printf("\n");
		if (describe_source(src, opts) != EXIT_SUCCESS)
			status = EXIT_FAILURE;
		free(m);
		free(src);
	}
	free(f.infos);
	profile_set_release(&set);
	return status;
}

/* The phone over libusb at path, as phonectl list shows it. */
static int describe_usb_path(const struct phonectl_options *opts, const char *path)
{
	char canonical[32];
	int found = 0, rc;

	if (session_usb_path(path, canonical, sizeof(canonical)) < 0)
		return EXIT_FAILURE;
	rc = describe_usb(opts, &found, canonical);
	if (!found) {
		session_no_phone(path);
		return EXIT_FAILURE;
	}
	return rc;
}

/* Describes every attached phone (hidraw, then over libusb); fails when there is none. */
static int describe_attached(const struct phonectl_options *opts)
{
	struct dirent **names = NULL;
	int n = scandir("/sys/class/hidraw", &names, NULL, versionsort);
	int found = 0, rc = EXIT_SUCCESS;

	for (int i = 0; i < n; i++) {
		struct source *src = calloc(1, sizeof(*src));
		char node[300];
		struct rdesc *d = NULL;

		if (names[i]->d_name[0] == '.' || !src)
			goto next;
		snprintf(node, sizeof(node), "/dev/%s", names[i]->d_name);
		if (load_node(src, node) < 0 || rdesc_parse(src->bytes, src->len, &d, NULL) < 0)
			goto next;
		if (tel_is_phone(d)) {
			if (found++ && !opts->json)
				printf("\n");
			if (describe_source(src, opts) != EXIT_SUCCESS)
				rc = EXIT_FAILURE;
		}
next:
		rdesc_free(d);
		free(src);
		free(names[i]);
	}
	free(names);
	if (describe_usb(opts, &found, NULL) != EXIT_SUCCESS)
		rc = EXIT_FAILURE;
	if (!found) {
		phonectl_error("no telephony HID device is attached (and no USB phone a profile "
			       "names)");
		return EXIT_FAILURE;
	}
	return rc;
}

int phonectl_describe(int argc, char **argv, const struct phonectl_options *global)
{
	static const struct option longopts[] = {
		{ "rdesc", required_argument, NULL, 'r' },
		{ "attached", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "usb", required_argument, NULL, 'u' },
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct phonectl_options opts = *global;
	const char *rdesc_path = NULL, *usb = NULL, *name = NULL;
	unsigned vid = 0, pid = 0;
	bool attached = false;
	struct source *src;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': rdesc_path = optarg; break;
		case 'a': attached = true; break;
		case 'u': usb = optarg; break;
		case 'n': name = optarg; break;
		case 'j': opts.json = 1; break;
		case 'v': opts.verbose++; break;
		case 'h':
			printf("Usage: phonectl describe [--json] [-v] (--rdesc FILE [--usb VID:PID] "
			       "[--name NAME] | /dev/hidrawN | usb:BUS:ADDR:IF | --attached)\n");
			return EXIT_SUCCESS;
		default:
			return EXIT_USAGE;
		}
	}
	if (attached + (rdesc_path != NULL) + (optind < argc) != 1 || argc - optind > 1) {
		phonectl_error("describe takes one of --rdesc FILE, a hidraw node, a usb: path or "
			       "--attached");
		return EXIT_USAGE;
	}
	if (usb && (sscanf(usb, "%4x:%4x", &vid, &pid) != 2 || !vid)) {
		phonectl_error("--usb wants VID:PID in hex, e.g. 0b0e:0307");
		return EXIT_USAGE;
	}
	if ((usb || name) && !rdesc_path) {
		phonectl_error("--usb and --name describe a descriptor file (--rdesc)");
		return EXIT_USAGE;
	}
	if (attached)
		return describe_attached(&opts);
	if (optind < argc && session_is_usb(argv[optind]))
		return describe_usb_path(&opts, argv[optind]);

	src = calloc(1, sizeof(*src));
	if (!src) {
		phonectl_error("out of memory");
		return EXIT_FAILURE;
	}
	if (rdesc_path) {
		rc = load_file(src, rdesc_path);
		if (usb) {
			src->info.bus = 3;
			src->info.vendor = (uint16_t)vid;
			src->info.product = (uint16_t)pid;
		}
		if (name)
			snprintf(src->info.name, sizeof(src->info.name), "%s", name);
	} else
		rc = load_node(src, argv[optind]);
	rc = rc < 0 ? EXIT_FAILURE : describe_source(src, &opts);
	free(src);
	return rc;
}
