/*
 * test-usage-names.c - tests for the HID usage name tables
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* relative to this file, so it builds with -Ihid as well as with -I. */
#include "hid/usage-names.h"

static void assert_name(uint32_t usage, const char *expected)
{
	const char *name = usage_name(usage);

	if (!name)
		fail_msg("usage 0x%08x has no name, expected %s", (unsigned)usage, expected);
	assert_string_equal(name, expected);
}

static void assert_format(uint32_t usage, const char *expected)
{
	char buf[64];
	int n = usage_format(usage, buf, sizeof(buf));

	assert_string_equal(buf, expected);
	assert_int_equal(n, strlen(expected));
}

static void assert_page_format(uint16_t page, const char *expected)
{
	char buf[64];
	int n = usage_page_format(page, buf, sizeof(buf));

	assert_string_equal(buf, expected);
	assert_int_equal(n, strlen(expected));
}

static void assert_parse(const char *text, uint32_t expected)
{
	uint32_t u = 0xdeadbeef;

	if (usage_parse(text, &u) != 0)
		fail_msg("usage_parse(\"%s\") failed", text);
	assert_int_equal(u, expected);
}

static void assert_parse_fails(const char *text)
{
	uint32_t u = 0xdeadbeef;
	int ret = usage_parse(text, &u);

	if (ret != -EINVAL)
		fail_msg("usage_parse(\"%s\") gave %d (0x%08x), expected -EINVAL",
			 text ? text : "(null)", ret, (unsigned)u);
	/* a failed parse must leave the output alone */
	assert_int_equal(u, 0xdeadbeef);
}

/* True when every id in [first, last] of the page has a name. */
static bool all_named(uint16_t page, uint16_t first, uint16_t last)
{
	for (uint32_t id = first; id <= last; id++)
		if (!usage_name(USAGE(page, id)))
			return false;
	return true;
}

static void test_macros(void **state)
{
	(void)state;
	assert_int_equal(USAGE(0x0b, 0x20), 0x000b0020);
	assert_int_equal(USAGE_PAGE(0xff300020u), 0xff30);
	assert_int_equal(USAGE_ID(0xff300020u), 0x0020);
	/* the id is cut to 16 bits instead of spilling into the page */
	assert_int_equal(USAGE(0x0b, 0x10020), 0x000b0020);
}

static void test_telephony(void **state)
{
	(void)state;
	assert_name(USAGE(UP_TELEPHONY, 0x01), "Phone");
	assert_name(USAGE(UP_TELEPHONY, 0x05), "Headset");
	assert_name(USAGE(UP_TELEPHONY, 0x06), "TelephonyKeyPad");
	assert_name(USAGE(UP_TELEPHONY, 0x07), "ProgrammableButton");
	assert_name(USAGE(UP_TELEPHONY, 0x20), "HookSwitch");
	assert_name(USAGE(UP_TELEPHONY, 0x21), "Flash");
	assert_name(USAGE(UP_TELEPHONY, 0x24), "Redial");
	assert_name(USAGE(UP_TELEPHONY, 0x2f), "PhoneMute");
	assert_name(USAGE(UP_TELEPHONY, 0x30), "CallerID");
	assert_name(USAGE(UP_TELEPHONY, 0x50), "SpeedDial");
	assert_name(USAGE(UP_TELEPHONY, 0x72), "DoNotDisturb");
	assert_name(USAGE(UP_TELEPHONY, 0x74), "AnswerOnOff");
	assert_name(USAGE(UP_TELEPHONY, 0x97), "LineBusyTone");
	assert_name(USAGE(UP_TELEPHONY, 0x9e), "Ringer");
	assert_name(USAGE(UP_TELEPHONY, 0xb0), "PhoneKey0");
	assert_name(USAGE(UP_TELEPHONY, 0xb9), "PhoneKey9");
	assert_name(USAGE(UP_TELEPHONY, 0xba), "PhoneKeyStar");
	assert_name(USAGE(UP_TELEPHONY, 0xbb), "PhoneKeyPound");
	assert_name(USAGE(UP_TELEPHONY, 0xbc), "PhoneKeyA");
	assert_name(USAGE(UP_TELEPHONY, 0xbf), "PhoneKeyD");
	assert_name(USAGE(UP_TELEPHONY, 0xc0), "PhoneCallHistoryKey");
	assert_name(USAGE(UP_TELEPHONY, 0xf0), "HostControl");
	assert_name(USAGE(UP_TELEPHONY, 0xf5), "RedialablePhoneNumber");
	assert_name(USAGE(UP_TELEPHONY, 0xf9), "PSTNRingTone");
	assert_name(USAGE(UP_TELEPHONY, 0x10a), "HostHold");
	assert_name(USAGE(UP_TELEPHONY, 0x14b), "DualModePhone");

	/* whole blocks of HUT, no holes */
	assert_true(all_named(UP_TELEPHONY, 0x01, 0x07));
	assert_true(all_named(UP_TELEPHONY, 0x20, 0x31));
	assert_true(all_named(UP_TELEPHONY, 0x50, 0x53));
	assert_true(all_named(UP_TELEPHONY, 0x70, 0x74));
	assert_true(all_named(UP_TELEPHONY, 0x90, 0x9e));
	assert_true(all_named(UP_TELEPHONY, 0xb0, 0xc2));
	assert_true(all_named(UP_TELEPHONY, 0xf0, 0xf5));
	assert_true(all_named(UP_TELEPHONY, 0xf8, 0xfe));

	/* reserved ids */
	assert_null(usage_name(USAGE(UP_TELEPHONY, 0x00)));
	assert_null(usage_name(USAGE(UP_TELEPHONY, 0x08)));
	assert_null(usage_name(USAGE(UP_TELEPHONY, 0x32)));
	assert_null(usage_name(USAGE(UP_TELEPHONY, 0x9f)));
	assert_null(usage_name(USAGE(UP_TELEPHONY, 0xf6)));
	assert_null(usage_name(USAGE(UP_TELEPHONY, 0xffff)));
}

