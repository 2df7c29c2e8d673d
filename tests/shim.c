/*
 * npshim: an LD_PRELOAD fault injector for the netpipe tests.
 *
 * It loses, duplicates, corrupts and reorders the datagrams a program
 * sends or receives on its UDP sockets.  Every decision comes from a
 * PRNG seeded from the environment only, so a run is repeatable by seed.
 *
 *	NPSHIM_SEED	unsigned integer, default 1
 *	NPSHIM_LOSS	probability (0..1) that a datagram is lost
 *	NPSHIM_DUP	... that it is delivered twice
 *	NPSHIM_CORRUPT	... that one byte of it is XORed with a non-zero value
 *	NPSHIM_REORDER	... that it is held back and goes out after the next
 *	NPSHIM_DIR	send, recv or both: where faults apply (default send)
 *	NPSHIM_SKIP	leave the first N datagrams of each direction alone
 *	NPSHIM_RDERR	read(2) on standard input fails with EIO once this
 *			many bytes have been read from it (default: never)
 *	NPSHIM_LOG	file to append one line of counts to at exit
 *
 * A bad value leaves the shim inactive after one line on stderr.
 * Only AF_INET and AF_INET6 SOCK_DGRAM sockets on descriptors below
 * FDMAX are touched.  Each direction draws from its own stream, five
 * numbers per datagram whatever the outcome, so the datagrams lost with
 * a given seed do not depend on the other probabilities.
 *
 * Sending: a lost datagram is reported as sent; a duplicate goes out
 * twice; a corrupted one is sent from a private copy, never the
 * caller's buffer; a reordered one is held and sent right after the next
 * datagram sent on the same descriptor, or at the first call after
 * HOLD_MS has passed.  A sendmsg(2) carrying a UDP_SEGMENT (GSO) control
 * message, or on a socket with the UDP_SEGMENT option set, is split into
 * its segments, each sent as a plain datagram with its own faults.
 *
 * Receiving: a lost datagram is read and discarded and the call tried
 * again with the caller's flags, so a blocking socket blocks as it does
 * when the kernel drops a datagram with a bad checksum; a duplicate is
 * returned again by the next call on the descriptor; a corrupted one has
 * one byte flipped; a reordered one is held and returned after the next.
 * A UDP_GRO buffer counts as one datagram.
 *
 * Standard input: with NPSHIM_RDERR, a read(2) of descriptor 0 returns
 * at most what is left of that many bytes, and every read after them
 * fails with EIO, as a read from a failing disk does.
 *
 * Besides the eight send and receive calls, socket(2), close(2) and
 * setsockopt(2) are wrapped to keep the per-descriptor cache right, and
 * glibc's __recv_chk and __recvfrom_chk (what _FORTIFY_SOURCE makes of
 * recv and recvfrom) lead to the wrappers too; read(2) and __read_chk
 * for NPSHIM_RDERR.  The state is for one
 * thread: a call made while another is inside the shim (another thread,
 * or a signal handler) passes straight through.
 */

#define _GNU_SOURCE

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <netinet/udp.h>

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * Compat.  glibc declares the address arguments of sendto(2) and
 * recvfrom(2) as transparent unions under _GNU_SOURCE; elsewhere they
 * are plain pointers.  Linux headers older than 4.18 lack UDP_SEGMENT.
 */
#ifdef __SOCKADDR_ALLTYPES
#define SA_ARG		__SOCKADDR_ARG
#define CSA_ARG		__CONST_SOCKADDR_ARG
#define SA(a)		((a).__sockaddr__)
#else
#define SA_ARG		struct sockaddr *
#define CSA_ARG		const struct sockaddr *
#define SA(a)		(a)
#endif
#ifndef SOL_UDP
#define SOL_UDP		IPPROTO_UDP
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT	103
#endif

#define FDMAX		1024	/* descriptors at or above pass through */
#define DGMAX		65536	/* largest datagram copied */
#define CTLMAX		512	/* most control data kept with a datagram */
#define NSLOT		32	/* datagrams held or queued at once */
#define HOLD_MS		50	/* a held datagram waits at most this long */
#define MMSG_MAX	1024	/* UIO_MAXIOV, the kernel's cap on vlen */

enum { D_SEND, D_RECV };			/* directions */
enum { ST_NONE, ST_ACTIVE, ST_OFF };		/* configuration state */
enum { FD_UNKNOWN, FD_UDP, FD_OTHER };		/* fdkind[] */
enum { PASS, COUNT, FAULT };			/* what enter() decided */
enum { S_FREE, S_SENDHELD, S_RECVHELD, S_READY };	/* slot kinds */

struct fault {
	int		 lose;
	int		 dup;
	int		 corrupt;
	int		 reorder;
	uint64_t	 where;		/* which byte to flip, and with what */
};

