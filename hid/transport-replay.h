/*
 * Replay transport: one device of a recording (hid/recording.h) played back as if it were
 * attached, so everything above hid/ can be tested without hardware and a bug report's
 * recording can be run through the provider.
 *
 *  - read() returns the device's E: reports in order, paced by their timestamps or as fast
 *    as the reader asks; the pacing clock starts at the first read() (or due_ms()), which
 *    is time 0 of the recording (every gap, the first included, is cut to 2 s). due_ms()
 *    tells an event loop when the next report falls due, as the replay has no descriptor
 *    to watch.
 *  - get_feature() answers from the recording's `F: get` lines.
 *  - write() and set_feature() are kept in memory for tests and, optionally, appended to a
 *    log as O: and F: set lines, so a replay run leaves a recording of what the host sent.
 *
 * Reports are as on the wire at the interface (transport.h); a recording's E: lines are
 * too, and its O: and F: lines are in the prefixed form (report-prefix.h: the id first, 0
 * for an unnumbered report), as the replay keeps and passes on what was written.
 *
 * Threading is as transport.h says: one reader, serialised writers, read() concurrent with
 * the rest. interrupt() is remembered until a read() returns -EINTR for it, so a stop
 * request that arrives just before the reader starts waiting is not lost.
 */
#ifndef HIDPHONE_TRANSPORT_REPLAY_H
#define HIDPHONE_TRANSPORT_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "recording.h"
#include "transport.h"

/* write()s and set_feature()s kept for replay_output_get(); older ones are dropped. */
#define REPLAY_MAX_KEPT 4096u

struct replay_options {
	/*
	 * Pace E: lines by their timestamps (gaps longer than 2 s are cut to 2 s, as hid-replay
	 * does); false = as fast as possible.
	 */
	bool realtime;
	/* After the last E: line, read() returns -ENODEV (device gone) instead of waiting. */
	bool unplug_at_end;
	/*
	 * When not NULL, every write()/set_feature() is appended as an O:/F: set line (timestamp
	 * = time since open), flushed per line. Several replay devices may share one FILE: lines
	 * are written whole under one lock, and when the recording has several devices each line
	 * is preceded by `D: <n>` (the device's D: value) whenever another device wrote last,
	 * as hid-recorder does. Write the headers first, with recording_write_device(), and with
	 * the index when the recording has several devices, so the log parses as a recording.
	 */
	FILE *output_log;
	/*
	 * A device driven live, for tests and benchmarks that need a phone whose reports
	 * arrive on cue and whose writes can be held up, as a real device's can: read() takes
	 * each input report from input_fd (a SOCK_SEQPACKET socket: one packet, one report, as
	 * hidraw gives them; end of file is an unplug, -ENODEV), wait_fd() returns it, and the
	 * recording's E: lines are not played. With output_fd >= 0, every write() and
	 * set_feature() is also sent there as one packet (prefixed, as an O: line has it),
	 * blocking while the socket's buffer is full, as a device that does not take an
	 * output report holds hidraw's write().
	 * The transport works on duplicates of both descriptors; the caller keeps its own.
	 */
	bool live;
	int input_fd, output_fd;
};

/*
 * Opens device `index` (its position in rec->devices) of a parsed recording. The transport
 * keeps its own copy of what it needs (the recording may be freed after). Fills info when
 * not NULL: path "replay:<label>", ids, name as product_name, "hidphone replay" as
 * manufacturer, serial "replay-<index>", the descriptor. opts may be NULL (all false).
 * Returns 0, -ENODEV when there is no such device, -EINVAL or -ENOMEM.
 */
int replay_open(const struct recording *rec, size_t index, const char *label,
		const struct replay_options *opts, struct transport **out,
		struct transport_info *info);

/*
 * For tests: copies of the output reports written so far, prefixed as their O: lines are
 * (report id first, 0 for an unnumbered report), oldest first,
 * at most REPLAY_MAX_KEPT. replay_output_get() returns the report's length, -ENOENT when i
 * is out of range, -ENOBUFS when len is too small.
 */
size_t replay_output_count(struct transport *t);
int replay_output_get(struct transport *t, size_t i, uint8_t *buf, size_t len);

/* The same for set_feature() reports. */
size_t replay_feature_set_count(struct transport *t);
int replay_feature_set_get(struct transport *t, size_t i, uint8_t *buf, size_t len);

#endif
