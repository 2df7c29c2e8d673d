#!/bin/sh
# t-shim: the fault shim (tests/shim.so) really loses, duplicates,
# corrupts and reorders datagrams, and does so repeatably by seed.
# A helper compiled here sends 10000 numbered datagrams over 127.0.0.1
# through the shim and reports what arrived.

top=${NETPIPE_TOP:-$(dirname "$0")/..}
top=$(cd "$top" && pwd) || exit 1
shim=$top/tests/shim.so
cc=${CC:-cc}
n=10000

fail() {
	echo "t-shim: FAIL: $*"
	exit 1
}

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "SKIP: no C compiler ($cc) for the helper"
	exit 77
fi
if [ ! -f "$shim" ]; then
	"$cc" -O2 -g -Wall -Wextra -fPIC -shared -o "$shim" \
	    "$top/tests/shim.c" -ldl || fail "cannot build $shim"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t-shim.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

cat > "$tmp/shimt.c" <<'EOF'
/* shimt: sends n numbered datagrams over 127.0.0.1, reports what came */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT	103
#endif
#define DLEN	64	/* bytes per datagram: index x3, then a pattern */
#define BATCH	8	/* datagrams per sendmmsg, recvmmsg, GSO buffer */

static const char	*sapi = "sendto", *rapi = "recvfrom";
static int		 r, s, n = 10000;
static struct sockaddr_in ra, sa;
static FILE		*out;
static unsigned char	*seen;
static long		 nrecv, ndistinct, nclean, nonebyte, nother, ninv;
static long		 nsrcbad, maxidx = -1;

static void
fill(unsigned char *p, uint32_t i)
{
	int	 j;

	for (j = 0; j < 12; j++)
		p[j] = i >> (24 - 8 * (j % 4));
	for (j = 12; j < DLEN; j++)
		p[j] = i * 31 + j;
}

/* The index, by majority of its three copies: one bad byte is fine. */
static long
index3(const unsigned char *p)
{
	uint32_t	 v[3];
	int		 k;

	for (k = 0; k < 3; k++)
		v[k] = (uint32_t)p[4 * k] << 24 | p[4 * k + 1] << 16 |
		    p[4 * k + 2] << 8 | p[4 * k + 3];
	if (v[0] == v[1] || v[0] == v[2])
		return v[0];
	return v[1] == v[2] ? (long)v[1] : -1;
}

static void
got(const unsigned char *p, ssize_t len, const struct sockaddr_in *from)
{
	unsigned char	 want[DLEN];
	long		 i;
	int		 j, d;

	nrecv++;
	if (from != NULL && (from->sin_port != sa.sin_port ||
	    from->sin_addr.s_addr != sa.sin_addr.s_addr))
		nsrcbad++;
	if (len != DLEN || (i = index3(p)) < 0 || i >= n) {
		nother++;
		return;
	}
	fill(want, i);
	for (d = j = 0; j < DLEN; j++)
		d += p[j] != want[j];
	if (d == 0)
		nclean++;
	else if (d == 1)
		nonebyte++;
	else
		nother++;
	if (!seen[i]++)
		ndistinct++;
	if (i < maxidx)
		ninv++;
	else
		maxidx = i;
	if (out != NULL)
		fprintf(out, "%ld\n", i);
}

