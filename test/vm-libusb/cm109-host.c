/*
 * cm109-host: the provider (hidphone.tsp, loaded as a TAPI host loads it) with the CM109
 * gadget phone of step 91: what PHONECAPS says, then the phone opened with every status
 * message on, driven by commands on stdin, every callback printed as a line on stdout.
 *
 *   phones                  "phones N" (the provider's enumeration)
 *   caps                    "caps keypad=K buttons=B hook=0xH ringmodes=R name=NAME"
 *   open [ID]               phoneOpen of device ID (0 unless given) + phoneSetStatusMessages
 *                           (all): "open 0x0" or an error
 *   adopt SECONDS           waits for a PHONE_CREATE and answers it as TAPI does:
 *                           TSPI_providerCreatePhoneDevice(its temp id, the next device id):
 *                           "adopt ID 0x..." (its result), or "adopt none"
 *   ring MODE               phoneSetRing, its completion: "ring MODE result 0x..."
 *   wakeups SECONDS         the provider's threads' context switches over that long:
 *                           "wakeups PER-SECOND" (all threads of the process)
 *   close                   phoneClose: "close 0x..."
 *   wait MSG SECONDS        waits for the callback MSG (PHONE_CLOSE, PHONE_REMOVE):
 *                           "seen MSG" or "missed MSG"
 *   quit                    shuts the provider down
 *
 * Events: "event PHONE_BUTTON ID MODE STATE", "event PHONE_STATE STATE PARAM",
 * "event PHONE_CLOSE", "event PHONE_REMOVE ID", "event PHONE_CREATE ..." and others by number.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tapi-host.h"

/* The temp id of the last PHONE_CREATE (its dwParam2), and how many came. */
static atomic_uintptr_t create_temp;
static atomic_uint creates;

static const char *msg_name(DWORD msg)
{
	switch (msg) {
	case PHONE_BUTTON: return "PHONE_BUTTON";
	case PHONE_STATE: return "PHONE_STATE";
	case PHONE_CLOSE: return "PHONE_CLOSE";
	case PHONE_REMOVE: return "PHONE_REMOVE";
	case PHONE_CREATE: return "PHONE_CREATE";
	case PHONE_REPLY: return "PHONE_REPLY";
	}
	return NULL;
}

static void on_event(struct host *h, const struct host_event *ev)
{
	const char *name = msg_name(ev->msg);

	(void)h;
	if (ev->completion || ev->line)
		return;
	if (ev->msg == PHONE_CREATE) {
		atomic_store(&create_temp, (uintptr_t)ev->p2);
		atomic_fetch_add(&creates, 1);
	}
	if (name)
		printf("event %s %lu %lu %lu\n", name, (unsigned long)ev->p1, (unsigned long)ev->p2,
		       (unsigned long)ev->p3);
	else
		printf("event 0x%x %lu %lu %lu\n", (unsigned)ev->msg, (unsigned long)ev->p1,
		       (unsigned long)ev->p2, (unsigned long)ev->p3);
	fflush(stdout);
}

static size_t seen(struct host *h, DWORD msg)
{
	return host_count(h, false, msg);
}

