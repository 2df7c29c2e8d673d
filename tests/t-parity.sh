#!/bin/sh
# Parity on demand (Rev. 1): three clients that decode, each losing 2% of
# the datagrams it receives (tests/shim.so, NPSHIM_DIR=recv), get 4 MiB
# byte-exact and exit 0; the server (-v) names each as decoding, and its
# --stats shows parity blocks sent (parity_pct > 0) and no block repeated
# (retransmit_pct 0): their losses were repaired by parity alone.  A
# server or client without parity on demand repeats blocks and sends no
# parity, and fails this test.
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
awk "BEGIN { exit !($rtx == 0) }" || fail "blocks repeated to decoders (retransmit_pct $rtx)"
grep 'netpipe: sent ' "$T/s.err"
echo "measured: 3 clients at 2% loss: $par% parity, $rtx% repeated"
pass
