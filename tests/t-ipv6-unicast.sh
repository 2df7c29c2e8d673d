#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# IPv6, any user: the server sends with -u ::1 to a client without -m
# (which hears both families on one socket); the stream arrives
# byte-exact, the client answers over IPv6 ([::1]:port in the server's
# summary and --stats), and the default block leaves room for IPv6's
# 40-byte header: 1435 bytes (1439 with -0), 20 less than over IPv4.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

grep -q "^0\{31\}1 " /proc/net/if_inet6 2>/dev/null || skip "no IPv6 loopback address (::1) here"
makedata "$T/in" $((512 * 1024 + 7))

t() {
	if [ "$REVFLAG" = -0 ]; then want=1439; else want=1435; fi
	# shellcheck disable=SC2086
	bg_run c1 /dev/null "$NETPIPE" -c $REVFLAG -p "$PORT"
	# shellcheck disable=SC2086
	bg_run s "$T/in" "$NETPIPE" -s $REVFLAG -v -u ::1 -p "$PORT" --stats "$T/s.json"
	wait_for 60 s c1 || fail "IPv6 unicast transfer timed out"
	expect_rc s 0
	expect_rc c1 0
	same "$T/in" "$T/c1.out"
	grep -q "block size $want bytes" "$T/s.err" ||
	    fail "the default block over IPv6 is not $want bytes: $(grep 'block size' "$T/s.err")"
	grep -q 'client \[::1\]:[0-9]*: done' "$T/s.err" ||
	    fail "the server's summary does not name the client [::1]:port"
	grep -q '"destination":"\[::1\]:'"$PORT"'"' "$T/s.json" ||
	    fail "--stats has not the destination [::1]:$PORT: $(cat "$T/s.json")"
	grep -q 'answering server \[::1\]:'"$((PORT + 1))" "$T/c1.err" ||
	    fail "the client does not name the server [::1]:$((PORT + 1))"
}

each_rev t
pass
