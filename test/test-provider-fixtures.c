/*
 * Every real telephony descriptor through hidphone.tsp, as a TAPI host sees it.
 *
 * What each phone has, and where, comes only from the fixture's .expect file (facts from an
 * independent decoder, test/data/descriptors/): for every control listed there a recording
 * plays reports with exactly that control's bits set, and what the provider says about it
 * (PHONE_STATE, PHONE_BUTTON, TSPI_phoneGetButtonInfo) is checked against what the HID Usage
 * Tables say the control is. Every LED, the Off-Hook LED and the ringer listed there are
 * driven through TSPI_phoneSetLamp / SetHookSwitch / SetRing, and the output reports the
 * provider sent (HIDPHONE_REPLAY_LOG) must change exactly the listed bits. Our own parser is
 * used for report lengths only (and to know an output report id exists).
 *
 * All phones are played at once, in real time, by one provider (so this also runs 15 reader
 * threads side by side); the outputs are then checked one phone after another, so every
 * line of the shared output log belongs to the phone being driven.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hid/hex-text.h"
#include "hid/rdesc-load.h"
#include "hid/rdesc.h"
#include "hid/recording.h"
#include "expect-file.h"
#include "test-util.h"
#include "tools/tapi-host.h"

#define FIXTURE_DIR TEST_DATA_DIR "/descriptors"
#define MAX_FIXTURES 32
#define MAX_VARS 64
#define MAX_ARRAYS 8
#define MAX_PLAYS 256
#define MAX_EXPECTED 256
#define MAX_OUT_LEN 128
#define MAX_IDS 256             /* TAPI ids are DWORDs; no phone comes near */

#define FIRST_REPORT_MS 250     /* after the open; the recording's clock starts there */
#define REPORT_GAP_MS 30
/* after a relative control's press: its UP must come before the next report is due */
#define RELATIVE_GAP_MS 100
#define SAME_BATCH_USEC 40000
#define WAIT_MS 5000

/* HID Usage Tables 1.4: the pages and usages this test knows by number. */
#define PAGE_LED 0x0008u
#define PAGE_TELEPHONY 0x000bu
#define TEL_PHONE 0x0001u
#define TEL_HEADSET 0x0005u
#define TEL_HOOK_SWITCH 0x0020u
#define TEL_KEY_0 0x00b0u
#define TEL_KEY_POUND 0x00bbu
#define TEL_RINGER 0x009eu
#define LED_OFF_HOOK 0x0017u
#define LED_RING 0x0018u

/* Telephony input usages with a TAPI feature: what PHONEBUTTONINFO must call each. */
static const struct {
	unsigned usage;
	DWORD function;
	DWORD mode;
	const char *name;
} features[] = {
	{ 0x21, PHONEBUTTONFUNCTION_FLASH, PHONEBUTTONMODE_FEATURE, "Flash" },
	{ 0x24, PHONEBUTTONFUNCTION_LASTNUM, PHONEBUTTONMODE_FEATURE, "Redial" },
	{ 0x26, PHONEBUTTONFUNCTION_DROP, PHONEBUTTONMODE_FEATURE, "Drop" },
	{ 0x2a, PHONEBUTTONFUNCTION_CALLAPP, PHONEBUTTONMODE_CALL, "Line" },
	{ 0x2f, PHONEBUTTONFUNCTION_MUTE, PHONEBUTTONMODE_FEATURE, "Phone Mute" },
	{ 0x50, PHONEBUTTONFUNCTION_ABBREVDIAL, PHONEBUTTONMODE_FEATURE, "Speed Dial" },
	{ 0x70, PHONEBUTTONFUNCTION_MSGINDICATOR, PHONEBUTTONMODE_FEATURE, "Voice Mail" },
	{ 0x97, PHONEBUTTONFUNCTION_REJECT, PHONEBUTTONMODE_FEATURE, "Line Busy Tone" },
};
#define N_FEATURES (sizeof(features) / sizeof(features[0]))

enum kind { K_INPUT = EXPECT_INPUT, K_OUTPUT = EXPECT_OUTPUT, K_FEATURE = EXPECT_FEATURE };

/* `var PAGE USAGE KIND RID BIT SIZE FLAGS` */
struct xvar {
	unsigned page, usage, rid, bit, size;
	enum kind kind;
	bool relative;
};

/* `array PAGE FIRST LAST KIND RID BIT SIZE COUNT LMIN LMAX FLAGS` */
struct xarray {
	unsigned page, first, last, rid, bit, size, count;
	long lmin, lmax;
	enum kind kind;
};

/* An event the host must see, in order. Feature buttons: the id is the provider's choice. */
struct expected {
	DWORD msg, p1, p2, p3;
	int var;                 /* feature button: index into vars, else -1 */
	bool synthesised_up;     /* the UP of a relative control, right behind its DOWN */
	unsigned at_ms;          /* when the report causing it is due */
	unsigned before_ms;      /* synthesised UP: when the next report is due */
};

struct play {
	unsigned ms;
	size_t len;
	uint8_t bytes[MAX_OUT_LEN];
};

struct fixture {
	char name[96];
	char phone_name[128];
	bool telephony;
	unsigned tel_usage;      /* usage of the Telephony top-level collection */
	bool numbered;
	struct xvar vars[MAX_VARS];
	size_t n_vars;
	struct xarray arrays[MAX_ARRAYS];
	size_t n_arrays;
	struct rdesc *desc;      /* report lengths only */

	struct play plays[MAX_PLAYS];
	size_t n_plays;
	struct expected expect[MAX_EXPECTED];
	size_t n_expect;

	/* once open */
	DWORD device_id;
	HDRVPHONE hd;
	HTAPIPHONE ht;
	bool opened;
	uint64_t open_usec;      /* just before TSPI_phoneOpen; the replay clock starts later */

	/* output reports as last sent, by report id (0: unnumbered) */
	uint8_t out[256][MAX_OUT_LEN];
	size_t out_len[256];

	/* what was exercised, for the summary */
	unsigned n_hook, n_keys, n_buttons, n_lamps, n_hook_outputs, n_ring_bits;
};

