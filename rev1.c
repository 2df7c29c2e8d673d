/*
 * netpipe: rev1.c: NetPipe Rev. 1, reliable multicast with a window.
 *
 * The server sends each block once to the group, paced, never more than
 * the window ahead of the slowest live client.  Clients report their
 * progress (R1_STATUS) every few milliseconds and at once when they see
 * a gap, naming the missing ranges; the server repeats a missing block
 * to the group once, however many clients asked for it; to clients that
 * decode, parity blocks instead (R1_PARITY), as many as the one that
 * lacks most of a group of blocks needs.  64-bit stream offsets, a random
 * session id in every packet, a CRC-32 on every packet and over the whole
 * stream.  PROTOCOL.txt is the description.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/types.h>

#include <netinet/in.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpipe.h"

/*
 * Timers, in microseconds, besides the shared ones in netpipe.h.
 * PROTOCOL.txt adds them up.
 */
#define IDLE_PING	50000		/* heartbeat when no data went out */
#define SEEK_SOON	2000		/* seek: once one answered, ping after */
#define SEEK_QUICK	20000		/* and doubling up to this (s_quick) */
#define STATUS_EVERY	50000		/* client status period */
#define STATUS_FAST	10000		/* and in the first STATUS_START */
#define STATUS_START	300000		/* of TX: the server's startup */
#define STATUS_QUIET	200000		/* period in a large room (PF_QUIET) */
#define GAPS_QUIET	20000		/* and reports of gaps this far apart */
#define TICK		10000		/* the loops look around this often */
#define RTO_MIN		10000
#define AGAIN_MIN	2000		/* R1_INIT, R1_EOT again after (s_again) */
#define NAK_MIN		2000		/* a block is asked for again after */
#define HOLDOFF_MIN	1000		/* a block is repeated again after */
#define CTL_MIN		20000		/* rate decisions at most this often */
#define DONE_EVERY	200000		/* client repeats R1_DONE */
#define RTT_MAX		(10 * SEC)	/* an older echo is no sample */

/* The rate's measurement (its decision is rate.c's) and the pacer. */
#define DR_SPAN		20000		/* delivery rate over this, at least */
#define DR_STEP		5000		/* reports kept for it this far apart */
#define DR_HIST		5		/* and so many: DR_SPAN / DR_STEP + 1 */
#define LIMITED		0.85		/* sent less of the rate: app-limited */
#define SLOW_ROUNDS	3		/* below --min-rate so long: left behind */
#define ROOM_SHARE	4		/* one in so many congested: the room */
#define LOSS_ROOM	0.02		/* or one above 2 x the others' + this */
#define LOSS_RUN	3		/* in so many rounds in a row (startup: 1) */
#define BURST		(64 * 1024)	/* bytes the pacer waits to send */
#define BURST_MAX	(256 * 1024)	/* a late wakeup sends its due up to */
#define OUT_CHUNK	(1024 * 1024)	/* client writes at least this */
#define OUT_PIECE	(256 * 1024)	/* and this much per loop, at most */
#define OUT_WAIT	50000		/* or what it has, after this long */
#define TX_BYTES	(256 * 1024)	/* bytes per loop iteration, at most */
#define IN_CHUNK	BURST_MAX	/* bytes read from stdin at a time */

#define DATA_OVERHEAD	(R1_DATA_HDR + 4)	/* R1_DATA's header and CRC */
#define FLOG		4		/* parity sends a group remembers */
#define FLATE		4		/* parity on its way for FLATE rto */
#define FD_SPAN		50000		/* delivery delay: least over this */
#define QD_SPAN		500000		/* a client's: least over this */
#define QD_STAND	5000		/* a queue stands this far above */
#define REDO_MIN	(RTO_MIN + NAK_MIN)	/* parity asked again: past an rto */

/* A report, for the delivery rate: when, its count, what had been sent. */
struct drpoint {
	uint64_t	 at;
	uint32_t	 rcvd;
	uint64_t	 all;		/* R1_DATA bytes sent by then */
};

/* A client, as the server sees it: the table's member and more. */
struct r1client {
	struct member	 m;		/* addr, alive, heard, rtt, bytes ... */
	int		 ready;
	int		 done;
	uint64_t	 ack;		/* all below received */
	uint64_t	 room;		/* it can take up to here */
	uint64_t	 moved;		/* its ack last advanced */
	uint32_t	 rcvd, missed;	/* its counters, last reported */
	uint32_t	 rcvd0, missed0;	/* at the last round's end */
	int		 fresh;		/* it reported since then */
	int		 spoke;		/* in the round that ended */
	struct drpoint	 dh[DR_HIST];	/* its last reports, newest first */
	unsigned	 ndh;
	double		 sample;	/* bit/s reaching it, best of the round */
	struct bwfilt	 bw;		/* and of the last rounds */
	double		 lbase;		/* the loss it has anyway */
	double		 own;		/* and shown not to be a queue's */
	double		 loss;		/* in the last two rounds */
	double		 ln;		/* over so many datagrams */
	double		 mprev, dprev;	/* the last round's missed, all */
	int		 slow;		/* below --min-rate: left behind */
	unsigned	 below;		/* rounds it has been below it */
	int		 congested;	/* in the last round (loss_says) */
	unsigned	 lossrun;	/* in so many rounds in a row */
	uint64_t	 out_at, out_w;	/* output: the last look, written then */
	double		 orate;		/* bit/s written, the last second */
	uint64_t	 slow_at, slow_w;	/* --min-rate: short since, 0 not */
	int		 decodes;	/* it takes parity (PONG_DECODES) */
	uint64_t	 qd_cur, qd_prev;	/* its least delay: s_qdelay */
	uint64_t	 qd_at, qd_base;
	uint64_t	 qd_last;	/* its last */
	uint64_t	 fd_seen;	/* its newest block timed: s_fdelay */
};

/* Parity on demand: a group of blocks, as the server sees it. */
struct r1group {
	uint64_t	 g;		/* the group this entry is for */
	unsigned	 idx;		/* next parity index, 0 .. 255 - k */
	unsigned	 want;		/* parity blocks to send */
	unsigned	 need;		/* asked for before it was complete */
	unsigned	 used;		/* indices sent, up to all 255 - k */
	unsigned	 nsent;		/* of sent[] */
	struct {
		uint64_t t;		/* a send step */
		unsigned n;		/* the group's parity blocks in it */
	}		 sent[FLOG];	/* the last ones, oldest first */
};

struct r1server {
	struct members	 cl;		/* of struct r1client: first (netpipe.h) */
	enum { S_SEEK, S_INIT, S_TX, S_EOT } phase;
	uint32_t	 session;
	uint64_t	 seek_end;
	uint64_t	 joined_at;	/* the first client joined */
	uint64_t	 quick;		/* seek's ping period after that */
	uint64_t	 next_ping, last_send;
	uint64_t	 ping_period;
	uint64_t	 wake;		/* the next repeat of INIT or EOT due */
	struct stamps	 stamps;

	size_t		 B;		/* data bytes per block */
	size_t		 W;		/* window bytes, a multiple of B */
	size_t		 nblk;		/* W / B */
	uint8_t		*ring;		/* [tail, head) of the stream */
	uint32_t	*pcrc;		/* packet CRC per slot */
	uint64_t	*sent_at;	/* last send per slot */
	uint8_t		*queued;	/* in the repeat queue, per slot */
	uint64_t	*rtxq;		/* offsets to repeat */
	size_t		 rq_head, rq_len;
	uint64_t	 tail, head, next;
	uint64_t	 lead;		/* the room's written out (s_lead) */
	uint64_t	*wv;		/* s_lead's, one per client */
	size_t		 nwv;
	int		 eof;
	uint32_t	 scrc;		/* stream CRC of [0, next) new data */
	struct crcjoin	 join;		/* joins of B bytes */
	uint64_t	 eot_sent;

	double		 rate, cap;	/* bit/s */
	double		 tokens;	/* bytes */
	uint64_t	 refill, ctl_at, ctl_bytes;
	struct rate_out	 rc;		/* the last decision's state */
	const struct r1client *qc;	/* the longest queue stands before it */
	uint64_t	 qd;		/* that long, µs; 0: none */
	unsigned	 round;		/* rate decisions made */
	int		 starved;	/* in it, nothing to send at times */
	int		 held;		/* in it, a send waited for room */
	double		 sent_prev;	/* bit/s sent in the last round */
	uint64_t	 sent_bytes;	/* R1_DATA bytes sent */

	uint64_t	 npkt, nrtx;	/* new blocks, repeats */
	uint64_t	 held_at;	/* -v: the room's holder last named */
	uint8_t		*tx;		/* packets being assembled */

	/* Parity on demand (PROTOCOL.txt 10.13). */
	unsigned	 gk;		/* data blocks a group */
	size_t		 ng;		/* entries: group g is at g % ng */
	struct r1group	*groups;
	uint64_t	 gdone;		/* the groups below are complete */
	uint64_t	 pwant;		/* parity blocks to send, in all */
	uint64_t	 fd_at, fd_cur, fd_prev;	/* delivery delay, least */
	uint8_t		*zero;		/* B zero bytes */
	uint64_t	 npar;		/* parity blocks sent */
};

struct r1cli {
	enum { K_WAIT, K_SEEK, K_TX, K_END } phase;
	union addr	 srv;
	uint32_t	 session;
	uint64_t	 heard;
	size_t		 B, W, nblk;
	uint8_t		*ring;
	uint8_t		*have;		/* per slot */
	uint32_t	*blen;		/* data bytes per slot */
	uint32_t	*dcrc;		/* CRC-32 of the slot's data */
	uint64_t	*nak_at;	/* per slot: when asked for, 0 never */
	uint64_t	 wr, ack, hi;	/* written, contiguous, highest end */
	uint64_t	 total;		/* from R1_EOT */
	int		 eot;
	uint32_t	 want_crc, scrc;
	struct crcjoin	 join;		/* joins of B bytes */
	uint32_t	 rcvd, missed;
	uint64_t	 next_status, status_room;
	uint64_t	 status_at;	/* the last R1_STATUS */
	int		 quiet;		/* the server's PF_QUIET */
	int		 aged;		/* its PF_AGE: reports say top_at */
	uint64_t	 rtt;		/* the server's hint */
	int		 gaps;		/* new gaps to report */
	int		 result;
	uint64_t	 done_at;
	uint64_t	 wrote_at;	/* last write to standard output */
	int		 warned;
	int		 decode;	/* the server sends parity; we decode */
	unsigned	 gk;		/* data blocks a group; 1: no decoding */
	uint8_t		*par;		/* per slot: the parity block (k ..
					   255) held in it for its hole, 0 */
	size_t		 npark;		/* slots holding parity */
	uint64_t	 redo;		/* a hole is to be asked for again */
	uint64_t	 top;		/* end of the highest block received */
	uint64_t	 top_at;	/* µs: when that block arrived */
	uint8_t		*zero;		/* B zero bytes */
};

/* The hooks: s_init ... s_peer, k_init ... k_peer (netpipe.h). */
ROLE_HOOKS;

static void	 s_senderr(struct np *, const union addr *, uint32_t,
		    uint32_t);
static struct r1client *s_client(const struct r1server *, unsigned);
static uint64_t	 s_slowest(const struct r1server *);
static uint64_t	 s_limit(const struct r1server *);
static void	 s_group(struct np *, const uint8_t *, size_t, uint64_t);
static void	 s_ping(struct np *, uint64_t, int);
static void	 s_small(struct np *, const union addr *, uint8_t);
static void	 s_eot(struct np *, const union addr *, uint64_t);
static void	 s_queue(struct r1server *, uint64_t);
static void	 s_drate(struct r1server *, struct r1client *, uint64_t);
static void	 s_relearn(struct r1server *);
static void	 s_repeat(struct np *, const struct r1client *, uint64_t,
		    uint64_t, uint64_t);
static uint64_t	 s_holdoff(const struct r1client *);
static void	 s_qdelay(struct r1client *, uint64_t, uint64_t);
static uint64_t	 s_queued(const struct r1client *);
static const char *s_qstr(const struct r1server *);
static void	 s_naks(struct np *, const struct r1client *,
		    const struct r1status *, uint64_t);
static size_t	 s_build(struct r1server *, uint8_t *, uint64_t);
static int	 s_sendable(const struct r1server *);
static int	 s_pick(struct r1server *, uint64_t, uint64_t *);
static void	 s_pump(struct np *, uint64_t);
static void	 s_train(struct np *, size_t, size_t, uint64_t);
static void	 s_ended(struct np *, uint64_t);
static int	 s_news(const struct r1server *, uint64_t);
static void	 s_slow(struct r1server *, int, double);
static int	 s_others_done(const struct r1server *);
static struct r1client *s_round(struct r1server *, struct rate_in *,
		    double);
static void	 s_control(struct np *, uint64_t);
static void	 s_advance(struct np *, uint64_t);
static void	 s_finish(struct np *);
static void	 s_join(struct np *, const struct r1pkt *,
		    const union addr *, uint64_t);
static int	 s_quick(const struct r1server *, uint64_t);
static uint64_t	 s_again(const struct r1client *, uint64_t, uint64_t);
static uint64_t	 s_soon(const struct r1client *);
static void	 s_pong(struct r1client *, uint64_t, uint64_t);
static void	 s_status(struct np *, struct r1client *,
		    const struct r1status *, uint64_t);
