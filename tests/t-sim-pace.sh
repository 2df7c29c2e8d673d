#!/bin/sh
# A server held back by its own input (PROTOCOL.txt 10.8, Startup):
# the simulator (virtual time), 4 clients, the server's port 1 Gbit/s
# (1.5 MiB queue), no loss, 64 MiB, seed 1, standard input a file read
# from a disk at 300 Mbit/s for its first 12 MiB (--server-read
# 300M:12M; on the namespace LAN the server's reads took as long in a
# run's first tenth of a second).  A read blocks the server: it sends
# less than its rate, all of it arrives, its port has room.  Startup
# took that for the path, ended "delivery flat" at 301 Mbit/s and the
# probe cycle then took a second to climb to the link: 36.8% (tried).
# Now such a round is no flat round: startup ends at the link, 55% at
# least (66.5%; the input alone allows 68%).  The input at 400 Mbit/s
# for good: 35% at least (38.6%; a read of 1 MiB then a send of at
# most 256 KiB, the pacer's most after a late wake: 14.6%, tried).
# And the same room with any input: its port full, the sends wait, the
# round is flat as ever: startup ends.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_sim

room="-n 4 --server-rate 1G --server-queue 1536k --size 64M --seed 1"
# shellcheck disable=SC2086
sim r $room --server-read 300M:12M -v -v
sim_whole r 4
end=$(grep -m 1 'startup ends' "$T/r.err") || fail "startup never ended"
echo "$end"
bw=$(echo "$end" | sed -n 's/.* x \([0-9.]*\) Mbit\/s reaching.*/\1/p')
[ -n "$bw" ] || fail "no btlbw in: $end"
awk -v b="$bw" 'BEGIN { exit !(b >= 800) }' ||
    fail "startup ended at $bw Mbit/s, the input's pace, not the link's"
jq -e '.goodput_pct >= 55' "$T/r" >/dev/null ||
    fail "$(jq .goodput_pct "$T/r")% of the link, 55% at least"
echo "input slow at first: $(jq .goodput_pct "$T/r")% of the link"

# shellcheck disable=SC2086
sim s $room --server-read 400M
sim_whole s 4
jq -e '.goodput_pct >= 35' "$T/s" >/dev/null ||
    fail "input at 400 Mbit/s: $(jq .goodput_pct "$T/s")% of the link, 35% at least"
echo "input at 400 Mbit/s: $(jq .goodput_pct "$T/s")% of the link"

# shellcheck disable=SC2086
sim h $room -v -v
sim_whole h 4
grep -m 1 'startup ends' "$T/h.err" ||
    fail "the server's own port full: startup never ended"
pass
