/*
 * netpipe: rev1.c: NetPipe Rev. 1, reliable multicast with a window.
 *
 * The server sends each block once to the group, paced, never more than
 * the window ahead of the slowest live client.  Clients report their
 * progress (R1_STATUS) every few milliseconds and at once when they see
 * a gap, naming the missing ranges; the server repeats a missing block
 * to the group once, however many clients asked for it.  64-bit stream
 * offsets, a random session id in every packet, a CRC-32 on every packet
 * and over the whole stream.  PROTOCOL.txt is the description.
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
#define STATUS_EVERY	50000		/* client status period */
#define TICK		10000		/* the loops look around this often */
#define RTO_MIN		10000
#define NAK_MIN		2000		/* a block is asked for again after */
#define HOLDOFF_MIN	1000		/* a block is repeated again after */
#define CTL_MIN		20000		/* rate decisions at most this often */
#define CTL_PKTS	1000		/* and over this many packets at least */
#define DONE_EVERY	200000		/* client repeats R1_DONE */
#define RTT_MAX		(10 * SEC)	/* an older echo is no sample */

/* The rate's measurement (its decision is rate.c's) and the pacer. */
#define DR_SPAN		100000		/* delivery rate measured over this */
#define BURST		(64 * 1024)	/* bytes the pacer waits to send */
#define BURST_MAX	(256 * 1024)	/* a late wakeup sends its due up to */
#define OUT_CHUNK	(1024 * 1024)	/* client writes at least this */
#define OUT_PIECE	(256 * 1024)	/* and this much per loop, at most */
#define OUT_WAIT	50000		/* or what it has, after this long */
#define TX_BYTES	(256 * 1024)	/* bytes per loop iteration, at most */
#define IN_CHUNK	(1024 * 1024)	/* bytes read from stdin at a time */

#define DATA_OVERHEAD	(R1_DATA_HDR + 4)	/* R1_DATA's header and CRC */

/* A client, as the server sees it: the table's member and more. */
struct r1client {
	struct member	 m;		/* addr, alive, heard, rtt, bytes ... */
	int		 ready;
	int		 done;
	uint64_t	 ack;		/* all below received */
	uint64_t	 room;		/* it can take up to here */
	uint64_t	 moved;		/* its ack last advanced */
	uint32_t	 rcvd, missed;	/* its counters, last reported */
	uint32_t	 rcvd0, missed0;	/* at the last rate decision */
	int		 fresh;		/* it reported since that decision */
	double		 loss;		/* smoothed over decisions */
	uint64_t	 dr_at;		/* delivery rate: since this status */
	uint32_t	 dr_rcvd;	/* and its count */
	double		 drate;		/* bit/s of new blocks it received */
	uint64_t	 out_at, out_w;	/* output: the last look, written then */
	double		 orate;		/* bit/s written, the last second */
	uint64_t	 slow_at, slow_w;	/* --min-rate: short since, 0 not */
};

struct r1server {
	struct members	 cl;		/* of struct r1client: first (netpipe.h) */
	enum { S_SEEK, S_INIT, S_TX, S_EOT } phase;
	uint32_t	 session;
	uint64_t	 seek_end;
	uint64_t	 next_ping, last_send;
	uint64_t	 ping_period;
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
	int		 eof;
	uint32_t	 scrc;		/* stream CRC of [0, next) new data */
	struct crcjoin	 join;		/* joins of B bytes */
	uint64_t	 eot_sent;

	double		 rate, cap;	/* bit/s */
	double		 tokens;	/* bytes */
	uint64_t	 refill, ctl_at, ctl_bytes;
	int		 slowstart;
	int		 cooling;	/* a cut was just made: wait */
	uint64_t	 sent_bytes;
	double		 sent_top;	/* bit/s, best lately */

