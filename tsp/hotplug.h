/*
 * Phones that come and go after enumeration (hidraw devices, and USB devices a profile
 * gives a scan protocol: tsp/discovery-usb.h), seen through a libudev monitor watched by
 * the I/O loop.
 */
#ifndef HIDPHONE_TSP_HOTPLUG_H
#define HIDPHONE_TSP_HOTPLUG_H

#include <stdbool.h>

#include "phone.h"

/*
 * hidraw devices the filter wants become phones opened through source; with wanted NULL,
 * phones over libusb instead (tsp_usb_source). Called once for each kind that is used.
 * Start with the lock held; stop without.
 */
void tsp_hotplug_start(bool (*wanted)(const char *node), const struct phone_source *source);
void tsp_hotplug_stop(void);
/*
 * What the monitor does with a device (loop thread): a device added, node its path, opened
 * through source, becomes a phone announced with PHONE_CREATE (its line with LINE_CREATE)
 * unless it is one already; the phone of a node removed is closed (PHONE_CLOSE) and
 * removed (PHONE_REMOVE, its line's LINE_REMOVE), its ids dead for good.
 */
void tsp_hotplug_add(const struct transport_info *info, const char *node,
		     const struct phone_source *source);
void tsp_hotplug_remove(const char *node);

#endif
