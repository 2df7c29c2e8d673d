/*
 * netpipe: tests/fuzz/fuzz.c: a libFuzzer target for every role.
 *
 * One input is one run of netpipe: a server or a client of Rev. 0 or
 * Rev. 1, in the real event loop, fed arbitrary datagrams.  The input:
 *
 *   byte 0   bit 0: client (else server); bit 1: Rev. 1 (else Rev. 0);
 *            bit 2: -1; bits 3-4: -n 1 to 4; bit 5: -w 1; bit 6: -l fz;
 *            bit 7: -b 64 (else the default block size)
 *   byte 1   bit 0: -v; bit 1: -q; bit 2: --first-seq 4294967294;
 *            bit 3: -t 1 (else -t 2); bit 4: -P (a server's input
 *            100000 bytes long, as far as the progress line knows);
 *            bit 5: --stats /dev/null; bit 6: -r 50M
 *   then records, until the input ends:
 *     h src t len(2) payload   h & 7 < 4: a datagram of len bytes (as
 *		many as are left) after t*t*64 µs.  h & 0x08: fix it up
 *		(below); 0x10: to the client's status socket; 0x20: as a
 *		GRO datagram of two segments.  src: a server sees client
 *		src % 6 (10.0.0.10+k:50000+k); a client sees src % 4: 0
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
 * A fix-up makes a datagram pass the checks that the fuzzer cannot
 * guess its way through: Rev. 1: the role's session id (what it last
 * sent) and the CRC seal, and in an R1_PONG to a server its last ping
 * stamp; Rev. 0: CM_TX's length field and CRC, and CM_PONG's stamp.
 * Without the flag the datagram goes in as it is.
 *
 * The seams, none of which changes a production code path:
 *   - netpipe.c is compiled into this file, its main() renamed, and
 *     its calls of clock_gettime, ppoll, write and close replaced by
 *     this file's: a fake clock that moves only when the input says so
 *     or a timeout runs out (no real sleeping), a poll that takes the
 *     next record, and a standard output that counts and discards.
 *     LLVMFuzzerTestOneInput() does what main() does after parse(), and
 *     run(), summary(), stats(), now_us(), out_*() and np_fail() are the
 *     real ones; the static state of netpipe.c (output buffer, signal,
 *     progress line, ticks, end of run) is reset here.
 *   - rev0.c and rev1.c are compiled unchanged inside rev0fz.c and
 *     rev1fz.c, which add a reset of their static state, a standard
 *     input from here, and a fixed session id.
 *   - fakenet.c replaces net.c: no sockets; it also checks every
 *     packet the role sends.
 * A role ends its run as netpipe would end (np->done); np_fail() does
 * not exit, so no longjmp is needed.  The only exits left are err(1)
 * on a failed malloc or getrandom, which a datagram must never cause:
 * libFuzzer reports such an exit as a finding, as it should.  Memory:
 * every allocation of a run is freed before the next (the resets), and
 * libFuzzer's -rss_limit_mb and -malloc_limit_mb bound the rest.
 *
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

#include "../../netpipe.h"
#include "fuzz.h"

#define T0		(1000 * SEC)	/* the fake clock at the start */
#define TAIL_STEPS	64		/* steps of time after the input */
#define TAIL_MIN	100000		/* µs, a step at least */
#define MAX_STEPS	200000		/* polls in one run, at most */
#define MAX_SPIN	20000		/* polls in a row without waiting */
#define OUTMAX		(1ULL << 32)	/* bytes written: more is a bug */

static int	 fz_clock_gettime(clockid_t, struct timespec *);
static int	 fz_ppoll(struct pollfd *, nfds_t, const struct timespec *,
		    const sigset_t *);
static ssize_t	 fz_write(int, const void *, size_t);
static int	 fz_close(int);
ssize_t		 fz_read(int, void *, size_t);

#define main		netpipe_main
#define clock_gettime	fz_clock_gettime
#define ppoll		fz_ppoll
#define write		fz_write
#define close		fz_close
#include "../../netpipe.c"
#undef main
#undef clock_gettime
#undef ppoll
#undef write
#undef close

int		 LLVMFuzzerInitialize(int *, char ***);
int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 stdin_ready(struct pollfd *, nfds_t);
static int	 next_record(void);
static void	 fixup(uint8_t *, size_t);
static void	 datagram(void);
static void	 reset(void);

