/*
 * netpipe: tests/fec.c: the erasure code (fec.c) alone.
 *
 *	tests/fec [seed]
 *
 * (1) GF(2^8): fec.c's multiplication against a slow shift-and-add
 * multiply on every pair, its inverses, and the field's laws on every
 * triple.  (2) Every coefficient through the dot-product path in use
 * (fec_impl; NETPIPE_FEC caps it), and every length 0..300 at every
 * alignment against a slow reference encoder.  (3) Known answers: parity
 * computed independently (a few lines of Python, by the same formula
 * with its own arithmetic) and written in here.  (4) Round trips: encode,
 * lose blocks, decode from any k, compare; random groups up to k = 64,
 * m = 16, and groups at the limit k + m = 256; a short last block; long
 * blocks that decode in several stretches.  (5) Every erasure pattern
 * of every group up to k = m = 8 decodes (the matrix is never singular).
 * (6) Bad indexes are refused.  Every block is a heap buffer of exactly
 * its length, so that a sanitizer build sees a read past its end.
 *
 * Prints one line per failed check and last "fec: N checks, N failed";
 * exits 0 only if none failed.
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

#define CHECK(c, ...)	check(!!(c), __LINE__, __VA_ARGS__)
#define MAXFAIL		50		/* failures printed, at most */

