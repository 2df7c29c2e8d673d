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

#include <sys/random.h>
#include <sys/types.h>

#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "netpipe.h"

/* Timers, in microseconds.  PROTOCOL.txt adds them up. */
#define SEEK_PING	200000		/* R1_PING period in the seek phase */
#define PING_MAX	1000000		/* keepalive period, at most */
#define IDLE_PING	50000		/* heartbeat when no data went out */
#define STATUS_EVERY	50000		/* client status period */
#define TICK		10000		/* the loops look around this often */
#define RTO_INIT	200000
#define RTO_MIN		10000
#define RTO_MAX		1000000
#define NAK_MIN		2000		/* a block is asked for again after */
#define HOLDOFF_MIN	1000		/* a block is repeated again after */
#define CTL_MIN		20000		/* rate decisions at most this often */
#define CTL_PKTS	1000		/* and over this many packets at least */
#define DONE_EVERY	200000		/* client repeats R1_DONE */
#define ABORT_COPIES	3
#define STAMPS		64		/* R1_PING stamps remembered */
#define RTT_MAX		(10 * SEC)	/* an older echo is no sample */

/* Rate control. */
#define RATE_INIT	1e9		/* bit/s to start with */
#define RATE_MIN	10e6
#define RATE_MAX	100e9
#define LOSS_HIGH	0.04		/* smoothed loss above: slow down */
#define LOSS_LOW	0.02		/* below: speed up */
#define CUT_LEAST	0.95		/* a cut keeps this much, at most */
#define CUT_MOST	0.5		/* and this much, at least */
#define LOSS_HEAVY	0.25		/* one client alone above: slow down */
#define TOP_DECAY	0.9		/* per decision, of the best rate sent */
#define SS_GAIN		1.5		/* growth per decision at the start */
#define DR_SPAN		100000		/* delivery rate measured over this */
#define OVER_DR		1.1		/* growth: this far past delivery */
#define UNDER_DR	0.9		/* a cut: to this much of it */
#define CUT_DR		0.25		/* but keeping this much at least */
#define BURST		(64 * 1024)	/* bytes the pacer waits to send */
#define BURST_MAX	(256 * 1024)	/* a late wakeup sends its due up to */
#define OUT_CHUNK	(1024 * 1024)	/* client writes at least this */
#define OUT_PIECE	(256 * 1024)	/* and this much per loop, at most */
#define OUT_WAIT	50000		/* or what it has, after this long */
#define TX_BYTES	(256 * 1024)	/* bytes per loop iteration, at most */
#define IN_CHUNK	(1024 * 1024)	/* bytes read from stdin at a time */

#define MAX_RANGES	96		/* NAK ranges in one R1_STATUS */

/* Seek-phase flag of R1_PING. */
#define PF_SEEK		0x01

/* R1_DONE results. */
#define DONE_OK		0
#define DONE_BADCRC	1

struct r1client {
	struct sockaddr_in addr;
	int		 alive;
	int		 ready;
	int		 done;
	uint64_t	 heard;
	struct rtt	 rtt;		/* round trip, repeat time */
	uint64_t	 resend;	/* INIT or EOT repeat time */
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
	uint64_t	 bytes;
	char		 why[96];
};

struct r1server {
	enum { S_SEEK, S_INIT, S_TX, S_EOT } phase;
	struct r1client	*cl;
	unsigned	 ncl, nalive;
	uint32_t	 session;
	uint64_t	 seek_end;
	uint64_t	 next_ping, last_send;
	uint64_t	 ping_period;
	uint64_t	 stamp[STAMPS];
	unsigned	 nstamp;

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
	uLong		 opB;		/* crc32_combine_gen(B) */
	uint64_t	 eot_sent;

	double		 rate, cap;	/* bit/s */
	double		 tokens;	/* bytes */
	uint64_t	 refill, ctl_at, ctl_bytes;
	int		 slowstart;
	int		 cooling;	/* a cut was just made: wait */
	uint64_t	 sent_bytes;
	double		 sent_top;	/* bit/s, best lately */

	uint64_t	 npkt, nrtx;	/* new blocks, repeats */
	uint8_t		*tx;		/* packets being assembled */
};

struct r1cli {
	enum { K_WAIT, K_SEEK, K_TX, K_END } phase;
	struct sockaddr_in srv;
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
	uLong		 opB;		/* crc32_combine_gen(B) */
	uint32_t	 rcvd, missed;
	uint64_t	 next_status, status_room;
	uint64_t	 rtt;		/* the server's hint */
	int		 gaps;		/* new gaps to report */
	int		 result;
	uint64_t	 done_at;
	uint64_t	 wrote_at;	/* last write to standard output */
	int		 warned;
};

static struct r1server S;
static struct r1cli K;

static size_t	 seal(uint8_t *, size_t);
static int	 intact(const uint8_t *, size_t);
static uint32_t	 join(uint32_t, uint32_t, size_t, size_t, uLong);
static void	 hdr(uint8_t *, uint8_t, uint32_t);
static void	 send_error(int, const struct sockaddr_in *,
		    uint32_t, uint32_t, uint32_t);

