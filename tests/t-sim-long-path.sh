#!/bin/sh
# A long path behind a deep queue, in the simulator (virtual time, no
# network): one client behind a 20 Mbit/s switch port with a 256 KiB
# queue, 20 ms and then 100 ms each way, 8 MiB, Rev. 1, -t 5.  The copy
# must be intact and the server exit 0, and repairs (repeats plus
# parity) stay under a third of the stream, parity under 15 % (22 % from
# d48d7c2 on: startup went on at twice the link one round more, as its
# loss, 5 % in the first round that showed it, was under 10 %; 10 % at
# e61b3fb and now, PROTOCOL.txt 10.8 "Loss").  Before, the first round
# (4 round trips at 250 Mbit/s) lost most of the stream, and once every
# parity index of a group had gone out the server sent indexes the
# client held, one a request: no progress for 5 s, the client dropped
# (PROTOCOL.txt 10.8 "Start", 10.13.4 "Which parity").
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_sim

for d in 20000 100000; do
	r=d$d
	sim "$r" -n 1 --port-rate 20M --port-queue 256k --delay $d \
	    --size 8M --seed 1 -t 5
	sim_whole "$r" 1
	jq -e '.repeat_pct + .parity_pct < 33' "$T/$r" >/dev/null ||
	    fail "delay $d us: repairs $(jq '.repeat_pct + .parity_pct' \
	    "$T/$r")% of the stream"
	jq -e '.parity_pct < 15' "$T/$r" >/dev/null ||
	    fail "delay $d us: parity $(jq .parity_pct "$T/$r")% of the stream"
done
pass