static struct fixture fixtures[MAX_FIXTURES];
static size_t n_fixtures;
static char tmpdir[256];
static char log_path[300];
static size_t events_after_play;   /* host events recorded when playback was over */
static bool played;

/* --- the .expect files ----------------------------------------------------------------- */

static void expect_fact(const struct expect_fact *e, void *ctx)
{
	struct fixture *fx = ctx;

	if ((e->type == EXPECT_VAR || e->type == EXPECT_ARRAY) && e->kind == EXPECT_BAD_KIND)
		fail_msg("%s.expect: a field of an unknown report kind", fx->name);
	switch (e->type) {
	case EXPECT_TLC:
		if (e->page == PAGE_TELEPHONY && !fx->telephony) {
			fx->telephony = true;
			fx->tel_usage = e->usage;
		}
		break;
	case EXPECT_REPORT_IDS:
		fx->numbered = true;
		break;
	case EXPECT_VAR:
		assert_true(fx->n_vars < MAX_VARS);
		fx->vars[fx->n_vars++] = (struct xvar){
			.page = e->page, .usage = e->usage, .kind = (enum kind)e->kind,
			.rid = (unsigned)e->rid, .bit = (unsigned)e->bit, .size = (unsigned)e->size,
			.relative = expect_has_flag(e, "Rel"),
		};
		break;
	case EXPECT_ARRAY:
		assert_true(fx->n_arrays < MAX_ARRAYS);
		fx->arrays[fx->n_arrays++] = (struct xarray){
			.page = e->page, .first = e->usage, .last = e->last,
			.kind = (enum kind)e->kind, .rid = (unsigned)e->rid, .bit = (unsigned)e->bit,
			.size = (unsigned)e->size, .count = (unsigned)e->count, .lmin = e->lmin,
			.lmax = e->lmax,
		};
		break;
	case EXPECT_UNREADABLE:
		fail_msg("%s.expect:%u: cannot read '%s'", fx->name, e->line, e->text);
		break;
	default:
		/* notes and payload sizes are the parser's test's (test-real-descriptors) */
		break;
	}
}

static void load_expect(struct fixture *fx, const char *path)
{
	assert_int_equal(expect_read(path, expect_fact, fx), 0);
}

static void load_descriptor(const struct fixture *fx, uint8_t *rdesc, size_t *len)
{
	char path[512];
	enum rdesc_file_format fmt;
	struct text_error err;
	long n;

	assert_true(snprintf(path, sizeof(path), FIXTURE_DIR "/%s.rdesc.hex", fx->name) <
		    (int)sizeof(path));
	n = rdesc_read_file(path, rdesc, &fmt, &err);
	assert_true(n > 0);
	*len = (size_t)n;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void load_fixtures(void)
{
	DIR *d = opendir(FIXTURE_DIR);
	struct dirent *e;
	char *names[MAX_FIXTURES];
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 7 && strcmp(e->d_name + len - 7, ".expect") == 0) {
			assert_true(n < MAX_FIXTURES);
			names[n++] = strndup(e->d_name, len - 7);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), compare_names);
	for (size_t i = 0; i < n; i++) {
		struct fixture *fx = &fixtures[n_fixtures++];
		char path[512];
		uint8_t *rdesc = malloc(RDESC_MAX_SIZE);
		size_t len;

		snprintf(fx->name, sizeof(fx->name), "%s", names[i]);
		snprintf(fx->phone_name, sizeof(fx->phone_name), "fixture %s", names[i]);
		snprintf(path, sizeof(path), FIXTURE_DIR "/%s.expect", names[i]);
		load_expect(fx, path);
		assert_non_null(rdesc);
		load_descriptor(fx, rdesc, &len);
		assert_int_equal(rdesc_parse(rdesc, len, &fx->desc, NULL), 0);
		free(rdesc);
		free(names[i]);
	}
}

/* --- reports ---------------------------------------------------------------------------- */

static void put_bits(uint8_t *payload, size_t plen, unsigned bit, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned b = bit + i;

		assert_true(b / 8 < plen);
		if (v >> i & 1)
			payload[b / 8] |= (uint8_t)(1u << (b % 8));
		else
			payload[b / 8] &= (uint8_t)~(1u << (b % 8));
	}
}

static bool get_bit(const uint8_t *payload, size_t plen, unsigned bit)
{
	return bit / 8 < plen && payload[bit / 8] >> (bit % 8) & 1;
}

static bool is_keypad(const struct xarray *a)
{
	return a->kind == K_INPUT && a->page == PAGE_TELEPHONY && a->first >= TEL_KEY_0 &&
	       a->last <= TEL_KEY_POUND && a->first <= a->last;
}

/*
 * An idle value for a keypad array, one that names no key: just past the logical maximum
 * (in the field's bits), or past the usages when that wraps into them.
 */
static uint64_t keypad_idle(const struct xarray *a)
{
	uint64_t mask = a->size >= 64 ? UINT64_MAX : (1ull << a->size) - 1;
	uint64_t v = (uint64_t)(a->lmax + 1) & mask;
	long keys = (long)(a->last - a->first + 1);

	if ((long)v >= a->lmin && (long)v < a->lmin + keys)
		v = (uint64_t)(a->lmin + keys) & mask;
	return v;
}

/* An input report with nothing pressed: all zero but keypads at their idle value. */
static size_t idle_report(const struct fixture *fx, unsigned rid, uint8_t *buf)
{
	const struct rdesc_report *r = rdesc_find_report(fx->desc, RDESC_INPUT, (uint8_t)rid);
	size_t len, off = fx->numbered ? 1 : 0;

	assert_non_null(r);
	len = rdesc_report_bytes(fx->desc, r);
	assert_true(len > off && len <= MAX_OUT_LEN);
	memset(buf, 0, len);
	if (fx->numbered)
		buf[0] = (uint8_t)rid;
	for (size_t i = 0; i < fx->n_arrays; i++) {
		const struct xarray *a = &fx->arrays[i];

		if (!is_keypad(a) || a->rid != rid)
			continue;
		for (unsigned e = 0; e < a->count; e++)
			put_bits(buf + off, len - off, a->bit + e * a->size, a->size, keypad_idle(a));
	}
	return len;
}