static int	 s_done(struct np *, struct r1client *, uint32_t);
static void	 s_watch(struct np *, struct r1client *, uint64_t);
static uint64_t	 s_written(const struct r1server *, const struct r1client *);
static uint64_t	 s_lead(struct r1server *);
static int	 u64desc(const void *, const void *);
static int	 s_output(struct np *, struct r1client *, uint64_t);
static void	 s_holder(struct np *, uint64_t);

static void	 k_send(struct np *, const uint8_t *, size_t);
static void	 k_small(struct np *, uint8_t);
static void	 k_abort(struct np *, uint32_t, int);
static int	 k_wait(struct np *, const struct r1pkt *, int,
		    const union addr *);
static void	 k_lock(struct np *, const struct r1ping *,
		    const union addr *, uint32_t);
static void	 k_window(struct np *, const struct r1ping *);
static void	 k_printable(char *, const uint8_t *, size_t);
static int	 k_data(struct np *, const struct r1data *, const uint8_t *,
		    size_t, uint64_t);
static uint64_t	 k_limit(const struct r1cli *);
static void	 k_advance(struct r1cli *);
static void	 k_output(struct np *, uint64_t);
static unsigned	 k_naks(struct r1cli *, struct r1range *, uint64_t);
static int	 k_due(const struct r1cli *, uint64_t);
static void	 k_status(struct np *, uint64_t);
static void	 k_done(struct np *, int);
static void	 k_check_end(struct np *, uint64_t);
static int	 k_rev0(struct np *, const uint8_t *, size_t,
		    const union addr *);
static void	 k_ping(struct np *, const struct r1ping *);
static void	 k_begin(struct np *, uint64_t);
static void	 k_eot(struct np *, const struct r1eot *,
		    const union addr *);
static void	 k_bye(struct np *);
static void	 k_error(struct np *, const struct r1error *,
		    const union addr *);

/* Parity on demand, both sides (PROTOCOL.txt 10.13). */
static uint8_t	 s_parflag(const struct np *);
static unsigned	 groupmost(uint8_t);
static unsigned	 groupk(size_t, unsigned);
static void	 s_fecinit(struct np *);
static void	 s_fecfini(struct r1server *);
static uint64_t	 s_rtail(const struct r1server *);
static struct r1group *s_gent(struct r1server *, uint64_t);
static int	 s_complete(const struct r1server *, uint64_t);
static void	 s_decodes(struct np *, struct r1client *,
		    const struct r1pong *);
static void	 s_fnaks(struct np *, struct r1client *,
		    const struct r1status *, uint64_t);
static uint64_t	 s_sent(const struct r1server *, uint64_t);
static uint64_t	 s_aged(const struct r1server *, const struct r1status *);
static uint64_t	 s_fseen(const struct r1server *, const struct r1status *,
		    unsigned);
static void	 s_fdelay(struct r1server *, struct r1client *, uint64_t,
		    uint64_t);
static unsigned	 s_fflight(const struct r1server *, const struct r1client *,
		    const struct r1group *, uint64_t, uint64_t);
static void	 s_fwant(struct np *, const struct r1client *, uint64_t,
		    uint64_t, uint64_t, uint64_t);
static void	 s_fqueue(struct r1server *, struct r1group *, unsigned);
static void	 s_flog(struct r1group *, uint64_t);
static void	 s_fcomplete(struct np *);
static int	 s_fready(const struct r1server *);
static size_t	 s_fbuild(struct r1server *, uint8_t *, uint64_t, unsigned);
static void	 s_fsend(struct np *, uint64_t);
static void	 k_fecwindow(struct r1cli *);
static void	 k_unpark(struct np *, uint64_t);
static void	 k_parity(struct np *, const struct r1parity *);
static int	 k_decode(struct np *, uint64_t);
static void	 k_sweep(struct np *);
static unsigned	 k_gnaks(struct r1cli *, struct r1range *, uint64_t);
static void	 k_fredo(struct r1cli *, uint64_t);

const struct role rev1_server = SERVER_ROLE;
const struct role rev1_client = CLIENT_ROLE;

/* ---- server ---------------------------------------------------------- */

/* R1_ERROR from the server's socket to one client or the group. */
static void
s_senderr(struct np *np, const union addr *to, uint32_t code,
    uint32_t eno)
{
	const struct r1server *s = np->rs;
	uint8_t p[R1_ERROR_LEN];

	np->io->send(np->io->ctx, p, r1_pack_error(p, s->session, code, eno),
	    to);
}

static void
s_init(struct np *np, uint64_t now)
{
	const struct opts *o = np->o;
	struct r1server *s;

	(void)now;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		err(1, NULL);
	np->rs = s;
	s->phase = S_SEEK;
	np->io->random(np->io->ctx, &s->session, sizeof(s->session));
	s->B = np->net.block;
	s->nblk = o->window / s->B;
	if (s->nblk < 2)
		s->nblk = 2;
	if (s->nblk > MAX_WBLOCKS)	/* tiny blocks: what a client takes */
		s->nblk = MAX_WBLOCKS;
	s->W = s->nblk * s->B;
	if ((s->ring = malloc(s->W)) == NULL ||
	    (s->pcrc = calloc(s->nblk, sizeof(*s->pcrc))) == NULL ||
	    (s->sent_at = calloc(s->nblk, sizeof(*s->sent_at))) == NULL ||
	    (s->queued = calloc(s->nblk, 1)) == NULL ||
	    (s->rtxq = calloc(s->nblk, sizeof(*s->rtxq))) == NULL ||
	    (s->tx = malloc(TX_BYTES + DATA_OVERHEAD + s->B)) == NULL)
		err(1, NULL);
	members_init(&s->cl, sizeof(struct r1client), o->nclients, s_senderr);
	crc_join_init(&s->join, s->B);
	s_fecinit(np);
	s->ping_period = ping_period(o);
	rate_start(o->rate, &s->rate, &s->cap);
	s->rc.mode = RC_STARTUP;
	if (o->wait)
		s->seek_end = np->start + secs(o->wait);
	info(np, "session %08x: waiting for %u client%s on %s (%s)",
	    s->session, o->nclients, o->nclients == 1 ? "" : "s",
	    np->net.ifname[0] ? np->net.ifname : "-",
	    addrstr(&np->net.dst));
}

static void
s_fini(struct np *np)
{
	struct r1server *s = np->rs;

	if (s == NULL)
		return;
	free(s->ring);
	free(s->pcrc);
	free(s->sent_at);
	free(s->queued);
	free(s->wv);
	free(s->rtxq);
	free(s->tx);
	s_fecfini(s);
	members_free(&s->cl);
	free(s);
	np->rs = NULL;
}

/* The table's i-th client: member_at(), without a call per look. */
static struct r1client *
s_client(const struct r1server *s, unsigned i)
{
	return (struct r1client *)(s->cl.v +
	    (size_t)i * sizeof(struct r1client));
}

/* The longest smoothed round trip of a live client, µs. */
static uint64_t
s_slowest(const struct r1server *s)
{
	const struct r1client *c;
	uint64_t rtt = 0;
	unsigned i;

	for (i = 0; i < s->cl.n; i++) {
		c = s_client(s, i);
		if (c->m.alive && c->m.rtt.srtt > rtt)
			rtt = c->m.rtt.srtt;
	}
	return rtt;
}

/* How far the live clients' windows let the stream go. */
static uint64_t
s_limit(const struct r1server *s)
{
	const struct r1client *c;
	uint64_t limit = UINT64_MAX;
	unsigned i;

	for (i = 0; i < s->cl.n; i++) {
		c = s_client(s, i);
		if (c->m.alive && !c->slow && c->room < limit)
			limit = c->room;
	}
	return limit;
}

static void
s_group(struct np *np, const uint8_t *p, size_t n, uint64_t now)
{
	struct r1server *s = np->rs;

	np->io->send(np->io->ctx, p, n, &np->net.dst);
	s->last_send = now;
}

static void
s_ping(struct np *np, uint64_t now, int seeking)
{
	struct r1server *s = np->rs;
	uint8_t p[R1_PING_MAX];
	struct r1ping g;
	uint64_t rtt = s_slowest(s);
	size_t llen = np->o->label ? strlen(np->o->label) : 0;

	g.flags = (seeking ? PF_SEEK : 0) | PF_AGE | s_parflag(np);
	if (np->o->nclients > QUIET_ROOM || s->cl.n > QUIET_ROOM)
		g.flags |= PF_QUIET;
	g.stamp = now;
	g.next = s->next;
	g.rtt = rtt > UINT32_MAX ? UINT32_MAX : (uint32_t)rtt;
	g.block = (uint32_t)s->B;
	g.window = (uint32_t)s->W;
	g.llen = (uint8_t)llen;
	g.label = (const uint8_t *)(np->o->label ? np->o->label : "");
	stamp_add(&s->stamps, now);
	s_group(np, p, r1_pack_ping(p, s->session, &g), now);
}

/* A packet of header and CRC only, to one client. */
static void
s_small(struct np *np, const union addr *to, uint8_t cmd)
{
	const struct r1server *s = np->rs;
	uint8_t p[R1_MIN];

	np->io->send(np->io->ctx, p, r1_pack_small(p, cmd, s->session), to);
}

static void
s_eot(struct np *np, const union addr *to, uint64_t now)
{
	struct r1server *s = np->rs;
	uint8_t p[R1_EOT_LEN];
	struct r1eot e;

	e.length = s->head;
	e.scrc = s->scrc;
	np->io->send(np->io->ctx, p, r1_pack_eot(p, s->session, &e), to);
	s->last_send = now;
}

static void
s_queue(struct r1server *s, uint64_t off)
{
	size_t slot = (size_t)(off / s->B % s->nblk);

	if (s->queued[slot] || s->rq_len == s->nblk)
		return;
	s->queued[slot] = 1;
	s->rtxq[(s->rq_head + s->rq_len++) % s->nblk] = off;
}

/*
 * What reaches it, at each of its reports in TX and EOT: the datagrams
 * it counts since each of its kept reports DR_SPAN old or more (half
 * that in startup), as bit/s, and no more than was sent since.  Kept
 * reports are DR_STEP apart, the last DR_HIST.  The round keeps the
 * best: the pacer sends in bursts, and one span holds a burst more or
 * less than another, so the one span of the youngest report alone
 * reads up to a fifth low (10.8).
 */
static void
s_drate(struct r1server *s, struct r1client *c, uint64_t now)
{
	const struct drpoint *p = NULL;
	uint64_t min;
	double dt, r;
	unsigned i;

	if (s->phase < S_TX)
		return;
	/* 20 ms at least (10 in startup): a probe's round shows. */
	min = s->rc.mode == RC_STARTUP ? DR_SPAN / 2 : DR_SPAN;
	for (i = 0; i < c->ndh; i++) {
		if (now - c->dh[i].at < min)
			continue;
		p = &c->dh[i];
		dt = (double)(now - p->at);
		r = (double)(uint32_t)(c->rcvd - p->rcvd) *
		    (double)(s->B + DATA_OVERHEAD) * 8e6 / dt;
		if (r > (double)(s->sent_bytes - p->all) * 8e6 / dt)
			r = (double)(s->sent_bytes - p->all) * 8e6 / dt;
		if (r > c->sample)
			c->sample = r;
	}
	if (c->ndh > 0 && now - c->dh[0].at < DR_STEP)
		return;
	memmove(c->dh + 1, c->dh, (DR_HIST - 1) * sizeof(c->dh[0]));
	c->dh[0].at = now;
	c->dh[0].rcvd = c->rcvd;
	c->dh[0].all = s->sent_bytes;
	if (c->ndh < DR_HIST)
		c->ndh++;
}

/* The ranges a client misses: into the repeat queue. */
static void
s_naks(struct np *np, const struct r1client *c, const struct r1status *st,
    uint64_t now)
{
	struct r1server *s = np->rs;
	uint64_t off;
	unsigned i;

	for (i = 0; i < st->nranges; i++) {
		off = st->range[i].off;
		if (off % s->B != 0 || off < s->tail ||
		    st->range[i].len > s->W ||
		    off + st->range[i].len > s->next) {
			np->junk++;
			continue;
		}
		if (st->range[i].len > 0)
			s_repeat(np, c, off / s->B,
			    (off + st->range[i].len - 1) / s->B, now);
	}
}

/*
 * Blocks lo .. hi (numbers, not offsets) that c lacks into the repeat
 * queue, but one sent a moment ago: that copy is on its way (10.7's
 * hold-off, s_holdoff).
 */
static void
s_repeat(struct np *np, const struct r1client *c, uint64_t lo,
    uint64_t hi, uint64_t now)
{
	struct r1server *s = np->rs;
	uint64_t b, hold = s_holdoff(c);

	for (b = lo; b <= hi; b++)
		if (now - s->sent_at[b % s->nblk] >= hold)
			s_queue(s, b * s->B);
}

/* How long a block just sent to c is taken to be on its way (10.7). */
static uint64_t
s_holdoff(const struct r1client *c)
{
	return c->m.rtt.srtt / 2 > HOLDOFF_MIN ? c->m.rtt.srtt / 2 :
	    HOLDOFF_MIN;
}

