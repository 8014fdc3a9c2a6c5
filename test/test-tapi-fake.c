/*
 * libtapi32 over a provider the test controls (test-tapi-fake-tsp.c): requests that stay
 * outstanding, phones announced and removed, forced closes, and what reaches the provider.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "tapi.h"
#include "test-tapi-util.h"

#define ANY ((DWORD_PTR)~0u)

static struct {
	void *dl;
	size_t (*pending)(void);
	void (*complete_all)(LONG result);
	void (*create_phone)(void);
	void (*remove_phone)(DWORD id);
	void (*force_close)(DWORD id);
	void (*event)(DWORD id, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3);
	void (*counts)(int *o, int *c, DWORD *states, DWORD *modes, DWORD *bstates);
} fake;

static struct inbox a, b;

/* Two registrations; the fake is the provider libtapi32 loaded, reached by its own name. */
static int start(void **state)
{
	DWORD n;

	(void)state;
	setenv("TAPI_PROVIDERS", FAKE_TSP, 1);
	inbox_init(&a, "app a", &n);
	assert_int_equal(n, 1);
	inbox_init(&b, "app b", &n);
	fake.dl = dlopen(FAKE_TSP, RTLD_NOW | RTLD_NOLOAD);
	assert_non_null(fake.dl);
#define GET(name) *(void **)&fake.name = dlsym(fake.dl, "fake_" #name); assert_non_null(fake.name)
	GET(pending);
	GET(complete_all);
	GET(create_phone);
	GET(remove_phone);
	GET(force_close);
	GET(event);
	GET(counts);
#undef GET
	return 0;
}

static int stop(void **state)
{
	(void)state;
	dlclose(fake.dl);
	assert_int_equal(phoneShutdown(a.app), 0);
	assert_int_equal(phoneShutdown(b.app), 0);
	return 0;
}

static HPHONE open_phone(struct inbox *in, DWORD id, DWORD privilege)
{
	HPHONE h = 0;

	assert_int_equal(phoneOpen(in->app, id, &h, TAPI_VERSION3_1, 0, 0, privilege), 0);
	return h;
}

/* The provider's phone is opened once, closed after the last close, and gets the union. */
static void test_open_once_and_union(void **state)
{
	int opens, closes;
	DWORD st, modes, bst;
	HPHONE ha, hb;
	(void)state;

	ha = open_phone(&a, 0, PHONEPRIVILEGE_OWNER);
	hb = open_phone(&b, 0, PHONEPRIVILEGE_MONITOR);
	assert_int_equal(phoneSetStatusMessages(ha, PHONESTATE_LAMP | PHONESTATE_OWNER, 0, 0), 0);
	assert_int_equal(phoneSetStatusMessages(hb, PHONESTATE_HANDSETHOOKSWITCH,
						PHONEBUTTONMODE_KEYPAD, PHONEBUTTONSTATE_DOWN), 0);
	fake.counts(&opens, &closes, &st, &modes, &bst);
	assert_int_equal(opens, 1);
	assert_int_equal(closes, 0);
	/* OWNER and MONITORS are TAPI's own: not asked of the provider */
	assert_int_equal(st, PHONESTATE_LAMP | PHONESTATE_HANDSETHOOKSWITCH);
	assert_int_equal(modes, PHONEBUTTONMODE_KEYPAD);
	assert_int_equal(bst, PHONEBUTTONSTATE_DOWN);
	/* each application gets what it asked for */
	fake.event(0, PHONE_STATE, PHONESTATE_LAMP, 0, 0);
	fake.event(0, PHONE_BUTTON, 3, PHONEBUTTONMODE_KEYPAD, PHONEBUTTONSTATE_DOWN);
	fake.event(0, PHONE_BUTTON, 3, PHONEBUTTONMODE_KEYPAD, PHONEBUTTONSTATE_UP);
	fake.event(0, PHONE_STATE, PHONESTATE_REINIT, 0, 0);
	inbox_drain(&a, 50);
	inbox_drain(&b, 50);
	assert_int_equal(inbox_count(&a, PHONE_STATE, PHONESTATE_LAMP), 1);
	assert_int_equal(inbox_count(&a, PHONE_BUTTON, ANY), 0);
	assert_int_equal(inbox_count(&b, PHONE_STATE, PHONESTATE_LAMP), 0);
	assert_int_equal(inbox_count(&b, PHONE_BUTTON, ANY), 1);
	/* REINIT whatever the filter */
	assert_int_equal(inbox_count(&a, PHONE_STATE, PHONESTATE_REINIT), 1);
	assert_int_equal(inbox_count(&b, PHONE_STATE, PHONESTATE_REINIT), 1);
	assert_int_equal(phoneClose(hb), 0);
	fake.counts(&opens, &closes, &st, &modes, &bst);
	assert_int_equal(closes, 0);
	assert_int_equal(st, PHONESTATE_LAMP);
	assert_int_equal(modes, 0);
	assert_int_equal(phoneClose(ha), 0);
	fake.counts(&opens, &closes, &st, &modes, &bst);
	assert_int_equal(opens, 1);
	assert_int_equal(closes, 1);
	ha = open_phone(&a, 0, PHONEPRIVILEGE_MONITOR);
	fake.counts(&opens, &closes, &st, &modes, &bst);
	assert_int_equal(opens, 2);
	assert_int_equal(phoneClose(ha), 0);
}

