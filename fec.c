/*
 * netpipe: fec.c: the erasure code of parity on demand.
 *
 * A group is k data blocks (1 <= k <= 255) of len bytes each, numbered
 * 0 to k-1, and parity blocks numbered k, k+1, ... up to 255, so at most
 * FEC_N - k of them.  Any k blocks of a group, data and parity in any
 * mix, give back all k data blocks.  A short last data block is padded
 * with zeros to len by the caller, on both sides: its true length travels
 * with the stream, not here.
 *
 * The code.  Each byte position of a block is coded on its own, over
 * GF(2^8) (bytes; addition is XOR; multiplication modulo the polynomial
 * x^8 + x^4 + x^3 + x^2 + 1, 0x11D, the usual one for Reed-Solomon).
 * Data block j goes out as it is; parity block p (k <= p <= 255) is the
 * sum over j of C[p][j] times data block j, with
 *
 *	C[p][j] = (k + j) / (p + j)
 *
 * The 1 / (p + j) are a Cauchy matrix on the points p and j: the p are
 * distinct, the j are distinct and no p is a j, so every square submatrix
 * of it is nonsingular (its determinant is a product of differences of
 * distinct points over a product of sums p + j).  Multiplying column j by
 * the nonzero k + j keeps that, and makes the first parity row, p = k,
 * all ones: parity block k is the XOR of the data, and the commonest
 * repair, one block lost and parity k at hand, costs XORs alone.  Given
 * the data blocks it holds and e parity blocks in place of the e data
 * blocks it lacks, a receiver solves e equations whose matrix is the
 * square submatrix of C on those parity rows and missing columns: never
 * singular, so ANY k blocks decode.
 *
 * Why Cauchy rather than Reed-Solomon's Vandermonde matrix made
 * systematic: the same guarantee, but every coefficient is one formula in
 * (k, p, j), with no k x k matrix to invert for each k first (a
 * Vandermonde matrix becomes systematic only multiplied by the inverse
 * of its top square), and no trap: a Vandermonde matrix's own square
 * submatrices are not all invertible, so the matrix must be made
 * systematic that way and not by hand, which published coders tripped on
 * (Plank's 1997 tutorial and its 2003 correction).
 *
 * Decoding.  The caller keeps a group in k slots: data block j in slot j,
 * and each parity block it holds in the slot of a data block it lacks
 * (the receiver fills the group's holes with whatever comes, and decodes
 * once it is full).  With E the e slots that hold parity and P the parity
 * blocks in them, C[P][E] d[E] = p[P] + C[P][others] d[others]; one
 * Gauss-Jordan elimination of the e x (e + k) matrix [C[P][E] | that
 * right-hand side] gives an e x k decoding matrix D, and each missing
 * block is then the dot product of its row of D with the k slots, as an
 * encoding is.  The outputs overwrite slots that are inputs, so they are
 * made a stretch of bytes at a time into a buffer on the stack and copied
 * in once every output has its stretch: byte b of an output depends on
 * byte b of the inputs only.
 *
 * Speed.  All the work is dot products, dst = sum of c[i] * src[i] over
 * up to 255 blocks; a coefficient 1 is a plain XOR.  The portable way
 * looks every byte up in the 256-byte row of a 256 x 256 multiplication
 * table.  On x86-64 it takes 16 or 32 bytes at once: multiplication by c
 * is linear over GF(2), so c * x = c * (x & 0x0F) + c * (x & 0xF0), two
 * 16-entry tables that a byte shuffle (SSSE3's pshufb, AVX2's vpshufb)
 * looks up 16 or 32 bytes at a time, as ISA-L, gf-complete and others
 * do; with GFNI one affine instruction multiplies 32 bytes by c's 8 x 8
 * bit matrix.  Each stretch of the output (8 bytes portably, 64 or 128
 * in vector registers) is summed over all the sources and stored once.
 * The path is chosen at the first call from what the CPU has;
 * NETPIPE_FEC in the environment (portable, ssse3, avx2 or gfni; any
 * other name caps nothing) caps it, for tests/fec and bench/fec.
 *
 * State.  The tables below and the path chosen are the only file-scope
 * state: written once, at the first call (init), and only read
 * afterwards; they hold nothing of any group, so one process codes any
 * number of groups and runs at once.  netpipe runs one thread; a
 * threaded caller would call fec_impl() once before starting its
 * threads.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netpipe.h"

#define GF_POLY		0x11D		/* x^8 + x^4 + x^3 + x^2 + 1 */
#define FEC_LOST	(FEC_N / 2)	/* most rebuilt: min(k, FEC_N - k) */
#define FEC_STACK	16384		/* stack for the decoded stretches */

