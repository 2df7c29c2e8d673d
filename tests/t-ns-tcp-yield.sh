#!/bin/sh
# Root only: a TCP flow shares a client's switch port with a transfer.
# The namespace LAN of t-ns-lan.sh with 2 clients whose switch ports
# carry 20 Mbit/s through a deep queue (tbf, 256 KiB: 100 ms), and a
# third host that sends TCP to client 1 through its port from before
# the transfer to after it.  The flow keeps the port's queue full,
# which netpipe's loss test hardly sees; what it sees is a queue that
# stands before client 1 through its own drains (PROTOCOL.txt 10.8):
# the -v log must say "a queue stands: yield" and name client 1 as the
# one it stands before.  Rev. 1, 8 MiB, byte-exact, all exit 0.  How
# the link is shared is a figure: bench/bench.sh -c tcp.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
command -v tc >/dev/null || skip "needs tc (iproute2)"
command -v python3 >/dev/null || skip "needs python3 for the TCP flow"
lan s c1 c2 t
for c in c1 c2; do
	tc -n "${LANPFX}br" qdisc add dev "p$c" root tbf rate 20mbit \
	    burst 32kb limit 256kb || skip "tc cannot add a tbf qdisc here"
done
makedata "$T/in" $((8 * 1024 * 1024))
C1=${LANNET:-10.231.77}.2	# c1: the second host given to lan

# The flow: a sink on client 1, a sender on host t, for at most 60 s.
ns_run sink c1 /dev/null python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5201))
s.listen(1)
c, _ = s.accept()
while c.recv(65536):
	pass
' "$C1"
sleep 0.3
ns_run flow t /dev/null python3 -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], 5201))
b = bytes(65536)
end = time.time() + 60
while time.time() < end:
	s.sendall(b)
' "$C1"
sleep 2		# the flow fills the queue before the transfer

PORT=$(pick_port "${LANPFX}s") || fail "no free port"
for c in c1 c2; do
	ns_run "$c" "$c" /dev/null "$NETPIPE" -c -i eth0 -p "$PORT"
done
ns_run s s "$T/in" "$NETPIPE" -s -v -i eth0 -n 2 -p "$PORT"
all_done "$T/in" 120 c1 c2
grep -E '^netpipe: sent' "$T/s.err"
n=$(grep -c 'a queue stands: yield' "$T/s.err")
echo "decisions that yielded to the flow: $n"
[ "$n" -gt 0 ] || fail "netpipe never yielded to the TCP flow's queue"
grep -q "a queue stands before $C1:" "$T/s.err" ||
    fail "the log does not name client 1 ($C1) as the one a queue stands before"
pass