/* Outstanding replies are suppressed at phoneClose; otherwise exactly one comes. */
static void test_suppressed_replies(void **state)
{
	HPHONE ha, hb;
	LONG id1, id2, id3;
	(void)state;

	ha = open_phone(&a, 0, PHONEPRIVILEGE_OWNER);
	hb = open_phone(&b, 0, PHONEPRIVILEGE_MONITOR);
	id1 = phoneSetLamp(ha, 1, PHONELAMPMODE_STEADY);
	id2 = phoneSetLamp(ha, 2, PHONELAMPMODE_STEADY);
	assert_true(id1 > 0 && id2 > 0 && id1 != id2);
	assert_int_equal(fake.pending(), 2);
	inbox_drain(&a, 0);
	assert_int_equal(inbox_count(&a, PHONE_REPLY, ANY), 0);
	/* the provider fails what it finds wrong at once: no request, no reply */
	assert_int_equal(phoneSetLamp(ha, 9, PHONELAMPMODE_STEADY), PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(phoneClose(ha), 0);
	fake.complete_all(0);
	inbox_drain(&a, 50);
	assert_int_equal(inbox_count(&a, PHONE_CLOSE, ANY), 1);
	assert_int_equal(inbox_count(&a, PHONE_REPLY, ANY), 0);
	/* a new owner's request: one reply, in its own queue only */
	ha = open_phone(&a, 0, PHONEPRIVILEGE_OWNER);
	id3 = phoneSetLamp(ha, 1, PHONELAMPMODE_OFF);
	assert_true(id3 > 0);
	fake.complete_all(PHONEERR_OPERATIONFAILED);
	fake.complete_all(0);    /* nothing left: nothing more */
	assert_true(inbox_wait(&a, PHONE_REPLY, (DWORD_PTR)id3, 1000) >= 0);
	inbox_drain(&a, 50);
	inbox_drain(&b, 0);
	assert_int_equal(inbox_count(&a, PHONE_REPLY, ANY), 1);
	assert_int_equal((LONG)a.m[inbox_wait(&a, PHONE_REPLY, ANY, 0)].dwParam2,
			 PHONEERR_OPERATIONFAILED);
	assert_int_equal(inbox_count(&b, PHONE_REPLY, ANY), 0);
	assert_int_equal(phoneClose(ha), 0);
	assert_int_equal(phoneClose(hb), 0);
}

/* A forced close reaches every application; a reply still outstanding still comes once. */
static void test_forced_close(void **state)
{
	HPHONE ha, hb;
	LONG id;
	DWORD mode;
	(void)state;

	ha = open_phone(&a, 0, PHONEPRIVILEGE_OWNER);
	hb = open_phone(&b, 0, PHONEPRIVILEGE_MONITOR);
	id = phoneSetLamp(ha, 1, PHONELAMPMODE_STEADY);
	assert_true(id > 0);
	fake.force_close(0);
	assert_true(inbox_wait(&a, PHONE_CLOSE, ANY, 1000) >= 0);
	assert_true(inbox_wait(&b, PHONE_CLOSE, ANY, 1000) >= 0);
	assert_int_equal(phoneGetLamp(hb, 1, &mode), PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneClose(ha), PHONEERR_INVALPHONEHANDLE);
	fake.complete_all(PHONEERR_OPERATIONFAILED);
	assert_true(inbox_wait(&a, PHONE_REPLY, (DWORD_PTR)id, 1000) >= 0);
	inbox_drain(&a, 50);
	assert_int_equal(inbox_count(&a, PHONE_REPLY, ANY), 1);
	/* the phone itself is still there: it opens again */
	ha = open_phone(&a, 0, PHONEPRIVILEGE_OWNER);
	assert_int_equal(phoneClose(ha), 0);
}

/* PHONE_CREATE gets the next id and reaches every application; PHONE_REMOVE too. */
static void test_create_and_remove(void **state)
{
	uint8_t buf[512];
	LPPHONECAPS caps = (LPPHONECAPS)buf;
	PHONEEXTENSIONID ext;
	HPHONE h;
	DWORD v;
	long i;
	(void)state;

	assert_int_equal(phoneOpen(a.app, 1, &h, TAPI_VERSION3_1, 0, 0, PHONEPRIVILEGE_OWNER),
			 PHONEERR_BADDEVICEID);
	fake.create_phone();
	i = inbox_wait(&a, PHONE_CREATE, ANY, 1000);
	assert_true(i >= 0);
	assert_int_equal(a.m[i].dwParam1, 1);
	assert_true(inbox_wait(&b, PHONE_CREATE, 1, 1000) >= 0);
	assert_int_equal(phoneNegotiateAPIVersion(b.app, 1, TAPI_VERSION2_0, TAPI_VERSION3_1, &v,
						  &ext), 0);
	caps->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetDevCapsW(b.app, 1, v, 0, caps), 0);
	assert_int_equal(caps->dwNumButtonLamps, 4);
	assert_int_equal(caps->dwPhoneStates,
			 PHONESTATE_LAMP | PHONESTATE_OWNER | PHONESTATE_MONITORS);
	h = open_phone(&b, 1, PHONEPRIVILEGE_OWNER);
	assert_true(phoneSetLamp(h, 0, PHONELAMPMODE_STEADY) > 0);
	fake.complete_all(0);
	fake.force_close(1);
	fake.remove_phone(1);
	assert_true(inbox_wait(&b, PHONE_CLOSE, ANY, 1000) >= 0);
	assert_true(inbox_wait(&a, PHONE_REMOVE, 1, 1000) >= 0);
	assert_true(inbox_wait(&b, PHONE_REMOVE, 1, 1000) >= 0);
	assert_int_equal(phoneOpen(a.app, 1, &h, TAPI_VERSION3_1, 0, 0, PHONEPRIVILEGE_OWNER),
			 PHONEERR_NODEVICE);
	/* the first phone is untouched */
	h = open_phone(&a, 0, PHONEPRIVILEGE_OWNER);
	assert_int_equal(phoneClose(h), 0);
}