/*
 * One R1_DATA packet for the block at off, into p; returns its length.
 * A new block's CRC is computed once, and the stream's CRC grows with
 * it; a repeat goes out with the CRC kept for its slot.
 */
static size_t
s_build(struct r1server *s, uint8_t *p, uint64_t off)
{
	size_t slot = (size_t)(off / s->B % s->nblk);
	size_t len = s->head - off < s->B ? (size_t)(s->head - off) : s->B;
	const uint8_t *data = s->ring + slot * s->B;
	uint32_t dcrc;

	if (off == s->next) {
		dcrc = np_crc32(data, len);
		s->pcrc[slot] = r1_data_crc(&s->join, s->session, off, dcrc,
		    len);
		s->scrc = crc_join(&s->join, s->scrc, dcrc, len);
	}
	return r1_pack_data(p, s->session, off, data, len, s->pcrc[slot]);
}

/* Is there a repeat, or new data the window lets out? */
static int
s_sendable(const struct r1server *s)
{
	uint64_t limit;

	if (s_fready(s))
		return 1;
	if (s->rq_len > 0)
		return 1;
	limit = s_limit(s);
	return s->next < limit && s->next < s->head &&
	    (s->head - s->next >= s->B || s->eof);
}

/*
 * The next block to send into *off: a repeat (returns 1), or new data
 * below limit (returns 0); -1: nothing to send.
 */
static int
s_pick(struct r1server *s, uint64_t limit, uint64_t *off)
{
	while (s->rq_len > 0) {
		*off = s->rtxq[s->rq_head];
		s->rq_head = (s->rq_head + 1) % s->nblk;
		s->rq_len--;
		s->queued[*off / s->B % s->nblk] = 0;
		if (*off >= s->tail && *off < s->next)
			return 1;
	}
	*off = s->next;
	if (*off >= limit || *off >= s->head ||
	    (s->head - *off < s->B && !s->eof))
		return -1;
	return 0;
}

/* The one place that decides what the server sends next. */
static void
s_pump(struct np *np, uint64_t now)
{
	struct r1server *s = np->rs;
	uint64_t limit, off;
	size_t n = 0, k, seg = 0;
	int rtx;

	if (s->phase != S_TX && s->phase != S_EOT)
		return;
	s->tokens += (double)(now - s->refill) * s->rate / 8e6;
	s->refill = now;
	if (s->tokens > BURST_MAX)	/* a late wakeup keeps its due */
		s->tokens = BURST_MAX;
	limit = s_limit(s);
	s_fsend(np, now);	/* parity first, in trains of its own */
	while (n < TX_BYTES && s->tokens > 0) {
		if ((rtx = s_pick(s, limit, &off)) == -1) {
			s->starved = 1;	/* the rate allowed more */
			break;
		}
		/* GSO wants equal segments: a short one ends the batch. */
		k = (s->head - off < s->B ? (size_t)(s->head - off) : s->B) +
		    DATA_OVERHEAD;
		if (seg != 0 && k != seg) {
			if (rtx)
				s_queue(s, off);
			break;
		}
		s_build(s, s->tx + n, off);
		if (!rtx) {
			s->next += k - DATA_OVERHEAD;
			s->npkt++;
		} else
			s->nrtx++;
		s->sent_at[off / s->B % s->nblk] = now;
		seg = k;
		n += k;
		s->tokens -= (double)k;
		if (k < s->B + DATA_OVERHEAD)
			break;
	}
	if (n > 0)
		s_train(np, n, seg, now);
	s_ended(np, now);
}

/* The n bytes in s->tx, datagrams of seg, to the group. */
static void
s_train(struct np *np, size_t n, size_t seg, uint64_t now)
{
	struct r1server *s = np->rs;

	s->held |= np->io->sendsegs(np->io->ctx, &np->net.dst, s->tx, n,
	    seg);
	s->sent_bytes += n;
	s->last_send = now;
}

/* All of the stream sent once: R1_EOT to the group. */
static void
s_ended(struct np *np, uint64_t now)
{
	struct r1server *s = np->rs;
	struct r1client *c;
	unsigned i;

	if (!s->eof || s->next != s->head || s->eot_sent != 0)
		return;
	s->phase = S_EOT;
	s_eot(np, &np->net.dst, now);
	s->eot_sent = now;
	for (i = 0; i < s->cl.n; i++) {
		c = s_client(s, i);
		c->m.resend = now + NAK_MIN;
	}
	debug(np, "end of stream at %llu bytes, CRC %08x",
	    (unsigned long long)s->head, s->scrc);
}

/* A round ends with news from every client, or after 200 ms. */
static int
s_news(const struct r1server *s, uint64_t span)
{
	const struct r1client *c;
	unsigned i;

	for (i = 0; i < s->cl.n; i++) {
		c = s_client(s, i);
		if (c->m.alive && !c->done && !c->fresh)
			return span >= 10 * CTL_MIN;
	}
	return 1;
}

/*
 * The round's end for each client: its loss in the round, congestion or
 * not (loss_says; in startup only STARTUP_LOSS or more, or at a client
 * whose delivery no longer grows by FULL_GROWTH: a client's 1 % of
 * random loss passes loss_says now and then in the first rounds,
 * before its own loss is learnt, while its delivery still doubles; a
 * link that startup overflows loses far more, but across a long path
 * the first round that shows it has only its start, 5 % over the two
 * rounds), its delivery rate into its filter;
 * the bottleneck is the least best among them, but for those whose best is below need
 * (--min-rate, 10.9) unless none reaches it.  Returns the client that
 * sets it, or NULL.
 */
static struct r1client *
s_round(struct r1server *s, struct rate_in *in, double need)
{
	struct r1client *c, *h = NULL, *f = NULL;
	double d, m, b, fast = 0, rm = 0, rd = 0;
	uint64_t q;
	unsigned i, n = 0, ncong = 0;
	int counts;

	in->btlbw = 0;
	in->loss = 0;
	in->queued = 0;
	in->qgrow = 0;
	s->qd = 0;
	s->qc = NULL;
	for (i = 0; i < s->cl.n; i++) {
		c = s_client(s, i);
		if (!c->m.alive || c->done)
			continue;
		n++;
		/* What its own loss took, back; but no faster than sent: a
		 * client's late burst of reading is no bandwidth. */
		if (c->own > c->lbase)
			c->own = c->lbase;
		c->sample = bw_own(c->sample, c->own);
		if (c->sample > in->cap_sample)
			c->sample = in->cap_sample;
		/* Over two rounds: one burst lost is not yet a rate. */
		c->congested = 0;
		m = (double)(uint32_t)(c->missed - c->missed0);
		d = (double)(uint32_t)(c->rcvd - c->rcvd0) + m;
		c->ln = d + c->dprev;
		c->loss = c->ln > 0 ? (m + c->mprev) / c->ln : 0;
		if (!c->slow) {		/* the room's loss: who counts */
			rm += m + c->mprev;
			rd += c->ln;
		}
		/* With --min-rate, only the loss and the queue of a client
		 * that takes it are the room's: the others are to be left
		 * behind, and what their ports do is their own. */
		b = bw_best(&c->bw);
		counts = !c->slow && (need == 0 || c->sample >= need ||
		    b >= need);
		if (counts && c->qd_at != 0 &&
		    (double)(c->qd_last - c->qd_base) > in->qgrow)
			in->qgrow = (double)(c->qd_last - c->qd_base);
		if (counts && (q = s_queued(c)) > s->qd) {
			in->queued = 1;
			s->qd = q;
			s->qc = c;
		}
		if (loss_says(c->loss, d + c->dprev, &c->lbase) && counts &&
		    (s->rc.mode != RC_STARTUP || c->loss >= STARTUP_LOSS ||
		    (!in->limited && c->sample < FULL_GROWTH * b))) {
			c->congested = 1;
			ncong++;
			if (c->loss > in->loss)
				in->loss = c->loss;
			/* Startup overflowed the link: what it took. */
			if (s->rc.mode == RC_STARTUP && c->sample > 0)
				bw_reset(&c->bw, c->sample);
		}
		c->lossrun = c->congested ? c->lossrun + 1 : 0;
		bw_update(&c->bw, s->round, c->sample, in->limited);
		b = bw_best(&c->bw);
		/* --min-rate: who cannot take it does not set the pace. */
		if (b > 0 && b < need) {
			if (b > fast)
				fast = b, f = c;
		} else if (b > 0 && (in->btlbw == 0 || b < in->btlbw)) {
			in->btlbw = b;
			h = c;
		}
		c->sample = 0;
		c->mprev = m;
		c->dprev = d;
		c->rcvd0 = c->rcvd;
		c->missed0 = c->missed;
		c->spoke = c->fresh;
		c->fresh = 0;
	}
	s->round++;
	if (in->btlbw == 0 && f != NULL) {
		in->btlbw = fast;	/* none can: the fastest */
		h = f;
	}
	/*
	 * Congestion of the room: at more than one client in ROOM_SHARE
	 * (two at least), as a narrow link they share makes it; or at one
	 * that also loses well above the others, as its own narrow port
	 * makes it, after startup LOSS_RUN rounds in a row (a room of 1000
	 * has some client lose so by chance now and then, not so long); a
	 * client alone, at once.  Not at one alone: early on, before a
	 * client's own loss is learnt, chance passes loss_says at some
	 * client of a room of ten or more in most rounds.
	 */
	in->lossy = ncong > 1 && ncong > n / ROOM_SHARE;
	for (i = 0; i < s->cl.n && ncong > 0 && !in->lossy; i++) {
		c = s_client(s, i);
		if (!c->m.alive || c->done || !c->congested)
			continue;
		/* Above the others' loss: its own port, not chance. */
		d = rd - c->ln;
		m = rm - c->loss * c->ln;
		in->lossy = d <= 0 || (c->loss > 2 * m / d + LOSS_ROOM &&
		    (s->rc.mode == RC_STARTUP || c->lossrun >= LOSS_RUN));
	}
	s_slow(s, in->btlbw > 0 && in->btlbw >= need && need > 0, need);
	return h;
}

/*
 * How long blocks wait on the way to c (10.8): at each report, how long
 * ago the block after the newest it shows went out (s_fseen), or, from
 * a client that says how long its newest block waited in it (s_aged),
 * that block's time on the way; the least over QD_SPAN, the one before,
 * and ever.  The queue before its switch port is in it, and its own
 * reports' way back, which the least ever is.
 */
static void
s_qdelay(struct r1client *c, uint64_t seen, uint64_t now)
{
	uint64_t d;

	if (seen == 0 || seen > now)
		return;
	d = now - seen;
	if (c->qd_at == 0) {
		c->qd_prev = c->qd_cur = c->qd_base = UINT64_MAX;
		c->qd_at = now;
	} else if (now - c->qd_at >= QD_SPAN) {
		c->qd_prev = c->qd_cur;
		c->qd_cur = UINT64_MAX;
		c->qd_at = now;
	}
	if (d < c->qd_cur)
		c->qd_cur = d;
	if (d < c->qd_base)
		c->qd_base = d;
	c->qd_last = d;
}

/*
 * The newest block an R1_STATUS names went out at seen, reached the
 * client's kernel age µs before the report left: as if sent at seen +
 * age.  What waited in the client, in its socket while it wrote out or
 * waited for a CPU, is no queue on the way (10.8); 0 if not known.
 */
static uint64_t
s_aged(const struct r1server *s, const struct r1status *st)
{
	uint64_t seen = s_sent(s, st->newest);

	return seen == 0 ? 0 : seen + st->age;
}

/*
 * A queue stands before c: over the last QD_SPAN to 2 QD_SPAN, every
 * block waited QD_STAND more than the least ever.  The room's own
 * queue, a probe's, goes in its drain; one that stands through it is
 * another flow's, a TCP flow's sawtooth, which fills the port's buffer.
 */
static uint64_t
s_queued(const struct r1client *c)
{
	uint64_t m = c->qd_cur < c->qd_prev ? c->qd_cur : c->qd_prev;

	if (c->qd_at == 0 || c->qd_prev == UINT64_MAX ||
	    m == UINT64_MAX || m <= c->qd_base + QD_STAND)
		return 0;
	return m - c->qd_base;
}

/* For -v: "ADDR: N ms", the longest standing queue, or "". */
static const char *
s_qstr(const struct r1server *s)
{
	static char buf[80];

	if (s->qc == NULL)
		return "";
	(void)snprintf(buf, sizeof(buf), "%s: %.1f ms",
	    addrstr(&s->qc->m.addr), (double)s->qd / 1000);
	return buf;
}

/*
 * The congested clients' loss did not follow the rate down (rate.c,
 * loss_follows): it is theirs, a bad cable's or a busy host's, their
 * baseline from now on, and what their delivery samples lack (bw_own)
 * until the baseline learns less.
 */
static void
s_relearn(struct r1server *s)
{
	struct r1client *c;
	unsigned i;

	for (i = 0; i < s->cl.n; i++) {
		c = s_client(s, i);
		if (c->congested && c->loss > c->lbase)
			c->lbase = c->own = c->loss;
	}
}

