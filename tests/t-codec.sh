#!/bin/sh
# The wire codec (wire.c) on its own, no network, in milliseconds
# (tests/codec.c): known answers, round trips and rejects for every
# packet type of both protocol revisions.  tests/codec prints a line per
# failed check and last "codec: N checks, N failed", and exits 0 only if
# none failed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

CODEC=$NETPIPE_TOP/tests/codec
[ -x "$CODEC" ] || skip "$CODEC is not built (make check builds it)"

timeout 60 "$CODEC" >"$T/codec.out" 2>"$T/codec.err"
st=$?
echo $st >"$T/codec.rc"
last=$(tail -n 1 "$T/codec.out")
if [ $st -ne 0 ]; then
	head -n 40 "$T/codec.out"
	fail "tests/codec exited $st: $last"
fi
echo "$last"
echo "$last" | grep -q -x 'codec: [0-9]* checks, 0 failed' ||
    fail "tests/codec exited 0 without its summary line: $last"
pass
