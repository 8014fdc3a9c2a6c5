#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "devices/matrix-find.h"
#include "phonectl-session.h"
#include "phonectl.h"
#include "tapi-names.h"

bool session_is_usb(const char *device)
{
	return strncmp(device, "usb:", 4) == 0;
}

int session_usb_path(const char *device, char *path, size_t size)
{
	unsigned bus, addr, itf;

	if (matrix_path_parse(device, &bus, &addr, &itf) < 0) {
		phonectl_error("%s: not a USB phone's path: usb:BUS:ADDR:IF, as phonectl list "
			       "shows it", device);
		return -1;
	}
	snprintf(path, size, "usb:%u:%u:%u", bus, addr, itf);
	return 0;
}

bool session_refuse_usb(const char *device, const char *command)
{
	if (!session_is_usb(device))
		return false;
	/* These talk to the device itself, not through the provider that holds the phone. */
	phonectl_error("%s: %s opens a hidraw node (or reads a recording) itself; a phone over "
		       "libusb has no node: monitor, lamp, ring and the other provider commands "
		       "take its path", device, command);
	return true;
}

void session_no_phone(const char *device)
{
	if (session_is_usb(device))
		phonectl_error("%s: no such phone attached (phonectl list shows the usb: paths)",
			       device);
	else
		phonectl_error("%s: not a phone (no telephony collection, or unreadable)", device);
}

int session_devices(const char *device, const char *replay_mode, bool *replay)
{
	char spec[600];
	struct stat st;

	*replay = false;
	if (session_is_usb(device)) {
		/* The provider looks for this phone only, with the walker phonectl list uses. */
		if (session_usb_path(device, spec, sizeof(spec)) < 0)
			return -1;
	} else if (strncmp(device, "/dev/", 5) == 0) {
		snprintf(spec, sizeof(spec), "hidraw:%s", device);
	} else if (stat(device, &st) == 0 && S_ISREG(st.st_mode)) {
		snprintf(spec, sizeof(spec), "%s:%s", replay_mode, device);
		*replay = true;
	} else {
		phonectl_error("%s: neither a hidraw node, a usb: path nor a recording", device);
		return -1;
	}
	setenv("HIDPHONE_DEVICES", spec, 1);
	return 0;
}

int session_start(struct session *s, const char *device, const char *replay_mode)
{
	LONG rc;

	memset(s, 0, sizeof(*s));
	if (session_devices(device, replay_mode, &s->replay) < 0)
		return -1;
	s->h = host_load(NULL);
	if (!s->h)
		return -1;
	rc = host_start(s->h, 0);
	if (rc) {
		char name[48];

		phonectl_error("%s: the provider did not start: %s", device,
			       tapi_error_name(rc, name, sizeof(name)));
		host_unload(s->h);
		s->h = NULL;
		return -1;
	}
	if (s->h->num_phones == 0) {
		session_no_phone(device);
		session_stop(s);
		return -1;
	}
	s->n_phones = s->h->num_phones;
	return 0;
}

void session_info_device(const char *info, char *device, size_t size)
{
	const char *close = strrchr(info, ')'), *start;

	device[0] = '\0';
	if (!close)
		return;
	for (start = close; start > info && start[-1] != ' ' && start[-1] != '('; start--)
		;
	if (start < close)
		snprintf(device, size, "%.*s", (int)(close - start), start);
}

int session_open(struct session *s, DWORD id)
{
	LONG rc = s->h->phoneOpen(id, (HTAPIPHONE)(uintptr_t)(id + 1), &s->hd, s->h->version,
				  host_phone_event);
	char name[48];

	if (rc) {
		phonectl_error("cannot open phone %u: %s", id, tapi_error_name(rc, name, sizeof(name)));
		s->hd = NULL;
		return -1;
	}
	s->device_id = id;
	s->open_usec = host_now_usec();
	s->h->phoneSetStatusMessages(s->hd, 0x00ffffffu & ~(PHONESTATE_OWNER | PHONESTATE_MONITORS),
				     0x3f, PHONEBUTTONSTATE_UP | PHONEBUTTONSTATE_DOWN);
	return 0;
}

void session_stop(struct session *s)
{
	if (!s->h)
		return;
	if (s->hd)
		s->h->phoneClose(s->hd);
	host_stop(s->h);
	host_unload(s->h);
	memset(s, 0, sizeof(*s));
}

LPPHONECAPS session_caps(struct session *s, DWORD id)
{
	DWORD size = 4096;

	for (int tries = 0; tries < 3; tries++) {
		LPPHONECAPS caps = calloc(1, size);
		LONG rc;

		if (!caps)
			return NULL;
		caps->dwTotalSize = size;
		rc = s->h->phoneGetDevCaps(id, s->h->version, 0, caps);
		if (rc == 0 && caps->dwNeededSize <= size)
			return caps;
		size = rc == 0 ? caps->dwNeededSize : size * 2;
		free(caps);
	}
	return NULL;
}

const char *session_string(const void *base, DWORD offset, DWORD size, char *buf, size_t len)
{
	const uint16_t *w = (const uint16_t *)((const uint8_t *)base + offset);
	size_t n = 0;

	for (DWORD i = 0; i < size / 2 && w[i] && n + 4 < len; i++) {
		uint16_t c = w[i];

		/* UTF-16 to UTF-8, surrogate pairs shown as '?': names here are plain text. */
		if (c < 0x80) {
			buf[n++] = (char)c;
		} else if (c < 0x800) {
			buf[n++] = (char)(0xc0 | c >> 6);
			buf[n++] = (char)(0x80 | (c & 0x3f));
		} else if (c >= 0xd800 && c <= 0xdfff) {
			buf[n++] = '?';
		} else {
			buf[n++] = (char)(0xe0 | c >> 12);
			buf[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			buf[n++] = (char)(0x80 | (c & 0x3f));
		}
	}
	buf[n] = '\0';
	return buf;
}

LONG session_complete(struct session *s, DRV_REQUESTID request, LONG returned)
{
	char name[48];
	LONG result;

	if (returned < 0) {
		printf("refused: %s\n", tapi_error_name(returned, name, sizeof(name)));
		return returned;
	}
	result = host_wait_completion(s->h, request, 5000);
	if (result == 1) {
		printf("no completion within 5 s\n");
		return result;
	}
	printf("completed: %s\n", tapi_error_name(result, name, sizeof(name)));
	return result;
}
