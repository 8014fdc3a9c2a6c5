/*
 * libtapi32 as applications see it: programs written against tapi.h, linked with -ltapi32,
 * on phones that hidphone.tsp replays from recordings of real descriptors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tapi.h"
#include "test-tapi-util.h"
#include "test-util.h"

#define WAIT_MS 3000
#define HOOKS (PHONESTATE_HANDSETHOOKSWITCH | PHONESTATE_SPEAKERHOOKSWITCH | \
	       PHONESTATE_HEADSETHOOKSWITCH)
#define ALL_MODES 0x3Fu
#define UPDOWN (PHONEBUTTONSTATE_UP | PHONEBUTTONSTATE_DOWN)
#define ANY ((DWORD_PTR)~0u)

static char tmpdir[256];

/* Registrations a test made; the teardown shuts them down so the providers unload. */
static struct inbox *apps[8];
static size_t n_apps;

static const struct play link380c_plays[] = {
	{ 300, "02 01 06" },   /* headset off hook */
	{ 350, "02 81 02" },   /* key 5 down */
	{ 400, "02 01 06" },   /* key 5 up */
	{ 450, "02 09 06" },   /* Phone Mute down (button 20) */
	{ 500, "02 01 06" },
	{ 650, "02 00 06" },   /* on hook */
	{ 0, NULL },
};

static void use_380c(const char *mode, const struct play *plays)
{
	char path[512], devices[600];

	snprintf(path, sizeof(path), "%s/380c.hid", tmpdir);
	tapi_test_write_recording(path, "jabra-link-380c", "Jabra Link 380", 0x0b0e, 0x24c9,
				  plays);
	snprintf(devices, sizeof(devices), "%s:%s", mode, path);
	setenv("HIDPHONE_DEVICES", devices, 1);
	setenv("TAPI_PROVIDERS", TEST_PROVIDER, 1);
}

static struct inbox *app(const char *name, DWORD expect_devs)
{
	struct inbox *in = calloc(1, sizeof(*in));
	DWORD n = 99;

	assert_non_null(in);
	inbox_init(in, name, &n);
	assert_int_equal(n, expect_devs);
	apps[n_apps++] = in;
	return in;
}

static void end_app(struct inbox *in)
{
	for (size_t i = 0; i < n_apps; i++) {
		if (apps[i] == in) {
			assert_int_equal(phoneShutdown(in->app), 0);
			apps[i] = apps[--n_apps];
			free(in);
			return;
		}
	}
	fail_msg("not an application of this test");
}

static int shut_down(void **state)
{
	(void)state;
	while (n_apps)
		end_app(apps[n_apps - 1]);
	return 0;
}

static DWORD negotiate(struct inbox *in, DWORD id)
{
	PHONEEXTENSIONID ext;
	DWORD v = 0;

	assert_int_equal(phoneNegotiateAPIVersion(in->app, id, TAPI_VERSION2_0, TAPI_VERSION3_1,
						  &v, &ext), 0);
	assert_int_equal(v, TAPI_VERSION3_1);
	return v;
}

static HPHONE open_phone(struct inbox *in, DWORD privilege, DWORD_PTR instance)
{
	HPHONE h = 0;

	assert_int_equal(phoneOpen(in->app, 0, &h, negotiate(in, 0), 0, instance, privilege), 0);
	assert_int_not_equal(h, 0);
	return h;
}

/* --- registration ----------------------------------------------------------------------- */

