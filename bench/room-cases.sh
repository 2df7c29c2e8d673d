# netpipe: bench/room-cases.sh: the issue 11 cases of bench/bench.sh -c,
# sourced by it (with bench/room-lib.sh, which runs a tool once).
#
# Copyright (C) 2026 the netpipe authors
# SPDX-License-Identifier: GPL-2.0-or-later

# The issue 11 cases (-c).  Each case sets up the room, then rows: a
# row is one tool's RUNS runs (room_run, bench/room-lib.sh) summed up
# in a line of the Markdown table $W/md.

CASELIST="g1 port100 srv mixed minrate tcp sim"

caselist() {
	cat <<'EOF'
g1       1 Gbit/s server port, 4 clients (ports unshaped), 0% and 1%
         loss; 256 MiB.  Target: >= 95% clean, >= 92% at 1%.
port100  100 Mbit/s switch ports towards the clients, the server's
         port unshaped, no -r; 1, 4 and 16 clients, 0% and 1% loss;
         64 MiB (TCP with 1 client only: the same path).  Target:
         >= 90% of the link, repeats (+ parity) <= the loss + 2 points.
srv      the server's port at 50 and 200 Mbit/s (client ports
         unshaped), 16 clients, 1% loss; 32 and 128 MiB.  Target:
         >= 85%, repeats (+ parity) <= 5% (16 clients at 1%).
mixed    4 clients on 1 Gbit/s ports, 4 on 100 Mbit/s, the server's
         port 1 Gbit/s, no loss; 64 MiB; % of 100 Mbit/s (TCP to a
         slow client).  Target: >= 90%.
minrate  the mixed room with --min-rate 500M -t 2: the slow four must
         be dropped with a message (client exit 1, server exit 3),
         the fast four's goodput after the drop in % of 1 Gbit/s
         (and the whole run's in the goodput column); 320 MiB (at
         least 64 MiB whatever -s says: the slow four must last); no
         udpcast (no such option), TCP to a fast client.  Target: the
         fast four >= 90% of 1 Gbit/s after the drop.
tcp      4 clients on 100 Mbit/s ports, one TCP flow (iperf3) from
         another namespace on the bridge to client 1 through its port
         during the transfer, both measured (TCP: its payload into
         client 1 while the transfer ran); 128 MiB (-s: at least 64: TCP takes seconds to grow back); netpipe and
         udpcast.  Target: each >= 25% of the link.
sim      tests/sim/sim, seeds 1..runs: the port100 model (100 Mbit/s
         client ports, 512 KiB queues, the server's port 1 Gbit/s),
         100 and 1000 clients, 0% and 1% loss, 16 MiB; and the
         server's port 1 Gbit/s the bottleneck: 4 clients 0% and 1%,
         256 MiB (the g1 targets, with the CPU this machine lacks),
         1000 clients at 1%, 64 MiB (target: all intact, >= 85%,
         repeats + parity <= 10%; some 70 s a seed).
all      every case above, in this order.
EOF
}

# bytes SIZE: bytes from 16M, 1G, 512k or a number (powers of 1024).
bytes() {
	case $1 in
	*[kK]) echo $((${1%?} * 1024)) ;;
	*M) echo $((${1%?} * 1024 * 1024)) ;;
	*G) echo $((${1%?} * 1024 * 1024 * 1024)) ;;
	*) echo "$1" ;;
	esac
}

# stream DEFAULT [LEAST]: the case's stream in $IN, $SIZE bytes (-s's
# if given, but no less than LEAST).
stream() {
	SIZE=$(bytes "${SIZEALL:-$1}")
	[ -n "${2:-}" ] && [ "$SIZE" -lt "$(bytes "$2")" ] && SIZE=$(bytes "$2")
	IN=$W/data.$SIZE
	[ -e "$IN" ] && return 0
	rm -f "$W"/data.*
	head -c "$SIZE" /dev/urandom >"$IN" || die "cannot make the stream"
}

