#!/bin/sh
# The command line: -h, -V, and every bad option or value is one line
# "netpipe: ..." and the usage on stderr, exit 2.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# np ARG...: run netpipe (bounded, stdin /dev/null) into $T/o, $T/e, $st.
np() {
	timeout 10 "$NETPIPE" "$@" </dev/null >"$T/o" 2>"$T/e"
	st=$?
}

# bad ARG...: a usage error.  Failures are collected, to see them all.
: >"$T/bad"
bad() {
	np "$@"
	if [ $st -ne 2 ]; then
		why="exit $st, expected 2 ($(head -n 1 "$T/e"))"
	elif [ -s "$T/o" ]; then
		why="wrote to stdout"
	elif ! head -n 1 "$T/e" | grep -q '^netpipe: '; then
		why="first line of stderr is not 'netpipe: ...': $(head -n 1 "$T/e")"
	elif ! sed -n 2p "$T/e" | grep -q 'netpipe -s \[-01Pqv\]' ||
	    ! grep -q 'netpipe -c \[-0Pqv\]' "$T/e"; then
		why="not one line then the usage: $(cat "$T/e")"
	else
		echo "ok: netpipe $*: $(head -n 1 "$T/e")"
		return 0
	fi
	echo "FAIL: netpipe $*: $why"
	echo "netpipe $*: $why" >>"$T/bad"
}

for h in -h --help; do
	np $h
	[ $st -eq 0 ] || fail "netpipe $h: exit $st"
	grep -q 'netpipe -s \[-01Pqv\]' "$T/o" || fail "netpipe $h: no usage on stdout"
	grep -q 'netpipe -c \[-0Pqv\]' "$T/o" || fail "netpipe $h: no usage on stdout"
	grep -q 'netpipe -h | -V' "$T/o" || fail "netpipe $h: no usage on stdout"
	[ ! -s "$T/e" ] || fail "netpipe $h: wrote to stderr"
done
for v in -V --version; do
	np $v
	[ $st -eq 0 ] || fail "netpipe $v: exit $st"
	[ "$(cat "$T/o")" = "netpipe 0.1" ] || fail "netpipe $v: printed '$(cat "$T/o")'"
done

bad
bad -s -c
bad -c -s
bad -q
bad -Z
bad -s --no-such-option
bad -s -p
bad -s operand
bad -s -p 0
bad -s -p 65535
bad -s -p 70000
bad -s -p -1
bad -s -p abc
bad -s -p 9000x
bad -s -p ''
bad -c -p 0
bad -c -p 65535
bad -s -n 0
bad -s -n 4097
bad -s -n x
bad -s -t 0
bad -s -t 3601
bad -c -t 0
bad -c -t 3601
bad -s -w 0
bad -s -w 86401
bad -s -b 0
bad -s -b 65495
bad -s -b 1e3
bad -s -m 10.0.0.1
bad -s -m 240.0.0.1
bad -s -m 223.255.255.255
bad -s -m not-an-address
bad -c -m 10.0.0.1
bad -c -m 255.255.255.255
bad -s -u not-an-address
bad -s -u 127.0.0.1 -m 239.255.0.1
bad -s -u 127.0.0.1 -n 2
bad -s --first-seq 4294967296
bad -s --first-seq -1
bad -s --first-seq x
bad -c --first-seq 4294967296
bad -s -i this-name-is-far-too-long-for-an-interface
bad -s --stats ""
bad -c --stats
bad -s --fec 65
bad -s --fec -1
bad -s --fec x
bad -s --fec
bad -c --fec 1
bad -s -0 --fec 1
[ ! -s "$T/bad" ] ||
    fail "$(grep -c . "$T/bad") bad command lines not rejected as they should be:
$(cat "$T/bad")"
pass
