/*
 * Phones spoken to over libusb: USB devices that a profile gives a scan protocol
 * (AttrProtocol=cm109), found through libudev, opened through hid/transport-libusb.c with
 * devices/matrix-scan.c in front, so the rest of the provider sees an ordinary HID phone.
 */
#ifndef HIDPHONE_TSP_DISCOVERY_USB_H
#define HIDPHONE_TSP_DISCOVERY_USB_H

#include <stdbool.h>
#include <stddef.h>

#include "hid/transport.h"

struct udev_device;

/*
 * Every such phone attached now becomes a phone (lock held); with only ("usb:BUS:ADDR:IF",
 * HIDPHONE_DEVICES naming one), only that one, now and when plugged in later. Returns 0
 * (also when only is not attached: no phone then), -EINVAL when only is not such a path,
 * or another negative errno.
 */
int tsp_discover_usb(const char *only);

/*
 * For hotplug (lock not held): a USB interface that was just added. When it is the HID
 * interface of a device a profile gives a scan protocol (the one asked for, when discovery
 * was given one), fills info (path "usb:BUS:ADDR:IF", ids, names, the descriptor the scan
 * presents) and returns 0; -ENODEV otherwise.
 */
int tsp_usb_interface_info(struct udev_device *itf, struct transport_info *info);

/* "usb:BUS:ADDR:" of a usb_device udev told of (also on removal), false when it has none. */
bool tsp_usb_device_prefix(struct udev_device *dev, char *out, size_t size);

extern const struct phone_source tsp_usb_source;

#endif
