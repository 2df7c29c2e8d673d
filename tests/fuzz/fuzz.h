/*
 * netpipe: tests/fuzz/fuzz.h: what the fuzz harness's files share.
 *
 * The harness links the real roles (rev0.c, rev1.c, role.c, wire.c,
 * rate.c, crc32.c) and what the operator sees (report.c), and drives
 * them as loop.c does, from memory: a fake clock, datagrams from the
 * input, a standard input and output of its own (fuzz.c), and a network
 * that checks every packet the role sends (fakenet.c).  README in this
 * directory describes the input format.  netpipe.h comes first.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FUZZ_H
#define FUZZ_H

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#define FZ_T0		(1000 * SEC)	/* the fake clock at the start, µs */
#define FZ_SESSION	0x5e551011	/* what random() gives a server */
#define FZ_PEERS	6		/* -k: sources sealing their own */

/* One run: the io's context, zeroed before each input. */
struct fz {
	int		 rev;		/* 0 or 1 */
	int		 server;	/* the role under test is a server */
	int		 verbose;	/* NPFUZZ_VERBOSE: say() prints */
	uint64_t	 clock;		/* µs, the fake clock */
	union addr	 dst;		/* a server's np->net.dst */
	unsigned	 heard;		/* bit k: fz_addr's source k sent */

	/* fakenet.c: what the role sent. */
	uint64_t	 sent;		/* datagrams */
	uint32_t	 session;	/* Rev. 1: its session id */
	int		 session_known;
	uint64_t	 stamp;		/* a server's last ping stamp, µs */
	int		 stamp_known;

	/* fuzz.c: standard input, output, messages. */
	uint64_t	 inpend;	/* bytes to read */
	int		 ineof, infail;
	uint8_t		 inbyte;	/* the next byte read */
	int		 outshut, outfail;
	uint64_t	 outbytes;
	uint64_t	 lines;		/* said */

	/* fakeseal.c: -k (byte 1, bit 7). */
	int		 keyed;
	uint8_t		 rsalt[16];	/* the role's salt */
	uint8_t		 psalt[FZ_PEERS][16];	/* the peers' */
	uint8_t		 ks[32];	/* the server's K_s */
	uint8_t		 kc[FZ_PEERS][32];	/* the clients' K_c */
	uint64_t	 pctr[FZ_PEERS];	/* the peers' counters */
};

/* fuzz.c */
void		 fz_bug(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

/* fakeseal.c */
extern const uint8_t fz_key[32];
void		 fz_keys(struct fz *);
size_t		 fz_unseal(struct fz *, const uint8_t *, size_t,
		    const union addr *, uint8_t *);
size_t		 fz_seal(struct fz *, unsigned, int, const uint8_t *, size_t,
		    uint8_t *);

/* fakenet.c */
unsigned	 fz_addr(const struct fz *, unsigned, union addr *);
void		 fz_fixup(const struct fz *, uint8_t *, size_t);
void		 fz_send(void *, const void *, size_t,
		    const union addr *);
int		 fz_sendsegs(void *, const union addr *,
		    const uint8_t *, size_t, size_t);

#endif /* FUZZ_H */
