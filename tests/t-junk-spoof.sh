#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Root only: junk that seems to come from the peer itself (tests/junk -f,
# a raw socket with a forged source address and port) mid-stream: to the
# clients' data port and to one client's status socket from the locked
# server's address, and to the server from that client's address.  Only
# junk no peer may take for a packet: with Rev. 1 a wrong CRC, another
# session id, or the right session and CRC with a wrong length; with
# Rev. 0 (no session, no CRC but on CM_TX) a wrong length, a CM_TX whose
# length field lies or whose CRC is wrong, an unknown command.  It is
# ignored and counted (the -v summaries show at least as many as were
# sent to each), never written: byte-exact, all exit 0.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root to forge source addresses (raw socket)"
JUNK=$NETPIPE_TOP/tests/junk
[ -x "$JUNK" ] || fail "$JUNK is not built (make check builds it)"
makedata "$T/in" $((3 * 1024 * 1024))

t() {
	feed "$T/in" $((1024 * 1024))
	client c1 -v
	client c2 -v
	server s "$T/fifo" -n 2 -v
	for c in c1 c2; do
		wait_size "$T/$c.out" 1 30 || fail "$c got nothing within 30 s"
	done
	r1=
	if [ -z "$REVFLAG" ]; then
		r1="-1 $(sed -n 's/.*session \([0-9a-f]\{8\}\):.*/\1/p' "$T/s.err")"
		[ "$r1" != "-1 " ] || fail "the server did not name its session"
	fi
	cport=$(status_port c1)
	[ -n "$cport" ] || fail "no status port for c1"
	srv=127.0.0.1:$((PORT + 1))
	# shellcheck disable=SC2086
	"$JUNK" $r1 -f "$srv" -s 11 -i 127.0.0.1 "$GROUP" "$PORT" 2000 ||
	    skip "cannot send from a forged address here"
	# shellcheck disable=SC2086
	"$JUNK" $r1 -f "$srv" -s 12 127.0.0.1 "$cport" 1000 ||
	    fail "junk to c1's status socket failed"
	# shellcheck disable=SC2086
	"$JUNK" $r1 -f "127.0.0.1:$cport" -s 13 127.0.0.1 $((PORT + 1)) 2000 ||
	    fail "junk to the server failed"
	release
	wait_for 90 s c1 c2 || fail "the transfer did not end"
	expect_rc s 0
	expect_rc c1 0
	expect_rc c2 0
	same "$T/in" "$T/c1.out"
	same "$T/in" "$T/c2.out"
	for c in c1 c2 s; do
		case $c in
		c1)	want=3000 ;;
		*)	want=2000 ;;
		esac
		n=$(ignored "$T/$c.err")
		echo "$c: $(grep '^netpipe: ignored' "$T/$c.err" | tail -n 1)"
		[ "${n:-0}" -ge "$want" ] || fail "$c counted ${n:-no} junk datagrams, not $want"
	done
}

each_rev t
pass
