/*
 * The keypad scan of host-scanned phones (devices/matrix-scan.c) against a fake CM109: a
 * transport that answers each output report as the chip does (vm-e2e.md section 11: byte 1
 * = the driven columns, and the row of a key held in them) and reports a key change by
 * itself. Checked: the bytes on the wire (column by column, the buzzer bit), what the
 * phone model makes of the scan's reports (keypad buttons, the handset's hook, the
 * ringer), a lost answer sent again when the loop's clock says so, and no timer at all
 * while nothing happens.
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

#include "devices/matrix-scan.h"
#include "devices/phone-model.h"

/* The fake chip. */
struct chip {
	struct transport base;
	uint8_t key;                 /* scan code held down, 0 for none */
	uint8_t drive;
	bool mute;                   /* answers nothing (a lost answer) */
	bool gone;
	size_t n_queued;
	uint8_t queued[32][4];
	size_t n_writes;
	uint8_t writes[256][4];
	bool closed;
};

static struct chip *chip_of(struct transport *t)
{
	return (struct chip *)t;
}

static void chip_report(struct chip *c)
{
	uint8_t rows = c->key && (c->key & c->drive & 0x0f) ? c->key & 0xf0 : 0;

	if (c->mute || c->n_queued == 32)
		return;
	memset(c->queued[c->n_queued], 0, 4);
	c->queued[c->n_queued++][1] = (uint8_t)(rows | c->drive);
}

static int chip_read(struct transport *t, uint8_t *buf, size_t len, int timeout_ms)
{
	struct chip *c = chip_of(t);

	(void)timeout_ms;
	if (c->gone)
		return -ENODEV;
	if (!c->n_queued)
		return 0;
	memcpy(buf, c->queued[0], len < 4 ? len : 4);
	memmove(c->queued[0], c->queued[1], --c->n_queued * 4);
	return 4;
}

/* The chip numbers no reports: id 0 and its 4 bytes as on the wire, no id byte. */
static int chip_write(struct transport *t, uint8_t id, const uint8_t *report, size_t len)
{
	struct chip *c = chip_of(t);

	assert_int_equal(id, 0);
	assert_int_equal(len, 4);
	if (c->gone)
		return -ENODEV;
	if (c->n_writes < 256)
		memcpy(c->writes[c->n_writes++], report, 4);
	c->drive = report[1] & 0x0f;
	chip_report(c);
	return 0;
}

static int chip_feature(struct transport *t, uint8_t id, uint8_t *report, size_t size)
{
	(void)t, (void)id, (void)report, (void)size;
	return -EOPNOTSUPP;
}

static int chip_set_feature(struct transport *t, uint8_t id, const uint8_t *report, size_t len)
{
	(void)t, (void)id, (void)report, (void)len;
	return -EOPNOTSUPP;
}

static void chip_interrupt(struct transport *t)
{
	(void)t;
}

static void chip_close(struct transport *t)
{
	chip_of(t)->closed = true;
}

static const struct transport_ops chip_ops = {
	.read = chip_read, .write = chip_write, .get_feature = chip_feature,
	.set_feature = chip_set_feature, .interrupt = chip_interrupt, .close = chip_close,
};

static uint64_t clock_ms;

static uint64_t fake_now(void)
{
	return clock_ms;
}

/* The shipped profile's values: devices/data/60-cmedia-cm109.phone. */
static void shipped_values(struct profile_values *v)
{
	struct profile_set set = { 0 };
	struct profile_match_result r;
	struct profile_device dev = { .bus = 3, .vendor = 0x0d8c, .product = 0x000e,
				      .name = "C-Media CM109 test phone" };

	assert_int_equal(profile_parse_file(&set, TEST_DATA_DIR
					    "/../../devices/data/60-cmedia-cm109.phone"), 0);
	profile_match(&set, &dev, &r);
	*v = r.values;
	profile_set_release(&set);
}

struct rig {
	struct chip chip;
	struct profile_values v;
	struct phone_model *model;
	struct transport *t;
	struct phone_input_state in;
};

