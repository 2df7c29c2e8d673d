/*
 * netpipe: tests/rate.c: the Rev. 1 rate decision (rate.c) alone, no
 * network.
 *
 *	tests/rate [FILE]
 *
 * (1) Replay: every decision recorded in FILE (default
 * tests/rate-decisions.txt) is made again by rate_decide(), and each
 * output must be the recorded one, bit for bit.  The records are the -v
 * lines "rate decision: rate=... -> rate=..." of real runs (the file
 * says which).  (2) Properties, over the recorded inputs and over many
 * made-up ones: the rate never above the cap nor below RATE_MIN (or the
 * cap, if lower); a loss above LOSS_HIGH cuts, one below LOSS_LOW does
 * not, and grows the rate when nothing else limits it; between the two
 * the rate holds; the decision after a cut holds.
 *
 * Prints one line per failed check and last "rate: N checks, N
 * failed"; exits 0 only if none failed.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE			/* netpipe.h's struct mmsghdr */
#endif

#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../netpipe.h"

#define DEFAULT_FILE	"tests/rate-decisions.txt"
#define MADE_UP		20000		/* made-up inputs */

static unsigned	 nchecks, nfailed;
static uint64_t	 seed = 0x9E3779B97F4A7C15ULL;

static void	 check(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	 parse(const char *, struct rate_in *, struct rate_out *);
static int	 same(const struct rate_out *, const struct rate_out *);
static void	 replay(const char *);
static void	 properties(const struct rate_in *, const char *);
static double	 uniform(void);
static void	 made_up(struct rate_in *);

static void
check(int ok, const char *fmt, ...)
{
	va_list ap;

	nchecks++;
	if (ok)
		return;
	nfailed++;
	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* One record: the -v line's text after "rate decision: ". */
static int
parse(const char *s, struct rate_in *in, struct rate_out *out)
{
	int n = 0;

	memset(in, 0, sizeof(*in));
	memset(out, 0, sizeof(*out));
	if (sscanf(s, "rate=%lf cap=%lf top=%lf slowstart=%d cooling=%d "
	    "sent=%lf least=%lf most=%lf dr=%lf -> rate=%lf top=%lf "
	    "slowstart=%d cooling=%d cut=%d loss=%lf%n", &in->rate, &in->cap,
	    &in->top, &in->slowstart, &in->cooling, &in->sent, &in->least,
	    &in->most, &in->dr, &out->rate, &out->top, &out->slowstart,
	    &out->cooling, &out->cut, &out->loss, &n) != 15)
		return -1;
	return s[n] == '\0' || s[n] == '\n' ? 0 : -1;
}

/* Bit for bit: == on each double, and on each flag. */
static int
same(const struct rate_out *a, const struct rate_out *b)
{
	return a->rate == b->rate && a->top == b->top &&
	    a->slowstart == b->slowstart && a->cooling == b->cooling &&
	    a->cut == b->cut && a->loss == b->loss;
}

/* Every recorded decision, made again; and its properties. */
static void
replay(const char *file)
{
	struct rate_in in;
	struct rate_out want, got;
	char line[1024], where[64];
	const char *s;
	unsigned lineno = 0, n = 0;
	FILE *f;

	if ((f = fopen(file, "r")) == NULL)
		err(1, "%s", file);
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if ((s = strstr(line, "rate decision: ")) != NULL)
			s += strlen("rate decision: ");
		else
			s = line;
		snprintf(where, sizeof(where), "%s:%u", file, lineno);
		if (parse(s, &in, &want) == -1) {
			check(0, "%s: not a decision: %.60s", where, line);
			continue;
		}
		n++;
		rate_decide(&in, &got);
		check(same(&got, &want), "%s: rate %.17g top %.17g slowstart "
		    "%d cooling %d cut %d loss %.17g, recorded rate %.17g top "
		    "%.17g slowstart %d cooling %d cut %d loss %.17g", where,
		    got.rate, got.top, got.slowstart, got.cooling, got.cut,
		    got.loss, want.rate, want.top, want.slowstart,
		    want.cooling, want.cut, want.loss);
		properties(&in, where);
	}
	if (ferror(f))
		err(1, "%s", file);
	fclose(f);
	check(n > 0, "%s: no decision recorded", file);
	printf("replayed %u recorded decisions from %s\n", n, file);
}

/* What any decision must keep, whatever its inputs. */
static void
properties(const struct rate_in *in, const char *where)
{
	struct rate_out out;
	double floor = in->cap < RATE_MIN ? in->cap : RATE_MIN;
	double top = in->sent > 0.9 * in->top ? in->sent : 0.9 * in->top;

	rate_decide(in, &out);
	check(out.rate <= in->cap, "%s: rate %.17g above the cap %.17g",
	    where, out.rate, in->cap);
	check(out.rate >= floor, "%s: rate %.17g below %.17g", where,
	    out.rate, floor);
	check(out.loss == in->least || out.loss == in->most || out.loss == 0,
	    "%s: loss %.17g is no client's", where, out.loss);
	if (in->most == 0)
		check(out.loss == (in->least < 1 ? in->least : 0),
		    "%s: loss %.17g, least %.17g, most 0", where, out.loss,
		    in->least);
	check(out.top == top, "%s: top %.17g, not the best sent lately "
	    "%.17g", where, out.top, top);
	if (in->cooling) {
		/* Right after a cut: nothing changes but the clamps. */
		check(!out.cut && !out.cooling &&
		    out.slowstart == in->slowstart &&
		    (out.rate == in->rate || out.rate == floor ||
		    out.rate == in->cap), "%s: cooling did not hold: rate "
		    "%.17g -> %.17g cut %d", where, in->rate, out.rate,
		    out.cut);
	} else if (out.loss > LOSS_HIGH) {
		check(out.cut && out.cooling && !out.slowstart &&
		    (out.rate < in->rate || out.rate == floor),
		    "%s: loss %.17g did not cut: rate %.17g -> %.17g", where,
		    out.loss, in->rate, out.rate);
	} else if (out.loss < LOSS_LOW) {
		check(!out.cut && !out.cooling &&
		    out.slowstart == in->slowstart, "%s: loss %.17g cut or "
		    "changed slow start", where, out.loss);
		/* Nothing else limits it: then it grows. */
		if (in->top >= in->rate && in->dr == 0 &&
		    in->cap >= 2 * in->rate && in->rate >= RATE_MIN)
			check(out.rate > in->rate, "%s: loss %.17g did not "
			    "grow the rate %.17g (-> %.17g)", where, out.loss,
			    in->rate, out.rate);
	} else
		check(!out.cut && !out.cooling && !out.slowstart &&
		    (out.rate == in->rate || out.rate == floor ||
		    out.rate == in->cap), "%s: loss %.17g did not hold: rate "
		    "%.17g -> %.17g", where, out.loss, in->rate, out.rate);
}

/* A number in [0, 1), from a fixed seed: the same every run. */
static double
uniform(void)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(seed >> 11) / 9007199254740992.0;
}

