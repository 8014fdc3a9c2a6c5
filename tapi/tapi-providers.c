/*
 * Loading providers, numbering their phones, and what they call back.
 *
 * Callbacks only touch the tables under tapi_lock and queue messages: no application code
 * runs on a provider thread. A provider may call back from any of its threads, or from
 * inside a TSPI call of ours; neither holds tapi_lock then.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "tapi-providers.h"
#include "tapi-registry.h"
#include "tapi-text.h"

#ifndef TAPI_PROVIDERS_CONF
#define TAPI_PROVIDERS_CONF "/usr/local/etc/tapi/providers.conf"
#endif
#ifndef HIDPHONE_TSP_INSTALLED
#define HIDPHONE_TSP_INSTALLED "/usr/local/lib/hidphone/hidphone.tsp"
#endif

#define MAX_PROVIDERS 64
#define MAX_CONF_LINE 4096

static struct tapi_provider *providers[MAX_PROVIDERS];
static int n_providers;

static bool known_provider(const struct tapi_provider *p)
{
	for (int i = 0; i < n_providers; i++) {
		if (providers[i] == p)
			return true;
	}
	return false;
}

static void CALLBACK on_completion(DRV_REQUESTID id, LONG result)
{
	pthread_mutex_lock(&tapi_lock);
	tapi_request_complete(id, result);
	pthread_mutex_unlock(&tapi_lock);
}

/* A phone the provider announced: give it the next id, then tell the applications. */
static void phone_created(struct tapi_provider *prov, DWORD_PTR temp_id)
{
	struct tapi_phone_dev *dev;
	DWORD version = 0;
	LONG rc;

	pthread_mutex_lock(&tapi_lock);
	dev = known_provider(prov) && prov->providerCreatePhoneDevice ? tapi_dev_add(prov) : NULL;
	pthread_mutex_unlock(&tapi_lock);
	if (!dev) {
		tapi_log("PHONE_CREATE from an unknown provider, or no memory: ignored");
		return;
	}
	rc = prov->providerCreatePhoneDevice(temp_id, dev->id);
	if (rc == 0)
		rc = prov->phoneNegotiateTSPIVersion(dev->id, TAPI_LOW_VERSION, prov->version,
						     &version);
	pthread_mutex_lock(&tapi_lock);
	if (rc == 0) {
		dev->tspi_version = version;
		dev->ready = true;
		tapi_post_all(PHONE_CREATE, dev->id);
	} else {
		dev->removed = true;
		tapi_log("%s: new phone %u refused its id: %#x", prov->path, dev->id, (unsigned)rc);
	}
	pthread_mutex_unlock(&tapi_lock);
}

static void phone_removed(DWORD id)
{
	struct tapi_phone_dev *dev;

	pthread_mutex_lock(&tapi_lock);
	dev = tapi_dev_get(id);
	if (dev && !dev->removed) {
		dev->removed = true;
		dev->ready = false;
		tapi_post_all(PHONE_REMOVE, id);
	}
	pthread_mutex_unlock(&tapi_lock);
}

static void CALLBACK on_phone_event(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
				    DWORD_PTR p3)
{
	if (msg == PHONE_CREATE) {
		phone_created((struct tapi_provider *)p1, p2);
		return;
	}
	if (msg == PHONE_REMOVE) {
		phone_removed((DWORD)p1);
		return;
	}
	if (!ht)
		return;
	/* htPhone is the device entry itself; entries live until the providers are unloaded. */
	pthread_mutex_lock(&tapi_lock);
	tapi_dev_event((struct tapi_phone_dev *)(uintptr_t)ht, msg, p1, p2, p3);
	pthread_mutex_unlock(&tapi_lock);
}

