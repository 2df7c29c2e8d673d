/*
 * netpipe: copy one stream onto many machines over UDP.
 * netpipe.h: wire constants, shared types and prototypes.
 *
 * Copyright (C) 1999 Jan Oberlaender (the NetPipe Rev. 0 design)
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef NETPIPE_H
#define NETPIPE_H

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <netinet/in.h>

#include <net/if.h>
#include <stdint.h>

#define NP_VERSION	"0.1"

/* Defaults and limits of the command line. */
#define DEF_PORT	9000		/* data port; status port is +1 */
#define DEF_TIMEOUT	5		/* seconds */
#define DEF_BLOCK	1459		/* Rev. 0: 1500 - 20 IP - 8 UDP - 13 */
#define MAX_BLOCK	65494		/* 65507 (largest UDP payload) - 13 */
#define DEF_BLOCK1	1455		/* Rev. 1: 1500 - 20 IP - 8 UDP - 17 */
#define MAX_BLOCK1	65490		/* 65507 - 17 */
#define DEF_WINDOW	(16 * 1024 * 1024)	/* Rev. 1 window, bytes */
#define MIN_WINDOW	(64 * 1024)
#define MAX_WINDOW	(256 * 1024 * 1024)	/* a client allocates no more */
#define MAX_WBLOCKS	(1024 * 1024)	/* blocks in a window: 17 B each */
#define MAX_LABEL	64
#define MAX_CLIENTS	4096
#define MAX_DGRAM	65536		/* receive buffer for one datagram */

/*
 * NetPipe Rev. 0 command bytes.  Every dword on the wire is a 32-bit
 * unsigned integer in network byte order.  Layouts (offset: field):
 *
 *   CM_PING     0:cmd 1:tv_sec 5:tv_usec              9 bytes  server
 *   CM_PONG     0:cmd 1:tv_sec 5:tv_usec              9 bytes  client
 *   CM_SEQ_INIT 0:cmd 1:flags                         5 bytes  server
 *   CM_READY    0:cmd                                 1 byte   client
 *   CM_TX       0:cmd 1:seqnum 5:len 9:data 9+len:crc 13+len   server
 *   CM_RXOK     0:cmd                                 1 byte   client
 *   CM_RXERR    0:cmd 1:error                         5 bytes  client
 *   CM_ERROR    0:cmd 1:error 5:errno                 9 bytes  both
 *   CM_EOT      0:cmd [1:next seqnum]                 1 or 5   server
 *   CM_DONE     0:cmd                                 1 byte   client
 *   CM_ACK_PLZ  0:cmd                                 1 byte   server
 *
 * CM_TX's crc is zlib's crc32() over bytes 0 .. 9+len-1.
 */
enum {
	CM_PING		= 0x01,
	CM_PONG		= 0x02,
	CM_SEQ_INIT	= 0x03,
	CM_READY	= 0x04,
	CM_TX		= 0x05,
	CM_RXOK		= 0x06,
	CM_RXERR	= 0x07,
	CM_ERROR	= 0x08,
	CM_EOT		= 0x09,
	CM_DONE		= 0x0A,
	CM_ACK_PLZ	= 0x0B
};

#define PING_LEN	9
#define SEQ_INIT_LEN	5
#define CMD_LEN		1		/* READY, RXOK, DONE, ACK_PLZ, EOT */
#define EOT_SEQ_LEN	5
#define RXERR_LEN	5
#define ERROR_LEN	9
#define TX_HDR		9		/* cmd, seqnum, len */
#define TX_OVERHEAD	13		/* TX_HDR + crc */

#define SF_SINGLE_ACK	0x00000001	/* CM_SEQ_INIT flags */

#define RXERR_CRC	1		/* CM_RXERR: CRC error, resend */
#define RXERR_SEQ	2		/* CM_RXERR: sequence error, fatal */

#define ERR_ABORT	1		/* CM_ERROR: user abort */
#define ERR_INTERNAL	2		/* CM_ERROR: internal error, see errno */
#define ERR_REFUSED	3		/* CM_ERROR: server: not admitted */
#define ERR_DROPPED	4		/* CM_ERROR: server: you were dropped */

