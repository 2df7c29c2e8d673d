#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# A server killed mid-stream (SIGKILL) and restarted at once on the same
# port and group with another stream, while the 2 clients of the old run
# (-t 5) still wait: no client mixes the two runs' data.  The old clients
# exit 1 saying their stream is incomplete, and what they wrote is a
# prefix of the old stream; a client started for the new run gets the
# new stream byte-exact.  The new server wants 3 clients: a Rev. 1 one
# (-w 3) starts with the new client alone (the old ones ignore its new
# session); a Rev. 0 one has no session id to keep the old clients
# out, and is run twice, acknowledging with all clients and with one
# (-1): there the old clients must see that the stream has started over
# and leave, and the server exits 3 naming them.  The old clients are
# held (SIGSTOP, well under their timeout) until the new client has
# joined, so that with -1 the new client is the one that acknowledges
# and the server does not wait for the old ones.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/a" $((4 * 1024 * 1024))
makedata "$T/b" $((2 * 1024 * 1024))

# restart [SERVER ARG...]: one run of the case, on a new port and group.
restart() {
	new_port
	feed "$T/a" $((512 * 1024))
	client c1 -t 5
	client c2 -t 5
	server s1 "$T/fifo" -n 2 -t 5
	for c in c1 c2; do
		wait_size "$T/$c.out" 1 30 || fail "$c got nothing within 30 s"
	done
	kill -STOP "$(pid c1)" "$(pid c2)"
	kill -9 "$(pid s1)"
	t0=$(now_ms)
	client c3 -t 5
	server s2 "$T/b" -n 3 -t 5 "$@"
	wait_grep 10 "$T/s2.err" "joined \(1 of 3\)" >/dev/null ||
	    fail "the new client did not join the new server within 10 s"
	kill -CONT "$(pid c1)" "$(pid c2)"
	wait_for 120 s2 c3 || fail "the new run did not end"
	wait_for 30 c1 c2 || fail "an old client did not end"
	expect_rc c3 0
	same "$T/b" "$T/c3.out"
	case $REVFLAG in
	-0)	expect_rc s2 3 ;;
	*)	expect_rc s2 0 ;;
	esac
	for c in c1 c2; do
		expect_rc "$c" 1
		prefix_of "$T/a" "$T/$c.out"
		grep -q incomplete "$T/$c.err" ||
		    fail "$c does not say that its stream is incomplete"
		echo "$c: $(size "$T/$c.out") bytes of the old run; $(tail -n 1 "$T/$c.err")"
	done
	el=$(($(exit_ms c1) - t0))
	el2=$(($(exit_ms c2) - t0))
	[ "$el2" -gt "$el" ] && el=$el2
	measured "restart${1:+ ($*)} to the old clients' exit (-t 5)" "$el"
	cat "$T/s2.err"
}

t() {
	if [ "$REVFLAG" = -0 ]; then
		restart
		restart -1
	else
		restart -w 3
	fi
}

each_rev t
pass