static void test_led(void **state)
{
	(void)state;
	assert_name(USAGE(UP_LED, 0x01), "NumLock");
	assert_name(USAGE(UP_LED, 0x08), "DoNotDisturb");
	assert_name(USAGE(UP_LED, 0x09), "Mute");
	assert_name(USAGE(UP_LED, 0x17), "OffHook");
	assert_name(USAGE(UP_LED, 0x18), "Ring");
	assert_name(USAGE(UP_LED, 0x19), "MessageWaiting");
	assert_name(USAGE(UP_LED, 0x1f), "Headset");
	assert_name(USAGE(UP_LED, 0x20), "Hold");
	assert_name(USAGE(UP_LED, 0x21), "Microphone");
	assert_name(USAGE(UP_LED, 0x27), "Standby");
	assert_name(USAGE(UP_LED, 0x2a), "OnLine");
	assert_name(USAGE(UP_LED, 0x3c), "UsageMultiModeIndicator");
	assert_name(USAGE(UP_LED, 0x3d), "IndicatorOn");
	assert_name(USAGE(UP_LED, 0x3e), "IndicatorFlash");
	assert_name(USAGE(UP_LED, 0x3f), "IndicatorSlowBlink");
	assert_name(USAGE(UP_LED, 0x40), "IndicatorFastBlink");
	assert_name(USAGE(UP_LED, 0x41), "IndicatorOff");
	assert_name(USAGE(UP_LED, 0x42), "FlashOnTime");
	assert_name(USAGE(UP_LED, 0x46), "FastBlinkOffTime");
	assert_name(USAGE(UP_LED, 0x47), "UsageIndicatorColor");
	assert_name(USAGE(UP_LED, 0x48), "IndicatorRed");
	assert_name(USAGE(UP_LED, 0x4a), "IndicatorAmber");
	assert_name(USAGE(UP_LED, 0x4d), "ExternalPowerConnected");
	assert_name(USAGE(UP_LED, 0x57), "SystemMicrophoneMute");
	assert_name(USAGE(UP_LED, 0x68), "Player8");

	assert_true(all_named(UP_LED, 0x01, 0x57));
	assert_true(all_named(UP_LED, 0x60, 0x68));
	assert_null(usage_name(USAGE(UP_LED, 0x00)));
	assert_null(usage_name(USAGE(UP_LED, 0x58)));
	assert_null(usage_name(USAGE(UP_LED, 0x69)));
}