# row TOOL LABEL [TARGET...]: RUNS runs, one line of the table.  A
# TARGET is gp>=N, rep<=N, after>=N or tcp>=N; netpipe's rows are
# also held to "no collapse": its rate never below half the link for
# 1 s or more since a decision last gave loss as its reason.
row() {
	tool=$1 label=$2
	shift 2
	case " $TOOLS " in *" $tool "*) ;; *) return 0 ;; esac
	: >"$W/rows"
	KEEPAS=$(echo "$label" | sed 's/[^A-Za-z0-9%]\{1,\}/-/g; s/%/pct/g; s/-$//')-$tool
	r=1
	while [ $r -le "$RUNS" ]; do
		room_run "$tool"
		r=$((r + 1))
	done
	case $tool in
	netpipe) name=netpipe ;;
	udpcast) name="udpcast --max-bitrate $UDPR" ;;
	tcp) name="TCP (iperf3, client ${TCPCL:-${CL%% *}})" ;;
	esac
	[ "$tool" = netpipe ] || set --
	[ "$tool" = netpipe ] && set -- "$@" collapse
	awk -F '\t' -v label="$label" -v tool="$name" -v targets="$*" \
	    -v beside="${BESIDE:-}" '
	function median(a, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		if (n == 0)
			return "-"
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		n++
		gp[n] = $1 + 0; wall[n] = $2 + 0
		if ($3 != "-") rep[++nr] = $3 + 0
		if ($4 != "-" && $4 + 0 > st) st = $4 + 0
		if ($5 != "-") { hr = 1; if ($5 + 0 > rs) rs = $5 + 0 }
		if ($6 != "-" && $6 + 0 > ru) ru = $6 + 0
		if ($7 !~ /^ok/) bad = bad sprintf(" run %d:%s", n, substr($7, 5))
		else okt = $7
		if ($8 != "") {
			x = $8; sub(/%$/, "", x); sub(/.*: /, "", x)
			if (x != "-") ex[++ne] = x + 0
			exl = $8; sub(/: .*/, "", exl)
		}
		if ($4 != "-") hs = 1
		if ($9 != "") bz[++nb] = $9 + 0
	}
	END {
		lo = hi = gp[1]
		for (i = 1; i <= n; i++) {
			if (gp[i] < lo) lo = gp[i]
			if (gp[i] > hi) hi = gp[i]
		}
		g = median(gp, n); w = median(wall, n); rp = median(rep, nr)
		e = median(ex, ne)
		gps = (n > 1) ? sprintf("%.1f (%.1f-%.1f)", g, lo, hi) : \
		    sprintf("%.1f", g)
		rps = rp == "-" ? "-" : sprintf("%.2f", rp)
		sts = hs ? sprintf("%.1f", st) : "-"
		if (hr)
			sts = sts sprintf("; rate %.1f, no loss %.1f", rs, ru)
		chk = bad == "" ? okt : "BAD" bad
		if (ne > 0)
			chk = chk sprintf("; %s: %.1f%%", exl, e)
		if (nb > 0)
			chk = chk sprintf("; busy %.0f%%", median(bz, nb))
		# The targets.
		tg = ""; miss = ""
		nt = split(targets, t, " ")
		for (i = 1; i <= nt; i++) {
			if (t[i] == "collapse") {
				tg = tg (tg ? ", " : "") "no collapse"
				if (ru >= 1) miss = miss sprintf(" %.1f s below half, no loss;", ru)
				continue
			}
			split(t[i], kv, /[<>]=/)
			v = kv[1] == "gp" ? g : kv[1] == "rep" ? rp : e
			ge = t[i] ~ />=/
			tg = tg (tg ? ", " : "") kv[1] (ge ? " >= " : " <= ") kv[2]
			if (v == "-" || (ge && v + 0 < kv[2] + 0) || (!ge && v + 0 > kv[2] + 0))
				miss = miss (v == "-" ? sprintf(" %s -;", kv[1]) : \
				    sprintf(kv[1] == "rep" ? " %s %.2f;" : " %s %.1f;", kv[1], v))
		}
		if (nt == 0) tgs = "-"
		else tgs = tg ": " (miss == "" && bad == "" ? "met" : "MISSED" miss (bad == "" ? "" : " checks;"))
		printf "| %s | %s | %s | %s | %.1f | %s | %s | %s |\n", label, tool,
		    gps, rps, w, sts, chk, tgs
		if (beside != "" && ne > 0) {
			for (i = 1; i <= ne; i++) {
				if (ex[i] < elo || i == 1) elo = ex[i]
				if (ex[i] > ehi || i == 1) ehi = ex[i]
			}
			printf "| %s | TCP beside %s | %s | - | - | - | - | tcp >= 25: %s |\n", label, tool,
			    (n > 1) ? sprintf("%.1f (%.1f-%.1f)", e, elo, ehi) : sprintf("%.1f", e),
			    (e >= 25) ? "met" : "MISSED"
		}
	}' "$W/rows" >>"$W/md"
}

# The room for a case: clients 1..N up, $PFX-t's port down, no flow
# beside, nothing expected but success.
room() {
	use "$1"
	CL=$(seq 1 "$1" | tr '\n' ' ')
	CL=${CL% }
	tport down
	BESIDE= EXPECT= EXPS= TCPCL= SRVX=
}

