#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# 50% loss in both directions (tests/shim.so, NPSHIM_LOSS=0.5 on every
# datagram the server and its 2 clients send, a seed each): either the
# stream arrives byte-exact, or the transfer fails cleanly: the server
# exits 1 or 3, a failed client exits 1 with a message, and whatever a
# client wrote is a prefix of the stream.  Never a hang (bounded wait)
# and never a wrong byte.  1 MiB, 256 KiB for Rev. 0 (stop and wait),
# -t 10.  The shim must have lost about half of what was sent.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((1024 * 1024))
head -c $((256 * 1024)) "$T/in" >"$T/in0"
SHIM="NPSHIM_LOSS=0.5 NPSHIM_DIR=send"

t() {
	if [ "$REVFLAG" = -0 ]; then in=$T/in0; else in=$T/in; fi
	t0=$(now_ms)
	client c1 -t 10
	client c2 -t 10
	server s "$in" -n 2 -t 10
	wait_for 240 s || fail "the server did not end within 240 s"
	wait_for 30 c1 c2 || fail "a client did not end within 30 s of the server"
	el=$(($(exit_ms s) - t0))
	r=$(rc s)
	nok=0
	for c in c1 c2; do
		case $(rc "$c") in
		0)
			same "$in" "$T/$c.out"
			nok=$((nok + 1))
			;;
		1)
			prefix_of "$in" "$T/$c.out"
			[ -s "$T/$c.err" ] || fail "$c failed without a message"
			echo "$c failed cleanly: $(tail -n 1 "$T/$c.err")"
			;;
		*)
			fail "$c exited $(rc "$c")"
			;;
		esac
	done
	case $r in
	0)	[ "$nok" -eq 2 ] || fail "the server exited 0, but a client failed" ;;
	1|3)	echo "the server failed cleanly (exit $r): $(tail -n 1 "$T/s.err")" ;;
	*)	fail "the server exited $r" ;;
	esac
	sent=$(shim_count sent)
	lost=$(shim_count lost)
	awk -v s="$sent" -v l="$lost" 'BEGIN { exit !(l > 0.4 * s && l < 0.6 * s) }' ||
	    fail "the shim lost $lost of $sent datagrams, not about half"
	echo "50% loss: lost $lost of $sent datagrams; server exit $r, clients $(rc c1) $(rc c2)"
	measured "$(($(size "$in") / 1024)) KiB to 2 clients with 50% loss both ways (server exit $r)" "$el"
}

each_rev t
pass
