/*
 * The profile file parser: strict, bounded, all or nothing per file (see profile.h).
 *
 * Strictness is libinput's: a file that bends the grammar is more likely a mistake than a
 * style, and a mistake in device data shows up as a phone that misbehaves far from here.
 * So every violation is an error naming the file and the line, and the file is skipped.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/phone-model.h"
#include "include/tspi.h"
#include "profile.h"

static const char *const key_names[PROFILE_KEY_COUNT] = {
	[PROFILE_HOOK_SWITCH] = "AttrHookSwitch",
	[PROFILE_OFFHOOK_ECHO] = "AttrOffHookEcho",
	[PROFILE_ACK_WINDOW] = "AttrOffHookAckWindow",
	[PROFILE_KEYPAD_IDLE] = "AttrKeypadIdle",
	[PROFILE_INIT_REPORTS] = "AttrInitReports",
	[PROFILE_LAMP_BLINK] = "AttrLampBlink",
	[PROFILE_IGNORE_USAGES] = "AttrIgnoreUsages",
	[PROFILE_BUTTON_LABELS] = "AttrButtonLabels",
	[PROFILE_BUTTON_FUNCTIONS] = "AttrButtonFunctions",
	[PROFILE_RINGER] = "AttrRinger",
	[PROFILE_DISPLAY_SIZE] = "AttrDisplaySize",
	[PROFILE_DISPLAY_PAGE] = "AttrDisplayPage",
	[PROFILE_PROTOCOL] = "AttrProtocol",
	[PROFILE_SCAN_KEYMAP] = "AttrScanKeymap",
	[PROFILE_BUZZER] = "AttrBuzzer",
};

const char *profile_key_name(enum profile_key key)
{
	return (unsigned)key < PROFILE_KEY_COUNT ? key_names[key] : "?";
}

int profile_key_from_name(const char *name)
{
	for (int k = 0; k < PROFILE_KEY_COUNT; k++) {
		if (strcmp(key_names[k], name) == 0)
			return k;
	}
	return -1;
}

/* PHONEBUTTONFUNCTION_ names without the prefix, as AttrButtonFunctions writes them. */
static const struct {
	const char *name;
	uint32_t value;
} functions[] = {
#define F(n) { #n, PHONEBUTTONFUNCTION_##n }
	F(UNKNOWN), F(CONFERENCE), F(TRANSFER), F(DROP), F(HOLD), F(RECALL), F(DISCONNECT),
	F(CONNECT), F(MSGWAITON), F(MSGWAITOFF), F(SELECTRING), F(ABBREVDIAL), F(FORWARD),
	F(PICKUP), F(RINGAGAIN), F(PARK), F(REJECT), F(REDIRECT), F(MUTE), F(VOLUMEUP),
	F(VOLUMEDOWN), F(SPEAKERON), F(SPEAKEROFF), F(FLASH), F(DATAON), F(DATAOFF),
	F(DONOTDISTURB), F(INTERCOM), F(BRIDGEDAPP), F(BUSY), F(CALLAPP), F(DATETIME),
	F(DIRECTORY), F(COVER), F(CALLID), F(LASTNUM), F(NIGHTSRV), F(SENDCALLS), F(MSGINDICATOR),
	F(REPDIAL), F(SETREPDIAL), F(SYSTEMSPEED), F(STATIONSPEED), F(CAMPON), F(SAVEREPEAT),
	F(QUEUECALL), F(NONE), F(SEND),
#undef F
};

const char *profile_function_name(uint32_t function)
{
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
		if (functions[i].value == function)
			return functions[i].name;
	}
	return NULL;
}

int profile_function_from_name(const char *name, uint32_t *function)
{
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
		if (strcmp(functions[i].name, name) == 0) {
			*function = functions[i].value;
			return 0;
		}
	}
	return -EINVAL;
}

/* --- values ---------------------------------------------------------------------------- */

