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
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netpipe.h"

/* Timers, in microseconds.  PROTOCOL.txt adds them up. */
#define SEEK_PING	200000		/* CM_PING period in the seek phase */
#define PING_MAX	1000000		/* keepalive CM_PING period, at most */
#define RTO_INIT	200000		/* repeat timer before any round trip */
#define RTO_MIN		2000		/* repeat timer bounds */
#define RTO_MAX		1000000
#define LINGER		2000000		/* client answers CM_EOT this long */
#define OUT_IDLE	50000		/* client flushes after this quiet */
#define DUP_GUARD	(RTO_MIN / 2)	/* a copy sooner is the network's */
#define ABORT_COPIES	3		/* CM_ERROR goes out this many times */
#define STAMPS		64		/* CM_PING stamps remembered */
#define RECENT		256		/* client: CRCs of blocks remembered */
#define INBUF		(1024 * 1024)	/* standard input is read in these */


enum sphase { S_SEEK, S_INIT, S_TX, S_EOT };

struct client {
	struct sockaddr_in addr;	/* its status socket */
	int		 alive;
	int		 ok;		/* answered in this phase / block */
	uint64_t	 heard;		/* last datagram from it */
	uint64_t	 resend;	/* when to repeat to it */
	uint64_t	 armed;		/* waits for its answer since */
	struct rtt	 rtt;		/* round trip, repeat time */
	uint64_t	 minrtt;	/* the shortest round trip seen */
	unsigned	 backoff;	/* repeats since its last answer */
	uint64_t	 bytes;		/* confirmed */
	char		 why[96];	/* why it was dropped */
};

struct server {
	enum sphase	 phase;
	struct client	*cl;
	unsigned	 ncl, nalive;
	int		 chosen;	/* -1 mode: the acknowledging client */
	int		 plz;		/* chosen has not answered since CM_ACK_PLZ */
	uint64_t	 seek_end;	/* -w: the seek phase ends here */
	uint64_t	 next_ping;
	uint64_t	 ping_period;
	uint64_t	 stamp[STAMPS];	/* recent CM_PING stamps */
	unsigned	 nstamp;
	uint32_t	 seq;		/* of the block in flight, or the next */
	int		 inflight;	/* a block waits for its answers */
	int		 repeated;	/* it was repeated to someone */
	uint64_t	 sent_at;	/* when it went out to the group */
	uint64_t	 drain;		/* 0, or end of the wait after a repeat */
	uint8_t		 pkt[TX_OVERHEAD + MAX_BLOCK];
	size_t		 pktlen;
	uint8_t		*in;		/* standard input buffer */
	size_t		 inoff, inlen;
	int		 eof;
	uint64_t	 retx;		/* repeats sent */
	uint64_t	 blocks;	/* blocks delivered */
};

enum kphase { K_WAIT, K_SEEK, K_INIT, K_TX, K_END };

struct kstate {
	enum kphase	 phase;
	struct sockaddr_in srv;		/* the locked server's status socket */
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
};

static struct server srv;
static struct kstate cli;

/* Helpers shared by both sides. */
static void	 put_stamp(uint8_t *, uint64_t);
static uint64_t	 get_stamp(const uint8_t *);
static void	 send_err(struct np *, const struct sockaddr_in *, uint32_t,
		    uint32_t);

/* Server. */
static void	 s_send(struct np *, const uint8_t *, size_t);
static void	 s_unicast(struct np *, struct client *, const uint8_t *,
		    size_t);
static void	 s_ping(struct np *, uint64_t);
static int	 s_stamp_ok(const uint8_t *, uint64_t *);
static int	 s_needs_ack(const struct client *);
static void	 s_arm(struct client *, uint64_t);
static void	 s_drop(struct np *, struct client *, uint64_t, const char *,
		    ...) __attribute__((format(printf, 4, 5)));
static void	 s_choose(struct np *, uint64_t);
static void	 s_compact(void);
static struct client *s_find(const struct sockaddr_in *);
static void	 s_admit(struct np *, const struct sockaddr_in *, uint64_t,
		    uint64_t);
static void	 s_start_init(struct np *, uint64_t);
static void	 s_start_eot(struct np *, uint64_t);
static int	 s_all_ok(void);
static void	 s_advance(struct np *, uint64_t);
static void	 s_next_block(struct np *, uint64_t);
static void	 s_repeat(struct np *, struct client *, uint64_t);
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

