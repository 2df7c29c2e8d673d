/*
 * netpipe: net.c: sockets, the interface, and where packets go.
 *
 * The server binds the status port and sends everything from it: to the
 * group, broadcast or unicast destination, and unicast to single clients.
 * A client binds the data port (on the group address with -m, several
 * clients per host allowed) and sends its status packets from a second
 * socket on an ephemeral port, so that the server can reach each client
 * alone even when several share a host.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/udp.h>

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netpipe.h"

#define SNDBUF		(512 * 1024)	/* socket buffers we ask for */
#define RCVBUF		(32 * 1024 * 1024)
#define SEND_WAIT_MS	10		/* wait for room in a full buffer */
#define GSO_SEGS	44		/* UDP GSO: segments per super-datagram */
#define GSO_BYTES	65000		/* and bytes, below the UDP limit */
#define TX_MSGS		64		/* messages per sendmmsg */

static int	 gso_ok = 1;		/* the kernel takes UDP_SEGMENT */

/* The messages of one sendmmsg call. */
struct txmsgs {
	struct mmsghdr	 msg[TX_MSGS];
	struct iovec	 iov[TX_MSGS];
	union {
		struct cmsghdr	 align;
		uint8_t		 buf[CMSG_SPACE(sizeof(uint16_t))];
	}		 ctl[TX_MSGS];
};

static int	 udp_socket(void);
static void	 bind_port(int, struct in_addr, unsigned);
static int	 route_src(struct in_addr, struct in_addr *);
static int	 find_iface(struct net *, const struct opts *, struct in_addr *);
static void	 set_int(int, int, int, int, const char *);
static void	 set_bufs(int);
static void	 send_warn(const struct sockaddr_in *);
static int	 tx_fill(struct txmsgs *, const struct sockaddr_in *,
		    const uint8_t *, size_t, size_t, size_t *);
static void	 tx_send(int, struct txmsgs *, int, const struct sockaddr_in *,
		    const uint8_t *, size_t *);
static unsigned	 path_mtu(int, const struct sockaddr_in *);
static void	 too_big(int, const struct sockaddr_in *, size_t);

static int
udp_socket(void)
{
	int fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		err(1, "socket");
	return fd;
}

static void
set_int(int fd, int level, int name, int val, const char *what)
{
	if (setsockopt(fd, level, name, &val, sizeof(val)) == -1)
		err(1, "setsockopt %s", what);
}

/*
 * Ask for large buffers, a receiver's above all: it must ride out the
 * moments it is not scheduled.  Beyond rmem_max only root may (FORCE).
 */
static void
set_bufs(int fd)
{
	int r = RCVBUF, s = SNDBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &r, sizeof(r)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &r, sizeof(r));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &s, sizeof(s)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &s, sizeof(s));
}

static void
bind_port(int fd, struct in_addr a, unsigned port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = a;
	sin.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind UDP port %u", port);
}

/*
 * The source address the kernel would use towards dst: connecting a UDP
 * socket looks up the route and sends nothing.  Returns -1 without one.
 */
static int
route_src(struct in_addr dst, struct in_addr *src)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, r = -1;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = dst;
	sin.sin_port = htons(DEF_PORT);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0 &&
	    sin.sin_addr.s_addr != htonl(INADDR_ANY)) {
		*src = sin.sin_addr;
		r = 0;
	}
	close(fd);
	return r;
}

/*
 * Find the interface named by -i.  Without -i, of the interfaces that
 * are up, not loopback, and have an IPv4 address able to broadcast (or
 * multicast with -m), take the one the kernel routes the group to (with
 * -m) or the default route goes through; else the first that is running
 * (has a carrier); else the first.  Fills ifname, ifaddr and ifwhy; the
 * broadcast address goes to *bcast.  Returns -1 when nothing fits.
 */
