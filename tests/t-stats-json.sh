#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# --stats FILE: one JSON object per run, on the server and on each client,
# also when a client is dropped (killed mid-stream, -t 2: exit 3, that
# client "dropped" with its reason, the two others "done" with every
# byte, each found by its address) and when a run fails (a client
# writing to /dev/full: its error, and the server's reason for dropping
# it; a setup failure: exit 1, its error); "error" is null exactly when
# the run succeeded, and present always; strings are escaped.  Parsed
# with jq, or python3 when there is no jq, into one line per value
# (PATH JSON) that both read alike, so that null is never a string.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# flat FILE: FILE.flat, a line "PATH VALUE" for every value that is not
# an object or an array (PATH like clients.0.reason, VALUE as JSON:
# "text", null, 3, true); fails on bad JSON.
if command -v jq >/dev/null; then
	flat() {
		jq -r 'paths(type != "object" and type != "array") as $p |
		    "\($p | map(tostring) | join(".")) \(getpath($p) | tojson)"' \
		    "$1" >"$1.flat" 2>&1 ||
		    fail "jq on $(basename "$1"): $(cat "$1.flat") in $(cat "$1")"
	}
elif command -v python3 >/dev/null; then
	flat() {
		python3 -c 'import json, sys
def walk(p, v):
    if isinstance(v, dict):
        for k in v:
            walk(p + [k], v[k])
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(p + [str(i)], x)
    else:
        print(".".join(p), json.dumps(v))
walk([], json.load(open(sys.argv[1])))' "$1" >"$1.flat" 2>&1 ||
		    fail "python3 json on $(basename "$1"): $(cat "$1.flat") in $(cat "$1")"
	}
else
	skip "needs jq or python3 to parse JSON"
fi

# re TEXT: TEXT as a basic regular expression that matches only itself.
re() {
	printf '%s\n' "$1" | sed 's/[][\.*^$/]/\\&/g'
}

# val FILE PATH: sets V to the value at PATH, as JSON; fails the test if
# there is none.
val() {
	_k=$(re "$2")
	grep -q "^$_k " "$1.flat" ||
	    fail "$(basename "$1"): no $2: $(cat "$1")"
	V=$(sed -n "s/^$_k //p" "$1.flat")
}

# is FILE PATH JSON: the value at PATH is JSON exactly (null is null,
# never "null" or absent).
is() {
	val "$1" "$2"
	[ "$V" = "$3" ] ||
	    fail "$(basename "$1"): $2 is $V, expected $3: $(cat "$1")"
}

# text FILE PATH ERE: the value at PATH is a string, not empty, whose
# text (as escaped in JSON) matches ERE.
text() {
	val "$1" "$2"
	case $V in
	\"?*\") ;;
	*) fail "$(basename "$1"): $2 is $V, not a string: $(cat "$1")" ;;
	esac
	_s=${V#\"}
	printf '%s\n' "${_s%\"}" | grep -q -E "$3" ||
	    fail "$(basename "$1"): $2 is $V, expected /$3/: $(cat "$1")"
}

# num FILE PATH CMP N: the value at PATH is a number and CMP (awk: >, >=,
# ==) N.
num() {
	val "$1" "$2"
	echo "$V" | awk -v n="$4" "/^-?[0-9.]+([eE][-+]?[0-9]+)?\$/ && \$1 $3 n { ok = 1 } END { exit !ok }" ||
	    fail "$(basename "$1"): $2 is $V, expected a number $3 $4"
}

# nclients FILE: the entries in .clients.
nclients() {
	sed -n 's/^clients\.\([0-9]*\)\.address .*/\1/p' "$1.flat" | grep -c .
}

# entry FILE ADDRESS: sets E to the PATH (clients.N) of the one client
# entry with that address.
entry() {
	_k=$(re "\"$2\"")
	_n=$(grep -c "^clients\.[0-9]*\.address $_k\$" "$1.flat")
	[ "$_n" -eq 1 ] ||
	    fail "$(basename "$1"): $_n client entries for $2: $(cat "$1")"
	E=$(sed -n "s/^\(clients\.[0-9]*\)\.address $_k\$/\1/p" "$1.flat")
}

SIZE=$((4 * 1024 * 1024))
makedata "$T/in" $SIZE

