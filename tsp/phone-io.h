/*
 * An open phone's I/O: reading on the I/O loop, whole output states written (and requests
 * completed) by the device writer, closing (also when the device is gone), and the events
 * input causes.
 */
#ifndef HIDPHONE_TSP_PHONE_IO_H
#define HIDPHONE_TSP_PHONE_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "phone.h"
#include "tspi.h"

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
/*
 * The host's open ends while the line holds the device (lock held on entry and exit,
 * released meanwhile): no more PHONE_ events, what the application set is undone and the
 * line's call shown again; the device stays open for the line.
 */
void tsp_phone_detach(struct phone *p);
/*
 * The phone's line holds its device open (an application has the line open and the phone
 * drives it), whether the host opened the phone or not; the device closes when neither
 * does. Lock held; unhold releases it meanwhile and returns true when p was freed.
 */
int tsp_phone_hold(struct phone *p);
bool tsp_phone_unhold(struct phone *p);
/* A replayed phone starts playing (the host set its filter). Lock held. */
void tsp_phone_go(struct phone *p);
/* Posts an asynchronous request to the loop, which queues its write; the writer completes
 * it. Lock held. */
void tsp_phone_request(struct phone *p, DRV_REQUESTID request, enum tsp_write what);
/* Writes p's output state (a call's lamps and ringer) when it is open; no request. */
void tsp_phone_write(struct phone *p);
/*
 * The Off-Hook LED's lamp follows its hook's confirmed state (out.hook_offhook) while no
 * application has set it (out.offhook_lamp_app): lamp mode STEADY or OFF, and PHONE_STATE
 * LAMP when that changes. Lock held.
 */
void tsp_phone_offhook_lamp(struct phone *p);
/*
 * Dispatch thread (tsp_dispatch_start()): the descriptor of a device open is readable
 * (token: what phone-io gave tsp_dispatch_watch()). Reads one report as the loop would and
 * delivers its events; the line's reaction and the device's confirmation follow on the
 * loop. No lock held.
 */
void tsp_phone_input(uint64_t token);
/* Sends PHONE_STATE when the open's filter lets it through (lock held). */
void tsp_phone_state(struct phone *p, DWORD state, DWORD_PTR param);
void tsp_phone_button(struct phone *p, uint32_t id, bool down);

#endif
