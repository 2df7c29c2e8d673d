#!/bin/sh
# Rev. 0's -1 (single-ack) mode: one chosen client acknowledges each block,
# the other two only report errors; all three get the stream byte-exact.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((1024 * 1024 + 777))
rev 0
transfer 3 "$T/in" -1
pass
