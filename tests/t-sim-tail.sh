#!/bin/sh
# The stream's tail, in the simulator (virtual time, no network): one
# client behind a 100 Mbit/s switch port, 20 ms each way, 1 % loss,
# 32 MiB, Rev. 1, seed 6, -t 5.  Near the end the stream's last block
# and parity sent with it are lost; the client asks for that parity
# again and again, and the server must send it once it is overdue.
# Before, each later report of the client's newest block (nothing newer
# came) made the delivery delay look longer, the parity looked on its
# way for ever, and the client was dropped after 5 s without progress
# (PROTOCOL.txt 10.13, rev1.c s_fdelay).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_sim

sim tail -n 1 --port-rate 100M --delay 20000 --loss 1% --size 32M \
    --seed 6 -t 5
sim_whole tail 1
pass
