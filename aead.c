/*
 * netpipe: aead.c: ChaCha20, Poly1305 and their AEAD (RFC 8439), and
 * HChaCha20 (draft-irtf-cfrg-xchacha, section 2.2) for the keys of a run.
 *
 * Written from RFC 8439 alone; tests/aead.c checks it against every test
 * vector of the RFC (sections 2.1.1 to 2.8.2 and Appendix A) and the
 * draft's HChaCha20 vector.
 *
 * ChaCha20: 16 32-bit words (4 constants, the 256-bit key, a 32-bit
 * block counter, a 96-bit nonce), 20 rounds of quarter rounds, the input
 * added back; the 64 bytes that come out, little-endian, are the key
 * stream of one block.  HChaCha20 is the same rounds over the constants,
 * a key and 16 bytes of input, without the addition, and keeps words 0-3
 * and 12-15: a PRF from 16 bytes to a new 256-bit key.
 *
 * Speed: chacha20_xor makes four blocks at once (chacha_x4): each of the
 * 16 state words is a vector of that word in four blocks, and the
 * rounds are the scalar ones on vectors (gcc's and clang's vector
 * extensions; SSE2 on x86-64, NEON on arm64, scalar code elsewhere).
 * On x86-64 with AVX2 (asked of the CPU once, as fec.c does) it makes
 * eight at once (chacha_x8), the same code on 256-bit vectors;
 * NETPIPE_CHACHA=x4 in the environment keeps it to four (tests/aead
 * tests both).  Poly1305 and the rest are plain C.
 *
 * Poly1305: h = (h + block + 2^128) * r mod 2^130 - 5 over 16-byte
 * blocks, then h + s mod 2^128.  h is three 64-bit words (h0 + h1 2^64
 * + h2 2^128, h2 a few bits), r two, with 128-bit products (gcc's and
 * clang's unsigned __int128 on 64-bit targets): as r1 is a multiple of 4
 * (the clamp), r1 2^128 = (r1 / 4) 2^130 = 5 r1 / 4 (mod p) = s1, so h r
 * takes four full products and two small ones, and h is folded back
 * below 2^130 (bits 130 up times 5) after each block.
 * Nothing branches or indexes on a secret: the final reduction selects
 * with masks, and the tag is compared by aead_equal, which looks at
 * every byte whatever they hold.
 *
 * The AEAD (RFC 8439 section 2.8): the one-time Poly1305 key is the
 * first 32 bytes of ChaCha20's block 0 under (key, nonce); the text is
 * encrypted from block 1 on; the tag is Poly1305 over AAD, zero padding
 * to 16, the ciphertext, padding, and the two lengths as 64-bit
 * little-endian numbers.  aead_open checks the tag before it decrypts,
 * so nothing of a forged packet is ever decrypted or handed on.
 *
 * Key material (one-time keys, Poly1305's state, the key stream) is
 * wiped with explicit_bzero when a call ends.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netpipe.h"
#include "seal.h"

typedef uint32_t v4u __attribute__((vector_size(16)));
typedef uint32_t v8u __attribute__((vector_size(32)));

#if defined(__x86_64__)
#define AVX2	__attribute__((target("avx2")))
#endif

struct poly1305 {
	uint64_t	 r0, r1, s1;	/* r, and s1 = 5 r1 / 4 */
	uint64_t	 h0, h1, h2;
	uint64_t	 pad[2];	/* s */
	uint8_t		 buf[16];
	size_t		 nbuf;
};

typedef unsigned __int128 u128;

static uint32_t	 le32(const uint8_t *);
static void	 putle32(uint8_t *, uint32_t);
static uint64_t	 le64(const uint8_t *);
static void	 putle64(uint8_t *, uint64_t);
static void	 chacha_init(uint32_t *, const uint8_t *, uint32_t,
		    const uint8_t *);
static void	 chacha_rounds(uint32_t *);
static void	 chacha_x4(uint8_t *, const uint8_t *, const uint32_t *);
#ifdef AVX2
static AVX2 void chacha_x8(uint8_t *, const uint8_t *, const uint32_t *);
#endif
static int	 wide(void);
static void	 poly_init(struct poly1305 *, const uint8_t *);
static void	 poly_blocks(struct poly1305 *, const uint8_t *, size_t,
		    uint64_t);
static void	 poly_update(struct poly1305 *, const uint8_t *, size_t);
static void	 poly_pad(struct poly1305 *);
static void	 poly_finish(struct poly1305 *, uint8_t *);
static void	 aead_tag(uint8_t *, const uint8_t *, const uint8_t *,
		    size_t, const uint8_t *, size_t);

