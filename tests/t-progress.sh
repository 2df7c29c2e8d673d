#!/bin/sh
# shellcheck disable=SC2317 # pipe_input() is called through each_rev
# The progress line.  With -P and stderr a file: plain lines, at most one
# a second, with the percentage when stdin is a file and without it when
# stdin is a pipe; clients show theirs too.  -q -P: the progress only;
# -q alone: nothing on stderr.  On a terminal (through script(1), when
# there is one): redrawn in place with \r and ESC [K, at most 4 or 5 times
# a second, without -P, and cleared before the summary.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

SIZE=$((6 * 1024 * 1024))
makedata "$T/in" $SIZE
# 6 MiB at 16 Mbit/s: about 3 s, enough for a few lines.
RATE=16M

# lines NAME: the progress lines in NAME's stderr.
lines() {
	grep -E '^netpipe: (waiting for|[0-9.]+ [kMGT]?B)' "$T/$1.err"
}

# at_most NAME SECONDS PERSEC: NAME drew no more than PERSEC a second.
at_most() {
	n=$(lines "$1" | grep -c .)
	max=$(($2 * $3 + $3 + 1))
	echo "$1: $n progress lines in about $2 s (at most $max)"
	[ "$n" -le "$max" ] || fail "$1 drew $n progress lines in about $2 s"
}

# Rev. 1 (the default) only: -r makes the transfer last.
file_input() {
	new_port
	client c1 -P
	t0=$(now_ms)
	server s "$T/in" -P -r $RATE
	wait_for 60 s c1 || fail "the transfer did not end"
	secs=$((($(now_ms) - t0 + 999) / 1000))
	expect_rc s 0
	expect_rc c1 0
	same "$T/in" "$T/c1.out"
	lines s
	lines s | grep -q -E ' of [0-9.]+ MB \([0-9]+%\), [0-9.]+ [kMG]?B/s, ETA [0-9]+:[0-9][0-9], ' ||
	    fail "no percentage and ETA in the server's progress lines"
	lines s | grep -q -E ', [0-9]+ clients?, [0-9]+ dropped, [0-9.]+% repeated$' ||
	    fail "no clients and repeats in the server's progress lines"
	[ "$(lines s | grep -c '%)')" -ge 2 ] || fail "fewer than 2 progress lines with a percentage"
	if grep -q "$(printf '\r')" "$T/s.err"; then
		fail "a carriage return in the progress written to a file"
	fi
	at_most s "$secs" 1
	lines c1 | grep -q -E '^netpipe: [0-9.]+ [kMG]?B, [0-9.]+ [kMG]?B/s, [0-9]+:[0-9][0-9]$' ||
	    fail "no progress line from the client"
	at_most c1 "$secs" 1
}

# Each revision: stdin a pipe that pauses until the server has drawn a
# line with bytes in it.
pipe_input() {
	feed "$T/in" $((1024 * 1024))
	client c2 -q
	t0=$(now_ms)
	server s2 "$T/fifo" -P -q
	i=0
	until lines s2 | grep -q '^netpipe: [0-9.]* [kM]B, ' || [ "$i" -ge 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	release
	wait_for 60 s2 c2 || fail "the transfer did not end"
	secs=$((($(now_ms) - t0 + 999) / 1000))
	expect_rc s2 0
	expect_rc c2 0
	same "$T/in" "$T/c2.out"
	lines s2
	lines s2 | grep -q -E '^netpipe: [0-9.]+ [kMG]?B, [0-9.]+ [kMG]?B/s, [0-9]+:[0-9][0-9], ' ||
	    fail "no progress line for a pipe"
	if lines s2 | grep -v waiting | grep -q -e " of " -e ETA; then
		fail "a percentage or ETA though stdin is a pipe"
	fi
	if grep -v -E '^netpipe: (waiting for|[0-9.]+ [kMGT]?B)' "$T/s2.err"; then
		fail "-q -P printed more than the progress"
	fi
	[ ! -s "$T/c2.err" ] || fail "-q printed: $(cat "$T/c2.err")"
	at_most s2 "$secs" 1
}

rev default
file_input
each_rev pipe_input

# On a terminal, through script(1) from util-linux (stdin from the file
# inside the terminal's command line): redrawn in place, without -P.
if script -qfec true /dev/null >/dev/null 2>&1 </dev/null; then
	rev default
	new_port
	client c3
	t0=$(now_ms)
	script -qfec "$NETPIPE -s -i lo -m $GROUP -p $PORT -r $RATE <$T/in" \
	    "$T/tty" >/dev/null 2>&1 </dev/null || fail "the server under script failed"
	secs=$((($(now_ms) - t0 + 999) / 1000))
	wait_for 30 c3 || fail "the client did not end"
	expect_rc c3 0
	same "$T/in" "$T/c3.out"
	esc=$(printf '\033')
	cr=$(printf '\r')
	draws=$(tr '\r' '\n' <"$T/tty" | grep -c "^netpipe: [0-9.]* [kMG]*B of .*${esc}\[K")
	grep -q "${cr}${esc}\[Knetpipe: sent $SIZE bytes" "$T/tty" ||
	    fail "the summary does not follow a cleared line: $(tail -c 300 "$T/tty" | od -c | tail -n 5)"
	max=$((secs * 5 + 5))
	echo "terminal: $draws progress draws in about $secs s (at most $max)"
	[ "$draws" -ge 2 ] || fail "fewer than 2 progress draws on a terminal"
	[ "$draws" -le "$max" ] || fail "$draws progress draws in $secs s"
else
	echo "no script(1): the terminal part is not tested"
fi
pass