static void test_alphanumeric_display(void **state)
{
	(void)state;
	assert_name(USAGE(UP_ALPHANUMERIC_DISPLAY, 0x01), "AlphanumericDisplay");
	assert_name(USAGE(UP_ALPHANUMERIC_DISPLAY, 0x02), "AuxiliaryDisplay");
	assert_name(USAGE(UP_ALPHANUMERIC_DISPLAY, 0x20), "DisplayAttributesReport");
	assert_name(USAGE(UP_ALPHANUMERIC_DISPLAY, 0x21), "ASCIICharacterSet");
	assert_name(USAGE(UP_ALPHANUMERIC_DISPLAY, 0x2c), "DisplayData");
	assert_name(USAGE(UP_ALPHANUMERIC_DISPLAY, 0x30), "ErrNotALoadableCharacter");
	assert_name(USAGE(UP_ALPHANUMERIC_DISPLAY, 0x42), "Font7Segment");
	assert_name(USAGE(UP_ALPHANUMERIC_DISPLAY, 0x43), "7SegmentDirectMap");
	assert_name(USAGE(UP_ALPHANUMERIC_DISPLAY, 0x4d), "CharAttrBlink");
	assert_name(USAGE(UP_ALPHANUMERIC_DISPLAY, 0x90), "SoftButton");
	assert_name(USAGE(UP_ALPHANUMERIC_DISPLAY, 0xff), "RequestReport");

	assert_true(all_named(UP_ALPHANUMERIC_DISPLAY, 0x20, 0x4d));
	assert_true(all_named(UP_ALPHANUMERIC_DISPLAY, 0x80, 0x88));
	assert_true(all_named(UP_ALPHANUMERIC_DISPLAY, 0x8a, 0x95));
	assert_null(usage_name(USAGE(UP_ALPHANUMERIC_DISPLAY, 0x89)));
}

static void test_consumer(void **state)
{
	(void)state;
	assert_name(USAGE(UP_CONSUMER, 0x01), "ConsumerControl");
	assert_name(USAGE(UP_CONSUMER, 0x05), "Headphone");
	assert_name(USAGE(UP_CONSUMER, 0x20), "Plus10");
	assert_name(USAGE(UP_CONSUMER, 0x22), "AMPM");
	assert_name(USAGE(UP_CONSUMER, 0x30), "Power");
	assert_name(USAGE(UP_CONSUMER, 0x40), "Menu");
	assert_name(USAGE(UP_CONSUMER, 0x8c), "MediaSelectTelephone");
	assert_name(USAGE(UP_CONSUMER, 0x9b), "MediaSelectCall");
	assert_name(USAGE(UP_CONSUMER, 0xb0), "Play");
	assert_name(USAGE(UP_CONSUMER, 0xb3), "FastForward");
	assert_name(USAGE(UP_CONSUMER, 0xb5), "ScanNextTrack");
	assert_name(USAGE(UP_CONSUMER, 0xb6), "ScanPreviousTrack");
	assert_name(USAGE(UP_CONSUMER, 0xb7), "Stop");
	assert_name(USAGE(UP_CONSUMER, 0xb8), "Eject");
	assert_name(USAGE(UP_CONSUMER, 0xcd), "PlayPause");
	assert_name(USAGE(UP_CONSUMER, 0xcf), "VoiceCommand");
	assert_name(USAGE(UP_CONSUMER, 0xe0), "Volume");
	assert_name(USAGE(UP_CONSUMER, 0xe2), "Mute");
	assert_name(USAGE(UP_CONSUMER, 0xe9), "VolumeIncrement");
	assert_name(USAGE(UP_CONSUMER, 0xea), "VolumeDecrement");
	assert_name(USAGE(UP_CONSUMER, 0x150), "BalanceRight");
	assert_name(USAGE(UP_CONSUMER, 0x18c), "ALVoicemail");
	assert_name(USAGE(UP_CONSUMER, 0x19a), "ALTelephonyDialer");
	assert_name(USAGE(UP_CONSUMER, 0x221), "ACSearch");
	assert_name(USAGE(UP_CONSUMER, 0x223), "ACHome");
	assert_name(USAGE(UP_CONSUMER, 0x230), "ACFullScreenView");
	assert_name(USAGE(UP_CONSUMER, 0x28c), "ACSend");
	assert_name(USAGE(UP_CONSUMER, 0x50a), "ContactPhoneNumberMobile");

	/* the ranges a phone or headset is expected to use */
	assert_true(all_named(UP_CONSUMER, 0x01, 0x06));
	assert_true(all_named(UP_CONSUMER, 0x20, 0x22));
	assert_true(all_named(UP_CONSUMER, 0x30, 0x36));
	assert_true(all_named(UP_CONSUMER, 0x40, 0x48));
	assert_true(all_named(UP_CONSUMER, 0x60, 0x66));
	assert_true(all_named(UP_CONSUMER, 0x80, 0x8f));
	assert_true(all_named(UP_CONSUMER, 0xb0, 0xcf));
	assert_true(all_named(UP_CONSUMER, 0xe0, 0xea));
	assert_true(all_named(UP_CONSUMER, 0x150, 0x155));
	assert_true(all_named(UP_CONSUMER, 0x180, 0x1a0));
	assert_true(all_named(UP_CONSUMER, 0x220, 0x230));
	assert_null(usage_name(USAGE(UP_CONSUMER, 0x00)));
	assert_null(usage_name(USAGE(UP_CONSUMER, 0x23)));
}

