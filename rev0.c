/*
 * netpipe: rev0.c: NetPipe Rev. 0, server and client.
 *
 * Stop and wait: the server sends one block (CM_TX) to the group and waits
 * until every live client has acknowledged it (CM_RXOK) before it reads
 * the next.  Repeats go by unicast, only to the clients that have not
 * answered.  PROTOCOL.txt is the description; this is the code.
 *
 * Copyright (C) 1999 Jan Oberlaender (the NetPipe Rev. 0 design)
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/types.h>

#include <netinet/in.h>

#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpipe.h"

/*
 * Timers, in microseconds.  PROTOCOL.txt adds them up.  SEEK_PING,
 * PING_MAX, RTO_INIT, RTO_MAX and ABORT_COPIES are in netpipe.h.
 */
#define RTO_MIN		2000		/* repeat timer bounds: RTO_MAX */
#define LINGER		2000000		/* client answers CM_EOT this long */
#define OUT_IDLE	50000		/* client flushes after this quiet */
#define DUP_GUARD	(RTO_MIN / 2)	/* a copy sooner is the network's */
#define RECENT		256		/* client: CRCs of blocks remembered */
#define INBUF		(1024 * 1024)	/* standard input is read in these */
#define OUTBUF		(256 * 1024)	/* stdout is written in these */

enum sphase { S_SEEK, S_INIT, S_TX, S_EOT };

struct client {
	struct member	 m;		/* addr, alive, heard, resend, rtt,
					   bytes, why */
	int		 ok;		/* answered in this phase / block */
	uint64_t	 armed;		/* waits for its answer since */
	uint64_t	 minrtt;	/* the shortest round trip seen */
	unsigned	 backoff;	/* repeats since its last answer */
};

struct server {
	struct members	 cl;		/* of struct client: first (netpipe.h) */
	enum sphase	 phase;
	struct client	*chosen;	/* -1 mode: the acknowledging client */
	int		 plz;		/* chosen has not answered since CM_ACK_PLZ */
	uint64_t	 seek_end;	/* -w: the seek phase ends here */
	uint64_t	 next_ping;
	uint64_t	 ping_period;
	struct stamps	 stamps;	/* recent CM_PING stamps */
	uint32_t	 seq;		/* of the block in flight, or the next */
	int		 inflight;	/* a block waits for its answers */
	int		 repeated;	/* it was repeated to someone */
	uint64_t	 sent_at;	/* when it went out to the group */
	uint64_t	 drain;		/* 0, or end of the wait after a repeat */
	uint8_t		 pkt[TX_OVERHEAD + MAX_BLOCK];
	size_t		 pktlen;	/* the CM_TX in flight */
	size_t		 blen;		/* its data bytes */
	size_t		 inoff, inlen;
	int		 eof;
	uint64_t	 retx;		/* repeats sent */
	uint64_t	 blocks;	/* blocks delivered */
	uint8_t		 in[INBUF];	/* standard input buffer */
};

enum kphase { K_WAIT, K_SEEK, K_INIT, K_TX, K_END };

struct kstate {
	enum kphase	 phase;
	union addr	 srv;		/* the locked server's status socket */
	uint64_t	 heard;
	uint32_t	 expect;	/* sequence number of the next block */
	int		 any;		/* a block was accepted */
	int		 single;	/* SF_SINGLE_ACK was set */
	int		 plz;		/* CM_ACK_PLZ was received */
	int		 warned;	/* said a transfer is under way */
	uint64_t	 data_at;	/* last block written, 0 once flushed */
	uint64_t	 rxok_at;	/* last CM_RXOK sent, 0 none yet */
	uint64_t	 linger;
	uint32_t	 recent[RECENT]; /* CRC of block seq at seq % RECENT */
	uint32_t	 nrecent;	/* of the last blocks accepted, <= RECENT */
	size_t		 outlen;	/* bytes in out */
	uint8_t		 out[OUTBUF];	/* standard output buffer */
};

/* The hooks: s_init ... s_peer, k_init ... k_peer (netpipe.h). */
ROLE_HOOKS;

/* Both sides. */
static void	 send_error(struct np *, const union addr *, uint32_t,
		    uint32_t);

/* Server. */
static struct client *s_cl(const struct server *, unsigned);
static void	 s_send(struct np *, const uint8_t *, size_t);
static void	 s_unicast(struct np *, struct client *, const uint8_t *,
		    size_t);
