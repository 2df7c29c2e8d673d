/*
 * netpipe: seal.c: the shared key (-k).  A layer between a Rev. 1 role
 * and its driver: every datagram the role sends is sealed (encrypted
 * and authenticated with ChaCha20-Poly1305, aead.c), every datagram that
 * arrives is opened before the role sees it, and one that does not open
 * is dropped and counted (np->forged): the role never sees it, so it is
 * never a sign of life.  The role packs and unpacks plaintext packets as
 * without a key; the driver wraps its io in seal_io and hands arrivals
 * to seal_packet.  PROTOCOL.txt 11 is the description: the layout, the
 * keys of a run, the nonces, replays.
 *
 * Keys (all 256-bit, HChaCha20 as the PRF, aead.c):
 *   K_run = HChaCha20(master, salt_s)      salt_s: the server's, per run
 *   K_s   = HChaCha20(K_run, 0^16)         the server's packets
 *   K_c   = HChaCha20(K_run, salt_c)       a client's packets; salt_c's
 *                                          first bit is 1, so never 0^16
 * Nonces: 4 zero bytes and the sender's 64-bit packet counter, which
 * starts at 0 under each new key and only grows.  A client takes a run's
 * packets other than its pings only once the run has proved to be this
 * one's: a packet to it alone that carries its own fresh salt (the
 * server's R1_INIT, first) has opened.  So nothing of an earlier run
 * with the same key, replayed, gets further than the role's waiting.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netpipe.h"
#include "seal.h"

#define REPLAY_BITS	4096		/* counters remembered per sender */
#define NSESS		8		/* client: servers whose keys it keeps */
#define PEERS_MIN	64		/* server: first size of its table */
#define KEYFILE_MAX	66		/* 64 hex digits, newline, one more */

/* Which counters of one sender were seen: the highest and those below. */
struct replay {
	uint64_t	 top;
	int		 any;
	uint64_t	 bits[REPLAY_BITS / 64];
};

/* Client: a server it heard a ping of, and the keys of its run. */
struct sess {
	int		 used;
	int		 fresh;		/* a packet with our salt opened */
	uint32_t	 session;
	uint64_t	 used_at;	/* its last packet that opened */
	uint8_t		 salt[SEAL_SALT];
	uint8_t		 key[AEAD_KEY];	/* K_s: its packets */
	uint8_t		 ckey[AEAD_KEY];	/* K_c: ours to it */
	struct replay	 rp;
};

/* Server: a client that sent a packet that opened. */
struct peerkey {
	int		 used;
	union addr addr;	/* where its last one came from */
	uint64_t	 heard;		/* and when */
	uint8_t		 salt[SEAL_SALT];
	uint8_t		 key[AEAD_KEY];	/* K_c */
	struct replay	 rp;
};

struct seal {
	struct io	 io;		/* the role's: sealing, else inner's */
	const struct io	*inner;		/* the driver's */
	struct np	*np;
	int		 server;
	uint8_t		 master[AEAD_KEY];	/* client: kept; server: wiped */
	uint8_t		 salt[SEAL_SALT];	/* server: salt_s; client: salt_c */
	uint8_t		 run[AEAD_KEY];	/* server: K_run */
	uint8_t		 key[AEAD_KEY];	/* server: K_s */
	uint64_t	 ctr;		/* our next packet counter */
	struct sess	 sess[NSESS];	/* client */
	struct peerkey	*peers;		/* server: open addressing */
	size_t		 npeers, maxpeers;
	uint8_t		*buf;		/* sealed datagrams being sent */
	size_t		 bufsize;
};

static void	 nonce_of(uint8_t *, const uint8_t *);
static int	 replay_check(struct replay *, uint64_t);
static uint8_t	*room(struct seal *, size_t);
static const uint8_t *salt_for(const struct seal *, const uint8_t *,
		    const union addr *);
static size_t	 seal_one(struct seal *, uint8_t *, const uint8_t *, size_t,
		    const union addr *);
