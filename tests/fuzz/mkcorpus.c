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
 * of a real transfer.  The packets are wire.c's (its pack functions),
 * but for two that are meant to be broken.  `make fuzz-corpus` rebuilds
 * tests/fuzz/corpus.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <err.h>
#include <stdio.h>
#include <string.h>

#include "../../netpipe.h"
#include "fuzz.h"

#define T0		FZ_T0		/* fuzz.c's clock at the start */
#define SESSION		FZ_SESSION	/* a server's session id there */
#define CSESSION	0x0badcafe	/* the session of a made-up server */
#define PING_RTT	1000		/* µs, in a made-up server's pings */

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
static void	 r0ping(uint8_t, uint8_t, uint64_t);
static void	 r0seq_init(uint8_t, uint8_t, uint32_t);
static void	 r0eot(uint8_t, uint8_t, uint32_t);
static void	 r0rxerr(uint8_t, uint8_t, uint32_t);
static void	 r0error(uint8_t, uint8_t, uint32_t, uint32_t);
static void	 r0tx(uint8_t, uint8_t, uint32_t, const char *);
static void	 r0pong(uint8_t, uint8_t, uint8_t, uint64_t);
static void	 rev0_seeds(void);
static size_t	 data(uint8_t *, uint32_t, uint64_t, const uint8_t *, size_t);
static void	 r1small(uint8_t, uint8_t, uint8_t, uint8_t, uint32_t);
static void	 r1ping(uint8_t, uint8_t, uint32_t, int, uint64_t, uint64_t,
		    uint32_t, uint32_t, const char *);
static void	 r1data(uint8_t, uint8_t, uint32_t, uint64_t, const uint8_t *,
		    size_t);
static void	 r1eot(uint8_t, uint8_t, uint32_t, uint64_t, uint32_t);
static void	 r1done(uint8_t, uint8_t, uint8_t, uint32_t, uint32_t);
static void	 r1error(uint8_t, uint8_t, uint8_t, uint32_t, uint32_t,
		    uint32_t);
static void	 r1pong(uint8_t, uint8_t, uint64_t);
static void	 r1status(uint8_t, uint8_t, uint64_t, uint64_t, uint32_t,
		    uint32_t, unsigned, const uint64_t *);
static void	 rev1_seeds(void);

static uint8_t	 in[65536];		/* the input being written */
static uint8_t	 pkt[MAX_DGRAM];	/* a packet being built */
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
	static uint8_t keep[sizeof(in)];
	char path[4096], k1[256];
	size_t i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(in, 1, len, f) != len || fclose(f) != 0)
		err(1, "%s", path);
	/*
	 * Each Rev. 1 seed again with -k: fuzz.c seals what it fixes up,
	 * so every datagram is marked to be (the fix-up changes nothing in
	 * a seed's well-formed packets); R1_INIT, R1_BYE, R1_ERROR go to the
	 * client's status socket, as the server sends them, and so carry
	 * its salt, which makes its run fresh (PROTOCOL.txt 11.5).
	 */
	if (strncmp(name, "r1-", 3) == 0 && !(in[1] & 0x80)) {
		memcpy(keep, in, len);
		in[1] |= 0x80;
		for (i = 2; i < len; )
			switch (in[i] & 7) {
			case 4:
			case 6:
				i += 1;
				break;
			case 5:
			case 7:
				i += 2;
				break;
			default:
				in[i] |= 0x08;
				if (i + 5 < len && (in[i + 5] == R1_INIT ||
				    in[i + 5] == R1_BYE ||
				    in[i + 5] == R1_ERROR))
					in[i] |= UFD;
				i += 5 + (size_t)(in[i + 3] << 8 | in[i + 4]);
				break;
			}
		snprintf(k1, sizeof(k1), "k1-%s", name + 3);
		end(k1);
		memcpy(in, keep, len);
	}
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
	dgram(flags, src, t, pkt, r0_pack_cmd(pkt, cmd));
}

/* A server's ping: its clock, in seconds and µs. */
static void
r0ping(uint8_t src, uint8_t t, uint64_t stamp)
{
	dgram(0, src, t, pkt, r0_pack_stamp(pkt, CM_PING, stamp));
}

static void
r0seq_init(uint8_t src, uint8_t t, uint32_t flags)
{
	dgram(0, src, t, pkt, r0_pack_seq_init(pkt, flags));
}

static void
r0eot(uint8_t src, uint8_t t, uint32_t seq)
{
	dgram(0, src, t, pkt, r0_pack_eot(pkt, seq));
}

static void
r0rxerr(uint8_t src, uint8_t t, uint32_t code)
{
	dgram(0, src, t, pkt, r0_pack_rxerr(pkt, code));
}

static void
r0error(uint8_t src, uint8_t t, uint32_t code, uint32_t eno)
{
	dgram(0, src, t, pkt, r0_pack_error(pkt, code, eno));
}