static void test_generic_desktop(void **state)
{
	(void)state;
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x01), "Pointer");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x02), "Mouse");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x04), "Joystick");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x05), "Gamepad");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x06), "Keyboard");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x07), "Keypad");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x08), "MultiaxisController");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x13), "CallStateManagementControl");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x30), "X");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x31), "Y");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x32), "Z");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x38), "Wheel");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x39), "HatSwitch");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x80), "SystemControl");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x81), "SystemPowerDown");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x82), "SystemSleep");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x83), "SystemWakeUp");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0x90), "DpadUp");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0xb5), "SystemDisplayToggleIntExtMode");
	assert_name(USAGE(UP_GENERIC_DESKTOP, 0xe1), "CallMuteToggle");
	assert_null(usage_name(USAGE(UP_GENERIC_DESKTOP, 0x03)));
}

static void test_numbered_pages(void **state)
{
	(void)state;
	/* HUT numbers these instead of naming them */
	assert_null(usage_name(USAGE(UP_BUTTON, 1)));
	assert_null(usage_name(USAGE(UP_ORDINAL, 3)));
	assert_null(usage_name(USAGE(UP_MONITOR_ENUMERATED, 3)));
	/* pages known by name but without a usage table here */
	assert_null(usage_name(USAGE(UP_SENSORS, 1)));
	assert_null(usage_name(USAGE(UP_KEYBOARD, 4)));
	/* unknown and vendor pages */
	assert_null(usage_name(USAGE(0x0013, 0x20)));
	assert_null(usage_name(USAGE(0xff30, 0x20)));
}

