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
#define IP6_EXTRA	20		/* IPv6's header is 40 bytes, not 20 */
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

/* CM_ERROR's codes are NPE_*, below: R1_ERROR has the same. */

/*
 * NetPipe Rev. 1 command bytes.  Every packet starts with cmd and the
 * session id and ends with the CRC-32 of all bytes before it:
 *
 *   R1_PING   0:cmd 1:session 5:flags(1) 6:stamp(8) 14:next(8) 22:rtt(4)
 *             26:block(4) 30:window(4) 34:labellen(1) 35:label 35+l:crc
 *   R1_PONG   0:cmd 1:session 5:stamp(8) 13:crc                   17
 *             or 0:cmd 1:session 5:stamp(8) 13:flags(1) 14:crc    18
 *   R1_INIT, R1_READY, R1_BYE   0:cmd 1:session 5:crc             9
 *   R1_DATA   0:cmd 1:session 5:offset(8) 13:data 13+len:crc      17+len
 *   R1_STATUS 0:cmd 1:session 5:ack(8) 13:room(8) 21:received(4)
 *             25:missed(4) 29:nranges(2) 31:{offset(8) len(4)}...
 *             [newest(8) age(4): STATUS_AGED, to PF_AGE's server] crc
 *   R1_EOT    0:cmd 1:session 5:length(8) 13:streamcrc(4) 17:crc  21
 *   R1_DONE   0:cmd 1:session 5:result(4) 9:crc                   13
 *   R1_ERROR  0:cmd 1:session 5:error(4) 9:errno(4) 13:crc        17
 *   R1_PARITY 0:cmd 1:session 5:group(4) 9:index(1) 10:parity(B)
 *             10+B:crc                                            14+B
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
	R1_BYE		= 0x15,
	R1_PARITY	= 0x16
};

#define R1_MIN		9		/* cmd, session, crc */
#define R1_PING_MIN	39		/* without the label */
#define R1_PING_MAX	(R1_PING_MIN + MAX_LABEL)
#define R1_PONG_LEN	17
#define R1_PONG_FLAGS	18		/* with the flags byte */
#define R1_DATA_HDR	13
#define R1_STATUS_MIN	35		/* without ranges */
#define R1_STATUS_AGE	12		/* newest(8) age(4): PF_AGE */
#define STATUS_AGED	0x8000		/* in nranges: newest, age follow */
#define R1_EOT_LEN	21
#define R1_DONE_LEN	13
#define R1_ERROR_LEN	17
#define R1_PARITY_HDR	10		/* cmd, session, group, index */

#define MAX_RANGES	96		/* NAK ranges in one R1_STATUS */
#define PF_SEEK		0x01		/* R1_PING flags: seek phase */
#define PF_QUIET	0x04		/* a large room: report less (10.3.6) */
#define QUIET_ROOM	100		/* clients above which it is */
#define PF_PARITY	0x02		/* ... parity, groups of GROUP_OLD */
#define PF_AGE		0x08		/* ... the server reads R1_STATUS's age */
#define PF_WIDE		0x10		/* ... parity, groups of GROUP_MAX */
#define PONG_DECODES	0x01		/* R1_PONG flags: the client decodes */
#define GROUP_MAX	192		/* data blocks in a parity group */
#define GROUP_OLD	128		/* ... with PF_PARITY (older peers) */
#define FEC_MAX		64		/* --fec: parity blocks a group */
#define DONE_OK		0		/* R1_DONE results */
#define DONE_BADCRC	1

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

/*
 * An IPv4 or IPv6 socket address: what the roles, the drivers and the
 * table of clients hold.  The family says which member is meant; port
 * and address are in network order, as the kernel has them.
 */
