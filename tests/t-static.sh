#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Root only: make static's netpipe-static runs where there is no C
# library.  It must be static (ldd: "not a dynamic executable", and no
# ELF interpreter), and in an empty root (a directory holding only it,
# as /netpipe, and /dev/null and /dev/urandom), chrooted in a network
# namespace of its own, a server and 2 clients (multicast on lo) must
# copy 4 MiB byte-exact, in each protocol revision.  As a control, the
# dynamic ./netpipe in the same kind of root must not even start: the
# root really has no C library.  $NETPIPE_STATIC names another binary to
# try (with ./netpipe the test fails).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=${NETPIPE_STATIC:-$NETPIPE_TOP/netpipe-static}
need_root
command -v chroot >/dev/null || skip "needs chroot"
[ -x "$BIN" ] || skip "$BIN is not built (make static; make check builds it)"

# Static: ldd says so, and there is no program interpreter.
ldd "$BIN" >"$T/ldd" 2>&1
grep -q 'not a dynamic executable' "$T/ldd" ||
    fail "$BIN is dynamic: ldd says $(head -n 3 "$T/ldd" | tr '\n' ' ')"
if command -v readelf >/dev/null; then
	readelf -l "$BIN" | grep -q 'INTERP' &&
	    fail "$BIN has an ELF interpreter: $(readelf -l "$BIN" | grep -A1 INTERP | tr '\n' ' ')"
fi

# root DIR PROGRAM: an empty root in DIR: PROGRAM as /netpipe and a
# minimal /dev, nothing else.
root() {
	mkdir -p "$1/dev" || fail "mkdir $1"
	cp "$2" "$1/netpipe" || fail "cp $2"
	mknod -m 666 "$1/dev/null" c 1 3 || fail "mknod null"
	mknod -m 444 "$1/dev/urandom" c 1 9 || fail "mknod urandom"
}
root "$T/root" "$BIN"
echo "the empty root:"
(cd "$T/root" && find . | sort)
[ "$(cd "$T/root" && find . | wc -l)" -eq 5 ] || fail "the root is not empty"

NS=${LANPFX}static
ip netns add "$NS" || fail "ip netns add"
NAMESPACES="$NAMESPACES $NS"
ip -n "$NS" link set lo up || fail "lo up"

# The control: a dynamic netpipe there finds no C library.
if [ -z "${NETPIPE_STATIC:-}" ]; then
	root "$T/dynroot" "$NETPIPE"
	chroot "$T/dynroot" /netpipe -V >"$T/dyn.out" 2>&1 &&
	    fail "the dynamic netpipe ran in an empty root: $(cat "$T/dyn.out")"
	echo "control: the dynamic netpipe in an empty root: $(cat "$T/dyn.out")"
fi
chroot "$T/root" /netpipe -V >"$T/v.out" 2>&1 ||
    fail "$BIN -V in the empty root: $(cat "$T/v.out")"
cat "$T/v.out"

makedata "$T/in" $((4 * 1024 * 1024))

t() {
	for c in c1 c2; do
		# shellcheck disable=SC2086
		bg_run "$c" /dev/null ip netns exec "$NS" chroot "$T/root" \
		    /netpipe -c $REVFLAG -i lo -m "$GROUP" -p "$PORT"
	done
	# shellcheck disable=SC2086
	bg_run s "$T/in" ip netns exec "$NS" chroot "$T/root" \
	    /netpipe -s $REVFLAG -i lo -m "$GROUP" -p "$PORT" -n 2
	wait_for 60 s || fail "the transfer did not end within 60 s"
	expect_rc s 0
	wait_for 15 c1 c2 || fail "a client did not exit after the server"
	for c in c1 c2; do
		expect_rc "$c" 0
		same "$T/in" "$T/$c.out"
	done
	tail -n 1 "$T/s.err"
}

each_rev t
pass