static void test_registration_errors(void **state)
{
	PHONEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					   .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	PHONEMESSAGE m;
	HPHONEAPP h;
	DWORD n, v = TAPI_CURRENT_VERSION;
	(void)state;

	use_380c("replay", NULL);
	/* before any registration, as Windows answers */
	assert_int_equal(phoneShutdown(1), PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneSetLamp(1, 20, PHONELAMPMODE_STEADY), PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetMessage(1, &m, 0), PHONEERR_UNINITIALIZED);
	/* null handle, count, version or parameters */
	assert_int_equal(phoneInitializeExA(NULL, NULL, NULL, "x", &n, &v, &params),
			 PHONEERR_INVALPOINTER);
	assert_int_equal(phoneInitializeExA(&h, NULL, NULL, "x", NULL, &v, &params),
			 PHONEERR_INVALPOINTER);
	assert_int_equal(phoneInitializeExA(&h, NULL, NULL, "x", &n, NULL, &params),
			 PHONEERR_INVALPOINTER);
	assert_int_equal(phoneInitializeExA(&h, NULL, NULL, "x", &n, &v, NULL),
			 PHONEERR_INVALPOINTER);
	params.dwTotalSize = 16;
	assert_int_equal(phoneInitializeExA(&h, NULL, NULL, "x", &n, &v, &params),
			 PHONEERR_STRUCTURETOOSMALL);
	params.dwTotalSize = sizeof(params);
	/* Win32 mechanisms are refused */
	params.dwOptions = PHONEINITIALIZEEXOPTION_USEHIDDENWINDOW;
	assert_int_equal(phoneInitializeExA(&h, NULL, NULL, "x", &n, &v, &params),
			 PHONEERR_INVALPARAM);
	params.dwOptions = PHONEINITIALIZEEXOPTION_USECOMPLETIONPORT;
	assert_int_equal(phoneInitializeExA(&h, NULL, NULL, "x", &n, &v, &params),
			 PHONEERR_INVALPARAM);
	params.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	/* not UTF-8 */
	assert_int_equal(phoneInitializeExA(&h, NULL, NULL, "\xff\xfe", &n, &v, &params),
			 PHONEERR_INVALAPPNAME);
	v = TAPI_VERSION1_4;
	assert_int_equal(phoneInitializeExA(&h, NULL, NULL, "x", &n, &v, &params),
			 PHONEERR_INCOMPATIBLEAPIVERSION);
	/* nothing was registered by the failures */
	assert_int_equal(phoneShutdown(1), PHONEERR_UNINITIALIZED);

	struct inbox *a = app("first", 1);
	assert_int_equal(phoneShutdown(a->app + 1), PHONEERR_INVALAPPHANDLE);
	assert_int_equal(phoneShutdown(0), PHONEERR_INVALAPPHANDLE);
	h = a->app;
	end_app(a);
	/* the last registration gone: uninitialised again, and the old handle means nothing */
	assert_int_equal(phoneShutdown(h), PHONEERR_UNINITIALIZED);
	a = app("second", 1);
	assert_int_equal(phoneShutdown(h), PHONEERR_INVALAPPHANDLE);
	assert_int_equal(phoneGetMessage(h, &m, 0), PHONEERR_INVALAPPHANDLE);
	assert_int_equal(phoneGetMessage(a->app, NULL, 0), PHONEERR_INVALPOINTER);
}

static void test_providers_variable(void **state)
{
	char providers[600];
	(void)state;

	use_380c("replay", NULL);
	/* A provider that does not load is logged and skipped; the others serve. */
	snprintf(providers, sizeof(providers), "%s/missing.tsp:%s:/etc/hostname", tmpdir,
		 TEST_PROVIDER);
	setenv("TAPI_PROVIDERS", providers, 1);
	struct inbox *a = app("skips", 1);
	end_app(a);
	setenv("TAPI_PROVIDERS", "/nonexistent.tsp", 1);
	a = app("none", 0);
	/* two copies of one provider in one process would share its state: not tried */
}

/* --- two applications on one phone ------------------------------------------------------ */

