/*
 * hidphone-udev-gen: udev rules from the device profiles, the way libwacom generates its
 * rules from its tablet files, so VID:PID lists live in one place (devices/data).
 *
 *   hidphone-udev-gen [DIR[:DIR...]]      (default devices/data) > 69-hidphone-profiles.rules
 *
 * Every section that names a device by MatchVendor and MatchProduct makes it a phone:
 * its hidraw nodes get ID_HIDPHONE=1, ID_HIDPHONE_PROFILE=1 and the uaccess tag, whatever
 * its descriptor says (vendor-protocol phones carry no Telephony collection for
 * hidphone-probe to find). A section whose AttrProtocol is not hid also gets them on its
 * USB device, which the libusb transport opens. Sections without both ids (a vendor-wide
 * tuning, a name glob, a descriptor hash) name no device udev could match up front: they are
 * listed in a comment and left to hidphone-probe.
 *
 * A profile bug is an error here (exit 1, FILE:LINE on stderr): the build refuses it,
 * where the provider would only skip the file. The output depends on nothing but the files,
 * so `make check` compares it with the copy in the tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/profile.h"

static const char *bus_glob(const struct profile_section *s)
{
	if (!(s->match & PROFILE_MATCH_BUS))
		return "*";
	return s->bus == 3 ? "0003" : "0005";
}

static bool names_devices(const struct profile_section *s)
{
	return (s->match & PROFILE_MATCH_VENDOR) && (s->match & PROFILE_MATCH_PRODUCT);
}

static bool over_usb(const struct profile_section *s)
{
	return (s->values.set & (1u << PROFILE_PROTOCOL)) &&
	       s->values.protocol != PROFILE_PROTOCOL_HID &&
	       (!(s->match & PROFILE_MATCH_BUS) || s->bus == 3);
}

int main(int argc, char **argv)
{
	const char *dirs = argc > 1 ? argv[1] : "devices/data";
	struct profile_set set;
	size_t skipped = 0;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fputs("Usage: hidphone-udev-gen [DIR[:DIR...]]\n", stderr);
		return 2;
	}
	if (profile_set_load(&set, dirs) < 0) {
		fputs("hidphone-udev-gen: out of memory\n", stderr);
		return 1;
	}
	if (set.n_errors) {
		for (size_t i = 0; i < set.n_errors && i < PROFILE_MAX_ERRORS; i++)
			fprintf(stderr, "hidphone-udev-gen: %s\n", set.errors[i]);
		profile_set_release(&set);
		return 1;
	}

	printf("# Generated from the device profiles (%s) by hidphone-udev-gen:\n"
	       "# do not edit. `make udev-rules` writes it again; `make check` fails while it is\n"
	       "# out of date. See udev/README.\n"
	       "#\n"
	       "# Each device a profile names by VID:PID is a phone: ID_HIDPHONE=1 (as hidphone-probe\n"
	       "# prints for class-compliant phones), ID_HIDPHONE_PROFILE=1, and the uaccess tag on\n"
	       "# its hidraw nodes; phones served over libusb (AttrProtocol other than hid) also on\n"
	       "# their USB device. 69 sorts before 70-hidphone.rules and 71-seat.rules, which turns\n"
	       "# the uaccess tag into the seat tag 73-seat-late.rules acts on.\n\n", dirs);
	puts("ACTION!=\"add|change\", GOTO=\"hidphone_profiles_end\"");
	puts("SUBSYSTEM==\"hidraw\", GOTO=\"hidphone_profiles_hidraw\"");
	puts("SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_device\", GOTO=\"hidphone_profiles_usb\"");
	puts("GOTO=\"hidphone_profiles_end\"");

	/* A hidraw node's parent HID device is named BUS:VID:PID.N in upper-case hex. */
	puts("\nLABEL=\"hidphone_profiles_hidraw\"");
	for (size_t i = 0; i < set.n_sections; i++) {
		const struct profile_section *s = &set.sections[i];

		if (!names_devices(s)) {
			skipped++;
			continue;
		}
		printf("# [%s] %s:%u\n", s->name, s->file, s->line);
		for (size_t p = 0; p < s->n_products; p++)
			printf("KERNELS==\"%s:%04X:%04X.*\", ENV{ID_HIDPHONE}=\"1\", "
			       "ENV{ID_HIDPHONE_PROFILE}=\"1\", TAG+=\"uaccess\"\n",
			       bus_glob(s), s->vendor, s->products[p]);
	}
	puts("GOTO=\"hidphone_profiles_end\"");

	/* sysfs spells idVendor and idProduct in lower-case hex. */
	puts("\nLABEL=\"hidphone_profiles_usb\"");
	for (size_t i = 0; i < set.n_sections; i++) {
		const struct profile_section *s = &set.sections[i];

		if (!names_devices(s) || !over_usb(s))
			continue;
		printf("# [%s] %s:%u\n", s->name, s->file, s->line);
		for (size_t p = 0; p < s->n_products; p++)
			printf("ATTR{idVendor}==\"%04x\", ATTR{idProduct}==\"%04x\", "
			       "ENV{ID_HIDPHONE}=\"1\", ENV{ID_HIDPHONE_PROFILE}=\"1\", "
			       "TAG+=\"uaccess\"\n", s->vendor, s->products[p]);
	}
	if (skipped) {
		puts("\n# Sections that name no device by VID:PID (hidphone-probe decides for those):");
		for (size_t i = 0; i < set.n_sections; i++) {
			if (!names_devices(&set.sections[i]))
				printf("#   [%s] %s:%u\n", set.sections[i].name, set.sections[i].file,
				       set.sections[i].line);
		}
	}
	puts("\nLABEL=\"hidphone_profiles_end\"");
	profile_set_release(&set);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("hidphone-udev-gen: stdout");
		return 1;
	}
	return 0;
}
