#!/bin/sh
# netpipe: bench/bench.sh: netpipe against udpcast and TCP on a
# namespace LAN.
#
# Builds a LAN of network namespaces (a bridge, a server, clients;
# nothing leaves them: bench/room-lib.sh says how, with its queues and
# loss) and runs netpipe (Rev. 1), udpcast (udp-sender / udp-receiver)
# and TCP (iperf3, one client) on the same data and paths, one after
# the other in one run.  Clients not in a case have their ports down
# (they would take in the broadcast too).  Root only.  Speeds are
# measured side by side in one run: on a shared machine only the
# ratios mean much.
#
#   bench/bench.sh -c case[,case...] [-n runs] [-s size] [-t tools]
#                  [-u pct] [-L dir]
#   bench/bench.sh -c list
#   bench/bench.sh [-q] [-r runs] [-S [-L dir] | -K]
#
#   -c cases  the issue 11 cases (-c list names them; all: every one),
#             each netpipe beside udpcast (--max-bitrate told the
#             bottleneck's rate) and iperf3 (TCP, one client, the same
#             path); prints one Markdown table (the command line and
#             the commit above it): goodput as % of the bottleneck
#             (stream bytes over the server's time, start to exit,
#             the clients already waiting), median and range of the
#             runs; repeats (+ parity) as % of the blocks (netpipe's
#             --stats; udpcast's re-xmits; TCP's retransmitted
#             segments); the median wall time; the longest stretch
#             below half the link (the clients' output, sampled every
#             0.1 s, in one-second windows; netpipe's rate decisions
#             from its -v log, and the longest time below half since
#             a decision last gave loss as its reason), the worst run;
#             every run's exit statuses and each client's copy (cmp
#             with the input; iperf3: both ends exit 0).  The
#             simulator's figures (case sim) close the table.
#   -n runs   each row this many times (default 3); -r is the same
#   -s size   every LAN case's stream (bytes; k, M, G: powers of 1024)
#             instead of its own size, and the simulator's if smaller
#             than its 16M: for short checks (-n 1 -s 16M)
#   -t tools  netpipe,udpcast,tcp (default all three)
#   -u pct    udpcast's --max-bitrate in % of the bottleneck (100)
#   -L dir    keep each run's files in dir as CASE-TOOL-R.*: the
#             server's log (netpipe -s -v, every line stamped with the
#             seconds since it started: every rate decision), its
#             --stats, the clients' stderr and --stats, the progress
#             samples, the qdiscs' counters (.tc), the loss rule's
#             counters (.nft), CPU times (.time); and table.md
#   -q        (old cases) a short run (64 MiB, no 5 GiB case)
#   -K        instead of the cases, netpipe with and without a shared
#             key (-k): 1 Gbit/s server port with 4 clients and with 1
#             (each host's own load, without four clients' share of
#             this machine's cores), and 1 client unshaped
#   -S        instead of the cases, the simulator beside the LAN:
#             1, 4 and 16 clients behind 100 Mbit/s switch ports, the
#             server's port 1 Gbit/s, 0% and 1% loss at each client;
#             netpipe on the LAN and tests/sim/sim with the same model,
#             medians of the runs (tests/sim/README has the table)
#   -r runs   run each case this many times (default 3, 1 with -q) and
#             show the run of median goodput: the machine is shared and
#             one run can be caught by a neighbour's burst of work
#
# The environment may name the binaries: NP (default ./netpipe), SIM
# (default tests/sim/sim); UDPSX adds options to udp-sender's (with
# -c: --interface np0 --nokbd --min-receivers N --max-bitrate RATE
# --full-duplex --rexmit-hello-interval 50, the last because without
# it udpcast's receivers, started first, wait about 2 s for the
# sender's hello; receivers: --interface np0 --nokbd --nosync).
#
# Without -c or -S: the old table (1G server port, 4 clients, clean
# and 1%; 1G client ports; unshaped 1 and 8 clients; a 5 GiB stream).
#
# Copyright (C) 2026 the netpipe authors
# SPDX-License-Identifier: GPL-2.0-or-later

