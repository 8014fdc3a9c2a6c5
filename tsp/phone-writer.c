/*
 * The device writer: see phone-writer.h.
 *
 * One queue under one mutex; the thread sleeps on a condition variable while the queue is
 * empty, so an idle writer never wakes.
 */
#include <errno.h>
#include <pthread.h>

#include "phone-writer.h"

static struct {
	pthread_mutex_t lock;
	pthread_cond_t work;           /* something queued, or stop */
	pthread_cond_t done;           /* tsp_writer_signal() */
	struct writer_job *head, *tail;
	pthread_t thread;
	bool running, stop;
} W = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};

static _Thread_local bool on_writer;

bool tsp_writer_on_thread(void)
{
	return on_writer;
}

static void *writer_main(void *arg)
{
	(void)arg;
	on_writer = true;
	pthread_setname_np(pthread_self(), "hidphone-write");
	pthread_mutex_lock(&W.lock);
	for (;;) {
		struct writer_job *j;

		while (!W.head && !W.stop)
			pthread_cond_wait(&W.work, &W.lock);
		j = W.head;
		if (!j)
			break;
		W.head = j->next;
		if (!W.head)
			W.tail = NULL;
		pthread_mutex_unlock(&W.lock);
		j->next = NULL;
		j->run(j);
		pthread_mutex_lock(&W.lock);
	}
	pthread_mutex_unlock(&W.lock);
	return NULL;
}

int tsp_writer_start(void)
{
	int rc;

	pthread_mutex_lock(&W.lock);
	if (W.running) {
		pthread_mutex_unlock(&W.lock);
		return 0;
	}
	W.stop = false;
	rc = pthread_create(&W.thread, NULL, writer_main, NULL);
	W.running = rc == 0;
	pthread_mutex_unlock(&W.lock);
	return -rc;
}

void tsp_writer_stop(void)
{
	pthread_mutex_lock(&W.lock);
	if (!W.running || on_writer) {
		pthread_mutex_unlock(&W.lock);
		return;
	}
	/* What is queued still runs: the thread leaves only with the queue empty. */
	W.stop = true;
	pthread_cond_signal(&W.work);
	pthread_mutex_unlock(&W.lock);
	pthread_join(W.thread, NULL);
	pthread_mutex_lock(&W.lock);
	W.running = false;
	W.stop = false;
	pthread_mutex_unlock(&W.lock);
}

int tsp_writer_post_locked(struct writer_job *job)
{
	if (!W.running || W.stop)
		return -ESHUTDOWN;
	job->next = NULL;
	if (W.tail)
		W.tail->next = job;
	else
		W.head = job;
	W.tail = job;
	pthread_cond_signal(&W.work);
	return 0;
}

int tsp_writer_post(struct writer_job *job)
{
	int rc;

	pthread_mutex_lock(&W.lock);
	rc = tsp_writer_post_locked(job);
	pthread_mutex_unlock(&W.lock);
	return rc;
}

void tsp_writer_lock(void)
{
	pthread_mutex_lock(&W.lock);
}

void tsp_writer_unlock(void)
{
	pthread_mutex_unlock(&W.lock);
}

void tsp_writer_wait(void)
{
	pthread_cond_wait(&W.done, &W.lock);
}

void tsp_writer_signal(void)
{
	pthread_cond_broadcast(&W.done);
}
