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

static int	 udp_socket(int);
static void	 bind_port(int, const union addr *, unsigned);
static int	 route_src(const union addr *, int, union addr *);
static int	 candidate(const struct ifaddrs *, const struct opts *, int);
static int	 find_iface(struct net *, const struct opts *, int,
		    union addr *);
static void	 set_int(int, int, int, int, const char *);
static void	 set_bufs(int);
static void	 join(int, const struct net *, const struct opts *);
static void	 send_warn(const union addr *);
static int	 tx_fill(struct txmsgs *, const union addr *,
		    const uint8_t *, size_t, size_t, size_t *);
static int	 tx_send(int, struct txmsgs *, int, const union addr *,
		    const uint8_t *, size_t *);
static unsigned	 path_mtu(int, const union addr *);
static void	 too_big(int, const union addr *, size_t);

static int
udp_socket(int family)
{
	int fd;

	if ((fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
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

/* Bind fd to address a (its family's), port port. */
static void
bind_port(int fd, const union addr *a, unsigned port)
{
	union addr b = *a;

	if (b.sa.sa_family == AF_INET6)
		b.sin6.sin6_port = htons(port);
	else
		b.sin.sin_port = htons(port);
	if (bind(fd, &b.sa, addrlen(&b)) == -1)
		err(1, "bind UDP port %u", port);
}

/*
 * The source address the kernel would use towards dst (IPv6 multicast:
 * out of interface oif, unless 0): connecting a UDP socket looks up the
 * route and sends nothing.  Returns -1 without one.
 */
static int
route_src(const union addr *dst, int oif, union addr *src)
{
	union addr a = *dst;
	socklen_t len = sizeof(*src);
	int fd, r = -1;

	if ((fd = socket(a.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (oif != 0 && a.sa.sa_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &oif,
		    sizeof(oif));
	if (a.sa.sa_family == AF_INET6)
		a.sin6.sin6_port = htons(DEF_PORT);
	else
		a.sin.sin_port = htons(DEF_PORT);
	memset(src, 0, sizeof(*src));
	if (connect(fd, &a.sa, addrlen(&a)) == 0 &&
	    getsockname(fd, &src->sa, &len) == 0 &&
	    (src->sa.sa_family == AF_INET6 ?
	    !IN6_IS_ADDR_UNSPECIFIED(&src->sin6.sin6_addr) :
	    src->sin.sin_addr.s_addr != htonl(INADDR_ANY)))
		r = 0;
	close(fd);
	return r;
}

/*
 * Could this address of an interface serve, without -i?  One of the
 * family, up, not loopback, able to broadcast (IPv4) or to multicast
 * (-m, and IPv6 always: it has no broadcast).
 */
static int
candidate(const struct ifaddrs *i, const struct opts *o, int family)
{
	unsigned need;

	if (i->ifa_addr == NULL || i->ifa_addr->sa_family != family)
		return 0;
	need = IFF_UP | (o->multicast || family == AF_INET6 ?
	    IFF_MULTICAST : IFF_BROADCAST);
	return (i->ifa_flags & need) == need &&
	    !(i->ifa_flags & IFF_LOOPBACK);
}

/*
 * Find the interface named by -i, with an address of the family.
 * Without -i, of the interfaces that could serve (candidate), take the
 * one the kernel routes the group (-m) or the host (-u) to, or the
 * default route goes through; else the first that is running (has a
 * carrier); else the first.  Of an interface's IPv6 addresses one that
 * is not link-local is shown.  Fills ifname, ifaddr and ifwhy (with the
 * others that could have served); the broadcast address goes to *bcast
 * (IPv4).  Returns -1 when nothing fits.
 */
static int
find_iface(struct net *n, const struct opts *o, int family, union addr *bcast)
{
	struct ifaddrs *ifa, *i, *j, *pick = NULL;
	union addr src, dst;
	const union addr *a;
	char others[sizeof(n->ifwhy)];
	size_t len;
	int rank, best = 0, routed, nif = 0;

	if (getifaddrs(&ifa) == -1)
		err(1, "getifaddrs");
	/* Any unicast address off the LAN shows the default route. */
	memset(&dst, 0, sizeof(dst));
	if (o->multicast)
		dst = o->group;
	else if (o->unicast)
		dst = o->host;
	else if ((dst.sa.sa_family = family) == AF_INET6)
		inet_pton(AF_INET6, "2001:db8::1", &dst.sin6.sin6_addr);
	else
		dst.sin.sin_addr.s_addr = htonl(0xC0000201);
	routed = o->iface == NULL && dst.sa.sa_family == family &&
	    route_src(&dst, 0, &src) == 0;
	others[0] = '\0';
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != family)
			continue;
		a = (const union addr *)i->ifa_addr;
		if (o->iface != NULL) {
			if (strcmp(i->ifa_name, o->iface) != 0)
				continue;
			rank = 4;
		} else if (!candidate(i, o, family))
			continue;
		else if (routed && family == AF_INET6 &&
		    memcmp(&a->sin6.sin6_addr, &src.sin6.sin6_addr,
		    sizeof(src.sin6.sin6_addr)) == 0)
			rank = 3;
		else if (routed && family == AF_INET &&
		    a->sin.sin_addr.s_addr == src.sin.sin_addr.s_addr)
			rank = 3;
		else if (i->ifa_flags & IFF_RUNNING)
			rank = 2;
		else
			rank = 1;
		/* An interface's own address beats its link-local one. */
		rank = 2 * rank + !(family == AF_INET6 &&
		    IN6_IS_ADDR_LINKLOCAL(&a->sin6.sin6_addr));
		if (rank > best) {
			best = rank;
			pick = i;
		}
		/* The interfaces that could serve, each once. */
		for (j = ifa; j != i; j = j->ifa_next)
			if (j->ifa_addr != NULL &&
			    j->ifa_addr->sa_family == family &&
			    candidate(j, o, family) &&
			    strcmp(j->ifa_name, i->ifa_name) == 0)
				break;
		if (o->iface == NULL && j == i && nif++ < 8) {
			len = strlen(others);
			snprintf(others + len, sizeof(others) - len, "%s%s",
			    len ? ", " : "", i->ifa_name);
		}
	}
	if (pick != NULL) {
		snprintf(n->ifname, sizeof(n->ifname), "%s", pick->ifa_name);
		memset(&n->ifaddr, 0, sizeof(n->ifaddr));
		memcpy(&n->ifaddr, pick->ifa_addr, family == AF_INET6 ?
		    sizeof(n->ifaddr.sin6) : sizeof(n->ifaddr.sin));
		memset(bcast, 0, sizeof(*bcast));
		if (family == AF_INET && (pick->ifa_flags & IFF_BROADCAST) &&
		    pick->ifa_broadaddr != NULL)
			memcpy(bcast, pick->ifa_broadaddr, sizeof(bcast->sin));
		best /= 2;
		snprintf(n->ifwhy, sizeof(n->ifwhy), "%s",
		    best == 4 ? "named with -i" :
		    best == 3 && o->multicast ? "the group's route" :
		    best == 3 && o->unicast ? "the host's route" :
		    best == 3 ? "the default route's" :
		    best == 2 ? "the first up and running" :
		    "the first up, though without a carrier");
		if (nif > 1) {
			len = strlen(n->ifwhy);
			snprintf(n->ifwhy + len, sizeof(n->ifwhy) - len,
			    "; %d could serve: %s%s", nif, others,
			    nif > 8 ? ", ..." : "");
		}
	}
	freeifaddrs(ifa);
	return pick == NULL ? -1 : 0;
}

/* The default block: one datagram fills a 1500-byte MTU. */
unsigned
net_block(const struct net *n, const struct opts *o)
{
	unsigned b;

	if (o->block != 0)
		return o->block;
	b = o->rev == 0 ? DEF_BLOCK : DEF_BLOCK1;
	return n->dst.sa.sa_family == AF_INET6 ? b - IP6_EXTRA : b;
}

/*
 * The family of the run: that of -m or -u; without them IPv4 broadcast,
 * unless no interface has an IPv4 address that can (-i: none at all),
 * then IPv6 and the all-nodes group ff02::1 (IPv6 has no broadcast).
 * Then the interface, in that family; it is an error only where it is
 * needed (-m, the default; -i always).
 */
void
net_server(struct net *n, const struct opts *o)
{
	union addr any, bcast, src;
	int fd, family, found, ifindex;

	memset(n, 0, sizeof(*n));
	n->ufd = -1;
	n->sport = o->port + 1;
	family = o->multicast ? o->group.sa.sa_family :
	    o->unicast ? o->host.sa.sa_family : AF_INET;
	found = find_iface(n, o, family, &bcast) == 0;
	if (!o->multicast && !o->unicast && (!found ||
	    (o->iface == NULL && bcast.sa.sa_family != AF_INET)) &&
	    find_iface(n, o, AF_INET6, &bcast) == 0) {
		family = AF_INET6;
		found = 1;
	}
	if (!found && o->iface != NULL)
		errx(1, "interface %s not found or without an %s address",
		    o->iface, family == AF_INET6 ? "IPv6" : "IP");
	if (!found && !o->unicast)
		errx(1, "no usable network interface found; name one with -i");
	ifindex = found ? (int)if_nametoindex(n->ifname) : 0;

	n->fd = fd = udp_socket(family);
	if (family == AF_INET6)
		set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
	set_bufs(fd);
	memset(&any, 0, sizeof(any));
	any.sa.sa_family = (sa_family_t)family;
	if (family == AF_INET)
		any.sin.sin_addr.s_addr = htonl(INADDR_ANY);

	if (o->multicast)
		n->dst = o->group;
	else if (o->unicast)
		n->dst = o->host;
	else if (family == AF_INET6) {
		n->dst.sin6.sin6_family = AF_INET6;
		inet_pton(AF_INET6, "ff02::1", &n->dst.sin6.sin6_addr);
	} else {
		if (bcast.sa.sa_family != AF_INET)
			errx(1, "interface %s has no broadcast address; "
			    "use -m GROUP", n->ifname);
		n->dst = bcast;
		set_int(fd, SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST");
	}
	if (family == AF_INET6) {
		n->dst.sin6.sin6_port = htons(o->port);
		/* A link-local group or host is on the interface. */
		if (n->dst.sin6.sin6_scope_id == 0 &&
		    (IN6_IS_ADDR_LINKLOCAL(&n->dst.sin6.sin6_addr) ||
		    IN6_IS_ADDR_MC_LINKLOCAL(&n->dst.sin6.sin6_addr) ||
		    IN6_IS_ADDR_MC_NODELOCAL(&n->dst.sin6.sin6_addr)))
			n->dst.sin6.sin6_scope_id = (uint32_t)ifindex;
	} else
		n->dst.sin.sin_port = htons(o->port);
	/*
	 * IPv6 picks a source address per packet, and the pick changes
	 * when an address comes or goes (a link-local one once its
	 * duplicate detection is over): the clients, who know the server
	 * by its address, would lose it.  So it is fixed at the start.
	 */
	if (family == AF_INET6 && route_src(&n->dst, ifindex, &src) == 0) {
		if (IN6_IS_ADDR_LINKLOCAL(&src.sin6.sin6_addr) &&
		    src.sin6.sin6_scope_id == 0)
			src.sin6.sin6_scope_id = (uint32_t)ifindex;
		any = src;
	}
	bind_port(fd, &any, n->sport);
	if (family == AF_INET6 && !o->unicast) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex,
		    sizeof(ifindex)) == -1)
			err(1, "multicast on %s", n->ifname);
		set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 1,
		    "IPV6_MULTICAST_LOOP");
		set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, (int)o->ttl,
		    "IPV6_MULTICAST_HOPS");
	} else if (o->multicast) {
		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF,
		    &n->ifaddr.sin.sin_addr,
		    sizeof(n->ifaddr.sin.sin_addr)) == -1)
			err(1, "multicast on %s", n->ifname);
		set_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 1,
		    "IP_MULTICAST_LOOP");
		set_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, (int)o->ttl,
		    "IP_MULTICAST_TTL");
		/*
		 * Linux's IPv4 multicast router drops a GSO datagram
		 * longer than the next hop's MTU (DF is set) instead of
		 * cutting it into its segments: behind a veth or a
		 * bridge (a container's, a VM's) that its host routes,
		 * only single datagrams would cross (tests/t-ns-routed:
		 * 4 MiB in 32 s, not 0.1).  IPv6's forwards them.
		 */
		if (o->ttl > 1)
			gso_ok = 0;
	}
	n->block = net_block(n, o);
}

