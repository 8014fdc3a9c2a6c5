/*
 * Phones over libusb, found through libudev (devices/matrix-find.h).
 */
#include <errno.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/matrix-find.h"
#include "devices/matrix-scan.h"

static unsigned long sysattr_ul(struct udev_device *d, const char *name, int base)
{
	const char *v = d ? udev_device_get_sysattr_value(d, name) : NULL;

	return v ? strtoul(v, NULL, base) : 0;
}

static void sysattr_str(struct udev_device *d, const char *name, char *out, size_t size)
{
	const char *v = udev_device_get_sysattr_value(d, name);

	snprintf(out, size, "%s", v ? v : "");
}

int matrix_find_interface(struct udev_device *itf, const struct profile_set *set,
			  struct transport_info *info)
{
	struct udev_device *usb = udev_device_get_parent_with_subsystem_devtype(itf, "usb",
										 "usb_device");
	struct profile_match_result *match;
	char name[sizeof(info->manufacturer) + sizeof(info->product_name) + 1];
	struct profile_device dev = { .bus = 3, .name = name };
	int n, rc = -ENODEV;

	if (!usb || sysattr_ul(itf, "bInterfaceClass", 16) != 3)
		return -ENODEV;
	memset(info, 0, sizeof(*info));
	info->bus = 3;
	info->vendor = (uint16_t)sysattr_ul(usb, "idVendor", 16);
	info->product = (uint16_t)sysattr_ul(usb, "idProduct", 16);
	info->release = (uint16_t)sysattr_ul(usb, "bcdDevice", 16);
	info->interface = (int)sysattr_ul(itf, "bInterfaceNumber", 16);
	sysattr_str(usb, "manufacturer", info->manufacturer, sizeof(info->manufacturer));
	sysattr_str(usb, "product", info->product_name, sizeof(info->product_name));
	sysattr_str(usb, "serial", info->serial, sizeof(info->serial));
	snprintf(info->path, sizeof(info->path), "usb:%lu:%lu:%d", sysattr_ul(usb, "busnum", 10),
		 sysattr_ul(usb, "devnum", 10), info->interface);
	snprintf(name, sizeof(name), "%s%s%s", info->manufacturer,
		 info->manufacturer[0] && info->product_name[0] ? " " : "", info->product_name);
	dev.vendor = info->vendor;
	dev.product = info->product;
	/* The descriptor the scan presents is made from the profile: its hash is not known. */
	match = malloc(sizeof(*match));
	if (!match)
		return -ENOMEM;
	profile_match(set, &dev, match);
	if (scan_protocol_of(&match->values)) {
		n = scan_descriptor(&match->values, info->rdesc, sizeof(info->rdesc));
		info->rdesc_len = n > 0 ? (size_t)n : 0;
		rc = n > 0 ? 0 : n;
	}
	free(match);
	return rc;
}

int matrix_find_all(const struct profile_set *set, matrix_found_fn *found, void *ctx)
{
	struct udev *udev = udev_new();
	struct udev_enumerate *e = udev ? udev_enumerate_new(udev) : NULL;
	struct transport_info *info = malloc(sizeof(*info));
	struct udev_list_entry *entry;
	int rc = e && info ? 0 : -ENOMEM;

	if (rc == 0 && (udev_enumerate_add_match_subsystem(e, "usb") < 0 ||
			udev_enumerate_add_match_sysattr(e, "bInterfaceClass", "03") < 0 ||
			udev_enumerate_scan_devices(e) < 0))
		rc = -EIO;
	udev_list_entry_foreach(entry, rc == 0 ? udev_enumerate_get_list_entry(e) : NULL) {
		struct udev_device *itf = udev_device_new_from_syspath(
			udev, udev_list_entry_get_name(entry));

		if (!itf)
			continue;
		if (matrix_find_interface(itf, set, info) == 0)
			found(itf, info, ctx);
		udev_device_unref(itf);
	}
	free(info);
	udev_enumerate_unref(e);
	udev_unref(udev);
	return rc;
}
