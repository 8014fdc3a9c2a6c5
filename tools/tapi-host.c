#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tapi-host.h"

struct host *host;

uint64_t host_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

unsigned long long host_context_switches(bool but_main)
{
	unsigned long long total = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[300], line[256];
		FILE *f;

		if (e->d_name[0] == '.' || (but_main && atoi(e->d_name) == getpid()))
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", e->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f)) {
			unsigned long long n;

			if (sscanf(line, "voluntary_ctxt_switches: %llu", &n) == 1 ||
			    sscanf(line, "nonvoluntary_ctxt_switches: %llu", &n) == 1)
				total += n;
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return total;
}

static void record(struct host_event ev)
{
	struct host *h = host;
	void (*on_event)(struct host *h, const struct host_event *ev);

	ev.usec = host_now_usec();
	pthread_mutex_lock(&h->lock);
	if (h->inside++)
		h->concurrent++;
	if (h->n_events < HOST_MAX_EVENTS)
		h->events[h->n_events++] = ev;
	on_event = h->on_event;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
	if (on_event)
		on_event(h, &ev);
	pthread_mutex_lock(&h->lock);
	h->inside--;
	pthread_mutex_unlock(&h->lock);
}

void CALLBACK host_phone_event(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
			       DWORD_PTR p3)
{
	record((struct host_event){ .ht = ht, .msg = msg, .p1 = p1, .p2 = p2, .p3 = p3 });
}

static void CALLBACK host_enum_event(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
				     DWORD_PTR p3)
{
	record((struct host_event){ .enumerated = true, .ht = ht, .msg = msg, .p1 = p1, .p2 = p2,
				    .p3 = p3 });
}

static void CALLBACK on_completion(DRV_REQUESTID request, LONG result)
{
	record((struct host_event){ .completion = true, .request = request, .result = result });
}

void CALLBACK host_line_event(HTAPILINE l, HTAPICALL c, DWORD msg, DWORD_PTR p1,
			      DWORD_PTR p2, DWORD_PTR p3)
{
	/* TAPI names a new call before the callback returns: the provider reads it after. */
	if (msg == LINE_NEWCALL && p2)
		*(HTAPICALL *)p2 = host_htcall(p1);
	record((struct host_event){ .line = true, .htline = l, .htcall = c, .msg = msg,
				    .p1 = p1, .p2 = p2, .p3 = p3 });
}

#ifndef HIDPHONE_TSP_INSTALLED
#define HIDPHONE_TSP_INSTALLED "/usr/local/lib/hidphone/hidphone.tsp"
#endif

/* hidphone.tsp beside the running program: build/phonectl finds build/hidphone.tsp. */
static const char *beside_program(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 16);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	strcpy(slash + 1, "hidphone.tsp");
	return access(buf, R_OK) == 0 ? buf : NULL;
}

const char *host_provider_path(char *buf, size_t size)
{
	const char *path = getenv("HIDPHONE_TSP");

	if (!path)
		path = beside_program(buf, size);
	return path ? path : HIDPHONE_TSP_INSTALLED;
}

struct host *host_load(const char *path)
{
	struct host *h = calloc(1, sizeof(*h));
	char exe[PATH_MAX];

	if (!h)
		return NULL;
	if (!path)
		path = host_provider_path(exe, sizeof(exe));
	h->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h->dl) {
		fprintf(stderr, "cannot load the provider: %s\n", dlerror());
		free(h);
		return NULL;
	}
#define RESOLVE(name) do { \
		*(void **)&h->name = dlsym(h->dl, "TSPI_" #name); \
		if (!h->name) { \
			fprintf(stderr, "%s lacks TSPI_%s\n", path, #name); \
			dlclose(h->dl); \
			free(h); \
			return NULL; \
		} \
	} while (0)
#define RESOLVE_OPTIONAL(name) (*(void **)&h->name = dlsym(h->dl, "TSPI_" #name))
	RESOLVE_OPTIONAL(lineGetDevCaps);
	RESOLVE_OPTIONAL(lineGetAddressCaps);
	RESOLVE_OPTIONAL(lineGetAddressStatus);
	RESOLVE_OPTIONAL(lineGetAddressID);
	RESOLVE_OPTIONAL(lineGetNumAddressIDs);
	RESOLVE_OPTIONAL(lineGetLineDevStatus);
	RESOLVE_OPTIONAL(lineOpen);
	RESOLVE_OPTIONAL(lineClose);
	RESOLVE_OPTIONAL(lineSetDefaultMediaDetection);
	RESOLVE_OPTIONAL(lineConditionalMediaDetection);
	RESOLVE_OPTIONAL(lineSetStatusMessages);
	RESOLVE_OPTIONAL(lineGetID);
	RESOLVE_OPTIONAL(lineMakeCall);
	RESOLVE_OPTIONAL(lineDial);
	RESOLVE_OPTIONAL(lineAnswer);
	RESOLVE_OPTIONAL(lineDrop);
	RESOLVE_OPTIONAL(lineCloseCall);
	RESOLVE_OPTIONAL(lineGenerateDigits);
	RESOLVE_OPTIONAL(lineMonitorDigits);
	RESOLVE_OPTIONAL(lineSetAppSpecific);
	RESOLVE_OPTIONAL(lineSetCallParams);
	RESOLVE_OPTIONAL(lineGetCallAddressID);
	RESOLVE_OPTIONAL(lineGetCallStatus);
	RESOLVE_OPTIONAL(lineGetCallInfo);
#undef RESOLVE_OPTIONAL
	RESOLVE(lineNegotiateTSPIVersion);
	RESOLVE(providerEnumDevices);
	RESOLVE(providerInit);
	RESOLVE(providerShutdown);
	RESOLVE(providerCreatePhoneDevice);
	RESOLVE(phoneNegotiateTSPIVersion);
	RESOLVE(phoneNegotiateExtVersion);
	RESOLVE(phoneGetExtensionID);
	RESOLVE(phoneSelectExtVersion);
	RESOLVE(phoneGetDevCaps);
	RESOLVE(phoneOpen);
	RESOLVE(phoneClose);
	RESOLVE(phoneSetStatusMessages);
	RESOLVE(phoneGetStatus);
	RESOLVE(phoneGetButtonInfo);
	RESOLVE(phoneSetButtonInfo);
	RESOLVE(phoneGetLamp);
	RESOLVE(phoneSetLamp);
	RESOLVE(phoneGetHookSwitch);
	RESOLVE(phoneSetHookSwitch);
	RESOLVE(phoneGetRing);
	RESOLVE(phoneSetRing);
	RESOLVE(phoneGetDisplay);
	RESOLVE(phoneSetDisplay);
	RESOLVE(phoneGetVolume);
	RESOLVE(phoneSetVolume);
	RESOLVE(phoneGetGain);
	RESOLVE(phoneSetGain);
	RESOLVE(phoneGetData);
	RESOLVE(phoneSetData);
	RESOLVE(phoneGetID);
	RESOLVE(phoneGetIcon);
	RESOLVE(phoneDevSpecific);
#undef RESOLVE
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->changed, NULL);
	host = h;
	return h;
}

