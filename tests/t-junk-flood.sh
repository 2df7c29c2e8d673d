#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# A flood of junk at both ports during a transfer (two tests/junk -F,
# 50000 datagrams a second each, 0 to 1600 bytes, from a stranger: one to
# the group's data port, one to the server's status port; Rev. 1 junk of
# the session for the default protocol) does no harm: byte-exact, all
# exit 0.  The same
# transfer is timed without the flood and with it, three times each in
# turn, from the release of the stream (the clients joined, the flood
# running) to the server's exit; the medians and the slowdown are
# printed.  32 MiB, 2 MiB with Rev. 0 (stop and wait); -t 30.  A fixed
# rate rather than all a sender can: two local senders flat out would
# measure mostly the CPU they take from netpipe on a small machine.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

JUNK=$NETPIPE_TOP/tests/junk
[ -x "$JUNK" ] || fail "$JUNK is not built (make check builds it)"
RATE=50000
makedata "$T/in" $((32 * 1024 * 1024))
head -c $((2 * 1024 * 1024)) "$T/in" >"$T/in0"

# run FLOOD: one transfer of $in, with a flood if FLOOD is 1; sets el.
run() {
	new_port
	feed "$in" 0
	client c1 -t 30 -v
	client c2 -t 30 -v
	server s "$T/fifo" -n 2 -t 30 -v
	wait_grep 30 "$T/s.err" "transaction phase" >/dev/null ||
	    fail "the clients did not join within 30 s"
	if [ "$1" = 1 ]; then
		r1=
		if [ -z "$REVFLAG" ]; then
			r1="-1 $(sed -n 's/.*session \([0-9a-f]\{8\}\):.*/\1/p' "$T/s.err")"
		fi
		# shellcheck disable=SC2086
		"$JUNK" -F -r $RATE $r1 -s 21 -i 127.0.0.1 "$GROUP" "$PORT" 0 2>"$T/j1.err" &
		j1=$!
		# shellcheck disable=SC2086
		"$JUNK" -F -r $RATE $r1 -s 22 127.0.0.1 $((PORT + 1)) 0 2>"$T/j2.err" &
		j2=$!
		BGPIDS="$BGPIDS $j1 $j2"
		sleep 0.5	# the stimulus: let the flood build up first
	fi
	t0=$(now_ms)
	release
	wait_for 240 s || fail "the transfer did not end within 240 s"
	el=$(($(exit_ms s) - t0))
	if [ "$1" = 1 ]; then
		kill -TERM "$j1" "$j2"
		wait "$j1" "$j2"
		cat "$T/j1.err" "$T/j2.err"
	fi
	wait_for 30 c1 c2 || fail "a client did not exit"
	# What the flood came to, as the first client saw it.
	n=$(ignored "$T/c1.err")
	echo "c1 ignored ${n:-0} junk datagrams in all"
	expect_rc s 0
	expect_rc c1 0
	expect_rc c2 0
	same "$in" "$T/c1.out"
	same "$in" "$T/c2.out"
	grep '^netpipe: ignored' "$T/c1.err" "$T/s.err" | tail -n 2
}

# median A B C
median() {
	printf '%s\n' "$@" | sort -n | sed -n 2p
}

t() {
	if [ "$REVFLAG" = -0 ]; then in=$T/in0; else in=$T/in; fi
	mib=$(($(size "$in") / 1024 / 1024))
	calm=
	flood=
	for round in 1 2 3; do
		run 0
		calm="$calm $el"
		run 1
		flood="$flood $el"
		echo "round $round: $mib MiB to 2 clients in $(echo "$calm" | awk '{ print $NF }') ms without the flood, $el ms with it"
	done
	# shellcheck disable=SC2086
	base=$(median $calm)
	# shellcheck disable=SC2086
	el=$(median $flood)
	measured "$mib MiB to 2 clients, no flood (median of 3)" "$base"
	measured "$mib MiB to 2 clients, junk flood at both ports (median of 3)" "$el"
	echo "slowdown${REVNAME:+ [$REVNAME]}: $(awk -v a="$base" -v b="$el" 'BEGIN { printf "%.1fx", b / (a > 0 ? a : 1) }')"
}

each_rev t
pass
