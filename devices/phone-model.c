#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hid/field-codec.h"
#include "hid/hot-path.h"
#include "hid/usage-ids.h"
#include "hid/usage-names.h"
#include "phone-model.h"
#include "telephony-map.h"

/*
 * Buttons whose state a lamp shows. TAPI models them as one button/lamp id; the pairs are the
 * ones the HID Usage Tables name alike on the Telephony and LED pages.
 */
static const struct {
	uint16_t button;   /* Telephony page */
	uint16_t lamp;     /* LED page */
} lamp_pairs[] = {
	{ TEL_PHONE_MUTE, LED_MUTE },
	{ TEL_HOLD, LED_HOLD },
	{ TEL_LINE, LED_ON_LINE },
	{ TEL_CONFERENCE, 0x26 /* Conference */ },
	{ TEL_VOICE_MAIL, LED_MESSAGE_WAITING },
	{ TEL_DO_NOT_DISTURB, LED_DO_NOT_DISTURB },
	{ TEL_FORWARD_CALLS, 0x24 /* Send Calls */ },
};

static uint32_t paired_lamp(uint32_t button_usage)
{
	if (USAGE_PAGE(button_usage) != UP_TELEPHONY)
		return 0;
	for (size_t i = 0; i < sizeof(lamp_pairs) / sizeof(lamp_pairs[0]); i++) {
		if (lamp_pairs[i].button == USAGE_ID(button_usage))
			return USAGE(UP_LED, lamp_pairs[i].lamp);
	}
	return 0;
}

static uint32_t paired_button(uint32_t lamp_usage)
{
	if (USAGE_PAGE(lamp_usage) != UP_LED)
		return 0;
	for (size_t i = 0; i < sizeof(lamp_pairs) / sizeof(lamp_pairs[0]); i++) {
		if (lamp_pairs[i].lamp == USAGE_ID(lamp_usage))
			return USAGE(UP_TELEPHONY, lamp_pairs[i].button);
	}
	return 0;
}

/* Canonical order of ids past the keypad: Telephony, Consumer, Button, LED, then the rest. */
static uint64_t canonical_key(uint32_t usage)
{
	uint64_t rank;

	switch (USAGE_PAGE(usage)) {
	case UP_TELEPHONY: rank = 0; break;
	case UP_CONSUMER: rank = 1; break;
	case UP_BUTTON: rank = 2; break;
	case UP_LED: rank = 3; break;
	default: rank = 4; break;
	}
	return rank << 32 | usage;
}

static struct phone_place place_of(const struct rdesc_field *f)
{
	return (struct phone_place){ .field = f, .report_id = f->report_id, .kind = f->kind };
}

/* A candidate id before numbering: a button usage, a lamp usage, or a pair. */
struct slot {
	uint64_t key;
	uint32_t usage, lamp_usage;
	const struct rdesc_field *input, *lamp, *lamp_mode;
};

