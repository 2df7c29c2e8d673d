#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Root only: routed multicast, proven.  Two LANs of namespaces joined by
# a router r that forwards multicast with smcroute (smcrouted: the
# groups from eth0 to eth1): the server on 10.231.77.0/24 and
# fd00:231:77::/64, 3 clients on 10.231.78.0/24 and fd00:231:78::/64.
# With --ttl 1 nothing crosses the router: the server, given -w 2, exits
# 1 saying that no client answered; with --ttl 2 every client gets the
# stream byte-exact, within 10 s (Linux's IPv4 multicast router drops
# UDP GSO trains longer than the MTU: at 8cef219 Rev. 1 sent them, and
# 4 MiB took 32 s over IPv4, the rate at 1-3 Mbit/s; 0.1 s now, and over
# IPv6).  IPv4 and IPv6, each protocol revision.  README's "Across a
# router" is this test's setup and commands.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
command -v smcrouted >/dev/null || skip "needs smcroute (apt-get install smcroute)"
LANFAM=46 lan s r
LANFAM=46 LANBR=br1 LANNET=10.231.78 LANNET6=fd00:231:78:: lan r c1 c2 c3
R=${LANPFX}r
ip -n "${LANPFX}s" route add default via 10.231.77.2
ip -n "${LANPFX}s" -6 route add default via fd00:231:77::2
for c in c1 c2 c3; do
	ip -n "$LANPFX$c" route add default via 10.231.78.1
	ip -n "$LANPFX$c" -6 route add default via fd00:231:78::1
done
ip netns exec "$R" sysctl -q -w net.ipv4.ip_forward=1 \
    net.ipv6.conf.all.forwarding=1 || fail "sysctl forwarding in the router"

G4=239.1.$(($(rand16) % 250)).3
G6=ff15::4e50:$(printf %x "$(rand16)")
cat >"$T/smcroute.conf" <<EOF
mroute from eth0 group $G4 to eth1
mroute from eth0 group $G6 to eth1
EOF
ns_run smcrouted r /dev/null smcrouted -n -l debug -f "$T/smcroute.conf" \
    -i "np$$" -P "$T/smcrouted.pid" -u "$T/smcrouted.sock"
i=0
while [ ! -S "$T/smcrouted.sock" ] && [ $i -lt 200 ]; do
	running smcrouted || fail "smcrouted exited: $(cat "$T/smcrouted.err")"
	sleep 0.05
	i=$((i + 1))
done
[ -S "$T/smcrouted.sock" ] || fail "smcrouted did not start: $(cat "$T/smcrouted.err")"

makedata "$T/in" $((4 * 1024 * 1024))
head -c $((1024 * 1024)) "$T/in" >"$T/in1"

t() {
	if [ "$REVFLAG" = -0 ]; then in=$T/in1; else in=$T/in; fi
	for g in "$G4" "$G6"; do
		PORT=$(pick_port "${LANPFX}s") || fail "no free port"
		for c in c1 c2 c3; do
			# shellcheck disable=SC2086
			ns_run "$c" "$c" /dev/null "$NETPIPE" -c $REVFLAG -m "$g" -p "$PORT"
		done
		# shellcheck disable=SC2086
		ns_run s s "$in" "$NETPIPE" -s $REVFLAG -m "$g" --ttl 1 -n 3 -w 2 -p "$PORT"
		wait_for 15 s || fail "--ttl 1 -w 2 to $g: the server did not exit"
		expect_rc s 1
		grep -q 'no client answered within 2 s (-w), giving up' "$T/s.err" ||
		    fail "--ttl 1 to $g: the server did not say that no client answered"
		for c in c1 c2 c3; do
			running "$c" || fail "$c exited while nothing crossed the router"
			! grep -q 'answering server' "$T/$c.err" ||
			    fail "--ttl 1 to $g crossed the router to $c"
		done
		t0=$(now_ms)
		# shellcheck disable=SC2086
		ns_run s s "$in" "$NETPIPE" -s $REVFLAG -m "$g" --ttl 2 -n 3 -p "$PORT"
		wait_for 60 s || fail "--ttl 2 to $g: the transfer did not end within 60 s"
		el=$(($(now_ms) - t0))
		expect_rc s 0
		[ "$el" -lt 10000 ] ||
		    fail "--ttl 2 to $g: $(size "$in") bytes took $el ms"
		wait_for 15 c1 c2 c3 || fail "a client did not exit after the server"
		for c in c1 c2 c3; do
			expect_rc "$c" 0
			same "$in" "$T/$c.out"
		done
		echo "$g, --ttl 2: $(size "$in") bytes across the router to 3 clients in $el ms"
	done
}

each_rev t
pass
