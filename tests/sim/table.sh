#!/bin/sh
# netpipe: tests/sim/table.sh: the simulator's table (make sim).
#
#	tests/sim/table.sh [-n "clients ..."] [-l "loss% ..."] [-- sim option ...]
#
# Runs tests/sim/sim once for each number of clients (-n, default
# "1 10 100 1000") and each loss (-l, default "0 1", percent at every
# client's port): Rev. 1, a 16 MiB stream, 1 Gbit/s server and client
# ports, seed 1, unless the sim options after -- say otherwise (they
# go to every run, after these).  Prints one row a run:
#
#   N        clients              window   each client's, bytes
#   loss     % at each client     intact   clients with the whole stream
#   virt s   virtual seconds, all hosts done
#   srv s    virtual seconds to the server's exit (what goodput is over)
#   goodput  % of the bottleneck (bench/bench.sh's measure)
#   xfer     goodput % after the seek phase
#   repeat   % of the blocks sent again
#   parity   parity blocks sent, % of the blocks
#   rx/s     datagrams the server handled a virtual second
#   wall s   real seconds; cpu s: user + system seconds
#
# Copyright (C) 2026 the netpipe authors
# SPDX-License-Identifier: GPL-2.0-or-later

set -u

SIM=$(cd "$(dirname "$0")" && pwd)/sim
NS="1 10 100 1000"
LOSSES="0 1"
while getopts n:l: o; do
	case $o in
	n) NS=$OPTARG ;;
	l) LOSSES=$OPTARG ;;
	*) echo "usage: tests/sim/table.sh [-n clients] [-l losses] [-- sim option ...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -x "$SIM" ] || { echo "table.sh: $SIM is not built (make tests/sim/sim)" >&2; exit 1; }

# field JSON NAME: a number or string field of the simulator's flat JSON.
field() {
	printf '%s\n' "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p"
}

printf '%5s %5s %9s %9s %7s %7s %7s %6s %7s %7s %8s %7s %7s\n' N loss \
    window intact "virt s" "srv s" goodput xfer repeat parity rx/s "wall s" \
    "cpu s"
st=0
for n in $NS; do
	for l in $LOSSES; do
		out=$("$SIM" -n "$n" --loss "$l%" --size 16M --server-rate 1G \
		    --port-rate 1G --seed 1 "$@") || st=1
		j=$(printf '%s\n' "$out" | tail -n 1)
		case $j in
		"{"*) ;;
		*) echo "table.sh: sim -n $n --loss $l% $*: $out" >&2
		   st=1
		   continue ;;
		esac
		printf '%5s %4s%% %9s %9s %7.3f %7.3f %6.1f%% %5.1f%% %6.1f%% %6.1f%% %8s %7s %7s\n' \
		    "$n" "$l" "$(field "$j" window)" \
		    "$(field "$j" intact)/$n" "$(field "$j" virtual_s)" \
		    "$(field "$j" server_s)" "$(field "$j" goodput_pct)" \
		    "$(field "$j" transfer_goodput_pct)" \
		    "$(field "$j" repeat_pct)" "$(field "$j" parity_pct)" \
		    "$(field "$j" server_rx_per_s)" \
		    "$(field "$j" wall_s)" "$(field "$j" wall_cpu_s)"
	done
done
exit $st
