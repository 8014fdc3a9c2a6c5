#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report-prefix.h"

int report_prefix(struct report_prefixed *p, uint8_t id, const uint8_t *report, size_t len)
{
	size_t skip = report_prefix_len(id);

	p->len = skip + len;
	p->bytes = p->len <= sizeof(p->small) ? p->small : malloc(p->len);
	if (!p->bytes) {
		p->len = 0;
		return -ENOMEM;
	}
	if (report)
		memcpy(p->bytes + skip, report, len);
	else
		memset(p->bytes + skip, 0, len);
	/* The 0 of "no id", or the id byte of a numbered report to be filled in. */
	if (p->len)
		p->bytes[0] = id;
	return 0;
}

void report_prefixed_release(struct report_prefixed *p)
{
	if (p->bytes != p->small)
		free(p->bytes);
	p->bytes = NULL;
	p->len = 0;
}

int report_unprefix(const uint8_t *bytes, size_t len, uint8_t *id, const uint8_t **report,
		    size_t *report_len)
{
	size_t skip;

	if (!bytes || len == 0)
		return -EINVAL;
	*id = bytes[0];
	skip = report_prefix_len(*id);
	if (len <= skip)
		return -EINVAL;
	*report = bytes + skip;
	*report_len = len - skip;
	return 0;
}
