/*
 * netpipe: tests/junk.c: send junk datagrams at a netpipe, which must
 * ignore them without harm.
 *
 *	junk [-F] [-1 session] [-f srcaddr:srcport] [-i ifaddr] [-r rate]
 *	     [-s seed] host port count
 *
 * Sends count datagrams to host:port (an IPv4 address; with -i, the
 * multicast interface is the one with address ifaddr, so host may be a
 * group), only there, from one ephemeral port, about 10000 a second.
 * They are, in turn: random bytes of random length (0..1600); a valid
 * command byte (0x01..0x0b) followed by random bytes of a random length;
 * a command truncated short of its length; a CM_TX whose length field
 * does not match the datagram (with a right or a wrong CRC); a CM_TX with a
 * bad CRC; and well-formed packets of every command, which come from a
 * stranger and so must be ignored too.  The same seed sends the same junk.
 *
 * -1 session	Rev. 1 junk for that session (hex), in turn: random
 *		bytes; a Rev. 1 command byte and the session, then random
 *		bytes (a wrong CRC); a Rev. 1 packet of the session with a
 *		right CRC but a wrong length for its command (an R1_DATA
 *		of no data, or longer than the default block of 1455
 *		bytes; an R1_PARITY not of that block); a well-formed
 *		packet of another session; and a well-formed packet of the
 *		session itself.
 * -f src:port	Send from that address and port, as if from netpipe's
 *		peer (a raw socket: root only), and only junk that no
 *		peer may take for a packet: never the well-formed kinds;
 *		Rev. 0: a command with a wrong length, a CM_TX with a lying
 *		length field or a wrong CRC, an unknown command byte.
 * -F		Flood: no pause between datagrams, the first 256 sent over
 *		and over; a count of 0 sends until SIGINT or SIGTERM.
 * -r rate	With -F: at most rate datagrams a second (in bursts of 64).
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXJUNK		1600
#define NCMD		11		/* CM_PING 0x01 .. CM_ACK_PLZ 0x0b */
#define CM_TX		0x05
#define CM_EOT		0x09
#define TX_HDR		9
#define TX_OVERHEAD	13
#define PACE_NS		100000		/* between two datagrams */
#define R1_FIRST	0x0c		/* R1_PING .. R1_PARITY */
#define R1_NCMD		11
#define R1_DATA		0x10
#define R1_PING		0x0c
#define R1_STATUS	0x11
#define R1_PONG		0x0d
#define R1_PONG_FLAGS	18		/* R1_PONG's other good length */
#define R1_BLOCK	1455		/* the default Rev. 1 block */
#define HDRS		28		/* IPv4 and UDP headers, for -f */
#define POOL		256		/* -F: datagrams sent over and over */
#define RBURST		64		/* -r: datagrams between two pauses */

/* The length of each command's well-formed packet (CM_TX: its minimum). */
static const size_t cmdlen[NCMD + 1] = {
	0, 9, 9, 5, 1, TX_OVERHEAD, 1, 5, 9, 1, 1, 1
};

/*
 * Rev. 1: the same, R1_PING without a label, R1_STATUS without ranges,
 * R1_PARITY of a default block.
 */
static const size_t r1len[R1_NCMD] = {
	39, 17, 9, 9, 18, 35, 21, 13, 17, 9, R1_BLOCK + 14
};

static uint64_t rng;
static volatile sig_atomic_t stop;

static void	 usage(void);
static void	 onsignal(int);
static uint32_t	 rnd(void);
static void	 put32(uint8_t *, uint32_t);
static uint32_t	 crc32(const uint8_t *, size_t);
static size_t	 junk(uint8_t *, unsigned long);
static size_t	 junk_spoof(uint8_t *, unsigned long);
static size_t	 junk1(uint8_t *, unsigned long, uint32_t, int);
static size_t	 wrong(size_t, size_t);

static void
usage(void)
{
	fprintf(stderr, "usage: junk [-F] [-1 session] [-f srcaddr:srcport] "
	    "[-i ifaddr] [-r rate]\n            [-s seed] host port count\n");
	exit(2);
}