/* Client. */
static void	 k_send(struct np *, const uint8_t *, size_t);
static void	 k_cmd(struct np *, uint8_t);
static void	 k_abort(struct np *, uint32_t, int);
static void	 k_data(struct np *, const uint8_t *, size_t);
static void	 k_eot(struct np *, const uint8_t *, size_t, uint64_t);
static void	 k_packet(struct np *, int, const uint8_t *, size_t,
		    const struct sockaddr_in *);
static void	 k_timer(struct np *, uint64_t);
static uint64_t	 k_deadline(struct np *);
static void	 k_interrupt(struct np *, int);
static void	 k_tally(struct np *, struct tally *);
static void	 k_peer(struct np *, unsigned, struct peer *);

const struct role rev0_server = {
	s_packet, s_timer, s_deadline, s_want_input, s_input, s_interrupt,
	s_tally, s_peer
};

const struct role rev0_client = {
	k_packet, k_timer, k_deadline, NULL, NULL, k_interrupt,
	k_tally, k_peer
};

/* CM_PING and CM_PONG carry the server's clock as seconds and µs. */
static void
put_stamp(uint8_t *p, uint64_t t)
{
	put32(p, (uint32_t)(t / SEC));
	put32(p + 4, (uint32_t)(t % SEC));
}

static uint64_t
get_stamp(const uint8_t *p)
{
	return (uint64_t)get32(p) * SEC + get32(p + 4);
}

static void
send_err(struct np *np, const struct sockaddr_in *to, uint32_t code,
    uint32_t eno)
{
	uint8_t p[ERROR_LEN];
	int fd = np->o->server ? np->net.fd : np->net.ufd;

	p[0] = CM_ERROR;
	put32(p + 1, code);
	put32(p + 5, eno);
	net_send(fd, p, sizeof(p), to);
}

void
rev0_init(struct np *np)
{
	const struct opts *o = np->o;

	if (!o->server) {
		cli.phase = K_WAIT;
		cli.expect = o->first_seq;
		return;
	}
	srv.phase = S_SEEK;
	srv.chosen = -1;
	srv.seq = o->first_seq;
	srv.ping_period = secs(o->timeout) / 4 < PING_MAX ?
	    secs(o->timeout) / 4 : PING_MAX;
	if ((srv.cl = calloc(o->nclients, sizeof(*srv.cl))) == NULL ||
	    (srv.in = malloc(INBUF)) == NULL)
		err(1, NULL);
	if (o->wait)
		srv.seek_end = np->start + secs(o->wait);
	if (o->unicast)
		info(np, "waiting for a client at %s", addrstr(&np->net.dst));
	else
		info(np, "waiting for %u client%s on %s (%s)",
		    o->nclients, o->nclients == 1 ? "" : "s", np->net.ifname,
		    addrstr(&np->net.dst));
}

/* ---- server ---------------------------------------------------------- */

static void
s_send(struct np *np, const uint8_t *p, size_t len)
{
	net_send(np->net.fd, p, len, &np->net.dst);
}

static void
s_unicast(struct np *np, struct client *c, const uint8_t *p, size_t len)
{
	net_send(np->net.fd, p, len, &c->addr);
}

static void
s_ping(struct np *np, uint64_t now)
{
	uint8_t p[PING_LEN];

	p[0] = CM_PING;
	put_stamp(p + 1, now);
	srv.stamp[srv.nstamp++ % STAMPS] = now;
	s_send(np, p, sizeof(p));
}

/* A CM_PONG must echo a stamp we sent: junk cannot make up a client. */
static int
s_stamp_ok(const uint8_t *p, uint64_t *t)
{
	unsigned i;

	*t = get_stamp(p + 1);
	for (i = 0; i < STAMPS && i < srv.nstamp; i++)
		if (srv.stamp[i] == *t)
			return 1;
	return 0;
}

static int
s_needs_ack(const struct client *c)
{
	return srv.chosen == -1 || c == &srv.cl[srv.chosen];
}

/* Start waiting for c's answer to what was just sent. */
static void
s_arm(struct client *c, uint64_t now)
{
	c->ok = 0;
	c->backoff = 0;
	c->armed = now;
	c->resend = now + c->rtt.rto;
}

