#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# IPv6 multicast, any user where the kernel gives one a network
# namespace (own_netns: IPv6 multicast does not loop back over lo), on a
# veth pair: a site-scope group (ff15::) to 3 clients; a link-local
# group (ff02::) with -i, and without -i a usage error; and, with no -m
# or -u on an IPv6-only interface, the all-nodes group ff02::1 to a
# client without -m.  Each byte-exact, in each protocol revision.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

own_netns
own_link
makedata "$T/in" $((1024 * 1024 + 5))

t() {
	g=ff15::4e50:$(printf %x "$(rand16)")
	for c in c1 c2 c3; do
		# shellcheck disable=SC2086
		bg_run "$c" /dev/null "$NETPIPE" -c $REVFLAG -i v0 -m "$g" -p "$PORT"
	done
	# shellcheck disable=SC2086
	bg_run s "$T/in" "$NETPIPE" -s $REVFLAG -i v0 -m "$g" -n 3 -p "$PORT"
	wait_for 60 s c1 c2 c3 || fail "site-scope group $g: timed out"
	for p in s c1 c2 c3; do expect_rc "$p" 0; done
	for c in c1 c2 c3; do same "$T/in" "$T/$c.out"; done
	grep -q 'client \[fd42::1\]:[0-9]* joined (3 of 3)' "$T/s.err" ||
	    fail "the clients did not answer over IPv6 from fd42::1"

	new_port
	g=ff02::4e50:$(printf %x "$(rand16)")
	# shellcheck disable=SC2086
	bg_run c1 /dev/null "$NETPIPE" -c $REVFLAG -i v0 -m "$g" -p "$PORT"
	# shellcheck disable=SC2086
	bg_run s "$T/in" "$NETPIPE" -s $REVFLAG -i v0 -m "$g" -p "$PORT"
	wait_for 60 s c1 || fail "link-local group $g: timed out"
	expect_rc s 0
	expect_rc c1 0
	same "$T/in" "$T/c1.out"
	# shellcheck disable=SC2086
	bg_run u /dev/null "$NETPIPE" -s $REVFLAG -m "$g" -p "$PORT"
	wait_for 10 u || fail "a link-local group without -i did not exit"
	expect_rc u 2
	grep -q 'a link-local group needs -i' "$T/u.err" ||
	    fail "no word of -i for a link-local group: $(cat "$T/u.err")"

	new_port
	# shellcheck disable=SC2086
	bg_run c1 /dev/null "$NETPIPE" -c $REVFLAG -p "$PORT"
	# shellcheck disable=SC2086
	bg_run s "$T/in" "$NETPIPE" -s $REVFLAG -i v1 -p "$PORT"
	wait_for 60 s c1 || fail "no -m on an IPv6-only interface: timed out"
	expect_rc s 0
	expect_rc c1 0
	same "$T/in" "$T/c1.out"
	grep -q '\[ff02::1%v1\]:'"$PORT" "$T/s.err" ||
	    fail "the server did not send to ff02::1 on v1: $(head -n 3 "$T/s.err")"
}

each_rev t
pass