/* The quarter round, on 32-bit words or on vectors of them (v4u). */
#define ROTL(v, n)	((v) << (n) | (v) >> (32 - (n)))
#define QR(a, b, c, d) do {						\
	a += b; d ^= a; d = ROTL(d, 16);				\
	c += d; b ^= c; b = ROTL(b, 12);				\
	a += b; d ^= a; d = ROTL(d, 8);					\
	c += d; b ^= c; b = ROTL(b, 7);					\
} while (0)

/* A column round and a diagonal round, on x[16] of either kind. */
#define DOUBLE_ROUND(x) do {						\
	QR(x[0], x[4], x[8], x[12]);					\
	QR(x[1], x[5], x[9], x[13]);					\
	QR(x[2], x[6], x[10], x[14]);					\
	QR(x[3], x[7], x[11], x[15]);					\
	QR(x[0], x[5], x[10], x[15]);					\
	QR(x[1], x[6], x[11], x[12]);					\
	QR(x[2], x[7], x[8], x[13]);					\
	QR(x[3], x[4], x[9], x[14]);					\
} while (0)


static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
putle32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void
putle64(uint8_t *p, uint64_t v)
{
	putle32(p, (uint32_t)v);
	putle32(p + 4, (uint32_t)(v >> 32));
}

/* RFC 8439 2.1: the quarter round on a, b, c, d (for tests/aead.c). */
void
chacha_quarter(uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	QR(*a, *b, *c, *d);
}

/* RFC 8439 2.3: the state of (key, counter, nonce). */
static void
chacha_init(uint32_t *s, const uint8_t *key, uint32_t ctr,
    const uint8_t *nonce)
{
	int i;

	s[0] = 0x61707865;
	s[1] = 0x3320646e;
	s[2] = 0x79622d32;
	s[3] = 0x6b206574;
	for (i = 0; i < 8; i++)
		s[4 + i] = le32(key + 4 * i);
	s[12] = ctr;
	for (i = 0; i < 3; i++)
		s[13 + i] = le32(nonce + 4 * i);
}

/* The 20 rounds: 10 times a column round and a diagonal round. */
static void
chacha_rounds(uint32_t *x)
{
	int i;

	for (i = 0; i < 10; i++)
		DOUBLE_ROUND(x);
}

/*
 * Four blocks, counters s[12] to s[12] + 3: out = in XOR their 256
 * bytes of key stream.
 */
static void
chacha_x4(uint8_t *out, const uint8_t *in, const uint32_t *s)
{
	v4u x[16], o[16];
	int i, b;

	for (i = 0; i < 16; i++)
		x[i] = (v4u){ s[i], s[i], s[i], s[i] };
	x[12] += (v4u){ 0, 1, 2, 3 };
	memcpy(o, x, sizeof(o));
	for (i = 0; i < 10; i++)
		DOUBLE_ROUND(x);
	for (i = 0; i < 16; i++)
		x[i] += o[i];
	for (b = 0; b < 4; b++)
		for (i = 0; i < 16; i++)
			putle32(out + 64 * b + 4 * i,
			    le32(in + 64 * b + 4 * i) ^ x[i][b]);
	explicit_bzero(x, sizeof(x));
	explicit_bzero(o, sizeof(o));
}

