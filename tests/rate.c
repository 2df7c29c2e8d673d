/*
 * netpipe: tests/rate.c: the Rev. 1 rate decision (rate.c) alone, no
 * network.
 *
 *	tests/rate
 *
 * (1) The parts: a client's delivery filter (the best of the last
 * BW_ROUNDS rounds; a sample taken while the server had nothing to send
 * never lowers it), loss_says (a client's steady loss is learnt, a
 * jump well above it is congestion), rate_start and the clamps.
 * (2) The decision, round by round: startup doubles, ends on loss or
 * after FULL_ROUNDS flat rounds and drains; the probe cycle; a probe's
 * excess is drained before the cycle goes on; a probe whose delivery
 * grew with it (by PROBE_GROWTH, past the most the room had) found
 * the path not full: startup again, unless it lost or a queue stands.  (3) Closed loops: a
 * modelled path of capacity C (1 Mbit/s to 10 Gbit/s), a client losing
 * l at random (0 to 2 %; 2 to 30 % for a bad cable, whose loss must be
 * learnt, not taken for congestion), delivery samples with noise, rounds fed back
 * with one round's lag, as rev1.c feeds them: the rate must reach and
 * then hold the path, never run past it for long, never fall below half
 * of it once found.  Prints one line per failed check and last "rate:
 * N checks, N failed"; exits 0 only if none failed.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE			/* netpipe.h's struct mmsghdr */
#endif

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../netpipe.h"

#define LOOPS		3000		/* closed loops of made-up paths */
#define ROUNDS		1000		/* rounds in each */

static unsigned	 nchecks, nfailed;
static uint64_t	 seed = 0x9E3779B97F4A7C15ULL;