/*
 * --min-rate (10.9): while some client takes the rate, a client whose
 * best has been below it for SLOW_ROUNDS rounds no longer holds the
 * room back: the window, the ring and the repeats go on without it,
 * until it is dropped (s_output), or until its own best is the rate
 * again, whether or not another's still is (the ring has let go of
 * what it lacks: taken back in, it would hold the window for good).
 * A round it did not report in counts neither way: its best is then
 * old news (a client paused, or not scheduled, while the input sped
 * up).
 */
static void
s_slow(struct r1server *s, int some, double need)
{
	struct r1client *c;
	double b;
	unsigned i;

	for (i = 0; i < s->cl.n; i++) {
		c = s_client(s, i);
		if (c->m.alive && !c->done && !c->spoke)
			continue;
		b = bw_best(&c->bw);
		if (c->m.alive && !c->done && b < need &&
		    (c->slow || (some && b > 0)))
			c->below++;
		else
			c->below = 0;
		c->slow = c->below >= SLOW_ROUNDS;
	}
}

/*
 * Rate: measured here, decided by rate_decide() (rate.c), once a round:
 * when every client has reported (or 200 ms passed), at least 20 ms and
 * 4 round trips since the last.  -v logs every decision and its reason.
 */
static void
s_control(struct np *np, uint64_t now)
{
	struct r1server *s = np->rs;
	uint64_t span = now - s->ctl_at;
	const struct r1client *h;
	struct rate_in in;
	double sent;

	if (span < CTL_MIN || span < (s->rc.mode == RC_STARTUP ? 2 : 4) *
	    s_slowest(s) || !s_news(s, span))
		return;
	sent = (double)(s->sent_bytes - s->ctl_bytes) * 8e6 / (double)span;
	in.limited = s->starved && sent < LIMITED * s->rate;
	in.slow = !in.limited && !s->held && sent < LIMITED * s->rate;
	in.cap_sample = sent > s->sent_prev ? sent : s->sent_prev;
	s->sent_prev = sent;
	s->starved = s->held = 0;
	h = s_round(s, &in, (double)np->o->min_rate);
	in.rate = s->rate;
	in.cap = s->cap;
	in.mode = s->rc.mode;
	in.phase = s->rc.phase;
	in.full_bw = s->rc.full_bw;
	in.full_cnt = s->rc.full_cnt;
	in.self_us = s->rc.self_us;
	in.debt = s->rc.debt;
	in.hi = s->rc.hi;
	in.age = s->rc.age;
	in.cut = s->rc.cut;
	in.alone = s->rc.alone;
	in.qwait = s->rc.qwait;
	in.qrun = s->rc.qrun;
	in.sent = sent;
	in.span = (double)span;
	rate_decide(&in, &s->rc);
	s->rate = s->rc.rate;
	if (s->rc.relearn)
		s_relearn(s);
	if (h != NULL)
		debug(np, "rate %.1f Mbit/s: %s; %.2f x %.1f Mbit/s reaching "
		    "%s (loss %.1f%%, its own %.1f%%); sent %.1f Mbit/s%s%s%s",
		    s->rate / 1e6, s->rc.why, s->rc.gain, in.btlbw / 1e6,
		    addrstr(&h->m.addr), h->loss * 100, h->lbase * 100,
		    sent / 1e6, in.limited ? ", not all the rate allowed" :
		    in.slow ? ", all it could" : "", s->qc != NULL ?
		    "; a queue stands before " : "", s_qstr(s));
	s->ctl_at = now;
	s->ctl_bytes = s->sent_bytes;
}

static void
s_advance(struct np *np, uint64_t now)
{
	struct r1server *s = np->rs;
	struct r1client *c;
	unsigned i, ok;
	uint64_t tail;

	if (s->phase != S_SEEK && members_gone(np, &s->cl))
		return;
	switch (s->phase) {
	case S_SEEK:
		if (members_seek_over(np, &s->cl, s->seek_end, now)) {
			s->phase = S_INIT;
			np->began = now;
			for (i = 0; i < s->cl.n; i++) {
				c = s_client(s, i);
				c->m.resend = now;
				c->room = s->W;
				c->moved = now;
			}
			debug(np, "initialization phase, %u clients",
			    s->cl.nalive);
		}
		break;
	case S_INIT:
		for (i = 0, ok = 1; i < s->cl.n; i++) {
			c = s_client(s, i);
			if (c->m.alive && !c->ready)
				ok = 0;
		}
		if (ok) {
			s->phase = S_TX;
			s->refill = s->ctl_at = now;
			s->rate = rate_first(s->rate, (double)s_slowest(s));
			for (i = 0; i < s->cl.n; i++)
				s_client(s, i)->moved = now;
			debug(np, "transaction phase");
		}
		break;
	case S_TX:
	case S_EOT:
		tail = s->next;
		for (i = 0, ok = 1; i < s->cl.n; i++) {
			c = s_client(s, i);
			if (!c->m.alive)
				continue;
			if (c->ack < tail && !c->slow)
				tail = c->ack;
			if (!c->done)
				ok = 0;
		}
		s->tail = tail;
		if (s->phase == S_EOT && ok)
			s_finish(np);
		break;
	}
}

/* Every live client confirmed the end; the driver sums up. */
static void
s_finish(struct np *np)
{
	const struct r1server *s = np->rs;

	np->bytes = s->head;
	np->status = s->cl.nalive == s->cl.n ? 0 : 3;
	np->done = 1;
}

/* An answer to a ping from a stranger: a client that would join. */
static void
s_join(struct np *np, const struct r1pkt *k, const union addr *from,
    uint64_t now)
{
	struct r1server *s = np->rs;
	uint64_t t = k->u.pong.stamp;

	if (!stamp_known(&s->stamps, t)) {
		np->junk++;
		return;
	}
	if (member_join(np, &s->cl, s->phase == S_SEEK, from, now, now - t,
	    RTO_MIN) != NULL) {
		s_decodes(np, s_client(s, s->cl.n - 1), &k->u.pong);
		if (s->joined_at == 0) {
			s->joined_at = now;
			s->quick = SEEK_SOON;
		}
		if (s_quick(s, now) && s->next_ping > now + s->quick)
			s->next_ping = now + s->quick;
		s_advance(np, now);
	}
}

/*
 * Seek: once some client has answered, the others most likely lost the
 * ping, and ask for another soon (SEEK_SOON after, then twice as long
 * each time up to SEEK_QUICK: a room of 1000 answers every ping); for a
 * second, not for all of -w.
 */
static int
s_quick(const struct r1server *s, uint64_t now)
{
	return s->phase == S_SEEK && s->joined_at != 0 &&
	    now - s->joined_at < SEC;
}

static void
s_pong(struct r1client *c, uint64_t t, uint64_t now)
{
	if (t <= now && now - t < RTT_MAX)
		rtt_sample(&c->m.rtt, now - t, RTO_MIN, RTO_MAX);
}

/* A client's progress and the ranges it misses. */
static void
s_status(struct np *np, struct r1client *c, const struct r1status *st,
    uint64_t now)
{
	struct r1server *s = np->rs;

	if (s->phase < S_TX)
		return;
	if (st->ack > s->next || st->ack < c->ack || st->room < st->ack ||
	    st->room - st->ack > s->W) {
		np->junk++;
		return;
	}
	if (st->ack > c->ack)
		c->moved = now;
	c->ack = st->ack;
	c->room = st->room;
	c->rcvd = st->rcvd;
	c->missed = st->missed;
	c->fresh = 1;
	s_drate(s, c, now);
	if (st->aged)
		s_qdelay(c, s_aged(s, st), now);
	else
		s_qdelay(c, s_fseen(s, st, 1), now);
	c->m.bytes = st->ack;
	if (c->slow)
		return;		/* --min-rate: left behind, no repairs */
	if (c->decodes)
		s_fnaks(np, c, st, now);
	else
		s_naks(np, c, st, now);
}

/* The client has the whole stream (or not): -1 if not the time for it. */
static int
s_done(struct np *np, struct r1client *c, uint32_t result)
{
	struct r1server *s = np->rs;

	if (s->phase != S_EOT)
		return -1;
	if (result != DONE_OK) {
		member_drop(np, &s->cl, &c->m, 0,
		    "its check of the whole stream failed");
		return 0;
	}
	if (!c->done) {
		c->done = 1;
		c->ack = c->m.bytes = s->head;
		debug(np, "client %s done", addrstr(&c->m.addr));
	}
	s_small(np, &c->m.addr, R1_BYE);
	return 0;
}

/*
 * A datagram at the server's status port.  Damaged or of another
 * session: junk.  From a stranger: an answer to a ping may join, the
 * rest is foreign.  From a client dropped: it is told again.  Else one
 * handler per packet type.
 */
static void
s_packet(struct np *np, const uint8_t *p, size_t n,
    const union addr *from, uint64_t now)
{
	struct r1server *s = np->rs;
	struct r1client *c;
	struct r1pkt k;
	int ok;

	/* Not ok but intact: a sealed packet of a wrong length or kind. */
	ok = r1_unpack(p, n, &k) == 0 &&
	    (k.cmd != R1_DATA || r1_intact(p, n));
	if ((!ok && !r1_intact(p, n)) || k.session != s->session) {
		np->junk++;
		return;
	}
	if ((c = (struct r1client *)member_find(&s->cl, from)) == NULL) {
		if (ok && k.cmd == R1_PONG)
			s_join(np, &k, from, now);
		else
			np->foreign++;
		return;
	}
	if (!c->m.alive) {
		/* Dropped, but still talking: tell it again. */
		if (k.cmd != R1_ERROR)
			s_senderr(np, from, NPE_DROPPED, 0);
		np->foreign++;
		return;
	}
	if (!ok) {
		np->junk++;
		return;
	}
	switch (k.cmd) {
	case R1_PONG:
		s_pong(c, k.u.pong.stamp, now);
		break;
	case R1_READY:
		c->ready = 1;
		break;
	case R1_STATUS:
		s_status(np, c, &k.u.status, now);
		break;
	case R1_DONE:
		if (s_done(np, c, k.u.result) == -1)
			goto junk;
		break;
	case R1_ERROR:
		member_stopped(np, &s->cl, &c->m, s->phase == S_SEEK,
		    k.u.error.code, k.u.error.eno);
		break;
	default:
		goto junk;
	}
	c->m.heard = now;
	s_advance(np, now);
	return;
junk:
	np->junk++;
}

/* A client's timers: silence, no progress, repeats of INIT and EOT. */
static void
s_watch(struct np *np, struct r1client *c, uint64_t now)
{
	struct r1server *s = np->rs;
	uint64_t t = secs(np->o->timeout);

	if (!c->m.alive || c->done)
		return;		/* a client done may leave */
	if (now - c->m.heard >= t) {
		member_drop(np, &s->cl, &c->m, s->phase == S_SEEK,
		    "timed out after %u s", np->o->timeout);
		return;
	}
	/* Alive but stuck: it lacks data and has not moved. */
	if (c->ack >= s->next)
		c->moved = now;
	else if (s->phase >= S_TX && now - c->moved >= t && !c->slow) {
		member_drop(np, &s->cl, &c->m, 0,
		    "too slow: no progress for %u s", np->o->timeout);
		return;
	}
	if (s->phase >= S_TX && s_output(np, c, now))
		return;
	if (s->phase == S_INIT && !c->ready && now - np->began >= t) {
		member_drop(np, &s->cl, &c->m, 0,
		    "no answer to R1_INIT for %u s, though alive",
		    np->o->timeout);
		return;
	}
	if (now >= c->m.resend && s->phase == S_INIT && !c->ready) {
		s_small(np, &c->m.addr, R1_INIT);
		c->m.resend = now + s_again(c, np->began, now);
	} else if (now >= c->m.resend && s->phase == S_EOT && !c->done) {
		s_eot(np, &c->m.addr, now);
		c->m.resend = now + s_again(c, s->eot_sent, now);
	}
	if ((s->phase == S_INIT || s->phase == S_EOT) && c->m.resend < s->wake)
		s->wake = c->m.resend;
}

/*
 * When R1_INIT or R1_EOT goes to a client again, the first having gone
 * at since: soon (AGAIN_MIN, or two round trips), then twice as far
 * apart each time up to the rto.  A room of 1000 loses ten of each at
 * 1%, and the whole room waits for the last.
 */
static uint64_t
s_again(const struct r1client *c, uint64_t since, uint64_t now)
{
	uint64_t t = now - since, least = s_soon(c);

	if (t < least)
		t = least;
	return t < c->m.rtt.rto ? t : c->m.rtt.rto;
}

/* Two of c's round trips, AGAIN_MIN at least. */
static uint64_t
s_soon(const struct r1client *c)
{
	return 2 * c->m.rtt.srtt > AGAIN_MIN ? 2 * c->m.rtt.srtt : AGAIN_MIN;
}

/* Every alive client that is not left behind (s_slow) is done. */
static int
s_others_done(const struct r1server *s)
{
	const struct r1client *c;
	unsigned i;

	if (s->phase != S_EOT)
		return 0;
	for (i = 0; i < s->cl.n; i++) {
		c = s_client(s, i);
		if (c->m.alive && !c->slow && !c->done)
			return 0;
	}
	return 1;
}

/* What it has written out: its room less the window (10.6). */
static uint64_t
s_written(const struct r1server *s, const struct r1client *c)
{
	return c->room > s->W ? c->room - s->W : 0;
}