struct parser {
	struct profile_set *set;
	const char *file;
	unsigned line;
	char error[256];
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->error, sizeof(p->error), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "0x" and 1 to max_digits upper-case hex digits, the whole of s. */
static int parse_hex(struct parser *p, const char *s, unsigned max_digits, uint64_t *out)
{
	uint64_t v = 0;
	size_t n;

	*out = 0;
	if (s[0] != '0' || s[1] != 'x')
		return fail(p, "'%s' is not a hex number: 0x and upper-case digits", s);
	n = strlen(s + 2);
	if (n == 0 || n > max_digits)
		return fail(p, "'%s': 1 to %u hex digits after 0x", s, max_digits);
	for (size_t i = 0; i < n; i++) {
		int d = hex_digit(s[2 + i]);

		if (d < 0)
			return fail(p, "'%s' is not a hex number: 0x and upper-case digits", s);
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return 0;
}

static int parse_hex16(struct parser *p, const char *s, uint16_t *out)
{
	uint64_t v;
	int rc = parse_hex(p, s, 4, &v);

	*out = (uint16_t)v;
	return rc;
}

/* A decimal integer in [min, max], the whole of s. */
static int parse_int(struct parser *p, const char *s, int64_t min, int64_t max, int64_t *out)
{
	const char *d = s + (s[0] == '-');
	int64_t v = 0;

	if (!*d || strlen(d) > 10)
		return fail(p, "'%s' is not a number from %lld to %lld", s, (long long)min,
			    (long long)max);
	for (; *d; d++) {
		if (*d < '0' || *d > '9')
			return fail(p, "'%s' is not a number from %lld to %lld", s, (long long)min,
				    (long long)max);
		v = v * 10 + (*d - '0');
	}
	if (s[0] == '-')
		v = -v;
	if (v < min || v > max || (s[0] == '-' && v == 0))
		return fail(p, "'%s' is not a number from %lld to %lld", s, (long long)min,
			    (long long)max);
	*out = v;
	return 0;
}

/* One of words (a NULL-terminated list); *out = its index + 1. */
static int parse_word(struct parser *p, const char *key, const char *s, const char *const *words,
		      uint8_t *out)
{
	char list[128] = "";

	for (size_t i = 0; words[i]; i++) {
		if (strcmp(s, words[i]) == 0) {
			*out = (uint8_t)(i + 1);
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 words[i]);
	}
	return fail(p, "%s: '%s' is not one of %s", key, s, list);
}

/* "0xPPPP:0xUUUU" */
static int parse_usage(struct parser *p, const char *s, uint32_t *out)
{
	char page[8], id[8];
	const char *colon = strchr(s, ':');
	uint16_t pg, u;

	if (!colon || (size_t)(colon - s) >= sizeof(page) || strlen(colon + 1) >= sizeof(id))
		return fail(p, "'%s' is not a usage: 0xPAGE:0xID", s);
	memcpy(page, s, (size_t)(colon - s));
	page[colon - s] = '\0';
	strcpy(id, colon + 1);
	if (parse_hex16(p, page, &pg) < 0 || parse_hex16(p, id, &u) < 0)
		return fail(p, "'%s' is not a usage: 0xPAGE:0xID", s);
	*out = (uint32_t)pg << 16 | u;
	return 0;
}

/*
 * Splits a ';' list in place into at most PROFILE_MAX_LIST items; empty items are errors
 * (a stray ';' is a typo, not a value).
 */
static int split_list(struct parser *p, char *s, char **items, size_t *n)
{
	*n = 0;
	for (char *item = s;;) {
		char *sep = strchr(item, ';');

		if (sep)
			*sep = '\0';
		if (!*item)
			return fail(p, "empty item in a ';' list");
		if (*n == PROFILE_MAX_LIST)
			return fail(p, "more than %u items in a list", PROFILE_MAX_LIST);
		items[(*n)++] = item;
		if (!sep)
			return 0;
		item = sep + 1;
	}
}

/* "output:0x02:01 00 FF" */
static int parse_report(struct parser *p, char *s, struct profile_report *r)
{
	static const char *const kinds[] = { "output", "feature", NULL };
	char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	uint64_t id;

	if (!c1 || !c2)
		return fail(p, "'%s' is not a report: output|feature:0xID:BYTES", s);
	*c1 = *c2 = '\0';
	if (parse_word(p, "report kind", s, kinds, &r->kind) < 0 || parse_hex(p, c1 + 1, 2, &id) < 0)
		return -EINVAL;
	/* As on the wire: a report id of 0 is a device that numbers none, and sends no id byte. */
	r->id = (uint8_t)id;
	r->len = 0;
	if (r->id)
		r->bytes[r->len++] = r->id;
	/* Two upper-case hex digits per byte, one space between bytes. */
	for (const char *b = c2 + 1;; b += 3) {
		int hi = hex_digit(b[0]), lo = hi < 0 ? -1 : hex_digit(b[1]);

		if (hi < 0 || lo < 0 || (b[2] != ' ' && b[2] != '\0'))
			return fail(p, "report bytes: two upper-case hex digits each, one space between");
		if (r->len == PROFILE_MAX_REPORT)
			return fail(p, "a report longer than %u bytes", PROFILE_MAX_REPORT);
		r->bytes[r->len++] = (uint8_t)(hi << 4 | lo);
		if (b[2] == '\0')
			return 0;
	}
}

/* "0xPPPP:0xUUUU=TEXT" into usage and the text after '='. */
static int split_assignment(struct parser *p, char *s, uint32_t *usage, char **text)
{
	char *eq = strchr(s, '=');

	if (!eq)
		return fail(p, "'%s': USAGE=VALUE expected", s);
	*eq = '\0';
	*text = eq + 1;
	if (parse_usage(p, s, usage) < 0)
		return -EINVAL;
	if (!**text)
		return fail(p, "empty value after '='");
	return 0;
}

/* "0x82=5", "0x84=*", "0x88=offhook": a scan code and what it is (profile.h). */
static int parse_scan_key(struct parser *p, char *s, struct profile_scan_key *k)
{
	static const char keypad[] = "0123456789*#ABCD";
	char *eq = strchr(s, '=');
	uint64_t code;

	if (!eq)
		return fail(p, "'%s': SCANCODE=KEY expected", s);
	*eq = '\0';
	if (parse_hex(p, s, 2, &code) < 0)
		return -EINVAL;
	k->code = (uint8_t)code;
	if (!(code & 0xF0) || !(code & 0x0F))
		return fail(p, "scan code %s: a row bit (0xF0) and a column bit (0x0F) expected", s);
	if (strcmp(eq + 1, "offhook") == 0)
		k->key = PROFILE_SCAN_OFFHOOK;
	else if (strcmp(eq + 1, "onhook") == 0)
		k->key = PROFILE_SCAN_ONHOOK;
	else if (strlen(eq + 1) == 1 && eq[1] && strchr(keypad, eq[1]))
		k->key = (uint8_t)(strchr(keypad, eq[1]) - keypad);
	else
		return fail(p, "'%s' is not a key: 0-9, *, #, A-D, offhook or onhook", eq + 1);
	return 0;
}

static int parse_property(struct parser *p, struct profile_section *sec, int key, char *value)
{
	static const char *const hook_words[] = { "absolute", "toggle", NULL };
	static const char *const echo_words[] = { "echo", "application", "none", NULL };
	static const char *const blink_words[] = { "device", "host", NULL };
	static const char *const ringer_words[] = { "hid", "audio", NULL };
	static const char *const protocol_words[] = { "hid", "cm109", NULL };
	struct profile_values *v = &sec->values;
	const char *name = key_names[key];
	char *items[PROFILE_MAX_LIST];
	size_t n;
	int64_t i64;
	uint16_t u16;
	char *x;

	switch ((enum profile_key)key) {
	case PROFILE_HOOK_SWITCH:
		return parse_word(p, name, value, hook_words, &v->hook_switch);
	case PROFILE_OFFHOOK_ECHO:
		return parse_word(p, name, value, echo_words, &v->offhook_echo);
	case PROFILE_LAMP_BLINK:
		return parse_word(p, name, value, blink_words, &v->lamp_blink);
	case PROFILE_RINGER:
		return parse_word(p, name, value, ringer_words, &v->ringer);
	case PROFILE_PROTOCOL:
		return parse_word(p, name, value, protocol_words, &v->protocol);
	case PROFILE_ACK_WINDOW:
		/* Devices answer within tens of ms; 5 s would swallow a user's real hang-up. */
		if (parse_int(p, value, 0, 5000, &i64) < 0)
			return -EINVAL;
		v->ack_window_ms = (uint32_t)i64;
		return 0;
	case PROFILE_KEYPAD_IDLE:
		if (parse_int(p, value, INT32_MIN, INT32_MAX, &i64) < 0)
			return -EINVAL;
		v->keypad_idle = i64;
		return 0;
	case PROFILE_DISPLAY_SIZE: {
		int64_t cols, rows;

		x = strchr(value, 'x');
		if (!x)
			return fail(p, "%s: COLUMNSxROWS expected", name);
		*x = '\0';
		if (parse_int(p, value, 1, PHONE_DISPLAY_MAX_COLUMNS, &cols) < 0 ||
		    parse_int(p, x + 1, 1, PHONE_DISPLAY_MAX_ROWS, &rows) < 0)
			return -EINVAL;
		v->display_columns = (uint32_t)cols;
		v->display_rows = (uint32_t)rows;
		return 0;
	}
	case PROFILE_DISPLAY_PAGE:
		if (parse_hex16(p, value, &u16) < 0)
			return -EINVAL;
		if (u16 < 0xff00)
			return fail(p, "%s: 0x%04X is not a vendor page (0xFF00-0xFFFF)", name, u16);
		v->display_page = u16;
		return 0;
	case PROFILE_INIT_REPORTS:
		if (split_list(p, value, items, &n) < 0)
			return -EINVAL;
		for (size_t i = 0; i < n; i++) {
			if (parse_report(p, items[i], &v->init[i]) < 0)
				return -EINVAL;
		}
		v->n_init = n;
		return 0;
	case PROFILE_IGNORE_USAGES:
		if (split_list(p, value, items, &n) < 0)
			return -EINVAL;
		for (size_t i = 0; i < n; i++) {
			if (parse_usage(p, items[i], &v->ignore[i]) < 0)
				return -EINVAL;
		}
		v->n_ignore = n;
		return 0;
	case PROFILE_BUTTON_LABELS:
		if (split_list(p, value, items, &n) < 0)
			return -EINVAL;
		for (size_t i = 0; i < n; i++) {
			if (split_assignment(p, items[i], &v->labels[i].usage, &x) < 0)
				return -EINVAL;
			if (strlen(x) >= PROFILE_MAX_LABEL)
				return fail(p, "label '%s' longer than %u characters", x,
					    PROFILE_MAX_LABEL - 1);
			for (const char *c = x; *c; c++) {
				if (*c < 0x20 || *c > 0x7e)
					return fail(p, "labels are printable ASCII");
			}
			strcpy(v->labels[i].text, x);
		}
		v->n_labels = n;
		return 0;
	case PROFILE_BUTTON_FUNCTIONS:
		if (split_list(p, value, items, &n) < 0)
			return -EINVAL;
		for (size_t i = 0; i < n; i++) {
			if (split_assignment(p, items[i], &v->functions[i].usage, &x) < 0)
				return -EINVAL;
			if (profile_function_from_name(x, &v->functions[i].function) < 0)
				return fail(p, "'%s' is not a PHONEBUTTONFUNCTION_ name", x);
		}
		v->n_functions = n;
		return 0;
	case PROFILE_SCAN_KEYMAP:
		if (split_list(p, value, items, &n) < 0)
			return -EINVAL;
		for (size_t i = 0; i < n; i++) {
			if (parse_scan_key(p, items[i], &v->scan_keys[i]) < 0)
				return -EINVAL;
			for (size_t j = 0; j < i; j++) {
				if (v->scan_keys[j].code == v->scan_keys[i].code)
					return fail(p, "%s: scan code 0x%02X given twice", name,
						    v->scan_keys[i].code);
			}
		}
		v->n_scan_keys = n;
		return 0;
	case PROFILE_BUZZER: {
		uint64_t mask;

		x = strchr(value, ':');
		if (!x)
			return fail(p, "%s: BYTE:0xMASK expected", name);
		*x = '\0';
		/* The CM109's output report has 4 bytes (HID_OR0-3). */
		if (parse_int(p, value, 0, 3, &i64) < 0 || parse_hex(p, x + 1, 2, &mask) < 0)
			return -EINVAL;
		if (!mask)
			return fail(p, "%s: the mask has no bit set", name);
		v->buzzer_byte = (uint8_t)i64;
		v->buzzer_mask = (uint8_t)mask;
		return 0;
	}
	}
	return fail(p, "unknown key");
}

static int parse_match(struct parser *p, struct profile_section *sec, const char *key, char *value)
{
	static const struct { const char *name; unsigned bit; } keys[] = {
		{ "MatchBus", PROFILE_MATCH_BUS }, { "MatchVendor", PROFILE_MATCH_VENDOR },
		{ "MatchProduct", PROFILE_MATCH_PRODUCT }, { "MatchName", PROFILE_MATCH_NAME },
		{ "MatchDescriptorHash", PROFILE_MATCH_DESCRIPTOR },
	};
	static const char *const buses[] = { "usb", "bluetooth", NULL };
	char *items[PROFILE_MAX_LIST];
	unsigned bit = 0;
	size_t n;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].name, key) == 0)
			bit = keys[i].bit;
	}
	if (!bit)
		return fail(p, "unknown key '%s'", key);
	if (sec->match & bit)
		return fail(p, "%s given twice in one section", key);
	if (sec->values.set)
		return fail(p, "%s after a property: Match keys come first", key);
	sec->match |= bit;
	switch (bit) {
	case PROFILE_MATCH_BUS: {
		uint8_t b;

		if (parse_word(p, key, value, buses, &b) < 0)
			return -EINVAL;
		sec->bus = b == 1 ? 3 : 5;   /* BUS_USB, BUS_BLUETOOTH */
		return 0;
	}
	case PROFILE_MATCH_VENDOR:
		return parse_hex16(p, value, &sec->vendor);
	case PROFILE_MATCH_PRODUCT:
		if (split_list(p, value, items, &n) < 0)
			return -EINVAL;
		for (size_t i = 0; i < n; i++) {
			if (parse_hex16(p, items[i], &sec->products[i]) < 0)
				return -EINVAL;
		}
		sec->n_products = n;
		return 0;
	case PROFILE_MATCH_NAME:
		if (strlen(value) >= sizeof(sec->name_glob))
			return fail(p, "%s longer than %zu characters", key, sizeof(sec->name_glob) - 1);
		strcpy(sec->name_glob, value);
		return 0;
	default: {
		uint64_t h;

		if (parse_hex(p, value, 16, &h) < 0)
			return -EINVAL;
		if (strlen(value) != 18)
			return fail(p, "%s: 0x and 16 hex digits", key);
		sec->descriptor_hash = h;
		return 0;
	}
	}
}

