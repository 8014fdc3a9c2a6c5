/*
 * The line half of libtapi32 as applications see it: registrations and negotiation on the
 * line hidphone.tsp offers when its configuration (HIDPHONE_CONFIG) names one for a
 * replayed phone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tapi.h"
#include "test-tapi-util.h"
#include "test-util.h"

#define LINE_PORT 17310

static char tmpdir[256];

/* One replayed Jabra Link 380 and a line on it listening on 127.0.0.1:LINE_PORT. */
static void use_line(void)
{
	char path[512], devices[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/380c.hid", tmpdir);
	tapi_test_write_recording(path, "jabra-link-380c", "Jabra Link 380", 0x0b0e, 0x24c9,
				  NULL);
	snprintf(devices, sizeof(devices), "replay:%s", path);
	setenv("HIDPHONE_DEVICES", devices, 1);
	setenv("TAPI_PROVIDERS", TEST_PROVIDER, 1);
	snprintf(path, sizeof(path), "%s/hidphone.conf", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[line alice]\nphone = first\nlisten = 127.0.0.1:%u\nmedia = tone\n"
		"rtp-ports = 17320-17339\n", LINE_PORT);
	fclose(f);
	setenv("HIDPHONE_CONFIG", path, 1);
}

static HLINEAPP line_app(const char *name, DWORD *ndevs, int *fd)
{
	LINEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					  .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT };
	DWORD v = TAPI_CURRENT_VERSION;
	HLINEAPP h = 0;

	assert_int_equal(lineInitializeExA(&h, NULL, NULL, name, ndevs, &v, &params), 0);
	assert_int_not_equal(h, 0);
	assert_int_equal(v, TAPI_CURRENT_VERSION);
	assert_int_equal(params.dwUsedSize, sizeof(params));
	if (fd)
		*fd = TAPI_EVENT_FD(params);
	return h;
}

