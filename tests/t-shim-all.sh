#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Loss, duplication, corruption and reordering together (2% each, in both
# directions of every process: sent and received), 3 clients, 1 MiB:
# byte-exact, all exit 0.  Rev. 0 gets loss and corruption together only,
# and corruption only of what its clients receive: its answers (CM_RXOK,
# CM_RXERR) carry no CRC, so a corrupted CM_RXERR 1 (CRC error, resend)
# can read as 2 (sequence error, fatal) and the client is dropped, which
# the 1999 protocol cannot tell from the truth (it made this test fail
# now and then).  t-shim-dup and t-shim-reorder give it those alone: its
# CM_RXOK carries
# no sequence number, so a second copy of a block or of its answer (a
# duplicate, or a held-back one arriving after its repeat) makes a second
# CM_RXOK that the server takes for the next block's; if that block is
# lost as well, the client has a gap and is dropped (sequence error).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((1024 * 1024))
ALL="NPSHIM_LOSS=0.02 NPSHIM_DUP=0.02 NPSHIM_CORRUPT=0.02 NPSHIM_REORDER=0.02"

t() {
	if [ "$REVFLAG" = -0 ]; then
		SHIM="NPSHIM_LOSS=0.02 NPSHIM_DIR=both"
		SHIM_CLIENT="NPSHIM_LOSS=0.02 NPSHIM_CORRUPT=0.02 NPSHIM_DIR=recv"
		kinds="lost corrupt"
	else
		SHIM_CLIENT=
		SHIM="$ALL NPSHIM_DIR=both"
		kinds="lost dup corrupt reordered"
	fi
	transfer 3 "$T/in"
	cat "$T/shim.log"
	[ "$(grep -c . "$T/shim.log")" -eq 4 ] || fail "the shim did not log for 4 processes"
	for k in $kinds; do
		[ "$(shim_count "$k")" -gt 0 ] || fail "the shim injected nothing: $k"
	done
}

each_rev t
pass
