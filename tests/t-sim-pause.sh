#!/bin/sh
# With --min-rate, a client's pause shorter than the timeout drops
# nobody, even when it pauses while the room is still speeding up
# (PROTOCOL.txt 10.9, Left behind): the simulator (virtual time), 3
# clients on 1 Gbit/s, --min-rate 500M -t 3, 128 MiB, seed 1, client 2
# stopped (as by SIGSTOP) from 40 ms to 1.2 s.  Its best delivery rate
# was then still below 500 Mbit/s; the rounds it sent no report in used
# to count as rounds below the rate, so it was left behind after three
# of them (0.6 s) and dropped "when the others had the whole stream"
# (server exit 3).  A round it does not report in now counts neither
# way: all three intact, the server's exit 0.  The same pause past the
# timeout (to 4.5 s) drops it.  (Over loopback, tests/t-min-rate's
# SIGSTOP pause, after its input had stalled, failed so in 1 of 4 runs
# on a loaded machine.)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_sim

sim p -n 3 --min-rate 500M -t 3 --stop 2:0.04:1.2 --size 128M --seed 1 -v
sim_whole p 3
grep -q 'dropped' "$T/p.err" && fail "a client was dropped: $(grep -m 1 dropped "$T/p.err")"
echo "paused 1.16 s: all intact, $(jq .goodput_pct "$T/p")% of the link"

sim long -n 3 --min-rate 500M -t 3 --stop 2:0.04:4.5 --size 128M --seed 1
jq -e '.intact == 2 and .server_exit == 3 and .dropped_clients == 1' "$T/long" >/dev/null ||
    fail "paused 4.46 s, past -t 3: not one client dropped: $(head -n 3 "$T/long.all")"
echo "paused 4.46 s: dropped"
pass
