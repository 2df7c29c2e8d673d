#!/bin/sh
# netpipe: tests/demo.sh: the main job on one machine, as any user.
#
#	tests/demo.sh [BYTES]		(make demo)
#
# Generates a stream of BYTES (default 100 MiB: tests/gen's counter) into
# a temporary file, sends it with one server to 3 clients over multicast
# on the loopback interface (group 239.255.77.1, the first free UDP port
# pair from 9000 up, or $DEMO_PORT), showing the server's progress line
# (-P) and its --stats, compares each client's copy with the original byte for byte as it
# arrives (cmp), and ends with a verdict: exit 0 if all 3 copies are
# whole and every netpipe exited 0.
#
# Copyright (C) 2026 the netpipe authors
# SPDX-License-Identifier: GPL-2.0-or-later

set -u

top=$(cd "$(dirname "$0")/.." && pwd) || exit 1
np=$top/netpipe
gen=$top/tests/gen
bytes=${1:-104857600}
group=239.255.77.1
nclients=3

for f in "$np" "$gen"; do
	[ -x "$f" ] || { echo "demo: $f is not built (make netpipe tests/gen)" >&2; exit 1; }
done

# The first even port from 9000 whose pair has no UDP socket bound.
port=${DEMO_PORT:-}
if [ -z "$port" ]; then
	port=9000
	if command -v ss >/dev/null; then
		while [ -n "$(ss -Huan "( sport = :$port or sport = :$((port + 1)) )")" ]; do
			port=$((port + 2))
			[ $port -lt 9200 ] || { echo "demo: no free UDP port pair in 9000-9199" >&2; exit 1; }
		done
	fi
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/netpipe-demo.XXXXXX") || exit 1
pids=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

echo "== netpipe demo: $bytes bytes to $nclients clients over loopback multicast"
echo "== (interface lo, group $group, UDP ports $port and $((port + 1)))"
"$gen" "$bytes" >"$dir/stream" || { echo "demo: cannot write $dir/stream" >&2; exit 1; }

i=1
while [ $i -le $nclients ]; do
	(
		"$np" -c -q -i lo -m "$group" -p "$port" 2>"$dir/c$i.err"
		echo $? >"$dir/c$i.rc"
	) | { cmp - "$dir/stream" >"$dir/cmp$i" 2>&1; echo $? >"$dir/cmp$i.rc"; } &
	pids="$pids $!"
	i=$((i + 1))
done

"$np" -s -P -i lo -m "$group" -p "$port" -n $nclients \
    --stats "$dir/stats.json" <"$dir/stream"
srv=$?
wait
pids=

ok=0
i=1
while [ $i -le $nclients ]; do
	rc=$(cat "$dir/c$i.rc" 2>/dev/null || echo none)
	crc=$(cat "$dir/cmp$i.rc" 2>/dev/null || echo none)
	if [ "$rc" = 0 ] && [ "$crc" = 0 ]; then
		echo "client $i: exit 0, its $bytes bytes identical to the original"
		ok=$((ok + 1))
	else
		echo "client $i: exit $rc; cmp: $(cat "$dir/cmp$i" 2>/dev/null)"
		sed 's/^/    /' "$dir/c$i.err"
	fi
	i=$((i + 1))
done
echo "the server's --stats file, for scripts:"
sed 's/^/    /' "$dir/stats.json"
if [ $srv -eq 0 ] && [ $ok -eq $nclients ]; then
	echo "demo passed: the server exited 0 and all $nclients copies are whole"
	exit 0
fi
echo "demo FAILED: the server exited $srv, $ok of $nclients copies whole"
exit 1
