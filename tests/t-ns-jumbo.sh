#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Root only: jumbo frames.  A namespace LAN (a bridge, a server, 3
# clients) with a 9000-byte MTU on every link; the server broadcasts on
# -i eth0 without -b, in each protocol revision.  Its block must follow
# the MTU (-v: 8955 bytes, 8959 with -0: 9000 less 20 IP, 8 UDP and 17
# or 13 of netpipe), the datagrams on the wire must fill it (an nft
# counter in c1 counts the IP datagrams of exactly 9000 bytes to the
# data port: one for every whole block of the stream at least), and
# every copy must be byte-exact.  Then the same LAN at 1500 bytes: the
# default stays 1455 (1459 with -0), and the datagrams fill 1500.  The
# server's eth0 takes no GSO train whole (gso_max_segs 1): the kernel
# cuts each into its datagrams before the veth, as a NIC would on the
# wire, and the counter sees them one by one.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
command -v nft >/dev/null || skip "needs nft (nftables) to count datagrams"
lan -mtu 9000 s c1 c2 c3
ip -n "${LANPFX}s" link set dev eth0 gso_max_segs 1 ||
    skip "ip cannot set gso_max_segs here"
makedata "$T/in" $((16 * 1024 * 1024))

# count MTU: a new nft counter in c1 of the IP datagrams of MTU bytes
# to the data port.
count() {
	ip netns exec "${LANPFX}c1" nft delete table inet npjumbo 2>/dev/null
	printf '%s\n' "table inet npjumbo {" "chain in {" \
	    "type filter hook input priority 0;" \
	    "ip length $1 udp dport $PORT counter" "}" "}" |
	    ip netns exec "${LANPFX}c1" nft -f - || fail "nft cannot count here"
}

# counted: the counter's packets.
counted() {
	ip netns exec "${LANPFX}c1" nft list table inet npjumbo |
	    sed -n 's/.*counter packets \([0-9]*\) .*/\1/p'
}

# t MTU BLOCK BLOCK0: one transfer; the block -v names must be BLOCK
# (BLOCK0 with -0), and c1 must take in a datagram of MTU bytes for
# every whole block.
t() {
	want=$2
	[ -n "$REVFLAG" ] && want=$3
	PORT=$(pick_port "${LANPFX}s") || fail "no free port"
	count "$1"
	for c in c1 c2 c3; do
		# shellcheck disable=SC2086
		ns_run "$c" "$c" /dev/null "$NETPIPE" -c $REVFLAG -i eth0 -p "$PORT"
	done
	# shellcheck disable=SC2086
	ns_run s s "$T/in" "$NETPIPE" -s -v $REVFLAG -i eth0 -n 3 -p "$PORT"
	wait_for 120 s || fail "the transfer did not end within 120 s"
	expect_rc s 0
	wait_for 15 c1 c2 c3 || fail "a client did not exit after the server"
	for c in c1 c2 c3; do
		expect_rc "$c" 0
		same "$T/in" "$T/$c.out"
		rm -f "$T/$c.out"
	done
	grep '^netpipe: block size' "$T/s.err"
	grep -q "^netpipe: block size $want bytes, for the $1-byte MTU of eth0\$" \
	    "$T/s.err" || fail "the server did not choose $want-byte blocks at MTU $1"
	n=$(counted)
	whole=$(($(size "$T/in") / want))
	echo "MTU $1: c1 took in $n datagrams of $1 bytes; the stream has $whole whole blocks"
	if [ -z "$n" ] || [ "$n" -lt "$whole" ]; then
		fail "MTU $1: ${n:-no} datagrams of $1 bytes, not $whole or more"
	fi
}

jumbo() {
	t 9000 8955 8959
}

ether() {
	t 1500 1455 1459
}

each_rev jumbo
lan_mtu 1500 s c1 c2 c3
each_rev ether
pass