struct fz fz;

/* The records, and the run's fake standard input and output. */
static const uint8_t *rec;
static size_t	 reclen;
static int	 pend;			/* a record waits for its time */
static uint64_t	 adv;			/* µs still to pass before it */
static uint8_t	 rh, rsrc;		/* its header and source */
static const uint8_t *rpay;		/* its payload */
static size_t	 rlen;
static unsigned	 steps, spin, tail;
static uint64_t	 inpend;		/* stdin: bytes to read */
static int	 ineof, infail;
static uint8_t	 inbyte;
static int	 outshut, outfail;
static uint64_t	 outbytes;

void
fz_bug(const char *fmt, ...)
{
	va_list ap;

	/* To the descriptor: stderr may be /dev/null (below). */
	va_start(ap, fmt);
	dprintf(STDERR_FILENO, "netpipe fuzz: bug: ");
	vdprintf(STDERR_FILENO, fmt, ap);
	dprintf(STDERR_FILENO, "\n");
	va_end(ap);
	abort();
}

/*
 * netpipe's own messages (warnx and the like, through stderr) go to
 * /dev/null unless NPFUZZ_VERBOSE is set; libFuzzer's, the sanitizers'
 * and fz_bug()'s are written to descriptor 2 and stay.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *f;

	(void)argc;
	(void)argv;
	if (getenv("NPFUZZ_VERBOSE") == NULL &&
	    (f = fopen("/dev/null", "w")) != NULL)
		stderr = f;
	return 0;
}

static int
fz_clock_gettime(clockid_t id, struct timespec *ts)
{
	(void)id;
	ts->tv_sec = (time_t)(fz.clock / SEC);
	ts->tv_nsec = (long)(fz.clock % SEC * 1000);
	return 0;
}

/* Standard input: inpend bytes, then end of file or "try again". */
ssize_t
fz_read(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t i;

	if (fd != STDIN_FILENO)
		fz_bug("read from fd %d", fd);
	if (infail) {
		infail = 0;
		errno = EIO;
		return -1;
	}
	if (inpend == 0) {
		if (ineof)
			return 0;
		errno = EAGAIN;
		return -1;
	}
	if (len > inpend)
		len = (size_t)inpend;
	for (i = 0; i < len; i++)
		p[i] = inbyte++;
	inpend -= len;
	return (ssize_t)len;
}

/*
 * Standard output: counted and discarded.  Writing after the close, or
 * closing twice, is a bug: bytes lost, or another file's descriptor.
 * The progress line's writes to standard error are discarded.
 */
static ssize_t
fz_write(int fd, const void *buf, size_t len)
{
	(void)buf;
	if (fd == STDERR_FILENO)
		return (ssize_t)len;
	if (fd != STDOUT_FILENO)
		fz_bug("write to fd %d", fd);
	if (outshut)
		fz_bug("write of %zu bytes to standard output after closing "
		    "it", len);
	if (outfail) {
		outfail = 0;
		errno = ENOSPC;
		return -1;
	}
	outbytes += len;
	if (outbytes > OUTMAX)
		fz_bug("wrote %llu bytes", (unsigned long long)outbytes);
	return (ssize_t)len;
}

static int
fz_close(int fd)
{
	if (fd != STDOUT_FILENO || outshut)
		fz_bug("close of fd %d%s", fd, outshut ? " again" : "");
	outshut = 1;
	if (outfail) {
		outfail = 0;
		errno = EIO;		/* as a full NFS server says */
		return -1;
	}
	return 0;
}

static int
stdin_ready(struct pollfd *pfd, nfds_t n)
{
	nfds_t i;

	for (i = 0; i < n; i++)
		if (pfd[i].fd == STDIN_FILENO && (inpend || ineof || infail)) {
			pfd[i].revents = POLLIN;
			return 1;
		}
	return 0;
}

