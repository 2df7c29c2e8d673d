/*
 * netpipe: tests/codec.c: the wire codec (wire.c) alone, no network.
 *
 *	tests/codec
 *
 * (1) Known answers: every packet type of both revisions packed with
 * fixed fields and compared with bytes laid out by hand from
 * PROTOCOL.txt, and those bytes unpacked.  (2) Round trips: pack, then
 * unpack gives the same fields.  (3) Rejects: every truncation, one
 * byte too many, a flipped bit in a sealed packet, wrong length fields
 * under a good seal, a label over 64 bytes, unknown commands.  R1_PONG
 * in both its forms (17 bytes, and 18 with the flags byte) and R1_PARITY
 * (parity on demand) with the rest.  Each
 * datagram the rejects feed the unpackers is a heap copy of exactly its
 * length, so that a sanitizer build sees any read past its end.
 *
 * Prints one line per failed check and last "codec: N checks, N
 * failed"; exits 0 only if none failed.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../netpipe.h"

#define SESSION		0xA1B2C3D4U
#define BUFLEN		(MAX_DGRAM + 64)

static void	 check(int, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	 same(int, const char *, const uint8_t *, size_t,
		    const uint8_t *, size_t);
static uint8_t	*copy(const uint8_t *, size_t, size_t);
static int	 accepts0(const uint8_t *, size_t);
static int	 accepts1(const uint8_t *, size_t);
static size_t	 reseal(uint8_t *, size_t);
static void	 rejects0(const char *, const uint8_t *, size_t);
static void	 rejects1(const char *, const uint8_t *, size_t);
static void	 flips0(const char *, const uint8_t *, size_t);
static void	 flips1(const char *, const uint8_t *, size_t);
static void	 resealed1(const char *, const uint8_t *, size_t);
static void	 resealed_pong(const uint8_t *, size_t);
static void	 fill(uint8_t *, size_t, unsigned);
static void	 kat_crc(void);
static void	 kat_r0(void);
static void	 kat_r1_ping(void);
static void	 kat_r1(void);
static void	 kat_r1_status(void);
static void	 kat_status(int, const char *, const struct r1status *,
		    const uint8_t *, size_t);
static void	 rt_r0_stamp(void);
static void	 rt_r0(void);
static void	 rt_r0_tx(size_t, uint32_t);
static void	 rt_r1_ping(size_t);
static void	 rt_r1(void);
static void	 rt_r1_data(size_t, uint64_t, size_t);
static void	 rt_r1_status(unsigned, int);
static void	 rt_r1_pong(uint32_t, uint8_t);
static void	 rt_r1_parity(size_t, uint32_t, uint8_t);
static void	 bad_r0(void);
static void	 bad_r1(void);
static void	 bad_label(size_t, int);
static void	 unknown(void);

static unsigned	 nchecks, nfailed;
static uint8_t	 buf[BUFLEN], buf2[BUFLEN];

#define CHECK(c, ...)	check(!!(c), __LINE__, __VA_ARGS__)

static void
check(int ok, int line, const char *fmt, ...)
{
	va_list ap;

	nchecks++;
	if (ok)
		return;
	nfailed++;
	printf("codec.c:%d: FAIL: ", line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* got (n bytes) must be want (wn bytes). */
static void
same(int line, const char *what, const uint8_t *got, size_t n,
    const uint8_t *want, size_t wn)
{
	size_t i;

	if (n != wn) {
		check(0, line, "%s: %zu bytes, expected %zu", what, n, wn);
		return;
	}
	for (i = 0; i < n && got[i] == want[i]; i++)
		;
	check(i == n, line, "%s: byte %zu is 0x%02x, expected 0x%02x", what,
	    i, i < n ? got[i] : 0, i < n ? want[i] : 0);
}

/*
 * A heap copy of the n bytes at p and extra zero bytes, ending its
 * buffer (one spare byte in front: never malloc(0)).  free(q - 1).
 */
static uint8_t *
copy(const uint8_t *p, size_t n, size_t extra)
{
	uint8_t *q;

	if ((q = malloc(1 + n + extra)) == NULL)
		err(1, NULL);
	memcpy(q + 1, p, n);
	memset(q + 1 + n, 0, extra);
	return q + 1;
}

/* Would a Rev. 0 peer take the n bytes at p? */
static int
accepts0(const uint8_t *p, size_t n)
{
	struct r0pkt k;
	uint8_t *q = copy(p, n, 0);
	int r = r0_unpack(q, n, &k);

	free(q - 1);
	return r == 0;
}

/*
 * Would a Rev. 1 peer take the n bytes at p?  R1_DATA's CRC is the
 * client's to check (wire.c): that check counts here too.
 */
static int
accepts1(const uint8_t *p, size_t n)
{
	struct r1pkt k;
	uint8_t *q = copy(p, n, 0);
	int r = r1_unpack(q, n, &k);

	if (r == 0 && k.cmd == R1_DATA && !r1_intact(q, n))
		r = -1;
	free(q - 1);
	return r == 0;
}

/* Seal n bytes at p with their CRC, as a Rev. 1 packet. */
static size_t
reseal(uint8_t *p, size_t n)
{
	put32(p + n, np_crc32(p, n));
	return n + 4;
}

/* Every truncation and one byte too many are rejected. */
static void
rejects0(const char *what, const uint8_t *p, size_t n)
{
	uint8_t *q;
	size_t m;

	for (m = 0; m < n; m++) {
		if (m == CMD_LEN && p[0] == CM_EOT)
			CHECK(accepts0(p, m), "%s cut to 1 byte: not the short "
			    "CM_EOT", what);
		else
			CHECK(!accepts0(p, m), "%s cut to %zu bytes: accepted",
			    what, m);
	}
	q = copy(p, n, 1);
	CHECK(!accepts0(q, n + 1), "%s plus a byte: accepted", what);
	free(q - 1);
}

static void
rejects1(const char *what, const uint8_t *p, size_t n)
{
	uint8_t *q;
	size_t m;

	for (m = 0; m < n; m++)
		CHECK(!accepts1(p, m), "%s cut to %zu bytes: accepted", what,
		    m);
	q = copy(p, n, 1);
	CHECK(!accepts1(q, n + 1), "%s plus a byte: accepted", what);
	free(q - 1);
}