/* Dot products: len bytes of dst = sum, i < n, of c[i] * (src[i] + off). */
struct path {
	const char	*name;
	int		 (*usable)(void);
	void		 (*dot)(uint8_t *, const uint8_t *const *,
			    const uint8_t *, unsigned, size_t, size_t);
};

static void	 init(void);
static uint8_t	 coef(unsigned, unsigned, unsigned);
static int	 solve(unsigned, const unsigned *, const unsigned *,
		    unsigned, uint8_t (*)[FEC_N]);
static int	 always(void);
static void	 dot_portable(uint8_t *, const uint8_t *const *,
		    const uint8_t *, unsigned, size_t, size_t);

/*
 * gf_mul[a][b] = a * b; gf_mul[c][0..15] is also the low-nibble shuffle
 * table of c, and gf_hi[c][x] = c * (x << 4) the high one; gf_aff[c] is
 * multiplication by c as GFNI's 8 x 8 bit matrix.
 */
static uint8_t	 gf_mul[256][256] __attribute__((aligned(64)));
static uint8_t	 gf_hi[256][16] __attribute__((aligned(64)));
static uint64_t	 gf_aff[256];
static uint8_t	 gf_inv[256];
static const struct path *path;		/* NULL until init */

/* ---- x86-64: the vector paths (the only CPU-specific code) ---------- */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define SSSE3	__attribute__((target("ssse3")))
#define AVX2	__attribute__((target("avx2")))
#define GFNI	__attribute__((target("avx2,gfni")))

static int	 has_ssse3(void);
static int	 has_avx2(void);
static int	 has_gfni(void);
static void	 dot_ssse3(uint8_t *, const uint8_t *const *, const uint8_t *,
		    unsigned, size_t, size_t);
static void	 dot_avx2(uint8_t *, const uint8_t *const *, const uint8_t *,
		    unsigned, size_t, size_t);
static void	 dot_gfni(uint8_t *, const uint8_t *const *, const uint8_t *,
		    unsigned, size_t, size_t);

/* Fastest last: init takes the last one usable, up to NETPIPE_FEC. */
static const struct path paths[] = {
	{ "portable", always, dot_portable },
	{ "ssse3", has_ssse3, dot_ssse3 },
	{ "avx2", has_avx2, dot_avx2 },
	{ "gfni", has_gfni, dot_gfni },
};

static int
has_ssse3(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("ssse3");
}

static int
has_avx2(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2");
}

static int
has_gfni(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") &&
	    __builtin_cpu_supports("gfni");
}

/* c * x for the 16 bytes of x: two nibble lookups. */
static inline SSSE3 __m128i
mul_ssse3(__m128i x, uint8_t c)
{
	const __m128i nib = _mm_set1_epi8(0x0F);
	__m128i lo, hi;

	lo = _mm_loadu_si128((const __m128i *)gf_mul[c]);
	hi = _mm_loadu_si128((const __m128i *)gf_hi[c]);
	return _mm_xor_si128(_mm_shuffle_epi8(lo, _mm_and_si128(x, nib)),
	    _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi64(x, 4), nib)));
}

/*
 * 64 bytes a step, in four registers; 16 when fewer are left, and a last
 * step that ends at len and overlaps the one before (it writes the same
 * bytes again: dst is never a source).  Shorter than a vector: the
 * portable path.
 */
