#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# -w with no client at all: a server with -w 1 and nobody to answer on
# loopback multicast exits 1 once the wait is over, within a few seconds,
# saying that no client answered (it used to wait for ever, and a script
# with it).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

t() {
	t0=$(now_ms)
	server s /dev/zero -n 2 -w 1
	wait_for 10 s || fail "the server with -w 1 and no client did not exit within 10 s"
	el=$(($(exit_ms s) - t0))
	expect_rc s 1
	grep -q 'no client answered within 1 s (-w), giving up' "$T/s.err" ||
	    fail "the server did not say that no client answered: $(cat "$T/s.err")"
	[ "$el" -ge 900 ] || fail "the server gave up after $el ms, before -w 1 was over"
	measured "-w 1, no client: the server's exit" "$el"
}

each_rev t
pass
