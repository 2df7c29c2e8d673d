/*
 * netpipe: tests/fuzz/mkcorpus.c: write the fuzzer's seed corpus.
 *
 *	mkcorpus DIR
 *
 * Writes one file per seed into DIR, each an input in the format that
 * tests/fuzz/fuzz.c describes: a role and its options, then the
 * datagrams a real peer would send it (pings, init, ready, data, status
 * with NAKs, EOT, done, errors, Rev. 0 command bytes), with the right
 * stamps, session id, lengths and CRCs, in the order and at the times
 * of a real transfer.  `make fuzz-corpus` rebuilds tests/fuzz/corpus.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <err.h>
#include <stdio.h>
#include <string.h>

#include "../../netpipe.h"

#define T0		(1000 * SEC)	/* fuzz.c's clock at the start */
#define SESSION		0x5e551011	/* rev1fz.c's session id */
#define CSESSION	0x0badcafe	/* the session of a made-up server */

/* Byte 0 of an input. */
#define CLIENT		0x01
#define REV1		0x02
#define SINGLE		0x04
#define NCL(n)		(((n) - 1) << 3)
#define WAIT1		0x20
#define LABEL		0x40
#define SMALL		0x80		/* -b 64 */
/* Byte 1. */
#define VERBOSE		0x01
#define PROGRESS	0x10		/* -P */
#define STATS		0x20		/* --stats /dev/null */
#define RATE		0x40		/* -r 50M */

/* Record flags. */
#define FIX		0x08
#define UFD		0x10
#define GRO		0x20

static void	 begin(uint8_t, uint8_t);
static void	 end(const char *);
static void	 dgram(uint8_t, uint8_t, uint8_t, const uint8_t *, size_t);
static void	 timeout(void);
static void	 input(uint8_t, uint8_t);
static void	 sig(uint8_t);
static void	 pass(uint8_t);
static void	 r0cmd(uint8_t, uint8_t, uint8_t, uint8_t);
static void	 r0word(uint8_t, uint8_t, uint8_t, uint32_t);
static void	 r0two(uint8_t, uint8_t, uint8_t, uint32_t, uint32_t);
static void	 r0tx(uint8_t, uint8_t, uint32_t, const char *);
static void	 r0pong(uint8_t, uint8_t, uint8_t, uint64_t);
static void	 rev0_seeds(void);
static size_t	 seal(size_t);
static void	 r1small(uint8_t, uint8_t, uint8_t, uint8_t, uint32_t);
static void	 r1ping(uint8_t, uint8_t, uint32_t, int, uint64_t, uint64_t,
		    uint32_t, uint32_t, const char *);
static void	 r1data(uint8_t, uint8_t, uint32_t, uint64_t, const uint8_t *,
		    size_t);
static void	 r1eot(uint8_t, uint8_t, uint32_t, uint64_t, uint32_t);
static void	 r1word(uint8_t, uint8_t, uint8_t, uint8_t, uint32_t, uint32_t,
		    int, uint32_t);
static void	 r1pong(uint8_t, uint8_t, uint64_t);
static void	 r1status(uint8_t, uint8_t, uint64_t, uint64_t, uint32_t,
		    uint32_t, unsigned, const uint64_t *);
static void	 rev1_seeds(void);

static uint8_t	 in[65536];		/* the input being written */
static uint8_t	 pkt[70000];		/* a Rev. 1 packet being built */
static size_t	 len;
static const char *dir;

static void
begin(uint8_t b0, uint8_t b1)
{
	len = 0;
	in[len++] = b0;
	in[len++] = b1;
}

static void
end(const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(in, 1, len, f) != len || fclose(f) != 0)
		err(1, "%s", path);
}

/* A datagram from src after t*t*64 µs. */
static void
dgram(uint8_t flags, uint8_t src, uint8_t t, const uint8_t *p, size_t n)
{
	in[len++] = flags & 0x38;
	in[len++] = src;
	in[len++] = t;
	put16(in + len, (uint16_t)n);
	len += 2;
	memcpy(in + len, p, n);
	len += n;
}

