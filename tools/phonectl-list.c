/*
 * phonectl list: every hidraw device, phones first, with the TAPI device id the provider
 * gives each phone, or why a device is not a phone or cannot be opened; and the phones the
 * provider serves over libusb (CM109: no hidraw node), found by the provider's own walker
 * (devices/matrix-find.c) with its profiles, the phone they make and the transport.
 *
 * Everything comes from sysfs (/sys/class/hidraw/hidrawN/device: report_descriptor, uevent,
 * and the USB interface and device above it), so listing needs no access to the nodes. The
 * TAPI ids come from the provider itself: it is loaded once, as a TAPI host would, and each
 * phone's PHONECAPS PhoneInfo ends with "(..., /dev/hidrawN)", which maps ids to nodes.
 *
 * For tests, HIDPHONE_SYSFS, HIDPHONE_DEV and HIDPHONE_RUN replace the "/sys", "/dev" and
 * "/run" prefixes; with HIDPHONE_SYSFS set the provider is not asked (it only sees the real
 * devices), every id is unknown, and no USB phone is looked for (libudev reads only /sys).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/input.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libudev.h>

#include "devices/matrix-find.h"
#include "devices/matrix-scan.h"
#include "devices/phone-model.h"
#include "devices/telephony-map.h"
#include "hid/hidraw-node.h"
#include "hid/rdesc.h"
#include "hid/usage-names.h"
#include "json-writer.h"
#include "phonectl-audio.h"
#include "phonectl-session.h"
#include "phonectl.h"

struct udev_state {
	bool record;          /* /run/udev/data/c<major>:<minor> exists */
	bool id_hidphone;     /* E:ID_HIDPHONE=1 */
	bool uaccess;         /* G:uaccess or Q:uaccess */
};

/* A phone over libusb: what the provider makes of it. */
struct usb_phone {
	char protocol[16];                /* the scan protocol (cm109) */
	char driver[32];                  /* the interface's kernel driver now, "" for none */
	char keypad[17];                  /* the keypad's keys, "0123456789*#" */
	bool hook, ringer;                /* handset hook switch, ringer (the buzzer) */
	size_t n_profiles;
	char profiles[PROFILE_MAX_MATCHED][400];  /* "[Name] FILE:LINE" */
};

struct entry {
	char name[NAME_MAX + 1];          /* hidraw3, or the path of a phone over libusb */
	char node[PATH_MAX];              /* /dev/hidraw3, or usb:BUS:ADDR:IF (the provider's) */
	char open_node[PATH_MAX];         /* what opening it needs access to */
	const char *subsystem;            /* hidraw, usb: for udevadm trigger */
	struct usb_phone *usb;            /* NULL: a hidraw device */
	bool have_devnum;
	unsigned major, minor;
	bool have_ids;
	uint32_t bus;
	uint16_t vendor, product;
	int interface;                    /* -1: unknown */
	char manufacturer[128];
	char product_name[128];
	uint32_t *collections;            /* top-level collection usages */
	size_t n_collections;
	bool phone;
	long tapi_id;                     /* -1: unknown */
	bool accessible;
	char reason[2 * PATH_MAX + 512];  /* why not a phone, or why it cannot be opened; "" */
	struct udev_state udev;
};

static const char *prefix(const char *env, const char *fallback)
{
	const char *p = getenv(env);

	return p && *p ? p : fallback;
}

static void copy_text(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%.*s", (int)strcspn(src, "\n"), src);
}

/* HID_ID and HID_NAME of the HID device's uevent. */
static void read_uevent(const char *hid_dir, struct entry *e, char *hid_name, size_t size)
{
	char path[PATH_MAX + 16], text[4096];
	long n;

	hid_name[0] = '\0';
	snprintf(path, sizeof(path), "%s/uevent", hid_dir);
	n = sysfs_read_file(path, text, sizeof(text) - 1);
	if (n <= 0)
		return;
	text[n] = '\0';
	for (char *line = text, *next; line && *line; line = next) {
		unsigned bus, vid, pid;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(line, "HID_ID=%x:%x:%x", &bus, &vid, &pid) == 3) {
			e->have_ids = true;
			e->bus = bus;
			e->vendor = (uint16_t)vid;
			e->product = (uint16_t)pid;
		} else if (strncmp(line, "HID_NAME=", 9) == 0) {
			copy_text(hid_name, size, line + 9);
		}
	}
}

