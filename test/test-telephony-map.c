/*
 * Roles of telephony controls, on real descriptors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "devices/telephony-map.h"
#include "hid/rdesc-load.h"
#include "hid/usage-ids.h"
#include "hid/usage-names.h"
#include "test-util.h"

static struct rdesc *load_fixture(const char *name)
{
	struct rdesc *d = NULL;
	size_t n;
	uint8_t *bytes = test_fixture_rdesc(name, &n);

	assert_int_equal(rdesc_parse(bytes, n, &d, NULL), 0);
	free(bytes);
	return d;
}

static size_t count_role(const struct tel_map *m, enum tel_role role)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n_controls; i++)
		n += m->controls[i].role == role;
	return n;
}

static bool has(const struct tel_map *m, enum tel_role role, uint32_t usage)
{
	for (size_t i = 0; i < m->n_controls; i++) {
		if (m->controls[i].role == role && m->controls[i].usage == usage)
			return true;
	}
	return false;
}

static void test_jabra_link_380c(void **state)
{
	struct rdesc *d = load_fixture("jabra-link-380c");
	struct tel_map m;
	(void)state;

	assert_true(tel_is_phone(d));
	assert_int_equal(tel_map_build(d, &m), 0);
	assert_int_equal(m.collection_usage, USAGE(UP_TELEPHONY, TEL_HEADSET));
	assert_int_equal(count_role(&m, TEL_ROLE_HOOKSWITCH), 1);
	assert_int_equal(count_role(&m, TEL_ROLE_KEYPAD), 12);
	assert_int_equal(count_role(&m, TEL_ROLE_LAMP), 7);
	assert_int_equal(count_role(&m, TEL_ROLE_RINGER), 1);
	assert_int_equal(count_role(&m, TEL_ROLE_DISPLAY), 0);
	assert_true(has(&m, TEL_ROLE_BUTTON, USAGE(UP_TELEPHONY, TEL_PHONE_MUTE)));
	/* volume keys of the device's Consumer Control collection are phone buttons too */
	assert_true(has(&m, TEL_ROLE_BUTTON, USAGE(UP_CONSUMER, CONSUMER_VOLUME_UP)));
	/* but not its media keys */
	assert_false(has(&m, TEL_ROLE_BUTTON, USAGE(UP_CONSUMER, 0xcd)));
	/* nor the vendor mirror of the hook switch in report 4 */
	for (size_t i = 0; i < m.n_controls; i++)
		assert_int_not_equal(d->fields[m.controls[i].field].report_id, 4);
	tel_map_release(&m);
	rdesc_free(d);
}

/* The EPOS IMPACT D puts Consumer volume inside the telephony report. */
static void test_epos_volume_in_telephony_report(void **state)
{
	struct rdesc *d = load_fixture("epos-impact-d");
	struct tel_map m;
	(void)state;

	assert_int_equal(tel_map_build(d, &m), 0);
	assert_int_equal(count_role(&m, TEL_ROLE_HOOKSWITCH), 1);
	assert_int_equal(count_role(&m, TEL_ROLE_LAMP), 6);
	assert_int_equal(count_role(&m, TEL_ROLE_RINGER), 1);
	size_t volume_up = 0;
	for (size_t i = 0; i < m.n_controls; i++) {
		if (m.controls[i].usage == USAGE(UP_CONSUMER, CONSUMER_VOLUME_UP))
			volume_up++;
	}
	/* once in telephony report 2, once in the consumer report 1 */
	assert_int_equal(volume_up, 2);
	tel_map_release(&m);
	rdesc_free(d);
}

static void test_mx_brio_line_output(void **state)
{
	struct rdesc *d = load_fixture("logitech-mx-brio");
	struct tel_map m;
	(void)state;

	assert_int_equal(tel_map_build(d, &m), 0);
	assert_true(has(&m, TEL_ROLE_OUTPUT, USAGE(UP_TELEPHONY, TEL_LINE)));
	assert_true(has(&m, TEL_ROLE_LAMP, USAGE(UP_LED, LED_MUTE)));
	assert_int_equal(count_role(&m, TEL_ROLE_HOOKSWITCH), 1);
	tel_map_release(&m);
	rdesc_free(d);
}

static void test_negative_control(void **state)
{
	struct rdesc *d = load_fixture("logitech-g535-negative-control");
	struct tel_map m;
	(void)state;

	assert_false(tel_is_phone(d));
	assert_int_equal(tel_map_build(d, &m), 0);
	assert_int_equal(m.n_collections, 0);
	assert_int_equal(m.n_controls, 0);
	tel_map_release(&m);
	rdesc_free(d);
}

/* Every shared telephony descriptor has a hook switch. */
static void test_every_phone_has_hook_switch(void **state)
{
	static const char *phones[] = {
		"boya-mini-2-rx", "epos-impact-d", "epos-impact-d1", "epos-impact-dw",
		"jabra-biz-2400-ii", "jabra-evolve-link-ms", "jabra-link-380c", "jabra-speak-810",
		"logitech-mx-brio", "plantronics-blackwire-c5220", "plantronics-poly-bt700",
		"plantronics-voyager-base-cd", "razer-microphone-1532-0511",
		"sennheiser-sc-660-anc-usb", "yealink-wh66",
	};
	(void)state;

	for (size_t i = 0; i < sizeof(phones) / sizeof(phones[0]); i++) {
		struct rdesc *d = load_fixture(phones[i]);
		struct tel_map m;

		assert_true(tel_is_phone(d));
		assert_int_equal(tel_map_build(d, &m), 0);
		if (count_role(&m, TEL_ROLE_HOOKSWITCH) != 1)
			fail_msg("%s: %zu hook switches", phones[i], count_role(&m, TEL_ROLE_HOOKSWITCH));
		tel_map_release(&m);
		rdesc_free(d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jabra_link_380c),
		cmocka_unit_test(test_epos_volume_in_telephony_report),
		cmocka_unit_test(test_mx_brio_line_output),
		cmocka_unit_test(test_negative_control),
		cmocka_unit_test(test_every_phone_has_hook_switch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
