#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# The round trip a server prints when a client joins is the network's,
# not the time the server took to get round to the answer.  The server
# runs at idle priority (chrt -i) on one CPU beside a busy loop, so that
# it reads the client's answer to its ping milliseconds late (4 to 170
# ms here); the client runs on another CPU, at real-time priority when
# it may, so that other load does not delay its answer.  Once the
# client has joined the busy loop stops and the transfer (1 KiB) ends.
# Of 3 joins the median round trip must be below 1 ms: about 0.1 ms
# here, where a server that times the answer when it reads it says
# 4-170 ms.  Needs 2 CPUs, taskset and chrt.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

command -v taskset >/dev/null || skip "needs taskset (util-linux)"
command -v chrt >/dev/null || skip "needs chrt (util-linux)"
cpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status |
    tr ',' '\n' | awk -F- '{ for (c = $1; c <= ($2 == "" ? $1 : $2); c++)
    print c }' | head -n 2)
[ "$(echo "$cpus" | wc -l)" -eq 2 ] || skip "needs 2 CPUs"
SCPU=$(echo "$cpus" | head -n 1)
CCPU=$(echo "$cpus" | tail -n 1)
FIFO=
chrt -f 1 true 2>/dev/null && FIFO="chrt -f 1"
makedata "$T/in" 1024

# join: one transfer; the round trip (ms) the server said at join is
# added to $T/rtts.
join() {
	new_port
	# shellcheck disable=SC2086
	bg_run c /dev/null taskset -c "$CCPU" $FIFO \
	    "$NETPIPE" -c $REVFLAG -i lo -m "$GROUP" -p "$PORT"
	rm -f "$T/stop"
	# shellcheck disable=SC2016 # $1 is the inner shell's
	bg_run busy /dev/null taskset -c "$SCPU" \
	    sh -c 'while [ ! -e "$1" ]; do :; done' busy "$T/stop"
	# shellcheck disable=SC2086
	bg_run s "$T/in" taskset -c "$SCPU" chrt -i 0 \
	    "$NETPIPE" -s $REVFLAG -i lo -m "$GROUP" -p "$PORT"
	wait_grep 30 "$T/s.err" ' joined ' >/dev/null ||
	    fail "the client did not join within 30 s"
	touch "$T/stop"
	wait_for 30 s c busy
	expect_rc s 0
	expect_rc c 0
	same "$T/in" "$T/c.out"
	ms=$(sed -n 's/.* joined (1 of 1), round trip \([0-9.]*\) ms$/\1/p' \
	    "$T/s.err")
	[ -n "$ms" ] ||
	    fail "no round trip in the server's words: $(cat "$T/s.err")"
	echo "$ms" >>"$T/rtts"
}

t() {
	: >"$T/rtts"
	join
	join
	join
	med=$(sort -n "$T/rtts" | sed -n 2p)
	echo "round trips at join: $(tr '\n' ' ' <"$T/rtts")ms; median $med ms"
	awk -v m="$med" 'BEGIN { exit !(m < 1) }' ||
	    fail "the median round trip at join is $med ms, not below 1 ms"
	measured "median round trip at join, the server slow to read" "$med"
}

each_rev t
pass
