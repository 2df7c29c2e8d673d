#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Root only: a LAN of network namespaces (a bridge, a server and 4 clients,
# 10.231.77.0/24, connected to nothing else); the server broadcasts (no
# -m) on -i eth0 to -n 4 clients: 64 MiB byte-exact, all exit 0, in each
# protocol revision.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
lan s c1 c2 c3 c4
makedata "$T/in" $((64 * 1024 * 1024))
want=$(sha256sum <"$T/in")

t() {
	PORT=$(pick_port "${LANPFX}s") || fail "no free port"
	for c in c1 c2 c3 c4; do
		# shellcheck disable=SC2086
		ns_run "$c" "$c" /dev/null "$NETPIPE" -c $REVFLAG -i eth0 -p "$PORT"
	done
	t0=$(now_ms)
	# shellcheck disable=SC2086
	ns_run s s "$T/in" "$NETPIPE" -s $REVFLAG -i eth0 -n 4 -p "$PORT"
	wait_for 80 s || fail "the transfer did not end within 80 s"
	el=$(($(now_ms) - t0))
	expect_rc s 0
	wait_for 15 c1 c2 c3 c4 || fail "a client did not exit after the server"
	for c in c1 c2 c3 c4; do
		expect_rc "$c" 0
		[ "$(sha256sum <"$T/$c.out")" = "$want" ] ||
		    fail "$c's output ($(size "$T/$c.out") bytes) differs from the input"
		rm -f "$T/$c.out"
	done
	cat "$T/s.err"
	echo "64 MiB to 4 clients in $el ms"
}

each_rev t
pass
