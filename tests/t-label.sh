#!/bin/sh
# Rev. 1 labels: a client given -l sda1 never answers a server announcing
# -l sda2 (it writes nothing and keeps waiting), while a client with -l
# sda2 gets the stream; the server, wanting one client, takes only it.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((256 * 1024))
rev default
client wrong -l sda1
client right -l sda2
server s "$T/in" -n 1 -l sda2
wait_for 60 s right || fail "the transfer did not end"
expect_rc s 0
expect_rc right 0
same "$T/in" "$T/right.out"
running wrong || fail "the client with the other label exited: $(cat "$T/wrong.err")"
[ "$(size "$T/wrong.out")" -eq 0 ] || fail "the client with the other label wrote data"
[ "$(grep -c joined "$T/s.err")" -eq 1 ] || fail "more than one client joined"
pass
