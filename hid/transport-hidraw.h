/*
 * Real devices: hidapi's hidraw backend for writes and feature reports, and the hidraw
 * node read directly for input.
 *
 * hidapi cannot interrupt a read that is waiting: a reader thread would have to wake up
 * periodically to notice a close. Reading the node with poll() next to an eventfd makes a
 * waiting reader cost nothing and lets close() wake it at once, and the report reaches us
 * exactly as a bare read() of the node gets it.
 */
#ifndef HIDPHONE_TRANSPORT_HIDRAW_H
#define HIDPHONE_TRANSPORT_HIDRAW_H

#include "transport.h"

/* Once per process, before any other call; not thread-safe (hidapi's hid_init). */
int hidraw_transport_init(void);
void hidraw_transport_exit(void);

/*
 * Lists hidraw devices. Calls found(info, ctx) once per hidraw node (hidapi lists a node
 * once per top-level collection; the node is what we open), with the descriptor read from
 * sysfs. Returns 0 or a negative errno.
 */
int hidraw_transport_enumerate(void (*found)(const struct transport_info *info, void *ctx),
			       void *ctx);

/* Opens a hidraw node: -EACCES when the user may not, -ENOENT when it is gone. */
int hidraw_transport_open(const char *path, struct transport **out);

#endif