union addr {
	struct sockaddr		 sa;
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
};

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
	union addr	 group;		/* port 0 */
	int		 unicast;	/* -u given */
	union addr	 host;		/* port 0 */
	int		 ssm;		/* --source given */
	union addr	 source;	/* the channel's source, port 0 */
	unsigned	 timeout;	/* -t seconds */
	unsigned	 block;		/* -b, 0: net_block's default */
	uint32_t	 first_seq;	/* --first-seq */
	unsigned long long rate;	/* -r bit/s, 0: adapt freely */
	unsigned long long min_rate;	/* --min-rate bit/s, 0: none */
	const char	*label;		/* -l */
	unsigned	 ttl;		/* --ttl */
	size_t		 window;	/* Rev. 1 window bytes */
	int		 verbose;	/* -1 quiet, 0 normal, 1 verbose */
	int		 progress;	/* -P */
	const char	*stats;		/* --stats file */
	const char	*keyfile;	/* -k: Rev. 1 sealed (seal.c) */
	unsigned	 fec;		/* --fec: parity a group, unasked */
	int		 no_decode;	/* client: as one older than parity:
					   no decoding, no age (a test
					   hook: NETPIPE_NO_DECODE) */
	int		 old_groups;	/* as a peer older than PF_WIDE
					   (a test hook: NETPIPE_OLD_GROUPS) */
};

/* The sockets and addresses of one run (net.c). */
struct net {
	int		 fd;		/* server: status port; client: data port */
	int		 ufd;		/* client: unicast status socket; else -1 */
	union addr	 dst;		/* server: group, broadcast or host */
	union addr	 ifaddr;	/* the interface's address, port 0 */
	char		 ifname[IF_NAMESIZE];
	char		 ifwhy[160];	/* how the interface was chosen */
	unsigned	 sport;		/* the status port, host order */
	unsigned	 block;		/* server: -b, or net_block's default */
};

/* A batch of received datagrams (net.c). */
#define RX_BATCH	16
struct rxbatch {
	struct mmsghdr	 msg[RX_BATCH];
	struct iovec	 iov[RX_BATCH];
	union addr	 from[RX_BATCH];
	union {
		struct cmsghdr	 align;
		uint8_t		 buf[64];
	}		 ctl[RX_BATCH];
	size_t		 len[RX_BATCH];	/* bytes received */
	size_t		 seg[RX_BATCH];	/* GRO segment size, else len */
	uint8_t		*buf;		/* RX_BATCH * MAX_DGRAM */
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
	uint64_t	 parity;	/* server: parity blocks sent */
	unsigned	 npeers;	/* admitted clients (client: 1 once
					   it has found a server) */
	unsigned	 nalive;	/* of them still in the transfer */
};

enum { PEER_ACTIVE, PEER_DONE, PEER_DROPPED };

struct peer {
	union addr	 addr;
	uint64_t	 bytes;		/* confirmed (client: written) */
	uint64_t	 rtt;		/* smoothed round trip, µs */
	int		 result;	/* PEER_* */
	const char	*why;		/* PEER_DROPPED: why */
};

/*
 * Everything a role does to the world goes through the driver's io: the
 * real loop (loop.c) with sockets and file descriptors, the simulator
 * (tests/sim) and the fuzz harness (tests/fuzz) with memory.  A role
 * never calls a socket, read(2), write(2) or the clock itself: the time
 * is handed to every hook by its caller.
 */
struct io {
	void	*ctx;			/* the driver's, handed back */
	/* One datagram from the role's socket to `to`: lossy, never fatal. */
	void	 (*send)(void *, const void *, size_t,
		    const union addr *);
	/* A train: len bytes of datagrams of seg bytes each (the last may
	   be shorter), to `to`.  1: it waited for room (the host's own
	   port is full), else 0. */
	int	 (*sendsegs)(void *, const union addr *,
		    const uint8_t *, size_t, size_t);
	/* Standard input, as read(2): bytes, 0 at the end, -1 and errno. */
	ssize_t	 (*read)(void *, void *, size_t);
	/* Standard output: all of it, or an errno; close it, once. */
	int	 (*write)(void *, const void *, size_t);
	int	 (*close)(void *);
	/* One line for the operator (already chosen by -q and -v). */
	void	 (*say)(void *, const char *);
	/* Random bytes (the session id). */
	void	 (*random)(void *, void *, size_t);
	/* The clock, µs, monotonic: now, not when the role was called
	   (a write to standard output may have taken a while since). */
	uint64_t (*clock)(void *);
};

/*
 * One run of one role.  The driver fills o, io, net and start, then
 * calls the role's init; the role keeps its own state behind rs.
 */