	uint64_t	 npkt, nrtx;	/* new blocks, repeats */
	uint64_t	 held_at;	/* -v: the room's holder last named */
	uint8_t		*tx;		/* packets being assembled */
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
	uint64_t	 rtt;		/* the server's hint */
	int		 gaps;		/* new gaps to report */
	int		 result;
	uint64_t	 done_at;
	uint64_t	 wrote_at;	/* last write to standard output */
	int		 warned;
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
static void	 s_naks(struct np *, const struct r1client *,
		    const struct r1status *, uint64_t);
static size_t	 s_build(struct r1server *, uint8_t *, uint64_t);
static int	 s_sendable(const struct r1server *);
static int	 s_pick(struct r1server *, uint64_t, uint64_t *);
static void	 s_pump(struct np *, uint64_t);
static void	 s_ended(struct np *, uint64_t);
static int	 s_news(const struct r1server *, uint64_t);
static void	 s_loss(struct r1server *, struct rate_in *);
static void	 s_control(struct np *, uint64_t);
static void	 s_advance(struct np *, uint64_t);
static void	 s_finish(struct np *);
static void	 s_join(struct np *, const struct r1pkt *,
		    const union addr *, uint64_t);
static void	 s_pong(struct r1client *, uint64_t, uint64_t);
static void	 s_status(struct np *, struct r1client *,
		    const struct r1status *, uint64_t);
static int	 s_done(struct np *, struct r1client *, uint32_t);
static void	 s_watch(struct np *, struct r1client *, uint64_t);
static uint64_t	 s_written(const struct r1server *, const struct r1client *);
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
		    size_t);
static uint64_t	 k_limit(const struct r1cli *);
static void	 k_advance(struct r1cli *);
static void	 k_output(struct np *, uint64_t);
static unsigned	 k_naks(struct r1cli *, struct r1range *, uint64_t);
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
	s->ping_period = ping_period(o);
	rate_start(o->rate, &s->rate, &s->cap);
	s->slowstart = 1;
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
	free(s->rtxq);
	free(s->tx);
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
		if (c->m.alive && c->room < limit)
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

	g.flags = seeking ? PF_SEEK : 0;
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

/* What reaches it: new blocks by its count, over DR_SPAN or more. */
static void
s_drate(struct r1server *s, struct r1client *c, uint64_t now)
{
	if (c->dr_at == 0 || s->phase < S_TX) {
		c->dr_at = now;
		c->dr_rcvd = c->rcvd;
	} else if (now - c->dr_at >= DR_SPAN) {
		c->drate = (double)(uint32_t)(c->rcvd - c->dr_rcvd) *
		    (double)(s->B + DATA_OVERHEAD) * 8e6 /
		    (double)(now - c->dr_at);
		c->dr_at = now;
		c->dr_rcvd = c->rcvd;
	}
}

/* The ranges a client misses: into the repeat queue. */
static void
s_naks(struct np *np, const struct r1client *c, const struct r1status *st,
    uint64_t now)
{
	struct r1server *s = np->rs;
	uint64_t off, end, hold;
	unsigned i;
	size_t slot;

	hold = c->m.rtt.srtt / 2 > HOLDOFF_MIN ? c->m.rtt.srtt / 2 :
	    HOLDOFF_MIN;
	for (i = 0; i < st->nranges; i++) {
		off = st->range[i].off;
		if (off % s->B != 0 || off < s->tail ||
		    st->range[i].len > s->W ||
		    off + st->range[i].len > s->next) {
			np->junk++;
			continue;
		}
		for (end = off + st->range[i].len; off < end; off += s->B) {
			slot = (size_t)(off / s->B % s->nblk);
			/* Sent a moment ago: that copy is on its way. */
			if (now - s->sent_at[slot] < hold)
				continue;
			s_queue(s, off);
		}
	}
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
	while (n < TX_BYTES && s->tokens > 0) {
		if ((rtx = s_pick(s, limit, &off)) == -1)
			break;
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
	if (n > 0) {
		np->io->sendsegs(np->io->ctx, &np->net.dst, s->tx, n, seg);
		s->sent_bytes += n;
		s->last_send = now;
	}
	s_ended(np, now);
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
		c->m.resend = now + c->m.rtt.rto;
	}
	debug(np, "end of stream at %llu bytes, CRC %08x",
	    (unsigned long long)s->head, s->scrc);
}

