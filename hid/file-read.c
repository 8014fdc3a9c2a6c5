/*
 * The one reader of whole files: bounded, EINTR-safe, and honest about what it refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file-read.h"

/* The first allocation when the size is unknown (pipes, and /proc and sysfs say 0). */
#define FIRST_CHUNK 65536u

int file_read(const char *path, size_t max, unsigned flags, char **text, size_t *len)
{
	size_t n = 0, cap = FIRST_CHUNK;
	char *buf = NULL;
	struct stat st;
	int fd, rc = 0;

	*text = NULL;
	*len = 0;
	/* Non-blocking, so that opening a FIFO's reading end does not wait for a writer. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
		  ((flags & FILE_READ_REGULAR) ? O_NONBLOCK : 0));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if ((flags & FILE_READ_REGULAR) && !S_ISREG(st.st_mode)) {
		rc = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	/* The size is only a hint for the first allocation; the reads decide. */
	if (S_ISREG(st.st_mode) && st.st_size > 0 && (unsigned long long)st.st_size <= max)
		cap = (size_t)st.st_size + 1;
	if (cap > max + 1)
		cap = max + 1;
	for (;;) {
		ssize_t got;

		if (n == cap || !buf) {
			char *grown;

			if (buf) {
				/* One byte more than max is enough to tell a file too large. */
				if (cap > max) {
					rc = -EFBIG;
					goto out;
				}
				cap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
			}
			grown = realloc(buf, cap + 1);
			if (!grown) {
				rc = -ENOMEM;
				goto out;
			}
			buf = grown;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max) {
			rc = -EFBIG;
			goto out;
		}
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

const char *file_read_error(int rc, size_t max, char *buf, size_t size)
{
	if (rc == -EFBIG && max >= (1u << 20) && max % (1u << 20) == 0)
		snprintf(buf, size, "file larger than %zu MiB", max >> 20);
	else if (rc == -EFBIG)
		snprintf(buf, size, "file larger than %zu bytes", max);
	else if (rc == -EINVAL)
		snprintf(buf, size, "not a regular file");
	else
		snprintf(buf, size, "%s", strerror(-rc));
	return buf;
}
