/*
 * netpipe: rate.c: the Rev. 1 rate decision, pure functions.
 *
 * The server (rev1.c) measures what reaches each client (its delivery
 * rate) and what each client loses, once a round; the functions here
 * turn those into the next rate.  Nothing here reads the clock, a
 * client or the network, so tests/rate.c drives them with made-up
 * rounds.  PROTOCOL.txt (10.8) gives the algorithm and why.
 *
 * In short, BBR's model for a room: the rate is a gain times the
 * bottleneck's bandwidth, btlbw, the smallest among the clients of
 * the best delivery rate each showed over the last BW_ROUNDS rounds.
 * Startup doubles until the delivery rate stops growing; then one
 * round drains the queue startup built, and the rate cycles through a
 * probe (1.25), a drain (0.75) and six rounds at 1.  Loss is not the
 * signal, except loss well above what a client loses anyway that
 * follows the rate: it ends startup, ends a probe, and in cruise sets a
 * ceiling under what was sent (rate_ceiling); a queue that stands
 * lowers the ceiling too, which is how a room yields to a TCP flow.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>

#include "netpipe.h"

#define RATE_MAX	100e9		/* bit/s, without -r */
#define START_BYTES	262144		/* rate_first: a round trip's worth */
#define STARTUP_GAIN	2.0
#define DRAIN_GAIN	0.75
#define FULL_ROUNDS	3		/* rounds without it end startup */
#define FULL_SHORT	0.45		/* and delivery under this of sent */
#define START_QUEUE	10e3		/* µs: a queue startup built, ends it */
#define START_SHORT	0.8		/* with delivery under this of sent */
#define BASE_WEIGHT	0.125		/* of a round, in the loss baseline */
#define BASE_SLOW	0.005		/* of a round of congestion */
#define LOSS_OVER	0.02		/* congestion: above 2 baseline + this */
#define LOSS_N		100		/* over this many packets at least */
#define LOSS_PRIOR	0.01		/* chance's spread: of this loss at least */
#define HI_CUT		0.8		/* congestion: ceiling at this of sent */
#define HI_GROW		1.02		/* a round without: the ceiling grows */
#define HI_MOST		2		/* a ceiling stays below this btlbw */
#define LATE_ROUNDS	6		/* startup's loss is reported so long */
#define HI_QUEUE1	0.9		/* a standing queue: ceiling at this */
#define HI_QUEUE	0.85		/* another flow's: at this */
#define Q_OTHER		0.92		/* another's: btlbw under this of alone */
#define Q_WAIT1		1e6		/* µs from one such cut to the next */
#define Q_WAIT		500e3		/* another flow's */
#define Q_YIELD		0.5		/* of the link alone, kept */
#define Q_HOLD		2e6		/* µs after one, the ceiling holds */
#define OWN_MOST	0.5		/* bw_own: of a client's own loss */
#define CUT_WAIT	4		/* rounds before a cut is judged */
#define CUT_JUDGE	10		/* and after which it is forgotten */
#define CUT_TOOK	0.9		/* a cut judged once sent is below this */
#define DEBT_LEFT	0.02		/* of a round at btlbw: drained */
#define DEBT_MOST	2		/* probes' excess at btlbw, at most */
#define SELF_MOST	500e3		/* µs of startup at the server's pace */
#define PROBE_GROWTH	1.1		/* a probe's delivery grew so: room */

static const double cycle[PROBE_PHASES] = {
	1.25, 0.75, 1, 1, 1, 1, 1, 1
};

static double	 rate_ceiling(const struct rate_in *, struct rate_out *);
static int	 rate_self(const struct rate_in *);
static int	 loss_follows(const struct rate_in *);
static double	 clamp(double, double);

/* The rate to start at and the most it may reach: -r's, or RATE_MAX. */
void
rate_start(unsigned long long r, double *rate, double *cap)
{
	*cap = r ? (double)r : RATE_MAX;
	*rate = clamp(RATE_START, *cap);
}

/*
 * The rate to send at until the first decision, once the clients' round
 * trips are known (the longest, rtt µs): no more than START_BYTES a
 * round trip.  On a LAN that is above RATE_START and changes nothing;
 * across a path of 200 ms, or behind a port whose buffer another flow
 * keeps full, the first round (4 round trips, 10.8) would otherwise put
 * seconds of RATE_START into a link of a few Mbit/s.
 */
double
rate_first(double rate, double rtt)
{
	double r;

	if (rtt <= 0)
		return rate;
	r = START_BYTES * 8e6 / rtt;
	if (r < RATE_MIN)
		r = RATE_MIN;
	return r < rate ? r : rate;
}

/*
 * One round's delivery sample of a client into its filter; returns the
 * filter's best.  limited: the server sent less than its rate allowed
 * (no input, no room), so the sample says what was offered, not what
 * the path takes: it may raise the best, never let it age out.
 */