static void test_page_names(void **state)
{
	static const struct {
		uint16_t page;
		const char *name;
	} known[] = {
		{ UP_GENERIC_DESKTOP, "GenericDesktop" },
		{ UP_SIMULATION_CONTROLS, "SimulationControls" },
		{ UP_VR_CONTROLS, "VRControls" },
		{ UP_SPORT_CONTROLS, "SportControls" },
		{ UP_GAME_CONTROLS, "GameControls" },
		{ UP_GENERIC_DEVICE_CONTROLS, "GenericDeviceControls" },
		{ UP_KEYBOARD, "Keyboard" },
		{ UP_LED, "LED" },
		{ UP_BUTTON, "Button" },
		{ UP_ORDINAL, "Ordinal" },
		{ UP_TELEPHONY, "Telephony" },
		{ UP_CONSUMER, "Consumer" },
		{ UP_DIGITIZERS, "Digitizers" },
		{ UP_HAPTICS, "Haptics" },
		{ UP_PHYSICAL_INPUT_DEVICE, "PhysicalInputDevice" },
		{ UP_UNICODE, "Unicode" },
		{ UP_SOC, "SoC" },
		{ UP_EYE_HEAD_TRACKERS, "EyeAndHeadTrackers" },
		{ UP_ALPHANUMERIC_DISPLAY, "AlphanumericDisplay" },
		{ UP_SENSORS, "Sensors" },
		{ UP_MEDICAL_INSTRUMENT, "MedicalInstrument" },
		{ UP_BRAILLE_DISPLAY, "BrailleDisplay" },
		{ UP_LIGHTING_ILLUMINATION, "LightingAndIllumination" },
		{ UP_MONITOR, "Monitor" },
		{ UP_MONITOR_ENUMERATED, "MonitorEnumerated" },
		{ UP_VESA_VIRTUAL_CONTROLS, "VESAVirtualControls" },
		{ UP_POWER, "Power" },
		{ UP_BATTERY_SYSTEM, "BatterySystem" },
		{ UP_BARCODE_SCANNER, "BarcodeScanner" },
		{ UP_SCALES, "Scales" },
		{ UP_MAGNETIC_STRIPE_READER, "MagneticStripeReader" },
		{ UP_CAMERA_CONTROL, "CameraControl" },
		{ UP_ARCADE, "Arcade" },
		{ UP_GAMING_DEVICE, "GamingDevice" },
		{ UP_FIDO_ALLIANCE, "FIDOAlliance" },
	};
	unsigned named = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const char *name = usage_page_name(known[i].page);

		assert_non_null(name);
		assert_string_equal(name, known[i].name);
	}
	/* nothing else has a name: reserved, undefined and vendor pages */
	for (uint32_t page = 0; page <= 0xffff; page++)
		if (usage_page_name((uint16_t)page))
			named++;
	assert_int_equal(named, sizeof(known) / sizeof(known[0]));
	assert_null(usage_page_name(0x0000));
	assert_null(usage_page_name(0x0013));
	assert_null(usage_page_name(0x0093));
	assert_null(usage_page_name(0xf1cf));
	assert_null(usage_page_name(0xff00));
	assert_null(usage_page_name(0xffff));
}

static void test_vendor(void **state)
{
	(void)state;
	assert_false(usage_page_is_vendor(0x0000));
	assert_false(usage_page_is_vendor(UP_TELEPHONY));
	assert_false(usage_page_is_vendor(UP_FIDO_ALLIANCE));
	assert_false(usage_page_is_vendor(0xfeff));
	assert_true(usage_page_is_vendor(0xff00));
	assert_true(usage_page_is_vendor(0xff30));
	assert_true(usage_page_is_vendor(0xffff));
}

static void test_format(void **state)
{
	(void)state;
	assert_format(USAGE(UP_TELEPHONY, 0x20), "Telephony.HookSwitch");
	assert_format(USAGE(UP_TELEPHONY, 0xbb), "Telephony.PhoneKeyPound");
	assert_format(USAGE(UP_LED, 0x17), "LED.OffHook");
	assert_format(USAGE(UP_CONSUMER, 0xe9), "Consumer.VolumeIncrement");
	assert_format(USAGE(UP_GENERIC_DESKTOP, 0x02), "GenericDesktop.Mouse");
	assert_format(USAGE(UP_ALPHANUMERIC_DISPLAY, 0x20), "AlphanumericDisplay.DisplayAttributesReport");
	assert_format(USAGE(UP_BUTTON, 7), "Button.7");
	assert_format(USAGE(UP_BUTTON, 0), "Button.0");
	assert_format(USAGE(UP_BUTTON, 0xffff), "Button.65535");
	assert_format(USAGE(UP_ORDINAL, 3), "Ordinal.3");
	assert_format(USAGE(UP_MONITOR_ENUMERATED, 12), "MonitorEnumerated.12");
	assert_format(USAGE(UP_TELEPHONY, 0xf6), "Telephony.0x00f6");
	assert_format(USAGE(UP_TELEPHONY, 0xffff), "Telephony.0xffff");
	assert_format(USAGE(UP_SENSORS, 0x01), "Sensors.0x0001");
	assert_format(USAGE(0xff30, 0x20), "Vendor.0xff30.0x0020");
	assert_format(USAGE(0xff00, 0x00), "Vendor.0xff00.0x0000");
	assert_format(USAGE(0xffff, 0xffff), "Vendor.0xffff.0xffff");
	assert_format(USAGE(0x01ff, 0x03), "0x01ff.0x0003");
	assert_format(USAGE(0x0000, 0x00), "0x0000.0x0000");
	assert_format(USAGE(0xf1d1, 0x01), "0xf1d1.0x0001");

	assert_page_format(UP_TELEPHONY, "Telephony");
	assert_page_format(UP_LED, "LED");
	assert_page_format(UP_FIDO_ALLIANCE, "FIDOAlliance");
	assert_page_format(0xff30, "Vendor.0xff30");
	assert_page_format(0x01ff, "0x01ff");
	assert_page_format(0x0000, "0x0000");
}

