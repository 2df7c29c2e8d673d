#!/bin/sh
# Rev. 1: a window of 64 KiB (65 blocks of 1000 bytes) wraps 64 times in
# a 4 MiB stream while 3% of the datagrams are lost in both directions,
# so that repeats come from every part of the ring: byte-exact, exit 0.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((4 * 1024 * 1024))
rev default
SHIM="NPSHIM_LOSS=0.03 NPSHIM_DIR=both"
transfer 2 "$T/in" --window 65536 -b 1000
[ "$(shim_count lost)" -gt 0 ] || fail "the shim lost nothing"
cat "$T/s.err"
pass
