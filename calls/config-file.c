/* Finding and reading hidphone.conf: HIDPHONE_CONFIG, then the XDG user file, then /etc. */
#include "calls/call-config.h"
#include "hid/file-read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int call_config_find(char *path, size_t size)
{
	const char *env = getenv("HIDPHONE_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;

	if (env && *env) {
		n = snprintf(path, size, "%s", env);
		return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
	}
	if (xdg && *xdg == '/')
		n = snprintf(path, size, "%s/hidphone/hidphone.conf", xdg);
	else if (home && *home == '/')
		n = snprintf(path, size, "%s/.config/hidphone/hidphone.conf", home);
	else
		n = -1;
	if (n > 0 && (size_t)n < size && access(path, F_OK) == 0)
		return 0;
	n = snprintf(path, size, "/etc/hidphone/hidphone.conf");
	if (n > 0 && (size_t)n < size && access(path, F_OK) == 0)
		return 0;
	path[0] = '\0';
	return -ENOENT;
}

static void set_err(struct call_config_error *err, const char *path, const char *what, int e)
{
	if (!err)
		return;
	err->line = 0;
	snprintf(err->msg, sizeof(err->msg), "%s: %s%s%s", path, what, e ? ": " : "",
		 e ? strerror(e) : "");
}

int call_config_load_file(struct call_config *cfg, const char *path,
			  struct call_config_error *err)
{
	char *text, why[64];
	size_t len;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (err)
		memset(err, 0, sizeof(*err));
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	rc = file_read(path, CALL_CONFIG_MAX_FILE, FILE_READ_REGULAR, &text, &len);
	if (rc == -EFBIG || rc == -EINVAL || rc == -EISDIR) {
		set_err(err, path, file_read_error(rc, CALL_CONFIG_MAX_FILE, why, sizeof(why)), 0);
		/* The parser's code for a file over the limit. */
		return rc == -EFBIG ? -E2BIG : -EINVAL;
	}
	if (rc < 0) {
		set_err(err, path, "cannot open", -rc);
		return rc;
	}
	rc = call_config_parse(cfg, text, len, path, err);
	free(text);
	return rc;
}

int call_config_load(struct call_config *cfg, struct call_config_error *err)
{
	char path[sizeof(cfg->path)];

	if (call_config_find(path, sizeof(path)) == -ENOENT) {
		memset(cfg, 0, sizeof(*cfg));
		if (err)
			memset(err, 0, sizeof(*err));
		return 0;
	}
	return call_config_load_file(cfg, path, err);
}
