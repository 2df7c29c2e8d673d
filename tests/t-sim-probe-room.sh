#!/bin/sh
# A probe that finds room (PROTOCOL.txt 10.8, "The probe found room"):
# the simulator (virtual time), 4 clients, the server's port 1 Gbit/s
# (1.5 MiB queue), 1% loss at each client, 64 MiB, seed 1, standard
# input read at 200 Mbit/s for its first 16 MiB (--server-read
# 200M:16M).  Startup ends at the input's pace, 201 Mbit/s, after its
# half second (SELF_MOST); the input then gives 1 Gbit/s, and the
# cycle's probe of 1.25 a round in eight took a second to climb to the
# link: 29.8% (tried, the rule off).  A probe whose delivery grows with
# it (1.1 times or more, by the drain's end) finds the path not full:
# startup again, to the link: 40% at least (45.4%; the input alone
# allows about 50%).  A full link delivers no more to a probe: the same
# room with any input never goes back to startup.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_sim

room="-n 4 --server-rate 1G --server-queue 1536k --size 64M --loss 1% --seed 1"
# shellcheck disable=SC2086
sim r $room --server-read 200M:16M -v -v
sim_whole r 4
again=$(grep -m 1 'the probe found room: startup' "$T/r.err") ||
    fail "no probe found room after the input sped up"
echo "$again"
jq -e '.goodput_pct >= 40' "$T/r" >/dev/null ||
    fail "$(jq .goodput_pct "$T/r")% of the link, 40% at least"
echo "input slow at first: $(jq .goodput_pct "$T/r")% of the link"

# shellcheck disable=SC2086
sim f $room -v -v
sim_whole f 4
grep -m 1 'the probe found room' "$T/f.err" &&
    fail "a probe found room in a full link"
jq -e '.goodput_pct >= 90' "$T/f" >/dev/null ||
    fail "the full link: $(jq .goodput_pct "$T/f")%"
pass