/* A flipped bit anywhere is rejected. */
static void
flips0(const char *what, const uint8_t *p, size_t n)
{
	size_t i;

	memcpy(buf2, p, n);
	for (i = 0; i < 8 * n; i++) {
		buf2[i / 8] ^= 1 << i % 8;
		CHECK(!accepts0(buf2, n), "%s, bit %zu flipped: accepted",
		    what, i);
		buf2[i / 8] ^= 1 << i % 8;
	}
}

static void
flips1(const char *what, const uint8_t *p, size_t n)
{
	size_t i;

	memcpy(buf2, p, n);
	for (i = 0; i < 8 * n; i++) {
		buf2[i / 8] ^= 1 << i % 8;
		CHECK(!accepts1(buf2, n), "%s, bit %zu flipped: accepted",
		    what, i);
		buf2[i / 8] ^= 1 << i % 8;
	}
}

/*
 * The length checks behind the seal: the packet cut short or one byte
 * (and, for R1_STATUS, one range) longer, each sealed anew, is rejected.
 */
static void
resealed1(const char *what, const uint8_t *p, size_t n)
{
	size_t m;

	for (m = R1_MIN - 4; m < n - 4; m++) {
		memcpy(buf2, p, m);
		CHECK(!accepts1(buf2, reseal(buf2, m)), "%s cut to %zu bytes "
		    "and sealed: accepted", what, m + 4);
	}
	memcpy(buf2, p, n - 4);
	memset(buf2 + n - 4, 0, 12);
	CHECK(!accepts1(buf2, reseal(buf2, n - 3)), "%s plus a byte, sealed: "
	    "accepted", what);
	CHECK(!accepts1(buf2, reseal(buf2, n + 8)), "%s plus 12 bytes, "
	    "sealed: accepted", what);
}

/*
 * R1_PONG's lengths behind the seal: sealed at every length from R1_MIN
 * to 30 bytes, it is taken at 17 and 18 only (either form).
 */
static void
resealed_pong(const uint8_t *p, size_t n)
{
	size_t m;

	for (m = R1_MIN; m <= 30; m++) {
		memset(buf2, 0, sizeof(buf2));
		memcpy(buf2, p, m - 4 < n - 4 ? m - 4 : n - 4);
		CHECK(accepts1(buf2, reseal(buf2, m - 4)) ==
		    (m == R1_PONG_LEN || m == R1_PONG_FLAGS), "R1_PONG of %zu "
		    "bytes, sealed: %s", m, m == R1_PONG_LEN ||
		    m == R1_PONG_FLAGS ? "rejected" : "accepted");
	}
}

/* n bytes of a pattern that differs with seed. */
static void
fill(uint8_t *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 8));
}

/* ---- (1) known answers -------------------------------------------- */

static void
kat_crc(void)
{
	CHECK(np_crc32((const uint8_t *)"123456789", 9) == 0xCBF43926,
	    "np_crc32(\"123456789\") is %08x, expected cbf43926",
	    np_crc32((const uint8_t *)"123456789", 9));
}

static void
kat_r0(void)
{
	/* 1234567890 s (0x499602d2) and 123456 µs (0x0001e240) */
	static const uint8_t ping[] = { CM_PING, 0x49, 0x96, 0x02, 0xd2,
	    0x00, 0x01, 0xe2, 0x40 };
	static const uint8_t pong[] = { CM_PONG, 0x49, 0x96, 0x02, 0xd2,
	    0x00, 0x01, 0xe2, 0x40 };
	static const uint8_t seqinit[] = { CM_SEQ_INIT, 0, 0, 0, 0x01 };
	static const uint8_t tx[] = { CM_TX, 0xde, 0xad, 0xbe, 0xef,
	    0, 0, 0, 3, 'a', 'b', 'c', 0xe0, 0x7f, 0xe8, 0x5f };
	static const uint8_t rxerr[] = { CM_RXERR, 0, 0, 0, RXERR_SEQ };
	static const uint8_t error[] = { CM_ERROR, 0, 0, 0, NPE_INTERNAL,
	    0, 0, 0, 28 };
	static const uint8_t eot[] = { CM_EOT, 0x01, 0x02, 0x03, 0x04 };
	static const uint8_t cmds[] = { CM_READY, CM_RXOK, CM_EOT, CM_DONE,
	    CM_ACK_PLZ };
	uint64_t t = 1234567890 * SEC + 123456;
	struct r0pkt k;
	size_t i;

	same(__LINE__, "CM_PING", buf, r0_pack_stamp(buf, CM_PING, t),
	    ping, sizeof(ping));
	same(__LINE__, "CM_PONG", buf, r0_pack_stamp(buf, CM_PONG, t),
	    pong, sizeof(pong));
	CHECK(r0_unpack(ping, sizeof(ping), &k) == 0 && k.cmd == CM_PING &&
	    k.stamp == t, "CM_PING known answer: unpacked wrong");
	same(__LINE__, "CM_SEQ_INIT", buf, r0_pack_seq_init(buf,
	    SF_SINGLE_ACK), seqinit, sizeof(seqinit));
	CHECK(r0_unpack(seqinit, sizeof(seqinit), &k) == 0 &&
	    k.flags == SF_SINGLE_ACK, "CM_SEQ_INIT known answer: unpacked "
	    "wrong");
	same(__LINE__, "CM_TX", buf, r0_pack_tx(buf, 0xdeadbeef,
	    (const uint8_t *)"abc", 3), tx, sizeof(tx));
	CHECK(r0_unpack(tx, sizeof(tx), &k) == 0 && k.seq == 0xdeadbeef &&
	    k.len == 3 && k.data == tx + 9 && k.crc == 0xe07fe85f,
	    "CM_TX known answer: unpacked wrong");
	same(__LINE__, "CM_RXERR", buf, r0_pack_rxerr(buf, RXERR_SEQ),
	    rxerr, sizeof(rxerr));
	CHECK(r0_unpack(rxerr, sizeof(rxerr), &k) == 0 &&
	    k.code == RXERR_SEQ, "CM_RXERR known answer: unpacked wrong");
	same(__LINE__, "CM_ERROR", buf, r0_pack_error(buf, NPE_INTERNAL, 28),
	    error, sizeof(error));
	CHECK(r0_unpack(error, sizeof(error), &k) == 0 &&
	    k.code == NPE_INTERNAL && k.eno == 28, "CM_ERROR known answer: "
	    "unpacked wrong");
	same(__LINE__, "CM_EOT", buf, r0_pack_eot(buf, 0x01020304), eot,
	    sizeof(eot));
	CHECK(r0_unpack(eot, sizeof(eot), &k) == 0 && k.has_seq &&
	    k.seq == 0x01020304, "CM_EOT known answer: unpacked wrong");
	for (i = 0; i < sizeof(cmds); i++) {
		same(__LINE__, "1-byte command", buf, r0_pack_cmd(buf,
		    cmds[i]), cmds + i, 1);
		CHECK(r0_unpack(cmds + i, 1, &k) == 0 && k.cmd == cmds[i] &&
		    !k.has_seq, "command 0x%02x known answer: unpacked wrong",
		    cmds[i]);
	}
}

