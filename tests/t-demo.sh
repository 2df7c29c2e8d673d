#!/bin/sh
# make demo's script (tests/demo.sh), with 4 MiB instead of 100 MiB: 3
# clients over loopback multicast, progress shown, every copy checked,
# "demo passed", exit 0.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

[ -x "$NETPIPE_TOP/tests/gen" ] || fail "tests/gen is not built (make check builds it)"
DEMO_PORT=$PORT sh "$NETPIPE_TOP/tests/demo.sh" $((4 * 1024 * 1024)) >"$T/demo.err" 2>&1
st=$?
cat "$T/demo.err"
[ $st -eq 0 ] || fail "the demo exited $st"
grep -q '^demo passed' "$T/demo.err" || fail "no verdict"
[ "$(grep -c 'identical to the original' "$T/demo.err")" -eq 3 ] || fail "not 3 copies checked"
grep -q '^netpipe: waiting for clients' "$T/demo.err" || fail "no progress line"
grep -q '^netpipe: sent 4194304 bytes' "$T/demo.err" || fail "no summary"
pass
