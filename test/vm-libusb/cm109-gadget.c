/*
 * cm109-gadget: the device side of a CM109 phone on an f_hid gadget (no_out_endpoint, so
 * each SET_REPORT the host sends is one read() of the hidg node), answering as the chip
 * does (drivers/input/misc/cm109.c, shared/reference/vm-e2e.md section 11):
 *
 *   - every output report is answered by one 4-byte input report whose byte 1 has the
 *     driven columns (output byte 1) in its low nibble and, in the high nibble, the row of
 *     the key held down when its column is driven;
 *   - a key pressed or released is reported at once, with the columns as driven (the chip
 *     reports a change of its GPI pins);
 *   - bit 0x20 of output byte 0 is the buzzer: each change is printed with the report.
 *
 *   cm109-gadget HIDG FIFO      keys come as lines on FIFO: "press 0x22", "release",
 *                               "quit"; stdout gets "buzzer on: XX XX XX XX" and "buzzer
 *                               off: ..." with the output report that changed it, "out XX
 *                               XX XX XX" for the first output report and "got N" (output
 *                               reports so far) on "count"
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int hidg;
static unsigned key;            /* row bit << 4 | column bit, 0: none */
static unsigned drive = 0x0f;   /* the columns the host drives */
static int pending;             /* an answer could not be queued yet: retry */

static void answer(void)
{
	/* report_length 8 (vm-e2e.md section 11): the host takes the first 4 bytes. */
	unsigned char r[8] = { 0 };
	unsigned rows = key && (key & drive & 0x0f) ? key & 0xf0 : 0;

	r[1] = (unsigned char)(rows | drive);
	/*
	 * One answer queued at a time: with the last still queued (EAGAIN), the state is sent
	 * once the host has taken it, as it is then.
	 */
	pending = 0;
	if (write(hidg, r, sizeof(r)) < 0) {
		if (errno == EAGAIN)
			pending = 1;
		else
			perror("hidg write");
	}
}

int main(int argc, char **argv)
{
	int fifo, buzzer = -1;
	unsigned long outs = 0;
	char cmd[256];
	size_t have = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: cm109-gadget HIDG FIFO\n");
		return 2;
	}
	hidg = open(argv[1], O_RDWR | O_NONBLOCK);
	fifo = open(argv[2], O_RDWR | O_NONBLOCK);
	if (hidg < 0 || fifo < 0) {
		perror("open");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		struct pollfd p[2] = { { .fd = hidg, .events = POLLIN }, { .fd = fifo, .events = POLLIN } };
		unsigned char out[64];
		ssize_t n;

		int ready = poll(p, 2, pending ? 5 : -1);

		if (ready < 0 && errno != EINTR)
			return 1;
		if (ready == 0 && pending)
			answer();
		if (p[0].revents & POLLIN) {
			n = read(hidg, out, sizeof(out));
			if (n >= 3) {
				int b = (out[0] & 0x20) != 0;

				if (!outs++)
					printf("out %02x %02x %02x %02x\n", out[0], out[1], out[2],
					       n > 3 ? out[3] : 0);
				if (b != buzzer && (buzzer >= 0 || b))
					printf("buzzer %s: %02x %02x %02x %02x\n", b ? "on" : "off",
					       out[0], out[1], out[2], n > 3 ? out[3] : 0);
				buzzer = b;
				drive = out[1] & 0x0f;
				answer();
			}
		}
		if (p[1].revents & POLLIN) {
			n = read(fifo, cmd + have, sizeof(cmd) - 1 - have);
			if (n > 0)
				have += (size_t)n;
			cmd[have] = '\0';
			for (char *nl; (nl = strchr(cmd, '\n'));) {
				*nl = '\0';
				if (strncmp(cmd, "press ", 6) == 0) {
					key = (unsigned)strtoul(cmd + 6, NULL, 16);
					answer();
				} else if (strcmp(cmd, "release") == 0) {
					key = 0;
					answer();
				} else if (strcmp(cmd, "count") == 0) {
					printf("got %lu\n", outs);
				} else if (strcmp(cmd, "quit") == 0) {
					return 0;
				}
				have -= (size_t)(nl + 1 - cmd);
				memmove(cmd, nl + 1, have + 1);
			}
		}
	}
}
