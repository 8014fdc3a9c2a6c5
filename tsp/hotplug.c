/*
 * Phones plugged in or out while the provider runs, seen through a libudev monitor on the
 * hidraw subsystem, and on the usb subsystem for phones over libusb (tsp/discovery-usb.c).
 *
 * A new telephony device becomes a phone without an id and is announced with PHONE_CREATE;
 * TAPI answers with TSPI_providerCreatePhoneDevice, which gives it its id. A device that goes
 * away is force-closed if open (PHONE_CLOSE) and removed (PHONE_REMOVE); its id is never
 * used again, and a re-plugged device comes back as a new phone.
 *
 * The monitor's socket is watched by the I/O loop: it costs nothing while nothing is
 * plugged or unplugged, and events are handled on the loop thread like the phones' input.
 *
 * Just after udev's add, the node's sysfs entries (descriptor, ids) or the node itself may
 * not be readable yet (ENOENT, EACCES, EBUSY): such a device is tried again on a loop timer,
 * 50 ms after, then after waits doubling to 2 s, 8 times at most (about 7 s in all), until
 * it is removed or the monitor stops (loop/backoff.h).
 */
#include <errno.h>
#include <libudev.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <re.h>

#include "hid/hidraw-node.h"
#include "loop/backoff.h"
#include "loop/event-loop.h"
#include "discovery-usb.h"
#include "dispatch.h"
#include "hotplug.h"
#include "line.h"
#include "log.h"
#include "phone.h"
#include "phone-io.h"

#define ADD_FIRST_MS 50
#define ADD_MAX_MS 2000
#define ADD_TRIES 8

/* A device added whose first look failed transiently: tried again (loop thread only). */
struct pending_add {
	struct pending_add *next;
	struct loop_backoff backoff;
	char node[64];
};

static struct {
	bool running;
	struct pending_add *pending;     /* loop thread */
	struct udev *udev;
	struct udev_monitor *monitor;
	bool (*wanted)(const char *node);   /* hidraw nodes to take; NULL: none */
	const struct phone_source *source;
	bool usb;                           /* phones over libusb too */
} hp;

static struct phone *find_by_path(const char *path)
{
	for (size_t i = 0; i < tsp.n_phones; i++) {
		struct phone *p = tsp.phones[i];

		if (!p->replay && !p->removed && strcmp(p->info.path, path) == 0)
			return p;
	}
	return NULL;
}

void tsp_hotplug_add(const struct transport_info *info, const char *node,
		     const struct phone_source *source)
{
	struct phone *p;

	pthread_mutex_lock(&tsp.lock);
	/* Listed by the enumeration already (the monitor starts just before it). */
	if (find_by_path(node) || !tsp.enumerated || (source == hp.source && !hp.wanted(node))) {
		pthread_mutex_unlock(&tsp.lock);
		return;
	}
	p = tsp_phone_new(info, node, source);
	if (!p) {
		pthread_mutex_unlock(&tsp.lock);
		return;
	}
	p->temp_id = ++tsp.next_temp_id;
	if (tsp_phone_add(p) < 0) {
		pthread_mutex_unlock(&tsp.lock);
		tsp_phone_free(p);
		return;
	}
	tsp_log(TSP_LOG_INFO, "%s: phone %04x:%04x \"%s\" plugged in", node, p->info.vendor,
		p->info.product, p->info.product_name);
	if (source == hp.source && access(node, R_OK | W_OK) != 0)
		tsp_log(TSP_LOG_WARNING, "%s: no permission to open it; install hidphone's udev "
			"rules (make install) so the user at the seat gets access", node);
	if (tsp.create_proc)
		tsp_post_event(0, tsp.create_proc, NULL, PHONE_CREATE, (DWORD_PTR)tsp.hprovider,
			       p->temp_id, 0);
	/* Its line comes with it (LINE_CREATE). */
	tsp_lines_phone_added(p);
	pthread_mutex_unlock(&tsp.lock);
	tsp_dispatch();
}