static void	 sl_send(void *, const void *, size_t,
		    const union addr *);
static int	 sl_sendsegs(void *, const union addr *,
		    const uint8_t *, size_t, size_t);
static ssize_t	 sl_read(void *, void *, size_t);
static int	 sl_write(void *, const void *, size_t);
static int	 sl_close(void *);
static void	 sl_say(void *, const char *);
static void	 sl_random(void *, void *, size_t);
static uint64_t	 sl_clock(void *);
static struct sess *sess_find(struct seal *, uint32_t);
static struct sess *sess_add(struct seal *, uint32_t, const uint8_t *);
static struct peerkey *peer_slot(const struct seal *, const uint8_t *);
static struct peerkey *peer_add(struct seal *, const uint8_t *,
		    const uint8_t *);
static int	 open_client(struct seal *, uint8_t *, size_t, uint64_t);
static int	 open_server(struct seal *, uint8_t *, size_t,
		    const union addr *, uint64_t);
static int	 hexval(int);

/* The AEAD's nonce: 4 zero bytes and the counter as on the wire. */
static void
nonce_of(uint8_t *nonce, const uint8_t *ctr)
{
	memset(nonce, 0, 4);
	memcpy(nonce + 4, ctr, 8);
}

/*
 * A counter c of one sender that opened: 0 if it is new (and now seen),
 * -1 if it was seen or is too old to tell (REPLAY_BITS below the
 * highest): a replay, or a packet delayed that long.
 */
static int
replay_check(struct replay *r, uint64_t c)
{
	uint64_t i;

	if (!r->any || c > r->top) {
		if (!r->any || c - r->top >= REPLAY_BITS)
			memset(r->bits, 0, sizeof(r->bits));
		else
			for (i = r->top + 1; i < c; i++)
				r->bits[i / 64 % (REPLAY_BITS / 64)] &=
				    ~(1ULL << (i % 64));
		r->any = 1;
		r->top = c;
	} else if (r->top - c >= REPLAY_BITS ||
	    (r->bits[c / 64 % (REPLAY_BITS / 64)] & 1ULL << (c % 64)))
		return -1;
	r->bits[c / 64 % (REPLAY_BITS / 64)] |= 1ULL << (c % 64);
	return 0;
}

/* The sealing buffer, n bytes at least. */
static uint8_t *
room(struct seal *sl, size_t n)
{
	if (n > sl->bufsize) {
		free(sl->buf);
		if ((sl->buf = malloc(n)) == NULL)
			err(1, NULL);
		sl->bufsize = n;
	}
	return sl->buf;
}

/*
 * The salt a packet p to `to` carries, or NULL: a client's own; the
 * server's in its ping; the client's in a server's packet to a client
 * whose packets opened (the latest heard from that address).
 */
static const uint8_t *
salt_for(const struct seal *sl, const uint8_t *p,
    const union addr *to)
{
	const struct peerkey *pk, *best = NULL;
	size_t i;

	if (!sl->server || p[0] == R1_PING)
		return sl->salt;
	if (sameaddr(to, &sl->np->net.dst))
		return NULL;
	for (i = 0; i < sl->maxpeers; i++) {
		pk = &sl->peers[i];
		if (pk->used && sameaddr(&pk->addr, to) &&
		    (best == NULL || pk->heard > best->heard))
			best = pk;
	}
	return best != NULL ? best->salt : NULL;
}

/*
 * Seal the plaintext packet p (n >= 5 bytes: cmd, session, the rest) to
 * `to` into out; returns its length, 0 if it cannot be sealed (a client
 * with no key for the session: it has heard no ping of that server).
 */