static void
onsignal(int sig)
{
	(void)sig;
	stop = 1;
}

/* xorshift64*: a small PRNG, the same stream for the same seed. */
static uint32_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (rng * 2685821657736338717ULL) >> 32;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* The CRC-32 of zlib's crc32() (reflected, polynomial 0xedb88320). */
static uint32_t
crc32(const uint8_t *p, size_t len)
{
	uint32_t c = 0xffffffff;
	int k;

	while (len--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = c & 1 ? c >> 1 ^ 0xedb88320 : c >> 1;
	}
	return c ^ 0xffffffff;
}

/* Fill b with the i-th junk datagram; return its length. */
static size_t
junk(uint8_t *b, unsigned long i)
{
	size_t len, k, dlen;
	unsigned cmd;

	len = rnd() % (MAXJUNK + 1);
	for (k = 0; k < MAXJUNK; k++)
		b[k] = rnd();
	cmd = 1 + rnd() % NCMD;

	switch (i % 6) {
	case 0:		/* random bytes */
		return len;
	case 1:		/* a command byte and random bytes */
		b[0] = cmd;
		return len;
	case 2:		/* a command cut short (or just its byte) */
		b[0] = cmd;
		return cmdlen[cmd] > 1 ? 1 + rnd() % (cmdlen[cmd] - 1) : 1;
	case 3:		/* CM_TX whose length field lies */
		if (len < TX_OVERHEAD)
			len = TX_OVERHEAD + rnd() % 64;
		dlen = len - TX_OVERHEAD;
		b[0] = CM_TX;
		switch (rnd() % 4) {
		case 0:
			put32(b + 5, dlen + 1 + rnd() % 100);
			break;
		case 1:
			put32(b + 5, dlen > 0 ? rnd() % dlen : 1);
			break;
		case 2:
			put32(b + 5, 0xffffffff - rnd() % 16);
			break;
		default:
			put32(b + 5, 0x7fffffff + rnd() % 16);
			break;
		}
		if (rnd() % 2)	/* a CRC that is right for what was sent */
			put32(b + len - 4, crc32(b, len - 4));
		return len;
	case 4:		/* CM_TX, right length, wrong CRC */
		if (len < TX_OVERHEAD)
			len = TX_OVERHEAD;
		dlen = len - TX_OVERHEAD;
		b[0] = CM_TX;
		put32(b + 5, dlen);
		put32(b + len - 4, crc32(b, len - 4) ^ (1u << rnd() % 32));
		return len;
	default:	/* a well-formed packet, from a stranger */
		b[0] = cmd;
		if (cmd == CM_TX) {
			dlen = len > TX_OVERHEAD ? len - TX_OVERHEAD : 0;
			put32(b + 5, dlen);
			put32(b + TX_HDR + dlen, crc32(b, TX_HDR + dlen));
			return TX_OVERHEAD + dlen;
		}
		if (cmd == CM_EOT && rnd() % 2)
			return 5;
		if (cmdlen[cmd] >= 5)	/* small error codes and flags */
			put32(b + 1, rnd() % 4);
		return cmdlen[cmd];
	}
}

/* A length near good (1 to 8 off, at least min) that is not good. */
static size_t
wrong(size_t good, size_t min)
{
	size_t d = 1 + rnd() % 8;

	if (rnd() % 2 && good >= min + d)
		return good - d;
	return good + d;
}

/* Rev. 0 junk that no client or server may take for a packet. */
static size_t
junk_spoof(uint8_t *b, unsigned long i)
{
	size_t len, k;
	unsigned cmd;

	for (k = 0; k < MAXJUNK; k++)
		b[k] = rnd();
	do
		cmd = 1 + rnd() % NCMD;
	while (cmd == CM_TX);
	switch (i % 4) {
	case 0:		/* a command of a wrong length */
		b[0] = cmd;
		len = wrong(cmdlen[cmd], 1);
		if (cmd == CM_EOT && len == 5)	/* its other good length */
			len = 6;
		return len;
	case 1:		/* CM_TX whose length field lies, or a wrong CRC */
	case 2:
		return junk(b, 3 + i % 4 - 1);
	default:	/* an unknown command byte */
		b[0] = 0x16 + rnd() % (256 - 0x16);
		return 1 + rnd() % MAXJUNK;
	}
}

