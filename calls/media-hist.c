/* Timing histograms: see media-hist.h. */
#include "calls/media-hist.h"

void media_hist_add(struct media_hist *h, uint64_t us)
{
	uint64_t b = us / MEDIA_HIST_BUCKET_US;

	h->bucket[b < MEDIA_HIST_BUCKETS - 1 ? b : MEDIA_HIST_BUCKETS - 1]++;
	h->n++;
	if (us > h->max_us)
		h->max_us = (uint32_t)(us > UINT32_MAX ? UINT32_MAX : us);
}

uint32_t media_hist_percentile(const struct media_hist *h, unsigned pct)
{
	uint64_t want = (h->n * pct + 99) / 100, seen = 0;
	unsigned i;

	if (!h->n)
		return 0;
	for (i = 0; i < MEDIA_HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= want)
			return i * MEDIA_HIST_BUCKET_US;
	}
	return (MEDIA_HIST_BUCKETS - 1) * MEDIA_HIST_BUCKET_US;
}
