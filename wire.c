/*
 * netpipe: wire.c: one pack and one unpack function per packet type of
 * both protocol revisions.
 *
 * A pack function writes one whole packet at p (the caller's buffer
 * holds it) and returns its length.  An unpack function checks the
 * length and the fields of a received datagram and fills a struct: the
 * protocol logic (rev0.c, rev1.c) reads the struct, never a byte
 * offset.  The layouts are those of netpipe.h and PROTOCOL.txt
 * (sections 2 and 10.3); every multi-byte field is big-endian.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>
#include <string.h>

#include "netpipe.h"

static int	 r0_unpack_stamp(const uint8_t *, size_t, struct r0pkt *);
static int	 r0_unpack_seq_init(const uint8_t *, size_t, struct r0pkt *);
static int	 r0_unpack_cmd(const uint8_t *, size_t, struct r0pkt *);
static int	 r0_unpack_tx(const uint8_t *, size_t, struct r0pkt *);
static int	 r0_unpack_rxerr(const uint8_t *, size_t, struct r0pkt *);
static int	 r0_unpack_error(const uint8_t *, size_t, struct r0pkt *);
static int	 r0_unpack_eot(const uint8_t *, size_t, struct r0pkt *);
static void	 r1_hdr(uint8_t *, uint8_t, uint32_t);
static size_t	 r1_seal(uint8_t *, size_t);
static int	 r1_unpack_ping(const uint8_t *, size_t, struct r1pkt *);
static int	 r1_unpack_pong(const uint8_t *, size_t, struct r1pkt *);
static int	 r1_unpack_small(const uint8_t *, size_t, struct r1pkt *);
static int	 r1_unpack_data(const uint8_t *, size_t, struct r1pkt *);
static int	 r1_unpack_status(const uint8_t *, size_t, struct r1pkt *);
static int	 r1_unpack_eot(const uint8_t *, size_t, struct r1pkt *);
static int	 r1_unpack_done(const uint8_t *, size_t, struct r1pkt *);
static int	 r1_unpack_error(const uint8_t *, size_t, struct r1pkt *);
static int	 r1_unpack_parity(const uint8_t *, size_t, struct r1pkt *);

/* ---- NetPipe Rev. 0 ------------------------------------------------ */

/*
 * CM_PING, CM_PONG: 0:cmd 1:tv_sec 5:tv_usec, 9 bytes.  The server's
 * clock t (µs) as whole seconds and the µs beyond them.
 */
size_t
r0_pack_stamp(uint8_t *p, uint8_t cmd, uint64_t t)
{
	p[0] = cmd;
	put32(p + 1, (uint32_t)(t / SEC));
	put32(p + 5, (uint32_t)(t % SEC));
	return PING_LEN;
}

/* stamp = tv_sec * 10^6 + tv_usec; tv_usec is not range-checked. */
static int
r0_unpack_stamp(const uint8_t *p, size_t n, struct r0pkt *k)
{
	if (n != PING_LEN)
		return -1;
	k->stamp = (uint64_t)get32(p + 1) * SEC + get32(p + 5);
	return 0;
}

/* CM_SEQ_INIT: 0:cmd 1:flags (SF_SINGLE_ACK), 5 bytes. */
size_t
r0_pack_seq_init(uint8_t *p, uint32_t flags)
{
	p[0] = CM_SEQ_INIT;
	put32(p + 1, flags);
	return SEQ_INIT_LEN;
}

static int
r0_unpack_seq_init(const uint8_t *p, size_t n, struct r0pkt *k)
{
	if (n != SEQ_INIT_LEN)
		return -1;
	k->flags = get32(p + 1);
	return 0;
}

/* CM_READY, CM_RXOK, CM_DONE, CM_ACK_PLZ, short CM_EOT: 0:cmd, 1 byte. */
size_t
r0_pack_cmd(uint8_t *p, uint8_t cmd)
{
	p[0] = cmd;
	return CMD_LEN;
}

static int
r0_unpack_cmd(const uint8_t *p, size_t n, struct r0pkt *k)
{
	(void)p;
	(void)k;
	return n == CMD_LEN ? 0 : -1;
}

/*
 * CM_TX: 0:cmd 1:seqnum 5:len 9:data 9+len:crc, 13+len bytes; crc is
 * the CRC-32 of bytes 0 .. 9+len-1.  The data may already be in place
 * at p + TX_HDR (then it is not copied).
 */