# link RATE: the bottleneck, and udpcast told it.
link() {
	LINKB=$(bps "$1")
	UDPR=$((LINKB / 1000 * UDPPCT / 100))
	if [ $((UDPR % 1000)) = 0 ]; then UDPR=$((UDPR / 1000))m; else UDPR=${UDPR}k; fi
}

case_g1() {
	stream 256M
	room 4; shape 1G; ports off; link 1G
	for l in 0 10; do
		loss $l
		lb="g1: 1G server port, 4 cl, $((l / 10))%"
		if [ $l = 0 ]; then t=gp\>=95; else t=gp\>=92; fi
		row netpipe "$lb" "$t"
		row udpcast "$lb"
		row tcp "$lb"
	done
}

case_port100() {
	stream 64M
	shape off; ports 100M; link 100M
	for l in 0 10; do
		loss $l
		for n in 1 4 16; do
			room $n
			lb="port100: 100M ports, $n cl, $((l / 10))%"
			row netpipe "$lb" gp\>=90 rep\<=$((l / 10 + 2))
			row udpcast "$lb"
			[ $n = 1 ] && row tcp "$lb"
		done
	done
}

case_srv() {
	ports off; loss 10
	for r in 50M 200M; do
		if [ $r = 50M ]; then stream 32M; else stream 128M; fi
		room 16; shape $r; link $r
		lb="srv: $r server port, 16 cl, 1%"
		row netpipe "$lb" gp\>=85 rep\<=5
		row udpcast "$lb"
		row tcp "$lb"
	done
	shape off
}

case_mixed() {
	stream 64M
	room 8; shape 1G; ports 1-4:1G 5-8:100M; loss 0; link 100M
	TCPCL=5
	lb="mixed: 4 cl on 1G, 4 on 100M ports"
	row netpipe "$lb" gp\>=90
	row udpcast "$lb"
	row tcp "$lb"
}

case_minrate() {
	stream 320M 64M		# the slow four must last past -t
	room 8; shape 1G; ports 1-4:1G 5-8:100M; loss 0; link 1G
	SRVX="--min-rate 500M -t 2" EXPECT="0 0 0 0 1 1 1 1" EXPS=3
	lb="minrate: mixed, --min-rate 500M -t 2"
	row netpipe "$lb" after\>=90
	EXPECT= EXPS= SRVX=
	TCPCL=1
	row tcp "$lb"
}

case_tcp() {
	stream 128M 64M
	room 4; tport up; shape off; ports 100M; loss 0; link 100M
	BESIDE=1 TCPCL=1
	lb="tcp: 100M ports, 4 cl, TCP to client 1"
	row netpipe "$lb" gp\>=25
	row udpcast "$lb"
	BESIDE=
	tport down
}

case_sim() {
	[ -x "$SIM" ] || die "build the simulator first (make sim)"
	ss=$((16 * 1024 * 1024))
	[ -n "$SIZEALL" ] && [ "$(bytes "$SIZEALL")" -lt $ss ] &&
	    ss=$(bytes "$SIZEALL")
	# port100's model; repeats + parity: the issue's 10% for the
	# simulator's rooms.
	for n in 100 1000; do
		for l in 0 1; do
			sim_row $n $l $ss 90 10 "100M ports" \
			    --port-rate 100M --port-queue 512k
		done
	done
	# The issue's own: the server's port 1 Gbit/s the bottleneck.
	for l in 0 1; do
		sim_row 4 $l $((256 * 1024 * 1024)) $((95 - 3 * l)) $((l + 2)) \
		    "1G server port"
	done
	sim_row 1000 1 $((64 * 1024 * 1024)) 85 10 "1G server port"
}