static void	 s_ping(struct np *, uint64_t);
static int	 s_needs_ack(const struct server *, const struct client *);
static void	 s_arm(struct client *, uint64_t);
static void	 s_choose(struct np *, uint64_t);
static void	 s_start_init(struct np *, uint64_t);
static void	 s_start_eot(struct np *, uint64_t);
static int	 s_all_ok(const struct server *);
static void	 s_advance(struct np *, uint64_t);
static void	 s_delivered(struct np *, uint64_t);
static void	 s_next_block(struct np *, uint64_t);
static void	 s_repeat(struct np *, struct client *, uint64_t);
static void	 s_finish(struct np *);
static void	 s_stranger(struct np *, const struct r0pkt *, int,
		    const union addr *, uint64_t);
static int	 s_pong(struct np *, struct client *, const struct r0pkt *,
		    uint64_t);
static int	 s_ready(struct np *, struct client *);
static int	 s_rxok(struct np *, struct client *, uint64_t);
static int	 s_rxerr(struct np *, struct client *, const struct r0pkt *,
		    uint64_t);
static int	 s_error(struct np *, struct client *, const struct r0pkt *,
		    uint64_t);
static int	 s_done(struct np *, struct client *);
static void	 s_timeouts(struct np *, uint64_t);
static void	 s_resends(struct np *, uint64_t);