static void
timeout(void)
{
	in[len++] = 4;
}

static void
input(uint8_t flags, uint8_t n)
{
	in[len++] = 5 | flags;
	in[len++] = n;
}

static void
sig(uint8_t flags)
{
	in[len++] = 6 | flags;
}

static void
pass(uint8_t t)
{
	in[len++] = 7;
	in[len++] = t;
}

/* ---- Rev. 0 ---- */

static void
r0cmd(uint8_t flags, uint8_t src, uint8_t t, uint8_t cmd)
{
	dgram(flags, src, t, &cmd, 1);
}

static void
r0word(uint8_t src, uint8_t t, uint8_t cmd, uint32_t a)
{
	uint8_t p[5];

	p[0] = cmd;
	put32(p + 1, a);
	dgram(0, src, t, p, sizeof(p));
}

static void
r0two(uint8_t src, uint8_t t, uint8_t cmd, uint32_t a, uint32_t b)
{
	uint8_t p[9];

	p[0] = cmd;
	put32(p + 1, a);
	put32(p + 5, b);
	dgram(0, src, t, p, sizeof(p));
}

static void
r0tx(uint8_t src, uint8_t t, uint32_t seq, const char *data)
{
	uint8_t p[TX_OVERHEAD + 256];
	size_t n = strlen(data);

	p[0] = CM_TX;
	put32(p + 1, seq);
	put32(p + 5, (uint32_t)n);
	memcpy(p + TX_HDR, data, n);
	put32(p + TX_HDR + n, np_crc32(p, TX_HDR + n));
	dgram(0, src, t, p, TX_OVERHEAD + n);
}

/* A server's ping and a client's pong carry seconds and µs. */
static void
r0pong(uint8_t flags, uint8_t src, uint8_t t, uint64_t stamp)
{
	uint8_t p[PING_LEN];

	p[0] = CM_PONG;
	put32(p + 1, (uint32_t)(stamp / SEC));
	put32(p + 5, (uint32_t)(stamp % SEC));
	dgram(flags, src, t, p, sizeof(p));
}

