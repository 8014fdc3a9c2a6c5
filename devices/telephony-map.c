#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hid/usage-ids.h"
#include "hid/usage-names.h"
#include "telephony-map.h"

bool tel_collection_usage_is_phone(uint32_t usage)
{
	/* Any Telephony-page collection usage (0x01-0x07 today) marks a phone-like device. */
	return USAGE_PAGE(usage) == UP_TELEPHONY && USAGE_ID(usage) != 0;
}

static bool is_phone_application(const struct rdesc *desc, uint16_t app)
{
	return app != RDESC_NONE && tel_collection_usage_is_phone(desc->collections[app].usage);
}

static bool is_display_application(const struct rdesc *desc, uint16_t app, uint16_t display_page)
{
	uint32_t u = app != RDESC_NONE ? desc->collections[app].usage : 0;

	return u == USAGE(UP_ALPHANUMERIC_DISPLAY, AD_ALPHANUMERIC_DISPLAY) ||
	       (display_page && u == USAGE(display_page, AD_ALPHANUMERIC_DISPLAY));
}

/* A vendor display page's usages stand for the Alphanumeric Display page's. */
static uint32_t display_usage(uint32_t usage, uint16_t display_page)
{
	if (display_page && USAGE_PAGE(usage) == display_page)
		return USAGE(UP_ALPHANUMERIC_DISPLAY, USAGE_ID(usage));
	return usage;
}

static bool is_consumer_application(const struct rdesc *desc, uint16_t app)
{
	return app != RDESC_NONE && desc->collections[app].usage == USAGE(UP_CONSUMER, CONSUMER_CONTROL);
}

bool tel_is_phone(const struct rdesc *desc)
{
	for (size_t i = 0; i < desc->n_collections; i++) {
		if (desc->collections[i].depth == 0 &&
		    tel_collection_usage_is_phone(desc->collections[i].usage))
			return true;
	}
	return false;
}

/* Phone .. Programmable Button: the Telephony page's collection usages (HUT: CA, CL, NAry). */
static bool is_collection_usage(uint32_t usage)
{
	return USAGE_PAGE(usage) == UP_TELEPHONY && USAGE_ID(usage) >= TEL_PHONE &&
	       USAGE_ID(usage) <= TEL_PROGRAMMABLE_BUTTON;
}

static bool is_keypad(uint32_t usage)
{
	return USAGE_PAGE(usage) == UP_TELEPHONY && USAGE_ID(usage) >= TEL_KEY_0 &&
	       USAGE_ID(usage) <= TEL_KEY_D;
}

static bool is_consumer_phone_key(uint32_t usage)
{
	return usage == USAGE(UP_CONSUMER, CONSUMER_VOLUME_UP) ||
	       usage == USAGE(UP_CONSUMER, CONSUMER_VOLUME_DOWN) ||
	       usage == USAGE(UP_CONSUMER, CONSUMER_MUTE);
}

/* LED-page usages that say how an indicator lights, not which one (HUT: US, UM, Sel, DV). */
static bool is_indicator_modifier(uint32_t usage)
{
	return USAGE_PAGE(usage) == UP_LED && USAGE_ID(usage) >= 0x3a && USAGE_ID(usage) <= 0x4a;
}

/*
 * A Usage Multi Mode Indicator is a Usage Modifier collection: it modifies the usage of the
 * collection around it, the LED, and holds an array of Indicator On/Flash/Slow Blink/Fast
 * Blink/Off selectors (HID 1.11 6.2.2.6, HUT LED page). Returns the LED's usage, or 0.
 */
static uint32_t multi_mode_target(const struct rdesc *desc, const struct rdesc_field *f)
{
	const struct rdesc_collection *c, *parent;

	if (f->collection == RDESC_NONE)
		return 0;
	c = &desc->collections[f->collection];
	if (c->usage != USAGE(UP_LED, LED_MULTI_MODE_INDICATOR) || c->parent == RDESC_NONE)
		return 0;
	parent = &desc->collections[c->parent];
	return USAGE_PAGE(parent->usage) == UP_LED && !is_indicator_modifier(parent->usage) ?
		       parent->usage : 0;
}

/* The role of one usage in a field of a phone collection, or -1 for none. */
static int role_of(const struct rdesc_field *f, uint32_t usage)
{
	uint16_t page = USAGE_PAGE(usage);

	if (page == UP_ALPHANUMERIC_DISPLAY)
		return TEL_ROLE_DISPLAY;
	if (f->kind == RDESC_INPUT) {
		if (is_keypad(usage))
			return TEL_ROLE_KEYPAD;
		if (usage == USAGE(UP_TELEPHONY, TEL_HOOK_SWITCH))
			return TEL_ROLE_HOOKSWITCH;
		if (usage == USAGE(UP_TELEPHONY, TEL_SPEAKER_PHONE))
			return TEL_ROLE_SPEAKERPHONE;
		if (page == UP_TELEPHONY || page == UP_BUTTON || page == UP_CONSUMER)
			return TEL_ROLE_BUTTON;
		return -1;
	}
	if (f->kind == RDESC_OUTPUT) {
		if (is_indicator_modifier(usage))
			return -1;
		if (page == UP_LED)
			return TEL_ROLE_LAMP;
		if (usage == USAGE(UP_TELEPHONY, TEL_RINGER))
			return TEL_ROLE_RINGER;
		if (page == UP_TELEPHONY)
			return TEL_ROLE_OUTPUT;
	}
	return -1;
}

