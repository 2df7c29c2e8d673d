#!/bin/sh
# Startup ends when a queue grows (PROTOCOL.txt 10.8, Startup): the
# simulator (virtual time), 16 clients behind 100 Mbit/s switch ports
# (512 KiB queues), a server that can send only 160 Mbit/s (its own
# port, a 64 KiB queue: as a server short of CPU on the namespace
# LAN), no loss, 64 MiB, seed 1.  More than half of what it sends
# arrives, so "half of it arrives" never ended startup: it went on to
# "delivery flat", three rounds on, with the ports' queues overflowing:
# 2.1% of the blocks repaired (tried).  Now the newest blocks' wait, from the clients'
# reports' age, ends it a round in: "startup ends: a queue grows", and
# at most 1% repaired (0.19%).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_sim

sim q -n 16 --server-rate 160M --server-queue 64k --port-rate 100M \
    --port-queue 512k --size 64M --seed 1 -v -v
sim_whole q 16
grep -m 1 'startup ends' "$T/q.err"
grep -q 'startup ends: a queue grows' "$T/q.err" ||
    fail "startup did not end on the queue: $(grep -m 1 'startup ends' "$T/q.err")"
jq -e '(.repeats + .parity) <= 0.01 * .blocks' "$T/q" >/dev/null ||
    fail "repaired $(jq '100 * (.repeats + .parity) / .blocks' "$T/q")% of the blocks, 1% at most"
echo "repaired $(jq '100 * (.repeats + .parity) / .blocks' "$T/q")% of the blocks, $(jq .goodput_pct "$T/q")% of the link"
pass
