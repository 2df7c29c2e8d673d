#!/bin/sh
# After a build of everything (the program, its static twin and the test
# helpers), make clean leaves the tree as checked out: git status
# --porcelain --ignored the same as before.  In a clone of the tree (with
# this tree's Makefile), not in the tree the suite runs from.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

command -v git >/dev/null || skip "needs git"
command -v make >/dev/null || skip "needs make"
git -C "$NETPIPE_TOP" rev-parse --git-dir >/dev/null 2>&1 || skip "not a git checkout"

git clone -q "$NETPIPE_TOP" "$T/src" || fail "git clone"
cp "$NETPIPE_TOP/Makefile" "$T/src/Makefile"
git -C "$T/src" status --porcelain --ignored >"$T/before"
make -s -C "$T/src" all static tests/shim.so tests/junk tests/gen >"$T/log" 2>&1 ||
    fail "make: $(tail -n 5 "$T/log")"
[ -x "$T/src/netpipe" ] || fail "make built no netpipe"
make -s -C "$T/src" clean >"$T/log" 2>&1 || fail "make clean: $(cat "$T/log")"
git -C "$T/src" status --porcelain --ignored >"$T/after"
diff "$T/before" "$T/after" >"$T/diff" ||
    fail "make clean left the tree changed (< before, > after): $(cat "$T/diff")"
pass
