/*
 * netpipe: seal.h: the shared key (-k): the AEAD (aead.c) and the layer
 * that seals and opens every Rev. 1 datagram (seal.c).  netpipe.h comes
 * first.  PROTOCOL.txt 11 describes the sealed form.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SEAL_H
#define SEAL_H

#include <stddef.h>
#include <stdint.h>

#define AEAD_KEY	32
#define AEAD_NONCE	12
#define AEAD_TAG	16

/*
 * A sealed Rev. 1 datagram (PROTOCOL.txt 11.2).  The packet's own bytes
 * after its session id (its fields and its CRC) are encrypted; what is
 * in clear is authenticated as the AEAD's associated data:
 *
 *   0:cmd|0x80 1:session 5:counter(8)                      to the group
 *   0:cmd|0xC0 1:session 5:counter(8) 13:salt(16)          salted
 *   then the ciphertext (as long as the packet less 5 bytes), tag(16)
 *
 * The salt is the server's own in its R1_PING, the client's in every
 * packet of a client and in every packet the server sends to one client.
 */
#define SEAL_FLAG	0x80		/* on the command byte: sealed */
#define SEAL_SALTED	0x40		/* and a salt follows the counter */
#define SEAL_SALT	16
#define SEAL_HDR	13		/* cmd, session, counter */
#define SEAL_OVER	(SEAL_HDR - 5 + AEAD_TAG)	/* 24: data packet */
#define SEAL_MAX_OVER	(SEAL_OVER + SEAL_SALT)	/* 40: ping, client */
#define DEF_BLOCK1_KEY	(DEF_BLOCK1 - SEAL_OVER)	/* 1431 */
#define MAX_BLOCK1_KEY	(MAX_BLOCK1 - SEAL_OVER)

struct seal;

/* aead.c */
void		 chacha_quarter(uint32_t *, uint32_t *, uint32_t *, uint32_t *);
const char	*chacha_impl(void);
void		 chacha20_block(uint8_t *, const uint8_t *, uint32_t,
		    const uint8_t *);
void		 chacha20_xor(uint8_t *, const uint8_t *, size_t,
		    const uint8_t *, uint32_t, const uint8_t *);
void		 hchacha20(uint8_t *, const uint8_t *, const uint8_t *);
void		 poly1305(uint8_t *, const uint8_t *, size_t, const uint8_t *);
void		 poly1305_keygen(uint8_t *, const uint8_t *, const uint8_t *);
int		 aead_equal(const uint8_t *, const uint8_t *, size_t);
void		 aead_seal(uint8_t *, uint8_t *, const uint8_t *, size_t,
		    const uint8_t *, size_t, const uint8_t *, const uint8_t *);
int		 aead_open(uint8_t *, const uint8_t *, size_t, const uint8_t *,
		    const uint8_t *, size_t, const uint8_t *, const uint8_t *);

/* seal.c */
void		 seal_readkey(const char *, uint8_t *);
void		 seal_genkey(const char *);
struct seal	*seal_new(const uint8_t *, int, const struct io *,
		    struct np *);
const struct io	*seal_io(struct seal *);
void		 seal_packet(struct seal *, const struct role *, struct np *,
		    uint8_t *, size_t, const union addr *, uint64_t);
ssize_t		 seal_open(struct seal *, uint8_t *, size_t,
		    const union addr *, uint64_t, uint8_t **);
void		 seal_free(struct seal *);

#endif /* SEAL_H */