/* Judge on news from every client, and on enough packets. */
static int
s_news(const struct r1server *s, uint64_t span)
{
	const struct r1client *c;
	double d = 0;
	unsigned i;
	int stale = 0;

	for (i = 0; i < s->cl.n; i++) {
		c = s_client(s, i);
		if (!c->m.alive || c->done)
			continue;
		if ((double)(uint32_t)(c->rcvd - c->rcvd0) > d)
			d = (double)(uint32_t)(c->rcvd - c->rcvd0);
		if (!c->fresh)
			stale = 1;
	}
	return !((stale || d < CTL_PKTS) && span < 10 * CTL_MIN);
}

/*
 * Each client's loss since the last decision, smoothed, and what
 * reaches the slowest: the least and most loss and dr of in.
 */
static void
s_loss(struct r1server *s, struct rate_in *in)
{
	struct r1client *c;
	double d, l;
	unsigned i;

	in->least = 1;
	in->most = 0;
	in->dr = 0;
	for (i = 0; i < s->cl.n; i++) {
		c = s_client(s, i);
		if (!c->m.alive || c->done)
			continue;
		/*
		 * Smoothed: a burst (a lost GRO train of 44 packets) in
		 * one interval is not yet a loss rate.  Reset at a cut:
		 * the loss before it says nothing of the new rate.
		 */
		d = (double)(uint32_t)(c->rcvd - c->rcvd0) +
		    (double)(uint32_t)(c->missed - c->missed0);
		if (d >= 20) {
			l = (double)(uint32_t)(c->missed - c->missed0) / d;
			c->loss = 0.5 * c->loss + 0.5 * l;
		}
		if (c->loss < in->least)
			in->least = c->loss;
		if (c->loss > in->most)
			in->most = c->loss;
		if (c->drate > 0 && (in->dr == 0 || c->drate < in->dr))
			in->dr = c->drate;
		c->rcvd0 = c->rcvd;
		c->missed0 = c->missed;
		c->fresh = 0;
	}
}

/*
 * Rate: measured here, decided by rate_decide() (rate.c): the clients'
 * smoothed loss, what reaches the slowest of them, what was sent.  -v
 * logs every decision with its inputs (tests/rate.c replays them).
 */
static void
s_control(struct np *np, uint64_t now)
{
	struct r1server *s = np->rs;
	uint64_t span = now - s->ctl_at;
	struct rate_in in;
	struct rate_out out;
	unsigned i;

	if (span < CTL_MIN || span < 4 * s_slowest(s) || !s_news(s, span))
		return;
	s_loss(s, &in);
	in.rate = s->rate;
	in.cap = s->cap;
	in.top = s->sent_top;
	in.slowstart = s->slowstart;
	in.cooling = s->cooling;
	in.sent = (double)(s->sent_bytes - s->ctl_bytes) * 8e6 /
	    (double)span;
	rate_decide(&in, &out);
	s->rate = out.rate;
	s->sent_top = out.top;
	s->slowstart = out.slowstart;
	s->cooling = out.cooling;
	if (out.cut)
		for (i = 0; i < s->cl.n; i++)
			s_client(s, i)->loss = 0;
	if (out.loss > 0)
		debug(np, "loss %.1f%% (least %.1f%%, most %.1f%%), rate "
		    "%.0f Mbit/s", out.loss * 100, in.least * 100,
		    in.most * 100, s->rate / 1e6);
	debug(np, "rate decision: rate=%.17g cap=%.17g top=%.17g "
	    "slowstart=%d cooling=%d sent=%.17g least=%.17g most=%.17g "
	    "dr=%.17g -> rate=%.17g top=%.17g slowstart=%d cooling=%d "
	    "cut=%d loss=%.17g", in.rate, in.cap, in.top, in.slowstart,
	    in.cooling, in.sent, in.least, in.most, in.dr, out.rate, out.top,
	    out.slowstart, out.cooling, out.cut, out.loss);
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
			if (c->ack < tail)
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
	uint64_t t = k->u.stamp;

	if (!stamp_known(&s->stamps, t)) {
		np->junk++;
		return;
	}
	if (member_join(np, &s->cl, s->phase == S_SEEK, from, now, now - t,
	    RTO_MIN) != NULL)
		s_advance(np, now);
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
	c->m.bytes = st->ack;
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
		s_pong(c, k.u.stamp, now);
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
	else if (s->phase >= S_TX && now - c->moved >= t) {
		member_drop(np, &s->cl, &c->m, 0,
		    "too slow: no progress for %u s", np->o->timeout);
		return;
	}
	if (s->phase >= S_TX && s_output(np, c, now))
		return;
	if (s->phase == S_INIT && !c->ready && now - c->moved >= t) {
		member_drop(np, &s->cl, &c->m, 0,
		    "no answer to R1_INIT for %u s, though alive",
		    np->o->timeout);
		return;
	}
	if (now < c->m.resend)
		return;
	if (s->phase == S_INIT && !c->ready) {
		s_small(np, &c->m.addr, R1_INIT);
		c->m.resend = now + c->m.rtt.rto;
	} else if (s->phase == S_EOT && !c->done) {
		s_eot(np, &c->m.addr, now);
		c->m.resend = now + c->m.rtt.rto;
	}
}

