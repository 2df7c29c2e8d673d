/*
 * netpipe: tests/sim/sim.c: a whole room in one process, in virtual time.
 *
 *	tests/sim/sim -n clients [-0] [--loss pct] [--port-rate rate]
 *	    [--size bytes] [--seed n] [more: tests/sim/sim -h]
 *
 * The real server role and N real client roles (rev0.c, rev1.c, through
 * struct role) run against a modelled network: the server's port, a
 * switch, each client's switch port, delay, jitter, loss, duplication,
 * reordering, slow, stopped and dead clients, a dead server.  Nothing
 * runs in real time: the next event (a datagram arriving, a host waking
 * for its deadline) is taken from a queue, and the clock jumps to it.
 * The same arguments give the same run, event for event: the last line
 * of output is a JSON object with the results and a digest of the event
 * trace.  tests/sim/README describes the model and the output.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/resource.h>
#include <sys/types.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "../../netpipe.h"

/* The fast CRC-32 (crc_fold) is x86-64's; elsewhere zlib's does it all. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define FOLD_CPU()	(__builtin_cpu_supports("pclmul") && \
			    __builtin_cpu_supports("sse4.1"))
#else
#define FOLD_CPU()	0
#endif

#define T0		(10 * SEC)	/* virtual clock at the start: a
					   role may take 0 for "never" */
#define GSO_SEGS	44		/* net.c's UDP GSO: segments */
#define GSO_BYTES	65000		/* and bytes, a super-datagram */
#define FRAME		42		/* bytes a datagram's frame adds: IP
					   20, UDP 8, Ethernet 14 (as tbf
					   counts; 1514-byte frames) */
#define SIM_PORT	9000		/* data port; the status port +1 */
#define CLIENT_PORT	40000		/* clients' status sockets */
#define RX_ROUNDS	8		/* recvmmsg batches a wakeup and socket,
					   as the real loop */
#define RX_MAX		(RX_BATCH * RX_ROUNDS)
#define ZERO_MAX	1000		/* wakeups in a row at one instant */
#define WINDOW_ROOM	(4096ULL * 1024 * 1024)	/* default windows, all */
#define WINDOW_LEAST	(2 * 1024 * 1024)	/* and each, at least */
#define MAX_SPECS	256		/* per-client options */
#define NEVER		UINT64_MAX

enum { H_RUN, H_STOP, H_DONE, H_DEAD };		/* a host's state */
enum { X_EXIT, X_KILLED, X_HUNG };		/* how it ended */
enum { T_IN, T_QDROP, T_LOST };			/* a train at a port */

/* One-off events (the general queue). */
enum { EV_DEPART, EV_ARRIVE, EV_UPLINK, EV_KILL, EV_STOP, EV_RESUME };

/* Per-client options, applied in the order given. */
enum { SP_LOSS, SP_RATE, SP_SLOW, SP_STOP, SP_KILL, SP_NODECODE };

/* A datagram: one buffer, shared by every delivery of it. */
struct dgram {
	unsigned	 ref;
	unsigned	 src;		/* host that sent it */
	uint32_t	 train;		/* --trains: its train, 0 none */
	uint32_t	 tbytes;	/* and that train's frame bytes */
	uint32_t	 len;
	uint8_t		 data[];
};

/* One direction of a port: a FIFO queue serialised at a rate. */
struct link {
	double		 rate;		/* bit/s */
	double		 qmax;		/* bytes it holds */
	double		 busy;		/* µs: the last frame queued is out */
};

/* Datagrams on their way to one host, in order of arrival. */
struct pend {
	uint64_t	 at;
	struct dgram	*d;
	int		 sock;
};

struct fifo {
	struct pend	*v;
	size_t		 head, n, cap;
};

/* A socket's receive buffer: each datagram with when it came (the
   kernel's stamp, SO_TIMESTAMPNS in loop.c). */
struct rxent {
	struct dgram	*d;
	uint64_t	 at;
};

struct rxq {
	struct rxent	*v;
	size_t		 head, n, cap;
	uint64_t	 bytes;
};

struct rng {
	uint64_t	 s[4];
};

struct host {
	/* What each datagram touches first. */
	int		 state;		/* H_* */
	unsigned	 id;		/* 0 the server, 1.. the clients */
	uint64_t	 wake_at;	/* its next wakeup, NEVER: none */
	uint64_t	 busy;		/* it runs again no sooner */
	struct fifo	 pipe;		/* on the way to it */
	struct link	 port;		/* client: the switch port to it */
	double		 loss;		/* client: random loss at its port */
	uint32_t	 train;		/* client: the last train at its port */
	int		 tfate;		/* and what became of it: T_* */
	struct rng	 fwd;		/* draws towards it */
	struct rxq	 rx[2];		/* data socket, status socket */
	const struct role *role;
	uint64_t	 now;		/* its clock, within a wakeup */
	unsigned	 zero;		/* wakeups in a row at one time */
	int		 in;		/* it wants standard input */
	double		 cpu;		/* µs of handling not yet on the clock */
	uint64_t	 stamp;		/* the last arrival handed the role */
	uint64_t	 given;		/* the last time its timer was given */
	uint64_t	 handled;	/* datagrams it handled */

	union addr	 addr;		/* its status socket */
	int		 how;		/* X_*, once not running */
	double		 wrate;		/* client: output bit/s, 0 instant */
	uint64_t	 stop_at, resume_at, kill_at;	/* 0: never */
	uint64_t	 up_last;	/* client: its last report's arrival */
	struct rng	 up, rnd;	/* draws from it, io->random */
	uint64_t	 rd;		/* server: stream bytes read */
	uint64_t	 written;	/* client: stream bytes written */
	uint64_t	 bad;		/* client: mismatched writes */
	uint64_t	 bad_at;	/* and where the first one was */
	int		 closed;
	uint64_t	 end;		/* when it stopped running */
	struct np	 np;
	struct opts	 o;
	struct io	 io;
};

/* A host in the queue: the time of its next event. */
struct inode {
	uint64_t	 at, seq;
	unsigned	 id;
};

struct ev {
	uint64_t	 at, seq;
	double		 t;		/* EV_DEPART: the exact time */
	struct dgram	*d;
	unsigned	 host;		/* EV_DEPART: 0 to all clients */
	int		 kind, sock;
};

struct spec {
	int		 kind;
	unsigned	 k1, k2;	/* clients k1..k2; 0: all */
	double		 a, b;
};

static struct sim {
	/* The command line. */
	unsigned	 n;
	int		 rev;
	int		 single;
	unsigned	 block, timeout;
	uint64_t	 rate;		/* -r */
	uint64_t	 min_rate;	/* --min-rate */
	unsigned	 fec;		/* --fec */
	uint64_t	 window;
	uint64_t	 size;
	uint64_t	 seed;
	double		 srate, squeue;	/* the server's port */
	double		 prate, pqueue;	/* switch ports */
	double		 delay, jitter;	/* µs */
	double		 loss, shared, uploss, dup, reorder, reorder_us;
	double		 rcvbuf;
	double		 server_cpu;	/* µs a datagram handled */
	double		 sread;		/* bit/s its input gives, 0: at once */
	uint64_t	 sread_first;	/* for so many bytes, 0: all */
	uint64_t	 sread_from;	/* or from this byte on */
	uint64_t	 kill_server;	/* µs after the start, 0 never */
	uint64_t	 limit;		/* µs */
	int		 verbose;
	int		 zlib_crc;	/* --zlib-crc */
	int		 trains;	/* --trains */
	const char	*tracefile;
	struct spec	 spec[MAX_SPECS];
	unsigned	 nspec;

	/* The room. */
	uint8_t		*stream;
	struct host	*h;		/* n + 1, the server first */
	unsigned	 nlive;
	struct link	 sout, sin;	/* server to switch, switch to server */
	struct rng	 sw;
	union addr	 group, saddr;
	uint64_t	 now;		/* the event being handled */
	uint64_t	 seq;
	uint32_t	 ntrain;	/* --trains: trains sent */
	uint32_t	 train, tbytes;	/* the one being sent, 0 none */

	/* The hosts by their next event, an indexed binary heap. */
	struct inode	*ih;
	unsigned	 nih;
	int		*ipos;		/* a host's place in ih, -1 none */

	/* One-off events, a binary heap. */
	struct ev	*eh;
	size_t		 neh, ceh;

	/* What happened. */
	uint64_t	 events;
	uint64_t	 digest;
	FILE		*tf;
	struct tally	 tally;
	unsigned	 dropped;	/* clients the server dropped */
	uint64_t	 sent_s, sent_c, bytes_s;
	uint64_t	 delivered, lost, lost_shared, lost_up;
	uint64_t	 qdrop_c, qdrop_s, rdrop_c, rdrop_s, gone;
	uint64_t	 dups, reordered, blocked_us, zcap;
	double		 wall_srv;	/* real s in the server's packet hook */
	uint64_t	 data_at, eot_at;	/* Rev. 1: first R1_DATA, R1_EOT */
	double		 idle, idle_eot;	/* µs the server's port idled
					   since data_at, and at eot_at */
} sim;

static void	 usage(int);
static double	 num(const char *, const char *, double, double);
static double	 scaled(const char *, const char *, double, double, double);
static double	 pct(const char *, const char *);
static const char *who(const char *, const char *, unsigned *, unsigned *);
static void	 add_spec(int, unsigned, unsigned, double, double);
static void	 parse(int, char **);

static uint64_t	 rnext(struct rng *);
static void	 rseed(struct rng *, uint64_t, uint64_t);
static double	 runit(struct rng *);

static void	 trace(int, unsigned, uint64_t, uint64_t);
static struct dgram *dgram_new(const void *, size_t, unsigned);
static void	 unref(struct dgram *);
static void	 fifo_push(struct fifo *, uint64_t, struct dgram *, int);
static void	 rxq_push(struct rxq *, struct dgram *, uint64_t);
static struct dgram *rxq_pop(struct rxq *, uint64_t *);

