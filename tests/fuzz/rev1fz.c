/*
 * netpipe: tests/fuzz/rev1fz.c: rev1.c as it is, for the fuzz harness.
 *
 * The whole of rev1.c is compiled here, unchanged, so that the harness
 * can reach its static state: fz_rev1_reset() frees and zeroes it
 * between inputs, as a new process would start.  Standard input is the
 * harness's (fz_read, in fuzz.c), and the session id is a constant, so
 * that every input runs the same way each time.  A new pointer in struct
 * r1server or struct r1cli must be freed here too, or the fuzzer reports
 * a leak.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/random.h>
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FZ_SESSION	0x5e551011

ssize_t	 fz_read(int, void *, size_t);
static ssize_t fz_getrandom(void *, size_t, unsigned);
#define read		fz_read
#define getrandom	fz_getrandom

#include "../../rev1.c"

#include "fuzz.h"

static ssize_t
fz_getrandom(void *p, size_t n, unsigned flags)
{
	uint8_t s[4];

	(void)flags;
	put32(s, FZ_SESSION);
	memcpy(p, s, n < sizeof(s) ? n : sizeof(s));
	return (ssize_t)n;
}

void
fz_rev1_reset(void)
{
	free(S.cl);
	free(S.ring);
	free(S.pcrc);
	free(S.sent_at);
	free(S.queued);
	free(S.rtxq);
	free(S.tx);
	free(K.ring);
	free(K.have);
	free(K.blen);
	free(K.dcrc);
	free(K.nak_at);
	memset(&S, 0, sizeof(S));
	memset(&K, 0, sizeof(K));
}