/*
 * What a client is behind of (--min-rate, 10.9): what half the alive
 * clients not left behind have written out, if there are two or more
 * (with two, the more); else, or without memory, what was sent.  A
 * room that all goes at the server's pace, below the rate (a server
 * short of CPU, disks slower than it), has no client behind the others,
 * nor do most of it behind one that ran ahead.
 */
static uint64_t
s_lead(struct r1server *s)
{
	const struct r1client *c;
	uint64_t *v;
	unsigned i;
	size_t n = 0;

	if (s->nwv < s->cl.n) {
		if ((v = reallocarray(s->wv, s->cl.n, sizeof(*v))) == NULL)
			return s->next;
		s->wv = v;
		s->nwv = s->cl.n;
	}
	for (i = 0; i < s->cl.n; i++) {
		c = s_client(s, i);
		if (c->m.alive && !c->slow)
			s->wv[n++] = s_written(s, c);
	}
	if (n < 2)
		return s->next;
	qsort(s->wv, n, sizeof(*s->wv), u64desc);
	return s->wv[(n - 1) / 2];
}

/* qsort: largest first. */
static int
u64desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * Its output rate, written over each second.  With --min-rate, a client
 * behind (half a window or more short of the room's, s_lead, or a block
 * once all is sent: it holds the room back) is short from then on, until a
 * second at the rate or until it catches up; short for T, and below the
 * rate over that time, it is dropped (PROTOCOL.txt 10.9).  Returns 1 if
 * it was.
 */
static int
s_output(struct np *np, struct r1client *c, uint64_t now)
{
	struct r1server *s = np->rs;
	double need = (double)np->o->min_rate, r;
	uint64_t w = s_written(s, c), lag;

	if (c->out_at == 0) {
		c->out_at = now;
		c->out_w = w;
	} else if (now - c->out_at >= SEC) {
		c->orate = (double)(w > c->out_w ? w - c->out_w : 0) * 8e6 /
		    (double)(now - c->out_at);
		c->out_at = now;
		c->out_w = w;
		if (c->orate >= need)
			c->slow_at = 0;
	}
	lag = s->lead > w ? s->lead - w : 0;
	if (need == 0 || (!c->slow && lag < (s->eof && s->next == s->head ?
	    s->B : s->W / 2))) {
		c->slow_at = 0;
		return 0;
	}
	if (c->slow && s_others_done(s)) {
		member_drop(np, &s->cl, &c->m, 0, "output %.1f Mbit/s, below "
		    "--min-rate %g Mbit/s, when the others had the whole "
		    "stream", c->orate / 1e6, need / 1e6);
		return 1;
	}
	if (c->slow_at == 0) {
		c->slow_at = now;
		c->slow_w = w;
		return 0;
	}
	if (now - c->slow_at < secs(np->o->timeout))
		return 0;
	r = (double)(w > c->slow_w ? w - c->slow_w : 0) * 8e6 /
	    (double)(now - c->slow_at);
	if (r >= need) {
		c->slow_at = now;
		c->slow_w = w;
		return 0;
	}
	member_drop(np, &s->cl, &c->m, 0, "output %.1f Mbit/s for %u s, "
	    "below --min-rate %g Mbit/s", r / 1e6, np->o->timeout,
	    need / 1e6);
	return 1;
}

/*
 * -v, once a second: the client that holds the room back, if one does:
 * new data waits for room at it, or all is sent and it is the furthest
 * behind of those not done.
 */
static void
s_holder(struct np *np, uint64_t now)
{
	struct r1server *s = np->rs;
	const struct r1client *c, *h = NULL;
	uint64_t w, lag;
	unsigned i;

	if (now - s->held_at < SEC)
		return;
	s->held_at = now;
	for (i = 0; i < s->cl.n; i++) {
		c = s_client(s, i);
		if (c->m.alive && !c->done && (h == NULL || c->room < h->room))
			h = c;
	}
	if (h == NULL)
		return;
	w = s_written(s, h);
	lag = s->next > w ? s->next - w : 0;
	if (s->eof && s->next == s->head ? lag < s->B : s->next < h->room)
		return;
	debug(np, "client %s holds the room back: %.1f Mbit/s written, "
	    "%.1f MiB behind", addrstr(&h->m.addr), h->orate / 1e6,
	    (double)lag / 1048576);
}

static void
s_timer(struct np *np, uint64_t now)
{
	struct r1server *s = np->rs;
	unsigned i;

	if (now >= s->next_ping) {
		s_ping(np, now, s->phase == S_SEEK);
		s->next_ping = now + (s->phase != S_SEEK ? s->ping_period :
		    s_quick(s, now) ? s->quick : SEEK_PING);
		if (s_quick(s, now))
			s->quick = 2 * s->quick < SEEK_QUICK ? 2 * s->quick :
			    SEEK_QUICK;
	} else if (s->phase >= S_TX && now - s->last_send >= IDLE_PING)
		s_ping(np, now, 0);	/* heartbeat: where the stream is */
	s->wake = UINT64_MAX;
	s->lead = np->o->min_rate > 0 ? s_lead(s) : s->next;
	for (i = 0; i < s->cl.n; i++)
		s_watch(np, s_client(s, i), now);
	s_advance(np, now);
	if (np->done)
		return;
	if (s->phase >= S_TX && np->o->verbose > 0)
		s_holder(np, now);
	if (s->phase >= S_TX)
		s_control(np, now);
	s_pump(np, now);
}

static uint64_t
s_deadline(const struct np *np, uint64_t now)
{
	const struct r1server *s = np->rs;
	uint64_t d = now + TICK, t;
	double need;

	if (s->next_ping < d)
		d = s->next_ping;
	if (s->wake > now && s->wake < d)
		d = s->wake;
	/* Once -w has run out with no client, wait for one, not spin. */
	if (s->phase == S_SEEK && s->seek_end > now && s->seek_end < d)
		d = s->seek_end;
	if (s->phase >= S_TX && s_sendable(s)) {
		/* Wake for a whole burst: one GSO send, not one packet. */
		need = (double)BURST - s->tokens;
		t = s->refill + (need > 0 ? (uint64_t)(need * 8e6 / s->rate) :
		    0);
		if (t < d)
			d = t;
	}
	return d;
}

static int
s_want_input(const struct np *np)
{
	const struct r1server *s = np->rs;

	return s->phase >= S_TX && !s->eof && s->head - s_rtail(s) < s->W;
}

/* Read standard input into the ring, as much as it and the window take. */
static void
s_input(struct np *np, uint64_t now)
{
	struct r1server *s = np->rs;
	size_t at = (size_t)(s->head % s->W), room;
	ssize_t r;

	(void)now;
	room = s->W - at;
	if (s->W - (s->head - s_rtail(s)) < room)
		room = (size_t)(s->W - (s->head - s_rtail(s)));
	/* Not the whole window at once: sending starts at the first
	 * chunk; and no more than a step may send after it, for a read
	 * from a disk blocks (10.8). */
	if (room > IN_CHUNK)
		room = IN_CHUNK;
	if ((r = server_read(np, &s->cl, s->ring + at, room)) == -1)
		return;
	if (r == 0)
		s->eof = 1;
	s->head += (uint64_t)r;
}

static void
s_tally(const struct np *np, struct tally *t)
{
	const struct r1server *s = np->rs;

	t->bytes = np->done && np->status != 1 ? s->head : s->tail;
	t->blocks = s->npkt;
	t->repeats = s->nrtx;
	t->parity = s->npar;
	t->npeers = s->cl.n;
	t->nalive = s->cl.nalive;
}

static void
s_peer(const struct np *np, unsigned i, struct peer *p)
{
	const struct r1client *c = s_client(np->rs, i);

	member_peer(&c->m, c->done, p);
}

/* ---- client ---------------------------------------------------------- */

static void
k_init(struct np *np, uint64_t now)
{
	struct r1cli *k;

	(void)now;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		err(1, NULL);
	k->phase = K_WAIT;
	np->rs = k;
}

static void
k_fini(struct np *np)
{
	struct r1cli *k = np->rs;

	if (k == NULL)
		return;
	free(k->ring);
	free(k->have);
	free(k->blen);
	free(k->dcrc);
	free(k->nak_at);
	free(k->par);
	free(k->zero);
	free(k);
	np->rs = NULL;
}

/* To the server, from the client's status socket. */
static void
k_send(struct np *np, const uint8_t *p, size_t n)
{
	const struct r1cli *k = np->rs;

	np->io->send(np->io->ctx, p, n, &k->srv);
}

static void
k_small(struct np *np, uint8_t cmd)
{
	const struct r1cli *k = np->rs;
	uint8_t p[R1_MIN];

	k_send(np, p, r1_pack_small(p, cmd, k->session));
}

static void
k_abort(struct np *np, uint32_t code, int eno)
{
	const struct r1cli *k = np->rs;
	uint8_t p[R1_ERROR_LEN];
	int i;

	if (k->phase == K_WAIT)
		return;
	for (i = 0; i < ABORT_COPIES; i++)
		k_send(np, p, r1_pack_error(p, k->session, code,
		    (uint32_t)eno));
}

/*
 * Waiting for a server: the first seeking one we may answer (from the
 * status port, of our label, with a window we can take) is locked.
 * Returns 0 when the packet is to be dealt with further, else -1.
 */
static int
k_wait(struct np *np, const struct r1pkt *k, int ok,
    const union addr *from)
{
	const struct r1ping *g = &k->u.ping;
	const char *lab = np->o->label;

	if (!ok || addrport(from) != np->net.sport ||
	    k->cmd != R1_PING || g->block == 0 || g->block > MAX_BLOCK1 ||
	    g->window % g->block != 0 || g->window / g->block < 2 ||
	    g->window / g->block > MAX_WBLOCKS || g->window > MAX_WINDOW) {
		np->foreign++;
		return -1;
	}
	if (lab != NULL && (g->llen != strlen(lab) ||
	    memcmp(g->label, lab, g->llen) != 0)) {
		np->foreign++;
		return -1;
	}
	if (!(g->flags & PF_SEEK)) {
		np_fail(np, "a transfer from %s (session %08x) is already "
		    "under way; this client missed its start", addrstr(from),
		    k->session);
		return -1;
	}
	k_lock(np, g, from, k->session);
	return 0;
}

/*
 * The first seeking server we may answer: take its parameters.  Its
 * ping is answered at once; the window comes after (k_window).
 */
static void
k_lock(struct np *np, const struct r1ping *g,
    const union addr *from, uint32_t session)
{
	struct r1cli *k = np->rs;
	uint8_t flags = g->flags;

	k->srv = *from;
	k->session = session;
	k->B = g->block;
	k->W = g->window;
	k->nblk = k->W / k->B;
	k->aged = !np->o->no_decode && (g->flags & PF_AGE);
	if (np->o->old_groups)
		flags &= ~PF_WIDE;	/* as a client that knows no PF_WIDE */
	k->decode = !np->o->no_decode && groupmost(flags) != 0;
	k->gk = k->decode ? groupk(k->nblk, groupmost(flags)) : 1;
	k->phase = K_SEEK;
}

/*
 * The locked server's window and what we say of it: after the answer to
 * its first ping, which would otherwise wait for the allocations and
 * the line (some 100 µs), and the server take that for its round trip.
 */
static void
k_window(struct np *np, const struct r1ping *g)
{
	struct r1cli *k = np->rs;
	char label[4 * UINT8_MAX + 1];

	crc_join_init(&k->join, k->B);
	if ((k->ring = malloc(k->W)) == NULL ||
	    (k->have = calloc(k->nblk, 1)) == NULL ||
	    (k->blen = calloc(k->nblk, sizeof(*k->blen))) == NULL ||
	    (k->dcrc = calloc(k->nblk, sizeof(*k->dcrc))) == NULL ||
	    (k->nak_at = calloc(k->nblk, sizeof(*k->nak_at))) == NULL)
		err(1, NULL);
	k_fecwindow(k);
	k_printable(label, g->label, g->llen);
	info(np, "answering server %s, session %08x%s%s", addrstr(&k->srv),
	    k->session, g->llen ? ", label " : "", label);
	if (k->decode)
		debug(np, "parity decoded in groups of %u blocks", k->gk);
}

/*
 * A label from the network, fit for the operator's terminal: a byte
 * outside printable ASCII, or a backslash, as \xHH.  buf holds 4 * len + 1.
 */
static void
k_printable(char *buf, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] >= 0x20 && p[i] <= 0x7e && p[i] != '\\')
			*buf++ = (char)p[i];
		else
			buf += sprintf(buf, "\\x%02x", p[i]);
	}
	*buf = '\0';
}

/*
 * A data packet, its CRC not yet checked: a new block is checked where
 * it lands, in the window, and that check's CRC of the data is kept for
 * the stream's CRC: one pass over the bytes, and what is checked is what
 * will be written.  Anything else is checked as any packet is.  Returns
 * whether the packet was intact.
 */