/* Checks buf[0..size) against the full text, and that nothing past it was written. */
static void check_truncated(const char *full, size_t size)
{
	char buf[64];
	int n;

	memset(buf, '#', sizeof(buf));
	n = usage_format(USAGE(UP_TELEPHONY, 0x20), buf, size);
	assert_int_equal(n, strlen(full));
	if (size > 0) {
		size_t kept = size - 1 < strlen(full) ? size - 1 : strlen(full);

		assert_memory_equal(buf, full, kept);
		assert_int_equal(buf[kept], '\0');
	}
	for (size_t i = size; i < sizeof(buf); i++)
		assert_int_equal(buf[i], '#');
}

static void test_format_truncation(void **state)
{
	const char *full = "Telephony.HookSwitch";
	size_t len = strlen(full);
	char buf[8];

	(void)state;
	/* size 0 only measures, buf may be NULL */
	assert_int_equal(usage_format(USAGE(UP_TELEPHONY, 0x20), NULL, 0), len);
	assert_int_equal(usage_page_format(UP_TELEPHONY, NULL, 0), strlen("Telephony"));
	assert_int_equal(usage_format(USAGE(0xff30, 0x20), NULL, 0), strlen("Vendor.0xff30.0x0020"));

	for (size_t size = 0; size <= len + 2; size++)
		check_truncated(full, size);

	assert_int_equal(usage_page_format(0xff30, buf, 4), strlen("Vendor.0xff30"));
	assert_string_equal(buf, "Ven");
	assert_int_equal(usage_format(USAGE(UP_BUTTON, 12345), buf, 1), strlen("Button.12345"));
	assert_string_equal(buf, "");
}

static void test_parse_forms(void **state)
{
	(void)state;
	assert_parse("Telephony.HookSwitch", 0x000b0020);
	assert_parse("telephony.hookswitch", 0x000b0020);
	assert_parse("TELEPHONY.HOOKSWITCH", 0x000b0020);
	assert_parse("Telephony:HookSwitch", 0x000b0020);
	assert_parse("TelephonyDevice.HookSwitch", 0x000b0020);
	assert_parse("LED.OffHook", 0x00080017);
	assert_parse("led.offhook", 0x00080017);
	assert_parse("Consumer.VolumeIncrement", 0x000c00e9);
	assert_parse("Consumer.Plus10", 0x000c0020);
	assert_parse("AlphanumericDisplay.7SegmentDirectMap", 0x00140043);
	assert_parse("AuxiliaryDisplay.0x20", 0x00140020);
	assert_parse("Keyboard.0x0004", 0x00070004);
	assert_parse("KeyboardKeypad.0x0004", 0x00070004);
	assert_parse("Telephony.0x00f6", 0x000b00f6);
	assert_parse("Telephony.0X00F6", 0x000b00f6);
	assert_parse("Telephony.0x20", 0x000b0020);
	assert_parse("Button.7", 0x00090007);
	assert_parse("button.0x0007", 0x00090007);
	assert_parse("Button.0", 0x00090000);
	assert_parse("Button.65535", 0x0009ffff);
	assert_parse("Ordinal.3", 0x000a0003);
	assert_parse("MonitorEnumerated.12", 0x0081000c);
	assert_parse("Vendor.0xff30.0x0020", 0xff300020);
	assert_parse("vendor:0xFF30:0x20", 0xff300020);
	assert_parse("0x01ff.0x0003", 0x01ff0003);
	assert_parse("0x0b:0x20", 0x000b0020);
	assert_parse("0xb:0x20", 0x000b0020);
	assert_parse("0x000b.HookSwitch", 0x000b0020);
	assert_parse("0x9:7", 0x00090007);
	assert_parse("0xff30.0x0020", 0xff300020);
	assert_parse("0x000b0020", 0x000b0020);
	assert_parse("0xff300020", 0xff300020);
	assert_parse("0x20", 0x00000020);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"Telephony",
		"Telephony.",
		"Telephony:",
		".HookSwitch",
		"Telephony..HookSwitch",
		"Telephony.HookSwitch.",
		"Telephony.HookSwitch.x",
		"Telephony.Hook",
		"Telephony.HookSwitchX",
		"Telephony.Hook Switch",
		" Telephony.HookSwitch",
		"Telephony.HookSwitch ",
		"Foo.Bar",
		"Foo.0x20",
		"Tele.HookSwitch",
		"LED.HookSwitch",
		"Telephony.32",		/* decimal only on numbered pages */
		"Telephony.0x",
		"Telephony.0x00020",	/* overlong id */
		"Telephony.0xg",
		"Telephony.-1",
		"0x1:",
		"0x10000:0",
		"0x00001:0x1",		/* overlong page, even if small */
		"0x:0x1",
		"0x",
		"0x000000b0020",	/* overlong bare usage */
		"0x1_0",
		"0xb0020 ",
		"20",
		"HookSwitch",
		"Button",
		"Button.",
		"Button.65536",
		"Button.123456",
		"Button.-1",
		"Button.+1",
		"Button.1x",
		"Button.One",
		"Vendor",
		"Vendor.0xff30",
		"Vendor.0xff30.",
		"Vendor.0x000b.0x0020",	/* not a vendor page */
		"Vendor.0xff30.HookSwitch",
		"Vendor.0xff30.32",
		"Vendor.0xff30.0x0020.0x1",
		"0x01ff.HookSwitch",	/* no names on unknown pages */
		"0x01ff.3",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_parse_fails(bad[i]);
	assert_parse_fails(NULL);
	assert_int_equal(usage_parse("Telephony.HookSwitch", NULL), -EINVAL);
}