/*
 * A new device: a phone if it is one; the error that kept it from being looked at, or 0.
 * node: a hidraw node, or NULL with usb_itf, a USB interface (phones over libusb).
 */
static int add_device(const char *node, struct udev_device *usb_itf)
{
	struct transport_info *info = malloc(sizeof(*info));
	const struct phone_source *source = node ? hp.source : &tsp_usb_source;
	int rc;

	if (!info)
		return -ENOMEM;
	rc = node ? hidraw_node_transport_info(node, info) : tsp_usb_interface_info(usb_itf, info);
	if (rc == 0)
		tsp_hotplug_add(info, node ? node : info->path, source);
	free(info);
	return rc;
}

static bool transient(int rc)
{
	return rc == -ENOENT || rc == -EACCES || rc == -EPERM || rc == -EBUSY || rc == -EAGAIN;
}

static void pending_forget(struct pending_add *pa)
{
	for (struct pending_add **pp = &hp.pending; *pp; pp = &(*pp)->next) {
		if (*pp == pa) {
			*pp = pa->next;
			break;
		}
	}
	loop_backoff_cancel(&pa->backoff);
	free(pa);
}

static void retry_add(void *arg)
{
	struct pending_add *pa = arg;
	int rc = add_device(pa->node, NULL);

	if (transient(rc) && loop_backoff_retry(&pa->backoff, retry_add, pa))
		return;
	if (rc < 0)
		tsp_log(TSP_LOG_WARNING, "%s: plugged in, but cannot be read (%s); given up after "
			"%u tries", pa->node, strerror(-rc), pa->backoff.tries + 1);
	pending_forget(pa);
}

/* A hidraw node added: looked at now, and again on a back-off while it is not readable. */
static void device_added(const char *node)
{
	struct pending_add *pa;
	int rc = add_device(node, NULL);

	if (!transient(rc) || strlen(node) >= sizeof(pa->node))
		return;
	pa = calloc(1, sizeof(*pa));
	if (!pa)
		return;
	snprintf(pa->node, sizeof(pa->node), "%s", node);
	loop_backoff_init(&pa->backoff, ADD_FIRST_MS, ADD_MAX_MS, ADD_TRIES);
	tsp_log(TSP_LOG_INFO, "%s: plugged in, not readable yet (%s); trying again", node,
		strerror(-rc));
	pa->next = hp.pending;
	hp.pending = pa;
	loop_backoff_retry(&pa->backoff, retry_add, pa);
}

void tsp_hotplug_remove(const char *node)
{
	struct phone *p;

	/* A device still being tried: no more tries. */
	for (struct pending_add *pa = hp.pending; pa; pa = pa->next) {
		if (strcmp(pa->node, node) == 0) {
			pending_forget(pa);
			break;
		}
	}

	pthread_mutex_lock(&tsp.lock);
	p = find_by_path(node);
	if (p)
		tsp_phone_removed(p);
	pthread_mutex_unlock(&tsp.lock);
	tsp_dispatch();
}

/* A USB device went: its phones over libusb ("usb:BUS:ADDR:IF") with it. */
static void usb_device_removed(struct udev_device *dev)
{
	char prefix[32];
	size_t n;

	if (!tsp_usb_device_prefix(dev, prefix, sizeof(prefix)))
		return;
	n = strlen(prefix);
	pthread_mutex_lock(&tsp.lock);
	for (size_t i = 0; i < tsp.n_phones; i++) {
		struct phone *p = tsp.phones[i];

		if (p->from == &tsp_usb_source && !p->removed &&
		    strncmp(p->info.path, prefix, n) == 0) {
			/* Frees p and shifts the table: start over. */
			tsp_phone_removed(p);
			i = (size_t)-1;
		}
	}
	pthread_mutex_unlock(&tsp.lock);
	tsp_dispatch();
}