/* Client. */
static void	 k_send(struct np *, const uint8_t *, size_t);
static void	 k_cmd(struct np *, uint8_t);
static void	 k_rxerr(struct np *, uint32_t);
static void	 k_abort(struct np *, uint32_t, int);
static int	 k_out(struct np *, const uint8_t *, size_t);
static int	 k_flush(struct np *);
static int	 k_write(struct np *, const uint8_t *, size_t);
static void	 k_fail(struct np *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 k_outfail(struct np *, int);
static int	 k_wait(struct np *, const struct r0pkt *, int,
		    const union addr *);
static int	 k_ping(struct np *, const struct r0pkt *);
static int	 k_seq_init(struct np *, const struct r0pkt *, uint64_t);
static int	 k_ack_plz(struct np *);
static int	 k_tx(struct np *, const struct r0pkt *, int, uint64_t);
static int	 k_accept(struct np *, const struct r0pkt *, uint64_t);
static void	 k_rxok(struct np *, int, uint64_t);
static int	 k_eot(struct np *, const struct r0pkt *, uint64_t);
static int	 k_error(struct np *, const struct r0pkt *,
		    const union addr *);

const struct role rev0_server = SERVER_ROLE;
const struct role rev0_client = CLIENT_ROLE;

/* CM_ERROR from this end's socket (the driver knows which it is). */
static void
send_error(struct np *np, const union addr *to, uint32_t code,
    uint32_t eno)
{
	uint8_t p[ERROR_LEN];

	np->io->send(np->io->ctx, p, r0_pack_error(p, code, eno), to);
}

/* ---- server ---------------------------------------------------------- */

static void
s_init(struct np *np, uint64_t now)
{
	const struct opts *o = np->o;
	struct server *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		err(1, NULL);
	np->rs = s;
	s->phase = S_SEEK;
	s->seq = o->first_seq;
	s->ping_period = ping_period(o);
	members_init(&s->cl, sizeof(struct client), o->nclients, send_error);
	if (o->wait)
		s->seek_end = now + secs(o->wait);
	if (o->unicast)
		info(np, "waiting for a client at %s", addrstr(&np->net.dst));
	else
		info(np, "waiting for %u client%s on %s (%s)",
		    o->nclients, o->nclients == 1 ? "" : "s", np->net.ifname,
		    addrstr(&np->net.dst));
}

static void
s_fini(struct np *np)
{
	struct server *s = np->rs;

	if (s == NULL)
		return;
	members_free(&s->cl);
	free(s);
	np->rs = NULL;
}

static struct client *
s_cl(const struct server *s, unsigned i)
{
	return (struct client *)member_at(&s->cl, i);
}

static void
s_send(struct np *np, const uint8_t *p, size_t len)
{
	np->io->send(np->io->ctx, p, len, &np->net.dst);
}

static void
s_unicast(struct np *np, struct client *c, const uint8_t *p, size_t len)
{
	np->io->send(np->io->ctx, p, len, &c->m.addr);
}

static void
s_ping(struct np *np, uint64_t now)
{
	struct server *s = np->rs;
	uint8_t p[PING_LEN];
	size_t n;

	n = r0_pack_stamp(p, CM_PING, now);
	stamp_add(&s->stamps, now);
	s_send(np, p, n);
}

static int
s_needs_ack(const struct server *s, const struct client *c)
{
	return s->chosen == NULL || c == s->chosen;
}

/* Start waiting for c's answer to what was just sent. */
static void
s_arm(struct client *c, uint64_t now)
{
	c->ok = 0;
	c->backoff = 0;
	c->armed = now;
	c->m.resend = now + c->m.rtt.rto;
}

/*
 * -1 mode: pick the first live client to acknowledge (again, when
 * member_drop has dropped the one chosen).  If a block is in flight, the
 * new one is told (CM_ACK_PLZ) and sent the block at once.
 */
static void
s_choose(struct np *np, uint64_t now)
{
	struct server *s = np->rs;
	uint8_t plz[CMD_LEN];
	struct client *c;
	unsigned i;

	s->chosen = NULL;
	for (i = 0; i < s->cl.n; i++)
		if (s_cl(s, i)->m.alive)
			break;
	if (i == s->cl.n)
		return;
	c = s->chosen = s_cl(s, i);
	s->plz = 1;
	debug(np, "client %s acknowledges for all", addrstr(&c->m.addr));
	s_unicast(np, c, plz, r0_pack_cmd(plz, CM_ACK_PLZ));
	if (s->phase == S_TX && s->inflight) {
		s_arm(c, now);
		s_repeat(np, c, now);
	}
}

static void
s_start_init(struct np *np, uint64_t now)
{
	struct server *s = np->rs;
	uint8_t p[SEQ_INIT_LEN];
	unsigned i;

	s->phase = S_INIT;
	np->began = now;
	for (i = 0; i < s->cl.n; i++)
		s_arm(s_cl(s, i), now);
	debug(np, "initialization phase, %u client%s", s->cl.nalive,
	    s->cl.nalive == 1 ? "" : "s");
	s_send(np, p, r0_pack_seq_init(p, np->o->single_ack ?
	    SF_SINGLE_ACK : 0));
}

static void
s_start_eot(struct np *np, uint64_t now)
{
	struct server *s = np->rs;
	uint8_t p[EOT_SEQ_LEN];
	unsigned i;

	s->phase = S_EOT;
	for (i = 0; i < s->cl.n; i++)
		s_arm(s_cl(s, i), now);
	debug(np, "end of transaction after %llu blocks",
	    (unsigned long long)s->blocks);
	s_send(np, p, r0_pack_eot(p, s->seq));
}

static int
s_all_ok(const struct server *s)
{
	const struct client *c;
	unsigned i;

	for (i = 0; i < s->cl.n; i++) {
		c = s_cl(s, i);
		if (c->m.alive && !c->ok)
			return 0;
	}
	return 1;
}

/* Called after every change: has the phase or the block completed? */
static void
s_advance(struct np *np, uint64_t now)
{
	struct server *s = np->rs;

	if (s->phase != S_SEEK && members_gone(np, &s->cl))
		return;
	switch (s->phase) {
	case S_SEEK:
		if (members_seek_over(np, &s->cl, s->seek_end, now))
			s_start_init(np, now);
		break;
	case S_INIT:
		if (s_all_ok(s)) {
			s->phase = S_TX;
			if (np->o->single_ack)
				s_choose(np, now);
			debug(np, "transaction phase");
		}
		break;
	case S_TX:
		if (s->inflight && s_all_ok(s))
			s_delivered(np, now);
		break;
	case S_EOT:
		if (s_all_ok(s))
			s_finish(np);
		break;
	}
}

/* The block is delivered.  The next goes out from s_timer. */
static void
s_delivered(struct np *np, uint64_t now)
{
	struct server *s = np->rs;
	const struct client *c;
	uint64_t rto;
	unsigned i;

	s->inflight = 0;
	s->blocks++;
	s->seq++;
	np->bytes += s->blen;
	if (!s->repeated)
		return;
	/*
	 * A repeat may have crossed an answer: wait one repeat
	 * time so that a late CM_RXOK is not taken for the next.
	 */
	rto = 0;
	for (i = 0; i < s->cl.n; i++) {
		c = s_cl(s, i);
		if (c->m.alive && c->m.rtt.rto > rto)
			rto = c->m.rtt.rto;
	}
	s->drain = now + rto;
}

/* Send the next block, or the end, if standard input has it. */
static void
s_next_block(struct np *np, uint64_t now)
{
	struct server *s = np->rs;
	size_t len = s->inlen - s->inoff;
	struct client *c;
	unsigned i;

	if (len < np->net.block && !s->eof)
		return;			/* s_input will fill the buffer */
	if (len == 0) {
		s_start_eot(np, now);
		return;
	}
	if (len > np->net.block)
		len = np->net.block;
	s->pktlen = r0_pack_tx(s->pkt, s->seq, s->in + s->inoff, len);
	s->blen = len;
	s->inoff += len;
	s->inflight = 1;
	s->repeated = 0;
	for (i = 0; i < s->cl.n; i++) {
		c = s_cl(s, i);
		s_arm(c, now);
		if (!s_needs_ack(s, c))
			c->ok = 1;
	}
	s->sent_at = now;
	s_send(np, s->pkt, s->pktlen);
}

/* Repeat the block in flight to one client, by unicast. */
static void
s_repeat(struct np *np, struct client *c, uint64_t now)
{
	struct server *s = np->rs;
	uint8_t plz[CMD_LEN];

	if (c == s->chosen && s->plz)
		s_unicast(np, c, plz, r0_pack_cmd(plz, CM_ACK_PLZ));
	s_unicast(np, c, s->pkt, s->pktlen);
	s->repeated = 1;
	s->retx++;
	c->m.resend = now + (c->m.rtt.rto << (c->backoff < 5 ?
	    c->backoff : 5));
	if (c->backoff < 5)
		c->backoff++;
}

/* Every live client confirmed the end; the driver sums up. */
static void
s_finish(struct np *np)
{
	struct server *s = np->rs;

	np->status = s->cl.nalive == s->cl.n ? 0 : 3;
	np->done = 1;
}

/*
 * A datagram from an address not in the table.  Only a CM_PONG that
 * echoes a stamp we sent makes a client: junk cannot make one up.
 */
static void
s_stranger(struct np *np, const struct r0pkt *pk, int intact,
    const union addr *from, uint64_t now)
{
	struct server *s = np->rs;
	struct client *c;

	if (!intact || pk->cmd != CM_PONG ||
	    !stamp_known(&s->stamps, pk->stamp)) {
		np->foreign++;
		return;
	}
	c = (struct client *)member_join(np, &s->cl, s->phase == S_SEEK, from,
	    now, now - pk->stamp, RTO_MIN);
	if (c != NULL)
		c->minrtt = now - pk->stamp;
	s_advance(np, now);
}

static int
s_pong(struct np *np, struct client *c, const struct r0pkt *pk, uint64_t now)
{
	struct server *s = np->rs;

	if (!stamp_known(&s->stamps, pk->stamp))
		return -1;
	rtt_sample(&c->m.rtt, now - pk->stamp, RTO_MIN, RTO_MAX);
	if (now - pk->stamp < c->minrtt)
		c->minrtt = now - pk->stamp;
	return 0;
}

static int
s_ready(struct np *np, struct client *c)
{
	struct server *s = np->rs;

	if (s->phase == S_INIT)
		c->ok = 1;
	return 0;
}

static int
s_rxok(struct np *np, struct client *c, uint64_t now)
{
	struct server *s = np->rs;

	if (s->phase != S_TX || !s->inflight || c->ok)
		return 0;
	/*
	 * Only while a block waits: a stale answer is ignored, and so is
	 * one quicker than half a round trip: a duplicate.
	 */
	if (now - s->sent_at < c->minrtt / 2) {
		np->junk++;
		return 0;
	}
	c->ok = 1;
	c->backoff = 0;
	c->m.bytes += s->blen;
	if (c == s->chosen)
		s->plz = 0;
	return 0;
}

static int
s_rxerr(struct np *np, struct client *c, const struct r0pkt *pk,
    uint64_t now)
{
	struct server *s = np->rs;

	if (pk->code == RXERR_SEQ) {
		if (member_drop(np, &s->cl, &c->m, s->phase == S_SEEK,
		    "sequence error (it lost a block)") && c == s->chosen)
			s_choose(np, now);
		return 0;
	}
	if (pk->code != RXERR_CRC)
		return -1;
	/* A damaged block: repeat it to c alone, if c still lacks it. */
	debug(np, "client %s: CRC error", addrstr(&c->m.addr));
	if (s->phase == S_TX && s->inflight && (!c->ok || !s_needs_ack(s, c)))
		s_repeat(np, c, now);
	return 0;
}

static int
s_error(struct np *np, struct client *c, const struct r0pkt *pk,
    uint64_t now)
{
	struct server *s = np->rs;

	if (member_stopped(np, &s->cl, &c->m, s->phase == S_SEEK, pk->code,
	    pk->eno) && c == s->chosen)
		s_choose(np, now);
	return 0;
}

static int
s_done(struct np *np, struct client *c)
{
	struct server *s = np->rs;

	if (s->phase == S_EOT && !c->ok) {
		c->ok = 1;
		c->m.bytes = np->bytes;
	}
	return 0;
}

static void
s_packet(struct np *np, const uint8_t *p, size_t n,
    const union addr *from, uint64_t now)
{
	struct server *s = np->rs;
	struct client *c;
	struct r0pkt pk;
	int intact, r;

	if (n == 0) {
		np->junk++;
		return;
	}
	intact = r0_unpack(p, n, &pk) == 0;
	if ((c = (struct client *)member_find(&s->cl, from)) == NULL) {
		s_stranger(np, &pk, intact, from, now);
		return;
	}
	if (!c->m.alive) {
		np->foreign++;
		return;
	}
	r = -1;
	if (intact) {
		switch (pk.cmd) {
		case CM_PONG:	r = s_pong(np, c, &pk, now); break;
		case CM_READY:	r = s_ready(np, c); break;
		case CM_RXOK:	r = s_rxok(np, c, now); break;
		case CM_RXERR:	r = s_rxerr(np, c, &pk, now); break;
		case CM_ERROR:	r = s_error(np, c, &pk, now); break;
		case CM_DONE:	r = s_done(np, c); break;
		default:	break;
		}
	}
	if (r == -1) {
		np->junk++;
		return;
	}
	c->m.heard = now;
	s_advance(np, now);
}

/* Drop the clients that went silent, or that stopped answering. */
static void
s_timeouts(struct np *np, uint64_t now)
{
	struct server *s = np->rs;
	struct client *c;
	unsigned i;
	int seeking = s->phase == S_SEEK, dropped;

	for (i = 0; i < s->cl.n; i++) {
		c = s_cl(s, i);
		if (!c->m.alive || (s->phase == S_EOT && c->ok))
			continue;	/* a client done may leave */
		if (now - c->m.heard >= secs(np->o->timeout))
			dropped = member_drop(np, &s->cl, &c->m, seeking,
			    "timed out after %u s", np->o->timeout);
		else if (!seeking && !c->ok &&
		    now - c->armed >= secs(np->o->timeout))
			dropped = member_drop(np, &s->cl, &c->m, seeking,
			    "no answer for %u s, though alive",
			    np->o->timeout);
		else
			continue;
		if (dropped && c == s->chosen)
			s_choose(np, now);
	}
}

/* Repeat what a client has not answered, to it alone. */
static void
s_resends(struct np *np, uint64_t now)
{
	struct server *s = np->rs;
	uint8_t si[SEQ_INIT_LEN], eot[EOT_SEQ_LEN];
	struct client *c;
	unsigned i;

	for (i = 0; i < s->cl.n; i++) {
		c = s_cl(s, i);
		if (!c->m.alive || c->ok || now < c->m.resend)
			continue;
		switch (s->phase) {
		case S_INIT:
			s_unicast(np, c, si, r0_pack_seq_init(si,
			    np->o->single_ack ? SF_SINGLE_ACK : 0));
			c->m.resend = now + c->m.rtt.rto;
			break;
		case S_TX:
			if (s->inflight)
				s_repeat(np, c, now);
			break;
		case S_EOT:
			s_unicast(np, c, eot, r0_pack_eot(eot, s->seq));
			c->m.resend = now + c->m.rtt.rto;
			break;
		default:
			break;
		}
	}
}

/* The one place that decides what the server sends next. */
static void
s_timer(struct np *np, uint64_t now)
{
	struct server *s = np->rs;

	if (now >= s->next_ping) {
		s_ping(np, now);
		s->next_ping = now + (s->phase == S_SEEK ? SEEK_PING :
		    s->ping_period);
	}
	s_timeouts(np, now);
	s_resends(np, now);
	if (s->drain && now >= s->drain)
		s->drain = 0;
	s_advance(np, now);
	if (!np->done && s->phase == S_TX && !s->inflight && !s->drain)
		s_next_block(np, now);
}

static uint64_t
s_deadline(const struct np *np, uint64_t now)
{
	const struct server *s = np->rs;
	const struct client *c;
	uint64_t d = s->next_ping, t;
	unsigned i;

	/* Once -w has run out with no client, wait for one, not spin. */
	if (s->phase == S_SEEK && s->seek_end > now && s->seek_end < d)
		d = s->seek_end;
	if (s->drain && s->drain < d)
		d = s->drain;
	for (i = 0; i < s->cl.n; i++) {
		c = s_cl(s, i);
		if (!c->m.alive || (s->phase == S_EOT && c->ok))
			continue;
		t = c->m.heard + secs(np->o->timeout);
		if (t < d)
			d = t;
		if (s->phase != S_SEEK && !c->ok && c->m.resend < d)
			d = c->m.resend;
	}
	return d;
}

static int
s_want_input(const struct np *np)
{
	const struct server *s = np->rs;

	return s->phase == S_TX && !s->inflight && !s->eof &&
	    s->inlen - s->inoff < np->net.block;
}

static void
s_input(struct np *np, uint64_t now)
{
	struct server *s = np->rs;
	ssize_t r;

	(void)now;
	if (s->inoff > 0) {
		memmove(s->in, s->in + s->inoff, s->inlen - s->inoff);
		s->inlen -= s->inoff;
		s->inoff = 0;
	}
	if ((r = server_read(np, &s->cl, s->in + s->inlen,
	    INBUF - s->inlen)) == -1)
		return;
	if (r == 0)
		s->eof = 1;
	s->inlen += (size_t)r;
}

static void
s_tally(const struct np *np, struct tally *t)
{
	const struct server *s = np->rs;

	t->bytes = np->bytes;
	t->blocks = s->blocks + (s->inflight ? 1 : 0);
	t->repeats = s->retx;
	t->npeers = s->cl.n;
	t->nalive = s->cl.nalive;
}

static void
s_peer(const struct np *np, unsigned i, struct peer *p)
{
	const struct server *s = np->rs;
	const struct client *c = s_cl(s, i);

	member_peer(&c->m, s->phase == S_EOT && c->ok, p);
}

/* ---- client ---------------------------------------------------------- */

static void
k_init(struct np *np, uint64_t now)
{
	struct kstate *k;

	(void)now;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		err(1, NULL);
	np->rs = k;
	k->phase = K_WAIT;
	k->expect = np->o->first_seq;
}

static void
k_fini(struct np *np)
{
	free(np->rs);
	np->rs = NULL;
}

static void
k_send(struct np *np, const uint8_t *p, size_t len)
{
	struct kstate *k = np->rs;

	np->io->send(np->io->ctx, p, len, &k->srv);
}

static void
k_cmd(struct np *np, uint8_t cmd)
{
	uint8_t p[CMD_LEN];

	k_send(np, p, r0_pack_cmd(p, cmd));
}

static void
k_rxerr(struct np *np, uint32_t code)
{
	uint8_t p[RXERR_LEN];

	k_send(np, p, r0_pack_rxerr(p, code));
}

/* Tell the server we stop (CM_ERROR), a few times against loss. */
static void
k_abort(struct np *np, uint32_t code, int eno)
{
	struct kstate *k = np->rs;
	int i;

	if (k->phase == K_WAIT)
		return;
	for (i = 0; i < ABORT_COPIES; i++)
		send_error(np, &k->srv, code, (uint32_t)eno);
}

/*
 * Append to standard output through the buffer.  Returns 0, or the
 * errno of a failed write: every error reaches the caller.
 */
static int
k_out(struct np *np, const uint8_t *p, size_t len)
{
	struct kstate *k = np->rs;
	int e;

	if (k->outlen + len > sizeof(k->out) && (e = k_flush(np)) != 0)
		return e;
	if (len > sizeof(k->out))
		return k_write(np, p, len);
	memcpy(k->out + k->outlen, p, len);
	k->outlen += len;
	return 0;
}

/* Write out what is buffered; returns 0 or an errno. */
static int
k_flush(struct np *np)
{
	struct kstate *k = np->rs;
	int e = 0;

	if (k->outlen > 0)
		e = k_write(np, k->out, k->outlen);
	k->outlen = 0;
	return e;
}

/* Standard output: what reached it is counted (np->bytes). */
static int
k_write(struct np *np, const uint8_t *p, size_t len)
{
	int e;

	if ((e = np->io->write(np->io->ctx, p, len)) == 0)
		np->bytes += len;
	return e;
}

/* np_fail, once what has arrived is written (its error is not ours). */
static void
k_fail(struct np *np, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)k_flush(np);
	np_fail(np, "%s", msg);
}

