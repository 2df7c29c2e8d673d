#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# SIGINT to one of 3 clients mid-stream: it tells the server and exits 1;
# the server drops it at once (long before its -t 20), the others get the
# stream byte-exact, and the server exits 3.  The time from the SIGINT to
# the drop is printed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((4 * 1024 * 1024))

t() {
	feed "$T/in" $((1024 * 1024))
	client c1 -t 20
	client c2 -t 20
	client c3 -t 20
	server s "$T/fifo" -n 3 -t 20
	for c in c1 c2 c3; do
		wait_size "$T/$c.out" 1 30 || fail "$c got nothing within 30 s"
	done
	victim=$(status_port c2)
	t0=$(now_ms)
	kill -INT "$(pid c2)"
	t1=$(wait_grep 10 "$T/s.err" "dropped: ") ||
	    fail "the server did not drop the client within 10 s of its SIGINT"
	wait_for 5 c2 || fail "the client did not exit within 5 s of SIGINT"
	expect_rc c2 1
	prefix_of "$T/in" "$T/c2.out"
	release
	wait_for 60 s c1 c3 || fail "the transfer did not end"
	el=$(($(now_ms) - t0))
	expect_rc s 3
	expect_rc c1 0
	expect_rc c3 0
	same "$T/in" "$T/c1.out"
	same "$T/in" "$T/c3.out"
	[ "$el" -lt 10000 ] || fail "the server took $el ms to finish after the client's SIGINT (-t 20)"
	if [ -n "$victim" ]; then
		grep "127.0.0.1:$victim" "$T/s.err" | grep -q drop ||
		    fail "the server's stderr does not name 127.0.0.1:$victim as dropped"
	fi
	echo "server done $el ms after the SIGINT"
	measured "SIGINT to the server's drop (-t 20)" "$((t1 - t0))"
	cat "$T/s.err"
}

each_rev t
pass
