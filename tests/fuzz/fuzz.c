/*
 * netpipe: tests/fuzz/fuzz.c: a libFuzzer target for every role.
 *
 * One input is one run of netpipe: a server or a client of Rev. 0 or
 * Rev. 1, driven as loop.c drives it, fed arbitrary datagrams.  The
 * input:
 *
 *   byte 0   bit 0: client (else server); bit 1: Rev. 1 (else Rev. 0);
 *            bit 2: -1; bits 3-4: -n 1 to 4; bit 5: -w 1; bit 6: -l fz;
 *            bit 7: -b 64 (else the default block size)
 *   byte 1   bit 0: -v; bit 1: -q; bit 2: --first-seq 4294967294;
 *            bit 3: -t 1 (else -t 2); bit 4: -P (a server's input
 *            100000 bytes long, as far as the progress line knows);
 *            bit 5: --stats /dev/null; bit 6: -r 50M; bit 7: -k (Rev. 1:
 *            the role behind seal.c, with fz_key; fakeseal.c)
 *   then records, until the input ends:
 *     h src t len(2) payload   h & 7 < 4: a datagram of len bytes (as
 *		many as are left) after t*t*64 µs.  h & 0x08: fix it up
 *		(below); 0x10: to the client's status socket (no longer
 *		told apart: a role is not told the socket); 0x20: as a GRO
 *		datagram of two segments.  src: a server hears client
 *		src % 6 (10.0.0.10+k:50000+k); a client hears src % 4: 0
 *		the server (10.0.0.1, status port), 1 the same host from
 *		another port, 2 another host from the status port, 3 both
 *	h	 h & 7 == 4: let time run to the role's deadline
 *	h n	 h & 7 == 5: n more bytes on standard input (n * 256 with
 *		h & 0x08); h & 0x10: then end of file; h & 0x20: the next
 *		read fails (EIO)
 *	h	 h & 7 == 6: a signal (SIGINT with h & 0x08, else SIGTERM);
 *		with h & 0x10 no signal, but the next write to standard
 *		output fails (ENOSPC), or its close (EIO)
 *	h t	 h & 7 == 7: t*t*64 µs pass
 *   When the records are used up, standard input ends and time runs on
 *   (100 ms a step at least) for TAIL_STEPS steps; then SIGTERM.
 *
 * A fix-up (fakenet.c) makes a datagram pass the checks that the fuzzer
 * cannot guess its way through: Rev. 1: the role's session id (what it
 * last sent) and the CRC seal, and in an R1_PONG to a server its last
 * ping stamp; Rev. 0: CM_TX's length field and CRC, and CM_PONG's
 * stamp; with -k it is then sealed as its source would (fakeseal.c).
 * Without the flag the datagram goes in as it is.
 *
 * The harness links the roles and report.c as they are and plays the
 * loop itself, with an io of its own: a fake clock that moves only
 * when the input says so or a deadline comes (nothing sleeps); the
 * datagrams of the records, each segment in a buffer of exactly its
 * size, freed when the role returns (a read past its end, or a pointer
 * kept into it, is an ASan report); a standard input of the records'
 * bytes; a standard output that counts and discards; messages that go
 * nowhere (or to standard error with NPFUZZ_VERBOSE=1); a fixed session
 * id.  A role's init allocates its state and its fini frees it: the
 * run leaves nothing behind, or LeakSanitizer says so.  The only exits
 * left are err(1) on a failed malloc, which a datagram must never
 * cause: libFuzzer reports an exit as a finding, as it should.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/types.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../netpipe.h"
#include "../../seal.h"
#include "fuzz.h"

#define TAIL_STEPS	64		/* steps of time after the input */
#define TAIL_MIN	100000		/* µs, a step at least */
#define MAX_STEPS	200000		/* loop turns in one run, at most */
#define MAX_SPIN	20000		/* turns in a row without waiting */
#define OUTMAX		(1ULL << 32)	/* bytes written: more is a bug */
#define PROGRESS_SIZE	100000		/* -P: a server's input, it is told */

/* What one turn of the loop brought. */
enum { EV_TIME, EV_INPUT, EV_DGRAM };

/* The records of the input, and where the run is in them. */
struct feed {
	const uint8_t	*rec;		/* the next record */
	size_t		 reclen;
	int		 pend;		/* a record waits for its time */
	uint64_t	 adv;		/* µs still to pass before it */
	uint8_t		 rh, rsrc;	/* its header and source */
	const uint8_t	*rpay;		/* its payload */
	size_t		 rlen;
	unsigned	 steps, spin, tail;
	int		 sig;		/* a signal to deliver */
};