static void test_owner_and_monitor(void **state)
{
	struct inbox *own, *mon;
	HPHONE ho, hm, h2;
	DWORD v;
	(void)state;

	use_380c("replay", link380c_plays);
	own = app("Owner App", 1);
	mon = app("Monitor Äpp", 1);
	v = negotiate(own, 0);
	ho = open_phone(own, PHONEPRIVILEGE_OWNER, 0x11);
	assert_int_equal(phoneSetStatusMessages(ho, HOOKS | PHONESTATE_OWNER | PHONESTATE_MONITORS,
						ALL_MODES, UPDOWN), 0);
	hm = open_phone(mon, PHONEPRIVILEGE_MONITOR, 0x22);
	assert_int_equal(phoneSetStatusMessages(hm, HOOKS | PHONESTATE_OWNER | PHONESTATE_MONITORS,
						ALL_MODES, PHONEBUTTONSTATE_DOWN), 0);
	/* a second owner is refused; any number of monitors; exactly one privilege flag */
	assert_int_equal(phoneOpen(mon->app, 0, &h2, v, 0, 0, PHONEPRIVILEGE_OWNER),
			 PHONEERR_INVALPRIVILEGE);
	assert_int_equal(phoneOpen(mon->app, 0, &h2, v, 0, 0, PHONEPRIVILEGE_OWNER |
				   PHONEPRIVILEGE_MONITOR), PHONEERR_INVALPRIVILEGE);
	assert_int_equal(phoneOpen(mon->app, 0, &h2, v, 0, 0, 0), PHONEERR_INVALPRIVILEGE);
	assert_int_equal(phoneOpen(own->app, 0, &h2, v, 0, 0, PHONEPRIVILEGE_MONITOR), 0);
	assert_int_equal(phoneClose(h2), 0);

	/* the owner heard the monitor come (and the extra one come and go) */
	long i = inbox_wait(own, PHONE_STATE, PHONESTATE_MONITORS, WAIT_MS);
	assert_true(i >= 0);
	assert_int_equal(own->m[i].hDevice, ho);
	assert_int_equal(own->m[i].dwCallbackInstance, 0x11);
	assert_int_equal(own->m[i].dwParam2, 1);

	/* both see the hook and the keys, each through its own filter */
	assert_true(inbox_wait(own, PHONE_STATE, PHONESTATE_HEADSETHOOKSWITCH, WAIT_MS) >= 0);
	assert_true(inbox_wait(mon, PHONE_STATE, PHONESTATE_HEADSETHOOKSWITCH, WAIT_MS) >= 0);
	assert_true(inbox_wait(own, PHONE_BUTTON, 5, WAIT_MS) >= 0);
	i = inbox_wait(mon, PHONE_BUTTON, 5, WAIT_MS);
	assert_true(i >= 0);
	assert_int_equal(mon->m[i].hDevice, hm);
	assert_int_equal(mon->m[i].dwCallbackInstance, 0x22);
	assert_int_equal(mon->m[i].dwParam2, PHONEBUTTONMODE_KEYPAD);
	assert_int_equal(mon->m[i].dwParam3, PHONEBUTTONSTATE_DOWN);
	/*
	 * The whole recording first (under valgrind on a loaded machine two of its reports
	 * may come more than 300 ms apart), then nothing more.
	 */
	inbox_wait_count(own, PHONE_BUTTON, ANY, 4, WAIT_MS);
	inbox_wait_count(mon, PHONE_STATE, PHONESTATE_HEADSETHOOKSWITCH, 2, WAIT_MS);
	inbox_drain(own, 300);
	inbox_drain(mon, 300);
	/* key 5 and Mute: down and up for the owner, down only for the monitor */
	assert_int_equal(inbox_count(own, PHONE_BUTTON, ANY), 4);
	assert_int_equal(inbox_count(mon, PHONE_BUTTON, ANY), 2);
	assert_int_equal(inbox_count(mon, PHONE_STATE, PHONESTATE_HEADSETHOOKSWITCH), 2);

	/* the monitor may not light a lamp; the owner gets a request id and one reply */
	assert_int_equal(phoneSetLamp(hm, 20, PHONELAMPMODE_STEADY), PHONEERR_NOTOWNER);
	LONG id = phoneSetLamp(ho, 20, PHONELAMPMODE_STEADY);
	assert_true(id > 0);
	i = inbox_wait(own, PHONE_REPLY, (DWORD_PTR)id, WAIT_MS);
	assert_true(i >= 0);
	assert_int_equal(own->m[i].dwParam2, 0);
	inbox_drain(own, 200);
	inbox_drain(mon, 0);
	assert_int_equal(inbox_count(own, PHONE_REPLY, ANY), 1);
	assert_int_equal(inbox_count(mon, PHONE_REPLY, ANY), 0);
	DWORD mode = 0;
	assert_int_equal(phoneGetLamp(hm, 20, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_STEADY);

	/* PHONESTATUS: one owner, one monitor, the owner's name, no SET features for monitors */
	uint8_t buf[1024];
	LPPHONESTATUS st = (LPPHONESTATUS)buf;
	st->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetStatusA(hm, st), 0);
	assert_int_equal(st->dwNumOwners, 1);
	assert_int_equal(st->dwNumMonitors, 1);
	assert_int_equal(st->dwOwnerNameSize, sizeof("Owner App"));
	assert_memory_equal(buf + st->dwOwnerNameOffset, "Owner App", sizeof("Owner App"));
	assert_int_equal(st->dwPhoneFeatures & PHONEFEATURE_SETLAMP, 0);
	assert_true(st->dwPhoneFeatures & PHONEFEATURE_GETLAMP);
	assert_int_equal(st->dwUsedSize, st->dwNeededSize);
	st->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetStatusW(ho, st), 0);
	assert_int_equal(st->dwOwnerNameSize, 20);
	assert_int_equal(((WCHAR *)(buf + st->dwOwnerNameOffset))[0], 'O');
	assert_int_equal(((WCHAR *)(buf + st->dwOwnerNameOffset))[9], 0);
	assert_true(st->dwPhoneFeatures & PHONEFEATURE_SETLAMP);
	/* too small for the fixed part; then just the fixed part */
	st->dwTotalSize = sizeof(PHONESTATUS) - 1;
	assert_int_equal(phoneGetStatusA(ho, st), PHONEERR_STRUCTURETOOSMALL);
	st->dwTotalSize = sizeof(PHONESTATUS);
	assert_int_equal(phoneGetStatusA(ho, st), 0);
	assert_true(st->dwNeededSize > sizeof(PHONESTATUS));
	assert_int_equal(st->dwUsedSize, sizeof(PHONESTATUS));
	assert_int_equal(st->dwOwnerNameSize, 0);

	/* ownership passes on close: the monitor hears it, then may own the phone */
	own->n = mon->n = 0;
	assert_int_equal(phoneClose(ho), 0);
	i = inbox_wait(mon, PHONE_STATE, PHONESTATE_OWNER, WAIT_MS);
	assert_true(i >= 0);
	assert_int_equal(mon->m[i].dwParam2, 0);
	/* phoneClose's page: the closing application gets PHONE_CLOSE */
	assert_true(inbox_wait(own, PHONE_CLOSE, ANY, WAIT_MS) >= 0);
	assert_int_equal(phoneSetLamp(ho, 20, PHONELAMPMODE_OFF), PHONEERR_INVALPHONEHANDLE);
	h2 = open_phone(mon, PHONEPRIVILEGE_OWNER, 0x33);
	assert_true(phoneSetLamp(h2, 20, PHONELAMPMODE_OFF) > 0);
	st->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetStatusA(hm, st), 0);
	assert_int_equal(st->dwNumOwners, 1);
	assert_int_equal(st->dwNumMonitors, 1);
	assert_memory_equal(buf + st->dwOwnerNameOffset, "Monitor \xc3\x84pp", 12);
	assert_int_equal(phoneGetStatusMessages(h2, &v, &v, &v), 0);
	assert_int_equal(v, 0);    /* a new open starts with no status messages */
}

