/*
 * Phones over libusb (tsp/discovery-usb.h).
 *
 * The kernel's cm109 driver holds these devices and usbhid ignores them, so no hidraw node
 * exists: they are found as USB HID interfaces in udev's database, and a device is a phone
 * when the profiles that match its ids and names give it a scan protocol. Its report
 * descriptor is the one the scan presents (devices/matrix-scan.h), built from the same
 * profile values the phone model gets, so PHONECAPS and the reports agree.
 */
#include <errno.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/matrix-scan.h"
#include "devices/profile.h"
#include "hid/transport-libusb.h"
#include "loop/event-loop.h"
#include "discovery-usb.h"
#include "log.h"
#include "phone.h"

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

bool tsp_usb_device_prefix(struct udev_device *dev, char *out, size_t size)
{
	const char *bus = udev_device_get_property_value(dev, "BUSNUM");
	const char *addr = udev_device_get_property_value(dev, "DEVNUM");

	if (!bus || !addr)
		return false;
	snprintf(out, size, "usb:%lu:%lu:", strtoul(bus, NULL, 10), strtoul(addr, NULL, 10));
	return true;
}

static int interface_info(struct udev_device *itf, const struct profile_set *set,
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

int tsp_usb_interface_info(struct udev_device *itf, struct transport_info *info)
{
	struct profile_set set = { 0 };
	int rc = profile_set_load(&set, NULL);

	if (rc == 0)
		rc = interface_info(itf, &set, info);
	profile_set_release(&set);
	return rc;
}

static int usb_source_open(struct phone *p, struct transport **out)
{
	const struct scan_protocol *proto = scan_protocol_of(&p->model->quirks);
	struct usb_phone_address where = { .vendor = p->info.vendor, .product = p->info.product };
	struct transport_info *info;
	struct transport *inner = NULL;
	unsigned bus, addr, itf;
	int rc;

	if (!proto || sscanf(p->info.path, "usb:%u:%u:%u", &bus, &addr, &itf) != 3)
		return -ENODEV;
	where.bus = (uint8_t)bus;
	where.address = (uint8_t)addr;
	where.interface = (uint8_t)itf;
	info = malloc(sizeof(*info));
	if (!info)
		return -ENOMEM;
	/* Claims the interface: the kernel's driver lets go until the transport closes. */
	rc = usb_transport_open(&where, &inner, info);
	free(info);
	if (rc < 0)
		return rc;
	/* The scan's resend timer reads the loop's clock, which tests replace. */
	return scan_transport_open(proto, &p->model->quirks, inner, loop_now_ms, out);
}

const struct phone_source tsp_usb_source = { .open = usb_source_open };

int tsp_discover_usb(void)
{
	struct profile_set set = { 0 };
	struct udev *udev = udev_new();
	struct udev_enumerate *e = udev ? udev_enumerate_new(udev) : NULL;
	struct transport_info *info = malloc(sizeof(*info));
	struct udev_list_entry *entry;
	int rc = e && info ? profile_set_load(&set, NULL) : -ENOMEM;

	if (rc == 0 && (udev_enumerate_add_match_subsystem(e, "usb") < 0 ||
			udev_enumerate_add_match_sysattr(e, "bInterfaceClass", "03") < 0 ||
			udev_enumerate_scan_devices(e) < 0))
		rc = -EIO;
	udev_list_entry_foreach(entry, rc == 0 ? udev_enumerate_get_list_entry(e) : NULL) {
		struct udev_device *itf = udev_device_new_from_syspath(
			udev, udev_list_entry_get_name(entry));
		struct phone *p;

		if (!itf)
			continue;
		if (interface_info(itf, &set, info) == 0) {
			p = tsp_phone_new(info, info->path, &tsp_usb_source);
			if (p && tsp_phone_add(p) < 0) {
				tsp_phone_free(p);
				p = NULL;
			}
			if (p)
				tsp_log(TSP_LOG_INFO, "%s: phone %04x:%04x \"%s\" (%s, over libusb)",
					info->path, info->vendor, info->product, info->product_name,
					scan_protocol_of(&p->model->quirks)->name);
		}
		udev_device_unref(itf);
	}
	profile_set_release(&set);
	free(info);
	udev_enumerate_unref(e);
	udev_unref(udev);
	return rc;
}