static size_t
seal_one(struct seal *sl, uint8_t *out, const uint8_t *p, size_t n,
    const union addr *to)
{
	const uint8_t *key, *salt;
	struct sess *s;
	uint8_t nonce[AEAD_NONCE];
	size_t h = SEAL_HDR;

	if (n < 5)
		return 0;
	if (sl->server)
		key = sl->key;
	else if ((s = sess_find(sl, get32(p + 1))) != NULL)
		key = s->ckey;
	else
		return 0;
	if (sl->ctr == UINT64_MAX)
		errx(1, "the packet counter of this key is used up");
	out[0] = p[0] | SEAL_FLAG;
	memcpy(out + 1, p + 1, 4);
	put64(out + 5, sl->ctr++);
	if ((salt = salt_for(sl, p, to)) != NULL) {
		out[0] |= SEAL_SALTED;
		memcpy(out + h, salt, SEAL_SALT);
		h += SEAL_SALT;
	}
	nonce_of(nonce, out + 5);
	aead_seal(out + h, out + h + n - 5, p + 5, n - 5, out, h, key, nonce);
	return h + n - 5 + AEAD_TAG;
}

static void
sl_send(void *ctx, const void *p, size_t n, const union addr *to)
{
	struct seal *sl = ctx;
	uint8_t *out = room(sl, n + SEAL_MAX_OVER);

	if ((n = seal_one(sl, out, p, n, to)) > 0)
		sl->inner->send(sl->inner->ctx, out, n, to);
}

/* A train: each segment sealed, all grown by the same SEAL_OVER. */
static int
sl_sendsegs(void *ctx, const union addr *to, const uint8_t *p,
    size_t len, size_t seg)
{
	struct seal *sl = ctx;
	size_t off, k, n = 0, m, over = 0;
	uint8_t *out;

	out = room(sl, len + (len / seg + 1) * SEAL_MAX_OVER);
	for (off = 0; off < len; off += k) {
		k = len - off < seg ? len - off : seg;
		if ((m = seal_one(sl, out + n, p + off, k, to)) == 0)
			return 0;
		over = m - k;
		n += m;
	}
	return n > 0 ? sl->inner->sendsegs(sl->inner->ctx, to, out, n,
	    seg + over) : 0;
}

static ssize_t
sl_read(void *ctx, void *p, size_t len)
{
	struct seal *sl = ctx;

	return sl->inner->read(sl->inner->ctx, p, len);
}

static int
sl_write(void *ctx, const void *p, size_t len)
{
	struct seal *sl = ctx;

	return sl->inner->write(sl->inner->ctx, p, len);
}

static int
sl_close(void *ctx)
{
	struct seal *sl = ctx;

	return sl->inner->close(sl->inner->ctx);
}

static void
sl_say(void *ctx, const char *line)
{
	struct seal *sl = ctx;

	sl->inner->say(sl->inner->ctx, line);
}

static void
sl_random(void *ctx, void *p, size_t len)
{
	struct seal *sl = ctx;

	sl->inner->random(sl->inner->ctx, p, len);
}

static uint64_t
sl_clock(void *ctx)
{
	struct seal *sl = ctx;

	return sl->inner->clock(sl->inner->ctx);
}

static struct sess *
sess_find(struct seal *sl, uint32_t session)
{
	int i;

	for (i = 0; i < NSESS; i++)
		if (sl->sess[i].used && sl->sess[i].session == session)
			return &sl->sess[i];
	return NULL;
}

/*
 * A server whose ping opened under K_s of salt: its keys, in the place
 * of the same session's or of the one heard from longest ago.
 */
static struct sess *
sess_add(struct seal *sl, uint32_t session, const uint8_t *salt)
{
	static const uint8_t zero[SEAL_SALT];
	struct sess *s;
	uint8_t run[AEAD_KEY];
	int i;

	if ((s = sess_find(sl, session)) == NULL) {
		/* Never the run we are in: pings of others can't push it out. */
		s = sl->sess[0].fresh ? &sl->sess[1] : &sl->sess[0];
		for (i = 1; i < NSESS; i++)
			if (!sl->sess[i].fresh && (!sl->sess[i].used ||
			    (s->used && sl->sess[i].used_at < s->used_at)))
				s = &sl->sess[i];
	}
	explicit_bzero(s, sizeof(*s));
	s->used = 1;
	s->session = session;
	memcpy(s->salt, salt, SEAL_SALT);
	hchacha20(run, sl->master, salt);
	hchacha20(s->key, run, zero);
	hchacha20(s->ckey, run, sl->salt);
	explicit_bzero(run, sizeof(run));
	return s;
}

