/*
 * netpipe: copy one stream onto many machines over UDP.
 * netpipe.c: the command line; the run itself is loop.c's.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpipe.h"
#include "seal.h"

enum { OPT_FIRST_SEQ = 256, OPT_TTL, OPT_WINDOW, OPT_STATS, OPT_MIN_RATE,
	OPT_GENKEY, OPT_FEC, OPT_SOURCE };

static void	 usage(int);
static unsigned long long number(const char *, const char *,
		    unsigned long long, unsigned long long);
static unsigned long long bitrate(const char *);
static int	 ipaddr(const char *, union addr *);
static int	 ssm_group(const union addr *);
static void	 parse(struct opts *, int, char **);

static const struct option longopts[] = {
	{ "server",	no_argument,		NULL, 's' },
	{ "client",	no_argument,		NULL, 'c' },
	{ "clients",	required_argument,	NULL, 'n' },
	{ "wait",	required_argument,	NULL, 'w' },
	{ "single-ack",	no_argument,		NULL, '1' },
	{ "rev0",	no_argument,		NULL, '0' },
	{ "port",	required_argument,	NULL, 'p' },
	{ "interface",	required_argument,	NULL, 'i' },
	{ "key",	required_argument,	NULL, 'k' },
	{ "genkey",	required_argument,	NULL, OPT_GENKEY },
	{ "multicast",	required_argument,	NULL, 'm' },
	{ "unicast",	required_argument,	NULL, 'u' },
	{ "timeout",	required_argument,	NULL, 't' },
	{ "block-size",	required_argument,	NULL, 'b' },
	{ "fec",	required_argument,	NULL, OPT_FEC },
	{ "first-seq",	required_argument,	NULL, OPT_FIRST_SEQ },
	{ "label",	required_argument,	NULL, 'l' },
	{ "rate",	required_argument,	NULL, 'r' },
	{ "min-rate",	required_argument,	NULL, OPT_MIN_RATE },
	{ "source",	required_argument,	NULL, OPT_SOURCE },
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
"usage: netpipe -s [-01Pqv] [-b bytes] [--fec n] [-i interface]\n"
"               [-k keyfile] [-l label] [-m group | -u host]\n"
"               [--min-rate rate] [-n clients] [-p port] [-r rate]\n"
"               [--stats file] [-t seconds] [--ttl hops] [-w seconds]\n"
"               [--window bytes]\n"
"       netpipe -c [-0Pqv] [-i interface] [-k keyfile] [-l label]\n"
"               [-m group] [-p port] [--source address] [--stats file]\n"
"               [-t seconds]\n"
"       netpipe --genkey keyfile\n"
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

/*
 * An IPv4 or IPv6 address (IPv6 with an optional %interface or %index,
 * its scope), port 0.  Returns -1 if s is neither.
 */
static int
ipaddr(const char *s, union addr *a)
{
	char buf[INET6_ADDRSTRLEN], *pc;

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->sin.sin_addr) == 1) {
		a->sin.sin_family = AF_INET;
		return 0;
	}
	if (strlen(s) >= sizeof(buf) + IF_NAMESIZE)
		return -1;
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(s, "%"), s);
	if (inet_pton(AF_INET6, buf, &a->sin6.sin6_addr) != 1)
		return -1;
	a->sin6.sin6_family = AF_INET6;
	if ((pc = strchr(s, '%')) != NULL &&
	    (a->sin6.sin6_scope_id = if_nametoindex(pc + 1)) == 0 &&
	    (pc[1] < '1' || pc[1] > '9' ||
	    (a->sin6.sin6_scope_id = (uint32_t)strtoul(pc + 1, NULL, 10)) ==
	    0))
		return -1;
	return 0;
}

/* A source-specific group: 232.0.0.0/8, or ff3x::/32 (RFC 4607). */
static int
ssm_group(const union addr *g)
{
	const uint8_t *b = g->sin6.sin6_addr.s6_addr;

	if (g->sa.sa_family == AF_INET)
		return (ntohl(g->sin.sin_addr.s_addr) >> 24) == 232;
	return b[0] == 0xff && (b[1] >> 4) == 3 && b[2] == 0 && b[3] == 0;
}

