/*
 * A TSPI provider for the libtapi32 tests that does only what the test tells it: it keeps
 * requests outstanding until the test completes them, announces and removes phones, closes
 * them by force and sends buttons, and counts what libtapi32 asked of it. The test reaches
 * the fake_* functions by dlopen()ing the same file libtapi32 loaded.
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "tspi.h"

#define FAKE_EXPORT __attribute__((visibility("default")))
#define MAX_PHONES 8
#define MAX_PENDING 256

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static ASYNC_COMPLETION completion;
static PHONEEVENT create_proc;
static HPROVIDER hprovider;
static DWORD next_temp = 100;

static struct phone {
	bool exists, open;
	DWORD id;
	DWORD_PTR temp;
	HTAPIPHONE ht;
	PHONEEVENT proc;
	DWORD lamp;
} phones[MAX_PHONES];
static size_t n_phones;

static DRV_REQUESTID pending[MAX_PENDING];
static size_t n_pending;
static int opens, closes;
static DWORD last_states, last_modes, last_bstates;

static struct phone *by_id(DWORD id)
{
	for (size_t i = 0; i < n_phones; i++) {
		if (phones[i].exists && phones[i].id == id)
			return &phones[i];
	}
	return NULL;
}

static struct phone *by_handle(HDRVPHONE hd)
{
	size_t i = (size_t)(uintptr_t)hd;

	if (i == 0 || i > n_phones || !phones[i - 1].open)
		return NULL;
	return &phones[i - 1];
}

TSPI_EXPORT LONG TSPIAPI TSPI_lineNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
	DWORD dwHighVersion, LPDWORD lpdwTSPIVersion)
{
	(void)dwDeviceID;
	if (dwLowVersion > TAPI_VERSION2_2 || dwHighVersion < TAPI_VERSION2_0)
		return LINEERR_INCOMPATIBLEAPIVERSION;
	/* an older provider: libtapi32 must not assume 3.1 */
	*lpdwTSPIVersion = dwHighVersion < TAPI_VERSION2_2 ? dwHighVersion : TAPI_VERSION2_2;
	return 0;
}

TSPI_EXPORT LONG TSPIAPI TSPI_providerEnumDevices(DWORD dwPermanentProviderID,
	LPDWORD lpdwNumLines, LPDWORD lpdwNumPhones, HPROVIDER hProvider,
	LINEEVENT lpfnLineCreateProc, PHONEEVENT lpfnPhoneCreateProc)
{
	(void)dwPermanentProviderID;
	(void)lpfnLineCreateProc;
	pthread_mutex_lock(&lock);
	*lpdwNumLines = 0;
	*lpdwNumPhones = 1;
	hprovider = hProvider;
	create_proc = lpfnPhoneCreateProc;
	memset(phones, 0, sizeof(phones));
	n_phones = 1;
	n_pending = 0;
	opens = closes = 0;
	pthread_mutex_unlock(&lock);
	return 0;
}

TSPI_EXPORT LONG TSPIAPI TSPI_providerInit(DWORD dwTSPIVersion, DWORD dwPermanentProviderID,
	DWORD dwLineDeviceIDBase, DWORD dwPhoneDeviceIDBase, DWORD_PTR dwNumLines,
	DWORD_PTR dwNumPhones, ASYNC_COMPLETION lpfnCompletionProc, LPDWORD lpdwTSPIOptions)
{
	(void)dwTSPIVersion; (void)dwPermanentProviderID; (void)dwLineDeviceIDBase;
	(void)dwNumLines; (void)dwNumPhones;
	pthread_mutex_lock(&lock);
	completion = lpfnCompletionProc;
	phones[0] = (struct phone){ .exists = true, .id = dwPhoneDeviceIDBase };
	*lpdwTSPIOptions = 0;
	pthread_mutex_unlock(&lock);
	return 0;
}

TSPI_EXPORT LONG TSPIAPI TSPI_providerShutdown(DWORD dwTSPIVersion, DWORD dwPermanentProviderID)
{
	(void)dwTSPIVersion; (void)dwPermanentProviderID;
	return 0;
}

