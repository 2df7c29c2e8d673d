#!/bin/sh
# A client whose key is not the server's: it hears the server's sealed
# pings, none opens, and after its timeout (-t 2) it says "a server is
# sending, but not with this key" and exits 1, having written nothing;
# the server meanwhile takes only the client with its key, which gets
# the stream byte-exact.  A client with the key, started when no server
# is sending, keeps waiting silently as before (no such message).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

"$NETPIPE" --genkey "$T/k1" || fail "--genkey"
"$NETPIPE" --genkey "$T/k2" || fail "--genkey"
makedata "$T/in" $((512 * 1024))
rev default

client wrong -k "$T/k2" -t 2
client right -k "$T/k1"
server s "$T/in" -n 1 -k "$T/k1"
wait_for 30 wrong || fail "the client with another key did not give up"
expect_rc wrong 1
[ "$(size "$T/wrong.out")" -eq 0 ] || fail "the client with another key wrote $(size "$T/wrong.out") bytes"
grep -q -x "netpipe: a server is sending, but not with this key" "$T/wrong.err" ||
    fail "the client with another key did not say so: $(cat "$T/wrong.err")"
wait_for 60 s right || fail "the transfer did not end"
expect_rc s 0
expect_rc right 0
same "$T/in" "$T/right.out"

# With the key and no server: it waits on.
new_port
client lone -k "$T/k1" -t 1
sleep 3
running lone || fail "a client with no server to hear gave up: $(cat "$T/lone.err")"
grep -q "not with this key" "$T/lone.err" && fail "a client with no server blamed the key"
pass
