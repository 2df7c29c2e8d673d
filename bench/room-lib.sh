# netpipe: bench/room-lib.sh: the namespace LAN of bench/bench.sh and
# one run of a tool on it.  Sourced by bench/bench.sh; needs its
# variables TOP, NP, PFX, NET, W, KEEP and its die().
#
# The room.  A bridge namespace ($PFX-br, bridge br0) is the switch.
# The server ($PFX-s), clients 1..16 ($PFX-cK) and a namespace for a
# second sender ($PFX-t, the TCP flow beside netpipe) each have a veth
# to it: np0 inside, ps, pcK and pt on the bridge.  A port is shaped
# with a tbf where its traffic leaves: the server's own port on np0 in
# the server's namespace (a host's NIC: a full queue makes its sockets
# wait, nothing is dropped), a switch port towards client K on pcK in
# the bridge's namespace (tail drop when its queue is full).
#
# Frame by frame.  Every veth that sends has TSO, GSO and UDP GSO off
# (ethtool -K tso off gso off tx-udp-segmentation off), so that what
# leaves a host is single frames, as on a real wire.  With them on, a
# veth passes netpipe's UDP GSO trains (up to 44 datagrams, net.c) and
# TCP's 64 KB TSO segments whole, and the tbf's tail drop and the loss
# rule below then take or drop a whole train: "1% loss" was 1% of
# trains (tests/sim/README, "Against the namespace LAN").  Checked on
# kernel 6.18, netpipe to one client, 16 MiB, 100 Mbit/s port, 1% rule:
# GSO on, nft saw 716 packets of 27,500 bytes and dropped 8; off, 12,553
# packets of 1,500 bytes and dropped 129 (1.0%), the tbf counted its
# drops in frames, and the client's UdpInDatagrams was 12,426.  Each
# run's counters are in -L's .nft and .tc files.
#
# Queues.  A switch port's tbf: rate, a queue (limit) of 512 KiB (a
# switch port's buffer is a few hundred KB to 1 MB: 42 ms at 100
# Mbit/s, 4.2 ms at 1 Gbit/s) and a bucket (burst) of half a
# millisecond at the rate but no less than 32 KiB (what may leave at
# once after an idle spell: small, as a real port sends frame by frame,
# but not so small that a late timer on this shared machine costs
# rate; a burst under 64 KB also makes tbf segment any train that
# still came whole).  The server's own port: the same bucket and a
# queue of 1.5 MiB, a host's txqueuelen of 1000 frames (its sockets'
# buffers fill first: it does not drop).  tests/sim/sim is given the
# same: --port-queue 512k, --server-queue 1536k.
#
# Loss.  An nftables rule in each client's namespace drops incoming
# UDP and TCP at random (numgen random mod 1000 < permille), each
# client its own draws: every datagram to the client, unicast status
# and control included, as tests/sim/sim's --loss.
#
# Copyright (C) 2026 the netpipe authors
# SPDX-License-Identifier: GPL-2.0-or-later

PORTQ=$((512 * 1024))		# a switch port's queue, bytes
SRVQ=$((1536 * 1024))		# the server's own port's queue
NCL=0

# bps RATE: bit/s from 100M, 1G, 500k or a number.
bps() {
	case $1 in
	*[kK]) echo $((${1%?} * 1000)) ;;
	*M) echo $((${1%?} * 1000000)) ;;
	*G) echo $((${1%?} * 1000000000)) ;;
	*) echo "$1" ;;
	esac
}

# nooffload NS: the namespace's np0 sends single frames.
nooffload() {
	ip netns exec "$1" ethtool -K np0 tso off gso off \
	    tx-udp-segmentation off >/dev/null 2>&1 ||
	    die "ethtool -K np0 tso off gso off tx-udp-segmentation off failed in $1"
}

