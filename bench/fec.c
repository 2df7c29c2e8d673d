/*
 * netpipe: bench/fec.c: the erasure code's speed, MB/s on one core.
 *
 *	bench/fec [-r runs] [-t ms]
 *
 * A group of k = 32 data blocks of 1455 bytes (a Rev. 1 block): encode
 * 1 and 4 parity blocks; decode 1 lost block (from the XOR parity
 * block, and from the next one) and 4 lost blocks.  Every path of
 * fec.c this CPU has (bench/fec runs itself again with NETPIPE_FEC set
 * for each), then Intel's ISA-L when built with -DHAVE_ISAL (make
 * fec-bench does when libisal-dev is installed; ISA-L is never a
 * dependency of netpipe).  A figure is the data of the group (k x 1455
 * bytes) coded per second, 1 MB = 10^6 bytes: the median of runs runs
 * of ms milliseconds each.  fec_decode's figures include working out its
 * decoding matrix, as every group needs; ISA-L's are given both ways.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/wait.h>

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_ISAL
#include <isa-l/erasure_code.h>
#endif

#include "../netpipe.h"

#define K		32
#define B		1455
#define MAXRUNS		99

struct bench {
	uint8_t		*data[K + 4];	/* the group: data, parity 0..3 */
	uint8_t		*slot[K];	/* what a receiver decodes */
	uint8_t		*out[4];	/* ISA-L's decoded blocks */
	unsigned	 idx[K];
	unsigned	 m;		/* encode: parity blocks */
	unsigned	 lost;		/* decode: blocks rebuilt */
};

typedef void	 op_fn(struct bench *);

static double	 now(void);
static double	 measure(op_fn *, struct bench *);
static void	 row(const char *, op_fn *, struct bench *);
static void	 setup(struct bench *);
static void	 lose(struct bench *, unsigned, unsigned);
static void	 encode(struct bench *);
static void	 decode(struct bench *);
static void	 ours(void);
static void	 others(void);
static long	 number(const char *, long, long);
#ifdef HAVE_ISAL
static void	 isal(void);
static void	 isal_encode(struct bench *);
static void	 isal_decode(struct bench *);
static void	 isal_kernel(struct bench *);
static void	 isal_prepare(struct bench *);
#endif

static int	 runs = 7;
static double	 runtime = 0.2;	/* s */
static const char *lostset = "0, 7, 13, 31";
static const unsigned lostblk[4] = { 0, 7, 13, 31 };

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The median over runs of MB/s of group data, each run runtime long. */
static double
measure(op_fn *op, struct bench *b)
{
	double mb[MAXRUNS], t0, t, x;
	unsigned long n, i;
	int r, s;

	for (n = 1;; n *= 2) {			/* calibrate */
		t0 = now();
		for (i = 0; i < n; i++)
			op(b);
		if ((t = now() - t0) > runtime / 8)
			break;
	}
	n = (unsigned long)(n * runtime / t) + 1;
	for (r = 0; r < runs; r++) {
		t0 = now();
		for (i = 0; i < n; i++)
			op(b);
		mb[r] = (double)n * K * B / (now() - t0) / 1e6;
	}
	for (r = 1; r < runs; r++)		/* sort */
		for (s = r; s > 0 && mb[s - 1] > mb[s]; s--) {
			x = mb[s], mb[s] = mb[s - 1], mb[s - 1] = x;
		}
	return mb[runs / 2];
}

static void
row(const char *what, op_fn *op, struct bench *b)
{
	printf("  %-44s %8.0f MB/s\n", what, measure(op, b));
	fflush(stdout);
}

