/*
 * The "usb:BUS:ADDR:IF" path of a phone over libusb (devices/usb-path.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/usb-path.h"

int matrix_path_parse(const char *path, unsigned *bus, unsigned *addr, unsigned *itf)
{
	unsigned long v[3];
	const char *s = path;

	if (strncmp(s, "usb:", 4) != 0)
		return -EINVAL;
	s += 4;
	for (int i = 0; i < 3; i++) {
		char *end;

		/* strtoul alone would take a sign, spaces or an empty number. */
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v[i] = strtoul(s, &end, 10);
		if (*end != (i < 2 ? ':' : '\0'))
			return -EINVAL;
		s = end + 1;
	}
	if (v[0] < 1 || v[0] > 255 || v[1] < 1 || v[1] > 127 || v[2] > 255)
		return -EINVAL;
	*bus = (unsigned)v[0];
	*addr = (unsigned)v[1];
	*itf = (unsigned)v[2];
	return 0;
}