/* What it has written out: its room less the window (10.6). */
static uint64_t
s_written(const struct r1server *s, const struct r1client *c)
{
	return c->room > s->W ? c->room - s->W : 0;
}

/*
 * Its output rate, written over each second.  With --min-rate, a client
 * behind (half a window or more short of what was sent, or a block once
 * all is sent: it holds the room back) is short from then on, until a
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
	lag = s->next > w ? s->next - w : 0;
	if (need == 0 || lag < (s->eof && s->next == s->head ? s->B :
	    s->W / 2)) {
		c->slow_at = 0;
		return 0;
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
		s->next_ping = now + (s->phase == S_SEEK ? SEEK_PING :
		    s->ping_period);
	} else if (s->phase >= S_TX && now - s->last_send >= IDLE_PING)
		s_ping(np, now, 0);	/* heartbeat: where the stream is */
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

	return s->phase >= S_TX && !s->eof && s->head - s->tail < s->W;
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
	if (s->W - (s->head - s->tail) < room)
		room = (size_t)(s->W - (s->head - s->tail));
	/* Not the whole window at once: sending starts at the first chunk. */
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

	k->srv = *from;
	k->session = session;
	k->B = g->block;
	k->W = g->window;
	k->nblk = k->W / k->B;
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
	k_printable(label, g->label, g->llen);
	info(np, "answering server %s, session %08x%s%s", addrstr(&k->srv),
	    k->session, g->llen ? ", label " : "", label);
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
k_data(struct np *np, const struct r1data *d, const uint8_t *p, size_t n)
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
	if (d->off < k->ack || d->off > k_limit(k) - len || k->have[slot])
		return r1_intact(p, n);	/* had it, or beyond the window */
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
	k_advance(k);
	return 1;
}

/*
 * The window starts at the block being written out: wr itself need not
 * be on a block boundary, and that block's slot is not free yet.
 */
static uint64_t
k_limit(const struct r1cli *k)
{
	return k->wr - k->wr % k->B + k->W;
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

/* Progress, room, counters and the missing ranges. */
static void
k_status(struct np *np, uint64_t now)
{
	struct r1cli *k = np->rs;
	uint8_t p[R1_STATUS_MIN + 12 * MAX_RANGES];
	struct r1status st;

	st.nranges = k_naks(k, st.range, now);
	st.ack = k->ack;
	st.room = k_limit(k);
	st.rcvd = k->rcvd;
	st.missed = k->missed;
	k_send(np, p, r1_pack_status(p, k->session, &st));
	k->next_status = now + STATUS_EVERY;
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
	uint8_t q[R1_PONG_LEN];

	k_send(np, q, r1_pack_pong(q, k->session, g->stamp));
	if (k->ring == NULL)
		k_window(np, g);
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
		k->next_status = now + STATUS_EVERY;
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
	if (data && !k_data(np, &pk.u.data, p, n))
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

	if (k->phase == K_WAIT)
		return;
	if (k->phase == K_TX) {
		k_output(np, now);
		if (np->done)
			return;
		if (k->gaps || now >= k->next_status ||
		    k_limit(k) >= k->status_room + k->W / 4)
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