static void
setup(struct bench *b)
{
	unsigned j, i;

	memset(b, 0, sizeof(*b));
	for (j = 0; j < K + 4; j++)
		if ((b->data[j] = malloc(B)) == NULL)
			err(1, "malloc");
	for (j = 0; j < 4; j++)
		if ((b->out[j] = malloc(B)) == NULL)
			err(1, "malloc");
	for (j = 0; j < K; j++) {
		if ((b->slot[j] = malloc(B)) == NULL)
			err(1, "malloc");
		for (i = 0; i < B; i++)
			b->data[j][i] = (uint8_t)(rand() >> 7);
	}
	for (j = 0; j < 4; j++)
		if (fec_encode(K, j, (const uint8_t *const *)b->data, B,
		    b->data[K + j]) != 0)
			errx(1, "fec_encode refused");
}

/* The slots with lostblk[0..lost-1] replaced by parity from, from+1... */
static void
lose(struct bench *b, unsigned lost, unsigned from)
{
	unsigned j, r;

	b->lost = lost;
	for (j = 0; j < K; j++) {
		b->idx[j] = j;
		memcpy(b->slot[j], b->data[j], B);
	}
	for (r = 0; r < lost; r++) {
		b->idx[lostblk[r]] = K + from + r;
		memcpy(b->slot[lostblk[r]], b->data[K + from + r], B);
	}
}

static void
encode(struct bench *b)
{
	unsigned i;

	for (i = 0; i < b->m; i++)
		fec_encode(K, i, (const uint8_t *const *)b->data, B,
		    b->data[K + i]);
}

/*
 * Decodes the slots again and again: after the first time the parity
 * slots hold data and the output is nonsense, but the work is the same.
 */
static void
decode(struct bench *b)
{
	if (fec_decode(K, b->idx, b->slot, B) != 0)
		errx(1, "fec_decode refused");
}

/* fec.c on the path NETPIPE_FEC gives. */
static void
ours(void)
{
	struct bench b;
	unsigned j;

	setup(&b);
	printf("fec.c, path %s:\n", fec_impl());
	b.m = 1;
	row("encode 1 parity (XOR)", encode, &b);
	b.m = 4;
	row("encode 4 parity", encode, &b);
	lose(&b, 1, 0);
	decode(&b);
	for (j = 0; j < K; j++)
		if (memcmp(b.slot[j], b.data[j], B) != 0)
			errx(1, "fec_decode: wrong");
	row("decode 1 lost, from parity 0 (XOR)", decode, &b);
	lose(&b, 1, 1);
	row("decode 1 lost, from parity 1", decode, &b);
	lose(&b, 4, 0);
	decode(&b);
	for (j = 0; j < K; j++)
		if (memcmp(b.slot[j], b.data[j], B) != 0)
			errx(1, "fec_decode: wrong");
	row("decode 4 lost, from parity 0..3", decode, &b);
}

/* This program again (-1) for each path, the path in its environment. */
static void
others(void)
{
	const char *self = "/proc/self/exe";
	static const char *const path[] = { "portable", "ssse3", "avx2",
	    "gfni" };
	char r[16], t[16];
	unsigned i;
	pid_t pid;
	int st;

	snprintf(r, sizeof(r), "%d", runs);
	snprintf(t, sizeof(t), "%.0f", runtime * 1000);
	for (i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		if ((pid = fork()) == -1)
			err(1, "fork");
		if (pid == 0) {
			if (setenv("NETPIPE_FEC", path[i], 1) == -1)
				err(1, "setenv");
			execl(self, self, "-1", "-r", r, "-t", t,
			    (char *)NULL);
			err(1, "%s", self);
		}
		if (waitpid(pid, &st, 0) == -1)
			err(1, "waitpid");
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			errx(1, "%s failed for path %s", self, path[i]);
	}
}

#ifdef HAVE_ISAL
static uint8_t	 isal_a[(K + 4) * K];		/* its Cauchy matrix */
static uint8_t	 isal_tbl[32 * K * 4];
static uint8_t	 isal_dec[4 * K];

/* ISA-L's way: its matrix, tables made once per k and m. */
static void
isal_encode(struct bench *b)
{
	ec_encode_data(B, K, b->m, isal_tbl, b->data, b->data + K);
}