static int
find_iface(struct net *n, const struct opts *o, struct in_addr *bcast)
{
	struct ifaddrs *ifa, *i, *pick = NULL;
	struct in_addr src, dst;
	const struct in_addr *a;
	unsigned need;
	int rank, best = 0, routed;

	if (getifaddrs(&ifa) == -1)
		err(1, "getifaddrs");
	need = IFF_UP | (o->multicast ? IFF_MULTICAST : IFF_BROADCAST);
	src.s_addr = htonl(INADDR_ANY);
	/* Any unicast address off the LAN shows the default route. */
	dst.s_addr = o->multicast ? o->group.s_addr : htonl(0xC0000201);
	routed = o->iface == NULL && route_src(dst, &src) == 0;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
			continue;
		a = &((struct sockaddr_in *)i->ifa_addr)->sin_addr;
		if (o->iface != NULL) {
			if (strcmp(i->ifa_name, o->iface) != 0)
				continue;
			rank = 4;
		} else if ((i->ifa_flags & need) != need ||
		    (i->ifa_flags & IFF_LOOPBACK))
			continue;
		else if (routed && a->s_addr == src.s_addr)
			rank = 3;
		else if (i->ifa_flags & IFF_RUNNING)
			rank = 2;
		else
			rank = 1;
		if (rank > best) {
			best = rank;
			pick = i;
		}
	}
	if (pick != NULL) {
		snprintf(n->ifname, sizeof(n->ifname), "%s", pick->ifa_name);
		n->ifaddr = ((struct sockaddr_in *)pick->ifa_addr)->sin_addr;
		bcast->s_addr = INADDR_NONE;
		if ((pick->ifa_flags & IFF_BROADCAST) &&
		    pick->ifa_broadaddr != NULL)
			*bcast = ((struct sockaddr_in *)
			    pick->ifa_broadaddr)->sin_addr;
		if (best == 4)
			n->ifwhy = "named with -i";
		else if (best == 3)
			n->ifwhy = o->multicast ? "the group's route" :
			    "the default route's";
		else
			n->ifwhy = best == 2 ? "the first up and running" :
			    "the first up, though without a carrier";
	}
	freeifaddrs(ifa);
	if (pick == NULL && o->iface != NULL)
		errx(1, "interface %s not found or without an IPv4 address",
		    o->iface);
	return pick == NULL ? -1 : 0;
}

void
net_server(struct net *n, const struct opts *o)
{
	struct in_addr any, bcast;
	int fd;

	memset(n, 0, sizeof(*n));
	n->ufd = -1;
	n->sport = o->port + 1;
	any.s_addr = htonl(INADDR_ANY);
	if (find_iface(n, o, &bcast) == -1 && !o->unicast)
		errx(1, "no usable network interface found; name one with -i");

	n->fd = fd = udp_socket();
	set_bufs(fd);
	bind_port(fd, any, n->sport);

	n->dst.sin_family = AF_INET;
	n->dst.sin_port = htons(o->port);
	if (o->multicast) {
		n->dst.sin_addr = o->group;
		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &n->ifaddr,
		    sizeof(n->ifaddr)) == -1)
			err(1, "multicast on %s", n->ifname);
		set_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 1,
		    "IP_MULTICAST_LOOP");
		set_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, (int)o->ttl,
		    "IP_MULTICAST_TTL");
	} else if (o->unicast) {
		n->dst.sin_addr = o->host;
	} else {
		if (bcast.s_addr == INADDR_NONE)
			errx(1, "interface %s has no broadcast address; "
			    "use -m GROUP", n->ifname);
		n->dst.sin_addr = bcast;
		set_int(fd, SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST");
	}
}

void
net_client(struct net *n, const struct opts *o)
{
	struct ip_mreqn mr;
	struct in_addr any, bcast;
	int fd;

	memset(n, 0, sizeof(*n));
	n->sport = o->port + 1;
	any.s_addr = htonl(INADDR_ANY);
	if (find_iface(n, o, &bcast) == -1 && o->multicast)
		errx(1, "no multicast interface found; name one with -i");

	n->fd = fd = udp_socket();
	set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
	set_bufs(fd);
	net_gro(fd);
	if (o->multicast) {
		/* Bound to the group: other groups' traffic stays out. */
		bind_port(fd, o->group, o->port);
		memset(&mr, 0, sizeof(mr));
		mr.imr_multiaddr = o->group;
		mr.imr_address = n->ifaddr;
		mr.imr_ifindex = (int)if_nametoindex(n->ifname);
		if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
		    sizeof(mr)) == -1)
			err(1, "join group %s on %s", inet_ntoa(o->group),
			    n->ifname);
		set_int(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0,
		    "IP_MULTICAST_ALL");
	} else
		bind_port(fd, any, o->port);

	n->ufd = udp_socket();
	bind_port(n->ufd, any, 0);
}