static void	 s_group(struct np *, const uint8_t *, size_t);
static void	 s_ping(struct np *, uint64_t, int);
static void	 s_compact(void);
static struct r1client *s_find(const struct sockaddr_in *);
static void	 s_drop(struct np *, struct r1client *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	 s_small(struct np *, struct r1client *, uint8_t);
static void	 s_eot(struct np *, const struct sockaddr_in *);
static void	 s_status(struct np *, struct r1client *, const uint8_t *,
		    size_t, uint64_t);
static void	 s_queue(uint64_t);
static void	 s_build(uint8_t *, uint64_t);
static int	 s_sendable(void);
static void	 s_pump(struct np *, uint64_t);
static void	 s_control(struct np *, uint64_t);
static void	 s_advance(struct np *, uint64_t);
static void	 s_finish(struct np *);
static void	 s_packet(struct np *, int, const uint8_t *, size_t,
		    const struct sockaddr_in *);
static void	 s_timer(struct np *, uint64_t);
static uint64_t	 s_deadline(struct np *);
static int	 s_want_input(struct np *);
static void	 s_input(struct np *);
static void	 s_interrupt(struct np *, int);
static void	 s_tally(struct np *, struct tally *);
static void	 s_peer(struct np *, unsigned, struct peer *);

static void	 k_send(struct np *, const uint8_t *, size_t);
static void	 k_small(struct np *, uint8_t);
static void	 k_abort(struct np *, uint32_t, int);
static void	 k_lock(struct np *, const uint8_t *,
		    const struct sockaddr_in *);
static int	 k_data(struct np *, const uint8_t *, size_t);
static uint64_t	 k_limit(void);
static void	 k_advance(void);
static void	 k_output(struct np *, uint64_t);
static void	 k_status(struct np *, uint64_t);
static void	 k_done(struct np *, int);
static void	 k_check_end(struct np *, uint64_t);
static void	 k_packet(struct np *, int, const uint8_t *, size_t,
		    const struct sockaddr_in *);
static void	 k_timer(struct np *, uint64_t);
static uint64_t	 k_deadline(struct np *);
static void	 k_interrupt(struct np *, int);
static void	 k_tally(struct np *, struct tally *);
static void	 k_peer(struct np *, unsigned, struct peer *);

const struct role rev1_server = {
	s_packet, s_timer, s_deadline, s_want_input, s_input, s_interrupt,
	s_tally, s_peer
};

const struct role rev1_client = {
	k_packet, k_timer, k_deadline, NULL, NULL, k_interrupt,
	k_tally, k_peer
};

/* Every Rev. 1 packet ends in the CRC-32 of all bytes before it. */
static size_t
seal(uint8_t *p, size_t n)
{
	put32(p + n, np_crc32(p, n));
	return n + 4;
}

static int
intact(const uint8_t *p, size_t n)
{
	return n >= R1_MIN && np_crc32(p, n - 4) == get32(p + n - 4);
}

/*
 * The CRC-32 of X || Y from a = CRC(X), b = CRC(Y) and len = |Y|: by the
 * operator for B made once per transfer (opB), or, for the short last
 * block, the general way.
 */
static uint32_t
join(uint32_t a, uint32_t b, size_t len, size_t B, uLong opB)
{
	if (len == B)
		return (uint32_t)crc32_combine_op(a, b, opB);
	return (uint32_t)crc32_combine(a, b, (z_off_t)len);
}

static void
hdr(uint8_t *p, uint8_t cmd, uint32_t session)
{
	p[0] = cmd;
	put32(p + 1, session);
}

static void
send_error(int fd, const struct sockaddr_in *to,
    uint32_t session, uint32_t code, uint32_t eno)
{
	uint8_t p[R1_ERROR_LEN];

	hdr(p, R1_ERROR, session);
	put32(p + 5, code);
	put32(p + 9, eno);
	net_send(fd, p, seal(p, 13), to);
}

void
rev1_init(struct np *np)
{
	const struct opts *o = np->o;

	if (!o->server) {
		K.phase = K_WAIT;
		return;
	}
	S.phase = S_SEEK;
	if (getrandom(&S.session, sizeof(S.session), 0) !=
	    sizeof(S.session))
		err(1, "getrandom");
	S.B = o->block;
	S.nblk = o->window / S.B;
	if (S.nblk < 2)
		S.nblk = 2;
	if (S.nblk > MAX_WBLOCKS)	/* tiny blocks: what a client takes */
		S.nblk = MAX_WBLOCKS;
	S.W = S.nblk * S.B;
	if ((S.ring = malloc(S.W)) == NULL ||
	    (S.pcrc = calloc(S.nblk, sizeof(*S.pcrc))) == NULL ||
	    (S.sent_at = calloc(S.nblk, sizeof(*S.sent_at))) == NULL ||
	    (S.queued = calloc(S.nblk, 1)) == NULL ||
	    (S.rtxq = calloc(S.nblk, sizeof(*S.rtxq))) == NULL ||
	    (S.tx = malloc(TX_BYTES + R1_DATA_HDR + 4 + S.B)) == NULL ||
	    (S.cl = calloc(o->nclients, sizeof(*S.cl))) == NULL)
		err(1, NULL);
	S.opB = crc32_combine_gen((z_off_t)S.B);
	S.ping_period = secs(o->timeout) / 4 < PING_MAX ?
	    secs(o->timeout) / 4 : PING_MAX;
	S.cap = o->rate ? (double)o->rate : RATE_MAX;
	S.rate = S.cap < RATE_INIT ? S.cap : RATE_INIT;
	S.slowstart = 1;
	if (o->wait)
		S.seek_end = np->start + secs(o->wait);
	info(np, "session %08x: waiting for %u client%s on %s (%s)",
	    S.session, o->nclients, o->nclients == 1 ? "" : "s",
	    np->net.ifname[0] ? np->net.ifname : "-",
	    addrstr(&np->net.dst));
}

/* ---- server ---------------------------------------------------------- */

static void
s_group(struct np *np, const uint8_t *p, size_t n)
{
	net_send(np->net.fd, p, n, &np->net.dst);
	S.last_send = now_us();
}

static void
s_ping(struct np *np, uint64_t now, int seeking)
{
	uint8_t p[R1_PING_MAX];
	uint64_t rtt = 0;
	size_t llen = np->o->label ? strlen(np->o->label) : 0;
	unsigned i;

	for (i = 0; i < S.ncl; i++)
		if (S.cl[i].alive && S.cl[i].rtt.srtt > rtt)
			rtt = S.cl[i].rtt.srtt;
	hdr(p, R1_PING, S.session);
	p[5] = seeking ? PF_SEEK : 0;
	put64(p + 6, now);
	put64(p + 14, S.next);
	put32(p + 22, rtt > UINT32_MAX ? UINT32_MAX : (uint32_t)rtt);
	put32(p + 26, (uint32_t)S.B);
	put32(p + 30, (uint32_t)S.W);
	p[34] = (uint8_t)llen;
	memcpy(p + 35, np->o->label ? np->o->label : "", llen);
	S.stamp[S.nstamp++ % STAMPS] = now;
	s_group(np, p, seal(p, 35 + llen));
}

/* Seek phase: forget the clients that left, so that others may come. */
static void
s_compact(void)
{
	unsigned i, k;

	for (i = k = 0; i < S.ncl; i++)
		if (S.cl[i].alive)
			S.cl[k++] = S.cl[i];
	S.ncl = k;
}

static struct r1client *
s_find(const struct sockaddr_in *a)
{
	unsigned i;

	for (i = 0; i < S.ncl; i++)
		if (sameaddr(&S.cl[i].addr, a))
			return &S.cl[i];
	return NULL;
}

static void
s_drop(struct np *np, struct r1client *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->alive)
		return;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	c->alive = 0;
	S.nalive--;
	if (S.phase == S_SEEK) {
		/* Not started yet: s_compact gives its place away. */
		debug(np, "client %s left: %s", addrstr(&c->addr), c->why);
		return;
	}
	np_warnx("client %s dropped: %s", addrstr(&c->addr), c->why);
	send_error(np->net.fd, &c->addr, S.session, R1E_DROPPED, 0);
}