/* A datagram held back, queued for the receiver, or just received. */
struct slot {
	int			 kind;
	int			 fd;
	int			 flags;	/* send flags, or msg_flags received */
	int			 copies; /* times to send when released */
	long long		 when;	/* ms, for S_SENDHELD, S_RECVHELD */
	unsigned long long	 seq;	/* queue order, for S_READY */
	struct sockaddr_storage	 name;
	socklen_t		 namelen;
	size_t			 ctllen;
	size_t			 len;	/* bytes in data */
	size_t			 reallen; /* length received, may be more */
	_Alignas(struct cmsghdr) unsigned char ctl[CTLMAX];
	unsigned char		 data[DGMAX];
};

static void	 bad(const char *);
static int	 decide(int, struct fault *);
static ssize_t	 deliver(const struct slot *, struct msghdr *, int);
static void	 drop(int);
static int	 enter(int, int);
static int	 fill(int, struct slot *, size_t, int);
static void	 fini(void) __attribute__((destructor));
static void	 flush_expired(void);
static size_t	 gather(unsigned char *, const struct msghdr *, size_t);
static int	 hold_send(int, const struct msghdr *, size_t, int, int);
static void	 init(void);
static void	 leave(void);
static uint64_t	 next64(int);
static long long now_ms(void);
static const char *rdline(void);
static int	 num(const char *, unsigned long long *, unsigned long long);
static int	 prob(const char *, double *);
static ssize_t	 recv_one(int, struct msghdr *, int);
static void	 release(int);
static void	 resolve(void);
static ssize_t	 send_msg(int, const struct msghdr *, int);
static ssize_t	 send_one(int, const struct msghdr *, size_t, int);
static void	 slot_copy(struct slot *, const struct slot *);
static struct slot *slot_find(int, int);
static void	 slot_free(struct slot *);
static struct slot *slot_new(int, int);
static void	 slot_send(struct slot *);
static void	*sym(const char *);
static int	 udp(int);
static double	 unit(int);

static ssize_t	(*real_send)(int, const void *, size_t, int);
static ssize_t	(*real_sendto)(int, const void *, size_t, int, CSA_ARG,
		    socklen_t);
static ssize_t	(*real_sendmsg)(int, const struct msghdr *, int);
static int	(*real_sendmmsg)(int, struct mmsghdr *, unsigned int, int);
static ssize_t	(*real_recv)(int, void *, size_t, int);
static ssize_t	(*real_recvfrom)(int, void *, size_t, int, SA_ARG,
		    socklen_t *);
static ssize_t	(*real_recvmsg)(int, struct msghdr *, int);
static int	(*real_recvmmsg)(int, struct mmsghdr *, unsigned int, int,
		    struct timespec *);
static int	(*real_socket)(int, int, int);
static int	(*real_setsockopt)(int, int, int, const void *, socklen_t);
static int	(*real_close)(int);
static ssize_t	(*real_read)(int, void *, size_t);

static struct {
	double			 loss;
	double			 dup;
	double			 corrupt;
	double			 reorder;
	unsigned long long	 skip;
	unsigned long long	 rderr;	/* stdin bytes before EIO */
	int			 dir;	/* 1 << D_SEND | 1 << D_RECV */
	char			 log[PATH_MAX];
} cf;

static int			 resolved;
static int			 busy;
static int			 state;
static int			 sawudp;
static uint64_t			 rng[2];
static unsigned long long	 ndg[2];	/* datagrams per direction */
static unsigned long long	 nlost, ndup, ncorrupt, nreordered;
static unsigned long long	 nread, nrderr;	/* stdin bytes, EIOs */
static unsigned char		 fdkind[FDMAX];
static int			 fdgso[FDMAX];	/* UDP_SEGMENT socket option */
static struct slot		 slots[NSLOT];
static int			 nslots;	/* slots in use */
static unsigned long long	 nextseq;
static struct slot		 rx;		/* what recv_one() just read */
static unsigned char		 gbuf[DGMAX];	/* a GSO buffer gathered */
static unsigned char		 cbuf[DGMAX];	/* a corrupted copy */

#define RESOLVE(f)	(real_##f = (__typeof__(real_##f))sym(#f))

static void *
sym(const char *name)
{
	void	*p;

	if ((p = dlsym(RTLD_NEXT, name)) == NULL) {
		fprintf(stderr, "npshim: %s not found: %s\n", name, dlerror());
		abort();
	}
	return p;
}

static void
resolve(void)
{
	if (__atomic_load_n(&resolved, __ATOMIC_ACQUIRE))
		return;
	RESOLVE(send);
	RESOLVE(sendto);
	RESOLVE(sendmsg);
	RESOLVE(sendmmsg);
	RESOLVE(recv);
	RESOLVE(recvfrom);
	RESOLVE(recvmsg);
	RESOLVE(recvmmsg);
	RESOLVE(socket);
	RESOLVE(setsockopt);
	RESOLVE(close);
	RESOLVE(read);
	__atomic_store_n(&resolved, 1, __ATOMIC_RELEASE);
}

