#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# A client that starts after the transfer began is not let in: it writes
# nothing (it is refused and exits non-zero, or waits), and the transfer to
# the admitted client is unaffected (server exit 0, byte-exact).  The time
# from its start to its exit is printed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((4 * 1024 * 1024))

t() {
	feed "$T/in" $((1024 * 1024))
	client c1 -t 30
	server s "$T/fifo" -n 1 -t 30
	wait_size "$T/c1.out" 1 30 || fail "c1 got nothing within 30 s"
	t0=$(now_ms)
	client late
	# Once its sockets are open, let the rest of the stream flow past it.
	i=0
	while running late && [ -z "$(status_port late)" ] && [ "$i" -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	release
	wait_for 60 s s c1 || fail "the transfer did not end"
	expect_rc s 0
	expect_rc c1 0
	same "$T/in" "$T/c1.out"
	# It may still be waiting for a server of its own: that is fine.
	i=0
	while running late && [ "$i" -lt 60 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if running late; then
		echo "the late client is still waiting (fine); stopping it"
		kill -9 "$(pid late)"
	else
		[ "$(rc late)" != 0 ] || fail "the late client exited 0"
		echo "the late client exited $(rc late)"
		measured "late client's start to its exit" "$(($(exit_ms late) - t0))"
	fi
	[ "$(size "$T/late.out")" -eq 0 ] ||
	    fail "the late client wrote $(size "$T/late.out") bytes"
	cat "$T/late.err"
}

each_rev t
pass