static int compare_slots(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static struct slot *find_slot(struct slot *slots, size_t n, uint32_t usage, uint32_t lamp_usage)
{
	for (size_t i = 0; i < n; i++) {
		if ((usage && slots[i].usage == usage) ||
		    (lamp_usage && slots[i].lamp_usage == lamp_usage))
			return &slots[i];
	}
	return NULL;
}

static bool is_headset_collection(uint32_t usage)
{
	return usage == USAGE(UP_TELEPHONY, TEL_HEADSET);
}

static void add_hook(struct phone_model *m, enum phone_hook_device dev, const struct tel_control *c,
		     const struct rdesc_field *f)
{
	struct phone_hook *h = &m->hooks[dev];

	if (h->present)
		return; /* the first declaration wins; later ones are mirrors */
	h->present = true;
	h->usage = c->usage;
	h->style = (f->flags & RDESC_RELATIVE) ? PHONE_INPUT_TOGGLE : PHONE_INPUT_ABSOLUTE;
	h->input = place_of(f);
}

static uint32_t parent_usage(const struct rdesc *d, const struct rdesc_field *f)
{
	return f->collection == RDESC_NONE ? 0 : d->collections[f->collection].usage;
}

static void add_display_field(struct phone_model *m, const struct tel_control *c,
			      const struct rdesc_field *f)
{
	struct phone_display *dp = &m->display;

	if (f->kind == RDESC_INPUT)
		return;
	switch (USAGE_ID(c->usage)) {
	case AD_ROW:
		if (!dp->row)
			dp->row = f;
		break;
	case AD_COLUMN:
		if (!dp->column)
			dp->column = f;
		break;
	case AD_DISPLAY_DATA:
		/* The Font Report also has Display Data: the character it loads, not text. */
		if (!dp->data && USAGE_ID(parent_usage(m->desc, f)) != AD_FONT_REPORT &&
		    f->bit_size == 8)
			dp->data = f;
		break;
	}
}

/* The display is usable when the cursor can be placed and text sent; its size follows. */
static void finish_display(struct phone_display *dp)
{
	if (!dp->row || !dp->column || !dp->data || dp->row->logical_min != 0 ||
	    dp->column->logical_min != 0 || dp->row->logical_max < 0 || dp->column->logical_max < 0)
		return;
	dp->rows = (uint32_t)dp->row->logical_max + 1;
	dp->columns = (uint32_t)dp->column->logical_max + 1;
	if (dp->rows > PHONE_DISPLAY_MAX_ROWS || dp->columns > PHONE_DISPLAY_MAX_COLUMNS)
		return;
	dp->present = true;
}

static bool has_key(const struct phone_model *m, enum profile_key k)
{
	return m->quirks.set & (1u << k);
}

static bool ignored(const struct phone_model *m, uint32_t usage)
{
	for (size_t i = 0; has_key(m, PROFILE_IGNORE_USAGES) && i < m->quirks.n_ignore; i++) {
		if (m->quirks.ignore[i] == usage)
			return true;
	}
	return false;
}

static int build(struct phone_model *m, const struct tel_map *map, size_t *n_ignored)
{
	const struct rdesc *d = m->desc;
	struct slot slots[PHONE_MAX_IDS];
	const struct rdesc_field *offhook_led = NULL, *speaker_out = NULL;
	enum phone_hook_device main_hook = is_headset_collection(m->collection_usage) ?
		PHONE_HOOK_HEADSET : PHONE_HOOK_HANDSET;
	size_t n_slots = 0;

	for (uint32_t id = 0; id < PHONE_MAX_IDS; id++)
		m->buttons[id].id = id;
	m->ring_lamp_id = PHONE_MAX_IDS;
	m->offhook_lamp_id = PHONE_MAX_IDS;

	for (size_t i = 0; i < map->n_controls; i++) {
		const struct tel_control *c = &map->controls[i];
		const struct rdesc_field *f = &d->fields[c->field];
		struct slot *s;

		/* AttrIgnoreUsages: the control is not there, as if the descriptor lacked it. */
		if (ignored(m, c->usage)) {
			(*n_ignored)++;
			continue;
		}
		switch (c->role) {
		case TEL_ROLE_HOOKSWITCH:
			add_hook(m, main_hook, c, f);
			break;
		case TEL_ROLE_SPEAKERPHONE:
			add_hook(m, PHONE_HOOK_SPEAKER, c, f);
			break;
		case TEL_ROLE_KEYPAD: {
			struct phone_button *b = &m->buttons[USAGE_ID(c->usage) - TEL_KEY_0];

			if (!b->has_input) {
				b->usage = c->usage;
				b->has_input = true;
				b->keypad = true;
				b->input = place_of(f);
			}
			break;
		}
		case TEL_ROLE_BUTTON:
			s = find_slot(slots, n_slots, c->usage, 0);
			if (!s) {
				if (n_slots == PHONE_MAX_IDS - PHONE_KEYPAD_IDS)
					return -E2BIG;
				s = &slots[n_slots++];
				*s = (struct slot){ .key = canonical_key(c->usage), .usage = c->usage,
						    .lamp_usage = paired_lamp(c->usage) };
			}
			if (!s->input)
				s->input = f;
			break;
		case TEL_ROLE_LAMP_MODE:
		case TEL_ROLE_LAMP:
			if (c->role == TEL_ROLE_LAMP && c->usage == USAGE(UP_LED, LED_OFF_HOOK) &&
			    !offhook_led) {
				offhook_led = f;
				break;
			}
			s = find_slot(slots, n_slots, 0, c->usage);
			if (!s) {
				uint32_t button = paired_button(c->usage);

				s = button ? find_slot(slots, n_slots, button, 0) : NULL;
			}
			if (!s) {
				if (n_slots == PHONE_MAX_IDS - PHONE_KEYPAD_IDS)
					return -E2BIG;
				s = &slots[n_slots++];
				*s = (struct slot){ .key = canonical_key(c->usage), .lamp_usage = c->usage };
			}
			if (c->role == TEL_ROLE_LAMP_MODE) {
				if (!s->lamp_mode)
					s->lamp_mode = f;
			} else if (!s->lamp) {
				s->lamp = f;
			}
			break;
		case TEL_ROLE_RINGER:
			if (!m->ringer.field)
				m->ringer = place_of(f);
			break;
		case TEL_ROLE_OUTPUT:
			if (c->usage == USAGE(UP_TELEPHONY, TEL_SPEAKER_PHONE) && !speaker_out)
				speaker_out = f;
			break;
		case TEL_ROLE_DISPLAY:
			add_display_field(m, c, f);
			break;
		}
	}

	/*
	 * The Off-Hook LED tells the device the call state; it belongs to the hook switch it
	 * answers. Without a hook switch input it is an ordinary lamp.
	 */
	bool offhook_lamp_last = false;

	if (offhook_led) {
		if (m->hooks[main_hook].present) {
			m->hooks[main_hook].settable = true;
			m->hooks[main_hook].output = place_of(offhook_led);
			m->offhook_hook = main_hook;
			offhook_lamp_last = n_slots < PHONE_MAX_IDS - PHONE_KEYPAD_IDS;
		} else if (n_slots < PHONE_MAX_IDS - PHONE_KEYPAD_IDS) {
			slots[n_slots++] = (struct slot){
				.key = canonical_key(USAGE(UP_LED, LED_OFF_HOOK)),
				.lamp_usage = USAGE(UP_LED, LED_OFF_HOOK), .lamp = offhook_led,
			};
		}
	}
	if (speaker_out && m->hooks[PHONE_HOOK_SPEAKER].present) {
		m->hooks[PHONE_HOOK_SPEAKER].settable = true;
		m->hooks[PHONE_HOOK_SPEAKER].output = place_of(speaker_out);
	}

	finish_display(&m->display);
	qsort(slots, n_slots, sizeof(slots[0]), compare_slots);
	/*
	 * Every LED is a lamp, the hook switch's Off-Hook LED too (its hook's echo drives it
	 * until an application sets it). It comes after the others so that their ids stay what
	 * they were before it was a lamp.
	 */
	if (offhook_lamp_last)
		slots[n_slots++] = (struct slot){
			.key = canonical_key(USAGE(UP_LED, LED_OFF_HOOK)),
			.lamp_usage = USAGE(UP_LED, LED_OFF_HOOK), .lamp = offhook_led,
		};
	/*
	 * Ids below 16 are the keypad's whether the device has keys or not, so the ids past
	 * them mean the same on every model. A device with only digits, * and # needs 12.
	 */
	m->n_ids = 0;
	for (uint32_t id = 0; id < PHONE_KEYPAD_IDS; id++) {
		if (m->buttons[id].has_input)
			m->n_ids = id < 12 ? 12 : PHONE_KEYPAD_IDS;
	}
	if (n_slots)
		m->n_ids = PHONE_KEYPAD_IDS + (uint32_t)n_slots;
	for (size_t i = 0; i < n_slots; i++) {
		struct phone_button *b = &m->buttons[PHONE_KEYPAD_IDS + i];

		b->usage = slots[i].usage;
		b->lamp_usage = slots[i].lamp || slots[i].lamp_mode ? slots[i].lamp_usage : 0;
		if (slots[i].lamp_mode)
			b->lamp_mode = place_of(slots[i].lamp_mode);
		if (slots[i].input) {
			b->has_input = true;
			b->input = place_of(slots[i].input);
			b->one_shot = slots[i].input->flags & RDESC_RELATIVE;
		}
		if (slots[i].lamp)
			b->lamp = place_of(slots[i].lamp);
		if ((slots[i].lamp || slots[i].lamp_mode) &&
		    slots[i].lamp_usage == USAGE(UP_LED, LED_RING))
			m->ring_lamp_id = b->id;
		if (offhook_lamp_last && i == n_slots - 1)
			m->offhook_lamp_id = b->id;
	}
	for (uint32_t id = 0; id < m->n_ids; id++) {
		if (m->buttons[id].has_input || phone_button_has_lamp(&m->buttons[id]))
			m->n_buttons++;
	}
	return 0;
}

static void effect(struct phone_model *m, enum profile_key k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void effect(struct phone_model *m, enum profile_key k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->profile.effect[k], sizeof(m->profile.effect[k]), fmt, ap);
	va_end(ap);
}

static const char *hook_name(enum phone_hook_device dev)
{
	return dev == PHONE_HOOK_SPEAKER ? "speakerphone" : dev == PHONE_HOOK_HEADSET ? "headset" :
	       "handset";
}

/* The keys the model honours itself, applied to the built model; each says what it did. */
static void apply_quirks(struct phone_model *m, size_t n_ignored)
{
	const struct profile_values *q = &m->quirks;

	if (has_key(m, PROFILE_IGNORE_USAGES))
		effect(m, PROFILE_IGNORE_USAGES, "%zu control%s of the descriptor left out",
		       n_ignored, n_ignored == 1 ? "" : "s");
	if (has_key(m, PROFILE_HOOK_SWITCH)) {
		enum phone_input_style style = q->hook_switch == PROFILE_HOOK_TOGGLE ?
			PHONE_INPUT_TOGGLE : PHONE_INPUT_ABSOLUTE;
		int dev = m->hooks[PHONE_HOOK_HEADSET].present ? PHONE_HOOK_HEADSET : PHONE_HOOK_HANDSET;
		struct phone_hook *h = &m->hooks[dev];

		/* The Hook Switch usage's device; the speakerphone toggles by its own flag. */
		if (!h->present) {
			effect(m, PROFILE_HOOK_SWITCH, "nothing: the device has no hook switch");
		} else {
			effect(m, PROFILE_HOOK_SWITCH, "%s hook switch read as %s (descriptor: %s)",
			       hook_name((enum phone_hook_device)dev),
			       style == PHONE_INPUT_TOGGLE ? "a toggle" : "a level",
			       h->style == PHONE_INPUT_TOGGLE ? "relative, a toggle" : "absolute, a level");
			h->style = style;
		}
	}
	if (has_key(m, PROFILE_KEYPAD_IDLE)) {
		const struct phone_button *key = NULL;

		for (uint32_t id = 0; id < PHONE_KEYPAD_IDS && !key; id++) {
			if (m->buttons[id].keypad && rdesc_field_is_array(m->buttons[id].input.field))
				key = &m->buttons[id];
		}
		if (!key) {
			effect(m, PROFILE_KEYPAD_IDLE, "nothing: the device has no keypad array");
		} else {
			const struct rdesc_field *f = key->input.field;
			int64_t idx = q->keypad_idle - f->logical_min;
			char name[64] = "no key";

			if (field_value_in_range(f, q->keypad_idle) && idx >= 0 &&
			    idx < (int64_t)f->usages_count)
				usage_format(m->desc->usages[f->usages_first + (uint32_t)idx], name,
					     sizeof(name));
			effect(m, PROFILE_KEYPAD_IDLE, "keypad value %lld means no key (descriptor: %s)",
			       (long long)q->keypad_idle, name);
		}
	}
	if (has_key(m, PROFILE_BUTTON_LABELS) || has_key(m, PROFILE_BUTTON_FUNCTIONS)) {
		size_t labels = 0, functions = 0;

		for (uint32_t id = 0; id < m->n_ids; id++) {
			struct phone_button *b = &m->buttons[id];
			uint32_t usage = b->usage ? b->usage : b->lamp_usage;

			for (size_t i = 0; usage && has_key(m, PROFILE_BUTTON_LABELS) && i < q->n_labels; i++) {
				if (q->labels[i].usage == usage) {
					snprintf(b->label, sizeof(b->label), "%s", q->labels[i].text);
					labels++;
				}
			}
			for (size_t i = 0; usage && has_key(m, PROFILE_BUTTON_FUNCTIONS) &&
			     i < q->n_functions; i++) {
				if (q->functions[i].usage == usage) {
					b->function_set = true;
					b->function = q->functions[i].function;
					functions++;
				}
			}
		}
		if (has_key(m, PROFILE_BUTTON_LABELS))
			effect(m, PROFILE_BUTTON_LABELS, "%zu of %zu labels on a button", labels,
			       q->n_labels);
		if (has_key(m, PROFILE_BUTTON_FUNCTIONS))
			effect(m, PROFILE_BUTTON_FUNCTIONS, "%zu of %zu functions on a button",
			       functions, q->n_functions);
	}
	if (has_key(m, PROFILE_DISPLAY_PAGE))
		effect(m, PROFILE_DISPLAY_PAGE, m->display.present ?
		       "display read from page 0x%04X: %ux%u" : "page 0x%04X: no usable display there",
		       q->display_page, m->display.columns, m->display.rows);
	if (has_key(m, PROFILE_DISPLAY_SIZE)) {
		struct phone_display *dp = &m->display;

		/* Smaller than the cursor ranges only: text past them could not be placed. */
		if (!dp->present)
			effect(m, PROFILE_DISPLAY_SIZE, "nothing: the device has no usable display");
		else if (q->display_columns > dp->columns || q->display_rows > dp->rows)
			effect(m, PROFILE_DISPLAY_SIZE, "nothing: larger than the descriptor's %ux%u",
			       dp->columns, dp->rows);
		else {
			effect(m, PROFILE_DISPLAY_SIZE, "display %ux%u (descriptor: %ux%u)",
			       q->display_columns, q->display_rows, dp->columns, dp->rows);
			dp->columns = q->display_columns;
			dp->rows = q->display_rows;
		}
	}
	/* The rest is for the layers above; say so rather than pretend. */
	if (has_key(m, PROFILE_OFFHOOK_ECHO))
		effect(m, PROFILE_OFFHOOK_ECHO, "%s",
		       q->offhook_echo == PROFILE_ECHO_APPLICATION ?
		       "hook changes are confirmed by the application (phoneSetHookSwitch)" :
		       q->offhook_echo == PROFILE_ECHO_NONE ?
		       "hook changes are not confirmed on the Off-Hook LED" :
		       "the provider confirms hook changes on the Off-Hook LED");
	if (has_key(m, PROFILE_ACK_WINDOW))
		effect(m, PROFILE_ACK_WINDOW, "a hook report within %u ms of the host setting "
		       "the Off-Hook LED, saying the same, is an acknowledgement",
		       (unsigned)q->ack_window_ms);
	if (has_key(m, PROFILE_INIT_REPORTS))
		effect(m, PROFILE_INIT_REPORTS, "%zu report%s written at each open",
		       q->n_init, q->n_init == 1 ? "" : "s");
	if (has_key(m, PROFILE_LAMP_BLINK))
		effect(m, PROFILE_LAMP_BLINK, "lamp cadence by the %s",
		       q->lamp_blink == PROFILE_BLINK_HOST ? "provider's timer" : "device");
	if (has_key(m, PROFILE_RINGER))
		effect(m, PROFILE_RINGER, "rings through %s",
		       q->ringer == PROFILE_RINGER_AUDIO ? "the audio device" : "its HID ringer");
	if (has_key(m, PROFILE_PROTOCOL))
		effect(m, PROFILE_PROTOCOL, "%s",
		       q->protocol == PROFILE_PROTOCOL_CM109 ?
		       "protocol cm109: opened over libusb, keypad scanned by the provider "
		       "(devices/matrix-scan.c); udev grants its USB device" :
		       "protocol HID telephony");
	if (has_key(m, PROFILE_SCAN_KEYMAP)) {
		size_t keys = 0, hooks = 0;

		for (size_t i = 0; i < q->n_scan_keys; i++)
			q->scan_keys[i].key < PROFILE_SCAN_OFFHOOK ? keys++ : hooks++;
		effect(m, PROFILE_SCAN_KEYMAP, "%zu keypad key%s and %zu hook key%s in the scanned "
		       "matrix%s", keys, keys == 1 ? "" : "s", hooks, hooks == 1 ? "" : "s",
		       q->protocol == PROFILE_PROTOCOL_CM109 ? "" : " (nothing without "
		       "AttrProtocol=cm109)");
	}
	if (has_key(m, PROFILE_BUZZER))
		effect(m, PROFILE_BUZZER, "the Ringer is bit mask 0x%02X of output byte %u%s",
		       q->buzzer_mask, q->buzzer_byte, q->protocol == PROFILE_PROTOCOL_CM109 ? "" :
		       " (nothing without AttrProtocol=cm109)");
}

static int build_model(const uint8_t *rdesc, size_t len, const struct profile_values *quirks,
		       struct phone_model **out)
{
	struct phone_model *m = calloc(1, sizeof(*m));
	struct tel_map map = { 0 };
	size_t n_ignored = 0;
	int rc;

	*out = NULL;
	if (!m)
		return -ENOMEM;
	if (quirks)
		m->quirks = *quirks;
	rc = rdesc_parse(rdesc, len, &m->desc, NULL);
	if (rc < 0)
		goto fail;
	rc = tel_map_build_ex(m->desc, has_key(m, PROFILE_DISPLAY_PAGE) ? m->quirks.display_page : 0,
			      &map);
	if (rc < 0)
		goto fail;
	if (map.n_collections == 0) {
		rc = -ENODEV;
		goto fail;
	}
	m->collection_usage = map.collection_usage;
	m->max_input_bytes = rdesc_max_report_bytes(m->desc, RDESC_INPUT);
	rc = build(m, &map, &n_ignored);
	if (rc < 0)
		goto fail;
	apply_quirks(m, n_ignored);
	tel_map_release(&map);
	*out = m;
	return 0;
fail:
	tel_map_release(&map);
	phone_model_free(m);
	return rc;
}

int phone_model_build(const uint8_t *rdesc, size_t len, struct phone_model **out)
{
	return build_model(rdesc, len, NULL, out);
}

int phone_model_build_device(const uint8_t *rdesc, size_t len, const struct profile_device *dev,
			     const struct profile_set *set, struct phone_model **out)
{
	struct profile_set *loaded = NULL;
	struct profile_match_result *match = calloc(1, sizeof(*match));
	struct profile_device d = *dev;
	struct phone_model *m;
	int rc;

	*out = NULL;
	if (!match)
		return -ENOMEM;
	if (!set) {
		loaded = calloc(1, sizeof(*loaded));
		rc = loaded ? profile_set_load(loaded, NULL) : -ENOMEM;
		if (rc < 0)
			goto out;
		set = loaded;
	}
	d.descriptor_hash = profile_descriptor_hash(rdesc, len);
	profile_match(set, &d, match);
	rc = build_model(rdesc, len, &match->values, &m);
	if (rc < 0)
		goto out;
	m->profile.looked = true;
	m->profile.n_errors = set->n_errors;
	for (size_t i = 0; i < set->n_errors && i < PROFILE_MAX_ERRORS; i++)
		memcpy(m->profile.errors[i], set->errors[i], sizeof(m->profile.errors[i]));
	m->profile.n_matched = match->n_matched;
	for (size_t i = 0; i < match->n_matched; i++)
		snprintf(m->profile.matched[i], sizeof(m->profile.matched[i]), "[%s] %s:%u",
			 match->matched[i]->name, match->matched[i]->file, match->matched[i]->line);
	m->profile.applied = match->values.set;
	for (int k = 0; k < PROFILE_KEY_COUNT; k++) {
		const struct profile_section *s = match->from[k];

		if (!s)
			continue;
		snprintf(m->profile.origin[k], sizeof(m->profile.origin[k]), "%s:%u [%s]", s->file,
			 s->key_line[k], s->name);
		memcpy(m->profile.value[k], s->key_text[k], sizeof(m->profile.value[k]));
	}
	*out = m;
out:
	if (loaded)
		profile_set_release(loaded);
	free(loaded);
	free(match);
	return rc;
}

enum phone_offhook_echo phone_model_offhook_echo(const struct phone_model *m)
{
	if (!has_key(m, PROFILE_OFFHOOK_ECHO))
		return PHONE_ECHO_ECHO;
	return m->quirks.offhook_echo == PROFILE_ECHO_APPLICATION ? PHONE_ECHO_APPLICATION :
	       m->quirks.offhook_echo == PROFILE_ECHO_NONE ? PHONE_ECHO_NONE : PHONE_ECHO_ECHO;
}

uint32_t phone_model_ack_window_ms(const struct phone_model *m)
{
	return has_key(m, PROFILE_ACK_WINDOW) ? m->quirks.ack_window_ms : 0;
}

bool phone_model_rings_through_audio(const struct phone_model *m)
{
	return has_key(m, PROFILE_RINGER) && m->quirks.ringer == PROFILE_RINGER_AUDIO;
}

bool phone_model_rings_through_hid(const struct phone_model *m)
{
	return has_key(m, PROFILE_RINGER) && m->quirks.ringer != PROFILE_RINGER_AUDIO;
}

bool phone_model_host_timed_lamps(const struct phone_model *m)
{
	return has_key(m, PROFILE_LAMP_BLINK) && m->quirks.lamp_blink == PROFILE_BLINK_HOST;
}

int phone_model_encode_init(const struct phone_model *m,
			    int (*emit)(uint8_t id, const uint8_t *report, size_t len,
					enum rdesc_kind kind, void *ctx),
			    void *ctx)
{
	for (size_t i = 0; has_key(m, PROFILE_INIT_REPORTS) && i < m->quirks.n_init; i++) {
		const struct profile_report *r = &m->quirks.init[i];
		int rc = emit(r->id, r->bytes, r->len, r->kind == PROFILE_REPORT_FEATURE ? RDESC_FEATURE :
			      RDESC_OUTPUT, ctx);

		if (rc < 0)
			return rc;
	}
	return 0;
}

void phone_model_free(struct phone_model *model)
{
	if (!model)
		return;
	rdesc_free(model->desc);
	free(model);
}

HOT_PATH
const struct phone_button *phone_model_button(const struct phone_model *m, uint32_t id)
{
	return id < m->n_ids ? &m->buttons[id] : NULL;
}

/* The payload of report and its id, or -EINVAL when the report is empty. */
static int split_report(const struct phone_model *m, const uint8_t *report, size_t len,
			uint8_t *id, const uint8_t **payload, size_t *plen)
{
	if (m->desc->numbered) {
		if (len < 1)
			return -EINVAL;
		*id = report[0];
		*payload = report + 1;
		*plen = len - 1;
	} else {
		*id = 0;
		*payload = report;
		*plen = len;
	}
	return 0;
}

static bool in_report(const struct phone_place *p, uint8_t kind, uint8_t id)
{
	return p->field && p->kind == kind && p->report_id == id;
}

/* A variable control is "on" when its first element is non-zero. Short reports read as off. */
static bool control_on(const struct phone_place *p, const uint8_t *payload, size_t len)
{
	int64_t v;

	if (field_get(p->field, 0, payload, len, &v) < 0)
		return false;
	return v != 0;
}

/*
 * The usages an array field lists in one report, decoded once for all the buttons it
 * carries: a keypad's sixteen keys share one array, and decoding it again for each key
 * was most of what a keypad report cost.
 */
#define ARRAY_MEMO_MAX 32

struct array_memo {
	const struct rdesc_field *field;  /* decoded for this field, or NULL */
	bool idle;                        /* with AttrKeypadIdle's value left out */
	int n;                            /* usages listed (those past the cap not kept) */
	uint32_t usages[ARRAY_MEMO_MAX];
};

HOT_PATH
static void array_decode(const struct phone_model *m, const struct rdesc_field *f, bool idle,
			 const uint8_t *payload, size_t len, struct array_memo *memo)
{
	memo->field = f;
	memo->idle = idle;
	memo->n = 0;
	if (!idle) {
		memo->n = field_array_usages(m->desc, f, payload, len, memo->usages,
					     ARRAY_MEMO_MAX);
		return;
	}
	/*
	 * AttrKeypadIdle: a keypad array without the Null flag whose logical range starts at
	 * Key 0 has no value for "no key", and the device sends that value when idle: the
	 * Jabra EVOLVE LINK MS (jabra-evolve-link-ms.rdesc.hex; the recording of the same name
	 * shows a phantom Key 0 press without it). The profile names the idle value.
	 */
	for (uint32_t i = 0; i < f->count; i++) {
		int64_t v, idx;

		if (field_get(f, i, payload, len, &v) < 0 || v == m->quirks.keypad_idle ||
		    !field_value_in_range(f, v))
			continue;
		idx = v - f->logical_min;
		if (idx < 0 || idx >= (int64_t)f->usages_count)
			continue;
		if (memo->n < ARRAY_MEMO_MAX)
			memo->usages[memo->n] = m->desc->usages[f->usages_first + (uint32_t)idx];
		memo->n++;
	}
}

HOT_PATH
static bool key_down(const struct phone_model *m, const struct phone_button *b,
		     const uint8_t *payload, size_t len, struct array_memo *memo)
{
	const struct rdesc_field *f = b->input.field;
	bool idle;

	if (!rdesc_field_is_array(f))
		return control_on(&b->input, payload, len);
	idle = b->keypad && has_key(m, PROFILE_KEYPAD_IDLE);
	if (memo->field != f || memo->idle != idle)
		array_decode(m, f, idle, payload, len, memo);
	for (int i = 0; i < memo->n && i < ARRAY_MEMO_MAX; i++) {
		if (memo->usages[i] == b->usage)
			return true;
	}
	return false;
}

static void push(struct phone_input_event *events, size_t max, int *n,
		 struct phone_input_event ev)
{
	if ((size_t)*n < max)
		events[*n] = ev;
	(*n)++;
}

HOT_PATH
int phone_model_decode(const struct phone_model *m, struct phone_input_state *state,
		       const uint8_t *report, size_t len, struct phone_input_event *events,
		       size_t max)
{
	struct array_memo memo = { .field = NULL };
	const uint8_t *payload;
	size_t plen;
	uint8_t id;
	int n = 0;

	if (split_report(m, report, len, &id, &payload, &plen) < 0)
		return 0;

	for (int dev = 0; dev < PHONE_HOOK_DEVICES; dev++) {
		const struct phone_hook *h = &m->hooks[dev];
		bool on, offhook;

		if (!h->present || !in_report(&h->input, RDESC_INPUT, id))
			continue;
		on = control_on(&h->input, payload, plen);
		if (h->style == PHONE_INPUT_TOGGLE) {
			/*
			 * A toggle flips the hook on each press; a press still held in the next
			 * report (another control changed) is the same press.
			 */
			offhook = state->hook_offhook[dev];
			if (on && !state->hook_pressed[dev])
				offhook = !offhook;
			state->hook_pressed[dev] = on;
		} else {
			offhook = on;
		}
		if (offhook != state->hook_offhook[dev]) {
			state->hook_offhook[dev] = offhook;
			push(events, max, &n, (struct phone_input_event){
				.type = PHONE_EVENT_HOOK, .hook = (enum phone_hook_device)dev,
				.offhook = offhook });
		}
	}

	for (uint32_t bid = 0; bid < m->n_ids; bid++) {
		const struct phone_button *b = &m->buttons[bid];
		bool down;

		if (!b->has_input || !in_report(&b->input, RDESC_INPUT, id))
			continue;
		down = key_down(m, b, payload, plen, &memo);
		if (down == state->button_down[bid])
			continue;
		state->button_down[bid] = down;
		if (b->one_shot) {
			/*
			 * A relative control reports the press only; its return to 0 is not a
			 * release the user made. TAPI wants every DOWN followed by an UP.
			 */
			if (down) {
				push(events, max, &n, (struct phone_input_event){
					.type = PHONE_EVENT_BUTTON, .button = bid, .down = true });
				push(events, max, &n, (struct phone_input_event){
					.type = PHONE_EVENT_BUTTON, .button = bid, .down = false });
			}
			continue;
		}
		push(events, max, &n, (struct phone_input_event){
			.type = PHONE_EVENT_BUTTON, .button = bid, .down = down });
	}
	return n;
}

static bool report_has_control(const struct phone_model *m, uint8_t id)
{
	if (in_report(&m->ringer, RDESC_OUTPUT, id))
		return true;
	for (int dev = 0; dev < PHONE_HOOK_DEVICES; dev++) {
		if (m->hooks[dev].settable && in_report(&m->hooks[dev].output, RDESC_OUTPUT, id))
			return true;
	}
	for (uint32_t bid = 0; bid < m->n_ids; bid++) {
		if (in_report(&m->buttons[bid].lamp, RDESC_OUTPUT, id) ||
		    in_report(&m->buttons[bid].lamp_mode, RDESC_OUTPUT, id))
			return true;
	}
	return false;
}

static const uint16_t blink_selector[] = {
	[PHONE_LAMP_STEADY] = LED_INDICATOR_ON,
	[PHONE_LAMP_FLASH] = LED_INDICATOR_FLASH,
	[PHONE_LAMP_SLOW_BLINK] = LED_INDICATOR_SLOW_BLINK,
	[PHONE_LAMP_FAST_BLINK] = LED_INDICATOR_FAST_BLINK,
};

bool phone_model_lamp_can(const struct phone_model *m, const struct phone_button *b,
			  enum phone_lamp_blink blink)
{
	int64_t v;

	if (blink == PHONE_LAMP_STEADY)
		return phone_button_has_lamp(b);
	return b->lamp_mode.field && blink < sizeof(blink_selector) / sizeof(blink_selector[0]) &&
	       field_array_value_for(m->desc, b->lamp_mode.field,
				     USAGE(UP_LED, blink_selector[blink]), &v) == 0;
}

/* The selector array: the mode's selector, Indicator Off, or a value outside the list. */
static void put_lamp_mode(const struct phone_model *m, const struct phone_place *p, uint8_t *payload,
			  size_t len, bool on, uint8_t blink)
{
	const struct rdesc_field *f = p->field;
	uint16_t selector = on && blink < sizeof(blink_selector) / sizeof(blink_selector[0]) ?
				    blink_selector[blink] : LED_INDICATOR_OFF;
	int64_t v;

	if (field_array_value_for(m->desc, f, USAGE(UP_LED, selector), &v) < 0) {
		/* No Indicator Off listed: a value naming nothing leaves the LED unlit. */
		v = f->logical_min > 0 ? 0 : (int64_t)f->logical_min + f->usages_count;
	}
	field_put(f, 0, payload, len, v);
}

/* On/off outputs are 1 and 0, clamped into the declared range (0..1 on every device seen). */
static void put(const struct phone_place *p, uint8_t *payload, size_t len, bool on)
{
	const struct rdesc_field *f = p->field;
	int64_t v = on ? 1 : 0;

	if (v < f->logical_min)
		v = f->logical_min;
	if (v > f->logical_max)
		v = f->logical_max;
	field_put(f, 0, payload, len, v);
}

int phone_model_encode(const struct phone_model *m, const struct phone_output_state *state,
		       int (*emit)(uint8_t id, const uint8_t *report, size_t len, void *ctx),
		       void *ctx)
{
	const struct rdesc *d = m->desc;

	for (size_t r = 0; r < d->n_reports; r++) {
		const struct rdesc_report *rep = &d->reports[r];
		uint8_t buf[RDESC_MAX_REPORT_BITS / 8 + 1];
		size_t len = rdesc_report_bytes(d, rep);
		uint8_t *payload = d->numbered ? buf + 1 : buf;
		size_t plen = d->numbered ? len - 1 : len;
		int rc;

		if (rep->kind != RDESC_OUTPUT || !report_has_control(m, rep->id))
			continue;
		memset(buf, 0, len);
		if (d->numbered)
			buf[0] = rep->id;
		if (in_report(&m->ringer, RDESC_OUTPUT, rep->id))
			put(&m->ringer, payload, plen, state->ringing);
		for (int dev = 0; dev < PHONE_HOOK_DEVICES; dev++) {
			const struct phone_hook *h = &m->hooks[dev];

			/* The Off-Hook LED an application took over shows its lamp instead. */
			if (h->settable && in_report(&h->output, RDESC_OUTPUT, rep->id) &&
			    !(state->offhook_lamp_app && m->offhook_lamp_id < PHONE_MAX_IDS &&
			      dev == (int)m->offhook_hook))
				put(&h->output, payload, plen, state->hook_offhook[dev]);
		}
		for (uint32_t bid = 0; bid < m->n_ids; bid++) {
			const struct phone_button *b = &m->buttons[bid];
			bool on = state->lamp_on[bid];

			/* The Ring LED also shows that the phone rings. */
			if (bid == m->ring_lamp_id)
				on = on || state->ringing;
			if (in_report(&b->lamp, RDESC_OUTPUT, rep->id) &&
			    (bid != m->offhook_lamp_id || state->offhook_lamp_app))
				put(&b->lamp, payload, plen, on);
			if (in_report(&b->lamp_mode, RDESC_OUTPUT, rep->id))
				put_lamp_mode(m, &b->lamp_mode, payload, plen, on,
					      state->lamp_on[bid] ? state->lamp_blink[bid] : 0);
		}
		rc = emit(rep->id, buf, len, ctx);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A report of the given kind and id, zeroed, with its id byte; returns its length. */
static size_t blank_report(const struct rdesc *d, const struct rdesc_field *f, uint8_t *buf,
			   size_t size)
{
	const struct rdesc_report *r = rdesc_find_report(d, (enum rdesc_kind)f->kind, f->report_id);
	size_t len = r ? rdesc_report_bytes(d, r) : 0;

	if (!len || len > size)
		return 0;
	memset(buf, 0, len);
	if (d->numbered)
		buf[0] = f->report_id;
	return len;
}

static int emit_report(const struct rdesc_field *f, const uint8_t *buf, size_t len,
		       int (*emit)(uint8_t, const uint8_t *, size_t, enum rdesc_kind, void *),
		       void *ctx)
{
	return emit(f->report_id, buf, len, (enum rdesc_kind)f->kind, ctx);
}

int phone_model_encode_display(const struct phone_model *m, const uint8_t *text,
			       int (*emit)(uint8_t id, const uint8_t *report, size_t len,
					   enum rdesc_kind kind, void *ctx),
			       void *ctx)
{
	const struct phone_display *dp = &m->display;
	const struct rdesc *d = m->desc;
	uint8_t buf[RDESC_MAX_REPORT_BITS / 8 + 1];
	uint32_t per_report;

	if (!dp->present)
		return -ENODEV;
	per_report = dp->data->count;
	for (uint32_t row = 0; row < dp->rows; row++) {
		for (uint32_t col = 0; col < dp->columns; col += per_report) {
			size_t len;
			int rc;

			/* The cursor first: a Character Report writes where it stands. */
			len = blank_report(d, dp->row, buf, sizeof(buf));
			if (!len)
				return -EINVAL;
			field_put(dp->row, 0, buf + d->numbered, len - d->numbered, row);
			if (dp->column->report_id == dp->row->report_id && dp->column->kind == dp->row->kind) {
				field_put(dp->column, 0, buf + d->numbered, len - d->numbered, col);
			} else {
				rc = emit_report(dp->row, buf, len, emit, ctx);
				if (rc < 0)
					return rc;
				len = blank_report(d, dp->column, buf, sizeof(buf));
				if (!len)
					return -EINVAL;
				field_put(dp->column, 0, buf + d->numbered, len - d->numbered, col);
			}
			rc = emit_report(dp->column, buf, len, emit, ctx);
			if (rc < 0)
				return rc;

			len = blank_report(d, dp->data, buf, sizeof(buf));
			if (!len)
				return -EINVAL;
			for (uint32_t i = 0; i < per_report; i++) {
				uint8_t c = col + i < dp->columns ? text[row * dp->columns + col + i] : ' ';

				field_put(dp->data, i, buf + d->numbered, len - d->numbered, c);
			}
			rc = emit_report(dp->data, buf, len, emit, ctx);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}