/*
 * A client datagram that opened: in place, p's plaintext packet begins
 * at p + h - 5.  Returns h, or -1 (counted as forged).  A sealed ping
 * carries its run's salt, so its keys can be made for it (and kept when
 * it opens); every other packet must be of a server whose ping opened,
 * and either carry our own salt (it is then fresh: of a run that heard
 * us) or come when the run has proved fresh.
 */
static int
open_client(struct seal *sl, uint8_t *p, size_t n, uint64_t now)
{
	static const uint8_t zero[SEAL_SALT];
	struct np *np = sl->np;
	struct sess *s;
	uint8_t run[AEAD_KEY], key[AEAD_KEY], nonce[AEAD_NONCE];
	const uint8_t *salt = p + SEAL_HDR;
	size_t h = SEAL_HDR;
	int ping, r;

	if (n < h + 4 + AEAD_TAG || !(p[0] & SEAL_FLAG))
		return -1;
	ping = (p[0] & ~(SEAL_FLAG | SEAL_SALTED)) == R1_PING;
	if (p[0] & SEAL_SALTED)
		h += SEAL_SALT;
	if (n < h + 4 + AEAD_TAG || (ping && h == SEAL_HDR) ||
	    (!ping && h > SEAL_HDR && memcmp(salt, sl->salt, SEAL_SALT) != 0))
		return -1;
	nonce_of(nonce, p + 5);
	s = sess_find(sl, get32(p + 1));
	if (ping && s != NULL && s->fresh &&
	    memcmp(s->salt, salt, SEAL_SALT) != 0)
		return -1;	/* our run's session id, of another run */
	if (ping && (s == NULL || memcmp(s->salt, salt, SEAL_SALT) != 0)) {
		/* A run not heard yet: its keys, kept only if it opens. */
		hchacha20(run, sl->master, salt);
		hchacha20(key, run, zero);
		r = aead_open(p + h, p + h, n - h - AEAD_TAG, p + n - AEAD_TAG,
		    p, h, key, nonce);
		explicit_bzero(run, sizeof(run));
		explicit_bzero(key, sizeof(key));
		if (r == -1) {
			if (np->wrongkey_at == 0)
				np->wrongkey_at = now;
			return -1;
		}
		s = sess_add(sl, get32(p + 1), salt);
	} else if (s == NULL || (!ping && h == SEAL_HDR && !s->fresh) ||
	    aead_open(p + h, p + h, n - h - AEAD_TAG, p + n - AEAD_TAG, p, h,
	    s->key, nonce) == -1)
		return -1;
	if (replay_check(&s->rp, get64(p + 5)) == -1)
		return -1;
	s->used_at = now;
	if (!ping && h > SEAL_HDR)
		s->fresh = 1;
	if (ping)
		np->wrongkey_at = 0;	/* a server of our key is there */
	return (int)h;
}

/* Server: the slot of a client's salt in the table, used or free. */
static struct peerkey *
peer_slot(const struct seal *sl, const uint8_t *salt)
{
	size_t i;

	i = get32(salt + 12) & (sl->maxpeers - 1);
	while (sl->peers[i].used && memcmp(sl->peers[i].salt, salt,
	    SEAL_SALT) != 0)
		i = (i + 1) & (sl->maxpeers - 1);
	return &sl->peers[i];
}