static void
kat_r1_ping(void)
{
	static const uint8_t ping[] = { R1_PING, 0xa1, 0xb2, 0xc3, 0xd4,
	    PF_SEEK,
	    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,	/* stamp */
	    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,	/* next */
	    0x21, 0x22, 0x23, 0x24,				/* rtt */
	    0x00, 0x00, 0x05, 0xaf,				/* 1455 */
	    0x01, 0x00, 0x00, 0x00,				/* 16 MiB */
	    3, 'l', 'a', 'b',
	    0xb3, 0x76, 0xbc, 0x0e };
	struct r1ping g = { PF_SEEK, 0x0102030405060708ULL,
	    0x1112131415161718ULL, 0x21222324, 1455, 16 * 1024 * 1024, 3,
	    (const uint8_t *)"lab" };
	struct r1pkt k;

	same(__LINE__, "R1_PING", buf, r1_pack_ping(buf, SESSION, &g), ping,
	    sizeof(ping));
	CHECK(r1_unpack(ping, sizeof(ping), &k) == 0 && k.cmd == R1_PING &&
	    k.session == SESSION && k.u.ping.flags == PF_SEEK &&
	    k.u.ping.stamp == g.stamp && k.u.ping.next == g.next &&
	    k.u.ping.rtt == g.rtt && k.u.ping.block == g.block &&
	    k.u.ping.window == g.window && k.u.ping.llen == 3 &&
	    k.u.ping.label == ping + 35, "R1_PING known answer: unpacked "
	    "wrong");
}

static void
kat_r1(void)
{
#define HDR(c)	c, 0xa1, 0xb2, 0xc3, 0xd4
	static const uint8_t pong[] = { HDR(R1_PONG),
	    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	    0x2c, 0x67, 0xeb, 0xf2 };
	static const uint8_t init[] = { HDR(R1_INIT), 0x2b, 0x76, 0x8f, 0x22 };
	static const uint8_t ready[] = { HDR(R1_READY), 0x16, 0x16, 0xa6,
	    0x92 };
	static const uint8_t bye[] = { HDR(R1_BYE), 0x3c, 0x46, 0x29, 0xb1 };
	static const uint8_t data[] = { HDR(R1_DATA),
	    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	    'h', 'e', 'l', 'l', 'o', 0xe6, 0xbc, 0x52, 0xda };
	static const uint8_t eot[] = { HDR(R1_EOT),
	    0x00, 0x00, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89,
	    0xca, 0xfe, 0xba, 0xbe, 0x59, 0x93, 0x14, 0xf4 };
	static const uint8_t done[] = { HDR(R1_DONE), 0, 0, 0, DONE_BADCRC,
	    0x3e, 0x47, 0x56, 0x94 };
	static const uint8_t error[] = { HDR(R1_ERROR), 0, 0, 0, NPE_DROPPED,
	    0, 0, 0, 110, 0x1a, 0x97, 0xfa, 0xf3 };
	static const uint8_t pong18[] = { HDR(R1_PONG),
	    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, PONG_DECODES,
	    0xf6, 0x9a, 0x2b, 0xc0 };
	static const uint8_t parity[] = { HDR(R1_PARITY),
	    0x12, 0x34, 0x56, 0x78, 0x07,
	    'p', 'a', 'r', 'i', 't', 'y', 0x77, 0xfa, 0xdd, 0x09 };
#undef HDR
	struct r1eot e = { 0x123456789ULL, 0xcafebabe };
	struct r1pkt k;

	same(__LINE__, "R1_PONG", buf, r1_pack_pong(buf, SESSION,
	    0x0102030405060708ULL), pong, sizeof(pong));
	CHECK(r1_unpack(pong, sizeof(pong), &k) == 0 && k.cmd == R1_PONG &&
	    k.session == SESSION && k.u.pong.stamp == 0x0102030405060708ULL &&
	    !k.u.pong.flagged && k.u.pong.flags == 0,
	    "R1_PONG known answer: unpacked wrong");
	same(__LINE__, "R1_PONG with flags", buf, r1_pack_pong_flags(buf,
	    SESSION, 0x0102030405060708ULL, PONG_DECODES), pong18,
	    sizeof(pong18));
	CHECK(r1_unpack(pong18, sizeof(pong18), &k) == 0 &&
	    k.cmd == R1_PONG && k.session == SESSION &&
	    k.u.pong.stamp == 0x0102030405060708ULL && k.u.pong.flagged &&
	    k.u.pong.flags == PONG_DECODES,
	    "R1_PONG with flags known answer: unpacked wrong");
	same(__LINE__, "R1_PARITY", buf, r1_pack_parity(buf, SESSION,
	    0x12345678, 7, (const uint8_t *)"parity", 6), parity,
	    sizeof(parity));
	CHECK(r1_unpack(parity, sizeof(parity), &k) == 0 &&
	    k.cmd == R1_PARITY && k.session == SESSION &&
	    k.u.parity.group == 0x12345678 && k.u.parity.index == 7 &&
	    k.u.parity.len == 6 && k.u.parity.parity == parity + 10,
	    "R1_PARITY known answer: unpacked wrong");
	same(__LINE__, "R1_INIT", buf, r1_pack_small(buf, R1_INIT, SESSION),
	    init, sizeof(init));
	same(__LINE__, "R1_READY", buf, r1_pack_small(buf, R1_READY,
	    SESSION), ready, sizeof(ready));
	same(__LINE__, "R1_BYE", buf, r1_pack_small(buf, R1_BYE, SESSION),
	    bye, sizeof(bye));
	CHECK(r1_unpack(init, 9, &k) == 0 && k.cmd == R1_INIT &&
	    r1_unpack(ready, 9, &k) == 0 && k.cmd == R1_READY &&
	    r1_unpack(bye, 9, &k) == 0 && k.cmd == R1_BYE &&
	    k.session == SESSION, "R1_INIT/READY/BYE known answer: unpacked "
	    "wrong");
	same(__LINE__, "R1_DATA", buf, r1_pack_data(buf, SESSION,
	    0x1122334455667788ULL, (const uint8_t *)"hello", 5, 0xe6bc52da),
	    data, sizeof(data));
	CHECK(r1_unpack(data, sizeof(data), &k) == 0 && k.cmd == R1_DATA &&
	    k.u.data.off == 0x1122334455667788ULL && k.u.data.len == 5 &&
	    k.u.data.data == data + 13 && k.u.data.crc == 0xe6bc52da &&
	    r1_intact(data, sizeof(data)), "R1_DATA known answer: unpacked "
	    "wrong");
	same(__LINE__, "R1_EOT", buf, r1_pack_eot(buf, SESSION, &e), eot,
	    sizeof(eot));
	CHECK(r1_unpack(eot, sizeof(eot), &k) == 0 && k.cmd == R1_EOT &&
	    k.u.eot.length == e.length && k.u.eot.scrc == e.scrc,
	    "R1_EOT known answer: unpacked wrong");
	same(__LINE__, "R1_DONE", buf, r1_pack_done(buf, SESSION,
	    DONE_BADCRC), done, sizeof(done));
	CHECK(r1_unpack(done, sizeof(done), &k) == 0 && k.cmd == R1_DONE &&
	    k.u.result == DONE_BADCRC, "R1_DONE known answer: unpacked wrong");
	same(__LINE__, "R1_ERROR", buf, r1_pack_error(buf, SESSION,
	    NPE_DROPPED, 110), error, sizeof(error));
	CHECK(r1_unpack(error, sizeof(error), &k) == 0 &&
	    k.cmd == R1_ERROR && k.u.error.code == NPE_DROPPED &&
	    k.u.error.eno == 110, "R1_ERROR known answer: unpacked wrong");
}

