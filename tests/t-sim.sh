#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# The simulator (tests/sim/sim), a small room in virtual time, both
# revisions: 4 clients, 1 MiB, 1% loss: all intact, exit 0; the same
# seed twice prints the same result (the trace digest and every other
# field but the wall_* ones), another seed another digest, zlib's CRC-32
# the same digest as the simulator's own; a client killed mid-stream
# makes the server exit 3 with that client dropped and the others
# intact.  No network: a second or so.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_sim

# is NAME FILTER WANT: the filter's value (jq -c) must be WANT.
is() {
	got=$(jq -c "$2" "$T/$1")
	[ "$got" = "$3" ] ||
	    fail "$1: $2 is '$got', expected '$3': $(head -n 3 "$T/$1.all")"
}

# digest NAME: $D is NAME's trace digest, 16 hex digits, or a failure.
digest() {
	D=$(jq -r .trace_digest "$T/$1")
	echo "$D" | grep -q -x '[0-9a-f]\{16\}' ||
	    fail "$1: trace_digest is '$D'"
}

# same_run A B: the same results but for the wall clock.
same_run() {
	_f='del(.wall_s, .wall_cpu_s, .wall_server_rx_us)'
	[ "$(jq -cS "$_f" "$T/$1")" = "$(jq -cS "$_f" "$T/$2")" ] ||
	    fail "the same arguments gave different results:
$(jq -cS "$_f" "$T/$1")
$(jq -cS "$_f" "$T/$2")"
}

t() {
	room="-n 4 --size 1M --loss 1% -t 2"
	# shellcheck disable=SC2086
	sim a $room --seed 7
	is a .clients 4
	is a .intact 4
	is a .server_exit 0
	is a .client_exits '{"0":4}'
	is a .dropped_clients 0
	is a '.lost_port > 0' true
	is a '.goodput_pct > 0 and .virtual_s > 0' true
	# shellcheck disable=SC2086
	sim b $room --seed 7
	same_run a b
	digest a
	da=$D
	digest b
	[ "$da" = "$D" ] || fail "the same seed, two digests: $da and $D"
	# shellcheck disable=SC2086
	sim c $room --seed 8
	digest c
	[ "$da" != "$D" ] || fail "seeds 7 and 8 gave the same digest $D"
	# shellcheck disable=SC2086
	sim z $room --seed 7 --zlib-crc
	same_run a z

	# Client 2 dies 2 ms in: dropped after -t, the others whole.
	sim k -n 4 --size 1M -t 2 --seed 7 --kill 2:0.002
	is k .server_exit 3
	is k .intact 3
	is k .client_exits '{"0":3,"killed":1}'
	is k .dropped_clients 1
	is k '.server_s >= 2' true
}

each_rev t
pass