TSPI_EXPORT LONG TSPIAPI TSPI_providerCreatePhoneDevice(DWORD_PTR dwTempID, DWORD dwDeviceID)
{
	LONG rc = PHONEERR_BADDEVICEID;

	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < n_phones; i++) {
		if (phones[i].temp == dwTempID && !phones[i].exists) {
			phones[i].exists = true;
			phones[i].id = dwDeviceID;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
	DWORD dwHighVersion, LPDWORD lpdwTSPIVersion)
{
	LONG rc = 0;

	pthread_mutex_lock(&lock);
	if (!by_id(dwDeviceID))
		rc = PHONEERR_BADDEVICEID;
	else if (dwLowVersion > TAPI_VERSION2_2 || dwHighVersion < TAPI_VERSION2_0)
		rc = PHONEERR_INCOMPATIBLEAPIVERSION;
	else
		*lpdwTSPIVersion = dwHighVersion < TAPI_VERSION2_2 ? dwHighVersion : TAPI_VERSION2_2;
	pthread_mutex_unlock(&lock);
	return rc;
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetDevCaps(DWORD dwDeviceID, DWORD dwTSPIVersion,
	DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps)
{
	LONG rc = 0;

	(void)dwExtVersion;
	pthread_mutex_lock(&lock);
	if (!by_id(dwDeviceID)) {
		rc = PHONEERR_BADDEVICEID;
	} else if (dwTSPIVersion > TAPI_VERSION2_2) {
		rc = PHONEERR_INCOMPATIBLEAPIVERSION;   /* libtapi32 must ask within 2.2 */
	} else {
		DWORD total = lpPhoneCaps->dwTotalSize;

		memset(lpPhoneCaps, 0, PHONECAPS_SIZE_2_0);
		lpPhoneCaps->dwTotalSize = total;
		lpPhoneCaps->dwNeededSize = lpPhoneCaps->dwUsedSize = PHONECAPS_SIZE_2_0;
		lpPhoneCaps->dwNumButtonLamps = 4;
		lpPhoneCaps->dwPhoneStates = PHONESTATE_LAMP;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneOpen(DWORD dwDeviceID, HTAPIPHONE htPhone,
	LPHDRVPHONE lphdPhone, DWORD dwTSPIVersion, PHONEEVENT lpfnEventProc)
{
	struct phone *p;
	LONG rc = 0;

	(void)dwTSPIVersion;
	pthread_mutex_lock(&lock);
	p = by_id(dwDeviceID);
	if (!p) {
		rc = PHONEERR_BADDEVICEID;
	} else if (p->open) {
		rc = PHONEERR_INUSE;    /* TAPI opens a provider's phone once */
	} else {
		p->open = true;
		p->ht = htPhone;
		p->proc = lpfnEventProc;
		*lphdPhone = (HDRVPHONE)(uintptr_t)(p - phones + 1);
		opens++;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hdPhone)
{
	struct phone *p;
	LONG rc = 0;

	pthread_mutex_lock(&lock);
	p = by_handle(hdPhone);
	if (p) {
		p->open = false;
		closes++;
	} else {
		rc = PHONEERR_INVALPHONEHANDLE;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetStatusMessages(HDRVPHONE hdPhone, DWORD dwPhoneStates,
	DWORD dwButtonModes, DWORD dwButtonStates)
{
	LONG rc = 0;

	pthread_mutex_lock(&lock);
	if (by_handle(hdPhone)) {
		last_states = dwPhoneStates;
		last_modes = dwButtonModes;
		last_bstates = dwButtonStates;
	} else {
		rc = PHONEERR_INVALPHONEHANDLE;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneSetLamp(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
	DWORD dwButtonLampID, DWORD dwLampMode)
{
	struct phone *p;
	LONG rc = (LONG)dwRequestID;

	pthread_mutex_lock(&lock);
	p = by_handle(hdPhone);
	if (!p)
		rc = PHONEERR_INVALPHONEHANDLE;
	else if (dwButtonLampID >= 4)
		rc = PHONEERR_INVALBUTTONLAMPID;
	else if (n_pending == MAX_PENDING)
		rc = PHONEERR_RESOURCEUNAVAIL;
	else
		pending[n_pending++] = dwRequestID;
	if (p && rc > 0)
		p->lamp = dwLampMode;
	pthread_mutex_unlock(&lock);
	return rc;
}

TSPI_EXPORT LONG TSPIAPI TSPI_phoneGetLamp(HDRVPHONE hdPhone, DWORD dwButtonLampID,
	LPDWORD lpdwLampMode)
{
	struct phone *p;
	LONG rc = 0;

	(void)dwButtonLampID;
	pthread_mutex_lock(&lock);
	p = by_handle(hdPhone);
	if (p)
		*lpdwLampMode = p->lamp;
	else
		rc = PHONEERR_INVALPHONEHANDLE;
	pthread_mutex_unlock(&lock);
	return rc;
}

/* --- what the test drives ------------------------------------------------------------- */

FAKE_EXPORT size_t fake_pending(void);
FAKE_EXPORT void fake_complete_all(LONG result);
FAKE_EXPORT void fake_create_phone(void);
FAKE_EXPORT void fake_remove_phone(DWORD id);
FAKE_EXPORT void fake_force_close(DWORD id);
FAKE_EXPORT void fake_event(DWORD id, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3);
FAKE_EXPORT void fake_counts(int *o, int *c, DWORD *states, DWORD *modes, DWORD *bstates);

size_t fake_pending(void)
{
	size_t n;

	pthread_mutex_lock(&lock);
	n = n_pending;
	pthread_mutex_unlock(&lock);
	return n;
}

void fake_complete_all(LONG result)
{
	DRV_REQUESTID ids[MAX_PENDING];
	size_t n;

	pthread_mutex_lock(&lock);
	n = n_pending;
	memcpy(ids, pending, n * sizeof(ids[0]));
	n_pending = 0;
	pthread_mutex_unlock(&lock);
	for (size_t i = 0; i < n; i++)
		completion(ids[i], result);
}

void fake_create_phone(void)
{
	DWORD_PTR temp;

	pthread_mutex_lock(&lock);
	temp = next_temp++;
	phones[n_phones++] = (struct phone){ .temp = temp };
	pthread_mutex_unlock(&lock);
	create_proc(NULL, PHONE_CREATE, (DWORD_PTR)hprovider, temp, 0);
}

void fake_remove_phone(DWORD id)
{
	pthread_mutex_lock(&lock);
	struct phone *p = by_id(id);
	if (p)
		p->exists = false;
	pthread_mutex_unlock(&lock);
	create_proc(NULL, PHONE_REMOVE, id, 0, 0);
}

void fake_force_close(DWORD id)
{
	HTAPIPHONE ht = NULL;
	PHONEEVENT proc = NULL;

	pthread_mutex_lock(&lock);
	struct phone *p = by_id(id);
	if (p && p->open) {
		p->open = false;
		ht = p->ht;
		proc = p->proc;
	}
	pthread_mutex_unlock(&lock);
	if (proc)
		proc(ht, PHONE_CLOSE, 0, 0, 0);
}

void fake_event(DWORD id, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3)
{
	HTAPIPHONE ht = NULL;
	PHONEEVENT proc = NULL;

	pthread_mutex_lock(&lock);
	struct phone *p = by_id(id);
	if (p && p->open) {
		ht = p->ht;
		proc = p->proc;
	}
	pthread_mutex_unlock(&lock);
	if (proc)
		proc(ht, msg, p1, p2, p3);
}

void fake_counts(int *o, int *c, DWORD *states, DWORD *modes, DWORD *bstates)
{
	pthread_mutex_lock(&lock);
	*o = opens;
	*c = closes;
	*states = last_states;
	*modes = last_modes;
	*bstates = last_bstates;
	pthread_mutex_unlock(&lock);
}
