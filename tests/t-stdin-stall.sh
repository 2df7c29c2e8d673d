#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Standard input that stalls for longer than the timeout (-t 1, a 3 s
# pause mid-stream, as when a slow producer feeds the pipe) must not end
# the transfer: byte-exact, all exit 0.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((512 * 1024))

t() {
	feed "$T/in" $((128 * 1024))
	client c1 -t 1
	client c2 -t 1
	server s "$T/fifo" -n 2 -t 1
	wait_size "$T/c1.out" 1 30 || fail "c1 got nothing within 30 s"
	# The stall itself is the stimulus: 3 s of nothing on stdin.
	sleep 3
	running s || fail "the server gave up while stdin stalled"
	running c1 || fail "c1 gave up while stdin stalled"
	release
	wait_for 60 s c1 c2 || fail "the transfer did not end"
	expect_rc s 0
	expect_rc c1 0
	expect_rc c2 0
	same "$T/in" "$T/c1.out"
	same "$T/in" "$T/c2.out"
}

each_rev t
pass
