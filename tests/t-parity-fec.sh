#!/bin/sh
# --fec N (Rev. 1 server): N parity blocks of each group of blocks go
# out right after the group, unasked.  Without loss, 4 MiB (2883 blocks
# of 1455 bytes, 23 groups of 128 with the default window) to 2 clients
# with --fec 4: byte-exact, and the server's --stats shows 4 parity
# blocks for each of the 22 whole groups and at most 4 for the last,
# partial one (88 to 92, 3.052 to 3.191% of the 2883 blocks: the
# clients may have the whole stream before the last group's parity is
# due) and nothing repeated;
# the same run without --fec sends no parity.  With 3% loss at each
# client and --fec 4: byte-exact, all exit 0.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

rev default
makedata "$T/in" $((4 * 1024 * 1024))
stat() {
	sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$T/s.json"
}

transfer 2 "$T/in" --fec 4 --stats "$T/s.json"
cat "$T/s.json"
awk "BEGIN { p = $(stat parity_pct); exit !(p >= 3.052 && p <= 3.191) }" ||
    fail "--fec 4 without loss: parity_pct $(stat parity_pct), expected 3.052 to 3.191 (88 to 92 of 2883)"
[ "$(stat retransmit_pct)" = 0.000 ] || fail "--fec 4 without loss: blocks repeated"

transfer 2 "$T/in" --stats "$T/s.json"
[ "$(stat parity_pct)" = 0.000 ] ||
    fail "no --fec, no loss: parity_pct $(stat parity_pct), expected 0"

SHIM_CLIENT="NPSHIM_LOSS=0.03 NPSHIM_DIR=recv"
transfer 2 "$T/in" --fec 4 --stats "$T/s.json"
SHIM_CLIENT=
cat "$T/s.json"
[ "$(shim_count lost)" -gt 0 ] || fail "the shim injected no loss"
awk "BEGIN { exit !($(stat parity_pct) >= 3.052) }" ||
    fail "--fec 4 with loss: parity_pct $(stat parity_pct), below 3.052"
echo "measured: --fec 4, 3% loss at 2 clients: $(stat parity_pct)% parity, $(stat retransmit_pct)% repeated"
pass
