/*
 * Transports: how report bytes reach a device and come back.
 *
 * Everything above hid/ talks to a device through this interface, so a phone works the same
 * whether it is real (hidapi on a hidraw node, libusb on the USB device) or a recording
 * played back (replay).
 *
 * A report is its bytes as on the wire: the report id first when the device numbers its
 * reports (its descriptor has Report ID items), no id byte when it does not. read() returns
 * input reports so, as hidraw and an interrupt IN endpoint deliver them, and write(),
 * set_feature() and get_feature() take and fill output and feature reports so: devices/
 * builds and parses one form. Beside the bytes goes the report id, 0 for a device that
 * numbers none (HID 1.11, 5.6: id 0 is reserved for that). The bytes alone cannot tell "no
 * id" from a first data byte of 0, and every backend needs the id out of band: hidraw's
 * write() and feature ioctls and hidapi take it as a leading byte always, 0 included; a USB
 * SET_REPORT or GET_REPORT carries it in wValue with the bytes as on the wire in its data
 * stage. Each transport adds what its backend wants; report-prefix.h converts to and from
 * that prefixed form where one stands alone (hidraw, recordings' O: and F: lines, phonectl).
 *
 * A transport is read by one thread at a time and written by any number of writer threads:
 * read() may run concurrently with the other calls, and the other calls are serialised by the
 * caller. Reads may come from different threads in turn (the provider's loop and its
 * dispatch thread), each finished before the next.
 *
 * An event loop reads without blocking: it waits until wait_fd() is readable (hidraw) or
 * for due_ms() to pass (replay, which has no descriptor), then calls read() with a timeout
 * of 0 until it returns 0.
 */
#ifndef HIDPHONE_TRANSPORT_H
#define HIDPHONE_TRANSPORT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdesc.h"

struct transport;

struct transport_info {
	char path[256];          /* hidraw node, or "replay:<file>" */
	uint16_t bus;            /* BUS_USB (3), BUS_BLUETOOTH (5), ... */
	uint16_t vendor, product;
	uint16_t release;        /* bcdDevice when known, else 0 */
	int interface;           /* USB interface number, -1 when unknown */
	char manufacturer[128];
	char product_name[128];
	char serial[128];
	uint8_t rdesc[RDESC_MAX_SIZE];
	size_t rdesc_len;
};

struct transport_ops {
	/*
	 * Waits up to timeout_ms (-1: without limit) for one input report. Returns its length,
	 * 0 on timeout, -ENODEV when the device is gone (unplugged, or a recording that has
	 * ended and was told to unplug), another negative errno on failure.
	 */
	int (*read)(struct transport *t, uint8_t *buf, size_t len, int timeout_ms);
	/*
	 * Sends output report id, len bytes as on the wire (report[0] is id unless id is 0).
	 * Returns 0 or a negative errno. The callers below have checked the arguments.
	 */
	int (*write)(struct transport *t, uint8_t id, const uint8_t *report, size_t len);
	/*
	 * Reads feature report id into report (at most size bytes, as on the wire: id first
	 * unless it is 0); returns its length or a negative errno.
	 */
	int (*get_feature)(struct transport *t, uint8_t id, uint8_t *report, size_t size);
	/* Sends feature report id, as write() does an output report. */
	int (*set_feature)(struct transport *t, uint8_t id, const uint8_t *report, size_t len);
	/* Makes a read() that is waiting return -EINTR soon, so a reader thread can stop. */
	void (*interrupt)(struct transport *t);
	void (*close)(struct transport *t);
	/*
	 * The descriptor that becomes readable (or hangs up) when read() has something; -1
	 * when the transport has none and says when with due_ms() instead.
	 */
	int (*wait_fd)(struct transport *t);
	/* Milliseconds until read() has something (0: now); -1: nothing will come. */
	long (*due_ms)(struct transport *t);
};

struct transport {
	const struct transport_ops *ops;
};

static inline int transport_read(struct transport *t, uint8_t *buf, size_t len, int timeout_ms)
{
	return t->ops->read(t, buf, len, timeout_ms);
}

/*
 * Whether report is report id as on the wire: at least one byte, and an id byte that says
 * id when it is not 0. A numbered report may be its id byte alone.
 */
static inline bool transport_report_valid(uint8_t id, const uint8_t *report, size_t len)
{
	return report && len > 0 && (id == 0 || report[0] == id);
}

/* Sends output report id; -EINVAL for bytes that are not that report (see above). */
static inline int transport_write(struct transport *t, uint8_t id, const uint8_t *report,
				  size_t len)
{
	return transport_report_valid(id, report, len) ? t->ops->write(t, id, report, len) :
							 -EINVAL;
}

/* Reads feature report id: its length as on the wire, or -EINVAL for no room. */
static inline int transport_get_feature(struct transport *t, uint8_t id, uint8_t *report,
					size_t size)
{
	if (!report || size == 0)
		return -EINVAL;
	return t->ops->get_feature(t, id, report, size);
}

static inline int transport_set_feature(struct transport *t, uint8_t id, const uint8_t *report,
					size_t len)
{
	return transport_report_valid(id, report, len) ?
	       t->ops->set_feature(t, id, report, len) : -EINVAL;
}

static inline void transport_interrupt(struct transport *t)
{
	t->ops->interrupt(t);
}

static inline int transport_wait_fd(struct transport *t)
{
	return t->ops->wait_fd ? t->ops->wait_fd(t) : -1;
}

static inline long transport_due_ms(struct transport *t)
{
	return t->ops->due_ms ? t->ops->due_ms(t) : -1;
}

static inline void transport_close(struct transport *t)
{
	if (t)
		t->ops->close(t);
}

#endif