static void add_play(struct fixture *fx, unsigned *ms, const uint8_t *bytes, size_t len)
{
	struct play *p;

	assert_true(fx->n_plays < MAX_PLAYS);
	p = &fx->plays[fx->n_plays++];
	p->ms = *ms;
	p->len = len;
	memcpy(p->bytes, bytes, len);
	*ms += REPORT_GAP_MS;
}

static void add_expect(struct fixture *fx, struct expected e)
{
	assert_true(fx->n_expect < MAX_EXPECTED);
	fx->expect[fx->n_expect++] = e;
}

/* Plays a var input at value 1 (rest idle), then back to idle. */
static void press_var(struct fixture *fx, unsigned *ms, const struct xvar *v, unsigned *at_set,
		      unsigned *at_clear)
{
	uint8_t buf[MAX_OUT_LEN];
	size_t off = fx->numbered ? 1 : 0;
	size_t len = idle_report(fx, v->rid, buf);

	put_bits(buf + off, len - off, v->bit, v->size, 1);
	*at_set = *ms;
	add_play(fx, ms, buf, len);
	if (v->relative)
		*ms += RELATIVE_GAP_MS - REPORT_GAP_MS;
	len = idle_report(fx, v->rid, buf);
	*at_clear = *ms;
	add_play(fx, ms, buf, len);
}

static DWORD hook_state_bit(const struct fixture *fx)
{
	return fx->tel_usage == TEL_HEADSET ? PHONESTATE_HEADSETHOOKSWITCH :
	       fx->tel_usage == TEL_PHONE ? PHONESTATE_HANDSETHOOKSWITCH : 0;
}

static DWORD hook_dev(const struct fixture *fx)
{
	return fx->tel_usage == TEL_HEADSET ? PHONEHOOKSWITCHDEV_HEADSET :
	       fx->tel_usage == TEL_PHONE ? PHONEHOOKSWITCHDEV_HANDSET : 0;
}

static const struct xvar *find_var(const struct fixture *fx, enum kind kind, unsigned page,
				   unsigned usage)
{
	for (size_t i = 0; i < fx->n_vars; i++) {
		const struct xvar *v = &fx->vars[i];

		if (v->kind == kind && v->page == page && v->usage == usage)
			return v;
	}
	return NULL;
}

static int feature_of(unsigned usage)
{
	for (size_t i = 0; i < N_FEATURES; i++) {
		if (features[i].usage == usage)
			return (int)i;
	}
	return -1;
}

/* The whole input script of a phone, and the events it must give, from its .expect. */
static void build_script(struct fixture *fx)
{
	unsigned ms = FIRST_REPORT_MS, at_set, at_clear;
	const struct xvar *hook = find_var(fx, K_INPUT, PAGE_TELEPHONY, TEL_HOOK_SWITCH);
	size_t off = fx->numbered ? 1 : 0;

	if (hook) {
		DWORD state = hook_state_bit(fx);

		if (!state)
			fail_msg("%s: telephony collection 0x%04x is neither Phone nor Headset",
				 fx->name, fx->tel_usage);
		press_var(fx, &ms, hook, &at_set, &at_clear);
		add_expect(fx, (struct expected){ PHONE_STATE, state, PHONEHOOKSWITCHMODE_MICSPEAKER,
						  0, -1, false, at_set, 0 });
		if (hook->relative) {
			/* an on/off toggle: the second press puts the phone back on the hook */
			press_var(fx, &ms, hook, &at_set, &at_clear);
		}
		add_expect(fx, (struct expected){ PHONE_STATE, state, PHONEHOOKSWITCHMODE_ONHOOK, 0,
						  -1, false, hook->relative ? at_set : at_clear, 0 });
		fx->n_hook++;
	}

	for (size_t i = 0; i < fx->n_arrays; i++) {
		const struct xarray *a = &fx->arrays[i];

		if (!is_keypad(a))
			continue;
		for (unsigned k = 0; k <= a->last - a->first; k++) {
			uint8_t buf[MAX_OUT_LEN];
			size_t len = idle_report(fx, a->rid, buf);
			DWORD id = a->first - TEL_KEY_0 + k;

			put_bits(buf + off, len - off, a->bit, a->size, (uint64_t)(a->lmin + k));
			add_expect(fx, (struct expected){ PHONE_BUTTON, id, PHONEBUTTONMODE_KEYPAD,
							  PHONEBUTTONSTATE_DOWN, -1, false, ms, 0 });
			add_play(fx, &ms, buf, len);
			len = idle_report(fx, a->rid, buf);
			add_expect(fx, (struct expected){ PHONE_BUTTON, id, PHONEBUTTONMODE_KEYPAD,
							  PHONEBUTTONSTATE_UP, -1, false, ms, 0 });
			add_play(fx, &ms, buf, len);
			fx->n_keys++;
		}
	}

	for (size_t i = 0; i < fx->n_vars; i++) {
		const struct xvar *v = &fx->vars[i];
		int f = feature_of(v->usage);

		if (v->kind != K_INPUT || v->page != PAGE_TELEPHONY || f < 0)
			continue;
		press_var(fx, &ms, v, &at_set, &at_clear);
		add_expect(fx, (struct expected){ PHONE_BUTTON, 0, features[f].mode,
						  PHONEBUTTONSTATE_DOWN, (int)i, false, at_set, 0 });
		add_expect(fx, (struct expected){ PHONE_BUTTON, 0, features[f].mode,
						  PHONEBUTTONSTATE_UP, (int)i, v->relative,
						  v->relative ? at_set : at_clear, at_clear });
		fx->n_buttons++;
	}
}