/* Inputs as a run could give them, and the edges of each threshold. */
static void
made_up(struct rate_in *in)
{
	static const double edge[] = { 0, LOSS_LOW, LOSS_HIGH, 0.25, 1 };
	double u;

	in->cap = uniform() < 0.3 ? RATE_MIN * (0.1 + 20 * uniform()) :
	    100e9;
	in->rate = RATE_MIN * (0.5 + 200 * uniform() * uniform());
	if (in->rate > in->cap && uniform() < 0.9)
		in->rate = in->cap;
	in->top = uniform() < 0.1 ? 0 : in->rate * 3 * uniform();
	in->sent = in->rate * 1.2 * uniform();
	in->slowstart = uniform() < 0.3;
	in->cooling = uniform() < 0.2;
	u = uniform();
	in->least = u < 0.2 ? edge[(int)(uniform() * 5)] : 0.1 * uniform();
	in->most = in->least + (uniform() < 0.5 ? 0 : 0.5 * uniform());
	if (in->most > 1)
		in->most = 1;
	if (uniform() < 0.02) {
		in->least = 1;		/* no client to judge by */
		in->most = 0;
	}
	in->dr = uniform() < 0.4 ? 0 : in->sent * 1.5 * uniform();
}

int
main(int argc, char *argv[])
{
	struct rate_in in;
	char where[32];
	unsigned i;

	if (argc > 2) {
		fprintf(stderr, "usage: tests/rate [file]\n");
		return 2;
	}
	replay(argc == 2 ? argv[1] : DEFAULT_FILE);
	for (i = 0; i < MADE_UP; i++) {
		made_up(&in);
		snprintf(where, sizeof(where), "made-up input %u", i);
		properties(&in, where);
	}
	printf("rate: %u checks, %u failed\n", nchecks, nfailed);
	return nfailed == 0 ? 0 : 1;
}
