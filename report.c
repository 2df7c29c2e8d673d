/*
 * netpipe: report.c: what the operator sees of a run.
 *
 * Every message line (role.c formats them, the driver's io->say brings
 * them here), the progress line, the once-a-second -v sums and the
 * "nothing answers" hint, the summary at the end, and --stats.  The
 * real driver (loop.c) and the fuzz harness (tests/fuzz) both use it:
 * it reads no clock and touches no socket; what it writes goes to the
 * descriptors it is given (the progress line) and to standard error
 * (warnx(3), the messages).
 *
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
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netpipe.h"

#define DRAW_TTY	250000		/* µs: progress redrawn on a terminal */
#define DRAW_LOG	1000000		/* progress lines (-P) to a file */
#define WATCH		1000000		/* -v sums up repeats and junk */

static int	 insize(int, uint64_t *);
static const char *human(char *, size_t, double);
static const char *clock_str(char *, size_t, double);
static void	 addf(char *, size_t, size_t *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static void	 draw_moving(struct report *, const struct tally *, uint64_t,
		    char *, size_t, size_t *);
static void	 draw(struct report *, const struct tally *, uint64_t);
static void	 undraw(struct report *);
static void	 hint(struct report *, const struct tally *);
static void	 watch(struct report *, const struct tally *, uint64_t);
static void	 summary_peers(struct report *, const struct tally *);
static void	 json_str(FILE *, const char *);
static void	 stats_head(struct report *, FILE *, const struct tally *);
static void	 stats_clients(struct report *, FILE *, const struct tally *);
static void	 report_atexit(void);

/*
 * The report of this process's run, for the two callers that have no
 * run at hand: the atexit hook, which writes --stats when a run ends
 * in err(3) (exit(3) gives a hook no argument), and net.c's socket
 * warnings, which must clear the progress line first.  Set by
 * report_attach, which only the real driver calls; cleared once --stats
 * is written, before the report's owner returns.
 */
static struct report *live;

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

/*
 * A report of the run np, before anything is said: errfd is where the
 * progress line goes (standard error; -1: nowhere, though it is still
 * made), infd the server's input, whose size the progress line shows
 * when it is known (-1: none).  Opens the --stats file (err(1) if it
 * cannot), so that a run that fails early still leaves one.
 */
void
report_init(struct report *rep, struct np *np, int errfd, int infd)
{
	const struct opts *o = np->o;

	memset(rep, 0, sizeof(*rep));
	rep->np = np;
	rep->errfd = errfd;
	rep->statsfd = -1;
	rep->forced = o->progress;
	rep->tty = errfd != -1 && isatty(errfd);
	rep->on = o->progress || (rep->tty && o->verbose >= 0);
	if (infd != -1)
		rep->sized = insize(infd, &rep->size) == 0;
	if (o->stats != NULL && (rep->statsfd = open(o->stats,
	    O_WRONLY | O_CREAT | O_TRUNC, 0666)) == -1)
		err(1, "--stats %s", o->stats);
}

/*
 * The real driver's: this report is the process's.  A run that ends in
 * err(3) still writes --stats (at exit, with the driver's clock), and
 * net.c's warnings clear its progress line.
 */
void
report_attach(struct report *rep, uint64_t (*clock)(void))
{
	rep->clock = clock;
	live = rep;
	if (rep->statsfd != -1)
		atexit(report_atexit);
}

/*
 * The role is up: its tally and peer hooks may be called from now on.
 * The first progress line is due at once, the first -v sum a second
 * after the start.
 */
void
report_start(struct report *rep, const struct role *role)
{
	rep->role = role;
	rep->draw = rep->next = rep->np->start;
	rep->look = rep->np->start + WATCH;
}

/* One line for the operator, on a line of its own, not the progress's. */
void
report_say(struct report *rep, const char *line)
{
	undraw(rep);
	warnx("%s", line);
}

/* A warning from below the roles (net.c): always said. */
void
report_warn(const char *fmt, ...)
{
	va_list ap;

	if (live != NULL)
		undraw(live);
	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
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

/* The progress line once the stream flows: bytes, rate, time, clients. */
static void
draw_moving(struct report *rep, const struct tally *t, uint64_t now,
    char *line, size_t sz, size_t *n)
{
	const struct np *np = rep->np;
	char b[32], c[32];
	double el, dt, avg;

	el = (double)(now - np->began) / 1e6;
	if (rep->at < np->began) {	/* the first since the start */
		rep->at = np->began;
		rep->bytes = 0;
	}
	/* The rate since the last draw, smoothed over a few. */
	dt = (double)(now - rep->at) / 1e6;
	if (dt > 0 && t->bytes >= rep->bytes)
		rep->rate = (rep->rate == 0 ? 0 : 0.5 * rep->rate) +
		    (rep->rate == 0 ? 1 : 0.5) *
		    (double)(t->bytes - rep->bytes) / dt;
	addf(line, sz, n, "%s", human(b, sizeof(b), (double)t->bytes));
	if (rep->sized)
		addf(line, sz, n, " of %s (%u%%)",
		    human(c, sizeof(c), (double)rep->size),
		    rep->size == 0 || t->bytes >= rep->size ? 100 :
		    (unsigned)(100 * (double)t->bytes / rep->size));
	addf(line, sz, n, ", %s/s", human(b, sizeof(b), rep->rate));
	avg = el > 0 ? (double)t->bytes / el : 0;
	if (rep->sized && avg > 0 && t->bytes < rep->size)
		addf(line, sz, n, ", ETA %s", clock_str(b, sizeof(b),
		    (double)(rep->size - t->bytes) / avg));
	else
		addf(line, sz, n, ", %s", clock_str(b, sizeof(b), el));
	if (np->o->server)
		addf(line, sz, n, ", %u client%s, %u dropped, %.2f%% repeated",
		    t->nalive, t->nalive == 1 ? "" : "s",
		    t->npeers - t->nalive,
		    t->blocks ? 100.0 * t->repeats / t->blocks : 0.0);
}

/*
 * The progress line: one write(2) of one line.  On a terminal it is
 * redrawn in place ("\r...\033[K"), cut to the terminal's width, and only
 * while netpipe is in the foreground (unless -P); to anything else (-P)
 * it is a plain line, a new one each time.
 */
static void
draw(struct report *rep, const struct tally *t, uint64_t now)
{
	const struct np *np = rep->np;
	char line[256], b[32];
	struct winsize ws;
	size_t n = 0, sz = sizeof(line) - 4;	/* room for \033[K or \n */
	ssize_t w;

	if (!rep->forced && tcgetpgrp(rep->errfd) != getpgrp())
		return;			/* a background job keeps quiet */
	if (rep->tty)
		addf(line, sz, &n, "\r");
	addf(line, sz, &n, "netpipe: ");
	if (np->began == 0) {
		if (np->o->server)
			addf(line, sz, &n, "waiting for clients: %u of %u",
			    t->nalive, np->o->nclients);
		else
			addf(line, sz, &n, "waiting for a server");
		addf(line, sz, &n, ", %s", clock_str(b, sizeof(b),
		    (double)(now - np->start) / 1e6));
	} else
		draw_moving(rep, t, now, line, sz, &n);
	rep->at = now;
	rep->bytes = t->bytes;
	if (rep->tty) {
		/* Never wider than the terminal: a wrapped line scrolls. */
		if (ioctl(rep->errfd, TIOCGWINSZ, &ws) == 0 &&
		    ws.ws_col > 10 && n > ws.ws_col)
			n = ws.ws_col;	/* the \r and ws_col - 1 characters */
		memcpy(line + n, "\033[K", 3);
		n += 3;
		rep->shown = 1;
	} else
		line[n++] = '\n';
	if (rep->errfd == -1)
		return;
	w = write(rep->errfd, line, n);
	(void)w;			/* a lost progress line is no error */
}

/* Clear the progress line, so that a message starts on a clean line. */
static void
undraw(struct report *rep)
{
	ssize_t w;

	if (!rep->shown)
		return;
	rep->shown = 0;
	w = write(rep->errfd, "\r\033[K", 4);
	(void)w;
}

/* Nothing has answered within the timeout: say what to check, once. */
static void
hint(struct report *rep, const struct tally *t)
{
	const struct np *np = rep->np;
	const struct opts *o = np->o;
	char what[64];

	rep->hinted = 1;
	if (np->wrongkey_at != 0)	/* -k: the role says what is wrong */
		return;
	if (o->server) {
		if (t->npeers == 0)
			snprintf(what, sizeof(what), "no client has answered");
		else
			snprintf(what, sizeof(what), "%u of %u clients have "
			    "answered", t->npeers, o->nclients);
		info(np, "%s in %u s; pinging %s on %s: is %s running, "
		    "with the same -p%s and revision?  Is UDP %u open on "
		    "the clients and UDP %u here?%s", what, o->timeout,
		    addrstr(&np->net.dst),
		    np->net.ifname[0] ? np->net.ifname : "the routed interface",
		    t->npeers ? "every client" : "a client",
		    o->multicast ? ", -m" : "", o->port, o->port + 1,
		    np->forged ? "  Datagrams that failed authentication were "
		    "dropped: a client with another key, or none?" : "");
		return;
	}
	if (o->multicast)
		snprintf(what, sizeof(what), "group %s on %s",
		    ipstr(&o->group), np->net.ifname);
	else
		snprintf(what, sizeof(what), "broadcast or unicast");
	info(np, "no server heard in %u s on UDP port %u (%s): is the server "
	    "running, with the same -p%s and revision?  Is UDP %u open here "
	    "and UDP %u on the server?%s", o->timeout, o->port, what,
	    o->multicast ? ", -m" : "", o->port, o->port + 1,
	    np->foreign ? "  Datagrams from other servers were ignored: "
	    "another label, session or revision?" : "");
}

/*
 * Once a second: with -v, the repeats and the junk since the last look
 * (one line each, not one per packet); and once, if nothing has
 * answered within the timeout, what to check.
 */
static void
watch(struct report *rep, const struct tally *t, uint64_t now)
{
	const struct np *np = rep->np;

	if (t->repeats > rep->repeats)
		debug(np, "repeated %llu blocks in the last second",
		    (unsigned long long)(t->repeats - rep->repeats));
	if (t->parity > rep->parity)
		debug(np, "sent %llu parity blocks in the last second",
		    (unsigned long long)(t->parity - rep->parity));
	if (np->junk > rep->junk || np->foreign > rep->foreign)
		debug(np, "ignored %llu malformed and %llu foreign datagrams "
		    "in the last second",
		    (unsigned long long)(np->junk - rep->junk),
		    (unsigned long long)(np->foreign - rep->foreign));
	rep->repeats = t->repeats;
	rep->parity = t->parity;
	rep->junk = np->junk;
	rep->foreign = np->foreign;
	if (!rep->hinted && np->began == 0 &&
	    now - np->start >= secs(np->o->timeout))
		hint(rep, t);
}

/*
 * Between the role's timers: the progress line, the -v sums, the hint.
 * Returns when the report wants to be ticked next (µs): the driver
 * sleeps no longer than that.
 */
uint64_t
report_tick(struct report *rep, uint64_t now)
{
	struct tally t;

	if (now < rep->next)
		return rep->next;
	memset(&t, 0, sizeof(t));
	rep->role->tally(rep->np, &t);
	if (rep->on && now >= rep->draw) {
		draw(rep, &t, now);
		rep->draw = now + (rep->tty ? DRAW_TTY : DRAW_LOG);
	}
	if (now >= rep->look) {
		watch(rep, &t, now);
		rep->look = now + WATCH;
	}
	rep->next = rep->on && rep->draw < rep->look ? rep->draw : rep->look;
	return rep->next;
}

/* The server's summary: a line for each client. */
static void
summary_peers(struct report *rep, const struct tally *t)
{
	const struct np *np = rep->np;
	struct peer p;
	unsigned i;

	for (i = 0; i < t->npeers; i++) {
		memset(&p, 0, sizeof(p));
		rep->role->peer(np, i, &p);
		if (p.result == PEER_DONE)
			info(np, "client %s: done, %llu bytes, round trip "
			    "%.2f ms", addrstr(&p.addr),
			    (unsigned long long)p.bytes, p.rtt / 1000.0);
		else if (p.result == PEER_DROPPED)
			warnmsg(np, "client %s: dropped after %llu bytes: %s",
			    addrstr(&p.addr), (unsigned long long)p.bytes,
			    p.why);
		else
			info(np, "client %s: unfinished after %llu bytes",
			    addrstr(&p.addr), (unsigned long long)p.bytes);
	}
}

/*
 * The end of a run (the loop ended at end, µs): bytes, seconds and
 * rate; on the server a line for each client.  Dropped clients are
 * named even with -q: they make the exit status 3.
 */
void
report_summary(struct report *rep, uint64_t end)
{
	const struct np *np = rep->np;
	struct tally t;
	struct peer p;
	double secs, rate;
	unsigned i, ndone = 0;
	char par[32];

	undraw(rep);
	if (np->began == 0)
		return;			/* nothing was sent: the error says */
	memset(&t, 0, sizeof(t));
	rep->role->tally(np, &t);
	secs = (double)((np->ended ? np->ended : end) - np->began) / 1e6;
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
		rep->role->peer(np, i, &p);
		ndone += p.result == PEER_DONE;
	}
	/* Rev. 1 adds its parity blocks (parity on demand). */
	snprintf(par, sizeof(par), ", %.2f%% parity", t.blocks ?
	    100.0 * t.parity / t.blocks : 0.0);
	if (np->status != 1)
		info(np, "sent %llu bytes in %.2f s (%.2f MB/s) to %u "
		    "client%s, %.2f%% repeated%s", (unsigned long long)t.bytes,
		    secs, rate, ndone, ndone == 1 ? "" : "s",
		    t.blocks ? 100.0 * t.repeats / t.blocks : 0.0,
		    np->o->rev == 1 ? par : "");
	else
		info(np, "stopped after %llu bytes confirmed in %.2f s "
		    "(%.2f MB/s), %.2f%% repeated%s",
		    (unsigned long long)t.bytes, secs, rate,
		    t.blocks ? 100.0 * t.repeats / t.blocks : 0.0,
		    np->o->rev == 1 ? par : "");
	summary_peers(rep, &t);
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

/* --stats: who this end is, and where it sent or what it heard from. */
static void
stats_head(struct report *rep, FILE *f, const struct tally *t)
{
	const struct np *np = rep->np;
	const struct opts *o = np->o;
	struct peer p;

	fprintf(f, "{\"netpipe\":\"%s\",\"role\":\"%s\",\"protocol\":%d,"
	    "\"label\":", NP_VERSION, o->server ? "server" : "client", o->rev);
	json_str(f, o->label);
	fputs(",\"interface\":", f);
	/* A client without -m receives on every interface. */
	json_str(f, np->net.ifname[0] != '\0' && (o->server || o->multicast) ?
	    np->net.ifname : NULL);
	if (o->server) {
		fputs(",\"destination\":", f);
		json_str(f, np->net.dst.sa.sa_family != AF_UNSPEC ?
		    addrstr(&np->net.dst) : NULL);
		if (rep->sized)
			fprintf(f, ",\"size\":%llu",
			    (unsigned long long)rep->size);
		else
			fputs(",\"size\":null", f);
		return;
	}
	fputs(",\"server\":", f);
	memset(&p, 0, sizeof(p));
	if (t->npeers > 0)
		rep->role->peer(np, 0, &p);
	json_str(f, t->npeers > 0 ? addrstr(&p.addr) : NULL);
}

/* --stats: a server's clients, each with its result. */
static void
stats_clients(struct report *rep, FILE *f, const struct tally *t)
{
	const struct np *np = rep->np;
	struct peer p;
	unsigned i;

	fputs(",\"clients\":[", f);
	for (i = 0; np->o->server && i < t->npeers; i++) {
		memset(&p, 0, sizeof(p));
		rep->role->peer(np, i, &p);
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
	fputs("]}", f);
}

/*
 * --stats: one JSON object on one line (the man page has the schema),
 * once; end is when the run ended (µs).  Without a role (setup failed
 * before one was up) the counters are zero.  Returns -1 if the file
 * could not be written, else 0 (also without --stats).
 */
int
report_stats(struct report *rep, uint64_t end)
{
	const struct np *np = rep->np;
	struct tally t;
	double secs;
	FILE *f;
	int e;

	if (live == rep)
		live = NULL;		/* the atexit hook has nothing left */
	if (rep->statsfd == -1 || rep->written)
		return 0;
	rep->written = 1;
	if ((f = fdopen(rep->statsfd, "w")) == NULL) {
		warnmsg(np, "--stats %s: %s", np->o->stats, strerror(errno));
		(void)close(rep->statsfd);
		return -1;
	}
	memset(&t, 0, sizeof(t));
	if (rep->role != NULL)
		rep->role->tally(np, &t);
	secs = np->began ? (double)((np->ended ? np->ended : end) -
	    np->began) / 1e6 : 0.0;
	stats_head(rep, f, &t);
	fprintf(f, ",\"bytes\":%llu,\"seconds\":%.3f,\"elapsed\":%.3f,"
	    "\"rate_bytes_per_s\":%.0f", (unsigned long long)t.bytes, secs,
	    np->start ? (double)(end - np->start) / 1e6 : 0.0,
	    secs > 0 ? (double)t.bytes / secs : 0.0);
	if (np->o->server)
		fprintf(f, ",\"retransmit_pct\":%.3f,\"parity_pct\":%.3f",
		    t.blocks ? 100.0 * t.repeats / t.blocks : 0.0,
		    t.blocks ? 100.0 * t.parity / t.blocks : 0.0);
	else
		fputs(",\"retransmit_pct\":null,\"parity_pct\":null", f);
	if (np->o->keyfile != NULL)
		fprintf(f, ",\"forged\":%llu",
		    (unsigned long long)np->forged);
	fprintf(f, ",\"exit\":%d,\"error\":", np->done ? np->status : 1);
	json_str(f, np->error[0] ? np->error : NULL);
	stats_clients(rep, f, &t);
	putc('\n', f);
	e = ferror(f);
	if (fclose(f) == EOF || e) {
		warnmsg(np, "--stats %s: %s", np->o->stats,
		    e ? "write error" : strerror(errno));
		return -1;
	}
	return 0;
}

/* A run that ends in err(3) still leaves its stats, exit 1. */
static void
report_atexit(void)
{
	struct report *rep = live;

	if (rep == NULL)
		return;
	if (rep->np->error[0] == '\0' && !rep->np->done)
		snprintf(rep->np->error, sizeof(rep->np->error), "failed; the "
		    "message is on standard error");
	(void)report_stats(rep, rep->clock());
}
