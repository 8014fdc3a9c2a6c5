/* vm-host.h: what the guest TAPI host's step groups share (vm-host.c): test points, the
 * fixtures and the standing set, reports, the gadget end (phone firmware at /dev/hidgN), the
 * provider and the host (tools/tapi-host.c: its callbacks and their log). One file per step group: vm-host-discover.c,
 * vm-host-input.c, vm-host-output.c, vm-host-latency.c, vm-host-hotplug.c. */
#ifndef HIDPHONE_VM_HOST_H
#define HIDPHONE_VM_HOST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <malloc.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "e2e-common.h"
#include "expect-file.h"
#include "tapi-host.h"
#include "tapi-names.h"

#define HPROV HOST_HPROVIDER
#define ID_BASE 100u
#define MAX_FX 32
#define MAX_REP 64
#define GADGETS "/sys/kernel/config/usb_gadget"

struct check {
	int bad;
	char why[4096];
	size_t len;
};

enum { K_INPUT, K_OUTPUT, K_FEATURE };

struct xvar {
	unsigned page, usage;
	int kind, rid, bit, size;
};

struct xarr {
	unsigned page, first, last;
	int kind, rid, bit, size, count;
	long lmin, lmax;
};

struct fixture {
	char name[64], mfr[64], prod[96];
	unsigned vid, pid;
	uint8_t in[MAX_REP], out[MAX_REP];
	int in_len, out_len;
	bool phone;
	unsigned tlc_usage;           /* the Telephony top-level collection, 0 if none */
	struct xvar vars[128];
	int n_vars;
	struct xarr arrs[16];
	int n_arrs;
};

struct report {
	int rid;
	size_t len;
	uint8_t b[MAX_REP];
};

struct outrep {
	int64_t t;
	size_t len;
	uint8_t b[MAX_REP];
};

struct gadget {
	const struct fixture *fx;
	char path[300];
	int fd;                      /* the test's input reports: written, non-blocking */
	int rfd;                     /* the output reports: read by thread, blocking */
	bool read_failed;            /* thread: a read failed (said once) */
	pthread_t thread;
	bool running;
	bool inited;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct outrep *outs;
	size_t n_outs, cap_outs;
};

/* An event to an open phone's PHONEEVENT (not the enumeration's, a line's, a completion). */
static inline bool from_open_phone(const struct host_event *e)
{
	return !e->completion && !e->line && !e->enumerated;
}

struct caps {
	LONG rc;
	DWORD version;
	union {
		PHONECAPS c;
		uint8_t raw[16384];
	} u;
	char name[128];
	bool name_ascii;
	char info[512];
};

/* The phones the provider lists, by fixture: the phone whose PhoneName is the product. */
struct phone {
	DWORD id;
	struct fixture *fx;
	struct caps caps;
	HDRVPHONE hd;
	HTAPIPHONE ht;
};

#define ALL_HOOK_STATES (PHONESTATE_HANDSETHOOKSWITCH | PHONESTATE_SPEAKERHOOKSWITCH | \
			 PHONESTATE_HEADSETHOOKSWITCH)

extern int n_failed;
extern struct fixture fxs[MAX_FX];
extern int n_fx;
extern struct fixture *standing[8];
extern int n_standing;
extern struct host *H;
extern struct phone phones[8];
extern int n_phones;

void check_fail(struct check *c, const char *fmt, ...);
void diag(const char *fmt, ...);
void tap(struct check *c, const char *fmt, ...);
const char *e2e_dir(void);
void load_expect(struct fixture *f);
void load_fixtures(void);
struct fixture *fixture(const char *name);
struct fixture *fixture_by_product(const char *prod);
const struct xvar *xvar(const struct fixture *f, unsigned page, unsigned usage, int kind);
const struct xarr *xkeypad(const struct fixture *f, unsigned u);
void load_standing(void);
void rep_set(struct report *r, int bit, int size, uint32_t v);
bool rep_get(const uint8_t *b, size_t len, int rid, int bit);
size_t rep_len(const struct fixture *f, int kind, int rid);
void rep_init(struct report *r, const struct fixture *f, int kind, int rid);
const char *hex(const uint8_t *p, size_t n);
int read_text(const char *path, char *buf, size_t cap);
int write_text(const char *path, const char *text);
int hidg_path(const char *fx, char *out, size_t cap);
void *gadget_main(void *data);
int gadget_open(struct gadget *g, const struct fixture *fx, long ms);
void gadget_close(struct gadget *g);
size_t gadget_count(struct gadget *g);
bool gadget_wait(struct gadget *g, size_t n, long ms);
bool gadget_last(struct gadget *g, size_t from, int rid, struct outrep *out);
int gadget_write(struct gadget *g, const struct report *r, int64_t *t);
int gadget_udc(const char *fx, char *udc, size_t cap);
int gadget_bind(const char *fx, const char *udc);
/* The host's callbacks and their log are tools/tapi-host.c's (H); these read it. */
bool is_completion(const struct host_event *e, const void *request);
const char *msg_name(DWORD msg);
const char *ev_text(const struct host_event *e);
LONG start_provider(void);
void stop_provider(void);
void utf16_to_ascii(const uint8_t *base, DWORD off, DWORD size, char *out, size_t cap,
			   bool *ascii);
void get_caps(DWORD id, struct caps *c);
const DWORD *caps_array(const struct caps *c, DWORD off, DWORD size);
void list_phones(void);
struct phone *phone_of(const struct fixture *fx);
LONG open_phone(struct phone *p, HTAPIPHONE ht);
DWORD button_info(HDRVPHONE hd, DWORD id, DWORD *mode);
int feature_ids(struct phone *p, DWORD fn, DWORD *ids, int max);
DWORD hook_dev_of(const struct fixture *f);
DWORD hook_state_of(DWORD dev);
int count_standing_phones(void);

/* vm-host-output.c: request ids, unique over the run. */
extern DRV_REQUESTID next_request;
long env_long(const char *name, long def);
/* The first lamp id of the phone's caps that can be STEADY; 0xffffffff when none. */
DWORD first_steady_lamp(const struct phone *p);
/* Starts the provider; false (a failed test point "WHAT: provider started") if it fails. */
bool provider_up(const char *what);
/*
 * For each phone of the standing set: its gadget opened, the phone opened (htPhone ht_base
 * + id) with that status filter, settle_ms waited, run(p, g), both closed again. A phone
 * that cannot be set up is a failed test point "WHAT: fixture".
 */
void each_standing_phone(const char *what, uintptr_t ht_base, DWORD states, DWORD modes,
			 DWORD button_states, int settle_ms,
			 void (*run)(struct phone *p, struct gadget *g));
/* Waits on cond, taking lock, until *count > n or ms have passed; whether it is. */
bool wait_count(pthread_mutex_t *lock, pthread_cond_t *cond, const size_t *count, size_t n,
		long ms);
/* The value a keypad array reports with no key down. */
long keypad_idle(const struct xarr *a);

int cmd_discover(void);
int cmd_input(void);
int cmd_output(void);
int cmd_latency(void);
int cmd_hotplug(void);
int cmd_audio(int argc, char **argv);

#endif
