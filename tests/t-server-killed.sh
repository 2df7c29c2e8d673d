#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# The server killed (SIGKILL) mid-stream: its 3 clients (-t 2) exit 1
# within the timeout + 2 s, saying that the stream is incomplete, with a
# prefix of the stream.  The time from the kill to the last client's exit
# is printed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((4 * 1024 * 1024))

t() {
	feed "$T/in" $((1024 * 1024))
	client c1 -t 2
	client c2 -t 2
	client c3 -t 2
	server s "$T/fifo" -n 3
	for c in c1 c2 c3; do
		wait_size "$T/$c.out" 1 30 || fail "$c got nothing within 30 s"
	done
	t0=$(now_ms)
	kill -9 "$(pid s)"
	wait_for 4 c1 c2 c3 || fail "a client did not give up within 4 s"
	el=0
	for c in c1 c2 c3; do
		e=$(($(exit_ms "$c") - t0))
		[ "$e" -gt "$el" ] && el=$e
	done
	for c in c1 c2 c3; do
		expect_rc "$c" 1
		[ "$(size "$T/$c.out")" -lt "$(size "$T/in")" ] || fail "$c has the whole stream?"
		prefix_of "$T/in" "$T/$c.out"
		grep -q incomplete "$T/$c.err" ||
		    fail "$c does not say that the stream is incomplete"
	done
	echo "clients gave up after $el ms (exit $(rc c1) $(rc c2) $(rc c3))"
	measured "SIGKILL to the last client's exit (-t 2)" "$el"
	tail -n 1 "$T/c1.err"
}

each_rev t
pass