static void write_recording(const struct fixture *fx, const char *path, uint16_t pid)
{
	struct recording_device dev = { .bus = 3, .vendor = 0x1d50, .product = pid };
	uint8_t *rdesc = malloc(RDESC_MAX_SIZE);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_non_null(rdesc);
	load_descriptor(fx, rdesc, &dev.rdesc_len);
	dev.rdesc = rdesc;
	snprintf(dev.name, sizeof(dev.name), "%s", fx->phone_name);
	assert_int_equal(recording_write_device(f, &dev, false), 0);
	for (size_t i = 0; i < fx->n_plays; i++)
		assert_int_equal(recording_write_report(f, RECORDING_INPUT,
							(uint64_t)fx->plays[i].ms * 1000,
							fx->plays[i].bytes, fx->plays[i].len), 0);
	assert_int_equal(fclose(f), 0);
	free(rdesc);
}

/* --- the output log --------------------------------------------------------------------- */

struct out_report {
	uint8_t bytes[MAX_OUT_LEN];
	size_t len;
};

/* Every O: line of the log, in order. */
static size_t read_outputs(struct out_report *out, size_t max)
{
	FILE *f = fopen(log_path, "r");
	char line[1024];
	size_t n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long sec, usec, len;
		int off = 0;
		size_t bad;
		long got;

		if (sscanf(line, "O: %lu.%lu %lu %n", &sec, &usec, &len, &off) != 3 || off <= 0)
			continue;
		assert_true(n < max);
		got = hex_parse_bytes(line + off, strlen(line + off), out[n].bytes, MAX_OUT_LEN, &bad);
		assert_true(got > 0);
		assert_int_equal((unsigned long)got, len);
		out[n++].len = (size_t)got;
	}
	fclose(f);
	return n;
}

#define MAX_LOG 4096
static struct out_report log_lines[MAX_LOG];

static size_t outputs_so_far(void)
{
	return read_outputs(log_lines, MAX_LOG);
}

/* One output bit that changed, and the output var of the .expect that sits there. */
struct change {
	unsigned rid, bit;
	bool on;
	const struct xvar *var;
	bool alone;              /* the only bit set in its report's payload */
};

static size_t popcount_bytes(const uint8_t *p, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += (size_t)__builtin_popcount(p[i]);
	return c;
}

static const struct xvar *output_var_at(const struct fixture *fx, unsigned rid, unsigned bit)
{
	for (size_t i = 0; i < fx->n_vars; i++) {
		const struct xvar *v = &fx->vars[i];

		if (v->kind == K_OUTPUT && v->rid == rid && bit >= v->bit && bit < v->bit + v->size)
			return v;
	}
	return NULL;
}

/*
 * The output reports the phone was sent since line `from` of the log, each compared with the
 * previous report of its id (all zero before the first): the bits that changed.
 */
static size_t new_changes(struct fixture *fx, size_t from, struct change *ch, size_t max,
			  size_t *lines)
{
	size_t n = read_outputs(log_lines, MAX_LOG), count = 0;

	*lines = n - from;
	for (size_t i = from; i < n; i++) {
		const struct out_report *o = &log_lines[i];
		/* O: lines are prefixed: the report id first, 0 for an unnumbered report */
		unsigned rid = o->bytes[0];
		const uint8_t *payload = o->bytes + 1;
		size_t plen = o->len - 1;
		const struct rdesc_report *r = rdesc_find_report(fx->desc, RDESC_OUTPUT, (uint8_t)rid);

		if (!r)
			fail_msg("%s: output report %u is not in the descriptor", fx->name, rid);
		assert_int_equal(o->len, rdesc_report_bytes(fx->desc, r) + (fx->numbered ? 0 : 1));
		if (!fx->numbered)
			assert_int_equal(rid, 0);
		if (fx->out_len[rid] == 0) {
			fx->out_len[rid] = o->len;
			memset(fx->out[rid], 0, o->len);
			fx->out[rid][0] = (uint8_t)rid;
		}
		assert_int_equal(fx->out_len[rid], o->len);
		for (unsigned bit = 0; bit < plen * 8; bit++) {
			bool was = get_bit(fx->out[rid] + 1, plen, bit), is = get_bit(payload, plen, bit);

			if (was == is)
				continue;
			assert_true(count < max);
			ch[count++] = (struct change){
				.rid = rid, .bit = bit, .on = is, .var = output_var_at(fx, rid, bit),
				.alone = popcount_bytes(payload, plen) == 1,
			};
		}
		memcpy(fx->out[rid], o->bytes, o->len);
	}
	return count;
}

static const char *describe_change(const struct change *c, char *buf, size_t size)
{
	if (c->var)
		snprintf(buf, size, "report %u bit %u %s (%04x:%04x)", c->rid, c->bit,
			 c->on ? "set" : "cleared", c->var->page, c->var->usage);
	else
		snprintf(buf, size, "report %u bit %u %s (no output there in the .expect)", c->rid,
			 c->bit, c->on ? "set" : "cleared");
	return buf;
}

static void print_changes(const struct fixture *fx, const char *what, const struct change *ch,
			  size_t n)
{
	char buf[160];

	fprintf(stderr, "%s: %s changed %zu output bits:\n", fx->name, what, n);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", describe_change(&ch[i], buf, sizeof(buf)));
}

/* The changes must be exactly the listed output vars, all going to `on`. */
static void expect_changes(const struct fixture *fx, const char *what, const struct change *ch,
			   size_t n, const struct xvar *const *vars, size_t n_vars, bool on)
{
	bool ok = n == n_vars;

	for (size_t i = 0; ok && i < n; i++) {
		bool listed = false;

		for (size_t j = 0; j < n_vars; j++)
			listed |= ch[i].var == vars[j];
		ok = listed && ch[i].on == on;
	}
	if (!ok) {
		print_changes(fx, what, ch, n);
		fail_msg("%s: %s: expected %zu output bits to be %s", fx->name, what, n_vars,
			 on ? "set" : "cleared");
	}
}

/* --- playing ---------------------------------------------------------------------------- */

static struct fixture *fixture_named(const uint16_t *name, size_t units)
{
	for (size_t i = 0; i < n_fixtures; i++) {
		struct fixture *fx = &fixtures[i];
		size_t len = strlen(fx->phone_name);

		if (units != len + 1 || name[len] != 0)
			continue;
		size_t k;
		for (k = 0; k < len && name[k] == (uint8_t)fx->phone_name[k]; k++)
			;
		if (k == len)
			return fx;
	}
	return NULL;
}

