#!/bin/sh
# shellcheck disable=SC2317 # the cases are called through each_rev
# Root only: datagrams too big for the way, in each protocol revision.
# The server never fragments; it must say in one line what did not fit
# and what would, tell its clients, and exit 1, rather than stall.
#
#  1. A router on the way with a smaller MTU: server (MTU 9000) - router
#     (9000 | 1500) - client (1500), unicast (-u) without -b.  The
#     server's blocks follow its 9000 bytes; the router drops them and
#     says so by ICMP; the next send fails: "datagrams of 9000 bytes do
#     not fit the path MTU of 1500 to 10.231.79.2:P: use -b 1455 or less"
#     (1459 with -0; P the data port, or the client's own when the send
#     that failed was a repeat to it alone), server and client exit 1.  Run again, the server
#     takes the path MTU it has learnt (1455-byte blocks, -v) and the
#     copy is byte-exact.
#  2. The server's own link shrinks under it (a LAN at 9000, broadcast,
#     the server's eth0 set to 1500 mid-stream): the same message, to
#     the broadcast address; the client's output is a prefix.
#  3. -b too big for the interface: an error before anything is sent.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root

# router N: namespaces ${LANPFX}rN{s,r,c} (apart from lan's): s
# 10.231.78.1 (eth0, MTU 9000) - r 10.231.78.254 (left, 9000) and
# 10.231.79.254 (right, 1500, forwarding) - c 10.231.79.2 (eth0, 1500).
router() {
	S=${LANPFX}r${1}s R=${LANPFX}r${1}r C=${LANPFX}r${1}c
	for _ns in "$S" "$R" "$C"; do
		ip netns add "$_ns" || fail "ip netns add $_ns"
		NAMESPACES="$NAMESPACES $_ns"
		ip -n "$_ns" link set lo up
	done
	ip -n "$S" link add name eth0 mtu 9000 type veth peer name left \
	    mtu 9000 netns "$R" || fail "veth s-r"
	ip -n "$C" link add name eth0 type veth peer name right netns "$R" ||
	    fail "veth r-c"
	ip -n "$S" addr add 10.231.78.1/24 dev eth0
	ip -n "$R" addr add 10.231.78.254/24 dev left
	ip -n "$R" addr add 10.231.79.254/24 dev right
	ip -n "$C" addr add 10.231.79.2/24 dev eth0
	ip -n "$S" link set eth0 up
	ip -n "$R" link set left up
	ip -n "$R" link set right up
	ip -n "$C" link set eth0 up
	ip -n "$S" route add default via 10.231.78.254 || fail "route in s"
	ip -n "$C" route add default via 10.231.79.254 || fail "route in c"
	ip netns exec "$R" sysctl -q -w net.ipv4.ip_forward=1 ||
	    fail "forwarding in r"
	for _l in "$S eth0" "$R left" "$R right" "$C eth0"; do
		# shellcheck disable=SC2086 # namespace and link
		set -- $_l
		_i=0
		while ! ip -n "$1" link show "$2" | grep -q 'state UP'; do
			[ $_i -lt 100 ] || fail "$2 in $1 did not come up"
			sleep 0.05
			_i=$((_i + 1))
		done
	done
}

# fits: the block that fills 1500 bytes in this revision.
fits() {
	if [ -n "$REVFLAG" ]; then echo 1459; else echo 1455; fi
}