/*
 * Receive up to RX_BATCH datagrams without blocking (recvmmsg).  With
 * UDP_GRO a datagram may hold several segments of seg[i] bytes each, the
 * last one possibly shorter.  Returns how many, 0 when none is waiting.
 */
int
net_recvbatch(int fd, struct rxbatch *b)
{
	struct cmsghdr *cm;
	int i, n, v;

	if (b->buf == NULL && (b->buf = malloc((size_t)RX_BATCH *
	    MAX_DGRAM)) == NULL)
		err(1, NULL);
	for (i = 0; i < RX_BATCH; i++) {
		b->iov[i].iov_base = b->buf + (size_t)i * MAX_DGRAM;
		b->iov[i].iov_len = MAX_DGRAM;
		memset(&b->msg[i].msg_hdr, 0, sizeof(b->msg[i].msg_hdr));
		b->msg[i].msg_hdr.msg_name = &b->from[i];
		b->msg[i].msg_hdr.msg_namelen = sizeof(b->from[i]);
		b->msg[i].msg_hdr.msg_iov = &b->iov[i];
		b->msg[i].msg_hdr.msg_iovlen = 1;
		b->msg[i].msg_hdr.msg_control = b->ctl[i].buf;
		b->msg[i].msg_hdr.msg_controllen = sizeof(b->ctl[i].buf);
	}
	do
		n = recvmmsg(fd, b->msg, RX_BATCH, MSG_DONTWAIT, NULL);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != ECONNREFUSED)
			report_warn("recvmmsg: %s", strerror(errno));
		return 0;
	}
	for (i = 0; i < n; i++) {
		b->len[i] = b->msg[i].msg_len;
		b->seg[i] = b->len[i];
		if (b->msg[i].msg_hdr.msg_namelen != sizeof(b->from[i]) ||
		    b->from[i].sin_family != AF_INET) {
			b->len[i] = 0;		/* not IPv4: nothing */
			b->seg[i] = 1;
			continue;
		}
		for (cm = CMSG_FIRSTHDR(&b->msg[i].msg_hdr); cm != NULL;
		    cm = CMSG_NXTHDR(&b->msg[i].msg_hdr, cm))
			if (cm->cmsg_level == SOL_UDP &&
			    cm->cmsg_type == UDP_GRO) {
				memcpy(&v, CMSG_DATA(cm), sizeof(v));
				if (v > 0)
					b->seg[i] = (size_t)v;
			}
		if (b->seg[i] == 0)
			b->seg[i] = 1;
	}
	return n;
}

/* Let the kernel hand us coalesced datagrams (UDP GRO), if it can. */
void
net_gro(int fd)
{
	int one = 1;

	(void)setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
}

/*
 * Up to TX_MSGS messages from buf at *off on (len bytes in all, seg
 * each): with UDP GSO, super-datagrams of several segments, else one
 * datagram each.  Advances *off; returns how many messages.
 */