/* A line the provider announced: the next line id, then LINE_CREATE to the applications. */
static void line_created(struct tapi_provider *prov, DWORD_PTR temp_id)
{
	struct tapi_line_dev *dev;
	DWORD version = 0;
	LONG rc;

	pthread_mutex_lock(&tapi_lock);
	dev = known_provider(prov) && prov->providerCreateLineDevice ? tapi_line_dev_add(prov)
								     : NULL;
	pthread_mutex_unlock(&tapi_lock);
	if (!dev) {
		tapi_log("LINE_CREATE from an unknown provider, or no memory: ignored");
		return;
	}
	rc = prov->providerCreateLineDevice(temp_id, dev->id);
	if (rc == 0)
		rc = prov->lineNegotiateTSPIVersion(dev->id, TAPI_LOW_VERSION, prov->version,
						    &version);
	pthread_mutex_lock(&tapi_lock);
	if (rc == 0) {
		dev->tspi_version = version;
		dev->ready = true;
		tapi_post_all_lines(LINE_CREATE, dev->id);
	} else {
		dev->removed = true;
		tapi_log("%s: new line %u refused its id: %#x", prov->path, dev->id, (unsigned)rc);
	}
	pthread_mutex_unlock(&tapi_lock);
}

static void line_removed(DWORD id)
{
	struct tapi_line_dev *dev;

	pthread_mutex_lock(&tapi_lock);
	dev = tapi_line_dev_get(id);
	if (dev && !dev->removed) {
		dev->removed = true;
		dev->ready = false;
		tapi_post_all_lines(LINE_REMOVE, id);
	}
	pthread_mutex_unlock(&tapi_lock);
}

static void CALLBACK on_line_event(HTAPILINE l, HTAPICALL c, DWORD msg, DWORD_PTR p1,
				   DWORD_PTR p2, DWORD_PTR p3)
{
	if (msg == LINE_CREATE) {
		line_created((struct tapi_provider *)p1, p2);
		return;
	}
	if (msg == LINE_REMOVE) {
		line_removed((DWORD)p1);
		return;
	}
	if (!l)
		return;
	/* htLine is the device entry (it lives until the providers are unloaded); htCall a
	 * call's handle number, which finds nothing once the call is gone. */
	pthread_mutex_lock(&tapi_lock);
	tapi_line_dev_event((struct tapi_line_dev *)(uintptr_t)l,
			    c ? tapi_tcall_get((DWORD)(uintptr_t)c) : NULL, msg, p1, p2, p3);
	pthread_mutex_unlock(&tapi_lock);
}

LINEEVENT tapi_line_event_proc(void)
{
	return on_line_event;
}

PHONEEVENT tapi_phone_event_proc(void)
{
	return on_phone_event;
}

static void provider_free(struct tapi_provider *p)
{
	if (p->dl)
		dlclose(p->dl);
	free(p->path);
	free(p);
}

static struct tapi_provider *provider_open(const char *path, DWORD permanent_id)
{
	struct tapi_provider *p = calloc(1, sizeof(*p));

	if (!p || !(p->path = strdup(path))) {
		free(p);
		tapi_log("%s: out of memory", path);
		return NULL;
	}
	p->permanent_id = permanent_id;
	p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!p->dl) {
		tapi_log("provider skipped: %s", dlerror());
		provider_free(p);
		return NULL;
	}