size_t
r0_pack_tx(uint8_t *p, uint32_t seq, const uint8_t *data, size_t len)
{
	p[0] = CM_TX;
	put32(p + 1, seq);
	put32(p + 5, (uint32_t)len);
	if (len > 0 && data != p + TX_HDR)
		memcpy(p + TX_HDR, data, len);
	put32(p + TX_HDR + len, np_crc32(p, TX_HDR + len));
	return TX_OVERHEAD + len;
}

/* The length field must match n and the CRC the bytes: else -1. */
static int
r0_unpack_tx(const uint8_t *p, size_t n, struct r0pkt *k)
{
	uint32_t len;

	if (n < TX_OVERHEAD || (len = get32(p + 5)) != n - TX_OVERHEAD)
		return -1;
	if (np_crc32(p, TX_HDR + len) != get32(p + TX_HDR + len))
		return -1;
	k->seq = get32(p + 1);
	k->data = p + TX_HDR;
	k->len = len;
	k->crc = get32(p + TX_HDR + len);
	return 0;
}

/* CM_RXERR: 0:cmd 1:error (RXERR_CRC, RXERR_SEQ), 5 bytes. */
size_t
r0_pack_rxerr(uint8_t *p, uint32_t code)
{
	p[0] = CM_RXERR;
	put32(p + 1, code);
	return RXERR_LEN;
}

static int
r0_unpack_rxerr(const uint8_t *p, size_t n, struct r0pkt *k)
{
	if (n != RXERR_LEN)
		return -1;
	k->code = get32(p + 1);
	return 0;
}

/* CM_ERROR: 0:cmd 1:error (NPE_*) 5:errno, 9 bytes. */
size_t
r0_pack_error(uint8_t *p, uint32_t code, uint32_t eno)
{
	p[0] = CM_ERROR;
	put32(p + 1, code);
	put32(p + 5, eno);
	return ERROR_LEN;
}

static int
r0_unpack_error(const uint8_t *p, size_t n, struct r0pkt *k)
{
	if (n != ERROR_LEN)
		return -1;
	k->code = get32(p + 1);
	k->eno = get32(p + 5);
	return 0;
}

/*
 * CM_EOT: 0:cmd 1:next seqnum, 5 bytes (the form netpipe sends); the
 * 1-byte form without the seqnum, accepted too, is r0_pack_cmd's.
 */
size_t
r0_pack_eot(uint8_t *p, uint32_t seq)
{
	p[0] = CM_EOT;
	put32(p + 1, seq);
	return EOT_SEQ_LEN;
}

static int
r0_unpack_eot(const uint8_t *p, size_t n, struct r0pkt *k)
{
	if (n == CMD_LEN)
		return 0;
	if (n != EOT_SEQ_LEN)
		return -1;
	k->has_seq = 1;
	k->seq = get32(p + 1);
	return 0;
}

/*
 * A Rev. 0 datagram of n bytes into k: 0 if it is a well-formed packet,
 * else -1.  k->cmd is p[0] either way (0 for an empty datagram), so that
 * a caller can tell a damaged CM_TX (answered with CM_RXERR) from junk.
 */
int
r0_unpack(const uint8_t *p, size_t n, struct r0pkt *k)
{
	memset(k, 0, sizeof(*k));
	if (n == 0)
		return -1;
	k->cmd = p[0];
	switch (p[0]) {
	case CM_PING:
	case CM_PONG:
		return r0_unpack_stamp(p, n, k);
	case CM_SEQ_INIT:
		return r0_unpack_seq_init(p, n, k);
	case CM_READY:
	case CM_RXOK:
	case CM_DONE:
	case CM_ACK_PLZ:
		return r0_unpack_cmd(p, n, k);
	case CM_TX:
		return r0_unpack_tx(p, n, k);
	case CM_RXERR:
		return r0_unpack_rxerr(p, n, k);
	case CM_ERROR:
		return r0_unpack_error(p, n, k);
	case CM_EOT:
		return r0_unpack_eot(p, n, k);
	default:
		return -1;
	}
}

/* ---- NetPipe Rev. 1 ------------------------------------------------ */

/* Every Rev. 1 packet begins 0:cmd 1:session ... */
static void
r1_hdr(uint8_t *p, uint8_t cmd, uint32_t session)
{
	p[0] = cmd;
	put32(p + 1, session);
}