static void rig_open(struct rig *r)
{
	uint8_t rdesc[256];
	int n;

	memset(r, 0, sizeof(*r));
	r->chip.base.ops = &chip_ops;
	r->chip.drive = 0x0f;
	clock_ms = 1000;
	shipped_values(&r->v);
	assert_ptr_equal(scan_protocol_of(&r->v), &scan_protocol_cm109);
	n = scan_descriptor(&r->v, rdesc, sizeof(rdesc));
	assert_true(n > 0);
	assert_int_equal(phone_model_build(rdesc, (size_t)n, &r->model), 0);
	assert_int_equal(scan_transport_open(&scan_protocol_cm109, &r->v, &r->chip.base, fake_now,
					     &r->t), 0);
}

static void rig_close(struct rig *r)
{
	transport_close(r->t);
	assert_true(r->chip.closed);
	phone_model_free(r->model);
}

/* Reads as the I/O loop does (timeout 0, until nothing): the model's events, in order. */
static size_t pump(struct rig *r, struct phone_input_event *ev, size_t max)
{
	size_t n = 0;
	uint8_t buf[16];
	int len;

	while ((len = transport_read(r->t, buf, sizeof(buf), 0)) > 0)
		n += (size_t)phone_model_decode(r->model, &r->in, buf, (size_t)len, ev + n, max - n);
	assert_int_equal(len, 0);
	return n;
}

static void test_descriptor_is_a_phone(void **state)
{
	struct rig r;
	size_t keypad = 0;

	(void)state;
	rig_open(&r);
	for (uint32_t id = 0; id < PHONE_KEYPAD_IDS; id++) {
		const struct phone_button *b = phone_model_button(r.model, id);

		keypad += b && b->keypad && b->has_input;
	}
	assert_int_equal(keypad, 12);       /* 0-9, *, #: the KIP1000 has no A-D */
	assert_true(r.model->hooks[PHONE_HOOK_HANDSET].present);
	assert_false(r.model->hooks[PHONE_HOOK_HANDSET].settable);
	assert_non_null(r.model->ringer.field);
	/* The first output report: GPO mode, every column driven, no buzzer. */
	assert_int_equal(r.chip.n_writes, 1);
	assert_memory_equal(r.chip.writes[0], "\x00\x0f\x0f\x00", 4);
	rig_close(&r);
}

static void test_key_scan(void **state)
{
	struct phone_input_event ev[8];
	struct rig r;
	size_t n;

	(void)state;
	rig_open(&r);
	assert_int_equal(pump(&r, ev, 8), 0);    /* the answer to the open: nothing down */
	/* Idle, nothing is due: the loop sleeps. */
	assert_int_equal(transport_due_ms(r.t), -1);

	r.chip.key = 0x22;                      /* '5': row 0x20, column 0x2 */
	chip_report(&r.chip);
	r.chip.n_writes = 0;
	n = pump(&r, ev, 8);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].type, PHONE_EVENT_BUTTON);
	assert_int_equal(ev[0].button, 5);
	assert_true(ev[0].down);
	/* Column by column from the lowest, then every column again. */
	assert_int_equal(r.chip.n_writes, 5);
	assert_memory_equal(r.chip.writes[0], "\x00\x01\x01\x00", 4);
	assert_memory_equal(r.chip.writes[1], "\x00\x02\x02\x00", 4);
	assert_memory_equal(r.chip.writes[2], "\x00\x04\x04\x00", 4);
	assert_memory_equal(r.chip.writes[3], "\x00\x08\x08\x00", 4);
	assert_memory_equal(r.chip.writes[4], "\x00\x0f\x0f\x00", 4);
	assert_int_equal(transport_due_ms(r.t), -1);

	/* Held: nothing more. Released: the chip says so, and the key goes up. */
	assert_int_equal(pump(&r, ev, 8), 0);
	r.chip.key = 0;
	chip_report(&r.chip);
	n = pump(&r, ev, 8);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].button, 5);
	assert_false(ev[0].down);

	/* '#' (0x81) and '*' (0x84) share the bottom row: the column tells them apart. */
	r.chip.key = 0x81;
	chip_report(&r.chip);
	n = pump(&r, ev, 8);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].button, 11);
	r.chip.key = 0;
	chip_report(&r.chip);
	assert_int_equal(pump(&r, ev, 8), 1);
	r.chip.key = 0x84;
	chip_report(&r.chip);
	n = pump(&r, ev, 8);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].button, 10);
	assert_true(ev[0].down);
	/* Straight to another key in another row: '*' up, '1' down. */
	r.chip.key = 0x14;
	chip_report(&r.chip);
	n = pump(&r, ev, 8);
	assert_int_equal(n, 2);
	assert_int_equal(ev[0].button + ev[1].button, 10 + 1);
	assert_true(ev[0].down != ev[1].down);
	rig_close(&r);
}