static void read_udev(const char *run, struct entry *e)
{
	char path[PATH_MAX], text[16384];
	long n;

	memset(&e->udev, 0, sizeof(e->udev));
	if (!e->have_devnum)
		return;
	snprintf(path, sizeof(path), "%s/udev/data/c%u:%u", run, e->major, e->minor);
	n = sysfs_read_file(path, text, sizeof(text) - 1);
	if (n < 0)
		return;
	text[n] = '\0';
	e->udev.record = true;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strcmp(line, "E:ID_HIDPHONE=1") == 0)
			e->udev.id_hidphone = true;
		else if (strcmp(line, "G:uaccess") == 0 || strcmp(line, "Q:uaccess") == 0)
			e->udev.uaccess = true;
	}
}

static void udev_text(const struct udev_state *u, char *buf, size_t size)
{
	if (!u->record)
		snprintf(buf, size, "udev has no record of the node");
	else if (u->id_hidphone && u->uaccess)
		snprintf(buf, size, "ID_HIDPHONE=1 and the uaccess tag are already set, so access "
			 "goes to the user of the active local session on the seat only");
	else
		snprintf(buf, size, "%s, %s", u->id_hidphone ? "ID_HIDPHONE=1" :
			 "ID_HIDPHONE not set", u->uaccess ? "uaccess tag set" : "no uaccess tag");
}

/*
 * Why the user may not open the node, and the fix; "" when it can. Kept apart from the
 * listing so its text is one place (and the tests can reach it as a user would).
 */
static void access_reason(struct entry *e)
{
	char udev[200], owner[64];
	struct passwd *pw;
	struct stat st;
	int err;

	e->accessible = access(e->open_node, R_OK | W_OK) == 0;
	if (e->accessible)
		return;
	err = errno;
	if (err == ENOENT) {
		snprintf(e->reason, sizeof(e->reason), "%s does not exist: udev has not created "
			 "the node (is udev running?)", e->open_node);
		return;
	}
	if ((err != EACCES && err != EPERM && err != EROFS) || stat(e->open_node, &st) < 0) {
		snprintf(e->reason, sizeof(e->reason), "cannot open %s: %s", e->open_node,
			 strerror(err));
		return;
	}
	pw = getpwuid(st.st_uid);
	if (pw)
		snprintf(owner, sizeof(owner), "%s", pw->pw_name);
	else
		snprintf(owner, sizeof(owner), "%u", (unsigned)st.st_uid);
	udev_text(&e->udev, udev, sizeof(udev));
	snprintf(e->reason, sizeof(e->reason),
		 "no permission to open %s (owner %s, mode %04o); install the udev rules: sudo make "
		 "install, then replug or run sudo udevadm trigger --action=change "
		 "--subsystem-match=%s; udev: %s",
		 e->open_node, owner, (unsigned)(st.st_mode & 07777), e->subsystem, udev);
}

static void read_descriptor(const char *hid_dir, struct entry *e)
{
	char path[PATH_MAX + 32];
	struct rdesc_error err;
	struct rdesc *d = NULL;
	uint8_t *bytes = malloc(RDESC_MAX_SIZE);
	long n;
	int rc;

	if (!bytes) {
		snprintf(e->reason, sizeof(e->reason), "descriptor unreadable: %s", strerror(ENOMEM));
		return;
	}
	snprintf(path, sizeof(path), "%s/report_descriptor", hid_dir);
	n = sysfs_read_file(path, bytes, RDESC_MAX_SIZE);
	if (n <= 0) {
		snprintf(e->reason, sizeof(e->reason), "descriptor unreadable: %s",
			 n == 0 ? "it is empty" : strerror((int)-n));
		free(bytes);
		return;
	}
	rc = rdesc_parse(bytes, (size_t)n, &d, &err);
	free(bytes);
	if (rc < 0) {
		snprintf(e->reason, sizeof(e->reason), "descriptor malformed at byte %zu: %s",
			 err.offset, err.message);
		return;
	}
	for (size_t i = 0; i < d->n_collections; i++)
		e->n_collections += d->collections[i].depth == 0;
	e->collections = calloc(e->n_collections ? e->n_collections : 1, sizeof(uint32_t));
	if (e->collections) {
		size_t k = 0;

		for (size_t i = 0; i < d->n_collections; i++)
			if (d->collections[i].depth == 0)
				e->collections[k++] = d->collections[i].usage;
	} else {
		e->n_collections = 0;
	}
	e->phone = tel_is_phone(d);
	if (!e->phone)
		snprintf(e->reason, sizeof(e->reason), "no Telephony top-level collection");
	rdesc_free(d);
}