/* Reads what is there without waiting; returns how many. */
static int
drain(void)
{
	unsigned char		 buf[BATCH][DLEN + 16];
	struct sockaddr_in	 from[BATCH];
	struct mmsghdr		 mm[BATCH];
	struct iovec		 iov[BATCH];
	socklen_t		 fl;
	ssize_t			 k;
	int			 c = 0, i;

	memset(mm, 0, sizeof(mm));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	for (;;) {
		for (i = 0; i < BATCH; i++) {
			mm[i].msg_hdr.msg_name = &from[i];
			mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		fl = sizeof(from[0]);
		if (strcmp(rapi, "recvfrom") == 0)
			k = recvfrom(r, buf[0], sizeof(buf[0]), MSG_DONTWAIT,
			    (struct sockaddr *)&from[0], &fl);
		else if (strcmp(rapi, "recv") == 0)
			k = recv(r, buf[0], sizeof(buf[0]), MSG_DONTWAIT);
		else if (strcmp(rapi, "recvmsg") == 0)
			k = recvmsg(r, &mm[0].msg_hdr, MSG_DONTWAIT);
		else if ((k = recvmmsg(r, mm, BATCH, MSG_DONTWAIT, NULL)) > 0) {
			for (i = 0; i < k; i++)
				got(buf[i], mm[i].msg_len, &from[i]);
			c += k;
			continue;
		}
		if (k == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return c;
			perror("shimt: receive");
			exit(2);
		}
		got(buf[0], k, strcmp(rapi, "recv") == 0 ? NULL : &from[0]);
		c++;
	}
}

static void
sendn(uint32_t i0, int cnt)
{
	unsigned char	 buf[BATCH][DLEN];
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(uint16_t))];
	} ctl;
	struct mmsghdr	 mm[BATCH];
	struct iovec	 iov[BATCH];
	struct msghdr	 m;
	struct cmsghdr	*c;
	uint16_t	 gso = DLEN;
	int		 i, ok;

	for (i = 0; i < cnt; i++)
		fill(buf[i], i0 + i);
	memset(&m, 0, sizeof(m));
	m.msg_name = &ra;
	m.msg_namelen = sizeof(ra);
	m.msg_iov = iov;
	if (strcmp(sapi, "sendto") == 0)
		ok = sendto(s, buf[0], DLEN, 0, (struct sockaddr *)&ra,
		    sizeof(ra)) == DLEN;
	else if (strcmp(sapi, "send") == 0)
		ok = send(s, buf[0], DLEN, 0) == DLEN;
	else if (strcmp(sapi, "sendmsg") == 0) {
		iov[0].iov_base = buf[0];	/* in two pieces */
		iov[0].iov_len = 20;
		iov[1].iov_base = buf[0] + 20;
		iov[1].iov_len = DLEN - 20;
		m.msg_iovlen = 2;
		ok = sendmsg(s, &m, 0) == DLEN;
	} else if (strcmp(sapi, "sendmmsg") == 0) {
		memset(mm, 0, sizeof(mm));
		for (i = 0; i < cnt; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = DLEN;
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			mm[i].msg_hdr.msg_name = &ra;
			mm[i].msg_hdr.msg_namelen = sizeof(ra);
		}
		ok = sendmmsg(s, mm, cnt, 0) == cnt;
	} else {	/* gso: one buffer, the kernel cuts it up */
		iov[0].iov_base = buf;
		iov[0].iov_len = cnt * DLEN;
		m.msg_iovlen = 1;
		m.msg_control = ctl.buf;
		m.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(gso));
		memcpy(CMSG_DATA(c), &gso, sizeof(gso));
		ok = sendmsg(s, &m, 0) == cnt * DLEN;
	}
	if (!ok) {
		perror("shimt: send");
		exit(2);
	}
}