static int	 ilt(const struct inode *, const struct inode *);
static void	 iup(unsigned);
static void	 idown(unsigned);
static void	 iset(unsigned, uint64_t);
static void	 idel(unsigned);
static int	 elt(const struct ev *, const struct ev *);
static struct ev *epush(int, uint64_t, unsigned, struct dgram *, int);
static void	 epop(struct ev *);

static uint64_t	 ceilus(double);
static int	 port_in(struct link *, double, size_t, double *);
static int	 port_room(const struct link *, double, double);
static int	 port_force(struct link *, double, size_t, double *);
static double	 egress(struct host *, size_t);
static void	 spend(struct host *, double);
static void	 to_client(struct host *, struct dgram *, double, int, int);
static void	 fanout(struct host *, struct dgram *, double, int);
static void	 pipe_push(struct host *, uint64_t, struct dgram *, int);
static void	 deliver(struct host *, struct dgram *, int);
static void	 rekey(struct host *);
static void	 uplink(struct host *, struct dgram *);
static struct host *client_at(const union addr *);
static void	 host_send(struct host *, const uint8_t *, size_t,
		    const union addr *);

static void	 io_send(void *, const void *, size_t,
		    const union addr *);
static int	 io_sendsegs(void *, const union addr *,
		    const uint8_t *, size_t, size_t);
static ssize_t	 io_read(void *, void *, size_t);
static int	 io_write(void *, const void *, size_t);
static int	 io_close(void *);
static void	 io_say(void *, const char *);
static void	 io_random(void *, void *, size_t);
static uint64_t	 io_clock(void *);

static void	 wake(struct host *);
static void	 clear(struct host *);
static void	 end(struct host *, int);
static void	 arrive(struct host *);
static void	 on_event(const struct ev *);
static void	 setup(void);
static int	 run(void);
static void	 make_stream(void);
static void	 make_net(void);
static void	 make_host(unsigned);
static void	 apply_specs(void);
struct result;
static void	 tally_up(struct result *);
static void	 summary(const struct result *, double);
static void	 json(const struct result *, double);
static double	 wall(void);
static double	 cpu(void);

static uint32_t	 crc_fold(const uint8_t *, size_t, uint32_t);
static void	 crc_setup(void);

static void
usage(int st)
{
	fprintf(st ? stderr : stdout,
"usage: sim -n clients [-01v] [-b block] [-r rate] [-t timeout]\n"
"           [--size bytes] [--seed n] [--window bytes] [--limit s]\n"
"           [--server-rate rate] [--server-queue bytes] [--server-cpu us]\n"
"           [--server-read rate[:bytes|+bytes]]\n"
"           [--port-rate [k:]rate] [--port-queue bytes] [--rcvbuf bytes]\n"
"           [--delay us] [--jitter us] [--loss [k:]pct] [--shared-loss pct]\n"
"           [--uplink-loss pct] [--dup pct] [--reorder pct]\n"
"           [--reorder-delay us] [--slow k:rate] [--stop k:t1:t2]\n"
"           [--kill k:t] [--kill-server t] [--trace file] [--zlib-crc]\n"
"           [--trains] [--min-rate rate] [--fec n] [--no-decode k|all]\n"
"  rates in bit/s and sizes in bytes take k, M, G (rates 1000s, sizes\n"
"  1024s); pct may end in %%; t in seconds; k a client 1..n or k1-k2\n");
	exit(st);
}

/* A number in [lo, hi], the whole argument. */
static double
num(const char *what, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(v >= lo && v <= hi)) {
		warnx("%s must be a number from %g to %g: %s", what, lo, hi, s);
		usage(2);
	}
	return v;
}

/* A number with an optional k, M or G of unit k, in [lo, hi]. */
static double
scaled(const char *what, const char *s, double k, double lo, double hi)
{
	char buf[64], *end;
	double v, mul = 1;
	size_t len = strlen(s);

	if (len == 0 || len >= sizeof(buf)) {
		warnx("bad %s: %s", what, s);
		usage(2);
	}
	memcpy(buf, s, len + 1);
	switch (buf[len - 1]) {
	case 'k':
	case 'K':
		mul = k;
		break;
	case 'm':
	case 'M':
		mul = k * k;
		break;
	case 'g':
	case 'G':
		mul = k * k * k;
		break;
	}
	if (mul != 1)
		buf[len - 1] = '\0';
	errno = 0;
	v = strtod(buf, &end) * mul;
	if (end == buf || *end != '\0' || errno != 0 || !(v >= lo && v <= hi)) {
		warnx("%s must be from %g to %g (suffixes k, M, G): %s", what,
		    lo, hi, s);
		usage(2);
	}
	return v;
}

/* A percentage, "1%" or "1", as a fraction. */
static double
pct(const char *what, const char *s)
{
	char buf[64];
	size_t len = strlen(s);

	if (len == 0 || len >= sizeof(buf)) {
		warnx("bad %s: %s", what, s);
		usage(2);
	}
	memcpy(buf, s, len + 1);
	if (buf[len - 1] == '%')
		buf[len - 1] = '\0';
	return num(what, buf, 0, 100) / 100;
}

/*
 * "k:rest" or "k1-k2:rest": the clients, and what follows.  Without a
 * prefix: all clients, 0 and 0, and the whole argument.
 */
static const char *
who(const char *what, const char *s, unsigned *k1, unsigned *k2)
{
	const char *colon = strchr(s, ':');
	char *end;
	unsigned long a, b;

	*k1 = *k2 = 0;
	if (colon == NULL)
		return s;
	errno = 0;
	a = strtoul(s, &end, 10);
	b = a;
	if (end != s && *end == '-') {
		s = end + 1;
		b = strtoul(s, &end, 10);
	}
	if (end == s || end != colon || errno != 0 || a < 1 || b < a ||
	    b > MAX_CLIENTS) {
		warnx("%s: clients are k or k1-k2, from 1: %s", what, s);
		usage(2);
	}
	*k1 = (unsigned)a;
	*k2 = (unsigned)b;
	return colon + 1;
}

static void
add_spec(int kind, unsigned k1, unsigned k2, double a, double b)
{
	struct spec *sp;

	if (sim.nspec == MAX_SPECS)
		errx(2, "more than %d per-client options", MAX_SPECS);
	sp = &sim.spec[sim.nspec++];
	sp->kind = kind;
	sp->k1 = k1;
	sp->k2 = k2;
	sp->a = a;
	sp->b = b;
}

enum {
	O_SIZE = 256, O_SEED, O_WINDOW, O_LIMIT, O_SRATE, O_SQUEUE, O_SCPU,
	O_SREAD,
	O_PRATE, O_PQUEUE, O_RCVBUF, O_DELAY, O_JITTER, O_LOSS, O_SHARED,
	O_UPLOSS, O_DUP, O_REORDER, O_REORDER_US, O_SLOW, O_STOP, O_KILL,
	O_KILLSRV, O_TRACE, O_ZLIB, O_TRAINS, O_MINRATE, O_FEC, O_NODECODE
};