#ifdef AVX2
/* Eight blocks, as chacha_x4 four: 512 bytes. */
static AVX2 void
chacha_x8(uint8_t *out, const uint8_t *in, const uint32_t *s)
{
	v8u x[16], o[16], t0, t1, t2, t3, u[4];
	v4u lo, hi, m;
	int i, b;

	for (i = 0; i < 16; i++)
		x[i] = (v8u){ s[i], s[i], s[i], s[i], s[i], s[i], s[i], s[i] };
	x[12] += (v8u){ 0, 1, 2, 3, 4, 5, 6, 7 };
	memcpy(o, x, sizeof(o));
	for (i = 0; i < 10; i++)
		DOUBLE_ROUND(x);
	for (i = 0; i < 16; i++)
		x[i] += o[i];
	/*
	 * Words i..i+3 of block b are lane b of x[i]..x[i+3]: a 4 x 4
	 * transpose in each 128-bit half gives them side by side, blocks
	 * b and b + 4 in one vector (x86-64 is little-endian: a lane's
	 * bytes are the key stream's).
	 */
	for (i = 0; i < 16; i += 4) {
		t0 = __builtin_shufflevector(x[i], x[i + 1],
		    0, 8, 1, 9, 4, 12, 5, 13);
		t1 = __builtin_shufflevector(x[i], x[i + 1],
		    2, 10, 3, 11, 6, 14, 7, 15);
		t2 = __builtin_shufflevector(x[i + 2], x[i + 3],
		    0, 8, 1, 9, 4, 12, 5, 13);
		t3 = __builtin_shufflevector(x[i + 2], x[i + 3],
		    2, 10, 3, 11, 6, 14, 7, 15);
		u[0] = __builtin_shufflevector(t0, t2,
		    0, 1, 8, 9, 4, 5, 12, 13);
		u[1] = __builtin_shufflevector(t0, t2,
		    2, 3, 10, 11, 6, 7, 14, 15);
		u[2] = __builtin_shufflevector(t1, t3,
		    0, 1, 8, 9, 4, 5, 12, 13);
		u[3] = __builtin_shufflevector(t1, t3,
		    2, 3, 10, 11, 6, 7, 14, 15);
		for (b = 0; b < 4; b++) {
			lo = __builtin_shufflevector(u[b], u[b], 0, 1, 2, 3);
			hi = __builtin_shufflevector(u[b], u[b], 4, 5, 6, 7);
			memcpy(&m, in + 64 * b + 4 * i, 16);
			m ^= lo;
			memcpy(out + 64 * b + 4 * i, &m, 16);
			memcpy(&m, in + 64 * (b + 4) + 4 * i, 16);
			m ^= hi;
			memcpy(out + 64 * (b + 4) + 4 * i, &m, 16);
		}
	}
	explicit_bzero(x, sizeof(x));
	explicit_bzero(o, sizeof(o));
	explicit_bzero(u, sizeof(u));
	t0 = t1 = t2 = t3 = (v8u){ 0 };
	lo = hi = m = (v4u){ 0 };
}
#endif

/* Eight blocks at a time?  AVX2, unless NETPIPE_CHACHA=x4 says no. */
static int
wide(void)
{
	static int w = -1;
	const char *e;

	if (w == -1) {
#ifdef AVX2
		__builtin_cpu_init();
		w = __builtin_cpu_supports("avx2") &&
		    ((e = getenv("NETPIPE_CHACHA")) == NULL ||
		    strcmp(e, "x4") != 0);
#else
		(void)e;
		w = 0;
#endif
	}
	return w;
}

/* Which way chacha20_xor goes: "x8 (AVX2)" or "x4". */
const char *
chacha_impl(void)
{
	return wide() ? "x8 (AVX2)" : "x4";
}

/* RFC 8439 2.3: one 64-byte block of key stream. */
void
chacha20_block(uint8_t *out, const uint8_t *key, uint32_t ctr,
    const uint8_t *nonce)
{
	uint32_t s[16], x[16];
	int i;

	chacha_init(s, key, ctr, nonce);
	memcpy(x, s, sizeof(x));
	chacha_rounds(x);
	for (i = 0; i < 16; i++)
		putle32(out + 4 * i, x[i] + s[i]);
	explicit_bzero(s, sizeof(s));
	explicit_bzero(x, sizeof(x));
}

/*
 * RFC 8439 2.4: out = in XOR the key stream from block ctr on (in and
 * out may be the same buffer).
 */
void
chacha20_xor(uint8_t *out, const uint8_t *in, size_t len,
    const uint8_t *key, uint32_t ctr, const uint8_t *nonce)
{
	uint32_t s[16], x[16];
	uint8_t ks[512];
	uint64_t a, b;
	size_t i, n, span = 256;

	chacha_init(s, key, ctr, nonce);
#ifdef AVX2
	if (wide()) {
		span = 512;
		for (; len >= 512; in += 512, out += 512, len -= 512) {
			chacha_x8(out, in, s);
			s[12] += 8;
		}
	}
#endif
	for (; len >= 256; in += 256, out += 256, len -= 256) {
		chacha_x4(out, in, s);
		s[12] += 4;
	}
	/* A tail of more than a block: its key stream at once. */
	if (len > 64) {
		memset(ks, 0, span);
#ifdef AVX2
		if (span == 512)
			chacha_x8(ks, ks, s);
		else
#endif
			chacha_x4(ks, ks, s);
		for (i = 0; i + 8 <= len; i += 8) {
			memcpy(&a, in + i, 8);
			memcpy(&b, ks + i, 8);
			a ^= b;
			memcpy(out + i, &a, 8);
		}
		for (; i < len; i++)
			out[i] = in[i] ^ ks[i];
		len = 0;
	}
	while (len > 0) {
		memcpy(x, s, sizeof(x));
		chacha_rounds(x);
		n = len < 64 ? len : 64;
		if (n == 64) {
			for (i = 0; i < 16; i++)
				putle32(out + 4 * i,
				    le32(in + 4 * i) ^ (x[i] + s[i]));
		} else {
			for (i = 0; i < 16; i++)
				putle32(ks + 4 * i, x[i] + s[i]);
			for (i = 0; i < n; i++)
				out[i] = in[i] ^ ks[i];
		}
		s[12]++;
		in += n;
		out += n;
		len -= n;
	}
	explicit_bzero(s, sizeof(s));
	explicit_bzero(x, sizeof(x));
	explicit_bzero(ks, sizeof(ks));
	a = b = 0;
}