static void read_entry(const char *sysfs, const char *dev, const char *run, const char *name,
		       struct entry *e)
{
	char class_dir[PATH_MAX], link[PATH_MAX + 16], hid_dir[PATH_MAX], up[PATH_MAX];
	char text[64], hid_name[128];
	char *slash;

	memset(e, 0, sizeof(*e));
	e->interface = -1;
	e->tapi_id = -1;
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->node, sizeof(e->node), "%s/%s", dev, name);
	snprintf(e->open_node, sizeof(e->open_node), "%s", e->node);
	e->subsystem = "hidraw";
	snprintf(class_dir, sizeof(class_dir), "%s/class/hidraw/%s", sysfs, name);

	sysfs_read_attr(class_dir, "dev", text, sizeof(text));
	if (sscanf(text, "%u:%u", &e->major, &e->minor) == 2)
		e->have_devnum = true;
	read_udev(run, e);

	snprintf(link, sizeof(link), "%s/device", class_dir);
	if (!realpath(link, hid_dir)) {
		snprintf(e->reason, sizeof(e->reason), "descriptor unreadable: %s/device: %s",
			 class_dir, strerror(errno));
		return;
	}
	read_uevent(hid_dir, e, hid_name, sizeof(hid_name));
	copy_text(e->product_name, sizeof(e->product_name), hid_name);

	/* .../<usb device>/<interface>/<hid device>: where hidapi reads the strings too. */
	snprintf(up, sizeof(up), "%s", hid_dir);
	slash = strrchr(up, '/');
	if (slash && slash != up) {
		*slash = '\0';
		sysfs_read_attr(up, "bInterfaceNumber", text, sizeof(text));
		if (text[0])
			e->interface = (int)strtol(text, NULL, 16);
		slash = strrchr(up, '/');
		if (slash && slash != up && e->interface >= 0) {
			char product[128];

			*slash = '\0';
			sysfs_read_attr(up, "manufacturer", e->manufacturer, sizeof(e->manufacturer));
			sysfs_read_attr(up, "product", product, sizeof(product));
			if (product[0])
				copy_text(e->product_name, sizeof(e->product_name), product);
		}
	}
	read_descriptor(hid_dir, e);
	if (e->phone)
		access_reason(e);
	else
		e->accessible = access(e->node, R_OK | W_OK) == 0;
}

/* Asks the provider which id each phone gets; false when it could not be asked. */
static bool tapi_ids(struct entry *entries, size_t n)
{
	struct session s = { 0 };
	LONG rc;

	unsetenv("HIDPHONE_DEVICES");
	/* The provider's warnings about nodes we cannot open are what list says itself. */
	setenv("HIDPHONE_LOG", "error", 0);
	s.h = host_load(NULL);
	if (!s.h) {
		phonectl_error("TAPI ids unknown: the provider could not be loaded (HIDPHONE_TSP "
			       "names it)");
		return false;
	}
	rc = host_start(s.h, 0);
	if (rc) {
		phonectl_error("the provider did not start (error 0x%lx); TAPI ids unknown",
			       (unsigned long)(uint32_t)rc);
		host_unload(s.h);
		return false;
	}
	for (DWORD id = 0; id < s.h->num_phones; id++) {
		LPPHONECAPS caps = session_caps(&s, id);
		char info[1024], node[PATH_MAX];

		if (!caps)
			continue;
		session_string(caps, caps->dwPhoneInfoOffset, caps->dwPhoneInfoSize, info,
			       sizeof(info));
		free(caps);
		session_info_device(info, node, sizeof(node));
		for (size_t i = 0; i < n; i++) {
			if (entries[i].phone && strcmp(entries[i].node, node) == 0)
				entries[i].tapi_id = (long)id;
		}
	}
	host_stop(s.h);
	host_unload(s.h);
	for (size_t i = 0; i < n; i++) {
		if (entries[i].phone && entries[i].tapi_id < 0 && !entries[i].reason[0])
			snprintf(entries[i].reason, sizeof(entries[i].reason),
				 "the provider does not list it (HIDPHONE_LOG=debug says why)");
	}
	return true;
}

