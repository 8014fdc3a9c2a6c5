#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hid/field-codec.h"
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
		if (!dp->data && parent_usage(m->desc, f) != USAGE(UP_ALPHANUMERIC_DISPLAY, AD_FONT_REPORT) &&
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

static int build(struct phone_model *m, const struct tel_map *map)
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

	for (size_t i = 0; i < map->n_controls; i++) {
		const struct tel_control *c = &map->controls[i];
		const struct rdesc_field *f = &d->fields[c->field];
		struct slot *s;

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
	if (offhook_led) {
		if (m->hooks[main_hook].present) {
			m->hooks[main_hook].settable = true;
			m->hooks[main_hook].output = place_of(offhook_led);
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
	}
	for (uint32_t id = 0; id < m->n_ids; id++) {
		if (m->buttons[id].has_input || phone_button_has_lamp(&m->buttons[id]))
			m->n_buttons++;
	}
	return 0;
}

int phone_model_build(const uint8_t *rdesc, size_t len, struct phone_model **out)
{
	struct phone_model *m = calloc(1, sizeof(*m));
	struct tel_map map = { 0 };
	int rc;

	*out = NULL;
	if (!m)
		return -ENOMEM;
	rc = rdesc_parse(rdesc, len, &m->desc, NULL);
	if (rc < 0)
		goto fail;
	rc = tel_map_build(m->desc, &map);
	if (rc < 0)
		goto fail;
	if (map.n_collections == 0) {
		rc = -ENODEV;
		goto fail;
	}
	m->collection_usage = map.collection_usage;
	m->max_input_bytes = rdesc_max_report_bytes(m->desc, RDESC_INPUT);
	rc = build(m, &map);
	if (rc < 0)
		goto fail;
	tel_map_release(&map);
	*out = m;
	return 0;
fail:
	tel_map_release(&map);
	phone_model_free(m);
	return rc;
}

void phone_model_free(struct phone_model *model)
{
	if (!model)
		return;
	rdesc_free(model->desc);
	free(model);
}

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

static bool key_down(const struct phone_model *m, const struct phone_button *b,
		     const uint8_t *payload, size_t len)
{
	const struct rdesc_field *f = b->input.field;
	uint32_t usages[16];
	int n;

	if (!rdesc_field_is_array(f))
		return control_on(&b->input, payload, len);
	n = field_array_usages(m->desc, f, payload, len, usages, 16);
	for (int i = 0; i < n && i < 16; i++) {
		if (usages[i] == b->usage)
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

int phone_model_decode(const struct phone_model *m, struct phone_input_state *state,
		       const uint8_t *report, size_t len, struct phone_input_event *events,
		       size_t max)
{
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
		down = key_down(m, b, payload, plen);
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
		       int (*emit)(const uint8_t *report, size_t len, void *ctx), void *ctx)
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

			if (h->settable && in_report(&h->output, RDESC_OUTPUT, rep->id))
				put(&h->output, payload, plen, state->hook_offhook[dev]);
		}
		for (uint32_t bid = 0; bid < m->n_ids; bid++) {
			const struct phone_button *b = &m->buttons[bid];
			bool on = state->lamp_on[bid];

			/* The Ring LED also shows that the phone rings. */
			if (bid == m->ring_lamp_id)
				on = on || state->ringing;
			if (in_report(&b->lamp, RDESC_OUTPUT, rep->id))
				put(&b->lamp, payload, plen, on);
			if (in_report(&b->lamp_mode, RDESC_OUTPUT, rep->id))
				put_lamp_mode(m, &b->lamp_mode, payload, plen, on,
					      state->lamp_on[bid] ? state->lamp_blink[bid] : 0);
		}
		/* Unnumbered descriptors send report id 0 first, as hidapi expects. */
		if (!d->numbered) {
			uint8_t out[sizeof(buf) + 1];

			out[0] = 0;
			memcpy(out + 1, buf, len);
			rc = emit(out, len + 1, ctx);
		} else {
			rc = emit(buf, len, ctx);
		}
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

static int emit_report(const struct phone_model *m, uint8_t *buf, size_t len, uint8_t kind,
		       int (*emit)(const uint8_t *, size_t, enum rdesc_kind, void *), void *ctx)
{
	uint8_t out[RDESC_MAX_REPORT_BITS / 8 + 2];

	if (m->desc->numbered)
		return emit(buf, len, (enum rdesc_kind)kind, ctx);
	/* Unnumbered reports go out behind a 0 id byte, as hidapi expects. */
	out[0] = 0;
	memcpy(out + 1, buf, len);
	return emit(out, len + 1, (enum rdesc_kind)kind, ctx);
}

int phone_model_encode_display(const struct phone_model *m, const uint8_t *text,
			       int (*emit)(const uint8_t *report, size_t len, enum rdesc_kind kind,
					   void *ctx),
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
				rc = emit_report(m, buf, len, dp->row->kind, emit, ctx);
				if (rc < 0)
					return rc;
				len = blank_report(d, dp->column, buf, sizeof(buf));
				if (!len)
					return -EINVAL;
				field_put(dp->column, 0, buf + d->numbered, len - d->numbered, col);
			}
			rc = emit_report(m, buf, len, dp->column->kind, emit, ctx);
			if (rc < 0)
				return rc;

			len = blank_report(d, dp->data, buf, sizeof(buf));
			if (!len)
				return -EINVAL;
			for (uint32_t i = 0; i < per_report; i++) {
				uint8_t c = col + i < dp->columns ? text[row * dp->columns + col + i] : ' ';

				field_put(dp->data, i, buf + d->numbered, len - d->numbered, c);
			}
			rc = emit_report(m, buf, len, dp->data->kind, emit, ctx);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}
