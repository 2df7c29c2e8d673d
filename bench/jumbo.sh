#!/bin/sh
# netpipe: bench/jumbo.sh: jumbo frames (MTU 9000) against Ethernet's
# 1500 on a namespace LAN.
#
# A bridge, a server and 4 clients (network namespaces; nothing leaves
# them), unshaped, no loss.  netpipe (Rev. 1) sends the same stream to
# the 4 clients with every link at MTU 1500 and at MTU 9000, without -b
# (the block follows the MTU: 1455 and 8955 bytes), the two interleaved
# run by run, and prints the medians: stream MB/s (the server's start
# to exit, the clients already waiting), and CPU seconds (user + system,
# getrusage through /usr/bin/time) per GiB of stream in the server and
# in a client (the 4 clients' mean).  Clients write to /dev/null; each
# must exit 0 having received every byte (Rev. 1 checks the CRC-32 of
# the whole stream).  Root only.
#
#   bench/jumbo.sh [-g] [-r runs] [-s MiB]
#
#   -g       leave the server's GSO trains whole across the veth (the
#            kernel's default there: a train crosses the bridge as one
#            packet); without it the server's eth0 has gso_max_segs 1,
#            so the kernel cuts each train into its datagrams before the
#            veth, as for a NIC without UDP segmentation offload, and
#            every datagram is a packet on the LAN, as on a wire
#   -r runs  runs of each MTU (default 3)
#   -s MiB   the stream (default 256)
#
# bench/bench.sh cannot be sourced (it runs its cases as it is read):
# its LAN (lan, use) is copied here, without shaping and loss, with the
# MTU added.  On a shared machine the figures move with the neighbours'
# load; the runs are interleaved so that a burst of it hits both MTUs.
#
# Copyright (C) 2026 the netpipe authors
# SPDX-License-Identifier: GPL-2.0-or-later

set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
NP=$TOP/netpipe
PFX=npj$$
NET=10.231.76
NCL=4
RUNS=3
MIB=256
GSO=0
while getopts gr:s: o; do
	case $o in
	g) GSO=1 ;;
	r) RUNS=$OPTARG ;;
	s) MIB=$OPTARG ;;
	*) echo "usage: bench/jumbo.sh [-g] [-r runs] [-s MiB]" >&2
	   exit 2 ;;
	esac
done
SIZE=$((MIB * 1024 * 1024))