static void
r0tx(uint8_t src, uint8_t t, uint32_t seq, const char *d)
{
	dgram(0, src, t, pkt, r0_pack_tx(pkt, seq, (const uint8_t *)d,
	    strlen(d)));
}

/* A client's pong echoes the stamp of the server's ping. */
static void
r0pong(uint8_t flags, uint8_t src, uint8_t t, uint64_t stamp)
{
	dgram(flags, src, t, pkt, r0_pack_stamp(pkt, CM_PONG, stamp));
}

static void
rev0_seeds(void)
{
	/* Client: a whole transfer of three blocks. */
	begin(CLIENT, VERBOSE);
	r0ping(0, 1, T0);
	r0seq_init(0, 10, 0);
	r0tx(0, 10, 0, "the first block ");
	r0tx(0, 10, 1, "the second block");
	r0tx(0, 10, 1, "the second block");	/* its answer was lost */
	r0tx(0, 10, 2, "end");
	r0ping(0, 20, T0 + 200000);
	r0eot(0, 10, 3);
	r0eot(0, 10, 3);
	end("r0-client-transfer");

	/* Client: single-ack mode, a damaged block, an old EOT. */
	begin(CLIENT, VERBOSE);
	r0ping(0, 1, T0);
	r0seq_init(0, 10, SF_SINGLE_ACK);
	r0tx(0, 10, 0, "not asked for");
	r0cmd(0, 0, 10, CM_ACK_PLZ);
	r0tx(0, 10, 1, "asked for");
	/* A CM_TX cut short: its length field says 4, its CRC is gone. */
	dgram(0, 0, 10, (const uint8_t *)"\x05\0\0\0\2\0\0\0\4damaged", 16);
	r0tx(0, 10, 2, "repeat");
	r0cmd(0, 0, 10, CM_EOT);
	r0ping(2, 10, T0);			/* another server */
	pass(200);
	end("r0-client-single");

	/* Client: a sequence error, then errors of each kind. */
	begin(CLIENT, 0);
	r0ping(0, 1, T0);
	r0seq_init(0, 10, 0);
	r0tx(0, 10, 0, "zero");
	r0tx(0, 10, 5, "five");
	end("r0-client-seqerr");
	begin(CLIENT, 0);
	r0ping(0, 1, T0);
	r0seq_init(0, 10, 0);
	r0error(0, 10, NPE_INTERNAL, 5);
	end("r0-client-error");
	begin(CLIENT, 0x04);			/* --first-seq 4294967294 */
	r0ping(0, 1, T0);
	r0seq_init(0, 10, 0);
	r0tx(0, 10, 0xfffffffe, "wrap");
	r0tx(0, 10, 0xffffffff, "wrap");
	r0tx(0, 10, 0, "wrapped");
	r0eot(0, 10, 1);
	r0error(0, 10, NPE_DROPPED, 0);
	end("r0-client-wrap");
	begin(CLIENT, 0);			/* not admitted, then told */
	r0tx(0, 1, 0, "under way");
	r0ping(0, 1, T0);
	r0error(0, 10, NPE_REFUSED, 0);
	end("r0-client-refused");

	/* Server: one client, 200 bytes in blocks of 64. */
	begin(SMALL, VERBOSE | PROGRESS | STATS);
	input(0x10, 200);
	r0pong(FIX, 0, 10, T0);
	r0cmd(0, 0, 10, CM_READY);
	r0cmd(0, 0, 10, CM_RXOK);
	r0rxerr(0, 10, RXERR_CRC);
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
	r0error(1, 10, NPE_ABORT, 0);
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
	r0error(0, 10, NPE_ABORT, 0);		/* the chosen one leaves */
	r0cmd(0, 1, 10, CM_RXOK);
	r0rxerr(1, 10, RXERR_SEQ);
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
	r1_pack_pong(pkt, SESSION, 0);		/* its cmd and session */
	dgram(0, 0, 10, pkt, R1_MIN - 4);
	r0pong(0, 0, 10, T0 + 1);
	r0pong(FIX, 0, 10, T0);
	r0cmd(0, 0, 10, CM_READY);
	pass(255);
	timeout();
	end("r0-server-silent");
}

/* ---- Rev. 1 ---- */

static void
r1small(uint8_t flags, uint8_t src, uint8_t t, uint8_t cmd, uint32_t s)
{
	dgram(flags, src, t, pkt, r1_pack_small(pkt, cmd, s));
}

static void
r1ping(uint8_t src, uint8_t t, uint32_t s, int seek, uint64_t stamp,
    uint64_t next, uint32_t b, uint32_t w, const char *label)
{
	struct r1ping g;

	memset(&g, 0, sizeof(g));
	g.flags = seek ? PF_SEEK : 0;
	g.stamp = stamp;
	g.next = next;
	g.rtt = PING_RTT;
	g.block = b;
	g.window = w;
	g.llen = label ? (uint8_t)strlen(label) : 0;
	g.label = (const uint8_t *)label;
	dgram(0, src, t, pkt, r1_pack_ping(pkt, s, &g));
}

