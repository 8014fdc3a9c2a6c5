/*
 * Transports: how report bytes reach a device and come back.
 *
 * Everything above hid/ talks to a device through this interface, so a phone works the same
 * whether it is real (hidapi's hidraw backend) or a recording played back (replay). Reports
 * carry the report id as their first byte, 0 when the descriptor has no report ids, which is
 * hidapi's convention for writes; reads of an unnumbered report have no id byte, as hidraw
 * delivers them.
 *
 * A transport is used by one reader thread and any number of writer threads: read() may run
 * concurrently with the other calls, and the other calls are serialised by the caller.
 *
 * An event loop reads without blocking: it waits until wait_fd() is readable (hidraw) or
 * for due_ms() to pass (replay, which has no descriptor), then calls read() with a timeout
 * of 0 until it returns 0.
 */
#ifndef HIDPHONE_TRANSPORT_H
#define HIDPHONE_TRANSPORT_H

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
	/* Sends an output report; data[0] is the report id. Returns 0 or a negative errno. */
	int (*write)(struct transport *t, const uint8_t *data, size_t len);
	/* Reads feature report data[0] into data; returns its length or a negative errno. */
	int (*get_feature)(struct transport *t, uint8_t *data, size_t len);
	int (*set_feature)(struct transport *t, const uint8_t *data, size_t len);
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

static inline int transport_write(struct transport *t, const uint8_t *data, size_t len)
{
	return t->ops->write(t, data, len);
}

static inline int transport_get_feature(struct transport *t, uint8_t *data, size_t len)
{
	return t->ops->get_feature(t, data, len);
}

static inline int transport_set_feature(struct transport *t, const uint8_t *data, size_t len)
{
	return t->ops->set_feature(t, data, len);
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