static void
rev0_seeds(void)
{
	/* Client: a whole transfer of three blocks. */
	begin(CLIENT, VERBOSE);
	r0two(0, 1, CM_PING, 1000, 0);
	r0word(0, 10, CM_SEQ_INIT, 0);
	r0tx(0, 10, 0, "the first block ");
	r0tx(0, 10, 1, "the second block");
	r0tx(0, 10, 1, "the second block");	/* its answer was lost */
	r0tx(0, 10, 2, "end");
	r0two(0, 20, CM_PING, 1000, 200000);
	r0word(0, 10, CM_EOT, 3);
	r0word(0, 10, CM_EOT, 3);
	end("r0-client-transfer");

	/* Client: single-ack mode, a damaged block, an old EOT. */
	begin(CLIENT, VERBOSE);
	r0two(0, 1, CM_PING, 1000, 0);
	r0word(0, 10, CM_SEQ_INIT, SF_SINGLE_ACK);
	r0tx(0, 10, 0, "not asked for");
	r0cmd(0, 0, 10, CM_ACK_PLZ);
	r0tx(0, 10, 1, "asked for");
	dgram(0, 0, 10, (const uint8_t *)"\x05\0\0\0\2\0\0\0\4damaged", 16);
	r0tx(0, 10, 2, "repeat");
	r0cmd(0, 0, 10, CM_EOT);
	r0two(2, 10, CM_PING, 1000, 0);		/* another server */
	pass(200);
	end("r0-client-single");

	/* Client: a sequence error, then errors of each kind. */
	begin(CLIENT, 0);
	r0two(0, 1, CM_PING, 1000, 0);
	r0word(0, 10, CM_SEQ_INIT, 0);
	r0tx(0, 10, 0, "zero");
	r0tx(0, 10, 5, "five");
	end("r0-client-seqerr");
	begin(CLIENT, 0);
	r0two(0, 1, CM_PING, 1000, 0);
	r0word(0, 10, CM_SEQ_INIT, 0);
	r0two(0, 10, CM_ERROR, ERR_INTERNAL, 5);
	end("r0-client-error");
	begin(CLIENT, 0x04);			/* --first-seq 4294967294 */
	r0two(0, 1, CM_PING, 1000, 0);
	r0word(0, 10, CM_SEQ_INIT, 0);
	r0tx(0, 10, 0xfffffffe, "wrap");
	r0tx(0, 10, 0xffffffff, "wrap");
	r0tx(0, 10, 0, "wrapped");
	r0word(0, 10, CM_EOT, 1);
	r0two(0, 10, CM_ERROR, ERR_DROPPED, 0);
	end("r0-client-wrap");
	begin(CLIENT, 0);			/* not admitted, then told */
	r0tx(0, 1, 0, "under way");
	r0two(0, 1, CM_PING, 1000, 0);
	r0two(0, 10, CM_ERROR, ERR_REFUSED, 0);
	end("r0-client-refused");

	/* Server: one client, 200 bytes in blocks of 64. */
	begin(SMALL, VERBOSE | PROGRESS | STATS);
	input(0x10, 200);
	r0pong(FIX, 0, 10, T0);
	r0cmd(0, 0, 10, CM_READY);
	r0cmd(0, 0, 10, CM_RXOK);
	r0word(0, 10, CM_RXERR, RXERR_CRC);
	r0cmd(0, 0, 10, CM_RXOK);
	pass(18);			/* the wait after a repeat */
	r0cmd(0, 0, 10, CM_RXOK);
	r0cmd(0, 0, 10, CM_RXOK);
	r0cmd(0, 0, 10, CM_RXOK);
	r0cmd(0, 0, 10, CM_DONE);
	end("r0-server-transfer");

	/* Server: -n 2, one leaves, the other gets it all: exit 3. */
	begin(SMALL | NCL(2), VERBOSE);
	input(0x10, 100);
	r0pong(FIX, 0, 10, T0);
	r0pong(FIX, 1, 10, T0);
	r0cmd(0, 0, 10, CM_READY);
	r0cmd(0, 1, 10, CM_READY);
	r0two(1, 10, CM_ERROR, ERR_ABORT, 0);
	r0cmd(0, 0, 10, CM_RXOK);
	r0cmd(0, 0, 10, CM_RXOK);
	r0cmd(0, 0, 10, CM_DONE);
	end("r0-server-partial");

	/* Server: -1 -n 2, a stranger, a late client, a drop. */
	begin(SMALL | SINGLE | NCL(2), VERBOSE);
	input(0x08 | 0x10, 2);
	r0pong(FIX, 0, 10, T0);
	r0pong(FIX, 1, 10, T0);
	r0pong(FIX, 2, 10, T0);			/* too late */
	r0cmd(0, 0, 10, CM_READY);
	r0cmd(0, 1, 10, CM_READY);
	r0cmd(0, 0, 10, CM_RXOK);
	r0cmd(0, 1, 10, CM_RXOK);		/* not asked */
	r0two(0, 10, CM_ERROR, ERR_ABORT, 0);	/* the chosen one leaves */
	r0cmd(0, 1, 10, CM_RXOK);
	r0word(1, 10, CM_RXERR, RXERR_SEQ);
	end("r0-server-single");

	/* Server: -w 1, a pong too late for the seek, stdin fails. */
	begin(SMALL | NCL(3) | WAIT1, 0);
	input(0x20, 10);
	r0pong(FIX, 0, 10, T0);
	pass(130);
	r0pong(FIX, 1, 10, T0 + 200000);
	r0cmd(0, 0, 10, CM_READY);
	sig(0x08);
	end("r0-server-wait");

	/* Server: a Rev. 1 pong, a stamp it never sent, a long silence. */
	begin(0, 0);
	dgram(0, 0, 10, (const uint8_t *)"\x0d\x5e\x55\x10\x11", 5);
	r0pong(0, 0, 10, T0 + 1);
	r0pong(FIX, 0, 10, T0);
	r0cmd(0, 0, 10, CM_READY);
	pass(255);
	timeout();
	end("r0-server-silent");
}

