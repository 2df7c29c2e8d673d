#!/bin/sh
# -k against a forging host that sees all traffic and knows the session
# id, but not the key (tests/forge.py, root: a packet socket on lo and a
# raw socket).  Mid-stream it sends, from the server's address and port,
# to the group: R1_DATA (a marker), R1_EOT, R1_ERROR and R1_PING in
# clear with right CRCs (the attack without a key), and sealed-looking
# R1_DATA, R1_EOT, R1_ERROR with the session; to each client's status
# socket the same carrying that client's salt; to the server, from each
# client's status socket, R1_STATUS, R1_DONE and R1_ERROR in clear and
# sealed-looking; and then every datagram of the run it captured so far
# again (replays within the run).  Every one is dropped and counted:
# each end's --stats "forged" is at least what the forger sent it; the
# clients' output is the stream byte-exact, all exit 0.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root to sniff and forge (packet and raw sockets)"
command -v python3 >/dev/null || skip "needs python3 for tests/forge.py"
FORGE=$NETPIPE_TOP/tests/forge.py
"$NETPIPE" --genkey "$T/key" || fail "--genkey"
makedata "$T/in" $((3 * 1024 * 1024))
rev default

bg_run cap /dev/null python3 "$FORGE" capture "$PORT" 120 "$T/cap"
sleep 0.5
feed "$T/in" $((1024 * 1024))
client c1 -k "$T/key" -v --stats "$T/c1.json"
client c2 -k "$T/key" -v --stats "$T/c2.json"
server s "$T/fifo" -n 2 -k "$T/key" -v --stats "$T/s.json"
for c in c1 c2; do
	wait_size "$T/$c.out" 1 30 || fail "$c got nothing within 30 s"
done
p1=$(status_port c1)
p2=$(status_port c2)
[ -n "$p1" ] && [ -n "$p2" ] || fail "no status ports for the clients"
sleep 0.5
kill "$(pid cap)"
wait_for 10 cap
python3 "$FORGE" attack "$PORT" "$GROUP" "$T/cap" 100 >"$T/forge.out" 2>&1 ||
    fail "the forger failed: $(cat "$T/forge.out")"
cat "$T/forge.out"
release
wait_for 90 s c1 c2 || fail "the transfer did not end"
expect_rc s 0
expect_rc c1 0
expect_rc c2 0
same "$T/in" "$T/c1.out"
same "$T/in" "$T/c2.out"
grep -q "FORGED!" "$T/c1.out" "$T/c2.out" && fail "the marker was written"

forged() {
	sed -n 's/.*"forged":\([0-9]*\).*/\1/p' "$1"
}
group=$(sed -n 's/^group //p' "$T/forge.out")
for c in c1 c2; do
	eval "cp=\$p${c#c}"
	want=$((group + $(sed -n "s/^client $cp //p" "$T/forge.out")))
	got=$(forged "$T/$c.json")
	echo "$c: forged $got, sent it $want"
	[ "${got:-0}" -ge "$want" ] || fail "$c counted ${got:-no} forged datagrams, not $want"
	grep -q "dropped $got datagrams that failed authentication" "$T/$c.err" ||
	    fail "$c -v does not say how many it dropped"
done
want=$(sed -n 's/^server //p' "$T/forge.out")
got=$(forged "$T/s.json")
echo "s: forged $got, sent it $want"
[ "${got:-0}" -ge "$want" ] || fail "the server counted ${got:-no} forged datagrams, not $want"
pass
