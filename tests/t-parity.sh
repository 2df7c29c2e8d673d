#!/bin/sh
# Parity on demand (Rev. 1): three clients that decode, each losing 2% of
# the datagrams it receives (tests/shim.so, NPSHIM_DIR=recv), get 4 MiB
# byte-exact and exit 0; the server (-v) names each as decoding, and its
# --stats shows parity blocks sent (parity_pct > 0) and hardly a block
# repeated (retransmit_pct 1.5 at most): their losses were repaired by
# parity.  Not none: a group whose 64 parity indexes (groups of 192)
# have all gone out is repaired by repeats (PROTOCOL.txt 10.13.4), and
# on a loaded machine a group now and then uses them all up (1 run in
# 12 to 15 with both cores busy, 1 to 7 blocks repeated; 3 runs in 10
# with two busy loops beside, up to 17 blocks, 0.59%; seen: 64 parity
# blocks for a group whose holes at a client were 12 blocks).  Over
# loopback parity is 5-10% of the blocks with groups of 128 or 192.  A server or client without
# parity on demand repeats some 6% of the blocks (1 - 0.98^3) and sends
# no parity, and fails this test.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

rev default
makedata "$T/in" $((4 * 1024 * 1024))
SHIM_CLIENT="NPSHIM_LOSS=0.02 NPSHIM_DIR=recv"
SHIM=
transfer 3 "$T/in" -v --stats "$T/s.json"
SHIM_CLIENT=
cat "$T/s.json"
[ "$(shim_count lost)" -gt 0 ] || fail "the shim injected no loss"
echo "lost at the clients: $(shim_count lost)"
[ "$(grep -c 'netpipe: client 127\.0\.0\.1:[0-9]* decodes parity$' "$T/s.err")" -eq 3 ] ||
    fail "the server did not name the 3 clients as decoding"
# stat NAME: a number of the server's one-line --stats.
stat() {
	sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$T/s.json"
}
par=$(stat parity_pct)
rtx=$(stat retransmit_pct)
[ -n "$par" ] && [ -n "$rtx" ] || fail "no parity_pct or retransmit_pct in --stats"
awk "BEGIN { exit !($par > 0) }" || fail "no parity sent (parity_pct $par)"
awk "BEGIN { exit !($rtx <= 1.5) }" || fail "blocks repeated to decoders (retransmit_pct $rtx)"
grep 'netpipe: sent ' "$T/s.err"
echo "measured: 3 clients at 2% loss: $par% parity, $rtx% repeated"
pass
