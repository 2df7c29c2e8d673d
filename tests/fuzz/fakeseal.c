/*
 * netpipe: tests/fuzz/fakeseal.c: the peers' side of -k for the fuzz
 * harness (byte 1, bit 7 of an input: the role runs behind seal.c with
 * the key FZ_KEY).
 *
 * Every datagram the role sends must open here, under the key its side
 * must use and with the salt its destination calls for (PROTOCOL.txt
 * 11.2); anything else is a bug (fz_bug).  A datagram the input asks to
 * have fixed up is sealed here, after the fix-up, as its source would
 * seal it: a client src of a server under test under its own K_c (salt
 * 0x80|src, src, ...), the server of a client under test under its K_s
 * (salt 0x11 ...), with the client's own salt when the record says "to
 * the client's status socket" (which makes its run fresh), its own in an
 * R1_PING.  The role's salts are what fz_random gives: the session id
 * over and over, a client's with its first bit set.  Datagrams not fixed
 * up go in as they are, and are dropped but for a fluke.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/types.h>

#include <netinet/in.h>

#include <string.h>

#include "../../netpipe.h"
#include "../../seal.h"
#include "fuzz.h"

/* The key of every keyed input. */
const uint8_t fz_key[AEAD_KEY] = {
	0x6e, 0x65, 0x74, 0x70, 0x69, 0x70, 0x65, 0x20,
	0x66, 0x75, 0x7a, 0x7a, 0x20, 0x6b, 0x65, 0x79,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10
};

static void	 nonce_of(uint8_t *, uint64_t);

static void
nonce_of(uint8_t *nonce, uint64_t ctr)
{
	memset(nonce, 0, 4);
	put64(nonce + 4, ctr);
}

/* The keys of the run under test and of its peers. */
void
fz_keys(struct fz *f)
{
	static const uint8_t zero[SEAL_SALT];
	uint8_t run[AEAD_KEY];
	unsigned i;

	for (i = 0; i < SEAL_SALT; i++)
		f->rsalt[i] = (uint8_t)(FZ_SESSION >> (24 - 8 * (i % 4)));
	if (f->server) {
		hchacha20(run, fz_key, f->rsalt);
		hchacha20(f->ks, run, zero);
		for (i = 0; i < FZ_PEERS; i++) {
			memset(f->psalt[i], (int)i, SEAL_SALT);
			f->psalt[i][0] = (uint8_t)(0x80 | i);
			hchacha20(f->kc[i], run, f->psalt[i]);
		}
	} else {
		f->rsalt[0] |= 0x80;
		memset(f->psalt[0], 0x11, SEAL_SALT);
		hchacha20(run, fz_key, f->psalt[0]);
		hchacha20(f->ks, run, zero);
		hchacha20(f->kc[0], run, f->rsalt);
	}
}

/*
 * A datagram p of n bytes the role sent to `to`: opened into out (the
 * packet as the role built it), or a bug.  Returns its length.
 */
size_t
fz_unseal(struct fz *f, const uint8_t *p, size_t n,
    const union addr *to, uint8_t *out)
{
	const uint8_t *key, *want = NULL;
	union addr a;
	uint8_t nonce[AEAD_NONCE];
	size_t h = SEAL_HDR;
	unsigned i;

	if (n < SEAL_HDR + 4 + AEAD_TAG || !(p[0] & SEAL_FLAG))
		fz_bug("-k: sent an unsealed datagram of %zu bytes", n);
	if (f->server) {
		key = f->ks;
		if ((p[0] & ~(SEAL_FLAG | SEAL_SALTED)) == R1_PING)
			want = f->rsalt;
		else if (!sameaddr(to, &f->dst))
			for (i = 0; i < FZ_PEERS; i++) {
				fz_addr(f, i, &a);
				if (sameaddr(to, &a))
					want = f->psalt[i];
			}
	} else {
		key = f->kc[0];
		want = f->rsalt;
	}
	if (want != NULL && !(p[0] & SEAL_SALTED))
		fz_bug("-k: command 0x%02x to %s without its salt", p[0],
		    addrstr(to));
	if (want == NULL && (p[0] & SEAL_SALTED))
		fz_bug("-k: command 0x%02x to %s with a salt", p[0],
		    addrstr(to));
	if (want != NULL) {
		h += SEAL_SALT;
		if (n < h + 4 + AEAD_TAG ||
		    memcmp(p + SEAL_HDR, want, SEAL_SALT) != 0)
			fz_bug("-k: command 0x%02x to %s with another salt",
			    p[0], addrstr(to));
	}
	nonce_of(nonce, get64(p + 5));
	if (aead_open(out + 5, p + h, n - h - AEAD_TAG, p + n - AEAD_TAG, p,
	    h, key, nonce) == -1)
		fz_bug("-k: command 0x%02x of %zu bytes does not open", p[0],
		    n);
	out[0] = p[0] & ~(SEAL_FLAG | SEAL_SALTED);
	memcpy(out + 1, p + 1, 4);
	return n - h + 5 - AEAD_TAG;
}

/*
 * The packet p (n bytes) sealed into out as source src seals it (to the
 * client's status socket: tosock); returns its length.
 */
size_t
fz_seal(struct fz *f, unsigned src, int tosock, const uint8_t *p, size_t n,
    uint8_t *out)
{
	const uint8_t *key, *salt = NULL;
	uint8_t nonce[AEAD_NONCE];
	size_t h = SEAL_HDR;
	uint64_t ctr;

	if (n < 5)
		return 0;
	if (f->server) {
		src %= FZ_PEERS;
		key = f->kc[src];
		salt = f->psalt[src];
	} else {
		src = 0;
		key = f->ks;
		if (p[0] == R1_PING)
			salt = f->psalt[0];
		else if (tosock)
			salt = f->rsalt;
	}
	ctr = f->pctr[src]++;
	out[0] = p[0] | SEAL_FLAG | (salt != NULL ? SEAL_SALTED : 0);
	memcpy(out + 1, p + 1, 4);
	put64(out + 5, ctr);
	if (salt != NULL) {
		memcpy(out + h, salt, SEAL_SALT);
		h += SEAL_SALT;
	}
	nonce_of(nonce, ctr);
	aead_seal(out + h, out + h + n - 5, p + 5, n - 5, out, h, key, nonce);
	return h + n - 5 + AEAD_TAG;
}
