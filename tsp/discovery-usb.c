/*
 * Phones over libusb (tsp/discovery-usb.h). Which devices they are is devices/matrix-find.c's
 * answer, the one phonectl list shows too; here they become phones and are opened.
 */
#include <errno.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/matrix-find.h"
#include "devices/matrix-scan.h"
#include "devices/profile.h"
#include "hid/transport-libusb.h"
#include "loop/event-loop.h"
#include "discovery-usb.h"
#include "log.h"
#include "phone.h"

/*
 * "usb:BUS:ADDR:IF" when HIDPHONE_DEVICES names one phone, "" for every phone. Set by
 * discovery, read by hotplug on the loop thread: under tsp.lock.
 */
static char only_path[32];

static bool usb_wanted(const char *path)
{
	return !only_path[0] || strcmp(only_path, path) == 0;
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

int tsp_usb_interface_info(struct udev_device *itf, struct transport_info *info)
{
	struct profile_set set = { 0 };
	int rc = profile_set_load(&set, NULL);

	if (rc == 0)
		rc = matrix_find_interface(itf, &set, info);
	profile_set_release(&set);
	if (rc == 0) {
		pthread_mutex_lock(&tsp.lock);
		if (!usb_wanted(info->path))
			rc = -ENODEV;
		pthread_mutex_unlock(&tsp.lock);
	}
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

static void found_usb(struct udev_device *itf, const struct transport_info *info, void *ctx)
{
	struct phone *p;
	bool *found = ctx;

	(void)itf;
	if (!usb_wanted(info->path))
		return;
	*found = true;
	p = tsp_phone_new(info, info->path, &tsp_usb_source);
	if (p && tsp_phone_add(p) < 0) {
		tsp_phone_free(p);
		p = NULL;
	}
	if (p)
		tsp_log(TSP_LOG_INFO, "%s: phone %04x:%04x \"%s\" (%s, over libusb)", info->path,
			info->vendor, info->product, info->product_name,
			scan_protocol_of(&p->model->quirks)->name);
}

int tsp_discover_usb(const char *only)
{
	struct profile_set set = { 0 };
	unsigned bus, addr, itf;
	bool found = false;
	int rc;

	if (only && matrix_path_parse(only, &bus, &addr, &itf) < 0)
		return -EINVAL;
	/* The path as the walker writes it, so "usb:01:4:0" names usb:1:4:0 too. */
	if (only)
		snprintf(only_path, sizeof(only_path), "usb:%u:%u:%u", bus, addr, itf);
	else
		only_path[0] = '\0';
	rc = profile_set_load(&set, NULL);
	if (rc == 0)
		rc = matrix_find_all(&set, found_usb, &found);
	profile_set_release(&set);
	/*
	 * One phone asked for: a machine without udev's database has none attached, which is
	 * what the host hears (no phone), not a provider that cannot start.
	 */
	if (only && !found) {
		tsp_log(TSP_LOG_INFO, "%s: no such phone attached%s", only_path,
			rc < 0 ? " (USB devices cannot be listed here)" : "");
		rc = 0;
	}
	return rc;
}