static void
kat_r1_status(void)
{
	static const uint8_t status[] = { R1_STATUS, 0xa1, 0xb2, 0xc3, 0xd4,
	    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,	/* ack */
	    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,	/* room */
	    0x21, 0x22, 0x23, 0x24,				/* received */
	    0x31, 0x32, 0x33, 0x34,				/* missed */
	    0x00, 0x02,						/* nranges */
	    0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,	/* offset */
	    0x51, 0x52, 0x53, 0x54,				/* len */
	    0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
	    0x71, 0x72, 0x73, 0x74,
	    0x2d, 0x9e, 0xdc, 0x7e };
	/* With newest and age (PF_AGE): STATUS_AGED in nranges. */
	static const uint8_t aged[] = { R1_STATUS, 0xa1, 0xb2, 0xc3, 0xd4,
	    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
	    0x21, 0x22, 0x23, 0x24,
	    0x31, 0x32, 0x33, 0x34,
	    0x80, 0x01,						/* nranges */
	    0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
	    0x51, 0x52, 0x53, 0x54,
	    0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88,	/* newest */
	    0x91, 0x92, 0x93, 0x94,				/* age */
	    0x17, 0xcb, 0x51, 0xd8 };
	static struct r1status s;

	s.ack = 0x0102030405060708ULL;
	s.room = 0x1112131415161718ULL;
	s.rcvd = 0x21222324;
	s.missed = 0x31323334;
	s.nranges = 2;
	s.range[0].off = 0x4142434445464748ULL;
	s.range[0].len = 0x51525354;
	s.range[1].off = 0x6162636465666768ULL;
	s.range[1].len = 0x71727374;
	kat_status(__LINE__, "R1_STATUS", &s, status, sizeof(status));
	s.nranges = 1;
	s.aged = 1;
	s.newest = 0x8182838485868788ULL;
	s.age = 0x91929394;
	kat_status(__LINE__, "R1_STATUS with age", &s, aged, sizeof(aged));
}

/* s packs to want's n bytes, and they unpack to s. */
static void
kat_status(int line, const char *what, const struct r1status *s,
    const uint8_t *want, size_t n)
{
	const struct r1status *u;
	struct r1pkt k;
	unsigned i, bad = 0;

	same(line, what, buf, r1_pack_status(buf, SESSION, s), want, n);
	u = &k.u.status;
	CHECK(r1_unpack(want, n, &k) == 0 && k.cmd == R1_STATUS &&
	    k.session == SESSION && u->ack == s->ack && u->room == s->room &&
	    u->rcvd == s->rcvd && u->missed == s->missed &&
	    u->nranges == s->nranges && u->aged == s->aged &&
	    u->newest == s->newest && u->age == s->age,
	    "%s known answer: unpacked wrong", what);
	for (i = 0; i < s->nranges && i < u->nranges; i++)
		if (u->range[i].off != s->range[i].off ||
		    u->range[i].len != s->range[i].len)
			bad++;
	CHECK(bad == 0, "%s known answer: %u ranges unpacked wrong", what,
	    bad);
}

/* ---- (2) round trips, each packet then (3) rejected when broken ---- */