set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
NP=${NP:-$TOP/netpipe}		# the environment may name others
SIM=${SIM:-$TOP/tests/sim/sim}
SIZE=$((256 * 1024 * 1024))
BIG=$((5 * 1024 * 1024 * 1024))
SIZE0=$((32 * 1024 * 1024))	# Rev. 0 is slow: a smaller stream
LINK=1000000000			# bit/s of the shaped link
PFX=npb$$
NET=10.231.77
QUICK=0
SIMCMP=0
RUNS=
KEEP=
CASES=
SIZEALL=
TOOLS="netpipe udpcast tcp"
UDPPCT=100
CMDLINE="bench/bench.sh $*"
KEYCMP=0
while getopts qr:n:SL:c:s:t:u:K o; do
	case $o in
	K) KEYCMP=1 ;;
	q) QUICK=1 SIZE=$((64 * 1024 * 1024)) SIZE0=$((8 * 1024 * 1024)) ;;
	r|n) RUNS=$OPTARG ;;
	S) SIMCMP=1 ;;
	L) KEEP=$OPTARG ;;
	c) CASES=$(echo "$OPTARG" | tr , ' ') ;;
	s) SIZEALL=$OPTARG ;;
	t) TOOLS=$(echo "$OPTARG" | tr , ' ') ;;
	u) UDPPCT=$OPTARG ;;
	*) cat >&2 <<EOF
usage: bench/bench.sh -c case[,case...] [-n runs] [-s size] [-t tools]
                      [-u pct] [-L dir]
       bench/bench.sh -c list
       bench/bench.sh [-q] [-r runs] [-S [-L dir] | -K]
EOF
	   exit 2 ;;
	esac
done
[ -z "$RUNS" ] && { [ $QUICK = 1 ] && RUNS=1 || RUNS=3; }
. "$TOP/bench/room-cases.sh"	# -c list stops here

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
[ -x "$NP" ] || die "build netpipe first (make)"
command -v udp-sender >/dev/null || die "needs udpcast (apt-get install udpcast)"
command -v nft >/dev/null || die "needs nftables (apt-get install nftables)"

W=$(mktemp -d /dev/shm/npbench.XXXXXX) || exit 1
NCL=0

