#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# A client whose standard output is closed early (netpipe -c | head -c 1M):
# its next write fails with EPIPE, it tells the server and exits 1 saying
# so; the server drops it at once (long before its -t 20), the other
# client gets the stream byte-exact, the server exits 3, and what head
# got is the first MiB of the stream exactly.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((4 * 1024 * 1024))
MIB=$((1024 * 1024))

t() {
	rm -f "$T/c2.out" "$T/head.out" "$T/head.done"
	mkfifo "$T/c2.out" || fail "mkfifo"
	# The reader first: the client's stdout is the fifo's other end.
	(
		head -c "$MIB" <"$T/c2.out" >"$T/head.out"
		now_ms >"$T/head.done"
	) &
	BGPIDS="$BGPIDS $!"
	client c1 -t 20
	client c2 -t 20
	server s "$T/in" -n 2 -t 20
	wait_file "$T/head.done" 60 || fail "head did not get its MiB in 60 s"
	t0=$(cat "$T/head.done")
	t1=$(wait_grep 30 "$T/s.err" "dropped: ") ||
	    fail "the server did not drop the client within 30 s of head's exit"
	wait_for 60 s c1 c2 || fail "the transfer did not end"
	expect_rc s 3
	expect_rc c1 0
	expect_rc c2 1
	same "$T/in" "$T/c1.out"
	head -c "$MIB" "$T/in" >"$T/in.head"
	same "$T/in.head" "$T/head.out"
	grep -q "stdout: Broken pipe" "$T/c2.err" ||
	    fail "the client does not say that its output broke"
	grep -q "dropped: failed: Broken pipe" "$T/s.err" ||
	    fail "the server does not say why it dropped the client"
	el=$((t1 - t0))
	[ "$el" -lt 10000 ] ||
	    fail "the server dropped the client $el ms after head exited (-t 20): not at once"
	measured "head exit to the server's drop (-t 20)" "$el"
	cat "$T/c2.err" "$T/s.err"
}

each_rev t
pass