static void
rt_r0_stamp(void)
{
	static const uint64_t t[] = { 0, 1, SEC - 1, SEC,
	    1234567890 * SEC + 123456, UINT32_MAX * SEC + SEC - 1 };
	struct r0pkt k;
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = r0_pack_stamp(buf, CM_PING, t[i]);
		CHECK(n == PING_LEN && r0_unpack(buf, n, &k) == 0 &&
		    k.cmd == CM_PING && k.stamp == t[i], "CM_PING %llu: "
		    "round trip", (unsigned long long)t[i]);
		rejects0("CM_PING", buf, n);
		n = r0_pack_stamp(buf, CM_PONG, t[i]);
		CHECK(n == PING_LEN && r0_unpack(buf, n, &k) == 0 &&
		    k.cmd == CM_PONG && k.stamp == t[i], "CM_PONG %llu: "
		    "round trip", (unsigned long long)t[i]);
		rejects0("CM_PONG", buf, n);
	}
}

static void
rt_r0(void)
{
	static const uint8_t cmds[] = { CM_READY, CM_RXOK, CM_EOT, CM_DONE,
	    CM_ACK_PLZ };
	static const uint32_t v[] = { 0, 1, 2, 0x80000000, UINT32_MAX };
	struct r0pkt k;
	size_t i, n;

	for (i = 0; i < sizeof(cmds); i++) {
		n = r0_pack_cmd(buf, cmds[i]);
		CHECK(n == CMD_LEN && r0_unpack(buf, n, &k) == 0 &&
		    k.cmd == cmds[i] && !k.has_seq, "command 0x%02x: round "
		    "trip", cmds[i]);
		rejects0("1-byte command", buf, n);
	}
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = r0_pack_seq_init(buf, v[i]);
		CHECK(n == SEQ_INIT_LEN && r0_unpack(buf, n, &k) == 0 &&
		    k.cmd == CM_SEQ_INIT && k.flags == v[i], "CM_SEQ_INIT %u: "
		    "round trip", v[i]);
		rejects0("CM_SEQ_INIT", buf, n);
		n = r0_pack_rxerr(buf, v[i]);
		CHECK(n == RXERR_LEN && r0_unpack(buf, n, &k) == 0 &&
		    k.cmd == CM_RXERR && k.code == v[i], "CM_RXERR %u: round "
		    "trip", v[i]);
		rejects0("CM_RXERR", buf, n);
		n = r0_pack_error(buf, v[i], ~v[i]);
		CHECK(n == ERROR_LEN && r0_unpack(buf, n, &k) == 0 &&
		    k.cmd == CM_ERROR && k.code == v[i] && k.eno == ~v[i],
		    "CM_ERROR %u: round trip", v[i]);
		rejects0("CM_ERROR", buf, n);
		n = r0_pack_eot(buf, v[i]);
		CHECK(n == EOT_SEQ_LEN && r0_unpack(buf, n, &k) == 0 &&
		    k.cmd == CM_EOT && k.has_seq && k.seq == v[i],
		    "CM_EOT %u: round trip", v[i]);
		rejects0("CM_EOT", buf, n);
	}
}

/* A CM_TX of len bytes, copied in and built in place. */
static void
rt_r0_tx(size_t len, uint32_t seq)
{
	static uint8_t data[MAX_BLOCK];
	struct r0pkt k;
	size_t n;

	fill(data, len, (unsigned)len);
	n = r0_pack_tx(buf, seq, data, len);
	CHECK(n == TX_OVERHEAD + len && r0_unpack(buf, n, &k) == 0 &&
	    k.cmd == CM_TX && k.seq == seq && k.len == len &&
	    k.data == buf + TX_HDR && memcmp(k.data, data, len) == 0 &&
	    k.crc == np_crc32(buf, TX_HDR + len), "CM_TX of %zu bytes: round "
	    "trip", len);
	memset(buf2, 0, n);
	memcpy(buf2 + TX_HDR, data, len);
	same(__LINE__, "CM_TX built in place", buf2, r0_pack_tx(buf2, seq,
	    buf2 + TX_HDR, len), buf, n);
	if (len > 64)
		return;		/* the rejects below on the small ones */
	rejects0("CM_TX", buf, n);
	flips0("CM_TX", buf, n);
	memcpy(buf2, buf, n);
	put32(buf2 + 5, (uint32_t)len + 1);
	CHECK(!accepts0(buf2, n), "CM_TX, length field + 1: accepted");
	put32(buf2 + 5, (uint32_t)len - 1);
	CHECK(!accepts0(buf2, n), "CM_TX, length field - 1: accepted");
	put32(buf2 + 5, (uint32_t)len);
	put32(buf2 + n - 4, get32(buf + n - 4) + 1);
	CHECK(!accepts0(buf2, n), "CM_TX, CRC + 1: accepted");
	CHECK(r0_unpack(buf2, n, &k) == -1 && k.cmd == CM_TX, "CM_TX, bad "
	    "CRC: cmd not kept, a caller could not answer CM_RXERR");
}

static void
rt_r1_ping(size_t llen)
{
	static uint8_t label[255];
	struct r1ping g = { 0, 0x8000000000000001ULL, 0x7ffffffffffffffeULL,
	    UINT32_MAX, MAX_BLOCK1, MAX_WINDOW, 0, label };
	struct r1pkt k;
	size_t n;

	fill(label, llen, 'a');
	g.llen = (uint8_t)llen;
	g.flags = llen & 1 ? PF_SEEK : 0;
	n = r1_pack_ping(buf, ~SESSION, &g);
	CHECK(n == R1_PING_MIN + llen && r1_intact(buf, n) &&
	    r1_unpack(buf, n, &k) == 0 && k.cmd == R1_PING &&
	    k.session == ~SESSION && k.u.ping.flags == g.flags &&
	    k.u.ping.stamp == g.stamp && k.u.ping.next == g.next &&
	    k.u.ping.rtt == g.rtt && k.u.ping.block == g.block &&
	    k.u.ping.window == g.window && k.u.ping.llen == llen &&
	    k.u.ping.label == buf + 35 && memcmp(k.u.ping.label, label,
	    llen) == 0, "R1_PING with a %zu-byte label: round trip", llen);
	rejects1("R1_PING", buf, n);
	flips1("R1_PING", buf, n);
	resealed1("R1_PING", buf, n);
}

