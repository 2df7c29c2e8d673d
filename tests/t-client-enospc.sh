#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# A client whose stdout fails (/dev/full: ENOSPC) tells the server and exits
# 1; the server drops it at once (long before its -t 20), the other client
# gets the stream byte-exact, and the server exits 3.  The time from the
# client's exit to the server's drop is printed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

[ -c /dev/full ] || skip "no /dev/full"
makedata "$T/in" $((1024 * 1024))

t() {
	rm -f "$T/c2.out"
	ln -s /dev/full "$T/c2.out"
	client c1 -t 20
	client c2 -t 20
	t0=$(now_ms)
	server s "$T/in" -n 2 -t 20
	t1=$(wait_grep 60 "$T/s.err" "dropped: ") ||
	    fail "the server did not drop the client within 60 s"
	wait_for 60 s c1 c2 || fail "the transfer did not end"
	el=$(($(now_ms) - t0))
	expect_rc s 3
	expect_rc c1 0
	expect_rc c2 1
	same "$T/in" "$T/c1.out"
	[ "$el" -lt 10000 ] || fail "the transfer took $el ms (-t 20): the failed client was not dropped at once"
	grep -q drop "$T/s.err" || fail "the server's stderr does not tell of a dropped client"
	echo "done after $el ms"
	measured "client's exit to the server's drop (-t 20)" "$((t1 - $(exit_ms c2)))"
	cat "$T/c2.err" "$T/s.err"
}

each_rev t
pass