static void
s_drop(struct np *np, struct client *c, uint64_t now, const char *fmt, ...)
{
	va_list ap;

	if (!c->alive)
		return;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	c->alive = 0;
	srv.nalive--;
	if (srv.phase == S_SEEK) {
		/* Not started yet: s_compact gives its place away. */
		debug(np, "client %s left: %s", addrstr(&c->addr), c->why);
		return;
	}
	np_warnx("client %s dropped: %s", addrstr(&c->addr), c->why);
	send_err(np, &c->addr, ERR_DROPPED, 0);
	if (srv.chosen != -1 && c == &srv.cl[srv.chosen])
		s_choose(np, now);
}

/*
 * -1 mode: pick the first live client to acknowledge.  If a block is in
 * flight, the new one is told (CM_ACK_PLZ) and sent the block at once.
 */
static void
s_choose(struct np *np, uint64_t now)
{
	uint8_t plz = CM_ACK_PLZ;
	struct client *c;
	unsigned i;

	srv.chosen = -1;
	for (i = 0; i < srv.ncl; i++)
		if (srv.cl[i].alive)
			break;
	if (i == srv.ncl)
		return;
	srv.chosen = (int)i;
	srv.plz = 1;
	c = &srv.cl[i];
	debug(np, "client %s acknowledges for all", addrstr(&c->addr));
	s_unicast(np, c, &plz, 1);
	if (srv.phase == S_TX && srv.inflight) {
		s_arm(c, now);
		s_repeat(np, c, now);
	}
}

/* Seek phase: forget the clients that left, so that others may come. */
static void
s_compact(void)
{
	unsigned i, k;

	for (i = k = 0; i < srv.ncl; i++)
		if (srv.cl[i].alive)
			srv.cl[k++] = srv.cl[i];
	srv.ncl = k;
}

static struct client *
s_find(const struct sockaddr_in *a)
{
	unsigned i;

	for (i = 0; i < srv.ncl; i++)
		if (sameaddr(&srv.cl[i].addr, a))
			return &srv.cl[i];
	return NULL;
}

static void
s_admit(struct np *np, const struct sockaddr_in *a, uint64_t now,
    uint64_t rtt)
{
	struct client *c = &srv.cl[srv.ncl++];

	memset(c, 0, sizeof(*c));
	c->addr = *a;
	c->alive = 1;
	c->heard = now;
	c->rtt.rto = RTO_INIT;
	rtt_sample(&c->rtt, rtt, RTO_MIN, RTO_MAX);
	c->minrtt = rtt;
	srv.nalive++;
	info(np, "client %s joined (%u of %u), round trip %.3f ms",
	    addrstr(a), srv.ncl, np->o->nclients, rtt / 1000.0);
}

static void
s_start_init(struct np *np, uint64_t now)
{
	uint8_t p[SEQ_INIT_LEN];
	unsigned i;

	srv.phase = S_INIT;
	np->began = now;
	for (i = 0; i < srv.ncl; i++)
		s_arm(&srv.cl[i], now);
	debug(np, "initialization phase, %u client%s", srv.nalive,
	    srv.nalive == 1 ? "" : "s");
	p[0] = CM_SEQ_INIT;
	put32(p + 1, np->o->single_ack ? SF_SINGLE_ACK : 0);
	s_send(np, p, sizeof(p));
}

static void
s_start_eot(struct np *np, uint64_t now)
{
	uint8_t p[EOT_SEQ_LEN];
	unsigned i;

	srv.phase = S_EOT;
	for (i = 0; i < srv.ncl; i++)
		s_arm(&srv.cl[i], now);
	debug(np, "end of transaction after %llu blocks",
	    (unsigned long long)srv.blocks);
	p[0] = CM_EOT;
	put32(p + 1, srv.seq);
	s_send(np, p, sizeof(p));
}

static int
s_all_ok(void)
{
	unsigned i;

	for (i = 0; i < srv.ncl; i++)
		if (srv.cl[i].alive && !srv.cl[i].ok)
			return 0;
	return 1;
}