static SSSE3 void
dot_ssse3(uint8_t *dst, const uint8_t *const *src, const uint8_t *c,
    unsigned n, size_t off, size_t len)
{
	__m128i a0, a1, a2, a3, x0, x1, x2, x3;
	const uint8_t *s;
	uint8_t *d;
	size_t at;
	unsigned i;

	if (len < 16) {
		dot_portable(dst, src, c, n, off, len);
		return;
	}
	for (at = off; at + 64 <= off + len; at += 64) {
		a0 = a1 = a2 = a3 = _mm_setzero_si128();
		for (i = 0; i < n; i++) {
			s = src[i] + at;
			x0 = _mm_loadu_si128((const __m128i *)s);
			x1 = _mm_loadu_si128((const __m128i *)(s + 16));
			x2 = _mm_loadu_si128((const __m128i *)(s + 32));
			x3 = _mm_loadu_si128((const __m128i *)(s + 48));
			if (c[i] != 1) {
				x0 = mul_ssse3(x0, c[i]);
				x1 = mul_ssse3(x1, c[i]);
				x2 = mul_ssse3(x2, c[i]);
				x3 = mul_ssse3(x3, c[i]);
			}
			a0 = _mm_xor_si128(a0, x0);
			a1 = _mm_xor_si128(a1, x1);
			a2 = _mm_xor_si128(a2, x2);
			a3 = _mm_xor_si128(a3, x3);
		}
		d = dst + at - off;
		_mm_storeu_si128((__m128i *)d, a0);
		_mm_storeu_si128((__m128i *)(d + 16), a1);
		_mm_storeu_si128((__m128i *)(d + 32), a2);
		_mm_storeu_si128((__m128i *)(d + 48), a3);
	}
	for (; at < off + len; at += 16) {
		if (at + 16 > off + len)
			at = off + len - 16;
		a0 = _mm_setzero_si128();
		for (i = 0; i < n; i++) {
			x0 = _mm_loadu_si128((const __m128i *)(src[i] + at));
			if (c[i] != 1)
				x0 = mul_ssse3(x0, c[i]);
			a0 = _mm_xor_si128(a0, x0);
		}
		_mm_storeu_si128((__m128i *)(dst + at - off), a0);
	}
}

/* c * x for the 32 bytes of x: the same tables in both lanes. */
static inline AVX2 __m256i
mul_avx2(__m256i x, uint8_t c)
{
	const __m256i nib = _mm256_set1_epi8(0x0F);
	__m256i lo, hi;

	lo = _mm256_broadcastsi128_si256(
	    _mm_loadu_si128((const __m128i *)gf_mul[c]));
	hi = _mm256_broadcastsi128_si256(
	    _mm_loadu_si128((const __m128i *)gf_hi[c]));
	return _mm256_xor_si256(
	    _mm256_shuffle_epi8(lo, _mm256_and_si256(x, nib)),
	    _mm256_shuffle_epi8(hi,
	    _mm256_and_si256(_mm256_srli_epi64(x, 4), nib)));
}

/* c * x for the 32 bytes of x: one affine transformation. */
static inline GFNI __m256i
mul_gfni(__m256i x, uint8_t c)
{
	return _mm256_gf2p8affine_epi64_epi8(x,
	    _mm256_set1_epi64x((long long)gf_aff[c]), 0);
}

/*
 * As dot_ssse3, twice as wide (128 bytes a step, then 32), once with
 * each multiplication.  A macro rather than a function taking mul as a
 * pointer: the multiplication must be inlined into the loop, and each
 * copy compiled for its own target.
 */
#define DOT256(dst, src, c, n, off, len, mul) do {			\
	__m256i a0, a1, a2, a3, x0, x1, x2, x3;				\
	const uint8_t *s;						\
	uint8_t *d;							\
	size_t at, end = (off) + (len);					\
	unsigned i;							\
									\
	for (at = (off); at + 128 <= end; at += 128) {			\
		a0 = a1 = a2 = a3 = _mm256_setzero_si256();		\
		for (i = 0; i < (n); i++) {				\
			s = (src)[i] + at;				\
			x0 = _mm256_loadu_si256((const __m256i *)s);	\
			x1 = _mm256_loadu_si256((const __m256i *)(s + 32)); \
			x2 = _mm256_loadu_si256((const __m256i *)(s + 64)); \
			x3 = _mm256_loadu_si256((const __m256i *)(s + 96)); \
			if ((c)[i] != 1) {				\
				x0 = mul(x0, (c)[i]);			\
				x1 = mul(x1, (c)[i]);			\
				x2 = mul(x2, (c)[i]);			\
				x3 = mul(x3, (c)[i]);			\
			}						\
			a0 = _mm256_xor_si256(a0, x0);			\
			a1 = _mm256_xor_si256(a1, x1);			\
			a2 = _mm256_xor_si256(a2, x2);			\
			a3 = _mm256_xor_si256(a3, x3);			\
		}							\
		d = (dst) + at - (off);					\
		_mm256_storeu_si256((__m256i *)d, a0);			\
		_mm256_storeu_si256((__m256i *)(d + 32), a1);		\
		_mm256_storeu_si256((__m256i *)(d + 64), a2);		\
		_mm256_storeu_si256((__m256i *)(d + 96), a3);		\
	}								\
	for (; at < end; at += 32) {					\
		if (at + 32 > end)					\
			at = end - 32;					\
		a0 = _mm256_setzero_si256();				\
		for (i = 0; i < (n); i++) {				\
			x0 = _mm256_loadu_si256(			\
			    (const __m256i *)((src)[i] + at));		\
			if ((c)[i] != 1)				\
				x0 = mul(x0, (c)[i]);			\
			a0 = _mm256_xor_si256(a0, x0);			\
		}							\
		_mm256_storeu_si256((__m256i *)((dst) + at - (off)), a0); \
	}								\
} while (0)

