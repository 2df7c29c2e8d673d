#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# -v names the events: each client that joins (with its round trip), the
# repeats (Rev. 1: the parity blocks its decoding clients get instead;
# summed once a second, under 5% injected loss) and the junk a client
# ignores (tests/junk at its data port, summed once a second).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

JUNK=$NETPIPE_TOP/tests/junk
[ -x "$JUNK" ] || fail "$JUNK is not built (make check builds it)"
makedata "$T/in" $((3 * 1024 * 1024))
SHIM_CLIENT="NPSHIM_LOSS=0.05 NPSHIM_DIR=recv"

t() {
	rate=
	[ -n "$REVFLAG" ] || rate="-r 8M"	# Rev. 1: about 3 s
	feed "$T/in" $((1024 * 1024))
	client c1 -v
	client c2 -v
	# shellcheck disable=SC2086
	server s "$T/fifo" -n 2 -v $rate
	for c in c1 c2; do
		wait_size "$T/$c.out" 1 30 || fail "$c got nothing within 30 s"
	done
	"$JUNK" -s 7 -i 127.0.0.1 "$GROUP" "$PORT" 500 || fail "junk failed"
	# The stream waits until the client has summed up the junk.
	wait_grep 3 "$T/c1.err" 'ignored .* in the last second' >/dev/null || :
	release
	wait_for 90 s c1 c2 || fail "the transfer did not end"
	expect_rc s 0
	expect_rc c1 0
	expect_rc c2 0
	same "$T/in" "$T/c1.out"
	grep -E 'joined|repeated|parity|ignored' "$T/s.err" "$T/c1.err"
	[ "$(grep -c -E '^netpipe: client 127\.0\.0\.1:[0-9]+ joined \([12] of 2\), round trip [0-9.]+ ms$' "$T/s.err")" -eq 2 ] ||
	    fail "the server did not name both clients joining"
	sum='^netpipe: repeated [0-9]+ blocks in the last second$'
	[ -n "$REVFLAG" ] ||
	    sum='^netpipe: sent [0-9]+ parity blocks in the last second$'
	grep -q -E "$sum" "$T/s.err" || fail "-v did not report repeats or parity"
	grep -q -E '^netpipe: ignored [0-9]+ malformed and [0-9]+ foreign datagrams in the last second$' "$T/c1.err" ||
	    fail "-v did not report the junk"
}

each_rev t
pass