/* Standard output failed: tell the server, and stop. */
static void
k_outfail(struct np *np, int e)
{
	k_abort(np, NPE_INTERNAL, e);
	k_fail(np, "stdout: %s", strerror(e));
}

/*
 * No server yet: lock on the first that pings from a status port.
 * Returns 0 if the datagram is now the locked server's, else -1.
 */
static int
k_wait(struct np *np, const struct r0pkt *pk, int intact,
    const union addr *from)
{
	struct kstate *k = np->rs;

	/* A server sends from its status port. */
	if (addrport(from) != np->net.sport)
		return -1;
	if (pk->cmd >= R1_PING && pk->cmd <= R1_BYE && !k->warned) {
		info(np, "server %s speaks Rev. 1: drop -0", addrstr(from));
		k->warned = 1;
	}
	if (intact && pk->cmd == CM_PING) {
		k->srv = *from;
		k->phase = K_SEEK;
		return 0;
	}
	if ((pk->cmd == CM_TX || pk->cmd == CM_EOT) && !k->warned) {
		info(np, "a transfer from %s is already under way; waiting "
		    "for the next one", addrstr(from));
		k->warned = 1;
	}
	return -1;
}

/*
 * Echo the ping's stamp, for the server's round trip, before anything
 * else: the locked server's first ping (nothing heard from it yet) is
 * said after the answer, so that the line is not timed into the trip.
 */