static void
parse(struct opts *o, int argc, char **argv)
{
	const char *genkey = NULL;
	int ch, mode = 0, nopt = 0;

	memset(o, 0, sizeof(*o));
	o->nclients = 1;
	o->port = DEF_PORT;
	o->timeout = DEF_TIMEOUT;
	o->rev = 1;
	o->ttl = 1;
	o->window = DEF_WINDOW;

	opterr = 0;			/* our messages, not getopt's */
	while ((ch = getopt_long(argc, argv, ":01b:chi:k:l:m:n:Pp:qr:st:u:vVw:",
	    longopts, NULL)) != -1) {
		nopt++;
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
			if (ipaddr(optarg, &o->group) == -1 ||
			    (o->group.sa.sa_family == AF_INET ?
			    !IN_MULTICAST(ntohl(o->group.sin.sin_addr.s_addr)) :
			    !IN6_IS_ADDR_MULTICAST(&o->group.sin6.sin6_addr))) {
				warnx("not an IPv4 or IPv6 multicast group: %s",
				    optarg);
				usage(2);
			}
			o->multicast = 1;
			break;
		case 'u':
			if (ipaddr(optarg, &o->host) == -1) {
				warnx("not an IPv4 or IPv6 address: %s",
				    optarg);
				usage(2);
			}
			o->unicast = 1;
			break;
		case OPT_SOURCE:
			if (ipaddr(optarg, &o->source) == -1) {
				warnx("--source: not an IPv4 or IPv6 address: "
				    "%s", optarg);
				usage(2);
			}
			o->ssm = 1;
			break;
		case 't':
			o->timeout = number("timeout", optarg, 1, 3600);
			break;
		case 'b':
			o->block = number("block size", optarg, 1, MAX_BLOCK);
			break;
		case 'k':
			if (*optarg == '\0') {
				warnx("-k needs a key file");
				usage(2);
			}
			o->keyfile = optarg;
			break;
		case OPT_GENKEY:
			genkey = optarg;
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
		case OPT_MIN_RATE:
			o->min_rate = bitrate(optarg);
			break;
		case OPT_TTL:
			o->ttl = number("ttl", optarg, 1, 255);
			break;
		case OPT_WINDOW:
			o->window = number("window", optarg, MIN_WINDOW,
			    MAX_WINDOW);
			break;
		case OPT_FEC:
			o->fec = number("fec", optarg, 0, FEC_MAX);
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
			/* A long option's own value is no letter. */
			if (optopt != 0 && optopt < OPT_FIRST_SEQ)
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
	if (genkey != NULL) {
		if (nopt != 1 || optind != argc) {
			warnx("--genkey takes no other option");
			usage(2);
		}
		seal_genkey(genkey);
		exit(0);
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
	    o->min_rate != 0 || o->ttl != 1 || o->window != DEF_WINDOW ||
	    o->fec != 0)) {
		warnx("-1, -b, -n, -r, -u, -w, --fec, --min-rate, --ttl and "
		    "--window are server options");
		usage(2);
	}
	if (o->server && o->ssm) {
		warnx("--source is a client option");
		usage(2);
	}
	if (o->ssm && (!o->multicast || !ssm_group(&o->group) ||
	    o->source.sa.sa_family != o->group.sa.sa_family)) {
		warnx("--source needs -m with a source-specific group of its "
		    "family (232.0.0.0/8, ff3x::/32)");
		usage(2);
	}
	if (!o->server && o->multicast && ssm_group(&o->group) && !o->ssm) {
		warnx("a source-specific group (232.0.0.0/8, ff3x::/32) needs "
		    "--source, the server's address");
		usage(2);
	}
	if (o->multicast && o->iface == NULL &&
	    o->group.sa.sa_family == AF_INET6 &&
	    (IN6_IS_ADDR_MC_LINKLOCAL(&o->group.sin6.sin6_addr) ||
	    IN6_IS_ADDR_MC_NODELOCAL(&o->group.sin6.sin6_addr)) &&
	    o->group.sin6.sin6_scope_id == 0) {
		warnx("a link-local group needs -i (or group%%interface)");
		usage(2);
	}
	if (o->rev == 0 && (o->label != NULL || o->rate != 0 ||
	    o->min_rate != 0 || o->window != DEF_WINDOW || o->fec != 0)) {
		warnx("-l, -r, --fec, --min-rate and --window need Rev. 1: "
		    "drop -0");
		usage(2);
	}
	if (o->rev == 0 && o->keyfile != NULL) {
		warnx("-k needs Rev. 1: Rev. 0 is the 1999 protocol; drop -0");
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
	if (o->keyfile != NULL && o->block > MAX_BLOCK1_KEY) {
		warnx("block size must be from 1 to %d with -k",
		    MAX_BLOCK1_KEY);
		usage(2);
	}
	/* Without -b the server's block follows the MTU (loop.c). */
	if (o->rev == 1 && o->window < 2 * (o->block ? o->block : DEF_BLOCK1)) {
		warnx("the window must hold two blocks at least");
		usage(2);
	}
	/* A test hook (tests/README): a client as one older than parity
	   on demand: it announces no decoding, its reports no age. */
	o->no_decode = getenv("NETPIPE_NO_DECODE") != NULL &&
	    strcmp(getenv("NETPIPE_NO_DECODE"), "1") == 0;
	/* Another: a server or client as one older than parity groups of
	   GROUP_MAX (PF_WIDE): groups of GROUP_OLD, PF_PARITY. */
	o->old_groups = getenv("NETPIPE_OLD_GROUPS") != NULL &&
	    strcmp(getenv("NETPIPE_OLD_GROUPS"), "1") == 0;
}

int
main(int argc, char *argv[])
{
	struct opts o;

	parse(&o, argc, argv);
	return loop_run(&o);
}
