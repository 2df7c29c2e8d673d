#!/bin/sh
# Parity on demand with a client that does not decode (Rev. 1): c2 runs
# with NETPIPE_NO_DECODE=1 (the test hook of tests/README), so it answers
# pings as a client older than parity on demand does (a 17-byte R1_PONG);
# c1 and c3 decode.  Each client loses 2% of what it receives.  All three
# get 4 MiB byte-exact and exit 0; the server (-v) names c1 and c3 as
# decoding and not c2, and its --stats shows both parity blocks (for c1
# and c3) and repeated blocks (c2's losses, repeated as plain R1_DATA).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

rev default
makedata "$T/in" $((4 * 1024 * 1024))
SHIM_CLIENT="NPSHIM_LOSS=0.02 NPSHIM_DIR=recv"
client c1
NP_ENV="NETPIPE_NO_DECODE=1"
client c2
NP_ENV=
client c3
addr_of c2
old=$ADDR
server s "$T/in" -n 3 -v --stats "$T/s.json"
wait_for 120 s || fail "the transfer timed out"
expect_rc s 0
wait_for 15 c1 c2 c3 || fail "a client did not exit after the server"
for c in c1 c2 c3; do
	expect_rc "$c" 0
	same "$T/in" "$T/$c.out"
done
cat "$T/s.json"
grep 'decodes parity' "$T/s.err"
[ "$(grep -c 'netpipe: client 127\.0\.0\.1:[0-9]* decodes parity$' "$T/s.err")" -eq 2 ] ||
    fail "the server did not name 2 clients as decoding"
! grep -q "netpipe: client $old decodes parity" "$T/s.err" ||
    fail "the server took c2 ($old), NETPIPE_NO_DECODE=1, for a decoder"
stat() {
	sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$T/s.json"
}
par=$(stat parity_pct)
rtx=$(stat retransmit_pct)
[ -n "$par" ] && [ -n "$rtx" ] || fail "no parity_pct or retransmit_pct in --stats"
awk "BEGIN { exit !($par > 0) }" || fail "no parity sent to c1 and c3 (parity_pct $par)"
awk "BEGIN { exit !($rtx > 0) }" || fail "nothing repeated for c2 (retransmit_pct $rtx)"
echo "measured: 2 decoders and 1 not, 2% loss: $par% parity, $rtx% repeated"
pass