static int
k_ping(struct np *np, const struct r0pkt *pk)
{
	struct kstate *k = np->rs;
	uint8_t p[PING_LEN];

	k_send(np, p, r0_pack_stamp(p, CM_PONG, pk->stamp));
	if (k->heard == 0)
		info(np, "answering server %s", addrstr(&k->srv));
	return 0;
}

static int
k_seq_init(struct np *np, const struct r0pkt *pk, uint64_t now)
{
	struct kstate *k = np->rs;

	if (k->phase <= K_INIT) {
		k->single = (pk->flags & SF_SINGLE_ACK) != 0;
		k->phase = K_INIT;
		if (np->began == 0)
			np->began = now;
	}
	if (k->phase != K_END)
		k_cmd(np, CM_READY);
	return 0;
}

static int
k_ack_plz(struct np *np)
{
	struct kstate *k = np->rs;

	k->plz = 1;
	return 0;
}

/*
 * A block.  intact is 0 for a damaged one (r0_unpack's length or CRC
 * check): that is asked for again, once the phase says it is ours.
 */
static int
k_tx(struct np *np, const struct r0pkt *pk, int intact, uint64_t now)
{
	struct kstate *k = np->rs;
	int32_t d;

	if (k->phase == K_SEEK)
		return -1;	/* not admitted: no CM_SEQ_INIT */
	if (k->phase == K_END)
		return 0;
	if (!intact) {
		np->junk++;
		debug(np, "damaged block, asking again");
		k_rxerr(np, RXERR_CRC);
		return 0;
	}
	k->phase = K_TX;
	d = (int32_t)(pk->seq - k->expect);	/* serial number arithmetic */
	if (d < 0 && k->any && (k->expect - pk->seq > k->nrecent ||
	    k->recent[pk->seq % RECENT] != pk->crc)) {
		/*
		 * Not a copy of a block we have: a server restarted on the
		 * same address sends its own stream from the start.
		 */
		k_rxerr(np, RXERR_SEQ);
		k_fail(np, "server %s started its stream over (block %u is "
		    "not the one received); the stream is incomplete",
		    addrstr(&k->srv), pk->seq);
		return 0;
	}
	if (d == 0) {
		if (k_accept(np, pk, now) != 0)
			return 0;
	} else if (d != -1 || !k->any) {
		if (d < 0)
			return 0;	/* older: ignored */
		k_rxerr(np, RXERR_SEQ);
		k_fail(np, "sequence error: expected block %u, got %u; "
		    "the stream is incomplete", k->expect, pk->seq);
		return 0;
	}
	k_rxok(np, d != 0, now);
	return 0;
}

