/*
 * What a descriptor says about a phone: the telephony controls of a device, found from its
 * report descriptor alone.
 *
 * A device is a phone when it has a top-level collection on the Telephony page (Phone,
 * Headset, Handset, Key Pad, ...). Each field inside such a collection, plus the volume and
 * mute keys of a Consumer Control collection of the same device, gets a role. Vendor pages,
 * even those mirroring telephony usage ids (Jabra 0xFF30/0xFF40, EPOS 0xFF13/0xFF95), get
 * none: they mean what their vendor says, which a profile may state.
 */
#ifndef HIDPHONE_TELEPHONY_MAP_H
#define HIDPHONE_TELEPHONY_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hid/rdesc.h"

enum tel_role {
	TEL_ROLE_HOOKSWITCH,    /* Telephony Hook Switch input */
	TEL_ROLE_SPEAKERPHONE,  /* Telephony Speaker Phone input */
	TEL_ROLE_KEYPAD,        /* Phone Key 0-9, *, #, A-D */
	TEL_ROLE_BUTTON,        /* feature controls: Flash, Redial, Phone Mute, volume, ... */
	TEL_ROLE_LAMP,          /* LED page output */
	TEL_ROLE_RINGER,        /* Telephony Ringer output */
	TEL_ROLE_DISPLAY,       /* Alphanumeric Display page, any direction */
	TEL_ROLE_OUTPUT,        /* another Telephony output (Speaker Phone, Line, ...) */
	TEL_ROLE_LAMP_MODE,     /* a multi-mode indicator's selector array: how an LED lights */
};
#define TEL_ROLE_COUNT (TEL_ROLE_LAMP_MODE + 1)

struct tel_control {
	enum tel_role role;
	uint32_t usage;     /* TEL_ROLE_LAMP_MODE: the LED whose mode the array selects */
	uint32_t field;     /* index into rdesc.fields */
};

struct tel_map {
	uint32_t collection_usage;  /* usage of the first telephony top-level collection */
	size_t n_collections;       /* telephony top-level collections */
	size_t n_controls;
	struct tel_control *controls;
};

bool tel_collection_usage_is_phone(uint32_t usage);

/* True when the descriptor has a telephony top-level collection. */
bool tel_is_phone(const struct rdesc *desc);

/* Fills map from desc; map->controls is allocated (free with tel_map_release). */
int tel_map_build(const struct rdesc *desc, struct tel_map *map);

/*
 * The same, with usages of vendor page display_page (0: none) read as the Alphanumeric
 * Display page's: desk phones that drive their LCD through a vendor page reusing the
 * Auxiliary Display usage ids (a profile's AttrDisplayPage says which page).
 */
int tel_map_build_ex(const struct rdesc *desc, uint16_t display_page, struct tel_map *map);
void tel_map_release(struct tel_map *map);

const char *tel_role_name(enum tel_role role);

#endif
