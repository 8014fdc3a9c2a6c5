/*
 * The phone model on real descriptors: which ids exist, what input reports mean, and which
 * output bytes a state gives. Bit positions in the expectations are those of the index
 * (the .expect files beside the descriptors).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/phone-model.h"
#include "hid/rdesc-load.h"
#include "hid/usage-ids.h"
#include "hid/usage-names.h"
#include "test-util.h"

static struct phone_model *load(const char *name)
{
	struct phone_model *m = NULL;
	size_t n;
	uint8_t *bytes = test_fixture_rdesc(name, &n);

	assert_int_equal(phone_model_build(bytes, n, &m), 0);
	free(bytes);
	return m;
}

static uint32_t id_of(const struct phone_model *m, uint32_t usage)
{
	for (uint32_t id = 0; id < m->n_ids; id++) {
		if (m->buttons[id].usage == usage || m->buttons[id].lamp_usage == usage)
			return id;
	}
	fail_msg("no id for usage 0x%08x", usage);
	return 0;
}

struct captured {
	uint8_t ids[8];
	uint8_t reports[8][64];
	size_t len[8];
	size_t n;
};

static int capture(uint8_t id, const uint8_t *report, size_t len, void *ctx)
{
	struct captured *c = ctx;

	assert_true(c->n < 8 && len <= 64);
	c->ids[c->n] = id;
	memcpy(c->reports[c->n], report, len);
	c->len[c->n++] = len;
	return 0;
}

static void test_380c_ids(void **state)
{
	struct phone_model *m = load("jabra-link-380c");
	(void)state;

	/* 12 keys, then Telephony buttons by usage, consumer keys, then unpaired LEDs */
	for (uint32_t id = 0; id < 12; id++) {
		assert_true(m->buttons[id].has_input);
		assert_true(m->buttons[id].keypad);
		assert_int_equal(m->buttons[id].usage, USAGE(UP_TELEPHONY, TEL_KEY_0 + id));
	}
	for (uint32_t id = 12; id < 16; id++)
		assert_false(m->buttons[id].has_input || m->buttons[id].lamp.field);
	assert_int_equal(m->buttons[16].usage, USAGE(UP_TELEPHONY, TEL_PROGRAMMABLE_BUTTON));
	assert_int_equal(m->buttons[17].usage, USAGE(UP_TELEPHONY, TEL_FLASH));
	assert_int_equal(m->buttons[18].usage, USAGE(UP_TELEPHONY, TEL_REDIAL));
	/* Line (0x2A) pairs with the On-Line LED, Phone Mute (0x2F) with the Mute LED */
	assert_int_equal(m->buttons[19].usage, USAGE(UP_TELEPHONY, TEL_LINE));
	assert_int_equal(m->buttons[19].lamp_usage, USAGE(UP_LED, LED_ON_LINE));
	assert_int_equal(m->buttons[20].usage, USAGE(UP_TELEPHONY, TEL_PHONE_MUTE));
	assert_int_equal(m->buttons[20].lamp_usage, USAGE(UP_LED, LED_MUTE));
	assert_true(m->buttons[20].one_shot);
	assert_int_equal(id_of(m, USAGE(UP_CONSUMER, CONSUMER_VOLUME_UP)), 24);
	/*
	 * the Off-Hook LED answers the headset hook switch, and is a lamp too: the last id,
	 * after every other, so theirs stay as they were
	 */
	assert_true(m->hooks[PHONE_HOOK_HEADSET].present);
	assert_true(m->hooks[PHONE_HOOK_HEADSET].settable);
	assert_false(m->hooks[PHONE_HOOK_HANDSET].present);
	assert_int_equal(m->offhook_lamp_id, m->n_ids - 1);
	assert_int_equal(m->offhook_hook, PHONE_HOOK_HEADSET);
	assert_int_equal(m->buttons[m->offhook_lamp_id].lamp_usage, USAGE(UP_LED, LED_OFF_HOOK));
	for (uint32_t id = 0; id < m->offhook_lamp_id; id++)
		assert_int_not_equal(m->buttons[id].lamp_usage, USAGE(UP_LED, LED_OFF_HOOK));
	assert_non_null(m->ringer.field);
	assert_int_equal(m->buttons[m->ring_lamp_id].lamp_usage, USAGE(UP_LED, LED_RING));
	phone_model_free(m);
}

