#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# --stats FILE: one JSON object per run, on the server and on each client,
# also when a client is dropped (killed mid-stream, -t 2: exit 3, one
# entry "dropped" with its reason, two "done" with every byte) and when
# setup fails (exit 1, an error); strings are escaped.  Parsed with jq, or
# python3 when there is no jq.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

if command -v jq >/dev/null; then
	# q FILE FILTER: the filter's result, raw; fails on bad JSON.
	q() {
		jq -r "$2" "$1" 2>&1 || fail "jq '$2' on $(basename "$1"): $(cat "$1")"
	}
	# count FILE RESULT: clients with that result.
	count() {
		q "$1" "[.clients[] | select(.result == \"$2\")] | length"
	}
	nclients() {
		q "$1" '.clients | length'
	}
elif command -v python3 >/dev/null; then
	q() {
		python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
path = sys.argv[2].lstrip(".").split(".")
for k in path:
    if k:
        d = d[k]
print("null" if d is None else str(d).lower() if isinstance(d, bool) else d)' \
		    "$1" "$2" 2>&1 || fail "python3 json on $(basename "$1"): $(cat "$1")"
	}
	count() {
		python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sum(1 for c in d["clients"] if c["result"] == sys.argv[2]))' "$1" "$2"
	}
	nclients() {
		python3 -c 'import json, sys
print(len(json.load(open(sys.argv[1]))["clients"]))' "$1"
	}
else
	skip "needs jq or python3 to parse JSON"
fi

SIZE=$((4 * 1024 * 1024))
makedata "$T/in" $SIZE

# is FILE FILTER WANT
is() {
	got=$(q "$1" "$2")
	[ "$got" = "$3" ] || fail "$(basename "$1"): $2 is '$got', expected '$3': $(cat "$1")"
}

t() {
	feed "$T/in" $((1024 * 1024))
	for c in c1 c2 c3; do
		client "$c" --stats "$T/$c.json"
	done
	server s "$T/fifo" -n 3 -t 2 --stats "$T/s.json"
	for c in c1 c2 c3; do
		wait_size "$T/$c.out" 1 30 || fail "$c got nothing within 30 s"
	done
	victim=$(status_port c2)
	kill -9 "$(pid c2)"
	release
	wait_for 60 s c1 c3 || fail "the transfer did not end"
	expect_rc s 3
	cat "$T/s.json"
	is "$T/s.json" .netpipe 0.1
	is "$T/s.json" .role server
	proto=1
	[ -z "$REVFLAG" ] || proto=0
	is "$T/s.json" .protocol "$proto"
	is "$T/s.json" .exit 3
	is "$T/s.json" .error null
	is "$T/s.json" .bytes "$SIZE"
	is "$T/s.json" .size null
	is "$T/s.json" .interface lo
	is "$T/s.json" .destination "$GROUP:$PORT"
	[ "$(nclients "$T/s.json")" = 3 ] || fail "not 3 clients in the stats"
	[ "$(count "$T/s.json" "done")" = 2 ] || fail "not 2 clients done"
	[ "$(count "$T/s.json" dropped)" = 1 ] || fail "not 1 client dropped"
	if command -v jq >/dev/null; then
		q "$T/s.json" '.clients[] | select(.result == "done") | .bytes_confirmed' |
		    grep -v -x "$SIZE" && fail "a client done without every byte confirmed"
		q "$T/s.json" '.clients[] | select(.result == "dropped") | .reason' |
		    grep -q . || fail "no reason for the dropped client"
		[ -z "$victim" ] || is "$T/s.json" \
		    '.clients[] | select(.result == "dropped") | .address' "127.0.0.1:$victim"
		is "$T/s.json" '.seconds > 0 and .rate_bytes_per_s > 0 and .retransmit_pct >= 0' true
	fi
	for c in c1 c3; do
		expect_rc "$c" 0
		same "$T/in" "$T/$c.out"
		cat "$T/$c.json"
		is "$T/$c.json" .role client
		is "$T/$c.json" .exit 0
		is "$T/$c.json" .bytes "$SIZE"
		is "$T/$c.json" .server "127.0.0.1:$((PORT + 1))"
		is "$T/$c.json" .retransmit_pct null
	done
	# Killed by SIGKILL: nothing could be written.
	[ ! -s "$T/c2.json" ] || fail "the killed client wrote stats: $(cat "$T/c2.json")"
}

each_rev t

# A setup failure still leaves its stats; strings are escaped.
"$NETPIPE" -s -i no-such-if0 -l 'a"b\c' --stats "$T/bad.json" </dev/null 2>"$T/bad.err"
st=$?
[ $st -eq 1 ] || fail "exit $st with a missing interface"
cat "$T/bad.json"
is "$T/bad.json" .exit 1
is "$T/bad.json" .label 'a"b\c'
q "$T/bad.json" .error | grep -q . || fail "no error in the stats"
# An unwritable stats file is an error before anything starts.
"$NETPIPE" -c --stats "$T/no/such/dir" </dev/null >/dev/null 2>"$T/bad.err"
st=$?
[ $st -eq 1 ] || fail "exit $st with an unwritable --stats file"
grep -q "^netpipe: --stats $T/no/such/dir: " "$T/bad.err" || fail "no message: $(cat "$T/bad.err")"
pass