static void test_hook_keys(void **state)
{
	struct phone_input_event ev[8];
	struct rig r;

	(void)state;
	rig_open(&r);
	pump(&r, ev, 8);
	r.chip.key = 0x88;                      /* the green key */
	chip_report(&r.chip);
	assert_int_equal(pump(&r, ev, 8), 1);
	assert_int_equal(ev[0].type, PHONE_EVENT_HOOK);
	assert_int_equal(ev[0].hook, PHONE_HOOK_HANDSET);
	assert_true(ev[0].offhook);
	/* Its release changes nothing: the handset stays lifted. */
	r.chip.key = 0;
	chip_report(&r.chip);
	assert_int_equal(pump(&r, ev, 8), 0);
	r.chip.key = 0x88;
	chip_report(&r.chip);
	assert_int_equal(pump(&r, ev, 8), 0);
	r.chip.key = 0;
	chip_report(&r.chip);
	pump(&r, ev, 8);
	r.chip.key = 0x48;                      /* the red key */
	chip_report(&r.chip);
	assert_int_equal(pump(&r, ev, 8), 1);
	assert_int_equal(ev[0].type, PHONE_EVENT_HOOK);
	assert_false(ev[0].offhook);
	/* A scan code the keymap does not have (IN, 0x28) is nothing. */
	r.chip.key = 0;
	chip_report(&r.chip);
	pump(&r, ev, 8);
	r.chip.key = 0x28;
	chip_report(&r.chip);
	assert_int_equal(pump(&r, ev, 8), 0);
	rig_close(&r);
}

static int emit_write(uint8_t id, const uint8_t *report, size_t len, void *ctx)
{
	return transport_write(ctx, id, report, len);
}

static void test_buzzer(void **state)
{
	struct phone_output_state out = { 0 };
	struct phone_input_event ev[8];
	struct rig r;

	(void)state;
	rig_open(&r);
	pump(&r, ev, 8);
	r.chip.n_writes = 0;
	/* The scan's descriptor numbers no reports: there is no report 1. */
	assert_int_equal(transport_write(r.t, 1, (const uint8_t[]){ 0x01, 0x01 }, 2), -EINVAL);
	assert_int_equal(r.chip.n_writes, 0);
	out.ringing = true;
	assert_int_equal(phone_model_encode(r.model, &out, emit_write, r.t), 0);
	assert_int_equal(r.chip.n_writes, 1);
	assert_memory_equal(r.chip.writes[0], "\x20\x0f\x0f\x00", 4);
	/* The same state again: nothing on the wire. */
	assert_int_equal(phone_model_encode(r.model, &out, emit_write, r.t), 0);
	assert_int_equal(r.chip.n_writes, 1);
	/* The buzzer stays on while a key is scanned. */
	pump(&r, ev, 8);
	r.chip.key = 0x22;
	chip_report(&r.chip);
	assert_int_equal(pump(&r, ev, 8), 1);
	for (size_t i = 1; i < r.chip.n_writes; i++)
		assert_int_equal(r.chip.writes[i][0], 0x20);
	out.ringing = false;
	r.chip.n_writes = 0;
	assert_int_equal(phone_model_encode(r.model, &out, emit_write, r.t), 0);
	assert_int_equal(r.chip.n_writes, 1);
	assert_memory_equal(r.chip.writes[0], "\x00\x0f\x0f\x00", 4);
	/* Closing while it rings turns the buzzer off first. */
	out.ringing = true;
	phone_model_encode(r.model, &out, emit_write, r.t);
	r.chip.n_writes = 0;
	rig_close(&r);
	assert_int_equal(r.chip.n_writes, 1);
	assert_memory_equal(r.chip.writes[0], "\x00\x0f\x0f\x00", 4);
}

