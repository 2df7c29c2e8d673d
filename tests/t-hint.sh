#!/bin/sh
# When nothing answers within the timeout (-t 1), the server and a client
# each say once what to check: the interface, the addresses and the ports.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# Each on ports and a group of its own: they must not find each other.
server s /dev/null -t 1
SP=$PORT SG=$GROUP
new_port
client c -t 1
end=$(($(now_ms) + 10000))
until grep -q 'answered in' "$T/s.err" && grep -q 'heard in' "$T/c.err"; do
	[ "$(now_ms)" -lt $end ] || fail "no hint within 10 s"
	sleep 0.1
done
cat "$T/s.err" "$T/c.err"
running s || fail "the server exited: $(cat "$T/s.err")"
running c || fail "the client exited: $(cat "$T/c.err")"
grep -F "no client has answered in 1 s; pinging $SG:$SP on lo: is a client running" "$T/s.err" |
    grep -F "UDP $SP open on the clients and UDP $((SP + 1)) here" >/dev/null ||
    fail "the server's hint lacks the group, interface or ports"
grep -F "no server heard in 1 s on UDP port $PORT (group $GROUP on lo)" "$T/c.err" |
    grep -F "UDP $PORT open here and UDP $((PORT + 1)) on the server" >/dev/null ||
    fail "the client's hint lacks the group, interface or ports"
kill "$(pid s)" "$(pid c)"
wait_for 10 s c
[ "$(grep -c 'answered in' "$T/s.err")" -eq 1 ] || fail "the server said it more than once"
pass