void host_unload(struct host *h)
{
	if (!h)
		return;
	dlclose(h->dl);
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->changed);
	if (host == h)
		host = NULL;
	free(h);
}

LONG host_start(struct host *h, DWORD phone_base)
{
	DWORD lines = 0, options = 0;
	LONG rc;

	rc = h->lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, TAPI_VERSION2_0, TAPI_VERSION3_1,
					 &h->version);
	if (rc)
		return rc;
	rc = h->providerEnumDevices(HOST_PROVIDER_ID, &lines, &h->num_phones, HOST_HPROVIDER,
				    host_line_event, host_enum_event);
	if (rc)
		return rc;
	h->phone_base = phone_base;
	h->num_lines = lines;
	h->line_base = phone_base + 100;
	return h->providerInit(h->version, HOST_PROVIDER_ID, h->line_base, phone_base, lines,
			       h->num_phones, on_completion, &options);
}

void host_stop(struct host *h)
{
	h->providerShutdown(h->version, HOST_PROVIDER_ID);
}

bool host_wait(struct host *h, size_t n, int timeout_ms)
{
	uint64_t deadline = host_now_usec() + (uint64_t)timeout_ms * 1000u;
	bool ok;

	pthread_mutex_lock(&h->lock);
	while (h->n_events < n && host_now_usec() < deadline) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&h->changed, &h->lock, &ts);
	}
	ok = h->n_events >= n;
	pthread_mutex_unlock(&h->lock);
	return ok;
}

static bool is_completion_of(const struct host_event *ev, const void *request)
{
	return ev->completion && ev->request == *(const DRV_REQUESTID *)request;
}

LONG host_wait_completion(struct host *h, DRV_REQUESTID request, int timeout_ms)
{
	long i = host_find(h, 0, is_completion_of, &request, timeout_ms);

	return i < 0 ? 1 : host_event_at(h, (size_t)i).result;
}

size_t host_n_events(struct host *h)
{
	size_t n;

	pthread_mutex_lock(&h->lock);
	n = h->n_events;
	pthread_mutex_unlock(&h->lock);
	return n;
}

struct host_event host_event_at(struct host *h, size_t i)
{
	struct host_event ev;

	pthread_mutex_lock(&h->lock);
	ev = h->events[i];
	pthread_mutex_unlock(&h->lock);
	return ev;
}

long host_find(struct host *h, size_t from,
	       bool (*match)(const struct host_event *ev, const void *arg), const void *arg,
	       int timeout_ms)
{
	uint64_t deadline = host_now_usec() + (uint64_t)timeout_ms * 1000u;

	for (size_t i = from;;) {
		size_t n = host_n_events(h);

		for (; i < n; i++) {
			struct host_event ev = host_event_at(h, i);

			if (match(&ev, arg))
				return (long)i;
		}
		if (host_now_usec() >= deadline)
			return -1;
		host_wait(h, n + 1, (int)((deadline - host_now_usec()) / 1000u) + 1);
	}
}

size_t host_completions(struct host *h, DRV_REQUESTID request, LONG *result)
{
	size_t c = 0;

	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < h->n_events; i++) {
		if (h->events[i].completion && h->events[i].request == request) {
			c++;
			if (result)
				*result = h->events[i].result;
		}
	}
	pthread_mutex_unlock(&h->lock);
	return c;
}

size_t host_count(struct host *h, bool completion, DWORD msg)
{
	size_t c = 0;

	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < h->n_events; i++) {
		if (h->events[i].completion == completion && (completion || h->events[i].msg == msg))
			c++;
	}
	pthread_mutex_unlock(&h->lock);
	return c;
}

void host_set_on_event(struct host *h,
		       void (*on_event)(struct host *h, const struct host_event *ev))
{
	pthread_mutex_lock(&h->lock);
	h->on_event = on_event;
	pthread_mutex_unlock(&h->lock);
}

void host_clear(struct host *h)
{
	pthread_mutex_lock(&h->lock);
	h->n_events = 0;
	pthread_mutex_unlock(&h->lock);
}