static void	 check(int, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static uint64_t	 rnd(void);
static unsigned	 below(unsigned);
static uint8_t	 slowmul(uint8_t, uint8_t);
static uint8_t	 slowinv(uint8_t);
static void	 refparity(unsigned, unsigned, uint8_t *const *, size_t,
		    uint8_t *);
static uint8_t	**blocks(unsigned, size_t);
static void	 freeblocks(uint8_t **, unsigned);
static uint64_t	 fnv(const uint8_t *, size_t);
static void	 field(void);
static void	 coefficients(void);
static void	 lengths(void);
static void	 kat_small(void);
static void	 kat_large(void);
static void	 roundtrip(unsigned, unsigned, size_t, unsigned, int);
static void	 randomtrips(unsigned);
static void	 shortlast(void);
static int	 decodes(uint8_t (*)[3], unsigned, unsigned, uint32_t);
static void	 every_pattern(unsigned, unsigned);
static void	 refusals(void);

static unsigned	 nchecks, nfailed;
static uint64_t	 seed = 0x9E3779B97F4A7C15ULL;

static void
check(int ok, int line, const char *fmt, ...)
{
	va_list ap;

	nchecks++;
	if (ok)
		return;
	if (nfailed++ >= MAXFAIL)
		return;
	printf("fec.c:%d: FAIL: ", line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* xorshift64*: the same sequence for the same seed. */
static uint64_t
rnd(void)
{
	seed ^= seed >> 12;
	seed ^= seed << 25;
	seed ^= seed >> 27;
	return seed * 0x2545F4914F6CDD1DULL;
}

static unsigned
below(unsigned n)
{
	return (unsigned)(rnd() >> 33) % n;
}

/* Shift and add, reducing by x^8 + x^4 + x^3 + x^2 + 1 at each shift. */
static uint8_t
slowmul(uint8_t a, uint8_t b)
{
	unsigned x = a, r = 0;

	for (; b != 0; b >>= 1) {
		if (b & 1)
			r ^= x;
		x <<= 1;
		if (x & 0x100)
			x ^= 0x11D;
	}
	return (uint8_t)r;
}

static uint8_t
slowinv(uint8_t a)
{
	unsigned b;

	for (b = 1; b < 256; b++)
		if (slowmul(a, (uint8_t)b) == 1)
			return (uint8_t)b;
	return 0;
}

/* Parity block k + idx by the formula, with slowmul and slowinv. */
static void
refparity(unsigned k, unsigned idx, uint8_t *const *data, size_t len,
    uint8_t *out)
{
	unsigned j, p = k + idx;
	uint8_t c;
	size_t b;

	memset(out, 0, len);
	for (j = 0; j < k; j++) {
		c = slowmul((uint8_t)(k ^ j), slowinv((uint8_t)(p ^ j)));
		for (b = 0; b < len; b++)
			out[b] ^= slowmul(c, data[j][b]);
	}
}

/* n blocks of len bytes, each its own allocation of exactly len. */
static uint8_t **
blocks(unsigned n, size_t len)
{
	uint8_t **v;
	unsigned i;

	if ((v = calloc(n, sizeof(*v))) == NULL)
		err(1, "calloc");
	for (i = 0; i < n; i++)
		if ((v[i] = malloc(len > 0 ? len : 1)) == NULL)
			err(1, "malloc");
	return v;
}

static void
freeblocks(uint8_t **v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* FNV-1a, 64 bits: the known answers of long blocks. */
static uint64_t
fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 0xCBF29CE484222325ULL;

	while (n-- > 0)
		h = (h ^ *p++) * 0x100000001B3ULL;
	return h;
}

/* (1) The table against slowmul, inverses, and the field's laws. */
static void
field(void)
{
	unsigned a, b, c, bad;
	uint8_t ab;

	for (a = 0; a < 256; a++)
		for (b = 0; b < 256; b++)
			CHECK(fec_mul(a, b) == slowmul(a, b),
			    "%u * %u: %u, not %u", a, b, fec_mul(a, b),
			    slowmul(a, b));
	for (a = 1; a < 256; a++) {
		CHECK(fec_inv(a) == slowinv(a), "1 / %u: %u, not %u", a,
		    fec_inv(a), slowinv(a));
		CHECK(fec_mul(a, fec_inv(a)) == 1, "%u * (1 / %u) != 1", a, a);
	}
	/* Associative, distributive: one check per a, over all b, c. */
	for (a = 0; a < 256; a++) {
		for (b = 0, bad = 0; b < 256; b++)
			for (c = 0; c < 256; c++) {
				ab = fec_mul(a, b);
				bad += fec_mul(ab, c) !=
				    fec_mul(a, fec_mul(b, c));
				bad += fec_mul(a, b ^ c) !=
				    (ab ^ fec_mul(a, c));
			}
		CHECK(bad == 0, "%u: %u triples break a law", a, bad);
	}
}

/*
 * (2) Every nonzero coefficient through the path in use: with k = 1,
 * parity block 1 + idx is the data times 1 / (1 + idx), and the data is
 * every byte value, as long as a few vectors and a tail.
 */
static void
coefficients(void)
{
	uint8_t **d, *par;
	unsigned idx, x, bad;
	uint8_t c;
	size_t len = 256 + 256 + 13;

	d = blocks(1, len);
	if ((par = malloc(len)) == NULL)
		err(1, "malloc");
	for (x = 0; x < len; x++)
		d[0][x] = (uint8_t)(x * 167);
	for (idx = 0; idx < 255; idx++) {
		CHECK(fec_encode(1, idx, (const uint8_t *const *)d, len,
		    par) == 0, "k 1: parity %u refused", idx);
		c = slowinv((uint8_t)(1 + idx));
		for (x = 0, bad = 0; x < len; x++)
			bad += par[x] != slowmul(c, d[0][x]);
		CHECK(bad == 0, "k 1, parity %u (times %u): %u bytes wrong",
		    idx, c, bad);
	}
	free(par);
	freeblocks(d, 1);
}

/*
 * Every length 0..300 at every alignment 0..31 of the data and of the
 * parity: the vector paths' steps, overlapping last steps and the
 * portable tails.
 */
static void
lengths(void)
{
	uint8_t *buf[5], *mem[5], *want, *pmem, *pbuf;
	unsigned k, idx, j, al, a, bad;
	size_t len, b;

	for (len = 0; len <= 300; len++)
		for (al = 0; al < 32; al++) {
			k = 1 + below(5);
			idx = below(FEC_N - k);
			for (j = 0; j < k; j++) {
				a = (al * (j + 1) + j) % 32;
				if ((mem[j] = malloc(a + len + 1)) == NULL)
					err(1, "malloc");
				buf[j] = mem[j] + a + 1;
				for (b = 0; b < len; b++)
					buf[j][b] = (uint8_t)rnd();
			}
			if ((pmem = malloc(len + 64)) == NULL ||
			    (want = malloc(len + 1)) == NULL)
				err(1, "malloc");
			a = 16 + al % 16;
			pbuf = pmem + a;
			memset(pmem, 0xA5, len + 64);
			refparity(k, idx, buf, len, want);
			CHECK(fec_encode(k, idx, (const uint8_t *const *)buf,
			    len, pbuf) == 0, "k %u parity %u refused", k, idx);
			CHECK(memcmp(pbuf, want, len) == 0,
			    "k %u, parity %u, %zu bytes, alignment %u: wrong",
			    k, idx, len, al);
			for (b = bad = 0; b < len + 64; b++)
				if (b < a || b >= a + len)
					bad += pmem[b] != 0xA5;
			CHECK(bad == 0, "k %u, %zu bytes: %u bytes written "
			    "outside the parity block", k, len, bad);
			for (j = 0; j < k; j++)
				free(mem[j]);
			free(pmem);
			free(want);
		}
}

/*
 * (3) Known answers, from an independent computation (Python: a
 * shift-and-add multiply, inverses as a^254, C[p][j] = (k ^ j) * inv(p ^
 * j)).  A group of 4 blocks of 40 bytes, data[j][b] = j * 0x35 + b * 0x1B
 * + 7, and its parity blocks 0, 1, 2 and 251 (the last one it has).
 */
static void
kat_small(void)
{
	static const struct {
		unsigned	idx;
		uint8_t		p[40];
	} kat[] = {
		{ 0, { 0xec, 0x38, 0x34, 0xe0, 0x14, 0x98, 0x2c, 0x70,
		    0xfc, 0x28, 0x94, 0x00, 0x94, 0x28, 0xfc, 0x70, 0x2c,
		    0x98, 0x14, 0xe0, 0x34, 0x38, 0xec, 0x10, 0x9c, 0x28,
		    0x74, 0xc0, 0x34, 0x68, 0x1c, 0x90, 0x2c, 0xf8, 0x74,
		    0x20, 0x94, 0x18, 0xec, 0x30 } },
		{ 1, { 0x2a, 0x80, 0x5c, 0x01, 0xc4, 0xc9, 0xe3, 0x26,
		    0x24, 0xc0, 0x35, 0xe9, 0xfd, 0xc7, 0x30, 0xe5, 0xba,
		    0x29, 0x56, 0xcb, 0xd5, 0x21, 0x55, 0x7c, 0x96, 0x2f,
		    0x8d, 0x0e, 0x81, 0xf7, 0x5e, 0x45, 0x98, 0xfc, 0x4e,
		    0x5b, 0x7c, 0x2b, 0x9f, 0x6d } },
		{ 2, { 0xb2, 0x3b, 0xda, 0x87, 0xa1, 0xd6, 0x2c, 0x76,
		    0x48, 0xda, 0x77, 0xfe, 0xfa, 0xd4, 0x60, 0xed, 0x9e,
		    0x0b, 0x98, 0x0e, 0xd5, 0x64, 0x4c, 0xe6, 0x5f, 0x9e,
		    0x17, 0xd4, 0xfa, 0x41, 0x7c, 0xbd, 0x5d, 0xd2, 0x8c,
		    0x22, 0xe5, 0x26, 0xc5, 0x92 } },
		{ 251, { 0xd7, 0x0d, 0x7c, 0xed, 0xb7, 0xd4, 0xf9, 0x90,
		    0xa6, 0x2a, 0xa5, 0xae, 0x3b, 0xb7, 0x3f, 0xed, 0x1a,
		    0xad, 0xf6, 0xb1, 0x0c, 0x9a, 0xac, 0x07, 0x79, 0xc2,
		    0xf6, 0x0e, 0x6e, 0x40, 0xa1, 0x8b, 0x1a, 0x04, 0x8b,
		    0x7c, 0xac, 0x10, 0xf0, 0xbc } },
	};
	uint8_t **d, *par;
	unsigned i, j, b;

	d = blocks(4, 40);
	if ((par = malloc(40)) == NULL)
		err(1, "malloc");
	for (j = 0; j < 4; j++)
		for (b = 0; b < 40; b++)
			d[j][b] = (uint8_t)(j * 0x35 + b * 0x1B + 7);
	for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		CHECK(fec_encode(4, kat[i].idx, (const uint8_t *const *)d, 40,
		    par) == 0, "known answer: parity %u refused", kat[i].idx);
		CHECK(memcmp(par, kat[i].p, 40) == 0,
		    "known answer: k 4, parity %u differs", kat[i].idx);
	}
	free(par);
	freeblocks(d, 4);
}

/*
 * Known answers for netpipe's own case: 32 blocks of 1455 bytes (a Rev.
 * 1 block), bytes from x = x * 1103515245 + 12345 (mod 2^32), x from 1,
 * each the top byte of x; FNV-1a of parity blocks 0..3, 100 and 223 (the
 * last it has).
 */
static void
kat_large(void)
{
	static const struct {
		unsigned	idx;
		uint64_t	h;
	} kat[] = {
		{ 0, 0x7b9fadc7738e124dULL },
		{ 1, 0x1e503e99b0e4843bULL },
		{ 2, 0x37b59f3399d1cf29ULL },
		{ 3, 0x7ead82854b7ac2c3ULL },
		{ 100, 0x14446abc1485489aULL },
		{ 223, 0x651f6597dc7ddedeULL },
	};
	uint8_t **d, *par;
	uint32_t x = 1;
	unsigned i, j, b;

	d = blocks(32, 1455);
	if ((par = malloc(1455)) == NULL)
		err(1, "malloc");
	for (j = 0; j < 32; j++)
		for (b = 0; b < 1455; b++) {
			x = x * 1103515245U + 12345U;
			d[j][b] = (uint8_t)(x >> 24);
		}
	for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		CHECK(fec_encode(32, kat[i].idx, (const uint8_t *const *)d,
		    1455, par) == 0, "known answer: parity %u refused",
		    kat[i].idx);
		CHECK(fnv(par, 1455) == kat[i].h,
		    "known answer: k 32, parity %u differs", kat[i].idx);
	}
	free(par);
	freeblocks(d, 32);
}

/*
 * (4) A group of k data and m parity blocks of len bytes; nlost of them
 * lost (data first when datafirst, else any), k of the others chosen at
 * random and laid out as a receiver would (data in their slots, parity in
 * the holes, in random order); decoded; compared.
 */
static void
roundtrip(unsigned k, unsigned m, size_t len, unsigned nlost, int datafirst)
{
	uint8_t **g, **slot;
	unsigned held[FEC_N], idx[FEC_N], par[FEC_N], nheld, npar, i, j, t;
	unsigned bad;
	char lost[FEC_N], hole[FEC_N];
	size_t b;

	g = blocks(k + m, len);
	slot = blocks(k, len);
	for (j = 0; j < k; j++)
		for (b = 0; b < len; b++)
			g[j][b] = (uint8_t)rnd();
	for (i = 0; i < m; i++)
		CHECK(fec_encode(k, i, (const uint8_t *const *)g, len,
		    g[k + i]) == 0, "k %u: parity %u refused", k, i);

	memset(lost, 0, sizeof(lost));
	for (i = 0; i < nlost; i++) {
		do
			j = datafirst && i < k ? below(k) : below(k + m);
		while (lost[j]);
		lost[j] = 1;
	}
	for (j = nheld = 0; j < k + m; j++)
		if (!lost[j])
			held[nheld++] = j;
	for (i = 0; i < nheld; i++) {		/* shuffle, keep k */
		j = i + below(nheld - i);
		t = held[i], held[i] = held[j], held[j] = t;
	}
	memset(hole, 1, k);
	for (i = npar = 0; i < k; i++)
		if (held[i] < k)
			hole[held[i]] = 0;
		else
			par[npar++] = held[i];
	for (j = npar = 0; j < k; j++) {
		idx[j] = hole[j] ? par[npar++] : j;
		memcpy(slot[j], g[idx[j]], len);
	}

	CHECK(fec_decode(k, idx, slot, len) == 0,
	    "k %u, m %u, %zu bytes, %u lost, %u rebuilt: refused", k, m, len,
	    nlost, npar);
	for (j = bad = 0; j < k; j++)
		bad += memcmp(slot[j], g[j], len) != 0;
	CHECK(bad == 0, "k %u, m %u, %zu bytes, %u lost, %u rebuilt: "
	    "%u blocks wrong", k, m, len, nlost, npar, bad);
	freeblocks(slot, k);
	freeblocks(g, k + m);
}

/* n random groups up to k = 64, m = 16, then groups at the limit. */
static void
randomtrips(unsigned n)
{
	static const unsigned limit[][2] = {
		{ 255, 1 }, { 1, 255 }, { 128, 128 }, { 200, 56 },
		{ 56, 200 }, { 250, 6 }, { 6, 250 }, { 129, 127 },
	};
	unsigned i, k, m, r;
	size_t len;

	for (i = 0; i < n; i++) {
		k = 1 + below(64);
		m = 1 + below(16);
		r = below(10);
		len = r == 0 ? 1455 : r == 1 ? 1 + below(16) :
		    1 + below(300);
		r = below(m + 1);
		roundtrip(k, m, len, r, below(2));
	}
	for (i = 0; i < sizeof(limit) / sizeof(limit[0]); i++)
		for (r = 0; r < 4; r++)
			roundtrip(limit[i][0], limit[i][1], 1 + below(100),
			    limit[i][1], r & 1);
	/* Long blocks: several stretches of the decoder's buffer. */
	roundtrip(10, 8, 20000, 8, 1);
	roundtrip(64, 16, 9000, 16, 1);
	roundtrip(3, 2, 65490, 2, 1);
}

/*
 * A short last block: 8 blocks of 1455 bytes, the last one 100 bytes
 * padded with zeros; it and two others lost, rebuilt from parity 0, 2
 * and 7.
 */
static void
shortlast(void)
{
	uint8_t **g;
	unsigned idx[8], j;
	size_t b, len = 1455;
	uint8_t keep[3][1455];

	g = blocks(8 + 8, len);
	for (j = 0; j < 8; j++)
		for (b = 0; b < len; b++)
			g[j][b] = j < 7 || b < 100 ? (uint8_t)rnd() : 0;
	for (j = 0; j < 8; j++)
		fec_encode(8, j, (const uint8_t *const *)g, len, g[8 + j]);
	memcpy(keep[0], g[1], len);
	memcpy(keep[1], g[4], len);
	memcpy(keep[2], g[7], len);
	for (j = 0; j < 8; j++)
		idx[j] = j;
	idx[1] = 8 + 0, idx[4] = 8 + 2, idx[7] = 8 + 7;
	memcpy(g[1], g[8 + 0], len);
	memcpy(g[4], g[8 + 2], len);
	memcpy(g[7], g[8 + 7], len);
	CHECK(fec_decode(8, idx, g, len) == 0, "short last block: refused");
	CHECK(memcmp(g[1], keep[0], len) == 0 && memcmp(g[4], keep[1],
	    len) == 0, "short last block: the others wrong");
	CHECK(memcmp(g[7], keep[2], 100) == 0, "short last block: wrong");
	for (b = 100; b < len && g[7][b] == 0; b++)
		continue;
	CHECK(b == len, "short last block: padding not zero at %zu", b);
	freeblocks(g, 16);
}

/*
 * Decodes group g (k data and m parity blocks of 3 bytes) from the k
 * blocks in set (bit b: block b is held); 1 if that gives the data back.
 */
static int
decodes(uint8_t (*g)[3], unsigned k, unsigned m, uint32_t set)
{
	uint8_t s[8][3], *slot[8];
	unsigned idx[8], par[8], j, n;

	for (j = k, n = 0; j < k + m; j++)
		if (set >> j & 1)
			par[n++] = j;
	for (j = n = 0; j < k; j++) {
		idx[j] = set >> j & 1 ? j : par[n++];
		slot[j] = s[j];
		memcpy(s[j], g[idx[j]], 3);
	}
	if (fec_decode(k, idx, slot, 3) != 0)
		return 0;
	for (j = 0; j < k; j++)
		if (memcmp(s[j], g[j], 3) != 0)
			return 0;
	return 1;
}

/*
 * (5) Every k of the k + m blocks, for every group up to kmax, mmax
 * (8 at most): the decoding never meets a singular matrix and is right.
 * One check per group, counting the patterns that failed.
 */
static void
every_pattern(unsigned kmax, unsigned mmax)
{
	uint8_t g[16][3];
	const uint8_t *d[8];
	unsigned k, m, j, b, bad, pats;
	uint32_t set;

	for (j = 0; j < 8; j++)
		d[j] = g[j];
	for (k = 1; k <= kmax; k++)
		for (m = 1; m <= mmax; m++) {
			for (j = 0; j < k; j++)
				for (b = 0; b < 3; b++)
					g[j][b] = (uint8_t)rnd();
			for (j = 0; j < m; j++)
				fec_encode(k, j, d, 3, g[k + j]);
			bad = pats = 0;
			for (set = 0; set < 1U << (k + m); set++)
				if ((unsigned)__builtin_popcount(set) == k) {
					pats++;
					bad += !decodes(g, k, m, set);
				}
			CHECK(bad == 0, "k %u, m %u: %u of %u erasure "
			    "patterns fail", k, m, bad, pats);
		}
}

/*
 * (6) Indexes out of range, parity twice, data out of its slot, more
 * parity slots than there are parity blocks.
 */
static void
refusals(void)
{
	uint8_t **g, *par;
	unsigned idx[4] = { 0, 1, 2, 3 }, big[200], j;

	g = blocks(4, 16);
	if ((par = malloc(16)) == NULL)
		err(1, "malloc");
	memset(g[0], 1, 16);
	memset(g[1], 2, 16);
	memset(g[2], 3, 16);
	memset(g[3], 4, 16);
	CHECK(fec_encode(0, 0, (const uint8_t *const *)g, 16, par) == -1,
	    "encode: k 0 accepted");
	CHECK(fec_encode(256, 0, (const uint8_t *const *)g, 16, par) == -1,
	    "encode: k 256 accepted");
	CHECK(fec_encode(4, 252, (const uint8_t *const *)g, 16, par) == -1,
	    "encode: block 256 accepted");
	CHECK(fec_encode(4, 251, (const uint8_t *const *)g, 16, par) == 0,
	    "encode: block 255 refused");
	CHECK(fec_encode(4, UINT32_MAX, (const uint8_t *const *)g, 16,
	    par) == -1, "encode: parity 2^32 - 1 accepted");
	CHECK(fec_decode(0, idx, g, 16) == -1, "decode: k 0 accepted");
	CHECK(fec_decode(4, idx, g, 16) == 0 && g[3][15] == 4,
	    "decode: nothing to rebuild, refused or changed");
	idx[1] = 2;
	CHECK(fec_decode(4, idx, g, 16) == -1,
	    "decode: data block 2 in slot 1 accepted");
	idx[1] = 3;
	CHECK(fec_decode(4, idx, g, 16) == -1,
	    "decode: data block 3 in slot 1 accepted");
	idx[1] = 256;
	CHECK(fec_decode(4, idx, g, 16) == -1,
	    "decode: block 256 accepted");
	idx[1] = 5, idx[2] = 5;
	CHECK(fec_decode(4, idx, g, 16) == -1,
	    "decode: parity 5 twice accepted");
	idx[2] = 2;
	CHECK(fec_decode(4, idx, g, 16) == 0, "decode: parity 5 refused");
	free(par);
	freeblocks(g, 4);

	/* More parity slots than the group has parity blocks. */
	g = blocks(200, 16);
	for (j = 0; j < 200; j++) {
		memset(g[j], (int)j, 16);
		big[j] = j < 100 ? 200 + j % 56 : j;
	}
	CHECK(fec_decode(200, big, g, 16) == -1,
	    "decode: 100 parity slots in a group of 200 accepted");
	for (j = 0; j < 100; j++)
		big[j] = j < 56 ? 255 - j : j;
	CHECK(fec_decode(200, big, g, 16) == 0 && g[99][15] == 99,
	    "decode: 56 parity slots in a group of 200 refused or changed "
	    "more than them");
	freeblocks(g, 200);
}

int
main(int argc, char *argv[])
{
	if (argc > 2)
		errx(2, "usage: tests/fec [seed]");
	if (argc == 2)
		seed = strtoull(argv[1], NULL, 0) | 1;
	printf("fec: path %s, seed %#llx\n", fec_impl(),
	    (unsigned long long)seed);
	field();
	coefficients();
	lengths();
	kat_small();
	kat_large();
	randomtrips(3000);
	shortlast();
	every_pattern(8, 8);
	refusals();
	printf("fec: %u checks, %u failed\n", nchecks, nfailed);
	return nfailed == 0 ? 0 : 1;
}
