#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# -u: the server sends to one host (127.0.0.1) instead of a group or the
# broadcast address; the client (no -m) gets the stream byte-exact.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((256 * 1024 + 3))

t() {
	# shellcheck disable=SC2086
	bg_run c1 /dev/null "$NETPIPE" -c $REVFLAG -i lo -p "$PORT"
	# shellcheck disable=SC2086
	bg_run s "$T/in" "$NETPIPE" -s $REVFLAG -i lo -u 127.0.0.1 -p "$PORT"
	wait_for 60 s c1 || fail "unicast transfer timed out"
	expect_rc s 0
	expect_rc c1 0
	same "$T/in" "$T/c1.out"
}

each_rev t
pass
