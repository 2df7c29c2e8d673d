/*
 * netpipe: loop.c: the real driver of a role.
 *
 * It owns what a role may not touch: the sockets (net.c), the clock,
 * standard input and output, the signals; it implements struct io over
 * them and runs the one event loop: wait for a datagram, for standard
 * input when the role wants data, or for the role's next deadline, and
 * hand each to the role with the time.  What the operator sees goes
 * through report.c.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/random.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netpipe.h"
#include "seal.h"

#define RECV_ROUNDS	8		/* recvmmsg batches per wakeup and socket */
#define IP4_HDR		20		/* the IPv4 header, bytes */
#define IP6_HDR		40		/* and IPv6's */

/* One run: the role's np, the io it is given, and the driver's own. */
struct loop {
	struct opts	 opts;		/* the options, the block size chosen */
	struct np	 np;
	struct io	 io;
	struct report	 rep;
	const struct role *role;
	int		 outclosed;	/* standard output is closed */
	int		 stamped;	/* the kernel stamps what arrives */
	int		 pinned;	/* client: net_pin done */
	uint64_t	 last;		/* µs: the latest time given the role */
	uint64_t	 rxlast;	/* µs: the latest given a datagram */
	uint64_t	 end;		/* µs: the loop ended */
	struct rxbatch	 rb;
	struct seal	*seal;		/* -k: sealing and opening */
};

static uint64_t	 now_us(void);
static uint64_t	 wall_us(void);
static void	 onsignal(int);
static void	 signals(void);
static void	 io_send(void *, const void *, size_t,
		    const union addr *);
static int	 io_sendsegs(void *, const union addr *,
		    const uint8_t *, size_t, size_t);
static ssize_t	 io_read(void *, void *, size_t);
static int	 io_write(void *, const void *, size_t);
static int	 io_close(void *);
static void	 io_say(void *, const char *);
static void	 io_random(void *, void *, size_t);
static uint64_t	 io_clock(void *);
static void	 setup(struct loop *, const struct opts *);
static void	 hello(const struct np *);
static void	 arrivals(struct loop *);
static uint64_t	 arrived(struct loop *, int, uint64_t, uint64_t);
static void	 datagram(struct loop *, int, uint64_t);
static void	 receive(struct loop *, int);
static int	 wait_events(struct loop *, struct pollfd *, const int *,
		    uint64_t, int *);
static void	 run(struct loop *);
static void	 way_out(struct loop *);
static int	 path_refused(struct loop *);
static unsigned	 iphdr(const union addr *);

/* The only file-scope state: what a signal handler may set. */
static volatile sig_atomic_t gotsig;

/* The clock of every hook, µs, monotonic. */
static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* The wall clock, µs: the kernel's receive stamps are on it. */
static uint64_t
wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void
onsignal(int sig)
{
	gotsig = sig;
}

/* EPIPE is an error like any other; SIGINT, SIGTERM, SIGHUP tell peers. */
static void
signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/*
 * A role sends from one socket: a server from its status port, a
 * client from its unicast status socket, only ever to its server, to
 * which the socket is pinned on the first send (net_pin).
 */
static void
io_send(void *ctx, const void *p, size_t len, const union addr *to)
{
	struct loop *lp = ctx;

	if (!lp->np.o->server && !lp->pinned) {
		lp->pinned = 1;
		net_pin(lp->np.net.ufd, to);
	}
	net_send(lp->np.o->server ? lp->np.net.fd : lp->np.net.ufd, p, len,
	    to);
}

static int
io_sendsegs(void *ctx, const union addr *to, const uint8_t *p,
    size_t len, size_t seg)
{
	struct loop *lp = ctx;

	return net_sendsegs(lp->np.o->server ? lp->np.net.fd : lp->np.net.ufd, to,
	    p, len, seg);
}

static ssize_t
io_read(void *ctx, void *p, size_t len)
{
	(void)ctx;
	return read(STDIN_FILENO, p, len);
}

