/* hidphone.conf parser: INI-like sections "[line NAME]" with "key = value" lines.
 * Bounded (file, line and section counts), every error names the line; the password's
 * value never appears in a message. */
#include "calls/call-config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void call_line_config_defaults(struct call_line_config *l, const char *name)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name ? name : "");
	snprintf(l->phone, sizeof(l->phone), "first");
	snprintf(l->listen_host, sizeof(l->listen_host), "0.0.0.0");
	l->listen_port = 5060;
	l->media = CALL_MEDIA_PHONE;
	l->phone_drives_line = true;
	l->rtp_port_min = 16384;
	l->rtp_port_max = 32767;
	l->answer_timeout_ms = 60000;
	l->media_timeout_ms = 30000;
	l->dial_timeout_ms = 4000;
}

const char *call_media_kind_name(enum call_media_kind k)
{
	switch (k) {
	case CALL_MEDIA_PHONE: return "phone";
	case CALL_MEDIA_SILENCE: return "silence";
	case CALL_MEDIA_TONE: return "tone";
	}
	return "?";
}

struct parser {
	struct call_config *cfg;
	struct call_config_error *err;
	const char *file;
	unsigned lineno;
	struct call_line_config global; /* keys before the first section: defaults for lines */
	struct call_line_config *cur;   /* NULL before the first section */
};

__attribute__((format(printf, 2, 3)))
static int fail(struct parser *p, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (p->err) {
		p->err->line = p->lineno;
		snprintf(p->err->msg, sizeof(p->err->msg), "%s:%u: %s", p->file, p->lineno, what);
	}
	return -EINVAL;
}

/* Characters allowed in a line name and a SIP user: unreserved characters of RFC 3261. */
static bool user_chars_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.!~*'()+", *s))
			return false;
	return true;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* HOST, HOST:PORT, [V6] or [V6]:PORT with a numeric address. */
static int parse_listen(const char *v, char *host, size_t hsize, uint16_t *port)
{
	char buf[CALL_CONFIG_VALUE_MAX];
	const char *portstr = NULL;
	unsigned char addr[16];
	unsigned long pv;
	char *h = buf;
	int af = AF_INET;

	snprintf(buf, sizeof(buf), "%s", v);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close)
			return -EINVAL;
		*close = '\0';
		h = buf + 1;
		if (close[1] == ':')
			portstr = close + 2;
		else if (close[1])
			return -EINVAL;
		af = AF_INET6;
	} else {
		char *colon = strchr(buf, ':');

		if (colon) {
			if (strchr(colon + 1, ':'))
				return -EINVAL; /* a bare IPv6 address needs brackets */
			*colon = '\0';
			portstr = colon + 1;
		}
	}
	if (inet_pton(af, h, addr) != 1 || strlen(h) >= hsize)
		return -EINVAL;
	if (portstr) {
		if (parse_uint(portstr, 65535, &pv) || pv == 0)
			return -EINVAL;
		*port = (uint16_t)pv;
	}
	memcpy(host, h, strlen(h) + 1); /* fits: checked above */
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static int set_key(struct parser *p, struct call_line_config *l, const char *key,
		   const char *val)
{
	unsigned long n, m;
	const char *dash;

	if (strlen(val) >= CALL_CONFIG_VALUE_MAX)
		return fail(p, "value of \"%s\" is longer than %d bytes", key,
			    CALL_CONFIG_VALUE_MAX - 1);
	if (!strcmp(key, "password")) {
		snprintf(l->password, sizeof(l->password), "%s", val);
		return 0;
	}
	if (!strcmp(key, "phone-drives-line")) {
		if (parse_bool(val, &l->phone_drives_line))
			return fail(p, "phone-drives-line must be on or off, not \"%s\"", val);
		return 0;
	}
	if (!strcmp(key, "dial-timeout")) {
		if (parse_uint(val, 60, &n))
			return fail(p, "dial-timeout must be a number of seconds (0-60), not \"%s\"",
				    val);
		l->dial_timeout_ms = (unsigned)n * 1000;
		return 0;
	}
	if (!strcmp(key, "dial-domain")) {
		/* HOST[:PORT]: no scheme, no user, no parameters (the number is the user). */
		if (!*val || strpbrk(val, "@;?<> \t\"") || !strncmp(val, "sip:", 4))
			return fail(p, "dial-domain must be HOST[:PORT], not \"%s\"", val);
		snprintf(l->dial_domain, sizeof(l->dial_domain), "%s", val);
		return 0;
	}
	if (!strcmp(key, "answer-timeout") || !strcmp(key, "media-timeout")) {
		if (parse_uint(val, 3600, &n))
			return fail(p, "%s must be a number of seconds (0-3600), not \"%s\"",
				    key, val);
		if (key[0] == 'a') {
			if (n == 0)
				return fail(p, "answer-timeout must be at least 1 second");
			l->answer_timeout_ms = (unsigned)n * 1000;
		} else {
			l->media_timeout_ms = (unsigned)n * 1000;
		}
		return 0;
	}
	if (!strcmp(key, "rtp-ports")) {
		char lo[16];

		dash = strchr(val, '-');
		if (!dash || (size_t)(dash - val) >= sizeof(lo))
			goto bad_ports;
		memcpy(lo, val, (size_t)(dash - val));
		lo[dash - val] = '\0';
		if (parse_uint(lo, 65535, &n) || parse_uint(dash + 1, 65535, &m) || n < 1024 ||
		    m < n + 1)
			goto bad_ports;
		l->rtp_port_min = (uint16_t)n;
		l->rtp_port_max = (uint16_t)m;
		return 0;
bad_ports:
		return fail(p, "rtp-ports must be MIN-MAX with 1024 <= MIN < MAX <= 65535, not \"%s\"",
			    val);
	}
	if (!p->cur)
		return fail(p, "\"%s\" belongs in a [line NAME] section", key);
	if (!strcmp(key, "phone")) {
		if (!*val)
			return fail(p, "phone needs a value (first, VID:PID or a serial number)");
		snprintf(l->phone, sizeof(l->phone), "%s", val);
	} else if (!strcmp(key, "listen")) {
		if (parse_listen(val, l->listen_host, sizeof(l->listen_host), &l->listen_port))
			return fail(p, "listen must be a numeric ADDRESS[:PORT] or [IPV6][:PORT], "
				    "not \"%s\"", val);
	} else if (!strcmp(key, "media")) {
		if (!strcmp(val, "phone"))
			l->media = CALL_MEDIA_PHONE;
		else if (!strcmp(val, "silence"))
			l->media = CALL_MEDIA_SILENCE;
		else if (!strcmp(val, "tone"))
			l->media = CALL_MEDIA_TONE;
		else
			return fail(p, "media must be phone, silence or tone, not \"%s\"", val);
	} else if (!strcmp(key, "registrar")) {
		/* A user part could carry a password (sip:user:secret@host): refused, and
		 * the value is not repeated. */
		if (strchr(val, '@'))
			return fail(p, "registrar is sip:HOST[:PORT]; the user goes in user =");
		if (strncmp(val, "sip:", 4) || !val[4])
			return fail(p, "registrar must be a sip: URI, not \"%s\"", val);
		snprintf(l->registrar, sizeof(l->registrar), "%s", val);
	} else if (!strcmp(key, "user")) {
		if (!user_chars_ok(val))
			return fail(p, "user \"%s\" has characters a SIP user name cannot have", val);
		snprintf(l->user, sizeof(l->user), "%s", val);
	} else {
		return fail(p, "unknown key \"%s\"", key);
	}
	return 0;
}