static void
rt_r1(void)
{
	static const uint8_t small[] = { R1_INIT, R1_READY, R1_BYE };
	static const uint32_t v[] = { 0, 1, 0x80000000, UINT32_MAX };
	struct r1eot e;
	struct r1pkt k;
	size_t i, n;

	for (i = 0; i < sizeof(small); i++) {
		n = r1_pack_small(buf, small[i], SESSION + i);
		CHECK(n == R1_MIN && r1_unpack(buf, n, &k) == 0 &&
		    k.cmd == small[i] && k.session == SESSION + i,
		    "command 0x%02x: round trip", small[i]);
		rejects1("R1_INIT/READY/BYE", buf, n);
		flips1("R1_INIT/READY/BYE", buf, n);
		resealed1("R1_INIT/READY/BYE", buf, n);
	}
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = r1_pack_pong(buf, v[i], (uint64_t)v[i] << 32 | ~v[i]);
		CHECK(n == R1_PONG_LEN && r1_unpack(buf, n, &k) == 0 &&
		    k.cmd == R1_PONG && k.session == v[i] &&
		    k.u.pong.stamp == ((uint64_t)v[i] << 32 | ~v[i]) &&
		    !k.u.pong.flagged, "R1_PONG %u: round trip", v[i]);
		rejects1("R1_PONG", buf, n);
		flips1("R1_PONG", buf, n);
		resealed_pong(buf, n);
		e.length = (uint64_t)~v[i] << 32 | v[i];
		e.scrc = ~v[i];
		n = r1_pack_eot(buf, v[i], &e);
		CHECK(n == R1_EOT_LEN && r1_unpack(buf, n, &k) == 0 &&
		    k.cmd == R1_EOT && k.session == v[i] &&
		    k.u.eot.length == e.length && k.u.eot.scrc == e.scrc,
		    "R1_EOT %u: round trip", v[i]);
		rejects1("R1_EOT", buf, n);
		flips1("R1_EOT", buf, n);
		resealed1("R1_EOT", buf, n);
		n = r1_pack_done(buf, v[i], ~v[i]);
		CHECK(n == R1_DONE_LEN && r1_unpack(buf, n, &k) == 0 &&
		    k.cmd == R1_DONE && k.session == v[i] &&
		    k.u.result == ~v[i], "R1_DONE %u: round trip", v[i]);
		rejects1("R1_DONE", buf, n);
		flips1("R1_DONE", buf, n);
		resealed1("R1_DONE", buf, n);
		n = r1_pack_error(buf, v[i], ~v[i], v[i] ^ 0x5a5a5a5a);
		CHECK(n == R1_ERROR_LEN && r1_unpack(buf, n, &k) == 0 &&
		    k.cmd == R1_ERROR && k.session == v[i] &&
		    k.u.error.code == ~v[i] &&
		    k.u.error.eno == (v[i] ^ 0x5a5a5a5a), "R1_ERROR %u: round "
		    "trip", v[i]);
		rejects1("R1_ERROR", buf, n);
		flips1("R1_ERROR", buf, n);
		resealed1("R1_ERROR", buf, n);
	}
}

/*
 * An R1_DATA of len bytes at off, in blocks of B: its CRC from the
 * data's (r1_data_crc) is the CRC of the whole packet before the seal.
 */
static void
rt_r1_data(size_t len, uint64_t off, size_t B)
{
	static uint8_t data[MAX_BLOCK1];
	struct crcjoin j;
	struct r1pkt k;
	uint32_t crc;
	size_t n;

	crc_join_init(&j, B);
	fill(data, len, (unsigned)off);
	crc = r1_data_crc(&j, SESSION, off, np_crc32(data, len), len);
	n = r1_pack_data(buf, SESSION, off, data, len, crc);
	CHECK(crc == np_crc32(buf, R1_DATA_HDR + len) && r1_intact(buf, n),
	    "R1_DATA of %zu bytes (blocks of %zu): r1_data_crc is not the "
	    "packet's CRC", len, B);
	CHECK(n == R1_DATA_HDR + len + 4 && r1_unpack(buf, n, &k) == 0 &&
	    k.cmd == R1_DATA && k.session == SESSION && k.u.data.off == off &&
	    k.u.data.len == len && k.u.data.data == buf + R1_DATA_HDR &&
	    memcmp(k.u.data.data, data, len) == 0 && k.u.data.crc == crc,
	    "R1_DATA of %zu bytes: round trip", len);
	memset(buf2, 0, n);
	memcpy(buf2 + R1_DATA_HDR, data, len);
	same(__LINE__, "R1_DATA built in place", buf2, r1_pack_data(buf2,
	    SESSION, off, buf2 + R1_DATA_HDR, len, crc), buf, n);
	if (len > 64)
		return;
	rejects1("R1_DATA", buf, n);
	flips1("R1_DATA", buf, n);
}

