#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "devices/audio-card.h"
#include "devices/usb-path.h"
#include "hid/hidraw-node.h"

#define DEFAULT_SYSFS "/sys"

static const char *root_of(const char *sysfs_root)
{
	return sysfs_root && sysfs_root[0] ? sysfs_root : DEFAULT_SYSFS;
}

/* The root as realpath spells it, so that resolved paths can be cut below it. */
static int resolved_root(const char *sysfs_root, char *out)
{
	if (!realpath(root_of(sysfs_root), out))
		return -errno;
	return 0;
}

static bool is_usb_device(const char *dir)
{
	char uevent[1024], *line, *save = NULL;
	char path[PATH_MAX + 8];
	long n;

	if ((size_t)snprintf(path, sizeof(path), "%s/uevent", dir) >= sizeof(path))
		return false;
	n = sysfs_read_file(path, uevent, sizeof(uevent) - 1);
	if (n <= 0)
		return false;
	uevent[n] = '\0';
	for (line = strtok_r(uevent, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strcmp(line, "DEVTYPE=usb_device") == 0)
			return true;
	return false;
}

int audio_card_usb_device(const char *sysfs_root, const char *path, char *out, size_t size)
{
	char root[PATH_MAX], dir[PATH_MAX];
	size_t rootlen;
	int rc = resolved_root(sysfs_root, root);

	if (rc < 0)
		return rc;
	rootlen = strlen(root);
	if (!realpath(path, dir))
		return -errno;
	/* Never above the root: a fake tree must not reach the host's own devices. */
	if (strncmp(dir, root, rootlen) != 0 || (dir[rootlen] != '/' && dir[rootlen] != '\0'))
		return -ENODEV;
	while (strlen(dir) > rootlen) {
		char *slash;

		if (is_usb_device(dir)) {
			if ((size_t)snprintf(out, size, "%s", dir + rootlen) >= size)
				return -ENAMETOOLONG;
			return 0;
		}
		slash = strrchr(dir, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	return -ENODEV;
}

/* USB interface class 01: Audio (USB Device Class Definition for Audio Devices). */
#define USB_CLASS_AUDIO 0x01

bool audio_card_may_come(const char *sysfs_root, const struct audio_card *card)
{
	char root[PATH_MAX], dir[PATH_MAX + 600];
	struct dirent *e;
	bool audio = false;
	DIR *d;

	if (!card->usb_path[0] || resolved_root(sysfs_root, root) < 0 ||
	    (size_t)snprintf(dir, sizeof(dir), "%s%s", root, card->usb_path) >= sizeof(dir))
		return false;
	d = opendir(dir);
	if (!d)
		return false;
	/* The device's interfaces are its entries named "<device>:<config>.<interface>". */
	while (!audio && (e = readdir(d))) {
		char path[PATH_MAX + 900], text[8];
		long n;

		if (!strchr(e->d_name, ':'))
			continue;
		snprintf(path, sizeof(path), "%s/%s/bInterfaceClass", dir, e->d_name);
		n = sysfs_read_file(path, text, sizeof(text) - 1);
		if (n <= 0)
			continue;
		text[n] = '\0';
		audio = strtol(text, NULL, 16) == USB_CLASS_AUDIO;
	}
	closedir(d);
	return audio;
}

/* The sysfs entry of a hidraw node: /sys/dev/char/MAJ:MIN for a real node, else by name. */
static int hidraw_entry(const char *sysfs_root, const char *node, char *out, size_t size)
{
	const char *root = root_of(sysfs_root);
	const char *name = strrchr(node, '/');
	struct stat st;

	if (strcmp(root, DEFAULT_SYSFS) == 0 && node[0] == '/' && stat(node, &st) == 0 &&
	    S_ISCHR(st.st_mode)) {
		if ((size_t)snprintf(out, size, "%s/dev/char/%u:%u", root, major(st.st_rdev),
				     minor(st.st_rdev)) >= size)
			return -ENAMETOOLONG;
		return 0;
	}
	name = name ? name + 1 : node;
	if (!name[0] || strchr(name, '.') == name)
		return -EINVAL;
	if ((size_t)snprintf(out, size, "%s/class/hidraw/%s", root, name) >= size)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * The sysfs entry of the USB device a "usb:BUS:ADDR:IF" path names: the entry of
 * bus/usb/devices whose busnum and devnum are BUS and ADDR. The interface does not matter,
 * the card belongs to the device. -ENODEV when no such device is attached (any more).
 */
static int usb_entry(const char *sysfs_root, const char *path, char *out, size_t size)
{
	const char *root = root_of(sysfs_root);
	char dir[PATH_MAX];
	unsigned bus, addr, itf;
	struct dirent *e;
	int rc = matrix_path_parse(path, &bus, &addr, &itf);
	DIR *d;

	if (rc < 0)
		return rc;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/bus/usb/devices", root) >= sizeof(dir))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? -ENODEV : -errno;
	rc = -ENODEV;
	while (rc == -ENODEV && (e = readdir(d))) {
		char dev[PATH_MAX + 300], num[16];

		/* Interfaces ("1-1:1.3") sit beside the devices; they have no bus numbers. */
		if (e->d_name[0] == '.' || strchr(e->d_name, ':'))
			continue;
		snprintf(dev, sizeof(dev), "%s/%s", dir, e->d_name);
		sysfs_read_attr(dev, "busnum", num, sizeof(num));
		if (strtoul(num, NULL, 10) != bus)
			continue;
		sysfs_read_attr(dev, "devnum", num, sizeof(num));
		if (strtoul(num, NULL, 10) != addr)
			continue;
		rc = (size_t)snprintf(out, size, "%s", dev) >= size ? -ENAMETOOLONG : 0;
	}
	closedir(d);
	return rc;
}

/* "pcmC1D0p" → device 0, AUDIO_OUT; false for anything else. */
static bool parse_pcm(const char *name, int card, int *dev, enum audio_dir *dir)
{
	int c, d, end = 0;
	char kind;

	if (sscanf(name, "pcmC%dD%d%c%n", &c, &d, &kind, &end) != 3 || name[end] != '\0')
		return false;
	if (c != card || d < 0 || (kind != 'p' && kind != 'c'))
		return false;
	*dev = d;
	*dir = kind == 'p' ? AUDIO_OUT : AUDIO_IN;
	return true;
}

static void card_pcms(const char *carddir, struct audio_card *card)
{
	DIR *d = opendir(carddir);
	struct dirent *e;

	card->pcm[AUDIO_OUT] = card->pcm[AUDIO_IN] = -1;
	if (!d)
		return;
	while ((e = readdir(d))) {
		enum audio_dir dir;
		int dev;

		if (!parse_pcm(e->d_name, card->number, &dev, &dir))
			continue;
		if (card->pcm[dir] < 0 || dev < card->pcm[dir])
			card->pcm[dir] = dev;
	}
	closedir(d);
}

int audio_card_find(const char *sysfs_root, const char *node, struct audio_card *card)
{
	const char *root = root_of(sysfs_root);
	char entry[PATH_MAX], usb[512], classdir[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int rc, found = -ENOENT;

	memset(card, 0, sizeof(*card));
	card->number = -1;
	card->pcm[AUDIO_OUT] = card->pcm[AUDIO_IN] = -1;
	/* Both kinds of path end at the phone's usb_device: the comparison below is one. */
	if (strncmp(node, "usb:", 4) == 0)
		rc = usb_entry(sysfs_root, node, entry, sizeof(entry));
	else
		rc = hidraw_entry(sysfs_root, node, entry, sizeof(entry));
	if (rc < 0)
		return rc;
	rc = audio_card_usb_device(sysfs_root, entry, usb, sizeof(usb));
	if (rc < 0)
		return rc;

	if ((size_t)snprintf(classdir, sizeof(classdir), "%s/class/sound", root) >= sizeof(classdir))
		return -ENAMETOOLONG;
	d = opendir(classdir);
	if (!d)
		return errno == ENOENT ? -ENOENT : -errno;
	while ((e = readdir(d))) {
		char path[PATH_MAX + 300], cusb[512], resolved[PATH_MAX];
		int number, end = 0;

		if (sscanf(e->d_name, "card%d%n", &number, &end) != 1 || e->d_name[end] != '\0' ||
		    number < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", classdir, e->d_name);
		if (audio_card_usb_device(sysfs_root, path, cusb, sizeof(cusb)) < 0 ||
		    strcmp(cusb, usb) != 0)
			continue;
		/*
		 * One USB device, one card: snd-usb-audio registers a single card for all the
		 * audio interfaces of a device. Should a device ever carry two, the lowest
		 * number wins, so the answer does not depend on readdir order.
		 */
		if (found == 0 && number > card->number)
			continue;
		card->number = number;
		sysfs_read_attr(path, "id", card->id, sizeof(card->id));
		if (realpath(path, resolved))
			card_pcms(resolved, card);
		found = 0;
	}
	closedir(d);
	snprintf(card->usb_path, sizeof(card->usb_path), "%s", usb);
	return found;
}

int audio_card_wave_id(const struct audio_card *card, enum audio_dir dir, uint32_t *id)
{
	if (card->number < 0 || card->pcm[dir] < 0)
		return -ENOENT;
	*id = (uint32_t)card->number;
	return 0;
}

int audio_card_pcm_name(const struct audio_card *card, enum audio_dir dir, char *buf, size_t size)
{
	int n;

	if (card->number < 0 || card->pcm[dir] < 0)
		return -ENOENT;
	/* A card without an id (never seen with snd-usb-audio) is named by number. */
	if (card->id[0])
		n = snprintf(buf, size, "plughw:CARD=%s,DEV=%d", card->id, card->pcm[dir]);
	else
		n = snprintf(buf, size, "plughw:CARD=%d,DEV=%d", card->number, card->pcm[dir]);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return n;
}
