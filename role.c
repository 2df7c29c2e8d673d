/*
 * netpipe: role.c: what every role shares, whichever revision it speaks.
 *
 * The operator's messages (through the driver's io), the round-trip
 * estimator, addresses, the server's table of clients, the ping stamps
 * an answer must echo, and the texts of the error packets.  Nothing here
 * keeps state of its own: it all hangs off the run (struct np) or the
 * role's state.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/types.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpipe.h"

#define LINE		512		/* one message, at most */

static void	 say(const struct np *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

/* One line for the operator, through the driver. */
static void
say(const struct np *np, const char *fmt, va_list ap)
{
	char line[LINE];

	vsnprintf(line, sizeof(line), fmt, ap);
	np->io->say(np->io->ctx, line);
}

/* A message for the operator, unless -q. */
void
info(const struct np *np, const char *fmt, ...)
{
	va_list ap;

	if (np->o->verbose < 0)
		return;
	va_start(ap, fmt);
	say(np, fmt, ap);
	va_end(ap);
}

/* An event, with -v only. */
void
debug(const struct np *np, const char *fmt, ...)
{
	va_list ap;

	if (np->o->verbose < 1)
		return;
	va_start(ap, fmt);
	say(np, fmt, ap);
	va_end(ap);
}

/* A warning or an error that is not the end of the run: always said. */
void
warnmsg(const struct np *np, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(np, fmt, ap);
	va_end(ap);
}

/*
 * A fatal error of this run: the first is kept for --stats, each is
 * said; standard output is closed (what was written stays), exit 1.
 */
void
np_fail(struct np *np, const char *fmt, ...)
{
	va_list ap;

	if (np->error[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(np->error, sizeof(np->error), fmt, ap);
		va_end(ap);
	}
	va_start(ap, fmt);
	say(np, fmt, ap);
	va_end(ap);
	(void)np->io->close(np->io->ctx);
	np->status = 1;
	np->done = 1;
}

/*
 * A round-trip sample r for a peer, and its repeat time: the smoothed
 * round trip plus four times its variation, within [lo, hi].
 */
void
rtt_sample(struct rtt *t, uint64_t r, uint64_t lo, uint64_t hi)
{
	uint64_t d;

	if (t->srtt == 0) {
		t->srtt = r;
		t->rttvar = r / 2;
	} else {
		d = t->srtt > r ? t->srtt - r : r - t->srtt;
		t->rttvar = (3 * t->rttvar + d) / 4;
		t->srtt = (7 * t->srtt + r) / 8;
	}
	t->rto = t->srtt + 4 * t->rttvar;
	if (t->rto < lo)
		t->rto = lo;
	if (t->rto > hi)
		t->rto = hi;
}

/* An address as a.b.c.d:port; two calls may share one printf. */
const char *
addrstr(const struct sockaddr_in *a)
{
	static char buf[2][INET_ADDRSTRLEN + 8];
	static int k;
	char ip[INET_ADDRSTRLEN];

	k = !k;
	inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
	snprintf(buf[k], sizeof(buf[k]), "%s:%u", ip, ntohs(a->sin_port));
	return buf[k];
}

int
sameaddr(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr &&
	    a->sin_port == b->sin_port;
}

/* The keepalive ping: four within the timeout, a second apart at most. */
uint64_t
ping_period(const struct opts *o)
{
	return secs(o->timeout) / 4 < PING_MAX ? secs(o->timeout) / 4 :
	    PING_MAX;
}

/* ---- the server's clients ------------------------------------------ */

void
members_init(struct members *t, size_t size, unsigned max)
{
	memset(t, 0, sizeof(*t));
	if ((t->v = calloc(max, size)) == NULL)
		err(1, NULL);
	t->size = size;
	t->max = max;
}

void
members_free(struct members *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

struct member *
member_at(const struct members *t, unsigned i)
{
	return (struct member *)(t->v + (size_t)i * t->size);
}

/* The client at a, alive or not; NULL for a stranger. */
struct member *
member_find(const struct members *t, const struct sockaddr_in *a)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		if (sameaddr(&member_at(t, i)->addr, a))
			return member_at(t, i);
	return NULL;
}

/*
 * A new client at a, whose answer to a ping took rtt µs (the caller
 * checked that there is room).  Its revision's fields start zeroed.
 */
struct member *
member_admit(struct np *np, struct members *t, const struct sockaddr_in *a,
    uint64_t now, uint64_t rtt, uint64_t rto_min)
{
	struct member *m = member_at(t, t->n++);

	memset(m, 0, t->size);
	m->addr = *a;
	m->alive = 1;
	m->heard = now;
	m->rtt.rto = RTO_INIT;
	rtt_sample(&m->rtt, rtt, rto_min, RTO_MAX);
	t->nalive++;
	info(np, "client %s joined (%u of %u), round trip %.3f ms",
	    addrstr(a), t->n, np->o->nclients, rtt / 1000.0);
	return m;
}

/* Seek phase: forget the clients that left, so that others may come. */
void
members_compact(struct members *t)
{
	unsigned i, k;

	for (i = k = 0; i < t->n; i++) {
		if (!member_at(t, i)->alive)
			continue;
		if (k != i)
			memcpy(member_at(t, k), member_at(t, i), t->size);
		k++;
	}
	t->n = k;
}

/*
 * Drop a live client, saying why.  In the seek phase it only leaves
 * (members_compact gives its place away); later it is dropped, and the
 * caller, told so by 1, sends it its revision's error packet.
 */
int
member_drop(struct np *np, struct members *t, struct member *m, int seeking,
    const char *fmt, ...)
{
	va_list ap;

	if (!m->alive)
		return 0;
	va_start(ap, fmt);
	vsnprintf(m->why, sizeof(m->why), fmt, ap);
	va_end(ap);
	m->alive = 0;
	t->nalive--;
	if (seeking) {
		debug(np, "client %s left: %s", addrstr(&m->addr), m->why);
		return 0;
	}
	warnmsg(np, "client %s dropped: %s", addrstr(&m->addr), m->why);
	return 1;
}

/* A client as the summary and --stats see it. */
void
member_peer(const struct member *m, int done, struct peer *p)
{
	p->addr = m->addr;
	p->bytes = m->bytes;
	p->rtt = m->rtt.srtt;
	p->why = m->why;
	if (!m->alive)
		p->result = PEER_DROPPED;
	else
		p->result = done ? PEER_DONE : PEER_ACTIVE;
}

/* Why a client stopped, from its error packet: the server's words. */
const char *
member_error(char *buf, size_t len, uint32_t code, uint32_t eno)
{
	if (code == NPE_ABORT)
		snprintf(buf, len, "interrupted by its user");
	else if (code == NPE_INTERNAL)
		snprintf(buf, len, "failed: %s", strerror((int)eno));
	else
		snprintf(buf, len, "error %u", code);
	return buf;
}

/* The server stopped this client (its error packet): the client's end. */
void
server_error(struct np *np, const struct sockaddr_in *from, uint32_t code,
    uint32_t eno, uint64_t written)
{
	if (code == NPE_REFUSED)
		np_fail(np, "server %s refused this client: its transfer had "
		    "already started", addrstr(from));
	else if (code == NPE_DROPPED)
		np_fail(np, "server %s dropped this client; the stream is "
		    "incomplete (%llu bytes written)", addrstr(from),
		    (unsigned long long)written);
	else if (code == NPE_INTERNAL)
		np_fail(np, "server %s failed (%s); the stream is incomplete",
		    addrstr(from), strerror((int)eno));
	else
		np_fail(np, "server %s aborted the transfer; the stream is "
		    "incomplete", addrstr(from));
}

/* ---- ping stamps: an answer must echo one we sent ------------------- */

void
stamp_add(struct stamps *s, uint64_t t)
{
	s->t[s->n++ % STAMPS] = t;
}

int
stamp_known(const struct stamps *s, uint64_t t)
{
	unsigned i;

	for (i = 0; i < STAMPS && i < s->n; i++)
		if (s->t[i] == t)
			return 1;
	return 0;
}

/* The role that the options ask for. */
const struct role *
role_for(const struct opts *o)
{
	if (o->rev == 0)
		return o->server ? &rev0_server : &rev0_client;
	return o->server ? &rev1_server : &rev1_client;
}