double
bw_update(struct bwfilt *f, unsigned round, double sample, int limited)
{
	double best = bw_best(f);

	if (limited && sample < best)
		sample = best;
	f->v[round % BW_ROUNDS] = sample;
	return bw_best(f);
}

double
bw_best(const struct bwfilt *f)
{
	double best = 0;
	unsigned i;

	for (i = 0; i < BW_ROUNDS; i++)
		if (f->v[i] > best)
			best = f->v[i];
	return best;
}

/*
 * A delivery sample with what the client's own loss (its baseline, not
 * congestion) took put back: a bad cable's 20 % drops datagrams after
 * the narrow link, which carried them, and taken as a narrower link it
 * would shrink the rate round by round (a probe's 1.25 times 0.8 no
 * longer shows more).
 */
double
bw_own(double sample, double base)
{
	if (base > OWN_MOST)
		base = OWN_MOST;
	return base > 0 ? sample / (1 - base) : sample;
}

/* Loss that says so: forget the best, keep what reaches it now. */
void
bw_reset(struct bwfilt *f, double sample)
{
	unsigned i;

	for (i = 0; i < BW_ROUNDS; i++)
		f->v[i] = sample;
}

/*
 * Is a client's loss over n packets congestion?  Its own loss (a bad
 * cable, a busy host, 1-2 % of random drops) is steady and is learnt as
 * its baseline; a queue that overflows (or another flow that fills it)
 * loses more: above twice the baseline and 2 points, and more than
 * four standard deviations of the baseline's own chance above it, so
 * a few packets more lost in a short round are no signal.  Returns 1
 * for congestion.  *base learns from what is not, and 25 times more
 * slowly from what is: a bad cable's 4 % is learnt in seconds, a TCP
 * flow's intermittent loss hardly.
 */
int
loss_says(double loss, double n, double *base)
{
	double b = *base, over = loss - b, v;

	if (n < LOSS_N)
		return 0;
	/* Chance's spread, of at least a 1 % loss: a client that has lost
	 * nothing yet has not shown that it never will. */
	v = b > LOSS_PRIOR ? b * (1 - b) : LOSS_PRIOR * (1 - LOSS_PRIOR);
	if (loss <= 2 * b + LOSS_OVER || over * over * n <= 16 * v) {
		*base += BASE_WEIGHT * (loss - b);
		return 0;
	}
	/* A client that loses more all the time (a bad cable): learnt,
	 * slowly, lest the room slow down for good. */
	*base += BASE_SLOW * (loss - b);
	return 1;
}