static void
bad(const char *name)
{
	fprintf(stderr, "npshim: bad %s\n", name);
}

/* An unsigned decimal from the environment, def if unset or empty. */
static int
num(const char *name, unsigned long long *v, unsigned long long def)
{
	const char	*s;
	char		*end;

	*v = def;
	if ((s = getenv(name)) == NULL || *s == '\0')
		return 0;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end != '\0' || errno == ERANGE) {
		bad(name);
		return -1;
	}
	return 0;
}

/* A probability from the environment, 0 if unset or empty. */
static int
prob(const char *name, double *p)
{
	const char	*s;
	char		*end;

	*p = 0;
	if ((s = getenv(name)) == NULL || *s == '\0')
		return 0;
	*p = strtod(s, &end);
	if (end == s || *end != '\0' || !(*p >= 0 && *p <= 1)) {
		bad(name);
		return -1;
	}
	return 0;
}

static void
init(void)
{
	unsigned long long	 seed;
	const char		*s;

	state = ST_OFF;
	if (num("NPSHIM_SEED", &seed, 1) == -1 ||
	    prob("NPSHIM_LOSS", &cf.loss) == -1 ||
	    prob("NPSHIM_DUP", &cf.dup) == -1 ||
	    prob("NPSHIM_CORRUPT", &cf.corrupt) == -1 ||
	    prob("NPSHIM_REORDER", &cf.reorder) == -1 ||
	    num("NPSHIM_SKIP", &cf.skip, 0) == -1 ||
	    num("NPSHIM_RDERR", &cf.rderr, ULLONG_MAX) == -1)
		return;
	if ((s = getenv("NPSHIM_DIR")) == NULL || *s == '\0' ||
	    strcmp(s, "send") == 0)
		cf.dir = 1 << D_SEND;
	else if (strcmp(s, "recv") == 0)
		cf.dir = 1 << D_RECV;
	else if (strcmp(s, "both") == 0)
		cf.dir = 1 << D_SEND | 1 << D_RECV;
	else {
		bad("NPSHIM_DIR");
		return;
	}
	if ((s = getenv("NPSHIM_LOG")) != NULL &&
	    strlen(s) >= sizeof(cf.log)) {
		bad("NPSHIM_LOG");
		return;
	}
	if (s != NULL)
		strcpy(cf.log, s);
	rng[D_SEND] = seed;
	rng[D_RECV] = seed ^ 0x5851f42d4c957f2dULL;
	state = ST_ACTIVE;
}

