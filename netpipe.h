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

#include <sys/types.h>

#include <netinet/in.h>

#include <net/if.h>
#include <stdint.h>

#define NP_VERSION	"0.1"

/* Defaults and limits of the command line. */
#define DEF_PORT	9000		/* data port; status port is +1 */
#define DEF_TIMEOUT	5		/* seconds */
#define DEF_BLOCK	1459		/* 1500 - 20 IP - 8 UDP - TX_OVERHEAD */
#define MAX_BLOCK	65494		/* 65507 (largest UDP payload) - 13 */
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

/* What the command line asked for. */
struct opts {
	int		 server;	/* 1 server, 0 client */
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
	int		 verbose;	/* -1 quiet, 0 normal, 1 verbose */
};

/* The sockets and addresses of one run (net.c). */
struct net {
	int		 fd;		/* server: status port; client: data port */
	int		 ufd;		/* client: unicast status socket; else -1 */
	struct sockaddr_in dst;		/* server: group, broadcast or host */
	struct in_addr	 ifaddr;	/* the interface's address */
	char		 ifname[IF_NAMESIZE];
	unsigned	 sport;		/* the status port, host order */
};

/* One run: options, transport and the counters every role keeps. */
struct np {
	const struct opts *o;
	struct net	 net;
	int		 done;		/* the role has finished */
	int		 status;	/* exit status once done */
	uint64_t	 start;		/* µs, monotonic */
	uint64_t	 bytes;		/* stream bytes read or written */
	uint64_t	 junk;		/* datagrams ignored as malformed */
	uint64_t	 foreign;	/* datagrams from a stranger */
	void		*proto;		/* the protocol's own state */
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
};

/* netpipe.c */
uint64_t	 now_us(void);
void		 info(const struct np *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 debug(const struct np *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int		 out_write(const void *, size_t);
int		 out_close(void);

/* net.c */
void		 net_server(struct net *, const struct opts *);
void		 net_client(struct net *, const struct opts *);
ssize_t		 net_recv(int, uint8_t *, size_t, struct sockaddr_in *);
void		 net_send(int, const void *, size_t, const struct sockaddr_in *);
const char	*addrstr(const struct sockaddr_in *);
int		 sameaddr(const struct sockaddr_in *, const struct sockaddr_in *);

/* crc32.c */
uint32_t	 np_crc32(const uint8_t *, size_t);

/* rev0.c */
extern const struct role rev0_server, rev0_client;
void		 rev0_init(struct np *);

#endif /* NETPIPE_H */
