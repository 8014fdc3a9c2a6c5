/*
 * The phone ↔ sound card association on fake sysfs trees: the layouts the kernel makes for
 * USB composite devices (hidraw and sound card below one usb_device), hubs, identical
 * phones, pure HID devices, uhid, PCI sound cards, and cards that come and go.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/audio-card.h"
#include "test-util.h"

/* Paths here are short; GCC only sees buffers that could in theory overflow. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

static char root[PATH_MAX];

static void mkdirs(const char *rel)
{
	char path[PATH_MAX], *p;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_class(const char *cls, const char *name, const char *target)
{
	char path[PATH_MAX], dst[PATH_MAX], dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "class/%s", cls);
	mkdirs(dir);
	snprintf(path, sizeof(path), "%s/class/%s/%s", root, cls, name);
	snprintf(dst, sizeof(dst), "../../%s", target);
	assert_int_equal(symlink(dst, path), 0);
}

static void usb_device(const char *dev)
{
	char rel[PATH_MAX];

	mkdirs(dev);
	snprintf(rel, sizeof(rel), "%s/uevent", dev);
	put(rel, "MAJOR=189\nMINOR=1\nDEVNAME=bus/usb/001/002\nDEVTYPE=usb_device\nDRIVER=usb\n");
}

/* A HID interface with its hidraw node below usb device `dev`. */
static void hidraw(const char *dev, const char *iface, const char *node)
{
	char rel[PATH_MAX], hid[PATH_MAX];

	snprintf(rel, sizeof(rel), "%s/%s", dev, iface);
	mkdirs(rel);
	snprintf(rel, sizeof(rel), "%s/%s/uevent", dev, iface);
	put(rel, "DEVTYPE=usb_interface\nDRIVER=usbhid\n");
	snprintf(hid, sizeof(hid), "%s/%s/0003:0B0E:24C9.0001/hidraw/%s", dev, iface, node);
	mkdirs(hid);
	snprintf(rel, sizeof(rel), "%s/uevent", hid);
	put(rel, "MAJOR=244\nMINOR=0\nDEVNAME=hidraw0\n");
	link_class("hidraw", node, hid);
}

/* Sound card N below dir (an interface of a USB device, or a PCI function). */
static void sound_card(const char *dir, int n, const char *id, const char *pcms)
{
	char card[PATH_MAX], rel[PATH_MAX + 64], name[32];
	const char *p;

	snprintf(card, sizeof(card), "%s/sound/card%d", dir, n);
	mkdirs(card);
	snprintf(rel, sizeof(rel), "%s/id", card);
	{
		char line[64];

		snprintf(line, sizeof(line), "%s\n", id);
		put(rel, line);
	}
	snprintf(rel, sizeof(rel), "%s/uevent", card);
	put(rel, "SOUND_INITIALIZED=1\n");
	/* pcms: "0p 0c 1p": device number and direction of each PCM. */
	for (p = pcms; *p; p += strcspn(p, " "), p += strspn(p, " ")) {
		snprintf(rel, sizeof(rel), "%s/pcmC%dD%c%c", card, n, p[0], p[1]);
		mkdirs(rel);
	}
	snprintf(rel, sizeof(rel), "%s/controlC%d", card, n);
	mkdirs(rel);
	snprintf(name, sizeof(name), "card%d", n);
	link_class("sound", name, card);
}

static void remove_card(int n)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/class/sound/card%d", root, n);
	assert_int_equal(unlink(path), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "%s/hidphone-audio-XXXXXX", P_tmpdir);
	assert_non_null(mkdtemp(root));
	mkdirs("devices/pci0000:00/0000:00:14.0/usb1");
	/* The root hub is a usb_device too: the walk must stop at the nearest one. */
	usb_device("devices/pci0000:00/0000:00:14.0/usb1");
	/* Onboard HDA audio: a card with no USB device above it. */
	sound_card("devices/pci0000:00/0000:00:1f.3", 0, "PCH", "0p 0c");
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	if (getenv("HIDPHONE_TEST_KEEP"))
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

#define USB1 "devices/pci0000:00/0000:00:14.0/usb1"