/* splitmix64, one stream per direction */
static uint64_t
next64(int d)
{
	uint64_t	 z;

	z = (rng[d] += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in [0, 1) */
static double
unit(int d)
{
	return (double)(next64(d) >> 11) * 0x1.0p-53;
}

/* Counts a datagram and draws its faults; 0 if it is left alone. */
static int
decide(int d, struct fault *f)
{
	if (ndg[d]++ < cf.skip)
		return 0;
	f->lose = unit(d) < cf.loss;
	f->dup = unit(d) < cf.dup;
	f->corrupt = unit(d) < cf.corrupt;
	f->reorder = unit(d) < cf.reorder;
	f->where = next64(d);
	return 1;
}

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Is fd a UDP socket?  Caches the answer and the GSO size. */
static int
udp(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 type, gso;

	if (fd < 0 || fd >= FDMAX)
		return 0;
	if (fdkind[fd] != FD_UNKNOWN)
		return fdkind[fd] == FD_UDP;
	len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1)
		return 0;	/* not cached: fd may not be open yet */
	fdkind[fd] = FD_OTHER;
	len = sizeof(ss);
	if (type != SOCK_DGRAM ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
		return 0;
	len = sizeof(gso);
	if (getsockopt(fd, SOL_UDP, UDP_SEGMENT, &gso, &len) == -1)
		gso = 0;
	fdgso[fd] = gso;
	fdkind[fd] = FD_UDP;
	sawudp = 1;
	return 1;
}

/*
 * Every wrapper starts here.  PASS: call the real function and return.
 * COUNT, FAULT: the shim is held (leave() when done); count the
 * datagrams, or also inject faults.  errno is left as it was.
 */
static int
enter(int fd, int d)
{
	int	 e;

	resolve();
	if (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
		return PASS;
	e = errno;
	if (state == ST_NONE)
		init();
	if (state != ST_ACTIVE || !udp(fd)) {
		errno = e;
		leave();
		return PASS;
	}
	flush_expired();
	errno = e;
	return cf.dir & 1 << d ? FAULT : COUNT;
}

static void
leave(void)
{
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
}

static struct slot *
slot_new(int fd, int kind)
{
	int	 i;

	for (i = 0; i < NSLOT; i++)
		if (slots[i].kind == S_FREE) {
			slots[i].kind = kind;
			slots[i].fd = fd;
			nslots++;
			return &slots[i];
		}
	return NULL;
}

static void
slot_free(struct slot *s)
{
	s->kind = S_FREE;
	nslots--;
}

/* The slot of that kind for fd; for S_READY the oldest. */
static struct slot *
slot_find(int fd, int kind)
{
	struct slot	*s, *best = NULL;

	if (nslots == 0)
		return NULL;
	for (s = slots; s < slots + NSLOT; s++)
		if (s->kind == kind && s->fd == fd &&
		    (best == NULL || s->seq < best->seq))
			best = s;
	return best;
}

/* Copies the datagram, not the kind, fd or queue position. */
static void
slot_copy(struct slot *dst, const struct slot *src)
{
	dst->flags = src->flags;
	dst->copies = src->copies;
	dst->name = src->name;
	dst->namelen = src->namelen;
	dst->ctllen = src->ctllen;
	dst->len = src->len;
	dst->reallen = src->reallen;
	memcpy(dst->ctl, src->ctl, src->ctllen);
	memcpy(dst->data, src->data, src->len);
}

/* Sends a held datagram, ignoring errors, and frees the slot. */
static void
slot_send(struct slot *s)
{
	struct msghdr	 m;
	struct iovec	 iov;
	int		 e, i;

	e = errno;
	memset(&m, 0, sizeof(m));
	iov.iov_base = s->data;
	iov.iov_len = s->len;
	m.msg_name = s->namelen > 0 ? &s->name : NULL;
	m.msg_namelen = s->namelen;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = s->ctllen > 0 ? s->ctl : NULL;
	m.msg_controllen = s->ctllen;
	for (i = 0; i < s->copies; i++)
		real_sendmsg(s->fd, &m, s->flags | MSG_DONTWAIT);
	slot_free(s);
	errno = e;
}

/* A datagram went out on fd: the one held there follows it. */
static void
release(int fd)
{
	struct slot	*s;

	if ((s = slot_find(fd, S_SENDHELD)) != NULL)
		slot_send(s);
}

/* Sends held datagrams, and queues received ones, older than HOLD_MS. */
static void
flush_expired(void)
{
	struct slot	*s;
	long long	 now;

	if (nslots == 0)
		return;
	now = now_ms();
	for (s = slots; s < slots + NSLOT; s++) {
		if (s->kind == S_SENDHELD && now - s->when >= HOLD_MS)
			slot_send(s);
		else if (s->kind == S_RECVHELD && now - s->when >= HOLD_MS) {
			s->kind = S_READY;
			s->seq = nextseq++;
		}
	}
}

/* Forgets what is held or queued for fd. */
static void
drop(int fd)
{
	struct slot	*s;

	for (s = slots; s < slots + NSLOT && nslots > 0; s++)
		if (s->kind != S_FREE && s->fd == fd)
			slot_free(s);
}

/* Copies up to max bytes of m's data to dst; returns how many. */
static size_t
gather(unsigned char *dst, const struct msghdr *m, size_t max)
{
	size_t	 i, n, off = 0;

	for (i = 0; i < (size_t)m->msg_iovlen && off < max; i++) {
		n = m->msg_iov[i].iov_len;
		if (n > max - off)
			n = max - off;
		if (n > 0)
			memcpy(dst + off, m->msg_iov[i].iov_base, n);
		off += n;
	}
	return off;
}

/* Holds a datagram of len bytes to send later; 0 if it cannot. */
static int
hold_send(int fd, const struct msghdr *m, size_t len, int flags, int copies)
{
	struct slot	*s;

	if (len > DGMAX ||
	    (m->msg_name != NULL && m->msg_namelen > sizeof(s->name)) ||
	    (m->msg_control != NULL && m->msg_controllen > CTLMAX) ||
	    slot_find(fd, S_SENDHELD) != NULL ||
	    (s = slot_new(fd, S_SENDHELD)) == NULL)
		return 0;
	s->flags = flags;
	s->copies = copies;
	s->when = now_ms();
	s->namelen = 0;
	if (m->msg_name != NULL) {
		s->namelen = m->msg_namelen;
		memcpy(&s->name, m->msg_name, s->namelen);
	}
	s->ctllen = 0;
	if (m->msg_control != NULL) {
		s->ctllen = m->msg_controllen;
		memcpy(s->ctl, m->msg_control, s->ctllen);
	}
	s->len = s->reallen = gather(s->data, m, len);
	return 1;
}

/*
 * Sends one datagram of len bytes, described by m, with its faults.
 * Returns what sendmsg(2) would; a datagram lost on purpose was "sent".
 */
static ssize_t
send_one(int fd, const struct msghdr *m, size_t len, int flags)
{
	struct fault	 f;
	struct msghdr	 cm;
	struct iovec	 iov;
	ssize_t		 n;
	int		 copies, e;

	if (!decide(D_SEND, &f)) {
		if ((n = real_sendmsg(fd, m, flags)) >= 0)
			release(fd);
		return n;
	}
	if (f.lose) {
		nlost++;
		return len;
	}
	if (f.corrupt && len > 0 && len <= DGMAX) {
		gather(cbuf, m, len);
		cbuf[f.where % len] ^= 1 + (f.where >> 32) % 255;
		cm = *m;
		iov.iov_base = cbuf;
		iov.iov_len = len;
		cm.msg_iov = &iov;
		cm.msg_iovlen = 1;
		m = &cm;
		ncorrupt++;
	}
	copies = 1;
	if (f.dup) {
		copies = 2;
		ndup++;
	}
	if (f.reorder && hold_send(fd, m, len, flags, copies)) {
		nreordered++;
		return len;
	}
	if ((n = real_sendmsg(fd, m, flags)) == -1)
		return -1;
	e = errno;
	if (copies == 2)
		real_sendmsg(fd, m, flags);
	release(fd);
	errno = e;
	return n;
}

/*
 * sendmsg(2) with faults.  A GSO buffer is gathered and sent as
 * separate datagrams without the UDP_SEGMENT control message; the call
 * fails only if the first one does, later errors count as losses.
 */
static ssize_t
send_msg(int fd, const struct msghdr *m, int flags)
{
	_Alignas(struct cmsghdr) unsigned char ctl[CTLMAX];
	struct msghdr	 h, sm;
	struct cmsghdr	*c;
	struct iovec	 iov;
	size_t		 i, total, gso, off, n, ctllen;
	uint16_t	 v;
	int		 fits;

	total = 0;
	for (i = 0; i < (size_t)m->msg_iovlen; i++) {
		if (m->msg_iov[i].iov_len > DGMAX - total) {
			ndg[D_SEND]++;	/* too big to copy, let it fail */
			return real_sendmsg(fd, m, flags);
		}
		total += m->msg_iov[i].iov_len;
	}
	h = *m;
	gso = fdgso[fd] > 0 ? (size_t)fdgso[fd] : 0;
	ctllen = 0;
	fits = 1;
	for (c = h.msg_control != NULL ? CMSG_FIRSTHDR(&h) : NULL; c != NULL;
	    c = CMSG_NXTHDR(&h, c)) {
		if (c->cmsg_len < CMSG_LEN(0) || c->cmsg_len >
		    h.msg_controllen - ((unsigned char *)c -
		    (unsigned char *)h.msg_control))
			break;
		if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_SEGMENT &&
		    c->cmsg_len == CMSG_LEN(sizeof(v))) {
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			gso = v;
			continue;
		}
		n = CMSG_SPACE(c->cmsg_len - CMSG_LEN(0));
		if (n > CTLMAX - ctllen) {
			fits = 0;
			continue;
		}
		memcpy(ctl + ctllen, c, c->cmsg_len);
		ctllen += n;
	}
	if (gso == 0 || total <= gso || !fits)
		return send_one(fd, m, total, flags);

	gather(gbuf, m, total);
	memset(&sm, 0, sizeof(sm));
	sm.msg_name = m->msg_name;
	sm.msg_namelen = m->msg_namelen;
	sm.msg_iov = &iov;
	sm.msg_iovlen = 1;
	sm.msg_control = ctllen > 0 ? ctl : NULL;
	sm.msg_controllen = ctllen;
	for (off = 0; off < total; off += n) {
		n = total - off < gso ? total - off : gso;
		iov.iov_base = gbuf + off;
		iov.iov_len = n;
		if (send_one(fd, &sm, n, flags) == -1 && off == 0)
			return -1;
	}
	return total;
}

/*
 * Reads a datagram into s.  Asks the kernel for at most ctlmax bytes
 * of control data, so truncation shows as it would to the caller.
 */
static int
fill(int fd, struct slot *s, size_t ctlmax, int flags)
{
	struct msghdr	 m;
	struct iovec	 iov;
	ssize_t		 n;

	memset(&m, 0, sizeof(m));
	iov.iov_base = s->data;
	iov.iov_len = sizeof(s->data);
	m.msg_name = &s->name;
	m.msg_namelen = sizeof(s->name);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (ctlmax > 0) {
		m.msg_control = s->ctl;
		m.msg_controllen = ctlmax < CTLMAX ? ctlmax : CTLMAX;
	}
	if ((n = real_recvmsg(fd, &m, flags | MSG_TRUNC)) == -1)
		return -1;
	s->reallen = n;
	s->len = s->reallen < DGMAX ? s->reallen : DGMAX;
	s->namelen = m.msg_namelen < sizeof(s->name) ?
	    m.msg_namelen : sizeof(s->name);
	s->ctllen = m.msg_control != NULL ? m.msg_controllen : 0;
	s->flags = m.msg_flags;
	return 0;
}

/* Hands a datagram to the caller as recvmsg(2) would. */
static ssize_t
deliver(const struct slot *s, struct msghdr *m, int flags)
{
	size_t	 i, n, off = 0;
	int	 out;

	for (i = 0; i < (size_t)m->msg_iovlen && off < s->len; i++) {
		n = m->msg_iov[i].iov_len;
		if (n > s->len - off)
			n = s->len - off;
		if (n > 0)
			memcpy(m->msg_iov[i].iov_base, s->data + off, n);
		off += n;
	}
	if (m->msg_name != NULL) {
		n = s->namelen < m->msg_namelen ? s->namelen : m->msg_namelen;
		if (n > 0)
			memcpy(m->msg_name, &s->name, n);
		m->msg_namelen = s->namelen;
	} else
		m->msg_namelen = 0;
	out = s->flags & ~(MSG_TRUNC | MSG_CTRUNC);
	if (off < s->reallen)
		out |= MSG_TRUNC;
	n = 0;
	if (m->msg_control != NULL) {
		n = s->ctllen < m->msg_controllen ? s->ctllen :
		    m->msg_controllen;
		if (n > 0)
			memcpy(m->msg_control, s->ctl, n);
	}
	if (n < s->ctllen || s->flags & MSG_CTRUNC)
		out |= MSG_CTRUNC;
	m->msg_controllen = n;
	m->msg_flags = out;
	return flags & MSG_TRUNC ? (ssize_t)s->reallen : (ssize_t)off;
}

/* recvmsg(2) with faults. */
static ssize_t
recv_one(int fd, struct msghdr *m, int flags)
{
	struct fault	 f;
	struct slot	*s;
	ssize_t		 n;

	if (flags & MSG_ERRQUEUE)
		return real_recvmsg(fd, m, flags);
	if ((s = slot_find(fd, S_READY)) != NULL) {
		n = deliver(s, m, flags);
		if (!(flags & MSG_PEEK))
			slot_free(s);
		return n;
	}
	if (flags & MSG_PEEK)
		return real_recvmsg(fd, m, flags);
	for (;;) {
		if (fill(fd, &rx, m->msg_control != NULL ?
		    m->msg_controllen : 0, flags) == -1)
			return -1;
		if (!decide(D_RECV, &f))
			break;
		if (f.lose) {
			nlost++;
			continue;
		}
		if (f.corrupt && rx.len > 0) {
			rx.data[f.where % rx.len] ^= 1 + (f.where >> 32) % 255;
			ncorrupt++;
		}
		if (f.reorder && slot_find(fd, S_RECVHELD) == NULL &&
		    (s = slot_new(fd, S_RECVHELD)) != NULL) {
			slot_copy(s, &rx);
			s->when = now_ms();
			nreordered++;
			continue;
		}
		if (f.dup && (s = slot_new(fd, S_READY)) != NULL) {
			slot_copy(s, &rx);
			s->seq = nextseq++;
			ndup++;
		}
		break;
	}
	if ((s = slot_find(fd, S_RECVHELD)) != NULL) {
		s->kind = S_READY;
		s->seq = nextseq++;
	}
	return deliver(&rx, m, flags);
}

ssize_t
sendmsg(int fd, const struct msghdr *m, int flags)
{
	ssize_t	 n;
	int	 e, mode;

	if ((mode = enter(fd, D_SEND)) == PASS)
		return real_sendmsg(fd, m, flags);
	e = errno;
	if (mode == COUNT) {
		if ((n = real_sendmsg(fd, m, flags)) >= 0)
			ndg[D_SEND]++;
	} else if ((n = send_msg(fd, m, flags)) >= 0)
		errno = e;
	leave();
	return n;
}

ssize_t
sendto(int fd, const void *buf, size_t len, int flags, CSA_ARG to,
    socklen_t tolen)
{
	struct msghdr	 m;
	struct iovec	 iov;
	ssize_t		 n;
	int		 e, mode;

	if ((mode = enter(fd, D_SEND)) == PASS)
		return real_sendto(fd, buf, len, flags, to, tolen);
	e = errno;
	if (mode == COUNT) {
		if ((n = real_sendto(fd, buf, len, flags, to, tolen)) >= 0)
			ndg[D_SEND]++;
	} else {
		memset(&m, 0, sizeof(m));
		iov.iov_base = (void *)buf;
		iov.iov_len = len;
		m.msg_name = (void *)SA(to);
		m.msg_namelen = SA(to) != NULL ? tolen : 0;
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		if ((n = send_msg(fd, &m, flags)) >= 0)
			errno = e;
	}
	leave();
	return n;
}

ssize_t
send(int fd, const void *buf, size_t len, int flags)
{
	struct msghdr	 m;
	struct iovec	 iov;
	ssize_t		 n;
	int		 e, mode;

	if ((mode = enter(fd, D_SEND)) == PASS)
		return real_send(fd, buf, len, flags);
	e = errno;
	if (mode == COUNT) {
		if ((n = real_send(fd, buf, len, flags)) >= 0)
			ndg[D_SEND]++;
	} else {
		memset(&m, 0, sizeof(m));
		iov.iov_base = (void *)buf;
		iov.iov_len = len;
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		if ((n = send_msg(fd, &m, flags)) >= 0)
			errno = e;
	}
	leave();
	return n;
}

/* Reports every message as sent unless a real send fails. */
int
sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
	unsigned int	 i;
	ssize_t		 n;
	int		 e, mode, r;

	if ((mode = enter(fd, D_SEND)) == PASS)
		return real_sendmmsg(fd, vec, vlen, flags);
	e = errno;
	if (mode == COUNT) {
		if ((r = real_sendmmsg(fd, vec, vlen, flags)) > 0)
			ndg[D_SEND] += r;
		leave();
		return r;
	}
	if (vlen > MMSG_MAX)
		vlen = MMSG_MAX;
	for (i = 0; i < vlen; i++) {
		if ((n = send_msg(fd, &vec[i].msg_hdr, flags)) == -1)
			break;
		vec[i].msg_len = n;
	}
	leave();
	if (i == 0 && vlen > 0)
		return -1;
	errno = e;
	return i;
}

ssize_t
recvmsg(int fd, struct msghdr *m, int flags)
{
	ssize_t	 n;
	int	 e, mode;

	if ((mode = enter(fd, D_RECV)) == PASS)
		return real_recvmsg(fd, m, flags);
	e = errno;
	if (mode == COUNT) {
		if ((n = real_recvmsg(fd, m, flags)) >= 0 &&
		    !(flags & (MSG_PEEK | MSG_ERRQUEUE)))
			ndg[D_RECV]++;
	} else if ((n = recv_one(fd, m, flags)) >= 0)
		errno = e;
	leave();
	return n;
}

ssize_t
recvfrom(int fd, void *buf, size_t len, int flags, SA_ARG from,
    socklen_t *fromlen)
{
	struct msghdr	 m;
	struct iovec	 iov;
	ssize_t		 n;
	int		 e, mode;

	if ((mode = enter(fd, D_RECV)) == PASS)
		return real_recvfrom(fd, buf, len, flags, from, fromlen);
	e = errno;
	if (mode == COUNT) {
		if ((n = real_recvfrom(fd, buf, len, flags, from,
		    fromlen)) >= 0 && !(flags & (MSG_PEEK | MSG_ERRQUEUE)))
			ndg[D_RECV]++;
	} else {
		memset(&m, 0, sizeof(m));
		iov.iov_base = buf;
		iov.iov_len = len;
		if (SA(from) != NULL && fromlen != NULL) {
			m.msg_name = SA(from);
			m.msg_namelen = *fromlen;
		}
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		if ((n = recv_one(fd, &m, flags)) >= 0) {
			if (m.msg_name != NULL)
				*fromlen = m.msg_namelen;
			errno = e;
		}
	}
	leave();
	return n;
}

ssize_t
recv(int fd, void *buf, size_t len, int flags)
{
	struct msghdr	 m;
	struct iovec	 iov;
	ssize_t		 n;
	int		 e, mode;

	if ((mode = enter(fd, D_RECV)) == PASS)
		return real_recv(fd, buf, len, flags);
	e = errno;
	if (mode == COUNT) {
		if ((n = real_recv(fd, buf, len, flags)) >= 0 &&
		    !(flags & (MSG_PEEK | MSG_ERRQUEUE)))
			ndg[D_RECV]++;
	} else {
		memset(&m, 0, sizeof(m));
		iov.iov_base = buf;
		iov.iov_len = len;
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		if ((n = recv_one(fd, &m, flags)) >= 0)
			errno = e;
	}
	leave();
	return n;
}

/*
 * One message at a time through recv_one().  As in the kernel, a
 * blocking call waits for vlen messages unless MSG_WAITFORONE is given,
 * and the timeout is checked after each message.
 */
int
recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags,
    struct timespec *tmo)
{
	struct timespec	 t0, t;
	unsigned int	 i;
	ssize_t		 n;
	int		 e, f, mode, r;