/* Write all of p to standard output; returns 0 or an errno. */
static int
io_write(void *ctx, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t r;

	(void)ctx;
	while (len > 0) {
		r = write(STDOUT_FILENO, p, len);
		if (r == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return errno;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* Close standard output, once; returns 0 or an errno. */
static int
io_close(void *ctx)
{
	struct loop *lp = ctx;

	if (lp->outclosed)
		return 0;
	lp->outclosed = 1;
	if (close(STDOUT_FILENO) == -1 && errno != EINTR)
		return errno;
	return 0;
}

static void
io_say(void *ctx, const char *line)
{
	struct loop *lp = ctx;

	report_say(&lp->rep, line);
}

static void
io_random(void *ctx, void *p, size_t len)
{
	(void)ctx;
	if (getrandom(p, len, 0) != (ssize_t)len)
		err(1, "getrandom");
}

static uint64_t
io_clock(void *ctx)
{
	(void)ctx;
	return now_us();
}

/* The first words of a run: which interface, what a client waits for. */
static void
hello(const struct np *np)
{
	const struct opts *o = np->o;

	if (o->iface == NULL && np->net.ifname[0] != '\0' &&
	    (o->server || o->multicast))
		info(np, "interface %s (%s): %s; name another with -i",
		    np->net.ifname, ipstr(&np->net.ifaddr), np->net.ifwhy);
	if (!o->server && o->multicast)
		info(np, "waiting for a server: group %s%s%s, UDP port %u, "
		    "on %s", ipstr(&o->group), o->ssm ? ", source " : "",
		    o->ssm ? ipstr(&o->source) : "", o->port, np->net.ifname);
	else if (!o->server)
		info(np, "waiting for a server: UDP port %u, broadcast or "
		    "unicast", o->port);
}

/*
 * Everything before the loop: signals, the report (and --stats), the
 * terminal checks, the sockets and the clock of the run, the role.
 */
static void
setup(struct loop *lp, const struct opts *o)
{
	struct np *np = &lp->np;
	uint8_t key[AEAD_KEY];

	memset(lp, 0, sizeof(*lp));
	lp->io = (struct io){
		.ctx = lp,
		.send = io_send,
		.sendsegs = io_sendsegs,
		.read = io_read,
		.write = io_write,
		.close = io_close,
		.say = io_say,
		.random = io_random,
		.clock = io_clock,
	};
	lp->opts = *o;
	np->o = &lp->opts;
	np->io = &lp->io;
	if (o->keyfile != NULL) {
		seal_readkey(o->keyfile, key);
		lp->seal = seal_new(key, o->server, &lp->io, np);
		explicit_bzero(key, sizeof(key));
		np->io = seal_io(lp->seal);
	}
	signals();
	report_init(&lp->rep, np, STDERR_FILENO,
	    o->server ? STDIN_FILENO : -1);
	report_attach(&lp->rep, now_us);
	/* Never read or write the terminal: no prompts, no binary mess. */
	if (o->server && isatty(STDIN_FILENO))
		errx(1, "standard input is a terminal: give the server a "
		    "file or a pipe (netpipe -s < file)");
	if (!o->server && isatty(STDOUT_FILENO))
		errx(1, "standard output is a terminal: send the stream to "
		    "a file or a pipe (netpipe -c > file)");
	if (o->server)
		net_server(&np->net, o);
	else
		net_client(&np->net, o);
	arrivals(lp);
	/* Ready before the first datagram, which may be a ping to answer. */
	if ((lp->rb.buf = malloc((size_t)RX_BATCH * MAX_DGRAM)) == NULL)
		err(1, NULL);
	np->start = now_us();
	hello(np);
	if (o->server)
		way_out(lp);
	lp->role = role_for(o);
	lp->role->init(np, now_us());
	report_start(&lp->rep, lp->role);
}

/*
 * Have the kernel stamp each datagram as it arrives, so that it is
 * timed when it came, not when the loop got round to reading it (after
 * a burst of sends, a write to a slow disk, or a wait for a CPU): a
 * server times its round trips so, a client how long its newest block
 * waited in it (10.8).  Without stamps a datagram is timed when it is
 * read.
 */
static void
arrivals(struct loop *lp)
{
	int one = 1;

	lp->stamped = setsockopt(lp->np.net.fd, SOL_SOCKET, SO_TIMESTAMPNS,
	    &one, sizeof(one)) == 0;
	if (lp->stamped && lp->np.net.ufd != -1)
		lp->stamped = setsockopt(lp->np.net.ufd, SOL_SOCKET,
		    SO_TIMESTAMPNS, &one, sizeof(one)) == 0;
}

/*
 * When datagram j of a batch read at now (wall: the same instant on the
 * wall clock) arrived: its kernel stamp, moved onto the monotonic clock;
 * without one, now.  A server's is kept between the last time given the
 * role and now, so that its clock never runs backwards (a reply is no
 * older than the ping its timer sent).  A client takes a datagram's
 * time only for when it came: one that waited in the socket past the
 * last read (a write to a slow disk, a wait for a CPU) keeps its stamp,
 * no earlier than the datagram before it, and the reports say how long
 * the newest waited (10.8).
 */
static uint64_t
arrived(struct loop *lp, int j, uint64_t now, uint64_t wall)
{
	struct msghdr *mh = &lp->rb.msg[j].msg_hdr;
	struct cmsghdr *cm;
	struct timespec ts;
	uint64_t t, at, lo;

	lo = lp->opts.server ? lp->last : lp->rxlast;
	t = now;
	for (cm = CMSG_FIRSTHDR(mh); lp->stamped && cm != NULL;
	    cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
		at = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
		if (at < wall)
			t = wall - at < now - lo ? now - (wall - at) : lo;
		break;
	}
	lp->rxlast = t;
	if (t > lp->last)
		lp->last = t;
	return t;
}

/*
 * Datagram j of the batch, received at now: with GRO several segments,
 * each handed to the role on its own; an empty one (or one that was not
 * IPv4) as an empty packet.
 */
static void
datagram(struct loop *lp, int j, uint64_t now)
{
	const struct rxbatch *rb = &lp->rb;
	uint8_t *p = rb->iov[j].iov_base;
	size_t off, len;

	for (off = 0; off < rb->len[j] && !lp->np.done; off += len) {
		len = rb->len[j] - off;
		if (len > rb->seg[j])
			len = rb->seg[j];
		if (lp->seal != NULL)
			seal_packet(lp->seal, lp->role, &lp->np, p + off, len,
			    &rb->from[j], now);
		else
			lp->role->packet(&lp->np, p + off, len, &rb->from[j],
			    now);
	}
	if (rb->len[j] == 0 && lp->seal != NULL)
		lp->np.forged++;
	else if (rb->len[j] == 0)
		lp->role->packet(&lp->np, p, 0, &rb->from[j], now);
}

/*
 * What waits on fd: a few batches, each read with one clock read, and
 * each datagram handed to the role with the time it arrived.
 */
static void
receive(struct loop *lp, int fd)
{
	uint64_t now, wall;
	int j, k, n;

	for (k = 0; k < RECV_ROUNDS && !lp->np.done; k++) {
		if ((n = net_recvbatch(fd, &lp->rb)) == 0)
			break;
		now = now_us();
		wall = lp->stamped ? wall_us() : 0;
		for (j = 0; j < n && !lp->np.done; j++)
			datagram(lp, j, arrived(lp, j, now, wall));
		if (n < RX_BATCH)
			break;
	}
}

/*
 * Sleep in ppoll until a socket has a datagram, standard input has data
 * (if the role wants it: *in), or the role's deadline or the report's
 * next tick (next) comes.  The clock is read again here, not only at
 * the top of the loop: the role's timer may have spent a while sending.
 * Returns how many sockets were polled, -1 when a signal came.
 */
static int
wait_events(struct loop *lp, struct pollfd *pfd, const int *fds,
    uint64_t next, int *in)
{
	const struct role *r = lp->role;
	struct timespec ts;
	uint64_t now, dl;
	int i, nfd, npfd;

	nfd = lp->np.net.ufd != -1 ? 2 : 1;
	now = now_us();
	dl = r->deadline(&lp->np, now);
	if (dl > next)
		dl = next;
	dl = dl > now ? dl - now : 0;
	ts.tv_sec = dl / 1000000;
	ts.tv_nsec = dl % 1000000 * 1000;
	for (i = 0; i < nfd; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
	}
	npfd = nfd;
	*in = r->want_input != NULL && r->want_input(&lp->np);
	if (*in) {
		pfd[npfd].fd = STDIN_FILENO;
		pfd[npfd++].events = POLLIN;
	}
	if (ppoll(pfd, npfd, &ts, NULL) == -1) {
		if (errno == EINTR)
			return -1;
		err(1, "poll");
	}
	return nfd;
}

/*
 * The one event loop of every role: the role's timers, then a wait for
 * a datagram, for standard input, or for the next deadline; a signal
 * ends it through the role's interrupt.
 */
static void
run(struct loop *lp)
{
	struct np *np = &lp->np;
	const struct role *r = lp->role;
	struct pollfd pfd[3];
	uint64_t now, next;
	int fds[2], i, nfd, in;

	fds[0] = np->net.fd;
	fds[1] = np->net.ufd;
	while (!np->done) {
		now = lp->last = now_us();
		if (gotsig) {
			r->interrupt(np, gotsig, now);
			break;
		}
		if (np->o->server && path_refused(lp))
			break;
		r->timer(np, now);
		if (np->done)
			break;
		next = report_tick(&lp->rep, now);
		if ((nfd = wait_events(lp, pfd, fds, next, &in)) == -1)
			continue;
		for (i = 0; i < nfd && !np->done; i++)
			if (pfd[i].revents & (POLLIN | POLLERR))
				receive(lp, fds[i]);
		if (in && !np->done && pfd[nfd].revents)
			r->input(np, lp->last = now_us());
	}
	lp->end = now_us();
	if (np->junk || np->foreign)
		debug(np, "ignored %llu malformed and %llu foreign datagrams",
		    (unsigned long long)np->junk,
		    (unsigned long long)np->foreign);
	if (lp->seal != NULL)
		debug(np, "dropped %llu datagrams that failed authentication "
		    "(forged, replayed or of another key)",
		    (unsigned long long)np->forged);
}

/*
 * One whole run of netpipe with the options o: set up, the loop, the
 * summary and --stats.  Returns the exit status.
 */
int
loop_run(const struct opts *o)
{
	struct loop lp;

	setup(&lp, o);
	run(&lp);
	report_summary(&lp.rep, lp.end);
	if (report_stats(&lp.rep, lp.end) == -1 && lp.np.status == 0)
		lp.np.status = 1;
	if (lp.role->fini != NULL)
		lp.role->fini(&lp.np);
	seal_free(lp.seal);
	free(lp.rb.buf);
	return lp.np.status;
}

/*
 * The server's way out.  Nothing it sends is fragmented (net_nofrag): a
 * datagram too big for the path fails the run (path_refused).  Without
 * -b the block fills one datagram at the MTU of the way out (net_mtu),
 * at most half the window, except where that MTU says nothing of the
 * frames on the way: the loopback interface (65536, no frame; there
 * netpipe is tried out and tested as a stand-in for a LAN), a group
 * routed beyond the LAN (--ttl above 1: a router drops a multicast
 * datagram too big for its next link and cannot say so), an unknown
 * MTU.  Those keep the block that fills Ethernet's 1500 bytes.  A -b
 * too big for the MTU is an error.
 */
static void
way_out(struct loop *lp)
{
	struct opts *o = &lp->opts;
	struct np *np = &lp->np;
	char way[64];
	unsigned mtu, over, max, fit, eth, ip;
	int lo;

	net_nofrag(np->net.fd, np->net.dst.sa.sa_family);
	ip = iphdr(&np->net.dst);
	over = o->rev == 0 ? TX_OVERHEAD : o->keyfile != NULL ?
	    R1_DATA_HDR + 4 + SEAL_OVER : R1_DATA_HDR + 4;
	max = o->rev == 0 ? MAX_BLOCK : o->keyfile != NULL ? MAX_BLOCK1_KEY :
	    MAX_BLOCK1;
	eth = o->rev == 0 ? DEF_BLOCK : o->keyfile != NULL ? DEF_BLOCK1_KEY :
	    DEF_BLOCK1;
	mtu = net_mtu(&np->net, o, &lo);
	if (eth > IP6_EXTRA && ip > IP4_HDR)
		eth -= IP6_EXTRA;
	fit = net_mtu_block(mtu, ip, over, max);
	if (o->unicast)
		snprintf(way, sizeof(way), "the route to %s",
		    ipstr(&o->host));
	else
		snprintf(way, sizeof(way), "%s", np->net.ifname);
	if (o->block != 0) {
		if (mtu != 0 && o->block > fit)
			errx(1, "datagrams of %u bytes do not fit the %u-byte "
			    "MTU of %s: use -b %u or less", ip + 8 + over +
			    o->block, mtu, way, fit);
		np->net.block = o->block;
		return;
	}
	if (mtu != 0 && !lo && !(o->multicast && o->ttl > 1)) {
		o->block = fit;
		if (o->rev == 1 && o->block > o->window / 2)
			o->block = (unsigned)(o->window / 2);
		debug(np, "block size %u bytes, for the %u-byte MTU of %s",
		    o->block, mtu, way);
		np->net.block = o->block;
		return;
	}
	o->block = mtu != 0 && fit < eth ? fit : eth;
	np->net.block = o->block;
	debug(np, "block size %u bytes, for a 1500-byte MTU at most (%s: "
	    "%s)", o->block, way, mtu == 0 ? "its MTU unknown" : lo ?
	    "loopback" : "--ttl above 1");
}

/* The IP header's bytes on the way to a: IPv4's or IPv6's. */
static unsigned
iphdr(const union addr *a)
{
	return a->sa.sa_family == AF_INET6 ? IP6_HDR : IP4_HDR;
}

/*
 * A datagram the path refused as too big (net_toobig): the server
 * says which, and what fits, tells its clients, and fails.  Returns 1
 * then, else 0.
 */
static int
path_refused(struct loop *lp)
{
	const struct opts *o = &lp->opts;
	union addr to;
	char why[200];
	size_t len;
	unsigned mtu, over, max, ip;

	if (!net_toobig(&len, &mtu, &to))
		return 0;
	ip = iphdr(&to);
	over = o->rev == 0 ? TX_OVERHEAD : o->keyfile != NULL ?
	    R1_DATA_HDR + 4 + SEAL_OVER : R1_DATA_HDR + 4;
	max = o->rev == 0 ? MAX_BLOCK : o->keyfile != NULL ? MAX_BLOCK1_KEY :
	    MAX_BLOCK1;
	if (mtu != 0)
		snprintf(why, sizeof(why), "datagrams of %zu bytes do not "
		    "fit the path MTU of %u to %s: use -b %u or less",
		    len + ip + 8, mtu, addrstr(&to),
		    net_mtu_block(mtu, ip, over, max));
	else
		snprintf(why, sizeof(why), "datagrams of %zu bytes do not "
		    "fit the path to %s: use a smaller -b", len + ip + 8,
		    addrstr(&to));
	server_fail(&lp->np, EMSGSIZE, why);
	return 1;
}
