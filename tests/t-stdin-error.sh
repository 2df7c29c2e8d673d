#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# A read error on the server's standard input mid-stream (tests/shim.so,
# NPSHIM_RDERR: EIO after 1 MiB, as from a failing disk): the server says
# so, tells the clients and exits 1; the clients exit 1 at once (long
# before their -t 20), saying the server failed and the stream is
# incomplete, and what they wrote is a prefix of the stream.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((4 * 1024 * 1024))

t() {
	client c1 -t 20
	client c2 -t 20
	SHIM="NPSHIM_RDERR=$((1024 * 1024))"
	server s "$T/in" -n 2 -t 20
	SHIM=
	wait_for 60 s || fail "the server did not stop"
	wait_for 30 c1 c2 || fail "the clients did not stop within 30 s of the server"
	expect_rc s 1
	grep -q "stdin: Input/output error" "$T/s.err" ||
	    fail "the server does not say that its input failed"
	grep -q "rderr=[1-9]" "$T/shim.log" || fail "the shim injected no read error"
	for c in c1 c2; do
		expect_rc "$c" 1
		grep "failed (Input/output error)" "$T/$c.err" | grep -q incomplete ||
		    fail "$c does not say the server failed and its stream is incomplete"
		prefix_of "$T/in" "$T/$c.out"
		[ "$(size "$T/$c.out")" -le $((1024 * 1024)) ] ||
		    fail "$c wrote more than the server read"
	done
	el=$(($(exit_ms c2) - $(exit_ms s)))
	el1=$(($(exit_ms c1) - $(exit_ms s)))
	[ "$el1" -gt "$el" ] && el=$el1
	[ "$el" -lt 10000 ] ||
	    fail "a client exited $el ms after the server (-t 20): it was not told"
	measured "server's exit to the last client's exit (-t 20)" "$el"
	cat "$T/shim.log" "$T/s.err" "$T/c1.err"
}

each_rev t
pass
