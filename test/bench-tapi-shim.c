/*
 * make bench: a provider in front of hidphone.tsp ($BENCH_TSP) that forwards every TSPI call
 * it is given and notes when the provider calls back, so that libtapi32's delivery can be
 * compared with the provider's own callback for the same event in the same run.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

#include "tspi.h"

#define SHIM_EXPORT __attribute__((visibility("default")))
#define MAX_TIMES 4096

static void *real;
static PHONEEVENT app_proc;
static uint64_t times[MAX_TIMES];
static size_t n_times;
static uint64_t released;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *fn(const char *name)
{
	if (!real)
		real = dlopen(getenv("BENCH_TSP"), RTLD_NOW | RTLD_LOCAL);
	return real ? dlsym(real, name) : NULL;
}

#define FORWARD(name, params, args) \
	TSPI_EXPORT LONG TSPIAPI TSPI_##name params \
	{ \
		__typeof__(TSPI_##name) *f = (__typeof__(TSPI_##name) *)fn("TSPI_" #name); \
		return f ? f args : PHONEERR_OPERATIONUNAVAIL; \
	}

FORWARD(lineNegotiateTSPIVersion, (DWORD a, DWORD b, DWORD c, LPDWORD d), (a, b, c, d))
FORWARD(providerEnumDevices, (DWORD a, LPDWORD b, LPDWORD c, HPROVIDER d, LINEEVENT e,
			      PHONEEVENT g), (a, b, c, d, e, g))
FORWARD(providerInit, (DWORD a, DWORD b, DWORD c, DWORD d, DWORD_PTR e, DWORD_PTR g,
		       ASYNC_COMPLETION h, LPDWORD i), (a, b, c, d, e, g, h, i))
FORWARD(providerShutdown, (DWORD a, DWORD b), (a, b))
FORWARD(phoneNegotiateTSPIVersion, (DWORD a, DWORD b, DWORD c, LPDWORD d), (a, b, c, d))
FORWARD(phoneGetDevCaps, (DWORD a, DWORD b, DWORD c, LPPHONECAPS d), (a, b, c, d))
FORWARD(phoneClose, (HDRVPHONE a), (a))

/* The provider's callback: noted, then handed to libtapi32 on the same thread. */
static void CALLBACK on_event(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
			      DWORD_PTR p3)
{
	if (msg == PHONE_BUTTON && n_times < MAX_TIMES)
		times[n_times++] = now_ns();
	app_proc(ht, msg, p1, p2, p3);
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneOpen(DWORD id, HTAPIPHONE ht, LPHDRVPHONE hd, DWORD v,
					PHONEEVENT proc)
{
	__typeof__(TSPI_phoneOpen) *f = (__typeof__(TSPI_phoneOpen) *)fn("TSPI_phoneOpen");

	app_proc = proc;
	return f(id, ht, hd, v, on_event);
}

/* Setting the filter releases the replay: its clock starts at the reader's next read(). */
TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetStatusMessages(HDRVPHONE hd, DWORD a, DWORD b, DWORD c)
{
	__typeof__(TSPI_phoneSetStatusMessages) *f =
		(__typeof__(TSPI_phoneSetStatusMessages) *)fn("TSPI_phoneSetStatusMessages");

	if (!released)
		released = now_ns();
	return f(hd, a, b, c);
}

SHIM_EXPORT size_t bench_shim_times(const uint64_t **out, uint64_t *release);
size_t bench_shim_times(const uint64_t **out, uint64_t *release)
{
	*out = times;
	*release = released;
	return n_times;
}