static void
parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "size",	required_argument, NULL, O_SIZE },
		{ "seed",	required_argument, NULL, O_SEED },
		{ "window",	required_argument, NULL, O_WINDOW },
		{ "limit",	required_argument, NULL, O_LIMIT },
		{ "server-rate", required_argument, NULL, O_SRATE },
		{ "server-queue", required_argument, NULL, O_SQUEUE },
		{ "server-cpu",	required_argument, NULL, O_SCPU },
		{ "server-read", required_argument, NULL, O_SREAD },
		{ "port-rate",	required_argument, NULL, O_PRATE },
		{ "port-queue",	required_argument, NULL, O_PQUEUE },
		{ "rcvbuf",	required_argument, NULL, O_RCVBUF },
		{ "delay",	required_argument, NULL, O_DELAY },
		{ "jitter",	required_argument, NULL, O_JITTER },
		{ "loss",	required_argument, NULL, O_LOSS },
		{ "shared-loss", required_argument, NULL, O_SHARED },
		{ "uplink-loss", required_argument, NULL, O_UPLOSS },
		{ "dup",	required_argument, NULL, O_DUP },
		{ "reorder",	required_argument, NULL, O_REORDER },
		{ "reorder-delay", required_argument, NULL, O_REORDER_US },
		{ "slow",	required_argument, NULL, O_SLOW },
		{ "stop",	required_argument, NULL, O_STOP },
		{ "kill",	required_argument, NULL, O_KILL },
		{ "kill-server", required_argument, NULL, O_KILLSRV },
		{ "trace",	required_argument, NULL, O_TRACE },
		{ "zlib-crc",	no_argument,	   NULL, O_ZLIB },
		{ "trains",	no_argument,	   NULL, O_TRAINS },
		{ "min-rate",	required_argument, NULL, O_MINRATE },
		{ "fec",	required_argument, NULL, O_FEC },
		{ "no-decode",	required_argument, NULL, O_NODECODE },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL,		0,		   NULL, 0 }
	};
	const char *rest;
	char buf[64], *colon;
	unsigned k1, k2, i;
	double a, b;
	int ch;

	sim.n = 1;
	sim.rev = 1;
	sim.timeout = DEF_TIMEOUT;
	sim.size = 16 * 1024 * 1024;
	sim.seed = 1;
	sim.limit = 600 * SEC;
	sim.srate = 1e9;
	sim.squeue = 1024 * 1024;
	sim.prate = 1e9;
	sim.pqueue = 256 * 1024;
	sim.rcvbuf = 32 * 1024 * 1024;
	sim.delay = 50;
	sim.reorder_us = 1000;
	while ((ch = getopt_long(argc, argv, "01b:hn:r:t:v", lo, NULL)) != -1) {
		switch (ch) {
		case '0':
			sim.rev = 0;
			break;
		case '1':
			sim.single = 1;
			break;
		case 'b':
			sim.block = (unsigned)num("block", optarg, 1, MAX_BLOCK);
			break;
		case 'h':
			usage(0);
			break;
		case 'n':
			sim.n = (unsigned)num("clients", optarg, 1, MAX_CLIENTS);
			break;
		case 'r':
			sim.rate = (uint64_t)scaled("rate", optarg, 1000, 1,
			    100e9);
			break;
		case 't':
			sim.timeout = (unsigned)num("timeout", optarg, 1, 3600);
			break;
		case 'v':
			sim.verbose++;
			break;
		case O_SIZE:
			sim.size = (uint64_t)scaled("size", optarg, 1024, 0,
			    64.0 * 1024 * 1024 * 1024);
			break;
		case O_SEED:
			sim.seed = (uint64_t)num("seed", optarg, 0, 1e15);
			break;
		case O_WINDOW:
			sim.window = (uint64_t)scaled("window", optarg, 1024,
			    MIN_WINDOW, MAX_WINDOW);
			break;
		case O_LIMIT:
			sim.limit = (uint64_t)(num("limit", optarg, 0.001,
			    1e6) * SEC);
			break;
		case O_SRATE:
			sim.srate = scaled("server rate", optarg, 1000, 1e3,
			    1e12);
			break;
		case O_SQUEUE:
			sim.squeue = scaled("server queue", optarg, 1024,
			    64 * 1024, 1e10);
			break;
		case O_SCPU:
			sim.server_cpu = num("server cpu", optarg, 0, 1e6);
			break;
		case O_SREAD:
			if ((colon = strchr(optarg, ':')) != NULL) {
				*colon = '\0';
				sim.sread_first = (uint64_t)scaled("server read "
				    "bytes", colon + 1, 1024, 1, 1e15);
			} else if ((colon = strchr(optarg, '+')) != NULL) {
				*colon = '\0';
				sim.sread_from = (uint64_t)scaled("server read "
				    "bytes", colon + 1, 1024, 1, 1e15);
			}
			sim.sread = scaled("server read", optarg, 1000, 1e3,
			    1e12);
			break;
		case O_PRATE:
			rest = who("--port-rate", optarg, &k1, &k2);
			a = scaled("port rate", rest, 1000, 1e3, 1e12);
			if (k1 == 0)
				sim.prate = a;
			add_spec(SP_RATE, k1, k2, a, 0);
			break;
		case O_PQUEUE:
			sim.pqueue = scaled("port queue", optarg, 1024,
			    64 * 1024, 1e10);
			break;
		case O_RCVBUF:
			sim.rcvbuf = scaled("rcvbuf", optarg, 1024, 64 * 1024,
			    1e10);
			break;
		case O_DELAY:
			sim.delay = num("delay", optarg, 0, 10 * 1e6);
			break;
		case O_JITTER:
			sim.jitter = num("jitter", optarg, 0, 10 * 1e6);
			break;
		case O_LOSS:
			rest = who("--loss", optarg, &k1, &k2);
			a = pct("loss", rest);
			if (k1 == 0)
				sim.loss = a;
			add_spec(SP_LOSS, k1, k2, a, 0);
			break;
		case O_SHARED:
			sim.shared = pct("shared loss", optarg);
			break;
		case O_UPLOSS:
			sim.uploss = pct("uplink loss", optarg);
			break;
		case O_DUP:
			sim.dup = pct("duplication", optarg);
			break;
		case O_REORDER:
			sim.reorder = pct("reordering", optarg);
			break;
		case O_REORDER_US:
			sim.reorder_us = num("reorder delay", optarg, 1, 1e7);
			break;
		case O_SLOW:
			rest = who("--slow", optarg, &k1, &k2);
			if (k1 == 0) {
				warnx("--slow needs k:rate");
				usage(2);
			}
			add_spec(SP_SLOW, k1, k2,
			    scaled("output rate", rest, 1000, 1e3, 1e12), 0);
			break;
		case O_STOP:
			rest = who("--stop", optarg, &k1, &k2);
			if (k1 == 0 || strlen(rest) >= sizeof(buf) ||
			    (colon = strchr(strcpy(buf, rest), ':')) == NULL) {
				warnx("--stop needs k:t1:t2");
				usage(2);
			}
			*colon = '\0';
			a = num("stop time", buf, 0, 1e6);
			b = num("resume time", colon + 1, 0, 1e6);
			if (b <= a) {
				warnx("--stop: t2 must come after t1");
				usage(2);
			}
			add_spec(SP_STOP, k1, k2, a, b);
			break;
		case O_KILL:
			rest = who("--kill", optarg, &k1, &k2);
			if (k1 == 0) {
				warnx("--kill needs k:t");
				usage(2);
			}
			add_spec(SP_KILL, k1, k2, num("kill time", rest, 0, 1e6),
			    0);
			break;
		case O_KILLSRV:
			sim.kill_server = (uint64_t)(num("server kill time",
			    optarg, 0, 1e6) * SEC);
			if (sim.kill_server == 0)
				sim.kill_server = 1;
			break;
		case O_TRACE:
			sim.tracefile = optarg;
			break;
		case O_TRAINS:
			sim.trains = 1;
			break;
		case O_MINRATE:
			sim.min_rate = (uint64_t)scaled("min rate", optarg,
			    1000, 1, 100e9);
			break;
		case O_ZLIB:
			sim.zlib_crc = 1;
			break;
		case O_FEC:
			sim.fec = (unsigned)num("fec", optarg, 0, FEC_MAX);
			break;
		case O_NODECODE:
			/* "k", "k1-k2" or "all", as who() reads "k:". */
			k1 = k2 = 0;
			if (strcmp(optarg, "all") != 0) {
				if (strlen(optarg) + 2 > sizeof(buf)) {
					warnx("--no-decode: clients are k, "
					    "k1-k2 or all: %s", optarg);
					usage(2);
				}
				snprintf(buf, sizeof(buf), "%s:", optarg);
				(void)who("--no-decode", buf, &k1, &k2);
			}
			add_spec(SP_NODECODE, k1, k2, 0, 0);
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc) {
		warnx("no operands: %s", argv[optind]);
		usage(2);
	}
	for (i = 0; i < sim.nspec; i++)
		if (sim.spec[i].k2 > sim.n) {
			warnx("client %u of %u", sim.spec[i].k2, sim.n);
			usage(2);
		}
	if (sim.block == 0)
		sim.block = sim.rev == 0 ? DEF_BLOCK : DEF_BLOCK1;
	if (sim.rev == 1 && sim.block > MAX_BLOCK1) {
		warnx("Rev. 1 blocks are %d bytes at most", MAX_BLOCK1);
		usage(2);
	}
	if (sim.single && sim.rev != 0) {
		warnx("-1 needs Rev. 0 (-0)");
		usage(2);
	}
	if (sim.window == 0) {
		/*
		 * Every client allocates a window: WINDOW_ROOM for the room,
		 * but no less than WINDOW_LEAST each (README: a smaller one
		 * starves a client) and no more than netpipe's default.
		 */
		sim.window = WINDOW_ROOM / sim.n;
		if (sim.window < WINDOW_LEAST)
			sim.window = WINDOW_LEAST;
		if (sim.window > DEF_WINDOW)
			sim.window = DEF_WINDOW;
		sim.window -= sim.window % sim.block;
		if (sim.window < 2 * (uint64_t)sim.block)
			sim.window = 2 * (uint64_t)sim.block;
	}
	if (sim.window < 2 * (uint64_t)sim.block) {
		warnx("the window must hold two blocks at least");
		usage(2);
	}
	if (sim.rev == 0)
		sim.window = 0;		/* Rev. 0 has none */
}

/* xoshiro256**, seeded through splitmix64: one stream per purpose. */
static uint64_t
rnext(struct rng *r)
{
	uint64_t *s = r->s, v = s[1] * 5, t = s[1] << 17;

	v = (v << 7 | v >> 57) * 9;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = s[3] << 45 | s[3] >> 19;
	return v;
}

static void
rseed(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed * 0x9E3779B97F4A7C15ULL ^ stream, z;
	int i;

	for (i = 0; i < 4; i++) {
		z = (x += 0x9E3779B97F4A7C15ULL);
		z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9ULL;
		z = (z ^ z >> 27) * 0x94D049BB133111EBULL;
		r->s[i] = z ^ z >> 31;
	}
}

static double
runit(struct rng *r)
{
	return (double)(rnext(r) >> 11) * 0x1.0p-53;
}

/*
 * Every event goes into the digest (and the trace file): when, what,
 * where, how long.  A 64-bit hash: FNV-1a's prime over 64-bit words,
 * folded with a shift so that every bit reaches every other.
 */
static void
trace(int kind, unsigned host, uint64_t t, uint64_t len)
{
	uint64_t h = sim.digest;

	h = (h ^ (t - T0)) * 0x100000001B3ULL;
	h ^= h >> 32;
	h = (h ^ ((uint64_t)kind << 56 | (uint64_t)host << 32 |
	    (len & 0xFFFFFFFF))) * 0x100000001B3ULL;
	h ^= h >> 32;
	sim.digest = h;
	sim.events++;
	if (sim.tf != NULL)
		fprintf(sim.tf, "%llu %c %u %llu\n",
		    (unsigned long long)(t - T0), kind, host,
		    (unsigned long long)len);
}