#define RESOLVE(name, required) do { \
		*(void **)&p->name = dlsym(p->dl, "TSPI_" #name); \
		if (!p->name && (required)) { \
			tapi_log("provider skipped: %s lacks TSPI_%s", path, #name); \
			provider_free(p); \
			return NULL; \
		} \
	} while (0)
	RESOLVE(lineNegotiateTSPIVersion, true);
	RESOLVE(providerEnumDevices, true);
	RESOLVE(providerInit, true);
	RESOLVE(providerShutdown, true);
	RESOLVE(providerCreatePhoneDevice, false);
	RESOLVE(phoneNegotiateTSPIVersion, true);
	RESOLVE(phoneNegotiateExtVersion, false);
	RESOLVE(phoneGetExtensionID, false);
	RESOLVE(phoneGetDevCaps, true);
	RESOLVE(phoneOpen, true);
	RESOLVE(phoneClose, true);
	RESOLVE(phoneSetStatusMessages, true);
	RESOLVE(phoneGetStatus, false);
	RESOLVE(phoneGetButtonInfo, false);
	RESOLVE(phoneSetButtonInfo, false);
	RESOLVE(phoneGetLamp, false);
	RESOLVE(phoneSetLamp, false);
	RESOLVE(phoneGetHookSwitch, false);
	RESOLVE(phoneSetHookSwitch, false);
	RESOLVE(phoneGetRing, false);
	RESOLVE(phoneSetRing, false);
	RESOLVE(phoneGetDisplay, false);
	RESOLVE(phoneSetDisplay, false);
	RESOLVE(phoneGetVolume, false);
	RESOLVE(phoneSetVolume, false);
	RESOLVE(phoneGetGain, false);
	RESOLVE(phoneSetGain, false);
	RESOLVE(phoneGetID, false);
	RESOLVE(lineGetDevCaps, false);
	RESOLVE(providerCreateLineDevice, false);
	RESOLVE(lineGetAddressCaps, false);
	RESOLVE(lineGetAddressStatus, false);
	RESOLVE(lineGetLineDevStatus, false);
	RESOLVE(lineOpen, false);
	RESOLVE(lineClose, false);
	RESOLVE(lineSetDefaultMediaDetection, false);
	RESOLVE(lineSetStatusMessages, false);
	RESOLVE(lineGetID, false);
	RESOLVE(lineMakeCall, false);
	RESOLVE(lineDial, false);
	RESOLVE(lineAnswer, false);
	RESOLVE(lineDrop, false);
	RESOLVE(lineCloseCall, false);
	RESOLVE(lineGenerateDigits, false);
	RESOLVE(lineMonitorDigits, false);
	RESOLVE(lineGetCallStatus, false);
	RESOLVE(lineGetCallInfo, false);
#undef RESOLVE
	return p;
}

/* Negotiation, enumeration, ids and initialisation, as Windows' telephony service does. */
static bool provider_start(struct tapi_provider *p)
{
	DWORD lines = 0, phones = 0, options = 0, base, line_base;
	LONG rc;

	rc = p->lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, TAPI_LOW_VERSION,
					 TAPI_HIGH_VERSION, &p->version);
	if (rc) {
		tapi_log("provider skipped: %s: no common TSPI version (%#x)", p->path,
			 (unsigned)rc);
		return false;
	}
	/* Listed before EnumDevices: a PHONE_CREATE may come at once. */
	pthread_mutex_lock(&tapi_lock);
	providers[n_providers++] = p;
	pthread_mutex_unlock(&tapi_lock);
	rc = p->providerEnumDevices(p->permanent_id, &lines, &phones, (HPROVIDER)(void *)p,
				    on_line_event, on_phone_event);
	if (rc) {
		tapi_log("provider skipped: %s: TSPI_providerEnumDevices: %#x", p->path,
			 (unsigned)rc);
		goto fail;
	}
	pthread_mutex_lock(&tapi_lock);
	base = (DWORD)tapi_n_devs();
	for (DWORD i = 0; i < phones; i++) {
		if (!tapi_dev_add(p)) {
			phones = i;
			break;
		}
	}
	line_base = (DWORD)tapi_n_line_devs();
	for (DWORD i = 0; i < lines; i++) {
		if (!tapi_line_dev_add(p)) {
			lines = i;
			break;
		}
	}
	pthread_mutex_unlock(&tapi_lock);
	rc = p->providerInit(p->version, p->permanent_id, line_base, base, lines, phones,
			     on_completion, &options);
	if (rc) {
		tapi_log("provider skipped: %s: TSPI_providerInit: %#x", p->path, (unsigned)rc);
		pthread_mutex_lock(&tapi_lock);
		for (DWORD i = 0; i < phones; i++)
			tapi_dev_get(base + i)->removed = true;
		for (DWORD i = 0; i < lines; i++)
			tapi_line_dev_get(line_base + i)->removed = true;
		pthread_mutex_unlock(&tapi_lock);
		goto fail;
	}
	p->initialized = true;
	for (DWORD i = 0; i < lines; i++) {
		DWORD v = 0;

		rc = p->lineNegotiateTSPIVersion(line_base + i, TAPI_LOW_VERSION, p->version, &v);
		pthread_mutex_lock(&tapi_lock);
		struct tapi_line_dev *ldev = tapi_line_dev_get(line_base + i);
		if (rc == 0 && !ldev->removed) {
			ldev->tspi_version = v;
			ldev->ready = true;
		} else if (rc) {
			ldev->removed = true;
			tapi_log("%s: line %u: no common TSPI version (%#x)", p->path, line_base + i,
				 (unsigned)rc);
		}
		pthread_mutex_unlock(&tapi_lock);
	}
	for (DWORD i = 0; i < phones; i++) {
		DWORD v = 0;

		rc = p->phoneNegotiateTSPIVersion(base + i, TAPI_LOW_VERSION, p->version, &v);
		pthread_mutex_lock(&tapi_lock);
		struct tapi_phone_dev *dev = tapi_dev_get(base + i);
		if (rc == 0 && !dev->removed) {
			dev->tspi_version = v;
			dev->ready = true;
		} else if (rc) {
			dev->removed = true;
			tapi_log("%s: phone %u: no common TSPI version (%#x)", p->path, base + i,
				 (unsigned)rc);
		}
		pthread_mutex_unlock(&tapi_lock);
	}
	return true;