/* The next rate, from the room's bottleneck and the state. */
void
rate_decide(const struct rate_in *in, struct rate_out *out)
{
	out->mode = in->mode;
	out->phase = in->phase;
	out->full_bw = in->full_bw;
	out->full_cnt = in->full_cnt;
	out->self_us = in->self_us;
	out->debt = in->debt;
	out->hi = in->hi;
	out->age = in->age;
	out->cut = in->cut;
	out->alone = in->alone;
	out->qwait = in->qwait + in->span;
	out->qrun = in->qrun;
	out->relearn = 0;
	out->yield = 0;
	out->gain = 1;
	if (in->btlbw <= 0) {
		out->rate = clamp(in->rate, in->cap);
		out->why = "no delivery measured yet";
		return;
	}
	switch (in->mode) {
	case RC_STARTUP:
		if (in->lossy) {
			out->why = "startup ends: loss";
			break;
		}
		/* Less than half of what was sent arrives: a queue grows
		 * at the difference, and loss is a round away. */
		if (!in->limited && in->btlbw < FULL_SHORT * in->sent) {
			out->why = "startup ends: half of it arrives";
			break;
		}
		/* Less arrives than was sent, and the blocks wait in a
		 * queue: it grows at the difference. */
		if (!in->limited && in->btlbw < START_SHORT * in->sent &&
		    in->qgrow > START_QUEUE) {
			out->why = "startup ends: a queue grows";
			break;
		}
		/* The server's own pace is no flat round, for half a second:
		 * a busy host's start; a server slow for good (with
		 * --min-rate, a room whose btlbw comes and goes with the
		 * clients left behind) then ends it as before. */
		if (rate_self(in))
			out->self_us += in->span;
		if (in->btlbw >= in->full_bw * FULL_GROWTH) {
			out->full_bw = in->btlbw;
			out->full_cnt = 0;
		} else if (!in->limited && (!rate_self(in) ||
		    in->self_us >= SELF_MOST))
			out->full_cnt++;
		if (out->full_cnt >= FULL_ROUNDS) {
			out->why = "startup ends: delivery flat";
			break;
		}
		/* Twice what arrives, never less than the rate was (the
		 * samples lag a doubling by a round), but for a round of
		 * the server's own pace: twice that, lest the rate, kept
		 * far above what is sent, pour out when the pace lifts. */
		out->gain = STARTUP_GAIN;
		out->rate = STARTUP_GAIN * in->btlbw;
		if (out->rate < in->rate && !rate_self(in))
			out->rate = in->rate;
		out->rate = clamp(out->rate, in->cap);
		out->why = "startup";
		return;
	case RC_DRAIN:
		out->mode = RC_PROBE;
		out->phase = PROBE_CRUISE;
		out->age = 0;
		out->rate = clamp(in->btlbw, in->cap);
		out->why = "drained";
		return;
	default:
		/*
		 * A probe whose delivery grew with it, past the most the
		 * room ever had: the path was not full (startup ended at a
		 * busy server's pace), and the cycle's 1.25 a round in eight
		 * would take seconds to find it; startup again.  A full
		 * link delivers no more to a probe, nor more than it did
		 * (a btlbw that aged below it comes back to it).
		 */
		if (in->phase <= 1 && !in->lossy && !in->queued &&
		    !in->limited && out->qrun == 0 &&
		    in->qgrow <= START_QUEUE &&
		    in->btlbw >= PROBE_GROWTH * (in->full_bw > in->alone ?
		    in->full_bw : in->alone)) {
			out->mode = RC_STARTUP;
			out->full_bw = in->btlbw;
			out->full_cnt = 0;
			out->gain = STARTUP_GAIN;
			out->rate = clamp(STARTUP_GAIN * in->btlbw, in->cap);
			out->why = "the probe found room: startup";
			return;
		}
		if (!in->queued && in->btlbw > out->alone)
			out->alone = in->btlbw;
		out->hi = rate_ceiling(in, out);
		out->age = in->age + 1;
		/*
		 * What a probe sent past the bottleneck waits in a queue:
		 * the drain lasts until it has sent as much less, or all
		 * but 2 % of a round (the pacer sends a little over its
		 * rate, the probe as the drain, and another round at 0.75
		 * for what is left would idle the link for a quarter).
		 */
		if (in->phase == 0)
			out->debt = (in->sent - in->btlbw) * in->span / 1e6;
		else if (in->phase == 1)
			out->debt -= (in->btlbw - in->sent) * in->span / 1e6;
		/* No more than two probes' excess at btlbw now: a btlbw that
		 * fell far (a room stalled, its delivery gone) would else
		 * keep the rate at 0.75 of it for hundreds of rounds. */
		if (out->debt > DEBT_MOST * (cycle[0] - 1) * in->btlbw *
		    in->span / 1e6)
			out->debt = DEBT_MOST * (cycle[0] - 1) * in->btlbw *
			    in->span / 1e6;
		out->phase = in->phase == 1 &&
		    out->debt > DEBT_LEFT * in->btlbw * in->span / 1e6 ? 1 :
		    (in->phase + 1) % PROBE_PHASES;
		/* Loss in a probe: it found the ceiling, drain now. */
		if (in->lossy && in->phase == 0)
			out->phase = 1;
		out->gain = cycle[out->phase];
		out->rate = out->gain * in->btlbw;
		if (out->phase == 0)	/* what a probe starts from */
			out->full_bw = in->btlbw;
		out->why = out->phase == 0 ? "probe" : out->phase == 1 ?
		    (in->lossy && in->phase == 0 ? "drain: the probe lost" :
		    "drain") : out->relearn ? "loss that does not follow the "
		    "rate: the path's own" : in->lossy ? "congestion: a ceiling" :
		    out->yield == 1 ? "a queue stands: yield" : out->yield ?
		    "after a standing queue: hold" : "cruise";
		if (out->hi > 0 && out->rate > out->hi) {
			out->rate = out->hi;
			if (!in->lossy && !out->yield)
				out->why = "under the ceiling";
		}
		out->rate = clamp(out->rate, in->cap);
		return;
	}
	/* Startup ends: one round under the bottleneck drains its queue. */
	out->mode = RC_DRAIN;
	out->gain = DRAIN_GAIN;
	out->rate = clamp(DRAIN_GAIN * in->btlbw, in->cap);
}

/*
 * Did the server hold the round back itself?  It sent less than its
 * rate (in->slow: it had input, and its port had room, so a read of
 * its input that blocked, a file read from a disk, or its CPU kept it
 * back), and what it sent arrived: the round shows the server's pace,
 * not the path's, and is no flat round of startup.  If less arrived,
 * the path is full as well: it is.
 */
static int
rate_self(const struct rate_in *in)
{
	return in->slow && in->btlbw >= START_SHORT * in->sent;
}