/* Ids depend on the usages a model has, not on their order in the descriptor. */
static void test_ids_follow_usages(void **state)
{
	/* Headset with Hook Switch, Flash, Phone Mute in; Mute, Hold, Ring LEDs out */
	static const uint8_t one[] = {
		0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01,
		0x09, 0x20, 0x09, 0x21, 0x09, 0x2f, 0x95, 0x03, 0x81, 0x02, 0x95, 0x05, 0x81, 0x01,
		0x05, 0x08, 0x09, 0x09, 0x09, 0x20, 0x09, 0x18, 0x95, 0x03, 0x91, 0x02,
		0x95, 0x05, 0x91, 0x01, 0xc0,
	};
	/* the same controls, declared in another order */
	static const uint8_t two[] = {
		0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01,
		0x09, 0x2f, 0x09, 0x20, 0x09, 0x21, 0x95, 0x03, 0x81, 0x02, 0x95, 0x05, 0x81, 0x01,
		0x05, 0x08, 0x09, 0x18, 0x09, 0x09, 0x09, 0x20, 0x95, 0x03, 0x91, 0x02,
		0x95, 0x05, 0x91, 0x01, 0xc0,
	};
	static const uint32_t usages[] = {
		USAGE(UP_TELEPHONY, TEL_FLASH), USAGE(UP_TELEPHONY, TEL_PHONE_MUTE),
		USAGE(UP_LED, LED_MUTE), USAGE(UP_LED, LED_HOLD), USAGE(UP_LED, LED_RING),
	};
	struct phone_model *a = NULL, *b = NULL;
	(void)state;

	assert_int_equal(phone_model_build(one, sizeof(one), &a), 0);
	assert_int_equal(phone_model_build(two, sizeof(two), &b), 0);
	assert_int_equal(a->n_ids, b->n_ids);
	for (size_t i = 0; i < sizeof(usages) / sizeof(usages[0]); i++)
		assert_int_equal(id_of(a, usages[i]), id_of(b, usages[i]));
	/* Flash 16, Phone Mute + Mute LED 17, then the LEDs by usage: Ring 0x18 18, Hold 0x20 19 */
	assert_int_equal(id_of(a, USAGE(UP_TELEPHONY, TEL_PHONE_MUTE)), 17);
	assert_int_equal(id_of(a, USAGE(UP_LED, LED_MUTE)), 17);
	assert_int_equal(id_of(a, USAGE(UP_LED, LED_RING)), 18);
	assert_int_equal(a->n_ids, 20);
	phone_model_free(a);
	phone_model_free(b);
}

static void test_380c_decode(void **state)
{
	struct phone_model *m = load("jabra-link-380c");
	struct phone_input_state in = { 0 };
	struct phone_input_event ev[8];
	(void)state;

	/* report 2: bit 0 hook switch, bit 3 phone mute (relative), bits 7-10 keypad (0..12 Null) */
	const uint8_t hook_off[] = { 0x02, 0x01, 0x06 };      /* keypad value 12: no key */
	assert_int_equal(phone_model_decode(m, &in, hook_off, 3, ev, 8), 1);
	assert_int_equal(ev[0].type, PHONE_EVENT_HOOK);
	assert_int_equal(ev[0].hook, PHONE_HOOK_HEADSET);
	assert_true(ev[0].offhook);

	const uint8_t key5[] = { 0x02, 0x81, 0x02 };          /* keypad value 5 -> Key5 */
	assert_int_equal(phone_model_decode(m, &in, key5, 3, ev, 8), 1);
	assert_int_equal(ev[0].type, PHONE_EVENT_BUTTON);
	assert_int_equal(ev[0].button, 5);
	assert_true(ev[0].down);
	assert_int_equal(phone_model_decode(m, &in, hook_off, 3, ev, 8), 1);
	assert_int_equal(ev[0].button, 5);
	assert_false(ev[0].down);

	const uint8_t mute[] = { 0x02, 0x09, 0x06 };          /* mute press, still off hook */
	assert_int_equal(phone_model_decode(m, &in, mute, 3, ev, 8), 2);
	assert_int_equal(ev[0].button, 20);
	assert_true(ev[0].down);
	assert_false(ev[1].down);
	/* the relative bit going back to 0 is no second release */
	assert_int_equal(phone_model_decode(m, &in, hook_off, 3, ev, 8), 0);

	const uint8_t volume[] = { 0x01, 0x02, 0x00 };        /* consumer report: volume up */
	assert_int_equal(phone_model_decode(m, &in, volume, 3, ev, 8), 1);
	assert_int_equal(ev[0].button, 24);

	/* reports the model has nothing in, and truncated ones, give no event */
	const uint8_t vendor[] = { 0x04, 0xff, 0xff };
	assert_int_equal(phone_model_decode(m, &in, vendor, 3, ev, 8), 0);
	assert_int_equal(phone_model_decode(m, &in, hook_off, 0, ev, 8), 0);
	const uint8_t hook_on_short[] = { 0x02 };
	assert_int_equal(phone_model_decode(m, &in, hook_on_short, 1, ev, 8), 1);
	assert_false(ev[0].offhook);
	phone_model_free(m);
}