# The LAN: lan N builds the bridge, the server, N clients and $PFX-t
# (its port down until tport up).
lan() {
	ip netns add $PFX-br
	ip -n $PFX-br link add br0 type bridge
	ip -n $PFX-br link set br0 up
	for h in s t; do
		ip netns add $PFX-$h
		ip link add np0 netns $PFX-$h type veth peer name p$h \
		    netns $PFX-br
		ip -n $PFX-br link set p$h master br0
		ip -n $PFX-$h link set np0 up
		ip -n $PFX-$h link set lo up
		nooffload $PFX-$h
	done
	ip -n $PFX-br link set ps up
	ip -n $PFX-s addr add $NET.1/24 brd + dev np0
	ip -n $PFX-t addr add $NET.200/24 brd + dev np0
	for i in $(seq 1 "$1"); do
		ip netns add $PFX-c$i
		ip link add np0 netns $PFX-c$i type veth peer name pc$i \
		    netns $PFX-br
		ip -n $PFX-br link set pc$i master br0 up
		ip -n $PFX-c$i addr add $NET.$((i + 1))/24 brd + dev np0
		ip -n $PFX-c$i link set np0 up
		ip -n $PFX-c$i link set lo up
		nooffload $PFX-c$i
	done
	NCL=$1
}

# waitup NS: bounded wait until np0 in NS is up.
waitup() {
	k=0
	while ! ip -n "$1" link show np0 | grep -q 'state UP'; do
		[ $k -lt 100 ] || die "np0 in $1 did not come up"
		sleep 0.05
		k=$((k + 1))
	done
}

use() {	# use N: clients 1..N on the LAN, the others' ports down
	for i in $(seq 1 $NCL); do
		if [ "$i" -le "$1" ]; then st=up; else st=down; fi
		ip -n $PFX-br link set pc$i $st
	done
	for i in $(seq 1 "$1"); do
		waitup $PFX-c$i
	done
}

tport() {	# tport up|down: $PFX-t's port on the bridge
	ip -n $PFX-br link set pt "$1"
	[ "$1" = up ] && waitup $PFX-t
	return 0
}

# tbf NS DEV BPS QUEUE: shape a port (see "Queues" above).
tbf() {
	b=$(($3 / 8 / 2000))
	[ $b -lt 32768 ] && b=32768
	tc -n "$1" qdisc replace dev "$2" root tbf rate "$3"bit burst $b \
	    limit "$4" || die "tc qdisc tbf on $2 in $1 failed"
}

shape() {	# shape RATE|on|off: the server's own port (on: 1G)
	tc -n $PFX-s qdisc del dev np0 root 2>/dev/null
	case $1 in
	off) ;;
	on) tbf $PFX-s np0 1000000000 $SRVQ ;;
	*) tbf $PFX-s np0 "$(bps "$1")" $SRVQ ;;
	esac
	return 0
}

# ports SPEC...: the switch's ports towards the clients; each SPEC is
# RATE (every client), K:RATE or K1-K2:RATE, RATE off for none.
ports() {
	for i in $(seq 1 $NCL); do
		tc -n $PFX-br qdisc del dev pc$i root 2>/dev/null
	done
	for spec in "$@"; do
		case $spec in
		*:*) r=${spec#*:} k=${spec%%:*} ;;
		*) r=$spec k=1-$NCL ;;
		esac
		lo=${k%-*} hi=${k#*-}
		[ "$r" = off ] && continue
		for i in $(seq "$lo" "$hi"); do
			tbf $PFX-br pc$i "$(bps "$r")" $PORTQ
		done
	done
	return 0
}

shapec() {	# shapec on|off [RATE]: every client's port (old cases)
	if [ "$1" = on ]; then ports "${2:-1G}"; else ports off; fi
}