static size_t phone_events(const struct fixture *fx, size_t limit, const struct host_event **out,
			   size_t max)
{
	struct host *h = host;
	size_t n = 0;

	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < h->n_events && i < limit; i++) {
		const struct host_event *e = &h->events[i];

		if (!e->completion && e->ht == fx->ht && n < max)
			out[n++] = e;
	}
	pthread_mutex_unlock(&h->lock);
	return n;
}

static size_t expected_events_total(void)
{
	size_t n = 0;

	for (size_t i = 0; i < n_fixtures; i++)
		n += fixtures[i].opened ? fixtures[i].n_expect : 0;
	return n;
}

/*
 * Every fixture's recording in one provider: the 15 phones are listed (the gaming headset is
 * not), opened, and play their scripts side by side.
 */
static void test_enumerate_and_play(void **state)
{
	struct host *h = host;
	static char devices[16384];
	unsigned last_ms = 0;
	size_t n_tel = 0;
	(void)state;

	load_fixtures();
	snprintf(devices, sizeof(devices), "replay:");
	for (size_t i = 0; i < n_fixtures; i++) {
		struct fixture *fx = &fixtures[i];
		char path[512];

		if (fx->telephony) {
			build_script(fx);
			n_tel++;
		}
		snprintf(path, sizeof(path), "%s/f%02zu.hid", tmpdir, i);
		write_recording(fx, path, (uint16_t)(0x4000 + i));
		if (i)
			strcat(devices, ":");
		assert_true(strlen(devices) + strlen(path) + 2 < sizeof(devices));
		strcat(devices, path);
		if (fx->n_plays && fx->plays[fx->n_plays - 1].ms > last_ms)
			last_ms = fx->plays[fx->n_plays - 1].ms;
	}
	/* the descriptors of test/data: 15 phones and the gaming headset */
	assert_int_equal(n_fixtures, 16);
	assert_int_equal(n_tel, 15);

	setenv("HIDPHONE_DEVICES", devices, 1);
	unlink(log_path);
	setenv("HIDPHONE_REPLAY_LOG", log_path, 1);
	host_clear(h);
	assert_int_equal(host_start(h, 100), 0);
	assert_int_equal(h->num_phones, n_tel);

	for (DWORD id = 100; id < 100 + h->num_phones; id++) {
		uint8_t buf[4096];
		LPPHONECAPS caps = (LPPHONECAPS)buf;
		struct fixture *fx;
		DWORD v;

		assert_int_equal(h->phoneNegotiateTSPIVersion(id, TAPI_VERSION2_0, TAPI_VERSION3_1,
							      &v), 0);
		memset(buf, 0, sizeof(buf));
		caps->dwTotalSize = sizeof(buf);
		assert_int_equal(h->phoneGetDevCaps(id, v, 0, caps), 0);
		assert_true(caps->dwPhoneNameSize >= 2 &&
			    caps->dwPhoneNameOffset + caps->dwPhoneNameSize <= caps->dwUsedSize);
		fx = fixture_named((const uint16_t *)(buf + caps->dwPhoneNameOffset),
				   caps->dwPhoneNameSize / 2);
		if (!fx)
			fail_msg("phone %u has a name that is no fixture's", id);
		if (!fx->telephony)
			fail_msg("%s has no telephony collection, yet phone %u is it", fx->name, id);
		assert_false(fx->opened);
		fx->device_id = id;
		fx->ht = (HTAPIPHONE)(uintptr_t)(0x7000 + (fx - fixtures));
		fx->open_usec = host_now_usec();
		assert_int_equal(h->phoneOpen(id, fx->ht, &fx->hd, v, host_phone_event), 0);
		fx->opened = true;
		/* right after the open: the first report is due 250 ms later */
		assert_int_equal(h->phoneSetStatusMessages(fx->hd, PHONESTATE_HANDSETHOOKSWITCH |
							   PHONESTATE_SPEAKERHOOKSWITCH |
							   PHONESTATE_HEADSETHOOKSWITCH,
							   PHONEBUTTONMODE_KEYPAD |
							   PHONEBUTTONMODE_FEATURE |
							   PHONEBUTTONMODE_CALL,
							   PHONEBUTTONSTATE_DOWN |
							   PHONEBUTTONSTATE_UP), 0);
	}
	for (size_t i = 0; i < n_fixtures; i++) {
		if (fixtures[i].telephony && !fixtures[i].opened)
			fail_msg("%s: no phone has its name", fixtures[i].name);
	}

	/* the whole script plays, then a while more in which nothing may come */
	if (!host_wait(h, expected_events_total(), (int)last_ms + WAIT_MS))
		fprintf(stderr, "only %zu of %zu events came\n", h->n_events,
			expected_events_total());
	usleep(150 * 1000);
	pthread_mutex_lock(&h->lock);
	events_after_play = h->n_events;
	pthread_mutex_unlock(&h->lock);
	assert_int_equal(h->concurrent, 0);
	played = true;
}

/* --- one fixture ------------------------------------------------------------------------ */

