/*
 * netpipe: rate.c: the Rev. 1 rate decision, a pure function.
 *
 * The server (rev1.c) measures, at each decision, what it sent and the
 * loss and delivery rate its clients report; rate_decide() turns those
 * into the next rate.  Nothing here reads the clock, a client or the
 * network, so tests/rate.c replays recorded decisions.  PROTOCOL.txt
 * (10.8) describes the algorithm.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>

#include "netpipe.h"

/* RATE_MIN, LOSS_HIGH and LOSS_LOW are in netpipe.h, for the test. */
#define RATE_INIT	1e9		/* bit/s to start with */
#define RATE_MAX	100e9
#define CUT_LEAST	0.95		/* a cut keeps this much, at most */
#define CUT_MOST	0.5		/* and this much, at least */
#define LOSS_HEAVY	0.25		/* one client alone above: slow down */
#define TOP_DECAY	0.9		/* per decision, of the best rate sent */
#define SS_GAIN		1.5		/* growth per decision at the start */
#define GAIN		1.05		/* growth per decision after it */
#define TOP_GAIN	1.5		/* growth stays below this * top */
#define OVER_DR		1.1		/* growth: this far past delivery */
#define UNDER_DR	0.9		/* a cut: to this much of it */
#define CUT_DR		0.25		/* but keeping this much at least */

static double	 rate_cut(const struct rate_in *, double);
static double	 rate_grow(const struct rate_in *, double);

/* The rate to start at and the most it may reach: -r's, or RATE_MAX. */
void
rate_start(unsigned long long r, double *rate, double *cap)
{
	*cap = r ? (double)r : RATE_MAX;
	*rate = *cap < RATE_INIT ? *cap : RATE_INIT;
}

/*
 * Rate: cut it when the clients lose much, grow it while they lose
 * little.  Loss that every client sees comes from a link they share (the
 * server's port, a switch) overflowing: that is congestion, the rate's
 * business.  Loss one client sees alone is its own (a bad cable, a busy
 * host): slowing the whole room would not cure it, and its repeats go
 * to the group once whoever else asks.  So the signal is the smallest
 * smoothed loss among the clients, unless one loses more than LOSS_HEAVY:
 * that client is being flooded and speaks for itself.
 */
void
rate_decide(const struct rate_in *in, struct rate_out *out)
{
	double loss, rate = in->rate;

	loss = in->most > LOSS_HEAVY ? in->most : in->least < 1 ?
	    in->least : 0;
	/* What the link took lately: one slow interval is no measure. */
	out->top = in->sent > in->top * TOP_DECAY ? in->sent :
	    in->top * TOP_DECAY;
	out->slowstart = in->slowstart;
	out->cooling = 0;
	out->cut = 0;
	out->loss = loss;
	if (in->cooling) {
		/* The last cut shows only now: out->cooling = 0. */
	} else if (loss > LOSS_HIGH) {
		rate = rate_cut(in, loss);
		out->slowstart = 0;
		out->cooling = 1;
		out->cut = 1;
	} else if (loss < LOSS_LOW)
		rate = rate_grow(in, out->top);
	else
		out->slowstart = 0;
	if (rate < RATE_MIN)
		rate = RATE_MIN;
	if (rate > in->cap)
		rate = in->cap;
	out->rate = rate;
}

/* A cut, to what got through: the narrow link's rate. */
static double
rate_cut(const struct rate_in *in, double loss)
{
	double through = in->sent * (1 - loss), rate = in->rate;

	rate = through > CUT_LEAST * rate ? CUT_LEAST * rate :
	    through < CUT_MOST * rate ? CUT_MOST * rate : through;
	/*
	 * What reached the slowest client is a better measure, if
	 * there is one: a little under it, so a full queue drains.
	 */
	if (in->dr > 0 && UNDER_DR * in->dr < rate)
		rate = UNDER_DR * in->dr > CUT_DR * rate ?
		    UNDER_DR * in->dr : CUT_DR * rate;
	return rate;
}

/* Growth, top being the best rate sent lately (already decayed). */
static double
rate_grow(const struct rate_in *in, double top)
{
	double rate = in->rate, limit;

	rate *= in->slowstart ? SS_GAIN : GAIN;
	/* Not far past what the link took: no burst when it opens. */
	limit = (in->slowstart ? SS_GAIN : TOP_GAIN) * top;
	if (limit < RATE_INIT)
		limit = RATE_INIT;
	/*
	 * Nor far past what reaches the slowest client, once less
	 * reaches it than is sent: a narrow link's queue hides the
	 * excess until it overflows.  (While the input is what
	 * holds the server back, as much reaches it as is sent.)
	 */
	if (!in->slowstart && in->dr > 0 && in->sent > OVER_DR * in->dr &&
	    OVER_DR * in->dr < limit)
		limit = OVER_DR * in->dr;
	if (rate > limit)
		rate = limit;
	return rate;
}