	if ((mode = enter(fd, D_RECV)) == PASS)
		return real_recvmmsg(fd, vec, vlen, flags, tmo);
	e = errno;
	if (mode == COUNT) {
		if ((r = real_recvmmsg(fd, vec, vlen, flags, tmo)) > 0 &&
		    !(flags & (MSG_PEEK | MSG_ERRQUEUE)))
			ndg[D_RECV] += r;
		leave();
		return r;
	}
	if (tmo != NULL && (tmo->tv_sec < 0 || tmo->tv_nsec < 0 ||
	    tmo->tv_nsec >= 1000000000)) {
		leave();
		errno = EINVAL;
		return -1;
	}
	if (tmo != NULL)
		clock_gettime(CLOCK_MONOTONIC, &t0);
	if (vlen > MMSG_MAX)
		vlen = MMSG_MAX;
	f = flags & ~MSG_WAITFORONE;
	for (i = 0; i < vlen; i++) {
		if ((n = recv_one(fd, &vec[i].msg_hdr, f)) == -1)
			break;
		vec[i].msg_len = n;
		if (flags & MSG_WAITFORONE)
			f |= MSG_DONTWAIT;
		if (tmo != NULL) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			t.tv_sec -= t0.tv_sec;
			if ((t.tv_nsec -= t0.tv_nsec) < 0) {
				t.tv_sec--;
				t.tv_nsec += 1000000000;
			}
			if (t.tv_sec > tmo->tv_sec || (t.tv_sec ==
			    tmo->tv_sec && t.tv_nsec >= tmo->tv_nsec)) {
				i++;
				break;
			}
		}
	}
	leave();
	if (i == 0 && vlen > 0)
		return -1;
	errno = e;
	return i;
}

