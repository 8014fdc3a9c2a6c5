/* hidphone.conf: real files from test/data/config, broken ones naming file and line, the
 * bounds, and the lookup order of the file. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "calls/call-config.h"

#define DIR TEST_DATA_DIR "/config/"

static struct call_config cfg;
static struct call_config_error err;

static int load_data(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), DIR "%s", name);
	return call_config_load_file(&cfg, path, &err);
}

static int parse(const char *text)
{
	return call_config_parse(&cfg, text, strlen(text), "t.conf", &err);
}

static void test_two_lines(void **state)
{
	const struct call_line_config *l;

	(void)state;
	assert_int_equal(load_data("two-lines.conf"), 0);
	assert_int_equal(cfg.nlines, 2);
	l = &cfg.line[0];
	assert_string_equal(l->name, "desk");
	assert_string_equal(l->phone, "first");
	assert_string_equal(l->listen_host, "127.0.0.1");
	assert_int_equal(l->listen_port, 15060);
	assert_int_equal(l->media, CALL_MEDIA_PHONE);
	assert_string_equal(l->registrar, "sip:pbx.example.org");
	assert_string_equal(l->user, "alice");
	/* '#' inside a value is kept; only blank-then-# starts a comment. */
	assert_string_equal(l->password, "s3cret#not-a-comment");
	assert_true(l->phone_drives_line);
	assert_int_equal(l->rtp_port_min, 20000);
	assert_int_equal(l->rtp_port_max, 20999);
	assert_int_equal(l->answer_timeout_ms, 60000);
	l = &cfg.line[1];
	assert_string_equal(l->name, "lab");
	assert_string_equal(l->phone, "0b0e:0422");
	assert_string_equal(l->listen_host, "::1");
	assert_int_equal(l->listen_port, 15062);
	assert_int_equal(l->media, CALL_MEDIA_TONE);
	assert_false(l->phone_drives_line);
	assert_int_equal(l->rtp_port_min, 20000); /* the global default applies */
	assert_int_equal(l->answer_timeout_ms, 30000);
	assert_int_equal(l->media_timeout_ms, 0);
	assert_string_equal(l->user, "");
}

static void test_defaults(void **state)
{
	const struct call_line_config *l;

	(void)state;
	assert_int_equal(load_data("minimal.conf"), 0);
	assert_int_equal(cfg.nlines, 1);
	l = &cfg.line[0];
	assert_string_equal(l->name, "office");
	assert_string_equal(l->listen_host, "0.0.0.0");
	assert_int_equal(l->listen_port, 5060);
	assert_int_equal(l->media, CALL_MEDIA_SILENCE);
	assert_string_equal(l->phone, "first");
	assert_true(l->phone_drives_line);
	assert_int_equal(l->dial_timeout_ms, 4000);
	assert_string_equal(l->dial_domain, "");
	assert_int_equal(parse("dial-timeout = 0\n[line a]\ndial-domain = pbx.example.org:5070\n"
			       "[line b]\ndial-timeout = 7\n"), 0);
	assert_int_equal(cfg.line[0].dial_timeout_ms, 0);
	assert_string_equal(cfg.line[0].dial_domain, "pbx.example.org:5070");
	assert_int_equal(cfg.line[1].dial_timeout_ms, 7000);
	assert_int_equal(load_data("crlf.conf"), 0);
	assert_string_equal(cfg.line[0].listen_host, "10.0.0.1");
	assert_int_equal(cfg.line[0].listen_port, 5060);
	assert_int_equal(cfg.line[0].media, CALL_MEDIA_TONE);
	/* An empty file: no lines (the provider then makes one per phone). */
	assert_int_equal(parse(""), 0);
	assert_int_equal(cfg.nlines, 0);
}