struct np {
	const struct opts *o;
	const struct io	*io;
	struct net	 net;		/* roles read dst, sport, ifname */
	void		*rs;		/* the role's state (rev0.c, rev1.c) */
	int		 done;		/* the role has finished */
	int		 status;	/* exit status once done */
	uint64_t	 start;		/* µs, monotonic */
	uint64_t	 began;		/* µs: seek phase over; 0 not yet */
	uint64_t	 ended;		/* µs: a client has the whole stream */
	uint64_t	 bytes;		/* stream bytes read or written */
	uint64_t	 junk;		/* datagrams ignored as malformed */
	uint64_t	 foreign;	/* datagrams from a stranger */
	uint64_t	 forged;	/* -k: datagrams that did not open */
	uint64_t	 wrongkey_at;	/* -k: µs, a ping of another key */
	char		 error[256];	/* the first fatal error, or "" */
};

/*
 * A role (server or client of one protocol revision): the hooks a
 * driver calls.  now is the driver's clock, µs.  deadline says when the
 * role wants its timer next; want_input whether it would read stdin.
 */
struct role {
	void	 (*init)(struct np *, uint64_t);
	void	 (*fini)(struct np *);
	void	 (*packet)(struct np *, const uint8_t *, size_t,
		    const union addr *, uint64_t);
	void	 (*timer)(struct np *, uint64_t);
	uint64_t (*deadline)(const struct np *, uint64_t);
	int	 (*want_input)(const struct np *);
	void	 (*input)(struct np *, uint64_t);
	void	 (*interrupt)(struct np *, int, uint64_t);
	void	 (*tally)(const struct np *, struct tally *);
	void	 (*peer)(const struct np *, unsigned, struct peer *);
};

/* Timers both revisions share, µs.  PROTOCOL.txt adds them up. */
#define SEEK_PING	200000		/* ping period in the seek phase */
#define PING_MAX	1000000		/* keepalive period, at most */
#define RTO_INIT	200000		/* repeat time before a round trip */
#define RTO_MAX		1000000
#define ABORT_COPIES	3		/* an error goes out this many times */
#define STAMPS		64		/* ping stamps remembered */

/* Error codes of CM_ERROR and R1_ERROR (the same in both). */
#define NPE_ABORT	1		/* user abort */
#define NPE_INTERNAL	2		/* internal error, see errno */
#define NPE_REFUSED	3		/* server: not admitted */
#define NPE_DROPPED	4		/* server: you were dropped */

/*
 * A server's table of clients (role.c), for both revisions.  Each
 * revision's client struct begins with a struct member; the table holds
 * elements of that size.
 */
struct member {
	union addr	 addr;		/* its status socket */
	int		 alive;
	uint64_t	 heard;		/* last datagram from it */
	uint64_t	 resend;	/* when to repeat to it */
	struct rtt	 rtt;		/* round trip, repeat time */
	uint64_t	 bytes;		/* confirmed */
	char		 why[96];	/* why it was dropped */
};

struct members {
	uint8_t		*v;		/* max elements of size bytes */
	size_t		 size;
	unsigned	 n, max, nalive;
	/* The revision's error packet (CM_ERROR, R1_ERROR) from the
	   server to a client or the group: code, errno. */
	void		 (*senderr)(struct np *, const union addr *,
			    uint32_t, uint32_t);
};

/* The last ping stamps a server sent: an echo must be one of them. */
struct stamps {
	uint64_t	 t[STAMPS];
	unsigned	 n;
};

/* CRC-32 of X || Y from the CRCs of X and Y (crc32.c). */
struct crcjoin {
	unsigned long	 opB;		/* zlib's operator for B bytes */
	size_t		 B;
};

/* ---- the wire (wire.c): one pack and one unpack per packet -------- */

/* Rev. 0, unpacked: the fields of cmd's packet. */
struct r0pkt {
	uint8_t		 cmd;
	uint64_t	 stamp;		/* CM_PING, CM_PONG: µs */
	uint32_t	 flags;		/* CM_SEQ_INIT */
	uint32_t	 seq;		/* CM_TX; CM_EOT when has_seq */
	int		 has_seq;	/* CM_EOT: the 5-byte form */
	const uint8_t	*data;		/* CM_TX: len bytes, in the datagram */
	uint32_t	 len;
	uint32_t	 crc;		/* CM_TX, checked */
	uint32_t	 code;		/* CM_RXERR, CM_ERROR */
	uint32_t	 eno;		/* CM_ERROR */
};

