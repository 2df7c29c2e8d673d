#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Source-specific multicast (any user where the kernel gives one a
# network namespace: own_netns, a veth pair), IPv4 (232.0.0.0/8) and IPv6
# (ff3x::/32): a client with --source, the server's address, joins the
# channel (source, group) and gets the stream byte-exact; a client whose
# --source names another host hears nothing of it (the server, waiting
# for 2 with -w 2, starts with the one).  An SSM group without --source,
# or --source with another group, is a usage error (exit 2).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

own_netns
own_link
makedata "$T/in" $((512 * 1024 + 3))

# channel GROUP SOURCE OTHER: the server on v0 to GROUP; client c1 with
# --source SOURCE, client c2 with --source OTHER.
channel() {
	new_port
	# shellcheck disable=SC2086
	bg_run c1 /dev/null "$NETPIPE" -c $REVFLAG -i v0 -m "$1" --source "$2" -p "$PORT"
	# shellcheck disable=SC2086
	bg_run c2 /dev/null "$NETPIPE" -c $REVFLAG -i v0 -m "$1" --source "$3" -p "$PORT"
	wait_grep 10 "$T/c2.err" 'waiting for a server' >/dev/null ||
	    fail "c2 did not start: $(cat "$T/c2.err")"
	# shellcheck disable=SC2086
	bg_run s "$T/in" "$NETPIPE" -s $REVFLAG -i v0 -m "$1" -n 2 -w 2 -p "$PORT"
	wait_for 60 s c1 || fail "channel ($2, $1): timed out"
	expect_rc s 0
	expect_rc c1 0
	same "$T/in" "$T/c1.out"
	grep -q 'joined (1 of 2)' "$T/s.err" || fail "no client joined the server"
	! grep -q 'joined (2 of 2)' "$T/s.err" ||
	    fail "the client with --source $3 answered a server at $2"
	running c2 || fail "the client with --source $3 exited: $(cat "$T/c2.err")"
	[ "$(size "$T/c2.out")" -eq 0 ] || fail "the client with --source $3 got data"
	kill "$(pid c2)"
	wait_for 10 c2
}

t() {
	channel "232.42.$(($(rand16) % 250)).1" 10.42.0.1 10.42.0.9
	channel "ff35::4e50:$(printf %x "$(rand16)")" fd42::1 fd42::9

	for bad in "-m 232.1.2.3" "-m ff35::1" "-m 239.1.2.3 --source 10.42.0.1" \
	    "-m ff15::1 --source fd42::1" "-m 232.1.2.3 --source fd42::1"; do
		# shellcheck disable=SC2086
		bg_run u /dev/null "$NETPIPE" -c $REVFLAG -i v0 $bad -p "$PORT"
		wait_for 10 u || fail "netpipe -c $bad did not exit"
		expect_rc u 2
		[ "$(grep -c '^netpipe: ' "$T/u.err")" -eq 1 ] ||
		    fail "netpipe -c $bad: not one line: $(cat "$T/u.err")"
	done
}

each_rev t
pass
