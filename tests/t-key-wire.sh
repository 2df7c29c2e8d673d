#!/bin/sh
# With -k the stream's bytes are not on the wire: a stream made of a
# marker over and over goes to two clients while tests/forge.py (root,
# a packet socket on lo) captures every datagram of the transfer; the
# marker is nowhere in the capture, and the transfer is byte-exact.
# The same run without -k is captured too, and there the marker must
# be found (the capture sees the stream when it is in clear).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root to capture (a packet socket)"
command -v python3 >/dev/null || skip "needs python3 for tests/forge.py"
FORGE=$NETPIPE_TOP/tests/forge.py
"$NETPIPE" --genkey "$T/key" || fail "--genkey"
i=0
: >"$T/in"
while [ $i -lt 2000 ]; do
	echo "NETPIPE-MARKER-0123456789-the-stream-in-clear-$i" >>"$T/in"
	i=$((i + 1))
done
rev default
hexmark=$(printf 'NETPIPE-MARKER' | od -An -tx1 | tr -d ' \n')

run() {	# run NAME [-k FILE]: a transfer, captured into $T/NAME.cap
	new_port
	bg_run "cap$1" /dev/null python3 "$FORGE" capture "$PORT" 120 "$T/$1.cap"
	sleep 0.5
	kname=$1
	shift
	client "${kname}c1" "$@"
	client "${kname}c2" "$@"
	server "${kname}s" "$T/in" -n 2 "$@"
	wait_for 60 "${kname}s" "${kname}c1" "${kname}c2" || fail "the transfer did not end"
	expect_rc "${kname}s" 0
	same "$T/in" "$T/${kname}c1.out"
	same "$T/in" "$T/${kname}c2.out"
	sleep 0.3
	kill "$(pid "cap$kname")"
	wait_for 10 "cap$kname"
	echo "$kname: $(wc -l <"$T/$kname.cap") datagrams captured"
}

run clear
grep -q "$hexmark" "$T/clear.cap" || fail "the capture did not see the stream in clear"
run sealed -k "$T/key"
[ "$(wc -l <"$T/sealed.cap")" -gt 60 ] || fail "the capture saw too little of the sealed run"
grep -q "$hexmark" "$T/sealed.cap" && fail "the marker is on the wire with -k"
pass