/* ---- Rev. 1 ---- */

static size_t
seal(size_t n)
{
	put32(pkt + n, np_crc32(pkt, n));
	return n + 4;
}

static void
r1small(uint8_t flags, uint8_t src, uint8_t t, uint8_t cmd, uint32_t s)
{
	pkt[0] = cmd;
	put32(pkt + 1, s);
	dgram(flags, src, t, pkt, seal(5));
}

static void
r1ping(uint8_t src, uint8_t t, uint32_t s, int seek, uint64_t stamp,
    uint64_t next, uint32_t b, uint32_t w, const char *label)
{
	size_t l = label ? strlen(label) : 0;

	pkt[0] = R1_PING;
	put32(pkt + 1, s);
	pkt[5] = seek ? 1 : 0;
	put64(pkt + 6, stamp);
	put64(pkt + 14, next);
	put32(pkt + 22, 1000);
	put32(pkt + 26, b);
	put32(pkt + 30, w);
	pkt[34] = (uint8_t)l;
	memcpy(pkt + 35, label ? label : "", l);
	dgram(0, src, t, pkt, seal(35 + l));
}

static void
r1data(uint8_t src, uint8_t t, uint32_t s, uint64_t off, const uint8_t *d,
    size_t n)
{
	pkt[0] = R1_DATA;
	put32(pkt + 1, s);
	put64(pkt + 5, off);
	memcpy(pkt + R1_DATA_HDR, d, n);
	dgram(0, src, t, pkt, seal(R1_DATA_HDR + n));
}

static void
r1eot(uint8_t src, uint8_t t, uint32_t s, uint64_t total, uint32_t crc)
{
	pkt[0] = R1_EOT;
	put32(pkt + 1, s);
	put64(pkt + 5, total);
	put32(pkt + 13, crc);
	dgram(0, src, t, pkt, seal(17));
}

static void
r1word(uint8_t flags, uint8_t src, uint8_t t, uint8_t cmd, uint32_t s,
    uint32_t a, int two, uint32_t b)
{
	pkt[0] = cmd;
	put32(pkt + 1, s);
	put32(pkt + 5, a);
	put32(pkt + 9, b);
	dgram(flags, src, t, pkt, seal(two ? 13 : 9));
}

static void
r1pong(uint8_t src, uint8_t t, uint64_t stamp)
{
	pkt[0] = R1_PONG;
	put32(pkt + 1, SESSION);
	put64(pkt + 5, stamp);
	dgram(FIX, src, t, pkt, seal(13));
}

/* An R1_STATUS: progress, room, counters, and n ranges {off, len}. */
static void
r1status(uint8_t src, uint8_t t, uint64_t ack, uint64_t room,
    uint32_t rcvd, uint32_t missed, unsigned n, const uint64_t *r)
{
	unsigned i;

	pkt[0] = R1_STATUS;
	put32(pkt + 1, SESSION);
	put64(pkt + 5, ack);
	put64(pkt + 13, room);
	put32(pkt + 21, rcvd);
	put32(pkt + 25, missed);
	put16(pkt + 29, (uint16_t)n);
	for (i = 0; i < n; i++) {
		put64(pkt + 31 + 12 * i, r[2 * i]);
		put32(pkt + 39 + 12 * i, (uint32_t)r[2 * i + 1]);
	}
	dgram(FIX, src, t, pkt, seal(31 + 12 * n));
}