/* The keypad keys of a model in id order: '0'-'9', '*', '#', 'A'-'D'. */
static void keypad_keys(const struct phone_model *m, char *out, size_t size)
{
	static const char keys[] = "0123456789*#ABCD";
	size_t n = 0;

	for (uint32_t id = 0; id < m->n_ids && id < 16 && n + 1 < size; id++) {
		if (m->buttons[id].keypad)
			out[n++] = keys[id];
	}
	out[n] = '\0';
}

struct usb_walk {
	struct entry *entries;
	size_t n, cap;
	const struct profile_set *set;
};

/* One phone over libusb, as the provider will see it: the model from the same profiles. */
static void found_usb(struct udev_device *itf, const struct transport_info *info, void *ctx)
{
	struct usb_walk *w = ctx;
	struct udev_device *usb = udev_device_get_parent_with_subsystem_devtype(itf, "usb",
										 "usb_device");
	char name[sizeof(info->manufacturer) + sizeof(info->product_name) + 1];
	struct profile_device dev = { .bus = 3, .vendor = info->vendor, .product = info->product,
				      .name = name };
	const char *driver = udev_device_get_driver(itf), *node = usb ?
		udev_device_get_devnode(usb) : NULL, *mark = usb ?
		udev_device_get_property_value(usb, "ID_HIDPHONE") : NULL;
	struct phone_model *m = NULL;
	struct entry *e;

	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 4;
		struct entry *more = realloc(w->entries, cap * sizeof(*more));

		if (!more)
			return;
		w->entries = more;
		w->cap = cap;
	}
	e = &w->entries[w->n];
	memset(e, 0, sizeof(*e));
	e->usb = calloc(1, sizeof(*e->usb));
	if (!e->usb)
		return;
	w->n++;
	e->tapi_id = -1;
	e->phone = true;
	e->subsystem = "usb";
	snprintf(e->name, sizeof(e->name), "%s", info->path);
	snprintf(e->node, sizeof(e->node), "%s", info->path);
	snprintf(e->open_node, sizeof(e->open_node), "%s", node ? node : "(no usbfs node)");
	e->have_ids = true;
	e->bus = BUS_USB;
	e->vendor = info->vendor;
	e->product = info->product;
	e->interface = info->interface;
	snprintf(e->manufacturer, sizeof(e->manufacturer), "%s", info->manufacturer);
	snprintf(e->product_name, sizeof(e->product_name), "%s", info->product_name);
	snprintf(e->usb->driver, sizeof(e->usb->driver), "%s", driver ? driver : "");
	e->udev.record = usb && udev_device_get_is_initialized(usb);
	e->udev.id_hidphone = mark && strcmp(mark, "1") == 0;
	e->udev.uaccess = usb && udev_device_has_tag(usb, "uaccess");
	snprintf(name, sizeof(name), "%s%s%s", info->manufacturer,
		 info->manufacturer[0] && info->product_name[0] ? " " : "", info->product_name);
	if (phone_model_build_device(info->rdesc, info->rdesc_len, &dev, w->set, &m) < 0) {
		e->phone = false;
		snprintf(e->reason, sizeof(e->reason), "the scan's descriptor makes no phone");
		return;
	}
	snprintf(e->usb->protocol, sizeof(e->usb->protocol), "%s",
		 scan_protocol_of(&m->quirks) ? scan_protocol_of(&m->quirks)->name : "?");
	keypad_keys(m, e->usb->keypad, sizeof(e->usb->keypad));
	e->usb->hook = m->hooks[PHONE_HOOK_HANDSET].present;
	e->usb->ringer = m->ringer.field != NULL;
	for (size_t i = 0; i < m->profile.n_matched && i < PROFILE_MAX_MATCHED; i++)
		memcpy(e->usb->profiles[e->usb->n_profiles++], m->profile.matched[i],
		       sizeof(e->usb->profiles[0]));
	phone_model_free(m);
	access_reason(e);
}

/* The phones over libusb attached now, appended to entries. */
static void read_usb_phones(struct entry **entries, size_t *n)
{
	struct profile_set set = { 0 };
	struct usb_walk w = { .entries = *entries, .n = *n, .cap = *n, .set = &set };
	int rc = profile_set_load(&set, NULL);

	if (rc == 0)
		rc = matrix_find_all(&set, found_usb, &w);
	if (rc < 0)
		phonectl_error("phones over libusb not listed: %s", strerror(-rc));
	profile_set_release(&set);
	*entries = w.entries;
	*n = w.n;
}