/* An R1_DATA at p with its CRC, as a server makes it. */
static size_t
data(uint8_t *p, uint32_t s, uint64_t off, const uint8_t *d, size_t n)
{
	struct crcjoin j;

	crc_join_init(&j, n);
	return r1_pack_data(p, s, off, d, n,
	    r1_data_crc(&j, s, off, np_crc32(d, n), n));
}

static void
r1data(uint8_t src, uint8_t t, uint32_t s, uint64_t off, const uint8_t *d,
    size_t n)
{
	dgram(0, src, t, pkt, data(pkt, s, off, d, n));
}

static void
r1eot(uint8_t src, uint8_t t, uint32_t s, uint64_t total, uint32_t crc)
{
	struct r1eot e;

	e.length = total;
	e.scrc = crc;
	dgram(0, src, t, pkt, r1_pack_eot(pkt, s, &e));
}

static void
r1done(uint8_t flags, uint8_t src, uint8_t t, uint32_t s, uint32_t result)
{
	dgram(flags, src, t, pkt, r1_pack_done(pkt, s, result));
}

static void
r1error(uint8_t flags, uint8_t src, uint8_t t, uint32_t s, uint32_t code,
    uint32_t eno)
{
	dgram(flags, src, t, pkt, r1_pack_error(pkt, s, code, eno));
}

static void
r1pong(uint8_t src, uint8_t t, uint64_t stamp)
{
	dgram(FIX, src, t, pkt, r1_pack_pong(pkt, SESSION, stamp));
}

/* An R1_STATUS: progress, room, counters, and n ranges {off, len}. */
static void
r1status(uint8_t src, uint8_t t, uint64_t ack, uint64_t room,
    uint32_t rcvd, uint32_t missed, unsigned n, const uint64_t *r)
{
	struct r1status st;
	unsigned i;

	memset(&st, 0, sizeof(st));
	st.ack = ack;
	st.room = room;
	st.rcvd = rcvd;
	st.missed = missed;
	st.nranges = n;
	for (i = 0; i < n; i++) {
		st.range[i].off = r[2 * i];
		st.range[i].len = (uint32_t)r[2 * i + 1];
	}
	dgram(FIX, src, t, pkt, r1_pack_status(pkt, SESSION, &st));
}

static void
rev1_seeds(void)
{
	uint8_t d[300];
	uint64_t r[4];
	uint32_t crc;
	size_t i, n;

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
		r1error(0, 0, 10, CSESSION, i ? NPE_DROPPED : NPE_ABORT, 0);
		end(i ? "r1-client-end-dropped" : "r1-client-end-abort");
	}
	begin(CLIENT | REV1, 0);
	r1ping(0, 1, CSESSION, 1, T0, 0, 64, 256, NULL);
	r1error(0, 0, 10, CSESSION, NPE_REFUSED, 0);
	end("r1-client-refused");

	/* Client: GRO, two data blocks in one datagram; a bad stream CRC. */
	begin(CLIENT | REV1, 0);
	r1ping(0, 1, CSESSION, 1, T0, 0, 64, 128, NULL);
	r1small(0, 0, 10, R1_INIT, CSESSION);
	n = data(pkt, CSESSION, 0, d, 64);
	n += data(pkt + n, CSESSION, 64, d + 64, 64);
	dgram(GRO, 0, 10, pkt, n);
	r1eot(0, 10, CSESSION, 128, crc ^ 1);
	end("r1-client-gro-badcrc");

	/* Client: with a label; other servers; an error; Rev. 0 talk. */
	begin(CLIENT | REV1 | LABEL, VERBOSE);
	r0ping(0, 1, T0);
	r1ping(0, 1, CSESSION, 1, T0, 0, 64, 256, "other");
	r1ping(0, 1, CSESSION, 1, T0, 0, 64, 256, "fz");
	r1ping(2, 1, CSESSION, 1, T0, 0, 64, 256, "fz");
	r1small(0, 1, 10, R1_INIT, CSESSION + 1);	/* wrong session */
	r1small(0, 0, 10, R1_INIT, CSESSION);
	r1data(1, 10, CSESSION, 0, d, 64);		/* wrong port */
	r1error(0, 0, 10, CSESSION, NPE_DROPPED, 0);
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
	r1error(0, 0, 10, CSESSION, NPE_INTERNAL, 28);
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
	r1done(FIX, 0, 10, SESSION, 0);
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
	r1error(FIX, 1, 10, SESSION, NPE_ABORT, 0);
	input(0x10, 10);
	timeout();
	r1status(0, 10, 1034, 1034 + MIN_WINDOW, 17, 6, 0, NULL);
	r1done(FIX, 0, 10, SESSION, 1);
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
