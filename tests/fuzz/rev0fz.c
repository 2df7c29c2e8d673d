/*
 * netpipe: tests/fuzz/rev0fz.c: rev0.c as it is, for the fuzz harness.
 *
 * The whole of rev0.c is compiled here, unchanged, so that the harness
 * can reach its static state: fz_rev0_reset() frees and zeroes it
 * between inputs, as a new process would start.  Standard input is the
 * harness's (fz_read, in fuzz.c).  A new pointer in struct server or
 * struct kstate must be freed here too, or the fuzzer reports a leak.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t	 fz_read(int, void *, size_t);
#define read	fz_read

#include "../../rev0.c"

#include "fuzz.h"

void
fz_rev0_reset(void)
{
	free(srv.cl);
	free(srv.in);
	memset(&srv, 0, sizeof(srv));
	memset(&cli, 0, sizeof(cli));
}
