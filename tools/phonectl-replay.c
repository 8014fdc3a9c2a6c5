/*
 * phonectl replay FILE: a recording played through the provider, as a host would see it.
 *
 * Every phone of the recording is opened with every status message enabled; the events the
 * provider reports are printed. --check compares them with the recording's T: lines, so a
 * recording attached to a bug report is also its regression test.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/phone-model.h"
#include "hid/recording.h"
#include "json-writer.h"
#include "phonectl-session.h"
#include "phonectl.h"
#include "tapi-names.h"

/* The T: lines the comparison looks at: what the device caused, not the replay's end. */
static bool compared(DWORD msg)
{
	return msg == PHONE_STATE || msg == PHONE_BUTTON;
}

/* A T: line's message; its name was read when the recording was loaded (known_events). */
static DWORD message_of(const struct recording_event *e)
{
	DWORD msg = 0;

	tapi_event_parse(e->message, &msg);
	return msg;
}

/* hid/ reads T: lines' names as words; which words are TAPI's is known here. */
static bool known_events(const struct recording *rec, const char *file)
{
	for (size_t i = 0; i < rec->n_events; i++) {
		const struct recording_event *e = &rec->events[i];
		DWORD msg;

		if (e->kind == RECORDING_TAPI && tapi_event_parse(e->message, &msg) < 0) {
			phonectl_error("%s:%u: '%s' is no TAPI message name (PHONE_STATE, ...) or "
				       "number", file, e->line, e->message);
			return false;
		}
	}
	return true;
}

/* Phone ids the provider gives the recording's devices: in order, non-phones skipped. */
static int phone_of_device(const struct recording *rec, size_t device)
{
	int id = 0;

	for (size_t i = 0; i < rec->n_devices && i <= device; i++) {
		struct phone_model *m = NULL;

		if (phone_model_build(rec->devices[i].rdesc, rec->devices[i].rdesc_len, &m) < 0)
			continue;
		phone_model_free(m);
		if (i == device)
			return id;
		id++;
	}
	return -1;
}

static uint64_t recording_length_usec(const struct recording *rec)
{
	uint64_t max = 0;

	for (size_t i = 0; i < rec->n_events; i++) {
		if (rec->events[i].usec > max)
			max = rec->events[i].usec;
	}
	return max;
}

static bool print_as_t;

static void print_event(const struct host_event *ev, uint64_t start, const struct phonectl_options *o)
{
	/* T: lines of what the device caused: appended to a recording, they make it a test. */
	if (print_as_t) {
		char name[16];

		if (compared(ev->msg))
			recording_write_tapi(stdout, ev->usec - start,
					     tapi_event_name(ev->msg, name, sizeof(name)), ev->p1,
					     ev->p2, ev->p3);
		return;
	}
	char line[160];
	unsigned long phone = (unsigned long)(uintptr_t)ev->ht;
	double t = (double)(ev->usec - start) / 1e6;

	if (o->json) {
		struct json j;

		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_string(&j, "type", "event");
		json_int(&j, "usec", (int64_t)(ev->usec - start));
		json_uint(&j, "phone", phone ? phone - 1 : 0);
		json_string(&j, "message", tapi_message_name(ev->msg) ? tapi_message_name(ev->msg) : "?");
		json_uint(&j, "param1", ev->p1);
		json_uint(&j, "param2", ev->p2);
		json_uint(&j, "param3", ev->p3);
		json_object_end(&j);
		json_finish(&j);
		return;
	}
	tapi_event_format(ev->msg, ev->p1, ev->p2, ev->p3, line, sizeof(line));
	if (phone)
		printf("%8.3f  phone %lu  %s\n", t, phone - 1, line);
	else
		printf("%8.3f  provider  %s\n", t, line);
}