NROUTER=0
routed() {
	NROUTER=$((NROUTER + 1))
	router "$NROUTER"
	PORT=$(pick_port "$S") || fail "no free port"
	# shellcheck disable=SC2086
	bg_run c "$T/null" ip netns exec "$C" "$NETPIPE" -c $REVFLAG -p "$PORT"
	# shellcheck disable=SC2086
	bg_run s "$T/in" ip netns exec "$S" "$NETPIPE" -s -v $REVFLAG \
	    -u 10.231.79.2 -p "$PORT" -t 10
	wait_for 30 s || fail "the server did not give up within 30 s"
	wait_for 15 c || fail "the client did not exit after the server"
	grep '^netpipe: block size\|fit' "$T/s.err"
	# To the data port, or to the client's own (a repeat to it alone).
	msg="netpipe: datagrams of 9000 bytes do not fit the path MTU of 1500 to 10\.231\.79\.2:[0-9]+: use -b $(fits) or less"
	grep -q -x -E "$msg" "$T/s.err" || fail "the server did not say: $msg"
	expect_rc s 1
	expect_rc c 1
	grep -q "^netpipe: server 10.231.78.1:$((PORT + 1)) failed (Message too long); the stream is incomplete" \
	    "$T/c.err" || fail "the client did not say that the server failed"
	prefix_of "$T/in" "$T/c.out"

	# Again: the path MTU is known now.
	PORT=$(pick_port "$S") || fail "no free port"
	# shellcheck disable=SC2086
	bg_run c "$T/null" ip netns exec "$C" "$NETPIPE" -c $REVFLAG -p "$PORT"
	# shellcheck disable=SC2086
	bg_run s "$T/in" ip netns exec "$S" "$NETPIPE" -s -v $REVFLAG \
	    -u 10.231.79.2 -p "$PORT"
	wait_for 60 s || fail "the second transfer did not end within 60 s"
	wait_for 15 c || fail "the client did not exit after the server"
	grep '^netpipe: block size' "$T/s.err"
	grep -q "^netpipe: block size $(fits) bytes, for the 1500-byte MTU of the route to 10.231.79.2\$" \
	    "$T/s.err" || fail "the second server did not take the path MTU"
	expect_rc s 0
	expect_rc c 0
	same "$T/in" "$T/c.out"
	echo "router ok"
}

shrunk() {
	lan_mtu 9000 s
	PORT=$(pick_port "${LANPFX}s") || fail "no free port"
	feed "$T/in" 1048576
	# shellcheck disable=SC2086
	ns_run c c1 /dev/null "$NETPIPE" -c $REVFLAG -i eth0 -p "$PORT"
	# shellcheck disable=SC2086
	ns_run s s "$T/fifo" "$NETPIPE" -s $REVFLAG -i eth0 -p "$PORT" -t 10
	# The whole blocks of the first MiB (a server waits for a whole one).
	wait_size "$T/c.out" 1000000 30 || fail "the first MiB did not arrive"
	ip -n "${LANPFX}s" link set eth0 mtu 1500 || fail "MTU 1500 in s"
	release
	wait_for 30 s || fail "the server did not give up within 30 s"
	wait_for 15 c || fail "the client did not exit after the server"
	grep 'fit' "$T/s.err"
	msg="netpipe: datagrams of 9000 bytes do not fit the path MTU of 1500 to 10.231.77.255:$PORT: use -b $(fits) or less"
	grep -q -x -F "$msg" "$T/s.err" || fail "the server did not say: $msg"
	expect_rc s 1
	expect_rc c 1
	prefix_of "$T/in" "$T/c.out"
	echo "shrunk ok"

	# -b too big for eth0 (now 1500): refused before anything is sent.
	# shellcheck disable=SC2086
	ns_run s s "$T/in" "$NETPIPE" -s $REVFLAG -i eth0 -p "$PORT" -b 8000
	wait_for 10 s || fail "the server with -b 8000 did not exit"
	expect_rc s 1
	over=$((8000 + 1500 - $(fits)))
	msg="netpipe: datagrams of $over bytes do not fit the 1500-byte MTU of eth0: use -b $(fits) or less"
	grep -x -F "$msg" "$T/s.err" || fail "the server did not say: $msg"
}

: >"$T/null"
makedata "$T/in" $((4 * 1024 * 1024))
each_rev routed
lan -mtu 9000 s c1
each_rev shrunk
pass
