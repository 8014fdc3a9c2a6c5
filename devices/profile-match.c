/*
 * Which profile files are read, in which order, and which of their sections a device
 * matches (see profile.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hid/file-read.h"
#include "profile.h"

const char *profile_default_dirs(void)
{
	const char *env = getenv(HIDPHONE_PROFILES_ENV);

	return env && *env ? env : HIDPHONE_PROFILES_DIR ":" HIDPHONE_PROFILES_LOCAL_DIR;
}

uint64_t profile_descriptor_hash(const uint8_t *rdesc, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= rdesc[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

int profile_parse_file(struct profile_set *set, const char *path)
{
	char *buf, why[64];
	size_t len;
	int rc;

	rc = file_read(path, PROFILE_MAX_FILE_BYTES, FILE_READ_REGULAR, &buf, &len);
	if (rc < 0) {
		set->n_files++;
		if (set->n_errors < PROFILE_MAX_ERRORS)
			snprintf(set->errors[set->n_errors], sizeof(set->errors[0]), "%.300s: %s",
				 path, file_read_error(rc, PROFILE_MAX_FILE_BYTES, why, sizeof(why)));
		set->n_errors++;
		return rc == -EFBIG || rc == -EISDIR ? -EINVAL : rc;
	}
	rc = profile_parse_text(set, path, buf, len);
	free(buf);
	return rc;
}

static int is_profile(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 6 && strcmp(d->d_name + n - 6, ".phone") == 0;
}

struct entry {
	char dir[256];
	char name[256];
};

int profile_set_load(struct profile_set *set, const char *dirs)
{
	struct entry *entries = NULL;
	size_t n = 0;
	char *list, *save = NULL;
	int rc = 0;

	memset(set, 0, sizeof(*set));
	list = strdup(dirs ? dirs : profile_default_dirs());
	entries = calloc(PROFILE_MAX_FILES, sizeof(*entries));
	if (!list || !entries) {
		rc = -ENOMEM;
		goto out;
	}
	for (char *dir = strtok_r(list, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		struct dirent **names = NULL;
		int count = scandir(dir, &names, is_profile, versionsort);

		/* A directory that is not there has no profiles; that is the normal case for /etc. */
		for (int i = 0; i < count; i++) {
			/* A file of the same name in a later directory replaces the earlier one. */
			for (size_t e = 0; e < n; e++) {
				if (strcmp(entries[e].name, names[i]->d_name) == 0) {
					memmove(&entries[e], &entries[e + 1], (n - e - 1) * sizeof(*entries));
					n--;
					break;
				}
			}
			if (n == PROFILE_MAX_FILES || strlen(dir) >= sizeof(entries[0].dir) ||
			    strlen(names[i]->d_name) >= sizeof(entries[0].name)) {
				if (set->n_errors < PROFILE_MAX_ERRORS)
					snprintf(set->errors[set->n_errors], sizeof(set->errors[0]),
						 "%.200s/%.100s: skipped: more than %u profile files "
						 "or too long a name", dir, names[i]->d_name,
						 PROFILE_MAX_FILES);
				set->n_errors++;
			} else {
				strcpy(entries[n].dir, dir);
				strcpy(entries[n].name, names[i]->d_name);
				n++;
			}
			free(names[i]);
		}
		free(names);
	}
	for (size_t e = 0; e < n; e++) {
		char path[520];

		snprintf(path, sizeof(path), "%s/%s", entries[e].dir, entries[e].name);
		/* A bad file is recorded in set->errors and skipped; only memory stops us. */
		if (profile_parse_file(set, path) == -ENOMEM) {
			rc = -ENOMEM;
			break;
		}
	}
out:
	free(entries);
	free(list);
	return rc;
}

void profile_set_release(struct profile_set *set)
{
	free(set->sections);
	memset(set, 0, sizeof(*set));
}

bool profile_section_matches(const struct profile_section *s, const struct profile_device *dev)
{
	if ((s->match & PROFILE_MATCH_BUS) && s->bus != dev->bus)
		return false;
	if ((s->match & PROFILE_MATCH_VENDOR) && s->vendor != dev->vendor)
		return false;
	if (s->match & PROFILE_MATCH_PRODUCT) {
		bool found = false;

		for (size_t i = 0; i < s->n_products; i++)
			found = found || s->products[i] == dev->product;
		if (!found)
			return false;
	}
	if ((s->match & PROFILE_MATCH_NAME) &&
	    (!dev->name || !*dev->name || fnmatch(s->name_glob, dev->name, 0) != 0))
		return false;
	if ((s->match & PROFILE_MATCH_DESCRIPTOR) && s->descriptor_hash != dev->descriptor_hash)
		return false;
	return s->match != 0;
}

/* Copies key k of from into to (lists whole: a later section replaces, never appends). */
static void take(struct profile_values *to, const struct profile_values *from, int k)
{
	switch ((enum profile_key)k) {
	case PROFILE_HOOK_SWITCH: to->hook_switch = from->hook_switch; break;
	case PROFILE_OFFHOOK_ECHO: to->offhook_echo = from->offhook_echo; break;
	case PROFILE_ACK_WINDOW: to->ack_window_ms = from->ack_window_ms; break;
	case PROFILE_KEYPAD_IDLE: to->keypad_idle = from->keypad_idle; break;
	case PROFILE_LAMP_BLINK: to->lamp_blink = from->lamp_blink; break;
	case PROFILE_RINGER: to->ringer = from->ringer; break;
	case PROFILE_PROTOCOL: to->protocol = from->protocol; break;
	case PROFILE_DISPLAY_PAGE: to->display_page = from->display_page; break;
	case PROFILE_DISPLAY_SIZE:
		to->display_columns = from->display_columns;
		to->display_rows = from->display_rows;
		break;
	case PROFILE_INIT_REPORTS:
		to->n_init = from->n_init;
		memcpy(to->init, from->init, sizeof(to->init));
		break;
	case PROFILE_IGNORE_USAGES:
		to->n_ignore = from->n_ignore;
		memcpy(to->ignore, from->ignore, sizeof(to->ignore));
		break;
	case PROFILE_BUTTON_LABELS:
		to->n_labels = from->n_labels;
		memcpy(to->labels, from->labels, sizeof(to->labels));
		break;
	case PROFILE_BUTTON_FUNCTIONS:
		to->n_functions = from->n_functions;
		memcpy(to->functions, from->functions, sizeof(to->functions));
		break;
	case PROFILE_SCAN_KEYMAP:
		to->n_scan_keys = from->n_scan_keys;
		memcpy(to->scan_keys, from->scan_keys, sizeof(to->scan_keys));
		break;
	case PROFILE_BUZZER:
		to->buzzer_byte = from->buzzer_byte;
		to->buzzer_mask = from->buzzer_mask;
		break;
	}
	to->set |= 1u << k;
}

void profile_match(const struct profile_set *set, const struct profile_device *dev,
		   struct profile_match_result *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; set && i < set->n_sections; i++) {
		const struct profile_section *s = &set->sections[i];

		if (!profile_section_matches(s, dev))
			continue;
		if (out->n_matched < PROFILE_MAX_MATCHED)
			out->matched[out->n_matched++] = s;
		for (int k = 0; k < PROFILE_KEY_COUNT; k++) {
			if (s->values.set & (1u << k)) {
				take(&out->values, &s->values, k);
				out->from[k] = s;
			}
		}
	}
}