static int compare_entries(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->phone != y->phone)
		return x->phone ? -1 : 1;
	return strverscmp(x->name, y->name);
}

static const char *bus_name(uint32_t bus)
{
	switch (bus) {
	case BUS_PCI: return "pci";
	case BUS_USB: return "usb";
	case BUS_BLUETOOTH: return "bluetooth";
	case BUS_VIRTUAL: return "virtual";
	case BUS_I2C: return "i2c";
	case BUS_HOST: return "host";
	case BUS_SPI: return "spi";
	default: return NULL;
	}
}

static void print_usb_text(const struct usb_phone *u)
{
	printf("  transport: libusb, %s keypad scan; kernel driver now: %s%s\n", u->protocol,
	       u->driver[0] ? u->driver : "none",
	       strcmp(u->driver, "usbfs") == 0 ? " (a program has the phone open)" :
	       u->driver[0] ? " (the provider detaches it while the phone is open)" : "");
	for (size_t i = 0; i < u->n_profiles; i++)
		printf("  profile: %s\n", u->profiles[i]);
	printf("  capabilities: keypad%s%s", u->keypad[0] ? "" : " none", u->keypad[0] ? " " : "");
	for (size_t i = 0; u->keypad[i]; i++)
		printf("%s%c", i ? " " : "", u->keypad[i]);
	printf(", hook switch %s, ringer %s\n", u->hook ? "(handset)" : "none",
	       u->ringer ? "(buzzer)" : "none");
}

static void print_text(const struct entry *entries, size_t n)
{
	char name[64];

	for (size_t i = 0; i < n; i++) {
		const struct entry *e = &entries[i];
		const char *bus = bus_name(e->bus);

		printf("%s", e->node);
		if (e->have_ids) {
			printf("  %04x:%04x  ", e->vendor, e->product);
			if (bus)
				printf("%s", bus);
			else
				printf("bus 0x%x", e->bus);
		}
		if (e->interface >= 0)
			printf("  interface %d", e->interface);
		if (e->manufacturer[0] || e->product_name[0])
			printf("  \"%s%s%s\"", e->manufacturer, e->manufacturer[0] &&
			       e->product_name[0] ? " " : "", e->product_name);
		printf("\n");
		if (e->phone) {
			if (e->tapi_id >= 0)
				printf("  phone, TAPI id %ld\n", e->tapi_id);
			else
				printf("  phone, TAPI id -\n");
			if (e->usb)
				print_usb_text(e->usb);
			if (e->reason[0])
				printf("  %s: %s\n", e->accessible ? "note" : "cannot be opened",
				       e->reason);
			phonectl_sound_card_text(e->node, "  ");
		} else {
			printf("  not a phone: %s\n", e->reason);
		}
		if (e->n_collections) {
			printf("  collections:");
			for (size_t c = 0; c < e->n_collections; c++) {
				usage_format(e->collections[c], name, sizeof(name));
				printf("%s %s", c ? "," : "", e->collections[c] ? name : "(no usage)");
			}
			printf("\n");
		}
	}
}

static void json_text(struct json *j, const char *key, const char *value)
{
	if (value[0])
		json_string(j, key, value);
	else
		json_null(j, key);
}

static void json_usb(struct json *j, const struct usb_phone *u)
{
	json_object_begin(j, "scan");
	json_string(j, "protocol", u->protocol);
	json_text(j, "driver", u->driver);
	json_array_begin(j, "profiles");
	for (size_t i = 0; i < u->n_profiles; i++)
		json_string(j, NULL, u->profiles[i]);
	json_array_end(j);
	json_string(j, "keypad", u->keypad);
	json_bool(j, "hook_switch", u->hook);
	json_bool(j, "ringer", u->ringer);
	json_object_end(j);
}