/* ... and ends in the CRC-32 of the n bytes before it. */
static size_t
r1_seal(uint8_t *p, size_t n)
{
	put32(p + n, np_crc32(p, n));
	return n + 4;
}

int
r1_intact(const uint8_t *p, size_t n)
{
	return n >= R1_MIN && np_crc32(p, n - 4) == get32(p + n - 4);
}

/*
 * R1_PING: 0:cmd 1:session 5:flags(1) 6:stamp(8) 14:next(8) 22:rtt(4)
 * 26:block(4) 30:window(4) 34:labellen(1) 35:label 35+l:crc,
 * R1_PING_MIN + labellen bytes.  labellen is at most MAX_LABEL (the
 * caller's to see to: R1_PING_MAX bytes hold the packet).
 */
size_t
r1_pack_ping(uint8_t *p, uint32_t session, const struct r1ping *g)
{
	r1_hdr(p, R1_PING, session);
	p[5] = g->flags;
	put64(p + 6, g->stamp);
	put64(p + 14, g->next);
	put32(p + 22, g->rtt);
	put32(p + 26, g->block);
	put32(p + 30, g->window);
	p[34] = g->llen;
	if (g->llen > 0)
		memcpy(p + 35, g->label, g->llen);
	return r1_seal(p, 35 + (size_t)g->llen);
}

/*
 * A label longer than MAX_LABEL makes the packet malformed, whatever
 * its length: no server sends one (-l takes at most MAX_LABEL bytes).
 */
static int
r1_unpack_ping(const uint8_t *p, size_t n, struct r1pkt *k)
{
	struct r1ping *g = &k->u.ping;

	if (n < R1_PING_MIN || p[34] > MAX_LABEL ||
	    n != R1_PING_MIN + (size_t)p[34])
		return -1;
	g->flags = p[5];
	g->stamp = get64(p + 6);
	g->next = get64(p + 14);
	g->rtt = get32(p + 22);
	g->block = get32(p + 26);
	g->window = get32(p + 30);
	g->llen = p[34];
	g->label = p + 35;
	return 0;
}

/* R1_PONG: 0:cmd 1:session 5:stamp(8) 13:crc, 17 bytes. */
size_t
r1_pack_pong(uint8_t *p, uint32_t session, uint64_t stamp)
{
	r1_hdr(p, R1_PONG, session);
	put64(p + 5, stamp);
	return r1_seal(p, 13);
}

/*
 * R1_PONG with flags: 0:cmd 1:session 5:stamp(8) 13:flags(1) 14:crc, 18
 * bytes: a client's answer to an R1_PING with PF_PARITY (PONG_DECODES).
 */
size_t
r1_pack_pong_flags(uint8_t *p, uint32_t session, uint64_t stamp,
    uint8_t flags)
{
	r1_hdr(p, R1_PONG, session);
	put64(p + 5, stamp);
	p[13] = flags;
	return r1_seal(p, 14);
}

/* Either form; the 17-byte one has no flags (0). */
static int
r1_unpack_pong(const uint8_t *p, size_t n, struct r1pkt *k)
{
	if (n != R1_PONG_LEN && n != R1_PONG_FLAGS)
		return -1;
	k->u.pong.stamp = get64(p + 5);
	k->u.pong.flagged = n == R1_PONG_FLAGS;
	k->u.pong.flags = n == R1_PONG_FLAGS ? p[13] : 0;
	return 0;
}

/* R1_INIT, R1_READY, R1_BYE: 0:cmd 1:session 5:crc, 9 bytes. */
size_t
r1_pack_small(uint8_t *p, uint8_t cmd, uint32_t session)
{
	r1_hdr(p, cmd, session);
	return r1_seal(p, 5);
}

static int
r1_unpack_small(const uint8_t *p, size_t n, struct r1pkt *k)
{
	(void)p;
	(void)k;
	return n == R1_MIN ? 0 : -1;
}

/*
 * R1_DATA: 0:cmd 1:session 5:offset(8) 13:data 13+len:crc, 17+len
 * bytes.  crc is the packet's, computed (r1_data_crc) or kept by the
 * caller.  The data may already be in place at p + R1_DATA_HDR (then it
 * is not copied).
 */
size_t
r1_pack_data(uint8_t *p, uint32_t session, uint64_t off,
    const uint8_t *data, size_t len, uint32_t crc)
{
	r1_hdr(p, R1_DATA, session);
	put64(p + 5, off);
	if (len > 0 && data != p + R1_DATA_HDR)
		memcpy(p + R1_DATA_HDR, data, len);
	put32(p + R1_DATA_HDR + len, crc);
	return R1_DATA_HDR + len + 4;
}

