#!/bin/sh
# netpipe never reads or writes the data on a terminal: a server whose
# standard input is a terminal, or a client whose standard output is one,
# exits 1 at once with one line saying so (through script(1)).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

script -qfec true /dev/null >/dev/null 2>&1 </dev/null ||
    skip "needs script(1) (util-linux) for a terminal"

for side in "-s" "-c"; do
	script -qfec "$NETPIPE $side -i lo -m $GROUP -p $PORT; echo \"exit \$?\"" \
	    "$T/tty" >/dev/null 2>&1 </dev/null
	tr -d '\r' <"$T/tty" | grep -v '^Script ' >"$T/out"
	cat "$T/out"
	grep -q '^exit 1$' "$T/out" || fail "netpipe $side on a terminal did not exit 1"
	grep -q '^netpipe: standard \(input\|output\) is a terminal' "$T/out" ||
	    fail "netpipe $side on a terminal did not say why"
done
pass
