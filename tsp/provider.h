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

#define TSP_VERSION_LOW  TAPI_VERSION2_0
#define TSP_VERSION_HIGH TAPI_VERSION3_1
#define TSP_NO_ID 0xffffffffu

/* What identifies a phone's device: a transport_info without the descriptor bytes, which
 * live on parsed in the phone model (a phone must stay small: hotplug makes many). */
struct phone_info {
	char path[256];
	uint16_t bus, vendor, product, release;
	int interface;
	char manufacturer[128];
	char product_name[128];
	char serial[128];
};

struct phone {
	/* Identity: fixed once discovered. */
	uint32_t device_id;          /* global TAPI id, TSP_NO_ID until assigned */
	uintptr_t temp_id;           /* PHONE_CREATE's id for devices found after init */
	uint32_t permanent_id;
	struct phone_info info;
	struct phone_model *model;
	char source[280];            /* "replay:<file>#<n>" or the hidraw node */
	bool removed;                /* unplugged: the id is dead for good */
	bool replay;
	bool replay_fast, replay_unplug;
	size_t replay_index;         /* device of the recording */
	char replay_file[256];

	/* Open state (guarded by the provider lock). */
	uint64_t handle;             /* HDRVPHONE value of the current open, 0 when closed */
	HTAPIPHONE htphone;
	PHONEEVENT event_proc;
	uint32_t version;
	uint32_t filter_states, filter_button_modes, filter_button_states;
	struct transport *transport;
	struct phone_io *io;         /* the open's reading, owned by the loop thread */
	bool closing;
	bool remove_after_close;     /* unplugged while a close had the lock released */
	bool replay_go;              /* a replayed phone plays once the host set its filter */

	/* Phone state. */
	struct phone_output_state out;
	struct phone_input_state in;
	uint32_t lamp_mode[PHONE_MAX_IDS];
	uint32_t ring_mode, ring_volume;
	uint8_t *display_text;       /* rows x columns characters, NULL without a display */
};

struct provider {
	pthread_mutex_t lock;
	bool enumerated, initialized;
	uint32_t permanent_provider_id;
	uint32_t version;
	uint32_t phone_base;
	HPROVIDER hprovider;
	PHONEEVENT create_proc;
	ASYNC_COMPLETION completion_proc;
	struct phone **phones;
	size_t n_phones, cap_phones;
	uint64_t next_handle;
	uintptr_t next_temp_id;
	bool hidapi_ready;
	bool threads_running;        /* the I/O loop and the dispatch thread */
};

extern struct provider tsp;

/* tsp/provider.c */
int tsp_negotiate(DWORD low, DWORD high, DWORD *version);   /* -1: ranges do not meet */
struct phone *tsp_phone_by_id(uint32_t device_id);          /* lock held */
struct phone *tsp_phone_by_handle(HDRVPHONE handle);        /* lock held; open phones only */
void tsp_phone_free(struct phone *p);

/* tsp/discovery.c: where phones come from (hidapi, or recordings named by HIDPHONE_DEVICES) */
int tsp_discover(void);                                     /* lock held */
struct phone *tsp_phone_new(const struct transport_info *info, const char *source);
int tsp_phone_add(struct phone *p);                         /* lock held */
bool tsp_hidraw_wanted(const char *path);                   /* HIDPHONE_DEVICES=hidraw:... */
int tsp_replay_open(struct phone *p, struct transport **out);
void tsp_discovery_release(void);

/* tsp/hotplug.c: phones that come and go after enumeration (hidraw devices only) */
void tsp_hotplug_start(void);                               /* lock held */
void tsp_hotplug_stop(void);                                /* lock NOT held */

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
/*
 * Ends an asynchronous request whose change is in p's state: the loop writes the whole
 * output state (or the display) to the device, then completes the request. Lock held.
 */
enum tsp_write { TSP_WRITE_OUTPUT, TSP_WRITE_DISPLAY };
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