/* draft-irtf-cfrg-xchacha 2.2: a 256-bit key from key and 16 bytes. */
void
hchacha20(uint8_t *out, const uint8_t *key, const uint8_t *in)
{
	uint32_t x[16];
	int i;

	chacha_init(x, key, le32(in), in + 4);
	chacha_rounds(x);
	for (i = 0; i < 4; i++) {
		putle32(out + 4 * i, x[i]);
		putle32(out + 16 + 4 * i, x[12 + i]);
	}
	explicit_bzero(x, sizeof(x));
}

/* RFC 8439 2.5: r clamped, s, h = 0. */
static void
poly_init(struct poly1305 *st, const uint8_t *key)
{
	st->r0 = le64(key) & 0x0ffffffc0fffffffULL;
	st->r1 = le64(key + 8) & 0x0ffffffc0ffffffcULL;
	st->s1 = st->r1 + (st->r1 >> 2);
	st->h0 = st->h1 = st->h2 = 0;
	st->pad[0] = le64(key + 16);
	st->pad[1] = le64(key + 24);
	st->nbuf = 0;
}

/*
 * Whole 16-byte blocks; hibit is 1 (2^128 added to each), or 0 for the
 * last, already padded with its 1.  h2 stays at most 4 between blocks.
 */
static void
poly_blocks(struct poly1305 *st, const uint8_t *m, size_t len,
    uint64_t hibit)
{
	const uint64_t r0 = st->r0, r1 = st->r1, s1 = st->s1;
	uint64_t h0 = st->h0, h1 = st->h1, h2 = st->h2, d2;
	u128 t, d0, d1;

	for (; len >= 16; m += 16, len -= 16) {
		t = (u128)h0 + le64(m);
		h0 = (uint64_t)t;
		t = (u128)h1 + le64(m + 8) + (uint64_t)(t >> 64);
		h1 = (uint64_t)t;
		h2 += (uint64_t)(t >> 64) + hibit;
		d0 = (u128)h0 * r0 + (u128)h1 * s1;
		d1 = (u128)h0 * r1 + (u128)h1 * r0 + (u128)h2 * s1 +
		    (uint64_t)(d0 >> 64);
		d2 = h2 * r0 + (uint64_t)(d1 >> 64);
		h0 = (uint64_t)d0;
		h1 = (uint64_t)d1;
		/* Bits 130 up, d2 >> 2, are worth 5 each. */
		t = (u128)h0 + (d2 >> 2) * 5;
		h0 = (uint64_t)t;
		t = (u128)h1 + (uint64_t)(t >> 64);
		h1 = (uint64_t)t;
		h2 = (d2 & 3) + (uint64_t)(t >> 64);
	}
	st->h0 = h0;
	st->h1 = h1;
	st->h2 = h2;
}

static void
poly_update(struct poly1305 *st, const uint8_t *m, size_t len)
{
	size_t n;

	if (st->nbuf > 0) {
		n = 16 - st->nbuf < len ? 16 - st->nbuf : len;
		memcpy(st->buf + st->nbuf, m, n);
		st->nbuf += n;
		m += n;
		len -= n;
		if (st->nbuf < 16)
			return;
		poly_blocks(st, st->buf, 16, 1);
		st->nbuf = 0;
	}
	n = len & ~(size_t)15;
	poly_blocks(st, m, n, 1);
	memcpy(st->buf, m + n, len - n);
	st->nbuf = len - n;
}

