/*
 * The provider's life (tsp/provider.c): negotiation, enumeration, init, shutdown, and the
 * three threads it runs. Nothing in tsp/ is exported: the shared object exports only the
 * TSPI_* functions (include/tspi.h).
 *
 * Threads: the host's threads call TSPI; one loop thread (loop/event-loop.h) reads every
 * open phone, the udev monitor and the SIP sockets and runs the timers; one writer thread
 * (tsp/phone-writer.h) makes the writes that requests cause, which may block on a device;
 * one dispatch thread delivers callbacks. No count grows with the number of phones.
 *
 * Locking: one provider mutex (tsp.lock, tsp/phone.h) guards the device table and every
 * phone's state. It is never held while a host callback runs (tsp/dispatch.c delivers
 * callbacks), nor during a device's read or write. So a host may call any TSPI function
 * from inside its callbacks. TSPI functions never wait on a device: they change the state
 * and post the request to the loop, which queues the write; the writer completes it.
 */
#ifndef HIDPHONE_TSP_PROVIDER_H
#define HIDPHONE_TSP_PROVIDER_H

#include "tspi.h"

int tsp_negotiate(DWORD low, DWORD high, DWORD *version);   /* -1: ranges do not meet */
/* Starts and stops the I/O loop, the device writer and the dispatch thread (lock not held). */
int tsp_threads_start(void);
void tsp_threads_stop(void);

#endif
