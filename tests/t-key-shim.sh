#!/bin/sh
# The fault matrix's all-in-one case (t-shim-all) with -k: loss,
# duplication, corruption and reordering together (2% each, both
# directions of every process), 3 clients, 1 MiB, Rev. 1 sealed.  A
# corrupted datagram fails to open and is counted as forged, a
# duplicate is a replay and is counted too; the protocol repairs both
# as losses: byte-exact, all exit 0, and each end counted some.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((1024 * 1024))
"$NETPIPE" --genkey "$T/key" || fail "--genkey"
rev default
SHIM="NPSHIM_LOSS=0.02 NPSHIM_DUP=0.02 NPSHIM_CORRUPT=0.02 NPSHIM_REORDER=0.02 NPSHIM_DIR=both"
for c in c1 c2 c3; do
	client "$c" -k "$T/key" --stats "$T/$c.json"
done
server s "$T/in" -n 3 -k "$T/key" --stats "$T/s.json"
wait_for 120 s || fail "the transfer timed out"
expect_rc s 0
wait_for 15 c1 c2 c3 || fail "a client did not exit after the server"
for c in c1 c2 c3; do
	expect_rc "$c" 0
	same "$T/in" "$T/$c.out"
done
cat "$T/shim.log"
[ "$(grep -c . "$T/shim.log")" -eq 4 ] || fail "the shim did not log for 4 processes"
for k in lost dup corrupt reordered; do
	[ "$(shim_count "$k")" -gt 0 ] || fail "the shim injected nothing: $k"
done
total=0
for e in s c1 c2 c3; do
	f=$(sed -n 's/.*"forged":\([0-9]*\).*/\1/p' "$T/$e.json")
	[ -n "$f" ] || fail "$e's --stats has no forged count"
	echo "$e: forged $f"
	total=$((total + f))
done
[ "$total" -gt 0 ] || fail "corrupted and duplicated datagrams were not counted"
pass