/* Server: a new client's salt and key in the table, grown at half. */
static struct peerkey *
peer_add(struct seal *sl, const uint8_t *salt, const uint8_t *key)
{
	struct peerkey *old = sl->peers, *pk;
	size_t i, n = sl->maxpeers;

	if (2 * (sl->npeers + 1) > sl->maxpeers) {
		sl->maxpeers = n ? 2 * n : PEERS_MIN;
		if ((sl->peers = calloc(sl->maxpeers, sizeof(*pk))) == NULL)
			err(1, NULL);
		for (i = 0; i < n; i++)
			if (old[i].used)
				*peer_slot(sl, old[i].salt) = old[i];
		if (old != NULL)
			explicit_bzero(old, n * sizeof(*old));
		free(old);
	}
	pk = peer_slot(sl, salt);
	pk->used = 1;
	memcpy(pk->salt, salt, SEAL_SALT);
	memcpy(pk->key, key, AEAD_KEY);
	sl->npeers++;
	return pk;
}

/* A datagram at the server: as open_client, under the sender's K_c. */
static int
open_server(struct seal *sl, uint8_t *p, size_t n,
    const union addr *from, uint64_t now)
{
	const size_t h = SEAL_HDR + SEAL_SALT;
	const uint8_t *salt = p + SEAL_HDR;
	struct peerkey *pk = NULL;
	uint8_t key[AEAD_KEY], nonce[AEAD_NONCE];
	int r;

	if (n < h + 4 + AEAD_TAG || (p[0] & (SEAL_FLAG | SEAL_SALTED)) !=
	    (SEAL_FLAG | SEAL_SALTED) || !(salt[0] & 0x80))
		return -1;
	nonce_of(nonce, p + 5);
	if (sl->peers != NULL && (pk = peer_slot(sl, salt))->used)
		memcpy(key, pk->key, AEAD_KEY);
	else
		hchacha20(key, sl->run, salt);
	r = aead_open(p + h, p + h, n - h - AEAD_TAG, p + n - AEAD_TAG, p, h,
	    key, nonce);
	if (r == 0 && (pk == NULL || !pk->used))
		pk = peer_add(sl, salt, key);
	explicit_bzero(key, sizeof(key));
	if (r == -1 || replay_check(&pk->rp, get64(p + 5)) == -1)
		return -1;
	pk->addr = *from;
	pk->heard = now;
	return (int)h;
}

/*
 * Open the datagram p (n bytes, from the network) in place: returns the
 * plaintext packet's length and sets *out to it, or -1 when it is not a
 * sealed packet of ours that opens, or a replay (np->forged counts it).
 */
ssize_t
seal_open(struct seal *sl, uint8_t *p, size_t n,
    const union addr *from, uint64_t now, uint8_t **out)
{
	uint8_t *q;
	int h;

	h = sl->server ? open_server(sl, p, n, from, now) :
	    open_client(sl, p, n, now);
	if (h == -1) {
		sl->np->forged++;
		return -1;
	}
	q = p + h - 5;
	memmove(q, p, 5);
	q[0] &= ~(SEAL_FLAG | SEAL_SALTED);
	*out = q;
	return (ssize_t)(n - (size_t)h + 5 - AEAD_TAG);
}

/* A datagram for the role: opened, or dropped and counted. */
void
seal_packet(struct seal *sl, const struct role *r, struct np *np,
    uint8_t *p, size_t n, const union addr *from, uint64_t now)
{
	uint8_t *q;
	ssize_t m;

	if ((m = seal_open(sl, p, n, from, now, &q)) >= 0)
		r->packet(np, q, (size_t)m, from, now);
}

/*
 * The layer over the driver's io for np's role (a server if server),
 * with the master key (wiped by the caller).  A server draws its salt
 * and makes its keys here, and keeps no master key.
 */
struct seal *
seal_new(const uint8_t *master, int server, const struct io *inner,
    struct np *np)
{
	static const uint8_t zero[SEAL_SALT];
	struct seal *sl;

