#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# A client stopped (SIGSTOP) mid-stream is dropped after the timeout (-t 2)
# while the others finish byte-exact (server exit 3, naming it); continued
# afterwards (SIGCONT), it must not carry on as if nothing happened: it
# exits non-zero saying it was dropped or that its stream is incomplete
# (with a big socket buffer the rest may well have reached it whole), and
# what it wrote is a prefix of the stream.  The times from SIGSTOP to the
# drop (within the timeout and 3 s to spare) and from SIGCONT to the exit
# are printed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((2 * 1024 * 1024))

t() {
	feed "$T/in" $((256 * 1024))
	client c1 -t 2
	client c2 -t 2
	client c3 -t 2
	server s "$T/fifo" -n 3 -t 2
	wait_size "$T/c1.out" 1 30 || fail "c1 got nothing within 30 s"
	kill -STOP "$(pid c2)"
	t0=$(now_ms)
	release
	t1=$(wait_grep 10 "$T/s.err" "dropped") ||
	    fail "the stopped client was not dropped in 10 s"
	el=$((t1 - t0))
	[ "$el" -le 5000 ] || fail "the stopped client was dropped after $el ms (-t 2)"
	measured "SIGSTOP to the server's drop (-t 2)" "$el"
	wait_for 60 s c1 c3 || fail "the others did not finish"
	expect_rc s 3
	expect_rc c1 0
	expect_rc c3 0
	same "$T/in" "$T/c1.out"
	same "$T/in" "$T/c3.out"
	grep -q "client 127.0.0.1:[0-9]*: dropped after" "$T/s.err" ||
	    fail "the server's summary does not name the dropped client"
	t0=$(now_ms)
	kill -CONT "$(pid c2)"
	wait_for 10 c2 || fail "the continued client did not exit"
	[ "$(rc c2)" != 0 ] || fail "the continued client exited 0"
	grep -q -E "dropped|incomplete" "$T/c2.err" ||
	    fail "the continued client did not say it was dropped"
	prefix_of "$T/in" "$T/c2.out"
	measured "SIGCONT to the dropped client's exit" "$(($(exit_ms c2) - t0))"
	tail -n 1 "$T/c2.err"
}

each_rev t
pass
