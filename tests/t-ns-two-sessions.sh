#!/bin/sh
# Root only, Rev. 1: two servers on one LAN send two different streams to
# the same multicast group and the same ports at the same time, each to
# two clients chosen by label; every client sees both sessions' packets
# and must write exactly its own server's stream.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
lan s1 s2 c1 c2 c3 c4
makedata "$T/a" $((16 * 1024 * 1024))
makedata "$T/b" $((16 * 1024 * 1024))
rev default
PORT=$(pick_port "${LANPFX}s1") || fail "no free port"
G=239.255.77.77
for c in c1 c2; do
	ns_run "$c" "$c" /dev/null "$NETPIPE" -c -v -i eth0 -m $G -p "$PORT" -l a
done
for c in c3 c4; do
	ns_run "$c" "$c" /dev/null "$NETPIPE" -c -v -i eth0 -m $G -p "$PORT" -l b
done
ns_run s1 s1 "$T/a" "$NETPIPE" -s -i eth0 -m $G -p "$PORT" -n 2 -l a
ns_run s2 s2 "$T/b" "$NETPIPE" -s -i eth0 -m $G -p "$PORT" -n 2 -l b
wait_for 120 s1 s2 || fail "the transfers did not end"
expect_rc s1 0
expect_rc s2 0
wait_for 15 c1 c2 c3 c4 || fail "a client did not exit"
for c in c1 c2 c3 c4; do
	expect_rc "$c" 0
done
same "$T/a" "$T/c1.out"
same "$T/a" "$T/c2.out"
same "$T/b" "$T/c3.out"
same "$T/b" "$T/c4.out"
grep -q "foreign" "$T/c1.err" || fail "c1 saw nothing of the other session"
grep "foreign" "$T/c1.err"
pass
