/*
 * The phone object, the table of phones and the provider state they live in, and the one
 * way into them for a TSPI function: the entry guard.
 *
 * Every TSPI function that takes a phone enters through tsp_enter_handle() (an open
 * phone) or tsp_enter_id() (a device id, with the version check), which take the provider
 * lock; and leaves through tsp_leave() (drops the lock, returns the result) or
 * tsp_leave_async() (an asynchronous request: the I/O loop writes the change and queues
 * the completion).
 */
#ifndef HIDPHONE_TSP_PHONE_H
#define HIDPHONE_TSP_PHONE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
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
	const struct phone_source *from; /* how to open it */
	bool removed;                /* unplugged: the id is dead for good */
	bool replay;
	bool replay_fast, replay_unplug;
	size_t replay_index;         /* device of the recording */
	int replay_in, replay_out;   /* a live replayed device's sockets, or -1 */
	char replay_file[256];

	/*
	 * Open state (guarded by the provider lock). The device is open (its I/O runs) while
	 * the host has the phone open or its line holds it (line_holds: an application has the
	 * line open and the phone drives it); the host's open attaches to that.
	 */
	uint64_t handle;             /* the device's current open, 0 when closed */
	uint64_t host_handle;        /* HDRVPHONE value of the host's open, 0 when it has none */
	unsigned line_holds;         /* lines that keep the device open */
	bool audio_seen;             /* a sound card was found for it once (tsp/phone-audio.c) */
	HTAPIPHONE htphone;
	PHONEEVENT event_proc;
	uint32_t version;
	uint32_t filter_states, filter_button_modes, filter_button_states;
	struct transport *transport;
	struct phone_io *io;         /* the open's reading, owned by the loop thread */
	struct phone_audio *audio;   /* the open's sound card on the loop (tsp/phone-audio.c) */
	bool closing;
	bool remove_after_close;     /* unplugged while a close had the lock released */
	bool replay_go;              /* a replayed phone plays once the host set its filter */

	/* Phone state. */
	struct phone_output_state out;
	struct phone_input_state in;
	uint32_t lamp_mode[PHONE_MAX_IDS];
	uint32_t ring_mode, ring_volume;
	/* PHONEHOOKSWITCHMODE_ a phoneSetHookSwitch gave each off-hook device; 0: MICSPEAKER */
	uint32_t hook_mode[PHONE_HOOK_DEVICES];
	uint8_t *display_text;       /* rows x columns characters, NULL without a display */
};

struct provider {
	pthread_mutex_t lock;
	bool enumerated, initialized;
	uint32_t permanent_provider_id;
	uint32_t version;
	uint32_t phone_base;
	uint32_t line_base;
	LINEEVENT line_create_proc;
	struct tsp_line **lines;     /* tsp/line.h: one per configured line, else per phone */
	size_t n_lines;
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

struct phone;

/*
 * Where a phone's device is opened: set by whoever found it (discovery: hidraw, replay;
 * hotplug: hidraw), so opening a phone needs no knowledge of where phones come from.
 */
struct phone_source {
	int (*open)(struct phone *p, struct transport **out);
};

struct phone *tsp_phone_by_id(uint32_t device_id);          /* lock held */
struct phone *tsp_phone_by_handle(HDRVPHONE handle);        /* lock held; the host's opens only */
/* A phone for a device of this descriptor, or NULL (no phone: logged when unusable). */
struct phone *tsp_phone_new(const struct transport_info *info, const char *source,
			    const struct phone_source *from);
int tsp_phone_add(struct phone *p);                         /* lock held */
void tsp_phone_free(struct phone *p);

/* Whether version is one the provider supports. */
static inline bool tsp_version_ok(DWORD version)
{
	return version >= TSP_VERSION_LOW && version <= TSP_VERSION_HIGH;
}

/* Enters with the lock held on the open phone of handle; NULL (lock not held) if none. */
struct phone *tsp_enter_handle(HDRVPHONE handle);
/*
 * Enters with the lock held on the phone of device_id; NULL (lock not held) with *err
 * PHONEERR_BADDEVICEID, or PHONEERR_INCOMPATIBLEAPIVERSION when version is given (not 0)
 * and unsupported.
 */
struct phone *tsp_enter_id(DWORD device_id, DWORD version, LONG *err);
/* Leaves (drops the lock) and returns result. */
LONG tsp_leave(LONG result);

enum tsp_write { TSP_WRITE_OUTPUT, TSP_WRITE_DISPLAY };
/*
 * Leaves an asynchronous request whose change is in p's state: the I/O loop writes the
 * whole output state (or the display) and completes the request. Returns the request id.
 */
LONG tsp_leave_async(struct phone *p, DRV_REQUESTID request, enum tsp_write what);

#endif