static void test_composite_phone(void **state)
{
	struct audio_card c;
	char name[64];
	uint32_t id = 99;

	(void)state;
	usb_device(USB1 "/1-1");
	hidraw(USB1 "/1-1", "1-1:1.3", "hidraw0");
	sound_card(USB1 "/1-1/1-1:1.0", 1, "Link380", "0p 0c");
	assert_int_equal(audio_card_find(root, "/dev/hidraw0", &c), 0);
	assert_int_equal(c.number, 1);
	assert_string_equal(c.id, "Link380");
	assert_int_equal(c.pcm[AUDIO_OUT], 0);
	assert_int_equal(c.pcm[AUDIO_IN], 0);
	assert_string_equal(c.usb_path, "/" USB1 "/1-1");
	assert_int_equal(audio_card_wave_id(&c, AUDIO_OUT, &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(audio_card_wave_id(&c, AUDIO_IN, &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(audio_card_pcm_name(&c, AUDIO_OUT, name, sizeof(name)),
			 (int)strlen("plughw:CARD=Link380,DEV=0"));
	assert_string_equal(name, "plughw:CARD=Link380,DEV=0");
	assert_int_equal(audio_card_pcm_name(&c, AUDIO_IN, name, sizeof(name)), 25);
	assert_string_equal(name, "plughw:CARD=Link380,DEV=0");
	/* A name alone works as well as a /dev path. */
	assert_int_equal(audio_card_find(root, "hidraw0", &c), 0);
	assert_int_equal(c.number, 1);
	assert_int_equal(audio_card_pcm_name(&c, AUDIO_OUT, name, 10), -ENAMETOOLONG);
}

static void test_pure_hid_device(void **state)
{
	struct audio_card c;
	uint32_t id;
	char name[64];

	(void)state;
	/* A phone with a card beside a pod without one: the pod must not get the phone's. */
	usb_device(USB1 "/1-1");
	hidraw(USB1 "/1-1", "1-1:1.3", "hidraw0");
	sound_card(USB1 "/1-1/1-1:1.0", 1, "Headset", "0p 0c");
	usb_device(USB1 "/1-2");
	hidraw(USB1 "/1-2", "1-2:1.0", "hidraw1");
	assert_int_equal(audio_card_find(root, "hidraw1", &c), -ENOENT);
	assert_int_equal(c.number, -1);
	assert_string_equal(c.usb_path, "/" USB1 "/1-2");
	assert_int_equal(audio_card_wave_id(&c, AUDIO_OUT, &id), -ENOENT);
	assert_int_equal(audio_card_pcm_name(&c, AUDIO_IN, name, sizeof(name)), -ENOENT);
	assert_int_equal(audio_card_find(root, "hidraw0", &c), 0);
	assert_int_equal(c.number, 1);
}

static void test_identical_phones(void **state)
{
	struct audio_card c;
	char name[64];

	(void)state;
	/*
	 * Two phones of one model: the second one plugged in got the lower card number (it
	 * was enumerated first after a reboot, say). The hidraw numbers run the other way.
	 */
	usb_device(USB1 "/1-1");
	usb_device(USB1 "/1-2");
	hidraw(USB1 "/1-1", "1-1:1.3", "hidraw0");
	hidraw(USB1 "/1-2", "1-2:1.3", "hidraw1");
	sound_card(USB1 "/1-2/1-2:1.0", 1, "Phone", "0p 0c");
	sound_card(USB1 "/1-1/1-1:1.0", 2, "Phone_1", "0p 0c");
	assert_int_equal(audio_card_find(root, "hidraw0", &c), 0);
	assert_int_equal(c.number, 2);
	assert_int_equal(audio_card_pcm_name(&c, AUDIO_OUT, name, sizeof(name)), 25);
	assert_string_equal(name, "plughw:CARD=Phone_1,DEV=0");
	assert_int_equal(audio_card_find(root, "hidraw1", &c), 0);
	assert_int_equal(c.number, 1);
	assert_string_equal(c.id, "Phone");
}

static void test_behind_a_hub(void **state)
{
	struct audio_card c;

	(void)state;
	/* A hub at 1-1 (a usb_device itself) with the phone at its port 2. */
	usb_device(USB1 "/1-1");
	usb_device(USB1 "/1-1/1-1.2");
	hidraw(USB1 "/1-1/1-1.2", "1-1.2:1.3", "hidraw4");
	sound_card(USB1 "/1-1/1-1.2/1-1.2:1.0", 3, "Desk", "0p 0c");
	/* And a sound card on the hub's other port: another device. */
	usb_device(USB1 "/1-1/1-1.4");
	sound_card(USB1 "/1-1/1-1.4/1-1.4:1.0", 4, "Speaker", "0p");
	assert_int_equal(audio_card_find(root, "hidraw4", &c), 0);
	assert_int_equal(c.number, 3);
	assert_string_equal(c.usb_path, "/" USB1 "/1-1/1-1.2");
}

static void test_card_comes_later_and_goes(void **state)
{
	struct audio_card c;

	(void)state;
	usb_device(USB1 "/1-3");
	hidraw(USB1 "/1-3", "1-3:1.3", "hidraw2");
	/* A pure HID device: no card is to be waited for. */
	assert_int_equal(audio_card_find(root, "hidraw2", &c), -ENOENT);
	assert_false(audio_card_may_come(root, &c));
	/* Its audio interface: usbhid bound first; snd-usb-audio has not registered the card. */
	mkdirs(USB1 "/1-3/1-3:1.0");
	put(USB1 "/1-3/1-3:1.0/bInterfaceClass", "01\n");
	put(USB1 "/1-3/1-3:1.3/bInterfaceClass", "03\n");
	assert_int_equal(audio_card_find(root, "hidraw2", &c), -ENOENT);
	assert_true(audio_card_may_come(root, &c));
	sound_card(USB1 "/1-3/1-3:1.0", 5, "Late", "0p 0c");
	assert_int_equal(audio_card_find(root, "hidraw2", &c), 0);
	assert_int_equal(c.number, 5);
	remove_card(5);
	assert_int_equal(audio_card_find(root, "hidraw2", &c), -ENOENT);
}

static void test_one_direction_and_many_pcms(void **state)
{
	struct audio_card c;
	uint32_t id;
	char name[64];

	(void)state;
	/* A speakerphone with two playback PCMs and a microphone-only device. */
	usb_device(USB1 "/1-4");
	hidraw(USB1 "/1-4", "1-4:1.3", "hidraw5");
	sound_card(USB1 "/1-4/1-4:1.0", 6, "Speak", "1p 0p 0c");
	usb_device(USB1 "/1-5");
	hidraw(USB1 "/1-5", "1-5:1.3", "hidraw6");
	sound_card(USB1 "/1-5/1-5:1.0", 7, "Mic", "0c");
	assert_int_equal(audio_card_find(root, "hidraw5", &c), 0);
	assert_int_equal(c.pcm[AUDIO_OUT], 0);
	assert_int_equal(audio_card_find(root, "hidraw6", &c), 0);
	assert_int_equal(c.pcm[AUDIO_OUT], -1);
	assert_int_equal(c.pcm[AUDIO_IN], 0);
	assert_int_equal(audio_card_wave_id(&c, AUDIO_OUT, &id), -ENOENT);
	assert_int_equal(audio_card_wave_id(&c, AUDIO_IN, &id), 0);
	assert_int_equal(id, 7);
	assert_int_equal(audio_card_pcm_name(&c, AUDIO_OUT, name, sizeof(name)), -ENOENT);
	assert_int_equal(audio_card_pcm_name(&c, AUDIO_IN, name, sizeof(name)), 21);
	assert_string_equal(name, "plughw:CARD=Mic,DEV=0");
}

/*
 * A CM109-family phone at `dev` (bus 1, address addr): a USB audio chip whose keypad
 * interface (3) the cm109 driver holds, so it has no hidraw node, and sound card n on its
 * audio interface. bus/usb/devices links to the device and its interfaces, as the kernel's.
 */
static void cm109(const char *dev, const char *name, int addr, int n, const char *id)
{
	char rel[PATH_MAX], text[32], path[PATH_MAX], dst[PATH_MAX];

	usb_device(dev);
	snprintf(rel, sizeof(rel), "%s/busnum", dev);
	put(rel, "1\n");
	snprintf(rel, sizeof(rel), "%s/devnum", dev);
	snprintf(text, sizeof(text), "%d\n", addr);
	put(rel, text);
	snprintf(rel, sizeof(rel), "%s/%s:1.3", dev, name);
	mkdirs(rel);
	snprintf(rel, sizeof(rel), "%s/%s:1.3/uevent", dev, name);
	put(rel, "DEVTYPE=usb_interface\nDRIVER=cm109\n");
	snprintf(rel, sizeof(rel), "%s/%s:1.3/bInterfaceClass", dev, name);
	put(rel, "03\n");
	snprintf(rel, sizeof(rel), "%s/%s:1.0", dev, name);
	sound_card(rel, n, id, "0p 0c");
	mkdirs("bus/usb/devices");
	snprintf(path, sizeof(path), "%s/bus/usb/devices/%s", root, name);
	snprintf(dst, sizeof(dst), "../../../%s", dev);
	assert_int_equal(symlink(dst, path), 0);
	snprintf(path, sizeof(path), "%s/bus/usb/devices/%s:1.3", root, name);
	snprintf(dst, sizeof(dst), "../../../%s/%s:1.3", dev, name);
	assert_int_equal(symlink(dst, path), 0);
}

static void test_usb_path_phone(void **state)
{
	struct audio_card c;
	char name[64];

	(void)state;
	/*
	 * Two identical CM109 phones: the one at address 5 (port 1-2) got the lower card
	 * number. A composite phone with a hidraw node at address 3 (no busnum here) and the
	 * root hub (no busnum either) must not match anything.
	 */
	usb_device(USB1 "/1-1");
	hidraw(USB1 "/1-1", "1-1:1.3", "hidraw0");
	sound_card(USB1 "/1-1/1-1:1.0", 1, "Link380", "0p 0c");
	cm109(USB1 "/1-3", "1-3", 4, 3, "Device_1");
	cm109(USB1 "/1-2", "1-2", 5, 2, "Device");
	assert_int_equal(audio_card_find(root, "usb:1:4:3", &c), 0);
	assert_int_equal(c.number, 3);
	assert_string_equal(c.usb_path, "/" USB1 "/1-3");
	assert_int_equal(audio_card_pcm_name(&c, AUDIO_OUT, name, sizeof(name)), 26);
	assert_string_equal(name, "plughw:CARD=Device_1,DEV=0");
	assert_int_equal(audio_card_find(root, "usb:1:5:3", &c), 0);
	assert_int_equal(c.number, 2);
	assert_string_equal(c.id, "Device");
	assert_string_equal(c.usb_path, "/" USB1 "/1-2");
	/* The interface does not matter: the card belongs to the device. */
	assert_int_equal(audio_card_find(root, "usb:1:5:0", &c), 0);
	assert_int_equal(c.number, 2);
	/* The hidraw node of the composite phone still finds its own card. */
	assert_int_equal(audio_card_find(root, "hidraw0", &c), 0);
	assert_int_equal(c.number, 1);
	/* Unplugged (or another bus), and paths that are not one. */
	assert_int_equal(audio_card_find(root, "usb:1:6:3", &c), -ENODEV);
	assert_int_equal(audio_card_find(root, "usb:2:5:3", &c), -ENODEV);
	assert_int_equal(audio_card_find(root, "usb:1:5", &c), -EINVAL);
	assert_int_equal(audio_card_find(root, "usb:1:0:3", &c), -EINVAL);
	assert_int_equal(audio_card_find(root, "usb:", &c), -EINVAL);
}

static void test_usb_path_card_comes_later(void **state)
{
	struct audio_card c;

	(void)state;
	cm109(USB1 "/1-4", "1-4", 7, 4, "Device");
	put(USB1 "/1-4/1-4:1.0/bInterfaceClass", "01\n");
	remove_card(4);
	/* snd-usb-audio has not registered the card yet: one may come. */
	assert_int_equal(audio_card_find(root, "usb:1:7:3", &c), -ENOENT);
	assert_string_equal(c.usb_path, "/" USB1 "/1-4");
	assert_true(audio_card_may_come(root, &c));
	/* No bus/usb/devices at all (a tree without USB): no such device. */
	{
		char cmd[PATH_MAX + 32];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s/bus'", root);
		assert_int_equal(system(cmd), 0);
	}
	assert_int_equal(audio_card_find(root, "usb:1:7:3", &c), -ENODEV);
}

static void test_not_usb(void **state)
{
	struct audio_card c;

	(void)state;
	/* uhid: a virtual HID device, no USB device above it. */
	mkdirs("devices/virtual/misc/uhid/0003:1234:5679.0009/hidraw/hidraw7");
	put("devices/virtual/misc/uhid/0003:1234:5679.0009/hidraw/hidraw7/uevent", "MAJOR=244\n");
	link_class("hidraw", "hidraw7", "devices/virtual/misc/uhid/0003:1234:5679.0009/hidraw/hidraw7");
	assert_int_equal(audio_card_find(root, "hidraw7", &c), -ENODEV);
	assert_int_equal(audio_card_find(root, "hidraw8", &c), -ENOENT);
	assert_int_equal(audio_card_find(root, "..", &c), -EINVAL);
	assert_int_equal(audio_card_find(root, "/dev/", &c), -EINVAL);
}

static void test_no_sound_class(void **state)
{
	struct audio_card c;
	char cmd[PATH_MAX + 32];

	(void)state;
	usb_device(USB1 "/1-1");
	hidraw(USB1 "/1-1", "1-1:1.3", "hidraw0");
	/* A kernel without sound support has no class/sound at all. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/class/sound'", root);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(audio_card_find(root, "hidraw0", &c), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_composite_phone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pure_hid_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identical_phones, setup, teardown),
		cmocka_unit_test_setup_teardown(test_behind_a_hub, setup, teardown),
		cmocka_unit_test_setup_teardown(test_card_comes_later_and_goes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_direction_and_many_pcms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usb_path_phone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usb_path_card_comes_later, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_usb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_sound_class, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