static int
k_data(struct np *np, const struct r1data *d, const uint8_t *p, size_t n,
    uint64_t now)
{
	struct r1cli *k = np->rs;
	size_t len = d->len, slot;
	uint32_t dcrc;
	uint8_t *at;

	if (d->off % k->B != 0 || len > k->B) {
		if (!r1_intact(p, n))
			return 0;
		np->junk++;		/* intact, but no block */
		return 1;
	}
	slot = (size_t)(d->off / k->B % k->nblk);
	if (d->off < k->ack || d->off > k_limit(k) - len || k->have[slot]) {
		if (!r1_intact(p, n))
			return 0;
		k->rcvd++;		/* had it, or beyond the window */
		return 1;
	}
	if (k->npark > 0 && k->par[slot] != 0)
		k_unpark(np, d->off);
	at = k->ring + slot * k->B;
	memcpy(at, d->data, len);
	dcrc = np_crc32(at, len);
	if (r1_data_crc(&k->join, k->session, d->off, dcrc, len) != d->crc)
		return 0;
	if (k->eot && d->off + len > k->total) {
		np->junk++;		/* intact, but past the end */
		return 1;
	}
	k->have[slot] = 1;
	k->blen[slot] = (uint32_t)len;
	k->dcrc[slot] = dcrc;
	k->rcvd++;
	if (d->off > k->hi)
		k->gaps = 1;	/* what lies between was lost: ask at once */
	if (d->off + len > k->hi)
		k->hi = d->off + len;
	if (d->off + len > k->top) {
		k->top = d->off + len;
		k->top_at = now;
	}
	k_advance(k);
	if (k->npark > 0)
		(void)k_decode(np, d->off / k->B / k->gk);
	return 1;
}

/*
 * The window starts at the block being written out: wr itself need not
 * be on a block boundary, and that block's slot is not free yet.
 */
static uint64_t
k_limit(const struct r1cli *k)
{
	return k->wr - k->wr % (k->gk * k->B) + k->W;
}

/*
 * Move the contiguous mark over what has arrived; the stream's CRC grows
 * with it, block by block, in the stream's order.
 */
static void
k_advance(struct r1cli *k)
{
	size_t slot, len;

	for (;;) {
		slot = (size_t)(k->ack / k->B % k->nblk);
		if (!k->have[slot])
			break;
		len = k->blen[slot];
		k->scrc = crc_join(&k->join, k->scrc, k->dcrc[slot], len);
		k->have[slot] = 0;
		k->nak_at[slot] = 0;
		k->ack += len;
		if (len < k->B)
			break;
	}
}

/*
 * Write what is contiguous to standard output, in large writes: a
 * megabyte, or what there is at the end or after a quiet moment.
 */
static void
k_output(struct np *np, uint64_t now)
{
	struct r1cli *k = np->rs;
	size_t at, len;
	int e;

	if (k->ack - k->wr < OUT_CHUNK && !k->eot &&
	    now - k->wrote_at < OUT_WAIT)
		return;
	k->wrote_at = now;
	/* One piece per turn of the loop: a slow reader does not stop
	 * the status reports. */
	if (k->wr < k->ack) {
		at = (size_t)(k->wr % k->W);
		len = k->ack - k->wr < k->W - at ? (size_t)(k->ack - k->wr) :
		    k->W - at;
		if (len > OUT_PIECE)
			len = OUT_PIECE;
		if ((e = np->io->write(np->io->ctx, k->ring + at, len)) != 0) {
			k_abort(np, NPE_INTERNAL, e);
			np_fail(np, "stdout: %s", strerror(e));
			return;
		}
		k->wr += len;
		np->bytes = k->wr;
	}
}

/*
 * The missing ranges from ack on, each block asked for again only after
 * the retry time; returns how many (at most MAX_RANGES).
 */
static unsigned
k_naks(struct r1cli *k, struct r1range *r, uint64_t now)
{
	uint64_t o, end, start = 0, retry;
	unsigned nr = 0;
	size_t slot;
	int open = 0;

	retry = 2 * k->rtt > NAK_MIN ? 2 * k->rtt : NAK_MIN;
	end = k->hi;
	if (k->eot && k->total > end)
		end = k->total;
	if (end > k_limit(k))
		end = k_limit(k);
	for (o = k->ack; o < end && nr < MAX_RANGES; o += k->B) {
		slot = (size_t)(o / k->B % k->nblk);
		if (!k->have[slot] && (k->nak_at[slot] == 0 ||
		    now - k->nak_at[slot] >= retry)) {
			if (k->nak_at[slot] == 0)
				k->missed++;
			k->nak_at[slot] = now;
			if (!open)
				start = o, open = 1;
			continue;
		}
		if (open) {
			r[nr].off = start;
			r[nr++].len = (uint32_t)(o - start);
			open = 0;
		}
	}
	if (open && nr < MAX_RANGES) {
		/* The last range ends with the stream, not a block later. */
		r[nr].off = start;
		r[nr++].len = (uint32_t)((o < end ? o : end) - start);
	}
	return nr;
}

/*
 * Is a report due?  Its period, new gaps (at once), room grown by a
 * quarter window.  In a large room (PF_QUIET, 10.3.6) gaps wait 20 ms
 * after the last report and room must have grown by half a window.
 */
static int
k_due(const struct r1cli *k, uint64_t now)
{
	if (now >= k->next_status)
		return 1;
	if (!k->quiet)
		return k->gaps || k_limit(k) >= k->status_room + k->W / 4;
	return (k->gaps && (now - k->status_at >= GAPS_QUIET || k->eot)) ||
	    k_limit(k) >= k->status_room + k->W / 2;
}

/* Progress, room, counters and the missing ranges. */
static void
k_status(struct np *np, uint64_t now)
{
	struct r1cli *k = np->rs;
	uint8_t p[R1_STATUS_MIN + 12 * MAX_RANGES + R1_STATUS_AGE];
	struct r1status st;
	uint64_t t;

	st.nranges = k->decode ? k_gnaks(k, st.range, now) :
	    k_naks(k, st.range, now);
	st.ack = k->ack;
	st.room = k_limit(k);
	st.rcvd = k->rcvd;
	st.missed = k->missed;
	/* How long the newest block waited here, to the moment the report
	   leaves (a write may have taken a while): no queue on the way. */
	st.aged = k->aged && k->top > 0;
	st.newest = st.age = 0;
	if (st.aged) {
		t = np->io->clock(np->io->ctx);
		st.newest = (k->top - 1) / k->B * k->B;
		st.age = t <= k->top_at ? 0 : t - k->top_at > UINT32_MAX ?
		    UINT32_MAX : (uint32_t)(t - k->top_at);
	}
	k_send(np, p, r1_pack_status(p, k->session, &st));
	k->next_status = now + (now - np->began < STATUS_START ? STATUS_FAST :
	    k->quiet ? STATUS_QUIET : STATUS_EVERY);
	k->status_at = now;
	if (k->decode)
		k_fredo(k, now);
	k->status_room = k_limit(k);
	k->gaps = 0;
}

static void
k_done(struct np *np, int result)
{
	const struct r1cli *k = np->rs;
	uint8_t p[R1_DONE_LEN];

	k_send(np, p, r1_pack_done(p, k->session, (uint32_t)result));
}

/* All of it here?  Check the whole stream, say so, wait for R1_BYE. */
static void
k_check_end(struct np *np, uint64_t now)
{
	struct r1cli *k = np->rs;
	int e;

	if (!k->eot || k->ack < k->total || k->wr < k->total)
		return;
	if (k->phase != K_END) {
		k->phase = K_END;
		k->result = k->scrc == k->want_crc && k->ack == k->total ?
		    DONE_OK : DONE_BADCRC;
		if (k->result == DONE_OK &&
		    (e = np->io->close(np->io->ctx)) != 0) {
			k_abort(np, NPE_INTERNAL, e);
			np_fail(np, "stdout: %s", strerror(e));
			return;
		}
		if (k->result == DONE_OK)
			debug(np, "the stream's CRC %08x matches the server's",
			    k->scrc);
		np->ended = now;
	}
	k_done(np, k->result);
	k->done_at = now;
	if (k->result != DONE_OK)
		np_fail(np, "the stream's CRC is %08x, the server's %08x: "
		    "the output is damaged", k->scrc, k->want_crc);
}

/* From the server's port while we wait: a Rev. 0 server?  Named once. */
static int
k_rev0(struct np *np, const uint8_t *p, size_t n,
    const union addr *from)
{
	struct r1cli *k = np->rs;
	struct r0pkt r0;

	if (k->phase != K_WAIT || addrport(from) != np->net.sport)
		return 0;
	(void)r0_unpack(p, n, &r0);	/* its command, well-formed or not */
	if (r0.cmd < CM_PING || r0.cmd > CM_ACK_PLZ)
		return 0;
	if (!k->warned)
		info(np, "server %s speaks Rev. 0: use -0", addrstr(from));
	k->warned = 1;
	return 1;
}

/*
 * Answer with the stamp, first: the server times the answer; the first
 * ping's window after.  A stream further than we saw: a lost tail.
 */
static void
k_ping(struct np *np, const struct r1ping *g)
{
	struct r1cli *k = np->rs;
	uint8_t q[R1_PONG_FLAGS];

	if (k->decode)
		k_send(np, q, r1_pack_pong_flags(q, k->session, g->stamp,
		    PONG_DECODES));
	else
		k_send(np, q, r1_pack_pong(q, k->session, g->stamp));
	if (k->ring == NULL)
		k_window(np, g);
	k->quiet = (g->flags & PF_QUIET) != 0;
	k->rtt = g->rtt;
	if (k->phase == K_TX && g->next > k->hi && g->next <= k_limit(k)) {
		k->hi = g->next;
		k->gaps = 1;
	}
}

/* R1_INIT: the transfer begins; each copy is answered with R1_READY. */
static void
k_begin(struct np *np, uint64_t now)
{
	struct r1cli *k = np->rs;

	if (k->phase == K_SEEK) {
		k->phase = K_TX;
		np->began = now;
		k->next_status = now + STATUS_FAST;
		k->status_room = k->W;
	}
	if (k->phase == K_TX)
		k_small(np, R1_READY);
}

static void
k_eot(struct np *np, const struct r1eot *e, const union addr *from)
{
	struct r1cli *k = np->rs;

	if (k->phase == K_SEEK)
		return;
	if (!k->eot) {
		k->eot = 1;
		k->total = e->length;
		k->want_crc = e->scrc;
		if (k->total < k->ack || (k->total > k->hi &&
		    k->hi % k->B != 0)) {
			k_done(np, DONE_BADCRC);
			np_fail(np, "server %s ends the stream at %llu bytes, "
			    "but %llu arrived", addrstr(from),
			    (unsigned long long)k->total,
			    (unsigned long long)k->hi);
			return;
		}
		k->gaps = 1;
		k_sweep(np);	/* the last group can be decoded now */
	}
	if (k->phase == K_END)
		k->done_at = 0;	/* answer again */
}

static void
k_bye(struct np *np)
{
	const struct r1cli *k = np->rs;

	if (k->phase == K_END)
		np->done = 1;
}

static void
k_error(struct np *np, const struct r1error *e,
    const union addr *from)
{
	const struct r1cli *k = np->rs;

	if (e->code == NPE_DROPPED && k->phase == K_END &&
	    k->result == DONE_OK) {
		np_fail(np, "server %s dropped this client: the stream "
		    "arrived whole (CRC %08x), but too late to count",
		    addrstr(from), k->scrc);
		return;
	}
	if (k->phase == K_END && k->result == DONE_OK) {
		np->done = 1;	/* we have it all, checked */
		return;
	}
	server_error(np, from, e->code, e->eno, k->wr);
}

/*
 * A datagram at the client.  A Rev. 0 server is named once; damaged
 * packets are junk; while waiting, a server to answer is looked for;
 * then anything not of our server and session is foreign.  Data is
 * checked where it lands (k_data), the rest by one handler each.
 */
static void
k_packet(struct np *np, const uint8_t *p, size_t n,
    const union addr *from, uint64_t now)
{
	struct r1cli *k = np->rs;
	struct r1pkt pk;
	int ok, data;

	ok = r1_unpack(p, n, &pk) == 0;
	if (!ok && k_rev0(np, p, n, from)) {
		np->foreign++;
		return;
	}
	/* Data is checked where it lands: see k_data(). */
	data = ok && pk.cmd == R1_DATA && k->phase == K_TX;
	if (!data && !(ok && pk.cmd != R1_DATA) && !r1_intact(p, n))
		goto junk;
	if (k->phase == K_WAIT && k_wait(np, &pk, ok, from) == -1)
		return;
	if (!sameaddr(from, &k->srv) || pk.session != k->session) {
		np->foreign++;
		return;
	}
	if (data && !k_data(np, &pk.u.data, p, n, now))
		goto junk;
	k->heard = now;		/* ours, and sealed: a sign of life */
	if (!ok)
		goto junk;
	switch (pk.cmd) {
	case R1_PING:
		k_ping(np, &pk.u.ping);
		break;
	case R1_INIT:
		k_begin(np, now);
		break;
	case R1_DATA:
		break;			/* in K_TX, taken above */
	case R1_EOT:
		k_eot(np, &pk.u.eot, from);
		break;
	case R1_BYE:
		k_bye(np);
		break;
	case R1_ERROR:
		k_error(np, &pk.u.error, from);
		break;
	case R1_PARITY:
		k_parity(np, &pk.u.parity);
		break;
	default:
		goto junk;
	}
	return;
junk:
	np->junk++;
}

