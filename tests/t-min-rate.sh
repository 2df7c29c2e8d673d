#!/bin/sh
# --min-rate (Rev. 1 server): a client whose output stays below the rate
# for the timeout is dropped, and the room goes on at the others' speed.
# Three clients, one writing into a slow reader (32 KiB every 0.1 s, some
# 2 Mbit/s): with --min-rate 20M -t 2 the slow one is dropped with the
# message (server exit 3, it exits 1 saying "dropped"), the others get
# the stream byte-exact and exit 0.  Without --min-rate all three finish
# byte-exact, and -v names the slow one as holding the room back.  Input
# slower than the rate (a 3 s stall) drops nobody, nor does a client's
# pause shorter than the timeout.  And --min-rate is a usage error on a
# client, with -0 and with a bad rate.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# slow NAME ARG...: client NAME whose output goes through a slow reader;
# what the reader wrote is in $T/NAME-reader.out.
slow() {
	_sl=$1
	shift
	rm -f "$T/$_sl.out"
	mkfifo "$T/$_sl.out" || fail "mkfifo"
	# shellcheck disable=SC2016 # expanded by the reader's shell
	bg_run "$_sl-reader" "$T/$_sl.out" sh -c '
		while :; do
			dd bs=32k count=1 iflag=fullblock status=none \
			    >"$0.chunk" || exit 1
			[ -s "$0.chunk" ] || exit 0
			cat "$0.chunk"
			sleep 0.1
		done' "$T/$_sl"
	client "$_sl" "$@"
}

rev default

# Dropped: 32 MiB, twice the window, so that the slow client holds it.
makedata "$T/in" $((32 * 1024 * 1024))
client c1 -t 2
client c2 -t 2
slow c3 -t 2
addr_of c3
slowaddr=$ADDR
t0=$(now_ms)
server s "$T/in" -n 3 -t 2 --min-rate 20M
t1=$(wait_grep 30 "$T/s.err" "dropped") ||
    fail "the slow client was not dropped in 30 s"
measured "start to the slow client's drop (-t 2, --min-rate 20M)" $((t1 - t0))
grep -q -E "^netpipe: client $slowaddr dropped: output [0-9.]+ Mbit/s for 2 s, below --min-rate 20 Mbit/s$" \
    "$T/s.err" || fail "the server did not drop $slowaddr for its output: $(grep dropped "$T/s.err")"
wait_for 60 s c1 c2 c3 c3-reader || fail "the transfer did not end"
expect_rc s 3
expect_rc c1 0
expect_rc c2 0
same "$T/in" "$T/c1.out"
same "$T/in" "$T/c2.out"
expect_rc c3 1
grep -q dropped "$T/c3.err" || fail "the slow client did not say it was dropped"
prefix_of "$T/in" "$T/c3-reader.out"
[ "$(grep -c dropped "$T/s.err")" -eq 2 ] ||
    fail "not one drop and its line in the summary: $(grep dropped "$T/s.err")"
echo "slow client wrote $(size "$T/c3-reader.out") bytes of $(size "$T/in")"

# Without --min-rate: all finish, and -v names the slow client.
new_port
makedata "$T/in" $((1024 * 1024))
client c1 -t 2
client c2 -t 2
slow c3 -t 2
addr_of c3
slowaddr=$ADDR
server s "$T/in" -n 3 -t 2 -v --window 262144
wait_for 60 s c1 c2 c3 c3-reader || fail "the transfer did not end"
expect_rc s 0
expect_rc c1 0
expect_rc c2 0
expect_rc c3 0
same "$T/in" "$T/c1.out"
same "$T/in" "$T/c2.out"
same "$T/in" "$T/c3-reader.out"
grep -E "holds the room back" "$T/s.err" | head -n 2
grep -q -E "^netpipe: client $slowaddr holds the room back: [0-9.]+ Mbit/s written, [0-9.]+ MiB behind$" \
    "$T/s.err" || fail "-v did not name $slowaddr as holding the room back"
if grep "holds the room back" "$T/s.err" | grep -v -q "client $slowaddr "; then
	fail "-v named another client: $(grep "holds the room back" "$T/s.err" | grep -v "client $slowaddr ")"
fi

# Input slower than the rate (a 3 s stall) is no client's fault.
new_port
makedata "$T/in" $((512 * 1024))
feed "$T/in" $((128 * 1024))
client c1 -t 1
client c2 -t 1
server s "$T/fifo" -n 2 -t 1 --min-rate 20M
wait_size "$T/c1.out" 1 30 || fail "c1 got nothing within 30 s"
sleep 3
release
wait_for 60 s c1 c2 || fail "the transfer did not end"
expect_rc s 0
expect_rc c1 0
expect_rc c2 0
same "$T/in" "$T/c1.out"
same "$T/in" "$T/c2.out"

# A pause shorter than the timeout (SIGSTOP for 1.5 s, -t 3) drops nobody.
new_port
makedata "$T/in" $((32 * 1024 * 1024))
feed "$T/in" $((256 * 1024))
client c1 -t 3
client c2 -t 3
server s "$T/fifo" -n 2 -t 3 --min-rate 20M
wait_size "$T/c2.out" 1 30 || fail "c2 got nothing within 30 s"
kill -STOP "$(pid c2)"
release
sleep 1.5
kill -CONT "$(pid c2)"
wait_for 60 s c1 c2 || fail "the transfer did not end"
expect_rc s 0
expect_rc c1 0
expect_rc c2 0
same "$T/in" "$T/c1.out"
same "$T/in" "$T/c2.out"

# Usage errors: one line, then the usage, exit 2.
for args in "-c --min-rate 20M" "-s -0 --min-rate 20M" "-s --min-rate 0" \
    "-s --min-rate 20X" "-s --min-rate"; do
	# shellcheck disable=SC2086 # words
	timeout 10 "$NETPIPE" $args </dev/null >"$T/o" 2>"$T/e"
	st=$?
	[ $st -eq 2 ] || fail "netpipe $args: exit $st, expected 2"
	head -n 1 "$T/e" | grep -q '^netpipe: ' ||
	    fail "netpipe $args: $(head -n 1 "$T/e")"
	sed -n 2p "$T/e" | grep -q '^usage: ' ||
	    fail "netpipe $args: not one line then the usage: $(cat "$T/e")"
	echo "ok: netpipe $args: $(head -n 1 "$T/e")"
done
pass
