/* Finding and reading hidphone.conf: HIDPHONE_CONFIG, then the XDG user file, then /etc. */
#include "calls/call-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	struct stat st;
	ssize_t got;
	size_t len = 0;
	char *text;
	int fd, rc;

	memset(cfg, 0, sizeof(*cfg));
	if (err)
		memset(err, 0, sizeof(*err));
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = -errno;
		set_err(err, path, "cannot open", -rc);
		return rc;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		set_err(err, path, "not a regular file", 0);
		return -EINVAL;
	}
	/* One byte more than allowed tells a file that is too large from one that fits. */
	text = malloc(CALL_CONFIG_MAX_FILE + 1);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	while (len < CALL_CONFIG_MAX_FILE + 1) {
		got = read(fd, text + len, CALL_CONFIG_MAX_FILE + 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			close(fd);
			free(text);
			set_err(err, path, "cannot read", -rc);
			return rc;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	close(fd);
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
