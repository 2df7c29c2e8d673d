#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Root only: the namespace LAN of t-ns-lan.sh, where nftables drops at
# random 2% of the data coming into every client and 2% of the status
# coming into the server: 64 MiB broadcast to 4 clients, byte-exact, all
# exit 0.  Rev. 0 (stop and wait: each lost datagram costs a repeat
# timeout) gets 8 MiB of it, which takes it about as long.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
command -v nft >/dev/null || skip "needs nft (nftables)"
lan s c1 c2 c3 c4
makedata "$T/in" $((64 * 1024 * 1024))
head -c $((8 * 1024 * 1024)) "$T/in" >"$T/in8"

# drops: the datagrams the rules dropped, over all hosts.
drops() {
	for c in s c1 c2 c3 c4; do
		ip netns exec "$LANPFX$c" nft list table inet np |
		    sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
	done | awk '{ s += $1 } END { print s + 0 }'
}

t() {
	if [ "$REVFLAG" = -0 ]; then in=$T/in8; else in=$T/in; fi
	want=$(sha256sum <"$in")
	mib=$(($(size "$in") / 1024 / 1024))
	PORT=$(pick_port "${LANPFX}s") || fail "no free port"
	for h in s c1 c2 c3 c4; do
		if [ "$h" = s ]; then p=$((PORT + 1)); else p=$PORT; fi
		cat >"$T/loss.nft" <<NFT
table inet np
delete table inet np
table inet np {
	chain in {
		type filter hook input priority 0; policy accept;
		udp dport $p numgen random mod 100 < 2 counter drop
	}
}
NFT
		ip netns exec "$LANPFX$h" nft -f "$T/loss.nft" ||
		    skip "nft cannot load rules here (no nf_tables in the kernel?)"
	done
	for c in c1 c2 c3 c4; do
		# shellcheck disable=SC2086
		ns_run "$c" "$c" /dev/null "$NETPIPE" -c $REVFLAG -i eth0 -p "$PORT"
	done
	t0=$(now_ms)
	# shellcheck disable=SC2086
	ns_run s s "$in" "$NETPIPE" -s $REVFLAG -i eth0 -n 4 -p "$PORT"
	wait_for 120 s || fail "the transfer did not end within 120 s"
	el=$(($(now_ms) - t0))
	expect_rc s 0
	wait_for 15 c1 c2 c3 c4 || fail "a client did not exit after the server"
	for c in c1 c2 c3 c4; do
		expect_rc "$c" 0
		[ "$(sha256sum <"$T/$c.out")" = "$want" ] ||
		    fail "$c's output ($(size "$T/$c.out") bytes) differs from the input"
		rm -f "$T/$c.out"
	done
	# The rules must have dropped something, or this tested nothing.
	n=$(drops)
	[ "$n" -gt 0 ] || fail "nftables dropped nothing"
	cat "$T/s.err"
	echo "$mib MiB to 4 clients with 2% loss in $el ms; nftables dropped $n datagrams"
}

each_rev t
pass
