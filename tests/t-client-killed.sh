#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# A client killed (SIGKILL) mid-stream: the server drops it after its
# timeout (-t 2), the other two get the stream byte-exact, the server exits
# 3 and names the dropped client, and only it, on stderr: one "dropped:"
# line and, in the summary, that client dropped and the other two done
# with every byte (their addresses read from ss while they run).  The
# time from the kill to the drop is printed; it must be within the
# timeout and 3 s to spare.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

SIZE=$((4 * 1024 * 1024))
makedata "$T/in" $SIZE

t() {
	feed "$T/in" $((1024 * 1024))
	client c1
	client c2
	client c3
	server s "$T/fifo" -n 3 -t 2
	for c in c1 c2 c3; do
		wait_size "$T/$c.out" 1 30 || fail "$c got nothing within 30 s"
	done
	addr_of c1
	a1=$ADDR
	addr_of c2
	victim=$ADDR
	addr_of c3
	a3=$ADDR
	echo "c1 $a1, c2 (killed) $victim, c3 $a3"
	kill -9 "$(pid c2)"
	t0=$(now_ms)
	release
	t1=$(wait_grep 30 "$T/s.err" "dropped: ") ||
	    fail "the server did not drop the killed client within 30 s"
	wait_for 60 s s c1 c3 || fail "the transfer did not end"
	cat "$T/s.err"
	expect_rc s 3
	expect_rc c1 0
	expect_rc c3 0
	same "$T/in" "$T/c1.out"
	same "$T/in" "$T/c3.out"
	# The drop as it happened, and the summary: the victim and only it.
	[ "$(grep -c 'dropped: ' "$T/s.err")" -eq 1 ] ||
	    fail "not one \"dropped:\" line on the server's stderr"
	grep -q -x "netpipe: client $victim dropped: timed out after 2 s" "$T/s.err" ||
	    fail "the server's stderr does not say that $victim (c2) was dropped"
	grep -q -x -E "netpipe: client $victim: dropped after [0-9]+ bytes: timed out after 2 s" "$T/s.err" ||
	    fail "the summary does not name $victim (c2) as dropped"
	for a in "$a1" "$a3"; do
		grep -q -x -E "netpipe: client $a: done, $SIZE bytes, round trip [0-9.]+ ms" "$T/s.err" ||
		    fail "the summary does not name $a as done with $SIZE bytes"
	done
	[ "$(grep -c -E '^netpipe: client [0-9.:]+: (done|dropped)' "$T/s.err")" -eq 3 ] ||
	    fail "not 3 client lines in the summary"
	el=$((t1 - t0))
	[ "$el" -le 5000 ] || fail "the killed client was dropped after $el ms (-t 2)"
	measured "SIGKILL to the server's drop (-t 2)" "$el"
}

each_rev t
pass