/* Every function that changes the phone, from a monitor. */
static void test_notowner(void **state)
{
	struct inbox *mon;
	HPHONE hm;
	PHONEBUTTONINFO bi = { .dwTotalSize = sizeof(bi) };
	(void)state;

	use_380c("replay", NULL);
	mon = app("monitor", 1);
	hm = open_phone(mon, PHONEPRIVILEGE_MONITOR, 0);
	assert_int_equal(phoneSetLamp(hm, 20, PHONELAMPMODE_STEADY), PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetRing(hm, 0, 0), PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetHookSwitch(hm, PHONEHOOKSWITCHDEV_HEADSET,
					    PHONEHOOKSWITCHMODE_MICSPEAKER), PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetVolume(hm, PHONEHOOKSWITCHDEV_HEADSET, 100), PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetGain(hm, PHONEHOOKSWITCHDEV_HEADSET, 100), PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetDisplay(hm, 0, 0, "hi", 2), PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetButtonInfoA(hm, 20, &bi), PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetButtonInfoW(hm, 20, &bi), PHONEERR_NOTOWNER);
	/* reading is fine */
	DWORD devs = 99;
	assert_int_equal(phoneGetHookSwitch(hm, &devs), 0);
	assert_int_equal(devs, 0);
	inbox_drain(mon, 0);
	assert_int_equal(inbox_count(mon, PHONE_REPLY, ANY), 0);
}

/* --- requests and replies --------------------------------------------------------------- */