static void
k_timer(struct np *np, uint64_t now)
{
	struct r1cli *k = np->rs;

	if (k->phase == K_WAIT) {
		/* -k: only pings that did not open, for a timeout. */
		if (np->wrongkey_at != 0 &&
		    now - np->wrongkey_at >= secs(np->o->timeout))
			np_fail(np, "a server is sending, but not with this "
			    "key");
		return;
	}
	if (k->phase == K_TX) {
		k_output(np, now);
		if (np->done)
			return;
		if (k_due(k, now))
			k_status(np, now);
		k_check_end(np, now);
		if (np->done)
			return;
	} else if (k->phase == K_END && now - k->done_at >= DONE_EVERY)
		k_check_end(np, now);
	if (np->done)
		return;
	if (now - k->heard >= secs(np->o->timeout)) {
		if (k->phase == K_END) {
			/* All written and checked; the BYE got lost. */
			np->done = 1;
			return;
		}
		(void)np->io->close(np->io->ctx);
		np_fail(np, "server %s silent for %u s; the stream is "
		    "incomplete (%llu bytes written)", addrstr(&k->srv),
		    np->o->timeout, (unsigned long long)k->wr);
	}
}

static uint64_t
k_deadline(const struct np *np, uint64_t now)
{
	const struct r1cli *k = np->rs;
	uint64_t d = now + TICK, t;

	if (k->phase == K_WAIT)
		return d + SEC;
	if (k->ack - k->wr >= OUT_CHUNK || (k->eot && k->wr < k->ack))
		return now;	/* more to write at once */
	if (k->phase == K_TX && k->next_status < d)
		d = k->next_status;
	t = k->heard + secs(np->o->timeout);
	return t < d ? t : d;
}

static void
k_interrupt(struct np *np, int sig, uint64_t now)
{
	const struct r1cli *k = np->rs;

	(void)now;
	if (k->phase == K_END && k->result == DONE_OK) {
		np->done = 1;		/* all of it is written and checked */
		return;
	}
	k_abort(np, NPE_ABORT, 0);
	(void)np->io->close(np->io->ctx);
	np_fail(np, "%s: transfer aborted", strsignal(sig));
}

static void
k_tally(const struct np *np, struct tally *t)
{
	const struct r1cli *k = np->rs;

	t->bytes = k->wr;
	t->npeers = k->phase != K_WAIT;
	t->nalive = t->npeers;
}

static void
k_peer(const struct np *np, unsigned i, struct peer *p)
{
	const struct r1cli *k = np->rs;

	(void)i;
	p->addr = k->srv;
	p->bytes = k->wr;
	p->result = k->phase == K_END && k->result == DONE_OK ? PEER_DONE :
	    PEER_ACTIVE;
}

/* ---- parity on demand (PROTOCOL.txt 10.13) --------------------------- */

/* The parity flag this server sets in every R1_PING (10.13.1). */
static uint8_t
s_parflag(const struct np *np)
{
	return np->o->old_groups ? PF_PARITY : PF_WIDE;
}

/* The most blocks a group has under an R1_PING's flags; 0: no parity. */
static unsigned
groupmost(uint8_t flags)
{
	if (flags & PF_WIDE)
		return GROUP_MAX;
	return flags & PF_PARITY ? GROUP_OLD : 0;
}

/*
 * Data blocks a group, from the blocks in the window and the most that
 * the R1_PING's flag allows (groupmost): the same at both ends, so no
 * packet carries it.  A quarter of the window at most, so that a
 * client's window, which starts at the group being written out, keeps
 * three quarters of its room.
 */
static unsigned
groupk(size_t nblk, unsigned most)
{
	size_t k = nblk / 4;

	if (k > most)
		k = most;
	return k < 1 ? 1 : (unsigned)k;
}

static void
s_fecinit(struct np *np)
{
	struct r1server *s = np->rs;

	s->gk = groupk(s->nblk, groupmost(s_parflag(np)));
	debug(np, "parity in groups of %u blocks", s->gk);
	/* The groups that [tail, tail + W) can touch, and a spare. */
	s->ng = s->nblk / s->gk + 2;
	s->fd_cur = s->fd_prev = UINT64_MAX;
	if ((s->groups = calloc(s->ng, sizeof(*s->groups))) == NULL ||
	    (s->zero = calloc(1, s->B)) == NULL)
		err(1, NULL);
}

static void
s_fecfini(struct r1server *s)
{
	free(s->groups);
	free(s->zero);
}

/*
 * Where the ring's oldest byte may be: the tail rounded down to a group,
 * so that a group still being repaired is in the ring whole.
 */
static uint64_t
s_rtail(const struct r1server *s)
{
	return s->tail - s->tail % ((uint64_t)s->gk * s->B);
}

/* Group g's entry, made new if it held an older group. */
static struct r1group *
s_gent(struct r1server *s, uint64_t g)
{
	struct r1group *e = &s->groups[g % s->ng];

	if (e->g != g) {
		s->pwant -= e->want;
		memset(e, 0, sizeof(*e));
		e->g = g;
	}
	return e;
}

/* Every block of group g sent once (the stream may end inside it)? */
static int
s_complete(const struct r1server *s, uint64_t g)
{
	uint64_t gs = (uint64_t)s->gk * s->B;

	return g * gs < s->next && ((g + 1) * gs <= s->next ||
	    (s->eof && s->next == s->head));
}

/*
 * The R1_PONG that admits a client says whether it takes parity (the
 * 18-byte form), once for the transfer: a later one, forged or not,
 * cannot make a client that does not decode wait for parity.
 */
static void
s_decodes(struct np *np, struct r1client *c, const struct r1pong *pg)
{
	c->decodes = pg->flagged && (pg->flags & PONG_DECODES);
	if (c->decodes)
		debug(np, "client %s decodes parity", addrstr(&c->m.addr));
}

/*
 * A decoding client's ranges: the blocks it lists in a group are the
 * parity blocks that group still needs there (its holes less the parity
 * it holds).  Counted a group at a time, without a walk over the blocks.
 */
static void
s_fnaks(struct np *np, struct r1client *c, const struct r1status *st,
    uint64_t now)
{
	struct r1server *s = np->rs;
	uint64_t off, b0, b1, g, cur = UINT64_MAX, m = 0, lo, hi, seen;
	unsigned i;

	seen = s_fseen(s, st, 0);
	s_fdelay(s, c, seen, now);
	for (i = 0; i < st->nranges; i++) {
		off = st->range[i].off;
		if (st->range[i].len == 0)
			continue;	/* the newest block: s_fseen */
		if (off % s->B != 0 || off < s->tail ||
		    st->range[i].len > s->W ||
		    off + st->range[i].len > s->next) {
			np->junk++;
			continue;
		}
		b0 = off / s->B;
		b1 = (off + st->range[i].len - 1) / s->B;
		for (g = b0 / s->gk; g <= b1 / s->gk; g++) {
			lo = g * s->gk > b0 ? g * s->gk : b0;
			hi = g * s->gk + s->gk - 1 < b1 ? g * s->gk + s->gk - 1 :
			    b1;
			/*
			 * Every parity index of g has gone out: the next
			 * would be ones c most likely holds, the one it lost
			 * seconds away at a block a request behind a deep
			 * queue.  The holes its report names go again.
			 */
			if (g < s->gdone && s_gent(s, g)->used >= FEC_N - s->gk) {
				s_repeat(np, c, lo, hi, now);
				continue;
			}
			if (g != cur) {
				if (cur != UINT64_MAX)
					s_fwant(np, c, cur, m, seen, now);
				cur = g;
				m = 0;
			}
			m += hi - lo + 1;
		}
	}
	if (cur != UINT64_MAX)
		s_fwant(np, c, cur, m, seen, now);
}

/*
 * When the newest block a decoding client has went out: the report's
 * last range is empty and names it (10.13), or else the block below its
 * ack or the one after its last range is taken; 0 if it is not known.
 * The server's packets reach a client in the order they were sent, so a
 * client that has a block sent after a parity burst has had that burst
 * (or lost it).  With after 1, when the block after that one went out
 * (0: not yet): it has not reached the client, so the time since is
 * what it has waited at least, which s_qdelay wants (when nothing new
 * goes out, the newest block a client has grows old without a queue).
 */
static uint64_t
s_fseen(const struct r1server *s, const struct r1status *st,
    unsigned after)
{
	const struct r1range *r = NULL;
	uint64_t o;

	if (st->nranges > 0)
		r = &st->range[st->nranges - 1];
	if (r != NULL && r->len == 0)
		o = r->off;
	else {
		if (st->ack == 0 || st->ack > s->next)
			return 0;
		o = (st->ack - 1) / s->B * s->B;
		if (r != NULL && r->off + r->len > o)
			o = r->off + r->len;
	}
	if (s_sent(s, o) == 0)
		return 0;
	return s_sent(s, o + after * s->B);	/* 0: none after it yet */
}

/* When block o went out; 0: not a block, or a later one's slot. */
static uint64_t
s_sent(const struct r1server *s, uint64_t o)
{
	if (o % s->B != 0 || o >= s->next || o < s_rtail(s) ||
	    o + s->W < s->next)
		return 0;
	return s->sent_at[o / s->B % s->nblk];
}

/*
 * How long a block takes from being sent to a report that shows it: the
 * least of now - seen over the decoding clients' reports of the last
 * FD_SPAN to 2 FD_SPAN (a report that shows an older block, as one sent
 * a while after its last block came, is not the least).  The queues on
 * the way, at the server and at the switch, are in it, which the round
 * trips of the pings, timed now and then, are not.  A report is timed
 * only if its block went out after the last one timed for c: once
 * nothing newer reaches c (the stream's end, a stalled window, the block
 * after it lost), each later report of the same block, or of the block
 * below its ack when it names no range, is older by as much, and their
 * least, twice over in s_fflight, kept the parity sent then on its way
 * for ever: the client was dropped.
 */
static void
s_fdelay(struct r1server *s, struct r1client *c, uint64_t seen,
    uint64_t now)
{
	if (seen == 0 || seen > now || seen <= c->fd_seen)
		return;
	c->fd_seen = seen;
	if (s->fd_at == 0 || now - s->fd_at >= FD_SPAN) {
		s->fd_prev = s->fd_cur;
		s->fd_cur = UINT64_MAX;
		s->fd_at = now;
	}
	if (now - seen < s->fd_cur)
		s->fd_cur = now - seen;
}

/*
 * The parity of group g on its way to client c, whose report shows a
 * block sent at seen (0: not known): what is queued, and what was sent
 * since seen (a block sent after it would show in the report), for as
 * long as FLATE rto or twice the delivery delay (s_fdelay), whichever
 * is longer, lest a lost block hold it for ever; if no block has gone
 * out since (the window or the stream has stopped: the report cannot
 * show one), for one rto; after the stream's end, for the delivery
 * delay (the queues on the way) and one of c's round trips, 1 ms at
 * least (half of s_soon): the whole room waits on that parity, and a
 * report that still asks for it after so long was most likely sent
 * after it came, or would have come.  Without seen, what went out in
 * c's hold-off, as s_naks holds off a repeat.
 */
static unsigned
s_fflight(const struct r1server *s, const struct r1client *c,
    const struct r1group *e, uint64_t seen, uint64_t now)
{
	uint64_t hold, last = 0, t, late, end;
	unsigned f = e->want, i;

	hold = s_holdoff(c);
	late = FLATE * c->m.rtt.rto;
	end = s_soon(c) / 2;
	t = s->fd_cur < s->fd_prev ? s->fd_cur : s->fd_prev;
	if (t != UINT64_MAX) {
		if (2 * t > late)
			late = 2 * t;
		end += t;
	}
	if (s->next > 0)
		last = s->sent_at[(s->next - 1) / s->B % s->nblk];
	for (i = 0; i < e->nsent; i++) {
		t = e->sent[i].t;
		if (seen == 0 ? now - t < hold : t > seen &&
		    now - t < (t <= last ? late : s->phase == S_EOT ?
		    end : c->m.rtt.rto))
			f += e->sent[i].n;
	}
	return f;
}

/*
 * Client c needs m parity blocks of group g; the newest block its report
 * shows went out at seen.  Not all of g sent yet: it is remembered, and
 * sent when g is.  Else what c needs beyond what is on its way to it
 * (s_fflight) goes out: each a parity block not sent for g before, so
 * any of them fills any hole at any client, and one burst serves all
 * the clients that lack as many or fewer.
 */
static void
s_fwant(struct np *np, const struct r1client *c, uint64_t g, uint64_t m,
    uint64_t seen, uint64_t now)
{
	struct r1server *s = np->rs;
	struct r1group *e;
	unsigned f;

	if (m > s->gk)
		m = s->gk;
	e = s_gent(s, g);
	if (g >= s->gdone) {		/* not complete, or not looked at */
		if (m > e->need)
			e->need = (unsigned)m;
		return;
	}
	if ((f = s_fflight(s, c, e, seen, now)) < m)
		s_fqueue(s, e, (unsigned)m - f);
}

static void
s_fqueue(struct r1server *s, struct r1group *e, unsigned n)
{
	e->want += n;
	s->pwant += n;
}

