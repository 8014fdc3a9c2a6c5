/*
 * The provider's life: version negotiation, enumeration, initialisation, shutdown, and the
 * table that maps TAPI's device ids and our handles to phones.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loop/event-loop.h"
#include "discovery.h"
#include "dispatch.h"
#include "errors.h"
#include "hotplug.h"
#include "line.h"
#include "log.h"
#include "phone.h"
#include "phone-io.h"
#include "phone-writer.h"
#include "provider.h"

/*
 * The I/O loop, the device writer and the dispatch thread live from enumeration to
 * shutdown: three threads however many phones there are.
 */
int tsp_threads_start(void)
{
	int rc;

	if (tsp.threads_running)
		return 0;
	rc = loop_start(NULL);
	if (rc < 0)
		return rc;
	rc = tsp_writer_start();
	if (rc < 0) {
		loop_stop();
		return rc;
	}
	rc = tsp_dispatch_start(tsp_phone_input);
	if (rc < 0) {
		loop_stop();
		tsp_writer_stop();
		return rc;
	}
	tsp.threads_running = true;
	return 0;
}

void tsp_threads_stop(void)
{
	bool running;

	pthread_mutex_lock(&tsp.lock);
	running = tsp.threads_running;
	tsp.threads_running = false;
	pthread_mutex_unlock(&tsp.lock);
	if (!running)
		return;
	/*
	 * The loop first: what it still does may queue writes and callbacks; then the writer,
	 * whose last writes complete requests; then the dispatch thread, which delivers them.
	 */
	loop_stop();
	tsp_writer_stop();
	tsp_dispatch_wait_idle();
	tsp_dispatch_stop();
}

/* The highest version in both ranges, or -1 when they do not meet. */
int tsp_negotiate(DWORD low, DWORD high, DWORD *version)
{
	DWORD lo = low > TSP_VERSION_LOW ? low : TSP_VERSION_LOW;
	DWORD hi = high < TSP_VERSION_HIGH ? high : TSP_VERSION_HIGH;

	if (low > high || lo > hi)
		return -1;
	*version = hi;
	return 0;
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
						       DWORD dwHighVersion,
						       LPDWORD lpdwTSPIVersion)
{
	if (!lpdwTSPIVersion)
		return LINEERR_INVALPARAM;
	if (dwDeviceID != INITIALIZE_NEGOTIATION)
		return tsp_line_negotiate(dwDeviceID, dwLowVersion, dwHighVersion, lpdwTSPIVersion);
	if (tsp_negotiate(dwLowVersion, dwHighVersion, lpdwTSPIVersion) < 0)
		return LINEERR_INCOMPATIBLEAPIVERSION;
	return 0;
}

static void forget_phones(void)
{
	/* From the end: a close releases the lock, and the loop may remove phones meanwhile. */
	while (tsp.n_phones) {
		struct phone *p = tsp.phones[tsp.n_phones - 1];

		/* Hosts close their phones before shutting down; one that did not is told nothing. */
		if (p->handle) {
			p->event_proc = NULL;
			if (tsp_phone_close(p, false))
				continue;
		}
		tsp.n_phones--;
		tsp_phone_free(p);
	}
	free(tsp.phones);
	tsp.phones = NULL;
	tsp.n_phones = tsp.cap_phones = 0;
}

/* Finds the phones once per provider life; EnumDevices does, or Init for a host that skips it. */
static LONG enumerate(void)
{
	int rc;

	if (tsp.enumerated)
		return 0;
	rc = tsp_threads_start();
	if (rc == 0)
		rc = tsp_discover();
	if (rc < 0) {
		forget_phones();
		return tsp_line_error(rc);
	}
	tsp_lines_build();
	tsp.enumerated = true;
	return 0;
}

TSPI_EXPORT LONG TSPIAPI TSPI_providerEnumDevices(DWORD dwPermanentProviderID,
						  LPDWORD lpdwNumLines, LPDWORD lpdwNumPhones,
						  HPROVIDER hProvider,
						  LINEEVENT lpfnLineCreateProc,
						  PHONEEVENT lpfnPhoneCreateProc)
{
	LONG result = 0;

	if (!lpdwNumLines || !lpdwNumPhones)
		return LINEERR_INVALPARAM;
	pthread_mutex_lock(&tsp.lock);
	result = enumerate();
	if (result)
		goto out;
	tsp.permanent_provider_id = dwPermanentProviderID;
	tsp.hprovider = hProvider;
	tsp.create_proc = lpfnPhoneCreateProc;
	tsp.line_create_proc = lpfnLineCreateProc;
	*lpdwNumLines = (DWORD)tsp.n_lines;
	*lpdwNumPhones = (DWORD)tsp.n_phones;
	tsp_log(TSP_LOG_INFO, "provider %u: %zu line(s), %zu phone(s)", dwPermanentProviderID,
		tsp.n_lines, tsp.n_phones);
out:
	pthread_mutex_unlock(&tsp.lock);
	if (result) {
		tsp_hotplug_stop();
		tsp_threads_stop();
	}
	return result;
}