static void expect_error(const char *file, unsigned line, const char *what)
{
	char want[256];

	assert_int_equal(load_data(file), -EINVAL);
	assert_int_equal(err.line, line);
	snprintf(want, sizeof(want), DIR "%s:%u: ", file, line);
	if (strncmp(err.msg, want, strlen(want)) || !strstr(err.msg, what))
		fail_msg("%s: got \"%s\", wanted \"%s...%s\"", file, err.msg, want, what);
	/* A bad file leaves the default: no lines. */
	assert_int_equal(cfg.nlines, 0);
}

static void test_broken_files(void **state)
{
	(void)state;
	expect_error("bad-key.conf", 3, "unknown key \"colour\"");
	expect_error("bad-listen.conf", 2, "listen must be");
	expect_error("bad-password-line.conf", 3, "media must be phone, silence or tone");
	assert_null(strstr(err.msg, "hunter2"));
	expect_error("duplicate-line.conf", 2, "defined twice");
	expect_error("key-outside-section.conf", 1, "belongs in a [line NAME] section");
	expect_error("bad-section.conf", 1, "unknown section");
}

static void test_password_never_in_messages(void **state)
{
	char text[600];

	(void)state;
	memset(text, 0, sizeof(text));
	strcpy(text, "[line a]\npassword = ");
	memset(text + strlen(text), 'p', 300);
	assert_int_equal(parse(text), -EINVAL);
	assert_null(strstr(err.msg, "ppp"));
	assert_non_null(strstr(err.msg, "t.conf:2: value of \"password\""));
	/* Nor a password hidden in the registrar's URI. */
	assert_int_equal(parse("[line a]\nregistrar = sip:alice:hunter2@192.0.2.1\n"), -EINVAL);
	assert_null(strstr(err.msg, "hunter2"));
	assert_non_null(strstr(err.msg, "t.conf:2: registrar is sip:HOST"));
}

static void test_values(void **state)
{
	static const char *const bad[] = {
		"[line a]\nlisten = 1.2.3.4:0\n",
		"[line a]\nlisten = 1.2.3.4:65536\n",
		"[line a]\nlisten = ::1\n",
		"[line a]\nlisten = [::1\n",
		"[line a]\nlisten = [::1]x\n",
		"[line a]\nlisten = 1.2.3.4:\n",
		"[line a]\nlisten = 1.2.3.4:-5\n",
		"rtp-ports = 20000\n",
		"rtp-ports = 30000-20000\n",
		"rtp-ports = 80-90\n",
		"rtp-ports = 20000-99999\n",
		"answer-timeout = 0\n",
		"answer-timeout = 5s\n",
		"media-timeout = 99999\n",
		"dial-timeout = 61\n",
		"dial-timeout = -1\n",
		"[line a]\ndial-domain = sip:example.org\n",
		"[line a]\ndial-domain = 1234@example.org\n",
		"[line a]\ndial-domain = example.org;transport=tcp\n",
		"phone-drives-line = maybe\n",
		"[line a]\nregistrar = example.org\n",
		"[line a]\nuser = al ice\n",
		"[line a]\nuser = al@ice\n",
		"[line a]\nphone =\n",
		"[line]\n",
		"[line a b]\n",
		"[line a] x\n",
		"[line a\n",
		"[line a]\n= value\n",
		"[line a]\njust words\n",
		"[line 0123456789012345678901234567890123]\n",
		"[line a]\nmedia = tone\0\n",
	};
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = strlen(bad[i]);

		if (i == sizeof(bad) / sizeof(bad[0]) - 1)
			len += 2; /* the NUL and the newline */
		if (call_config_parse(&cfg, bad[i], len, "t.conf", &err) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_true(err.line >= 1);
		assert_non_null(strstr(err.msg, "t.conf:"));
	}
	assert_int_equal(parse("[line a]\nlisten = [fe80::1]\nphone-drives-line = no\n"), 0);
	assert_string_equal(cfg.line[0].listen_host, "fe80::1");
	assert_int_equal(cfg.line[0].listen_port, 5060);
	assert_false(cfg.line[0].phone_drives_line);
	assert_int_equal(parse("; comment\n  # comment\n\n[ line  b ]\nuser = b.o-b_1\n"), 0);
	assert_string_equal(cfg.line[0].name, "b");
	assert_string_equal(cfg.line[0].user, "b.o-b_1");
	assert_string_equal(call_media_kind_name(CALL_MEDIA_SILENCE), "silence");
}

