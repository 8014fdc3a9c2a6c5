/*
 * libFuzzer target: descriptor files in every format phonectl accepts (hex text with
 * comments, hid-recorder recordings, raw bytes), then the parser on what they contain.
 */
#include <stdint.h>
#include <stdlib.h>

#include "hid/rdesc-load.h"
#include "hid/rdesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bytes[RDESC_MAX_SIZE];
	enum rdesc_file_format format;
	struct text_error err;
	struct rdesc *d = NULL;
	long n = rdesc_from_contents(data, size, bytes, &format, &err);

	if (n < 0)
		return 0;
	if (rdesc_parse(bytes, (size_t)n, &d, NULL) == 0)
		rdesc_free(d);
	return 0;
}