/* The next block: out it goes. */
static int
k_accept(struct np *np, const struct r0pkt *pk, uint64_t now)
{
	struct kstate *k = np->rs;
	int e;

	if ((e = k_out(np, pk->data, pk->len)) != 0) {
		k_outfail(np, e);
		return -1;
	}
	k->expect++;
	k->any = 1;
	k->recent[pk->seq % RECENT] = pk->crc;
	if (k->nrecent < RECENT)
		k->nrecent++;
	k->data_at = now;
	return 0;
}

/*
 * New, or the last one again (its CM_RXOK was lost): answer.  A copy of
 * the last one sooner than DUP_GUARD after our answer is not a repeat
 * (the server waits RTO_MIN at least) but a network duplicate:
 * answering it would make a stale CM_RXOK.
 */
static void
k_rxok(struct np *np, int again, uint64_t now)
{
	struct kstate *k = np->rs;

	if (k->single && !k->plz)
		return;
	if (again && k->rxok_at != 0 && now - k->rxok_at < DUP_GUARD)
		return;
	k->rxok_at = now;
	k_cmd(np, CM_RXOK);
}

static int
k_eot(struct np *np, const struct r0pkt *pk, uint64_t now)
{
	struct kstate *k = np->rs;
	int e;

	if (k->phase == K_SEEK)
		return -1;
	if (pk->has_seq && pk->seq - k->expect > 1) {
		/* Not the next block nor the one after: damaged, no CRC. */
		np->junk++;
		return 0;
	}
	if (pk->has_seq && pk->seq != k->expect) {
		k_rxerr(np, RXERR_SEQ);
		k_fail(np, "the stream is incomplete: it ends before block "
		    "%u, the last received was %u", pk->seq, k->expect - 1);
		return 0;
	}
	if (k->phase != K_END) {
		if ((e = k_flush(np)) == 0)
			e = np->io->close(np->io->ctx);
		if (e != 0) {
			k_outfail(np, e);
			return 0;
		}
		k->phase = K_END;
		np->ended = now;
	}
	k->linger = now + LINGER;
	k_cmd(np, CM_DONE);
	return 0;
}

