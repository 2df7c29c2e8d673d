#!/bin/sh
# -k against replays of an earlier run with the same key (tests/forge.py,
# root).  Run 1 (stream A to two clients) is captured whole.  Then:
#  - run 2 (stream B, same key, two clients) mid-stream gets all of run
#    1 again, to its ports, from run 1's addresses: its clients drop
#    every datagram (run 1's pings open, being of the same key, but are
#    of another session: foreign; the rest fails to open or belongs to
#    a run that never heard them: forged), its server every one of run
#    1's clients' (another run's keys: forged); the output is B,
#    byte-exact, all exit 0;
#  - a client waiting for a server (-t 3) gets all of run 1, the
#    server's packets to a client sent to it: it may answer run 1's
#    ping, but takes no R1_INIT made for another client and no data,
#    writes nothing, and gives up: exit 1.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root to sniff and forge (packet and raw sockets)"
command -v python3 >/dev/null || skip "needs python3 for tests/forge.py"
FORGE=$NETPIPE_TOP/tests/forge.py
"$NETPIPE" --genkey "$T/key" || fail "--genkey"
makedata "$T/a" $((1024 * 1024))
makedata "$T/b" $((3 * 1024 * 1024))
rev default

# Run 1, captured.
bg_run cap /dev/null python3 "$FORGE" capture "$PORT" 120 "$T/cap"
sleep 0.5
client c1 -k "$T/key"
client c2 -k "$T/key"
server s1 "$T/a" -n 2 -k "$T/key"
wait_for 60 s1 c1 c2 || fail "run 1 did not end"
expect_rc s1 0
same "$T/a" "$T/c1.out"
sleep 0.3
kill "$(pid cap)"
wait_for 10 cap
old=$PORT
echo "run 1: $(wc -l <"$T/cap") datagrams captured"

# Run 2, mid-stream.
new_port
feed "$T/b" $((1024 * 1024))
client c3 -k "$T/key" -v --stats "$T/c3.json"
client c4 -k "$T/key" -v --stats "$T/c4.json"
server s2 "$T/fifo" -n 2 -k "$T/key" -v --stats "$T/s2.json"
for c in c3 c4; do
	wait_size "$T/$c.out" 1 30 || fail "$c got nothing within 30 s"
done
python3 "$FORGE" replay "$T/cap" "$old" "$PORT" "$GROUP" >"$T/replay.out" 2>&1 ||
    fail "the replay failed: $(cat "$T/replay.out")"
cat "$T/replay.out"
release
wait_for 90 s2 c3 c4 || fail "run 2 did not end"
expect_rc s2 0
expect_rc c3 0
expect_rc c4 0
same "$T/b" "$T/c3.out"
same "$T/b" "$T/c4.out"
group=$(sed -n 's/^group //p' "$T/replay.out")
for c in c3 c4; do
	f=$(sed -n 's/.*"forged":\([0-9]*\).*/\1/p' "$T/$c.json")
	n=$(sed -n 's/^netpipe: ignored [0-9]* malformed and \([0-9]*\) foreign.*/\1/p' "$T/$c.err" | tail -n 1)
	echo "$c: forged ${f:-0}, foreign ${n:-0}; run 1 sent it $group"
	[ $((${f:-0} + ${n:-0})) -ge "$group" ] ||
	    fail "$c dropped $((${f:-0} + ${n:-0})) of run 1's $group datagrams"
done
want=$(sed -n 's/^server //p' "$T/replay.out")
f=$(sed -n 's/.*"forged":\([0-9]*\).*/\1/p' "$T/s2.json")
echo "s2: forged ${f:-0}; run 1's clients sent it $want"
[ "${f:-0}" -ge "$want" ] || fail "s2 counted ${f:-no} of run 1's $want datagrams as forged"

# A client waiting, and all of run 1 again, even what went to a client.
new_port
client c5 -k "$T/key" -t 3 -v
addr_of c5
python3 "$FORGE" replay "$T/cap" "$old" "$PORT" "$GROUP" "${ADDR#*:}" >"$T/replay2.out" 2>&1 ||
    fail "the replay failed: $(cat "$T/replay2.out")"
wait_for 30 c5 || fail "the waiting client did not give up"
expect_rc c5 1
[ "$(size "$T/c5.out")" -eq 0 ] || fail "the waiting client wrote $(size "$T/c5.out") bytes of run 1"
tail -n 3 "$T/c5.err"
pass