static int
tx_fill(struct txmsgs *t, const struct sockaddr_in *to, const uint8_t *buf,
    size_t len, size_t seg, size_t *off)
{
	struct cmsghdr *cm;
	size_t chunk, per;
	uint16_t gs;
	int n, gso;

	gso = gso_ok && len - *off > seg;
	per = gso ? (GSO_BYTES / seg < GSO_SEGS ? GSO_BYTES / seg :
	    GSO_SEGS) * seg : seg;
	if (per == 0)
		per = seg, gso = 0;
	for (n = 0; n < TX_MSGS && *off < len; n++) {
		chunk = len - *off < per ? len - *off : per;
		t->iov[n].iov_base = (void *)(buf + *off);
		t->iov[n].iov_len = chunk;
		memset(&t->msg[n].msg_hdr, 0, sizeof(t->msg[n].msg_hdr));
		t->msg[n].msg_hdr.msg_name = (void *)to;
		t->msg[n].msg_hdr.msg_namelen = sizeof(*to);
		t->msg[n].msg_hdr.msg_iov = &t->iov[n];
		t->msg[n].msg_hdr.msg_iovlen = 1;
		if (gso && chunk > seg) {
			t->msg[n].msg_hdr.msg_control = t->ctl[n].buf;
			t->msg[n].msg_hdr.msg_controllen = sizeof(t->ctl[n].buf);
			cm = CMSG_FIRSTHDR(&t->msg[n].msg_hdr);
			cm->cmsg_level = SOL_UDP;
			cm->cmsg_type = UDP_SEGMENT;
			cm->cmsg_len = CMSG_LEN(sizeof(gs));
			gs = (uint16_t)seg;
			memcpy(CMSG_DATA(cm), &gs, sizeof(gs));
		}
		*off += chunk;
	}
	return n;
}

/*
 * Send the n messages of t, in as few sendmmsg calls as can be; a full
 * socket buffer is waited out, which paces the sender to the link.  If
 * the kernel refuses GSO, GSO is off from now on and *off goes back to
 * the first message not sent, to be sent again one datagram each (so a
 * train refused as too big, EMSGSIZE, shows which datagram is).
 */
static void
tx_send(int fd, struct txmsgs *t, int n, const struct sockaddr_in *to,
    const uint8_t *buf, size_t *off)
{
	struct pollfd pfd;
	int i, r;

	for (i = 0; i < n; ) {
		r = sendmmsg(fd, t->msg + i, (unsigned)(n - i), 0);
		if (r > 0) {
			i += r;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ENOBUFS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			(void)poll(&pfd, 1, SEND_WAIT_MS);
			continue;
		}
		if (t->msg[i].msg_hdr.msg_control != NULL &&
		    (errno == EIO || errno == EINVAL || errno == EMSGSIZE ||
		    errno == EOPNOTSUPP || errno == ENOPROTOOPT)) {
			/* No GSO here: send the rest one by one. */
			gso_ok = 0;
			*off = (size_t)((const uint8_t *)t->iov[i].iov_base -
			    buf);
			return;
		}
		if (errno == EMSGSIZE)
			too_big(fd, to, t->iov[i].iov_len);
		else if (errno != ECONNREFUSED)
			send_warn(to);
		i++;			/* lost, as UDP may */
	}
}

/*
 * Send len bytes of datagrams, each seg bytes but the last, to one
 * address: with UDP GSO a few super-datagrams, else one datagram each.
 */
void
net_sendsegs(int fd, const struct sockaddr_in *to, const uint8_t *buf,
    size_t len, size_t seg)
{
	static struct txmsgs t;		/* 6 KiB of scratch, kept */
	size_t off = 0;
	int n;

	while (off < len) {
		n = tx_fill(&t, to, buf, len, seg, &off);
		tx_send(fd, &t, n, to, buf, &off);
	}
}

/*
 * A failing send is said once per kind of failure, not per packet;
 * through report.c, which clears the progress line first.
 */
static void
send_warn(const struct sockaddr_in *to)
{
	static int said[256];
	int e = errno;

	if (e > 0 && e < 256 && said[e]++ == 0)
		report_warn("send to %s: %s (said once)", addrstr(to),
		    strerror(e));
	errno = e;
}

/*
 * Send one datagram.  UDP is lossy by nature, so a failure here is not
 * fatal: the protocol's timers resend.  A full buffer is waited out.
 */
void
net_send(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	struct pollfd pfd;
	ssize_t r;

	for (;;) {
		r = sendto(fd, buf, len, 0, (const struct sockaddr *)to,
		    sizeof(*to));
		if (r != -1 || errno == ECONNREFUSED)
			return;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			(void)poll(&pfd, 1, SEND_WAIT_MS);
			continue;
		}
		if (errno == EMSGSIZE)
			too_big(fd, to, len);
		else
			send_warn(to);
		return;
	}
}

/*
 * The largest block whose datagram fits an MTU of mtu bytes: the MTU
 * less the IP header (iphdr: 20 for IPv4, 40 for IPv6), UDP's 8 bytes
 * and the revision's own header and CRC (overhead); at most max, and
 * at least 1.
 */
