/*
 * Which attached USB devices are phones whose keypad the host scans (AttrProtocol=cm109):
 * the one walker for the provider (tsp/discovery-usb.c, and its hotplug) and phonectl
 * (list, describe --attached), so the tool shows exactly the phones the provider serves.
 *
 * The kernel's cm109 driver holds these devices and usbhid ignores them, so no hidraw node
 * exists: they are USB HID interfaces in udev's database, and a device is a phone when the
 * profiles that match its ids and name ("Manufacturer Product") give it a scan protocol.
 * Its report descriptor is the one the scan presents (devices/matrix-scan.h), built from
 * the same profile values the phone model gets, so PHONECAPS and the reports agree.
 */
#ifndef HIDPHONE_MATRIX_FIND_H
#define HIDPHONE_MATRIX_FIND_H

#include "devices/profile.h"
#include "devices/usb-path.h"
#include "hid/transport.h"

struct udev_device;

/*
 * For one usb_interface udev knows: when it is the HID interface of a device a profile of
 * set gives a scan protocol, fills info (path "usb:BUS:ADDR:IF", ids, the USB strings, the
 * descriptor the scan presents) and returns 0; -ENODEV when it is not such a phone, or
 * another negative errno.
 */
int matrix_find_interface(struct udev_device *itf, const struct profile_set *set,
			  struct transport_info *info);

/*
 * Calls found for every such interface attached now (itf is udev's usb_interface, valid
 * during the call). Returns 0, or a negative errno when udev could not be asked.
 */
typedef void matrix_found_fn(struct udev_device *itf, const struct transport_info *info,
			     void *ctx);
int matrix_find_all(const struct profile_set *set, matrix_found_fn *found, void *ctx);

#endif