static int section(struct parser *p, char *s)
{
	char *end = strchr(s, ']');
	char *name;
	unsigned i;

	if (!end || *trim(end + 1))
		return fail(p, "a section header is [line NAME]");
	*end = '\0';
	s = trim(s + 1);
	if (strncmp(s, "line", 4) || (s[4] != ' ' && s[4] != '\t'))
		return fail(p, "unknown section [%s] (only [line NAME])", s);
	name = trim(s + 4);
	if (strlen(name) > CALL_CONFIG_NAME_MAX || !user_chars_ok(name))
		return fail(p, "line name \"%s\" must be 1-%d letters, digits or -_.!~*'()+", name,
			    CALL_CONFIG_NAME_MAX);
	for (i = 0; i < p->cfg->nlines; i++)
		if (!strcmp(p->cfg->line[i].name, name))
			return fail(p, "line \"%s\" is defined twice", name);
	if (p->cfg->nlines >= CALL_CONFIG_MAX_LINES)
		return fail(p, "more than %d lines", CALL_CONFIG_MAX_LINES);
	p->cur = &p->cfg->line[p->cfg->nlines++];
	*p->cur = p->global;
	snprintf(p->cur->name, sizeof(p->cur->name), "%s", name);
	return 0;
}

static int parse_line(struct parser *p, char *s)
{
	char *eq, *key, *val, *hash;

	/* A comment starts a line or follows blanks, so a value may contain '#'. */
	for (hash = s; (hash = strchr(hash, '#')) != NULL; hash++) {
		if (hash == s || hash[-1] == ' ' || hash[-1] == '\t') {
			*hash = '\0';
			break;
		}
	}
	s = trim(s);
	if (!*s || *s == ';')
		return 0;
	if (*s == '[')
		return section(p, s);
	eq = strchr(s, '=');
	if (!eq)
		return fail(p, "expected \"key = value\" or [line NAME]");
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (!*key)
		return fail(p, "a key is missing before '='");
	if (strlen(key) > 32)
		return fail(p, "unknown key (longer than 32 bytes)");
	return set_key(p, p->cur ? p->cur : &p->global, key, val);
}

int call_config_parse(struct call_config *cfg, const char *text, size_t len,
		      const char *filename, struct call_config_error *err)
{
	struct parser p = { .cfg = cfg, .err = err, .file = filename ? filename : "(config)" };
	char buf[CALL_CONFIG_MAX_LINE + 2];
	size_t pos = 0;
	int rc = 0;

	memset(cfg, 0, sizeof(*cfg));
	if (err)
		memset(err, 0, sizeof(*err));
	snprintf(cfg->path, sizeof(cfg->path), "%s", filename ? filename : "");
	call_line_config_defaults(&p.global, "");
	if (len > CALL_CONFIG_MAX_FILE) {
		p.lineno = 0;
		rc = fail(&p, "file larger than %d bytes", CALL_CONFIG_MAX_FILE);
		rc = -E2BIG;
		goto out;
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		p.lineno++;
		if (n > CALL_CONFIG_MAX_LINE) {
			rc = fail(&p, "line longer than %d bytes", CALL_CONFIG_MAX_LINE);
			goto out;
		}
		if (memchr(text + pos, '\0', n)) {
			rc = fail(&p, "NUL byte in the line");
			goto out;
		}
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		pos += n + (nl ? 1 : 0);
		rc = parse_line(&p, buf);
		if (rc)
			goto out;
	}
out:
	if (rc) {
		char path[sizeof(cfg->path)];

		memcpy(path, cfg->path, sizeof(path));
		memset(cfg, 0, sizeof(*cfg));
		memcpy(cfg->path, path, sizeof(path));
	}
	return rc;
}