/* A section is done when the next header or the end of the file comes. */
static int finish_section(struct parser *p, const struct profile_section *sec)
{
	if (!sec)
		return 0;
	if (!sec->match)
		return fail(p, "section [%s] (line %u) has no Match key", sec->name, sec->line);
	if (!sec->values.set)
		return fail(p, "section [%s] (line %u) has no property", sec->name, sec->line);
	return 0;
}

static int parse_line(struct parser *p, char *line, struct profile_section **sections, size_t *n,
		      size_t *cap)
{
	size_t len = strlen(line);
	struct profile_section *sec = *n ? &(*sections)[*n - 1] : NULL;
	char *eq, *value;
	int key;

	if (len == 0 || line[0] == '#')
		return 0;
	if (isspace((unsigned char)line[0]) || isspace((unsigned char)line[len - 1]))
		return fail(p, "leading or trailing whitespace");
	if (strchr(line, '"') || strchr(line, '\''))
		return fail(p, "quotes are not part of the grammar");
	if (line[0] == '[') {
		if (line[len - 1] != ']' || len == 2 || memchr(line + 1, ']', len - 2) ||
		    memchr(line + 1, '[', len - 2))
			return fail(p, "a section header is [Name]");
		if (len - 2 >= sizeof(sec->name))
			return fail(p, "section name longer than %zu characters", sizeof(sec->name) - 1);
		if (finish_section(p, sec) < 0)
			return -EINVAL;
		if (p->set->n_sections + *n >= PROFILE_MAX_SECTIONS)
			return fail(p, "more than %u sections in all files", PROFILE_MAX_SECTIONS);
		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 8;
			struct profile_section *s = realloc(*sections, ncap * sizeof(*s));

			if (!s)
				return -ENOMEM;
			*sections = s;
			*cap = ncap;
		}
		sec = &(*sections)[(*n)++];
		memset(sec, 0, sizeof(*sec));
		memcpy(sec->name, line + 1, len - 2);
		snprintf(sec->file, sizeof(sec->file), "%s", p->file);
		sec->line = p->line;
		return 0;
	}
	eq = strchr(line, '=');
	if (!eq)
		return fail(p, "neither a [section], a KEY=VALUE line nor a # comment");
	*eq = '\0';
	value = eq + 1;
	if (!sec)
		return fail(p, "'%s' before the first [section]", line);
	for (const char *c = line; *c; c++) {
		if (!isalpha((unsigned char)*c))
			return fail(p, "'%s' is not a key", line);
	}
	if (eq == line || !*value)
		return fail(p, "empty key or value");
	if (isspace((unsigned char)eq[-1]) || isspace((unsigned char)value[0]))
		return fail(p, "whitespace around '='");
	if (strncmp(line, "Match", 5) == 0)
		return parse_match(p, sec, line, value);
	key = profile_key_from_name(line);
	if (key < 0)
		return fail(p, "unknown key '%s'", line);
	if (sec->values.set & (1u << key))
		return fail(p, "%s given twice in one section", line);
	sec->key_line[key] = p->line;
	snprintf(sec->key_text[key], sizeof(sec->key_text[key]), "%s", value);
	if (parse_property(p, sec, key, value) < 0)
		return -EINVAL;
	sec->values.set |= 1u << key;
	return 0;
}

