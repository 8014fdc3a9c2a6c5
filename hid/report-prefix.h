/*
 * The prefixed form of a report: the report id first, 0 when the device numbers no reports,
 * then its data. hidraw's write() and feature ioctls and hidapi take reports so, and so do
 * the places where a report's bytes stand alone, without the id beside them: a recording's
 * O: and F: lines and phonectl's command line. It says on its own whether the first byte
 * is an id, which the form on the wire (transport.h) does not.
 */
#ifndef HIDPHONE_REPORT_PREFIX_H
#define HIDPHONE_REPORT_PREFIX_H

#include <stddef.h>
#include <stdint.h>

/* The prefixed form of one report: in small when it fits, else allocated. */
struct report_prefixed {
	uint8_t *bytes;
	size_t len;
	uint8_t small[64];
};

/*
 * The prefixed form of report id, len bytes as on the wire (transport.h); with report
 * NULL, the id byte and len zeroed bytes after it, for a backend to fill. Returns 0 or
 * -ENOMEM; report_prefixed_release() frees it either way.
 */
int report_prefix(struct report_prefixed *p, uint8_t id, const uint8_t *report, size_t len);
void report_prefixed_release(struct report_prefixed *p);

/* Where the report as on the wire starts in a prefixed report: after the 0 of "no id". */
static inline size_t report_prefix_len(uint8_t id)
{
	return id == 0;
}

/*
 * Splits a prefixed report into its id and its bytes as on the wire (pointing into bytes).
 * Returns 0, or -EINVAL when nothing is left of the report.
 */
int report_unprefix(const uint8_t *bytes, size_t len, uint8_t *id, const uint8_t **report,
		    size_t *report_len);

#endif
