/*
 * phonectl call | answer | hangup: a call on the phone's line (line 0), as an OWNER line
 * application of libtapi32. call and answer stay for the call and print its states as
 * they come; the call ends when the far end hangs up, after --seconds, on Ctrl-C, or when
 * `phonectl hangup DEVICE` asks: call and answer leave their pid in a run file named after
 * the device ($XDG_RUNTIME_DIR, else /tmp), which hangup signals (SIGTERM). The provider
 * lives in the phonectl process that holds the call, so that is the one that drops it.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "phonectl-app.h"
#include "phonectl-session.h"
#include "phonectl.h"
#include "tapi-names.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* $XDG_RUNTIME_DIR/phonectl-call-<device path, '/' as '_'>.pid */
static void run_file(const char *device, char *buf, size_t size)
{
	const char *dir = getenv("XDG_RUNTIME_DIR");
	char real[PATH_MAX];

	if (!realpath(device, real))
		snprintf(real, sizeof(real), "%s", device);
	for (char *p = real; *p; p++)
		if (*p == '/')
			*p = '_';
	snprintf(buf, size, "%s/phonectl-call-%s.pid", dir && *dir ? dir : "/tmp", real);
}

static pid_t read_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 0 || pid > INT_MAX)
		pid = 0;
	fclose(f);
	/* A file a process that is gone left behind names nobody. */
	if (pid && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		pid = 0;
	return (pid_t)pid;
}

static int claim(const char *path)
{
	pid_t other = read_pid(path);
	FILE *f;

	if (other) {
		phonectl_error("a call is already held on this device by phonectl (pid %ld)",
			       (long)other);
		return -1;
	}
	f = fopen(path, "w");
	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
		phonectl_error("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void print_party(HCALL call)
{
	char who[400];
	bool inbound;

	if (app_call_party(call, &inbound, who, sizeof(who)) == 0)
		printf("%s %s\n", inbound ? "call from" : "calling", who);
}

/*
 * Follows the call until it is IDLE: prints each state; answers an offered call (answer);
 * drops it when the far end has ended it, when asked (signal, --seconds). Returns 0 when
 * the call was connected, 1 otherwise.
 */
static int follow(struct app_line *l, HCALL *call, LONG make_req, bool answer, int seconds,
		  int wait_seconds)
{
	uint64_t start = now_ms();
	uint64_t connected_at = 0, drop_at = 0;
	bool dropping = false, connected = false;
	char err[48];
	LINEMESSAGE m;

	for (;;) {
		uint64_t t = now_ms();
		bool give_up = stop_requested ||
			       (seconds && connected && t >= connected_at + (uint64_t)seconds * 1000) ||
			       (!*call && wait_seconds && t >= start + (uint64_t)wait_seconds * 1000);

		if (give_up && !*call)
			return 1;
		if (give_up && !dropping) {
			printf("hanging up\n");
			dropping = lineDrop(*call, NULL, 0) >= 0;
			drop_at = t;
			if (!dropping)
				return connected ? 0 : 1;
		}
		if (dropping && t >= drop_at + 5000) {
			printf("no IDLE within 5 s of the drop\n");
			return 1;
		}
		if (lineGetMessage(l->app, &m, 200) != 0)
			continue;
		if (m.dwMessageID == LINE_REPLY && make_req > 0 && m.dwParam1 == (DWORD)make_req) {
			if ((LONG)(DWORD)m.dwParam2 != 0) {
				printf("refused: %s\n", tapi_error_name((LONG)(DWORD)m.dwParam2, err,
									sizeof(err)));
				return 1;
			}
			continue;
		}
		if (m.dwMessageID == LINE_APPNEWCALL && answer && !*call) {
			*call = (HCALL)m.dwParam2;
			continue;
		}
		if (m.dwMessageID != LINE_CALLSTATE || !*call || m.hDevice != (DWORD_PTR)*call)
			continue;
		if (m.dwParam1 == LINECALLSTATE_DISCONNECTED)
			printf("state DISCONNECTED %s\n", tapi_disconnectmode_name((DWORD)m.dwParam2));
		else
			printf("state %s\n", tapi_callstate_name((DWORD)m.dwParam1));
		switch (m.dwParam1) {
		case LINECALLSTATE_OFFERING:
			print_party(*call);
			if (answer && !dropping && lineAnswer(*call, NULL, 0) < 0)
				printf("lineAnswer refused\n");
			break;
		case LINECALLSTATE_CONNECTED:
			connected = true;
			connected_at = now_ms();
			break;
		case LINECALLSTATE_DISCONNECTED:
			if (!dropping) {
				dropping = lineDrop(*call, NULL, 0) >= 0;
				drop_at = now_ms();
			}
			break;
		case LINECALLSTATE_IDLE:
			if (connected)
				printf("call time %.1f s\n", (double)(now_ms() - connected_at) / 1000.0);
			return connected ? 0 : 1;
		default:
			break;
		}
	}
}

static int call_or_answer(int argc, char **argv, const struct phonectl_options *opts,
			  bool answer)
{
	static const struct option longopts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *usage = answer ? "answer [--wait N] [--seconds N] DEVICE" :
				     "call [--seconds N] DEVICE URI";
	int c, seconds = 0, wait_seconds = 0, rc = EXIT_FAILURE;
	char path[PATH_MAX + 64];
	struct app_line l;
	HCALL call = 0;
	LONG req = 0;
	bool replay;

	(void)opts;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': seconds = atoi(optarg); break;
		case 'w': wait_seconds = atoi(optarg); break;
		case 'h': printf("Usage: phonectl %s\n", usage); return EXIT_SUCCESS;
		default: return EXIT_USAGE;
		}
	}
	if (argc - optind != (answer ? 1 : 2) || seconds < 0 || wait_seconds < 0) {
		phonectl_error("usage: phonectl %s", usage);
		return EXIT_USAGE;
	}
	if (session_devices(argv[optind], "replay", &replay) < 0)
		return EXIT_FAILURE;
	run_file(argv[optind], path, sizeof(path));
	if (claim(path) < 0)
		return EXIT_FAILURE;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (app_line_open(&l, argv[optind], LINECALLPRIVILEGE_OWNER, false) < 0)
		goto out;
	if (answer) {
		printf("waiting for a call%s\n", wait_seconds ? "" : " (Ctrl-C ends)");
	} else {
		req = lineMakeCallA(l.line, &call, argv[optind + 1], 0, NULL);
		if (req < 0) {
			char err[48];

			printf("refused: %s\n", tapi_error_name(req, err, sizeof(err)));
			goto stop;
		}
		printf("calling %s\n", argv[optind + 1]);
	}
	rc = follow(&l, &call, req, answer, seconds, wait_seconds) == 0 ? EXIT_SUCCESS :
									   EXIT_FAILURE;
stop:
	if (call)
		lineDeallocateCall(call);
	app_line_stop(&l);
out:
	unlink(path);
	return rc;
}

