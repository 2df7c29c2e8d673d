/*
 * netpipe: tests/fuzz/fakenet.c: net.c's functions, without sockets.
 *
 * The fuzz harness links this in place of net.c.  Nothing is sent or
 * received: net_recvbatch() hands out the one datagram fuzz.c has put
 * in fz.dg, and net_send() and net_sendsegs() check what the role sends
 * (a malformed packet of its own is a bug: fz_bug) and remember the
 * session id and the last ping stamp, which fuzz.c writes into the
 * datagrams it fixes up.  addrstr() and sameaddr() live in
 * netpipe.c, which fuzz.c compiles in.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "../../netpipe.h"
#include "fuzz.h"

static void	 sent(const uint8_t *, size_t);
static void	 sent0(const uint8_t *, size_t);
static void	 sent1(const uint8_t *, size_t);

void
fz_net_reset(void)
{
	fz.session = 0;
	fz.session_known = 0;
	fz.stamp_known = 0;
	fz.sent = 0;
}

void
net_server(struct net *n, const struct opts *o)
{
	memset(n, 0, sizeof(*n));
	n->fd = FZ_FD;
	n->ufd = -1;
	n->sport = o->port + 1;
	snprintf(n->ifname, sizeof(n->ifname), "fz0");
	n->ifwhy = "the fuzz harness's";
	inet_pton(AF_INET, "10.0.0.1", &n->ifaddr);
	n->dst.sin_family = AF_INET;
	n->dst.sin_port = htons(o->port);
	n->dst.sin_addr = o->group;
}

void
net_client(struct net *n, const struct opts *o)
{
	memset(n, 0, sizeof(*n));
	n->fd = FZ_FD;
	n->ufd = FZ_UFD;
	n->sport = o->port + 1;
	snprintf(n->ifname, sizeof(n->ifname), "fz0");
	n->ifwhy = "the fuzz harness's";
	inet_pton(AF_INET, "10.0.0.2", &n->ifaddr);
}

int
net_recvbatch(int fd, struct rxbatch *b)
{
	if (fz.dg == NULL || fd != fz.dgfd)
		return 0;
	b->iov[0].iov_base = fz.dg;
	b->iov[0].iov_len = fz.dglen;
	b->len[0] = fz.dglen;
	b->seg[0] = fz.dgseg;
	b->from[0] = fz.dgfrom;
	fz.dgfd = -1;		/* once; fuzz.c frees fz.dg later */
	return 1;
}

void
net_gro(int fd)
{
	(void)fd;
}

void
net_sendsegs(int fd, const struct sockaddr_in *to, const uint8_t *buf,
    size_t len, size_t seg)
{
	size_t off, k;

	(void)to;
	if (fd != FZ_FD || seg == 0)
		fz_bug("net_sendsegs: fd %d, segment size %zu", fd, seg);
	for (off = 0; off < len; off += k) {
		k = len - off < seg ? len - off : seg;
		sent(buf + off, k);
	}
}

void
net_send(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	(void)to;
	if (fd != FZ_FD && fd != FZ_UFD)
		fz_bug("net_send on fd %d", fd);
	sent(buf, len);
}

/* One datagram the role sends: well formed, or a bug. */
static void
sent(const uint8_t *p, size_t n)
{
	fz.sent++;
	if (n == 0 || n > 65507)
		fz_bug("sent a datagram of %zu bytes", n);
	if (fz.rev == 0)
		sent0(p, n);
	else
		sent1(p, n);
}

static void
sent0(const uint8_t *p, size_t n)
{
	size_t want;

	switch (p[0]) {
	case CM_PING:
	case CM_PONG:
		want = PING_LEN;
		if (p[0] == CM_PING && fz.server) {
			memcpy(fz.stamp, p + 1, 8);
			fz.stamp_known = 1;
		}
		break;
	case CM_SEQ_INIT:
		want = SEQ_INIT_LEN;
		break;
	case CM_RXERR:
		want = RXERR_LEN;
		break;
	case CM_READY:
	case CM_RXOK:
	case CM_DONE:
	case CM_ACK_PLZ:
		want = CMD_LEN;
		break;
	case CM_ERROR:
		want = ERROR_LEN;
		break;
	case CM_EOT:
		want = n == CMD_LEN ? CMD_LEN : EOT_SEQ_LEN;
		break;
	case CM_TX:
		if (n < TX_OVERHEAD || n - TX_OVERHEAD > MAX_BLOCK ||
		    get32(p + 5) != n - TX_OVERHEAD ||
		    np_crc32(p, n - 4) != get32(p + n - 4))
			fz_bug("sent a bad CM_TX of %zu bytes", n);
		return;
	default:
		fz_bug("sent Rev. 0 command byte 0x%02x", p[0]);
	}
	if (n != want)
		fz_bug("sent Rev. 0 command 0x%02x in %zu bytes, not %zu",
		    p[0], n, want);
}

static void
sent1(const uint8_t *p, size_t n)
{
	if (n < R1_MIN || p[0] < R1_PING || p[0] > R1_BYE)
		fz_bug("sent a Rev. 1 packet 0x%02x of %zu bytes", p[0], n);
	if (np_crc32(p, n - 4) != get32(p + n - 4))
		fz_bug("sent Rev. 1 command 0x%02x with a bad CRC", p[0]);
	if (fz.session_known && get32(p + 1) != fz.session)
		fz_bug("sent session %08x, earlier %08x", get32(p + 1),
		    fz.session);
	fz.session = get32(p + 1);
	fz.session_known = 1;
	if (p[0] == R1_PING && fz.server && n >= R1_PING_MIN) {
		memcpy(fz.stamp, p + 6, 8);
		fz.stamp_known = 1;
	}
}
