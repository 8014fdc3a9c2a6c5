/*
 * Host names in the URIs a line calls: getaddrinfo (which honours /etc/hosts and
 * nsswitch, as libre 1.1.0's DNS client does not) on a short-lived thread of its own, so
 * the loop never waits on the network. The answer comes back to the loop through an
 * eventfd the loop watches. The request is shared by the loop and the thread with a
 * reference count, so either side may finish first: a cancelled lookup's thread still
 * writes to a descriptor that is open, and frees the request when it is the last.
 */
#include "calls/call-internal.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

struct cresolve {
	atomic_int refs;
	/* Set (release) once the answer is written, read (acquire) before it is: the eventfd
	 * wakes the loop, this orders the answer for it (and for ThreadSanitizer, which does
	 * not see an eventfd as an ordering point). */
	atomic_bool done;
	int efd;
	int af;
	char host[256];
	/* Written by the thread before it signals; read by the loop after. */
	int gai_err;
	struct sa addr;
	/* The loop's side. */
	cresolve_h *h;
	void *arg;
};

/* Threads still inside getaddrinfo: the engine waits for them before it goes, as their
 * code is in the provider, which the host may unload after shutdown. */
static atomic_int running;

static void unref(struct cresolve *r)
{
	if (atomic_fetch_sub(&r->refs, 1) == 1) {
		close(r->efd);
		free(r);
	}
}

static void *lookup(void *arg)
{
	struct cresolve *r = arg;
	struct addrinfo hints = { .ai_family = r->af, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res = NULL;
	uint64_t one = 1;

	r->gai_err = getaddrinfo(r->host, NULL, &hints, &res);
	if (!r->gai_err) {
		if (res && res->ai_addrlen <= sizeof(r->addr.u))
			(void)sa_set_sa(&r->addr, res->ai_addr);
		else
			r->gai_err = EAI_FAMILY;
	}
	if (res)
		freeaddrinfo(res);
	atomic_store_explicit(&r->done, true, memory_order_release);
	if (write(r->efd, &one, sizeof(one)) != sizeof(one)) {
		/* eventfd of a counter this small never refuses a write */
	}
	unref(r);
	atomic_fetch_sub(&running, 1);
	return NULL;
}

static int errno_of(int gai_err)
{
	switch (gai_err) {
	case 0:
		return 0;
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
		return -ENOENT;       /* no such name: a bad address */
	case EAI_AGAIN:
		return -EAGAIN;       /* no answer from the name service: unreachable */
	case EAI_MEMORY:
		return -ENOMEM;
	default:
		return -EHOSTUNREACH;
	}
}

static void ready(int flags, void *arg)
{
	struct cresolve *r = arg;
	cresolve_h *h = r->h;

	(void)flags;
	if (!atomic_load_explicit(&r->done, memory_order_acquire))
		return;   /* not written yet: the eventfd stays readable until it is */
	fd_close(r->efd);
	r->h = NULL;
	if (h)
		h(errno_of(r->gai_err), &r->addr, r->arg);
	unref(r);
}

int cresolve_start(struct cresolve **rp, const char *host, int af, cresolve_h *h, void *arg)
{
	struct cresolve *r;
	pthread_attr_t attr;
	pthread_t t;
	int err;

	if (strlen(host) >= sizeof(r->host))
		return -ENAMETOOLONG;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	memcpy(r->host, host, strlen(host) + 1);
	r->af = af;
	r->h = h;
	r->arg = arg;
	atomic_init(&r->refs, 2);
	atomic_init(&r->done, false);
	r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->efd < 0) {
		err = -errno;
		free(r);
		return err;
	}
	err = fd_listen(r->efd, FD_READ, ready, r);
	if (err) {
		close(r->efd);
		free(r);
		return -err;
	}
	atomic_fetch_add(&running, 1);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&t, &attr, lookup, r);
	pthread_attr_destroy(&attr);
	if (err) {
		atomic_fetch_sub(&running, 1);
		fd_close(r->efd);
		close(r->efd);
		free(r);
		return -err;
	}
	*rp = r;
	return 0;
}

void cresolve_cancel(struct cresolve *r)
{
	if (!r)
		return;
	fd_close(r->efd);
	r->h = NULL;
	unref(r);
}

bool cresolve_drain(unsigned timeout_ms)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };

	for (unsigned waited = 0; atomic_load(&running) > 0; waited += 5) {
		if (waited >= timeout_ms)
			return false;
		nanosleep(&ts, NULL);
	}
	return true;
}

bool cresolve_host_ok(const struct pl *host)
{
	if (!host->l || host->l > 253)
		return false;
	for (size_t i = 0; i < host->l; i++) {
		char ch = host->p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
			return false;
	}
	return true;
}

int cresolve_uri_at(char *out, size_t size, const char *uri, const struct sa *addr)
{
	struct sip_addr a;
	struct pl pl;
	size_t pre, post;
	int n;

	pl_set_str(&pl, uri);
	if (sip_addr_decode(&a, &pl))
		return -EINVAL;
	pre = (size_t)(a.uri.host.p - uri);
	post = pre + a.uri.host.l;
	n = re_snprintf(out, size, sa_af(addr) == AF_INET6 ? "%b[%j]%s" : "%b%j%s", uri, pre,
			addr, uri + post);
	return n < 0 ? -ENAMETOOLONG : 0;
}