/*
 * At least one byte of data; its length is n - 17.  The CRC is NOT
 * checked here: the client checks it where the block lands in its
 * window (r1_data_crc from the CRC of the data it copied, one pass over
 * the bytes), or with r1_intact for a block it does not keep.
 */
static int
r1_unpack_data(const uint8_t *p, size_t n, struct r1pkt *k)
{
	struct r1data *d = &k->u.data;

	if (n <= R1_DATA_HDR + 4)
		return -1;
	d->off = get64(p + 5);
	d->data = p + R1_DATA_HDR;
	d->len = n - R1_DATA_HDR - 4;
	d->crc = get32(p + n - 4);
	return 0;
}

/*
 * R1_DATA's packet CRC from dcrc, the CRC of its len data bytes: the
 * CRC of the 13-byte header joined with dcrc (j->opB when len == j->B).
 */
uint32_t
r1_data_crc(const struct crcjoin *j, uint32_t session, uint64_t off,
    uint32_t dcrc, size_t len)
{
	uint8_t h[R1_DATA_HDR];

	r1_hdr(h, R1_DATA, session);
	put64(h + 5, off);
	return crc_join(j, np_crc32(h, sizeof(h)), dcrc, len);
}

/*
 * R1_STATUS: 0:cmd 1:session 5:ack(8) 13:room(8) 21:received(4)
 * 25:missed(4) 29:nranges(2) 31:{offset(8) len(4)} * nranges, and if
 * aged (to a server that set PF_AGE; STATUS_AGED in the nranges word)
 * newest(8) age(4); then the crc: R1_STATUS_MIN + 12 * nranges (+
 * R1_STATUS_AGE) bytes.  nranges is at most MAX_RANGES (the caller's to
 * see to).
 */
size_t
r1_pack_status(uint8_t *p, uint32_t session, const struct r1status *s)
{
	uint8_t *q = p + 31;
	unsigned i;

	r1_hdr(p, R1_STATUS, session);
	put64(p + 5, s->ack);
	put64(p + 13, s->room);
	put32(p + 21, s->rcvd);
	put32(p + 25, s->missed);
	put16(p + 29, (uint16_t)(s->nranges | (s->aged ? STATUS_AGED : 0)));
	for (i = 0; i < s->nranges; i++, q += 12) {
		put64(q, s->range[i].off);
		put32(q + 8, s->range[i].len);
	}
	if (s->aged) {
		put64(q, s->newest);
		put32(q + 8, s->age);
		q += R1_STATUS_AGE;
	}
	return r1_seal(p, (size_t)(q - p));
}

/* Only the nranges ranges given are filled in. */
static int
r1_unpack_status(const uint8_t *p, size_t n, struct r1pkt *k)
{
	struct r1status *s = &k->u.status;
	const uint8_t *q = p + 31;
	unsigned nr, i;
	int aged;

	if (n < R1_STATUS_MIN)
		return -1;
	nr = get16(p + 29);
	aged = (nr & STATUS_AGED) != 0;
	nr &= ~STATUS_AGED;
	if (nr > MAX_RANGES || n != R1_STATUS_MIN + (size_t)nr * 12 +
	    (aged ? R1_STATUS_AGE : 0))
		return -1;
	s->ack = get64(p + 5);
	s->room = get64(p + 13);
	s->rcvd = get32(p + 21);
	s->missed = get32(p + 25);
	s->nranges = nr;
	for (i = 0; i < nr; i++, q += 12) {
		s->range[i].off = get64(q);
		s->range[i].len = get32(q + 8);
	}
	s->aged = aged;
	s->newest = aged ? get64(q) : 0;
	s->age = aged ? get32(q + 8) : 0;
	return 0;
}

/* R1_EOT: 0:cmd 1:session 5:length(8) 13:streamcrc(4) 17:crc, 21 bytes. */
size_t
r1_pack_eot(uint8_t *p, uint32_t session, const struct r1eot *e)
{
	r1_hdr(p, R1_EOT, session);
	put64(p + 5, e->length);
	put32(p + 13, e->scrc);
	return r1_seal(p, 17);
}