struct r1range {
	uint64_t	 off;
	uint32_t	 len;
};

struct r1ping {
	uint8_t		 flags;		/* PF_SEEK, PF_QUIET, ... */
	uint64_t	 stamp;		/* the server's clock, µs */
	uint64_t	 next;		/* the stream's end so far */
	uint32_t	 rtt;		/* the slowest round trip, µs */
	uint32_t	 block, window;	/* bytes */
	uint8_t		 llen;		/* 0 to MAX_LABEL */
	const uint8_t	*label;
};

struct r1pong {
	uint64_t	 stamp;		/* the R1_PING's */
	int		 flagged;	/* the 18-byte form */
	uint8_t		 flags;		/* PONG_DECODES; 0 if not flagged */
};

struct r1data {
	uint64_t	 off;
	const uint8_t	*data;		/* len bytes, in the datagram */
	size_t		 len;
	uint32_t	 crc;		/* the packet's, not checked here */
};

struct r1status {
	uint64_t	 ack, room;
	uint32_t	 rcvd, missed;
	unsigned	 nranges;	/* 0 to MAX_RANGES */
	struct r1range	 range[MAX_RANGES];
	int		 aged;		/* newest and age are there (PF_AGE) */
	uint64_t	 newest;	/* the newest block that arrived */
	uint32_t	 age;		/* µs from its arrival to this report */
};

struct r1parity {
	uint32_t	 group;		/* the group's number, modulo 2^32 */
	uint8_t		 index;		/* parity block k + index */
	const uint8_t	*parity;	/* len bytes, in the datagram */
	size_t		 len;
};

struct r1eot {
	uint64_t	 length;
	uint32_t	 scrc;		/* of the whole stream */
};

struct r1error {
	uint32_t	 code, eno;
};

/* Rev. 1, unpacked: header and the fields of cmd's packet. */
struct r1pkt {
	uint8_t		 cmd;
	uint32_t	 session;
	union {
		struct r1ping	 ping;
		struct r1pong	 pong;
		struct r1data	 data;
		struct r1status	 status;
		struct r1eot	 eot;
		uint32_t	 result;	/* R1_DONE */
		struct r1error	 error;
		struct r1parity	 parity;
	} u;
};

/* ---- the rate decision (rate.c): pure functions -------------------- */

#define RATE_START	250e6		/* bit/s to start with */
#define STARTUP_LOSS	0.1		/* loss that ends startup, at least */
#define FULL_GROWTH	1.25		/* startup: growth that counts */
#define RATE_MIN	1e6		/* bit/s, unless the cap is lower */
#define BW_ROUNDS	10		/* a client's best: over this many */
#define PROBE_PHASES	8		/* the gain cycle: 1.25, 0.75, 1 ... */
#define PROBE_CRUISE	2		/* its first round at 1 */

enum { RC_STARTUP, RC_DRAIN, RC_PROBE };

/* A client's delivery rates, bit/s, of the last BW_ROUNDS rounds. */
struct bwfilt {
	double		 v[BW_ROUNDS];
};

/*
 * A cut of the ceiling on trial (rate.c): congestion's loss follows the
 * rate down, a path's own loss does not.
 */
struct ratecut {
	double		 sent;		/* bit/s sent when cut, 0: none */
	double		 loss;		/* the loss that cut it */
	double		 hi;		/* the ceiling before */
	unsigned	 age;		/* rounds since */
};