static void test_380c_encode_whole_report(void **state)
{
	struct phone_model *m = load("jabra-link-380c");
	struct phone_output_state out = { 0 };
	struct captured c = { 0 };
	(void)state;

	/* output report 2: OffHook bit 0, Speaker 1, Mute 2, Ring 3, Hold 4, Mic 5, OnLine 6, Ringer 7 */
	out.lamp_on[id_of(m, USAGE(UP_LED, LED_MUTE))] = true;
	out.lamp_on[id_of(m, USAGE(UP_LED, LED_HOLD))] = true;
	out.hook_offhook[PHONE_HOOK_HEADSET] = true;
	assert_int_equal(phone_model_encode(m, &out, capture, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ids[0], 2);
	assert_int_equal(c.len[0], 3);
	const uint8_t want[] = { 0x02, 0x15, 0x00 };
	assert_memory_equal(c.reports[0], want, 3);

	/* ringing sets the Ringer and the Ring LED, and keeps every other bit */
	out.ringing = true;
	c.n = 0;
	assert_int_equal(phone_model_encode(m, &out, capture, &c), 0);
	const uint8_t ring[] = { 0x02, 0x9d, 0x00 };
	assert_memory_equal(c.reports[0], ring, 3);
	phone_model_free(m);
}

/* Plantronics puts each LED in a report of its own (C5220: Mute 9, OffHook 23, Ring 24, ...). */
static void test_c5220_one_report_per_led(void **state)
{
	struct phone_model *m = load("plantronics-blackwire-c5220");
	struct phone_output_state out = { 0 };
	struct captured c = { 0 };
	(void)state;

	out.lamp_on[id_of(m, USAGE(UP_LED, LED_HOLD))] = true;
	assert_int_equal(phone_model_encode(m, &out, capture, &c), 0);
	/* Mute 9, OffHook 23, Ring 24, Speaker 26, Hold 32, OnLine 42 */
	assert_int_equal(c.n, 6);
	for (size_t i = 0; i < c.n; i++) {
		assert_int_equal(c.len[i], 2);
		assert_int_equal(c.ids[i], c.reports[i][0]);
		assert_int_equal(c.reports[i][1], c.reports[i][0] == 32 ? 1 : 0);
	}
	phone_model_free(m);
}

/*
 * A descriptor without report ids: reports are their bytes alone, as on the wire, with id
 * 0 beside them; nothing of a transport's (hidapi's leading 0) is in them.
 */
static void test_unnumbered(void **state)
{
	static const uint8_t rdesc[] = {
		0x05, 0x0b, 0x09, 0x01, 0xa1, 0x01,             /* Telephony Phone */
		0x09, 0x20, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, /* Hook Switch, 1 bit */
		0x95, 0x01, 0x81, 0x02, 0x75, 0x07, 0x81, 0x03, /* input, 7 bits padding */
		0x09, 0x9e, 0x75, 0x01, 0x91, 0x02,             /* Ringer output, 1 bit */
		0x75, 0x07, 0x91, 0x03,                          /* and padding: 1 byte */
		0xc0,
	};
	struct phone_model *m = NULL;
	struct phone_output_state out = { 0 };
	struct phone_input_state in = { 0 };
	struct phone_input_event ev[4];
	struct captured c = { 0 };
	(void)state;

	assert_int_equal(phone_model_build(rdesc, sizeof(rdesc), &m), 0);
	out.ringing = true;
	assert_int_equal(phone_model_encode(m, &out, capture, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ids[0], 0);
	assert_int_equal(c.len[0], 1);
	assert_int_equal(c.reports[0][0], 0x01);
	/* an input report is its one byte too: bit 0 the hook */
	assert_int_equal(phone_model_decode(m, &in, (const uint8_t[]){ 0x01 }, 1, ev, 4), 1);
	assert_int_equal(ev[0].type, PHONE_EVENT_HOOK);
	assert_true(ev[0].offhook);
	phone_model_free(m);
}

/*
 * A keypad array with two slots (two keys held at once) and a second array in the same
 * report: each array is decoded once per report and serves all of its keys.
 */
static void test_arrays_rollover(void **state)
{
	static const uint8_t rdesc[] = {
		0x05, 0x0b, 0x09, 0x01, 0xa1, 0x01,             /* Telephony Phone */
		0x09, 0x20, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, /* Hook Switch, 1 bit */
		0x95, 0x01, 0x81, 0x02, 0x75, 0x07, 0x81, 0x03, /* input, 7 bits padding */
		0x19, 0xb0, 0x29, 0xbb, 0x15, 0x01, 0x25, 0x0c, /* Key 0 .. Key Pound = 1..12 */
		0x75, 0x04, 0x95, 0x02, 0x81, 0x00,             /* two 4-bit slots, array */
		0x09, 0x21, 0x09, 0x24, 0x15, 0x01, 0x25, 0x02, /* Flash, Redial = 1..2 */
		0x75, 0x02, 0x95, 0x01, 0x81, 0x00,             /* one 2-bit slot, array */
		0x75, 0x06, 0x81, 0x03,                          /* padding */
		0xc0,
	};
	struct phone_model *m = NULL;
	struct phone_input_state in = { 0 };
	struct phone_input_event ev[8];
	uint32_t key5, pound, redial;
	(void)state;

	assert_int_equal(phone_model_build(rdesc, sizeof(rdesc), &m), 0);
	key5 = id_of(m, USAGE(UP_TELEPHONY, TEL_KEY_0 + 5));
	pound = id_of(m, USAGE(UP_TELEPHONY, TEL_KEY_POUND));
	redial = id_of(m, USAGE(UP_TELEPHONY, TEL_REDIAL));

	/* Key 5 in the first slot, Redial in the other array */
	assert_int_equal(phone_model_decode(m, &in, (const uint8_t[]){ 0x00, 0x06, 0x02 }, 3,
					    ev, 8), 2);
	assert_int_equal(ev[0].button, key5);
	assert_true(ev[0].down);
	assert_int_equal(ev[1].button, redial);
	assert_true(ev[1].down);
	/* Pound joins in the second slot, Redial let go: Key 5 stays down, no event for it */
	assert_int_equal(phone_model_decode(m, &in, (const uint8_t[]){ 0x00, 0xc6, 0x00 }, 3,
					    ev, 8), 2);
	assert_int_equal(ev[0].button, pound);
	assert_true(ev[0].down);
	assert_int_equal(ev[1].button, redial);
	assert_false(ev[1].down);
	/* Key 5 let go, Pound still held, now in the second slot alone */
	assert_int_equal(phone_model_decode(m, &in, (const uint8_t[]){ 0x00, 0xc0, 0x00 }, 3,
					    ev, 8), 1);
	assert_int_equal(ev[0].button, key5);
	assert_false(ev[0].down);
	assert_int_equal(phone_model_decode(m, &in, (const uint8_t[]){ 0x00, 0x00, 0x00 }, 3,
					    ev, 8), 1);
	assert_int_equal(ev[0].button, pound);
	assert_false(ev[0].down);
	phone_model_free(m);
}

static void test_not_a_phone(void **state)
{
	static const uint8_t g535[] = { 0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01, 0xc0 };
	static const uint8_t broken[] = { 0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01 };
	struct phone_model *m = NULL;
	(void)state;

	assert_int_equal(phone_model_build(g535, sizeof(g535), &m), -ENODEV);
	assert_null(m);
	assert_int_equal(phone_model_build(broken, sizeof(broken), &m), -EINVAL);
}

/* Every shared phone descriptor builds a model with a hook switch. */
static void test_all_fixtures(void **state)
{
	static const char *phones[] = {
		"boya-mini-2-rx", "epos-impact-d", "epos-impact-d1", "jabra-biz-2400-ii",
		"jabra-evolve-link-ms", "jabra-link-380c", "jabra-speak-810", "logitech-mx-brio",
		"plantronics-blackwire-c5220", "plantronics-poly-bt700",
		"plantronics-voyager-base-cd", "razer-microphone-1532-0511",
		"sennheiser-sc-660-anc-usb", "yealink-wh66",
	};
	(void)state;

	for (size_t i = 0; i < sizeof(phones) / sizeof(phones[0]); i++) {
		struct phone_model *m = load(phones[i]);
		int hooks = 0;

		for (int d = 0; d < PHONE_HOOK_DEVICES; d++)
			hooks += m->hooks[d].present;
		if (hooks != 1)
			fail_msg("%s: %d hook switches", phones[i], hooks);
		assert_true(m->n_ids <= PHONE_MAX_IDS);
		phone_model_free(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_380c_ids),
		cmocka_unit_test(test_ids_follow_usages),
		cmocka_unit_test(test_380c_decode),
		cmocka_unit_test(test_380c_encode_whole_report),
		cmocka_unit_test(test_c5220_one_report_per_led),
		cmocka_unit_test(test_unnumbered),
		cmocka_unit_test(test_arrays_rollover),
		cmocka_unit_test(test_not_a_phone),
		cmocka_unit_test(test_all_fixtures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
