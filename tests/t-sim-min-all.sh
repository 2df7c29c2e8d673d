#!/bin/sh
# --min-rate drops a client behind the others, not a room that all
# writes slower than the rate (PROTOCOL.txt 10.9, Output rate): the
# simulator (virtual time), --min-rate 500M -t 2, 128 MiB, seed 1.
# Eight clients, 5-8 behind 100 Mbit/s ports, 1-4 writing out at 300
# Mbit/s (--slow 1-4:300M, disks slower than the rate): behind what was
# sent, every client was short and all eight were dropped, the server's
# exit 1 (tried; on the namespace LAN three fast clients writing as
# fast as a busy server sent were dropped so).  Now the lead is what
# half the clients have written: 5-8 are dropped with the message,
# 1-4 are intact, the server exits 3.  Four clients all writing at 300
# Mbit/s: nobody is dropped, the server exits 0.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_sim

sim m -n 8 --server-rate 1G --port-rate 5-8:100M --slow 1-4:300M \
    --min-rate 500M -t 2 --size 128M --seed 1 -v
jq -e '.server_exit == 3 and .intact == 4 and .dropped_clients == 4' \
    "$T/m" >/dev/null ||
    fail "not clients 5-8 alone dropped: $(jq -c '[.server_exit, .intact, .dropped_clients]' "$T/m")"
n=$(grep -c 'dropped: .* below --min-rate 500' "$T/m.err")
[ "$n" -eq 4 ] || fail "$n drops for --min-rate, not 4"
echo "clients 5-8 dropped, 1-4 intact"

sim a -n 4 --server-rate 1G --slow 1-4:300M --min-rate 500M -t 2 \
    --size 128M --seed 1
sim_whole a 4
echo "all four writing at 300 Mbit/s: none dropped"
pass
