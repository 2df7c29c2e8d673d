#!/bin/sh
# The erasure code (fec.c) on its own, no network, in about a second
# (tests/fec.c): GF(2^8) against a slow multiply, known answers, round
# trips up to k + m = 256, every erasure pattern of small groups, bad
# indexes refused; once for each dot-product path (NETPIPE_FEC caps
# it: a path the CPU lacks falls back to the next slower one).
# tests/fec prints a line per failed check and last "fec: N checks, N
# failed", and exits 0 only if none failed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

FEC=$NETPIPE_TOP/tests/fec
[ -x "$FEC" ] || skip "$FEC is not built (make check builds it)"

for path in portable ssse3 avx2 gfni; do
	NETPIPE_FEC=$path timeout 60 "$FEC" >"$T/fec-$path.out" \
	    2>"$T/fec-$path.err"
	st=$?
	echo $st >"$T/fec-$path.rc"
	last=$(tail -n 1 "$T/fec-$path.out")
	if [ $st -ne 0 ]; then
		head -n 40 "$T/fec-$path.out"
		fail "tests/fec ($path) exited $st: $last"
	fi
	echo "$(head -n 1 "$T/fec-$path.out" | sed 's/^fec: //'): $last"
	echo "$last" | grep -q -x 'fec: [0-9]* checks, 0 failed' ||
	    fail "tests/fec ($path) exited 0 without its summary line: $last"
done
pass