# loss PERMILLE: random loss of incoming UDP and TCP at every client,
# each with its own draws; counters "lost", "seen" (what passed) and
# "tcpin" (TCP to iperf3's port that passed).
loss() {
	for i in $(seq 1 $NCL); do
		ip netns exec $PFX-c$i nft delete table inet npb 2>/dev/null
		if [ "$1" = 0 ]; then
			rule="# no loss"
		else
			rule="meta l4proto { udp, tcp } numgen random mod 1000 < $1 counter name \"lost\" drop"
		fi
		ip netns exec $PFX-c$i nft -f - <<EOF || die "nft in client $i"
table inet npb {
	counter lost { }
	counter seen { }
	counter tcpin { }
	chain in {
		type filter hook input priority 0;
		$rule
		meta l4proto { udp, tcp } counter name "seen"
		tcp dport 5201 counter name "tcpin"
	}
}
EOF
	done
}

# nftcount NS NAME: "packets bytes" of a counter.
nftcount() {
	ip netns exec "$1" nft list counter inet npb "$2" 2>/dev/null |
	    awk '/packets/ { print $2, $4; exit }'
}

# The server's messages, each line with the seconds since it started
# (and the epoch of that start in $W/s.origin), then "exit STATUS".
mkstamp() {
	cat >"$W/stamp" <<'EOF'
#!/bin/sh
exec 3>&1
{ "$@" 2>&1 >&3 3>&-; echo "exit $?"; } | perl -MTime::HiRes=time \
    -ne 'BEGIN { $| = 1; $t = time; if ($ENV{W} && open(my $o, ">", "$ENV{W}/s.origin")) {
	printf $o "%.6f\n", $t; close $o } }
	printf "%9.6f %s", time - $t, $_' >&2
EOF
	chmod +x "$W/stamp"
}