/*
 * zlib's crc32_z(), the same values faster.  Every client checks the
 * CRC-32 of every datagram it gets, so with a thousand clients that is
 * most of the simulator's time.  This definition takes the place of
 * zlib's for the roles (crc32.c calls crc32_z), and folds 16 bytes at a
 * time with PCLMULQDQ (V. Gopal et al., "Fast CRC Computation for Generic
 * Polynomials Using PCLMULQDQ Instruction", Intel 2009, in the form of
 * Chromium's zlib).  zlib's own does the rest, and all of it where the
 * CPU lacks the instructions, where the check in crc_setup() fails, and
 * with --zlib-crc: then the run is slower, and its trace the same.
 */
static uLong	(*zlib_crc32_z)(uLong, const Bytef *, z_size_t);
static int	 crc_fast;

uLong
crc32_z(uLong crc, const Bytef *buf, z_size_t len)
{
	size_t n;

	if (crc_fast && buf != NULL && len >= 64) {
		n = len & ~(size_t)15;
		crc = ~crc_fold(buf, n, ~(uint32_t)crc) & 0xFFFFFFFFUL;
		buf += n;
		len -= n;
	}
	return zlib_crc32_z(crc, buf, len);
}

#if defined(__x86_64__) && defined(__GNUC__)
/* The bit-reflected CRC state of len bytes (64 or more, a multiple of 16). */
__attribute__((target("pclmul,sse4.1")))
static uint32_t
crc_fold(const uint8_t *buf, size_t len, uint32_t crc)
{
	static const uint64_t k1k2[2] __attribute__((aligned(16))) =
	    { 0x0154442bd4, 0x01c6e41596 };
	static const uint64_t k3k4[2] __attribute__((aligned(16))) =
	    { 0x01751997d0, 0x00ccaa009e };
	static const uint64_t k5k0[2] __attribute__((aligned(16))) =
	    { 0x0163cd6124, 0x0000000000 };
	static const uint64_t poly[2] __attribute__((aligned(16))) =
	    { 0x01db710641, 0x01f7011641 };
	__m128i x0, x1, x2, x3, x4, x5, x6, x7, x8;

	x1 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x00));
	x2 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x10));
	x3 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x20));
	x4 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x30));
	x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)crc));
	x0 = _mm_load_si128((const __m128i *)(const void *)k1k2);
	for (buf += 64, len -= 64; len >= 64; buf += 64, len -= 64) {
		x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
		x6 = _mm_clmulepi64_si128(x2, x0, 0x00);
		x7 = _mm_clmulepi64_si128(x3, x0, 0x00);
		x8 = _mm_clmulepi64_si128(x4, x0, 0x00);
		x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
		x2 = _mm_clmulepi64_si128(x2, x0, 0x11);
		x3 = _mm_clmulepi64_si128(x3, x0, 0x11);
		x4 = _mm_clmulepi64_si128(x4, x0, 0x11);
		x1 = _mm_xor_si128(_mm_xor_si128(x1, x5), _mm_loadu_si128(
		    (const __m128i *)(const void *)(buf + 0x00)));
		x2 = _mm_xor_si128(_mm_xor_si128(x2, x6), _mm_loadu_si128(
		    (const __m128i *)(const void *)(buf + 0x10)));
		x3 = _mm_xor_si128(_mm_xor_si128(x3, x7), _mm_loadu_si128(
		    (const __m128i *)(const void *)(buf + 0x20)));
		x4 = _mm_xor_si128(_mm_xor_si128(x4, x8), _mm_loadu_si128(
		    (const __m128i *)(const void *)(buf + 0x30)));
	}
	/* Four lanes into one. */
	x0 = _mm_load_si128((const __m128i *)(const void *)k3k4);
	x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
	x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
	x1 = _mm_xor_si128(_mm_xor_si128(x1, x2), x5);
	x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
	x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
	x1 = _mm_xor_si128(_mm_xor_si128(x1, x3), x5);
	x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
	x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
	x1 = _mm_xor_si128(_mm_xor_si128(x1, x4), x5);
	for (; len >= 16; buf += 16, len -= 16) {
		x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
		x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
		x1 = _mm_xor_si128(_mm_xor_si128(x1, _mm_loadu_si128(
		    (const __m128i *)(const void *)buf)), x5);
	}
	/* 128 bits to 64, then Barrett's reduction to 32. */
	x2 = _mm_clmulepi64_si128(x1, x0, 0x10);
	x3 = _mm_setr_epi32(~0, 0, ~0, 0);
	x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), x2);
	x0 = _mm_loadl_epi64((const __m128i *)(const void *)k5k0);
	x2 = _mm_srli_si128(x1, 4);
	x1 = _mm_and_si128(x1, x3);
	x1 = _mm_xor_si128(_mm_clmulepi64_si128(x1, x0, 0x00), x2);
	x0 = _mm_load_si128((const __m128i *)(const void *)poly);
	x2 = _mm_and_si128(x1, x3);
	x2 = _mm_clmulepi64_si128(x2, x0, 0x10);
	x2 = _mm_and_si128(x2, x3);
	x2 = _mm_clmulepi64_si128(x2, x0, 0x00);
	x1 = _mm_xor_si128(x1, x2);
	return (uint32_t)_mm_extract_epi32(x1, 1);
}
#else
static uint32_t
crc_fold(const uint8_t *buf, size_t len, uint32_t crc)
{
	(void)buf;
	(void)len;
	(void)crc;
	abort();			/* FOLD_CPU() is 0: never called */
}
#endif

/* zlib's crc32_z; the fast one only if the CPU has it and it agrees. */
static void
crc_setup(void)
{
	uint8_t buf[4096 + 64];
	struct rng r;
	size_t i, off, len;
	uLong a, b;

	if ((zlib_crc32_z = (uLong (*)(uLong, const Bytef *, z_size_t))
	    dlsym(RTLD_NEXT, "crc32_z")) == NULL)
		errx(1, "zlib's crc32_z not found: %s", dlerror());
	if (sim.zlib_crc || !FOLD_CPU())
		return;
	rseed(&r, 1, 0x435243ULL);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rnext(&r);
	for (i = 0; i < 2000; i++) {
		off = (size_t)(rnext(&r) % 64);
		len = i < 200 ? i : (size_t)(rnext(&r) % 4097);
		crc_fast = 0;
		a = crc32_z(i, buf + off, len);
		crc_fast = 1;
		b = crc32_z(i, buf + off, len);
		if (a != b) {
			crc_fast = 0;
			warnx("the fast CRC-32 differs from zlib's (%zu bytes): "
			    "zlib's it is", len);
			return;
		}
	}
}

static struct dgram *
dgram_new(const void *p, size_t len, unsigned src)
{
	struct dgram *d;

	if ((d = malloc(sizeof(*d) + len)) == NULL)
		err(1, NULL);
	d->ref = 1;
	d->src = src;
	d->train = d->tbytes = 0;
	d->len = (uint32_t)len;
	memcpy(d->data, p, len);
	return d;
}

static void
unref(struct dgram *d)
{
	if (--d->ref == 0)
		free(d);
}

static void
fifo_push(struct fifo *f, uint64_t at, struct dgram *d, int sock)
{
	struct pend *v;
	size_t i, cap;

	if (f->n == f->cap) {
		cap = f->cap ? 2 * f->cap : 16;
		if ((v = malloc(cap * sizeof(*v))) == NULL)
			err(1, NULL);
		for (i = 0; i < f->n; i++)
			v[i] = f->v[(f->head + i) % f->cap];
		free(f->v);
		f->v = v;
		f->cap = cap;
		f->head = 0;
	}
	v = &f->v[(f->head + f->n++) % f->cap];
	v->at = at;
	v->d = d;
	v->sock = sock;
}

static void
rxq_push(struct rxq *q, struct dgram *d, uint64_t at)
{
	struct rxent *v;
	size_t i, cap;

	if (q->n == q->cap) {
		cap = q->cap ? 2 * q->cap : 64;
		if ((v = malloc(cap * sizeof(*v))) == NULL)
			err(1, NULL);
		for (i = 0; i < q->n; i++)
			v[i] = q->v[(q->head + i) % q->cap];
		free(q->v);
		q->v = v;
		q->cap = cap;
		q->head = 0;
	}
	v = &q->v[(q->head + q->n++) % q->cap];
	v->d = d;
	v->at = at;
	q->bytes += d->len;
}

/* The oldest datagram, and when it came (if at is not NULL). */
static struct dgram *
rxq_pop(struct rxq *q, uint64_t *at)
{
	struct dgram *d = q->v[q->head].d;

	if (at != NULL)
		*at = q->v[q->head].at;
	q->head = (q->head + 1) % q->cap;
	q->n--;
	q->bytes -= d->len;
	return d;
}

/*
 * The hosts, each by the time of its next event (its wakeup or the next
 * datagram on its pipe), then by when that time was set.
 */