static int
r1_unpack_eot(const uint8_t *p, size_t n, struct r1pkt *k)
{
	if (n != R1_EOT_LEN)
		return -1;
	k->u.eot.length = get64(p + 5);
	k->u.eot.scrc = get32(p + 13);
	return 0;
}

/* R1_DONE: 0:cmd 1:session 5:result(4) (DONE_*) 9:crc, 13 bytes. */
size_t
r1_pack_done(uint8_t *p, uint32_t session, uint32_t result)
{
	r1_hdr(p, R1_DONE, session);
	put32(p + 5, result);
	return r1_seal(p, 9);
}

static int
r1_unpack_done(const uint8_t *p, size_t n, struct r1pkt *k)
{
	if (n != R1_DONE_LEN)
		return -1;
	k->u.result = get32(p + 5);
	return 0;
}

/* R1_ERROR: 0:cmd 1:session 5:error(4) (NPE_*) 9:errno(4) 13:crc, 17. */
size_t
r1_pack_error(uint8_t *p, uint32_t session, uint32_t code, uint32_t eno)
{
	r1_hdr(p, R1_ERROR, session);
	put32(p + 5, code);
	put32(p + 9, eno);
	return r1_seal(p, 13);
}

static int
r1_unpack_error(const uint8_t *p, size_t n, struct r1pkt *k)
{
	if (n != R1_ERROR_LEN)
		return -1;
	k->u.error.code = get32(p + 5);
	k->u.error.eno = get32(p + 9);
	return 0;
}

/*
 * R1_PARITY: 0:cmd 1:session 5:group(4) 9:index(1) 10:parity(len)
 * 10+len:crc, 14+len bytes: parity block k + index of the group (len
 * is the block size B).  The parity may already be in place at
 * p + R1_PARITY_HDR (then it is not copied).
 */
size_t
r1_pack_parity(uint8_t *p, uint32_t session, uint32_t group, uint8_t index,
    const uint8_t *parity, size_t len)
{
	r1_hdr(p, R1_PARITY, session);
	put32(p + 5, group);
	p[9] = index;
	if (len > 0 && parity != p + R1_PARITY_HDR)
		memcpy(p + R1_PARITY_HDR, parity, len);
	return r1_seal(p, R1_PARITY_HDR + len);
}

/*
 * At least one byte of parity; its length is n - 14, which the client
 * checks against its block size, as it checks the index against its
 * group size: neither is known here.
 */
static int
r1_unpack_parity(const uint8_t *p, size_t n, struct r1pkt *k)
{
	struct r1parity *f = &k->u.parity;

	if (n <= R1_PARITY_HDR + 4)
		return -1;
	f->group = get32(p + 5);
	f->index = p[9];
	f->parity = p + R1_PARITY_HDR;
	f->len = n - R1_PARITY_HDR - 4;
	return 0;
}

/*
 * A Rev. 1 datagram of n bytes into k: 0 if it is a well-formed packet,
 * else -1.  Once n >= R1_MIN, k->cmd and k->session are filled in
 * either way; only cmd's part of k->u is written (an R1_STATUS, its
 * nranges ranges), so that this stays cheap for every R1_DATA.  Every
 * packet but R1_DATA must be intact (its CRC seal); R1_DATA's CRC is
 * the caller's to check (r1_unpack_data).
 */
int
r1_unpack(const uint8_t *p, size_t n, struct r1pkt *k)
{
	k->cmd = 0;
	k->session = 0;
	if (n < R1_MIN)
		return -1;
	k->cmd = p[0];
	k->session = get32(p + 1);
	if (p[0] < R1_PING || p[0] > R1_PARITY)
		return -1;		/* no CRC spent on an unknown command */
	if (p[0] == R1_DATA)
		return r1_unpack_data(p, n, k);
	if (!r1_intact(p, n))
		return -1;
	switch (p[0]) {
	case R1_PING:
		return r1_unpack_ping(p, n, k);
	case R1_PONG:
		return r1_unpack_pong(p, n, k);
	case R1_INIT:
	case R1_READY:
	case R1_BYE:
		return r1_unpack_small(p, n, k);
	case R1_STATUS:
		return r1_unpack_status(p, n, k);
	case R1_EOT:
		return r1_unpack_eot(p, n, k);
	case R1_DONE:
		return r1_unpack_done(p, n, k);
	case R1_ERROR:
		return r1_unpack_error(p, n, k);
	case R1_PARITY:
		return r1_unpack_parity(p, n, k);
	default:
		return -1;
	}
}