struct rate_in {
	double		 rate, cap;	/* bit/s now, and -r's (or the most) */
	int		 mode;		/* RC_* */
	unsigned	 phase;		/* RC_PROBE: in the gain cycle */
	double		 full_bw;	/* RC_STARTUP: the best btlbw yet;
					   RC_PROBE: btlbw as a probe began */
	unsigned	 full_cnt;	/* and rounds since it grew */
	double		 self_us;	/* and µs of it at the server's own
					   pace */
	double		 debt;		/* bits a probe sent past btlbw */
	double		 hi;		/* the ceiling of loss, 0: none */
	unsigned	 age;		/* RC_PROBE: rounds in it */
	struct ratecut	 cut;		/* the ceiling's last cut, on trial */
	double		 alone;		/* the most btlbw with no queue standing */
	double		 qwait;		/* µs since a standing queue cut */
	unsigned	 qrun;		/* such cuts in a row, the queue standing */
	double		 btlbw;		/* the room's bottleneck, 0: unknown */
	double		 sent;		/* bit/s sent in the round */
	double		 cap_sample;	/* and in it or the last, the most */
	double		 span;		/* the round, µs */
	int		 limited;	/* the rate did not limit the round */
	int		 slow;		/* nor input, nor the server's port:
					   it sent less, all it could */
	int		 lossy;		/* a client lost to congestion */
	double		 loss;		/* and the most such a client lost */
	int		 queued;	/* a queue stands before a client */
	double		 qgrow;		/* µs: the most a client's newest
					   block waited above its least */
};

struct rate_out {
	double		 rate;
	int		 mode;
	unsigned	 phase;
	double		 full_bw;
	unsigned	 full_cnt;
	double		 self_us;
	double		 debt;
	double		 hi;
	unsigned	 age;
	struct ratecut	 cut;
	double		 alone;
	double		 qwait;
	unsigned	 qrun;
	int		 relearn;	/* the loss is the path's: learn it */
	int		 yield;		/* a standing queue: 1 yield, 2 hold */
	double		 gain;		/* of btlbw */
	const char	*why;		/* for -v */
};

/* rate.c */
void		 rate_start(unsigned long long, double *, double *);
double		 rate_first(double, double);
void		 rate_decide(const struct rate_in *, struct rate_out *);
double		 bw_update(struct bwfilt *, unsigned, double, int);
double		 bw_best(const struct bwfilt *);
void		 bw_reset(struct bwfilt *, double);
double		 bw_own(double, double);
int		 loss_says(double, double, double *);

