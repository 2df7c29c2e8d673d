#!/bin/sh
# Root only: the namespace LAN of t-ns-lan.sh, but the switch's ports to
# the clients carry 200 Mbit/s (tbf, a 20 ms queue) while the server's
# own port is unshaped: nothing holds the server back but its rate
# control.  32 MiB to 4 clients, Rev. 1 (Rev. 0 waits for every
# acknowledgement and has no rate to control): byte-exact, all exit 0,
# the rate came down below 400 Mbit/s, and the repeats and parity blocks
# stay under half the stream.  A server that kept its starting 1 Gbit/s
# would have four packets in five dropped at those ports and repeat the
# stream several times over.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
command -v tc >/dev/null || skip "needs tc (iproute2)"
lan s c1 c2 c3 c4
for c in c1 c2 c3 c4; do
	tc -n "${LANPFX}br" qdisc add dev "p$c" root tbf rate 200mbit burst 32kb \
	    limit 192kb || skip "tc cannot add a tbf qdisc here"
done
makedata "$T/in" $((32 * 1024 * 1024))

PORT=$(pick_port "${LANPFX}s") || fail "no free port"
for c in c1 c2 c3 c4; do
	ns_run "$c" "$c" /dev/null "$NETPIPE" -c -i eth0 -p "$PORT"
done
ns_run s s "$T/in" "$NETPIPE" -s -v -i eth0 -n 4 -p "$PORT"
wait_for 120 s || fail "the transfer did not end within 120 s"
expect_rc s 0
wait_for 15 c1 c2 c3 c4 || fail "a client did not exit after the server"
for c in c1 c2 c3 c4; do
	expect_rc "$c" 0
	same "$T/in" "$T/$c.out"
done
grep -E '^netpipe: (loss|sent)' "$T/s.err"
low=$(sed -n 's/^netpipe: loss .* rate \([0-9]*\) Mbit\/s$/\1/p' "$T/s.err" |
    sort -n | head -n 1)
[ -n "$low" ] || fail "the server reported no loss and no rate"
[ "$low" -lt 400 ] || fail "the rate never came below 400 Mbit/s (lowest $low)"
# Repeats and parity blocks (parity on demand) alike.
rtx=$(sed -n 's/^netpipe: sent .*, \([0-9]*\)\.[0-9]*% repeated, \([0-9]*\)\.[0-9]*% parity$/\1 \2/p' "$T/s.err" |
    awk '{ print $1 + $2 }')
[ -n "$rtx" ] || fail "no summary line from the server"
[ "$rtx" -lt 50 ] || fail "$rtx% of the stream repeated or parity: the link was flooded"
echo "measured: lowest rate $low Mbit/s, $rtx% repeated or parity"
pass