/* An R1_STATUS with nr ranges, with newest and age if aged. */
static void
rt_r1_status(unsigned nr, int aged)
{
	static struct r1status s;
	struct r1pkt k;
	unsigned i, bad = 0;
	size_t n;

	s.ack = 1ULL << 40;
	s.room = (1ULL << 40) + MAX_WINDOW;
	s.rcvd = 0xfffffffe;
	s.missed = nr;
	s.nranges = nr;
	for (i = 0; i < nr; i++) {
		s.range[i].off = s.ack + (uint64_t)i * 0x100000001ULL;
		s.range[i].len = i * 1455 + 1;
	}
	s.aged = aged;
	s.newest = aged ? s.ack + 0x7fffffffULL : 0;
	s.age = aged ? 0xfffffffe : 0;
	n = r1_pack_status(buf, SESSION, &s);
	memset(&k, 0xff, sizeof(k));
	CHECK(n == R1_STATUS_MIN + 12 * nr + (aged ? R1_STATUS_AGE : 0) &&
	    r1_unpack(buf, n, &k) == 0 &&
	    k.cmd == R1_STATUS && k.session == SESSION &&
	    k.u.status.ack == s.ack && k.u.status.room == s.room &&
	    k.u.status.rcvd == s.rcvd && k.u.status.missed == s.missed &&
	    k.u.status.nranges == nr && k.u.status.aged == aged &&
	    k.u.status.newest == s.newest && k.u.status.age == s.age,
	    "R1_STATUS with %u ranges%s: round trip", nr,
	    aged ? " and age" : "");
	for (i = 0; i < nr; i++)
		if (k.u.status.range[i].off != s.range[i].off ||
		    k.u.status.range[i].len != s.range[i].len)
			bad++;
	CHECK(bad == 0, "R1_STATUS with %u ranges: %u ranges wrong", nr, bad);
	rejects1("R1_STATUS", buf, n);
	resealed1("R1_STATUS", buf, n);
	if (nr <= 1)
		flips1("R1_STATUS", buf, n);
	/* STATUS_AGED and the length disagree, sealed: rejected. */
	memcpy(buf2, buf, n - 4);
	put16(buf2 + 29, (uint16_t)(nr | (aged ? 0 : STATUS_AGED)));
	CHECK(!accepts1(buf2, reseal(buf2, n - 4)), "R1_STATUS with %u "
	    "ranges, STATUS_AGED %s, sealed: accepted", nr,
	    aged ? "cleared" : "set");
	if (nr != MAX_RANGES || aged)
		return;
	/* One range too many, the length to match, sealed: rejected. */
	memcpy(buf2, buf, n - 4);
	put16(buf2 + 29, MAX_RANGES + 1);
	put64(buf2 + n - 4, 1);
	put32(buf2 + n + 4, 1);
	n = reseal(buf2, n + 8);
	CHECK(n == R1_STATUS_MIN + 12 * (MAX_RANGES + 1) && !accepts1(buf2,
	    n), "R1_STATUS with MAX_RANGES + 1 ranges: accepted");
}

/* An R1_PONG with flags: the 18-byte form. */
static void
rt_r1_pong(uint32_t session, uint8_t flags)
{
	uint64_t t = (uint64_t)~session << 32 | session;
	struct r1pkt k;
	size_t n;

	n = r1_pack_pong_flags(buf, session, t, flags);
	CHECK(n == R1_PONG_FLAGS && r1_unpack(buf, n, &k) == 0 &&
	    k.cmd == R1_PONG && k.session == session && k.u.pong.stamp == t &&
	    k.u.pong.flagged && k.u.pong.flags == flags, "R1_PONG with flags "
	    "%02x: round trip", flags);
	rejects1("R1_PONG with flags", buf, n);
	flips1("R1_PONG with flags", buf, n);
	resealed_pong(buf, n);
}

/* An R1_PARITY of len bytes, also built in place. */
static void
rt_r1_parity(size_t len, uint32_t group, uint8_t index)
{
	static uint8_t par[MAX_BLOCK1];
	struct r1pkt k;
	size_t n;

	fill(par, len, group);
	n = r1_pack_parity(buf, SESSION, group, index, par, len);
	CHECK(n == R1_PARITY_HDR + len + 4 && r1_intact(buf, n) &&
	    r1_unpack(buf, n, &k) == 0 && k.cmd == R1_PARITY &&
	    k.session == SESSION && k.u.parity.group == group &&
	    k.u.parity.index == index && k.u.parity.len == len &&
	    k.u.parity.parity == buf + R1_PARITY_HDR &&
	    memcmp(k.u.parity.parity, par, len) == 0, "R1_PARITY of %zu "
	    "bytes: round trip", len);
	/* Its overhead is below R1_DATA's: it fits where a block does. */
	CHECK(n < R1_DATA_HDR + len + 4, "R1_PARITY of %zu bytes: longer "
	    "than R1_DATA", len);
	memset(buf2, 0, n);
	memcpy(buf2 + R1_PARITY_HDR, par, len);
	same(__LINE__, "R1_PARITY built in place", buf2, r1_pack_parity(buf2,
	    SESSION, group, index, buf2 + R1_PARITY_HDR, len), buf, n);
	if (len > 64)
		return;
	rejects1("R1_PARITY", buf, n);
	flips1("R1_PARITY", buf, n);
}

/* ---- (3) rejects: the rest ---------------------------------------- */

static void
bad_r0(void)
{
	struct r0pkt k;

	memset(&k, 0xff, sizeof(k));
	CHECK(r0_unpack(buf, 0, &k) == -1 && k.cmd == 0, "an empty "
	    "datagram: not rejected, or cmd not 0");
	/* The short CM_EOT grown to 2, 3 and 4 bytes. */
	memset(buf, 0, 16);
	buf[0] = CM_EOT;
	CHECK(!accepts0(buf, 2) && !accepts0(buf, 3) && !accepts0(buf, 4) &&
	    !accepts0(buf, 6), "CM_EOT of 2, 3, 4 or 6 bytes: accepted");
	/* A CM_TX shorter than its header, its length field 0. */
	buf[0] = CM_TX;
	put32(buf + TX_HDR, np_crc32(buf, TX_HDR));
	CHECK(accepts0(buf, TX_OVERHEAD) && !accepts0(buf, TX_OVERHEAD - 1),
	    "CM_TX of 0 bytes: not taken, or taken cut short");
}