cleanup() {
	for ns in $(ip netns list | awk '{print $1}' | grep "^$PFX"); do
		for p in $(ip netns pids "$ns"); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$ns"
	done
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

. "$TOP/bench/room-lib.sh"

# run TOOL N IN LABEL: one transfer of file IN to clients 1..N; appends
# a row to $W/table.  Wall time is the server's, start to exit, with the
# clients already waiting, read inside the server's namespace.
run() {
	tool=$1 n=$2 in=$3 label=$4
	size=${BIGSIZE:-$(stat -c %s "$in")}
	# A run slower than 5 MB/s has failed (udpcast can hang on loss).
	LIMIT=$((30 + size / 5000000))
	rm -f "$W"/out* "$W"/c*.time "$W"/s.*
	for i in $(seq 1 "$n"); do
		case $tool in
		netpipe)  set -- "$NP" -c ;;
		netpipek) set -- "$NP" -c -k "$W/key" ;;
		netpipe0) set -- "$NP" -c -q -0 ;;
		udpcast)  set -- udp-receiver --interface np0 --nokbd \
		    --nosync -f /dev/stdout ;;
		esac
		ip netns exec $PFX-c$i /usr/bin/time -f "%U %S %M" \
		    -o "$W/c$i.time" timeout $((LIMIT + 10)) "$@" \
		    >"${SINK:-$W/out$i}" \
		    2>"$W/c$i.err" &
	done
	sleep 1
	case $tool in
	netpipe)  set -- ${KEEP:+"$W/stamp"} "$NP" -s -v -i np0 -n "$n" ;;
	netpipek) set -- "$NP" -s -v -i np0 -n "$n" -k "$W/key" ;;
	netpipe0) set -- "$NP" -s -0 -i np0 -n "$n" ;;
	udpcast)  set -- udp-sender --interface np0 --nokbd \
	    --min-receivers "$n" $UDPCAST_OPTS -f "$in" ;;
	esac
	# The clock is read inside the namespace: entering it is not the
	# tool's time.
	st0=$(head -n 1 /proc/stat)
	ip netns exec $PFX-s sh -c 'w=$1; shift; date +%s%N >"$w/t0"
	    /usr/bin/time -f "%U %S %M" -o "$w/s.time" "$@"
	    date +%s%N >"$w/t1"' sh "$W" timeout $LIMIT "$@" <"$in" \
	    >/dev/null 2>"$W/s.err"
	st1=$(head -n 1 /proc/stat)
	t0=$(cat "$W/t0") t1=$(cat "$W/t1")
	# The whole machine's cores busy over the transfer, in %: all the
	# hosts, the bridge and the kernel's work for them, and anything
	# else running.
	busy=$(printf '%s\n%s\n' "$st0" "$st1" | awk '{
		t = 0; for (i = 2; i <= NF; i++) t += $i
		idle = $5 + $6
		if (NR == 1) { t0 = t; i0 = idle } else { t1 = t; i1 = idle } }
		END { printf "%.0f", (t1 > t0 ? 100 * (1 - (i1 - i0) / (t1 - t0)) : 0) }')
	wait
	ok=ok
	for i in $(seq 1 "$n"); do
		if [ -n "${SINK:-}" ]; then
			grep -q "received $size bytes" "$W/c$i.err" || ok=BAD
		else
			cmp -s "$in" "$W/out$i" || ok=BAD
		fi
	done
	rtx=n/a
	case $tool in
	netpipe*) rtx=$(sed -n 's/.* \([0-9.]*\)% repeated.*/\1/p' \
	    "$W/s.err")
		# Parity on demand's parity blocks are repairs too.
		par=$(sed -n 's/.* \([0-9.]*\)% parity$/\1/p' "$W/s.err")
		[ -n "$rtx" ] && [ -n "$par" ] &&
		    rtx=$(awk -v r="$rtx" -v p="$par" \
		    'BEGIN { printf "%.2f", r + p }')
		[ -z "$rtx" ] && rtx=$(sed -n 's/.*, \([0-9]*\) repeats.*/\1/p' \
		    "$W/s.err") && [ -n "$rtx" ] && \
		    rtx=$(awk -v r="$rtx" -v s="$size" \
		    'BEGIN { printf "%.2f", 100 * r / (s / 1459) }') ;;
	udpcast) rtx=$(sed -n 's/.*re-xmits=[0-9]* *( *\([0-9.]*\)%.*/\1/p' \
	    "$W/s.err" | tail -n 1) ;;
	esac
	[ -z "$rtx" ] && rtx=n/a
	ccpu=$(cat "$W"/c*.time | awk '{ s += $1 + $2 } END { printf "%.2f", s }')
	crss=$(cat "$W"/c*.time | awk '$3 > m { m = $3 } END { print m }')
	read -r su ss srss <"$W/s.time"
	awk -v l="$label" -v t="$tool" -v n="$n" -v sz="$size" \
	    -v ns=$((t1 - t0)) -v su="$su" -v ss="$ss" -v srss="$srss" \
	    -v ccpu="$ccpu" -v crss="$crss" -v rtx="$rtx" -v ok="$ok" \
	    -v link="$LINK" -v shaped="$SHAPED" -v busy="$busy" 'BEGIN {
		s = ns / 1e9; gp = sz / s
		pct = shaped ? sprintf("%.1f", 100 * gp * 8 / link) : "-"
		printf "%.0f\t%-22s %-9s %2d %8.2f %9.1f %6s %7.2f %7.2f %6.1f %6.1f %6s %5s %s\n",
		    gp, l, t, n, s, gp / 1e6, pct, su + ss, ccpu, srss / 1024,
		    crss / 1024, rtx, busy, ok
	}' >>"$W/rows"
	echo "$label $tool: $(tail -n 1 "$W/rows" | cut -f 2-)" >&2
	[ -n "$KEEP" ] && [ -n "${KEEPAS:-}" ] && keep
	return 0
}