/* Compares the events of each phone with the T: lines of its device. */
static int check(const struct recording *rec, const struct host *h, const char *file)
{
	size_t checked = 0;
	int failures = 0;

	for (size_t d = 0; d < rec->n_devices; d++) {
		int id = phone_of_device(rec, d);
		size_t next = 0;

		if (id < 0)
			continue;
		for (size_t e = 0; e < rec->n_events; e++) {
			const struct recording_event *want = &rec->events[e];
			const struct host_event *got = NULL;
			char a[160], b[160];

			if (want->kind != RECORDING_TAPI || want->device != d || !compared(message_of(want)))
				continue;
			while (next < h->n_events) {
				const struct host_event *ev = &h->events[next++];

				if (!ev->completion && compared(ev->msg) &&
				    (uintptr_t)ev->ht == (uintptr_t)id + 1) {
					got = ev;
					break;
				}
			}
			tapi_event_format(message_of(want), want->param[0], want->param[1],
					  want->param[2], a, sizeof(a));
			if (!got) {
				printf("%s:%u: expected %s, the provider reported nothing more\n", file,
				       want->line, a);
				failures++;
				break;
			}
			if (got->msg != message_of(want) || got->p1 != want->param[0] ||
			    got->p2 != want->param[1] || got->p3 != want->param[2]) {
				tapi_event_format(got->msg, got->p1, got->p2, got->p3, b, sizeof(b));
				printf("%s:%u: expected %s, the provider reported %s\n", file, want->line,
				       a, b);
				failures++;
				break;
			}
			checked++;
		}
		/* Events beyond the recording's are differences too. */
		for (; failures == 0 && next < h->n_events; next++) {
			const struct host_event *ev = &h->events[next];
			char b[160];

			if (ev->completion || !compared(ev->msg) || (uintptr_t)ev->ht != (uintptr_t)id + 1)
				continue;
			tapi_event_format(ev->msg, ev->p1, ev->p2, ev->p3, b, sizeof(b));
			printf("%s: the provider reported %s, which the recording does not have\n", file, b);
			failures++;
		}
	}
	if (failures)
		return EXIT_FAILURE;
	printf("replay --check: %zu event(s) match %s\n", checked, file);
	return EXIT_SUCCESS;
}

int phonectl_replay(int argc, char **argv, const struct phonectl_options *global)
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "fast", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "print-t", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct phonectl_options opts = *global;
	struct recording *rec = NULL;
	struct text_error err;
	struct session s;
	bool do_check = false, fast = false, print_t = false;
	uint64_t deadline;
	size_t printed = 0;
	int c, rc = EXIT_FAILURE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': do_check = true; break;
		case 'f': fast = true; break;
		case 'j': opts.json = 1; break;
		case 't': print_t = true; break;
		case 'h':
			printf("Usage: phonectl replay [--check | --print-t] [--fast] [--json] FILE\n");
			return EXIT_SUCCESS;
		default:
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		phonectl_error("replay takes one recording");
		return EXIT_USAGE;
	}
	if (recording_read_file(argv[optind], &rec, &err) < 0) {
		if (err.line)
			phonectl_error("%s:%u:%u: %s", argv[optind], err.line, err.column, err.message);
		else
			phonectl_error("%s: %s", argv[optind], err.message);
		return EXIT_FAILURE;
	}
	if (!known_events(rec, argv[optind]))
		goto out;
	print_as_t = print_t;
	/* The device goes away after its last report: that ends the replay. */
	if (session_start(&s, argv[optind], fast ? "replay+fast+unplug" : "replay+unplug") < 0)
		goto out;
	for (DWORD id = 0; id < s.n_phones; id++) {
		if (session_open(&s, id) < 0)
			goto stop;
	}
	/* Opened phones hold their handle in the provider; the session keeps the last one. */
	s.hd = NULL;
	deadline = host_now_usec() + (fast ? 0 : recording_length_usec(rec)) + 5000000u;
	for (bool done = false; !done;) {
		done = host_count(s.h, false, PHONE_CLOSE) >= s.n_phones ||
		       host_now_usec() >= deadline;
		if (!done)
			host_wait(s.h, printed + 1, 100);
		/* The callback thread appends under the host's lock. */
		pthread_mutex_lock(&s.h->lock);
		for (; !do_check && printed < s.h->n_events; printed++) {
			if (!s.h->events[printed].completion)
				print_event(&s.h->events[printed], s.open_usec, &opts);
		}
		pthread_mutex_unlock(&s.h->lock);
	}
	rc = do_check ? check(rec, s.h, argv[optind]) : EXIT_SUCCESS;
stop:
	session_stop(&s);
out:
	recording_free(rec);
	return rc;
}
