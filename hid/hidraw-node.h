/*
 * Facts about a hidraw node, read without opening it where possible: sysfs exposes the
 * report descriptor and the HID ids to everyone, while the node itself is usually root's
 * until a udev rule grants access.
 */
#ifndef HIDPHONE_HIDRAW_NODE_H
#define HIDPHONE_HIDRAW_NODE_H

#include <stddef.h>
#include <stdint.h>

struct hidraw_node_info {
	uint32_t bus;       /* BUS_USB, BUS_BLUETOOTH, ... from <linux/input.h> */
	uint16_t vendor, product;
	char name[128];
	char phys[128];
	char uniq[64];      /* serial number, when the device has one */
	char syspath[256];  /* /sys/dev/char/MAJ:MIN resolved, the hidraw device */
};

/* Reads the report descriptor of a hidraw node into out (room for max bytes). */
long hidraw_node_descriptor(const char *node, uint8_t *out, size_t max);

int hidraw_node_info(const char *node, struct hidraw_node_info *info);

/*
 * Reads up to max bytes of a (sysfs) file; returns the length or a negative errno. Ask for
 * one byte more than you accept to tell an oversized file from one that fits exactly.
 */
long sysfs_read_file(const char *path, void *out, size_t max);
/* A one-line attribute of dir, without its newline; "" when it cannot be read. */
void sysfs_read_attr(const char *dir, const char *name, char *buf, size_t size);

struct transport_info;

/*
 * Everything a transport_info holds about a node, from sysfs alone: the ids and name of the
 * HID device, and for USB devices the manufacturer, product and serial strings, bcdDevice
 * and the interface number, as hidapi reports them. For devices appearing after start-up.
 */
int hidraw_node_transport_info(const char *node, struct transport_info *info);

#endif