static void test_bounds(void **state)
{
	static char big[CALL_CONFIG_MAX_FILE + 2];
	char text[CALL_CONFIG_MAX_LINES * 16 + 32];
	size_t n = 0;
	unsigned i;

	(void)state;
	memset(big, '#', sizeof(big));
	assert_int_equal(call_config_parse(&cfg, big, sizeof(big), "big.conf", &err), -E2BIG);
	assert_non_null(strstr(err.msg, "larger than"));
	/* A long line is an error, never cut into two. */
	memset(big, 'x', CALL_CONFIG_MAX_LINE + 1);
	big[CALL_CONFIG_MAX_LINE + 1] = '\n';
	assert_int_equal(call_config_parse(&cfg, big, CALL_CONFIG_MAX_LINE + 2, "t.conf", &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "t.conf:1: line longer than"));
	for (i = 0; i <= CALL_CONFIG_MAX_LINES; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "[line l%u]\n", i);
	assert_int_equal(call_config_parse(&cfg, text, n, "t.conf", &err), -EINVAL);
	assert_int_equal(err.line, CALL_CONFIG_MAX_LINES + 1);
	assert_non_null(strstr(err.msg, "more than 16 lines"));
	assert_int_equal(call_config_parse(&cfg, text, n - strlen("[line l16]\n"), "t.conf", &err),
			 0);
	assert_int_equal(cfg.nlines, CALL_CONFIG_MAX_LINES);
}

static void test_lookup_order(void **state)
{
	char tmp[] = "/tmp/hidphone-conf-XXXXXX", path[700], dir[600];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	/* HIDPHONE_CONFIG first, even when the file is missing (so the error names it). */
	setenv("HIDPHONE_CONFIG", DIR "minimal.conf", 1);
	setenv("XDG_CONFIG_HOME", tmp, 1);
	assert_int_equal(call_config_find(path, sizeof(path)), 0);
	assert_string_equal(path, DIR "minimal.conf");
	assert_int_equal(call_config_load(&cfg, &err), 0);
	assert_string_equal(cfg.line[0].name, "office");
	setenv("HIDPHONE_CONFIG", "/nonexistent/hidphone.conf", 1);
	assert_int_equal(call_config_load(&cfg, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/hidphone.conf: cannot open"));
	/* Then $XDG_CONFIG_HOME/hidphone/hidphone.conf. */
	unsetenv("HIDPHONE_CONFIG");
	snprintf(dir, sizeof(dir), "%s/hidphone", tmp);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/hidphone.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[line xdg]\n", f);
	fclose(f);
	assert_int_equal(call_config_load(&cfg, &err), 0);
	assert_int_equal(cfg.nlines, 1);
	assert_string_equal(cfg.line[0].name, "xdg");
	assert_string_equal(cfg.path, path);
	/* A directory is not a configuration file. */
	assert_int_equal(call_config_load_file(&cfg, tmp, &err), -EINVAL);
	unlink(path);
	rmdir(dir);
	rmdir(tmp);
	/* Without XDG_CONFIG_HOME's file: /etc/hidphone/hidphone.conf or nothing. */
	assert_int_equal(call_config_find(path, sizeof(path)),
			 access("/etc/hidphone/hidphone.conf", F_OK) == 0 ? 0 : -ENOENT);
	unsetenv("XDG_CONFIG_HOME");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_lines),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_broken_files),
		cmocka_unit_test(test_password_never_in_messages),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_lookup_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
