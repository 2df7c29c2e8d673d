/*
 * netpipe: copy one stream onto many machines over UDP.
 * netpipe.c: the command line, the event loop, and standard output.
 *
 * Copyright (C) 1999 Jan Oberlaender (the NetPipe Rev. 0 design)
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/types.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netpipe.h"

#define OUTBUF		(256 * 1024)	/* stdout is written in these */
#define RECV_ROUNDS	8		/* recvmmsg batches per wakeup and socket */

enum { OPT_FIRST_SEQ = 256, OPT_TTL, OPT_WINDOW };

static void	 usage(int);
static unsigned long long number(const char *, const char *,
		    unsigned long long, unsigned long long);
static unsigned long long bitrate(const char *);
static void	 parse(struct opts *, int, char **);
static void	 onsignal(int);
static int	 run(struct np *, const struct role *);
static int	 write_all(const uint8_t *, size_t);

static volatile sig_atomic_t gotsig;
static uint8_t	 outbuf[OUTBUF];
static size_t	 outlen;
static int	 outclosed;

static const struct option longopts[] = {
	{ "server",	no_argument,		NULL, 's' },
	{ "client",	no_argument,		NULL, 'c' },
	{ "clients",	required_argument,	NULL, 'n' },
	{ "wait",	required_argument,	NULL, 'w' },
	{ "single-ack",	no_argument,		NULL, '1' },
	{ "rev0",	no_argument,		NULL, '0' },
	{ "port",	required_argument,	NULL, 'p' },
	{ "interface",	required_argument,	NULL, 'i' },
	{ "multicast",	required_argument,	NULL, 'm' },
	{ "unicast",	required_argument,	NULL, 'u' },
	{ "timeout",	required_argument,	NULL, 't' },
	{ "block-size",	required_argument,	NULL, 'b' },
	{ "first-seq",	required_argument,	NULL, OPT_FIRST_SEQ },
	{ "label",	required_argument,	NULL, 'l' },
	{ "rate",	required_argument,	NULL, 'r' },
	{ "ttl",	required_argument,	NULL, OPT_TTL },
	{ "window",	required_argument,	NULL, OPT_WINDOW },
	{ "quiet",	no_argument,		NULL, 'q' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

static void
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fprintf(f,
"usage: netpipe -s [-01qv] [-b bytes] [-i interface] [-l label]\n"
"               [-m group | -u host] [-n clients] [-p port] [-r rate]\n"
"               [-t seconds] [--ttl hops] [-w seconds] [--window bytes]\n"
"       netpipe -c [-0qv] [-i interface] [-l label] [-m group] [-p port]\n"
"               [-t seconds]\n"
"       netpipe -h | -V\n");
	exit(status);
}

/* A whole decimal number in [lo, hi], or a one-line error and usage. */
static unsigned long long
number(const char *what, const char *s, unsigned long long lo,
    unsigned long long hi)
{
	unsigned long long v = 0;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		end = (char *)s;
	else
		v = strtoull(s, &end, 10);
	if (end == s || *end != '\0' || errno == ERANGE || v < lo || v > hi) {
		warnx("%s must be a number from %llu to %llu: %s", what, lo,
		    hi, s);
		usage(2);
	}
	return v;
}

/* Bits per second: a number with an optional k, M or G (powers of 1000). */
static unsigned long long
bitrate(const char *s)
{
	unsigned long long v = 0, mul = 1;
	char *end;

	errno = 0;
	if (*s >= '0' && *s <= '9')
		v = strtoull(s, &end, 10);
	else
		end = (char *)s;
	if (end != s && end[0] != '\0' && end[1] == '\0') {
		if (*end == 'k' || *end == 'K')
			mul = 1000ULL, end++;
		else if (*end == 'm' || *end == 'M')
			mul = 1000000ULL, end++;
		else if (*end == 'g' || *end == 'G')
			mul = 1000000000ULL, end++;
	}
	if (end == s || *end != '\0' || errno == ERANGE || v == 0 ||
	    v > 100000000000ULL / mul) {
		warnx("rate must be from 1 bit/s to 100G (suffixes k, M, "
		    "G): %s", s);
		usage(2);
	}
	return v * mul;
}

static void
parse(struct opts *o, int argc, char **argv)
{
	int ch, mode = 0;

	memset(o, 0, sizeof(*o));
	o->nclients = 1;
	o->port = DEF_PORT;
	o->timeout = DEF_TIMEOUT;
	o->rev = 1;
	o->ttl = 1;
	o->window = DEF_WINDOW;

	opterr = 0;			/* our messages, not getopt's */
	while ((ch = getopt_long(argc, argv, ":01b:chi:l:m:n:p:qr:st:u:vVw:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
		case 'c':
			if (mode != 0 && mode != ch) {
				warnx("-s and -c cannot be used together");
				usage(2);
			}
			mode = ch;
			break;
		case 'n':
			o->nclients = number("clients", optarg, 1, MAX_CLIENTS);
			break;
		case 'w':
			o->wait = number("wait", optarg, 1, 86400);
			break;
		case '1':
			o->single_ack = 1;
			break;
		case '0':
			o->rev = 0;
			break;
		case 'p':
			o->port = number("port", optarg, 1, 65534);
			break;
		case 'i':
			if (strlen(optarg) >= IF_NAMESIZE) {
				warnx("interface name too long: %s", optarg);
				usage(2);
			}
			o->iface = optarg;
			break;
		case 'm':
			if (inet_pton(AF_INET, optarg, &o->group) != 1 ||
			    !IN_MULTICAST(ntohl(o->group.s_addr))) {
				warnx("not an IPv4 multicast group: %s",
				    optarg);
				usage(2);
			}
			o->multicast = 1;
			break;
		case 'u':
			if (inet_pton(AF_INET, optarg, &o->host) != 1) {
				warnx("not an IPv4 address: %s", optarg);
				usage(2);
			}
			o->unicast = 1;
			break;
		case 't':
			o->timeout = number("timeout", optarg, 1, 3600);
			break;
		case 'b':
			o->block = number("block size", optarg, 1, MAX_BLOCK);
			break;
		case 'l':
			if (strlen(optarg) < 1 || strlen(optarg) > MAX_LABEL) {
				warnx("a label has 1 to %d bytes: %s",
				    MAX_LABEL, optarg);
				usage(2);
			}
			o->label = optarg;
			break;
		case 'r':
			o->rate = bitrate(optarg);
			break;
		case OPT_TTL:
			o->ttl = number("ttl", optarg, 1, 255);
			break;
		case OPT_WINDOW:
			o->window = number("window", optarg, MIN_WINDOW,
			    MAX_WINDOW);
			break;
		case OPT_FIRST_SEQ:
			o->first_seq = number("first sequence number", optarg,
			    0, UINT32_MAX);
			break;
		case 'q':
			o->verbose = -1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			usage(0);
			break;
		case 'V':
			printf("netpipe %s\n", NP_VERSION);
			exit(0);
		case ':':
			if (optopt != 0)
				warnx("option -%c needs an argument", optopt);
			else
				warnx("option %s needs an argument",
				    argv[optind - 1]);
			usage(2);
			break;
		default:
			if (optopt != 0)
				warnx("unknown option -%c", optopt);
			else
				warnx("unknown option %s", argv[optind - 1]);
			usage(2);
		}
	}
	if (optind != argc) {
		warnx("unexpected argument: %s", argv[optind]);
		usage(2);
	}
	if (mode == 0) {
		warnx("choose -s (server) or -c (client)");
		usage(2);
	}
	o->server = mode == 's';
	if (o->multicast && o->unicast) {
		warnx("-m and -u cannot be used together");
		usage(2);
	}
	if (o->unicast && o->nclients > 1) {
		warnx("-u sends to one client; -n must be 1");
		usage(2);
	}
	if (!o->server && (o->unicast || o->single_ack || o->wait ||
	    o->nclients != 1 || o->block != 0 || o->rate != 0 ||
	    o->ttl != 1 || o->window != DEF_WINDOW)) {
		warnx("-1, -b, -n, -r, -u, -w, --ttl and --window are server "
		    "options");
		usage(2);
	}
	if (o->rev == 0 && (o->label != NULL || o->rate != 0 ||
	    o->window != DEF_WINDOW)) {
		warnx("-l, -r and --window need Rev. 1: drop -0");
		usage(2);
	}
	if (o->rev == 1 && (o->single_ack || o->first_seq != 0)) {
		warnx("-1 and --first-seq are Rev. 0 features: add -0");
		usage(2);
	}
	if (o->rev == 1 && o->block > MAX_BLOCK1) {
		warnx("block size must be from 1 to %d with Rev. 1",
		    MAX_BLOCK1);
		usage(2);
	}
	if (o->block == 0)
		o->block = o->rev == 0 ? DEF_BLOCK : DEF_BLOCK1;
	if (o->rev == 1 && o->window < 2 * o->block) {
		warnx("the window must hold two blocks at least");
		usage(2);
	}
}

uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* A message for the operator, unless -q. */
void
info(const struct np *np, const char *fmt, ...)
{
	va_list ap;

	if (np->o->verbose < 0)
		return;
	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

/* An event, with -v only. */
void
debug(const struct np *np, const char *fmt, ...)
{
	va_list ap;

	if (np->o->verbose < 1)
		return;
	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

/* A fatal error of this run: say it, flush what we have, exit 1. */
void
np_fail(struct np *np, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	(void)out_close();
	np->status = 1;
	np->done = 1;
}

/*
 * A round-trip sample r for a peer, and its repeat time: the smoothed
 * round trip plus four times its variation, within [lo, hi].
 */
void
rtt_sample(struct rtt *t, uint64_t r, uint64_t lo, uint64_t hi)
{
	uint64_t d;

	if (t->srtt == 0) {
		t->srtt = r;
		t->rttvar = r / 2;
	} else {
		d = t->srtt > r ? t->srtt - r : r - t->srtt;
		t->rttvar = (3 * t->rttvar + d) / 4;
		t->srtt = (7 * t->srtt + r) / 8;
	}
	t->rto = t->srtt + 4 * t->rttvar;
	if (t->rto < lo)
		t->rto = lo;
	if (t->rto > hi)
		t->rto = hi;
}

/* Write all of p to standard output; returns 0 or an errno. */
static int
write_all(const uint8_t *p, size_t len)
{
	ssize_t r;

	while (len > 0) {
		r = write(STDOUT_FILENO, p, len);
		if (r == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return errno;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* Write out what is buffered; returns 0 or an errno. */
int
out_flush(void)
{
	int e;

	e = write_all(outbuf, outlen);
	outlen = 0;
	return e;
}

/*
 * Append to standard output through a buffer.  Returns 0, or the errno
 * of a failed write: every error reaches the caller.
 */
int
out_write(const void *p, size_t len)
{
	int e;

	if (outlen + len > sizeof(outbuf) && (e = out_flush()) != 0)
		return e;
	if (len > sizeof(outbuf))
		return write_all(p, len);
	memcpy(outbuf + outlen, p, len);
	outlen += len;
	return 0;
}

/* Write straight from the caller's buffer, after what is buffered. */
int
out_direct(const void *p, size_t len)
{
	int e;

	if ((e = out_flush()) != 0)
		return e;
	return write_all(p, len);
}

/* Flush and close standard output, once; returns 0 or an errno. */
int
out_close(void)
{
	int e;

	if (outclosed)
		return 0;
	outclosed = 1;
	if ((e = out_flush()) != 0)
		return e;
	if (close(STDOUT_FILENO) == -1 && errno != EINTR)
		return errno;
	return 0;
}

static void
onsignal(int sig)
{
	gotsig = sig;
}

/*
 * The one event loop of every role: wait for a datagram, for standard
 * input when the role wants data, or for the role's next deadline.
 */
static int
run(struct np *np, const struct role *r)
{
	static struct rxbatch rb;
	struct pollfd pfd[3];
	struct timespec ts;
	uint64_t now, dl;
	size_t off, len;
	int fds[2], nfd, npfd, i, j, k, n, in;

	nfd = 0;
	fds[nfd++] = np->net.fd;
	if (np->net.ufd != -1)
		fds[nfd++] = np->net.ufd;

	while (!np->done) {
		if (gotsig) {
			r->interrupt(np, gotsig);
			break;
		}
		now = now_us();
		r->timer(np, now);
		if (np->done)
			break;
		dl = r->deadline(np);
		now = now_us();
		dl = dl > now ? dl - now : 0;
		ts.tv_sec = dl / 1000000;
		ts.tv_nsec = dl % 1000000 * 1000;

		for (i = 0; i < nfd; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN;
		}
		npfd = nfd;
		in = r->want_input != NULL && r->want_input(np);
		if (in) {
			pfd[npfd].fd = STDIN_FILENO;
			pfd[npfd++].events = POLLIN;
		}
		if (ppoll(pfd, npfd, &ts, NULL) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		for (i = 0; i < nfd && !np->done; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLERR)))
				continue;
			for (k = 0; k < RECV_ROUNDS && !np->done; k++) {
				if ((n = net_recvbatch(fds[i], &rb)) == 0)
					break;
				for (j = 0; j < n && !np->done; j++) {
					/* A GRO datagram: one segment each. */
					for (off = 0; off < rb.len[j] &&
					    !np->done; off += len) {
						len = rb.len[j] - off;
						if (len > rb.seg[j])
							len = rb.seg[j];
						r->packet(np, fds[i],
						    (uint8_t *)rb.iov[j].iov_base + off,
						    len, &rb.from[j]);
					}
					if (rb.len[j] == 0)
						r->packet(np, fds[i],
						    (uint8_t *)rb.iov[j].iov_base, 0,
						    &rb.from[j]);
				}
				if (n < RX_BATCH)
					break;
			}
		}
		if (in && !np->done && pfd[nfd].revents)
			r->input(np);
	}
	if (np->junk || np->foreign)
		debug(np, "ignored %llu malformed and %llu foreign datagrams",
		    (unsigned long long)np->junk,
		    (unsigned long long)np->foreign);
	return np->status;
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	struct opts o;
	struct np np;

	parse(&o, argc, argv);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	memset(&np, 0, sizeof(np));
	np.o = &o;
	if (o.server)
		net_server(&np.net, &o);
	else
		net_client(&np.net, &o);
	np.start = now_us();
	if (o.rev == 0) {
		rev0_init(&np);
		return run(&np, o.server ? &rev0_server : &rev0_client);
	}
	rev1_init(&np);
	return run(&np, o.server ? &rev1_server : &rev1_client);
}
