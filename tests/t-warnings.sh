#!/bin/sh
# The sources build without a warning under -Wall -Wextra (with -O2, which
# finds more): netpipe's own, the test helpers (tests/*.c), the simulator
# (tests/sim) and the fuzz harness (tests/fuzz), which link the protocol
# core: a change there that breaks them shows here, without clang.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

CC=${CC:-cc}
command -v "$CC" >/dev/null || skip "no C compiler ($CC)"
: >"$T/warnings"
# As the Makefile builds them: netpipe's sources with -D_GNU_SOURCE.
for src in "$NETPIPE_TOP"/*.c "$NETPIPE_TOP"/tests/*.c \
    "$NETPIPE_TOP"/tests/fuzz/*.c "$NETPIPE_TOP"/tests/sim/*.c; do
	[ -f "$src" ] || continue
	# The test helpers that stand alone (junk, shim, gen) build
	# without it; whatever includes netpipe.h needs it.
	def=-D_GNU_SOURCE
	case $src in
	*/tests/*.c) grep -q 'netpipe\.h' "$src" || def= ;;
	esac
	o=$T/$(basename "$src" .c).o
	# shellcheck disable=SC2086
	"$CC" -O2 -Wall -Wextra -fPIC $def -I"$NETPIPE_TOP" \
	    -c "$src" -o "$o" 2>>"$T/warnings" ||
	    echo "$src: does not compile" >>"$T/warnings"
	echo "compiled $(basename "$src")"
done
[ ! -s "$T/warnings" ] || fail "warnings:
$(head -n 40 "$T/warnings")"
pass