/* A new socket may reuse a descriptor whose close(2) was not seen. */
int
socket(int domain, int type, int protocol)
{
	int	 fd;

	resolve();
	if ((fd = real_socket(domain, type, protocol)) >= 0 && fd < FDMAX &&
	    !__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE)) {
		fdkind[fd] = FD_UNKNOWN;
		drop(fd);
		leave();
	}
	return fd;
}

/* Forget the GSO size cached for fd; udp() asks again. */
int
setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	int	 r;

	resolve();
	if ((r = real_setsockopt(fd, level, name, val, len)) == 0 &&
	    level == SOL_UDP && name == UDP_SEGMENT && fd >= 0 && fd < FDMAX &&
	    !__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE)) {
		fdkind[fd] = FD_UNKNOWN;
		leave();
	}
	return r;
}

/* What is held for fd dies with it. */
int
close(int fd)
{
	resolve();
	if (fd >= 0 && fd < FDMAX &&
	    !__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE)) {
		fdkind[fd] = FD_UNKNOWN;
		drop(fd);
		leave();
	}
	return real_close(fd);
}

/* Standard input fails with EIO after NPSHIM_RDERR bytes. */
ssize_t
read(int fd, void *buf, size_t len)
{
	ssize_t	 r;
	int	 fault;

	resolve();
	if (fd != STDIN_FILENO ||
	    __atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
		return real_read(fd, buf, len);
	if (state == ST_NONE)
		init();
	fault = state == ST_ACTIVE && cf.rderr != ULLONG_MAX;
	if (fault && nread >= cf.rderr) {
		nrderr++;
		leave();
		errno = EIO;
		return -1;
	}
	if (fault && len > cf.rderr - nread)
		len = cf.rderr - nread;
	leave();
	r = real_read(fd, buf, len);
	if (r > 0)
		nread += (unsigned long long)r;
	return r;
}

/*
 * glibc's _FORTIFY_SOURCE turns recv(2) and recvfrom(2) into these,
 * which reach the kernel without passing through the wrappers above.
 */
#ifdef __GLIBC__
extern void	 __chk_fail(void) __attribute__((noreturn));

ssize_t		 __recv_chk(int, void *, size_t, size_t, int);
ssize_t		 __recvfrom_chk(int, void *, size_t, size_t, int, SA_ARG,
		    socklen_t *);
ssize_t		 __read_chk(int, void *, size_t, size_t);

ssize_t
__recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags)
{
	if (len > buflen)
		__chk_fail();
	return recv(fd, buf, len, flags);
}