static void print_json(const struct entry *entries, size_t n)
{
	char name[64];
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "devices");
	for (size_t i = 0; i < n; i++) {
		const struct entry *e = &entries[i];
		const char *bus = bus_name(e->bus);

		json_object_begin(&j, NULL);
		json_string(&j, "node", e->node);
		if (e->have_ids) {
			json_uint(&j, "vendor_id", e->vendor);
			json_uint(&j, "product_id", e->product);
			json_uint(&j, "bus", e->bus);
		} else {
			json_null(&j, "vendor_id");
			json_null(&j, "product_id");
			json_null(&j, "bus");
		}
		if (e->have_ids && bus)
			json_string(&j, "bus_name", bus);
		else
			json_null(&j, "bus_name");
		if (e->interface >= 0)
			json_int(&j, "interface", e->interface);
		else
			json_null(&j, "interface");
		json_text(&j, "manufacturer", e->manufacturer);
		json_text(&j, "product", e->product_name);
		json_array_begin(&j, "collections");
		for (size_t c = 0; c < e->n_collections; c++) {
			json_object_begin(&j, NULL);
			json_uint(&j, "usage_page", USAGE_PAGE(e->collections[c]));
			json_uint(&j, "usage", USAGE_ID(e->collections[c]));
			usage_format(e->collections[c], name, sizeof(name));
			json_string(&j, "name", name);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_bool(&j, "phone", e->phone);
		if (e->tapi_id >= 0)
			json_int(&j, "tapi_id", e->tapi_id);
		else
			json_null(&j, "tapi_id");
		json_bool(&j, "accessible", e->accessible);
		json_text(&j, "reason", e->reason);
		json_string(&j, "transport", e->usb ? "libusb" : "hidraw");
		if (e->usb)
			json_usb(&j, e->usb);
		else
			json_null(&j, "scan");
		phonectl_sound_card_json(&j, e->node);
		json_object_begin(&j, "udev");
		json_bool(&j, "record", e->udev.record);
		json_bool(&j, "id_hidphone", e->udev.id_hidphone);
		json_bool(&j, "uaccess", e->udev.uaccess);
		json_object_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static int is_hidraw(const struct dirent *d)
{
	return strncmp(d->d_name, "hidraw", 6) == 0;
}

int phonectl_list(int argc, char **argv, const struct phonectl_options *global)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct phonectl_options opts = *global;
	const char *sysfs = prefix("HIDPHONE_SYSFS", "/sys");
	const char *dev = prefix("HIDPHONE_DEV", "/dev");
	const char *run = prefix("HIDPHONE_RUN", "/run");
	struct dirent **names = NULL;
	struct entry *entries = NULL;
	char dir[PATH_MAX];
	size_t n = 0;
	int c, count;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': opts.json = 1; break;
		case 'h':
			printf("Usage: phonectl list [--json]\n");
			return EXIT_SUCCESS;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		phonectl_error("list takes no arguments ('%s')", argv[optind]);
		return EXIT_USAGE;
	}

	snprintf(dir, sizeof(dir), "%s/class/hidraw", sysfs);
	count = scandir(dir, &names, is_hidraw, versionsort);
	if (count < 0) {
		/* No hidraw class: no HID device, or hidraw not in this kernel. */
		if (errno != ENOENT) {
			phonectl_error("%s: %s", dir, strerror(errno));
			return EXIT_FAILURE;
		}
		count = 0;
	}
	if (count > 0) {
		entries = calloc((size_t)count, sizeof(*entries));
		if (!entries) {
			phonectl_error("out of memory");
			for (int i = 0; i < count; i++)
				free(names[i]);
			free(names);
			return EXIT_FAILURE;
		}
	}
	for (int i = 0; i < count; i++) {
		read_entry(sysfs, dev, run, names[i]->d_name, &entries[n++]);
		free(names[i]);
	}
	free(names);
	if (!getenv("HIDPHONE_SYSFS"))
		read_usb_phones(&entries, &n);
	if (n > 1)
		qsort(entries, n, sizeof(*entries), compare_entries);

	if (!getenv("HIDPHONE_SYSFS")) {
		bool any_phone = false;

		for (size_t i = 0; i < n; i++)
			any_phone |= entries[i].phone;
		if (any_phone)
			tapi_ids(entries, n);
	}

	if (opts.json)
		print_json(entries, n);
	else if (n == 0)
		printf("no HID devices (%s is empty or missing, and no USB phone a profile names "
		       "is attached)\n", dir);
	else
		print_text(entries, n);

	for (size_t i = 0; i < n; i++) {
		free(entries[i].collections);
		free(entries[i].usb);
	}
	free(entries);
	return EXIT_SUCCESS;
}
