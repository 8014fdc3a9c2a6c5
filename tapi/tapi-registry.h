/*
 * The runtime's state: applications, their open phones, the phone devices of the loaded
 * providers, outstanding requests and the message queues.
 *
 * Everything an application can name by a handle lives here and is reached only through
 * the handle tables, never through a pointer the application holds: a later telephony
 * service can then keep the same tables for applications in other processes and only
 * change where a queue's messages go.
 *
 * Two locks. tapi_api_lock serialises the application calls (a call may leave the tables
 * unlocked while it calls the provider, which then cannot change under it). tapi_lock guards
 * the tables and queues; provider callbacks take only this one, and nobody calls into a
 * provider while holding it, so a provider thread never waits for an application call.
 */
#ifndef HIDPHONE_TAPI_REGISTRY_H
#define HIDPHONE_TAPI_REGISTRY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "tspi.h"

#define TAPI_MAX_QUEUE 100000     /* messages an application may leave unread */

struct tapi_provider;

struct tapi_msg {
	struct tapi_msg *next;
	PHONEMESSAGE m;
};

struct tapi_app {
	HPHONEAPP handle;
	bool dead;                /* shut down; freed by the last waiter */
	unsigned waiters;         /* threads inside phoneGetMessage */
	pthread_cond_t cond;      /* a message came, or the registration ended */
	int event_fd;             /* readable while the queue is non-empty */
	WCHAR *name;              /* friendly name, UTF-16 with its NUL */
	DWORD name_size;          /* bytes, NUL included */
	struct tapi_msg *head, *tail;
	size_t n_msgs;
	size_t dropped;
};

struct tapi_phone_dev {
	DWORD id;                 /* the TAPI device id; also the provider's */
	struct tapi_provider *prov;
	DWORD tspi_version;
	bool ready;               /* negotiated; usable by applications */
	bool removed;
	bool open;                /* the provider's phone is open */
	bool opening;
	bool closed_while_opening;
	HDRVPHONE hd;
	DWORD states, modes, bstates;  /* the union the provider was given */
};

/* A line device of a provider (TAPI line id = the provider's, from its line id base). */
struct tapi_line_dev {
	DWORD id;
	struct tapi_provider *prov;
	DWORD tspi_version;
	bool ready;
	bool removed;
	bool open;                /* the provider's line is open */
	HDRVLINE hd;
	DWORD media;              /* media modes given to TSPI_lineSetDefaultMediaDetection */
	DWORD digit_modes;        /* given to TSPI_lineMonitorDigits, for every call */
};

/* An application's open of a line device. */
struct tapi_line {
	HLINE handle;
	struct tapi_app *app;
	struct tapi_line_dev *dev;
	DWORD privileges;         /* LINECALLPRIVILEGE_ bits */
	DWORD media_modes;
	DWORD api_version;
	DWORD_PTR instance;
	DWORD line_states, address_states;  /* lineSetStatusMessages */
};

/*
 * A call the provider has (HDRVCALL). Its handle number is the provider's htCall, so an
 * event for a call that is gone finds nothing instead of freed memory.
 */
struct tapi_tcall {
	DWORD handle;
	struct tapi_line_dev *dev;
	HDRVCALL hd;
	DWORD state, mode;        /* the last LINE_CALLSTATE (state 0: none yet) */
	unsigned n_calls;         /* application handles on it */
};

/* An application's handle on a call, with its privilege. */
struct tapi_call {
	HCALL handle;
	struct tapi_app *app;
	HLINE line;               /* the open it came through */
	DWORD_PTR instance;       /* that open's callback instance */
	struct tapi_tcall *tc;
	DWORD privilege;          /* LINECALLPRIVILEGE_OWNER or _MONITOR */
	bool published;           /* lineMakeCall's: not before its successful LINE_REPLY */
	DWORD monitor_digits;     /* the LINEDIGITMODE_s lineMonitorDigits asked for */
};

struct tapi_phone {
	HPHONE handle;
	struct tapi_app *app;
	struct tapi_phone_dev *dev;
	DWORD privilege;
	DWORD api_version;
	DWORD_PTR instance;
	DWORD states, modes, bstates;  /* this application's status messages */
};

extern pthread_mutex_t tapi_api_lock;
extern pthread_mutex_t tapi_lock;

/* Registered applications; 0 means the provider side is not loaded. */
extern size_t tapi_n_apps;

/*
 * The guard of every API function (tapi-phone.c, tapi-line.c). tapi_enter takes
 * tapi_api_lock and tapi_lock: 0 with both held while an application is registered, else
 * `uninitialized` (PHONEERR_ or LINEERR_UNINITIALIZED) with neither. tapi_leave releases
 * both and returns rc.
 */
LONG tapi_enter(LONG uninitialized);
LONG tapi_leave(LONG rc);
/* Around a provider call the tables are released: they may change meanwhile. */
void tapi_unlock_tables(void);
void tapi_lock_tables(void);

/* The API versions applications may use, phones and lines alike. */
bool tapi_api_version_ok(DWORD v);
/* The highest of them in [low, high]; 0 when none is. */
DWORD tapi_api_version_in(DWORD low, DWORD high);

/*
 * phoneGetMessage and lineGetMessage: the next message of application h (a line
 * application's when line) into *out, waiting up to timeout_ms. Only tapi_lock is taken: a
 * waiting application must not hold up the others' calls. 0, or the PHONEERR_ to return
 * (lines answer the LINEERR_ of the same condition).
 */
LONG tapi_get_message(DWORD h, bool line, PHONEMESSAGE *out, DWORD timeout_ms);

