#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# A stream of 1 byte, to 1 and to 3 clients on loopback multicast, in
# each protocol revision: byte-exact, all exit 0.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

t() {
	transfer 1 "$T/in"
	echo "1 client ok"
	transfer 3 "$T/in"
	echo "3 clients ok"
}

makedata "$T/in" 1
each_rev t
pass
