#!/bin/sh
# Rev. 1's rate in a large room (PROTOCOL.txt 10.8): 100 clients in the
# simulator (tests/sim), 1 Gbit/s, 1% random loss at each, 8 MiB,
# 4 MiB windows, seeds 2 and 3.  Some clients pass the loss test by
# chance in every round of such a room; taken for the room's congestion
# they ended startup at its first round, at 250 Mbit/s, and the probes
# took seconds to find the link: 15% of it (rev1.c s_round, at
# c3b9b98).  The room must get all 100 intact, exit 0, and the stream
# at more than 35% of the link (47% when the room's loss is judged as
# one).  No network: a few seconds.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

SIM=$NETPIPE_TOP/tests/sim/sim
[ -x "$SIM" ] || skip "tests/sim/sim is not built (make tests/sim/sim)"
command -v jq >/dev/null || skip "needs jq to parse the simulator's JSON"

rev default
for seed in 2 3; do
	timeout 120 "$SIM" -n 100 --window 4M --loss 1% --size 8M \
	    --seed "$seed" >"$T/r$seed.all" 2>"$T/r$seed.err" ||
	    fail "sim seed $seed: exit $? $(tail -n 3 "$T/r$seed.err")"
	tail -n 1 "$T/r$seed.all" >"$T/r$seed"
	head -n 3 "$T/r$seed.all"
	jq -e '.intact == 100 and .server_exit == 0' "$T/r$seed" >/dev/null ||
	    fail "seed $seed: not all intact: $(head -n 3 "$T/r$seed.all")"
	jq -e '.goodput_pct > 35' "$T/r$seed" >/dev/null ||
	    fail "seed $seed: goodput $(jq .goodput_pct "$T/r$seed")% of the link, 35% at least"
done
pass