/* A packet of header and CRC only, to one client. */
static void
s_small(struct np *np, struct r1client *c, uint8_t cmd)
{
	uint8_t p[R1_MIN];

	hdr(p, cmd, S.session);
	net_send(np->net.fd, p, seal(p, 5), &c->addr);
}

static void
s_eot(struct np *np, const struct sockaddr_in *to)
{
	uint8_t p[R1_EOT_LEN];

	hdr(p, R1_EOT, S.session);
	put64(p + 5, S.head);
	put32(p + 13, S.scrc);
	net_send(np->net.fd, p, seal(p, 17), to);
	S.last_send = now_us();
}

static void
s_queue(uint64_t off)
{
	size_t slot = (size_t)(off / S.B % S.nblk);

	if (S.queued[slot] || S.rq_len == S.nblk)
		return;
	S.queued[slot] = 1;
	S.rtxq[(S.rq_head + S.rq_len++) % S.nblk] = off;
}

/* A client's progress and the ranges it misses. */
static void
s_status(struct np *np, struct r1client *c, const uint8_t *p, size_t n,
    uint64_t now)
{
	uint64_t ack, room, off, end, hold;
	unsigned nr, i;
	uint32_t len;
	size_t slot;

	ack = get64(p + 5);
	room = get64(p + 13);
	nr = get16(p + 29);
	if (n != R1_STATUS_MIN + (size_t)nr * 12 || nr > MAX_RANGES ||
	    ack > S.next || ack < c->ack || room < ack ||
	    room - ack > S.W) {
		np->junk++;
		return;
	}
	if (ack > c->ack)
		c->moved = now;
	c->ack = ack;
	c->room = room;
	c->rcvd = get32(p + 21);
	c->missed = get32(p + 25);
	c->fresh = 1;
	/* What reaches it: new blocks by its count, over DR_SPAN or more. */
	if (c->dr_at == 0 || S.phase < S_TX) {
		c->dr_at = now;
		c->dr_rcvd = c->rcvd;
	} else if (now - c->dr_at >= DR_SPAN) {
		c->drate = (double)(uint32_t)(c->rcvd - c->dr_rcvd) *
		    (double)(S.B + R1_DATA_HDR + 4) * 8e6 /
		    (double)(now - c->dr_at);
		c->dr_at = now;
		c->dr_rcvd = c->rcvd;
	}
	c->bytes = ack;
	hold = c->rtt.srtt / 2 > HOLDOFF_MIN ? c->rtt.srtt / 2 : HOLDOFF_MIN;
	for (i = 0; i < nr; i++) {
		off = get64(p + 31 + 12 * i);
		len = get32(p + 39 + 12 * i);
		if (off % S.B != 0 || off < S.tail || len > S.W ||
		    off + len > S.next) {
			np->junk++;
			continue;
		}
		for (end = off + len; off < end; off += S.B) {
			slot = (size_t)(off / S.B % S.nblk);
			/* Sent a moment ago: that copy is on its way. */
			if (now - S.sent_at[slot] < hold)
				continue;
			s_queue(off);
		}
	}
}

/* One R1_DATA packet for the block at off, into p. */
static void
s_build(uint8_t *p, uint64_t off)
{
	size_t slot = (size_t)(off / S.B % S.nblk);
	size_t len = S.head - off < S.B ? (size_t)(S.head - off) : S.B;
	uint32_t dcrc, hcrc;

	hdr(p, R1_DATA, S.session);
	put64(p + 5, off);
	memcpy(p + R1_DATA_HDR, S.ring + slot * S.B, len);
	if (off == S.next) {
		/* New: its CRC once, and the stream's CRC grows with it. */
		dcrc = np_crc32(p + R1_DATA_HDR, len);
		hcrc = np_crc32(p, R1_DATA_HDR);
		S.pcrc[slot] = join(hcrc, dcrc, len, S.B, S.opB);
		S.scrc = join(S.scrc, dcrc, len, S.B, S.opB);
	}
	put32(p + R1_DATA_HDR + len, S.pcrc[slot]);
}

/* Is there a repeat, or new data the window lets out? */
static int
s_sendable(void)
{
	uint64_t limit = UINT64_MAX;
	unsigned i;

	if (S.rq_len > 0)
		return 1;
	for (i = 0; i < S.ncl; i++)
		if (S.cl[i].alive && S.cl[i].room < limit)
			limit = S.cl[i].room;
	return S.next < limit && S.next < S.head &&
	    (S.head - S.next >= S.B || S.eof);
}

