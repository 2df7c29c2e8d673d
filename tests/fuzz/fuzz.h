/*
 * netpipe: tests/fuzz/fuzz.h: what the fuzz harness's files share.
 *
 * The harness runs the real roles (rev0.c, rev1.c) in the real event
 * loop (netpipe.c's run()) on a fake clock, a fake transport (fakenet.c
 * in place of net.c) and a fake standard input and output.  README in
 * this directory describes the input format and the seams.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FUZZ_H
#define FUZZ_H

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#define FZ_FD		100		/* the role's socket (net.fd) */
#define FZ_UFD		101		/* a client's status socket (net.ufd) */

/* The state of one run, reset before each input. */
struct fz {
	int		 rev;		/* 0 or 1 */
	int		 server;	/* the role under test is a server */
	uint64_t	 clock;		/* µs, what now_us() says */

	/* A datagram on its way: delivered by net_recvbatch(). */
	uint8_t		*dg;		/* malloc'd, exactly dglen bytes */
	size_t		 dglen, dgseg;
	int		 dgfd;
	struct sockaddr_in dgfrom;

	/* What the role sent: its session id and its last ping stamp. */
	uint32_t	 session;
	int		 session_known;
	uint8_t		 stamp[8];
	int		 stamp_known;
	uint64_t	 sent;		/* datagrams sent */
};

extern struct fz fz;

/* fuzz.c */
void		 fz_bug(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

/* fakenet.c */
void		 fz_net_reset(void);

/* rev0fz.c, rev1fz.c: free and zero the role's static state. */
void		 fz_rev0_reset(void);
void		 fz_rev1_reset(void);

#endif /* FUZZ_H */
