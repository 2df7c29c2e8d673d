#!/bin/sh
# netpipe: bench/bench.sh: netpipe against udpcast on a namespace LAN.
#
# Builds a LAN of network namespaces (a bridge, a server, up to 8
# clients; nothing leaves them), then runs netpipe (Rev. 1), udpcast
# (udp-sender / udp-receiver) and, for reference, netpipe -0 on the same
# data to the same clients, one after the other in one run, and prints a
# table.  A case for N clients has only their ports up on the bridge: the
# others would take in the broadcast too.  Root only.  Speeds are
# measured side by side in one run: on a shared machine only the ratios
# mean much.
#
#   bench/bench.sh [-q] [-r runs] [-S [-L dir] | -6]
#
#   -q       a short run (64 MiB, no 5 GiB case)
#   -6       instead of the cases below, IPv6 beside IPv4: the server's
#            port shaped to 1 Gbit/s, 4 clients, 128 MiB, netpipe to a
#            multicast group of each family (IPv6 has no broadcast) and
#            IPv4 broadcast, the runs interleaved; medians of the runs
#   -S       instead of the cases below, the simulator beside the LAN:
#            1, 4 and 16 clients behind 100 Mbit/s switch ports, the
#            server's port 1 Gbit/s, 0% and 1% loss at each client;
#            netpipe on the LAN and tests/sim/sim with the same model,
#            medians of the runs (tests/sim/README has the table)
#   -L dir   with -S, keep each LAN run's server log (netpipe -s -v:
#            every rate decision) and clients' stderr in dir, as
#            NcL-R.s.err and NcL-R.cK.err (N clients, L% loss, run R),
#            with the qdiscs' counters (.tc) and CPU times (.time); the
#            server's lines then begin with its seconds since it started
#   -r runs  run each case this many times (default 3, 1 with -q) and
#            show the run of median goodput: the machine is shared and
#            one run can be caught by a neighbour's burst of work
#
# Copyright (C) 2026 the netpipe authors
# SPDX-License-Identifier: GPL-2.0-or-later

set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
NP=$TOP/netpipe
SIZE=$((256 * 1024 * 1024))
BIG=$((5 * 1024 * 1024 * 1024))
SIZE0=$((32 * 1024 * 1024))	# Rev. 0 is slow: a smaller stream
LINK=1000000000			# bit/s of the shaped link
PFX=npb$$
NET=10.231.77
QUICK=0
SIMCMP=0
V6CMP=0
NPOPT=				# netpipe's -m, both sides (-6)
RUNS=
KEEP=
while getopts qr:SL:6 o; do
	case $o in
	q) QUICK=1 SIZE=$((64 * 1024 * 1024)) SIZE0=$((8 * 1024 * 1024)) ;;
	r) RUNS=$OPTARG ;;
	S) SIMCMP=1 ;;
	L) KEEP=$OPTARG ;;
	6) V6CMP=1 ;;
	*) echo "usage: bench/bench.sh [-q] [-r runs] [-S [-L dir] | -6]" >&2
	   exit 2 ;;
	esac
done
[ -z "$RUNS" ] && { [ $QUICK = 1 ] && RUNS=1 || RUNS=3; }

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
[ -x "$NP" ] || die "build netpipe first (make)"
[ $V6CMP = 1 ] || command -v udp-sender >/dev/null ||
    die "needs udpcast (apt-get install udpcast)"
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

# The LAN: $PFX-br holds the bridge, $PFX-s the server, $PFX-cN clients;
# with -6 each has fd00:231:77::N/64 too.
lan() {
	ip netns add $PFX-br
	ip -n $PFX-br link add br0 type bridge
	ip -n $PFX-br link set br0 up
	ip netns add $PFX-s
	ip link add np0 netns $PFX-s type veth peer name ps netns $PFX-br
	ip -n $PFX-br link set ps master br0 up
	ip -n $PFX-s addr add $NET.1/24 brd + dev np0
	[ $V6CMP = 1 ] && ip -n $PFX-s addr add fd00:231:77::1/64 dev np0 nodad
	ip -n $PFX-s link set np0 up
	ip -n $PFX-s link set lo up
	for i in $(seq 1 "$1"); do
		ip netns add $PFX-c$i
		ip link add np0 netns $PFX-c$i type veth peer name pc$i \
		    netns $PFX-br
		ip -n $PFX-br link set pc$i master br0 up
		ip -n $PFX-c$i addr add $NET.$((i + 1))/24 brd + dev np0
		[ $V6CMP = 1 ] && ip -n $PFX-c$i addr add \
		    fd00:231:77::$((i + 1))/64 dev np0 nodad
		ip -n $PFX-c$i link set np0 up
		ip -n $PFX-c$i link set lo up
	done
	NCL=$1
}

