#!/bin/sh
# make install puts the program and the man page under DESTDIR, PREFIX and
# MANPREFIX (modes 755 and 644); make uninstall takes them away again.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

command -v make >/dev/null || skip "needs make"
M="make -s -C $NETPIPE_TOP"
# make install must not build in the tree under the running suite.
$M -q netpipe || skip "netpipe is not up to date with its sources (run make)"

$M install DESTDIR="$T/root" PREFIX=/usr >"$T/log" 2>&1 || fail "make install: $(cat "$T/log")"
find "$T/root" | sort
bin=$T/root/usr/bin/netpipe
man=$T/root/usr/share/man/man1/netpipe.1
[ -x "$bin" ] || fail "no $bin"
[ "$(stat -c %a "$bin")" = 755 ] || fail "$bin has mode $(stat -c %a "$bin")"
[ "$(stat -c %a "$man")" = 644 ] || fail "$man has mode $(stat -c %a "$man")"
cmp "$man" "$NETPIPE_TOP/man/netpipe.1" || fail "$man differs from man/netpipe.1"
[ "$("$bin" -V)" = "netpipe 0.1" ] || fail "the installed netpipe -V says $("$bin" -V)"
$M uninstall DESTDIR="$T/root" PREFIX=/usr >"$T/log" 2>&1 || fail "make uninstall: $(cat "$T/log")"
{ [ ! -e "$bin" ] && [ ! -e "$man" ]; } || fail "make uninstall left files: $(find "$T/root" -type f)"

# MANPREFIX on its own.
$M install DESTDIR="$T/r2" PREFIX=/opt/np MANPREFIX=/opt/man >"$T/log" 2>&1 ||
    fail "make install: $(cat "$T/log")"
[ -x "$T/r2/opt/np/bin/netpipe" ] || fail "no $T/r2/opt/np/bin/netpipe"
[ -f "$T/r2/opt/man/man1/netpipe.1" ] || fail "no $T/r2/opt/man/man1/netpipe.1"
$M uninstall DESTDIR="$T/r2" PREFIX=/opt/np MANPREFIX=/opt/man >"$T/log" 2>&1 ||
    fail "make uninstall: $(cat "$T/log")"
[ -z "$(find "$T/r2" -type f)" ] || fail "make uninstall left files: $(find "$T/r2" -type f)"
pass
