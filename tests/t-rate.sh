#!/bin/sh
# The Rev. 1 rate decision (rate.c) on its own, no network, in
# milliseconds (tests/rate.c): a client's delivery filter, the loss that
# counts as congestion, startup, the probe cycle and its drain, and 3000
# closed loops over modelled paths of 1 Mbit/s to 10 Gbit/s with random
# loss and noisy samples (the rate must find the path, hold it and never
# fall below half of it).  tests/rate prints a line per failed check and
# last "rate: N checks, N failed", and exits 0 only if none failed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

RATE=$NETPIPE_TOP/tests/rate
[ -x "$RATE" ] || skip "$RATE is not built (make check builds it)"

timeout 60 "$RATE" >"$T/rate.out" 2>"$T/rate.err"
st=$?
last=$(tail -n 1 "$T/rate.out")
if [ $st -ne 0 ]; then
	head -n 40 "$T/rate.out"
	cat "$T/rate.err"
	fail "tests/rate exited $st: $last"
fi
echo "$last"
echo "$last" | grep -q -x 'rate: [0-9]* checks, 0 failed' ||
    fail "tests/rate exited 0 without its summary line: $last"
pass
