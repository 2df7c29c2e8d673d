#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Block sizes at the limits: Rev. 0 with -b 65494 (a 65507-byte datagram,
# the most UDP carries), and -b 1 in each revision: byte-exact, 2 clients.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((300 * 1024 + 5))
rev 0
transfer 2 "$T/in" -b 65494
echo "-b 65494 ok"

makedata "$T/in" 3001
each_rev transfer 2 "$T/in" -b 1
echo "-b 1 ok"
pass
