/*
 * phonectl drives phones through the provider, as a TAPI host does, so what it shows is
 * what a host sees. A session loads hidphone.tsp, points it at one device and opens it.
 */
#ifndef HIDPHONE_PHONECTL_SESSION_H
#define HIDPHONE_PHONECTL_SESSION_H

#include <stdbool.h>

#include "tapi-host.h"

struct session {
	struct host *h;
	DWORD n_phones;
	DWORD device_id;          /* the opened phone's id, base 0 */
	HDRVPHONE hd;             /* NULL until opened */
	uint64_t open_usec;
	bool replay;
};

/*
 * DEVICE is a hidraw node (/dev/hidrawN), a phone over libusb by the path phonectl list
 * shows (usb:BUS:ADDR:IF: the provider looks for that one only, as HIDPHONE_DEVICES allows)
 * or a recording file. replay_mode is the
 * HIDPHONE_DEVICES prefix to play a recording with ("replay", "replay+fast+unplug", ...).
 * Returns 0, or -1 after printing why.
 */
int session_start(struct session *s, const char *device, const char *replay_mode);
/* The device at the end of a PhoneInfo, "(..., /dev/hidrawN)" or "(..., usb:1:4:3)"; "" if none. */
void session_info_device(const char *info, char *device, size_t size);
/* DEVICE names a phone over libusb (usb:...), well formed or not. */
bool session_is_usb(const char *device);
/* A usb: DEVICE as the walker writes paths ("usb:01:4:0" is usb:1:4:0) into path; 0, or -1
 * after printing that it is not such a path. */
int session_usb_path(const char *device, char *path, size_t size);
/* For the commands that open DEVICE themselves (record, feature, output, profile): true,
 * after printing why, when DEVICE is a usb: path. */
bool session_refuse_usb(const char *device, const char *command);
/* Prints why DEVICE gave the provider no phone: not attached (usb:), or not a phone. */
void session_no_phone(const char *device);
/* Only points the provider at DEVICE (HIDPHONE_DEVICES), as session_start does. */
int session_devices(const char *device, const char *replay_mode, bool *replay);
/* Opens phone `id` and asks for every PHONE_STATE and PHONE_BUTTON. */
int session_open(struct session *s, DWORD id);
void session_stop(struct session *s);

/* PHONECAPS of phone id at the host's version, in a buffer that fits it (free it). */
LPPHONECAPS session_caps(struct session *s, DWORD id);
/* The UTF-16 string at (offset, size) of a TAPI structure, as ASCII/UTF-8 into buf. */
const char *session_string(const void *base, DWORD offset, DWORD size, char *buf, size_t len);
/* Waits for the completion of request and prints it; returns its result (1: timeout). */
LONG session_complete(struct session *s, DRV_REQUESTID request, LONG returned);

#endif
