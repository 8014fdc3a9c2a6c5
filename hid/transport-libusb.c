#include <errno.h>
#include <libusb.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "transport-libusb.h"

/* HID class requests (HID 1.11, 7.2) and report types in wValue's high byte. */
enum {
	HID_GET_REPORT = 0x01,
	HID_SET_REPORT = 0x09,
	REPORT_OUTPUT = 2,
	REPORT_FEATURE = 3,
	CONTROL_TIMEOUT_MS = 1000,
	/* A blocked read looks at interrupt() this often: libusb's synchronous calls cannot be
	 * woken otherwise. */
	READ_SLICE_MS = 50,
	RDESC_USBFS_MAX = 4096,
	GONE_RETRIES = 20,         /* failed transfers in a row, 50 ms apart, before EIO */
};

struct usb_transport {
	struct transport base;
	libusb_context *ctx;
	libusb_device_handle *h;
	uint8_t interface;
	uint8_t ep_in;
	bool claimed;
	atomic_bool interrupted;
	struct libusb_transfer *in;
	uint8_t in_buf[64];
	bool in_flight;
	int in_done;               /* set by in_complete() under libusb's event lock */
	int epfd;                  /* wait_fd(): libusb's descriptors and wake_fd, or -1 */
	int wake_fd;               /* an eventfd: a report was completed outside read() */
};

static struct usb_transport *to_usb(struct transport *t)
{
	return (struct usb_transport *)t;
}

static int errno_of(int rc)
{
	switch (rc) {
	case LIBUSB_ERROR_NO_DEVICE: return -ENODEV;
	case LIBUSB_ERROR_NOT_FOUND: return -ENODEV;
	case LIBUSB_ERROR_ACCESS: return -EACCES;
	case LIBUSB_ERROR_BUSY: return -EBUSY;
	case LIBUSB_ERROR_TIMEOUT: return -ETIMEDOUT;
	case LIBUSB_ERROR_PIPE: return -EPIPE;
	case LIBUSB_ERROR_NO_MEM: return -ENOMEM;
	case LIBUSB_ERROR_INVALID_PARAM: return -EINVAL;
	case LIBUSB_ERROR_INTERRUPTED: return -EINTR;
	case LIBUSB_ERROR_OVERFLOW: return -EOVERFLOW;
	case LIBUSB_ERROR_NOT_SUPPORTED: return -EOPNOTSUPP;
	default: return -EIO;
	}
}

static void LIBUSB_CALL in_complete(struct libusb_transfer *x)
{
	struct usb_transport *u = x->user_data;

	/* Runs inside libusb's event handling, whichever thread does it, under its lock. */
	__atomic_store_n(&u->in_done, 1, __ATOMIC_RELEASE);
}

/* Puts the interrupt IN transfer in flight; it stays there until a report comes. */
static int submit_in(struct usb_transport *u)
{
	int rc;

	u->in_done = 0;
	rc = libusb_submit_transfer(u->in);
	u->in_flight = rc == 0;
	return rc < 0 ? errno_of(rc) : 0;
}

/*
 * Input reports come through one interrupt IN transfer kept in flight across reads: a
 * synchronous transfer cancelled at its timeout could lose a report the device sent just
 * then. A read waits in slices so that interrupt() is seen.
 */