/*
 * The decoding matrix as ISA-L's examples make it: invert the k x k
 * submatrix of the blocks held; the rows of the lost blocks; their
 * tables.  Then the kernel alone.
 */
static void
isal_prepare(struct bench *b)
{
	uint8_t sub[K * K], inv[K * K];
	unsigned j, r;

	for (j = 0; j < K; j++)
		memcpy(sub + j * K, isal_a + b->idx[j] * K, K);
	if (gf_invert_matrix(sub, inv, K) != 0)
		errx(1, "gf_invert_matrix: singular");
	for (r = 0; r < b->lost; r++)
		memcpy(isal_dec + r * K, inv + lostblk[r] * K, K);
	ec_init_tables(K, b->lost, isal_dec, isal_tbl);
}

static void
isal_kernel(struct bench *b)
{
	ec_encode_data(B, K, b->lost, isal_tbl, b->slot, b->out);
}

static void
isal_decode(struct bench *b)
{
	isal_prepare(b);
	isal_kernel(b);
}

static void
isal(void)
{
	struct bench b;
	unsigned j, r;

	setup(&b);
	gf_gen_cauchy1_matrix(isal_a, K + 4, K);
	printf("ISA-L (ec_encode_data):\n");
	for (b.m = 1; b.m <= 4; b.m += 3) {
		ec_init_tables(K, b.m, isal_a + K * K, isal_tbl);
		row(b.m == 1 ? "encode 1 parity (tables made once)" :
		    "encode 4 parity (tables made once)", isal_encode, &b);
	}
	ec_init_tables(K, 4, isal_a + K * K, isal_tbl);
	ec_encode_data(B, K, 4, isal_tbl, b.data, b.data + K);
	for (r = 1; r <= 4; r += 3) {
		b.lost = r;
		for (j = 0; j < K; j++)
			b.idx[j] = j;
		for (j = 0; j < r; j++)
			b.idx[lostblk[j]] = K + j;
		/* The slots in the order of idx: ISA-L takes them so. */
		for (j = 0; j < K; j++)
			memcpy(b.slot[j], b.data[b.idx[j]], B);
		isal_prepare(&b);
		isal_kernel(&b);
		for (j = 0; j < r; j++)
			if (memcmp(b.out[j], b.data[lostblk[j]], B) != 0)
				errx(1, "ISA-L decoding: wrong");
		row(r == 1 ? "decode 1 lost, kernel alone" :
		    "decode 4 lost, kernel alone", isal_kernel, &b);
		row(r == 1 ? "decode 1 lost, with its k x k inversion" :
		    "decode 4 lost, with its k x k inversion", isal_decode,
		    &b);
	}
}
#endif

static long
number(const char *s, long min, long max)
{
	char *end;
	long v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < min || v > max)
		errx(2, "%s: not a number from %ld to %ld", s, min, max);
	return v;
}

int
main(int argc, char *argv[])
{
	int ch, one = 0;

	while ((ch = getopt(argc, argv, "1r:t:")) != -1)
		switch (ch) {
		case '1':
			one = 1;
			break;
		case 'r':
			runs = (int)number(optarg, 1, MAXRUNS);
			break;
		case 't':
			runtime = number(optarg, 1, 60000) / 1000.0;
			break;
		default:
			fprintf(stderr,
			    "usage: bench/fec [-r runs] [-t ms]\n");
			return 2;
		}
	if (one) {
		ours();
		return 0;
	}
	printf("k %d blocks of %d bytes; MB/s of group data (10^6 bytes), "
	    "one core, median of %d x %.0f ms; lost blocks %s\n", K, B, runs,
	    runtime * 1000, lostset);
	fflush(stdout);
	others();
#ifdef HAVE_ISAL
	isal();
#else
	printf("ISA-L: not built in (make fec-bench with libisal-dev)\n");
#endif
	return 0;
}
