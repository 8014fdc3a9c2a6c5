/* Timing histograms of a call's media (send intervals, lateness): 10 us buckets up to 20 ms,
 * then one overflow bucket, so percentiles cost no sorting and no allocation on the loop. */
#ifndef HIDPHONE_CALLS_MEDIA_HIST_H
#define HIDPHONE_CALLS_MEDIA_HIST_H

#include <stdint.h>

#define MEDIA_HIST_BUCKET_US 10
#define MEDIA_HIST_BUCKETS 2001

struct media_hist {
	uint64_t n;
	uint32_t max_us;
	uint32_t bucket[MEDIA_HIST_BUCKETS];
};

void media_hist_add(struct media_hist *h, uint64_t us);
/* The bucket at pct percent (0 with no samples); 20000 means "20 ms or more". */
uint32_t media_hist_percentile(const struct media_hist *h, unsigned pct);

#endif
