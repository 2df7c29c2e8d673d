#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Loss in both directions at 0, 1, 5 and 20% (tests/shim.so, NPSHIM_LOSS on
# every datagram the server and its 2 clients send: data, repeats and
# control one way, answers and reports the other; a seed each) is
# recovered: byte-exact, all exit 0 (-t 10); 4 MiB, and 1 MiB for
# Rev. 0 (stop and wait).  The shim's log must show that it lost about
# that share of what was sent (within a quarter of the level, absolute
# 0.5%); the time from the start of the clients to the server's exit is
# printed for each level.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((4 * 1024 * 1024))
head -c $((1024 * 1024)) "$T/in" >"$T/in0"

t() {
	if [ "$REVFLAG" = -0 ]; then in=$T/in0; else in=$T/in; fi
	mib=$(($(size "$in") / 1024 / 1024))
	for pct in 0 1 5 20; do
		SHIM="NPSHIM_LOSS=$(awk "BEGIN { print $pct / 100 }") NPSHIM_DIR=send"
		t0=$(now_ms)
		transfer 2 "$in" -t 10
		el=$(($(exit_ms s) - t0))
		[ "$(grep -c . "$T/shim.log")" -eq 3 ] ||
		    fail "$pct%: the shim did not log for 3 processes"
		sent=$(shim_count sent)
		lost=$(shim_count lost)
		awk -v p="$pct" -v s="$sent" -v l="$lost" 'BEGIN {
			r = 100 * l / s; d = r - p; if (d < 0) d = -d
			exit !(d <= p / 4 + 0.5) }' ||
		    fail "$pct%: the shim lost $lost of $sent datagrams"
		echo "$pct% loss: lost $lost of $sent datagrams"
		measured "$mib MiB to 2 clients with $pct% loss both ways" "$el"
	done
}

each_rev t
pass