static void test_lost_answer(void **state)
{
	struct phone_input_event ev[8];
	struct rig r;

	(void)state;
	rig_open(&r);
	pump(&r, ev, 8);
	r.chip.key = 0x42;                      /* '8' */
	chip_report(&r.chip);
	r.chip.mute = true;                     /* the answer to column 1 is lost */
	r.chip.n_writes = 0;
	assert_int_equal(pump(&r, ev, 8), 0);
	assert_int_equal(r.chip.n_writes, 1);
	/* The loop's timer: the resend is due in answer_ms, not before. */
	assert_int_equal(transport_due_ms(r.t), 100);
	clock_ms += 60;
	assert_int_equal(transport_due_ms(r.t), 40);
	assert_int_equal(pump(&r, ev, 8), 0);
	assert_int_equal(r.chip.n_writes, 1);
	clock_ms += 40;
	assert_int_equal(transport_due_ms(r.t), 0);
	r.chip.mute = false;
	assert_int_equal(pump(&r, ev, 8), 1);
	assert_int_equal(ev[0].button, 8);
	assert_memory_equal(r.chip.writes[1], "\x00\x01\x01\x00", 4);
	assert_int_equal(transport_due_ms(r.t), -1);
	rig_close(&r);
}

static void test_unplugged(void **state)
{
	struct rig r;
	uint8_t buf[8];

	(void)state;
	rig_open(&r);
	r.chip.gone = true;
	assert_int_equal(transport_read(r.t, buf, sizeof(buf), 0), -ENODEV);
	rig_close(&r);
}

static void test_descriptor_follows_profile(void **state)
{
	struct profile_values v = { 0 };
	struct phone_model *m;
	uint8_t rdesc[256];
	int n;

	(void)state;
	/* Two keys, no hook keys, no buzzer: a keypad of two and nothing else. */
	v.set = 1u << PROFILE_PROTOCOL | 1u << PROFILE_SCAN_KEYMAP;
	v.protocol = PROFILE_PROTOCOL_CM109;
	v.n_scan_keys = 2;
	v.scan_keys[0] = (struct profile_scan_key){ 0x11, 3 };
	v.scan_keys[1] = (struct profile_scan_key){ 0x12, 12 };
	n = scan_descriptor(&v, rdesc, sizeof(rdesc));
	assert_true(n > 0);
	assert_int_equal(phone_model_build(rdesc, (size_t)n, &m), 0);
	assert_non_null(phone_model_button(m, 3));
	assert_true(phone_model_button(m, 3)->has_input);
	assert_true(phone_model_button(m, 12)->has_input);
	assert_false(phone_model_button(m, 5) && phone_model_button(m, 5)->has_input);
	assert_false(m->hooks[PHONE_HOOK_HANDSET].present);
	assert_null(m->ringer.field);
	phone_model_free(m);
	assert_int_equal(scan_descriptor(&v, rdesc, 8), -ENOSPC);
	/* Without AttrProtocol=cm109 there is no scan. */
	v.set &= ~(1u << PROFILE_PROTOCOL);
	assert_null(scan_protocol_of(&v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptor_is_a_phone),
		cmocka_unit_test(test_key_scan),
		cmocka_unit_test(test_hook_keys),
		cmocka_unit_test(test_buzzer),
		cmocka_unit_test(test_lost_answer),
		cmocka_unit_test(test_unplugged),
		cmocka_unit_test(test_descriptor_follows_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