static int
ilt(const struct inode *a, const struct inode *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

/* Sift the node at i up, then down: a hole moves, the node goes once. */
static void
iup(unsigned i)
{
	struct inode x = sim.ih[i];
	unsigned p;

	for (; i > 0 && ilt(&x, &sim.ih[p = (i - 1) / 2]); i = p) {
		sim.ih[i] = sim.ih[p];
		sim.ipos[sim.ih[i].id] = (int)i;
	}
	sim.ih[i] = x;
	sim.ipos[x.id] = (int)i;
}

static void
idown(unsigned i)
{
	struct inode x = sim.ih[i];
	unsigned c;

	for (; (c = 2 * i + 1) < sim.nih; i = c) {
		if (c + 1 < sim.nih && ilt(&sim.ih[c + 1], &sim.ih[c]))
			c++;
		if (!ilt(&sim.ih[c], &x))
			break;
		sim.ih[i] = sim.ih[c];
		sim.ipos[sim.ih[i].id] = (int)i;
	}
	sim.ih[i] = x;
	sim.ipos[x.id] = (int)i;
}

/* Host id's next event is at `at`: later than before sifts down. */
static void
iset(unsigned id, uint64_t at)
{
	unsigned i;
	int later = 0;

	if (sim.ipos[id] < 0) {
		i = sim.nih++;
		sim.ih[i].id = id;
	} else {
		i = (unsigned)sim.ipos[id];
		later = at >= sim.ih[i].at;
	}
	sim.ih[i].at = at;
	sim.ih[i].seq = sim.seq++;
	if (later)
		idown(i);
	else
		iup(i);
}

static void
idel(unsigned id)
{
	unsigned i;

	if (sim.ipos[id] < 0)
		return;
	i = (unsigned)sim.ipos[id];
	sim.ipos[id] = -1;
	if (i == --sim.nih)
		return;
	sim.ih[i] = sim.ih[sim.nih];
	sim.ipos[sim.ih[i].id] = (int)i;
	iup(i);
	idown((unsigned)sim.ipos[sim.ih[i].id]);
}

static int
elt(const struct ev *a, const struct ev *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static struct ev *
epush(int kind, uint64_t at, unsigned host, struct dgram *d, int sock)
{
	struct ev e, *v;
	size_t i;

	if (sim.neh == sim.ceh) {
		sim.ceh = sim.ceh ? 2 * sim.ceh : 256;
		if ((v = realloc(sim.eh, sim.ceh * sizeof(*v))) == NULL)
			err(1, NULL);
		sim.eh = v;
	}
	e.at = at;
	e.t = (double)at;
	e.seq = sim.seq++;
	e.kind = kind;
	e.host = host;
	e.d = d;
	e.sock = sock;
	for (i = sim.neh++; i > 0 && elt(&e, &sim.eh[(i - 1) / 2]);
	    i = (i - 1) / 2)
		sim.eh[i] = sim.eh[(i - 1) / 2];
	sim.eh[i] = e;
	return &sim.eh[i];
}

static void
epop(struct ev *out)
{
	struct ev last;
	size_t i, c;

	*out = sim.eh[0];
	last = sim.eh[--sim.neh];
	for (i = 0; (c = 2 * i + 1) < sim.neh; i = c) {
		if (c + 1 < sim.neh && elt(&sim.eh[c + 1], &sim.eh[c]))
			c++;
		if (!elt(&sim.eh[c], &last))
			break;
		sim.eh[i] = sim.eh[c];
	}
	if (sim.neh > 0)
		sim.eh[i] = last;
}

static uint64_t
ceilus(double t)
{
	return (uint64_t)ceil(t);
}

/*
 * A frame of len bytes into a switch port's queue at time t: dropped
 * (-1) when the queue has no room for it (tail drop), else *dep is when
 * its last bit has left.
 */
static int
port_in(struct link *l, double t, size_t len, double *dep)
{
	double frame = (double)(len + FRAME);

	if (!port_room(l, t, frame))
		return -1;
	return port_force(l, t, len, dep);
}

/* Whether a switch port's queue has room for bytes at time t. */
static int
port_room(const struct link *l, double t, double bytes)
{
	return !(l->busy > t && (l->busy - t) * l->rate / 8e6 + bytes >
	    l->qmax);
}

/* A frame into a port whatever its queue holds (a train let in). */
static int
port_force(struct link *l, double t, size_t len, double *dep)
{
	double frame = (double)(len + FRAME);

	l->busy = (l->busy > t ? l->busy : t) + frame * 8e6 / l->rate;
	*dep = l->busy;
	return 0;
}

/*
 * The server's own port: a send waits until there is room, as a full
 * socket buffer makes it wait (net.c); nothing is dropped there.
 * Returns when the frame has left; the server's clock moves on while it
 * waits.
 */
static double
egress(struct host *h, size_t len)
{
	struct link *l = &sim.sout;
	double t = (double)h->now, frame = (double)(len + FRAME), room;
	uint64_t w;

	/* Idle since the first block: what the rate left unused. */
	if (sim.data_at != 0 && l->busy > (double)sim.data_at &&
	    l->busy < t)
		sim.idle += t - l->busy;
	if (l->busy > t && (l->busy - t) * l->rate / 8e6 + frame > l->qmax) {
		room = l->busy - (l->qmax - frame) * 8e6 / l->rate;
		w = ceilus(room);
		if (w > h->now) {
			sim.blocked_us += w - h->now;
			h->now = w;
			t = (double)w;
		}
	}
	l->busy = (l->busy > t ? l->busy : t) + frame * 8e6 / l->rate;
	return l->busy;
}

/* The switch hands a datagram to client c's port at time t. */
static void
to_client(struct host *c, struct dgram *d, double t, int sock, int copy)
{
	double dep, at;

	if (c->state >= H_DONE) {
		sim.gone++;
		return;
	}
	if (d->train != 0 && d->train != c->train) {
		/* --trains: a train's first datagram decides for it. */
		c->train = d->train;
		c->tfate = !port_room(&c->port, t, d->tbytes) ? T_QDROP :
		    c->loss > 0 && runit(&c->fwd) < c->loss ? T_LOST : T_IN;
	}
	if (d->train != 0 ? c->tfate == T_QDROP :
	    port_in(&c->port, t, d->len, &dep) == -1) {
		sim.qdrop_c++;
		trace('Q', c->id, ceilus(t), d->len);
		return;
	}
	if (d->train != 0)
		(void)port_force(&c->port, t, d->len, &dep);
	at = dep + sim.delay;
	if (d->train != 0 ? c->tfate == T_LOST :
	    c->loss > 0 && runit(&c->fwd) < c->loss) {
		sim.lost++;
		trace('L', c->id, ceilus(at), d->len);
	} else {
		if (sim.jitter > 0)
			at += runit(&c->fwd) * sim.jitter;
		d->ref++;
		if (sim.reorder > 0 && runit(&c->fwd) < sim.reorder) {
			sim.reordered++;
			epush(EV_ARRIVE, ceilus(at + sim.reorder_us), c->id, d,
			    sock);
		} else
			pipe_push(c, ceilus(at), d, sock);
	}
	if (!copy && sim.dup > 0 && runit(&c->fwd) < sim.dup) {
		sim.dups++;
		to_client(c, d, t, sock, 1);
	}
}

/* A datagram from the server's port at time t: to one client or all. */
static void
fanout(struct host *only, struct dgram *d, double t, int sock)
{
	unsigned k;

	if (sim.shared > 0 && runit(&sim.sw) < sim.shared) {
		sim.lost_shared++;
		trace('G', 0, ceilus(t), d->len);
		return;
	}
	if (only != NULL) {
		to_client(only, d, t, sock, 0);
		return;
	}
	for (k = 1; k <= sim.n; k++)
		to_client(&sim.h[k], d, t, sock, 0);
}

/* Onto host h's pipe, in order: arrivals never overtake there. */
static void
pipe_push(struct host *h, uint64_t at, struct dgram *d, int sock)
{
	struct fifo *f = &h->pipe;

	if (f->n > 0 && at < f->v[(f->head + f->n - 1) % f->cap].at)
		at = f->v[(f->head + f->n - 1) % f->cap].at;
	fifo_push(f, at, d, sock);
	if (f->n == 1)
		rekey(h);
}

/*
 * A datagram reaches host h's socket: queued, or the buffer is full.
 * A running host wakes for it as soon as it is free.
 */
static void
deliver(struct host *h, struct dgram *d, int sock)
{
	struct rxq *q = &h->rx[sock];
	uint64_t w;

	if (h->state >= H_DONE) {
		sim.gone++;
		trace('X', h->id, sim.now, d->len);
		unref(d);
		return;
	}
	if ((double)(q->bytes + d->len) > sim.rcvbuf) {
		if (h->id == 0)
			sim.rdrop_s++;
		else
			sim.rdrop_c++;
		trace('R', h->id, sim.now, d->len);
		unref(d);
		return;
	}
	rxq_push(q, d, sim.now);
	trace('A', h->id, sim.now, d->len);
	if (h->state != H_RUN)
		return;
	w = h->busy > sim.now ? h->busy : sim.now;
	if (h->wake_at > w)
		h->wake_at = w;
}

/* Host h's place in the queue: its wakeup or its next datagram. */
static void
rekey(struct host *h)
{
	uint64_t at = h->wake_at;

	if (h->pipe.n > 0 && h->pipe.v[h->pipe.head].at < at)
		at = h->pipe.v[h->pipe.head].at;
	if (at == NEVER)
		idel(h->id);
	else
		iset(h->id, at);
}

/*
 * A client's datagram to the server: the wire to the switch (delay,
 * jitter, loss, duplication), then the switch's port to the server
 * when it gets there (EV_UPLINK).
 */
static void
uplink(struct host *c, struct dgram *d)
{
	uint64_t at;
	double t;

	if (sim.uploss > 0 && runit(&c->up) < sim.uploss) {
		sim.lost_up++;
		trace('U', c->id, c->now, d->len);
		unref(d);
		return;
	}
	t = (double)c->now + sim.delay;
	if (sim.jitter > 0)
		t += runit(&c->up) * sim.jitter;
	at = ceilus(t);
	if (at < c->up_last)
		at = c->up_last;
	c->up_last = at;
	if (sim.dup > 0 && runit(&c->up) < sim.dup) {
		sim.dups++;
		d->ref++;
		epush(EV_UPLINK, at, c->id, d, 0);
	}
	epush(EV_UPLINK, at, c->id, d, 0);
}

/* The client whose status socket is a, or NULL. */
static struct host *
client_at(const union addr *a)
{
	uint32_t ip = ntohl(a->sin.sin_addr.s_addr);
	unsigned k;

	if ((ip >> 16) != (10U << 8 | 1) || addrport(a) != CLIENT_PORT)
		return NULL;
	k = ((ip >> 8) & 0xFF) * 200 + (ip & 0xFF);
	if ((ip & 0xFF) < 1 || (ip & 0xFF) > 200 || k < 1 || k > sim.n)
		return NULL;
	return &sim.h[k];
}

/* One datagram from host h to `to`. */
static void
host_send(struct host *h, const uint8_t *p, size_t len,
    const union addr *to)
{
	struct host *c = NULL;
	struct dgram *d;
	double dep;

	trace('S', h->id, h->now, len);
	if (h->id != 0) {
		sim.sent_c++;
		if (!sameaddr(to, &sim.saddr)) {
			sim.gone++;
			return;
		}
		uplink(h, dgram_new(p, len, h->id));
		return;
	}
	sim.sent_s++;
	sim.bytes_s += len;
	if (sim.rev == 1 && len > 0 && p[0] == R1_DATA && sim.data_at == 0)
		sim.data_at = h->now;
	if (sim.rev == 1 && len > 0 && p[0] == R1_EOT && sim.eot_at == 0) {
		sim.eot_at = h->now;
		sim.idle_eot = sim.idle;
	}
	if (!sameaddr(to, &sim.group) && (c = client_at(to)) == NULL) {
		sim.gone++;
		return;
	}
	/* At the switch once it has left the server's port. */
	dep = egress(h, len);
	d = dgram_new(p, len, 0);
	d->train = sim.train;
	d->tbytes = sim.tbytes;
	epush(EV_DEPART, ceilus(dep), c == NULL ? 0 : c->id, d,
	    c == NULL ? 0 : 1)->t = dep;
}

static void
io_send(void *ctx, const void *p, size_t len, const union addr *to)
{
	host_send(ctx, p, len, to);
}

/*
 * A train is its datagrams, one after the other, at the server's port.
 * With --trains, the switch's ports take or drop each of net.c's GSO
 * super-datagrams (GSO_SEGS and GSO_BYTES as there) whole, and --loss
 * loses it whole, as a tbf qdisc and an nftables rule at a client's
 * input do with a GSO packet on the namespace LAN.  1: a send waited
 * for room in the server's port, as net_sendsegs() says.
 */
static int
io_sendsegs(void *ctx, const union addr *to, const uint8_t *p,
    size_t len, size_t seg)
{
	uint64_t blocked = sim.blocked_us;
	size_t off, n, per, o;

	if (seg == 0)
		seg = len;
	per = GSO_BYTES / seg < GSO_SEGS ? GSO_BYTES / seg : GSO_SEGS;
	if (!sim.trains || len <= seg || per < 2)
		per = 1;
	per *= seg;
	for (off = 0; off < len; off += per) {
		if (per > seg && len - off > seg) {
			sim.train = ++sim.ntrain ? sim.ntrain : ++sim.ntrain;
			sim.tbytes = 0;
			for (o = off; o < len && o < off + per; o += n) {
				n = len - o < seg ? len - o : seg;
				sim.tbytes += (uint32_t)(n + FRAME);
			}
		}
		for (o = off; o < len && o < off + per; o += n) {
			n = len - o < seg ? len - o : seg;
			host_send(ctx, p + o, n, to);
		}
		sim.train = sim.tbytes = 0;
	}
	return sim.blocked_us != blocked;	/* the port was full */
}

/*
 * Standard input: the stream, always ready, as much as is asked; with
 * --server-read, a file read from a slow disk: the read blocks the
 * server for the time the bytes take.
 */
static ssize_t
io_read(void *ctx, void *buf, size_t len)
{
	struct host *h = ctx;
	uint64_t left = sim.size - h->rd;

	if (len > left)
		len = (size_t)left;
	if (sim.sread > 0 && (sim.sread_first == 0 ||
	    h->rd < sim.sread_first) && h->rd >= sim.sread_from)
		spend(h, (double)len * 8e6 / sim.sread);
	memcpy(buf, sim.stream + h->rd, len);
	h->rd += len;
	return (ssize_t)len;
}

/*
 * Standard output: compared with the stream where it lands.  A slow
 * client's write blocks: its clock moves on by the time the bytes take.
 */
static int
io_write(void *ctx, const void *p, size_t len)
{
	struct host *h = ctx;

	if (h->closed)
		return EBADF;
	if (h->written + len > sim.size ||
	    memcmp(sim.stream + h->written, p, len) != 0) {
		if (h->bad++ == 0)
			h->bad_at = h->written;
	}
	h->written += len;
	if (h->wrate > 0)
		spend(h, (double)len * 8e6 / h->wrate);
	return 0;
}

/* Host h is busy us µs: its clock moves on, the fraction carried. */
static void
spend(struct host *h, double us)
{
	double t;

	h->cpu += us;
	t = floor(h->cpu);
	h->cpu -= t;
	h->now += (uint64_t)t;
}

static int
io_close(void *ctx)
{
	struct host *h = ctx;

	h->closed = 1;
	return 0;
}

static void
io_say(void *ctx, const char *line)
{
	struct host *h = ctx;

	if (sim.verbose == 0)
		return;
	if (h->id == 0)
		fprintf(stderr, "%11.6f server: %s\n",
		    (double)(h->now - T0) / 1e6, line);
	else
		fprintf(stderr, "%11.6f client %u: %s\n",
		    (double)(h->now - T0) / 1e6, h->id, line);
}

static void
io_random(void *ctx, void *buf, size_t len)
{
	struct host *h = ctx;
	uint8_t *p = buf;
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % 8 == 0)
			v = rnext(&h->rnd);
		p[i] = (uint8_t)(v >> (i % 8 * 8));
	}
}

