#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# SIGINT to the server mid-stream: it tells the clients and exits 1; they
# exit 1 at once (long before their -t 20), saying the server aborted and
# the stream is incomplete, with a prefix of the stream.  The time from
# the SIGINT to the last exit is printed.
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
	t0=$(now_ms)
	kill -INT "$(pid s)"
	wait_for 5 s c1 c2 c3 || fail "not all exited within 5 s of the SIGINT (-t 20)"
	el=$(($(now_ms) - t0))
	expect_rc s 1
	for c in c1 c2 c3; do
		expect_rc "$c" 1
		grep -q abort "$T/$c.err" || fail "$c does not say the server aborted"
		grep -q incomplete "$T/$c.err" ||
		    fail "$c does not say that the stream is incomplete"
		prefix_of "$T/in" "$T/$c.out"
	done
	echo "all done $el ms after the SIGINT"
	measured "SIGINT to the last client's exit (-t 20)" "$el"
	cat "$T/c1.err"
}

each_rev t
pass