# One run: room_run TOOL, with these set by the case:
#   CL     the clients ("1 2 3 4"), all on their ports
#   IN     the stream's file; SIZE its bytes
#   LINKB  the bottleneck, bit/s (what goodput is a % of)
#   SRVX   more netpipe server options (--min-rate ...)
#   UDPR   udpcast's --max-bitrate
#   EXPECT each client's expected exit status, in CL's order ("" all 0)
#   EXPS   the server's expected exit status (default 0); with
#          EXPECT, the clients expected to exit 0 are timed after the
#          others were dropped (bench/room-meter.pl stretch)
#   TCPCL  the client iperf3 sends to (default the first)
#   BESIDE a TCP flow from $PFX-t to client TCPCL during the run
# Appends one line to $W/rows (tab-separated):
#   goodput% wall rep% stretch rstretch runexpl check extra
# and, with -L, keeps the run's files as $KEEP/$KEEPAS-R.*.
room_run() {
	tool=$1
	size=$SIZE
	set -- $CL
	n=$#
	tcl=${TCPCL:-$1}
	# A run below a tenth of the link has failed (udpcast can hang).
	LIMIT=$((30 + size * 80 / LINKB))
	rm -rf "$W"/out* "$W"/c*.* "$W"/s.* "$W"/t.* "$W"/progress \
	    "$W"/stop "$W"/t0 "$W"/t1 "$W"/rc
	for k in $CL; do
		ip netns exec $PFX-c$k nft reset counters table inet npb \
		    >/dev/null 2>&1
	done
	pids=
	for k in $CL; do
		case $tool in
		netpipe) set -- "$NP" -c --stats "$W/c$k.json" ;;
		udpcast) set -- udp-receiver --interface np0 --nokbd \
		    --nosync -f "$W/out$k" ;;
		tcp) [ "$k" = "$tcl" ] || continue
		     set -- iperf3 -s -1 -J -B $NET.$((k + 1)) ;;
		esac
		ip netns exec $PFX-c$k /usr/bin/time -f "%e %U %S %M %x" \
		    -o "$W/c$k.time" timeout -k 5 $((LIMIT + 10)) "$@" \
		    >"$W/out$k" 2>"$W/c$k.err" &
		pids="$pids $!"
	done
	if [ -n "${BESIDE:-}" ]; then
		# The flow beside: from $PFX-t to client TCPCL, started
		# first so that it has the link when the tool begins.
		ip netns exec $PFX-c$tcl timeout -k 5 $((LIMIT + 40)) \
		    iperf3 -s -1 -B $NET.$((tcl + 1)) -p 5201 \
		    >"$W/t.srv" 2>&1 &
		tsrv=$!
		sleep 0.3
		ip netns exec $PFX-t timeout -k 5 $((LIMIT + 30)) \
		    iperf3 -c $NET.$((tcl + 1)) -p 5201 -t $((LIMIT + 20)) \
		    -J >"$W/t.json" 2>"$W/t.err" &
		tcli=$!
		sleep 2
	fi
	sleep 1
	mpid=
	if [ "$tool" != tcp ]; then
		files=
		for k in $CL; do files="$files $W/out$k"; done
		perl "$TOP/bench/room-meter.pl" sample 0.1 "$W/stop" $files \
		    >"$W/progress" &
		mpid=$!
	fi
	case $tool in
	netpipe) set -- "$W/stamp" timeout -k 5 $LIMIT "$NP" -s -v -i np0 \
	    -n $n --stats "$W/s.json" ${SRVX:-} ;;
	udpcast) set -- timeout -k 5 $LIMIT udp-sender --interface np0 --nokbd \
	    --min-receivers $n --max-bitrate "$UDPR" --full-duplex \
	    --rexmit-hello-interval 50 ${UDPSX:-} \
	    -f "$IN" ;;
	tcp) set -- timeout -k 5 $LIMIT iperf3 -c $NET.$((tcl + 1)) -n "$size" -J ;;
	esac
	[ -n "${BESIDE:-}" ] && tb0=$(nftcount $PFX-c$tcl tcpin)
	[ -n "$KEEP" ] && qdiscs >"$W/tc0"
	# The clock is read inside the namespace: entering it is not the
	# tool's time.
	st0=$(head -n 1 /proc/stat)
	ip netns exec $PFX-s env W="$W" sh -c 'w=$1; shift
	    date +%s%N >"$w/t0"
	    /usr/bin/time -f "%e %U %S %M %x" -o "$w/s.time" "$@"
	    echo $? >"$w/rc"
	    date +%s%N >"$w/t1"' sh "$W" "$@" <"$IN" >"$W/s.out" 2>"$W/s.err"
	st1=$(head -n 1 /proc/stat)
	[ -n "${BESIDE:-}" ] && tb1=$(nftcount $PFX-c$tcl tcpin)
	# The machine's cores busy over the run, in %: every host, the
	# bridge, the kernel's work for them, and any neighbour.
	busy=$(printf '%s\n%s\n' "$st0" "$st1" | awk '{
		t = 0; for (i = 2; i <= NF; i++) t += $i
		idle = $5 + $6
		if (NR == 1) { t0 = t; i0 = idle } else { t1 = t; i1 = idle } }
		END { printf "%.0f", (t1 > t0 ? 100 * (1 - (i1 - i0) / (t1 - t0)) : 0) }')
	t0=$(cat "$W/t0") t1=$(cat "$W/t1")
	wait $pids
	if [ -n "$mpid" ]; then
		: >"$W/stop"
		wait $mpid
	fi
	if [ -n "${BESIDE:-}" ]; then
		kill -INT $tcli 2>/dev/null
		wait $tcli $tsrv
	fi
	room_check "$tool" "$t0" "$t1"
	[ -n "$KEEP" ] && room_keep "$tool"
	return 0
}