keep() {	# -L: this run's logs, as $KEEPAS-R.*
	k=1
	while [ -e "$KEEP/$KEEPAS-$k.s.err" ]; do k=$((k + 1)); done
	cp "$W/s.err" "$KEEP/$KEEPAS-$k.s.err"
	for f in "$W"/c*.err; do
		cp "$f" "$KEEP/$KEEPAS-$k.$(basename "$f")"
	done
	# The qdiscs' counters (since the LAN was built) and CPU times.
	{ tc -s -n $PFX-s qdisc show dev np0
	  for i in $(seq 1 $NCL); do
		tc -s -n $PFX-br qdisc show dev pc$i
	  done; } >"$KEEP/$KEEPAS-$k.tc" 2>&1
	cat "$W/s.time" "$W"/c*.time >"$KEEP/$KEEPAS-$k.time" 2>/dev/null
}

# runm TOOL N IN LABEL: run RUNS times; the run of median goodput goes
# into the table (a failed check in any run shows there).
runm() {
	use "$2"
	: >"$W/rows"
	for r in $(seq 1 "$RUNS"); do
		run "$@"
	done
	bad=$(cut -f 2- "$W/rows" | grep -c 'BAD$')
	sort -n "$W/rows" | sed -n "$(( (RUNS + 1) / 2 ))p" | cut -f 2- |
	    { if [ "$bad" -gt 0 ]; then sed 's/ok$/BAD/'; else cat; fi; } \
	    >>"$W/table"
}

ratio() {	# ratio LABEL: netpipe's goodput over udpcast's
	awk -v l="$1" 'index($0, l) == 1 {
		split(substr($0, 24), f, " ")	# after the 22-column label
		if (f[1] == "netpipe") { a = f[4]; abad = $NF == "BAD" }
		if (f[1] == "udpcast") { b = f[4]; bbad = $NF == "BAD" }
	} END {
		if (!a || !b)
			exit
		note = ""
		if (bbad)
			note = " (udpcast failed a check)"
		if (abad)
			note = " (netpipe failed a check)"
		printf "%-22s netpipe/udpcast = %.2f%s\n", l, a / b, note
	}' "$W/table"
}

# simrun N LOSS%: the simulator on the model of the LAN's case, RUNS
# seeds; prints the median's goodput % of the link and repeat % (with
# parity blocks).
simrun() {
	for r in $(seq 1 "$RUNS"); do
		"$SIM" -n "$1" --loss "$2" --port-rate 100M \
		    --port-queue 512k --server-rate 1G --server-queue 1536k \
		    --size "$SIMSIZE" --seed "$r" | tail -n 1 |
		    jq -r '"\(.goodput_pct) \(.repeat_pct + (.parity_pct // 0)) \(.intact)"'
	done | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}

# -S: the simulator beside the LAN, case by case, with the LAN's
# queues (bench/room-lib.sh, "Queues").
simcmp() {
	SIMSIZE=$((32 * 1024 * 1024))
	[ -x "$SIM" ] || die "build the simulator first (make sim)"
	command -v jq >/dev/null || die "needs jq"
	if [ -n "$KEEP" ]; then
		mkdir -p "$KEEP" || die "cannot make $KEEP"
		mkstamp
	fi
	head -c "$SIMSIZE" /dev/urandom >"$W/data"
	lan 16
	: >"$W/table"
	SHAPED=1 LINK=100000000
	shape on; shapec on 100M
	for l in 0 10; do
		loss $l
		for n in 1 4 16; do
			label="100M ports, $n cl, $((l / 10))%"
			KEEPAS=${n}c$((l / 10))
			runm netpipe "$n" "$W/data" "$label"
			lanrow=$(tail -n 1 "$W/table")
			set -- $(simrun "$n" "$((l / 10))%")
			printf '%-22s LAN %6s%% %6s%%   sim %6.1f%% %6.2f%% %s/%s\n' \
			    "$label" "$(echo "$lanrow" | awk '{ print $(NF - 6) }')" \
			    "$(echo "$lanrow" | awk '{ print $(NF - 1) }')" \
			    "$1" "$2" "$3" "$n" >>"$W/cmp"
		done
	done
	echo "case                   LAN goodput, repeats   sim goodput, repeats, intact"
	cat "$W/cmp"
	echo "runs: $RUNS a case (LAN: the run of median goodput; sim: seeds 1..$RUNS, median)"
}