static AVX2 void
dot_avx2(uint8_t *dst, const uint8_t *const *src, const uint8_t *c,
    unsigned n, size_t off, size_t len)
{
	if (len < 32)
		dot_ssse3(dst, src, c, n, off, len);
	else
		DOT256(dst, src, c, n, off, len, mul_avx2);
}

static GFNI void
dot_gfni(uint8_t *dst, const uint8_t *const *src, const uint8_t *c,
    unsigned n, size_t off, size_t len)
{
	if (len < 32)
		dot_ssse3(dst, src, c, n, off, len);
	else
		DOT256(dst, src, c, n, off, len, mul_gfni);
}

#else /* not x86-64, or not GCC or clang */

static const struct path paths[] = {
	{ "portable", always, dot_portable },
};

#endif
/* ---- end of the CPU-specific code ----------------------------------- */

static int
always(void)
{
	return 1;
}

/* Tables by log and antilog of the generator x (2), then the path. */
static void
init(void)
{
	uint8_t exp[510], log[256];
	unsigned a, b, i, j, x, cap, n;
	const char *want;
	uint64_t m;

	for (i = 0, x = 1; i < 255; i++) {
		exp[i] = exp[i + 255] = (uint8_t)x;
		log[x] = (uint8_t)i;
		x <<= 1;
		if (x & 0x100)
			x ^= GF_POLY;
	}
	for (a = 1; a < 256; a++) {
		for (b = 1; b < 256; b++)
			gf_mul[a][b] = exp[log[a] + log[b]];
		gf_inv[a] = exp[255 - log[a]];
		for (i = 0; i < 16; i++)
			gf_hi[a][i] = gf_mul[a][i << 4];
		/* Row i (byte 7 - i) holds which bits of x make bit i. */
		for (m = 0, i = 0; i < 8; i++)
			for (j = 0; j < 8; j++)
				if (gf_mul[a][1U << j] >> i & 1)
					m |= (uint64_t)1 << (8 * (7 - i) + j);
		gf_aff[a] = m;
	}

	n = sizeof(paths) / sizeof(paths[0]);
	cap = n - 1;
	if ((want = getenv("NETPIPE_FEC")) != NULL)
		for (cap = 0; cap < n - 1; cap++)
			if (strcmp(want, paths[cap].name) == 0)
				break;
	while (!paths[cap].usable())
		cap--;
	path = &paths[cap];
}

/* C[p][j] of the group of k: (k + j) / (p + j). */
static uint8_t
coef(unsigned k, unsigned p, unsigned j)
{
	return gf_mul[k ^ j][gf_inv[p ^ j]];
}

/*
 * 8 bytes of dst at a time, summed over the sources in a register: a
 * table lookup for each byte, or plain XOR where the coefficient is 1.
 * The bytes go back where they came from, whatever the byte order.
 */
static void
dot_portable(uint8_t *dst, const uint8_t *const *src, const uint8_t *c,
    unsigned n, size_t off, size_t len)
{
	const uint8_t *row;
	uint64_t w, v;
	size_t b;
	unsigned i;

	for (b = 0; b + 8 <= len; b += 8) {
		w = 0;
		for (i = 0; i < n; i++) {
			memcpy(&v, src[i] + off + b, 8);
			if (c[i] == 1) {
				w ^= v;
				continue;
			}
			row = gf_mul[c[i]];
			w ^= (uint64_t)row[v & 0xFF] |
			    (uint64_t)row[v >> 8 & 0xFF] << 8 |
			    (uint64_t)row[v >> 16 & 0xFF] << 16 |
			    (uint64_t)row[v >> 24 & 0xFF] << 24 |
			    (uint64_t)row[v >> 32 & 0xFF] << 32 |
			    (uint64_t)row[v >> 40 & 0xFF] << 40 |
			    (uint64_t)row[v >> 48 & 0xFF] << 48 |
			    (uint64_t)row[v >> 56] << 56;
		}
		memcpy(dst + b, &w, 8);
	}
	for (; b < len; b++) {
		dst[b] = 0;
		for (i = 0; i < n; i++)
			dst[b] ^= gf_mul[c[i]][src[i][off + b]];
	}
}