use() {	# use N: clients 1..N on the LAN, the others' ports down
	for i in $(seq 1 $NCL); do
		if [ "$i" -le "$1" ]; then st=up; else st=down; fi
		ip -n $PFX-br link set pc$i $st
	done
	# Bounded wait until the clients' links are up.
	for i in $(seq 1 "$1"); do
		k=0
		while ! ip -n $PFX-c$i link show np0 | grep -q 'state UP'; do
			[ $k -lt 100 ] || die "np0 in client $i did not come up"
			sleep 0.05
			k=$((k + 1))
		done
	done
}

shape() {	# shape on|off: a 1 Gbit/s link on the server's port
	tc -n $PFX-s qdisc del dev np0 root 2>/dev/null
	[ "$1" = on ] && tc -n $PFX-s qdisc add dev np0 root tbf rate 1gbit \
	    burst 256kb latency 20ms
	return 0
}

shapec() {	# shapec on|off [RATE]: switch ports towards the clients,
		# 1 Gbit/s unless RATE (tc's units) says otherwise
	for i in $(seq 1 $NCL); do
		tc -n $PFX-br qdisc del dev pc$i root 2>/dev/null
		[ "$1" = on ] && tc -n $PFX-br qdisc add dev pc$i root tbf \
		    rate "${2:-1gbit}" burst 256kb latency 20ms
	done
	return 0
}

loss() {	# loss PERMILLE: random loss of incoming UDP at every client
	for i in $(seq 1 $NCL); do
		ip netns exec $PFX-c$i nft delete table inet npb 2>/dev/null
		[ "$1" = 0 ] && continue
		ip netns exec $PFX-c$i nft -f - <<EOF
table inet npb {
	chain in {
		type filter hook input priority 0;
		udp dport { 9000, 9002-9100 } numgen random mod 1000 < $1 drop
	}
}
EOF
	done
}

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
		netpipe)  set -- "$NP" -c $NPOPT ;;
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
	netpipe)  set -- ${KEEP:+"$W/stamp"} "$NP" -s -v -i np0 -n "$n" \
	    $NPOPT ;;
	netpipe0) set -- "$NP" -s -0 -i np0 -n "$n" ;;
	udpcast)  set -- udp-sender --interface np0 --nokbd \
	    --min-receivers "$n" $UDPCAST_OPTS -f "$in" ;;
	esac
	# The clock is read inside the namespace: entering it is not the
	# tool's time.
	ip netns exec $PFX-s sh -c 'w=$1; shift; date +%s%N >"$w/t0"
	    /usr/bin/time -f "%U %S %M" -o "$w/s.time" "$@"
	    date +%s%N >"$w/t1"' sh "$W" timeout $LIMIT "$@" <"$in" \
	    >/dev/null 2>"$W/s.err"
	t0=$(cat "$W/t0") t1=$(cat "$W/t1")
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
		[ -z "$rtx" ] && rtx=$(sed -n 's/.*, \([0-9]*\) repeats.*/\1/p' \
		    "$W/s.err") && [ -n "$rtx" ] && \
		    rtx=$(awk -v r="$rtx" -v s="$size" \
		    'BEGIN { printf "%.2f", 100 * r / (s / 1459) }') ;;
	udpcast) rtx=$(awk '/retransmitted/ { print; exit }' "$W/s.err" | \
	    sed -n 's/.*(\([0-9.]*\)%.*/\1/p') ;;
	esac
	[ -z "$rtx" ] && rtx=n/a
	ccpu=$(cat "$W"/c*.time | awk '{ s += $1 + $2 } END { printf "%.2f", s }')
	crss=$(cat "$W"/c*.time | awk '$3 > m { m = $3 } END { print m }')
	read -r su ss srss <"$W/s.time"
	awk -v l="$label" -v t="$tool" -v n="$n" -v sz="$size" \
	    -v ns=$((t1 - t0)) -v su="$su" -v ss="$ss" -v srss="$srss" \
	    -v ccpu="$ccpu" -v crss="$crss" -v rtx="$rtx" -v ok="$ok" \
	    -v link="$LINK" -v shaped="$SHAPED" 'BEGIN {
		s = ns / 1e9; gp = sz / s
		pct = shaped ? sprintf("%.1f", 100 * gp * 8 / link) : "-"
		printf "%.0f\t%-22s %-9s %2d %8.2f %9.1f %6s %7.2f %7.2f %6.1f %6.1f %6s %s\n",
		    gp, l, t, n, s, gp / 1e6, pct, su + ss, ccpu, srss / 1024,
		    crss / 1024, rtx, ok
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
# seeds; prints the median's goodput % of the link and repeat %.
simrun() {
	for r in $(seq 1 "$RUNS"); do
		"$TOP/tests/sim/sim" -n "$1" --loss "$2" --port-rate 100M \
		    --port-queue 512k --server-rate 1G --server-queue 512k \
		    --size "$SIMSIZE" --seed "$r" | tail -n 1 |
		    jq -r '"\(.goodput_pct) \(.repeat_pct) \(.intact)"'
	done | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}

