/*
 * netpipe: crc32.c: the CRC-32 of every packet, through zlib.
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