/* Its clock: moved on by what it wrote out (--slow) and handled. */
static uint64_t
io_clock(void *ctx)
{
	const struct host *h = ctx;

	return h->now;
}

/*
 * Host h's turn, as one pass of the real loop: the datagrams waiting
 * (RX_MAX a socket at most), standard input if it wanted some, the
 * timer; then it sleeps until its deadline, or not at all while it
 * wants input (always ready) or datagrams wait.
 */
static void
wake(struct host *h)
{
	const struct role *r = h->role;
	union addr from;
	struct dgram *d;
	unsigned n = 0, i;
	uint64_t t = sim.now, next, at;
	double w0 = 0;
	int s;

	h->now = t;
	for (s = 0; s < 2 && !h->np.done; s++) {
		for (i = 0; i < RX_MAX && h->rx[s].n > 0 && !h->np.done;
		    i++) {
			d = rxq_pop(&h->rx[s], &at);
			from = sim.h[d->src].addr;
			/* As loop.c's arrived(): the kernel's stamp, not
			   before the last datagram's, nor at a server
			   before what its role was last given. */
			h->stamp = at < h->stamp ? h->stamp : at > h->now ?
			    h->now : at;
			if (h->id == 0 && h->stamp < h->given)
				h->stamp = h->given;
			if (h->id == 0)
				w0 = wall();
			r->packet(&h->np, d->data, d->len, &from, h->stamp);
			if (h->id == 0) {
				sim.wall_srv += wall() - w0;
				if (sim.server_cpu > 0)
					spend(h, sim.server_cpu);
			}
			unref(d);
			n++;
		}
	}
	h->handled += n;
	sim.delivered += n;
	if (!h->np.done && h->in && r->input != NULL)
		r->input(&h->np, h->now);
	h->given = h->now;
	if (!h->np.done)
		r->timer(&h->np, h->now);
	trace('W', h->id, t, n);
	if (h->np.done) {
		end(h, X_EXIT);
		return;
	}
	next = r->deadline(&h->np, h->now);
	h->in = r->want_input != NULL && r->want_input(&h->np);
	if (h->in || h->rx[0].n > 0 || h->rx[1].n > 0 || next < h->now)
		next = h->now;
	/* A role that asks for now, again and again, loses a µs. */
	if (next == t) {
		if (++h->zero >= ZERO_MAX) {
			next = t + 1;
			h->zero = 0;
			sim.zcap++;
		}
	} else
		h->zero = 0;
	h->busy = h->now;
	h->wake_at = next;
}

/* Host h is no longer running: what waits for it goes. */
static void
clear(struct host *h)
{
	struct fifo *f = &h->pipe;
	int s;

	h->wake_at = NEVER;
	idel(h->id);
	for (; f->n > 0; f->n--) {
		unref(f->v[f->head].d);
		f->head = (f->head + 1) % f->cap;
	}
	free(f->v);
	f->v = NULL;
	f->cap = 0;
	for (s = 0; s < 2; s++) {
		while (h->rx[s].n > 0)
			unref(rxq_pop(&h->rx[s], NULL));
		free(h->rx[s].v);
		h->rx[s].v = NULL;
		h->rx[s].cap = 0;
	}
}

/* Host h ends: it exited (X_EXIT), was killed, or the time is up. */
static void
end(struct host *h, int how)
{
	struct peer p;
	unsigned i;

	h->state = how == X_KILLED ? H_DEAD : H_DONE;
	h->how = how;
	h->end = how == X_EXIT ? h->now : sim.now;
	sim.nlive--;
	trace(how == X_EXIT ? 'E' : how == X_KILLED ? 'K' : 'H', h->id,
	    h->end, how == X_EXIT ? (uint64_t)h->np.status : 0);
	clear(h);
	if (h->id == 0) {
		if (h->role->tally != NULL)
			h->role->tally(&h->np, &sim.tally);
		for (i = 0; h->role->peer != NULL && i < sim.tally.npeers;
		    i++) {
			memset(&p, 0, sizeof(p));
			h->role->peer(&h->np, i, &p);
			sim.dropped += p.result == PEER_DROPPED;
		}
	}
	if (h->role->fini != NULL)
		h->role->fini(&h->np);
}

/*
 * The datagrams on host h's pipe that are due arrive; a host free to
 * take them wakes at once.
 */