# room_check TOOL T0 T1: the row of one run (see room_run).
room_check() {
	tool=$1
	secs=$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	gp=$(awk -v s="$size" -v t="$secs" -v l="$LINKB" \
	    'BEGIN { printf "%.1f", 100 * s * 8 / t / l }')
	if [ "$tool" = tcp ]; then
		# iperf3 -n ends when the sender has sent: what the receiver
		# got over its own time (the rest was still in flight).
		gp=$(jq -r --arg l "$LINKB" '.end.sum_received |
		    100 * .bytes * 8 / .seconds / ($l | tonumber) |
		    . * 10 | round / 10' "$W/s.out" 2>/dev/null)
		[ -n "$gp" ] || gp=0
	fi
	# Exit statuses, expected ones, and each client's copy.
	why= i=0 exits= dropped=0
	: >"$W/why"
	srv=$(cat "$W/rc" 2>/dev/null)
	if [ "$tool" = netpipe ]; then
		srv=$(sed -n 's/^ *[0-9.]* exit \([0-9]*\)$/\1/p' "$W/s.err" |
		    tail -n 1)
	fi
	[ "$srv" = "${EXPS:-0}" ] || why="$why server exit ${srv:-?};"
	for k in $CL; do
		i=$((i + 1))
		[ "$tool" = tcp ] && [ "$k" != "$tcl" ] && continue
		x=$(tail -n 1 "$W/c$k.time" 2>/dev/null | awk '{ print $5 }')
		exits="$exits${exits:+,}${x:-?}"
		want=0
		[ -n "${EXPECT:-}" ] && want=$(echo $EXPECT | cut -d ' ' -f $i)
		if [ "${x:-?}" != "$want" ]; then
			printf '%s\texit %s (not %s)\n' $k "${x:-?}" "$want" \
			    >>"$W/why"
			continue
		fi
		if [ "$want" != 0 ]; then
			# Expected to be dropped: with a message.
			if grep -qi 'dropped' "$W/c$k.err"; then
				dropped=$((dropped + 1))
			else
				printf '%s\texit %s without a message\n' $k \
				    "$x" >>"$W/why"
			fi
			continue
		fi
		case $tool in
		tcp) got=$(jq -r '.end.sum_received.bytes // 0' "$W/s.out" \
			2>/dev/null)
		     [ "${got:-0}" -gt 0 ] 2>/dev/null ||
			why="$why iperf3 received ${got:-?};" ;;
		*) cmp -s "$IN" "$W/out$k" ||
			printf '%s\tcopy differs\n' $k >>"$W/why" ;;
		esac
	done
	# Clients alike in one phrase: "clients 5,6,7,8: exit 0 (not 1);".
	why="$why$(awk -F '\t' '!($2 in c) { o[++n] = $2 }
	    { c[$2] = c[$2] (c[$2] == "" ? "" : ",") $1; m[$2]++ }
	    END { for (i = 1; i <= n; i++)
		printf " client%s %s: %s;", (m[o[i]] > 1) ? "s" : "", c[o[i]], o[i] }' \
	    "$W/why")"
	if [ "$tool" = netpipe ] && [ $dropped -gt 0 ]; then
		# The server's --stats names as many dropped.
		sd=$(jq '[.clients[] | select(.result == "dropped")] | length' \
		    "$W/s.json" 2>/dev/null)
		[ "${sd:-?}" = $dropped ] ||
		    why="$why server's --stats: ${sd:-?} dropped, not $dropped;"
	fi
	if [ -z "$why" ]; then
		check=ok
		[ $dropped -gt 0 ] && check="ok, $dropped dropped with a message"
	else
		check="BAD:$why"
	fi
	# Repeats (+ parity), % of the blocks.
	rep=-
	case $tool in
	netpipe) rep=$(jq -r 'if (.repeats != null and (.blocks // 0) > 0)
		then 100 * (.repeats + (.parity // 0)) / .blocks
		else (.retransmit_pct // empty) + (.parity_pct // 0) end' \
		"$W/s.json" 2>/dev/null) ;;
	udpcast) rep=$(sed -n 's/.*re-xmits=[0-9]* *( *\([0-9.]*\)%.*/\1/p' \
		"$W/s.err" | tail -n 1) ;;
	tcp) rep=$(jq -r --arg s "$size" '.end.sum_sent.retransmits /
		($s | tonumber / 1448) * 100' "$W/s.out" 2>/dev/null) ;;
	esac
	rep=$(printf '%.2f' "${rep:--1}" 2>/dev/null)
	[ "$rep" = "-1.00" ] && rep=-
	# The longest stretch below half the link: the clients' progress
	# and (netpipe) the server's rate decisions.
	stretch=- rstr=- runex=- extra=
	if [ "$tool" != tcp ]; then
		# When the server said it dropped the last client, as an
		# epoch (its log's stamps are from $W/s.origin).
		drop=
		[ -n "${EXPECT:-}" ] && [ -s "$W/s.origin" ] &&
		    drop=$(awk -v o="$(cat "$W/s.origin")" \
		    '/ client [^ ]* dropped: / { t = $1 }
		    END { if (t != "") printf "%.3f", o + t }' "$W/s.err")
		m=$(perl "$TOP/bench/room-meter.pl" stretch "$LINKB" "$SIZE" \
		    "$W/progress" "$CL" "${EXPECT:-}" "$drop")
		stretch=${m%% *}
		after=${m#* }
		[ -n "${EXPECT:-}" ] && extra="after the drop: $after%"
	fi
	if [ "$tool" = netpipe ]; then
		dl=$LINKB
		set -- $(perl "$TOP/bench/room-meter.pl" decisions "$dl" \
		    "$W/s.err")
		rstr=${1:--} runex=${2:--}
	fi
	if [ -n "${BESIDE:-}" ]; then
		tcpp=$(echo "$tb0 $tb1" | awk -v t="$secs" -v l="$LINKB" '{
			b = ($4 - $2) - 52 * ($3 - $1)
			printf "%.1f", 100 * b * 8 / t / l }')
		extra="TCP beside it: $tcpp%"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$gp" "$secs" "$rep" \
	    "$stretch" "$rstr" "$runex" "$check" "$extra" "$busy" >>"$W/rows"
	echo "  $KEEPAS $tool: ${gp}% of link, ${secs}s, rep ${rep}%," \
	    "<1/2 link ${stretch}s (rate ${rstr}s, no loss ${runex}s)," \
	    "$check${extra:+, $extra}, busy $busy%" >&2
}

# qdiscs: the counters of the server's port and the clients' ports
# (since the LAN was built).
qdiscs() {
	echo "server np0: $(tc -s -n $PFX-s qdisc show dev np0 | tr -s '\n ' ' ')"
	for c in $CL; do
		echo "pc$c: $(tc -s -n $PFX-br qdisc show dev pc$c | tr -s '\n ' ' ')"
	done
}

# room_keep TOOL: -L, this run's files as $KEEP/$KEEPAS-R.*
room_keep() {
	k=1
	while [ -e "$KEEP/$KEEPAS-$k.s.err" ]; do k=$((k + 1)); done
	b=$KEEP/$KEEPAS-$k
	cp "$W/s.err" "$b.s.err"
	for f in s.out s.json s.time s.origin progress t.json t.srv; do
		[ -e "$W/$f" ] && cp "$W/$f" "$b.$f"
	done
	for c in $CL; do
		for f in c$c.err c$c.json c$c.time; do
			[ -e "$W/$f" ] && cp "$W/$f" "$b.$f"
		done
	done
	{ echo "# before the run"
	  cat "$W/tc0"
	  echo "# after the run"
	  qdiscs
	} >"$b.tc" 2>&1
	for c in $CL; do
		echo "client $c lost $(nftcount $PFX-c$c lost)" \
		    "seen $(nftcount $PFX-c$c seen)" \
		    "tcp $(nftcount $PFX-c$c tcpin) (packets bytes)"
	done >"$b.nft"
}
