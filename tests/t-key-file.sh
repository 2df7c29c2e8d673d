#!/bin/sh
# The key on the command line: -k with -0 is a usage error (one line and
# the usage, exit 2), for server and client; --genkey writes 64 hex
# digits and a newline, mode 0600, a new key each time, and never over a
# file that exists (exit 1, the file untouched); a key file that is not
# 32 bytes or 64 hex digits with an optional newline, or is missing, is
# one line "netpipe: key file ...", exit 1, before anything is sent; one
# that others may read is warned of; 32 raw bytes and 64 hex digits
# without a newline are keys, and the same key in either form works.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

np() {
	timeout 10 "$NETPIPE" "$@" </dev/null >"$T/o" 2>"$T/e"
	st=$?
}

"$NETPIPE" --genkey "$T/key" || fail "--genkey failed"
np -s -0 -k "$T/key"
[ $st -eq 2 ] || fail "-s -0 -k: exit $st, expected 2"
head -n 1 "$T/e" | grep -q '^netpipe: -k needs Rev. 1' || fail "-s -0 -k: $(head -n 1 "$T/e")"
grep -q 'netpipe -s \[-01Pqv\]' "$T/e" || fail "-s -0 -k: no usage"
np -c -0 -k "$T/key"
[ $st -eq 2 ] || fail "-c -0 -k: exit $st, expected 2"
np --genkey "$T/k2" -s
[ $st -eq 2 ] || fail "--genkey with -s: exit $st, expected 2"

# --genkey
[ "$(stat -c %a "$T/key")" = 600 ] || fail "--genkey made mode $(stat -c %a "$T/key")"
grep -q -x '[0-9a-f]\{64\}' "$T/key" || fail "--genkey wrote: $(cat "$T/key")"
[ "$(size "$T/key")" -eq 65 ] || fail "--genkey wrote $(size "$T/key") bytes"
"$NETPIPE" --genkey "$T/key2" || fail "--genkey failed"
cmp -s "$T/key" "$T/key2" && fail "--genkey made the same key twice"
cp "$T/key" "$T/keep"
np --genkey "$T/key"
[ $st -eq 1 ] || fail "--genkey over a file: exit $st, expected 1"
grep -q "exists" "$T/e" || fail "--genkey over a file: $(cat "$T/e")"
cmp -s "$T/key" "$T/keep" || fail "--genkey changed a file that existed"
(umask 0; "$NETPIPE" --genkey "$T/key3") || fail "--genkey under umask 0"
[ "$(stat -c %a "$T/key3")" = 600 ] || fail "--genkey under umask 0 made mode $(stat -c %a "$T/key3")"

# Bad key files: exit 1, one line, nothing on stdout.
badkey() {	# badkey WHAT: $T/bad holds it
	chmod 600 "$T/bad" 2>/dev/null
	np -c -k "$T/bad" -t 1
	[ $st -eq 1 ] || fail "key file $1: exit $st, expected 1"
	[ "$(grep -c . "$T/e")" -eq 1 ] || fail "key file $1: not one line: $(cat "$T/e")"
	grep -q "^netpipe: key file $T/bad" "$T/e" || fail "key file $1: $(cat "$T/e")"
	echo "ok: $1: $(cat "$T/e")"
}
head -c 31 /dev/urandom >"$T/bad"; badkey "31 bytes"
head -c 33 /dev/urandom >"$T/bad"; badkey "33 bytes"
: >"$T/bad"; badkey "empty"
printf '%063d\n' 0 >"$T/bad"; badkey "63 hex digits"
printf '%064dx\n' 0 >"$T/bad"; badkey "64 hex digits and an x"
printf '%064d\n\n' 0 >"$T/bad"; badkey "two newlines"
printf 'g%063d\n' 0 >"$T/bad"; badkey "a g among the digits"
rm -f "$T/bad"; badkey "missing"
mkdir "$T/bad"; badkey "a directory"; rmdir "$T/bad"

# A readable key file is warned of (and used).
cp "$T/key" "$T/open"
chmod 644 "$T/open"
rev default
client warn -k "$T/open" -t 1
wait_grep 5 "$T/warn.err" "key file .*others may read it" >/dev/null ||
    fail "no warning for a key file others may read: $(cat "$T/warn.err")"

# The same key raw and in hex, no newline: a transfer.
head -c 32 /dev/urandom >"$T/raw"
chmod 600 "$T/raw"
od -An -tx1 "$T/raw" | tr -d ' \n' >"$T/hex"
chmod 600 "$T/hex"
makedata "$T/in" 100000
new_port
client c -k "$T/hex"
server s "$T/in" -k "$T/raw"
wait_for 30 s c || fail "the transfer with raw and hex keys did not end"
expect_rc s 0
expect_rc c 0
same "$T/in" "$T/c.out"
pass