/* The AEAD's zero padding to a multiple of 16. */
static void
poly_pad(struct poly1305 *st)
{
	static const uint8_t zero[16];

	if (st->nbuf > 0)
		poly_update(st, zero, 16 - st->nbuf);
}

static void
poly_finish(struct poly1305 *st, uint8_t *tag)
{
	uint64_t g0, g1, g2, mask;
	u128 t;

	if (st->nbuf > 0) {
		st->buf[st->nbuf] = 1;
		memset(st->buf + st->nbuf + 1, 0, 15 - st->nbuf);
		poly_blocks(st, st->buf, 16, 0);
	}
	/*
	 * h < 5 2^128 < 2p: h mod p is h, or h - p = h + 5 - 2^130 if that
	 * is not negative, chosen with a mask, not a branch.
	 */
	t = (u128)st->h0 + 5;
	g0 = (uint64_t)t;
	t = (u128)st->h1 + (uint64_t)(t >> 64);
	g1 = (uint64_t)t;
	g2 = st->h2 + (uint64_t)(t >> 64);
	mask = 0 - (g2 >> 2);		/* all ones: h >= p, take g */
	g0 = (st->h0 & ~mask) | (g0 & mask);
	g1 = (st->h1 & ~mask) | (g1 & mask);
	/* + s, mod 2^128. */
	t = (u128)g0 + st->pad[0];
	g0 = (uint64_t)t;
	g1 += st->pad[1] + (uint64_t)(t >> 64);
	putle64(tag, g0);
	putle64(tag + 8, g1);
	explicit_bzero(st, sizeof(*st));
	g0 = g1 = g2 = mask = 0;
	t = 0;
}

/* RFC 8439 2.5: the tag of m under a one-time key. */
void
poly1305(uint8_t *tag, const uint8_t *m, size_t len, const uint8_t *key)
{
	struct poly1305 st;

	poly_init(&st, key);
	poly_update(&st, m, len);
	poly_finish(&st, tag);
}

/* RFC 8439 2.6: the one-time key of (key, nonce). */
void
poly1305_keygen(uint8_t *otk, const uint8_t *key, const uint8_t *nonce)
{
	uint8_t b[64];

	chacha20_block(b, key, 0, nonce);
	memcpy(otk, b, 32);
	explicit_bzero(b, sizeof(b));
}

/* RFC 8439 2.8: the tag over aad and the ciphertext c. */
static void
aead_tag(uint8_t *tag, const uint8_t *otk, const uint8_t *aad, size_t alen,
    const uint8_t *c, size_t clen)
{
	struct poly1305 st;
	uint8_t lens[16];

	poly_init(&st, otk);
	poly_update(&st, aad, alen);
	poly_pad(&st);
	poly_update(&st, c, clen);
	poly_pad(&st);
	putle64(lens, alen);
	putle64(lens + 8, clen);
	poly_update(&st, lens, 16);
	poly_finish(&st, tag);
}

/* Compare n bytes in a time that does not depend on them: 1 if equal. */
int
aead_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	volatile uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/*
 * RFC 8439 2.8: encrypt m (len bytes) into c (may be m) and make the tag
 * over aad and c.
 */
void
aead_seal(uint8_t *c, uint8_t *tag, const uint8_t *m, size_t len,
    const uint8_t *aad, size_t alen, const uint8_t *key, const uint8_t *nonce)
{
	uint8_t otk[32];

	poly1305_keygen(otk, key, nonce);
	chacha20_xor(c, m, len, key, 1, nonce);
	aead_tag(tag, otk, aad, alen, c, len);
	explicit_bzero(otk, sizeof(otk));
}

/*
 * RFC 8439 2.8: check the tag of c (len bytes) and aad, and only if it
 * is right decrypt c into m (may be c).  Returns 0, or -1 with m
 * untouched.
 */
int
aead_open(uint8_t *m, const uint8_t *c, size_t len, const uint8_t *tag,
    const uint8_t *aad, size_t alen, const uint8_t *key, const uint8_t *nonce)
{
	uint8_t otk[32], want[AEAD_TAG];
	int ok;

	poly1305_keygen(otk, key, nonce);
	aead_tag(want, otk, aad, alen, c, len);
	ok = aead_equal(want, tag, AEAD_TAG);
	explicit_bzero(otk, sizeof(otk));
	explicit_bzero(want, sizeof(want));
	if (!ok)
		return -1;
	chacha20_xor(m, c, len, key, 1, nonce);
	return 0;
}
