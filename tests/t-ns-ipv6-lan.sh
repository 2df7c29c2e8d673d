#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Root only: an IPv6-only LAN of namespaces (a bridge, a server and 3
# clients, fd00:231:77::/64, no IPv4), where nftables drops at random 1%
# of the UDP coming into every host: the server sends without -m or -u
# (to ff02::1 on eth0), to a site-scope group (-m ff15::), and to one
# client (-u); each client gets the stream byte-exact, all exit 0, in
# each protocol revision (Rev. 0, stop and wait, a quarter of it).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
command -v nft >/dev/null || skip "needs nft (nftables)"
LANFAM=6 lan s c1 c2 c3
makedata "$T/in" $((16 * 1024 * 1024))
head -c $((4 * 1024 * 1024)) "$T/in" >"$T/in4"

# loss PORT: 1% of the UDP to PORT (clients) and PORT+1 (server) dropped.
loss() {
	for h in s c1 c2 c3; do
		if [ "$h" = s ]; then p=$(($1 + 1)); else p=$1; fi
		cat >"$T/loss.nft" <<EOF
table inet np
delete table inet np
table inet np {
	chain in {
		type filter hook input priority 0; policy accept;
		meta nfproto ipv6 udp dport $p numgen random mod 100 < 1 counter drop
	}
}
EOF
		ip netns exec "$LANPFX$h" nft -f "$T/loss.nft" ||
		    skip "nft cannot load rules here (no nf_tables in the kernel?)"
	done
}

# drops: the datagrams the rules dropped, over all hosts.
drops() {
	for h in s c1 c2 c3; do
		ip netns exec "$LANPFX$h" nft list table inet np |
		    sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
	done | awk '{ s += $1 } END { print s + 0 }'
}

# run HOW CLIENTS...: the server with HOW's options to the clients.
run() {
	how=$1
	shift
	PORT=$(pick_port "${LANPFX}s") || fail "no free port"
	loss "$PORT"
	case $how in
	mcast)	g=ff15::4e50:$(printf %x "$(rand16)"); sopt="-m $g"; copt="-m $g" ;;
	unicast) sopt="-u fd00:231:77::2"; copt= ;;
	*)	sopt='' copt='' ;;
	esac
	for c in "$@"; do
		# shellcheck disable=SC2086
		ns_run "$c" "$c" /dev/null "$NETPIPE" -c $REVFLAG -i eth0 $copt -p "$PORT"
	done
	t0=$(now_ms)
	# shellcheck disable=SC2086
	ns_run s s "$in" "$NETPIPE" -s $REVFLAG -i eth0 $sopt -n $# -p "$PORT"
	wait_for 120 s || fail "$how: the transfer did not end within 120 s"
	el=$(($(now_ms) - t0))
	expect_rc s 0
	# shellcheck disable=SC2068
	wait_for 15 $@ || fail "$how: a client did not exit after the server"
	for c in "$@"; do
		expect_rc "$c" 0
		same "$in" "$T/$c.out"
		rm -f "$T/$c.out"
	done
	# From fd00:231:77::2.. or, once theirs are ready, link-local.
	[ "$(grep -c 'client \[[0-9a-f:]*\(%eth0\)\{0,1\}\]:[0-9]*: done' "$T/s.err")" -eq $# ] ||
	    fail "$how: the clients did not answer over IPv6"
	n=$(drops)
	[ "$n" -gt 0 ] || fail "$how: nftables dropped nothing"
	echo "$how: $(($(size "$in") / 1024 / 1024)) MiB to $# clients with 1% loss in $el ms; nftables dropped $n datagrams"
}

t() {
	if [ "$REVFLAG" = -0 ]; then in=$T/in4; else in=$T/in; fi
	run default c1 c2 c3
	grep -q '\[ff02::1%eth0\]' "$T/s.err" || fail "without -m the server did not send to ff02::1"
	run mcast c1 c2 c3
	run unicast c1
}

each_rev t
pass