/*
 * NetPipe Rev. 1 command bytes.  Every packet starts with cmd and the
 * session id and ends with the CRC-32 of all bytes before it:
 *
 *   R1_PING   0:cmd 1:session 5:flags(1) 6:stamp(8) 14:next(8) 22:rtt(4)
 *             26:block(4) 30:window(4) 34:labellen(1) 35:label 35+l:crc
 *   R1_PONG   0:cmd 1:session 5:stamp(8) 13:crc                   17
 *   R1_INIT, R1_READY, R1_BYE   0:cmd 1:session 5:crc             9
 *   R1_DATA   0:cmd 1:session 5:offset(8) 13:data 13+len:crc      17+len
 *   R1_STATUS 0:cmd 1:session 5:ack(8) 13:room(8) 21:received(4)
 *             25:missed(4) 29:nranges(2) 31:{offset(8) len(4)}... crc
 *   R1_EOT    0:cmd 1:session 5:length(8) 13:streamcrc(4) 17:crc  21
 *   R1_DONE   0:cmd 1:session 5:result(4) 9:crc                   13
 *   R1_ERROR  0:cmd 1:session 5:error(4) 9:errno(4) 13:crc        17
 */
enum {
	R1_PING		= 0x0C,
	R1_PONG		= 0x0D,
	R1_INIT		= 0x0E,
	R1_READY	= 0x0F,
	R1_DATA		= 0x10,
	R1_STATUS	= 0x11,
	R1_EOT		= 0x12,
	R1_DONE		= 0x13,
	R1_ERROR	= 0x14,
	R1_BYE		= 0x15
};

#define R1_MIN		9		/* cmd, session, crc */
#define R1_PING_MIN	39		/* without the label */
#define R1_PING_MAX	(R1_PING_MIN + MAX_LABEL)
#define R1_PONG_LEN	17
#define R1_DATA_HDR	13
#define R1_STATUS_MIN	35		/* without ranges */
#define R1_EOT_LEN	21
#define R1_DONE_LEN	13
#define R1_ERROR_LEN	17

#define R1E_ABORT	1		/* R1_ERROR codes */
#define R1E_INTERNAL	2
#define R1E_REFUSED	3
#define R1E_DROPPED	4

/* Big-endian field access: never a struct on the wire. */
static inline void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static inline uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

#define SEC		1000000ULL	/* µs, the unit of every clock here */

static inline uint64_t
secs(unsigned s)
{
	return s * SEC;
}

/* What the command line asked for. */
struct opts {
	int		 server;	/* 1 server, 0 client */
	int		 rev;		/* protocol revision, 0 or 1 */
	unsigned	 nclients;	/* -n */
	unsigned	 wait;		/* -w seconds, 0: wait for all */
	int		 single_ack;	/* -1 */
	unsigned	 port;		/* -p data port */
	const char	*iface;		/* -i */
	int		 multicast;	/* -m given */
	struct in_addr	 group;
	int		 unicast;	/* -u given */
	struct in_addr	 host;
	unsigned	 timeout;	/* -t seconds */
	unsigned	 block;		/* -b */
	uint32_t	 first_seq;	/* --first-seq */
	unsigned long long rate;	/* -r bit/s, 0: adapt freely */
	const char	*label;		/* -l */
	unsigned	 ttl;		/* --ttl */
	size_t		 window;	/* Rev. 1 window bytes */
	int		 verbose;	/* -1 quiet, 0 normal, 1 verbose */
	int		 progress;	/* -P */
	const char	*stats;		/* --stats file */
};

/* The sockets and addresses of one run (net.c). */
struct net {
	int		 fd;		/* server: status port; client: data port */
	int		 ufd;		/* client: unicast status socket; else -1 */
	struct sockaddr_in dst;		/* server: group, broadcast or host */
	struct in_addr	 ifaddr;	/* the interface's address */
	char		 ifname[IF_NAMESIZE];
	const char	*ifwhy;		/* how the interface was chosen */
	unsigned	 sport;		/* the status port, host order */
};

