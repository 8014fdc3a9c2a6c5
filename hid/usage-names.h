/*
 * usage-names.h - readable names for HID usage pages and usages
 *
 * Names follow the HID Usage Tables (HUT 1.5 and later) with spaces and
 * punctuation removed and each word capitalised, so "Off-Hook" becomes
 * "OffHook" and "Phone Key Pound" becomes "PhoneKeyPound".  They are meant
 * for logs, profile files and the command line, where a usage is written as
 * "Page.Usage" (see usage_format() and usage_parse()).
 */
#ifndef USAGE_NAMES_H
#define USAGE_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A usage is the 32-bit extended form: page in the high half, id in the low. */
#define USAGE(page, id) ((uint32_t)(((uint32_t)(page) << 16) | (uint16_t)(id)))
#define USAGE_PAGE(u)   ((uint16_t)((uint32_t)(u) >> 16))
#define USAGE_ID(u)     ((uint16_t)((u) & 0xffff))

/* Every usage page listed in the HUT usage page summary. */
enum usage_page_id {
	UP_UNDEFINED                = 0x00,
	UP_GENERIC_DESKTOP          = 0x01,
	UP_SIMULATION_CONTROLS      = 0x02,
	UP_VR_CONTROLS              = 0x03,
	UP_SPORT_CONTROLS           = 0x04,
	UP_GAME_CONTROLS            = 0x05,
	UP_GENERIC_DEVICE_CONTROLS  = 0x06,
	UP_KEYBOARD                 = 0x07,
	UP_LED                      = 0x08,
	UP_BUTTON                   = 0x09,
	UP_ORDINAL                  = 0x0a,
	UP_TELEPHONY                = 0x0b,
	UP_CONSUMER                 = 0x0c,
	UP_DIGITIZERS               = 0x0d,
	UP_HAPTICS                  = 0x0e,
	UP_PHYSICAL_INPUT_DEVICE    = 0x0f,
	UP_UNICODE                  = 0x10,
	UP_SOC                      = 0x11,
	UP_EYE_HEAD_TRACKERS        = 0x12,
	UP_ALPHANUMERIC_DISPLAY     = 0x14, /* "Auxiliary Display" in current HUT */
	UP_SENSORS                  = 0x20,
	UP_MEDICAL_INSTRUMENT       = 0x40,
	UP_BRAILLE_DISPLAY          = 0x41,
	UP_LIGHTING_ILLUMINATION    = 0x59,
	UP_MONITOR                  = 0x80,
	UP_MONITOR_ENUMERATED       = 0x81,
	UP_VESA_VIRTUAL_CONTROLS    = 0x82,
	UP_POWER                    = 0x84,
	UP_BATTERY_SYSTEM           = 0x85,
	UP_BARCODE_SCANNER          = 0x8c,
	UP_SCALES                   = 0x8d,
	UP_MAGNETIC_STRIPE_READER   = 0x8e,
	UP_CAMERA_CONTROL           = 0x90,
	UP_ARCADE                   = 0x91,
	UP_GAMING_DEVICE            = 0x92,
	UP_FIDO_ALLIANCE            = 0xf1d0,
	UP_VENDOR_FIRST             = 0xff00,
	UP_VENDOR_LAST              = 0xffff,
};

/*
 * Identifier-style name of a usage page: "Telephony", "LED", "Consumer",
 * "GenericDesktop", "AlphanumericDisplay".  NULL for unknown or reserved
 * pages (including 0x00 Undefined) and for vendor pages 0xFF00-0xFFFF.
 */
const char *usage_page_name(uint16_t page);

/*
 * Identifier-style name of a usage: "HookSwitch", "PhoneKey0", "OffHook",
 * "VolumeIncrement"; NULL when unknown.  The Button, Ordinal and Monitor
 * Enumerated pages are numbered, not named, in HUT, so they always give
 * NULL here; usage_format() writes them as "Button.7".
 */
const char *usage_name(uint32_t usage);

/*
 * Writes a readable identifier into buf, always NUL-terminated when
 * size > 0 (buf may be NULL when size is 0), and returns the length the
 * whole text has, as snprintf() does, so a result >= size means it was cut:
 *   "Telephony.HookSwitch", "LED.OffHook"     known page, named usage
 *   "Button.7", "Ordinal.3"                   numbered pages, decimal
 *   "Telephony.0x00f5"                        known page, unknown usage
 *   "Vendor.0xff30.0x0020"                    vendor page 0xFF00-0xFFFF
 *   "0x01ff.0x0003"                           unknown or reserved page
 */
int usage_format(uint32_t usage, char *buf, size_t size);

/* Same for a page alone: "Telephony", "Vendor.0xff30" or "0x01ff". */
int usage_page_format(uint16_t page, char *buf, size_t size);

/*
 * Inverse of usage_format() for profile files and the command line.
 * Accepts every form usage_format() writes, names case-insensitively, and
 * also "0x0b:0x20" (':' may stand for any '.') and a bare 32-bit
 * "0x000b0020".  Page and usage ids are hexadecimal with a 0x prefix and at
 * most 4 digits (8 for the bare form); decimal ids are taken only on the
 * numbered pages.  No surrounding blanks.  Returns 0 and sets *usage, or
 * -EINVAL leaving *usage alone.
 */
int usage_parse(const char *text, uint32_t *usage);

/* True for the vendor-defined pages 0xFF00-0xFFFF. */
bool usage_page_is_vendor(uint16_t page);

/*
 * Visits every named page (ascending) or every named usage (ascending as
 * 32-bit usages, so page by page).  Stops at and returns the first nonzero
 * value fn returns; 0 when all were visited.  Lets callers list what is
 * known, e.g. for --help, and lets the tests check every entry.
 */
typedef int (*usage_page_visit_fn)(uint16_t page, const char *name, void *data);
typedef int (*usage_visit_fn)(uint32_t usage, const char *name, void *data);
int usage_page_foreach(usage_page_visit_fn fn, void *data);
int usage_foreach(usage_visit_fn fn, void *data);

#endif /* USAGE_NAMES_H */