/*
 * The i-th Rev. 1 junk datagram for session into b; spoof: only the
 * kinds that no peer may take for a packet.
 */
static size_t
junk1(uint8_t *b, unsigned long i, uint32_t session, int spoof)
{
	size_t len, k;
	unsigned cmd;

	len = rnd() % (MAXJUNK + 1);
	for (k = 0; k < MAXJUNK; k++)
		b[k] = rnd();
	cmd = R1_FIRST + rnd() % R1_NCMD;
	b[0] = cmd;
	put32(b + 1, session);
	switch (i % (spoof ? 4 : 5)) {
	case 0:		/* random bytes */
		b[0] = rnd();
		return len;
	case 1:		/* a command and its session, a wrong CRC */
		if (len < 9)
			len = 9;
		put32(b + len - 4, crc32(b, len - 4) ^ (1u << rnd() % 32));
		return len;
	case 2:		/* the session, a right CRC, a wrong length */
		if (cmd == R1_DATA)
			len = rnd() % 2 ? 9 + rnd() % 9 :
			    R1_BLOCK + 18 + rnd() % (MAXJUNK - R1_BLOCK - 17);
		else if (cmd == R1_PING)
			len = wrong(r1len[0] + b[34] % 65, 9);
		else if (cmd == R1_STATUS)
			len = r1len[cmd - R1_FIRST] + 12 * (b[30] % 4) +
			    1 + rnd() % 11;
		else
			len = wrong(r1len[cmd - R1_FIRST], 9);
		if (cmd == R1_PONG && len == R1_PONG_FLAGS)
			len++;		/* its other good length */
		if (cmd == R1_PING)
			b[34] %= 65;
		if (cmd == R1_STATUS) {
			b[29] = 0;
			b[30] %= 4;
		}
		break;
	case 3:		/* well-formed, another session */
		put32(b + 1, session ^ (rnd() | 1));
		/* FALLTHROUGH */
	default:	/* well-formed */
		len = r1len[cmd - R1_FIRST];
		if (cmd == R1_DATA)
			len += rnd() % R1_BLOCK;
		if (cmd == R1_PING) {
			b[34] = 0;
			b[26] = b[27] = b[28] = 0;	/* block */
			b[29] = 1 + rnd() % 255;
			b[30] = b[31] = 0;		/* window: 2 blocks */
			b[32] = b[29] >> 7;
			b[33] = b[29] << 1;
		}
		if (cmd == R1_STATUS)
			b[29] = b[30] = 0;
		break;
	}
	put32(b + len - 4, crc32(b, len - 4));
	return len;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	struct in_addr ifaddr, src;
	struct timespec pace = { 0, PACE_NS }, next;
	struct sigaction sa;
	struct iphdr *ip;
	struct udphdr *udp;
	static uint8_t pool[POOL][HDRS + MAXJUNK], hdrs[HDRS];
	static size_t plen[POOL];
	uint8_t *p;
	unsigned long count, i, nfail = 0, sport = 0, rate = 0;
	long long ns;
	uint32_t session = 0;
	size_t len;
	char *end, *colon;
	int ch, fd, useif = 0, rev1 = 0, spoof = 0, flood = 0;

	rng = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	while ((ch = getopt(argc, argv, "1:Ff:i:r:s:")) != -1) {
		switch (ch) {
		case '1':
			errno = 0;
			i = strtoul(optarg, &end, 16);
			if (errno || *end != '\0' || end == optarg ||
			    i > UINT32_MAX)
				errx(2, "bad session: %s", optarg);
			session = (uint32_t)i;
			rev1 = 1;
			break;
		case 'F':
			flood = 1;
			break;
		case 'f':
			if ((colon = strchr(optarg, ':')) == NULL)
				errx(2, "bad source (addr:port): %s", optarg);
			*colon = '\0';
			if (inet_pton(AF_INET, optarg, &src) != 1)
				errx(2, "bad source address: %s", optarg);
			errno = 0;
			sport = strtoul(colon + 1, &end, 10);
			if (errno || *end != '\0' || sport < 1 || sport > 65535)
				errx(2, "bad source port: %s", colon + 1);
			spoof = 1;
			break;
		case 'i':
			if (inet_pton(AF_INET, optarg, &ifaddr) != 1)
				errx(2, "bad interface address: %s", optarg);
			useif = 1;
			break;
		case 'r':
			errno = 0;
			rate = strtoul(optarg, &end, 10);
			if (errno || *end != '\0' || rate < 1 ||
			    rate > 10000000)
				errx(2, "bad rate: %s", optarg);
			break;
		case 's':
			errno = 0;
			rng = strtoull(optarg, &end, 0);
			if (errno || *end != '\0' || end == optarg)
				errx(2, "bad seed: %s", optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3)
		usage();
	rng = rng * 0x9e3779b97f4a7c15ULL + 1;	/* never 0 */

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[0], &sin.sin_addr) != 1)
		errx(2, "bad host address: %s", argv[0]);
	errno = 0;
	i = strtoul(argv[1], &end, 10);
	if (errno || *end != '\0' || i < 1 || i > 65535)
		errx(2, "bad port: %s", argv[1]);
	sin.sin_port = htons(i);
	errno = 0;
	count = strtoul(argv[2], &end, 10);
	if (errno || *end != '\0' || end == argv[2] || (count == 0 && !flood))
		errx(2, "bad count: %s", argv[2]);

	if (spoof)
		fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	else
		fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd == -1)
		err(1, "socket");
	if (useif && setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr,
	    sizeof(ifaddr)) == -1)
		err(1, "IP_MULTICAST_IF");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* With -f: an IPv4 header (the kernel fills in its checksum and
	 * id) and a UDP header without a checksum, as RFC 768 allows. */
	ip = (struct iphdr *)hdrs;
	udp = (struct udphdr *)(hdrs + sizeof(*ip));
	ip->version = 4;
	ip->ihl = sizeof(*ip) / 4;
	ip->ttl = 1;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = src.s_addr;
	ip->daddr = sin.sin_addr.s_addr;
	udp->source = htons((uint16_t)sport);
	udp->dest = sin.sin_port;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; !stop && (count == 0 || i < count); i++) {
		if (flood && rate && i % RBURST == 0 && i > 0) {
			ns = next.tv_nsec + RBURST * 1000000000LL / rate;
			next.tv_sec += ns / 1000000000;
			next.tv_nsec = ns % 1000000000;
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
			    NULL);
		}
		/* A flood cycles through the first POOL datagrams. */
		p = pool[flood ? i % POOL : 0];
		if (!flood || i < POOL) {
			if (rev1)
				len = junk1(p + HDRS, i, session, spoof);
			else if (spoof)
				len = junk_spoof(p + HDRS, i);
			else
				len = junk(p + HDRS, i);
			memcpy(p, hdrs, HDRS);
			ip = (struct iphdr *)p;
			udp = (struct udphdr *)(p + sizeof(*ip));
			ip->tot_len = htons((uint16_t)(HDRS + len));
			udp->len = htons((uint16_t)(8 + len));
			plen[flood ? i % POOL : 0] = len;
		}
		len = plen[flood ? i % POOL : 0];
		if (sendto(fd, spoof ? p : p + HDRS, spoof ? HDRS + len : len,
		    0, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			nfail++;
		if (!flood)
			nanosleep(&pace, NULL);
	}
	fprintf(stderr, "junk: %lu datagrams to %s:%s, %lu not sent\n",
	    i, argv[0], argv[1], nfail);
	return 0;
}
