#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "hid/rdesc-load.h"
#include "test-util.h"

uint8_t *test_data_rdesc(const char *name, size_t *len)
{
	char path[256];
	uint8_t *bytes = malloc(RDESC_MAX_SIZE);
	enum rdesc_file_format fmt;
	struct text_error err;
	long n;

	assert_non_null(bytes);
	snprintf(path, sizeof(path), TEST_DATA_DIR "/%s.rdesc.hex", name);
	n = rdesc_read_file(path, bytes, &fmt, &err);
	if (n <= 0)
		fail_msg("%s: %s", path, err.message);
	*len = (size_t)n;
	return bytes;
}

uint8_t *test_fixture_rdesc(const char *name, size_t *len)
{
	char path[256];

	snprintf(path, sizeof(path), "descriptors/%s", name);
	return test_data_rdesc(path, len);
}

void test_remove_dir(const char *dir)
{
	DIR *d;
	struct dirent *e;

	if (getenv("HIDPHONE_TEST_KEEP")) {
		fprintf(stderr, "test files kept in %s\n", dir);
		return;
	}
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		char path[600];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}