static void test_one_reply_per_request(void **state)
{
	struct inbox *own;
	HPHONE h;
	LONG ids[60];
	(void)state;

	use_380c("replay", NULL);
	own = app("owner", 1);
	h = open_phone(own, PHONEPRIVILEGE_OWNER, 7);
	for (int i = 0; i < 60; i++) {
		ids[i] = phoneSetLamp(h, i % 2 ? 28 : 20, i % 3 ? PHONELAMPMODE_STEADY :
				      PHONELAMPMODE_OFF);
		assert_true(ids[i] > 0);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(ids[i], ids[j]);
	}
	/* errors the provider finds are returned, and no reply follows them */
	assert_int_equal(phoneSetLamp(h, 999, PHONELAMPMODE_STEADY), PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(phoneSetLamp(h, 20, PHONELAMPMODE_STEADY | PHONELAMPMODE_OFF),
			 PHONEERR_INVALLAMPMODE);
	assert_int_equal(phoneSetLamp(h, 20, 0), PHONEERR_INVALLAMPMODE);
	assert_int_equal(phoneSetHookSwitch(h, 0, PHONEHOOKSWITCHMODE_ONHOOK),
			 PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(phoneSetHookSwitch(h, PHONEHOOKSWITCHDEV_HEADSET, 3),
			 PHONEERR_INVALHOOKSWITCHMODE);
	assert_int_equal(phoneSetVolume(h, 3, 0), PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(phoneSetDisplay(h, 0, 0, NULL, 4), PHONEERR_INVALPOINTER);
	inbox_drain(own, 300);
	assert_int_equal(inbox_count(own, PHONE_REPLY, ANY), 60);
	for (int i = 0; i < 60; i++) {
		long k = inbox_wait(own, PHONE_REPLY, (DWORD_PTR)ids[i], 0);

		assert_true(k >= 0);
		assert_int_equal(own->m[k].dwParam2, 0);
		assert_int_equal(own->m[k].dwCallbackInstance, 7);
		assert_int_equal(inbox_count(own, PHONE_REPLY, (DWORD_PTR)ids[i]), 1);
	}
}

/* The owner's other requests, each answered once, and what the provider refuses at once. */
static void test_owner_requests(void **state)
{
	struct inbox *own;
	HPHONE h;
	DWORD mode = 0, vol = 0, devs = 0;
	LONG ring, hook;
	uint8_t buf[256];
	LPPHONEBUTTONINFO bi = (LPPHONEBUTTONINFO)buf;
	static const WCHAR dev_class[] = { 'w', 'a', 'v', 'e', '/', 'i', 'n', 0 };
	static const WCHAR tapi_phone[] = { 'T', 'A', 'P', 'I', '/', 'P', 'h', 'o', 'n', 'e', 0 };
	(void)state;

	use_380c("replay", NULL);
	own = app("owner", 1);
	h = open_phone(own, PHONEPRIVILEGE_OWNER, 0);
	ring = phoneSetRing(h, 1, 0x12345);     /* volume above 0xFFFF: the loudest */
	hook = phoneSetHookSwitch(h, PHONEHOOKSWITCHDEV_HEADSET, PHONEHOOKSWITCHMODE_MICSPEAKER);
	assert_true(ring > 0 && hook > 0 && ring != hook);
	assert_true(inbox_wait(own, PHONE_REPLY, (DWORD_PTR)ring, WAIT_MS) >= 0);
	assert_true(inbox_wait(own, PHONE_REPLY, (DWORD_PTR)hook, WAIT_MS) >= 0);
	assert_int_equal(phoneGetRing(h, &mode, &vol), 0);
	assert_int_equal(mode, 1);
	assert_int_equal(vol, 0xFFFF);
	assert_int_equal(phoneGetHookSwitch(h, &devs), 0);
	assert_int_equal(devs, PHONEHOOKSWITCHDEV_HEADSET);
	/* a USB phone's key labels are its firmware's: refused by the provider, no reply */
	memset(buf, 0, sizeof(buf));
	bi->dwTotalSize = sizeof(PHONEBUTTONINFO) + 6;
	bi->dwButtonMode = PHONEBUTTONMODE_FEATURE;
	bi->dwButtonTextSize = 6;
	bi->dwButtonTextOffset = sizeof(PHONEBUTTONINFO);
	memcpy(buf + sizeof(PHONEBUTTONINFO), "Mute!", 6);
	assert_int_equal(phoneSetButtonInfoA(h, 20, bi), PHONEERR_OPERATIONUNAVAIL);
	/* text outside the structure it comes in */
	bi->dwButtonTextOffset = 200;
	assert_int_equal(phoneSetButtonInfoA(h, 20, bi), PHONEERR_STRUCTURETOOSMALL);
	bi->dwTotalSize = 8;
	assert_int_equal(phoneSetButtonInfoW(h, 20, bi), PHONEERR_STRUCTURETOOSMALL);
	assert_int_equal(phoneSetButtonInfoW(h, 20, NULL), PHONEERR_INVALPOINTER);
	/* no display on this headset */
	assert_int_equal(phoneSetDisplay(h, 0, 0, "hi", 2), PHONEERR_OPERATIONUNAVAIL);
	/* GetID: TAPI's own class in any case; the provider has no other */
	LPVARSTRING vs = (LPVARSTRING)buf;
	vs->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetIDW(h, vs, tapi_phone), 0);
	assert_int_equal(*(DWORD *)(buf + vs->dwStringOffset), 0);
	vs->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetIDW(h, vs, dev_class), PHONEERR_INVALDEVICECLASS);
	vs->dwTotalSize = 10;
	assert_int_equal(phoneGetIDA(h, vs, "tapi/phone"), PHONEERR_STRUCTURETOOSMALL);
	inbox_drain(own, 200);
	assert_int_equal(inbox_count(own, PHONE_REPLY, ANY), 2);
}

/* Replies outstanding at phoneClose are suppressed: none arrives after the close. */
static void test_suppressed_replies(void **state)
{
	struct inbox *own, *mon;
	HPHONE h;
	LONG last = 0;
	(void)state;

	use_380c("replay", NULL);
	own = app("owner", 1);
	mon = app("monitor", 1);
	/* the monitor keeps the provider's phone open across the owner's close */
	(void)open_phone(mon, PHONEPRIVILEGE_MONITOR, 0);
	for (int round = 0; round < 20; round++) {
		h = open_phone(own, PHONEPRIVILEGE_OWNER, 0);
		for (int i = 0; i < 20; i++) {
			last = phoneSetLamp(h, 20, i % 2 ? PHONELAMPMODE_STEADY : PHONELAMPMODE_OFF);
			assert_true(last > 0);
		}
		assert_int_equal(phoneClose(h), 0);
	}
	inbox_drain(own, 300);
	/* after each PHONE_CLOSE, no reply to a request of that handle */
	HPHONE closed[20];
	size_t n_closed = 0;
	for (size_t i = 0; i < own->n; i++) {
		if (own->m[i].dwMessageID == PHONE_CLOSE) {
			closed[n_closed++] = own->m[i].hDevice;
			continue;
		}
		if (own->m[i].dwMessageID == PHONE_REPLY) {
			for (size_t c = 0; c < n_closed; c++)
				assert_int_not_equal(own->m[i].hDevice, closed[c]);
		}
	}
	assert_int_equal(n_closed, 20);
	assert_true(inbox_count(own, PHONE_REPLY, ANY) <= 400);
	for (size_t i = 0; i < own->n; i++)
		if (own->m[i].dwMessageID == PHONE_REPLY)
			assert_int_equal(inbox_count(own, PHONE_REPLY, own->m[i].dwParam1), 1);
	fprintf(stderr, "  %zu of 400 replies came before their phone was closed\n",
		inbox_count(own, PHONE_REPLY, ANY));
}

/* --- forced close and removal ----------------------------------------------------------- */

static void test_unplug(void **state)
{
	struct inbox *own, *mon, *idle;
	HPHONE ho, hm;
	DWORD v = 0;
	(void)state;

	use_380c("replay+fast+unplug", link380c_plays);
	own = app("owner", 1);
	mon = app("monitor", 1);
	idle = app("idle", 1);
	ho = open_phone(own, PHONEPRIVILEGE_OWNER, 1);
	hm = open_phone(mon, PHONEPRIVILEGE_MONITOR, 2);
	assert_int_equal(phoneSetStatusMessages(ho, HOOKS, 0, 0), 0);
	/* every application that had it open hears PHONE_CLOSE; every one hears PHONE_REMOVE */
	long c = inbox_wait(own, PHONE_CLOSE, ANY, WAIT_MS);
	assert_true(c >= 0);
	assert_int_equal(own->m[c].hDevice, ho);
	assert_int_equal(own->m[c].dwCallbackInstance, 1);
	c = inbox_wait(mon, PHONE_CLOSE, ANY, WAIT_MS);
	assert_true(c >= 0);
	assert_int_equal(mon->m[c].hDevice, hm);
	assert_true(inbox_wait(own, PHONE_REMOVE, 0, WAIT_MS) >= 0);
	assert_true(inbox_wait(mon, PHONE_REMOVE, 0, WAIT_MS) >= 0);
	assert_true(inbox_wait(idle, PHONE_REMOVE, 0, WAIT_MS) >= 0);
	assert_int_equal(inbox_count(idle, PHONE_CLOSE, ANY), 0);
	/* the handles are dead, the device is gone */
	assert_int_equal(phoneGetHookSwitch(hm, &v), PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneSetLamp(ho, 20, PHONELAMPMODE_STEADY), PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneClose(ho), PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneOpen(own->app, 0, &ho, TAPI_VERSION3_1, 0, 0, PHONEPRIVILEGE_OWNER),
			 PHONEERR_NODEVICE);
	uint8_t buf[512];
	((LPPHONECAPS)buf)->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetDevCapsA(own->app, 0, TAPI_VERSION3_1, 0, (LPPHONECAPS)buf),
			 PHONEERR_NODEVICE);
	assert_int_equal(phoneGetDevCapsA(own->app, 1, TAPI_VERSION3_1, 0, (LPPHONECAPS)buf),
			 PHONEERR_BADDEVICEID);
}