static void test_line_registration_errors(void **state)
{
	LINEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					  .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT };
	LINEMESSAGE m;
	HLINEAPP h;
	DWORD n, v = TAPI_CURRENT_VERSION;
	(void)state;

	use_line();
	assert_int_equal(lineShutdown(1), LINEERR_UNINITIALIZED);
	assert_int_equal(lineGetMessage(1, &m, 0), LINEERR_UNINITIALIZED);
	assert_int_equal(lineInitializeExA(NULL, NULL, NULL, "x", &n, &v, &params),
			 LINEERR_INVALPOINTER);
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "x", NULL, &v, &params),
			 LINEERR_INVALPOINTER);
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "x", &n, NULL, &params),
			 LINEERR_INVALPOINTER);
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "x", &n, &v, NULL),
			 LINEERR_INVALPOINTER);
	params.dwTotalSize = 16;
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "x", &n, &v, &params),
			 LINEERR_STRUCTURETOOSMALL);
	params.dwTotalSize = sizeof(params);
	params.dwOptions = LINEINITIALIZEEXOPTION_USEHIDDENWINDOW;
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "x", &n, &v, &params),
			 LINEERR_INVALPARAM);
	params.dwOptions = LINEINITIALIZEEXOPTION_USECOMPLETIONPORT;
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "x", &n, &v, &params),
			 LINEERR_INVALPARAM);
	params.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "\xff\xfe", &n, &v, &params),
			 LINEERR_INVALAPPNAME);
	v = TAPI_VERSION1_4;
	assert_int_equal(lineInitializeExA(&h, NULL, NULL, "x", &n, &v, &params),
			 LINEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(lineShutdown(1), LINEERR_UNINITIALIZED);

	/* One line, from the configuration. */
	n = 99;
	h = line_app("first", &n, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(lineShutdown(h + 1), LINEERR_INVALAPPHANDLE);
	assert_int_equal(lineShutdown(0), LINEERR_INVALAPPHANDLE);
	assert_int_equal(lineGetMessage(h, NULL, 0), LINEERR_INVALPOINTER);
	/* A line application is no phone application, and the reverse. */
	assert_int_equal(phoneShutdown(h), PHONEERR_INVALAPPHANDLE);
	{
		PHONEINITIALIZEEXPARAMS pp = { .dwTotalSize = sizeof(pp),
					       .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
		HPHONEAPP ph = 0;
		DWORD np = 0, pv = TAPI_CURRENT_VERSION;

		assert_int_equal(phoneInitializeExA(&ph, NULL, NULL, "phone", &np, &pv, &pp), 0);
		assert_int_equal(np, 1);
		assert_int_equal(lineShutdown(ph), LINEERR_INVALAPPHANDLE);
		assert_int_equal(lineGetMessage(ph, &m, 0), LINEERR_INVALAPPHANDLE);
		assert_int_equal(phoneShutdown(ph), 0);
	}
	assert_int_equal(lineShutdown(h), 0);
	/* The last registration gone: uninitialised again. */
	assert_int_equal(lineShutdown(h), LINEERR_UNINITIALIZED);
	n = 0;
	HLINEAPP h2 = line_app("second", &n, NULL);
	assert_int_equal(lineShutdown(h), LINEERR_INVALAPPHANDLE);
	assert_int_equal(lineShutdown(h2), 0);
}

static void test_line_unicode_name(void **state)
{
	static const WCHAR name[] = { 'l', 0x00e9, 'n', 'a', 0 };
	LINEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					  .dwOptions = LINEINITIALIZEEXOPTION_USEEVENT };
	DWORD n = 0, v = TAPI_CURRENT_VERSION;
	HLINEAPP h = 0;
	(void)state;

	use_line();
	assert_int_equal(lineInitializeExW(&h, NULL, NULL, name, &n, &v, &params), 0);
	assert_int_equal(n, 1);
	assert_int_equal(lineShutdown(h), 0);
}

static void test_line_negotiate(void **state)
{
	LINEEXTENSIONID ext;
	DWORD n = 0, v = 0;
	HLINEAPP h;
	(void)state;

	use_line();
	h = line_app("negotiate", &n, NULL);
	memset(&ext, 0xAA, sizeof(ext));
	assert_int_equal(lineNegotiateAPIVersion(h, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, &v, &ext),
			 0);
	assert_int_equal(v, TAPI_VERSION3_1);
	assert_int_equal(ext.dwExtensionID0 | ext.dwExtensionID1 | ext.dwExtensionID2 |
			 ext.dwExtensionID3, 0);
	assert_int_equal(lineNegotiateAPIVersion(h, 0, TAPI_VERSION2_0, TAPI_VERSION2_1, &v, &ext),
			 0);
	assert_int_equal(v, TAPI_VERSION2_1);
	assert_int_equal(lineNegotiateAPIVersion(h, 0, TAPI_VERSION1_0, TAPI_VERSION1_4, &v, &ext),
			 LINEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(lineNegotiateAPIVersion(h, 1, TAPI_VERSION2_0, TAPI_VERSION3_1, &v, &ext),
			 LINEERR_BADDEVICEID);
	assert_int_equal(lineNegotiateAPIVersion(h, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, NULL,
						 &ext), LINEERR_INVALPOINTER);
	assert_int_equal(lineNegotiateAPIVersion(h, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, &v, NULL),
			 LINEERR_INVALPOINTER);
	assert_int_equal(lineNegotiateAPIVersion(h + 1, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, &v,
						 &ext), LINEERR_INVALAPPHANDLE);
	assert_int_equal(lineShutdown(h), 0);
	assert_int_equal(lineNegotiateAPIVersion(h, 0, TAPI_VERSION2_0, TAPI_VERSION3_1, &v, &ext),
			 LINEERR_UNINITIALIZED);
}

static void test_line_get_message(void **state)
{
	struct pollfd p;
	LINEMESSAGE m;
	DWORD n = 0;
	HLINEAPP h;
	int fd = -1;
	(void)state;

	use_line();
	h = line_app("messages", &n, &fd);
	assert_true(fd >= 0);
	/* Nothing queued: the descriptor is not readable and a wait times out. */
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 0), 0);
	assert_int_equal(lineGetMessage(h, &m, 0), LINEERR_OPERATIONFAILED);
	assert_int_equal(lineGetMessage(h, &m, 50), LINEERR_OPERATIONFAILED);
	assert_int_equal(lineShutdown(h), 0);
}

#define TEST(f) cmocka_unit_test(f)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_line_registration_errors),
		TEST(test_line_unicode_name),
		TEST(test_line_negotiate),
		TEST(test_line_get_message),
	};
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hidphone-tapi-line-test-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	setenv("HIDPHONE_LOG", "error", 0);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_remove_dir(tmpdir);
	return rc;
}