/* The one place that decides what the server sends next. */
static void
s_pump(struct np *np, uint64_t now)
{
	uint64_t limit, off;
	size_t n = 0, k, seg = 0, slot;
	unsigned i;
	int rtx;

	if (S.phase != S_TX && S.phase != S_EOT)
		return;
	S.tokens += (double)(now - S.refill) * S.rate / 8e6;
	S.refill = now;
	if (S.tokens > BURST_MAX)	/* a late wakeup keeps its due */
		S.tokens = BURST_MAX;

	limit = UINT64_MAX;
	for (i = 0; i < S.ncl; i++)
		if (S.cl[i].alive && S.cl[i].room < limit)
			limit = S.cl[i].room;

	while (n < TX_BYTES && S.tokens > 0) {
		rtx = 0;
		off = 0;
		while (S.rq_len > 0) {
			off = S.rtxq[S.rq_head];
			S.rq_head = (S.rq_head + 1) % S.nblk;
			S.rq_len--;
			S.queued[off / S.B % S.nblk] = 0;
			if (off >= S.tail && off < S.next) {
				rtx = 1;
				break;
			}
		}
		if (!rtx) {
			off = S.next;
			if (off >= limit || off >= S.head ||
			    (S.head - off < S.B && !S.eof))
				break;
		}
		/* GSO wants equal segments: a short one ends the batch. */
		k = (S.head - off < S.B ? (size_t)(S.head - off) : S.B) +
		    R1_DATA_HDR + 4;
		if (seg != 0 && k != seg) {
			if (rtx)
				s_queue(off);
			break;
		}
		s_build(S.tx + n, off);
		if (!rtx) {
			S.next += k - R1_DATA_HDR - 4;
			S.npkt++;
		} else
			S.nrtx++;
		slot = (size_t)(off / S.B % S.nblk);
		S.sent_at[slot] = now;
		seg = k;
		n += k;
		S.tokens -= (double)k;
		if (k < S.B + R1_DATA_HDR + 4)
			break;
	}
	if (n > 0) {
		net_sendsegs(np->net.fd, &np->net.dst, S.tx, n, seg);
		S.sent_bytes += n;
		S.last_send = now;
	}
	if (S.eof && S.next == S.head && S.eot_sent == 0) {
		S.phase = S_EOT;
		s_eot(np, &np->net.dst);
		S.eot_sent = now;
		for (i = 0; i < S.ncl; i++)
			S.cl[i].resend = now + S.cl[i].rtt.rto;
		debug(np, "end of stream at %llu bytes, CRC %08x",
		    (unsigned long long)S.head, S.scrc);
	}
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
static void
s_control(struct np *np, uint64_t now)
{
	uint64_t span = now - S.ctl_at, rtt = 0;
	double least = 1, most = 0, loss, l, d, sent, top, through, dr = 0;
	unsigned i;
	int stale;
	struct r1client *c;

	for (i = 0; i < S.ncl; i++)
		if (S.cl[i].alive && S.cl[i].rtt.srtt > rtt)
			rtt = S.cl[i].rtt.srtt;
	if (span < CTL_MIN || span < 4 * rtt)
		return;
	for (i = 0, d = 0, stale = 0; i < S.ncl; i++) {
		c = &S.cl[i];
		if (!c->alive || c->done)
			continue;
		if ((double)(uint32_t)(c->rcvd - c->rcvd0) > d)
			d = (double)(uint32_t)(c->rcvd - c->rcvd0);
		if (!c->fresh)
			stale = 1;
	}
	/* Judge on news from every client, and on enough packets. */
	if ((stale || d < CTL_PKTS) && span < 10 * CTL_MIN)
		return;
	for (i = 0; i < S.ncl; i++) {
		c = &S.cl[i];
		if (!c->alive || c->done)
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
		if (c->loss < least)
			least = c->loss;
		if (c->loss > most)
			most = c->loss;
		if (c->drate > 0 && (dr == 0 || c->drate < dr))
			dr = c->drate;
		c->rcvd0 = c->rcvd;
		c->missed0 = c->missed;
		c->fresh = 0;
	}
	loss = most > LOSS_HEAVY ? most : least < 1 ? least : 0;
	sent = (double)(S.sent_bytes - S.ctl_bytes) * 8e6 / (double)span;
	/* What the link took lately: one slow interval is no measure. */
	S.sent_top = sent > S.sent_top * TOP_DECAY ? sent :
	    S.sent_top * TOP_DECAY;
	if (S.cooling) {
		S.cooling = 0;		/* the last cut shows only now */
	} else if (loss > LOSS_HIGH) {
		/* To what got through: the narrow link's rate. */
		through = sent * (1 - loss);
		S.rate = through > CUT_LEAST * S.rate ? CUT_LEAST * S.rate :
		    through < CUT_MOST * S.rate ? CUT_MOST * S.rate : through;
		/*
		 * What reached the slowest client is a better measure, if
		 * there is one: a little under it, so a full queue drains.
		 */
		if (dr > 0 && UNDER_DR * dr < S.rate)
			S.rate = UNDER_DR * dr > CUT_DR * S.rate ?
			    UNDER_DR * dr : CUT_DR * S.rate;
		S.slowstart = 0;
		S.cooling = 1;
		for (i = 0; i < S.ncl; i++)
			S.cl[i].loss = 0;
	} else if (loss < LOSS_LOW) {
		S.rate *= S.slowstart ? SS_GAIN : 1.05;
		/* Not far past what the link took: no burst when it opens. */
		top = (S.slowstart ? SS_GAIN : 1.5) * S.sent_top;
		if (top < RATE_INIT)
			top = RATE_INIT;
		/*
		 * Nor far past what reaches the slowest client, once less
		 * reaches it than is sent: a narrow link's queue hides the
		 * excess until it overflows.  (While the input is what
		 * holds the server back, as much reaches it as is sent.)
		 */
		if (!S.slowstart && dr > 0 && sent > OVER_DR * dr &&
		    OVER_DR * dr < top)
			top = OVER_DR * dr;
		if (S.rate > top)
			S.rate = top;
	} else
		S.slowstart = 0;
	if (S.rate < RATE_MIN)
		S.rate = RATE_MIN;
	if (S.rate > S.cap)
		S.rate = S.cap;
	if (loss > 0)
		debug(np, "loss %.1f%% (least %.1f%%, most %.1f%%), rate "
		    "%.0f Mbit/s", loss * 100, least * 100, most * 100,
		    S.rate / 1e6);
	S.ctl_at = now;
	S.ctl_bytes = S.sent_bytes;
}

static void
s_advance(struct np *np, uint64_t now)
{
	unsigned i, ok;
	uint64_t tail;

	if (S.phase != S_SEEK && S.nalive == 0) {
		np_fail(np, "no client left, giving up");
		return;
	}
	switch (S.phase) {
	case S_SEEK:
		if (S.nalive == np->o->nclients ||
		    (S.seek_end && now >= S.seek_end && S.nalive > 0)) {
			s_compact();
			S.phase = S_INIT;
			np->began = now;
			for (i = 0; i < S.ncl; i++) {
				S.cl[i].resend = now;
				S.cl[i].room = S.W;
				S.cl[i].moved = now;
			}
			debug(np, "initialization phase, %u clients",
			    S.nalive);
		}
		break;
	case S_INIT:
		for (i = 0, ok = 1; i < S.ncl; i++)
			if (S.cl[i].alive && !S.cl[i].ready)
				ok = 0;
		if (ok) {
			S.phase = S_TX;
			S.refill = S.ctl_at = now;
			for (i = 0; i < S.ncl; i++)
				S.cl[i].moved = now;
			debug(np, "transaction phase");
		}
		break;
	case S_TX:
	case S_EOT:
		tail = S.next;
		for (i = 0, ok = 1; i < S.ncl; i++) {
			if (!S.cl[i].alive)
				continue;
			if (S.cl[i].ack < tail)
				tail = S.cl[i].ack;
			if (!S.cl[i].done)
				ok = 0;
		}
		S.tail = tail;
		if (S.phase == S_EOT && ok)
			s_finish(np);
		break;
	}
}

/* Every live client confirmed the end; netpipe.c sums up. */
static void
s_finish(struct np *np)
{
	np->bytes = S.head;
	np->status = S.nalive == S.ncl ? 0 : 3;
	np->done = 1;
}

static void
s_packet(struct np *np, int fd, const uint8_t *p, size_t n,
    const struct sockaddr_in *from)
{
	struct r1client *c;
	uint64_t now = now_us(), t;
	unsigned i;
	uint32_t code;

	(void)fd;
	if (!intact(p, n) || get32(p + 1) != S.session) {
		np->junk++;
		return;
	}
	c = s_find(from);
	if (c == NULL) {
		if (p[0] != R1_PONG || n != R1_PONG_LEN) {
			np->foreign++;
			return;
		}
		t = get64(p + 5);
		for (i = 0; i < STAMPS && i < S.nstamp; i++)
			if (S.stamp[i] == t)
				break;
		if (i == STAMPS || i == S.nstamp) {
			np->junk++;
			return;
		}
		if (S.phase == S_SEEK)
			s_compact();
		if (S.phase == S_SEEK && S.ncl < np->o->nclients) {
			c = &S.cl[S.ncl++];
			memset(c, 0, sizeof(*c));
			c->addr = *from;
			c->alive = 1;
			c->heard = now;
			c->rtt.rto = RTO_INIT;
			rtt_sample(&c->rtt, now - t, RTO_MIN, RTO_MAX);
			S.nalive++;
			info(np, "client %s joined (%u of %u), round trip "
			    "%.3f ms", addrstr(from), S.ncl,
			    np->o->nclients, (now - t) / 1000.0);
			s_advance(np, now);
		} else {
			debug(np, "client %s refused: too late",
			    addrstr(from));
			send_error(np->net.fd, from, S.session,
			    R1E_REFUSED, 0);
		}
		return;
	}
	if (!c->alive) {
		/* Dropped, but still talking: tell it again. */
		if (p[0] != R1_ERROR)
			send_error(np->net.fd, from, S.session,
			    R1E_DROPPED, 0);
		np->foreign++;
		return;
	}
	switch (p[0]) {
	case R1_PONG:
		if (n != R1_PONG_LEN)
			goto junk;
		t = get64(p + 5);
		if (t <= now && now - t < RTT_MAX)
			rtt_sample(&c->rtt, now - t, RTO_MIN, RTO_MAX);
		break;
	case R1_READY:
		if (n != R1_MIN)
			goto junk;
		c->ready = 1;
		break;
	case R1_STATUS:
		if (n < R1_STATUS_MIN)
			goto junk;
		if (S.phase >= S_TX)
			s_status(np, c, p, n, now);
		break;
	case R1_DONE:
		if (n != R1_DONE_LEN || S.phase != S_EOT)
			goto junk;
		code = get32(p + 5);
		if (code != DONE_OK) {
			s_drop(np, c, "its check of the whole stream failed");
			break;
		}
		if (!c->done) {
			c->done = 1;
			c->ack = c->bytes = S.head;
			debug(np, "client %s done", addrstr(from));
		}
		s_small(np, c, R1_BYE);
		break;
	case R1_ERROR:
		if (n != R1_ERROR_LEN)
			goto junk;
		code = get32(p + 5);
		if (code == R1E_ABORT)
			s_drop(np, c, "interrupted by its user");
		else if (code == R1E_INTERNAL)
			s_drop(np, c, "failed: %s",
			    strerror((int)get32(p + 9)));
		else
			s_drop(np, c, "error %u", code);
		break;
	default:
		goto junk;
	}
	c->heard = now;
	s_advance(np, now);
	return;
junk:
	np->junk++;
}

static void
s_timer(struct np *np, uint64_t now)
{
	struct r1client *c;
	unsigned i;

	if (now >= S.next_ping) {
		s_ping(np, now, S.phase == S_SEEK);
		S.next_ping = now + (S.phase == S_SEEK ? SEEK_PING :
		    S.ping_period);
	} else if (S.phase >= S_TX && now - S.last_send >= IDLE_PING)
		s_ping(np, now, 0);	/* heartbeat: where the stream is */
	for (i = 0; i < S.ncl; i++) {
		c = &S.cl[i];
		if (!c->alive || c->done)
			continue;	/* a client done may leave */
		if (now - c->heard >= secs(np->o->timeout)) {
			s_drop(np, c, "timed out after %u s",
			    np->o->timeout);
			continue;
		}
		/* Alive but stuck: it lacks data and has not moved. */
		if (c->done || c->ack >= S.next)
			c->moved = now;
		else if (S.phase >= S_TX &&
		    now - c->moved >= secs(np->o->timeout)) {
			s_drop(np, c, "too slow: no progress for %u s",
			    np->o->timeout);
			continue;
		}
		if (S.phase == S_INIT && !c->ready &&
		    now - c->moved >= secs(np->o->timeout)) {
			s_drop(np, c, "no answer to R1_INIT for %u s, though "
			    "alive", np->o->timeout);
			continue;
		}
		if (now < c->resend)
			continue;
		if (S.phase == S_INIT && !c->ready) {
			s_small(np, c, R1_INIT);
			c->resend = now + c->rtt.rto;
		} else if (S.phase == S_EOT && !c->done) {
			s_eot(np, &c->addr);
			c->resend = now + c->rtt.rto;
		}
	}
	s_advance(np, now);
	if (np->done)
		return;
	if (S.phase >= S_TX)
		s_control(np, now);
	s_pump(np, now);
}

static uint64_t
s_deadline(struct np *np)
{
	uint64_t now = now_us(), d = now + TICK, t;
	double need;

	(void)np;
	if (S.next_ping < d)
		d = S.next_ping;
	/* Once -w has run out with no client, wait for one, not spin. */
	if (S.phase == S_SEEK && S.seek_end > now && S.seek_end < d)
		d = S.seek_end;
	if (S.phase >= S_TX && s_sendable()) {
		/* Wake for a whole burst: one GSO send, not one packet. */
		need = (double)BURST - S.tokens;
		t = S.refill + (need > 0 ? (uint64_t)(need * 8e6 / S.rate) :
		    0);
		if (t < d)
			d = t;
	}
	return d;
}

static int
s_want_input(struct np *np)
{
	(void)np;
	return S.phase >= S_TX && !S.eof && S.head - S.tail < S.W;
}

/* Read standard input into the ring, as much as it and the window take. */
static void
s_input(struct np *np)
{
	size_t at = (size_t)(S.head % S.W), room;
	ssize_t r;
	int i, e;

	room = S.W - at;
	if (S.W - (S.head - S.tail) < room)
		room = (size_t)(S.W - (S.head - S.tail));
	/* Not the whole window at once: sending starts at the first chunk. */
	if (room > IN_CHUNK)
		room = IN_CHUNK;
	r = read(STDIN_FILENO, S.ring + at, room);
	if (r == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r == -1) {
		e = errno;
		for (i = 0; i < ABORT_COPIES; i++)
			send_error(np->net.fd, &np->net.dst, S.session,
			    R1E_INTERNAL, (uint32_t)e);
		np_fail(np, "stdin: %s", strerror(e));
		return;
	}
	if (r == 0)
		S.eof = 1;
	S.head += (uint64_t)r;
}

static void
s_interrupt(struct np *np, int sig)
{
	unsigned i;
	int k;

	for (k = 0; k < ABORT_COPIES; k++)
		send_error(np->net.fd, &np->net.dst, S.session,
		    R1E_ABORT, 0);
	for (i = 0; i < S.ncl; i++)
		if (S.cl[i].alive)
			send_error(np->net.fd, &S.cl[i].addr, S.session,
			    R1E_ABORT, 0);
	np_fail(np, "%s: transfer aborted, clients told to stop",
	    strsignal(sig));
}

static void
s_tally(struct np *np, struct tally *t)
{
	t->bytes = np->done && np->status != 1 ? S.head : S.tail;
	t->blocks = S.npkt;
	t->repeats = S.nrtx;
	t->npeers = S.ncl;
	t->nalive = S.nalive;
}

static void
s_peer(struct np *np, unsigned i, struct peer *p)
{
	const struct r1client *c = &S.cl[i];

	(void)np;
	p->addr = c->addr;
	p->bytes = c->bytes;
	p->rtt = c->rtt.srtt;
	p->why = c->why;
	if (!c->alive)
		p->result = PEER_DROPPED;
	else
		p->result = c->done ? PEER_DONE : PEER_ACTIVE;
}

/* ---- client ---------------------------------------------------------- */

static void
k_send(struct np *np, const uint8_t *p, size_t n)
{
	net_send(np->net.ufd, p, n, &K.srv);
}

static void
k_small(struct np *np, uint8_t cmd)
{
	uint8_t p[R1_MIN];

	hdr(p, cmd, K.session);
	k_send(np, p, seal(p, 5));
}

static void
k_abort(struct np *np, uint32_t code, int eno)
{
	int i;

	if (K.phase == K_WAIT)
		return;
	for (i = 0; i < ABORT_COPIES; i++)
		send_error(np->net.ufd, &K.srv, K.session, code,
		    (uint32_t)eno);
}

/* The first seeking server we may answer: take its parameters. */
static void
k_lock(struct np *np, const uint8_t *p,
    const struct sockaddr_in *from)
{
	size_t llen = p[34];

	K.srv = *from;
	K.session = get32(p + 1);
	K.B = get32(p + 26);
	K.W = get32(p + 30);
	K.nblk = K.W / K.B;
	K.opB = crc32_combine_gen((z_off_t)K.B);
	if ((K.ring = malloc(K.W)) == NULL ||
	    (K.have = calloc(K.nblk, 1)) == NULL ||
	    (K.blen = calloc(K.nblk, sizeof(*K.blen))) == NULL ||
	    (K.dcrc = calloc(K.nblk, sizeof(*K.dcrc))) == NULL ||
	    (K.nak_at = calloc(K.nblk, sizeof(*K.nak_at))) == NULL)
		err(1, NULL);
	K.phase = K_SEEK;
	info(np, "answering server %s, session %08x%s%.*s",
	    addrstr(from), K.session, llen ? ", label " : "", (int)llen,
	    (const char *)p + 35);
}

/*
 * A data packet, its CRC not yet checked: a new block is checked where
 * it lands, in the window, and that check's CRC of the data is kept for
 * the stream's CRC: one pass over the bytes, and what is checked is what
 * will be written.  Anything else is checked as any packet is.  Returns
 * whether the packet was intact.
 */
static int
k_data(struct np *np, const uint8_t *p, size_t n)
{
	uint64_t off = get64(p + 5);
	size_t len = n - R1_DATA_HDR - 4, slot;
	uint32_t dcrc, hcrc, pcrc;
	uint8_t *at;

	if (off % K.B != 0 || len > K.B) {
		if (!intact(p, n))
			return 0;
		np->junk++;		/* intact, but no block */
		return 1;
	}
	slot = (size_t)(off / K.B % K.nblk);
	if (off < K.ack || off > k_limit() - len || K.have[slot])
		return intact(p, n);	/* had it, or beyond the window */
	at = K.ring + slot * K.B;
	memcpy(at, p + R1_DATA_HDR, len);
	dcrc = np_crc32(at, len);
	hcrc = np_crc32(p, R1_DATA_HDR);
	pcrc = join(hcrc, dcrc, len, K.B, K.opB);
	if (pcrc != get32(p + n - 4))
		return 0;
	if (K.eot && off + len > K.total) {
		np->junk++;		/* intact, but past the end */
		return 1;
	}
	K.have[slot] = 1;
	K.blen[slot] = (uint32_t)len;
	K.dcrc[slot] = dcrc;
	K.rcvd++;
	if (off > K.hi)
		K.gaps = 1;	/* what lies between was lost: ask at once */
	if (off + len > K.hi)
		K.hi = off + len;
	k_advance();
	return 1;
}

/*
 * The window starts at the block being written out: wr itself need not
 * be on a block boundary, and that block's slot is not free yet.
 */
static uint64_t
k_limit(void)
{
	return K.wr - K.wr % K.B + K.W;
}

/*
 * Move the contiguous mark over what has arrived; the stream's CRC grows
 * with it, block by block, in the stream's order.
 */
static void
k_advance(void)
{
	size_t slot, len;

	for (;;) {
		slot = (size_t)(K.ack / K.B % K.nblk);
		if (!K.have[slot])
			break;
		len = K.blen[slot];
		K.scrc = join(K.scrc, K.dcrc[slot], len, K.B, K.opB);
		K.have[slot] = 0;
		K.nak_at[slot] = 0;
		K.ack += len;
		if (len < K.B)
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
	size_t at, len;
	int e;

	if (K.ack - K.wr < OUT_CHUNK && !K.eot && now - K.wrote_at < OUT_WAIT)
		return;
	K.wrote_at = now;
	/* One piece per turn of the loop: a slow reader does not stop
	 * the status reports. */
	if (K.wr < K.ack) {
		at = (size_t)(K.wr % K.W);
		len = K.ack - K.wr < K.W - at ? (size_t)(K.ack - K.wr) :
		    K.W - at;
		if (len > OUT_PIECE)
			len = OUT_PIECE;
		if ((e = out_direct(K.ring + at, len)) != 0) {
			k_abort(np, R1E_INTERNAL, e);
			np_fail(np, "stdout: %s", strerror(e));
			return;
		}
		K.wr += len;
		np->bytes = K.wr;
	}
}

/* Progress, room, counters and the missing ranges. */
static void
k_status(struct np *np, uint64_t now)
{
	uint8_t p[R1_STATUS_MIN + 12 * MAX_RANGES];
	uint64_t o, end, start = 0, retry;
	unsigned nr = 0;
	size_t slot;
	int open = 0;

	retry = 2 * K.rtt > NAK_MIN ? 2 * K.rtt : NAK_MIN;
	end = K.hi;
	if (K.eot && K.total > end)
		end = K.total;
	if (end > k_limit())
		end = k_limit();
	for (o = K.ack; o < end && nr < MAX_RANGES; o += K.B) {
		slot = (size_t)(o / K.B % K.nblk);
		if (!K.have[slot] && (K.nak_at[slot] == 0 ||
		    now - K.nak_at[slot] >= retry)) {
			if (K.nak_at[slot] == 0)
				K.missed++;
			K.nak_at[slot] = now;
			if (!open)
				start = o, open = 1;
			continue;
		}
		if (open) {
			put64(p + 31 + 12 * nr, start);
			put32(p + 39 + 12 * nr, (uint32_t)(o - start));
			nr++;
			open = 0;
		}
	}
	if (open && nr < MAX_RANGES) {
		/* The last range ends with the stream, not a block later. */
		put64(p + 31 + 12 * nr, start);
		put32(p + 39 + 12 * nr, (uint32_t)((o < end ? o : end) -
		    start));
		nr++;
	}
	hdr(p, R1_STATUS, K.session);
	put64(p + 5, K.ack);
	put64(p + 13, k_limit());
	put32(p + 21, K.rcvd);
	put32(p + 25, K.missed);
	put16(p + 29, (uint16_t)nr);
	k_send(np, p, seal(p, 31 + 12 * nr));
	K.next_status = now + STATUS_EVERY;
	K.status_room = k_limit();
	K.gaps = 0;
}

static void
k_done(struct np *np, int result)
{
	uint8_t p[R1_DONE_LEN];

	hdr(p, R1_DONE, K.session);
	put32(p + 5, (uint32_t)result);
	k_send(np, p, seal(p, 9));
}

/* All of it here?  Check the whole stream, say so, wait for R1_BYE. */
static void
k_check_end(struct np *np, uint64_t now)
{
	int e;

	if (!K.eot || K.ack < K.total || K.wr < K.total)
		return;
	if (K.phase != K_END) {
		K.phase = K_END;
		K.result = K.scrc == K.want_crc && K.ack == K.total ?
		    DONE_OK : DONE_BADCRC;
		if (K.result == DONE_OK && (e = out_close()) != 0) {
			k_abort(np, R1E_INTERNAL, e);
			np_fail(np, "stdout: %s", strerror(e));
			return;
		}
		if (K.result == DONE_OK)
			debug(np, "the stream's CRC %08x matches the server's",
			    K.scrc);
		np->ended = now;
	}
	k_done(np, K.result);
	K.done_at = now;
	if (K.result != DONE_OK)
		np_fail(np, "the stream's CRC is %08x, the server's %08x: "
		    "the output is damaged", K.scrc, K.want_crc);
}

static void
k_packet(struct np *np, int fd, const uint8_t *p, size_t n,
    const struct sockaddr_in *from)
{
	uint64_t now = now_us();
	const char *lab = np->o->label;
	uint8_t q[R1_PONG_LEN];
	uint32_t code;
	int data;

	(void)fd;
	if (n >= 1 && p[0] >= CM_PING && p[0] <= CM_ACK_PLZ &&
	    K.phase == K_WAIT && ntohs(from->sin_port) == np->net.sport) {
		if (!K.warned)
			info(np, "server %s speaks Rev. 0: use -0",
			    addrstr(from));
		K.warned = 1;
		np->foreign++;
		return;
	}
	/* Data is checked where it lands: see k_data(). */
	data = K.phase == K_TX && n > R1_DATA_HDR + 4 && p[0] == R1_DATA;
	if (!data && !intact(p, n)) {
		np->junk++;
		return;
	}
	if (K.phase == K_WAIT) {
		if (ntohs(from->sin_port) != np->net.sport ||
		    p[0] != R1_PING || n < R1_PING_MIN ||
		    n != R1_PING_MIN + (size_t)p[34] || get32(p + 26) == 0 ||
		    get32(p + 26) > MAX_BLOCK1 ||
		    get32(p + 30) % get32(p + 26) != 0 ||
		    get32(p + 30) / get32(p + 26) < 2 ||
		    get32(p + 30) / get32(p + 26) > MAX_WBLOCKS ||
		    get32(p + 30) > MAX_WINDOW) {
			np->foreign++;
			return;
		}
		if (lab != NULL && (p[34] != strlen(lab) ||
		    memcmp(p + 35, lab, p[34]) != 0)) {
			np->foreign++;
			return;
		}
		if (!(p[5] & PF_SEEK)) {
			np_fail(np, "a transfer from %s (session %08x) is "
			    "already under way; this client missed its "
			    "start", addrstr(from), get32(p + 1));
			return;
		}
		k_lock(np, p, from);
	}
	if (!sameaddr(from, &K.srv) || get32(p + 1) != K.session) {
		np->foreign++;
		return;
	}
	if (data && !k_data(np, p, n)) {
		np->junk++;
		return;
	}
	K.heard = now;
	switch (p[0]) {
	case R1_PING:
		if (n < R1_PING_MIN || n != R1_PING_MIN + (size_t)p[34])
			goto junk;
		K.rtt = get32(p + 22);
		if (K.phase == K_TX && get64(p + 14) > K.hi &&
		    get64(p + 14) <= k_limit()) {
			/* The stream is further than we saw: a lost tail. */
			K.hi = get64(p + 14);
			K.gaps = 1;
		}
		hdr(q, R1_PONG, K.session);
		memcpy(q + 5, p + 6, 8);
		k_send(np, q, seal(q, 13));
		break;
	case R1_INIT:
		if (n != R1_MIN)
			goto junk;
		if (K.phase == K_SEEK) {
			K.phase = K_TX;
			np->began = now;
			K.next_status = now + STATUS_EVERY;
			K.status_room = K.W;
		}
		if (K.phase == K_TX)
			k_small(np, R1_READY);
		break;
	case R1_DATA:
		if (n <= R1_DATA_HDR + 4)
			goto junk;
		break;			/* in K_TX, taken above */
	case R1_EOT:
		if (n != R1_EOT_LEN)
			goto junk;
		if (K.phase == K_SEEK)
			break;
		if (!K.eot) {
			K.eot = 1;
			K.total = get64(p + 5);
			K.want_crc = get32(p + 13);
			if (K.total < K.ack || (K.total > K.hi &&
			    K.hi % K.B != 0)) {
				k_done(np, DONE_BADCRC);
				np_fail(np, "server %s ends the stream at %llu "
				    "bytes, but %llu arrived",
				    addrstr(from),
				    (unsigned long long)K.total,
				    (unsigned long long)K.hi);
				return;
			}
			K.gaps = 1;
		}
		if (K.phase == K_END)
			K.done_at = 0;	/* answer again */
		break;
	case R1_BYE:
		if (n != R1_MIN)
			goto junk;
		if (K.phase == K_END)
			np->done = 1;
		break;
	case R1_ERROR:
		if (n != R1_ERROR_LEN)
			goto junk;
		code = get32(p + 5);
		if (code == R1E_DROPPED && K.phase == K_END &&
		    K.result == DONE_OK) {
			np_fail(np, "server %s dropped this client: the stream "
			    "arrived whole (CRC %08x), but too late to count",
			    addrstr(from), K.scrc);
			break;
		}
		if (K.phase == K_END && K.result == DONE_OK) {
			np->done = 1;	/* we have it all, checked */
			break;
		}
		if (code == R1E_REFUSED)
			np_fail(np, "server %s refused this client: its "
			    "transfer had already started", addrstr(from));
		else if (code == R1E_DROPPED)
			np_fail(np, "server %s dropped this client; the stream "
			    "is incomplete (%llu bytes written)",
			    addrstr(from), (unsigned long long)K.wr);
		else if (code == R1E_INTERNAL)
			np_fail(np, "server %s failed (%s); the stream is "
			    "incomplete", addrstr(from),
			    strerror((int)get32(p + 9)));
		else
			np_fail(np, "server %s aborted the transfer; the "
			    "stream is incomplete", addrstr(from));
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
	if (K.phase == K_WAIT)
		return;
	if (K.phase == K_TX) {
		k_output(np, now);
		if (np->done)
			return;
		if (K.gaps || now >= K.next_status ||
		    k_limit() >= K.status_room + K.W / 4)
			k_status(np, now);
		k_check_end(np, now);
		if (np->done)
			return;
	} else if (K.phase == K_END && now - K.done_at >= DONE_EVERY)
		k_check_end(np, now);
	if (np->done)
		return;
	if (now - K.heard >= secs(np->o->timeout)) {
		if (K.phase == K_END) {
			/* All written and checked; the BYE got lost. */
			np->done = 1;
			return;
		}
		(void)out_close();
		np_fail(np, "server %s silent for %u s; the stream is "
		    "incomplete (%llu bytes written)", addrstr(&K.srv),
		    np->o->timeout, (unsigned long long)K.wr);
	}
}

static uint64_t
k_deadline(struct np *np)
{
	uint64_t d = now_us() + TICK, t;

	(void)np;
	if (K.phase == K_WAIT)
		return d + SEC;
	if (K.ack - K.wr >= OUT_CHUNK || (K.eot && K.wr < K.ack))
		return now_us();	/* more to write at once */
	if (K.phase == K_TX && K.next_status < d)
		d = K.next_status;
	t = K.heard + secs(np->o->timeout);
	return t < d ? t : d;
}

static void
k_interrupt(struct np *np, int sig)
{
	if (K.phase == K_END && K.result == DONE_OK) {
		np->done = 1;		/* all of it is written and checked */
		return;
	}
	k_abort(np, R1E_ABORT, 0);
	(void)out_close();
	np_fail(np, "%s: transfer aborted", strsignal(sig));
}

static void
k_tally(struct np *np, struct tally *t)
{
	(void)np;
	t->bytes = K.wr;
	t->npeers = K.phase != K_WAIT;
	t->nalive = t->npeers;
}

static void
k_peer(struct np *np, unsigned i, struct peer *p)
{
	(void)np;
	(void)i;
	p->addr = K.srv;
	p->bytes = K.wr;
	p->result = K.phase == K_END && K.result == DONE_OK ? PEER_DONE :
	    PEER_ACTIVE;
}