unsigned
net_mtu_block(unsigned mtu, unsigned iphdr, unsigned overhead, unsigned max)
{
	unsigned hdrs = iphdr + 8 + overhead;

	if (mtu <= hdrs)
		return 1;
	return mtu - hdrs < max ? mtu - hdrs : max;
}

/*
 * The MTU of a server's way to its clients, 0 if it cannot be had, and
 * in *lo whether that way is the loopback interface.  Unicast: that of
 * the route to the host (IP_MTU of a socket connected to it: the
 * outgoing interface's, or a smaller path MTU the kernel has learnt);
 * the way to one of this host's own addresses is loopback.  Broadcast
 * and multicast: the chosen interface's (SIOCGIFMTU, which needs no
 * /sys).
 */
unsigned
net_mtu(const struct net *n, const struct opts *o, int *lo)
{
	struct sockaddr_in src;
	struct ifreq ifr;
	socklen_t len;
	int fd, mtu = 0;

	*lo = 0;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	if (o->unicast) {
		len = sizeof(mtu);
		if (connect(fd, (const struct sockaddr *)&n->dst,
		    sizeof(n->dst)) == -1 ||
		    getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &len) == -1)
			mtu = 0;
		len = sizeof(src);
		if (ntohl(n->dst.sin_addr.s_addr) >> 24 == IN_LOOPBACKNET ||
		    (mtu > 0 && getsockname(fd, (struct sockaddr *)&src,
		    &len) == 0 && src.sin_addr.s_addr == n->dst.sin_addr.s_addr))
			*lo = 1;
	} else {
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", n->ifname);
		if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
			mtu = ifr.ifr_mtu;
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 &&
		    (ifr.ifr_flags & IFF_LOOPBACK))
			*lo = 1;
	}
	close(fd);
	return mtu > 0 ? (unsigned)mtu : 0;
}

/*
 * The server never fragments: a datagram too big for its path is
 * refused by the kernel (EMSGSIZE, at once if it is too big for the
 * interface, else once a router has said so by ICMP), and net_toobig
 * tells the driver, instead of losing every such datagram quietly.
 */
void
net_nofrag(int fd)
{
	set_int(fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO,
	    "IP_MTU_DISCOVER");
}

/* The first datagram refused as too big for its path. */
static struct {
	size_t		 len;		/* its UDP payload; 0: none yet */
	unsigned	 mtu;		/* the path's MTU, 0 if unknown */
	struct sockaddr_in to;
} toobig;

/*
 * The MTU of the path from fd to `to`, 0 if unknown: IP_MTU of a socket
 * connected there, through fd's multicast interface.
 */
static unsigned
path_mtu(int fd, const struct sockaddr_in *to)
{
	struct in_addr mif;
	socklen_t len = sizeof(mif);
	int s, one = 1, mtu = 0;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	if (getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mif, &len) == 0 &&
	    len == sizeof(mif))
		(void)setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &mif,
		    sizeof(mif));
	(void)setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	len = sizeof(mtu);
	if (connect(s, (const struct sockaddr *)to, sizeof(*to)) == -1 ||
	    getsockopt(s, IPPROTO_IP, IP_MTU, &mtu, &len) == -1)
		mtu = 0;
	close(s);
	return mtu > 0 ? (unsigned)mtu : 0;
}

/* A send refused with EMSGSIZE: the first is kept for net_toobig. */
static void
too_big(int fd, const struct sockaddr_in *to, size_t len)
{
	if (toobig.len != 0)
		return;
	toobig.len = len;
	toobig.to = *to;
	toobig.mtu = path_mtu(fd, to);
}

/*
 * Whether a datagram was refused as too big for its path: its UDP
 * payload in *len, the path's MTU in *mtu (0 if unknown), where it went
 * in *to.
 */
int
net_toobig(size_t *len, unsigned *mtu, struct sockaddr_in *to)
{
	if (toobig.len == 0)
		return 0;
	*len = toobig.len;
	*mtu = toobig.mtu;
	*to = toobig.to;
	return 1;
}
