/*
 * libFuzzer target: recordings as text, then every device of one that parses played back
 * to the end through the replay transport, with a feature read and an output along the way.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "hid/recording.h"
#include "hid/transport-replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct replay_options opts = { .unplug_at_end = true };
	static uint8_t buf[RECORDING_MAX_REPORT];
	struct recording *rec = NULL;
	struct text_error err;

	if (recording_parse((const char *)data, size, &rec, &err) != 0)
		return 0;
	for (size_t d = 0; d < rec->n_devices; d++) {
		static struct transport_info info;
		struct transport *t;
		int rc;

		if (replay_open(rec, d, "fuzz", &opts, &t, &info) != 0)
			abort(); /* a parsed recording always opens */
		/* fast playback has every report ready, so a poll never times out */
		do {
			rc = transport_read(t, buf, sizeof(buf), 0);
			if (rc == 0)
				abort();
			if (rc > 0) {
				/*
				 * asks for the feature named by the report's first byte, and
				 * writes the bytes back as a numbered and an unnumbered report
				 */
				size_t len = (size_t)rc;

				transport_get_feature(t, buf[0], buf, sizeof(buf));
				transport_write(t, buf[0], buf, len);
				transport_write(t, 0, buf, len);
			}
		} while (rc > 0);
		if (rc != -ENODEV)
			abort();
		transport_close(t);
	}
	recording_free(rec);
	return 0;
}
