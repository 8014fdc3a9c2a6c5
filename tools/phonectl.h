/*
 * phonectl: the bring-up tool. One binary, git-style subcommands, each in
 * tools/phonectl-<name>.c.
 */
#ifndef HIDPHONE_PHONECTL_H
#define HIDPHONE_PHONECTL_H

#include <stdio.h>

/* EXIT_SUCCESS (0) and EXIT_FAILURE (1) come from <stdlib.h>. */
#define EXIT_USAGE 2

struct phonectl_options {
	int verbose;
	int json;
};

int phonectl_describe(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_list(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_monitor(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_replay(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_record(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_lamp(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_ring(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_hook(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_display(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_volume(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_gain(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_id(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_audio(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_feature(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_output(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_profile(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_call(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_answer(int argc, char **argv, const struct phonectl_options *opts);
int phonectl_hangup(int argc, char **argv, const struct phonectl_options *opts);

void phonectl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