/* Handles. Lookups return NULL for a stale handle or one of another kind. */
struct tapi_app *tapi_app_new(void);
struct tapi_app *tapi_app_get(HPHONEAPP h);
/* Ends the registration: removes its handle, wakes its waiters, frees it once none waits. */
void tapi_app_end(struct tapi_app *app);
/* Line applications (lineInitializeEx) have handles of their own kind: a phone function
 * given an HLINEAPP answers PHONEERR_INVALAPPHANDLE, and the reverse. */
struct tapi_app *tapi_line_app_new(void);
struct tapi_app *tapi_line_app_get(HLINEAPP h);
struct tapi_phone *tapi_phone_new(struct tapi_app *app, struct tapi_phone_dev *dev);
struct tapi_phone *tapi_phone_get(HPHONE h);
void tapi_phone_free(struct tapi_phone *ph);
/* The phones open on dev (or of app, with dev NULL), in handle order; n at most max. */
size_t tapi_phones_of(const struct tapi_phone_dev *dev, const struct tapi_app *app,
		      struct tapi_phone **out, size_t max);

/* Lines and calls. */
struct tapi_line *tapi_line_new(struct tapi_app *app, struct tapi_line_dev *dev);
struct tapi_line *tapi_line_get(HLINE h);
void tapi_line_free(struct tapi_line *l);
size_t tapi_lines_of(const struct tapi_line_dev *dev, const struct tapi_app *app,
		     struct tapi_line **out, size_t max);
struct tapi_tcall *tapi_tcall_new(struct tapi_line_dev *dev);
struct tapi_tcall *tapi_tcall_get(DWORD h);
void tapi_tcall_free(struct tapi_tcall *tc);
struct tapi_call *tapi_call_new(const struct tapi_line *l, struct tapi_tcall *tc,
				DWORD privilege, bool published);
struct tapi_call *tapi_call_get(HCALL h);
/* Frees the handle; returns the provider call when no handle is left on it (the caller
 * then closes it with TSPI_lineCloseCall and tapi_tcall_free), else NULL. */
struct tapi_tcall *tapi_call_free(struct tapi_call *c);
/* The application handles on tc (or of the open line, with tc NULL), in handle order. */
size_t tapi_calls_of(const struct tapi_tcall *tc, HLINE line, struct tapi_call **out,
		     size_t max);
/* Lines opened with LINECALLPRIVILEGE_MONITOR on tc's device get a monitor handle and
 * LINE_APPNEWCALL (except the open `except`). */
void tapi_call_add_monitors(struct tapi_tcall *tc, HLINE except);
/* Line events from the provider, with tapi_lock held (htCall resolved to tc, or NULL). */
void tapi_line_dev_event(struct tapi_line_dev *dev, struct tapi_tcall *tc, DWORD msg,
			 DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3);
/* Each line application's queue gets the message (LINE_CREATE, LINE_REMOVE). */
void tapi_post_all_lines(DWORD msg, DWORD_PTR p1);

/* Devices, by TAPI id. */
struct tapi_phone_dev *tapi_dev_add(struct tapi_provider *prov);
struct tapi_phone_dev *tapi_dev_get(DWORD id);
size_t tapi_n_devs(void);
void tapi_devs_clear(void);
struct tapi_line_dev *tapi_line_dev_add(struct tapi_provider *prov);
struct tapi_line_dev *tapi_line_dev_get(DWORD id);
size_t tapi_n_line_devs(void);
void tapi_line_devs_clear(void);

/* Queues. */
void tapi_post(struct tapi_app *app, DWORD hdevice, DWORD msg, DWORD_PTR instance, DWORD_PTR p1,
	       DWORD_PTR p2, DWORD_PTR p3);
/* Each application's queue gets the message (PHONE_CREATE, PHONE_REMOVE). */
void tapi_post_all(DWORD msg, DWORD_PTR p1);
/* Waits for a message up to timeout_ms (0xFFFFFFFF: forever) with tapi_lock held; 0, or the
 * PHONEERR_ to return. */
LONG tapi_take(struct tapi_app *app, PHONEMESSAGE *out, DWORD timeout_ms);

/* Requests: an id for an asynchronous call of ph, answered once by PHONE_REPLY. */
DRV_REQUESTID tapi_request_new(struct tapi_phone *ph);
/* A line request (LINE_REPLY) of the open or call `hdevice`; for lineMakeCall, the call
 * handle to publish into *out when it succeeds. */
DRV_REQUESTID tapi_line_request_new(struct tapi_app *app, HLINE line, DWORD hdevice,
				    DWORD_PTR instance, LPHCALL out, HCALL call);
void tapi_request_drop(DRV_REQUESTID id);
/* Replies still outstanding for this phone (or application) are never delivered. */
void tapi_requests_suppress(HPHONE phone, const struct tapi_app *app);
void tapi_request_complete(DRV_REQUESTID id, LONG result);

/* Messages the runtime itself generates. */
void tapi_notify_privileges(struct tapi_phone_dev *dev, const struct tapi_phone *except,
			    bool owner_changed, bool monitors_changed);
void tapi_count_privileges(const struct tapi_phone_dev *dev, DWORD *owners, DWORD *monitors,
			   struct tapi_phone **owner);
/* Union of the open phones' status messages (without what TAPI itself generates). */
void tapi_status_union(const struct tapi_phone_dev *dev, DWORD *states, DWORD *modes,
		       DWORD *bstates);

/* Provider events, with tapi_lock held. */
void tapi_dev_event(struct tapi_phone_dev *dev, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
		    DWORD_PTR p3);

void tapi_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
