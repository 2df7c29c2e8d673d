#!/bin/sh
# The Rev. 1 rate decision (rate.c) on its own, no network, in
# milliseconds (tests/rate.c): every decision recorded in
# tests/rate-decisions.txt from real runs is made again, bit for bit, and
# its properties hold (never above the cap nor below RATE_MIN, a loss
# above LOSS_HIGH cuts, one below LOSS_LOW grows, a cut is followed by a
# hold), over the records and over made-up inputs.  tests/rate prints a
# line per failed check and last "rate: N checks, N failed", and exits 0
# only if none failed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

RATE=$NETPIPE_TOP/tests/rate
DATA=$NETPIPE_TOP/tests/rate-decisions.txt
[ -x "$RATE" ] || skip "$RATE is not built (make check builds it)"
[ -f "$DATA" ] || fail "$DATA is missing"

timeout 60 "$RATE" "$DATA" >"$T/rate.out" 2>"$T/rate.err"
st=$?
echo $st >"$T/rate.rc"
last=$(tail -n 1 "$T/rate.out")
if [ $st -ne 0 ]; then
	head -n 40 "$T/rate.out"
	cat "$T/rate.err"
	fail "tests/rate exited $st: $last"
fi
grep '^replayed' "$T/rate.out"
echo "$last"
echo "$last" | grep -q -x 'rate: [0-9]* checks, 0 failed' ||
    fail "tests/rate exited 0 without its summary line: $last"
pass