if [ -n "$CASES" ]; then
	cases
	exit 0
fi

if [ $SIMCMP = 1 ]; then
	simcmp
	exit 0
fi

head -c "$SIZE" /dev/urandom >"$W/data"
head -c "$SIZE0" "$W/data" >"$W/data0"
lan 8
: >"$W/table"

if [ $KEYCMP = 1 ]; then
	"$NP" --genkey "$W/key" || die "netpipe --genkey"
	SHAPED=1; shape on; loss 0
	runm netpipe 4 "$W/data" "1G, 4 clients"
	runm netpipek 4 "$W/data" "1G, 4 clients"
	runm netpipe 1 "$W/data" "1G, 1 client"
	runm netpipek 1 "$W/data" "1G, 1 client"
	shape off
	SHAPED=0
	runm netpipe 1 "$W/data" "unshaped, 1 client"
	runm netpipek 1 "$W/data" "unshaped, 1 client"
	printf '%-22s %-9s %2s %8s %9s %6s %7s %7s %6s %6s %6s %5s %s\n' \
	    case tool n seconds "MB/s" "%link" "srvCPU" "cliCPU" "srvMB" \
	    "cliMB" "rtx%" "busy%" check
	cat "$W/table"
	echo "busy%: this machine's cores busy over the transfer (every host,"
	echo "the bridge, the kernel's work for them, and any neighbour)."
	exit 0
fi

# udpcast's best settings on this LAN, found by trying its rate and
# duplex options: a rate just under the link when shaped, else none.
SHAPED=1; shape on; loss 0
UDPCAST_OPTS="--max-bitrate 950m --full-duplex"
runm netpipe 4 "$W/data" "1G, 4 clients"
runm udpcast 4 "$W/data" "1G, 4 clients"
runm netpipe0 4 "$W/data0" "1G, 4 clients"
loss 10
runm netpipe 4 "$W/data" "1G, 4 cl, 1% loss"
runm udpcast 4 "$W/data" "1G, 4 cl, 1% loss"
loss 0
# The narrow links are the switch's ports to the clients, not the
# server's own: nothing holds the server back but its rate control.
shape off; shapec on
runm netpipe 4 "$W/data" "1G client ports, 4 cl"
runm udpcast 4 "$W/data" "1G client ports, 4 cl"
shapec off
SHAPED=0
UDPCAST_OPTS="--full-duplex"
runm netpipe 1 "$W/data" "unshaped, 1 client"
runm udpcast 1 "$W/data" "unshaped, 1 client"
runm netpipe 8 "$W/data" "unshaped, 8 clients"
runm udpcast 8 "$W/data" "unshaped, 8 clients"
if [ $QUICK = 0 ]; then
	rm -f "$W/data0"
	# 5 GiB through a pipe, not stored: the memory is of interest.
	mkfifo "$W/big"
	(head -c "$BIG" /dev/zero >"$W/big") &
	BIGSIZE=$BIG SINK=/dev/null RUNS=1 runm netpipe 1 "$W/big" "5 GiB stream"
fi

printf '%-22s %-9s %2s %8s %9s %6s %7s %7s %6s %6s %6s %5s %s\n' \
    case tool n seconds "MB/s" "%link" "srvCPU" "cliCPU" "srvMB" "cliMB" \
    "rtx%" "busy%" check
cat "$W/table"
echo
for l in "1G, 4 clients" "1G, 4 cl, 1% loss" "1G client ports, 4 cl" \
    "unshaped, 1 client" "unshaped, 8 clients"; do
	ratio "$l"
done
echo "seconds: server start to exit, read in its namespace;"
echo "MB/s: 10^6 bytes of stream a second;"
echo "runs: $RUNS a case, the one of median goodput shown;"
echo "%link: of 1 Gbit/s; CPU: user+sys seconds (clients summed);"
echo "MB: peak RSS (clients: the largest); rtx%: repeats of data packets"
echo "(netpipe: and parity blocks, Rev. 1's parity on demand);"
echo "busy%: this machine's cores busy over the transfer (every host,"
echo "the bridge, the kernel's work for them, and any neighbour)."