ssize_t
__recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
    SA_ARG from, socklen_t *fromlen)
{
	if (len > buflen)
		__chk_fail();
	return recvfrom(fd, buf, len, flags, from, fromlen);
}

ssize_t
__read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	if (len > buflen)
		__chk_fail();
	return read(fd, buf, len);
}
#endif

/* The NPSHIM_RDERR counts for the log line. */
static const char *
rdline(void)
{
	static char	 s[64];

	snprintf(s, sizeof(s), " read=%llu rderr=%llu", nread, nrderr);
	return s;
}

/* Appends the counts to NPSHIM_LOG, if this process used UDP. */
static void
fini(void)
{
	char	 line[256];
	int	 fd, n;

	if (state != ST_ACTIVE || !sawudp || cf.log[0] == '\0')
		return;
	resolve();
	n = snprintf(line, sizeof(line), "npshim pid=%ld sent=%llu recv=%llu "
	    "lost=%llu dup=%llu corrupt=%llu reordered=%llu%s\n",
	    (long)getpid(), ndg[D_SEND], ndg[D_RECV], nlost, ndup, ncorrupt,
	    nreordered, cf.rderr != ULLONG_MAX ? rdline() : "");
	if ((fd = open(cf.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0666)) == -1) {
		fprintf(stderr, "npshim: %s: %s\n", cf.log, strerror(errno));
		return;
	}
	if (write(fd, line, n) != n)
		fprintf(stderr, "npshim: %s: short write\n", cf.log);
	real_close(fd);
}