fail:
	/* Out of the list again, but its entries stay: ids are never reused. */
	pthread_mutex_lock(&tapi_lock);
	n_providers--;
	pthread_mutex_unlock(&tapi_lock);
	return false;
}

static void load_path(const char *path)
{
	struct tapi_provider *p;

	if (n_providers >= MAX_PROVIDERS) {
		tapi_log("provider skipped: %s: more than %d providers", path, MAX_PROVIDERS);
		return;
	}
	p = provider_open(path, (DWORD)n_providers + 1);
	if (p && !provider_start(p))
		provider_free(p);
}

int tapi_read_providers_stream(FILE *f, const char *file, char **paths, int max)
{
	char line[MAX_CONF_LINE + 2];
	int n = 0, lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		char *s = line, *e;

		lineno++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			tapi_log("%s:%d: line longer than %d characters", file, lineno,
				 MAX_CONF_LINE);
			goto fail;
		}
		if ((e = strchr(s, '#')))
			*e = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
			*--e = '\0';
		if (!*s)
			continue;
		if (n == max) {
			tapi_log("%s:%d: more than %d providers", file, lineno, max);
			goto fail;
		}
		if (!(paths[n] = strdup(s)))
			goto fail;
		n++;
	}
	if (ferror(f)) {
		tapi_log("%s: %s", file, strerror(errno));
		goto fail;
	}
	return n;
fail:
	while (n > 0)
		free(paths[--n]);
	return -1;
}

int tapi_read_providers_conf(const char *file, char **paths, int max)
{
	FILE *f = fopen(file, "r");
	int n;

	if (!f)
		return -1;
	n = tapi_read_providers_stream(f, file, paths, max);
	fclose(f);
	return n;
}

void tapi_providers_load(void)
{
	const char *env = getenv("TAPI_PROVIDERS");
	char *paths[MAX_PROVIDERS];
	int n;

	if (env) {
		char *copy = strdup(env), *save = NULL;

		for (char *s = copy ? strtok_r(copy, ":", &save) : NULL; s;
		     s = strtok_r(NULL, ":", &save))
			load_path(s);
		free(copy);
		return;
	}
	n = tapi_read_providers_conf(TAPI_PROVIDERS_CONF, paths, MAX_PROVIDERS);
	if (n < 0) {
		load_path(HIDPHONE_TSP_INSTALLED);
		return;
	}
	for (int i = 0; i < n; i++) {
		load_path(paths[i]);
		free(paths[i]);
	}
}

void tapi_providers_unload(void)
{
	int n;

	for (int i = 0; i < n_providers; i++) {
		struct tapi_provider *p = providers[i];

		/* No callback of it runs after this returns. */
		if (p->initialized)
			p->providerShutdown(p->version, p->permanent_id);
	}
	pthread_mutex_lock(&tapi_lock);
	tapi_devs_clear();
	tapi_line_devs_clear();
	n = n_providers;
	n_providers = 0;
	pthread_mutex_unlock(&tapi_lock);
	for (int i = 0; i < n; i++)
		provider_free(providers[i]);
}