static void
arrive(struct host *h)
{
	struct fifo *f = &h->pipe;
	struct pend p;

	while (f->n > 0 && f->v[f->head].at <= sim.now) {
		p = f->v[f->head];
		f->head = (f->head + 1) % f->cap;
		f->n--;
		deliver(h, p.d, p.sock);
	}
	if (h->state == H_RUN && h->wake_at <= sim.now)
		wake(h);
	if (h->state < H_DONE)
		rekey(h);
}

static void
on_event(const struct ev *e)
{
	struct host *h = &sim.h[e->host], *s = &sim.h[0];
	double dep;

	switch (e->kind) {
	case EV_DEPART:
		fanout(e->host ? h : NULL, e->d, e->t, e->sock);
		unref(e->d);
		break;
	case EV_ARRIVE:
		deliver(h, e->d, e->sock);
		if (h->state < H_DONE)
			rekey(h);
		break;
	case EV_UPLINK:
		/* At the switch: its port to the server. */
		if (s->state >= H_DONE) {
			sim.gone++;
			trace('X', 0, sim.now, e->d->len);
			unref(e->d);
		} else if (port_in(&sim.sin, (double)sim.now, e->d->len,
		    &dep) == -1) {
			sim.qdrop_s++;
			trace('Q', 0, sim.now, e->d->len);
			unref(e->d);
		} else
			pipe_push(s, ceilus(dep), e->d, 0);
		break;
	case EV_KILL:
		if (h->state < H_DONE)
			end(h, X_KILLED);
		break;
	case EV_STOP:
		if (h->state != H_RUN)
			break;
		h->state = H_STOP;
		h->wake_at = NEVER;
		rekey(h);
		trace('P', h->id, sim.now, 0);
		break;
	case EV_RESUME:
		if (h->state != H_STOP)
			break;
		h->state = H_RUN;
		trace('C', h->id, sim.now, 0);
		h->wake_at = h->busy > sim.now ? h->busy : sim.now;
		rekey(h);
		break;
	}
}

/* The stream: the seed's, in memory, to compare every write with. */
static void
make_stream(void)
{
	struct rng r;
	uint64_t i, v;

	if ((sim.stream = malloc(sim.size + 8)) == NULL)
		err(1, "a stream of %llu bytes", (unsigned long long)sim.size);
	rseed(&r, sim.seed, 0x5354524541ULL);
	for (i = 0; i < sim.size; i += 8) {
		v = rnext(&r);
		memcpy(sim.stream + i, &v, 8);
	}
}

/* The network: the server's port both ways, the group, the addresses. */
static void
make_net(void)
{
	unsigned k;

	if ((sim.h = calloc(sim.n + 1, sizeof(*sim.h))) == NULL ||
	    (sim.ih = calloc(sim.n + 1, sizeof(*sim.ih))) == NULL ||
	    (sim.ipos = calloc(sim.n + 1, sizeof(*sim.ipos))) == NULL)
		err(1, NULL);
	for (k = 0; k <= sim.n; k++)
		sim.ipos[k] = -1;
	rseed(&sim.sw, sim.seed, 0x535749544348ULL);
	sim.sout.rate = sim.sin.rate = sim.srate;
	sim.sout.qmax = sim.squeue;
	sim.sin.qmax = sim.pqueue;
	sim.sout.busy = sim.sin.busy = (double)T0;
	sim.group.sin.sin_family = AF_INET;
	sim.group.sin.sin_addr.s_addr = htonl(239U << 24 | 1 << 16 | 2 << 8 |
	    3);
	sim.group.sin.sin_port = htons(SIM_PORT);
	sim.saddr.sin.sin_family = AF_INET;
	sim.saddr.sin.sin_addr.s_addr = htonl(10U << 24 | 1);
	sim.saddr.sin.sin_port = htons(SIM_PORT + 1);
}

/*
 * Host k: its options (as netpipe's command line would make them), its
 * io, its net, its address (the server 10.0.0.1, client k 10.1.a.b with
 * k = 200a + b), its port, its random streams.
 */
static void
make_host(unsigned k)
{
	struct host *h = &sim.h[k];

	h->id = k;
	h->o.server = k == 0;
	h->o.rev = sim.rev;
	h->o.nclients = sim.n;
	h->o.single_ack = sim.single;
	h->o.port = SIM_PORT;
	h->o.iface = "sim0";
	h->o.multicast = 1;
	h->o.group = sim.group;
	h->o.group.sin.sin_port = 0;
	h->o.timeout = sim.timeout;
	h->o.block = sim.block;
	h->o.rate = sim.rate;
	h->o.min_rate = k == 0 ? sim.min_rate : 0;
	h->o.fec = k == 0 ? sim.fec : 0;
	h->o.ttl = 1;
	h->o.window = (size_t)sim.window;
	h->o.verbose = sim.verbose >= 2 ? 1 : 0;
	h->io.ctx = h;
	h->io.send = io_send;
	h->io.sendsegs = io_sendsegs;
	h->io.read = io_read;
	h->io.write = io_write;
	h->io.close = io_close;
	h->io.say = io_say;
	h->io.random = io_random;
	h->io.clock = io_clock;
	h->np.o = &h->o;
	h->np.io = &h->io;
	h->np.net.fd = h->np.net.ufd = -1;
	h->np.net.dst = sim.group;
	h->np.net.sport = SIM_PORT + 1;
	strcpy(h->np.net.ifname, "sim0");
	snprintf(h->np.net.ifwhy, sizeof(h->np.net.ifwhy), "simulated");
	h->np.net.block = sim.block;
	h->np.start = T0;
	if (k == 0)
		h->addr = sim.saddr;
	else {
		h->addr.sin.sin_family = AF_INET;
		h->addr.sin.sin_addr.s_addr = htonl(10U << 24 | 1 << 16 |
		    (k - 1) / 200 << 8 | ((k - 1) % 200 + 1));
		h->addr.sin.sin_port = htons(CLIENT_PORT);
	}
	h->np.net.ifaddr = h->addr;
	h->np.net.ifaddr.sin.sin_port = 0;
	h->port.rate = sim.prate;
	h->port.qmax = sim.pqueue;
	h->port.busy = (double)T0;
	h->loss = sim.loss;
	h->wake_at = NEVER;
	rseed(&h->fwd, sim.seed, 0x46574400000000ULL + k);
	rseed(&h->up, sim.seed, 0x55500000000000ULL + k);
	rseed(&h->rnd, sim.seed, 0x524E4400000000ULL + k);
	if ((h->role = role_for(&h->o)) == NULL)
		errx(1, "no role for Rev. %d", sim.rev);
}

/* The per-client options, in the order given: a later one wins. */
static void
apply_specs(void)
{
	const struct spec *sp;
	struct host *h;
	unsigned j, k;

	for (j = 0; j < sim.nspec; j++) {
		sp = &sim.spec[j];
		for (k = sp->k1 ? sp->k1 : 1; k <= (sp->k1 ? sp->k2 : sim.n);
		    k++) {
			h = &sim.h[k];
			switch (sp->kind) {
			case SP_LOSS:
				h->loss = sp->a;
				break;
			case SP_RATE:
				h->port.rate = sp->a;
				break;
			case SP_SLOW:
				h->wrate = sp->a;
				break;
			case SP_STOP:
				h->stop_at = T0 + (uint64_t)(sp->a * SEC);
				h->resume_at = T0 + (uint64_t)(sp->b * SEC);
				break;
			case SP_KILL:
				h->kill_at = T0 + (uint64_t)(sp->a * SEC);
				break;
			case SP_NODECODE:
				h->o.no_decode = 1;
				break;
			}
		}
	}
}

/* Everything at T0: the clients first, as a room waits for its server. */
static void
setup(void)
{
	struct host *h;
	unsigned k;

	make_stream();
	make_net();
	for (k = 0; k <= sim.n; k++)
		make_host(k);
	apply_specs();
	sim.now = T0;
	for (k = 1; k <= sim.n + 1; k++) {
		h = &sim.h[k % (sim.n + 1)];
		h->now = T0;
		sim.nlive++;
		h->role->init(&h->np, T0);
		if (h->np.done) {
			end(h, X_EXIT);
			continue;
		}
		h->wake_at = T0;
		rekey(h);
		if (h->stop_at) {
			epush(EV_STOP, h->stop_at, h->id, NULL, 0);
			epush(EV_RESUME, h->resume_at, h->id, NULL, 0);
		}
		if (h->kill_at)
			epush(EV_KILL, h->kill_at, h->id, NULL, 0);
	}
	if (sim.kill_server)
		epush(EV_KILL, T0 + sim.kill_server, 0, NULL, 0);
}

/* Events in order until no host runs or the time is up (1: hung). */
static int
run(void)
{
	uint64_t limit = T0 + sim.limit, at;
	struct host *h;
	unsigned id;
	struct ev e;
	int fromi, hung;

	while (sim.nlive > 0) {
		if (sim.nih == 0 && sim.neh == 0)
			break;
		fromi = sim.neh == 0 || (sim.nih > 0 &&
		    (sim.ih[0].at < sim.eh[0].at ||
		    (sim.ih[0].at == sim.eh[0].at &&
		    sim.ih[0].seq < sim.eh[0].seq)));
		at = fromi ? sim.ih[0].at : sim.eh[0].at;
		if (at > limit)
			break;
		sim.now = at;
		if (!fromi) {
			epop(&e);
			on_event(&e);
			continue;
		}
		h = &sim.h[sim.ih[0].id];
		if (h->pipe.n > 0 && h->pipe.v[h->pipe.head].at <= at)
			arrive(h);
		else if (h->state == H_RUN) {
			wake(h);
			if (h->state < H_DONE)
				rekey(h);
		} else
			idel(h->id);	/* not reached: a guard */
	}
	hung = sim.nlive > 0;
	if (hung) {
		sim.now = limit;
		for (id = 0; id <= sim.n; id++)
			if (sim.h[id].state < H_DONE)
				end(&sim.h[id], X_HUNG);
	}
	while (sim.neh > 0) {
		epop(&e);
		if (e.d != NULL)
			unref(e.d);
	}
	return hung;
}