/* A batch of received datagrams (net.c). */
#define RX_BATCH	16
struct rxbatch {
	struct mmsghdr	 msg[RX_BATCH];
	struct iovec	 iov[RX_BATCH];
	struct sockaddr_in from[RX_BATCH];
	union {
		struct cmsghdr	 align;
		uint8_t		 buf[64];
	}		 ctl[RX_BATCH];
	size_t		 len[RX_BATCH];	/* bytes received */
	size_t		 seg[RX_BATCH];	/* GRO segment size, else len */
	uint8_t		*buf;		/* RX_BATCH * MAX_DGRAM */
};

/* One run: options, transport and the counters every role keeps. */
struct np {
	const struct opts *o;
	struct net	 net;
	int		 done;		/* the role has finished */
	int		 status;	/* exit status once done */
	uint64_t	 start;		/* µs, monotonic */
	uint64_t	 began;		/* µs: seek phase over; 0 not yet */
	uint64_t	 ended;		/* µs: a client has the whole stream */
	uint64_t	 bytes;		/* stream bytes read or written */
	uint64_t	 junk;		/* datagrams ignored as malformed */
	uint64_t	 foreign;	/* datagrams from a stranger */
};

/* A peer's round trip and repeat time, in µs (RFC 6298's estimator). */
struct rtt {
	uint64_t	 srtt, rttvar, rto;
};

/*
 * What a role reports to the progress line, the summary and --stats:
 * its counters, and each peer (a server's clients, a client's server).
 */
struct tally {
	uint64_t	 bytes;		/* server: confirmed by all;
					   client: written */
	uint64_t	 blocks;	/* server: data blocks sent */
	uint64_t	 repeats;	/* server: sent again */
	unsigned	 npeers;	/* admitted clients (client: 1 once
					   it has found a server) */
	unsigned	 nalive;	/* of them still in the transfer */
};

enum { PEER_ACTIVE, PEER_DONE, PEER_DROPPED };

struct peer {
	struct sockaddr_in addr;
	uint64_t	 bytes;		/* confirmed (client: written) */
	uint64_t	 rtt;		/* smoothed round trip, µs */
	int		 result;	/* PEER_* */
	const char	*why;		/* PEER_DROPPED: why */
};

/*
 * A role (server or client of one protocol revision) plugs into the
 * single event loop in netpipe.c through these hooks.
 */
struct role {
	void	 (*packet)(struct np *, int, const uint8_t *, size_t,
		    const struct sockaddr_in *);
	void	 (*timer)(struct np *, uint64_t);
	uint64_t (*deadline)(struct np *);
	int	 (*want_input)(struct np *);
	void	 (*input)(struct np *);
	void	 (*interrupt)(struct np *, int);
	void	 (*tally)(struct np *, struct tally *);
	void	 (*peer)(struct np *, unsigned, struct peer *);
};

/* netpipe.c */
uint64_t	 now_us(void);
void		 info(const struct np *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 debug(const struct np *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 np_warnx(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
int		 out_write(const void *, size_t);
int		 out_direct(const void *, size_t);
int		 out_flush(void);
void		 np_fail(struct np *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 rtt_sample(struct rtt *, uint64_t, uint64_t, uint64_t);
int		 out_close(void);

/* net.c */
void		 net_server(struct net *, const struct opts *);
void		 net_client(struct net *, const struct opts *);
int		 net_recvbatch(int, struct rxbatch *);
void		 net_gro(int);
void		 net_sendsegs(int, const struct sockaddr_in *, const uint8_t *,
		    size_t, size_t);
void		 net_send(int, const void *, size_t, const struct sockaddr_in *);
const char	*addrstr(const struct sockaddr_in *);
int		 sameaddr(const struct sockaddr_in *, const struct sockaddr_in *);

/* crc32.c */
uint32_t	 np_crc32(const uint8_t *, size_t);

/* rev0.c */
extern const struct role rev0_server, rev0_client;
void		 rev0_init(struct np *);

/* rev1.c */
extern const struct role rev1_server, rev1_client;
void		 rev1_init(struct np *);

#endif /* NETPIPE_H */
