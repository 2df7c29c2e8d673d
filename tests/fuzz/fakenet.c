/*
 * netpipe: tests/fuzz/fakenet.c: the harness's network, in memory.
 *
 * No sockets.  fz_send() and fz_sendsegs() are the io's send and
 * sendsegs: every datagram the role sends must be one that wire.c's
 * unpacker takes, of a command its side sends, in its session, to its
 * group or to an address it has had a datagram from; anything else is a
 * bug (fz_bug).  They
 * remember the session id and a server's last ping stamp, which
 * fz_fixup() writes into the datagrams the input asks to have fixed up,
 * with the codec's pack functions; a fixed-up Rev. 1 packet is also
 * packed again from what the unpacker made of it, and must come out the
 * same bytes.
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

#define NSERVERS	4		/* sources a client sees */
#define NCLIENTS	6		/* sources a server sees */
#define MAX_UDP		65507		/* the largest UDP payload */

static int	 known(const struct fz *, const union addr *);
static void	 sent(struct fz *, const uint8_t *, size_t);
static void	 sent0(struct fz *, const uint8_t *, size_t);
static void	 sent1(struct fz *, const uint8_t *, size_t);
static size_t	 r1_repack(uint8_t *, const struct r1pkt *);
static void	 fixup0(const struct fz *, uint8_t *, size_t);
static void	 fixup1(const struct fz *, uint8_t *, size_t);

/* What each side of each revision sends: 1 for a command byte. */
static const uint8_t r0_server_cmds[256] = {
	[CM_PING] = 1, [CM_SEQ_INIT] = 1, [CM_TX] = 1, [CM_ERROR] = 1,
	[CM_EOT] = 1, [CM_ACK_PLZ] = 1
};
static const uint8_t r0_client_cmds[256] = {
	[CM_PONG] = 1, [CM_READY] = 1, [CM_RXOK] = 1, [CM_RXERR] = 1,
	[CM_ERROR] = 1, [CM_DONE] = 1
};
static const uint8_t r1_server_cmds[256] = {
	[R1_PING] = 1, [R1_INIT] = 1, [R1_DATA] = 1, [R1_EOT] = 1,
	[R1_ERROR] = 1, [R1_BYE] = 1, [R1_PARITY] = 1
};
static const uint8_t r1_client_cmds[256] = {
	[R1_PONG] = 1, [R1_READY] = 1, [R1_STATUS] = 1, [R1_DONE] = 1,
	[R1_ERROR] = 1
};

/*
 * The source of a datagram: a server hears client src % 6
 * (10.0.0.10+k:50000+k); a client hears src % 4: 0 the server
 * (10.0.0.1, the status port), 1 the same host from another port, 2
 * another host from the status port, 3 another host and port.  Returns
 * which of them, for fz.heard.
 */
unsigned
fz_addr(const struct fz *f, unsigned src, union addr *a)
{
	memset(a, 0, sizeof(*a));
	a->sin.sin_family = AF_INET;
	if (f->server) {
		src %= NCLIENTS;
		a->sin.sin_addr.s_addr = htonl(0x0a00000a + src);
		a->sin.sin_port = htons(50000 + src);
	} else {
		src %= NSERVERS;
		a->sin.sin_addr.s_addr = htonl(src & 2 ? 0x0a000042 :
		    0x0a000001);
		a->sin.sin_port = htons(src & 1 ? 40000 : DEF_PORT + 1);
	}
	return src;
}

/* A role sends to its group or to a peer it has heard, no other. */
static int
known(const struct fz *f, const union addr *to)
{
	union addr a;
	unsigned i, n = f->server ? NCLIENTS : NSERVERS;

	if (to == NULL || to->sin.sin_family != AF_INET)
		return 0;
	if (f->server && sameaddr(to, &f->dst))
		return 1;
	for (i = 0; i < n; i++) {
		fz_addr(f, i, &a);
		if ((f->heard & 1u << i) && sameaddr(to, &a))
			return 1;
	}
	return 0;
}

/* The io's send: one datagram. */
void
fz_send(void *ctx, const void *buf, size_t len, const union addr *to)
{
	static uint8_t q[MAX_DGRAM];
	struct fz *f = ctx;

	if (!known(f, to))
		fz_bug("sent %zu bytes to %s, never heard from", len,
		    to != NULL ? addrstr(to) : "NULL");
	if (f->keyed)
		sent(f, q, fz_unseal(f, buf, len, to, q));
	else
		sent(f, buf, len);
}

/* The io's sendsegs: a train of datagrams of seg bytes each; never
   waits. */
int
fz_sendsegs(void *ctx, const union addr *to, const uint8_t *buf,
    size_t len, size_t seg)
{
	static uint8_t q[MAX_DGRAM];
	struct fz *f = ctx;
	size_t off, k;

	if (seg == 0 || seg > MAX_UDP)
		fz_bug("sendsegs: segment size %zu", seg);
	if (!known(f, to))
		fz_bug("sent a train of %zu bytes to %s, never heard from",
		    len, to != NULL ? addrstr(to) : "NULL");
	for (off = 0; off < len; off += k) {
		k = len - off < seg ? len - off : seg;
		if (f->keyed)
			sent(f, q, fz_unseal(f, buf + off, k, to, q));
		else
			sent(f, buf + off, k);
	}
	return 0;
}