static int
k_error(struct np *np, const struct r0pkt *pk, const union addr *from)
{
	struct kstate *k = np->rs;

	if (pk->code == NPE_DROPPED && k->phase == K_END) {
		np_fail(np, "server %s dropped this client: the stream "
		    "arrived whole, but too late to count", addrstr(from));
		return 0;
	}
	if (k->phase == K_END) {
		np->done = 1;	/* we have it all already */
		return 0;
	}
	(void)k_flush(np);
	server_error(np, from, pk->code, pk->eno, np->bytes);
	return 0;
}

static void
k_packet(struct np *np, const uint8_t *p, size_t n,
    const union addr *from, uint64_t now)
{
	struct kstate *k = np->rs;
	struct r0pkt pk;
	int intact, r;

	if (n == 0) {
		np->junk++;
		return;
	}
	intact = r0_unpack(p, n, &pk) == 0;
	if ((k->phase == K_WAIT && k_wait(np, &pk, intact, from) == -1) ||
	    !sameaddr(from, &k->srv)) {
		np->foreign++;
		return;
	}
	r = -1;
	if (pk.cmd == CM_TX)
		r = k_tx(np, &pk, intact, now);
	else if (intact) {
		switch (pk.cmd) {
		case CM_PING:	r = k_ping(np, &pk); break;
		case CM_SEQ_INIT: r = k_seq_init(np, &pk, now); break;
		case CM_ACK_PLZ: r = k_ack_plz(np); break;
		case CM_EOT:	r = k_eot(np, &pk, now); break;
		case CM_ERROR:	r = k_error(np, &pk, from); break;
		default:	break;
		}
	}
	if (r == -1) {
		np->junk++;
		return;
	}
	k->heard = now;
}

