#include <errno.h>
#include <fcntl.h>
#include <hidapi.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <wchar.h>

#include "hidraw-node.h"
#include "hot-path.h"
#include "report-prefix.h"
#include "transport-hidraw.h"

struct hidraw_transport {
	struct transport base;
	hid_device *dev;       /* writes and feature reports */
	int fd;                /* input reports */
	int wake;              /* eventfd: interrupt() */
};

static struct hidraw_transport *to_hidraw(struct transport *t)
{
	return (struct hidraw_transport *)t;
}

int hidraw_transport_init(void)
{
	return hid_init() == 0 ? 0 : -EIO;
}

void hidraw_transport_exit(void)
{
	hid_exit();
}

static void copy_wide(char *dst, size_t size, const wchar_t *src)
{
	size_t i = 0;

	/* Device strings are shown to people and logged; non-ASCII becomes '?'. */
	for (; src && src[i] && i + 1 < size; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[i] = '\0';
}

int hidraw_transport_enumerate(void (*found)(const struct transport_info *info, void *ctx),
			       void *ctx)
{
	struct hid_device_info *list = hid_enumerate(0, 0);
	struct transport_info *info = malloc(sizeof(*info));

	if (!info) {
		hid_free_enumeration(list);
		return -ENOMEM;
	}
	for (struct hid_device_info *d = list; d; d = d->next) {
		long n;
		bool seen = false;

		/* One entry per node: skip paths an earlier entry had. */
		for (struct hid_device_info *e = list; e != d; e = e->next) {
			if (strcmp(e->path, d->path) == 0) {
				seen = true;
				break;
			}
		}
		if (seen)
			continue;
		memset(info, 0, sizeof(*info));
		snprintf(info->path, sizeof(info->path), "%s", d->path);
		info->vendor = d->vendor_id;
		info->product = d->product_id;
		info->release = d->release_number;
		info->interface = d->interface_number;
		info->bus = d->bus_type == HID_API_BUS_BLUETOOTH ? 5 : 3;
		copy_wide(info->manufacturer, sizeof(info->manufacturer), d->manufacturer_string);
		copy_wide(info->product_name, sizeof(info->product_name), d->product_string);
		copy_wide(info->serial, sizeof(info->serial), d->serial_number);
		n = hidraw_node_descriptor(d->path, info->rdesc, sizeof(info->rdesc));
		if (n <= 0)
			continue;
		info->rdesc_len = (size_t)n;
		found(info, ctx);
	}
	free(info);
	hid_free_enumeration(list);
	return 0;
}

HOT_PATH
static int hidraw_read(struct transport *t, uint8_t *buf, size_t len, int timeout_ms)
{
	struct hidraw_transport *h = to_hidraw(t);
	struct pollfd fds[2] = {
		{ .fd = h->fd, .events = POLLIN },
		{ .fd = h->wake, .events = POLLIN },
	};

	/*
	 * Without a wait, as an event loop reads when the node was readable: read() alone (the
	 * node is non-blocking), one system call per report as a bare reader has, not a poll()
	 * before it.
	 */
	if (timeout_ms == 0) {
		ssize_t n = read(h->fd, buf, len);

		if (n >= 0)
			return (int)n;
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		return errno == EIO ? -ENODEV : -errno;
	}
	for (;;) {
		int rc = poll(fds, 2, timeout_ms);
		ssize_t n;

		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -errno;
		if (rc == 0)
			return 0;
		if (fds[1].revents) {
			uint64_t v;

			if (read(h->wake, &v, sizeof(v)) < 0 && errno != EAGAIN)
				return -errno;
			return -EINTR;
		}
		if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			return -ENODEV;
		n = read(h->fd, buf, len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return errno == EIO ? -ENODEV : -errno;
		return (int)n;
	}
}

/*
 * hidapi reports failure without a reason. The node says whether the device is gone; else
 * the errno of hidapi's write() or ioctl(), taken right after the call, tells a stall
 * (EPIPE) or a timeout from other I/O errors.
 */
static int failure(struct hidraw_transport *h, int saved_errno)
{
	struct pollfd p = { .fd = h->fd, .events = POLLIN };

	if (poll(&p, 1, 0) > 0 && (p.revents & (POLLERR | POLLHUP | POLLNVAL)))
		return -ENODEV;
	switch (saved_errno) {
	case EPIPE:
	case ETIMEDOUT:
	case EAGAIN:
	case EBUSY:
	case ENODEV:
	case ESHUTDOWN:
	case EINVAL:
		return -saved_errno;
	default:
		return -EIO;
	}
}

/*
 * hidapi takes the report id as the first byte, 0 before an unnumbered report: a numbered
 * report is that already, an unnumbered one gets the 0 put before it. send is hid_write()
 * or hid_send_feature_report().
 */
static int send_report(struct transport *t, uint8_t id, const uint8_t *report, size_t len,
		       int (*send)(hid_device *, const unsigned char *, size_t))
{
	struct hidraw_transport *h = to_hidraw(t);
	struct report_prefixed p;
	int rc = report_prefix(&p, id, report, len);

	if (rc == 0) {
		errno = 0;
		rc = send(h->dev, p.bytes, p.len) < 0 ? failure(h, errno) : 0;
	}
	report_prefixed_release(&p);
	return rc;
}

static int hidraw_write(struct transport *t, uint8_t id, const uint8_t *report, size_t len)
{
	return send_report(t, id, report, len, hid_write);
}

static int hidraw_get_feature(struct transport *t, uint8_t id, uint8_t *report, size_t size)
{
	struct hidraw_transport *h = to_hidraw(t);
	size_t skip = report_prefix_len(id);
	struct report_prefixed p;
	int n = report_prefix(&p, id, NULL, size);

	if (n == 0) {
		errno = 0;
		/* The length counts the 0 of an unnumbered report, as the kernel does. */
		n = hid_get_feature_report(h->dev, p.bytes, p.len);
		if (n < 0) {
			n = failure(h, errno);
		} else {
			n = (size_t)n > skip ? n - (int)skip : 0;
			memcpy(report, p.bytes + skip, (size_t)n);
		}
	}
	report_prefixed_release(&p);
	return n;
}

static int hidraw_set_feature(struct transport *t, uint8_t id, const uint8_t *report,
			      size_t len)
{
	return send_report(t, id, report, len, hid_send_feature_report);
}

static void hidraw_interrupt(struct transport *t)
{
	uint64_t one = 1;

	if (write(to_hidraw(t)->wake, &one, sizeof(one)) < 0) {
		/* The counter cannot overflow at one write per close. */
	}
}

static void hidraw_close(struct transport *t)
{
	struct hidraw_transport *h = to_hidraw(t);

	if (h->dev)
		hid_close(h->dev);
	if (h->fd >= 0)
		close(h->fd);
	if (h->wake >= 0)
		close(h->wake);
	free(h);
}

static int hidraw_wait_fd(struct transport *t)
{
	return to_hidraw(t)->fd;
}

static const struct transport_ops hidraw_ops = {
	.read = hidraw_read,
	.write = hidraw_write,
	.get_feature = hidraw_get_feature,
	.set_feature = hidraw_set_feature,
	.interrupt = hidraw_interrupt,
	.close = hidraw_close,
	.wait_fd = hidraw_wait_fd,
};

static bool is_hidraw_node(const char *path)
{
	char link[PATH_MAX], target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode))
		return false;
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/subsystem", major(st.st_rdev),
		 minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return strcmp(strrchr(target, '/') ? strrchr(target, '/') + 1 : target, "hidraw") == 0;
}

int hidraw_transport_open(const char *path, struct transport **out)
{
	struct hidraw_transport *h = calloc(1, sizeof(*h));
	int rc;

	*out = NULL;
	if (!h)
		return -ENOMEM;
	/* hidapi 0.13 crashes on a character device that is not hidraw (/dev/null, say). */
	if (!is_hidraw_node(path)) {
		free(h);
		return -ENODEV;
	}
	h->base.ops = &hidraw_ops;
	h->wake = -1;
	/* Opened read-write although we only read: it fails as hidapi's open would, with a reason. */
	h->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (h->fd < 0) {
		rc = -errno;
		goto fail;
	}
	h->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (h->wake < 0) {
		rc = -errno;
		goto fail;
	}
	h->dev = hid_open_path(path);
	if (!h->dev) {
		rc = -EIO;
		goto fail;
	}
	*out = &h->base;
	return 0;
fail:
	hidraw_close(&h->base);
	return rc;
}