static int add_control(struct tel_map *map, size_t *cap, enum tel_role role, uint32_t usage,
		       size_t field)
{
	if (map->n_controls == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct tel_control *n = realloc(map->controls, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		map->controls = n;
		*cap = ncap;
	}
	map->controls[map->n_controls++] = (struct tel_control){
		.role = role, .usage = usage, .field = (uint32_t)field,
	};
	return 0;
}

int tel_map_build(const struct rdesc *desc, struct tel_map *map)
{
	return tel_map_build_ex(desc, 0, map);
}

int tel_map_build_ex(const struct rdesc *desc, uint16_t display_page, struct tel_map *map)
{
	size_t cap = 0;
	int rc;

	memset(map, 0, sizeof(*map));
	for (size_t i = 0; i < desc->n_collections; i++) {
		const struct rdesc_collection *c = &desc->collections[i];

		if (c->depth != 0 || !tel_collection_usage_is_phone(c->usage))
			continue;
		if (map->n_collections++ == 0)
			map->collection_usage = c->usage;
	}
	if (map->n_collections == 0)
		return 0;

	for (size_t i = 0; i < desc->n_fields; i++) {
		const struct rdesc_field *f = &desc->fields[i];
		bool phone = is_phone_application(desc, f->application);
		bool consumer = is_consumer_application(desc, f->application);

		/* A phone's display may have an application collection of its own (HID 1.11 A.8). */
		if (is_display_application(desc, f->application, display_page)) {
			uint32_t usage = display_usage(f->usage, display_page);

			if (usage && USAGE_PAGE(usage) == UP_ALPHANUMERIC_DISPLAY) {
				rc = add_control(map, &cap, TEL_ROLE_DISPLAY, usage, i);
				if (rc)
					goto fail;
			}
			continue;
		}
		if (!phone && !consumer)
			continue;
		if (rdesc_field_is_array(f) && f->kind == RDESC_OUTPUT && phone &&
		    multi_mode_target(desc, f)) {
			rc = add_control(map, &cap, TEL_ROLE_LAMP_MODE, multi_mode_target(desc, f), i);
			if (rc)
				goto fail;
			continue;
		}
		if (rdesc_field_is_array(f)) {
			/* One control per listed usage; keypads are arrays on every device seen. */
			for (uint32_t u = 0; u < f->usages_count; u++) {
				uint32_t usage = display_usage(desc->usages[f->usages_first + u],
							       display_page);
				int role = role_of(f, usage);

				/*
				 * A collection usage listed in an array names the array (Named
				 * Array); its index is the idle value, not a key. EPOS IMPACT D
				 * lists Programmable Button then Button 1 in a 1-bit array
				 * (epos-impact-d.rdesc.hex): 0 is idle, 1 the button.
				 */
				if (is_collection_usage(usage))
					continue;
				if (role < 0 || (consumer && !is_consumer_phone_key(usage)))
					continue;
				rc = add_control(map, &cap, (enum tel_role)role, usage, i);
				if (rc)
					goto fail;
			}
			continue;
		}
		uint32_t usage = display_usage(f->usage, display_page);

		if (usage == 0)
			continue;
		int role = role_of(f, usage);

		if (role < 0 || (consumer && !is_consumer_phone_key(usage)))
			continue;
		rc = add_control(map, &cap, (enum tel_role)role, usage, i);
		if (rc)
			goto fail;
	}
	return 0;
fail:
	tel_map_release(map);
	return rc;
}

void tel_map_release(struct tel_map *map)
{
	free(map->controls);
	memset(map, 0, sizeof(*map));
}

const char *tel_role_name(enum tel_role role)
{
	switch (role) {
	case TEL_ROLE_HOOKSWITCH: return "hook switch";
	case TEL_ROLE_SPEAKERPHONE: return "speakerphone";
	case TEL_ROLE_KEYPAD: return "keypad";
	case TEL_ROLE_BUTTON: return "button";
	case TEL_ROLE_LAMP: return "lamp";
	case TEL_ROLE_RINGER: return "ringer";
	case TEL_ROLE_DISPLAY: return "display";
	case TEL_ROLE_OUTPUT: return "output";
	case TEL_ROLE_LAMP_MODE: return "lamp mode";
	}
	return "?";
}