int main(void)
{
	struct host *h = host_load(NULL);
	union {
		PHONECAPS c;
		uint8_t raw[16384];
	} caps;
	DWORD version = 0, next_id = 0;
	unsigned adopted = 0;
	HDRVPHONE hd = NULL;
	DRV_REQUESTID next = 0x100;
	char line[256];

	if (!h)
		return 1;
	host_set_on_event(h, on_event);
	if (host_start(h, 0) != 0) {
		printf("providerInit failed\n");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	next_id = h->num_phones;
	while (fgets(line, sizeof(line), stdin)) {
		char what[32] = "";
		unsigned long arg = 0;
		int n = sscanf(line, "%31s %lu", what, &arg);

		if (n < 1)
			continue;
		if (strcmp(what, "phones") == 0) {
			printf("phones %u\n", (unsigned)h->num_phones);
		} else if (strcmp(what, "caps") == 0) {
			LONG rc = h->phoneNegotiateTSPIVersion(0, TAPI_VERSION2_0, TAPI_VERSION3_1,
								&version);
			char name[128] = "";
			DWORD keypad = 0;

			memset(&caps, 0, sizeof(caps));
			caps.c.dwTotalSize = sizeof(caps.raw);
			if (rc == 0)
				rc = h->phoneGetDevCaps(0, version, 0, &caps.c);
			if (rc) {
				printf("caps error 0x%x\n", (unsigned)rc);
				continue;
			}
			for (DWORD i = 0; i < caps.c.dwNumButtonLamps &&
			     caps.c.dwButtonModesOffset + 4 * (i + 1) <= caps.c.dwUsedSize; i++) {
				DWORD mode;

				memcpy(&mode, caps.raw + caps.c.dwButtonModesOffset + 4 * i, 4);
				keypad += mode == PHONEBUTTONMODE_KEYPAD;
			}
			for (DWORD i = 0; i + 1 < caps.c.dwPhoneNameSize / 2 && i < sizeof(name) - 1;
			     i++) {
				uint16_t u;

				memcpy(&u, caps.raw + caps.c.dwPhoneNameOffset + 2 * i, 2);
				name[i] = u > 0x20 && u < 0x7f ? (char)u : '_';
			}
			printf("caps keypad=%u buttons=%u hook=0x%x ringmodes=%u name=%s\n",
			       (unsigned)keypad, (unsigned)caps.c.dwNumButtonLamps,
			       (unsigned)caps.c.dwHookSwitchDevs, (unsigned)caps.c.dwNumRingModes, name);
		} else if (strcmp(what, "open") == 0) {
			LONG rc = h->phoneOpen((DWORD)arg, (HTAPIPHONE)(uintptr_t)(0x51 + arg), &hd,
					       version, host_phone_event);

			if (rc == 0)
				rc = h->phoneSetStatusMessages(hd, PHONESTATE_HANDSETHOOKSWITCH |
							       PHONESTATE_RINGMODE | PHONESTATE_LAMP,
							       PHONEBUTTONMODE_KEYPAD | PHONEBUTTONMODE_FEATURE |
							       PHONEBUTTONMODE_CALL,
							       PHONEBUTTONSTATE_UP | PHONEBUTTONSTATE_DOWN);
			printf("open 0x%x\n", (unsigned)rc);
		} else if (strcmp(what, "adopt") == 0) {
			for (unsigned long i = 0; i < arg * 50 && atomic_load(&creates) == adopted; i++)
				usleep(20000);
			if (atomic_load(&creates) == adopted) {
				printf("adopt none\n");
				continue;
			}
			adopted = atomic_load(&creates);
			printf("adopt %u 0x%x\n", (unsigned)next_id,
			       (unsigned)h->providerCreatePhoneDevice(atomic_load(&create_temp),
								      next_id));
			next_id++;
		} else if (strcmp(what, "ring") == 0) {
			DRV_REQUESTID req = next++;
			LONG rc = h->phoneSetRing(req, hd, (DWORD)arg, 0xffff);

			if (rc == (LONG)req)
				rc = host_wait_completion(h, req, 5000);
			printf("ring %lu result 0x%x\n", arg, (unsigned)rc);
		} else if (strcmp(what, "wakeups") == 0) {
			unsigned long long a = host_context_switches(false), b;

			sleep((unsigned)arg);
			b = host_context_switches(false);
			printf("wakeups %.2f\n", arg ? (double)(b - a) / (double)arg : 0.0);
		} else if (strcmp(what, "close") == 0) {
			printf("close 0x%x\n", (unsigned)h->phoneClose(hd));
		} else if (strcmp(what, "wait") == 0) {
			char msg[32];
			unsigned secs = 5;
			DWORD m;

			if (sscanf(line, "%*s %31s %u", msg, &secs) < 1)
				continue;
			m = strcmp(msg, "PHONE_CLOSE") == 0 ? PHONE_CLOSE : PHONE_REMOVE;
			for (unsigned i = 0; i < secs * 50 && !seen(h, m); i++)
				usleep(20000);
			printf("%s %s\n", seen(h, m) ? "seen" : "missed", msg);
		} else if (strcmp(what, "quit") == 0) {
			break;
		}
	}
	host_stop(h);
	host_unload(h);
	return 0;
}
