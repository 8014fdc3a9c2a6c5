/*
 * usb-transport-check: hid/transport-libusb.c against a real USB device in the VM (a
 * CM109-like gadget with the kernel's cm109 driver bound to it).
 *
 *   usb-transport-check driver VID PID          the driver bound to interface 0, or "none"
 *   usb-transport-check read VID PID            open, print the next input report, close
 *   usb-transport-check io VID PID ID OUT-HEX   open (claims, detaching the kernel driver);
 *                                               print the driver while open (usbfs); send
 *                                               output report ID (0: none), OUT-HEX as on
 *                                               the wire; interrupt a read; close
 *   usb-transport-check unplug VID PID          open, print "open", read until the device
 *                                               goes: prints the read's result
 *
 * Exit status 0 when every call did what the transport promises, 1 otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hid/transport-libusb.h"

/* The driver of interface 0 of the USB device with these ids, from sysfs. */
static void driver_of(unsigned vid, unsigned pid, char *out, size_t size)
{
	DIR *d = opendir("/sys/bus/usb/devices");
	struct dirent *e;

	snprintf(out, size, "none");
	while (d && (e = readdir(d))) {
		char path[1100], buf[16], link[512];
		unsigned v = 0, p = 0;
		FILE *f;
		ssize_t n;

		if (e->d_name[0] == '.' || strchr(e->d_name, ':'))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s/idVendor", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f))
			v = (unsigned)strtoul(buf, NULL, 16);
		fclose(f);
		snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s/idProduct", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f))
			p = (unsigned)strtoul(buf, NULL, 16);
		fclose(f);
		if (v != vid || p != pid)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s/%s:1.0/driver", e->d_name,
			 e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			const char *name = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;

			snprintf(out, size, "%.63s", name);
		}
		break;
	}
	if (d)
		closedir(d);
}

static int parse_hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	while (*s && n < max) {
		char *end;
		unsigned long v = strtoul(s, &end, 16);

		if (end == s)
			return -1;
		out[n++] = (uint8_t)v;
		s = end;
		while (*s == ' ')
			s++;
	}
	return (int)n;
}

static int open_it(unsigned vid, unsigned pid, struct transport **t, struct transport_info *info)
{
	struct usb_phone_address where = { .vendor = (uint16_t)vid, .product = (uint16_t)pid };
	int rc = usb_transport_open(&where, t, info);

	if (rc < 0)
		printf("open: %s\n", strerror(-rc));
	else
		printf("open: %s %04x:%04x \"%s\" \"%s\", report descriptor %zu bytes\n", info->path,
		       info->vendor, info->product, info->manufacturer, info->product_name,
		       info->rdesc_len);
	return rc;
}

int main(int argc, char **argv)
{
	static struct transport_info info;
	struct transport *t = NULL;
	char drv[64];
	unsigned vid, pid;

	if (argc < 4)
		return 2;
	vid = (unsigned)strtoul(argv[2], NULL, 16);
	pid = (unsigned)strtoul(argv[3], NULL, 16);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (strcmp(argv[1], "driver") == 0) {
		driver_of(vid, pid, drv, sizeof(drv));
		printf("%s\n", drv);
		return 0;
	}
	if (strcmp(argv[1], "io") == 0 && argc == 6) {
		uint8_t out[64], in[64];
		unsigned long id = strtoul(argv[4], NULL, 0);
		int n = parse_hex(argv[5], out, sizeof(out)), rc, ok = 1;

		if (n < 1 || id > 255 || open_it(vid, pid, &t, &info) < 0)
			return 1;
		/* Claimed through libusb, the interface belongs to usbfs, no longer to cm109. */
		driver_of(vid, pid, drv, sizeof(drv));
		printf("driver while open: %s\n", drv);
		ok &= strcmp(drv, "usbfs") == 0;
		/* The device's own HID report descriptor (the gadget's is 27 bytes). */
		ok &= info.rdesc_len == 27;
		rc = transport_write(t, (uint8_t)id, out, (size_t)n);
		printf("write: %s\n", rc < 0 ? strerror(-rc) : "done");
		ok &= rc == 0;
		/* interrupt() makes a waiting read return -EINTR */
		transport_interrupt(t);
		rc = transport_read(t, in, sizeof(in), -1);
		printf("read after interrupt: %s\n", rc == -EINTR ? "EINTR" : "not interrupted");
		ok &= rc == -EINTR;
		transport_close(t);
		return ok ? 0 : 1;
	}
	if (strcmp(argv[1], "read") == 0) {
		uint8_t in[64];
		int rc;

		if (open_it(vid, pid, &t, &info) < 0)
			return 1;
		rc = transport_read(t, in, sizeof(in), 5000);
		if (rc > 0) {
			printf("in:");
			for (int i = 0; i < rc; i++)
				printf(" %02x", in[i]);
			printf("\n");
		} else {
			printf("read: %s\n", rc == 0 ? "timed out" : strerror(-rc));
		}
		transport_close(t);
		return rc > 0 ? 0 : 1;
	}
	if (strcmp(argv[1], "unplug") == 0) {
		uint8_t in[64];
		int rc;

		if (open_it(vid, pid, &t, &info) < 0)
			return 1;
		do
			rc = transport_read(t, in, sizeof(in), 10000);
		while (rc > 0);
		printf("read: %s\n", rc == 0 ? "timed out" : rc == -ENODEV ? "ENODEV" : strerror(-rc));
		transport_close(t);
		return rc == -ENODEV ? 0 : 1;
	}
	return 2;
}
