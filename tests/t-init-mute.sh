#!/bin/sh
# A client that answers R1_PING but never R1_INIT (a broken or hostile
# peer: tests/mute.py) is dropped T after the initialization phase
# began, "no answer to R1_INIT ... though alive", and the room goes on:
# the real client gets the stream byte-exact, the server exits 3 (a
# client was dropped).  At 8cef219 the drop was timed from the
# client's last progress, which in INIT is always now, so a mute client
# that kept answering the pings held the room for ever (tried: the test
# fails there).
# Rev. 1 only (Rev. 0 has no R1_INIT).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || skip "needs python3 for the mute client"
makedata "$T/in" $((256 * 1024))

rev default
python3 "$NETPIPE_TOP/tests/mute.py" "$GROUP" "$PORT" 20 \
    >"$T/mute.out" 2>"$T/mute.err" &
mute=$!
client c1
server s "$T/in" -n 2 -t 2
wait_for 30 s c1 || { kill "$mute" 2>/dev/null; fail "the server hung on the mute client"; }
kill "$mute" 2>/dev/null
expect_rc s 3
expect_rc c1 0
same "$T/in" "$T/c1.out"
grep -q "no answer to R1_INIT for 2 s, though alive" "$T/s.err" ||
    fail "no message for the mute client: $(cat "$T/s.err")"
grep -q "pong" "$T/mute.out" || fail "the mute client answered nothing"
echo "the mute client sent $(wc -l <"$T/mute.out") pongs"
pass
