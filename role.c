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
#include <net/if.h>
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpipe.h"

#define LINE		512		/* one message, at most */

static void	 say(const struct np *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
static struct member *member_admit(struct np *, struct members *,
		    const union addr *, uint64_t, uint64_t, uint64_t);
static void	 members_compact(struct members *);
static const char *member_error(char *, size_t, uint32_t, uint32_t);
static void	 server_abort(struct np *, const struct members *, uint32_t,
		    uint32_t, int);

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

/*
 * An address without its port: a.b.c.d, or v6addr%scope (an IPv4
 * address mapped into IPv6, as a client's dual-stack socket has them,
 * as IPv4); two calls may share one printf.
 */
const char *
ipstr(const union addr *a)
{
	static char buf[2][INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	static int k;
	const struct in6_addr *a6 = &a->sin6.sin6_addr;
	size_t len;

	k = !k;
	if (a->sa.sa_family != AF_INET6) {
		inet_ntop(AF_INET, &a->sin.sin_addr, buf[k], sizeof(buf[k]));
		return buf[k];
	}
	if (IN6_IS_ADDR_V4MAPPED(a6)) {
		inet_ntop(AF_INET, &a6->s6_addr[12], buf[k], sizeof(buf[k]));
		return buf[k];
	}
	inet_ntop(AF_INET6, a6, buf[k], sizeof(buf[k]));
	len = strlen(buf[k]);
	if (a->sin6.sin6_scope_id != 0 && (IN6_IS_ADDR_LINKLOCAL(a6) ||
	    IN6_IS_ADDR_MC_LINKLOCAL(a6) || IN6_IS_ADDR_MC_NODELOCAL(a6))) {
		buf[k][len] = '%';
		if (if_indextoname(a->sin6.sin6_scope_id,
		    buf[k] + len + 1) == NULL)
			snprintf(buf[k] + len, sizeof(buf[k]) - len, "%%%u",
			    (unsigned)a->sin6.sin6_scope_id);
	}
	return buf[k];
}

/* An address as a.b.c.d:port or [v6addr%scope]:port, as ipstr. */
const char *
addrstr(const union addr *a)
{
	static char buf[2][INET6_ADDRSTRLEN + IF_NAMESIZE + 10];
	static int k;
	const char *ip = ipstr(a);

	k = !k;
	if (strchr(ip, ':') != NULL)
		snprintf(buf[k], sizeof(buf[k]), "[%s]:%u", ip, addrport(a));
	else
		snprintf(buf[k], sizeof(buf[k]), "%s:%u", ip, addrport(a));
	return buf[k];
}

/* The same address and port (and, for IPv6, the same scope). */
int
sameaddr(const union addr *a, const union addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return 0;
	if (a->sa.sa_family == AF_INET6)
		return memcmp(&a->sin6.sin6_addr, &b->sin6.sin6_addr,
		    sizeof(a->sin6.sin6_addr)) == 0 &&
		    a->sin6.sin6_port == b->sin6.sin6_port &&
		    a->sin6.sin6_scope_id == b->sin6.sin6_scope_id;
	return a->sin.sin_addr.s_addr == b->sin.sin_addr.s_addr &&
	    a->sin.sin_port == b->sin.sin_port;
}

/* An address's port, host order. */
unsigned
addrport(const union addr *a)
{
	return ntohs(a->sa.sa_family == AF_INET6 ? a->sin6.sin6_port :
	    a->sin.sin_port);
}

/* An address's length, for the kernel. */
socklen_t
addrlen(const union addr *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof(a->sin6) :
	    sizeof(a->sin);
}

/* The keepalive ping: four within the timeout, a second apart at most. */
uint64_t
ping_period(const struct opts *o)
{
	return secs(o->timeout) / 4 < PING_MAX ? secs(o->timeout) / 4 :
	    PING_MAX;
}

/* ---- the server's clients ------------------------------------------ */

/*
 * A table of max clients of size bytes each (each begins with a struct
 * member); senderr sends the revision's error packet.
 */
void
members_init(struct members *t, size_t size, unsigned max,
    void (*senderr)(struct np *, const union addr *, uint32_t,
    uint32_t))
{
	memset(t, 0, sizeof(*t));
	if ((t->v = calloc(max, size)) == NULL)
		err(1, NULL);
	t->size = size;
	t->max = max;
	t->senderr = senderr;
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
member_find(const struct members *t, const union addr *a)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		if (sameaddr(&member_at(t, i)->addr, a))
			return member_at(t, i);
	return NULL;
}

/*
 * A stranger at a answered a ping we sent, rtt µs ago: in the seek phase
 * it joins while there is room (the clients that left give theirs up);
 * else it is refused with NPE_REFUSED.  Returns it, or NULL.
 */
struct member *
member_join(struct np *np, struct members *t, int seeking,
    const union addr *a, uint64_t now, uint64_t rtt, uint64_t rto_min)
{
	if (seeking)
		members_compact(t);
	if (seeking && t->n < np->o->nclients)
		return member_admit(np, t, a, now, rtt, rto_min);
	debug(np, "client %s refused: too late", addrstr(a));
	t->senderr(np, a, NPE_REFUSED, 0);
	return NULL;
}

/* A new client at a (there is room).  Its revision's fields start zeroed. */
static struct member *
member_admit(struct np *np, struct members *t, const union addr *a,
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
static void
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
 * Seek phase: is it over?  All -n clients are here, or -w has run out
 * (seek_end, 0 without -w) and one is here at least.  Then the table
 * keeps only the clients that are here.  -w run out with no client at
 * all fails the run: a script waits for no one for ever.
 */
int
members_seek_over(struct np *np, struct members *t, uint64_t seek_end,
    uint64_t now)
{
	if (seek_end != 0 && now >= seek_end && t->nalive == 0) {
		np_fail(np, "no client answered within %u s (-w), giving up",
		    np->o->wait);
		return 0;
	}
	if (t->nalive != np->o->nclients &&
	    (seek_end == 0 || now < seek_end))
		return 0;
	members_compact(t);
	return 1;
}

/* After the seek phase: no client left fails the run (returns 1). */
int
members_gone(struct np *np, const struct members *t)
{
	if (t->nalive > 0)
		return 0;
	np_fail(np, "no client left, giving up");
	return 1;
}

/*
 * Drop a live client, saying why.  In the seek phase it only leaves
 * (members_compact gives its place away); later it is dropped, is told
 * so (NPE_DROPPED), and 1 is returned.
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
	t->senderr(np, &m->addr, NPE_DROPPED, 0);
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

/*
 * A client stopped (its error packet: code, eno): it is dropped, as
 * member_drop, for the reason it gave.
 */
int
member_stopped(struct np *np, struct members *t, struct member *m,
    int seeking, uint32_t code, uint32_t eno)
{
	char why[sizeof(m->why)];

	return member_drop(np, t, m, seeking, "%s",
	    member_error(why, sizeof(why), code, eno));
}

/* Why a client stopped, from its error packet: the server's words. */
static const char *
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

/*
 * The server stops the transfer (code, eno): the group is told a few
 * times against loss and, if each, every live client once.
 */
static void
server_abort(struct np *np, const struct members *t, uint32_t code,
    uint32_t eno, int each)
{
	const struct member *m;
	unsigned i;

	for (i = 0; i < ABORT_COPIES; i++)
		t->senderr(np, &np->net.dst, code, eno);
	for (i = 0; each && i < t->n; i++) {
		m = member_at(t, i);
		if (m->alive)
			t->senderr(np, &m->addr, code, eno);
	}
}

/*
 * A server's standard input, as read(2), into buf: bytes, 0 at its end;
 * -1 for nothing now (EINTR, EAGAIN) or a failure, which the group is
 * told of and which ends the run.
 */
ssize_t
server_read(struct np *np, const struct members *t, void *buf, size_t len)
{
	ssize_t r;
	int e;

	r = np->io->read(np->io->ctx, buf, len);
	if (r != -1 || errno == EINTR || errno == EAGAIN)
		return r;
	e = errno;
	server_abort(np, t, NPE_INTERNAL, (uint32_t)e, 0);
	np_fail(np, "stdin: %s", strerror(e));
	return -1;
}

/*
 * A server's interrupt hook, both revisions': the group and every live
 * client are told, and the run ends.  A server's state (np->rs) begins
 * with its table of clients.
 */
void
server_interrupt(struct np *np, int sig, uint64_t now)
{
	const struct members *t = np->rs;

	(void)now;
	server_abort(np, t, NPE_ABORT, 0, 1);
	np_fail(np, "%s: transfer aborted, clients told to stop",
	    strsignal(sig));
}

/* The server stopped this client (its error packet): the client's end. */
void
server_error(struct np *np, const union addr *from, uint32_t code,
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

/*
 * A server the driver fails (a send its network refuses): the clients
 * are told, with code 2 and eno, as for a read error, and the run ends
 * with the one line why.
 */
void
server_fail(struct np *np, int eno, const char *why)
{
	const struct members *t = np->rs;

	server_abort(np, t, NPE_INTERNAL, (uint32_t)eno, 1);
	np_fail(np, "%s", why);
}