static int usb_read(struct transport *t, uint8_t *buf, size_t len, int timeout_ms)
{
	struct usb_transport *u = to_usb(t);
	int waited = 0, errors = 0, rc;
	uint64_t drained;

	if (u->wake_fd >= 0 && read(u->wake_fd, &drained, sizeof(drained)) < 0)
		drained = 0;   /* EAGAIN: nothing was signalled */

	if (!u->in_flight) {
		rc = submit_in(u);
		if (rc < 0)
			return rc;
	}
	for (;;) {
		int slice = timeout_ms < 0 || timeout_ms - waited > READ_SLICE_MS ?
			READ_SLICE_MS : timeout_ms - waited;
		struct timeval tv = { .tv_sec = 0, .tv_usec = (slice > 0 ? slice : 1) * 1000 };

		if (__atomic_load_n(&u->in_done, __ATOMIC_ACQUIRE)) {
			enum libusb_transfer_status status = u->in->status;
			int n = u->in->actual_length;

			u->in_flight = false;
			if (status == LIBUSB_TRANSFER_COMPLETED && n > 0) {
				memcpy(buf, u->in_buf, (size_t)n < len ? (size_t)n : len);
				rc = submit_in(u);
				/* This report is read; a failure to go on shows at the next read. */
				(void)rc;
				return (size_t)n < len ? n : (int)len;
			}
			if (status == LIBUSB_TRANSFER_NO_DEVICE)
				return -ENODEV;
			/*
			 * A zero-length packet carries no report. An unplug first fails the
			 * transfer in flight (an error) and only later makes the device gone:
			 * submitting again, a little later, tells a device that is gone (ENODEV)
			 * from transfers that keep failing (EIO).
			 */
			if (status != LIBUSB_TRANSFER_COMPLETED) {
				struct timeval pause = { .tv_sec = 0, .tv_usec = 50000 };

				if (++errors > GONE_RETRIES)
					return -EIO;
				libusb_handle_events_timeout(u->ctx, &pause);
			}
			rc = submit_in(u);
			if (rc < 0)
				return rc;
			continue;
		}
		if (atomic_exchange(&u->interrupted, false))
			return -EINTR;
		rc = libusb_handle_events_timeout_completed(u->ctx, &tv, &u->in_done);
		if (rc < 0 && rc != LIBUSB_ERROR_INTERRUPTED)
			return errno_of(rc);
		if (__atomic_load_n(&u->in_done, __ATOMIC_ACQUIRE))
			continue;
		waited += slice;
		if (timeout_ms >= 0 && waited >= timeout_ms)
			return 0;
	}
}

/*
 * A synchronous control transfer handles libusb's events, and with them may complete the
 * IN transfer: its report is then no longer pending on libusb's descriptors, so wait_fd()
 * is made readable by the eventfd instead.
 */
static void signal_completed(struct usb_transport *u)
{
	uint64_t one = 1;

	if (u->wake_fd >= 0 && __atomic_load_n(&u->in_done, __ATOMIC_ACQUIRE) &&
	    write(u->wake_fd, &one, sizeof(one)) < 0)
		one = 0;   /* the counter is full: it is readable anyway */
}

/*
 * A class request about report id of the given type (HID 1.11, 7.2.1-2): wValue names the
 * report, the data stage is the report as on the wire (its id byte only when it has an id),
 * so the bytes go as they are. Returns what libusb_control_transfer() does.
 */
static int report_request(struct usb_transport *u, uint8_t direction, uint8_t request,
			  uint8_t type, uint8_t id, uint8_t *report, size_t len)
{
	int rc;

	if (len > UINT16_MAX)
		return LIBUSB_ERROR_INVALID_PARAM;
	rc = libusb_control_transfer(u->h, direction | LIBUSB_REQUEST_TYPE_CLASS |
				     LIBUSB_RECIPIENT_INTERFACE, request, (uint16_t)(type << 8 | id),
				     u->interface, report, (uint16_t)len, CONTROL_TIMEOUT_MS);
	signal_completed(u);
	return rc;
}

static int set_report(struct usb_transport *u, uint8_t type, uint8_t id, const uint8_t *report,
		      size_t len)
{
	/* libusb does not write to the buffer of an OUT transfer. */
	int rc = report_request(u, LIBUSB_ENDPOINT_OUT, HID_SET_REPORT, type, id,
				(uint8_t *)report, len);

	return rc < 0 ? errno_of(rc) : 0;
}

static int usb_write(struct transport *t, uint8_t id, const uint8_t *report, size_t len)
{
	return set_report(to_usb(t), REPORT_OUTPUT, id, report, len);
}

static int usb_set_feature(struct transport *t, uint8_t id, const uint8_t *report, size_t len)
{
	return set_report(to_usb(t), REPORT_FEATURE, id, report, len);
}

static int usb_get_feature(struct transport *t, uint8_t id, uint8_t *report, size_t size)
{
	int rc = report_request(to_usb(t), LIBUSB_ENDPOINT_IN, HID_GET_REPORT, REPORT_FEATURE, id,
				report, size);

	return rc < 0 ? errno_of(rc) : rc;
}

static void usb_interrupt(struct transport *t)
{
	atomic_store(&to_usb(t)->interrupted, true);
}