/* Called after every change: has the phase or the block completed? */
static void
s_advance(struct np *np, uint64_t now)
{
	unsigned i;
	uint64_t rto;

	if (srv.phase != S_SEEK && srv.nalive == 0) {
		np_fail(np, "no client left, giving up");
		return;
	}
	switch (srv.phase) {
	case S_SEEK:
		if (srv.nalive == np->o->nclients ||
		    (srv.seek_end && now >= srv.seek_end && srv.nalive > 0)) {
			s_compact();
			s_start_init(np, now);
		}
		break;
	case S_INIT:
		if (s_all_ok()) {
			srv.phase = S_TX;
			if (np->o->single_ack)
				s_choose(np, now);
			debug(np, "transaction phase");
		}
		break;
	case S_TX:
		if (!srv.inflight || !s_all_ok())
			break;
		/* The block is delivered.  The next goes out from s_timer. */
		srv.inflight = 0;
		srv.blocks++;
		srv.seq++;
		np->bytes += srv.pktlen - TX_OVERHEAD;
		if (!srv.repeated)
			break;
		/*
		 * A repeat may have crossed an answer: wait one repeat
		 * time so that a late CM_RXOK is not taken for the next.
		 */
		rto = 0;
		for (i = 0; i < srv.ncl; i++)
			if (srv.cl[i].alive && srv.cl[i].rtt.rto > rto)
				rto = srv.cl[i].rtt.rto;
		srv.drain = now + rto;
		break;
	case S_EOT:
		if (s_all_ok())
			s_finish(np);
		break;
	}
}

/* Send the next block, or the end, if standard input has it. */
static void
s_next_block(struct np *np, uint64_t now)
{
	size_t len = srv.inlen - srv.inoff;
	unsigned i;

	if (len < np->o->block && !srv.eof)
		return;			/* s_input will fill the buffer */
	if (len == 0) {
		s_start_eot(np, now);
		return;
	}
	if (len > np->o->block)
		len = np->o->block;
	srv.pkt[0] = CM_TX;
	put32(srv.pkt + 1, srv.seq);
	put32(srv.pkt + 5, (uint32_t)len);
	memcpy(srv.pkt + TX_HDR, srv.in + srv.inoff, len);
	put32(srv.pkt + TX_HDR + len, np_crc32(srv.pkt, TX_HDR + len));
	srv.pktlen = TX_OVERHEAD + len;
	srv.inoff += len;
	srv.inflight = 1;
	srv.repeated = 0;
	for (i = 0; i < srv.ncl; i++) {
		s_arm(&srv.cl[i], now);
		if (!s_needs_ack(&srv.cl[i]))
			srv.cl[i].ok = 1;
	}
	srv.sent_at = now;
	s_send(np, srv.pkt, srv.pktlen);
}

/* Repeat the block in flight to one client, by unicast. */
static void
s_repeat(struct np *np, struct client *c, uint64_t now)
{
	uint8_t plz = CM_ACK_PLZ;

	if (srv.chosen != -1 && c == &srv.cl[srv.chosen] && srv.plz)
		s_unicast(np, c, &plz, 1);
	s_unicast(np, c, srv.pkt, srv.pktlen);
	srv.repeated = 1;
	srv.retx++;
	c->resend = now + (c->rtt.rto << (c->backoff < 5 ? c->backoff : 5));
	if (c->backoff < 5)
		c->backoff++;
}

/* Every live client confirmed the end; netpipe.c sums up. */
static void
s_finish(struct np *np)
{
	np->status = srv.nalive == srv.ncl ? 0 : 3;
	np->done = 1;
}