/* One datagram the role sends: well formed, or a bug. */
static void
sent(struct fz *f, const uint8_t *p, size_t n)
{
	f->sent++;
	if (n == 0 || n > MAX_UDP)
		fz_bug("sent a datagram of %zu bytes", n);
	if (f->rev == 0)
		sent0(f, p, n);
	else
		sent1(f, p, n);
}

static void
sent0(struct fz *f, const uint8_t *p, size_t n)
{
	const uint8_t *cmds = f->server ? r0_server_cmds : r0_client_cmds;
	struct r0pkt k;

	if (r0_unpack(p, n, &k) == -1)
		fz_bug("sent a malformed Rev. 0 packet: command 0x%02x, "
		    "%zu bytes", p[0], n);
	if (!cmds[k.cmd])
		fz_bug("a Rev. 0 %s sent command 0x%02x",
		    f->server ? "server" : "client", k.cmd);
	if (k.cmd == CM_PING) {
		f->stamp = k.stamp;
		f->stamp_known = 1;
	}
}

static void
sent1(struct fz *f, const uint8_t *p, size_t n)
{
	const uint8_t *cmds = f->server ? r1_server_cmds : r1_client_cmds;
	struct r1pkt k;

	/* r1_unpack leaves R1_DATA's CRC to the caller: r1_intact. */
	if (r1_unpack(p, n, &k) == -1 || !r1_intact(p, n))
		fz_bug("sent a malformed Rev. 1 packet: command 0x%02x, "
		    "%zu bytes", p[0], n);
	if (!cmds[k.cmd])
		fz_bug("a Rev. 1 %s sent command 0x%02x",
		    f->server ? "server" : "client", k.cmd);
	if (f->session_known && k.session != f->session)
		fz_bug("sent session %08x, earlier %08x", k.session,
		    f->session);
	f->session = k.session;
	f->session_known = 1;
	if (k.cmd == R1_PING) {
		f->stamp = k.u.ping.stamp;
		f->stamp_known = 1;
	}
}

/* A Rev. 1 packet packed again from its unpacked fields, at q. */
static size_t
r1_repack(uint8_t *q, const struct r1pkt *k)
{
	switch (k->cmd) {
	case R1_PING:
		return r1_pack_ping(q, k->session, &k->u.ping);
	case R1_PONG:
		if (k->u.pong.flagged)
			return r1_pack_pong_flags(q, k->session,
			    k->u.pong.stamp, k->u.pong.flags);
		return r1_pack_pong(q, k->session, k->u.pong.stamp);
	case R1_DATA:
		return r1_pack_data(q, k->session, k->u.data.off,
		    k->u.data.data, k->u.data.len, k->u.data.crc);
	case R1_STATUS:
		return r1_pack_status(q, k->session, &k->u.status);
	case R1_EOT:
		return r1_pack_eot(q, k->session, &k->u.eot);
	case R1_DONE:
		return r1_pack_done(q, k->session, k->u.result);
	case R1_ERROR:
		return r1_pack_error(q, k->session, k->u.error.code,
		    k->u.error.eno);
	case R1_PARITY:
		return r1_pack_parity(q, k->session, k->u.parity.group,
		    k->u.parity.index, k->u.parity.parity, k->u.parity.len);
	default:
		return r1_pack_small(q, k->cmd, k->session);
	}
}

/* Make a datagram pass the checks of its receiver: README, fuzz.c. */
void
fz_fixup(const struct fz *f, uint8_t *p, size_t n)
{
	if (f->rev == 0)
		fixup0(f, p, n);
	else
		fixup1(f, p, n);
}

/* Rev. 0: CM_TX's length field and CRC; CM_PONG's stamp. */
static void
fixup0(const struct fz *f, uint8_t *p, size_t n)
{
	struct r0pkt k;

	if (n >= TX_OVERHEAD && p[0] == CM_TX) {
		/* Its sequence number follows the command byte. */
		r0_pack_tx(p, get32(p + CMD_LEN), p + TX_HDR,
		    n - TX_OVERHEAD);
		return;
	}
	if (f->stamp_known && r0_unpack(p, n, &k) == 0 && k.cmd == CM_PONG)
		r0_pack_stamp(p, CM_PONG, f->stamp);
}

/*
 * Rev. 1: the frame first, which no unpacker gets past without: the
 * session id that follows the command byte (the role's, once it has
 * sent one) and the CRC-32 of all bytes before the last four.  Then,
 * if the codec takes the packet, it must pack the same bytes again;
 * and an R1_PONG echoes the server's last ping stamp.
 */
static void
fixup1(const struct fz *f, uint8_t *p, size_t n)
{
	static uint8_t q[MAX_DGRAM];
	struct r1pkt k;
	size_t m;

	if (n < R1_MIN)
		return;
	if (f->session_known)
		put32(p + CMD_LEN, f->session);
	put32(p + n - 4, np_crc32(p, n - 4));
	if (r1_unpack(p, n, &k) == -1)
		return;
	if ((m = r1_repack(q, &k)) != n || memcmp(p, q, n) != 0)
		fz_bug("wire.c: command 0x%02x of %zu bytes unpacked and "
		    "packed again is %zu bytes%s", k.cmd, n, m,
		    m == n ? ", not the same" : "");
	if (k.cmd == R1_PONG && f->stamp_known && k.u.pong.flagged)
		r1_pack_pong_flags(p, k.session, f->stamp, k.u.pong.flags);
	else if (k.cmd == R1_PONG && f->stamp_known)
		r1_pack_pong(p, k.session, f->stamp);
}