/* One more parity block of the group sent at now, in its log. */
static void
s_flog(struct r1group *e, uint64_t now)
{
	if (e->nsent > 0 && e->sent[e->nsent - 1].t == now) {
		e->sent[e->nsent - 1].n++;
		return;
	}
	if (e->nsent == FLOG) {
		/* The two oldest as one, at the later time: taken for on
		   its way longer, never shorter. */
		e->sent[1].n += e->sent[0].n;
		memmove(&e->sent[0], &e->sent[1], (FLOG - 1) *
		    sizeof(e->sent[0]));
		e->nsent--;
	}
	e->sent[e->nsent].t = now;
	e->sent[e->nsent++].n = 1;
}

/*
 * Groups whose last block has gone out since the last look: the parity
 * asked for before they were complete, and --fec's, go out now.
 */
static void
s_fcomplete(struct np *np)
{
	struct r1server *s = np->rs;
	struct r1group *e;
	unsigned n;

	while (s_complete(s, s->gdone)) {
		e = s_gent(s, s->gdone);
		n = e->need > np->o->fec ? e->need : np->o->fec;
		e->need = 0;
		if (n > 0)
			s_fqueue(s, e, n);
		s->gdone++;
	}
}

/* Parity to send, or a group just complete to look at? */
static int
s_fready(const struct r1server *s)
{
	return s->pwant > 0 || s_complete(s, s->gdone);
}

/*
 * One R1_PARITY, parity block k + idx of group g, into p; returns its
 * length.  Made now, from the group's blocks in the ring: blocks past
 * the stream's end are zeros, and so is the rest of a short last block.
 */
static size_t
s_fbuild(struct r1server *s, uint8_t *p, uint64_t g, unsigned idx)
{
	const uint8_t *d[GROUP_MAX];
	uint64_t off;
	size_t at;
	unsigned j;

	for (j = 0; j < s->gk; j++) {
		off = (g * s->gk + j) * s->B;
		d[j] = off < s->head ? s->ring + off % s->W : s->zero;
	}
	if (s->eof && s->head % s->B != 0 && s->head > g * s->gk * s->B &&
	    s->head <= (g + 1) * s->gk * s->B) {
		/* Past the end, that slot holds nothing live (10.13). */
		at = (size_t)(s->head % s->W);
		memset(s->ring + at, 0, s->B - s->head % s->B);
	}
	(void)fec_encode(s->gk, idx, d, s->B, p + R1_PARITY_HDR);
	return r1_pack_parity(p, s->session, (uint32_t)g, (uint8_t)idx,
	    p + R1_PARITY_HDR, s->B);
}

/*
 * The parity asked for, oldest group first, in trains of equal
 * datagrams of their own, paced by the same tokens as R1_DATA.
 */
static void
s_fsend(struct np *np, uint64_t now)
{
	struct r1server *s = np->rs;
	struct r1group *e;
	uint64_t g0;
	size_t n = 0, seg = R1_PARITY_HDR + s->B + 4, i;

	s_fcomplete(np);
	if (s->pwant == 0)
		return;
	g0 = s_rtail(s) / ((uint64_t)s->gk * s->B);
	for (i = 0; i < s->ng && n < TX_BYTES && s->tokens > 0; i++) {
		e = &s->groups[(g0 + i) % s->ng];
		if (e->want == 0)
			continue;
		if (e->g < g0) {	/* every client has it now */
			s->pwant -= e->want;
			e->want = 0;
			continue;
		}
		while (e->want > 0 && n < TX_BYTES && s->tokens > 0) {
			n += s_fbuild(s, s->tx + n, e->g, e->idx);
			e->idx = (e->idx + 1) % (FEC_N - s->gk);
			if (e->used < FEC_N - s->gk)
				e->used++;
			e->want--;
			s->pwant--;
			s_flog(e, now);
			s->tokens -= (double)seg;
			s->npar++;
		}
	}
	if (n > 0)
		s_train(np, n, seg, now);
}

/* A decoding client's parity marks and zero block, beside its window. */
static void
k_fecwindow(struct r1cli *k)
{
	if (!k->decode)
		return;
	if ((k->par = calloc(k->nblk, 1)) == NULL ||
	    (k->zero = calloc(1, k->B)) == NULL)
		err(1, NULL);
}

/*
 * The block at off is about to land in a slot that holds a parity block
 * for its hole: the parity moves to another hole of the group that has
 * none, or is given up (the block itself fills the hole).
 */
static void
k_unpark(struct np *np, uint64_t off)
{
	struct r1cli *k = np->rs;
	uint64_t gs = (uint64_t)k->gk * k->B, g0 = off - off % gs, o, end;
	size_t slot = (size_t)(off / k->B % k->nblk), to;

	end = k->eot ? k->total : k->hi;
	if (end > k_limit(k))
		end = k_limit(k);
	if (end > g0 + gs)
		end = g0 + gs;
	for (o = g0 > k->ack ? g0 : k->ack; o < end; o += k->B) {
		to = (size_t)(o / k->B % k->nblk);
		if (o == off || k->have[to] || k->par[to] != 0)
			continue;
		memcpy(k->ring + to * k->B, k->ring + slot * k->B, k->B);
		k->par[to] = k->par[slot];
		k->par[slot] = 0;
		return;
	}
	k->par[slot] = 0;
	k->npark--;
}

/*
 * R1_PARITY: kept in a hole of its group, in the window, that holds no
 * parity yet (so a flood of parity takes no memory: at most one a
 * hole); one the group has already, or with no hole to go to, is
 * ignored.  Before R1_EOT only holes below hi count: past it, the
 * stream may have ended.  Then the group is decoded if it can be.
 */
static void
k_parity(struct np *np, const struct r1parity *f)
{
	struct r1cli *k = np->rs;
	uint64_t gs, ga, g, g0, o, end;
	uint32_t ahead;
	size_t slot, hole = SIZE_MAX;
	uint8_t pb;

	if (k->phase != K_TX || !k->decode)
		return;			/* not ours to use: not junk */
	if (f->len != k->B || f->index > FEC_N - 1 - k->gk) {
		np->junk++;
		return;
	}
	k->rcvd++;			/* what reaches us, kept or not */
	gs = (uint64_t)k->gk * k->B;
	ga = k->ack / gs;
	/* The group number modulo 2^32, taken at or after ack's. */
	ahead = f->group - (uint32_t)ga;
	if (ahead >= 0x80000000U)
		return;			/* all of it here */
	g = ga + ahead;
	g0 = g * gs;
	end = k->eot ? k->total : k->hi;
	if (end > k_limit(k))
		end = k_limit(k);
	if (end > g0 + gs)
		end = g0 + gs;
	pb = (uint8_t)(k->gk + f->index);
	for (o = g0 > k->ack ? g0 : k->ack; o < end; o += k->B) {
		slot = (size_t)(o / k->B % k->nblk);
		if (k->have[slot])
			continue;
		if (k->par[slot] == pb)
			return;		/* had it */
		if (k->par[slot] == 0 && hole == SIZE_MAX)
			hole = slot;
	}
	if (hole == SIZE_MAX)
		return;
	memcpy(k->ring + hole * k->B, f->parity, k->B);
	k->par[hole] = pb;
	k->npark++;
	(void)k_decode(np, g);
}

/*
 * Group g, once every hole of it holds a parity block and its extent is
 * known (R1_EOT, or hi past it): the holes are decoded in place, taken
 * as arrived blocks (each parity block was counted as received when it
 * came), and ack moves on.  The last group's blocks past
 * the stream's end are zeros, and a short last block is zero-padded, as
 * at the server.  The stream's CRC at the end judges the result.
 * Returns the blocks decoded.
 */
static int
k_decode(struct np *np, uint64_t g)
{
	struct r1cli *k = np->rs;
	uint64_t gs = (uint64_t)k->gk * k->B, g0 = g * gs, real, o;
	unsigned idx[GROUP_MAX], j, n = 0;
	uint8_t *blk[GROUP_MAX], *at;
	size_t slot, len;

	if (!k->eot && g0 + gs > k->hi)
		return 0;
	real = k->eot && k->total < g0 + gs ? k->total : g0 + gs;
	for (j = 0; j < k->gk; j++) {
		o = g0 + (uint64_t)j * k->B;
		idx[j] = j;
		if (o >= real) {
			blk[j] = k->zero;
			continue;
		}
		slot = (size_t)(o / k->B % k->nblk);
		at = blk[j] = k->ring + slot * k->B;
		if (o < k->ack || k->have[slot]) {
			if (o + k->B > real)	/* the short last block */
				memset(at + (real - o), 0,
				    (size_t)(k->B - (real - o)));
			continue;
		}
		if (k->par[slot] == 0)
			return 0;	/* a hole without parity */
		idx[j] = k->par[slot];
		n++;
	}
	if (n == 0)
		return 0;
	if (fec_decode(k->gk, idx, blk, k->B) == -1)
		return 0;	/* not for parity we checked: never */
	for (j = 0; j < k->gk; j++) {
		if (idx[j] == j)
			continue;
		o = g0 + (uint64_t)j * k->B;
		slot = (size_t)(o / k->B % k->nblk);
		len = real - o < k->B ? (size_t)(real - o) : k->B;
		k->par[slot] = 0;
		k->npark--;
		k->have[slot] = 1;
		k->blen[slot] = (uint32_t)len;
		k->dcrc[slot] = np_crc32(k->ring + slot * k->B, len);
		if (k->nak_at[slot] == 0)
			k->missed++;	/* lost, if never asked for */
		if (o + len > k->hi)
			k->hi = o + len;
	}
	k_advance(k);
	return (int)n;
}

/* R1_EOT has come: every group holding parity may decode now. */
static void
k_sweep(struct np *np)
{
	struct r1cli *k = np->rs;
	uint64_t gs, g, end;

	if (!k->decode || k->npark == 0)
		return;
	gs = (uint64_t)k->gk * k->B;
	end = k_limit(k) < k->total ? k_limit(k) : k->total;
	for (g = k->ack / gs; g * gs < end && k->npark > 0; g++)
		(void)k_decode(np, g);
}

/*
 * A decoding client's missing ranges: in each group with a hole due to
 * be asked for again (k_naks' retry time), every hole that holds no
 * parity yet, so that the blocks listed in a group are the parity it
 * needs.  Returns how many ranges (at most MAX_RANGES).
 */
static unsigned
k_gnaks(struct r1cli *k, struct r1range *r, uint64_t now)
{
	uint64_t gs = (uint64_t)k->gk * k->B, g0, ge, lo, o, end, start = 0;
	uint64_t retry;
	unsigned nr = 0;
	size_t slot;
	int open, due;

	retry = 2 * k->rtt > NAK_MIN ? 2 * k->rtt : NAK_MIN;
	end = k->hi;
	if (k->eot && k->total > end)
		end = k->total;
	if (end > k_limit(k))
		end = k_limit(k);
	k->redo = 0;
	for (g0 = k->ack - k->ack % gs; g0 < end && nr < MAX_RANGES;
	    g0 += gs) {
		ge = g0 + gs < end ? g0 + gs : end;
		lo = g0 > k->ack ? g0 : k->ack;
		for (o = lo, due = 0; o < ge; o += k->B) {
			slot = (size_t)(o / k->B % k->nblk);
			if (k->have[slot] || k->par[slot] != 0)
				continue;
			if (k->nak_at[slot] == 0 ||
			    now - k->nak_at[slot] >= retry)
				due = 1;
			else if (k->redo == 0 ||
			    k->nak_at[slot] + retry < k->redo)
				k->redo = k->nak_at[slot] + retry;
		}
		if (!due)
			continue;
		for (o = lo, open = 0; o < ge && nr < MAX_RANGES;
		    o += k->B) {
			slot = (size_t)(o / k->B % k->nblk);
			if (!k->have[slot] && k->par[slot] == 0) {
				if (k->nak_at[slot] == 0)
					k->missed++;
				k->nak_at[slot] = now;
				if (!open)
					start = o, open = 1;
				continue;
			}
			if (open) {
				r[nr].off = start;
				r[nr++].len = (uint32_t)(o - start);
				open = 0;
			}
		}
		if (open) {
			/* At the group's end; the stream's, if sooner. */
			r[nr].off = start;
			r[nr++].len = (uint32_t)((o < ge ? o : ge) - start);
		}
		if (k->redo == 0 || now + retry < k->redo)
			k->redo = now + retry;
	}
	if (nr > 0 && nr < MAX_RANGES && k->top > 0) {
		/* The newest block here: an empty range (10.13). */
		r[nr].off = (k->top - 1) / k->B * k->B;
		r[nr++].len = 0;
	}
	return nr;
}

/*
 * A decoding client that lacks blocks asks again once the retry time has
 * passed (k_gnaks noted when), not only at its next report (up to 50 ms
 * later, when no new gap makes one due sooner): lost parity near the end
 * of the stream or of the window is asked for again in time: REDO_MIN
 * after the last report, or once the stream's end is known (R1_EOT),
 * when the retry time alone has passed, for then the whole room waits
 * on the last holes.  The server ignores a request for parity still on
 * its way (s_fflight).
 */
static void
k_fredo(struct r1cli *k, uint64_t now)
{
	uint64_t least = k->eot ? 0 : REDO_MIN;
	uint64_t t = k->redo > now + least ? k->redo : now + least;

	if (k->redo != 0 && t < k->next_status)
		k->next_status = t;
}