# A dropped client: killed mid-stream.
t() {
	feed "$T/in" $((1024 * 1024))
	for c in c1 c2 c3; do
		client "$c" --stats "$T/$c.json"
	done
	server s "$T/fifo" -n 3 -t 2 --stats "$T/s.json"
	for c in c1 c2 c3; do
		wait_size "$T/$c.out" 1 30 || fail "$c got nothing within 30 s"
	done
	addr_of c1
	a1=$ADDR
	addr_of c2
	victim=$ADDR
	addr_of c3
	a3=$ADDR
	kill -9 "$(pid c2)"
	release
	wait_for 60 s c1 c3 || fail "the transfer did not end"
	expect_rc s 3
	cat "$T/s.json"
	flat "$T/s.json"
	is "$T/s.json" netpipe '"0.1"'
	is "$T/s.json" role '"server"'
	proto=1
	[ -z "$REVFLAG" ] || proto=0
	is "$T/s.json" protocol "$proto"
	is "$T/s.json" exit 3
	is "$T/s.json" error null
	is "$T/s.json" bytes "$SIZE"
	is "$T/s.json" size null
	is "$T/s.json" interface '"lo"'
	is "$T/s.json" destination "\"$GROUP:$PORT\""
	num "$T/s.json" seconds '>' 0
	num "$T/s.json" rate_bytes_per_s '>' 0
	num "$T/s.json" retransmit_pct '>=' 0
	num "$T/s.json" parity_pct '>=' 0
	[ "$(nclients "$T/s.json")" = 3 ] || fail "not 3 clients in the stats"
	entry "$T/s.json" "$victim"
	is "$T/s.json" "$E.result" '"dropped"'
	text "$T/s.json" "$E.reason" '^timed out after 2 s$'
	for a in "$a1" "$a3"; do
		entry "$T/s.json" "$a"
		is "$T/s.json" "$E.result" '"done"'
		is "$T/s.json" "$E.bytes_confirmed" "$SIZE"
		is "$T/s.json" "$E.reason" null
		num "$T/s.json" "$E.rtt_ms" '>' 0
	done
	for c in c1 c3; do
		expect_rc "$c" 0
		same "$T/in" "$T/$c.out"
		cat "$T/$c.json"
		flat "$T/$c.json"
		is "$T/$c.json" role '"client"'
		is "$T/$c.json" exit 0
		is "$T/$c.json" error null
		is "$T/$c.json" bytes "$SIZE"
		is "$T/$c.json" server "\"127.0.0.1:$((PORT + 1))\""
		is "$T/$c.json" retransmit_pct null
		is "$T/$c.json" parity_pct null
		[ "$(nclients "$T/$c.json")" = 0 ] || fail "$c lists clients"
	done
	# Killed by SIGKILL: nothing could be written.
	[ ! -s "$T/c2.json" ] || fail "the killed client wrote stats: $(cat "$T/c2.json")"
}

# A failed client: its standard output is full.
t2() {
	client c1
	# shellcheck disable=SC2016 # expanded by that sh
	bg_run full /dev/null sh -c 'exec "$0" -c $1 -i lo -m "$2" -p "$3" \
	    --stats "$4" >/dev/full' "$NETPIPE" "$REVFLAG" "$GROUP" "$PORT" "$T/full.json"
	addr_of full
	af=$ADDR
	server s "$T/in" -n 2 -t 20 --stats "$T/s.json"
	wait_for 60 s full c1 || fail "the transfer did not end"
	expect_rc full 1
	expect_rc s 3
	expect_rc c1 0
	cat "$T/full.json" "$T/s.json"
	flat "$T/full.json"
	is "$T/full.json" exit 1
	text "$T/full.json" error '^stdout: No space left on device$'
	flat "$T/s.json"
	is "$T/s.json" exit 3
	is "$T/s.json" error null
	entry "$T/s.json" "$af"
	is "$T/s.json" "$E.result" '"dropped"'
	text "$T/s.json" "$E.reason" '^failed: No space left on device$'
}

each_rev t
each_rev t2

# A setup failure still leaves its stats; strings are escaped.
"$NETPIPE" -s -i no-such-if0 -l 'a"b\c' --stats "$T/bad.json" </dev/null 2>"$T/bad.err"
st=$?
[ $st -eq 1 ] || fail "exit $st with a missing interface"
cat "$T/bad.json"
flat "$T/bad.json"
is "$T/bad.json" exit 1
is "$T/bad.json" label '"a\"b\\c"'
text "$T/bad.json" error '^failed; the message is on standard error$'
# An unwritable stats file is an error before anything starts.
"$NETPIPE" -c --stats "$T/no/such/dir" </dev/null >/dev/null 2>"$T/bad.err"
st=$?
[ $st -eq 1 ] || fail "exit $st with an unwritable --stats file"
grep -q "^netpipe: --stats $T/no/such/dir: " "$T/bad.err" || fail "no message: $(cat "$T/bad.err")"
pass
