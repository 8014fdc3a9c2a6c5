/* A real baresip as the far end of the call tests, and the loop helpers those tests use.
 * Everything runs on the calling thread's libre main loop. */
#ifndef HIDPHONE_TEST_CALL_PEER_H
#define HIDPHONE_TEST_CALL_PEER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define PEER_MAX_EVENTS 256

struct tcp_conn;
struct mbuf;

struct call_peer {
	pid_t pid;
	char dir[64];                 /* its temporary config directory (-f) */
	uint16_t sip_port, ctrl_port;
	struct tcp_conn *ctrl;        /* ctrl_tcp connection: netstring JSON both ways */
	struct mbuf *rx;
	bool connected, ctrl_closed;
	char *events[PEER_MAX_EVENTS];/* every event and response, as received (JSON text) */
	unsigned nevents;
	unsigned responses;
	char last_response[4096];
};

/* Runs re_main until cond(arg) is true (checked every 2 ms) or timeout_ms passes.
 * Returns whether cond became true. */
bool loop_until(bool (*cond)(void *arg), void *arg, unsigned timeout_ms);
/* Runs the loop for ms milliseconds (for measuring, never to wait for an event). */
void loop_run_for(unsigned ms);

/* Starts baresip with UAs bob (auto-answer), carol (manual answer), pat (auto-answer,
 * PCMA only) and 4711 (auto-answer: a number a keypad dials) on
 * 127.0.0.1:sip_port, ctrl_tcp on ctrl_port; waits until its control port answers. */
int peer_start(struct call_peer *p, uint16_t sip_port, uint16_t ctrl_port);
/* peer_start for a cmocka setup: 0, or -1 with the reason and baresip's log directory on
 * stderr. */
int peer_start_setup(struct call_peer *p, uint16_t sip_port, uint16_t ctrl_port);
/* Quits it (or kills it after 3 s), removes the directory. */
void peer_stop(struct call_peer *p);
/* SIGKILL, as when the far end's machine vanishes; reaps the process. */
void peer_kill(struct call_peer *p);

/* Sends a long command ("dial", "hangup", "accept", "sndcode", "uafind", ...) and waits
 * for its response (bounded). Returns 0 if baresip said ok. */
int peer_command(struct call_peer *p, const char *cmd, const char *params);
/* Index of the first event (from index `from`) whose JSON contains all of the given
 * substrings (NULL-terminated), or -1. */
int peer_find_event(const struct call_peer *p, unsigned from, ...);
/* Waits for such an event (bounded); returns its index or -1 (and prints what came). */
int peer_wait_event(struct call_peer *p, unsigned from, unsigned timeout_ms, ...);
void peer_dump_events(const struct call_peer *p);
/* RTP packets baresip received in its last ended call (from its log), -1 if none. */
long peer_log_rx_packets(const struct call_peer *p);
/* baresip's sndfile module dumps each call's audio in its directory: the loudest sample of
 * the newest dump of `which` ("dec": what it received, "enc": what it sent) and how many
 * samples it has; -1 when there is none. */
long peer_dump_peak(const struct call_peer *p, const char *which, long *samples);
/* The same dump's loudest sample in each window of `window` samples, in order, at most max:
 * how many windows (0 without a dump). */
size_t peer_dump_peaks(const struct call_peer *p, const char *which, long window, long *peaks,
		       size_t max);

#endif