static void record_error(struct profile_set *set, const char *file, unsigned line,
			 const char *message)
{
	if (set->n_errors < PROFILE_MAX_ERRORS) {
		if (line)
			snprintf(set->errors[set->n_errors], sizeof(set->errors[0]), "%.120s:%u: %.240s",
				 file, line, message);
		else
			snprintf(set->errors[set->n_errors], sizeof(set->errors[0]), "%.120s: %.240s",
				 file, message);
	}
	set->n_errors++;
}

int profile_parse_text(struct profile_set *set, const char *file, const char *text, size_t len)
{
	struct parser p = { .set = set, .file = file };
	struct profile_section *sections = NULL;
	size_t n = 0, cap = 0;
	char line[PROFILE_MAX_LINE + 1];
	int rc = 0;

	set->n_files++;
	if (len > PROFILE_MAX_FILE_BYTES) {
		record_error(set, file, 0, "file larger than 65536 bytes");
		return -EINVAL;
	}
	for (size_t pos = 0; pos < len && rc == 0;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;

		p.line++;
		if (end - pos > PROFILE_MAX_LINE) {
			rc = fail(&p, "line longer than %u bytes", PROFILE_MAX_LINE);
			break;
		}
		memcpy(line, text + pos, end - pos);
		line[end - pos] = '\0';
		if (memchr(text + pos, '\0', end - pos)) {
			rc = fail(&p, "a NUL byte in a text file");
			break;
		}
		for (size_t i = 0; i < end - pos && rc == 0; i++) {
			if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
				rc = fail(&p, "control character 0x%02X", (unsigned char)line[i]);
		}
		if (rc == 0)
			rc = parse_line(&p, line, &sections, &n, &cap);
		pos = end + 1;
	}
	if (rc == 0)
		rc = finish_section(&p, n ? &sections[n - 1] : NULL);
	if (rc == 0 && n) {
		struct profile_section *all = realloc(set->sections,
						      (set->n_sections + n) * sizeof(*all));

		if (!all) {
			rc = -ENOMEM;
		} else {
			memcpy(all + set->n_sections, sections, n * sizeof(*all));
			set->sections = all;
			set->n_sections += n;
		}
	}
	free(sections);
	if (rc == -ENOMEM)
		record_error(set, file, 0, "out of memory");
	else if (rc < 0)
		record_error(set, file, p.line, p.error);
	return rc;
}