/* --- notification ----------------------------------------------------------------------- */

static bool readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

static void test_event_fd(void **state)
{
	struct inbox *own;
	PHONEMESSAGE m;
	HPHONE h;
	(void)state;

	use_380c("replay", NULL);
	own = app("owner", 1);
	assert_false(readable(own->fd, 0));
	h = open_phone(own, PHONEPRIVILEGE_OWNER, 0);
	assert_false(readable(own->fd, 50));
	LONG a = phoneSetLamp(h, 20, PHONELAMPMODE_STEADY);
	LONG b = phoneSetLamp(h, 28, PHONELAMPMODE_STEADY);
	assert_true(a > 0 && b > 0);
	/* readable exactly while the queue holds a message */
	assert_true(readable(own->fd, WAIT_MS));
	usleep(100 * 1000);
	assert_int_equal(phoneGetMessage(own->app, &m, 0), 0);
	assert_int_equal(m.dwMessageID, PHONE_REPLY);
	assert_true(readable(own->fd, 0));
	assert_int_equal(phoneGetMessage(own->app, &m, 0), 0);
	assert_false(readable(own->fd, 0));
	assert_int_equal(phoneGetMessage(own->app, &m, 0), PHONEERR_OPERATIONFAILED);
	assert_false(readable(own->fd, 0));
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct waiter {
	HPHONEAPP app;
	LONG rc;
	uint64_t ms;
};

static void *wait_forever(void *data)
{
	struct waiter *w = data;
	PHONEMESSAGE m;
	uint64_t t0 = now_ms();

	w->rc = phoneGetMessage(w->app, &m, 0xFFFFFFFFu);
	w->ms = now_ms() - t0;
	return NULL;
}

static void test_get_message_timeout_and_wakeup(void **state)
{
	struct inbox *a, *b;
	struct waiter w;
	PHONEMESSAGE m;
	pthread_t t;
	uint64_t t0;
	(void)state;

	use_380c("replay", NULL);
	a = app("waits", 1);
	b = app("shuts down", 1);
	t0 = now_ms();
	assert_int_equal(phoneGetMessage(a->app, &m, 150), PHONEERR_OPERATIONFAILED);
	assert_true(now_ms() - t0 >= 150);
	assert_true(now_ms() - t0 < 150 + 1000);
	/* phoneShutdown from another thread ends an infinite wait */
	w = (struct waiter){ .app = b->app };
	assert_int_equal(pthread_create(&t, NULL, wait_forever, &w), 0);
	usleep(200 * 1000);
	HPHONEAPP gone = b->app;
	end_app(b);
	pthread_join(t, NULL);
	assert_int_equal(w.rc, PHONEERR_INVALAPPHANDLE);
	assert_true(w.ms >= 150);
	assert_int_equal(phoneGetMessage(gone, &m, 0), PHONEERR_INVALAPPHANDLE);
	/* and the other registration is untouched */
	assert_int_equal(phoneGetMessage(a->app, &m, 0), PHONEERR_OPERATIONFAILED);
}

/* --- arguments -------------------------------------------------------------------------- */

static void test_bad_handles_and_pointers(void **state)
{
	struct inbox *a;
	HPHONE h, dead;
	DWORD v, x;
	uint8_t buf[2048];
	LPPHONECAPS caps = (LPPHONECAPS)buf;
	PHONEEXTENSIONID ext;
	(void)state;

	use_380c("replay", NULL);
	a = app("args", 1);
	/* handles of the wrong kind, zero, closed */
	assert_int_equal(phoneClose(0), PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneClose(a->app), PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneOpen(0, 0, &h, TAPI_VERSION3_1, 0, 0, PHONEPRIVILEGE_OWNER),
			 PHONEERR_INVALAPPHANDLE);
	h = open_phone(a, PHONEPRIVILEGE_OWNER, 0);
	assert_int_equal(phoneShutdown(h), PHONEERR_INVALAPPHANDLE);
	dead = h;
	assert_int_equal(phoneClose(h), 0);
	assert_int_equal(phoneClose(dead), PHONEERR_INVALPHONEHANDLE);
	h = open_phone(a, PHONEPRIVILEGE_OWNER, 0);
	assert_int_not_equal(h, dead);
	assert_int_equal(phoneGetLamp(dead, 20, &v), PHONEERR_INVALPHONEHANDLE);
	/* devices and versions */
	assert_int_equal(phoneOpen(a->app, 1, &h, TAPI_VERSION3_1, 0, 0, PHONEPRIVILEGE_MONITOR),
			 PHONEERR_BADDEVICEID);
	assert_int_equal(phoneOpen(a->app, 0, &h, 0x00020005, 0, 0, PHONEPRIVILEGE_MONITOR),
			 PHONEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(phoneOpen(a->app, 0, &h, TAPI_VERSION3_1, 1, 0, PHONEPRIVILEGE_MONITOR),
			 PHONEERR_INCOMPATIBLEEXTVERSION);
	assert_int_equal(phoneOpen(a->app, 0, NULL, TAPI_VERSION3_1, 0, 0, PHONEPRIVILEGE_MONITOR),
			 PHONEERR_INVALPOINTER);
	assert_int_equal(phoneNegotiateAPIVersion(a->app, 0, TAPI_VERSION1_0, TAPI_VERSION1_4, &v,
						  &ext), PHONEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(phoneNegotiateAPIVersion(a->app, 0, TAPI_VERSION2_0, TAPI_VERSION2_1, &v,
						  &ext), 0);
	assert_int_equal(v, TAPI_VERSION2_1);
	assert_int_equal(phoneNegotiateAPIVersion(a->app, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, NULL,
						  &ext), PHONEERR_INVALPOINTER);
	assert_int_equal(phoneNegotiateAPIVersion(a->app, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, &v,
						  NULL), PHONEERR_INVALPOINTER);
	assert_int_equal(phoneNegotiateAPIVersion(a->app, 7, TAPI_VERSION2_0, TAPI_VERSION3_1, &v,
						  &ext), PHONEERR_BADDEVICEID);
	/* pointers */
	assert_int_equal(phoneGetLamp(h, 20, NULL), PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetRing(h, &v, NULL), PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetHookSwitch(h, NULL), PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetVolume(h, PHONEHOOKSWITCHDEV_HEADSET, NULL), PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetGain(h, PHONEHOOKSWITCHDEV_HEADSET, NULL), PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetStatusA(h, NULL), PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetDisplay(h, NULL), PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetButtonInfoA(h, 20, NULL), PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetStatusMessages(h, &v, NULL, &x), PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetDevCapsA(a->app, 0, TAPI_VERSION3_1, 0, NULL),
			 PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetIDA(h, (LPVARSTRING)buf, NULL), PHONEERR_INVALPOINTER);
	/* filters */
	assert_int_equal(phoneSetStatusMessages(h, 0x01000000, 0, 0), PHONEERR_INVALPHONESTATE);
	assert_int_equal(phoneSetStatusMessages(h, 0, 0x40, 1), PHONEERR_INVALBUTTONMODE);
	assert_int_equal(phoneSetStatusMessages(h, 0, PHONEBUTTONMODE_KEYPAD, 0),
			 PHONEERR_INVALBUTTONSTATE);
	assert_int_equal(phoneSetStatusMessages(h, 0, PHONEBUTTONMODE_KEYPAD, 0x10),
			 PHONEERR_INVALBUTTONSTATE);
	/* capabilities: sizes by version, strings by A/W, the states TAPI adds */
	caps->dwTotalSize = sizeof(PHONECAPS) - 1;
	assert_int_equal(phoneGetDevCapsA(a->app, 0, TAPI_VERSION3_1, 0, caps),
			 PHONEERR_STRUCTURETOOSMALL);
	caps->dwTotalSize = offsetof(PHONECAPS, PermanentPhoneGuid);
	assert_int_equal(phoneGetDevCapsA(a->app, 0, TAPI_VERSION2_0, 0, caps), 0);
	assert_int_equal(caps->dwUsedSize, offsetof(PHONECAPS, PermanentPhoneGuid));
	assert_true(caps->dwNeededSize > offsetof(PHONECAPS, PermanentPhoneGuid));
	caps->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetDevCapsA(a->app, 0, TAPI_VERSION3_1, 0, caps), 0);
	assert_true(caps->dwPhoneStates & PHONESTATE_OWNER);
	assert_true(caps->dwPhoneStates & PHONESTATE_MONITORS);
	assert_int_equal(caps->dwPhoneNameSize, sizeof("Jabra Link 380"));
	assert_string_equal((char *)buf + caps->dwPhoneNameOffset, "Jabra Link 380");
	assert_int_equal(caps->dwNeededSize, caps->dwUsedSize);
	caps->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetDevCapsW(a->app, 0, TAPI_VERSION3_1, 0, caps), 0);
	assert_int_equal(caps->dwPhoneNameSize, 2 * sizeof("Jabra Link 380"));
	assert_int_equal(((WCHAR *)(buf + caps->dwPhoneNameOffset))[6], 'L');
	/* button info: UTF-8 and UTF-16 text */
	LPPHONEBUTTONINFO bi = (LPPHONEBUTTONINFO)buf;
	bi->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetButtonInfoA(h, 5, bi), 0);
	assert_int_equal(bi->dwButtonMode, PHONEBUTTONMODE_KEYPAD);
	assert_int_equal(bi->dwButtonTextSize, 2);
	assert_string_equal((char *)buf + bi->dwButtonTextOffset, "5");
	bi->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetButtonInfoW(h, 5, bi), 0);
	assert_int_equal(bi->dwButtonTextSize, 4);
	bi->dwTotalSize = 20;
	assert_int_equal(phoneGetButtonInfoA(h, 5, bi), PHONEERR_STRUCTURETOOSMALL);
	/* the phone's TAPI id, answered by TAPI itself */
	LPVARSTRING vs = (LPVARSTRING)buf;
	vs->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetIDA(h, vs, "tapi/phone"), 0);
	assert_int_equal(vs->dwStringFormat, STRINGFORMAT_BINARY);
	assert_int_equal(vs->dwStringSize, 4);
	assert_int_equal(*(DWORD *)(buf + vs->dwStringOffset), 0);
	vs->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetIDA(h, vs, ""), PHONEERR_INVALDEVICECLASS);
}

#define TEST(fn) cmocka_unit_test_teardown(fn, shut_down)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_registration_errors),
		TEST(test_providers_variable),
		TEST(test_owner_and_monitor),
		TEST(test_notowner),
		TEST(test_one_reply_per_request),
		TEST(test_owner_requests),
		TEST(test_suppressed_replies),
		TEST(test_unplug),
		TEST(test_event_fd),
		TEST(test_get_message_timeout_and_wakeup),
		TEST(test_bad_handles_and_pointers),
	};
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hidphone-tapi-test-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	setenv("HIDPHONE_LOG", "error", 0);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_remove_dir(tmpdir);
	return rc;
}