int
main(int argc, char *argv[])
{
	struct pollfd	 pfd;
	socklen_t	 len;
	int		 ch, i, b, bufsz = 1 << 22;

	while ((ch = getopt(argc, argv, "n:o:r:s:")) != -1)
		switch (ch) {
		case 'n':
			n = atoi(optarg);
			break;
		case 'o':
			if ((out = fopen(optarg, "w")) == NULL) {
				perror(optarg);
				return 2;
			}
			break;
		case 'r':
			rapi = optarg;
			break;
		case 's':
			sapi = optarg;
			break;
		default:
			return 2;
		}
	if (n < 1 || (seen = calloc(n, 1)) == NULL)
		return 2;
	b = strcmp(sapi, "sendmmsg") == 0 || strcmp(sapi, "gso") == 0 ?
	    BATCH : 1;
	memset(&ra, 0, sizeof(ra));
	ra.sin_family = AF_INET;
	ra.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa = ra;
	if ((r = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    (s = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    setsockopt(r, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz)) ||
	    bind(r, (struct sockaddr *)&ra, sizeof(ra)) == -1 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    getsockname(r, (struct sockaddr *)&ra, (len = sizeof(ra), &len)) ||
	    getsockname(s, (struct sockaddr *)&sa, (len = sizeof(sa), &len)) ||
	    connect(s, (struct sockaddr *)&ra, sizeof(ra)) == -1) {
		perror("shimt: socket");
		return 2;
	}
	for (i = 0; i < n; i += b) {
		sendn(i, n - i < b ? n - i : b);
		drain();
	}
	/* held datagrams come out at the first call after 50 ms */
	pfd.fd = r;
	pfd.events = POLLIN;
	do
		drain();
	while (poll(&pfd, 1, 100) != 0 || drain() != 0);
	if (out != NULL && fclose(out) != 0)
		return 2;
	printf("recv=%ld distinct=%ld clean=%ld onebyte=%ld other=%ld "
	    "inversions=%ld srcbad=%ld\n", nrecv, ndistinct, nclean, nonebyte,
	    nother, ninv, nsrcbad);
	return 0;
}
EOF
"$cc" -O2 -o "$tmp/shimt" "$tmp/shimt.c" 2>"$tmp/cc.err" ||
    fail "cannot compile the helper: $(head -n 1 "$tmp/cc.err")"

# run WHAT [NPSHIM_X=v ...] -- [helper options]: leaves its report in $res
run() {
	what=$1
	shift
	res=$(env "$@" 2>"$tmp/err") ||
	    fail "$what: helper failed: $(head -n 1 "$tmp/err")"
}

# get NAME: a number from the last report
get() {
	echo " $res" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"
}

# within WHAT NAME LO HI
within() {
	v=$(get "$2")
	[ -n "$v" ] && [ "$v" -ge "$3" ] && [ "$v" -le "$4" ] ||
	    fail "$1: $2=$v, want $3..$4 ($res)"
}

# equal WHAT NAME VALUE
equal() {
	within "$1" "$2" "$3" "$3"
}

shimt="$tmp/shimt -n $n"
pre=LD_PRELOAD=$shim

run "no faults" $pre $shimt
equal "no faults" recv $n
equal "no faults" clean $n

run "loss" $pre NPSHIM_LOSS=0.1 NPSHIM_SEED=7 NPSHIM_LOG="$tmp/log" \
    $shimt -o "$tmp/got1"
within "loss" recv 8500 9500
got=$(get recv)
equal "loss" distinct "$got"
equal "loss" clean "$got"
want="sent=$n recv=$got lost=$((n - got)) dup=0 corrupt=0 reordered=0"
grep -q "^npshim pid=[0-9]* $want\$" "$tmp/log" ||
    fail "loss: NPSHIM_LOG has \"$(cat "$tmp/log")\", want lost=$((n - got))"
run "loss again" $pre NPSHIM_LOSS=0.1 NPSHIM_SEED=7 $shimt -o "$tmp/got2"
cmp -s "$tmp/got1" "$tmp/got2" ||
    fail "loss: seed 7 lost other datagrams the second time"
run "loss, seed 8" $pre NPSHIM_LOSS=0.1 NPSHIM_SEED=8 $shimt -o "$tmp/got3"
cmp -s "$tmp/got1" "$tmp/got3" &&
    fail "loss: seeds 7 and 8 lost the same datagrams"

run "dup" $pre NPSHIM_DUP=0.1 $shimt
within "dup" recv 10500 11500
equal "dup" distinct $n
equal "dup" clean "$(get recv)"

run "corrupt" $pre NPSHIM_CORRUPT=1 $shimt -s sendmsg
equal "corrupt" recv $n
equal "corrupt" onebyte $n

run "reorder" $pre NPSHIM_REORDER=0.1 $shimt
equal "reorder" distinct $n
within "reorder" inversions 500 1500

run "sendmmsg loss" $pre NPSHIM_LOSS=0.1 $shimt -s sendmmsg
within "sendmmsg loss" recv 8500 9500

run "recv loss" $pre NPSHIM_DIR=recv NPSHIM_LOSS=0.1 $shimt -r recvmmsg
within "recv loss" recv 8500 9500
equal "recv loss" srcbad 0

run "recv dup, reorder, corrupt" $pre NPSHIM_DIR=recv NPSHIM_DUP=0.3 \
    NPSHIM_REORDER=0.3 NPSHIM_CORRUPT=1 $shimt -r recvmsg
equal "recv dup, reorder, corrupt" distinct $n
equal "recv dup, reorder, corrupt" onebyte "$(get recv)"
equal "recv dup, reorder, corrupt" srcbad 0
within "recv dup, reorder, corrupt" recv 11000 13000
within "recv dup, reorder, corrupt" inversions 1000 5000

# GSO, if the kernel has it: every segment is a datagram of its own
if env $shimt -s gso >/dev/null 2>&1; then
	run "gso corrupt" $pre NPSHIM_CORRUPT=1 $shimt -s gso
	equal "gso corrupt" onebyte $n
fi

run "bad value" $pre NPSHIM_LOSS=0.1x $shimt
equal "bad value" recv $n
grep -q "^npshim: bad NPSHIM_LOSS\$" "$tmp/err" ||
    fail "bad value: no warning on stderr"

exit 0
