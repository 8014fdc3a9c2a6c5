/* Small helpers shared by the guest-side programs of the VM end-to-end harness.
 * Header-only so that run.sh can build each C file in test/vm as its own program. */
#ifndef HIDPHONE_E2E_COMMON_H
#define HIDPHONE_E2E_COMMON_H

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Every timestamp uses CLOCK_MONOTONIC so that two processes in the guest can
 * compare their stamps directly. */
static inline int64_t e2e_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* How many file descriptors this process has open (not counting the one that reads them);
 * -1 if /proc/self/fd cannot be read. A leak check compares two of these. */
static inline int e2e_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;
}

static inline int e2e_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parses hex bytes written either as "02 01 00" or as "020100" (or mixed).
 * Returns the byte count, or -1 on a stray character, an odd digit count or
 * more than cap bytes. */
static inline int e2e_parse_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;
		if (isspace((unsigned char)*s) || *s == ':' || *s == ',') {
			if (hi >= 0)
				return -1;
			continue;
		}
		v = e2e_hexval((unsigned char)*s);
		if (v < 0)
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi >= 0 ? -1 : (int)n;
}

/* Formats bytes as "02 01 00" (the hid-recorder style) into buf. */
static inline const char *e2e_fmt_hex(const uint8_t *p, size_t n, char *buf, size_t cap)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o + 4 <= cap; i++)
		o += (size_t)snprintf(buf + o, cap - o, i ? " %02x" : "%02x", p[i]);
	return buf;
}

/* write() that retries short writes and EINTR; for pipes, not for device nodes,
 * where every write() is one report. */
static inline int e2e_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

#endif
