/*
 * The provider's internals, shared by the tsp/ files. Nothing here is exported: the
 * shared object exports only the TSPI_* functions (include/tspi.h).
 *
 * Threads: the host's threads call TSPI; one loop thread (loop/event-loop.h) does all
 * device I/O — reading every open phone, the udev monitor, timers, and the writes that
 * requests cause — and one dispatch thread delivers callbacks. Neither count grows with
 * the number of phones.
 *
 * Locking: one provider mutex guards the device table and every phone's state. It is never
 * held while a host callback runs (tsp/dispatch.c delivers callbacks), nor during device I/O
 * (all of which happens on the loop thread, in order). So a host may call any TSPI function
 * from inside its callbacks. TSPI functions never wait on a device: they change the state
 * and post the write to the loop; the loop completes the request.
 */
#ifndef HIDPHONE_TSP_PROVIDER_H
#define HIDPHONE_TSP_PROVIDER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/phone-model.h"
#include "hid/transport.h"
#include "tspi.h"

#include "phone.h"

/* tsp/provider.c */
int tsp_negotiate(DWORD low, DWORD high, DWORD *version);   /* -1: ranges do not meet */

/* tsp/discovery.c: where phones come from (hidapi, or recordings named by HIDPHONE_DEVICES) */
int tsp_discover(void);                                     /* lock held */
void tsp_discovery_release(void);

/*
 * tsp/hotplug.c: phones that come and go after enumeration (hidraw devices only). Devices
 * the filter wants become phones opened through source. Start with the lock held; stop
 * without.
 */
void tsp_hotplug_start(bool (*wanted)(const char *node), const struct phone_source *source);
void tsp_hotplug_stop(void);

/* tsp/phone-io.c */
/*
 * The device is gone for good: forced close, PHONE_REMOVE, and the phone is freed (its id
 * stays dead). Lock held; p must not be used after.
 */
void tsp_phone_removed(struct phone *p);
int tsp_phone_open(struct phone *p);                        /* lock held; starts I/O */
/*
 * Lock held on entry and exit (released meanwhile). Returns true when p was freed (it was
 * unplugged during the close).
 */
bool tsp_phone_close(struct phone *p, bool forced);
/* A replayed phone starts playing (the host set its filter). Lock held. */
void tsp_phone_go(struct phone *p);
/* Posts the write of an asynchronous request to the loop, which completes it. Lock held. */
void tsp_phone_request(struct phone *p, DRV_REQUESTID request, enum tsp_write what);
/* Starts and stops the I/O loop and the dispatch thread (lock not held). */
int tsp_threads_start(void);
void tsp_threads_stop(void);

/* tsp/dispatch.c: callbacks to the host, in order, never concurrently, no lock held. */
void tsp_post_event(uint64_t handle, PHONEEVENT proc, HTAPIPHONE ht, DWORD msg, DWORD_PTR p1,
		    DWORD_PTR p2, DWORD_PTR p3);
void tsp_post_completion(uint64_t handle, DRV_REQUESTID request, LONG result);
/* Delivers what is queued unless another thread is already delivering. */
void tsp_dispatch(void);
/* Drops the events queued for an open that ended; completions stay. */
void tsp_dispatch_forget(uint64_t handle);
/* Waits (without the provider lock) until nothing queued belongs to handle. */
void tsp_dispatch_flush(uint64_t handle);
/* The thread that delivers for the loop thread (which never runs host code). */
int tsp_dispatch_start(void);
void tsp_dispatch_stop(void);
/* Waits until nothing is queued and no callback runs (not from inside a callback). */
void tsp_dispatch_wait_idle(void);

/* Sends PHONE_STATE when the open's filter lets it through (lock held). */
void tsp_phone_state(struct phone *p, DWORD state, DWORD_PTR param);
void tsp_phone_button(struct phone *p, uint32_t id, bool down);

/* tsp/errors.c: the one place internal errors become TAPI codes. */
LONG tsp_phone_error(int err);
LONG tsp_line_error(int err);

/* tsp/log.c */
enum tsp_log_level { TSP_LOG_ERROR, TSP_LOG_WARNING, TSP_LOG_INFO, TSP_LOG_DEBUG };
void tsp_log(enum tsp_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* tsp/varstruct.c: filling TAPI's variable-length structures. */
struct varstruct {
	uint8_t *base;
	uint32_t total, needed, used;
};
void varstruct_init(struct varstruct *vs, void *base, uint32_t total, uint32_t fixed);
/* Appends len bytes; sets *size and *offset when they fit, else both 0 (never truncated). */
void varstruct_add(struct varstruct *vs, const void *data, uint32_t len, DWORD *size, DWORD *offset);
/* Appends a UTF-8 string as NUL-terminated UTF-16LE. */
void varstruct_add_string(struct varstruct *vs, const char *utf8, DWORD *size, DWORD *offset);
/* Converts UTF-8 to UTF-16 (invalid sequences become U+FFFD); returns code units written. */
size_t utf8_to_utf16(const char *in, uint16_t *out, size_t max);

/* tsp/button-info.c: what TAPI calls each button. */
DWORD tsp_button_mode(const struct phone_button *b);
DWORD tsp_button_function(const struct phone_button *b);
void tsp_button_text(const struct phone_button *b, char *buf, size_t size);
DWORD tsp_lamp_modes(const struct phone_model *m, const struct phone_button *b);

#endif