/* role.c: what every role shares */
void		 info(const struct np *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 debug(const struct np *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 warnmsg(const struct np *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 np_fail(struct np *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 rtt_sample(struct rtt *, uint64_t, uint64_t, uint64_t);
const char	*ipstr(const union addr *);
const char	*addrstr(const union addr *);
int		 sameaddr(const union addr *, const union addr *);
unsigned	 addrport(const union addr *);
socklen_t	 addrlen(const union addr *);
uint64_t	 ping_period(const struct opts *);
void		 members_init(struct members *, size_t, unsigned,
		    void (*)(struct np *, const union addr *, uint32_t,
		    uint32_t));
void		 members_free(struct members *);
struct member	*member_at(const struct members *, unsigned);
struct member	*member_find(const struct members *,
		    const union addr *);
struct member	*member_join(struct np *, struct members *, int,
		    const union addr *, uint64_t, uint64_t, uint64_t);
int		 members_seek_over(struct np *, struct members *,
		    uint64_t, uint64_t);
int		 members_gone(struct np *, const struct members *);
int		 member_drop(struct np *, struct members *, struct member *,
		    int, const char *, ...)
		    __attribute__((format(printf, 5, 6)));
void		 member_peer(const struct member *, int, struct peer *);
int		 member_stopped(struct np *, struct members *, struct member *,
		    int, uint32_t, uint32_t);
ssize_t		 server_read(struct np *, const struct members *, void *,
		    size_t);
void		 server_interrupt(struct np *, int, uint64_t);
void		 server_fail(struct np *, int, const char *);
void		 server_error(struct np *, const union addr *,
		    uint32_t, uint32_t, uint64_t);
void		 stamp_add(struct stamps *, uint64_t);
int		 stamp_known(const struct stamps *, uint64_t);
const struct role *role_for(const struct opts *);

/* wire.c */
int		 r0_unpack(const uint8_t *, size_t, struct r0pkt *);
size_t		 r0_pack_stamp(uint8_t *, uint8_t, uint64_t);
size_t		 r0_pack_seq_init(uint8_t *, uint32_t);
size_t		 r0_pack_cmd(uint8_t *, uint8_t);
size_t		 r0_pack_tx(uint8_t *, uint32_t, const uint8_t *, size_t);
size_t		 r0_pack_rxerr(uint8_t *, uint32_t);
size_t		 r0_pack_error(uint8_t *, uint32_t, uint32_t);
size_t		 r0_pack_eot(uint8_t *, uint32_t);
int		 r1_unpack(const uint8_t *, size_t, struct r1pkt *);
int		 r1_intact(const uint8_t *, size_t);
size_t		 r1_pack_ping(uint8_t *, uint32_t, const struct r1ping *);
size_t		 r1_pack_pong(uint8_t *, uint32_t, uint64_t);
size_t		 r1_pack_pong_flags(uint8_t *, uint32_t, uint64_t, uint8_t);
size_t		 r1_pack_small(uint8_t *, uint8_t, uint32_t);
size_t		 r1_pack_data(uint8_t *, uint32_t, uint64_t, const uint8_t *,
		    size_t, uint32_t);
uint32_t	 r1_data_crc(const struct crcjoin *, uint32_t, uint64_t,
		    uint32_t, size_t);
size_t		 r1_pack_status(uint8_t *, uint32_t, const struct r1status *);
size_t		 r1_pack_eot(uint8_t *, uint32_t, const struct r1eot *);
size_t		 r1_pack_done(uint8_t *, uint32_t, uint32_t);
size_t		 r1_pack_error(uint8_t *, uint32_t, uint32_t, uint32_t);
size_t		 r1_pack_parity(uint8_t *, uint32_t, uint32_t, uint8_t,
		    const uint8_t *, size_t);

/* crc32.c */
uint32_t	 np_crc32(const uint8_t *, size_t);
void		 crc_join_init(struct crcjoin *, size_t);
uint32_t	 crc_join(const struct crcjoin *, uint32_t, uint32_t, size_t);

/* net.c: the real transport, for loop.c */
void		 net_server(struct net *, const struct opts *);
unsigned	 net_block(const struct net *, const struct opts *);
void		 net_client(struct net *, const struct opts *);
void		 net_pin(int, const union addr *);
int		 net_recvbatch(int, struct rxbatch *);
void		 net_gro(int);
int		 net_sendsegs(int, const union addr *, const uint8_t *,
		    size_t, size_t);
void		 net_send(int, const void *, size_t, const union addr *);
unsigned	 net_mtu_block(unsigned, unsigned, unsigned, unsigned);
unsigned	 net_mtu(const struct net *, const struct opts *, int *);
void		 net_nofrag(int, int);
int		 net_toobig(size_t *, unsigned *, union addr *);

/* fec.c */
/*
 * The erasure code of parity on demand.  A group: k data blocks
 * (numbered 0..k-1) and parity blocks (k..FEC_N-1), all len bytes (a
 * short last data block zero-padded by the caller); any k of them give
 * back the data.  fec_encode makes parity block k + idx (parity must
 * not overlap the data).  fec_decode: slot i of blocks holds data block
 * i (idx[i] == i) or a parity block (idx[i] >= k) in place of data block
 * i, which it rebuilds there (the slots must be distinct buffers).
 * Both return -1 for indexes out of range (decode: also a parity block
 * twice), else 0.  fec_impl names the path (portable, ssse3, avx2,
 * gfni); fec_mul and fec_inv are GF(2^8)'s, for tests/fec.c.
 */
#define FEC_N		256		/* a group's blocks, data and parity */
int		 fec_encode(unsigned, unsigned, const uint8_t *const *, size_t,
		    uint8_t *);
int		 fec_decode(unsigned, const unsigned *, uint8_t *const *,
		    size_t);
const char	*fec_impl(void);
uint8_t		 fec_mul(uint8_t, uint8_t);
uint8_t		 fec_inv(uint8_t);

/* ---- loop.c, report.c: the driver (section of the driver's engineer) */

/*
 * What the operator sees of one run (report.c).  A driver calls
 * report_init before anything is said, report_start once the role is up
 * (np->start set), report_tick between the role's timers (it returns
 * when it wants the next tick), report_say for each line of io->say, and
 * at the end report_summary and report_stats.  The real driver also
 * calls report_attach (the atexit hook for --stats, net.c's warnings).
 * The fuzz harness may set sized and size after report_init.
 */
struct report {
	struct np	*np;
	const struct role *role;	/* NULL until report_start */
	int		 errfd;		/* the progress line's; -1: nowhere */
	int		 statsfd;	/* --stats, open; -1: none */
	uint64_t	 (*clock)(void);	/* the driver's (atexit) */
	/* The progress line. */
	int		 on;		/* -P, or errfd is a terminal */
	int		 forced;	/* -P */
	int		 tty;		/* redraw in place on a terminal */
	int		 shown;		/* a line is on the terminal now */
	int		 sized;		/* the input's size is known */
	uint64_t	 size;
	uint64_t	 at, bytes;	/* the last draw */
	double		 rate;		/* bytes/s, smoothed over draws */
	/* What is looked at now and then, besides the role's timers. */
	uint64_t	 next;		/* the next tick */
	uint64_t	 draw;		/* the next progress draw */
	uint64_t	 look;		/* the next -v sum and hint */
	uint64_t	 repeats, junk, foreign;	/* at the last sum */
	uint64_t	 parity;
	int		 hinted;	/* said what to check */
	int		 written;	/* --stats is written */
};

/* report.c */
void		 report_init(struct report *, struct np *, int, int);
void		 report_attach(struct report *, uint64_t (*)(void));
void		 report_start(struct report *, const struct role *);
uint64_t	 report_tick(struct report *, uint64_t);
void		 report_say(struct report *, const char *);
void		 report_warn(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 report_summary(struct report *, uint64_t);
int		 report_stats(struct report *, uint64_t);

/* loop.c: one whole run of netpipe (main's after the command line) */
int		 loop_run(const struct opts *);

/*
 * rev0.c, rev1.c: each defines a server, hooks s_*, and a client, k_*,
 * under the same names.  ROLE_HOOKS declares them where they are
 * defined; SERVER_ROLE and CLIENT_ROLE are their tables.  A server's
 * interrupt is role.c's, the same in both: a server's state (np->rs)
 * begins with its struct members.  A client reads no input.
 */
#define ROLE_HOOKS							\
static void	 s_init(struct np *, uint64_t);				\
static void	 s_fini(struct np *);					\
static void	 s_packet(struct np *, const uint8_t *, size_t,		\
		    const union addr *, uint64_t);		\
static void	 s_timer(struct np *, uint64_t);			\
static uint64_t	 s_deadline(const struct np *, uint64_t);		\
static int	 s_want_input(const struct np *);			\
static void	 s_input(struct np *, uint64_t);			\
static void	 s_tally(const struct np *, struct tally *);		\
static void	 s_peer(const struct np *, unsigned, struct peer *);	\
static void	 k_init(struct np *, uint64_t);				\
static void	 k_fini(struct np *);					\
static void	 k_packet(struct np *, const uint8_t *, size_t,		\
		    const union addr *, uint64_t);		\
static void	 k_timer(struct np *, uint64_t);			\
static uint64_t	 k_deadline(const struct np *, uint64_t);		\
static void	 k_interrupt(struct np *, int, uint64_t);		\
static void	 k_tally(const struct np *, struct tally *);		\
static void	 k_peer(const struct np *, unsigned, struct peer *)

#define SERVER_ROLE {							\
	.init = s_init,							\
	.fini = s_fini,							\
	.packet = s_packet,						\
	.timer = s_timer,						\
	.deadline = s_deadline,						\
	.want_input = s_want_input,					\
	.input = s_input,						\
	.interrupt = server_interrupt,					\
	.tally = s_tally,						\
	.peer = s_peer							\
}

#define CLIENT_ROLE {							\
	.init = k_init,							\
	.fini = k_fini,							\
	.packet = k_packet,						\
	.timer = k_timer,						\
	.deadline = k_deadline,						\
	.interrupt = k_interrupt,					\
	.tally = k_tally,						\
	.peer = k_peer							\
}

extern const struct role rev0_server, rev0_client;
extern const struct role rev1_server, rev1_client;

#endif /* NETPIPE_H */