int tapi_app_register(bool line, WCHAR *name, DWORD name_size, struct tapi_app **out)
{
	struct tapi_app *app;
	int fd;

	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0) {
		int err = errno;

		free(name);
		return -err;
	}
	pthread_mutex_lock(&tapi_api_lock);
	if (!tapi_n_apps)
		tapi_providers_load();
	pthread_mutex_lock(&tapi_lock);
	app = line ? tapi_line_app_new() : tapi_app_new();
	if (!app) {
		bool none = !tapi_n_apps;

		pthread_mutex_unlock(&tapi_lock);
		if (none)
			tapi_providers_unload();
		pthread_mutex_unlock(&tapi_api_lock);
		close(fd);
		free(name);
		return -ENOMEM;
	}
	app->event_fd = fd;
	app->name = name;
	app->name_size = name_size;
	tapi_n_apps++;
	*out = app;
	return 0;
}

/* A DWORD or HANDLE of the application's InitializeEx params, which are packed. */
#define PARAM_AT(field) ((char *)params + offsetof(PHONEINITIALIZEEXPARAMS, field))

LONG tapi_initialize(bool line, const void *name, bool ansi, DWORD *handle, DWORD *num_devs,
		     DWORD *api_version, void *params)
{
	WCHAR *wname = NULL;
	DWORD name_size = 0, total = 0, options = 0, size = sizeof(PHONEINITIALIZEEXPARAMS);
	int err = ansi ? tapi_app_name_a(name, &wname, &name_size) :
			 tapi_app_name_w(name, &wname, &name_size);
	struct tapi_app *app;
	HANDLE event;
	LONG rc = 0;

	_Static_assert(sizeof(PHONEINITIALIZEEXPARAMS) == sizeof(LINEINITIALIZEEXPARAMS) &&
		       offsetof(PHONEINITIALIZEEXPARAMS, Handles) ==
		       offsetof(LINEINITIALIZEEXPARAMS, Handles) &&
		       PHONEINITIALIZEEXOPTION_USEEVENT == LINEINITIALIZEEXOPTION_USEEVENT,
		       "phone and line InitializeEx params have one layout");
	if (err < 0)
		return err == -EINVAL ? PHONEERR_INVALAPPNAME : PHONEERR_NOMEM;
	if (handle && num_devs && api_version && params) {
		memcpy(&total, PARAM_AT(dwTotalSize), sizeof(total));
		memcpy(&options, PARAM_AT(dwOptions), sizeof(options));
	}
	if (!handle || !num_devs || !api_version || !params)
		rc = PHONEERR_INVALPOINTER;
	else if (total < size)
		rc = PHONEERR_STRUCTURETOOSMALL;
	/* The hidden window and completion ports are Win32 objects; the event is a descriptor. */
	else if (options != PHONEINITIALIZEEXOPTION_USEEVENT)
		rc = PHONEERR_INVALPARAM;
	else if (*api_version < TAPI_VERSION2_0)
		rc = PHONEERR_INCOMPATIBLEAPIVERSION;
	if (rc) {
		free(wname);
		return rc;
	}
	rc = tapi_app_register(line, wname, name_size, &app);
	if (rc < 0)
		return rc == -ENOMEM ? PHONEERR_NOMEM : PHONEERR_RESOURCEUNAVAIL;
	*handle = app->handle;
	*num_devs = (DWORD)(line ? tapi_n_line_devs() : tapi_n_devs());
	*api_version = TAPI_CURRENT_VERSION;
	event = (HANDLE)(intptr_t)app->event_fd;
	memcpy(PARAM_AT(dwNeededSize), &size, sizeof(size));
	memcpy(PARAM_AT(dwUsedSize), &size, sizeof(size));
	memcpy(PARAM_AT(Handles), &event, sizeof(event));
	return tapi_leave(0);
}

#undef PARAM_AT

void tapi_app_unregister(struct tapi_app *app)
{
	bool last;

	tapi_app_end(app);
	last = --tapi_n_apps == 0;
	/* Unloading calls providerShutdown, which may wait for callbacks that take tapi_lock. */
	pthread_mutex_unlock(&tapi_lock);
	if (last)
		tapi_providers_unload();
	pthread_mutex_unlock(&tapi_api_lock);
}