# -S: the simulator beside the LAN, case by case.  A tbf queue holds
# rate * latency + burst: 250 kB + 256 KiB at 100 Mbit/s, the model's
# --port-queue 512k.
simcmp() {
	SIMSIZE=$((32 * 1024 * 1024))
	[ -x "$TOP/tests/sim/sim" ] || die "build the simulator first (make sim)"
	command -v jq >/dev/null || die "needs jq"
	if [ -n "$KEEP" ]; then
		mkdir -p "$KEEP" || die "cannot make $KEEP"
		# The server's messages with the seconds since its start.
		cat >"$W/stamp" <<'EOF'
#!/bin/sh
exec 3>&1
{ "$@" 2>&1 >&3 3>&-; echo "exit $?"; } | perl -MTime::HiRes=time \
    -ne 'BEGIN { $| = 1; $t = time } printf "%9.6f %s", time - $t, $_' >&2
EOF
		chmod +x "$W/stamp"
	fi
	head -c "$SIMSIZE" /dev/urandom >"$W/data"
	lan 16
	: >"$W/table"
	SHAPED=1 LINK=100000000
	shape on; shapec on 100mbit
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

# -6: IPv6 beside IPv4 on the same LAN and case, the runs interleaved:
# a run of each in turn, RUNS times; the run of median goodput of each.
v6cmp() {
	SIZE=$((128 * 1024 * 1024))
	head -c "$SIZE" /dev/urandom >"$W/data"
	lan 4
	use 4
	SHAPED=1; shape on; loss 0
	for r in $(seq 1 "$RUNS"); do
		for c in "IPv4 broadcast|" "IPv4 239.255.77.1|-m 239.255.77.1" \
		    "IPv6 ff15::4e50:77|-m ff15::4e50:77"; do
			: >"$W/rows"
			NPOPT=${c#*|} run netpipe 4 "$W/data" "${c%|*}"
			cut -f 2- "$W/rows" >>"$W/v6rows"
		done
	done
	printf '%-22s %-9s %2s %8s %9s %6s %7s %7s %6s %6s %6s %s\n' \
	    case tool n seconds "MB/s" "%link" "srvCPU" "cliCPU" "srvMB" \
	    "cliMB" "rtx%" check
	for c in "IPv4 broadcast" "IPv4 239.255.77.1" "IPv6 ff15::4e50:77"; do
		grep "^$c " "$W/v6rows" | sort -n -k 6,6 |
		    sed -n "$(( (RUNS + 1) / 2 ))p"
	done
	echo "runs: $RUNS of each, interleaved; the run of median goodput shown;"
	echo "every run:"
	cat "$W/v6rows"
}

if [ $SIMCMP = 1 ]; then
	simcmp
	exit 0
fi
if [ $V6CMP = 1 ]; then
	v6cmp
	exit 0
fi

head -c "$SIZE" /dev/urandom >"$W/data"
head -c "$SIZE0" "$W/data" >"$W/data0"
lan 8
: >"$W/table"

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

printf '%-22s %-9s %2s %8s %9s %6s %7s %7s %6s %6s %6s %s\n' \
    case tool n seconds "MB/s" "%link" "srvCPU" "cliCPU" "srvMB" "cliMB" \
    "rtx%" check
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
echo "MB: peak RSS (clients: the largest); rtx%: repeats of data packets."
