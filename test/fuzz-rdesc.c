/*
 * libFuzzer target: report descriptors, then reports decoded with them.
 *
 * The whole input is the descriptor (so the real descriptors are the seeds), and its first
 * bytes double as a report payload of every length up to 64 bytes. Every field of a parsed
 * descriptor is read from and written to that payload, arrays are decoded and the telephony
 * map is built, so the codec sees exactly the layouts the parser produces.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/telephony-map.h"
#include "hid/field-codec.h"
#include "hid/rdesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdesc_error err;
	struct rdesc *d = NULL;
	struct tel_map map;
	uint8_t report[64];
	size_t report_len;

	if (rdesc_parse(data, size, &d, &err) != 0)
		return 0;

	/* A payload shorter than the report is what a truncated read gives: it must be safe. */
	report_len = size % (sizeof(report) + 1);
	memcpy(report, data, report_len);

	for (size_t i = 0; i < d->n_fields; i++) {
		const struct rdesc_field *f = &d->fields[i];
		uint32_t usages[8];
		int64_t v;

		for (uint32_t e = 0; e < f->count && e < 64; e++) {
			if (field_get(f, e, report, report_len, &v) == 0)
				field_put(f, e, report, report_len, v + 1);
		}
		if (rdesc_field_is_array(f)) {
			field_array_usages(d, f, report, report_len, usages, 8);
			if (f->usages_count)
				field_array_value_for(d, f, d->usages[f->usages_first], &v);
		}
	}
	if (tel_map_build(d, &map) == 0)
		tel_map_release(&map);
	rdesc_max_report_bytes(d, RDESC_INPUT);
	rdesc_free(d);
	return 0;
}