/* Take the next record; 0 when the input is used up. */
static int
next_record(void)
{
	size_t need;

	if (reclen == 0)
		return 0;
	rh = rec[0];
	switch (rh & 7) {
	case 4:
	case 6:
		need = 1;
		adv = 0;
		break;
	case 5:
	case 7:
		need = 2;
		adv = reclen >= 2 && (rh & 7) == 7 ?
		    (uint64_t)rec[1] * rec[1] * 64 : 0;
		break;
	default:
		need = 5;
		if (reclen < need) {
			reclen = 0;
			return 0;
		}
		rsrc = rec[1];
		adv = (uint64_t)rec[2] * rec[2] * 64;
		rlen = (size_t)rec[3] << 8 | rec[4];
		if (rlen > reclen - need)
			rlen = reclen - need;
		rpay = rec + need;
		need += rlen;
		break;
	}
	if (reclen < need) {
		reclen = 0;
		return 0;
	}
	rpay = (rh & 7) == 5 ? rec + 1 : rpay;
	rec += need;
	reclen -= need;
	pend = 1;
	return 1;
}

/* Make a datagram pass the checks of its receiver (see the top). */
static void
fixup(uint8_t *p, size_t n)
{
	size_t len;

	if (fz.rev == 1) {
		if (n < R1_MIN)
			return;
		if (fz.session_known)
			put32(p + 1, fz.session);
		if (p[0] == R1_PONG && n == R1_PONG_LEN && fz.stamp_known)
			memcpy(p + 5, fz.stamp, 8);
		put32(p + n - 4, np_crc32(p, n - 4));
		return;
	}
	if (n >= 1 && p[0] == CM_PONG && n == PING_LEN && fz.stamp_known)
		memcpy(p + 1, fz.stamp, 8);
	if (n >= TX_OVERHEAD && p[0] == CM_TX) {
		len = n - TX_OVERHEAD;
		put32(p + 5, (uint32_t)len);
		put32(p + TX_HDR + len, np_crc32(p, TX_HDR + len));
	}
}

/* The datagram of the current record, into fz.dg. */
static void
datagram(void)
{
	size_t off, k;
	unsigned s;

	free(fz.dg);
	/* Exactly rlen bytes: a read past the end hits ASan's red zone. */
	if ((fz.dg = malloc(rlen ? rlen : 1)) == NULL)
		fz_bug("malloc");
	memcpy(fz.dg, rpay, rlen);
	fz.dglen = rlen;
	fz.dgseg = rlen;
	if ((rh & 0x20) && rlen >= 2)
		fz.dgseg = (rlen + 1) / 2;
	if (rh & 0x08)
		for (off = 0; off < rlen; off += k) {
			k = rlen - off < fz.dgseg ? rlen - off : fz.dgseg;
			fixup(fz.dg + off, k);
		}
	fz.dgfd = !fz.server && (rh & 0x10) ? FZ_UFD : FZ_FD;
	memset(&fz.dgfrom, 0, sizeof(fz.dgfrom));
	fz.dgfrom.sin_family = AF_INET;
	if (fz.server) {
		s = rsrc % 6;
		fz.dgfrom.sin_addr.s_addr = htonl(0x0a00000a + s);
		fz.dgfrom.sin_port = htons(50000 + s);
	} else {
		s = rsrc % 4;
		fz.dgfrom.sin_addr.s_addr = htonl(s & 2 ? 0x0a000042 :
		    0x0a000001);
		fz.dgfrom.sin_port = htons(s & 1 ? 40000 : 9001);
	}
}

/*
 * poll: standard input when it is wanted and has something; else the
 * next record, once its time has come; time never passes the timeout
 * without the poll returning.
 */
