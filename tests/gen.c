/*
 * netpipe: tests/gen.c: a stream that need not be stored.
 *
 *   gen BYTES    writes BYTES bytes to standard output: the 8-byte
 *                big-endian counter 0, 1, 2, ... (the last word cut
 *                short), so that a lost, doubled or misplaced block
 *                changes the stream's digest.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define CHUNK	(1024 * 1024)		/* a multiple of 8 */

int
main(int argc, char *argv[])
{
	static uint8_t buf[CHUNK];
	unsigned long long left, word = 0;
	size_t i, n, off;
	ssize_t r;
	char *end;
	int k;

	if (argc != 2)
		errx(2, "usage: gen bytes");
	errno = 0;
	left = strtoull(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end != '\0' || errno != 0)
		errx(2, "not a number: %s", argv[1]);
	while (left > 0) {
		for (i = 0; i < CHUNK; i += 8, word++)
			for (k = 0; k < 8; k++)
				buf[i + k] = (uint8_t)(word >> (56 - 8 * k));
		n = left < CHUNK ? (size_t)left : CHUNK;
		for (off = 0; off < n; off += (size_t)r)
			if ((r = write(STDOUT_FILENO, buf + off, n - off)) <= 0)
				err(1, "write");
		left -= n;
	}
	return 0;
}
