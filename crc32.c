/*
 * netpipe: crc32.c: the CRC-32 of every packet, and of the stream, through
 * zlib.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>
#include <zlib.h>

#include "netpipe.h"

/* zlib's crc32() (the IEEE 802.3 polynomial) over len bytes at p. */
uint32_t
np_crc32(const uint8_t *p, size_t len)
{
	return crc32_z(crc32_z(0L, Z_NULL, 0), p, len);
}

/* Set up joins whose second part is usually B bytes long: a block. */
void
crc_join_init(struct crcjoin *j, size_t B)
{
	j->B = B;
	j->opB = crc32_combine_gen((z_off_t)B);
}

/*
 * The CRC-32 of X || Y from a = CRC(X), b = CRC(Y) and len = |Y|: by the
 * operator for B made once (crc_join_init), or, for a short last block,
 * the general way.
 */
uint32_t
crc_join(const struct crcjoin *j, uint32_t a, uint32_t b, size_t len)
{
	if (len == j->B)
		return (uint32_t)crc32_combine_op(a, b, j->opB);
	return (uint32_t)crc32_combine(a, b, (z_off_t)len);
}
