#!/bin/sh
# Root only: --min-rate with a slow link, not a slow disk.  The namespace
# LAN of t-ns-lan.sh with the switch's port to c3 shaped to 20 Mbit/s
# (tbf) and the others unshaped: the rate would follow c3 (PROTOCOL.txt
# 10.8), so c3 is never behind by its output; with --min-rate 100M it is
# left behind (10.9) and dropped with the message, c1 and c2 get the
# stream byte-exact and exit 0, the server exits 3, and the transfer
# takes less than the 20 Mbit/s port would need.  Without --min-rate
# the room follows c3 and all three finish byte-exact.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
command -v tc >/dev/null || skip "needs tc (iproute2)"
lan s c1 c2 c3
tc -n "${LANPFX}br" qdisc add dev pc3 root tbf rate 20mbit burst 32kb \
    limit 128kb || skip "tc cannot add a tbf qdisc here"
SIZE=$((24 * 1024 * 1024))
makedata "$T/in" $SIZE

# run ARGS...: one transfer, the server with ARGS.
run() {
	PORT=$(pick_port "${LANPFX}s") || fail "no free port"
	for c in c1 c2 c3; do
		ns_run "$c" "$c" /dev/null "$NETPIPE" -c -i eth0 -p "$PORT"
	done
	ns_run s s "$T/in" "$NETPIPE" -s -v -i eth0 -n 3 -p "$PORT" "$@"
	wait_for 120 s || fail "the transfer did not end within 120 s"
	wait_for 20 c1 c2 c3 || fail "a client did not exit after the server"
}

start=$(date +%s%N)
run --min-rate 100M -t 3
took=$((($(date +%s%N) - start) / 1000000))
expect_rc s 3
expect_rc c1 0
expect_rc c2 0
expect_rc c3 1
same "$T/in" "$T/c1.out"
same "$T/in" "$T/c2.out"
grep -E 'dropped: output .* below --min-rate 100 Mbit/s' "$T/s.err" ||
    fail "the server did not drop c3 for --min-rate"
grep -c 'dropped:' "$T/s.err" | grep -qx 1 || fail "more than c3 was dropped"
grep 'dropped this client' "$T/c3.err" || fail "c3 was not told it was dropped"
# 24 MiB at 20 Mbit/s is over 10 s; the others must not have waited.
[ "$took" -lt 9000 ] || fail "the room waited for c3: $took ms"
echo "with --min-rate 100M: $took ms, c3 dropped"

run
expect_rc s 0
for c in c1 c2 c3; do
	expect_rc "$c" 0
	same "$T/in" "$T/$c.out"
done
echo "without --min-rate: all three byte-exact"
pass