/*
 * Join -m's group on the interface: the channel (--source, group) for a
 * source-specific group, else the group from any source.
 */
static void
join(int fd, const struct net *n, const struct opts *o)
{
	struct group_source_req gs;
	struct ipv6_mreq m6;
	struct ip_mreqn mr;
	int v6 = o->group.sa.sa_family == AF_INET6, level, off = 0;

	level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
	if (o->ssm) {
		memset(&gs, 0, sizeof(gs));
		gs.gsr_interface = if_nametoindex(n->ifname);
		memcpy(&gs.gsr_group, &o->group, addrlen(&o->group));
		memcpy(&gs.gsr_source, &o->source, addrlen(&o->source));
		if (setsockopt(fd, level, MCAST_JOIN_SOURCE_GROUP, &gs,
		    sizeof(gs)) == -1)
			err(1, "join channel (%s, %s) on %s",
			    ipstr(&o->source), ipstr(&o->group), n->ifname);
	} else if (v6) {
		memset(&m6, 0, sizeof(m6));
		m6.ipv6mr_multiaddr = o->group.sin6.sin6_addr;
		m6.ipv6mr_interface = if_nametoindex(n->ifname);
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m6,
		    sizeof(m6)) == -1)
			err(1, "join group %s on %s", ipstr(&o->group),
			    n->ifname);
	} else {
		memset(&mr, 0, sizeof(mr));
		mr.imr_multiaddr = o->group.sin.sin_addr;
		mr.imr_address = n->ifaddr.sin.sin_addr;
		mr.imr_ifindex = (int)if_nametoindex(n->ifname);
		if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
		    sizeof(mr)) == -1)
			err(1, "join group %s on %s", ipstr(&o->group),
			    n->ifname);
	}
	/* Only what was joined on this socket, not the host's groups. */
	if (v6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, &off,
		    sizeof(off));
	else
		set_int(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0,
		    "IP_MULTICAST_ALL");
}