static void
k_timer(struct np *np, uint64_t now)
{
	struct kstate *k = np->rs;
	int e;

	if (k->phase == K_WAIT)
		return;
	if (k->data_at && now - k->data_at >= OUT_IDLE) {
		/* The stream paused: what we have goes out now. */
		k->data_at = 0;
		if ((e = k_flush(np)) != 0) {
			k_outfail(np, e);
			return;
		}
	}
	if (k->phase == K_END) {
		if (now >= k->linger)
			np->done = 1;
		return;
	}
	if (now - k->heard >= secs(np->o->timeout))
		k_fail(np, "server %s silent for %u s; the stream is "
		    "incomplete (%llu bytes received)", addrstr(&k->srv),
		    np->o->timeout, (unsigned long long)np->bytes);
}

static uint64_t
k_deadline(const struct np *np, uint64_t now)
{
	const struct kstate *k = np->rs;

	if (k->phase == K_WAIT)
		return now + SEC;
	if (k->data_at)
		return k->data_at + OUT_IDLE;
	if (k->phase == K_END)
		return k->linger;
	return k->heard + secs(np->o->timeout);
}

static void
k_interrupt(struct np *np, int sig, uint64_t now)
{
	struct kstate *k = np->rs;

	(void)now;
	if (k->phase == K_END) {
		np->done = 1;		/* all of it is written already */
		return;
	}
	k_abort(np, NPE_ABORT, 0);
	k_fail(np, "%s: transfer aborted", strsignal(sig));
}

static void
k_tally(const struct np *np, struct tally *t)
{
	const struct kstate *k = np->rs;

	t->bytes = np->bytes;
	t->npeers = k->phase != K_WAIT;
	t->nalive = t->npeers;
}

static void
k_peer(const struct np *np, unsigned i, struct peer *p)
{
	const struct kstate *k = np->rs;

	(void)i;
	p->addr = k->srv;
	p->bytes = np->bytes;
	p->result = k->phase == K_END ? PEER_DONE : PEER_ACTIVE;
}
