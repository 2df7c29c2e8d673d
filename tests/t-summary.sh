#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# The end-of-run summary: the server says bytes, seconds and rate, then one
# line per client (address, bytes confirmed, done); each client says what
# it received.  With -q nobody says anything on success.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

SIZE=$((1024 * 1024 + 7))
makedata "$T/in" $SIZE

t() {
	transfer 2 "$T/in"
	cat "$T/s.err"
	# Rev. 1 adds the parity blocks sent (parity on demand).
	par=', [0-9.]+% parity'
	[ -z "$REVFLAG" ] || par=
	grep -q -E "^netpipe: sent $SIZE bytes in [0-9.]+ s \([0-9.]+ MB/s\) to 2 clients, [0-9.]+% repeated$par$" "$T/s.err" ||
	    fail "no summary line on the server"
	for c in c1 c2; do
		grep -q -E "^netpipe: received $SIZE bytes in [0-9.]+ s \([0-9.]+ MB/s\)$" "$T/$c.err" ||
		    fail "no summary on $c: $(cat "$T/$c.err")"
	done
	n=$(grep -c -E "^netpipe: client 127\.0\.0\.1:[0-9]+: done, $SIZE bytes, round trip [0-9.]+ ms$" "$T/s.err")
	[ "$n" -eq 2 ] || fail "$n client lines in the summary, expected 2"
	# The client lines name the clients that joined.
	sed -n 's/^netpipe: client \(127[0-9.:]*\) joined.*/\1/p' "$T/s.err" |
	    while read -r a; do
		grep -q "^netpipe: client $a: done" "$T/s.err" || echo "$a"
	    done >"$T/missing"
	[ ! -s "$T/missing" ] || fail "no summary line for $(cat "$T/missing")"
	[ "$(sed -n '/ joined /p' "$T/s.err" | grep -c .)" -eq 2 ] || fail "not 2 clients joined"

	transfer 2 "$T/in" -q
	[ ! -s "$T/s.err" ] || fail "-q: the server said: $(cat "$T/s.err")"
	new_port
	client c1 -q
	server s "$T/in" -q
	wait_for 60 s c1 || fail "the transfer did not end"
	expect_rc c1 0
	[ ! -s "$T/c1.err" ] || fail "-q: the client said: $(cat "$T/c1.err")"
}

each_rev t
pass