static double
wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Processor seconds, user and system: the cost on a shared machine. */
static double
cpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The results, for summary() and json(). */
struct result {
	unsigned	 intact, killed, hung;
	unsigned	 exits[256];
	const struct host *bad;		/* the first client not intact */
	double		 bottleneck;	/* bit/s */
	double		 vs, ss, bs;	/* s: the end, the server's, seek */
	double		 ds, es, is;	/* s: first block, R1_EOT; idle */
	double		 goodput, gtx, rpct, ppct, rxs;
	char		 sx[16];	/* the server's exit, in JSON */
};

static void
tally_up(struct result *r)
{
	const struct host *s = &sim.h[0], *h;
	double bits = (double)sim.size * 8;
	unsigned k;

	memset(r, 0, sizeof(*r));
	r->bottleneck = sim.srate;
	for (k = 1; k <= sim.n; k++) {
		h = &sim.h[k];
		if (h->port.rate < r->bottleneck)
			r->bottleneck = h->port.rate;
		if (h->how == X_KILLED)
			r->killed++;
		else if (h->how == X_HUNG)
			r->hung++;
		else
			r->exits[h->np.status & 0xFF]++;
		if (h->how == X_EXIT && h->np.status == 0 && h->bad == 0 &&
		    h->written == sim.size)
			r->intact++;
		else if (r->bad == NULL)
			r->bad = h;
	}
	r->vs = (double)(sim.now - T0) / 1e6;
	r->ss = (double)(s->end - T0) / 1e6;
	r->bs = s->np.began ? (double)(s->np.began - T0) / 1e6 : 0;
	r->ds = sim.data_at ? (double)(sim.data_at - T0) / 1e6 : 0;
	r->es = sim.eot_at ? (double)(sim.eot_at - T0) / 1e6 : 0;
	r->is = sim.idle_eot / 1e6;
	/* As bench/bench.sh: the stream over the server's time. */
	if (r->intact > 0 && r->ss > 0)
		r->goodput = 100 * bits / r->ss / r->bottleneck;
	if (r->intact > 0 && r->ss > r->bs && s->np.began)
		r->gtx = 100 * bits / (r->ss - r->bs) / r->bottleneck;
	if (sim.tally.blocks)
		r->rpct = 100.0 * (double)sim.tally.repeats /
		    (double)sim.tally.blocks;
	if (sim.tally.blocks)
		r->ppct = 100.0 * (double)sim.tally.parity /
		    (double)sim.tally.blocks;
	if (r->ss > 0)
		r->rxs = (double)s->handled / r->ss;
	if (s->how == X_KILLED)
		snprintf(r->sx, sizeof(r->sx), "\"killed\"");
	else if (s->how == X_HUNG)
		snprintf(r->sx, sizeof(r->sx), "\"hung\"");
	else
		snprintf(r->sx, sizeof(r->sx), "%d", s->np.status);
}

/* Two or three lines for people. */
static void
summary(const struct result *r, double wall_s)
{
	const struct host *b = r->bad;
	char bx[16];

	printf("sim: Rev. %d, %u client%s, %llu bytes (block %u", sim.rev,
	    sim.n, sim.n == 1 ? "" : "s", (unsigned long long)sim.size,
	    sim.block);
	if (sim.window)
		printf(", window %llu", (unsigned long long)sim.window);
	printf("), seed %llu: %u intact, server exit %s at %.3f s, goodput "
	    "%.1f%% of %.0f Mbit/s, %.2f%% repeated, %.2f%% parity\n",
	    (unsigned long long)sim.seed, r->intact, r->sx, r->ss, r->goodput,
	    r->bottleneck / 1e6, r->rpct, r->ppct);
	printf("sim: %llu datagrams from the server, %llu from clients; "
	    "%llu lost, %llu dropped at queues, %llu at receive buffers; "
	    "%llu events in %.2f s\n", (unsigned long long)sim.sent_s,
	    (unsigned long long)sim.sent_c, (unsigned long long)(sim.lost +
	    sim.lost_shared + sim.lost_up), (unsigned long long)(sim.qdrop_c +
	    sim.qdrop_s), (unsigned long long)(sim.rdrop_c + sim.rdrop_s),
	    (unsigned long long)sim.events, wall_s);
	if (r->ds > 0 && r->es > 0)
		printf("sim: where the time went: %.3f s to the first block, "
		    "%.3f s to the end of the stream (the server's port idle "
		    "%.3f s of it), %.3f s more to the server's end\n", r->ds,
		    r->es - r->ds, r->is, r->ss - r->es);
	if (b == NULL)
		return;
	snprintf(bx, sizeof(bx), "exit %d", b->np.status);
	printf("sim: first client not intact: %u, %s, %llu bytes written",
	    b->id, b->how == X_KILLED ? "killed" : b->how == X_HUNG ?
	    "running at the limit" : bx, (unsigned long long)b->written);
	if (b->bad)
		printf(", differing from the stream from byte %llu on",
		    (unsigned long long)b->bad_at);
	printf("%s%s\n", b->np.error[0] ? ": " : "", b->np.error);
}

/* The JSON object, one line: README says what each field is. */
static void
json(const struct result *r, double wall_s)
{
	const struct host *s = &sim.h[0];
	unsigned st, first = 1;

	printf("{\"clients\":%u,\"rev\":%d,\"seed\":%llu,\"size\":%llu,"
	    "\"block\":%u,\"window\":%llu,\"intact\":%u,\"server_exit\":%s,"
	    "\"client_exits\":{", sim.n, sim.rev,
	    (unsigned long long)sim.seed, (unsigned long long)sim.size,
	    sim.block, (unsigned long long)sim.window, r->intact, r->sx);
	for (st = 0; st < 256; st++)
		if (r->exits[st]) {
			printf("%s\"%u\":%u", first ? "" : ",", st, r->exits[st]);
			first = 0;
		}
	if (r->killed) {
		printf("%s\"killed\":%u", first ? "" : ",", r->killed);
		first = 0;
	}
	if (r->hung)
		printf("%s\"hung\":%u", first ? "" : ",", r->hung);
	printf("},\"virtual_s\":%.6f,\"server_s\":%.6f,\"began_s\":%.6f,"
	    "\"goodput_pct\":%.2f,\"transfer_goodput_pct\":%.2f,"
	    "\"bottleneck_bps\":%.0f,\"repeat_pct\":%.2f,\"blocks\":%llu,"
	    "\"repeats\":%llu,\"parity_pct\":%.2f,\"parity\":%llu,"
	    "\"dropped_clients\":%u,\"server_rx\":%llu,"
	    "\"server_rx_per_s\":%.0f,\"data_s\":%.6f,\"eot_s\":%.6f,"
	    "\"port_idle_s\":%.6f,", r->vs, r->ss, r->bs, r->goodput,
	    r->gtx, r->bottleneck, r->rpct,
	    (unsigned long long)sim.tally.blocks,
	    (unsigned long long)sim.tally.repeats, r->ppct,
	    (unsigned long long)sim.tally.parity, sim.dropped,
	    (unsigned long long)s->handled, r->rxs, r->ds, r->es, r->is);
	printf("\"sent_server\":%llu,\"sent_server_bytes\":%llu,"
	    "\"sent_clients\":%llu,\"delivered\":%llu,\"lost_port\":%llu,"
	    "\"lost_shared\":%llu,\"lost_uplink\":%llu,"
	    "\"dropped_queue_clients\":%llu,\"dropped_queue_server\":%llu,"
	    "\"dropped_rcvbuf_clients\":%llu,\"dropped_rcvbuf_server\":%llu,"
	    "\"to_gone\":%llu,\"duplicated\":%llu,\"reordered\":%llu,",
	    (unsigned long long)sim.sent_s, (unsigned long long)sim.bytes_s,
	    (unsigned long long)sim.sent_c, (unsigned long long)sim.delivered,
	    (unsigned long long)sim.lost, (unsigned long long)sim.lost_shared,
	    (unsigned long long)sim.lost_up, (unsigned long long)sim.qdrop_c,
	    (unsigned long long)sim.qdrop_s, (unsigned long long)sim.rdrop_c,
	    (unsigned long long)sim.rdrop_s, (unsigned long long)sim.gone,
	    (unsigned long long)sim.dups, (unsigned long long)sim.reordered);
	printf("\"server_blocked_s\":%.6f,\"zero_time_caps\":%llu,"
	    "\"events\":%llu,\"trace_digest\":\"%016llx\",\"wall_s\":%.3f,"
	    "\"wall_cpu_s\":%.3f,\"wall_server_rx_us\":%.3f}\n",
	    (double)sim.blocked_us / 1e6, (unsigned long long)sim.zcap,
	    (unsigned long long)sim.events, (unsigned long long)sim.digest,
	    wall_s, cpu(), s->handled ? sim.wall_srv * 1e6 /
	    (double)s->handled : 0.0);
}

int
main(int argc, char **argv)
{
	double w0 = wall();
	struct result r;
	unsigned k;

	parse(argc, argv);
	crc_setup();
	sim.digest = 0xCBF29CE484222325ULL;
	if (sim.tracefile != NULL && (sim.tf = fopen(sim.tracefile, "w")) ==
	    NULL)
		err(1, "%s", sim.tracefile);
	setup();
	(void)run();
	tally_up(&r);
	summary(&r, wall() - w0);
	json(&r, wall() - w0);
	if (sim.tf != NULL && fclose(sim.tf) != 0)
		err(1, "%s", sim.tracefile);
	for (k = 0; k <= sim.n; k++)
		clear(&sim.h[k]);
	free(sim.h);
	free(sim.stream);
	free(sim.ih);
	free(sim.ipos);
	free(sim.eh);
	return 0;
}