static void
s_packet(struct np *np, int fd, const uint8_t *p, size_t n,
    const struct sockaddr_in *from)
{
	struct client *c;
	uint64_t now = now_us(), t;
	uint32_t code;

	(void)fd;
	if (n == 0) {
		np->junk++;
		return;
	}
	c = s_find(from);
	if (c == NULL) {
		if (p[0] != CM_PONG || n != PING_LEN || !s_stamp_ok(p, &t)) {
			np->foreign++;
			return;
		}
		if (srv.phase == S_SEEK)
			s_compact();
		if (srv.phase == S_SEEK && srv.ncl < np->o->nclients)
			s_admit(np, from, now, now - t);
		else {
			debug(np, "client %s refused: too late",
			    addrstr(from));
			send_err(np, from, ERR_REFUSED, 0);
		}
		s_advance(np, now);
		return;
	}
	if (!c->alive) {
		np->foreign++;
		return;
	}
	switch (p[0]) {
	case CM_PONG:
		if (n != PING_LEN || !s_stamp_ok(p, &t))
			goto junk;
		rtt_sample(&c->rtt, now - t, RTO_MIN, RTO_MAX);
		if (now - t < c->minrtt)
			c->minrtt = now - t;
		break;
	case CM_READY:
		if (n != CMD_LEN)
			goto junk;
		if (srv.phase == S_INIT)
			c->ok = 1;
		break;
	case CM_RXOK:
		if (n != CMD_LEN)
			goto junk;
		/*
		 * Only while a block waits: a stale answer is ignored, and
		 * so is one quicker than half a round trip: a duplicate.
		 */
		if (srv.phase == S_TX && srv.inflight && !c->ok &&
		    now - srv.sent_at < c->minrtt / 2) {
			np->junk++;
			break;
		}
		if (srv.phase == S_TX && srv.inflight && !c->ok) {
			c->ok = 1;
			c->backoff = 0;
			c->bytes += srv.pktlen - TX_OVERHEAD;
			if (srv.chosen != -1 && c == &srv.cl[srv.chosen])
				srv.plz = 0;
		}
		break;
	case CM_RXERR:
		if (n != RXERR_LEN)
			goto junk;
		code = get32(p + 1);
		if (code == RXERR_SEQ) {
			s_drop(np, c, now, "sequence error (it lost a block)");
			break;
		}
		if (code != RXERR_CRC)
			goto junk;
		/* A damaged block: repeat it to c alone, if c still lacks it. */
		debug(np, "client %s: CRC error", addrstr(&c->addr));
		if (srv.phase == S_TX && srv.inflight &&
		    (!c->ok || !s_needs_ack(c)))
			s_repeat(np, c, now);
		break;
	case CM_ERROR:
		if (n != ERROR_LEN)
			goto junk;
		code = get32(p + 1);
		if (code == ERR_ABORT)
			s_drop(np, c, now, "interrupted by its user");
		else if (code == ERR_INTERNAL)
			s_drop(np, c, now, "failed: %s",
			    strerror((int)get32(p + 5)));
		else
			s_drop(np, c, now, "error %u", code);
		break;
	case CM_DONE:
		if (n != CMD_LEN)
			goto junk;
		if (srv.phase == S_EOT && !c->ok) {
			c->ok = 1;
			c->bytes = np->bytes;
		}
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

/* The one place that decides what the server sends next. */
static void
s_timer(struct np *np, uint64_t now)
{
	struct client *c;
	uint8_t p[EOT_SEQ_LEN];
	unsigned i;

	if (now >= srv.next_ping) {
		s_ping(np, now);
		srv.next_ping = now + (srv.phase == S_SEEK ? SEEK_PING :
		    srv.ping_period);
	}
	for (i = 0; i < srv.ncl; i++) {
		c = &srv.cl[i];
		if (!c->alive || (srv.phase == S_EOT && c->ok))
			continue;	/* a client done may leave */
		if (now - c->heard >= secs(np->o->timeout))
			s_drop(np, c, now, "timed out after %u s",
			    np->o->timeout);
		else if (srv.phase != S_SEEK && !c->ok &&
		    now - c->armed >= secs(np->o->timeout))
			s_drop(np, c, now, "no answer for %u s, though "
			    "alive", np->o->timeout);
	}
	for (i = 0; i < srv.ncl; i++) {
		c = &srv.cl[i];
		if (!c->alive || c->ok || now < c->resend)
			continue;
		switch (srv.phase) {
		case S_INIT:
			p[0] = CM_SEQ_INIT;
			put32(p + 1, np->o->single_ack ? SF_SINGLE_ACK : 0);
			s_unicast(np, c, p, SEQ_INIT_LEN);
			c->resend = now + c->rtt.rto;
			break;
		case S_TX:
			if (srv.inflight)
				s_repeat(np, c, now);
			break;
		case S_EOT:
			p[0] = CM_EOT;
			put32(p + 1, srv.seq);
			s_unicast(np, c, p, EOT_SEQ_LEN);
			c->resend = now + c->rtt.rto;
			break;
		default:
			break;
		}
	}
	if (srv.drain && now >= srv.drain)
		srv.drain = 0;
	s_advance(np, now);
	if (!np->done && srv.phase == S_TX && !srv.inflight && !srv.drain)
		s_next_block(np, now);
}

static uint64_t
s_deadline(struct np *np)
{
	const struct client *c;
	uint64_t d = srv.next_ping, t;
	unsigned i;

	/* Once -w has run out with no client, wait for one, not spin. */
	if (srv.phase == S_SEEK && srv.seek_end > now_us() &&
	    srv.seek_end < d)
		d = srv.seek_end;
	if (srv.drain && srv.drain < d)
		d = srv.drain;
	for (i = 0; i < srv.ncl; i++) {
		c = &srv.cl[i];
		if (!c->alive || (srv.phase == S_EOT && c->ok))
			continue;
		t = c->heard + secs(np->o->timeout);
		if (t < d)
			d = t;
		if (srv.phase != S_SEEK && !c->ok && c->resend < d)
			d = c->resend;
	}
	return d;
}

static int
s_want_input(struct np *np)
{
	return srv.phase == S_TX && !srv.inflight && !srv.eof &&
	    srv.inlen - srv.inoff < np->o->block;
}

static void
s_input(struct np *np)
{
	ssize_t r;
	unsigned i;
	int e;

	if (srv.inoff > 0) {
		memmove(srv.in, srv.in + srv.inoff, srv.inlen - srv.inoff);
		srv.inlen -= srv.inoff;
		srv.inoff = 0;
	}
	r = read(STDIN_FILENO, srv.in + srv.inlen, INBUF - srv.inlen);
	if (r == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r == -1) {
		e = errno;
		for (i = 0; i < ABORT_COPIES; i++)
			send_err(np, &np->net.dst, ERR_INTERNAL, (uint32_t)e);
		np_fail(np, "stdin: %s", strerror(e));
		return;
	}
	if (r == 0)
		srv.eof = 1;
	srv.inlen += (size_t)r;
}

static void
s_interrupt(struct np *np, int sig)
{
	unsigned i;

	for (i = 0; i < ABORT_COPIES; i++)
		send_err(np, &np->net.dst, ERR_ABORT, 0);
	for (i = 0; i < srv.ncl; i++)
		if (srv.cl[i].alive)
			send_err(np, &srv.cl[i].addr, ERR_ABORT, 0);
	np_fail(np, "%s: transfer aborted, clients told to stop",
	    strsignal(sig));
}

static void
s_tally(struct np *np, struct tally *t)
{
	t->bytes = np->bytes;
	t->blocks = srv.blocks + (srv.inflight ? 1 : 0);
	t->repeats = srv.retx;
	t->npeers = srv.ncl;
	t->nalive = srv.nalive;
}

static void
s_peer(struct np *np, unsigned i, struct peer *p)
{
	const struct client *c = &srv.cl[i];

	(void)np;
	p->addr = c->addr;
	p->bytes = c->bytes;
	p->rtt = c->rtt.srtt;
	p->why = c->why;
	if (!c->alive)
		p->result = PEER_DROPPED;
	else if (srv.phase == S_EOT && c->ok)
		p->result = PEER_DONE;
	else
		p->result = PEER_ACTIVE;
}

/* ---- client ---------------------------------------------------------- */

static void
k_send(struct np *np, const uint8_t *p, size_t len)
{
	net_send(np->net.ufd, p, len, &cli.srv);
}

static void
k_cmd(struct np *np, uint8_t cmd)
{
	k_send(np, &cmd, 1);
}

/* Tell the server we stop (CM_ERROR), a few times against loss. */
static void
k_abort(struct np *np, uint32_t code, int eno)
{
	int i;

	if (cli.phase == K_WAIT)
		return;
	for (i = 0; i < ABORT_COPIES; i++)
		send_err(np, &cli.srv, code, (uint32_t)eno);
}

static void
k_data(struct np *np, const uint8_t *p, size_t n)
{
	uint8_t e[RXERR_LEN];
	uint32_t seq, len, crc;
	int32_t d;
	int r;

	if (n < TX_OVERHEAD || (len = get32(p + 5)) != n - TX_OVERHEAD ||
	    np_crc32(p, TX_HDR + len) != get32(p + TX_HDR + len)) {
		np->junk++;
		debug(np, "damaged block, asking again");
		e[0] = CM_RXERR;
		put32(e + 1, RXERR_CRC);
		k_send(np, e, sizeof(e));
		return;
	}
	cli.phase = K_TX;
	seq = get32(p + 1);
	crc = get32(p + TX_HDR + len);
	d = (int32_t)(seq - cli.expect);	/* serial number arithmetic */
	if (d < 0 && cli.any && (cli.expect - seq > cli.nrecent ||
	    cli.recent[seq % RECENT] != crc)) {
		/*
		 * Not a copy of a block we have: a server restarted on the
		 * same address sends its own stream from the start.
		 */
		e[0] = CM_RXERR;
		put32(e + 1, RXERR_SEQ);
		k_send(np, e, sizeof(e));
		np_fail(np, "server %s started its stream over (block %u is "
		    "not the one received); the stream is incomplete",
		    addrstr(&cli.srv), seq);
		return;
	}
	if (d == 0) {
		if ((r = out_write(p + TX_HDR, len)) != 0) {
			k_abort(np, ERR_INTERNAL, r);
			np_fail(np, "stdout: %s", strerror(r));
			return;
		}
		cli.expect++;
		cli.any = 1;
		cli.recent[seq % RECENT] = crc;
		if (cli.nrecent < RECENT)
			cli.nrecent++;
		cli.data_at = now_us();
		np->bytes += len;
	} else if (d != -1 || !cli.any) {
		if (d < 0)
			return;		/* older: ignored */
		e[0] = CM_RXERR;
		put32(e + 1, RXERR_SEQ);
		k_send(np, e, sizeof(e));
		np_fail(np, "sequence error: expected block %u, got %u; "
		    "the stream is incomplete", cli.expect, seq);
		return;
	}
	/*
	 * New, or the last one again (its CM_RXOK was lost): answer.  A
	 * copy of the last one sooner than DUP_GUARD after our answer is
	 * not a repeat (the server waits RTO_MIN at least) but a network
	 * duplicate: answering it would make a stale CM_RXOK.
	 */
	if (cli.single && !cli.plz)
		return;
	if (d != 0 && cli.rxok_at != 0 && now_us() - cli.rxok_at < DUP_GUARD)
		return;
	cli.rxok_at = now_us();
	k_cmd(np, CM_RXOK);
}

static void
k_eot(struct np *np, const uint8_t *p, size_t n, uint64_t now)
{
	uint8_t e[RXERR_LEN];
	int r;

	if (n == EOT_SEQ_LEN && get32(p + 1) - cli.expect > 1) {
		/* Not the next block nor the one after: damaged, no CRC. */
		np->junk++;
		return;
	}
	if (n == EOT_SEQ_LEN && get32(p + 1) != cli.expect) {
		e[0] = CM_RXERR;
		put32(e + 1, RXERR_SEQ);
		k_send(np, e, sizeof(e));
		np_fail(np, "the stream is incomplete: it ends before block "
		    "%u, the last received was %u", get32(p + 1),
		    cli.expect - 1);
		return;
	}
	if (cli.phase != K_END) {
		if ((r = out_close()) != 0) {
			k_abort(np, ERR_INTERNAL, r);
			np_fail(np, "stdout: %s", strerror(r));
			return;
		}
		cli.phase = K_END;
		np->ended = now;
	}
	cli.linger = now + LINGER;
	k_cmd(np, CM_DONE);
}

static void
k_packet(struct np *np, int fd, const uint8_t *p, size_t n,
    const struct sockaddr_in *from)
{
	uint64_t now = now_us();
	uint32_t code;

	(void)fd;
	if (n == 0) {
		np->junk++;
		return;
	}
	if (cli.phase == K_WAIT) {
		/* A server sends from its status port. */
		if (ntohs(from->sin_port) != np->net.sport) {
			np->foreign++;
			return;
		}
		if (p[0] >= R1_PING && p[0] <= R1_BYE && !cli.warned) {
			info(np, "server %s speaks Rev. 1: drop -0",
			    addrstr(from));
			cli.warned = 1;
		}
		if (p[0] == CM_PING && n == PING_LEN) {
			cli.srv = *from;
			cli.phase = K_SEEK;
			info(np, "answering server %s", addrstr(from));
		} else {
			if ((p[0] == CM_TX || p[0] == CM_EOT) && !cli.warned) {
				info(np, "a transfer from %s is already under "
				    "way; waiting for the next one",
				    addrstr(from));
				cli.warned = 1;
			}
			np->foreign++;
			return;
		}
	}
	if (!sameaddr(from, &cli.srv)) {
		np->foreign++;
		return;
	}
	switch (p[0]) {
	case CM_PING:
		if (n != PING_LEN)
			goto junk;
		{
			uint8_t q[PING_LEN];

			memcpy(q, p, PING_LEN);
			q[0] = CM_PONG;
			k_send(np, q, sizeof(q));
		}
		break;
	case CM_SEQ_INIT:
		if (n != SEQ_INIT_LEN)
			goto junk;
		if (cli.phase <= K_INIT) {
			cli.single = get32(p + 1) & SF_SINGLE_ACK;
			cli.phase = K_INIT;
			if (np->began == 0)
				np->began = now;
		}
		if (cli.phase != K_END)
			k_cmd(np, CM_READY);
		break;
	case CM_ACK_PLZ:
		if (n != CMD_LEN)
			goto junk;
		cli.plz = 1;
		break;
	case CM_TX:
		if (cli.phase == K_SEEK)
			goto junk;	/* not admitted: no CM_SEQ_INIT */
		if (cli.phase == K_END)
			break;
		k_data(np, p, n);
		break;
	case CM_EOT:
		if (n != CMD_LEN && n != EOT_SEQ_LEN)
			goto junk;
		if (cli.phase == K_SEEK)
			goto junk;
		k_eot(np, p, n, now);
		break;
	case CM_ERROR:
		if (n != ERROR_LEN)
			goto junk;
		code = get32(p + 1);
		if (code == ERR_DROPPED && cli.phase == K_END) {
			np_fail(np, "server %s dropped this client: the stream "
			    "arrived whole, but too late to count",
			    addrstr(from));
			break;
		}
		if (cli.phase == K_END) {
			np->done = 1;	/* we have it all already */
			break;
		}
		if (code == ERR_REFUSED)
			np_fail(np, "server %s refused this client: its "
			    "transfer had already started", addrstr(from));
		else if (code == ERR_DROPPED)
			np_fail(np, "server %s dropped this client; the stream "
			    "is incomplete", addrstr(from));
		else if (code == ERR_INTERNAL)
			np_fail(np, "server %s failed (%s); the stream is "
			    "incomplete", addrstr(from),
			    strerror((int)get32(p + 5)));
		else
			np_fail(np, "server %s aborted the transfer; the "
			    "stream is incomplete", addrstr(from));
		break;
	default:
		goto junk;
	}
	cli.heard = now;
	return;
junk:
	np->junk++;
}

static void
k_timer(struct np *np, uint64_t now)
{
	int e;

	if (cli.phase == K_WAIT)
		return;
	if (cli.data_at && now - cli.data_at >= OUT_IDLE) {
		/* The stream paused: what we have goes out now. */
		cli.data_at = 0;
		if ((e = out_flush()) != 0) {
			k_abort(np, ERR_INTERNAL, e);
			np_fail(np, "stdout: %s", strerror(e));
			return;
		}
	}
	if (cli.phase == K_END) {
		if (now >= cli.linger)
			np->done = 1;
		return;
	}
	if (now - cli.heard >= secs(np->o->timeout))
		np_fail(np, "server %s silent for %u s; the stream is "
		    "incomplete (%llu bytes received)", addrstr(&cli.srv),
		    np->o->timeout, (unsigned long long)np->bytes);
}

static uint64_t
k_deadline(struct np *np)
{
	if (cli.phase == K_WAIT)
		return now_us() + SEC;
	if (cli.data_at)
		return cli.data_at + OUT_IDLE;
	if (cli.phase == K_END)
		return cli.linger;
	return cli.heard + secs(np->o->timeout);
}

static void
k_interrupt(struct np *np, int sig)
{
	if (cli.phase == K_END) {
		np->done = 1;		/* all of it is written already */
		return;
	}
	k_abort(np, ERR_ABORT, 0);
	np_fail(np, "%s: transfer aborted", strsignal(sig));
}

static void
k_tally(struct np *np, struct tally *t)
{
	t->bytes = np->bytes;
	t->npeers = cli.phase != K_WAIT;
	t->nalive = t->npeers;
}

static void
k_peer(struct np *np, unsigned i, struct peer *p)
{
	(void)i;
	p->addr = cli.srv;
	p->bytes = np->bytes;
	p->result = cli.phase == K_END ? PEER_DONE : PEER_ACTIVE;
}