static void	 check(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static double	 uniform(void);
static void	 parts(void);
static void	 startup(void);
static void	 flat(struct rate_in *, struct rate_out *, int, double,
		    double);
static void	 cruise(struct rate_in *);
static void	 probe(void);
static void	 room(int, int, int, double, double, int);
static void	 loop(double, double, double, int);

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

/* xorshift64*: the same made-up inputs every run. */
static double
uniform(void)
{
	seed ^= seed >> 12;
	seed ^= seed << 25;
	seed ^= seed >> 27;
	return (double)((seed * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

static void
parts(void)
{
	struct bwfilt f;
	double rate, cap, base = 0;
	unsigned r;
	int i, cong;

	memset(&f, 0, sizeof(f));
	check(bw_update(&f, 0, 100e6, 0) == 100e6, "filter: first sample");
	check(bw_update(&f, 1, 50e6, 0) == 100e6, "filter: keeps the best");
	for (r = 2; r < BW_ROUNDS; r++)
		(void)bw_update(&f, r, 50e6, 0);
	check(bw_best(&f) == 100e6, "filter: best within %u rounds",
	    BW_ROUNDS);
	check(bw_update(&f, BW_ROUNDS, 50e6, 0) == 50e6,
	    "filter: best ages out after %u rounds", BW_ROUNDS);
	for (r = BW_ROUNDS + 1; r < 5 * BW_ROUNDS; r++)
		(void)bw_update(&f, r, 1e6, 1);
	check(bw_best(&f) == 50e6, "filter: a limited round never lowers "
	    "it (%g)", bw_best(&f));
	check(bw_update(&f, r, 70e6, 1) == 70e6,
	    "filter: a limited round may raise it");
	bw_reset(&f, 5e6);
	check(bw_best(&f) == 5e6, "filter: reset");

	for (i = 0, cong = 0; i < 1000; i++)
		cong |= loss_says(0.005 + 0.01 * uniform(), 1000, &base);
	check(!cong, "loss: 0.5-1.5 %% random is never congestion");
	check(base > 0.005 && base < 0.015, "loss: baseline learnt (%g)",
	    base);
	check(loss_says(0.2, 1000, &base), "loss: 20 %% over a 1 %% "
	    "baseline is congestion");
	check(base < 0.02, "loss: congestion is learnt slowly (%g)", base);
	check(!loss_says(0.2, 50, &base), "loss: not over 50 packets");
	base = 0.01;
	check(!loss_says(0.065, 60, &base), "loss: 6.5 %% of 60 packets "
	    "are too few to tell");
	base = 0.01;
	check(loss_says(0.065, 5000, &base), "loss: 6.5 %% of 5000 packets "
	    "is not");
	base = 0.06;
	check(!loss_says(0.1, 1000, &base), "loss: 10 %% over a 6 %% "
	    "baseline is not congestion");

	rate_start(0, &rate, &cap);
	check(rate == RATE_START && cap > 10e9, "start: %g, cap %g", rate,
	    cap);
	rate_start(5000000, &rate, &cap);
	check(rate == 5e6 && cap == 5e6, "start under -r: %g, cap %g", rate,
	    cap);
	rate_start(100000, &rate, &cap);
	check(rate == 1e5, "start: the cap is kept even below RATE_MIN");
}

static void
decide(struct rate_in *in, struct rate_out *out)
{
	rate_decide(in, out);
	check(out->rate <= in->cap, "never above the cap (%g > %g)",
	    out->rate, in->cap);
	check(out->rate >= (RATE_MIN < in->cap ? RATE_MIN : in->cap),
	    "never below the least (%g)", out->rate);
	check(out->why != NULL, "a reason for -v");
	in->rate = out->rate;
	in->mode = out->mode;
	in->phase = out->phase;
	in->full_bw = out->full_bw;
	in->full_cnt = out->full_cnt;
	in->self_us = out->self_us;
	in->debt = out->debt;
	in->hi = out->hi;
	in->age = out->age;
	in->cut = out->cut;
	in->alone = out->alone;
	in->qwait = out->qwait;
	in->qrun = out->qrun;
}

/* One round of startup from the start: sent, what arrived, the queue. */
static void
start1(struct rate_in *in, struct rate_out *out, double sent, double btlbw,
    double qgrow)
{
	memset(in, 0, sizeof(*in));
	in->cap = 100e9;
	in->rate = RATE_START;
	in->sent = sent;
	in->btlbw = btlbw;
	in->qgrow = qgrow;
	decide(in, out);
}

static void
startup(void)
{
	struct rate_in in;
	struct rate_out out;
	int i;

	memset(&in, 0, sizeof(in));
	in.cap = 100e9;
	in.rate = RATE_START;
	in.mode = RC_STARTUP;
	in.span = 20000;
	decide(&in, &out);
	check(out.rate == RATE_START && out.mode == RC_STARTUP,
	    "startup: nothing measured, nothing changes");
	for (i = 0; i < 5; i++) {
		in.btlbw = in.rate;
		decide(&in, &out);
		check(out.mode == RC_STARTUP && out.rate == 2 * in.btlbw,
		    "startup: doubles (round %d: %g)", i, out.rate);
	}
	/* The path: flat from here on. */
	in.btlbw = 1e9;
	in.full_bw = 0;
	for (i = 0; i < 3 && in.mode == RC_STARTUP; i++)
		decide(&in, &out);
	check(in.mode == RC_STARTUP, "startup: the first flat rounds go on");
	decide(&in, &out);
	check(in.mode == RC_DRAIN && in.rate < 1e9,
	    "startup: ends after 3 flat rounds, draining (%g)", in.rate);
	decide(&in, &out);
	check(in.mode == RC_PROBE && in.rate == 1e9 &&
	    in.phase == PROBE_CRUISE, "drained: cruise at the bottleneck");

	memset(&in, 0, sizeof(in));
	in.cap = 100e9;
	in.rate = RATE_START;
	in.btlbw = 100e6;
	in.lossy = 1;
	decide(&in, &out);
	check(in.mode == RC_DRAIN && in.rate < 100e6,
	    "startup: ends on loss, draining (%g)", in.rate);

	/* Less than half of what was sent arrives: full at once; half
	 * (the samples a round behind a doubling) is not. */
	start1(&in, &out, RATE_START, 0.4 * RATE_START, 0);
	check(in.mode == RC_DRAIN && in.rate < 0.4 * RATE_START,
	    "startup: ends when less than half arrives (%g)", in.rate);
	start1(&in, &out, RATE_START, RATE_START / 2, 0);
	check(in.mode == RC_STARTUP, "startup: half of a doubling arrives, "
	    "it goes on");

	/* Less arrives than was sent, and the blocks wait 10 ms above the
	 * least: a queue grows, startup ends (a sender that cannot send
	 * its rate never sees half of it lost); the same queue while all
	 * that was sent arrives (the server's own port full) does not. */
	start1(&in, &out, 160e6, 97e6, 12e3);
	check(in.mode == RC_DRAIN && in.rate < 97e6,
	    "startup: ends when a queue grows (%g)", in.rate);
	start1(&in, &out, 160e6, 97e6, 8e3);
	check(in.mode == RC_STARTUP, "startup: 8 ms of queue, it goes on");
	start1(&in, &out, 972e6, 972e6, 12e3);
	check(in.mode == RC_STARTUP, "startup: a queue, but all that was sent "
	    "arrives: it goes on");

	memset(&in, 0, sizeof(in));
	in.cap = 100e9;
	in.rate = RATE_START;
	in.btlbw = 100e6;
	in.limited = 1;
	for (i = 0; i < 10; i++)
		decide(&in, &out);
	check(in.mode == RC_STARTUP, "startup: limited rounds are not flat");

	/* The server's own pace: it sent 215 Mbit/s of its 431, with the
	 * input there and room in its port (slow), and all of it arrived.
	 * Not flat: startup goes on until the path shows; with the port
	 * full (not slow), or with less arriving than was sent, it ends. */
	flat(&in, &out, 1, 215e6, 215e6);
	check(in.mode == RC_STARTUP, "startup: the server's own pace, all "
	    "of it arriving, is not flat");
	for (i = 0; i < 100 && in.mode == RC_STARTUP; i++)
		decide(&in, &out);
	check(in.mode == RC_DRAIN && i >= 10 && i < 100, "startup: after "
	    "a while at its own pace, flat rounds end it (round %d)", i);
	flat(&in, &out, 0, 215e6, 215e6);
	check(in.mode == RC_DRAIN, "startup: held by the port, flat");
	flat(&in, &out, 1, 215e6, 150e6);
	check(in.mode == RC_DRAIN, "startup: its own pace, but the path "
	    "takes less: flat");

	/* Twice what arrives, never less than the rate was; but after a
	 * round of the server's own pace, twice that: a rate kept at 250
	 * while 95 goes out would pour into a 100 Mbit/s port once the
	 * pace lifts. */
	start1(&in, &out, 180e6, 95e6, 0);
	check(in.mode == RC_STARTUP && in.rate == RATE_START,
	    "startup: the rate is kept (%g)", in.rate);
	memset(&in, 0, sizeof(in));
	in.cap = 100e9;
	in.rate = RATE_START;
	in.sent = in.btlbw = 95e6;
	in.slow = 1;
	decide(&in, &out);
	check(in.mode == RC_STARTUP && in.rate == 190e6,
	    "startup: the server's own pace, twice it (%g)", in.rate);
}

/* Ten rounds of startup at 431 Mbit/s sending sent, flat at btlbw. */
static void
flat(struct rate_in *in, struct rate_out *out, int slow, double sent,
    double btlbw)
{
	int i;

	memset(in, 0, sizeof(*in));
	in->cap = 100e9;
	in->rate = 431e6;
	in->full_bw = btlbw;
	in->btlbw = btlbw;
	in->sent = sent;
	in->slow = slow;
	in->span = 20000;
	for (i = 0; i < 10 && in->mode == RC_STARTUP; i++) {
		decide(in, out);
		in->rate = 431e6;
	}
}

/* A room cruising at 100 Mbit/s, rounds of 20 ms. */
static void
cruise(struct rate_in *in)
{
	memset(in, 0, sizeof(*in));
	in->cap = 100e9;
	in->mode = RC_PROBE;
	in->phase = PROBE_CRUISE;
	in->btlbw = 100e6;
	in->rate = 100e6;
	in->span = 20000;
}

/* To the next probe; p sent in it, d in the round after. */
static void
probe_drain(struct rate_in *in, struct rate_out *out, double p, double d)
{
	while (in->phase != 0)
		decide(in, out);
	in->sent = p;
	decide(in, out);
	in->sent = d;
	decide(in, out);
}

static void
probe(void)
{
	struct rate_in in;
	struct rate_out out;
	double sum = 0, prev;
	int i;

	cruise(&in);
	for (i = 0; i < 8 * PROBE_PHASES; i++) {
		in.sent = in.rate;
		decide(&in, &out);
		sum += out.gain;
	}
	check(sum / (8 * PROBE_PHASES) > 0.99 &&
	    sum / (8 * PROBE_PHASES) < 1.01,
	    "probe: the cycle's gain averages 1 (%g)", sum / 64);
	/* A probe whose excess the drain did not send less of. */
	while (in.phase != 0)
		decide(&in, &out);
	in.sent = 125e6;
	decide(&in, &out);
	check(in.phase == 1, "probe, then drain");
	in.sent = 95e6;		/* 5 % less: not yet the probe's 25 % */
	decide(&in, &out);
	check(in.phase == 1, "drain goes on while the probe's excess waits");
	in.sent = 75e6;
	decide(&in, &out);
	check(in.phase == PROBE_CRUISE, "drain ends once paid (%u)",
	    in.phase);
	/* The probe and the drain a little over their rates, as paced. */
	probe_drain(&in, &out, 126e6, 75.5e6);
	check(in.phase == PROBE_CRUISE, "drain: 1.5 %% of a round left, "
	    "paid (%u)", in.phase);
	probe_drain(&in, &out, 131e6, 75e6);
	check(in.phase == 1, "drain: 6 %% of a round left, it goes on (%u)",
	    in.phase);
	in.sent = 75e6;
	decide(&in, &out);
	check(in.phase == PROBE_CRUISE, "drain: then paid (%u)", in.phase);
	/* btlbw falls a hundredfold in the drain (a room stalled): the
	 * debt is no more than two probes' at it, paid in rounds. */
	while (in.phase != 0)
		decide(&in, &out);
	in.sent = 125e6;
	decide(&in, &out);
	in.btlbw = 1e6;
	for (i = 0; i < 10 && in.phase == 1; i++) {
		in.sent = 0.9e6;
		decide(&in, &out);
	}
	check(in.phase != 1, "drain: after btlbw fell, ends in %d rounds",
	    i);
	in.btlbw = 100e6;
	/* Loss in a probe ends it. */
	while (in.phase != 0)
		decide(&in, &out);
	in.lossy = 1;
	in.sent = in.btlbw;
	decide(&in, &out);
	check(in.phase == 1 && out.gain < 1, "a probe that lost drains");
	in.lossy = 0;

	/* Congestion in cruise: a ceiling under what was sent. */
	while (in.phase < PROBE_CRUISE + 2)
		decide(&in, &out);
	in.age = 100;
	in.hi = 0;
	in.lossy = 1;
	in.sent = 100e6;
	decide(&in, &out);
	check(in.hi > 0 && in.hi < 0.81 * 100e6 && in.rate <= in.hi,
	    "congestion: a ceiling under what was sent (%g, %g)", in.hi,
	    in.rate);
	in.lossy = 0;
	prev = in.hi;
	decide(&in, &out);
	check(in.hi > prev && in.hi < 1.05 * prev,
	    "the ceiling grows slowly without loss (%g)", in.hi);
	for (i = 0; i < 1000; i++)
		decide(&in, &out);
	check(in.hi <= 2 * in.btlbw && in.hi > 0,
	    "the ceiling stays, below twice btlbw (%g)", in.hi);
	/* A queue that stands: yield by steps, to half of alone. */
	in.lossy = 0;
	in.hi = 0;
	in.age = 100;
	in.alone = 0;
	in.qwait = 0;
	in.qrun = 0;
	in.btlbw = 100e6;
	in.sent = 100e6;
	decide(&in, &out);
	check(in.alone == 100e6, "alone: the most btlbw without a queue "
	    "(%g)", in.alone);
	in.queued = 1;
	decide(&in, &out);
	check(in.hi > 0.89 * 100e6 && in.hi < 0.91 * 100e6 &&
	    in.rate <= in.hi, "a standing queue: at once a ceiling at 0.9 "
	    "(%g)", in.hi);
	check(strcmp(out.why, "a queue stands: yield") == 0 ||
	    in.phase < 2, "-v says why (%s)", out.why);
	prev = in.hi;
	decide(&in, &out);
	check(in.hi == prev, "no further cut within Q_WAIT1, no growth");
	/* The room's own: it still gets what it had alone. */
	for (i = 0; i < 1e6 / in.span + 1; i++)
		decide(&in, &out);
	check(in.hi > 0.89 * prev && in.hi < 0.91 * prev, "its own queue, "
	    "a second on: 0.9 again (%g)", in.hi);
	in.queued = 0;
	prev = in.hi;
	decide(&in, &out);
	check(in.hi > prev, "its own queue gone: the ceiling grows, no hold "
	    "(%g)", in.hi);
	/* Another flow's: the room gets less than it had alone. */
	in.hi = 0;
	in.qrun = 0;
	in.qwait = 0;
	in.queued = 1;
	in.btlbw = 80e6;
	decide(&in, &out);
	check(in.hi > 0.89 * 80e6 && in.hi < 0.91 * 80e6, "another's: the "
	    "first step 0.9 (%g)", in.hi);
	prev = in.hi;
	for (i = 0; i < 5e5 / in.span + 1; i++)
		decide(&in, &out);
	check(in.hi > 0.84 * prev && in.hi < 0.86 * prev, "then 0.85 each "
	    "0.5 s (%g)", in.hi);
	for (i = 0; i < 1000; i++)
		decide(&in, &out);
	check(in.hi >= 0.5 * 100e6 && in.hi < 0.5 * 100e6 / 0.85,
	    "yields down to half of alone, no lower (%g)", in.hi);
	check(in.alone == 100e6, "alone stays while the queue stands");
	in.queued = 0;
	prev = in.hi;
	decide(&in, &out);
	check(in.hi == prev, "the queue gone a moment, the ceiling holds");
	for (i = 0; i < 2e6 / in.span + 1; i++)
		decide(&in, &out);
	check(in.hi > prev, "the queue gone 2 s, the ceiling grows (%g)",
	    in.hi);
	/* Back within 2 s of a step: another's, 0.85 at once. */
	in.hi = 0;
	in.qrun = 1;
	in.qwait = 1e6;
	in.queued = 1;
	decide(&in, &out);
	check(in.hi < 0.86 * in.btlbw, "a queue back within 2 s: 0.85 "
	    "(%g)", in.hi);
	in.queued = 0;
	in.btlbw = 100e6;
	in.phase = PROBE_CRUISE;
	in.debt = 0;
	in.hi = 0;

	/* Loss just after startup is startup's. */
	in.age = 0;
	in.hi = 0;
	in.lossy = 1;
	while (in.phase < PROBE_CRUISE + 2)
		decide(&in, &out);
	in.age = 1;
	decide(&in, &out);
	check(in.hi == 0, "loss after startup sets no ceiling");
}

/*
 * A probe from a cruise at 100 Mbit/s whose delivery shows grown by g
 * at the end of the round at phase (0: the probe's, 1: the drain's),
 * with loss or a standing queue or not, the room having had had bit/s
 * at most before (0: 100 Mbit/s): startup again (want) or not.
 */
static void
room(int phase, int lossy, int queued, double g, double had, int want)
{
	struct rate_in in;
	struct rate_out out;

	cruise(&in);
	in.age = 100;
	while (in.phase != 0) {
		in.sent = in.rate;
		decide(&in, &out);
	}
	check(in.full_bw == 100e6, "a probe keeps what it starts from (%g)",
	    in.full_bw);
	if (had > 0)
		in.alone = had;
	in.sent = in.rate;
	if (phase == 1) {
		decide(&in, &out);	/* the probe's own round: no more yet */
		check(in.mode == RC_PROBE && in.phase == 1,
		    "a probe that shows nothing more yet drains");
		in.sent = in.rate;
	}
	in.btlbw = g * 100e6;
	in.lossy = lossy;
	in.loss = lossy ? 0.05 : 0;
	in.queued = queued;
	decide(&in, &out);
	check((in.mode == RC_STARTUP) == want && (!want ||
	    (in.rate == 2 * g * 100e6 &&
	    strcmp(out.why, "the probe found room: startup") == 0)),
	    "a probe's delivery %g times, at phase %d, loss %d, queue %d: "
	    "startup %d (mode %d, %g, %s)", g, phase, lossy, queued, want,
	    in.mode, in.rate, out.why);
}

/*
 * A path of capacity C; the client loses l at random; a round's sample
 * is what reached it, with noise, of what was sent the round before.
 */
static void
loop(double C, double l, double noise, int bad)
{
	struct rate_in in;
	struct rate_out out;
	struct bwfilt f;
	double sent, prev = 0, got, sum = 0, base = 0, found = 0, lost;
	double own = 0;
	double low = 1e300;
	unsigned r, over = 0, n = 0;

	memset(&in, 0, sizeof(in));
	memset(&f, 0, sizeof(f));
	in.cap = 100e9;
	in.mode = RC_STARTUP;
	in.span = 20000;
	in.rate = RATE_START;
	for (r = 0; r < ROUNDS; r++) {
		sent = in.rate;
		got = (prev < C ? prev : C) * (1 - l) *
		    (1 + noise * (2 * uniform() - 1));
		if (own > base)
			own = base;
		got = bw_own(got, own);	/* as rev1.c's s_round */
		if (got > prev)
			got = prev;	/* no more than was sent */
		in.sent = sent;
		lost = prev > C ? 1 - C / prev + l : l;
		in.lossy = prev > 0 && loss_says(lost, prev * in.span / 1e6 /
		    12000, &base);
		in.loss = in.lossy ? lost : 0;
		in.btlbw = bw_update(&f, r, got, 0);
		if (in.lossy && in.mode == RC_STARTUP)
			bw_reset(&f, got), in.btlbw = got;
		decide(&in, &out);
		if (out.relearn && lost > base)
			base = own = lost;	/* as rev1.c's s_relearn */
		prev = sent;
		if (found == 0 && in.mode == RC_PROBE)
			found = r;
		if (found != 0 && r > found + 2 * BW_ROUNDS) {
			sum += sent;
			n++;
			if (sent > 1.25 * (1 + noise) * C * 1.0001)
				over++;
			if (sent < low)
				low = sent;
		}
	}
	check(found != 0 && found < 40, "C %g l %g: startup ends (round %g)",
	    C, l, found);
	if (bad) {
		check(in.btlbw > 0.8 * C * (1 - l), "C %g l %g: a bad cable's "
		    "loss is learnt (btlbw %g at the end)", C, l, in.btlbw);
		check(n > 0 && sum / n > 0.75 * C * (1 - l), "C %g l %g: "
		    "a bad cable's loss is no congestion (mean %.3g)", C, l,
		    n > 0 ? sum / n : 0);
		return;
	}
	if (n == 0)
		return;
	check(sum / n > 0.88 * C * (1 - l) && sum / n < 1.05 * C,
	    "C %g l %g noise %g: holds the path (mean %.3g)", C, l, noise,
	    sum / n);
	check(over == 0, "C %g l %g: never past the probe over C after startup (%u)",
	    C, l, over);
	check(low > 0.5 * C, "C %g l %g: never below half of it (%g)", C, l,
	    low);
}

int
main(void)
{
	double C;
	int i;

	parts();
	startup();
	probe();
	room(0, 0, 0, 1.25, 0, 1);	/* the path was not full */
	room(1, 0, 0, 1.2, 0, 1);	/* shown a round late */
	room(0, 0, 0, 1.05, 0, 0);	/* a full link: no more */
	room(1, 0, 0, 1.05, 0, 0);
	room(0, 1, 0, 1.25, 0, 0);	/* it lost: no */
	room(0, 0, 1, 1.25, 0, 0);	/* a queue stands: no */
	room(0, 0, 0, 1.25, 120e6, 0);	/* btlbw aged, back where it was */
	room(0, 0, 0, 1.35, 120e6, 1);	/* and past it */
	for (i = 0; i < LOOPS; i++) {
		C = 1e6 * (1 + 10000 * uniform() * uniform());
		loop(C, 0.02 * uniform(), 0.05 * uniform(), 0);
	}
	/* A bad cable: more random loss than a room has, up to 30 %. */
	for (i = 0; i < LOOPS / 10; i++) {
		C = 1e6 * (1 + 10000 * uniform() * uniform());
		loop(C, 0.02 + 0.28 * uniform(), 0.05 * uniform(), 1);
	}
	printf("rate: %u checks, %u failed\n", nchecks, nfailed);
	return nfailed != 0;
}
