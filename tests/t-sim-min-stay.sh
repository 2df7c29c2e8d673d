#!/bin/sh
# Left behind stays left behind (PROTOCOL.txt 10.9): the simulator
# (virtual time), 8 clients, the server's port 1 Gbit/s, clients 5-8
# behind 100 Mbit/s ports, --min-rate 500M -t 2, 128 MiB, seed 1, the
# input at once for its first 32 MiB and then at 300 Mbit/s
# (--server-read 300M+32M: a disk, or a busy server, that falls below
# the rate).  Clients 5-8 are left behind while 1-4 take 500 Mbit/s;
# once the input slows no client does, and a left-behind client was
# taken back in: the ring had let go of what it lacked, so it held the
# window for good until dropped, and the room stalled: 226.6% of the
# 100 Mbit/s bottleneck, 45% repeated (tried; on the namespace LAN a
# room so stalled at 1 Mbit/s for 50 s).  Now a client stays left
# behind until its own best is the rate: clients 5-8 are dropped with
# the message, 1-4 are intact at the input's pace, 280% at least
# (320.5%), repeats and parity under 10% (4.3%).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_sim

sim m -n 8 --server-rate 1G --server-queue 1536k --port-rate 5-8:100M \
    --min-rate 500M -t 2 --size 128M --server-read 300M+32M --seed 1 -v
jq -e '.server_exit == 3 and .intact == 4 and .dropped_clients == 4' \
    "$T/m" >/dev/null ||
    fail "not clients 5-8 dropped: $(jq -c '[.server_exit, .intact, .dropped_clients]' "$T/m")"
n=$(grep -c 'dropped: output .* below --min-rate 500' "$T/m.err")
[ "$n" -eq 4 ] || fail "$n drops for --min-rate, not 4"
jq -e '.goodput_pct >= 280 and .repeat_pct + .parity_pct < 10' "$T/m" \
    >/dev/null ||
    fail "the room stalled: $(jq -c '[.goodput_pct, .repeat_pct, .parity_pct]' "$T/m")"
echo "clients 5-8 dropped; $(jq .goodput_pct "$T/m")% of 100 Mbit/s, $(jq '.repeat_pct + .parity_pct' "$T/m")% repaired"
pass
