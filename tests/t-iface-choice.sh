#!/bin/sh
# Which interface and why, without -i (any user where the kernel gives
# one a network namespace: own_netns): with two that could serve (veth
# pairs v0 and w0, each with an IPv4 and an IPv6 address), the server
# and a client with -m take the one the kernel routes the group to, say
# so, and name the others that could have served; without -m the server
# takes the default route's.  IPv4 and IPv6; the transfer then works.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

own_netns
own_link
ip link add w0 type veth peer name w1 || fail "veth w0"
ip addr add 10.43.0.1/24 dev w0
ip addr add fd43::1/64 dev w0 nodad
ip link set w0 up
ip link set w1 up
makedata "$T/in" $((256 * 1024))

# says NAME WHY: NAME's first line names w0, chosen for WHY, of those that
# could serve.
says() {
	grep -q "^netpipe: interface w0 ([^)]*): $2; [0-9] could serve: .*v0.*; name another with -i" "$T/$1.err" ||
	    fail "$1 does not say it took w0 ($2): $(head -n 1 "$T/$1.err")"
}

for g in 239.77.$(($(rand16) % 250)).1 ff15::4e50:$(printf %x "$(rand16)"); do
	new_port
	case $g in
	*:*)	ip -6 route add multicast "$g/128" dev w0 table local ;;
	*)	ip route add "$g/32" dev w0 ;;
	esac
	bg_run c1 /dev/null "$NETPIPE" -c -m "$g" -p "$PORT"
	bg_run s "$T/in" "$NETPIPE" -s -m "$g" -p "$PORT"
	wait_for 60 s c1 || fail "-m $g without -i: timed out"
	expect_rc s 0
	expect_rc c1 0
	same "$T/in" "$T/c1.out"
	says s "the group's route"
	says c1 "the group's route"
done

ip route add default dev w0
ip -6 route add default dev w0
bg_run s /dev/null "$NETPIPE" -s -w 1 -p "$PORT"
wait_for 10 s
says s "the default route's"
pass