/*
 * The ceiling of loss (BBRv2's inflight_hi, as a rate).  Congestion in
 * a round of cruise (loss well above the client's own, over two rounds
 * at gain 1) sets it at 80 % of what was sent then, or lowers it
 * there; a probe that lost sets it at what the probe sent; loss two
 * rounds after a probe, or six after startup, is theirs, reported
 * late, and sets nothing.  Each round without, it grows by 2 %, but
 * stays below twice btlbw, so that it is there when loss comes back.
 * 0: no ceiling yet.
 *
 * A queue that stands before a client (in->queued: its least delay
 * over a second well above its least ever) is the room's own, cruising
 * a little above the link, or another flow's, a TCP flow's that fills
 * the port's buffer, whose loss the loss test hardly sees.  The ceiling
 * steps to 0.9 of the level the room cruises at, at most once a second,
 * which takes the room's own away; once the room gets less than 0.92 of
 * what it had alone (another flow takes the rest), by 0.85 each 0.5 s
 * while the queue stands, or is back within 2 s, down to half of what
 * it had alone, and then holds 2 s once the queue goes (the flow's own
 * cut) before it grows again (10.8).
 *
 * A cut is on trial (out->cut): CUT_WAIT rounds on, once the rate is
 * down, loss that did not follow it down (loss_follows) was not a
 * queue's but the path's own, a bad cable's 20 %: the ceiling goes back
 * where it was and out->relearn tells the caller to take the loss as
 * the clients' own.  Meanwhile no further cut: its loss is reported a
 * round or two late, and cutting on it again would ratchet the rate
 * down to nothing.
 */
static double
rate_ceiling(const struct rate_in *in, struct rate_out *out)
{
	double hi = in->hi, q;
	int other = out->qrun > 0 && in->btlbw < Q_OTHER * in->alone;

	if (out->cut.sent > 0 && ++out->cut.age > CUT_JUDGE)
		out->cut.sent = 0;	/* it held: forgotten */
	if (in->lossy && in->phase == 0) {
		/* A probe that lost: no higher than it went. */
		if (hi == 0 || in->sent < hi)
			hi = in->sent;
	} else if (in->lossy && (in->phase < PROBE_CRUISE + 2 ||
	    in->age < LATE_ROUNDS)) {
		/* Loss of the probe or of startup, reported late. */
	} else if (in->lossy && in->sent > 0) {
		if (out->cut.sent > 0 && out->cut.age < CUT_WAIT)
			return hi;	/* the cut has not shown yet */
		if (out->cut.sent > 0 && in->sent < CUT_TOOK * out->cut.sent &&
		    !loss_follows(in)) {
			out->relearn = 1;
			hi = out->cut.hi;
			out->cut.sent = 0;
			return hi;
		}
		out->cut.sent = in->sent;
		out->cut.loss = in->loss;
		out->cut.hi = hi;
		out->cut.age = 0;
		if (hi == 0 || HI_CUT * in->sent < hi)
			hi = HI_CUT * in->sent;
	} else if (in->queued && in->age >= LATE_ROUNDS) {
		/*
		 * A queue that stands through the drains (10.8): the room's
		 * own, cruising a little above the link, goes with a step;
		 * another flow's stands on, and the room, getting less than
		 * it had alone, steps down to half of that, faster.
		 */
		out->yield = 1;
		if (out->qrun == 0 || out->qwait >= (other ? Q_WAIT : Q_WAIT1)) {
			/* From the level it cruises at, not a drain's. */
			q = (other ? HI_QUEUE : HI_QUEUE1) *
			    (hi > 0 && hi < in->btlbw ? hi : in->btlbw);
			if (q < Q_YIELD * in->alone)
				q = Q_YIELD * in->alone;
			if (hi == 0 || q < hi)
				hi = q;
			out->qwait = 0;
			out->qrun++;
		}
	} else if (out->qrun > 1 && other && out->qwait < Q_HOLD) {
		/* The flow's queue went a moment (its own cut): hold. */
		out->yield = 2;
	} else {
		if (out->qwait >= Q_HOLD)
			out->qrun = 0;
		if (hi > 0) {
			hi *= HI_GROW;
			if (hi > HI_MOST * in->btlbw)
				hi = HI_MOST * in->btlbw;
		}
	}
	return hi;
}

/*
 * Did the loss follow the rate down since the cut?  Of a queue that
 * overflows, what is lost is what is sent past the link: at a fraction
 * r of the rate then, a loss l0 becomes 1 - (1 - l0) / r, nothing once
 * under the link; a path's own loss stays l0 whatever the rate.  Nearer
 * the first than the second: it followed.
 */
static int
loss_follows(const struct rate_in *in)
{
	double r = in->sent / in->cut.sent, l0 = in->cut.loss, lq;

	lq = 1 - (1 - l0) / r;
	if (lq < 0)
		lq = 0;
	return in->loss < (lq + l0) / 2;
}

static double
clamp(double rate, double cap)
{
	if (rate < RATE_MIN)
		rate = RATE_MIN;
	return rate > cap ? cap : rate;
}
