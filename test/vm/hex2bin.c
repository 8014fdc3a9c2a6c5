/* hex2bin: turns a *.rdesc.hex fixture (hex bytes separated by white space)
 * into the raw bytes that configfs report_desc and HIDIOCGRDESC deal in.
 *
 *   hex2bin [FILE]      reads FILE or stdin, writes the bytes to stdout
 *
 * Built in C rather than done with xxd or awk because neither the guest's
 * busybox nor a minimal CI host is sure to have a tool that writes NUL bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "e2e-common.h"

int main(int argc, char **argv)
{
	static char text[1 << 20];
	static uint8_t bytes[1 << 19];
	FILE *f = stdin;
	size_t n;
	int len;

	if (argc > 2) {
		fputs("usage: hex2bin [FILE]\n", stderr);
		return 1;
	}
	if (argc == 2 && !(f = fopen(argv[1], "r"))) {
		perror(argv[1]);
		return 1;
	}
	n = fread(text, 1, sizeof text - 1, f);
	if (!feof(f)) {
		fputs("hex2bin: input too large\n", stderr);
		return 1;
	}
	text[n] = '\0';
	len = e2e_parse_hex(text, bytes, sizeof bytes);
	if (len < 0) {
		fputs("hex2bin: not hex bytes\n", stderr);
		return 1;
	}
	if (fwrite(bytes, 1, (size_t)len, stdout) != (size_t)len || fflush(stdout) != 0) {
		perror("hex2bin: write");
		return 1;
	}
	return 0;
}