die() { echo "jumbo: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
[ -x "$NP" ] || die "build netpipe first (make)"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"

W=$(mktemp -d /dev/shm/npjumbo.XXXXXX) || exit 1

cleanup() {	# (ip netns list may complain of others' namespaces going)
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' |
	    grep "^$PFX"); do
		for p in $(ip netns pids "$ns"); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$ns"
	done
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

# The LAN (bench.sh's): $PFX-br holds the bridge, $PFX-s the server,
# $PFX-cN the clients, each on np0.
lan() {
	ip netns add $PFX-br
	ip -n $PFX-br link add br0 type bridge
	ip -n $PFX-br link set br0 up
	ip netns add $PFX-s
	ip link add np0 netns $PFX-s type veth peer name ps netns $PFX-br
	ip -n $PFX-br link set ps master br0 up
	ip -n $PFX-s addr add $NET.1/24 brd + dev np0
	ip -n $PFX-s link set np0 up
	ip -n $PFX-s link set lo up
	for i in $(seq 1 $NCL); do
		ip netns add $PFX-c$i
		ip link add np0 netns $PFX-c$i type veth peer name pc$i \
		    netns $PFX-br
		ip -n $PFX-br link set pc$i master br0 up
		ip -n $PFX-c$i addr add $NET.$((i + 1))/24 brd + dev np0
		ip -n $PFX-c$i link set np0 up
		ip -n $PFX-c$i link set lo up
	done
	[ $GSO = 1 ] || ip -n $PFX-s link set dev np0 gso_max_segs 1 ||
	    die "ip cannot set gso_max_segs"
}

mtu() {	# mtu M: every link of the LAN, both ends of each veth
	ip -n $PFX-s link set np0 mtu "$1"
	ip -n $PFX-br link set ps mtu "$1"
	for i in $(seq 1 $NCL); do
		ip -n $PFX-br link set pc$i mtu "$1"
		ip -n $PFX-c$i link set np0 mtu "$1"
	done
	for i in $(seq 1 $NCL); do	# bounded wait until the links are up
		k=0
		while ! ip -n $PFX-c$i link show np0 | grep -q 'state UP'; do
			[ $k -lt 100 ] || die "np0 in client $i did not come up"
			sleep 0.05
			k=$((k + 1))
		done
	done
}

# run M: one transfer at MTU M; appends "M MB/s srvCPU/GiB cliCPU/GiB
# block" to $W/rows.
run() {
	mtu "$1"
	rm -f "$W"/c*.time "$W"/c*.err "$W"/s.*
	for i in $(seq 1 $NCL); do
		ip netns exec $PFX-c$i /usr/bin/time -f "%U %S" \
		    -o "$W/c$i.time" timeout 120 "$NP" -c -i np0 \
		    >/dev/null 2>"$W/c$i.err" &
	done
	sleep 1
	ip netns exec $PFX-s sh -c 'w=$1; shift; date +%s%N >"$w/t0"
	    /usr/bin/time -f "%U %S" -o "$w/s.time" "$@"
	    date +%s%N >"$w/t1"' sh "$W" timeout 120 "$NP" -s -v -i np0 \
	    -n $NCL <"$W/data" >/dev/null 2>"$W/s.err"
	wait
	for i in $(seq 1 $NCL); do
		grep -q "received $SIZE bytes" "$W/c$i.err" ||
		    die "MTU $1: client $i failed: $(tail -n 2 "$W/c$i.err")"
	done
	grep -q "^netpipe: sent $SIZE bytes" "$W/s.err" ||
	    die "MTU $1: the server failed: $(tail -n 2 "$W/s.err")"
	block=$(sed -n 's/^netpipe: block size \([0-9]*\) bytes.*/\1/p' \
	    "$W/s.err")
	cpu=$(cat "$W"/c*.time | awk '{ s += $1 + $2 } END { print s }')
	read -r su ss <"$W/s.time"
	awk -v m="$1" -v t0="$(cat "$W/t0")" -v t1="$(cat "$W/t1")" \
	    -v sz="$SIZE" -v s="$su + $ss" -v su="$su" -v ss="$ss" \
	    -v c="$cpu" -v n=$NCL -v b="$block" 'BEGIN {
		gib = sz / 2^30
		printf "%d %.1f %.3f %.3f %s\n", m, sz / ((t1 - t0) / 1e3),
		    (su + ss) / gib, c / n / gib, b
	}' >>"$W/rows"
	echo "MTU $1: $(tail -n 1 "$W/rows" | cut -d ' ' -f 2-)" >&2
}

# median M COLUMN: the median of that column of MTU M's rows.
median() {
	awk -v m="$1" '$1 == m' "$W/rows" | cut -d ' ' -f "$2" | sort -n |
	    sed -n "$(( (RUNS + 1) / 2 ))p"
}

head -c "$SIZE" /dev/urandom >"$W/data"
lan
: >"$W/rows"
for _ in $(seq 1 "$RUNS"); do
	run 1500
	run 9000
done

printf '%-9s %6s %9s %12s %12s\n' MTU block "MB/s" "srv CPU s/GiB" \
    "cli CPU s/GiB"
for m in 1500 9000; do
	printf '%-9s %6s %9s %12s %12s\n' "$m" "$(median $m 5)" \
	    "$(median $m 2)" "$(median $m 3)" "$(median $m 4)"
done
awk -v a="$(median 1500 2)" -v b="$(median 9000 2)" \
    -v c="$(median 1500 3)" -v d="$(median 9000 3)" \
    -v e="$(median 1500 4)" -v f="$(median 9000 4)" 'BEGIN {
	printf "9000/1500: %.2fx the MB/s, %.2fx the server CPU a GiB, %.2fx the client CPU a GiB\n",
	    b / a, d / c, f / e
}'
echo "$NCL clients, unshaped, ${MIB} MiB, Rev. 1, medians of $RUNS runs each (interleaved);"
if [ $GSO = 1 ]; then
	echo "the server's GSO trains crossed the veth whole (-g)."
else
	echo "the server's GSO trains cut into datagrams before the veth (gso_max_segs 1)."
fi
echo "CPU: user + system seconds per GiB of stream; client: the mean of $NCL."