static void
bad_r1(void)
{
	struct r1pkt k;
	size_t n;

	k.cmd = 1;
	k.session = 1;
	CHECK(r1_unpack(buf, R1_MIN - 1, &k) == -1 && k.cmd == 0 &&
	    k.session == 0, "a datagram under R1_MIN: not rejected, or "
	    "header not cleared");
	/* cmd and session are kept when the rest is wrong. */
	n = r1_pack_done(buf, SESSION, DONE_OK);
	buf[n - 1] ^= 1;
	CHECK(r1_unpack(buf, n, &k) == -1 && k.cmd == R1_DONE &&
	    k.session == SESSION, "R1_DONE, bad CRC: not rejected, or "
	    "cmd/session not kept");
	/* An R1_DATA with no data, sealed. */
	r1_pack_data(buf, SESSION, 0, NULL, 0, 0);
	n = reseal(buf, R1_DATA_HDR);
	CHECK(!accepts1(buf, n), "R1_DATA with no data: accepted");
	/* An R1_PARITY with no parity, sealed. */
	n = r1_pack_parity(buf, SESSION, 0, 0, NULL, 0);
	CHECK(n == R1_PARITY_HDR + 4 && !accepts1(buf, n), "R1_PARITY with "
	    "no parity: accepted");
	/* An R1_PING whose label length says one more or one less. */
	n = r1_pack_ping(buf, SESSION, &(struct r1ping){ .llen = 2,
	    .label = (const uint8_t *)"xy" });
	buf[34] = 3;
	CHECK(!accepts1(buf, reseal(buf, n - 4)), "R1_PING, label length + 1, "
	    "sealed: accepted");
	buf[34] = 1;
	CHECK(!accepts1(buf, reseal(buf, n - 4)), "R1_PING, label length - 1, "
	    "sealed: accepted");
	/* A label over MAX_LABEL bytes, sealed, is refused; 64 is not. */
	bad_label(MAX_LABEL, 1);
	bad_label(MAX_LABEL + 1, 0);
	bad_label(200, 0);
	bad_label(255, 0);
	/* An R1_STATUS whose nranges says one more or one less. */
	n = r1_pack_status(buf, SESSION, &(struct r1status){ .nranges = 2 });
	put16(buf + 29, 3);
	CHECK(!accepts1(buf, reseal(buf, n - 4)), "R1_STATUS, nranges + 1, "
	    "sealed: accepted");
	put16(buf + 29, 1);
	CHECK(!accepts1(buf, reseal(buf, n - 4)), "R1_STATUS, nranges - 1, "
	    "sealed: accepted");
}

/*
 * An R1_PING with an llen-byte label, length and seal right (a seeking
 * ping a client could lock onto): taken only if ok, and its header is
 * kept either way.
 */
static void
bad_label(size_t llen, int ok)
{
	struct r1pkt k;
	size_t n;

	memset(buf2, 'z', llen);
	n = r1_pack_ping(buf, SESSION, &(struct r1ping){ .flags = PF_SEEK,
	    .block = DEF_BLOCK1, .window = 64 * DEF_BLOCK1,
	    .llen = (uint8_t)llen, .label = buf2 });
	CHECK(n == R1_PING_MIN + llen && r1_intact(buf, n), "R1_PING with a "
	    "%zu-byte label: not packed whole", llen);
	CHECK(accepts1(buf, n) == ok, "R1_PING with a %zu-byte label, "
	    "sealed: %s", llen, ok ? "rejected" : "accepted");
	CHECK(r1_unpack(buf, n, &k) == (ok ? 0 : -1) && k.cmd == R1_PING &&
	    k.session == SESSION, "R1_PING with a %zu-byte label: wrong "
	    "result, or cmd/session not kept", llen);
}

/* Unknown commands, and each revision's packets to the other. */
static void
unknown(void)
{
	static const size_t len[] = { 1, 5, 9, 13, 17, 21, 35, 39 };
	unsigned c;
	size_t i, n;

	for (c = 0; c < 256; c++) {
		for (i = 0; i < sizeof(len) / sizeof(len[0]); i++) {
			memset(buf, 0, len[i]);
			buf[0] = (uint8_t)c;
			if (c < CM_PING || c > CM_ACK_PLZ)
				CHECK(!accepts0(buf, len[i]), "r0: command "
				    "0x%02x, %zu bytes: accepted", c, len[i]);
			put32(buf + 1, SESSION);
			if (len[i] >= R1_MIN && (c < R1_PING || c > R1_PARITY))
				CHECK(!accepts1(buf, reseal(buf, len[i] - 4)),
				    "r1: command 0x%02x, %zu bytes: accepted",
				    c, len[i]);
		}
	}
	n = r1_pack_error(buf, SESSION, NPE_ABORT, 0);
	CHECK(!accepts0(buf, n), "R1_ERROR taken for Rev. 0");
	n = r1_pack_small(buf, R1_INIT, SESSION);
	CHECK(!accepts0(buf, n), "R1_INIT taken for Rev. 0");
	n = r0_pack_stamp(buf, CM_PING, SEC);
	CHECK(!accepts1(buf, n), "CM_PING taken for Rev. 1");
	n = r0_pack_tx(buf, 0, (const uint8_t *)"abcd", 4);
	CHECK(!accepts1(buf, n), "CM_TX taken for Rev. 1");
	n = r0_pack_error(buf, NPE_ABORT, 0);
	CHECK(!accepts1(buf, reseal(buf, n)), "CM_ERROR, sealed, taken for "
	    "Rev. 1");
}

int
main(void)
{
	kat_crc();
	kat_r0();
	kat_r1_ping();
	kat_r1();
	kat_r1_status();
	rt_r0_stamp();
	rt_r0();
	rt_r0_tx(0, 0);
	rt_r0_tx(1, 1);
	rt_r0_tx(64, UINT32_MAX);
	rt_r0_tx(DEF_BLOCK, 0x80000000);
	rt_r0_tx(MAX_BLOCK, 7);
	rt_r1_ping(0);
	rt_r1_ping(1);
	rt_r1_ping(MAX_LABEL);
	rt_r1();
	rt_r1_data(1, 0, DEF_BLOCK1);
	rt_r1_data(64, 64, 64);
	rt_r1_data(DEF_BLOCK1, 1ULL << 33, DEF_BLOCK1);
	rt_r1_data(1000, 3 * DEF_BLOCK1, DEF_BLOCK1);
	rt_r1_data(MAX_BLOCK1, UINT64_MAX - MAX_BLOCK1, MAX_BLOCK1);
	rt_r1_status(0, 0);
	rt_r1_status(1, 0);
	rt_r1_status(MAX_RANGES, 0);
	rt_r1_status(0, 1);
	rt_r1_status(1, 1);
	rt_r1_status(MAX_RANGES, 1);
	rt_r1_pong(SESSION, PONG_DECODES);
	rt_r1_pong(0, 0);
	rt_r1_pong(UINT32_MAX, 0xff);
	rt_r1_parity(1, 0, 0);
	rt_r1_parity(64, 1, 63);
	rt_r1_parity(DEF_BLOCK1, 0x80000000, 191);
	rt_r1_parity(MAX_BLOCK1, UINT32_MAX, 255);
	bad_r0();
	bad_r1();
	unknown();
	printf("codec: %u checks, %u failed\n", nchecks, nfailed);
	return nfailed == 0 ? 0 : 1;
}
