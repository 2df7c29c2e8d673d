#!/bin/sh
# --min-rate and a queue before a slow client's port (PROTOCOL.txt
# 10.9): the simulator (virtual time), 3 clients, the server's port 1
# Gbit/s (1.5 MiB queue), client 3 behind a 20 Mbit/s port (128 KiB
# queue), standard input read at 60 Mbit/s for its first 6 MiB (no
# client's best reaches 100 Mbit/s before), --min-rate 100M -t 3, 24
# MiB, seed 1.  The queue that stood before client 3's port made the
# room yield to it (10.8) until no client's best was 100 Mbit/s: none
# took the rate, client 3 was never left behind, the room followed it
# for 12.1 s and the server exited 0 (tried; tests/t-ns-min-rate failed
# so once on the namespace LAN).  A client below the rate moves the
# rate neither by its loss nor by its queue: client 3 is dropped, the
# server exits 3 in well under the 10 s its port needs, -v never yields
# to a queue before it, and clients 1 and 2 are intact.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_sim

sim q -n 3 --server-rate 1G --server-queue 1536k --port-rate 3:20M \
    --port-queue 128k --server-read 60M:6M --min-rate 100M -t 3 \
    --size 24M --seed 1 -v -v
jq -e '.server_exit == 3 and .intact == 2 and .dropped_clients == 1' \
    "$T/q" >/dev/null ||
    fail "client 3 was not dropped: $(jq -c '[.server_exit, .intact, .dropped_clients]' "$T/q")"
grep -E 'client 10\.1\.0\.3:[0-9]+ dropped: .* below --min-rate 100' \
    "$T/q.err" || fail "no drop message for client 3"
grep 'queue stands before 10\.1\.0\.3:' "$T/q.err" | head -n 3 | grep . &&
    fail "the rate moved for a queue before client 3, below --min-rate"
jq -e '.virtual_s < 6' "$T/q" >/dev/null ||
    fail "the room waited for client 3: $(jq .virtual_s "$T/q") s"
echo "client 3 dropped at $(jq .virtual_s "$T/q") s (virtual)"
pass
