/*
 * The device writer: one thread, however many phones there are, that makes every write to
 * a device, in the order the writes were queued.
 *
 * A hidraw write() blocks until the device has taken the report, and usbhid gives up only
 * after 5 s: a device that stops accepting output reports would hold whichever thread
 * writes. That is this thread, never the I/O loop, so every other phone's input, hotplug,
 * timers and the SIP stacks go on while one device is stuck. The writer never runs host
 * code (it queues completions for the dispatch thread) and takes the provider lock only
 * while holding nothing else.
 *
 * A job is queued whole and runs once: run(job) on the writer thread, in queue order, which
 * keeps the writes of each device in order. While a job waits its turn, its owner may
 * still change it under tsp_writer_lock() (phone-io merges one output state into the next);
 * run() takes what it writes under that lock too.
 */
#ifndef HIDPHONE_TSP_PHONE_WRITER_H
#define HIDPHONE_TSP_PHONE_WRITER_H

#include <stdbool.h>

struct writer_job {
	struct writer_job *next;
	void (*run)(struct writer_job *job);    /* frees the job */
};

/* Starts the thread; 0 or a negative errno. */
int tsp_writer_start(void);
/* Runs what is queued, then ends the thread and joins it. Not from the writer thread. */
void tsp_writer_stop(void);
bool tsp_writer_on_thread(void);

/* Queues job; -ESHUTDOWN when the thread does not run (the caller runs or drops it). */
int tsp_writer_post(struct writer_job *job);
/* The same with the writer lock held. */
int tsp_writer_post_locked(struct writer_job *job);

void tsp_writer_lock(void);
void tsp_writer_unlock(void);
/* Waits (writer lock held) until tsp_writer_signal(); for those who wait for a job. */
void tsp_writer_wait(void);
void tsp_writer_signal(void);          /* writer lock held */

#endif