static void
rev1_seeds(void)
{
	uint8_t d[300];
	uint64_t r[4];
	uint32_t crc;
	size_t i;

	for (i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i * 7);
	crc = np_crc32(d, 200);

	/* Client: blocks of 64, a window of 256, 200 bytes, one lost. */
	begin(CLIENT | REV1, VERBOSE | PROGRESS | STATS);
	r1ping(0, 1, CSESSION, 1, T0, 0, 64, 256, NULL);
	r1small(0, 0, 10, R1_INIT, CSESSION);
	r1data(0, 10, CSESSION, 0, d, 64);
	r1data(0, 10, CSESSION, 128, d + 128, 64);	/* 64 lost */
	r1ping(0, 10, CSESSION, 0, T0 + 100000, 200, 64, 256, NULL);
	r1data(0, 10, CSESSION, 64, d + 64, 64);
	r1data(0, 10, CSESSION, 192, d + 192, 8);
	r1eot(0, 10, CSESSION, 200, crc);
	r1eot(0, 20, CSESSION, 200, crc);
	r1small(0, 0, 10, R1_BYE, CSESSION);
	end("r1-client-transfer");

	/* Client: all of it, then an abort or a drop; refused. */
	for (i = 0; i < 2; i++) {
		begin(CLIENT | REV1, VERBOSE);
		r1ping(0, 1, CSESSION, 1, T0, 0, 64, 256, NULL);
		r1small(0, 0, 10, R1_INIT, CSESSION);
		r1data(0, 10, CSESSION, 0, d, 64);
		r1data(0, 10, CSESSION, 64, d + 64, 64);
		r1data(0, 10, CSESSION, 128, d + 128, 64);
		r1data(0, 10, CSESSION, 192, d + 192, 8);
		r1eot(0, 10, CSESSION, 200, crc);
		r1word(0, 0, 10, R1_ERROR, CSESSION,
		    i ? R1E_DROPPED : R1E_ABORT, 1, 0);
		end(i ? "r1-client-end-dropped" : "r1-client-end-abort");
	}
	begin(CLIENT | REV1, 0);
	r1ping(0, 1, CSESSION, 1, T0, 0, 64, 256, NULL);
	r1word(0, 0, 10, R1_ERROR, CSESSION, R1E_REFUSED, 1, 0);
	end("r1-client-refused");

	/* Client: GRO, two data blocks in one datagram; a bad stream CRC. */
	begin(CLIENT | REV1, 0);
	r1ping(0, 1, CSESSION, 1, T0, 0, 64, 128, NULL);
	r1small(0, 0, 10, R1_INIT, CSESSION);
	pkt[0] = R1_DATA;
	put32(pkt + 1, CSESSION);
	put64(pkt + 5, 0);
	memcpy(pkt + 13, d, 64);
	seal(77);
	memcpy(pkt + 81, pkt, 13);
	put64(pkt + 86, 64);
	memcpy(pkt + 94, d + 64, 64);
	put32(pkt + 158, np_crc32(pkt + 81, 77));
	dgram(GRO, 0, 10, pkt, 162);
	r1eot(0, 10, CSESSION, 128, crc ^ 1);
	end("r1-client-gro-badcrc");

	/* Client: with a label; other servers; an error; Rev. 0 talk. */
	begin(CLIENT | REV1 | LABEL, VERBOSE);
	r0two(0, 1, CM_PING, 1000, 0);
	r1ping(0, 1, CSESSION, 1, T0, 0, 64, 256, "other");
	r1ping(0, 1, CSESSION, 1, T0, 0, 64, 256, "fz");
	r1ping(2, 1, CSESSION, 1, T0, 0, 64, 256, "fz");
	r1small(0, 1, 10, R1_INIT, CSESSION + 1);	/* wrong session */
	r1small(0, 0, 10, R1_INIT, CSESSION);
	r1data(1, 10, CSESSION, 0, d, 64);		/* wrong port */
	r1word(0, 0, 10, R1_ERROR, CSESSION, R1E_DROPPED, 1, 0);
	end("r1-client-label-error");

	/* Client: one block; its close fails; another: a signal at the end. */
	begin(CLIENT | REV1, 0);
	r1ping(0, 1, CSESSION, 1, T0, 0, 64, 128, NULL);
	r1small(0, 0, 10, R1_INIT, CSESSION);
	r1data(0, 10, CSESSION, 0, d, 10);
	pass(30);				/* written out */
	sig(0x10);
	r1eot(0, 10, CSESSION, 10, np_crc32(d, 10));
	end("r1-client-closefail");
	begin(CLIENT | REV1, 0);
	r1ping(0, 1, CSESSION, 1, T0, 0, 64, 128, NULL);
	r1small(0, 0, 10, R1_INIT, CSESSION);
	r1data(0, 10, CSESSION, 0, d, 10);
	r1eot(0, 10, CSESSION, 10, np_crc32(d, 10));
	sig(0x08);
	end("r1-client-end-signal");

	/* Client: too late (no seek flag); then to the status socket. */
	begin(CLIENT | REV1, 0);
	r1ping(0, 1, CSESSION, 0, T0, 4096, 1455, 16 * 1455, NULL);
	end("r1-client-late");
	begin(CLIENT | REV1, 0x08);			/* -t 1 */
	r1ping(0, 1, CSESSION, 1, T0, 0, 1455, 16 * 1455, NULL);
	r1small(UFD, 0, 10, R1_INIT, CSESSION);
	r1small(0, 0, 10, R1_INIT, CSESSION);
	r1data(0, 10, CSESSION, 0, d, 300);
	r1word(0, 0, 10, R1_ERROR, CSESSION, R1E_INTERNAL, 1, 28);
	pass(200);
	end("r1-client-timeout");

	/* Server: one client, blocks of 64, 200 bytes, a NAK, done. */
	begin(REV1 | SMALL, VERBOSE | PROGRESS | STATS | RATE);
	input(0x10, 200);
	r1pong(0, 10, T0);
	r1small(FIX, 0, 10, R1_READY, SESSION);
	timeout();
	timeout();
	r[0] = 64, r[1] = 64;
	r1status(0, 10, 64, 64 + MIN_WINDOW, 2, 1, 1, r);
	timeout();
	r1status(0, 10, 200, 200 + MIN_WINDOW, 4, 1, 0, NULL);
	r1word(FIX, 0, 10, R1_DONE, SESSION, 0, 0, 0);
	end("r1-server-transfer");

	/* Server: -n 2, GRO statuses, a pong echo, one aborts, late one. */
	begin(REV1 | SMALL | NCL(2), VERBOSE);
	input(0x08, 4);
	r1pong(0, 10, T0);
	r1pong(1, 10, T0);
	r1pong(2, 10, T0);
	r1small(FIX, 0, 10, R1_READY, SESSION);
	r1small(FIX, 1, 10, R1_READY, SESSION);
	timeout();
	r1pong(0, 10, T0);
	r[0] = 0, r[1] = 128, r[2] = 256, r[3] = 64;
	r1status(0, 10, 0, MIN_WINDOW, 0, 6, 2, r);
	r1status(1, 10, 512, 512 + MIN_WINDOW, 8, 0, 0, NULL);
	r1word(FIX, 1, 10, R1_ERROR, SESSION, R1E_ABORT, 1, 0);
	input(0x10, 10);
	timeout();
	r1status(0, 10, 1034, 1034 + MIN_WINDOW, 17, 6, 0, NULL);
	r1word(FIX, 0, 10, R1_DONE, SESSION, 1, 0, 0);
	end("r1-server-two");

	/* Server: -w 1 with a label; stdin fails; a signal. */
	begin(REV1 | WAIT1 | LABEL | NCL(4), 0);
	r1pong(0, 10, T0);
	pass(130);
	r1small(FIX, 0, 10, R1_READY, SESSION);
	input(0x20, 1);
	timeout();
	sig(0);
	end("r1-server-wait");
}

int
main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkcorpus dir\n");
		return 2;
	}
	dir = argv[1];
	rev0_seeds();
	rev1_seeds();
	return 0;
}