static void usb_close(struct transport *t)
{
	struct usb_transport *u = to_usb(t);

	/* The IN transfer must be back from the kernel before its memory goes. */
	if (u->in && u->in_flight && libusb_cancel_transfer(u->in) == 0) {
		for (int i = 0; i < 40 && !u->in_done; i++) {
			struct timeval tv = { .tv_sec = 0, .tv_usec = 25000 };

			libusb_handle_events_timeout_completed(u->ctx, &tv, &u->in_done);
		}
	}
	if (u->in && (!u->in_flight || u->in_done))
		libusb_free_transfer(u->in);
	/* Releasing gives the interface back to the kernel driver (automatic detach). */
	if (u->claimed)
		libusb_release_interface(u->h, u->interface);
	if (u->h)
		libusb_close(u->h);
	if (u->ctx)
		libusb_exit(u->ctx);
	if (u->epfd >= 0)
		close(u->epfd);
	if (u->wake_fd >= 0)
		close(u->wake_fd);
	free(u);
}

static int usb_wait_fd(struct transport *t)
{
	return to_usb(t)->epfd;
}

/*
 * One descriptor for an event loop to watch: an epoll set of libusb's own descriptors (the
 * device's usbfs node, readable-for-write when a transfer has completed, and libusb's
 * internal ones) and wake_fd. The context is the transport's own, with one device open,
 * so the set stays as it is after the open.
 */
static int make_wait_fd(struct usb_transport *u)
{
	const struct libusb_pollfd **fds;
	struct epoll_event ev = { .events = EPOLLIN };
	int rc = 0;

	u->epfd = epoll_create1(EPOLL_CLOEXEC);
	u->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (u->epfd < 0 || u->wake_fd < 0 || epoll_ctl(u->epfd, EPOLL_CTL_ADD, u->wake_fd, &ev) < 0)
		return -errno;
	fds = libusb_get_pollfds(u->ctx);
	if (!fds)
		return -EOPNOTSUPP;
	for (size_t i = 0; fds[i] && rc == 0; i++) {
		/* poll(2)'s POLLIN and POLLOUT are epoll's EPOLLIN and EPOLLOUT. */
		ev = (struct epoll_event){ .events = (uint32_t)fds[i]->events };
		ev.data.fd = fds[i]->fd;
		if (epoll_ctl(u->epfd, EPOLL_CTL_ADD, fds[i]->fd, &ev) < 0)
			rc = -errno;
	}
	libusb_free_pollfds(fds);
	return rc;
}

static const struct transport_ops usb_ops = {
	.read = usb_read,
	.write = usb_write,
	.get_feature = usb_get_feature,
	.set_feature = usb_set_feature,
	.interrupt = usb_interrupt,
	.close = usb_close,
	.wait_fd = usb_wait_fd,
};

/* The interface's interrupt IN endpoint, from the active configuration. */
static int find_endpoint(libusb_device *dev, uint8_t interface, uint8_t *ep)
{
	struct libusb_config_descriptor *cfg = NULL;
	int rc = libusb_get_active_config_descriptor(dev, &cfg);

	if (rc < 0)
		return errno_of(rc);
	rc = -ENODEV;
	for (int i = 0; i < cfg->bNumInterfaces && rc < 0; i++) {
		const struct libusb_interface *itf = &cfg->interface[i];

		for (int a = 0; a < itf->num_altsetting && rc < 0; a++) {
			const struct libusb_interface_descriptor *d = &itf->altsetting[a];

			if (d->bInterfaceNumber != interface)
				continue;
			for (int e = 0; e < d->bNumEndpoints; e++) {
				const struct libusb_endpoint_descriptor *epd = &d->endpoint[e];

				if ((epd->bEndpointAddress & LIBUSB_ENDPOINT_IN) &&
				    (epd->bmAttributes & 0x3) == LIBUSB_TRANSFER_TYPE_INTERRUPT) {
					*ep = epd->bEndpointAddress;
					rc = 0;
					break;
				}
			}
		}
	}
	libusb_free_config_descriptor(cfg);
	return rc;
}

static void read_string(libusb_device_handle *h, uint8_t index, char *out, size_t size)
{
	out[0] = '\0';
	if (index && libusb_get_string_descriptor_ascii(h, index, (unsigned char *)out,
							(int)size) < 0)
		out[0] = '\0';
}

