/*
 * netpipe: tests/junk.c: send junk datagrams at a netpipe, which must
 * ignore them without harm.
 *
 *	junk [-i ifaddr] [-s seed] host port count
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
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/socket.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
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

/* The length of each command's well-formed packet (CM_TX: its minimum). */
static const size_t cmdlen[NCMD + 1] = {
	0, 9, 9, 5, 1, TX_OVERHEAD, 1, 5, 9, 1, 1, 1
};

static uint64_t rng;

static void	 usage(void);
static uint32_t	 rnd(void);
static void	 put32(uint8_t *, uint32_t);
static uint32_t	 crc32(const uint8_t *, size_t);
static size_t	 junk(uint8_t *, unsigned long);

static void
usage(void)
{
	fprintf(stderr, "usage: junk [-i ifaddr] [-s seed] host port count\n");
	exit(2);
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

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	struct in_addr ifaddr;
	struct timespec pace = { 0, PACE_NS };
	uint8_t buf[MAXJUNK];
	unsigned long count, i, nfail = 0;
	char *end;
	int ch, fd, useif = 0;

	rng = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	while ((ch = getopt(argc, argv, "i:s:")) != -1) {
		switch (ch) {
		case 'i':
			if (inet_pton(AF_INET, optarg, &ifaddr) != 1)
				errx(2, "bad interface address: %s", optarg);
			useif = 1;
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
	if (errno || *end != '\0' || end == argv[2])
		errx(2, "bad count: %s", argv[2]);

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	if (useif && setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr,
	    sizeof(ifaddr)) == -1)
		err(1, "IP_MULTICAST_IF");

	for (i = 0; i < count; i++) {
		size_t len = junk(buf, i);

		if (sendto(fd, buf, len, 0, (struct sockaddr *)&sin,
		    sizeof(sin)) == -1)
			nfail++;
		nanosleep(&pace, NULL);
	}
	fprintf(stderr, "junk: %lu datagrams to %s:%s, %lu not sent\n",
	    count, argv[0], argv[1], nfail);
	return 0;
}