int		 LLVMFuzzerInitialize(int *, char ***);
int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static ssize_t	 fz_read(void *, void *, size_t);
static int	 fz_write(void *, const void *, size_t);
static int	 fz_close(void *);
static void	 fz_say(void *, const char *);
static void	 fz_random(void *, void *, size_t);
static uint64_t	 fz_clock(void *);
static void	 options(struct opts *, const uint8_t *);
static int	 stdin_ready(void);
static int	 next_record(void);
static int	 event(uint64_t, int);
static void	 deliver(struct np *, const struct role *, struct seal *);
static void	 drive(struct np *, const struct role *, struct report *,
		    struct seal *);

static struct fz fz;
static struct feed feed;
static int	 verbose;		/* NPFUZZ_VERBOSE */

static const struct io fzio = {
	.ctx = &fz,
	.send = fz_send,
	.sendsegs = fz_sendsegs,
	.read = fz_read,
	.write = fz_write,
	.close = fz_close,
	.say = fz_say,
	.random = fz_random,
	.clock = fz_clock
};

void
fz_bug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "netpipe fuzz: bug: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	verbose = getenv("NPFUZZ_VERBOSE") != NULL;
	return 0;
}

/* Standard input: inpend bytes, then end of file or "try again". */
static ssize_t
fz_read(void *ctx, void *buf, size_t len)
{
	struct fz *f = ctx;
	uint8_t *p = buf;
	size_t i;

	if (f->infail) {
		f->infail = 0;
		errno = EIO;
		return -1;
	}
	if (f->inpend == 0) {
		if (f->ineof)
			return 0;
		errno = EAGAIN;
		return -1;
	}
	if (len > f->inpend)
		len = (size_t)f->inpend;
	for (i = 0; i < len; i++)
		p[i] = f->inbyte++;
	f->inpend -= len;
	return (ssize_t)len;
}

/*
 * Standard output: counted and discarded.  Writing after the close is a
 * bug (bytes lost, or another file's descriptor); a second close does
 * nothing, as np_fail() may close what the role closed.
 */
static int
fz_write(void *ctx, const void *buf, size_t len)
{
	struct fz *f = ctx;

	(void)buf;
	if (f->outshut)
		fz_bug("write of %zu bytes to standard output after closing "
		    "it", len);
	if (f->outfail) {
		f->outfail = 0;
		return ENOSPC;
	}
	f->outbytes += len;
	if (f->outbytes > OUTMAX)
		fz_bug("wrote %llu bytes", (unsigned long long)f->outbytes);
	return 0;
}

static int
fz_close(void *ctx)
{
	struct fz *f = ctx;

	if (f->outshut)
		return 0;
	f->outshut = 1;
	if (f->outfail) {
		f->outfail = 0;
		return EIO;		/* as a full NFS server says */
	}
	return 0;
}

/* A message line: counted, and printed with NPFUZZ_VERBOSE=1. */
static void
fz_say(void *ctx, const char *line)
{
	struct fz *f = ctx;

	f->lines++;
	if (f->verbose)
		fprintf(stderr, "netpipe: %s\n", line);
}

/* The session id: always the same, so that an input runs one way. */
static void
fz_random(void *ctx, void *buf, size_t len)
{
	uint8_t s[4], *p = buf;
	size_t i;

	(void)ctx;
	put32(s, FZ_SESSION);
	for (i = 0; i < len; i++)
		p[i] = s[i % sizeof(s)];
}

static uint64_t
fz_clock(void *ctx)
{
	(void)ctx;
	return fz.clock;
}

/* The command line, from the input's first two bytes (see the top). */
static void
options(struct opts *o, const uint8_t *b)
{
	memset(o, 0, sizeof(*o));
	o->server = !(b[0] & 0x01);
	o->rev = (b[0] & 0x02) != 0;
	o->port = DEF_PORT;
	o->timeout = b[1] & 0x08 ? 1 : 2;
	o->ttl = 1;
	o->multicast = 1;
	o->group.sin.sin_family = AF_INET;
	inet_pton(AF_INET, "239.1.2.3", &o->group.sin.sin_addr);
	o->window = DEF_WINDOW;
	o->nclients = 1;
	o->verbose = b[1] & 0x01 ? 1 : b[1] & 0x02 ? -1 : 0;
	if (o->rev == 0 && (b[1] & 0x04))
		o->first_seq = 0xfffffffe;
	if (o->rev == 1 && (b[0] & 0x40))
		o->label = "fz";
	if (o->server) {
		o->single_ack = o->rev == 0 && (b[0] & 0x04);
		o->nclients = 1 + (b[0] >> 3 & 3);
		o->wait = b[0] & 0x20 ? 1 : 0;
		o->block = b[0] & 0x80 ? 64 : 0;
		if (o->rev == 1)
			o->window = MIN_WINDOW;
	}
	if (o->block == 0)
		o->block = o->rev == 0 ? DEF_BLOCK : DEF_BLOCK1;
	if (o->rev == 1 && o->server && (b[1] & 0x40))
		o->rate = 50000000;
	if (o->rev == 1 && (b[1] & 0x80)) {
		o->keyfile = "fz_key";	/* not read: fuzz.c seals */
		if (o->block == DEF_BLOCK1)
			o->block = DEF_BLOCK1_KEY;
	}
	o->progress = (b[1] & 0x10) != 0;
	if (b[1] & 0x20)
		o->stats = "/dev/null";
}