int
fec_encode(unsigned k, unsigned idx, const uint8_t *const *data, size_t len,
    uint8_t *parity)
{
	uint8_t c[FEC_N];
	unsigned j;

	if (k < 1 || k >= FEC_N || idx >= FEC_N - k)
		return -1;
	if (path == NULL)
		init();
	for (j = 0; j < k; j++)
		c[j] = coef(k, k + idx, j);
	path->dot(parity, data, c, k, 0, len);
	return 0;
}

int
fec_decode(unsigned k, const unsigned *idx, uint8_t *const *blocks,
    size_t len)
{
	uint8_t d[FEC_LOST][FEC_N], tmp[FEC_STACK];
	unsigned lost[FEC_LOST], par[FEC_LOST], e, i, r;
	size_t at, n, step;

	if (k < 1 || k >= FEC_N)
		return -1;
	if (path == NULL)
		init();
	for (i = e = 0; i < k; i++) {
		if (idx[i] == i)
			continue;
		if (idx[i] < k || idx[i] >= FEC_N || e == FEC_N - k)
			return -1;
		lost[e] = i;
		par[e++] = idx[i];
	}
	if (e == 0)
		return 0;
	if (solve(k, lost, par, e, d) == -1)
		return -1;

	step = FEC_STACK / e / 64 * 64;
	for (at = 0; at < len; at += n) {
		n = len - at < step ? len - at : step;
		for (r = 0; r < e; r++)
			path->dot(tmp + r * n, (const uint8_t *const *)blocks,
			    d[r], k, at, n);
		for (r = 0; r < e; r++)
			memcpy(blocks[lost[r]] + at, tmp + r * n, n);
	}
	return 0;
}

/*
 * The decoding matrix: d[r][i] is what slot i adds to data block
 * lost[r].  Row r of the system is parity par[r] (in slot lost[r]):
 * columns 0..e-1 are its coefficients on the lost blocks, columns
 * e..e+k-1 those of the slots on its right-hand side: its coefficient
 * on each data block held, 1 on its own slot, 0 on the other parity
 * slots.  Gauss-Jordan makes the left part the identity; the right part
 * is then d.  No pivoting: the left part is a square Cauchy matrix (with
 * scaled columns), whose leading minors are all nonzero, so each pivot
 * is the ratio of two of them.  A zero pivot means a singular matrix,
 * which only a parity block given twice makes (two equal rows).  e + k <=
 * FEC_N: fec_decode refuses more parity slots than a group has parity
 * blocks.
 */
static int
solve(unsigned k, const unsigned *lost, const unsigned *par, unsigned e,
    uint8_t (*d)[FEC_N])
{
	uint8_t a[FEC_LOST][FEC_N], f;
	const uint8_t *row;
	unsigned r, c, i, w = e + k;

	for (r = 0; r < e; r++) {
		for (c = 0; c < e; c++)
			a[r][c] = coef(k, par[r], lost[c]);
		for (i = 0; i < k; i++)
			a[r][e + i] = coef(k, par[r], i);
		for (c = 0; c < e; c++)
			a[r][e + lost[c]] = c == r;
	}
	for (c = 0; c < e; c++) {
		if (a[c][c] == 0)
			return -1;
		row = gf_mul[gf_inv[a[c][c]]];
		for (i = c; i < w; i++)
			a[c][i] = row[a[c][i]];
		for (r = 0; r < e; r++) {
			if (r == c || (f = a[r][c]) == 0)
				continue;
			row = gf_mul[f];
			for (i = c; i < w; i++)
				a[r][i] ^= row[a[c][i]];
		}
	}
	for (r = 0; r < e; r++)
		memcpy(d[r], a[r] + e, k);
	return 0;
}

const char *
fec_impl(void)
{
	if (path == NULL)
		init();
	return path->name;
}

uint8_t
fec_mul(uint8_t a, uint8_t b)
{
	if (path == NULL)
		init();
	return gf_mul[a][b];
}

uint8_t
fec_inv(uint8_t a)
{
	if (path == NULL)
		init();
	return gf_inv[a];
}
