/*
 * netpipe: copy one stream onto many machines over UDP.
 * netpipe.c: the command line, the event loop, and standard output.
 *
 * Copyright (C) 1999 Jan Oberlaender (the NetPipe Rev. 0 design)
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/fs.h>
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
#define DRAW_TTY	250000		/* µs: progress redrawn on a terminal */
#define DRAW_LOG	1000000		/* progress lines (-P) to a file */
#define WATCH		1000000		/* -v sums up repeats and junk */

enum { OPT_FIRST_SEQ = 256, OPT_TTL, OPT_WINDOW, OPT_STATS };

static void	 usage(int);
static unsigned long long number(const char *, const char *,
		    unsigned long long, unsigned long long);
static unsigned long long bitrate(const char *);
static void	 parse(struct opts *, int, char **);
static void	 say(const char *, va_list);
static void	 onsignal(int);
static int	 insize(int, uint64_t *);
static const char *human(char *, size_t, double);
static const char *clock_str(char *, size_t, double);
static void	 addf(char *, size_t, size_t *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static void	 draw(const struct np *, const struct tally *, uint64_t);
static void	 undraw(void);
static void	 watch(struct np *, const struct tally *, uint64_t);
static void	 tick(struct np *, const struct role *, uint64_t);
static void	 net_up(struct np *);
static const struct role *role_up(struct np *);
static int	 run(struct np *, const struct role *);
static void	 summary(struct np *, const struct role *);
static void	 json_str(FILE *, const char *);
static int	 stats(struct np *, const struct role *);
static void	 stats_atexit(void);
static int	 write_all(const uint8_t *, size_t);

static volatile sig_atomic_t gotsig;
static uint8_t	 outbuf[OUTBUF];
static size_t	 outlen;
static int	 outclosed;

/* The progress line. */
static struct {
	int		 on;		/* -P, or stderr is a terminal */
	int		 forced;	/* -P */
	int		 tty;		/* redraw in place on a terminal */
	int		 shown;		/* a line is on the terminal now */
	int		 sized;		/* the input's size is known */
	uint64_t	 size;
	uint64_t	 at, bytes;	/* the last draw */
	double		 rate;		/* bytes/s, smoothed over draws */
} prog;

/* What the loop looks at now and then, besides the role's timers. */
static struct {
	uint64_t	 next;		/* the next tick */
	uint64_t	 draw;		/* the next progress draw */
	uint64_t	 look;		/* the next -v sum and hint */
	uint64_t	 repeats, junk, foreign;	/* at the last sum */
	int		 hinted;	/* said what to check */
} tk;

/* The end of the run, for the summary and --stats. */
static struct {
	FILE		*f;		/* --stats */
	int		 written;
	struct np	*np;
	const struct role *role;
	uint64_t	 end;		/* µs, the loop ended */
	char		 error[256];	/* the first fatal error */
} fin;

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
	{ "progress",	no_argument,		NULL, 'P' },
	{ "stats",	required_argument,	NULL, OPT_STATS },
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
"usage: netpipe -s [-01Pqv] [-b bytes] [-i interface] [-l label]\n"
"               [-m group | -u host] [-n clients] [-p port] [-r rate]\n"
"               [--stats file] [-t seconds] [--ttl hops] [-w seconds]\n"
"               [--window bytes]\n"
"       netpipe -c [-0Pqv] [-i interface] [-l label] [-m group] [-p port]\n"
"               [--stats file] [-t seconds]\n"
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
	while ((ch = getopt_long(argc, argv, ":01b:chi:l:m:n:Pp:qr:st:u:vVw:",
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
		case 'P':
			o->progress = 1;
			break;
		case OPT_STATS:
			if (*optarg == '\0') {
				warnx("--stats needs a file name");
				usage(2);
			}
			o->stats = optarg;
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

/* Every message goes out here: on a line of its own, not the progress's. */
static void
say(const char *fmt, va_list ap)
{
	undraw();
	vwarnx(fmt, ap);
}

/* A message for the operator, unless -q. */
void
info(const struct np *np, const char *fmt, ...)
{
	va_list ap;

	if (np->o->verbose < 0)
		return;
	va_start(ap, fmt);
	say(fmt, ap);
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
	say(fmt, ap);
	va_end(ap);
}

/* A warning or an error that is not the end of the run: always said. */
void
np_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
}

/* An address as a.b.c.d:port; two calls may share one printf. */
const char *
addrstr(const struct sockaddr_in *a)
{
	static char buf[2][INET_ADDRSTRLEN + 8];
	static int k;
	char ip[INET_ADDRSTRLEN];

	k = !k;
	inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
	snprintf(buf[k], sizeof(buf[k]), "%s:%u", ip, ntohs(a->sin_port));
	return buf[k];
}

int
sameaddr(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr &&
	    a->sin_port == b->sin_port;
}

/* A fatal error of this run: say it, flush what we have, exit 1. */
void
np_fail(struct np *np, const char *fmt, ...)
{
	va_list ap;

	if (fin.error[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(fin.error, sizeof(fin.error), fmt, ap);
		va_end(ap);
	}
	va_start(ap, fmt);
	say(fmt, ap);
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
 * The bytes left to read from fd when it is a regular file or a block
 * device (BLKGETSIZE64, Linux), for the progress line; -1 for a pipe or
 * anything else whose end is not known before it comes.
 */
static int
insize(int fd, uint64_t *size)
{
	struct stat st;
	uint64_t n;
	off_t at;

	if (fstat(fd, &st) == -1)
		return -1;
	if (S_ISREG(st.st_mode))
		n = (uint64_t)st.st_size;
	else if (!S_ISBLK(st.st_mode) || ioctl(fd, BLKGETSIZE64, &n) == -1)
		return -1;
	if ((at = lseek(fd, 0, SEEK_CUR)) > 0)
		n = (uint64_t)at < n ? n - (uint64_t)at : 0;
	*size = n;
	return 0;
}

/* Bytes in decimal units, as the rates: "1.5 GB". */
static const char *
human(char *buf, size_t len, double v)
{
	static const char *unit[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	unsigned u = 0;

	while (v >= 1000 && u < 5) {
		v /= 1000;
		u++;
	}
	snprintf(buf, len, u == 0 ? "%.0f %s" : "%.1f %s", v, unit[u]);
	return buf;
}

/* Seconds as m:ss or h:mm:ss. */
static const char *
clock_str(char *buf, size_t len, double secs)
{
	unsigned long long s;

	s = secs > 0 && secs < 1e9 ? (unsigned long long)secs : 0;

	if (s >= 3600)
		snprintf(buf, len, "%llu:%02llu:%02llu", s / 3600,
		    s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%llu:%02llu", s / 60, s % 60);
	return buf;
}

/* Append to the string in buf (size bytes, strlen *n), cut if full. */
static void
addf(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*n + 1 >= size)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *n, size - *n, fmt, ap);
	va_end(ap);
	if (k > 0)
		*n = *n + (size_t)k < size ? *n + (size_t)k : size - 1;
}

/*
 * The progress line: one write(2) of one line.  On a terminal it is
 * redrawn in place ("\r...\033[K"), cut to the terminal's width, and only
 * while netpipe is in the foreground (unless -P); to anything else (-P)
 * it is a plain line, a new one each time.
 */
static void
draw(const struct np *np, const struct tally *t, uint64_t now)
{
	const struct opts *o = np->o;
	char line[256], b[32], c[32];
	struct winsize ws;
	double el, dt, avg;
	size_t n = 0, sz = sizeof(line) - 4;	/* room for \033[K or \n */
	ssize_t w;

	if (!prog.forced && tcgetpgrp(STDERR_FILENO) != getpgrp())
		return;			/* a background job keeps quiet */
	if (prog.tty)
		addf(line, sz, &n, "\r");
	addf(line, sz, &n, "netpipe: ");
	if (np->began == 0) {
		el = (double)(now - np->start) / 1e6;
		if (o->server)
			addf(line, sz, &n, "waiting for clients: "
			    "%u of %u", t->nalive, o->nclients);
		else
			addf(line, sz, &n, "waiting for a server");
		addf(line, sz, &n, ", %s",
		    clock_str(b, sizeof(b), el));
	} else {
		el = (double)(now - np->began) / 1e6;
		if (prog.at < np->began) {	/* the first since the start */
			prog.at = np->began;
			prog.bytes = 0;
		}
		/* The rate since the last draw, smoothed over a few. */
		dt = (double)(now - prog.at) / 1e6;
		if (dt > 0 && t->bytes >= prog.bytes)
			prog.rate = (prog.rate == 0 ? 0 : 0.5 * prog.rate) +
			    (prog.rate == 0 ? 1 : 0.5) *
			    (double)(t->bytes - prog.bytes) / dt;
		addf(line, sz, &n, "%s",
		    human(b, sizeof(b), (double)t->bytes));
		if (prog.sized)
			addf(line, sz, &n, " of %s (%u%%)",
			    human(c, sizeof(c), (double)prog.size),
			    prog.size == 0 || t->bytes >= prog.size ? 100 :
			    (unsigned)(100 * (double)t->bytes / prog.size));
		addf(line, sz, &n, ", %s/s",
		    human(b, sizeof(b), prog.rate));
		avg = el > 0 ? (double)t->bytes / el : 0;
		if (prog.sized && avg > 0 && t->bytes < prog.size)
			addf(line, sz, &n, ", ETA %s",
			    clock_str(b, sizeof(b),
			    (double)(prog.size - t->bytes) / avg));
		else
			addf(line, sz, &n, ", %s",
			    clock_str(b, sizeof(b), el));
		if (o->server)
			addf(line, sz, &n, ", %u client%s, "
			    "%u dropped, %.2f%% repeated", t->nalive,
			    t->nalive == 1 ? "" : "s", t->npeers - t->nalive,
			    t->blocks ? 100.0 * t->repeats / t->blocks : 0.0);
	}
	prog.at = now;
	prog.bytes = t->bytes;
	if (prog.tty) {
		/* Never wider than the terminal: a wrapped line scrolls. */
		if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 &&
		    ws.ws_col > 10 && n > ws.ws_col)
			n = ws.ws_col;	/* the \r and ws_col - 1 characters */
		memcpy(line + n, "\033[K", 3);
		n += 3;
		prog.shown = 1;
	} else
		line[n++] = '\n';
	w = write(STDERR_FILENO, line, n);
	(void)w;			/* a lost progress line is no error */
}

/* Clear the progress line, so that a message starts on a clean line. */
static void
undraw(void)
{
	ssize_t w;

	if (!prog.shown)
		return;
	prog.shown = 0;
	w = write(STDERR_FILENO, "\r\033[K", 4);
	(void)w;
}

/*
 * Once a second: with -v, the repeats and the junk since the last look
 * (one line each, not one per packet); and once, if nothing has
 * answered within the timeout, what to check.
 */
static void
watch(struct np *np, const struct tally *t, uint64_t now)
{
	const struct opts *o = np->o;
	char what[64];

	if (t->repeats > tk.repeats)
		debug(np, "repeated %llu blocks in the last second",
		    (unsigned long long)(t->repeats - tk.repeats));
	if (np->junk > tk.junk || np->foreign > tk.foreign)
		debug(np, "ignored %llu malformed and %llu foreign datagrams "
		    "in the last second",
		    (unsigned long long)(np->junk - tk.junk),
		    (unsigned long long)(np->foreign - tk.foreign));
	tk.repeats = t->repeats;
	tk.junk = np->junk;
	tk.foreign = np->foreign;

	if (tk.hinted || np->began != 0 ||
	    now - np->start < secs(o->timeout))
		return;
	tk.hinted = 1;
	if (o->server) {
		if (t->npeers == 0)
			snprintf(what, sizeof(what), "no client has answered");
		else
			snprintf(what, sizeof(what), "%u of %u clients have "
			    "answered", t->npeers, o->nclients);
		info(np, "%s in %u s; pinging %s on %s: is %s running, "
		    "with the same -p%s and revision?  Is UDP %u open on "
		    "the clients and UDP %u here?", what, o->timeout,
		    addrstr(&np->net.dst),
		    np->net.ifname[0] ? np->net.ifname : "the routed interface",
		    t->npeers ? "every client" : "a client",
		    o->multicast ? ", -m" : "", o->port, o->port + 1);
		return;
	}
	if (o->multicast)
		snprintf(what, sizeof(what), "group %s on %s",
		    inet_ntoa(o->group), np->net.ifname);
	else
		snprintf(what, sizeof(what), "broadcast or unicast");
	info(np, "no server heard in %u s on UDP port %u (%s): is the server "
	    "running, with the same -p%s and revision?  Is UDP %u open here "
	    "and UDP %u on the server?%s", o->timeout, o->port, what,
	    o->multicast ? ", -m" : "", o->port, o->port + 1,
	    np->foreign ? "  Datagrams from other servers were ignored: "
	    "another label, session or revision?" : "");
}

/* Between the role's timers: the progress line, -v sums, the hint. */
static void
tick(struct np *np, const struct role *r, uint64_t now)
{
	struct tally t;

	if (now < tk.next)
		return;
	memset(&t, 0, sizeof(t));
	r->tally(np, &t);
	if (prog.on && now >= tk.draw) {
		draw(np, &t, now);
		tk.draw = now + (prog.tty ? DRAW_TTY : DRAW_LOG);
	}
	if (now >= tk.look) {
		watch(np, &t, now);
		tk.look = now + WATCH;
	}
	tk.next = prog.on && tk.draw < tk.look ? tk.draw : tk.look;
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
		tick(np, r, now);
		dl = r->deadline(np);
		if (dl > tk.next)
			dl = tk.next;
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
	fin.end = now_us();
	if (np->junk || np->foreign)
		debug(np, "ignored %llu malformed and %llu foreign datagrams",
		    (unsigned long long)np->junk,
		    (unsigned long long)np->foreign);
	return np->status;
}

/*
 * The end of a run: bytes, seconds and rate; on the server a line for
 * each client.  Dropped clients are named even with -q: they make the
 * exit status 3.
 */
static void
summary(struct np *np, const struct role *r)
{
	struct tally t;
	struct peer p;
	double secs, rate;
	unsigned i, ndone = 0;

	undraw();
	if (np->began == 0)
		return;			/* nothing was sent: the error says */
	memset(&t, 0, sizeof(t));
	r->tally(np, &t);
	secs = (double)((np->ended ? np->ended : fin.end) - np->began) / 1e6;
	rate = secs > 0 ? (double)t.bytes / secs / 1e6 : 0.0;
	if (!np->o->server) {
		if (np->status == 0)
			info(np, "received %llu bytes in %.2f s (%.2f MB/s)",
			    (unsigned long long)t.bytes, secs, rate);
		else
			info(np, "incomplete: %llu bytes written in %.2f s "
			    "(%.2f MB/s)", (unsigned long long)t.bytes, secs,
			    rate);
		return;
	}
	for (i = 0; i < t.npeers; i++) {
		memset(&p, 0, sizeof(p));
		r->peer(np, i, &p);
		ndone += p.result == PEER_DONE;
	}
	if (np->status != 1)
		info(np, "sent %llu bytes in %.2f s (%.2f MB/s) to %u "
		    "client%s, %.2f%% repeated", (unsigned long long)t.bytes,
		    secs, rate, ndone, ndone == 1 ? "" : "s",
		    t.blocks ? 100.0 * t.repeats / t.blocks : 0.0);
	else
		info(np, "stopped after %llu bytes confirmed in %.2f s "
		    "(%.2f MB/s), %.2f%% repeated", (unsigned long long)t.bytes,
		    secs, rate, t.blocks ? 100.0 * t.repeats / t.blocks : 0.0);
	for (i = 0; i < t.npeers; i++) {
		memset(&p, 0, sizeof(p));
		r->peer(np, i, &p);
		if (p.result == PEER_DONE)
			info(np, "client %s: done, %llu bytes, round trip "
			    "%.2f ms", addrstr(&p.addr),
			    (unsigned long long)p.bytes, p.rtt / 1000.0);
		else if (p.result == PEER_DROPPED)
			np_warnx("client %s: dropped after %llu bytes: %s",
			    addrstr(&p.addr), (unsigned long long)p.bytes,
			    p.why);
		else
			info(np, "client %s: unfinished after %llu bytes",
			    addrstr(&p.addr), (unsigned long long)p.bytes);
	}
}

/* A JSON string, or null; what is not printable ASCII as \u00XX. */
static void
json_str(FILE *f, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			putc(*p, f);
	putc('"', f);
}

/*
 * --stats: one JSON object on one line (the man page has the schema).
 * r is NULL when setup failed before a role was chosen.  Returns -1 if
 * the file could not be written.
 */
static int
stats(struct np *np, const struct role *r)
{
	const struct opts *o = np->o;
	FILE *f = fin.f;
	struct tally t;
	struct peer p;
	uint64_t end;
	double secs;
	unsigned i;
	int e;

	if (f == NULL || fin.written)
		return 0;
	fin.written = 1;
	memset(&t, 0, sizeof(t));
	if (r != NULL)
		r->tally(np, &t);
	end = fin.end ? fin.end : now_us();
	secs = np->began ? (double)((np->ended ? np->ended : end) -
	    np->began) / 1e6 : 0.0;
	fprintf(f, "{\"netpipe\":\"%s\",\"role\":\"%s\",\"protocol\":%d,"
	    "\"label\":", NP_VERSION, o->server ? "server" : "client", o->rev);
	json_str(f, o->label);
	fputs(",\"interface\":", f);
	/* A client without -m receives on every interface. */
	json_str(f, np->net.ifname[0] != '\0' && (o->server || o->multicast) ?
	    np->net.ifname : NULL);
	if (o->server) {
		fputs(",\"destination\":", f);
		json_str(f, np->net.dst.sin_family == AF_INET ?
		    addrstr(&np->net.dst) : NULL);
		if (prog.sized)
			fprintf(f, ",\"size\":%llu",
			    (unsigned long long)prog.size);
		else
			fputs(",\"size\":null", f);
	} else {
		fputs(",\"server\":", f);
		memset(&p, 0, sizeof(p));
		if (t.npeers > 0)
			r->peer(np, 0, &p);
		json_str(f, t.npeers > 0 ? addrstr(&p.addr) : NULL);
	}
	fprintf(f, ",\"bytes\":%llu,\"seconds\":%.3f,\"elapsed\":%.3f,"
	    "\"rate_bytes_per_s\":%.0f", (unsigned long long)t.bytes, secs,
	    np->start ? (double)(end - np->start) / 1e6 : 0.0,
	    secs > 0 ? (double)t.bytes / secs : 0.0);
	if (o->server)
		fprintf(f, ",\"retransmit_pct\":%.3f", t.blocks ?
		    100.0 * t.repeats / t.blocks : 0.0);
	else
		fputs(",\"retransmit_pct\":null", f);
	fprintf(f, ",\"exit\":%d,\"error\":", np->done ? np->status : 1);
	json_str(f, fin.error[0] ? fin.error : NULL);
	fputs(",\"clients\":[", f);
	for (i = 0; o->server && i < t.npeers; i++) {
		memset(&p, 0, sizeof(p));
		r->peer(np, i, &p);
		fprintf(f, "%s{\"address\":\"%s\",\"bytes_confirmed\":%llu,"
		    "\"result\":\"%s\",\"reason\":", i ? "," : "",
		    addrstr(&p.addr), (unsigned long long)p.bytes,
		    p.result == PEER_DONE ? "done" : p.result == PEER_DROPPED ?
		    "dropped" : "unfinished");
		json_str(f, p.result == PEER_DROPPED ? p.why : NULL);
		if (p.rtt)
			fprintf(f, ",\"rtt_ms\":%.3f}", p.rtt / 1000.0);
		else
			fputs(",\"rtt_ms\":null}", f);
	}
	fputs("]}\n", f);
	e = ferror(f);
	if (fclose(f) == EOF || e) {
		np_warnx("--stats %s: %s", o->stats,
		    e ? "write error" : strerror(errno));
		return -1;
	}
	return 0;
}

/* A run that ends in err(3) still leaves its stats, exit 1. */
static void
stats_atexit(void)
{
	if (fin.error[0] == '\0' && !fin.np->done)
		snprintf(fin.error, sizeof(fin.error), "failed; the message "
		    "is on standard error");
	(void)stats(fin.np, fin.role);
}

/* The sockets of this end, and the clocks of the run. */
static void
net_up(struct np *np)
{
	if (np->o->server)
		net_server(&np->net, np->o);
	else
		net_client(&np->net, np->o);
	np->start = tk.draw = tk.next = now_us();
	tk.look = np->start + WATCH;
}

/* The role this end plays, its revision's state set up. */
static const struct role *
role_up(struct np *np)
{
	if (np->o->rev == 0) {
		rev0_init(np);
		return np->o->server ? &rev0_server : &rev0_client;
	}
	rev1_init(np);
	return np->o->server ? &rev1_server : &rev1_client;
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
	fin.np = &np;
	if (o.stats != NULL) {
		if ((fin.f = fopen(o.stats, "w")) == NULL)
			err(1, "--stats %s", o.stats);
		atexit(stats_atexit);
	}
	/* Never read or write the terminal: no prompts, no binary mess. */
	if (o.server && isatty(STDIN_FILENO))
		errx(1, "standard input is a terminal: give the server a "
		    "file or a pipe (netpipe -s < file)");
	if (!o.server && isatty(STDOUT_FILENO))
		errx(1, "standard output is a terminal: send the stream to "
		    "a file or a pipe (netpipe -c > file)");
	prog.forced = o.progress;
	prog.tty = isatty(STDERR_FILENO);
	prog.on = o.progress || (prog.tty && o.verbose >= 0);
	if (o.server)
		prog.sized = insize(STDIN_FILENO, &prog.size) == 0;

	net_up(&np);
	if (o.iface == NULL && np.net.ifname[0] != '\0' &&
	    (o.server || o.multicast))
		info(&np, "interface %s (%s): %s; name another with -i",
		    np.net.ifname, inet_ntoa(np.net.ifaddr), np.net.ifwhy);
	if (!o.server && o.multicast)
		info(&np, "waiting for a server: group %s, UDP port %u, on %s",
		    inet_ntoa(o.group), o.port, np.net.ifname);
	else if (!o.server)
		info(&np, "waiting for a server: UDP port %u, broadcast or "
		    "unicast", o.port);
	fin.role = role_up(&np);
	run(&np, fin.role);
	summary(&np, fin.role);
	if (stats(&np, fin.role) == -1 && np.status == 0)
		np.status = 1;
	return np.status;
}
