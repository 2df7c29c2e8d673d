#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# -w: a server waiting for 3 clients with -w 2 starts after 2 s with the one
# that answered; that one gets the stream byte-exact; the server exits 0.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((64 * 1024))

t() {
	client c1
	t0=$(now_ms)
	server s "$T/in" -n 3 -w 2
	wait_for 60 s s c1 || fail "transfer with -w timed out"
	el=$(($(now_ms) - t0))
	expect_rc s 0
	expect_rc c1 0
	same "$T/in" "$T/c1.out"
	[ "$el" -ge 1500 ] || fail "the server did not wait for the others (done after $el ms)"
	echo "done after $el ms"
}

each_rev t
pass