static void check_events(struct fixture *fx)
{
	struct host *h = host;
	const struct host_event *ev[MAX_EXPECTED + 16];
	size_t n = phone_events(fx, events_after_play, ev, MAX_EXPECTED + 16);
	DWORD feature_id[MAX_VARS];
	bool ok = n == fx->n_expect;

	for (size_t i = 0; i < MAX_VARS; i++)
		feature_id[i] = 0;
	for (size_t i = 0; ok && i < n; i++) {
		const struct expected *x = &fx->expect[i];
		const struct host_event *e = ev[i];

		ok = e->msg == x->msg && e->p2 == x->p2 && e->p3 == x->p3;
		if (!ok)
			break;
		if (x->var < 0) {
			ok = e->p1 == x->p1;
		} else if (!feature_id[x->var]) {
			ok = e->p1 >= 16 && e->p1 < MAX_IDS;
			feature_id[x->var] = (DWORD)e->p1;
		} else {
			ok = e->p1 == feature_id[x->var];
		}
		/*
		 * A relative control reports the press only: the UP comes with the DOWN (one
		 * decode, one dispatch), or at least before the report that clears the bit is
		 * due. Either holds for a synthesised UP however late the reader runs; an UP
		 * made from the clearing report fails both unless the reader lags 100 ms.
		 */
		if (ok && x->synthesised_up)
			ok = e->usec - ev[i - 1]->usec < SAME_BATCH_USEC ||
			     e->usec < fx->open_usec + (uint64_t)x->before_ms * 1000;
	}
	if (!ok) {
		fprintf(stderr, "%s: %zu events, %zu expected\n", fx->name, n, fx->n_expect);
		for (size_t i = 0; i < n || i < fx->n_expect; i++) {
			if (i < fx->n_expect) {
				const struct expected *x = &fx->expect[i];

				fprintf(stderr, "  want %s %#x %#x %#x (report at %u ms%s)", x->msg ==
					PHONE_STATE ? "PHONE_STATE " : "PHONE_BUTTON", x->var < 0 ?
					x->p1 : 0xffff, x->p2, x->p3, x->at_ms,
					x->synthesised_up ? ", synthesised" : "");
			} else {
				fprintf(stderr, "  want nothing");
			}
			if (i < n)
				fprintf(stderr, "   got %s %#lx %#lx %#lx at %lld ms\n", ev[i]->msg ==
					PHONE_STATE ? "PHONE_STATE " : "PHONE_BUTTON",
					(unsigned long)ev[i]->p1, (unsigned long)ev[i]->p2,
					(unsigned long)ev[i]->p3,
					((long long)ev[i]->usec - (long long)fx->open_usec) / 1000);
			else
				fprintf(stderr, "   got nothing\n");
		}
		fail_msg("%s: the events differ from what the .expect controls mean", fx->name);
	}

	/* every feature control has an id of its own, and the function the usage names */
	for (size_t i = 0; i < fx->n_vars; i++) {
		uint8_t buf[256];
		LPPHONEBUTTONINFO info = (LPPHONEBUTTONINFO)buf;
		int f;

		if (!feature_id[i])
			continue;
		f = feature_of(fx->vars[i].usage);
		for (size_t j = 0; j < i; j++) {
			if (feature_id[j] == feature_id[i])
				fail_msg("%s: %s and usage 0x%02x share button id %u", fx->name,
					 features[f].name, fx->vars[j].usage, feature_id[i]);
		}
		memset(buf, 0, sizeof(buf));
		info->dwTotalSize = sizeof(buf);
		assert_int_equal(h->phoneGetButtonInfo(fx->hd, feature_id[i], info), 0);
		if (info->dwButtonMode != features[f].mode ||
		    info->dwButtonFunction != features[f].function)
			fail_msg("%s: %s (button %u) has mode %#x function %#x, want %#x %#x",
				 fx->name, features[f].name, feature_id[i], info->dwButtonMode,
				 info->dwButtonFunction, features[f].mode, features[f].function);
		assert_int_equal(info->dwButtonState, PHONEBUTTONSTATE_UP);
	}
}

/* Sends one asynchronous request and waits for its completion; returns the output changes. */
#define REQUEST(fx, call, ch, max, n_changes) do { \
		size_t from_ = outputs_so_far(), lines_; \
		LONG rid_ = (call); \
		if (rid_ <= 0) \
			fail_msg("%s: %s returned %#lx", (fx)->name, #call, (unsigned long)rid_); \
		assert_int_equal(host_wait_completion(host, (DRV_REQUESTID)rid_, WAIT_MS), 0); \
		n_changes = new_changes((fx), from_, (ch), (max), &lines_); \
	} while (0)

static DRV_REQUESTID next_request = 1;

static void check_lamps(struct fixture *fx, const DWORD *lamp_modes, DWORD n_ids)
{
	struct host *h = host;
	unsigned reached[MAX_VARS] = { 0 };
	bool has_hook = find_var(fx, K_INPUT, PAGE_TELEPHONY, TEL_HOOK_SWITCH) != NULL;

	for (DWORD id = 0; id < n_ids; id++) {
		struct change ch[32];
		size_t n;
		DWORD mode = 0;
		char what[64];

		if (!(lamp_modes[id] & PHONELAMPMODE_STEADY))
			continue;
		assert_int_equal(h->phoneGetLamp(fx->hd, id, &mode), 0);
		assert_int_equal(mode, PHONELAMPMODE_OFF);

		snprintf(what, sizeof(what), "lamp %u steady", id);
		REQUEST(fx, h->phoneSetLamp(next_request++, fx->hd, id, PHONELAMPMODE_STEADY), ch,
			32, n);
		if (n != 1 || !ch[0].on || !ch[0].var || !ch[0].alone) {
			print_changes(fx, what, ch, n);
			fail_msg("%s: %s must set exactly one output bit, an LED's", fx->name, what);
		}
		if (ch[0].var->page != PAGE_LED)
			fail_msg("%s: lamp %u drives %04x:%04x, which is no LED", fx->name, id,
				 ch[0].var->page, ch[0].var->usage);
		/*
		 * Every LED is a lamp: the Off-Hook LED of the hook switch too, after every other
		 * id so those stay what they were before it was one.
		 */
		if (ch[0].var->usage == LED_OFF_HOOK && has_hook && id != n_ids - 1)
			fail_msg("%s: lamp %u drives the hook switch's Off-Hook LED, not the last id",
				 fx->name, id);
		reached[ch[0].var - fx->vars]++;
		assert_int_equal(h->phoneGetLamp(fx->hd, id, &mode), 0);
		assert_int_equal(mode, PHONELAMPMODE_STEADY);

		const struct xvar *led = ch[0].var;
		snprintf(what, sizeof(what), "lamp %u off", id);
		REQUEST(fx, h->phoneSetLamp(next_request++, fx->hd, id, PHONELAMPMODE_OFF), ch, 32,
			n);
		expect_changes(fx, what, ch, n, &led, 1, false);
		fx->n_lamps++;
	}
	for (size_t i = 0; i < fx->n_vars; i++) {
		const struct xvar *v = &fx->vars[i];

		if (v->kind != K_OUTPUT || v->page != PAGE_LED || v->usage == LED_OFF_HOOK)
			continue;
		if (reached[i] != 1)
			fail_msg("%s: LED 0x%02x (report %u bit %u) is driven by %u lamp ids, not 1",
				 fx->name, v->usage, v->rid, v->bit, reached[i]);
	}
}

