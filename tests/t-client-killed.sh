#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# A client killed (SIGKILL) mid-stream: the server drops it after its
# timeout (-t 2), the other two get the stream byte-exact, the server exits
# 3 and names the dropped client on stderr.  The time from the kill to the
# drop is printed; it must be within the timeout and 3 s to spare.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((4 * 1024 * 1024))

t() {
	feed "$T/in" $((1024 * 1024))
	client c1
	client c2
	client c3
	server s "$T/fifo" -n 3 -t 2
	for c in c1 c2 c3; do
		wait_size "$T/$c.out" 1 30 || fail "$c got nothing within 30 s"
	done
	victim=$(status_port c2)
	echo "c2's status port: ${victim:-unknown}"
	kill -9 "$(pid c2)"
	t0=$(now_ms)
	release
	t1=$(wait_grep 30 "$T/s.err" "dropped: ") ||
	    fail "the server did not drop the killed client within 30 s"
	wait_for 60 s s c1 c3 || fail "the transfer did not end"
	expect_rc s 3
	expect_rc c1 0
	expect_rc c3 0
	same "$T/in" "$T/c1.out"
	same "$T/in" "$T/c3.out"
	grep -q 'drop' "$T/s.err" || fail "the server's stderr does not tell of a dropped client"
	if [ -n "$victim" ]; then
		grep "127.0.0.1:$victim" "$T/s.err" | grep -q drop ||
		    fail "the server's stderr does not name 127.0.0.1:$victim as dropped"
	fi
	for c in c1 c3; do
		p=$(status_port "$c" || true)
		if [ -n "$p" ] && grep "127.0.0.1:$p" "$T/s.err" | grep -q drop; then
			fail "the server says $c (127.0.0.1:$p) was dropped"
		fi
	done
	el=$((t1 - t0))
	[ "$el" -le 5000 ] || fail "the killed client was dropped after $el ms (-t 2)"
	measured "SIGKILL to the server's drop (-t 2)" "$el"
	cat "$T/s.err"
}

each_rev t
pass