int phonectl_call(int argc, char **argv, const struct phonectl_options *opts)
{
	return call_or_answer(argc, argv, opts, false);
}

int phonectl_answer(int argc, char **argv, const struct phonectl_options *opts)
{
	return call_or_answer(argc, argv, opts, true);
}

int phonectl_hangup(int argc, char **argv, const struct phonectl_options *opts)
{
	char path[PATH_MAX + 64];
	uint64_t end;
	pid_t pid;

	(void)opts;
	if (argc != 2) {
		phonectl_error("usage: phonectl hangup DEVICE");
		return EXIT_USAGE;
	}
	run_file(argv[1], path, sizeof(path));
	pid = read_pid(path);
	if (!pid) {
		phonectl_error("%s: no call held by phonectl call or answer", argv[1]);
		return EXIT_FAILURE;
	}
	if (kill(pid, SIGTERM) < 0) {
		phonectl_error("pid %ld: %s", (long)pid, strerror(errno));
		return EXIT_FAILURE;
	}
	/* That process drops the call and ends; its run file goes with it. */
	for (end = now_ms() + 10000; now_ms() < end;) {
		if (kill(pid, 0) < 0 && errno == ESRCH)
			break;
		if (access(path, F_OK) < 0)
			break;
		usleep(20000);
	}
	if (access(path, F_OK) == 0 && read_pid(path) == pid) {
		phonectl_error("pid %ld did not end its call within 10 s", (long)pid);
		return EXIT_FAILURE;
	}
	printf("hung up\n");
	return EXIT_SUCCESS;
}
