#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# The server's IPv6 source address is fixed at its start (any user where
# the kernel gives one a network namespace: own_netns).  IPv6 picks a
# source per packet, and the pick changes when an address comes (a
# link-local one once its duplicate detection is over): here v0 starts
# without a link-local address, so the server sends to a link-local group
# from fd42::1, and one is added in the middle of the stream, which the
# kernel would now prefer.  The clients, who know the server by its
# address, must still get the stream byte-exact.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

own_netns
own_link
makedata "$T/in" $((2 * 1024 * 1024))

t() {
	ip -6 addr flush dev v0 scope link
	g=ff02::4e50:$(printf %x "$(rand16)")
	feed "$T/in" $((256 * 1024))
	for c in c1 c2; do
		# shellcheck disable=SC2086
		bg_run "$c" /dev/null "$NETPIPE" -c $REVFLAG -i v0 -m "$g" -p "$PORT" -t 3
	done
	# shellcheck disable=SC2086
	bg_run s "$T/fifo" "$NETPIPE" -s $REVFLAG -i v0 -m "$g" -n 2 -p "$PORT" -t 3
	wait_size "$T/c1.out" $((128 * 1024)) 30 || fail "the transfer did not start"
	grep -q 'answering server \[fd42::1\]' "$T/c1.err" ||
	    fail "the server did not send from fd42::1: $(cat "$T/c1.err")"
	ip -6 addr add fe80::42/64 dev v0 nodad || fail "ip addr add fe80::42"
	release
	wait_for 60 s c1 c2 || fail "the transfer did not end within 60 s"
	expect_rc s 0
	for c in c1 c2; do
		expect_rc "$c" 0
		same "$T/in" "$T/$c.out"
	done
}

each_rev t
pass
