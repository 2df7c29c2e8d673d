#!/bin/sh
# Rev. 0's -1 (single-ack) mode: one chosen client acknowledges each block,
# the other two only report errors; all three get the stream byte-exact.
# The server (-v) names the client it chose; the shim (no faults, counts
# only) counts the datagrams each client sent: the chosen one at least
# one a block (its CM_RXOK), the others less than one for every 10 blocks
# (CM_PONG, CM_READY, CM_DONE: without -1 they too would answer every
# block).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((1024 * 1024 + 777))
rev 0
SHIM=NPSHIM_LOSS=0
for c in c1 c2 c3; do
	client "$c"
done
addr_of c1
a1=$ADDR
addr_of c2
a2=$ADDR
addr_of c3
a3=$ADDR
server s "$T/in" -n 3 -1 -v
wait_for 120 s || fail "the transfer timed out"
wait_for 15 c1 c2 c3 || fail "a client did not exit after the server"
expect_rc s 0
for c in c1 c2 c3; do
	expect_rc "$c" 0
	same "$T/in" "$T/$c.out"
done
grep -v 'ignored .* in the last second' "$T/s.err"
cat "$T/shim.log"

blocks=$(sed -n 's/^netpipe: end of transaction after \([0-9]*\) blocks$/\1/p' "$T/s.err")
[ "${blocks:-0}" -ge 100 ] ||
    fail "the server (-v) did not say it sent 100 blocks or more"
[ "$(grep -c ' acknowledges for all$' "$T/s.err")" -eq 1 ] ||
    fail "the server (-v) did not choose one client, once"
chosen=$(sed -n 's/^netpipe: client \(.*\) acknowledges for all$/\1/p' "$T/s.err")

# acks NAME ADDR: NAME, at ADDR, sent one datagram a block if it was
# chosen, else fewer than one for every 10 blocks.
nchosen=0
acks() {
	n=$(sed -n "s/^npshim pid=$(pid "$1") sent=\([0-9]*\) .*/\1/p" "$T/shim.log")
	[ -n "$n" ] || fail "no count of $1's datagrams (pid $(pid "$1")) in the shim's log"
	echo "$1 ($2) sent $n datagrams for $blocks blocks"
	if [ "$2" = "$chosen" ]; then
		nchosen=$((nchosen + 1))
		[ "$n" -ge "$blocks" ] ||
		    fail "the chosen client $1 ($2) sent $n datagrams for $blocks blocks"
	else
		[ $((n * 10)) -lt "$blocks" ] ||
		    fail "$1 ($2), not chosen, sent $n datagrams for $blocks blocks: it acknowledged blocks"
	fi
}
acks c1 "$a1"
acks c2 "$a2"
acks c3 "$a3"
[ $nchosen -eq 1 ] || fail "the chosen client $chosen is none of c1 $a1, c2 $a2, c3 $a3"
pass
