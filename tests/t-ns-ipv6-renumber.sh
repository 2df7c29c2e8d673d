#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Root only: addresses that change under a transfer.  On an IPv6-only LAN
# of namespaces (a server, 2 clients), in the middle of the stream the
# server and client c1 each get a new address and their old one is
# deprecated (preferred_lft 0), as a temporary address is when the next
# replaces it: the kernel would now send from the new one.  Server and
# clients keep the address they started with (a peer is known by its
# address): byte-exact, all exit 0, in each protocol revision.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
LANFAM=6 lan s c1 c2
makedata "$T/in" $((4 * 1024 * 1024))

t() {
	PORT=$(pick_port "${LANPFX}s") || fail "no free port"
	g=ff15::4e50:$(printf %x "$(rand16)")
	feed "$T/in" $((512 * 1024))
	for c in c1 c2; do
		# shellcheck disable=SC2086
		ns_run "$c" "$c" /dev/null "$NETPIPE" -c $REVFLAG -m "$g" -p "$PORT" -t 3
	done
	# shellcheck disable=SC2086
	ns_run s s "$T/fifo" "$NETPIPE" -s $REVFLAG -m "$g" -n 2 -p "$PORT" -t 3
	wait_size "$T/c1.out" $((256 * 1024)) 30 || fail "the transfer did not start"
	for h in s:1:98 c1:2:99; do
		n=$LANPFX${h%%:*} a=${h#*:}
		ip -n "$n" addr add "fd00:231:77::${a#*:}/64" dev eth0 nodad ||
		    fail "new address in ${h%%:*}"
		ip -n "$n" addr change "fd00:231:77::${a%:*}/64" dev eth0 \
		    preferred_lft 0 || fail "deprecate the address of ${h%%:*}"
	done
	release
	wait_for 60 s c1 c2 || fail "the transfer did not end within 60 s"
	expect_rc s 0
	for c in c1 c2; do
		expect_rc "$c" 0
		same "$T/in" "$T/$c.out"
	done
	for h in s:1:98 c1:2:99; do
		n=$LANPFX${h%%:*} a=${h#*:}
		ip -n "$n" addr del "fd00:231:77::${a#*:}/64" dev eth0
		ip -n "$n" addr change "fd00:231:77::${a%:*}/64" dev eth0 \
		    preferred_lft forever
	done
	grep -q 'client \[fd00:231:77::2\]:[0-9]*: done' "$T/s.err" ||
	    fail "the server does not know c1 by its first address"
}

each_rev t
pass
