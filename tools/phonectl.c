#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phonectl.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv, const struct phonectl_options *opts);
	const char *args;
	const char *help;
};

static const struct command commands[] = {
	{ "list", phonectl_list, "[--json]",
	  "every HID device, phones first, with the TAPI id each would get, or why not" },
	{ "describe", phonectl_describe,
	  "[--json] (--rdesc FILE [--usb VID:PID] [--name NAME] | DEVICE | --attached)",
	  "decode a report descriptor: collections, reports, fields, telephony controls, caps" },
	{ "monitor", phonectl_monitor, "[--json] [--panel] DEVICE",
	  "live reports, decoded fields and the TAPI events they cause" },
	{ "record", phonectl_record, "[-o FILE] [--show-keys] [--seconds N] DEVICE",
	  "write a recording: descriptor, input reports, TAPI events" },
	{ "replay", phonectl_replay, "[--check | --print-t] [--fast] FILE",
	  "play a recording through the provider and print the TAPI events" },
	{ "lamp", phonectl_lamp, "DEVICE [ID [MODE]]", "show the lamps, or set one (OFF, STEADY)" },
	{ "ring", phonectl_ring, "DEVICE [MODE [VOLUME]]", "show or set the ringer" },
	{ "hook", phonectl_hook,
	  "DEVICE [HANDSET|SPEAKER|HEADSET ONHOOK|MIC|SPEAKER|MICSPEAKER]",
	  "show or set the hook switch" },
	{ "display", phonectl_display, "DEVICE [ROW COLUMN TEXT]", "show or write the display" },
	{ "volume", phonectl_volume, "DEVICE HANDSET|SPEAKER|HEADSET [VOLUME]",
	  "show or set a hookswitch device's volume (the sound card's, when the phone has one)" },
	{ "gain", phonectl_gain, "DEVICE HANDSET|SPEAKER|HEADSET [GAIN]",
	  "show or set the microphone gain of the phone's sound card" },
	{ "id", phonectl_id, "DEVICE CLASS",
	  "the phone's device id of a class: wave/in, wave/out, alsa/in, alsa/out" },
	{ "audio", phonectl_audio, "DEVICE [--seconds N]",
	  "the phone's sound card: a test tone into the earpiece, the microphone level live" },
	{ "feature", phonectl_feature, "get|set DEVICE ID [HEX...]", "read or write a feature report" },
	{ "output", phonectl_output, "DEVICE HEX...", "send a raw output report" },
	{ "call", phonectl_call, "[--seconds N] DEVICE URI",
	  "place a call on the phone's line and follow it until it ends (hangup ends it)" },
	{ "answer", phonectl_answer, "[--wait N] [--seconds N] DEVICE",
	  "wait for a call on the phone's line, answer it, follow it until it ends" },
	{ "hangup", phonectl_hangup, "DEVICE",
	  "end the call that phonectl call or answer holds on DEVICE" },
	{ "profile", phonectl_profile, "[-o FILE] DEVICE",
	  "write a starter device profile (devices/data/README) for a new phone" },
};

void phonectl_error(const char *fmt, ...)
{
	va_list ap;

	fputs("phonectl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: phonectl [-v] [--json] COMMAND [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %s %s\n      %s\n", commands[i].name, commands[i].args,
			commands[i].help);
	fprintf(out, "\nOptions:\n"
		     "  -v, --verbose  more detail (repeat for even more)\n"
		     "  --json         machine-readable output\n"
		     "  -h, --help     this text\n"
		     "\nExit status: 0 success, 1 failure, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	struct phonectl_options opts = { 0 };
	int i;

	/* monitor, record and replay print as things happen, also into a pipe or a file. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Global options come before the command; a command parses the rest itself. DEVICE is a
	 * hidraw node, a phone over libusb (usb:BUS:ADDR:IF) or a recording file (played
	 * through the provider). */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			opts.verbose++;
		} else if (strcmp(argv[i], "-vv") == 0) {
			opts.verbose += 2;
		} else if (strcmp(argv[i], "--json") == 0) {
			opts.json = 1;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return EXIT_SUCCESS;
		} else {
			phonectl_error("unknown option '%s'", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].run(argc - i, argv + i, &opts);
	}
	phonectl_error("unknown command '%s'", argv[i]);
	usage(stderr);
	return EXIT_USAGE;
}
