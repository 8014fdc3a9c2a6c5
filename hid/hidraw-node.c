#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/hidraw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "hidraw-node.h"
#include "transport.h"

/* /sys/dev/char/MAJ:MIN/device is the HID device whatever path names the node. */
static int sysfs_dir(const char *node, char *buf, size_t size)
{
	struct stat st;

	if (stat(node, &st) < 0)
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return -ENOTTY;
	if ((size_t)snprintf(buf, size, "/sys/dev/char/%u:%u/device", major(st.st_rdev),
			     minor(st.st_rdev)) >= size)
		return -ENAMETOOLONG;
	return 0;
}

long sysfs_read_file(const char *path, void *buf, size_t max)
{
	uint8_t *out = buf;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len < max) {
		ssize_t n = read(fd, out + len, max - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc = -errno;

			close(fd);
			return rc;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return (long)len;
}

static long descriptor_by_ioctl(const char *node, uint8_t *out, size_t max)
{
	struct hidraw_report_descriptor rd;
	int size = 0, fd;
	long rc;

	fd = open(node, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, HIDIOCGRDESCSIZE, &size) < 0) {
		rc = -errno;
		goto out;
	}
	if (size < 0 || (size_t)size > max || size > HID_MAX_DESCRIPTOR_SIZE) {
		rc = -E2BIG;
		goto out;
	}
	rd.size = (uint32_t)size;
	if (ioctl(fd, HIDIOCGRDESC, &rd) < 0) {
		rc = -errno;
		goto out;
	}
	memcpy(out, rd.value, (size_t)size);
	rc = size;
out:
	close(fd);
	return rc;
}

long hidraw_node_descriptor(const char *node, uint8_t *out, size_t max)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	long n;

	if (sysfs_dir(node, dir, sizeof(dir)) == 0) {
		snprintf(path, sizeof(path), "%s/report_descriptor", dir);
		n = sysfs_read_file(path, out, max);
		if (n > 0)
			return n;
	}
	return descriptor_by_ioctl(node, out, max);
}

static void copy_value(char *dst, size_t size, const char *src)
{
	size_t n = strcspn(src, "\n");

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int hidraw_node_info(const char *node, struct hidraw_node_info *info)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	char uevent[4096];
	long n;
	int rc;

	memset(info, 0, sizeof(*info));
	rc = sysfs_dir(node, dir, sizeof(dir));
	if (rc)
		return rc;
	if (!realpath(dir, path))
		return -errno;
	copy_value(info->syspath, sizeof(info->syspath), path);

	snprintf(path, sizeof(path), "%s/uevent", dir);
	n = sysfs_read_file(path, (uint8_t *)uevent, sizeof(uevent) - 1);
	if (n < 0)
		return (int)n;
	uevent[n] = '\0';

	/* HID_ID=0003:00000B0E:000024C9, HID_NAME=..., HID_PHYS=..., HID_UNIQ=... */
	for (char *line = uevent; line && *line;) {
		char *next = strchr(line, '\n');
		unsigned bus, vid, pid;

		if (next)
			*next++ = '\0';
		if (sscanf(line, "HID_ID=%x:%x:%x", &bus, &vid, &pid) == 3) {
			info->bus = bus;
			info->vendor = (uint16_t)vid;
			info->product = (uint16_t)pid;
		} else if (strncmp(line, "HID_NAME=", 9) == 0) {
			copy_value(info->name, sizeof(info->name), line + 9);
		} else if (strncmp(line, "HID_PHYS=", 9) == 0) {
			copy_value(info->phys, sizeof(info->phys), line + 9);
		} else if (strncmp(line, "HID_UNIQ=", 9) == 0) {
			copy_value(info->uniq, sizeof(info->uniq), line + 9);
		}
		line = next;
	}
	return 0;
}

void sysfs_read_attr(const char *dir, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX + 64];
	long n;

	buf[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return;
	n = sysfs_read_file(path, (uint8_t *)buf, size - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

int hidraw_node_transport_info(const char *node, struct transport_info *info)
{
	struct hidraw_node_info hi;
	char dir[PATH_MAX], iface[PATH_MAX], num[16], name[128];
	char *slash;
	long n;
	int rc;

	memset(info, 0, sizeof(*info));
	rc = hidraw_node_info(node, &hi);
	if (rc < 0)
		return rc;
	n = hidraw_node_descriptor(node, info->rdesc, sizeof(info->rdesc));
	if (n < 0)
		return (int)n;
	info->rdesc_len = (size_t)n;
	snprintf(info->path, sizeof(info->path), "%s", node);
	info->bus = (uint16_t)hi.bus;
	info->vendor = hi.vendor;
	info->product = hi.product;
	info->interface = -1;
	copy_value(info->product_name, sizeof(info->product_name), hi.name);
	copy_value(info->serial, sizeof(info->serial), hi.uniq);

	/*
	 * syspath is .../<usb device>/<interface>/<hid device>: the interface number and the
	 * USB strings are one and two levels up, where hidapi reads them too.
	 */
	snprintf(iface, sizeof(iface), "%s", hi.syspath);
	slash = strrchr(iface, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	snprintf(dir, sizeof(dir), "%s", iface);
	slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	sysfs_read_attr(iface, "bInterfaceNumber", num, sizeof(num));
	if (num[0])
		info->interface = (int)strtol(num, NULL, 16);
	sysfs_read_attr(dir, "manufacturer", info->manufacturer, sizeof(info->manufacturer));
	sysfs_read_attr(dir, "product", name, sizeof(name));
	if (name[0])
		copy_value(info->product_name, sizeof(info->product_name), name);
	if (!info->serial[0])
		sysfs_read_attr(dir, "serial", info->serial, sizeof(info->serial));
	sysfs_read_attr(dir, "bcdDevice", num, sizeof(num));
	if (num[0])
		info->release = (uint16_t)strtol(num, NULL, 16);
	return 0;
}