static void fill_info(struct usb_transport *u, libusb_device *dev,
		      const struct libusb_device_descriptor *dd, struct transport_info *info)
{
	int n;

	memset(info, 0, sizeof(*info));
	snprintf(info->path, sizeof(info->path), "usb:%u:%u:%u", libusb_get_bus_number(dev),
		 libusb_get_device_address(dev), u->interface);
	info->bus = 3;
	info->vendor = dd->idVendor;
	info->product = dd->idProduct;
	info->release = dd->bcdDevice;
	info->interface = u->interface;
	read_string(u->h, dd->iManufacturer, info->manufacturer, sizeof(info->manufacturer));
	read_string(u->h, dd->iProduct, info->product_name, sizeof(info->product_name));
	read_string(u->h, dd->iSerialNumber, info->serial, sizeof(info->serial));
	/*
	 * GET_DESCRIPTOR (HID report descriptor) to the interface. usbfs refuses a control
	 * transfer longer than a page, so at most 4096 bytes: the longest fixture has 911.
	 */
	n = libusb_control_transfer(u->h, LIBUSB_ENDPOINT_IN | LIBUSB_RECIPIENT_INTERFACE,
				    LIBUSB_REQUEST_GET_DESCRIPTOR, LIBUSB_DT_REPORT << 8,
				    u->interface, info->rdesc, RDESC_USBFS_MAX, CONTROL_TIMEOUT_MS);
	info->rdesc_len = n > 0 ? (size_t)n : 0;
}

int usb_transport_open(const struct usb_phone_address *where, struct transport **out,
		       struct transport_info *info)
{
	struct usb_transport *u = calloc(1, sizeof(*u));
	libusb_device **list = NULL;
	libusb_device *dev = NULL;
	struct libusb_device_descriptor dd;
	ssize_t n;
	int rc;

	*out = NULL;
	if (!u)
		return -ENOMEM;
	u->base.ops = &usb_ops;
	u->interface = where->interface;
	u->epfd = u->wake_fd = -1;
	atomic_init(&u->interrupted, false);
	/* A context of its own: no state shared with other transports or the host. */
	rc = libusb_init(&u->ctx);
	if (rc < 0) {
		u->ctx = NULL;
		rc = errno_of(rc);
		goto fail;
	}
	n = libusb_get_device_list(u->ctx, &list);
	if (n < 0) {
		rc = errno_of((int)n);
		goto fail;
	}
	for (ssize_t i = 0; i < n && !dev; i++) {
		if (libusb_get_device_descriptor(list[i], &dd) < 0 ||
		    dd.idVendor != where->vendor || dd.idProduct != where->product)
			continue;
		if (where->bus && (libusb_get_bus_number(list[i]) != where->bus ||
				   libusb_get_device_address(list[i]) != where->address))
			continue;
		dev = list[i];
	}
	if (!dev) {
		rc = -ENODEV;
		goto fail;
	}
	rc = libusb_open(dev, &u->h);
	if (rc < 0) {
		u->h = NULL;
		rc = errno_of(rc);
		goto fail;
	}
	rc = find_endpoint(dev, u->interface, &u->ep_in);
	if (rc < 0)
		goto fail;
	/* The kernel driver (cm109, yealink) lets go now and gets the interface back at release. */
	libusb_set_auto_detach_kernel_driver(u->h, 1);
	rc = libusb_claim_interface(u->h, u->interface);
	if (rc < 0) {
		rc = errno_of(rc);
		goto fail;
	}
	u->claimed = true;
	u->in = libusb_alloc_transfer(0);
	if (!u->in) {
		rc = -ENOMEM;
		goto fail;
	}
	libusb_fill_interrupt_transfer(u->in, u->h, u->ep_in, u->in_buf, sizeof(u->in_buf),
				       in_complete, u, 0);
	rc = make_wait_fd(u);
	if (rc < 0)
		goto fail;
	fill_info(u, dev, &dd, info);
	libusb_free_device_list(list, 1);
	*out = &u->base;
	return 0;
fail:
	if (list)
		libusb_free_device_list(list, 1);
	usb_close(&u->base);
	return rc;
}