/* Two providers: ids numbered across them, each phone served by its own. */
static void test_two_providers(void **state)
{
	uint8_t buf[1024];
	LPPHONECAPS caps = (LPPHONECAPS)buf;
	struct inbox c;
	HPHONE h0, h1;
	DWORD n, mode = 0;
	(void)state;

	setenv("TAPI_PROVIDERS", FAKE_TSP ":" TEST_PROVIDER, 1);
	setenv("HIDPHONE_DEVICES", "replay:" TEST_DATA_DIR "/recordings/jabra-link-380c-call.hid", 1);
	inbox_init(&c, "both", &n);
	assert_int_equal(n, 2);
	caps->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetDevCapsA(c.app, 0, TAPI_VERSION3_1, 0, caps), 0);
	assert_int_equal(caps->dwNumButtonLamps, 4);           /* the fake's */
	caps->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetDevCapsA(c.app, 1, TAPI_VERSION3_1, 0, caps), 0);
	assert_string_equal((char *)buf + caps->dwPhoneNameOffset, "Jabra Link 380");
	assert_int_equal(phoneOpen(c.app, 0, &h0, TAPI_VERSION3_1, 0, 0, PHONEPRIVILEGE_OWNER), 0);
	assert_int_equal(phoneOpen(c.app, 1, &h1, TAPI_VERSION3_1, 0, 0, PHONEPRIVILEGE_OWNER), 0);
	assert_true(phoneSetLamp(h1, 20, PHONELAMPMODE_STEADY) > 0);
	assert_int_equal(phoneGetLamp(h1, 20, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_STEADY);
	assert_int_equal(phoneGetLamp(h0, 1, &mode), 0);
	assert_int_equal(mode, 0);                             /* the fake's lamp untouched */
	assert_int_equal(phoneShutdown(c.app), 0);
	unsetenv("HIDPHONE_DEVICES");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_providers),
		cmocka_unit_test_setup_teardown(test_open_once_and_union, start, stop),
		cmocka_unit_test_setup_teardown(test_suppressed_replies, start, stop),
		cmocka_unit_test_setup_teardown(test_forced_close, start, stop),
		cmocka_unit_test_setup_teardown(test_create_and_remove, start, stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
