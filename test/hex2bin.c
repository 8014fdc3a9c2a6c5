/* Converts a hex descriptor file to raw bytes: seeds for the fuzzers. */
#include <stdio.h>
#include <stdlib.h>

#include "hid/hex-text.h"

int main(int argc, char **argv)
{
	static char text[1 << 20];
	static uint8_t bytes[1 << 16];
	size_t len, bad = 0;
	FILE *in, *out;
	long n;

	if (argc != 3) {
		fprintf(stderr, "usage: hex2bin IN.hex OUT.bin\n");
		return 2;
	}
	in = fopen(argv[1], "r");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	len = fread(text, 1, sizeof(text), in);
	fclose(in);
	n = hex_parse_bytes(text, len, bytes, sizeof(bytes), &bad);
	if (n < 0) {
		fprintf(stderr, "%s: bad hex at offset %zu\n", argv[1], bad);
		return 1;
	}
	out = fopen(argv[2], "wb");
	if (!out || fwrite(bytes, 1, (size_t)n, out) != (size_t)n || fclose(out) != 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