static void check_hook_output(struct fixture *fx)
{
	struct host *h = host;
	const struct xvar *hook = find_var(fx, K_INPUT, PAGE_TELEPHONY, TEL_HOOK_SWITCH);
	const struct xvar *led = find_var(fx, K_OUTPUT, PAGE_LED, LED_OFF_HOOK);
	DWORD dev = hook_dev(fx), devs = 0;
	struct change ch[32];
	size_t n;

	if (!hook)
		return;
	if (!led) {
		/* nothing to tell the device with: the provider must say so, and send nothing */
		size_t from = outputs_so_far(), lines;

		assert_true(h->phoneSetHookSwitch(next_request++, fx->hd, dev,
						  PHONEHOOKSWITCHMODE_MICSPEAKER) < 0);
		assert_int_equal(new_changes(fx, from, ch, 32, &lines), 0);
		assert_int_equal(lines, 0);
		return;
	}
	REQUEST(fx, h->phoneSetHookSwitch(next_request++, fx->hd, dev,
					  PHONEHOOKSWITCHMODE_MICSPEAKER), ch, 32, n);
	expect_changes(fx, "off hook", ch, n, &led, 1, true);
	assert_int_equal(h->phoneGetHookSwitch(fx->hd, &devs), 0);
	assert_int_equal(devs, dev);
	REQUEST(fx, h->phoneSetHookSwitch(next_request++, fx->hd, dev, PHONEHOOKSWITCHMODE_ONHOOK),
		ch, 32, n);
	expect_changes(fx, "on hook", ch, n, &led, 1, false);
	assert_int_equal(h->phoneGetHookSwitch(fx->hd, &devs), 0);
	assert_int_equal(devs, 0);
	fx->n_hook_outputs++;
}

static void check_ring(struct fixture *fx)
{
	struct host *h = host;
	const struct xvar *bits[2];
	size_t n_bits = 0, n;
	struct change ch[32];
	DWORD mode = 9, volume = 9;

	bits[n_bits] = find_var(fx, K_OUTPUT, PAGE_TELEPHONY, TEL_RINGER);
	n_bits += bits[n_bits] != NULL;
	bits[n_bits] = find_var(fx, K_OUTPUT, PAGE_LED, LED_RING);
	n_bits += bits[n_bits] != NULL;
	if (!n_bits) {
		size_t from = outputs_so_far(), lines;

		assert_true(h->phoneSetRing(next_request++, fx->hd, 1, 0x8000) < 0);
		assert_int_equal(new_changes(fx, from, ch, 32, &lines), 0);
		assert_int_equal(lines, 0);
		return;
	}
	REQUEST(fx, h->phoneSetRing(next_request++, fx->hd, 1, 0x8000), ch, 32, n);
	expect_changes(fx, "ring", ch, n, bits, n_bits, true);
	assert_int_equal(h->phoneGetRing(fx->hd, &mode, &volume), 0);
	assert_int_equal(mode, 1);
	assert_int_equal(volume, 0x8000);
	REQUEST(fx, h->phoneSetRing(next_request++, fx->hd, 0, 0), ch, 32, n);
	expect_changes(fx, "ring off", ch, n, bits, n_bits, false);
	fx->n_ring_bits = (unsigned)n_bits;
}

static bool has_keypad(const struct fixture *fx)
{
	for (size_t i = 0; i < fx->n_arrays; i++) {
		if (is_keypad(&fx->arrays[i]))
			return true;
	}
	return false;
}