/* Loop thread: one udev event. */
static void monitor_readable(int flags, void *arg)
{
	struct udev_device *dev;
	const char *action, *node, *subsystem;
	bool usb, hidraw;

	(void)flags;
	(void)arg;
	dev = udev_monitor_receive_device(hp.monitor);
	if (!dev)
		return;
	action = udev_device_get_action(dev);
	node = udev_device_get_devnode(dev);
	subsystem = udev_device_get_subsystem(dev);
	/* Which kinds are watched is set by discovery under the lock, maybe after the start. */
	pthread_mutex_lock(&tsp.lock);
	usb = hp.usb;
	hidraw = hp.wanted != NULL;
	pthread_mutex_unlock(&tsp.lock);
	if (action && subsystem && strcmp(subsystem, "usb") == 0) {
		const char *type = udev_device_get_devtype(dev);

		if (!usb || !type)
			;
		else if (strcmp(action, "add") == 0 && strcmp(type, "usb_interface") == 0)
			(void)add_device(NULL, dev);
		else if (strcmp(action, "remove") == 0 && strcmp(type, "usb_device") == 0)
			usb_device_removed(dev);
	} else if (action && node && hidraw) {
		if (strcmp(action, "add") == 0)
			device_added(node);
		else if (strcmp(action, "remove") == 0)
			tsp_hotplug_remove(node);
	}
	udev_device_unref(dev);
}

static void watch_on_loop(void *arg)
{
	int err;

	(void)arg;
	err = fd_listen(udev_monitor_get_fd(hp.monitor), FD_READ, monitor_readable, NULL);
	if (err)
		tsp_log(TSP_LOG_WARNING, "hotplug: cannot watch for phones (%s); only those "
			"present now are used", strerror(err));
}

static void unwatch_on_loop(void *arg)
{
	(void)arg;
	fd_close(udev_monitor_get_fd(hp.monitor));
	while (hp.pending)
		pending_forget(hp.pending);
}

static void release(void)
{
	udev_monitor_unref(hp.monitor);
	hp.monitor = NULL;
	udev_unref(hp.udev);
	hp.udev = NULL;
}

void tsp_hotplug_start(bool (*wanted)(const char *node), const struct phone_source *source)
{
	/* Taken by the loop thread under the lock (device_added); set before it watches. */
	if (wanted) {
		hp.wanted = wanted;
		hp.source = source;
	} else {
		hp.usb = true;
	}
	if (hp.running)
		return;
	hp.udev = udev_new();
	if (!hp.udev)
		goto fail;
	/* "udev": events after udevd has created the node and applied the rules (permissions). */
	hp.monitor = udev_monitor_new_from_netlink(hp.udev, "udev");
	if (!hp.monitor ||
	    udev_monitor_filter_add_match_subsystem_devtype(hp.monitor, "hidraw", NULL) < 0 ||
	    udev_monitor_filter_add_match_subsystem_devtype(hp.monitor, "usb", NULL) < 0 ||
	    udev_monitor_enable_receiving(hp.monitor) < 0)
		goto fail;
	/* Posted, not called: the provider lock is held, which the loop may be waiting for. */
	if (loop_post(watch_on_loop, NULL) < 0)
		goto fail;
	hp.running = true;
	return;
fail:
	tsp_log(TSP_LOG_WARNING, "hotplug: cannot watch for phones (%s); only those present now "
		"are used", strerror(errno));
	release();
}

void tsp_hotplug_stop(void)
{
	if (!hp.running)
		return;
	if (loop_call(unwatch_on_loop, NULL) < 0) {
		/* No loop: its timers went with it. */
		while (hp.pending) {
			struct pending_add *pa = hp.pending;

			hp.pending = pa->next;
			free(pa);
		}
	}
	release();
	hp.running = false;
	hp.wanted = NULL;
	hp.usb = false;
}
