/*
 * netpipe: bench/aead.c: the speed of aead.c on one core (make
 * aead-bench): ChaCha20 alone, Poly1305 alone, and the AEAD's seal and
 * open of packets as -k sends them (1431 bytes of a default block and
 * its header and CRC, 13 bytes of AAD), in MB/s of packet text and in
 * packets per second of this thread's CPU time (so a machine shared
 * with other work gives the figure of one core it had).
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../netpipe.h"
#include "../seal.h"

#define PKT	(DEF_BLOCK1_KEY + 12)	/* a sealed data packet's text */
#define SECS	1.0			/* per measurement, about */
#define BATCH	1000			/* calls per look at the clock */

static double	 now(void);
static void	 report(const char *, double, double);

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
report(const char *what, double n, double t)
{
	printf("%-28s %8.0f MB/s  %9.0f packets/s\n", what,
	    n * PKT / t / 1e6, n / t);
}

int
main(void)
{
	static uint8_t p[PKT], c[PKT];
	uint8_t key[AEAD_KEY], nonce[AEAD_NONCE], aad[SEAL_HDR], tag[AEAD_TAG];
	double t0, t, n;
	volatile int sink = 0;
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	memset(nonce, 0, sizeof(nonce));
	memset(aad, 0x90, sizeof(aad));
	for (i = 0; i < PKT; i++)
		p[i] = (uint8_t)i;
	printf("aead.c on one core, %d-byte packets, ChaCha20 %s:\n", PKT,
	    chacha_impl());

	for (n = 0, t0 = now(); (t = now() - t0) < SECS; n += BATCH)
		for (i = 0; i < BATCH; i++)
			chacha20_xor(c, p, PKT, key, 1, nonce);
	report("ChaCha20", n, t);
	for (n = 0, t0 = now(); (t = now() - t0) < SECS; n += BATCH)
		for (i = 0; i < BATCH; i++)
			poly1305(tag, p, PKT, key);
	report("Poly1305", n, t);
	for (n = 0, t0 = now(); (t = now() - t0) < SECS; n += BATCH)
		for (i = 0; i < BATCH; i++) {
			nonce[11] = (uint8_t)i;
			aead_seal(c, tag, p, PKT, aad, sizeof(aad), key,
			    nonce);
		}
	report("seal (ChaCha20-Poly1305)", n, t);
	aead_seal(c, tag, p, PKT, aad, sizeof(aad), key, nonce);
	for (n = 0, t0 = now(); (t = now() - t0) < SECS; n += BATCH)
		for (i = 0; i < BATCH; i++)
			sink += aead_open(p, c, PKT, tag, aad, sizeof(aad),
			    key, nonce);
	report("open (ChaCha20-Poly1305)", n, t);
	for (n = 0, t0 = now(); (t = now() - t0) < SECS; n += BATCH)
		for (i = 0; i < BATCH; i++)
			hchacha20(key, key, aad);
	printf("%-28s %8.0f keys/s\n", "HChaCha20 (a client's key)", n / t);
	return sink ? 1 : 0;
}