static void test_fixture(void **state)
{
	struct fixture *fx = *state;
	struct host *h = host;
	static uint8_t buf[8192];
	LPPHONECAPS caps = (LPPHONECAPS)buf;
	DWORD needed, n_ids, modes[MAX_IDS], functions[MAX_IDS],
	      lamps[MAX_IDS], devs = 9;

	if (!played)
		skip();
	if (!fx->telephony) {
		/* not a phone: no phone id had its name (test_enumerate_and_play) */
		assert_false(fx->opened);
		return;
	}
	assert_true(fx->opened);

	/* caps: sizes, arrays, name */
	memset(buf, 0, sizeof(buf));
	caps->dwTotalSize = PHONECAPS_SIZE_2_2;
	assert_int_equal(h->phoneGetDevCaps(fx->device_id, TAPI_VERSION3_1, 0, caps), 0);
	needed = caps->dwNeededSize;
	assert_int_equal(caps->dwUsedSize, PHONECAPS_SIZE_2_2);
	assert_true(needed > PHONECAPS_SIZE_2_2);
	assert_int_equal(caps->dwPhoneNameSize, 0);
	memset(buf, 0xa5, sizeof(buf));
	caps->dwTotalSize = sizeof(buf);
	assert_int_equal(h->phoneGetDevCaps(fx->device_id, TAPI_VERSION3_1, 0, caps), 0);
	assert_int_equal(caps->dwTotalSize, sizeof(buf));
	assert_int_equal(caps->dwNeededSize, needed);
	assert_int_equal(caps->dwUsedSize, needed);
	n_ids = caps->dwNumButtonLamps;
	assert_true(n_ids <= MAX_IDS);
	assert_int_equal(caps->dwButtonModesSize, n_ids * 4);
	assert_int_equal(caps->dwButtonFunctionsSize, n_ids * 4);
	assert_int_equal(caps->dwLampModesSize, n_ids * 4);
	assert_true(caps->dwButtonModesOffset + n_ids * 4 <= needed);
	assert_true(caps->dwButtonFunctionsOffset + n_ids * 4 <= needed);
	assert_true(caps->dwLampModesOffset + n_ids * 4 <= needed);
	memcpy(modes, buf + caps->dwButtonModesOffset, n_ids * 4);
	memcpy(functions, buf + caps->dwButtonFunctionsOffset, n_ids * 4);
	memcpy(lamps, buf + caps->dwLampModesOffset, n_ids * 4);
	assert_int_equal(caps->dwPhoneNameSize, (strlen(fx->phone_name) + 1) * 2);
	assert_ptr_equal(fixture_named((const uint16_t *)(buf + caps->dwPhoneNameOffset),
				       caps->dwPhoneNameSize / 2), fx);
	if (find_var(fx, K_INPUT, PAGE_TELEPHONY, TEL_HOOK_SWITCH))
		assert_int_equal(caps->dwHookSwitchDevs, hook_dev(fx));

	/* keypad ids are 0-11, everything else from 16 on, with no id that is nothing */
	if (has_keypad(fx))
		assert_true(n_ids >= 12);
	if (fx->n_buttons)
		assert_true(n_ids > 16);
	for (DWORD id = 0; id < n_ids; id++) {
		uint8_t ibuf[256];
		LPPHONEBUTTONINFO info = (LPPHONEBUTTONINFO)ibuf;

		if (id < 12 && has_keypad(fx))
			assert_int_equal(modes[id], PHONEBUTTONMODE_KEYPAD);
		else if (id < 16)
			assert_int_equal(modes[id], PHONEBUTTONMODE_DUMMY);
		else if (modes[id] == PHONEBUTTONMODE_DUMMY && lamps[id] == PHONELAMPMODE_DUMMY)
			fail_msg("%s: id %u is neither button nor lamp", fx->name, id);
		/* an on/off LED also blinks by the provider's timers (tsp/lamp-cadence.h) */
		assert_true(lamps[id] == PHONELAMPMODE_DUMMY ||
			    lamps[id] == (PHONELAMPMODE_OFF | PHONELAMPMODE_STEADY) ||
			    lamps[id] == (PHONELAMPMODE_OFF | PHONELAMPMODE_STEADY |
					  PHONELAMPMODE_WINK | PHONELAMPMODE_FLASH |
					  PHONELAMPMODE_FLUTTER | PHONELAMPMODE_BROKENFLUTTER));
		memset(ibuf, 0, sizeof(ibuf));
		info->dwTotalSize = sizeof(ibuf);
		assert_int_equal(h->phoneGetButtonInfo(fx->hd, id, info), 0);
		assert_int_equal(info->dwButtonMode, modes[id]);
		assert_int_equal(info->dwButtonFunction, functions[id]);
		assert_true(info->dwNeededSize == info->dwUsedSize);
		if (modes[id] == PHONEBUTTONMODE_KEYPAD) {
			assert_int_equal(info->dwButtonTextSize, 4);
			assert_int_equal(*(uint16_t *)(ibuf + info->dwButtonTextOffset),
					 "0123456789*#"[id]);
		}
	}

	/* inputs: what the recording played */
	check_events(fx);
	assert_int_equal(h->phoneGetHookSwitch(fx->hd, &devs), 0);
	assert_int_equal(devs, 0);

	/*
	 * outputs, one request at a time; the hook switch first, while the echo owns the
	 * Off-Hook LED: setting that LED's lamp hands it to the application until the close
	 */
	check_hook_output(fx);
	check_lamps(fx, lamps, n_ids);
	check_ring(fx);

	assert_int_equal(h->phoneClose(fx->hd), 0);
	fx->opened = false;
	if (getenv("HIDPHONE_TEST_VERBOSE"))
		fprintf(stderr, "%-32s ids %2u  hook %u  keys %2u  buttons %u  lamps %u  "
			"off-hook LED %u  ring bits %u\n", fx->name, n_ids, fx->n_hook, fx->n_keys,
			fx->n_buttons, fx->n_lamps, fx->n_hook_outputs, fx->n_ring_bits);
}

static int shut_down(void **state)
{
	(void)state;
	host->providerShutdown(TAPI_VERSION3_1, 42);
	return 0;
}

int main(void)
{
	struct CMUnitTest tests[MAX_FIXTURES + 1];
	static char names[MAX_FIXTURES][128];
	size_t n = 0;
	DIR *d;
	struct dirent *e;
	char *list[MAX_FIXTURES];
	size_t n_list = 0;
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hidphone-fixtures-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(log_path, sizeof(log_path), "%s/output.log", tmpdir);

	/* one test per fixture, named after it; the fixtures load in the first test */
	d = opendir(FIXTURE_DIR);
	if (!d)
		return 1;
	while ((e = readdir(d)) && n_list < MAX_FIXTURES) {
		size_t len = strlen(e->d_name);

		if (len > 7 && strcmp(e->d_name + len - 7, ".expect") == 0)
			list[n_list++] = strndup(e->d_name, len - 7);
	}
	closedir(d);
	qsort(list, n_list, sizeof(list[0]), compare_names);

	tests[n++] = (struct CMUnitTest){ .name = "enumerate and play every fixture",
					  .test_func = test_enumerate_and_play };
	for (size_t i = 0; i < n_list; i++) {
		/* the same order as load_fixtures() */
		snprintf(names[i], sizeof(names[i]), "%s", list[i]);
		free(list[i]);
		tests[n++] = (struct CMUnitTest){ .name = names[i], .test_func = test_fixture,
						  .initial_state = &fixtures[i] };
	}
	/* HIDPHONE_TSP: another build of the provider (the tools' host honours it too) */
	if (!host_load(getenv("HIDPHONE_TSP") ? getenv("HIDPHONE_TSP") : TEST_PROVIDER))
		return 1;
	rc = _cmocka_run_group_tests("provider-fixtures", tests, n, NULL, NULL);
	shut_down(NULL);
	for (size_t i = 0; i < n_fixtures; i++)
		rdesc_free(fixtures[i].desc);
	test_remove_dir(tmpdir);
	host_unload(host);
	return rc;
}