	if ((sl = calloc(1, sizeof(*sl))) == NULL)
		err(1, NULL);
	sl->io = (struct io){
		.ctx = sl,
		.send = sl_send,
		.sendsegs = sl_sendsegs,
		.read = sl_read,
		.write = sl_write,
		.close = sl_close,
		.say = sl_say,
		.random = sl_random,
		.clock = sl_clock,
	};
	sl->inner = inner;
	sl->np = np;
	sl->server = server;
	inner->random(inner->ctx, sl->salt, SEAL_SALT);
	if (server) {
		hchacha20(sl->run, master, sl->salt);
		hchacha20(sl->key, sl->run, zero);
	} else {
		sl->salt[0] |= 0x80;	/* never 0^16, K_s's input */
		memcpy(sl->master, master, AEAD_KEY);
	}
	return sl;
}

const struct io *
seal_io(struct seal *sl)
{
	return &sl->io;
}

void
seal_free(struct seal *sl)
{
	if (sl == NULL)
		return;
	if (sl->peers != NULL)
		explicit_bzero(sl->peers, sl->maxpeers * sizeof(*sl->peers));
	free(sl->peers);
	free(sl->buf);
	explicit_bzero(sl, sizeof(*sl));
	free(sl);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The key file: 32 bytes, or 64 hex digits and an optional newline;
 * anything else is an error.  A file others may read is warned of.
 */
void
seal_readkey(const char *path, uint8_t *key)
{
	uint8_t buf[KEYFILE_MAX];
	struct stat st;
	ssize_t r;
	size_t n = 0;
	int fd, i, hi, lo;

	if ((fd = open(path, O_RDONLY)) == -1)
		err(1, "key file %s", path);
	if (fstat(fd, &st) == -1)
		err(1, "key file %s", path);
	if (!S_ISREG(st.st_mode))
		errx(1, "key file %s: not a regular file", path);
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		warnx("key file %s: others may read it (chmod 600 %s)", path,
		    path);
	while (n < sizeof(buf) &&
	    (r = read(fd, buf + n, sizeof(buf) - n)) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			err(1, "key file %s", path);
		}
		n += (size_t)r;
	}
	(void)close(fd);
	if (n == AEAD_KEY)
		memcpy(key, buf, AEAD_KEY);
	else if (n == 2 * AEAD_KEY || (n == 2 * AEAD_KEY + 1 &&
	    buf[2 * AEAD_KEY] == '\n')) {
		for (i = 0; i < AEAD_KEY; i++) {
			hi = hexval(buf[2 * i]);
			lo = hexval(buf[2 * i + 1]);
			if (hi == -1 || lo == -1) {
				explicit_bzero(buf, sizeof(buf));
				explicit_bzero(key, AEAD_KEY);
				errx(1, "key file %s: not 64 hex digits", path);
			}
			key[i] = (uint8_t)(hi << 4 | lo);
		}
	} else {
		explicit_bzero(buf, sizeof(buf));
		errx(1, "key file %s: a key is 32 bytes, or 64 hex digits "
		    "and a newline (netpipe --genkey makes one)", path);
	}
	explicit_bzero(buf, sizeof(buf));
}

/* --genkey: a new key as 64 hex digits, mode 0600, never over a file. */
void
seal_genkey(const char *path)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t key[AEAD_KEY];
	char line[2 * AEAD_KEY + 1];
	int fd, i;

	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		err(1, "getrandom");
	for (i = 0; i < AEAD_KEY; i++) {
		line[2 * i] = hex[key[i] >> 4];
		line[2 * i + 1] = hex[key[i] & 15];
	}
	line[2 * AEAD_KEY] = '\n';
	explicit_bzero(key, sizeof(key));
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1) {
		explicit_bzero(line, sizeof(line));
		if (errno == EEXIST)
			errx(1, "%s exists: a key is never overwritten", path);
		err(1, "%s", path);
	}
	if (fchmod(fd, 0600) == -1 ||
	    write(fd, line, sizeof(line)) != (ssize_t)sizeof(line) ||
	    fsync(fd) == -1) {
		explicit_bzero(line, sizeof(line));
		(void)unlink(path);
		err(1, "%s", path);
	}
	explicit_bzero(line, sizeof(line));
	if (close(fd) == -1)
		err(1, "%s", path);
}
