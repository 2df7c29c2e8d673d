#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Junk and truncated datagrams (tests/junk) on the data port (to the group)
# and on the status port (to 127.0.0.1), before the server starts and
# during the transfer, are ignored without harm: byte-exact, all exit 0.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

JUNK=$NETPIPE_TOP/tests/junk
[ -x "$JUNK" ] || fail "$JUNK is not built (make check builds it)"

makedata "$T/in" $((3 * 1024 * 1024))

t() {
	feed "$T/in" $((1024 * 1024))
	client c1
	client c2
	# Wait (bounded) until both clients listen, then junk them before any
	# server exists: they must not take the junk's sender for a server.
	i=0
	while { [ -z "$(status_port c1)" ] || [ -z "$(status_port c2)" ]; } && [ "$i" -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	"$JUNK" -s 1 -i 127.0.0.1 "$GROUP" "$PORT" 2000 || fail "junk failed"
	server s "$T/fifo" -n 2
	for c in c1 c2; do
		wait_size "$T/$c.out" 1 30 || fail "$c got nothing within 30 s"
	done
	# Mid-stream: junk on both ports at once.
	"$JUNK" -s 2 -i 127.0.0.1 "$GROUP" "$PORT" 3000 &
	j1=$!
	"$JUNK" -s 3 127.0.0.1 $((PORT + 1)) 3000 &
	j2=$!
	BGPIDS="$BGPIDS $j1 $j2"
	wait "$j1" || fail "junk to the data port failed"
	wait "$j2" || fail "junk to the status port failed"
	release
	# And more while the rest flows.
	"$JUNK" -s 4 -i 127.0.0.1 "$GROUP" "$PORT" 1000 &
	j1=$!
	"$JUNK" -s 5 127.0.0.1 $((PORT + 1)) 1000 &
	j2=$!
	BGPIDS="$BGPIDS $j1 $j2"
	wait_for 90 s c1 c2 || fail "the transfer did not end"
	wait "$j1" "$j2"
	expect_rc s 0
	expect_rc c1 0
	expect_rc c2 0
	same "$T/in" "$T/c1.out"
	same "$T/in" "$T/c2.out"
}

each_rev t
pass