TSPI_EXPORT LONG TSPIAPI TSPI_providerInit(DWORD dwTSPIVersion, DWORD dwPermanentProviderID,
					   DWORD dwLineDeviceIDBase, DWORD dwPhoneDeviceIDBase,
					   DWORD_PTR dwNumLines, DWORD_PTR dwNumPhones,
					   ASYNC_COMPLETION lpfnCompletionProc,
					   LPDWORD lpdwTSPIOptions)
{
	LONG result = 0;

	if (!tsp_version_ok(dwTSPIVersion))
		return LINEERR_INCOMPATIBLEAPIVERSION;
	pthread_mutex_lock(&tsp.lock);
	/* A second Init while one is in force is ignored (TSPI_providerInit). */
	if (tsp.initialized)
		goto out;
	result = enumerate();
	if (result)
		goto out;
	tsp.version = dwTSPIVersion;
	tsp.permanent_provider_id = dwPermanentProviderID;
	tsp.phone_base = dwPhoneDeviceIDBase;
	tsp.completion_proc = lpfnCompletionProc;
	tsp_lines_init(dwLineDeviceIDBase, dwNumLines);
	/* TAPI gives ids to as many phones as EnumDevices reported, in that order. */
	for (size_t i = 0; i < tsp.n_phones; i++) {
		struct phone *p = tsp.phones[i];

		/* Phones announced by PHONE_CREATE get their ids from CreatePhoneDevice. */
		if (p->temp_id)
			continue;
		p->device_id = i < dwNumPhones ? dwPhoneDeviceIDBase + (uint32_t)i : TSP_NO_ID;
	}
	if (lpdwTSPIOptions)
		*lpdwTSPIOptions = 0; /* fully re-entrant */
	tsp.initialized = true;
	/* Unplugged between enumeration and now: TAPI counted it, so its removal is reported. */
	for (size_t i = tsp.n_phones; i-- > 0;) {
		struct phone *p = tsp.phones[i];

		if (p->removed) {
			p->removed = false;
			tsp_phone_removed(p);
		}
	}
out:
	pthread_mutex_unlock(&tsp.lock);
	if (result) {
		tsp_hotplug_stop();
		tsp_threads_stop();
	}
	return result;
}

TSPI_EXPORT LONG TSPIAPI TSPI_providerShutdown(DWORD dwTSPIVersion, DWORD dwPermanentProviderID)
{
	(void)dwTSPIVersion;
	(void)dwPermanentProviderID;
	/* The monitor takes the provider lock for each event: stop it without holding it. */
	tsp_hotplug_stop();
	pthread_mutex_lock(&tsp.lock);
	tsp_lines_stop();
	pthread_mutex_unlock(&tsp.lock);
	/* The engine's sockets and calls end on the loop before the phones go. */
	tsp_lines_stop_engine();
	pthread_mutex_lock(&tsp.lock);
	forget_phones();
	pthread_mutex_unlock(&tsp.lock);
	/*
	 * The host may unload the provider once this returns: no thread of ours may still run
	 * provider code, and no callback may still be on its way.
	 */
	tsp_dispatch_wait_idle();
	tsp_threads_stop();
	pthread_mutex_lock(&tsp.lock);
	tsp_discovery_release();
	tsp_lines_free();
	tsp.initialized = false;
	tsp.enumerated = false;
	tsp.create_proc = NULL;
	tsp.line_create_proc = NULL;
	tsp.completion_proc = NULL;
	tsp.hprovider = NULL;
	pthread_mutex_unlock(&tsp.lock);
	return 0;
}

TSPI_EXPORT LONG TSPIAPI TSPI_providerCreatePhoneDevice(DWORD_PTR dwTempID, DWORD dwDeviceID)
{
	LONG result = PHONEERR_BADDEVICEID;

	pthread_mutex_lock(&tsp.lock);
	/* PHONE_CREATE may come before providerInit returns, so may this answer. */
	for (size_t i = 0; tsp.enumerated && i < tsp.n_phones; i++) {
		struct phone *p = tsp.phones[i];

		if (p->temp_id == dwTempID && p->device_id == TSP_NO_ID && !p->removed) {
			/* An id TAPI hands out twice would make two phones one. */
			if (dwDeviceID == TSP_NO_ID || tsp_phone_by_id(dwDeviceID))
				break;
			p->device_id = dwDeviceID;
			result = 0;
			break;
		}
	}
	pthread_mutex_unlock(&tsp.lock);
	return result;
}