static int
stdin_ready(void)
{
	return fz.inpend || fz.ineof || fz.infail;
}

/* Take the next record; 0 when the input is used up. */
static int
next_record(void)
{
	struct feed *r = &feed;
	size_t need;

	if (r->reclen == 0)
		return 0;
	r->rh = r->rec[0];
	switch (r->rh & 7) {
	case 4:
	case 6:
		need = 1;
		r->adv = 0;
		break;
	case 5:
	case 7:
		need = 2;
		r->adv = r->reclen >= 2 && (r->rh & 7) == 7 ?
		    (uint64_t)r->rec[1] * r->rec[1] * 64 : 0;
		r->rpay = r->rec + 1;
		break;
	default:
		need = 5;
		if (r->reclen < need) {
			r->reclen = 0;
			return 0;
		}
		r->rsrc = r->rec[1];
		r->adv = (uint64_t)r->rec[2] * r->rec[2] * 64;
		r->rlen = (size_t)r->rec[3] << 8 | r->rec[4];
		if (r->rlen > r->reclen - need)
			r->rlen = r->reclen - need;
		r->rpay = r->rec + need;
		need += r->rlen;
		break;
	}
	if (r->reclen < need) {
		r->reclen = 0;
		return 0;
	}
	r->rec += need;
	r->reclen -= need;
	r->pend = 1;
	return 1;
}

/*
 * One turn's wait, the role's deadline wait µs away, in = the role
 * would read standard input: standard input when it has something;
 * else the next record, once its time has come; time never passes the
 * deadline without the turn ending.
 */
static int
event(uint64_t wait, int in)
{
	struct feed *r = &feed;

	if (++r->steps > MAX_STEPS) {
		r->sig = SIGTERM;
		return EV_TIME;
	}
	if (wait == 0 && ++r->spin > MAX_SPIN)
		fz_bug("%u turns of the loop in a row with no time to wait",
		    r->spin);
	if (wait > 0)
		r->spin = 0;
	if (in && stdin_ready())
		return EV_INPUT;
	if (!r->pend && !next_record()) {
		/* The input is used up: the end of standard input, time. */
		fz.ineof = 1;
		if (++r->tail > TAIL_STEPS)
			r->sig = SIGTERM;
		fz.clock += wait > TAIL_MIN ? wait : TAIL_MIN;
		return EV_TIME;
	}
	if (r->adv > wait) {
		fz.clock += wait;
		r->adv -= wait;
		return EV_TIME;
	}
	fz.clock += r->adv;
	r->adv = 0;
	r->pend = 0;
	switch (r->rh & 7) {
	case 4:
		fz.clock += wait;
		return EV_TIME;
	case 5:
		fz.inpend += r->rh & 0x08 ? (uint64_t)r->rpay[0] * 256 :
		    r->rpay[0];
		fz.ineof |= (r->rh & 0x10) != 0;
		fz.infail |= (r->rh & 0x20) != 0;
		return in && stdin_ready() ? EV_INPUT : EV_TIME;
	case 6:
		if (r->rh & 0x10)
			fz.outfail = 1;
		else
			r->sig = r->rh & 0x08 ? SIGINT : SIGTERM;
		return EV_TIME;
	case 7:
		return EV_TIME;
	default:
		return EV_DGRAM;
	}
}

/*
 * The datagram of the current record, fixed up if it asks, to the role
 * one segment at a time (a GRO datagram has two), each in a buffer of
 * exactly its size that is freed when the role returns.
 */
