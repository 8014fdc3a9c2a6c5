/*
 * Whole files into memory: descriptor files, recordings, device profiles, hidphone.conf.
 * They are untrusted input: a file larger than its reader allows is refused before a byte
 * of it is parsed, with an error that says so.
 */
#ifndef HIDPHONE_FILE_READ_H
#define HIDPHONE_FILE_READ_H

#include <stddef.h>

/* Refuse anything but a regular file: a FIFO in a profile directory would block a reader. */
#define FILE_READ_REGULAR 1u

/*
 * Reads all of path, at most max bytes, into a new buffer (*text, free() it) with a NUL
 * after its *len bytes. Returns 0; -EFBIG when the file has more than max bytes; with
 * FILE_READ_REGULAR, -EISDIR for a directory and -EINVAL for another kind of file that is
 * not regular; -ENOMEM; otherwise the errno of open() or read() (negative).
 */
int file_read(const char *path, size_t max, unsigned flags, char **text, size_t *len);

/*
 * What file_read's rc says, for a message after the file's name: "file larger than
 * 4 MiB", "not a regular file", strerror() for the others. Returns buf.
 */
const char *file_read_error(int rc, size_t max, char *buf, size_t size);

#endif
