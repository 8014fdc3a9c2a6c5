/*
 * Lines: the TSPI line devices over the call engine (calls/call-engine.h).
 *
 * A line is tied to one phone (its terminal) and lives in the provider's table next to the
 * phones, under the same provider lock. Every TSPI line function enters through the line
 * guard below (the sibling of tsp_enter_handle/tsp_enter_id in phone.h) and leaves through
 * tsp_leave(). The call engine runs on the I/O loop thread only: the TSPI functions check
 * their arguments and the state under the lock, post the work to the loop and return; the
 * loop completes the request (every asynchronous request exactly once, in the loop's order)
 * and the engine's callbacks become LINE_ messages through the dispatch thread.
 *
 * Handles (HDRVLINE, HDRVCALL) are numbers that are never reused, as the phones' are.
 */
#ifndef HIDPHONE_TSP_LINE_H
#define HIDPHONE_TSP_LINE_H

#include <stdbool.h>
#include <stdint.h>

#include "calls/call-engine.h"
#include "line-dial.h"
#include "phone.h"
#include "tapi.h"
#include "tspi.h"

struct tsp_call;

struct tsp_line {
	uint32_t device_id;          /* TSP_NO_ID until providerInit gives it one */
	uintptr_t temp_id;           /* LINE_CREATE's id for a line of a phone found after init */
	uint32_t permanent_id;
	struct call_line_config cfg;
	struct phone *phone;         /* the terminal; NULL once it is gone */
	bool removed;
	/* Its SIP stack is wanted: a configured line always; the embedded default only from
	 * its first lineOpen or its phone's open, so a host that merely loads the provider
	 * opens no sockets. */
	bool listen;

	/* Open state. */
	uint64_t handle;             /* HDRVLINE of the open, 0 when closed */
	HTAPILINE htline;
	LINEEVENT proc;
	uint32_t version;
	uint32_t media_modes;        /* lineSetDefaultMediaDetection */
	uint32_t status_line, status_address;
	struct tsp_call *calls;      /* the calls TAPI knows, newest first */
	bool holds_phone;            /* this open holds the phone's device open (phone-io.h) */

	struct cline *cl;            /* loop thread only */
	/* LINEDEVSTATE_RINGING while a call is offered: one per ring cycle (loop thread). */
	struct loop_timer ring_timer;
	uint32_t ring_count;
};

struct tsp_call {
	struct tsp_call *next;
	struct tsp_line *line;
	uint64_t handle;             /* HDRVCALL */
	HTAPICALL htcall;            /* written by TAPI during LINE_NEWCALL for incoming calls */
	enum call_dir dir;
	uint32_t state, state_mode;  /* LINECALLSTATE_ last reported, 0 before the first */
	uint32_t states_seen;        /* LINECALLINFO dwCallStates */
	uint64_t state_since_ms;
	uint32_t app_specific, monitor_modes;
	struct call_info info;       /* a copy, refreshed on the loop at each change */
	bool closed;                 /* lineCloseCall: gone for TAPI, freed by the loop */
	bool announced;              /* TAPI knows it (lineMakeCall, or LINE_NEWCALL sent) */
	struct line_dialer dialer;   /* keypad digits in DIALTONE (loop thread, lock held) */
	bool muted;                  /* the phone's Mute button muted its microphone */

	struct call *ec;             /* loop thread only */
};

/* Guard: the open line of handle / the line of device_id / the call of handle, with the
 * provider lock held; NULL (lock not held) otherwise. */
struct tsp_line *tsp_enter_line(HDRVLINE handle);
struct tsp_line *tsp_enter_line_id(DWORD device_id, DWORD version, LONG *err);
struct tsp_call *tsp_enter_call(HDRVCALL handle);

/* Provider life (lock held): build the lines after discovery (configuration, else one per
 * phone) and start the engine on the loop; give the ids at providerInit; at shutdown, end
 * the engine on the loop (before the loop stops) and free the lines after. */
void tsp_lines_build(void);
void tsp_lines_init(DWORD line_base, DWORD_PTR num_lines);
void tsp_lines_stop(void);
void tsp_lines_free(void);
/* A phone plugged in after init (lock held): its line (the embedded default, or the
 * configured line that names it) is announced with LINE_CREATE. */
void tsp_lines_phone_added(struct phone *p);
/* A phone is going away for good (lock held): its lines are closed and removed. Their ids
 * are dead; the lines leave the table once their SIP stack has closed (tsp_line_forget).
 * A configured line is made again when its phone comes back. */
void tsp_lines_phone_gone(struct phone *p);
/* The line device id of the phone's line, TSP_NO_ID if none (lock held). */
uint32_t tsp_line_of_phone(const struct phone *p);

LONG tsp_line_negotiate(DWORD device_id, DWORD low, DWORD high, LPDWORD version);
/* A VARSTRING holding one DWORD device id (STRINGFORMAT_BINARY). */
LONG tsp_varstring_id(LPVARSTRING vs, DWORD id);
/* Whether a device class (UTF-16) is ascii, ignoring case. */
bool tsp_class_is(LPCWSTR cls, const char *ascii);

/*
 * Whether the phone's line acts on its hook (hook) or on a key (its keypad and Mute act on
 * the line's call only): the phone's input goes to the line only then (lock held, any
 * thread).
 */
bool tsp_line_phone_listens(const struct phone *p, bool hook);
/* The phone drives its line (lock held, loop thread): hook changes and keypad digits. */
void tsp_line_phone_hook(struct phone *p, bool offhook);
void tsp_line_phone_key(struct phone *p, char digit);
/* The phone's Mute button: a connected call's microphone mutes, or unmutes. */
void tsp_line_phone_mute(struct phone *p);
/* The phone was opened or closed: whether its line takes calls may change (lock held). */
void tsp_line_phone_opened(struct phone *p);

/* line-call.c: the loop side. */
void tsp_line_engine_start(void);
/* The line's SIP stack is wanted from now on (lock held): started on the loop. */
void tsp_line_want_listen(struct tsp_line *l);
/* Ends the engine on the loop and waits for it (lock NOT held). */
void tsp_lines_stop_engine(void);
void tsp_line_call_unlink(struct tsp_call *c);           /* lock held */
/* Releases c's engine call on the loop and frees c after the events queued for it. */
void tsp_line_call_dispose(struct tsp_call *c);
void tsp_line_set_accepting(struct tsp_line *l);          /* lock held; posts to the loop */
/* The line's SIP stack closes on the loop, after its calls (lock held). */
void tsp_line_gone(struct tsp_line *l);
/* Loop thread, lock not held: a removed line's SIP stack is closed; it leaves the table
 * and is freed after the events queued before. */
void tsp_line_forget(struct tsp_line *l);

#endif
