/* Configuration of the call engine: lines and their SIP/media settings (hidphone.conf(5)). */
#ifndef HIDPHONE_CALL_CONFIG_H
#define HIDPHONE_CALL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds: a file larger than this, a longer line or more lines are errors, never truncation. */
#define CALL_CONFIG_MAX_FILE  65536
#define CALL_CONFIG_MAX_LINE  512
#define CALL_CONFIG_MAX_LINES 16
#define CALL_CONFIG_NAME_MAX  32
#define CALL_CONFIG_VALUE_MAX 256

enum call_media_kind {
	CALL_MEDIA_PHONE = 0, /* the phone's own audio device (wave/in, wave/out) */
	CALL_MEDIA_SILENCE,   /* send silence, discard what arrives */
	CALL_MEDIA_TONE,      /* send a 440 Hz test tone, discard what arrives */
};

struct call_line_config {
	char name[CALL_CONFIG_NAME_MAX + 1];      /* from [line NAME] */
	char phone[CALL_CONFIG_VALUE_MAX];        /* first | VID:PID | serial number */
	char listen_host[64];                     /* numeric IPv4/IPv6 address */
	uint16_t listen_port;
	enum call_media_kind media;
	char registrar[CALL_CONFIG_VALUE_MAX];    /* empty: no registration */
	char user[CALL_CONFIG_VALUE_MAX];         /* empty: NAME */
	char password[CALL_CONFIG_VALUE_MAX];     /* never logged, never in an error message */
	bool phone_drives_line;
	uint16_t rtp_port_min, rtp_port_max;      /* the RTP/RTCP port range */
	unsigned answer_timeout_ms;               /* an unanswered outgoing call ends after this */
	unsigned media_timeout_ms;                /* no RTP for this long ends a call; 0: never */
	unsigned dial_timeout_ms;                 /* keypad digits go out after this; 0: '#' only */
	char dial_domain[CALL_CONFIG_VALUE_MAX];  /* HOST[:PORT] keypad numbers are sent to;
						   * empty: the registrar's */
};

struct call_config {
	unsigned nlines;
	struct call_line_config line[CALL_CONFIG_MAX_LINES];
	char path[256];                           /* the file it came from, "" for the default */
};

/* Where a problem is: "FILE:LINE: message". */
struct call_config_error {
	unsigned line;
	char msg[384];
};

/* The defaults of one line (listen 0.0.0.0:5060, media phone, phone first, drives-line on). */
void call_line_config_defaults(struct call_line_config *l, const char *name);

/* Parses a whole file's text (not NUL terminated; at most CALL_CONFIG_MAX_FILE bytes).
 * Returns 0, or -EINVAL / -E2BIG with *err naming the line; *cfg is then the default. */
int call_config_parse(struct call_config *cfg, const char *text, size_t len,
		      const char *filename, struct call_config_error *err);

/* The file to read: $HIDPHONE_CONFIG, else $XDG_CONFIG_HOME/hidphone/hidphone.conf (or
 * ~/.config/... without XDG_CONFIG_HOME), else /etc/hidphone/hidphone.conf; the first that
 * exists (HIDPHONE_CONFIG is taken even when missing, to report it). -ENOENT: none. */
int call_config_find(char *path, size_t size);

/* Finds and reads the configuration. With no file, *cfg is the default (no lines: the
 * provider then makes one line per phone) and 0 is returned. With a bad file, *cfg is the
 * default, err names file and line and a negative errno is returned: the caller logs it
 * and carries on. */
int call_config_load(struct call_config *cfg, struct call_config_error *err);
int call_config_load_file(struct call_config *cfg, const char *path,
			  struct call_config_error *err);

const char *call_media_kind_name(enum call_media_kind k);

#endif