/*
 * A client with -m binds the group, in its family.  Without -m it hears
 * broadcast, ff02::1 and unicast of both families on one dual-stack
 * IPv6 socket (IPv4 peers appear mapped, ::ffff:a.b.c.d), or on an
 * IPv4 one where the kernel has no IPv6.  The status socket is of the
 * same family.
 */
void
net_client(struct net *n, const struct opts *o)
{
	union addr any, g;
	int fd, family;

	memset(n, 0, sizeof(*n));
	n->sport = o->port + 1;
	family = o->multicast ? o->group.sa.sa_family : AF_INET;
	if (find_iface(n, o, family, &any) == -1 && (o->multicast ||
	    (o->iface != NULL && find_iface(n, o, AF_INET6, &any) == -1))) {
		if (o->iface != NULL)
			errx(1, "interface %s not found or without an %s "
			    "address", o->iface, !o->multicast ? "IP" :
			    family == AF_INET6 ? "IPv6" : "IPv4");
		errx(1, "no multicast interface found; name one with -i");
	}

	if (!o->multicast && (fd = socket(AF_INET6, SOCK_DGRAM |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) != -1) {
		family = AF_INET6;
		set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY");
	} else
		fd = udp_socket(family);
	n->fd = fd;
	set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
	set_bufs(fd);
	net_gro(fd);
	memset(&any, 0, sizeof(any));
	any.sa.sa_family = (sa_family_t)family;
	if (family == AF_INET)
		any.sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (o->multicast) {
		/* Bound to the group: other groups' traffic stays out. */
		g = o->group;
		if (family == AF_INET6 && g.sin6.sin6_scope_id == 0 &&
		    (IN6_IS_ADDR_MC_LINKLOCAL(&g.sin6.sin6_addr) ||
		    IN6_IS_ADDR_MC_NODELOCAL(&g.sin6.sin6_addr)))
			g.sin6.sin6_scope_id = if_nametoindex(n->ifname);
		bind_port(fd, &g, o->port);
		join(fd, n, o);
	} else
		bind_port(fd, &any, o->port);

	n->ufd = udp_socket(family);
	if (family == AF_INET6 && !o->multicast)
		set_int(n->ufd, IPPROTO_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY");
	bind_port(n->ufd, &any, 0);
}

/*
 * A client's status socket, once it has a server: over IPv6 it is
 * connected to it, which fixes its source address (IPv6 picks one per
 * packet, and picks another when an address comes or is deprecated, a
 * temporary one for instance: the server, which knows the client by
 * its address, would lose it).  Over IPv4 nothing changes.
 */
void
net_pin(int fd, const union addr *to)
{
	if (to->sa.sa_family == AF_INET6 &&
	    !IN6_IS_ADDR_V4MAPPED(&to->sin6.sin6_addr))
		(void)connect(fd, &to->sa, addrlen(to));
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
		if (b->msg[i].msg_hdr.msg_namelen != addrlen(&b->from[i]) ||
		    (b->from[i].sa.sa_family != AF_INET &&
		    b->from[i].sa.sa_family != AF_INET6)) {
			b->len[i] = 0;		/* not IP: nothing */
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
tx_fill(struct txmsgs *t, const union addr *to, const uint8_t *buf,
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
		t->msg[n].msg_hdr.msg_namelen = addrlen(to);
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
 * Returns 1 if it waited for room.
 */
static int
tx_send(int fd, struct txmsgs *t, int n, const union addr *to,
    const uint8_t *buf, size_t *off)
{
	struct pollfd pfd;
	int i, r, waited = 0;

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
			waited = 1;
			continue;
		}
		if (t->msg[i].msg_hdr.msg_control != NULL &&
		    (errno == EIO || errno == EINVAL || errno == EMSGSIZE ||
		    errno == EOPNOTSUPP || errno == ENOPROTOOPT)) {
			/* No GSO here: send the rest one by one. */
			gso_ok = 0;
			*off = (size_t)((const uint8_t *)t->iov[i].iov_base -
			    buf);
			return waited;
		}
		if (errno == EMSGSIZE)
			too_big(fd, to, t->iov[i].iov_len);
		else if (errno != ECONNREFUSED)
			send_warn(to);
		i++;			/* lost, as UDP may */
	}
	return waited;
}

/*
 * Send len bytes of datagrams, each seg bytes but the last, to one
 * address: with UDP GSO a few super-datagrams, else one datagram each.
 * Returns 1 if it had to wait for room in the socket's buffer (the
 * host's port is full), else 0.
 */
int
net_sendsegs(int fd, const union addr *to, const uint8_t *buf,
    size_t len, size_t seg)
{
	static struct txmsgs t;		/* 6 KiB of scratch, kept */
	size_t off = 0;
	int n, waited = 0;

	while (off < len) {
		n = tx_fill(&t, to, buf, len, seg, &off);
		waited |= tx_send(fd, &t, n, to, buf, &off);
	}
	return waited;
}

/*
 * A failing send is said once per kind of failure, not per packet;
 * through report.c, which clears the progress line first.
 */
static void
send_warn(const union addr *to)
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
net_send(int fd, const void *buf, size_t len, const union addr *to)
{
	struct pollfd pfd;
	ssize_t r;

	for (;;) {
		r = sendto(fd, buf, len, 0, &to->sa, addrlen(to));
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
	int v6 = n->dst.sa.sa_family == AF_INET6;
	union addr src;
	struct ifreq ifr;
	socklen_t len;
	int fd, mtu = 0;

	*lo = 0;
	if ((fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC,
	    0)) == -1)
		return 0;
	if (o->unicast) {
		len = sizeof(mtu);
		if (connect(fd, &n->dst.sa, addrlen(&n->dst)) == -1 ||
		    getsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
		    v6 ? IPV6_MTU : IP_MTU, &mtu, &len) == -1)
			mtu = 0;
		len = sizeof(src);
		if (v6 ? IN6_IS_ADDR_LOOPBACK(&n->dst.sin6.sin6_addr) :
		    ntohl(n->dst.sin.sin_addr.s_addr) >> 24 == IN_LOOPBACKNET)
			*lo = 1;
		else if (mtu > 0 && getsockname(fd, &src.sa, &len) == 0) {
			src.sin.sin_port = n->dst.sin.sin_port;
			if (v6)
				src.sin6.sin6_port = n->dst.sin6.sin6_port;
			*lo = sameaddr(&src, &n->dst);
		}
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
net_nofrag(int fd, int family)
{
	if (family == AF_INET6)
		set_int(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO,
		    "IPV6_MTU_DISCOVER");
	else
		set_int(fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO,
		    "IP_MTU_DISCOVER");
}

/* The first datagram refused as too big for its path. */
static struct {
	size_t		 len;		/* its UDP payload; 0: none yet */
	unsigned	 mtu;		/* the path's MTU, 0 if unknown */
	union addr	 to;
} toobig;

/*
 * The MTU of the path from fd to `to`, 0 if unknown: IP_MTU of a socket
 * connected there, through fd's multicast interface.
 */
static unsigned
path_mtu(int fd, const union addr *to)
{
	int v6 = to->sa.sa_family == AF_INET6;
	struct in_addr mif;
	int mif6 = 0;
	socklen_t len;
	int s, one = 1, mtu = 0;

	if ((s = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC,
	    0)) == -1)
		return 0;
	if (v6) {
		len = sizeof(mif6);
		if (getsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &mif6,
		    &len) == 0)
			(void)setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_IF,
			    &mif6, sizeof(mif6));
	} else {
		len = sizeof(mif);
		if (getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mif,
		    &len) == 0 && len == sizeof(mif))
			(void)setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &mif,
			    sizeof(mif));
		(void)setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one,
		    sizeof(one));
	}
	len = sizeof(mtu);
	if (connect(s, &to->sa, addrlen(to)) == -1 ||
	    getsockopt(s, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
	    v6 ? IPV6_MTU : IP_MTU, &mtu, &len) == -1)
		mtu = 0;
	close(s);
	return mtu > 0 ? (unsigned)mtu : 0;
}

/* A send refused with EMSGSIZE: the first is kept for net_toobig. */
static void
too_big(int fd, const union addr *to, size_t len)
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
net_toobig(size_t *len, unsigned *mtu, union addr *to)
{
	if (toobig.len == 0)
		return 0;
	*len = toobig.len;
	*mtu = toobig.mtu;
	*to = toobig.to;
	return 1;
}
