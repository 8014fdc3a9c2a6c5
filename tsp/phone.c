/*
 * The phone object and the table of phones: see phone.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phone.h"
#include "dispatch.h"
#include "log.h"
#include "phone.h"
#include "phone-io.h"

struct provider tsp = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

struct phone *tsp_phone_by_id(uint32_t device_id)
{
	if (!tsp.initialized || device_id == TSP_NO_ID)
		return NULL;
	/* Ids of phones added after init are TAPI's choice: search, no arithmetic. */
	for (size_t i = 0; i < tsp.n_phones; i++) {
		if (tsp.phones[i]->device_id == device_id && !tsp.phones[i]->removed)
			return tsp.phones[i];
	}
	return NULL;
}

/*
 * Our handles are numbers that are never reused, not pointers: a stale or made-up handle
 * finds nothing instead of pointing at freed or foreign memory.
 */
struct phone *tsp_phone_by_handle(HDRVPHONE handle)
{
	uint64_t h = (uint64_t)(uintptr_t)handle;

	if (!tsp.initialized || h == 0)
		return NULL;
	for (size_t i = 0; i < tsp.n_phones; i++) {
		if (tsp.phones[i]->host_handle == h && !tsp.phones[i]->closing)
			return tsp.phones[i];
	}
	return NULL;
}

/* FNV-1a: permanent ids that stay the same for the same device (serial, or where it is). */
static uint32_t fnv1a(uint32_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static uint32_t permanent_id_of(const struct transport_info *info, const char *where)
{
	uint32_t h = 2166136261u;

	h = fnv1a(h, &info->vendor, sizeof(info->vendor));
	h = fnv1a(h, &info->product, sizeof(info->product));
	if (info->serial[0])
		h = fnv1a(h, info->serial, strlen(info->serial));
	else
		h = fnv1a(h, where, strlen(where));
	/* 0 and all-ones read as "no id" to some hosts. */
	return h == 0 || h == 0xffffffffu ? 1 : h;
}

int tsp_phone_add(struct phone *p)
{
	if (tsp.n_phones == tsp.cap_phones) {
		size_t cap = tsp.cap_phones ? tsp.cap_phones * 2 : 16;
		struct phone **n = realloc(tsp.phones, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		tsp.phones = n;
		tsp.cap_phones = cap;
	}
	tsp.phones[tsp.n_phones++] = p;
	return 0;
}

struct phone *tsp_phone_new(const struct transport_info *info, const char *source,
			    const struct phone_source *from)
{
	struct phone *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return NULL;
	p->replay_in = p->replay_out = -1;
	/* Profiles (devices/data) add what the descriptor cannot say; see devices/profile.h. */
	char name[sizeof(info->manufacturer) + sizeof(info->product_name) + 1];
	struct profile_device dev = { .bus = info->bus, .vendor = info->vendor,
				      .product = info->product, .name = name };

	snprintf(name, sizeof(name), "%s%s%s", info->manufacturer,
		 info->manufacturer[0] && info->product_name[0] ? " " : "", info->product_name);
	rc = phone_model_build_device(info->rdesc, info->rdesc_len, &dev, NULL, &p->model);
	for (size_t i = 0; rc == 0 && i < p->model->profile.n_errors && i < PROFILE_MAX_ERRORS; i++)
		tsp_log(TSP_LOG_WARNING, "profile bug, file skipped: %s", p->model->profile.errors[i]);
	for (size_t i = 0; rc == 0 && i < p->model->profile.n_matched; i++)
		tsp_log(TSP_LOG_INFO, "%s: profile %s", source, p->model->profile.matched[i]);
	if (rc < 0) {
		if (rc != -ENODEV)
			tsp_log(TSP_LOG_WARNING, "%s: unusable report descriptor (%s)", source,
				strerror(-rc));
		free(p);
		return NULL;
	}
	snprintf(p->info.path, sizeof(p->info.path), "%s", info->path);
	p->info.bus = info->bus;
	p->info.vendor = info->vendor;
	p->info.product = info->product;
	p->info.release = info->release;
	p->info.interface = info->interface;
	memcpy(p->info.manufacturer, info->manufacturer, sizeof(p->info.manufacturer));
	memcpy(p->info.product_name, info->product_name, sizeof(p->info.product_name));
	memcpy(p->info.serial, info->serial, sizeof(p->info.serial));
	p->device_id = TSP_NO_ID;
	if (p->model->display.present) {
		size_t n = (size_t)p->model->display.rows * p->model->display.columns;

		p->display_text = malloc(n);
		if (!p->display_text) {
			phone_model_free(p->model);
			free(p);
			return NULL;
		}
		memset(p->display_text, ' ', n);
	}
	snprintf(p->source, sizeof(p->source), "%s", source);
	p->from = from;
	p->permanent_id = permanent_id_of(info, source);
	return p;
}

void tsp_phone_free(struct phone *p)
{
	if (!p)
		return;
	phone_model_free(p->model);
	free(p->display_text);
	free(p);
}

struct phone *tsp_enter_handle(HDRVPHONE handle)
{
	struct phone *p;

	pthread_mutex_lock(&tsp.lock);
	p = tsp_phone_by_handle(handle);
	if (!p)
		pthread_mutex_unlock(&tsp.lock);
	return p;
}

struct phone *tsp_enter_id(DWORD device_id, DWORD version, LONG *err)
{
	struct phone *p;

	pthread_mutex_lock(&tsp.lock);
	p = tsp_phone_by_id(device_id);
	*err = !p ? PHONEERR_BADDEVICEID :
	       version && !tsp_version_ok(version) ? PHONEERR_INCOMPATIBLEAPIVERSION : 0;
	if (*err) {
		pthread_mutex_unlock(&tsp.lock);
		return NULL;
	}
	return p;
}

LONG tsp_leave(LONG result)
{
	pthread_mutex_unlock(&tsp.lock);
	return result;
}

LONG tsp_leave_async(struct phone *p, DRV_REQUESTID request, enum tsp_write what)
{
	tsp_phone_request(p, request, what);
	pthread_mutex_unlock(&tsp.lock);
	/* The PHONE_STATE the change caused reaches the host before the completion. */
	tsp_dispatch();
	return (LONG)request;
}
