/*
 * phonectl lamp | ring | hook | display | volume: the Get and Set functions of one phone,
 * called as an OWNER application of libtapi32 calls them, with the PHONE_REPLY printed. With -v on a recording,
 * the output reports the provider sends are printed too (as O: lines on stderr).
 */
#include <stdlib.h>
#include <string.h>

#include "phonectl-app.h"
#include "phonectl-audio.h"
#include "phonectl-session.h"
#include "phonectl.h"
#include "tapi-names.h"

static int begin(struct app_session *s, int argc, char **argv, int min, int max,
		 const struct phonectl_options *opts, const char *usage)
{
	if (argc < min + 1 || argc > max + 1) {
		phonectl_error("usage: phonectl %s", usage);
		return -1;
	}
	if (opts->verbose && strncmp(argv[1], "/dev/", 5) != 0 && !session_is_usb(argv[1]))
		setenv("HIDPHONE_REPLAY_LOG", "/dev/stderr", 1);
	if (app_session_start(s, argv[1], "replay") < 0)
		return -2;
	if (app_session_open(s, PHONEPRIVILEGE_OWNER) < 0) {
		app_session_stop(s);
		return -2;
	}
	return 0;
}

static int finish(struct app_session *s, LONG result)
{
	app_session_stop(s);
	return result == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static int usage_or_failure(int rc)
{
	return rc == -1 ? EXIT_USAGE : EXIT_FAILURE;
}

static bool parse_dword(const char *s, DWORD *v)
{
	char *end;
	unsigned long n = strtoul(s, &end, 0);

	if (!*s || *end || n > 0xffffffffu)
		return false;
	*v = (DWORD)n;
	return true;
}

int phonectl_lamp(int argc, char **argv, const struct phonectl_options *opts)
{
	struct app_session s;
	LPPHONECAPS caps;
	DWORD id, mode;
	long m;
	int rc = begin(&s, argc, argv, 1, 3, opts, "lamp DEVICE [ID [MODE]]");

	if (rc < 0)
		return usage_or_failure(rc);
	if (argc == 2) {
		caps = app_session_caps(&s);
		if (!caps)
			return finish(&s, 1);
		for (id = 0; id < caps->dwNumButtonLamps; id++) {
			const DWORD *modes = (const DWORD *)((uint8_t *)caps + caps->dwLampModesOffset);
			uint8_t buf[256];
			LPPHONEBUTTONINFO info = (LPPHONEBUTTONINFO)buf;
			char text[64] = "";

			if (caps->dwLampModesSize < (id + 1) * 4 || modes[id] == PHONELAMPMODE_DUMMY)
				continue;
			info->dwTotalSize = sizeof(buf);
			if (phoneGetButtonInfoW(s.phone, id, info) == 0)
				session_string(buf, info->dwButtonTextOffset, info->dwButtonTextSize,
					       text, sizeof(text));
			phoneGetLamp(s.phone, id, &mode);
			printf("lamp %3u  %-26s %s\n", id, text, tapi_lampmode_name(mode));
		}
		free(caps);
		return finish(&s, 0);
	}
	if (!parse_dword(argv[2], &id)) {
		app_session_stop(&s);
		phonectl_error("'%s' is not a lamp id", argv[2]);
		return EXIT_USAGE;
	}
	if (argc == 3) {
		LONG r = phoneGetLamp(s.phone, id, &mode);
		char err[48];

		if (r == 0)
			printf("lamp %u: %s\n", id, tapi_lampmode_name(mode));
		else
			printf("refused: %s\n", tapi_error_name(r, err, sizeof(err)));
		return finish(&s, r);
	}
	m = tapi_lampmode_parse(argv[3]);
	if (m < 0) {
		app_session_stop(&s);
		phonectl_error("'%s' is not a lamp mode (OFF, STEADY, FLASH, ...)", argv[3]);
		return EXIT_USAGE;
	}
	return finish(&s, app_session_complete(&s, phoneSetLamp(s.phone, id, (DWORD)m)));
}

int phonectl_ring(int argc, char **argv, const struct phonectl_options *opts)
{
	struct app_session s;
	DWORD mode, volume = 0xffff;
	char err[48];
	int rc = begin(&s, argc, argv, 1, 3, opts, "ring DEVICE [MODE [VOLUME]]");
	LONG r;

	if (rc < 0)
		return usage_or_failure(rc);
	if (argc == 2) {
		r = phoneGetRing(s.phone, &mode, &volume);
		if (r == 0)
			printf("ring mode %u, volume 0x%04x\n", mode, volume);
		else
			printf("refused: %s\n", tapi_error_name(r, err, sizeof(err)));
		return finish(&s, r);
	}
	if (!parse_dword(argv[2], &mode) || (argc == 4 && !parse_dword(argv[3], &volume))) {
		app_session_stop(&s);
		phonectl_error("ring mode and volume are numbers");
		return EXIT_USAGE;
	}
	return finish(&s, app_session_complete(&s, phoneSetRing(s.phone, mode, volume)));
}

int phonectl_hook(int argc, char **argv, const struct phonectl_options *opts)
{
	struct app_session s;
	DWORD devs;
	long dev, mode;
	char err[48];
	int rc = begin(&s, argc, argv, 1, 3, opts,
		       "hook DEVICE [HANDSET|SPEAKER|HEADSET ONHOOK|MIC|SPEAKER|MICSPEAKER]");
	LONG r;

	if (rc < 0)
		return usage_or_failure(rc);
	if (argc == 2) {
		r = phoneGetHookSwitch(s.phone, &devs);
		if (r == 0) {
			printf("off hook:");
			for (DWORD bit = 1; bit <= PHONEHOOKSWITCHDEV_HEADSET; bit <<= 1) {
				if (devs & bit)
					printf(" %s", tapi_hookswitchdev_name(bit));
			}
			printf("%s\n", devs ? "" : " none");
		} else {
			printf("refused: %s\n", tapi_error_name(r, err, sizeof(err)));
		}
		return finish(&s, r);
	}
	dev = tapi_hookswitchdev_parse(argv[2]);
	mode = argc == 4 ? tapi_hookswitchmode_parse(argv[3]) : -1;
	if (dev < 0 || mode < 0) {
		app_session_stop(&s);
		phonectl_error("hook DEVICE HANDSET|SPEAKER|HEADSET ONHOOK|MIC|SPEAKER|MICSPEAKER");
		return EXIT_USAGE;
	}
	return finish(&s, app_session_complete(&s, phoneSetHookSwitch(s.phone, (DWORD)dev,
								      (DWORD)mode)));
}

int phonectl_display(int argc, char **argv, const struct phonectl_options *opts)
{
	struct app_session s;
	DWORD row, col;
	char err[48];
	int rc = begin(&s, argc, argv, 1, 4, opts, "display DEVICE [ROW COLUMN TEXT]");
	LONG r;

	if (rc < 0)
		return usage_or_failure(rc);
	if (argc == 2) {
		uint8_t buf[1024];
		LPVARSTRING v = (LPVARSTRING)buf;

		v->dwTotalSize = sizeof(buf);
		r = phoneGetDisplay(s.phone, v);
		if (r == 0)
			printf("%.*s\n", (int)v->dwStringSize, (const char *)buf + v->dwStringOffset);
		else
			printf("refused: %s\n", tapi_error_name(r, err, sizeof(err)));
		return finish(&s, r);
	}
	if (argc != 5 || !parse_dword(argv[2], &row) || !parse_dword(argv[3], &col)) {
		app_session_stop(&s);
		phonectl_error("usage: phonectl display DEVICE [ROW COLUMN TEXT]");
		return EXIT_USAGE;
	}
	/* The display takes bytes in PHONECAPS' string format: ASCII here. */
	return finish(&s, app_session_complete(&s,
		phoneSetDisplay(s.phone, row, col, argv[4], (DWORD)strlen(argv[4]) + 1)));
}

/*
 * volume and gain: the provider's phoneGetVolume/phoneSetVolume and phoneGetGain/
 * phoneSetGain (the levels of the phone's sound card); after a set, the level it reads back.
 */
static int level(int argc, char **argv, const struct phonectl_options *opts, bool gain)
{
	const char *what = gain ? "gain" : "volume";
	const char *usage = gain ? "gain DEVICE HANDSET|SPEAKER|HEADSET [GAIN]" :
				   "volume DEVICE HANDSET|SPEAKER|HEADSET [VOLUME]";
	struct app_session s;
	DWORD value = 0;
	long dev;
	char err[48];
	int rc = begin(&s, argc, argv, 2, 3, opts, usage);
	LONG r;

	if (rc < 0)
		return usage_or_failure(rc);
	dev = tapi_hookswitchdev_parse(argv[2]);
	if (dev < 0 || (argc == 4 && !parse_dword(argv[3], &value))) {
		app_session_stop(&s);
		phonectl_error("usage: phonectl %s", usage);
		return EXIT_USAGE;
	}
	if (argc == 4) {
		r = app_session_complete(&s, gain ? phoneSetGain(s.phone, (DWORD)dev, value) :
						    phoneSetVolume(s.phone, (DWORD)dev, value));
		if (r != 0)
			return finish(&s, r);
	}
	r = gain ? phoneGetGain(s.phone, (DWORD)dev, &value) :
		   phoneGetVolume(s.phone, (DWORD)dev, &value);
	if (r == 0)
		printf("%s 0x%04x\n", what, value);
	else
		printf("refused: %s\n", tapi_error_name(r, err, sizeof(err)));
	return finish(&s, r);
}

int phonectl_volume(int argc, char **argv, const struct phonectl_options *opts)
{
	return level(argc, argv, opts, false);
}

int phonectl_gain(int argc, char **argv, const struct phonectl_options *opts)
{
	return level(argc, argv, opts, true);
}

/*
 * phonectl id DEVICE CLASS: the provider's phoneGetID for a device class (wave/in,
 * wave/out, alsa/in, alsa/out): a binary id as a number, a string as it is.
 */
int phonectl_id(int argc, char **argv, const struct phonectl_options *opts)
{
	struct app_session s;
	union {
		VARSTRING vs;
		uint8_t b[512];
	} u;
	char err[48];
	int rc = begin(&s, argc, argv, 2, 2, opts, "id DEVICE CLASS");
	LONG r;

	if (rc < 0)
		return usage_or_failure(rc);
	memset(&u, 0, sizeof(u));
	u.vs.dwTotalSize = sizeof(u);
	r = phoneGetIDA(s.phone, &u.vs, argv[2]);
	if (r != 0) {
		printf("refused: %s\n", tapi_error_name(r, err, sizeof(err)));
	} else if (u.vs.dwStringFormat == STRINGFORMAT_BINARY && u.vs.dwStringSize == sizeof(DWORD)) {
		DWORD id;

		memcpy(&id, u.b + u.vs.dwStringOffset, sizeof(id));
		printf("%s %u\n", argv[2], id);
	} else if (u.vs.dwStringFormat == STRINGFORMAT_ASCII && u.vs.dwStringSize > 0 &&
		   u.vs.dwStringOffset + u.vs.dwStringSize <= sizeof(u)) {
		printf("%s %.*s\n", argv[2], (int)strnlen((const char *)u.b + u.vs.dwStringOffset,
							   u.vs.dwStringSize),
		       (const char *)u.b + u.vs.dwStringOffset);
	} else {
		printf("%s: format %u, %u bytes\n", argv[2], u.vs.dwStringFormat, u.vs.dwStringSize);
	}
	return finish(&s, r);
}
