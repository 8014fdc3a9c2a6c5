/*
 * libFuzzer target: what libtapi32 reads that it did not write itself. The input is taken
 * as UTF-8 (valid text must survive UTF-16 and back unchanged), as a structure a provider
 * filled (its items copied into an application's buffer of a size the input picks), and as
 * a providers.conf.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tapi/tapi-providers.h"
#include "tapi/tapi-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const uint8_t *data, size_t size)
{
	WCHAR *w;
	char *back;
	DWORD wbytes, bytes;

	if (tapi_utf8_to_utf16((const char *)data, size, &w, &wbytes) != 0)
		return;
	/* without the NUL the conversion added */
	if (tapi_utf16_to_utf8(w, wbytes - 2, &back, &bytes) != 0)
		abort();
	if (bytes != size || memcmp(back, data, size) != 0)
		abort();
	free(back);
	/* the W functions' bounded copy: whole below its bound, refused at it */
	{
		size_t units = wbytes / sizeof(WCHAR) - 1;
		WCHAR *dup;
		DWORD dbytes;

		if (tapi_utf16_dup(w, units + 1, &dup, &dbytes) != 0 || dbytes > wbytes ||
		    memcmp(dup, w, dbytes) != 0)
			abort();
		free(dup);
		/* no NUL inside: one unit less is too long */
		if (units && tapi_utf16_len(w, units) == units &&
		    tapi_utf16_dup(w, units, &dup, &dbytes) != -EINVAL)
			abort();
	}
	free(w);
}

static void structure(const uint8_t *data, size_t size)
{
	static const size_t fields[] = {
		offsetof(PHONECAPS, dwProviderInfoSize), offsetof(PHONECAPS, dwPhoneNameSize),
		offsetof(PHONECAPS, dwButtonModesSize), offsetof(PHONECAPS, dwDeviceClassesSize),
	};
	struct tapi_var items[4];
	char *bufs[4];
	uint8_t *out;
	DWORD total;

	if (size < PHONECAPS_SIZE_2_2 + 4)
		return;
	memcpy(&total, data, sizeof(total));
	total = PHONECAPS_SIZE_2_2 + total % 4096;
	for (size_t i = 0; i < 4; i++) {
		items[i] = (struct tapi_var){ .field = fields[i], .utf16 = i != 2 };
		if (tapi_var_read(data + 4, (DWORD)(size - 4), &items[i]) < 0)
			return;
		if (items[i].data && (items[i].data < (const void *)(data + 4) ||
				      (const uint8_t *)items[i].data + items[i].size > data + size))
			abort();
	}
	if (tapi_var_to_utf8(items, 4, bufs) != 0)
		return;
	out = calloc(1, total);
	if (out) {
		memcpy(out, &total, sizeof(total));
		tapi_var_write(out, data + 4, PHONECAPS_SIZE_2_2, items, 4);
		free(out);
	}
	for (size_t i = 0; i < 4; i++)
		free(bufs[i]);
}

static void conf(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	char *paths[8];
	int n;

	if (!f)
		return;
	n = tapi_read_providers_stream(f, "fuzz", paths, 8);
	fclose(f);
	for (int i = 0; i < n; i++) {
		if (!paths[i][0])
			abort();
		free(paths[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	round_trip(data, size);
	structure(data, size);
	if (size)
		conf(data, size);
	return 0;
}