# sim_row N LOSS SIZE GP REP MODEL [SIM ARGS]: tests/sim/sim, N clients,
# LOSS % at each, seeds 1..RUNS, the server's port 1 Gbit/s with the
# bench's queues; one row of medians, the goal gp >= GP and repeats (+
# parity) <= REP.
sim_row() {
	n=$1 l=$2 sz=$3 ggp=$4 grp=$5 model=$6
	shift 6
	: >"$W/sim"
	r=1
	while [ $r -le "$RUNS" ]; do
		echo "  sim $model $n clients $l%, seed $r" >&2
		"$SIM" -n "$n" --loss "$l%" --server-rate 1G \
		    --server-queue 1536k "$@" --size "$sz" --seed $r |
		    tail -n 1 |
		    jq -r '[.goodput_pct, (if .parity != null and .blocks > 0
			then 100 * (.repeats + .parity) / .blocks
			else .repeat_pct end), .server_s, .intact,
			.wall_s] | @tsv' >>"$W/sim"
		r=$((r + 1))
	done
	awk -F '\t' -v n="$n" -v l="$l" -v ss="$sz" -v ggp="$ggp" \
	    -v grp="$grp" -v model="$model" '
	function med(a, k,   i, j, t) {
		for (i = 2; i <= k; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	{ k++; g[k] = $1; r[k] = $2; s[k] = $3; if ($4 != n) bad++
	  if (k == 1 || $1 < lo) lo = $1; if (k == 1 || $1 > hi) hi = $1 }
	END {
		m = med(g, k); rp = med(r, k)
		miss = ""
		if (m < ggp) miss = miss sprintf(" gp %.1f;", m)
		if (rp > grp) miss = miss sprintf(" rep %.2f;", rp)
		printf "| sim: %s, %d cl, %d%% (%d MiB) | tests/sim/sim, %s | %s | %.2f | %.1f virtual | - | %s | gp >= %d, rep <= %d: %s |\n",
		    model, n, l, ss / 1048576, (k > 1) ? "seeds 1-" k : "seed 1",
		    (k > 1) ? sprintf("%.1f (%.1f-%.1f)", m, lo, hi) : sprintf("%.1f", m),
		    rp, med(s, k), bad ? "BAD: " bad " seeds not all intact" : "all intact",
		    ggp, grp, miss == "" && !bad ? "met" : "MISSED" miss
	}' "$W/sim" >>"$W/md"
}

# -c: the cases, and the table.
cases() {
	command -v iperf3 >/dev/null || die "needs iperf3 (apt-get install iperf3)"
	command -v ethtool >/dev/null || die "needs ethtool (apt-get install ethtool)"
	command -v jq >/dev/null || die "needs jq (apt-get install jq)"
	command -v perl >/dev/null || die "needs perl"
	[ "$CASES" = all ] && CASES=$CASELIST
	for c in $CASES; do
		case " $CASELIST " in
		*" $c "*) ;;
		*) die "no case $c (bench/bench.sh -c list)" ;;
		esac
	done
	for t in $TOOLS; do
		case $t in
		netpipe|udpcast|tcp) ;;
		*) die "no tool $t (netpipe, udpcast, tcp)" ;;
		esac
	done
	if [ -n "$KEEP" ]; then
		mkdir -p "$KEEP" || die "cannot make $KEEP"
	fi
	mkstamp
	began=$(date +%s)
	load0=$(cut -d ' ' -f 1-3 /proc/loadavg)
	: >"$W/md"
	lan 16
	for c in $CASES; do
		echo "bench: case $c" >&2
		"case_$c"
	done
	rev=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
	[ -n "$(git -C "$TOP" status --porcelain 2>/dev/null)" ] &&
	    rev="$rev plus uncommitted changes"
	{
	echo "\`$CMDLINE\`: commit $rev, $(date -u '+%Y-%m-%d %H:%M UTC'),"
	echo "$RUNS run(s) a row, $(( ($(date +%s) - began + 30) / 60 )) minutes;"
	echo "load average $load0 before, $(cut -d ' ' -f 1-3 /proc/loadavg) after ($(nproc) cores)."
	echo
	echo "| case | tool | goodput, % of link: median (range) | repeats + parity, % | wall s | below half the link, s: clients; rate, no loss | checks | target |"
	echo "|---|---|---|---|---|---|---|---|"
	cat "$W/md"
	echo
	cat <<'EOF'
Goodput: stream bytes over the server's time, start to exit (the
clients already waiting; TCP: what iperf3's receiver got over its
time), in % of the bottleneck; 1500-byte frames cap it near 96%.
Repeats + parity: % of the blocks sent (udpcast: its re-xmits; TCP:
retransmitted segments).  Below half the link, the worst run: the
time covered by overlapping one-second windows over each of which a
client's output grew by less than half the link (0: never); then the
longest time netpipe's rate (its -v decisions) stayed below half the
link, and the longest it stayed below since a decision last gave loss
as its reason ("no loss"; a standing queue, another flow's, counts
as a reason).  Checks: every run's exit statuses and each client's
copy (cmp with the input); busy: the median over the runs of the
share of this machine's cores busy over each run (every host, the bridge, the
kernel's work for them, any neighbour).  Target: the issue's, for
netpipe's rows.
EOF
	} >"$W/table.md"
	[ -n "$KEEP" ] && cp "$W/table.md" "$KEEP/table.md"
	cat "$W/table.md"
}

if [ "$CASES" = list ]; then
	caselist
	exit 0
fi
