/*
 * The provider's messages go to stderr, where a host's service manager collects them.
 * HIDPHONE_LOG=error|warning|info|debug picks how much (default: warning).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static int threshold(void)
{
	static const char *names[] = { "error", "warning", "info", "debug" };
	const char *env = getenv("HIDPHONE_LOG");

	for (int i = 0; env && i < 4; i++) {
		if (strcmp(env, names[i]) == 0)
			return i;
	}
	return TSP_LOG_WARNING;
}

void tsp_log(enum tsp_log_level level, const char *fmt, ...)
{
	static const char *prefix[] = { "error", "warning", "info", "debug" };
	char line[512];
	va_list ap;

	if ((int)level > threshold())
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per message, so lines of concurrent threads do not interleave. */
	fprintf(stderr, "hidphone: %s: %s\n", prefix[level], line);
}