static void
deliver(struct np *np, const struct role *r, struct seal *sl)
{
	static uint8_t sealed[MAX_DGRAM + SEAL_MAX_OVER];
	union addr from;
	uint8_t *dg, *p, *q;
	size_t seg, off, k, m;

	if ((dg = malloc(feed.rlen ? feed.rlen : 1)) == NULL)
		fz_bug("malloc");
	memcpy(dg, feed.rpay, feed.rlen);
	seg = feed.rlen;
	if ((feed.rh & 0x20) && feed.rlen >= 2)
		seg = (feed.rlen + 1) / 2;
	fz.heard |= 1u << fz_addr(&fz, feed.rsrc, &from);
	off = 0;
	do {
		k = feed.rlen - off < seg ? feed.rlen - off : seg;
		if (feed.rh & 0x08)
			fz_fixup(&fz, dg + off, k);
		q = dg + off;
		m = k;
		if (sl != NULL && (feed.rh & 0x08)) {
			m = fz_seal(&fz, feed.rsrc, (feed.rh & 0x10) != 0, q,
			    k, sealed);
			q = sealed;
		}
		if ((p = malloc(m)) == NULL && m > 0)
			fz_bug("malloc");
		memcpy(p, q, m);
		if (sl != NULL)
			seal_packet(sl, r, np, p, m, &from, fz.clock);
		else
			r->packet(np, p, m, &from, fz.clock);
		free(p);
		off += k;
	} while (off < feed.rlen && !np->done);
	free(dg);
}

/*
 * The loop, as loop.c's run(): the role's timers, the report's tick,
 * then a wait for a datagram, standard input, the role's deadline or
 * the report's next tick, whichever comes first; a signal ends it
 * through the role's interrupt.
 */
static void
drive(struct np *np, const struct role *r, struct report *rep,
    struct seal *sl)
{
	uint64_t dl, next;
	int in;

	while (!np->done) {
		if (feed.sig) {
			r->interrupt(np, feed.sig, fz.clock);
			break;
		}
		r->timer(np, fz.clock);
		if (np->done)
			break;
		next = report_tick(rep, fz.clock);
		dl = r->deadline(np, fz.clock);
		if (dl > next)
			dl = next;
		in = r->want_input != NULL && r->want_input(np);
		switch (event(dl > fz.clock ? dl - fz.clock : 0, in)) {
		case EV_DGRAM:
			deliver(np, r, sl);
			break;
		case EV_INPUT:
			r->input(np, fz.clock);
			break;
		}
	}
}

/*
 * One run, as loop.c's loop_run() after netpipe.c's command line and
 * net.c's sockets: the report (its progress line made but written
 * nowhere, --stats to /dev/null), the role, the loop, the summary and
 * --stats, the role's fini.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct role *r;
	struct report rep;
	struct seal *sl = NULL;
	struct opts o;
	struct np np;

	if (size < 2)
		return 0;
	options(&o, data);
	memset(&fz, 0, sizeof(fz));
	memset(&feed, 0, sizeof(feed));
	fz.rev = o.rev;
	fz.server = o.server;
	fz.verbose = verbose;
	fz.clock = FZ_T0;
	feed.rec = data + 2;
	feed.reclen = size - 2;

	memset(&np, 0, sizeof(np));
	np.o = &o;
	np.io = &fzio;
	if (o.keyfile != NULL) {
		fz.keyed = 1;
		fz_keys(&fz);
		sl = seal_new(fz_key, o.server, &fzio, &np);
		np.io = seal_io(sl);
	}
	report_init(&rep, &np, -1, -1);
	if (o.server && o.progress) {
		rep.sized = 1;
		rep.size = PROGRESS_SIZE;
	}
	np.net.fd = np.net.ufd = -1;
	np.net.sport = o.port + 1;
	snprintf(np.net.ifname, sizeof(np.net.ifname), "fz0");
	snprintf(np.net.ifwhy, sizeof(np.net.ifwhy), "the fuzz harness's");
	np.net.block = o.block;
	if (o.server) {
		np.net.ifaddr.sin.sin_family = AF_INET;
		inet_pton(AF_INET, "10.0.0.1", &np.net.ifaddr.sin.sin_addr);
		np.net.dst = o.group;
		np.net.dst.sin.sin_port = htons(o.port);
		fz.dst = np.net.dst;
	} else {
		np.net.ifaddr.sin.sin_family = AF_INET;
		inet_pton(AF_INET, "10.0.0.2", &np.net.ifaddr.sin.sin_addr);
	}
	np.start = fz.clock;
	r = role_for(&o);
	r->init(&np, fz.clock);
	report_start(&rep, r);
	drive(&np, r, &rep, sl);
	if (np.junk || np.foreign)
		debug(&np, "ignored %llu malformed and %llu foreign datagrams",
		    (unsigned long long)np.junk,
		    (unsigned long long)np.foreign);
	report_summary(&rep, fz.clock);
	(void)report_stats(&rep, fz.clock);
	if (r->fini != NULL)
		r->fini(&np);
	seal_free(sl);
	if (fz.verbose)
		fprintf(stderr, "netpipe fuzz: exit %d after %.6f s: %llu "
		    "datagrams sent, %llu bytes written, %llu lines said\n",
		    np.status, (double)(fz.clock - FZ_T0) / SEC,
		    (unsigned long long)fz.sent,
		    (unsigned long long)fz.outbytes,
		    (unsigned long long)fz.lines);
	return 0;
}