static int
fz_ppoll(struct pollfd *pfd, nfds_t n, const struct timespec *ts,
    const sigset_t *mask)
{
	uint64_t wait;
	nfds_t i;

	(void)mask;
	wait = (uint64_t)ts->tv_sec * SEC + (uint64_t)ts->tv_nsec / 1000;
	for (i = 0; i < n; i++)
		pfd[i].revents = 0;
	free(fz.dg);
	fz.dg = NULL;
	if (++steps > MAX_STEPS) {
		gotsig = SIGTERM;
		return 0;
	}
	if (wait == 0 && ++spin > MAX_SPIN)
		fz_bug("%u polls in a row with no time to wait", spin);
	if (wait > 0)
		spin = 0;
	if (stdin_ready(pfd, n))
		return 1;
	if (!pend && !next_record()) {
		/* The input is used up: the end of standard input, time. */
		if (!ineof)
			ineof = 1;
		if (++tail > TAIL_STEPS)
			gotsig = SIGTERM;
		fz.clock += wait > TAIL_MIN ? wait : TAIL_MIN;
		return 0;
	}
	if (adv > wait) {
		fz.clock += wait;
		adv -= wait;
		return 0;
	}
	fz.clock += adv;
	adv = 0;
	pend = 0;
	switch (rh & 7) {
	case 4:
		fz.clock += wait;
		return 0;
	case 5:
		inpend += rh & 0x08 ? (uint64_t)rpay[0] * 256 : rpay[0];
		ineof |= (rh & 0x10) != 0;
		infail |= (rh & 0x20) != 0;
		return stdin_ready(pfd, n);
	case 6:
		if (rh & 0x10) {
			outfail = 1;
			return 0;
		}
		gotsig = rh & 0x08 ? SIGINT : SIGTERM;
		errno = EINTR;
		return -1;
	case 7:
		return 0;
	default:
		datagram();
		for (i = 0; i < n; i++)
			if (pfd[i].fd == fz.dgfd) {
				pfd[i].revents = POLLIN;
				return 1;
			}
		return 0;	/* that socket is not polled: lost */
	}
}

/* Everything of one run back to the start, as in a new process. */
static void
reset(void)
{
	fz_rev0_reset();
	fz_rev1_reset();
	fz_net_reset();
	free(fz.dg);
	fz.dg = NULL;
	fz.dgfd = -1;
	fz.clock = T0;
	outlen = 0;
	outclosed = 0;
	gotsig = 0;
	if (fin.f != NULL && !fin.written)
		fclose(fin.f);
	memset(&prog, 0, sizeof(prog));
	memset(&tk, 0, sizeof(tk));
	memset(&fin, 0, sizeof(fin));
	pend = 0;
	adv = 0;
	steps = spin = tail = 0;
	inpend = 0;
	ineof = infail = 0;
	inbyte = 0;
	outshut = outfail = 0;
	outbytes = 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct opts o;
	const struct role *r;
	struct np np;

	if (size < 2)
		return 0;
	reset();
	memset(&o, 0, sizeof(o));
	o.server = !(data[0] & 0x01);
	o.rev = (data[0] & 0x02) != 0;
	o.port = DEF_PORT;
	o.timeout = data[1] & 0x08 ? 1 : 2;
	o.ttl = 1;
	o.multicast = 1;
	inet_pton(AF_INET, "239.1.2.3", &o.group);
	o.window = DEF_WINDOW;
	o.nclients = 1;
	o.verbose = data[1] & 0x01 ? 1 : data[1] & 0x02 ? -1 : 0;
	if (o.rev == 0 && (data[1] & 0x04))
		o.first_seq = 0xfffffffe;
	if (o.rev == 1 && (data[0] & 0x40))
		o.label = "fz";
	if (o.server) {
		o.single_ack = o.rev == 0 && (data[0] & 0x04);
		o.nclients = 1 + (data[0] >> 3 & 3);
		o.wait = data[0] & 0x20 ? 1 : 0;
		o.block = data[0] & 0x80 ? 64 : 0;
		if (o.rev == 1)
			o.window = MIN_WINDOW;
	}
	if (o.block == 0)
		o.block = o.rev == 0 ? DEF_BLOCK : DEF_BLOCK1;
	if (o.rev == 1 && o.server && (data[1] & 0x40))
		o.rate = 50000000;
	o.progress = (data[1] & 0x10) != 0;
	if (data[1] & 0x20)
		o.stats = "/dev/null";
	fz.rev = o.rev;
	fz.server = o.server;
	rec = data + 2;
	reclen = size - 2;

	/* As main() does, after parse() and the signal handlers. */
	memset(&np, 0, sizeof(np));
	np.o = &o;
	fin.np = &np;
	if (o.stats != NULL && (fin.f = fopen(o.stats, "w")) == NULL)
		fz_bug("fopen %s", o.stats);
	prog.forced = o.progress;
	prog.on = o.progress;
	if (o.server && o.progress) {
		prog.sized = 1;
		prog.size = 100000;
	}
	net_up(&np);
	r = role_up(&np);
	fin.role = r;
	(void)run(&np, r);
	summary(&np, r);
	(void)stats(&np, r);
	reset();
	return 0;
}