/* Every table entry: sorted, well-formed, found again by lookup and parse. */
struct walk {
	uint32_t prev;
	size_t count;
	size_t per_page[0x100];
	const char *names[512];	/* names seen on the current page */
	size_t on_page;
};

static bool same_name_ci(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
		char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

static void swap_case(const char *in, char *out)
{
	for (; *in; in++, out++) {
		if (*in >= 'a' && *in <= 'z')
			*out = (char)(*in - 32);
		else if (*in >= 'A' && *in <= 'Z')
			*out = (char)(*in + 32);
		else
			*out = *in;
	}
	*out = '\0';
}

static int check_entry(uint32_t usage, const char *name, void *data)
{
	struct walk *w = data;
	char buf[128], flipped[128];
	uint32_t back = 0;
	bool digits_only = true;

	if (w->count && usage <= w->prev)
		fail_msg("table not sorted/unique at 0x%08x after 0x%08x", (unsigned)usage, (unsigned)w->prev);
	if (w->count && USAGE_PAGE(usage) != USAGE_PAGE(w->prev))
		w->on_page = 0;
	w->prev = usage;
	w->count++;
	if (USAGE_PAGE(usage) < 0x100)
		w->per_page[USAGE_PAGE(usage)]++;

	/* names must be plain identifiers that cannot be read as numbers */
	assert_non_null(name);
	assert_true(name[0] != '\0');
	for (const char *c = name; *c; c++) {
		bool alpha = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z');
		bool digit = *c >= '0' && *c <= '9';

		if (!alpha && !digit)
			fail_msg("bad character in name \"%s\"", name);
		if (alpha)
			digits_only = false;
	}
	assert_false(digits_only);
	assert_false(name[0] == '0' && (name[1] == 'x' || name[1] == 'X'));

	/* unique within the page even ignoring case, since parsing ignores it */
	for (size_t i = 0; i < w->on_page; i++)
		if (same_name_ci(w->names[i], name))
			fail_msg("duplicate name \"%s\" on page 0x%04x", name, USAGE_PAGE(usage));
	assert_true(w->on_page < sizeof(w->names) / sizeof(w->names[0]));
	w->names[w->on_page++] = name;

	/* bsearch finds what the walk sees */
	assert_ptr_equal(usage_name(usage), name);

	/* round trip, in the written case and with every letter flipped */
	assert_true(usage_format(usage, buf, sizeof(buf)) < (int)sizeof(buf));
	assert_int_equal(usage_parse(buf, &back), 0);
	assert_int_equal(back, usage);
	swap_case(buf, flipped);
	back = 0;
	assert_int_equal(usage_parse(flipped, &back), 0);
	assert_int_equal(back, usage);
	return 0;
}

static void test_tables(void **state)
{
	static struct walk w;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(usage_foreach(check_entry, &w), 0);
	print_message("named usages: GenericDesktop %zu, LED %zu, Telephony %zu, "
		      "Consumer %zu, AlphanumericDisplay %zu, total %zu\n",
		      w.per_page[UP_GENERIC_DESKTOP], w.per_page[UP_LED], w.per_page[UP_TELEPHONY],
		      w.per_page[UP_CONSUMER], w.per_page[UP_ALPHANUMERIC_DISPLAY], w.count);
	/* every usage HUT defines on these pages */
	assert_int_equal(w.per_page[UP_TELEPHONY], 99);
	assert_int_equal(w.per_page[UP_LED], 96);
	assert_int_equal(w.per_page[UP_ALPHANUMERIC_DISPLAY], 75);
	assert_int_equal(w.per_page[UP_GENERIC_DESKTOP], 115);
	assert_true(w.per_page[UP_CONSUMER] >= 200);
}

static int check_page(uint16_t page, const char *name, void *data)
{
	struct walk *w = data;
	char buf[64];
	uint32_t back = 0;

	if (w->count && page <= w->prev)
		fail_msg("page table not sorted/unique at 0x%04x", page);
	w->prev = page;
	w->count++;
	assert_ptr_equal(usage_page_name(page), name);
	assert_false(usage_page_is_vendor(page));
	/* the page name works in a usage, whatever the page's usages are */
	snprintf(buf, sizeof(buf), "%s.0x0001", name);
	assert_int_equal(usage_parse(buf, &back), 0);
	assert_int_equal(back, USAGE(page, 1));
	return 0;
}

static int stop_at_third(uint32_t usage, const char *name, void *data)
{
	int *seen = data;

	(void)usage;
	(void)name;
	return ++*seen == 3 ? 42 : 0;
}

static void test_page_table(void **state)
{
	struct walk w;
	int seen = 0;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(usage_page_foreach(check_page, &w), 0);
	assert_int_equal(w.count, 35);
	/* a nonzero return stops the walk and is passed on */
	assert_int_equal(usage_foreach(stop_at_third, &seen), 42);
	assert_int_equal(seen, 3);
}

/* Every id of a sample of pages survives format and parse, named or not. */
static void test_round_trip_all_ids(void **state)
{
	static const uint16_t sample[] = {
		0x0000, UP_GENERIC_DESKTOP, UP_KEYBOARD, UP_LED, UP_BUTTON, UP_ORDINAL,
		UP_TELEPHONY, UP_CONSUMER, UP_ALPHANUMERIC_DISPLAY, UP_MONITOR_ENUMERATED,
		0x0013, 0xf1d0, 0xf1d1, 0xff00, 0xff30, 0xffff,
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(sample) / sizeof(sample[0]); i++) {
		for (uint32_t id = 0; id <= 0xffff; id++) {
			uint32_t u = USAGE(sample[i], id), back = 0;

			usage_format(u, buf, sizeof(buf));
			if (usage_parse(buf, &back) != 0 || back != u)
				fail_msg("\"%s\" does not parse back to 0x%08x", buf, (unsigned)u);
		}
	}
	/* every page number on its own too */
	for (uint32_t page = 0; page <= 0xffff; page++) {
		uint32_t u = USAGE(page, 0x1234), back = 0;

		usage_format(u, buf, sizeof(buf));
		if (usage_parse(buf, &back) != 0 || back != u)
			fail_msg("\"%s\" does not parse back to 0x%08x", buf, (unsigned)u);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_macros),
		cmocka_unit_test(test_telephony),
		cmocka_unit_test(test_led),
		cmocka_unit_test(test_alphanumeric_display),
		cmocka_unit_test(test_consumer),
		cmocka_unit_test(test_generic_desktop),
		cmocka_unit_test(test_numbered_pages),
		cmocka_unit_test(test_page_names),
		cmocka_unit_test(test_vendor),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncation),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_page_table),
		cmocka_unit_test(test_round_trip_all_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
