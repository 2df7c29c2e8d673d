#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Injected corrupt (tests/shim.so, NPSHIM_CORRUPT=0.05 on every datagram the server
# and its 2 clients send, a seed each) is recovered: 2 MiB byte-exact, all
# exit 0; and the shim's log shows it did inject some.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((2 * 1024 * 1024))
SHIM="NPSHIM_CORRUPT=0.05 NPSHIM_DIR=send"

t() {
	transfer 2 "$T/in"
	cat "$T/shim.log"
	[ "$(grep -c . "$T/shim.log")" -eq 3 ] || fail "the shim did not log for 3 processes"
	[ "$(shim_count corrupt)" -gt 0 ] || fail "the shim injected no corrupt"
	echo "corrupt: $(shim_count corrupt)"
}

each_rev t
pass
