#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
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

#define FAKE_USBDEV "devices/pci0000:00/0000:00:14.0/usb1/1-2"

void test_fake_card(const char *sys)
{
	char cmd[3072];

	snprintf(cmd, sizeof(cmd),
		 "set -e; S='%s'; rm -rf \"$S\"; "
		 "mkdir -p \"$S/" FAKE_USBDEV "/1-2:1.3/0003:0B0E:24C9.0001/hidraw/hidraw7\" "
		 "\"$S/class/hidraw\" \"$S/class/sound\" "
		 "\"$S/" FAKE_USBDEV "/1-2:1.0/sound/card3/pcmC3D0p\" "
		 "\"$S/" FAKE_USBDEV "/1-2:1.0/sound/card3/pcmC3D0c\"; "
		 "printf 'DEVTYPE=usb_device\\n' > \"$S/" FAKE_USBDEV "/uevent\"; "
		 "printf 'DEVTYPE=usb_interface\\n' > \"$S/" FAKE_USBDEV "/1-2:1.3/uevent\"; "
		 "printf 'Phone\\n' > \"$S/" FAKE_USBDEV "/1-2:1.0/sound/card3/id\"; "
		 "ln -s ../../" FAKE_USBDEV "/1-2:1.3/0003:0B0E:24C9.0001/hidraw/hidraw7 "
		 "\"$S/class/hidraw/hidraw7\"; "
		 "ln -s ../../" FAKE_USBDEV "/1-2:1.0/sound/card3 \"$S/class/sound/card3\"",
		 sys);
	assert_int_equal(system(cmd), 0);
}

long test_file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

long test_wait_size(const char *path, long bytes, unsigned timeout_ms)
{
	for (unsigned i = 0; i < timeout_ms / 10 && test_file_size(path) < bytes; i++)
		usleep(10 * 1000);
	return test_file_size(path);
}

long test_raw_peak(const char *path, size_t offset, size_t n)
{
	int16_t buf[4096];
	long peak = 0;
	FILE *f = fopen(path, "rb");
	size_t got;

	assert_non_null(f);
	assert_int_equal(fseek(f, (long)(offset * 2), SEEK_SET), 0);
	while (n && (got = fread(buf, 2, n < 4096 ? n : 4096, f)) > 0) {
		for (size_t i = 0; i < got; i++)
			peak = labs((long)buf[i]) > peak ? labs((long)buf[i]) : peak;
		n -= got;
	}
	fclose(f);
	return peak;
}
