/*
 * The libusb transport: a phone's HID interface spoken to directly over USB, for phones no
 * hidraw node serves: the kernel's cm109 (and yealink) input drivers claim them, and usbhid
 * is told to ignore them (drivers/hid/hid-quirks.c).
 *
 * Opening claims the interface with libusb's automatic detach: the kernel driver bound to
 * it lets go for as long as the transport holds it and gets it back when the transport
 * closes (libusb reattaches on release). Output and feature reports go as HID class
 * SET_REPORT requests on the control pipe, as the cm109 driver sends them; input reports
 * come from the interface's interrupt IN endpoint. An unplugged device reads as -ENODEV.
 *
 * wait_fd() is an epoll descriptor over libusb's own (the device's usbfs node and
 * libusb's internal ones) and an eventfd that a control transfer sets when it completed
 * the IN transfer while handling libusb's events: readable whenever read() has a report,
 * so an event loop can watch it and sleep otherwise.
 */
#ifndef HIDPHONE_TRANSPORT_LIBUSB_H
#define HIDPHONE_TRANSPORT_LIBUSB_H

#include <stdint.h>

#include "transport.h"

struct usb_phone_address {
	uint16_t vendor, product;
	uint8_t bus, address;      /* 0, 0: the first device with these ids */
	uint8_t interface;         /* bInterfaceNumber of the HID interface */
};

/*
 * Finds and claims the device; fills info (path "usb:BUS:ADDR:IF", ids, strings, bcdDevice,
 * and the interface's HID report descriptor, empty if the device gives none). Returns 0,
 * -ENODEV (no such device), -EACCES (no permission: the udev rules), -EBUSY (claimed by
 * another program), or another negative errno.
 */
int usb_transport_open(const struct usb_phone_address *where, struct transport **out,
		       struct transport_info *info);

#endif
