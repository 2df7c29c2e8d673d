#!/bin/sh
# Parity groups of 192 blocks, and peers older than them (Rev. 1).  A
# server sets PF_WIDE in its R1_PINGs and forms groups of up to 192
# blocks; one older than that (NETPIPE_OLD_GROUPS=1, the test hook of
# tests/README) sets PF_PARITY and forms groups of 128.  Each client
# loses 2% of what it receives.
#  1. A new server and two new clients: both decode groups of 192, and
#     parity is sent.
#  2. A new server, a1 new and b1 as an older client: b1 knows only
#     PF_PARITY, so it announces no decoding and gets its losses
#     repeated.
#  3. An older server and two new clients: both decode groups of 128.
# Every copy byte-exact, every exit 0: a client that took the wrong k
# would decode other blocks than the server encoded.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

rev default
makedata "$T/in" $((4 * 1024 * 1024))
SHIM_CLIENT="NPSHIM_LOSS=0.02 NPSHIM_DIR=recv"

stat() {
	sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" "$T/$1.json"
}

# run TAG: the server s$TAG and clients a$TAG, b$TAG to the end.
run() {
	wait_for 120 "s$1" || fail "the transfer timed out"
	expect_rc "s$1" 0
	wait_for 15 "a$1" "b$1" || fail "a client did not exit after the server"
	for c in "a$1" "b$1"; do
		expect_rc "$c" 0
		same "$T/in" "$T/$c.out"
	done
}

# decoders TAG K N: the server s$TAG formed groups of K, and N clients
# decode them, each saying so.
decoders() {
	grep -q "netpipe: parity in groups of $2 blocks\$" "$T/s$1.err" ||
	    fail "server s$1 did not form groups of $2"
	[ "$(grep -c 'decodes parity$' "$T/s$1.err")" -eq "$3" ] ||
	    fail "server s$1 did not name $3 clients as decoding"
	[ "$(cat "$T/a$1.err" "$T/b$1.err" |
	    grep -c "netpipe: parity decoded in groups of $2 blocks\$")" -eq "$3" ] ||
	    fail "not $3 clients of s$1 decoded groups of $2"
}

# 1: all new.
client a1 -v
client b1 -v
server s1 "$T/in" -n 2 -v --stats "$T/s1.json"
run 1
decoders 1 192 2
par=$(stat s1 parity_pct)
awk "BEGIN { exit !($par > 0) }" || fail "no parity in groups of 192 ($par%)"
echo "measured: all new: $par% parity"

# 2: new server; a2 new, b2 older.
new_port
client a2 -v
NP_ENV="NETPIPE_OLD_GROUPS=1"
client b2 -v
NP_ENV=
addr_of b2
old=$ADDR
server s2 "$T/in" -n 2 -v --stats "$T/s2.json"
run 2
decoders 2 192 1
! grep -q 'parity decoded' "$T/b2.err" ||
    fail "the older client decoded parity of a server that set only PF_WIDE"
! grep -q "netpipe: client $old decodes parity" "$T/s2.err" ||
    fail "the server took the older client ($old) for a decoder"
rtx=$(stat s2 retransmit_pct)
awk "BEGIN { exit !($rtx > 0) }" || fail "nothing repeated for the older client ($rtx%)"
echo "measured: new server, an older client: $rtx% repeated"

# 3: an older server, two new clients.
new_port
client a3 -v
client b3 -v
NP_ENV="NETPIPE_OLD_GROUPS=1"
server s3 "$T/in" -n 2 -v --stats "$T/s3.json"
NP_ENV=
run 3
decoders 3 128 2
par=$(stat s3 parity_pct)
awk "BEGIN { exit !($par > 0) }" || fail "no parity from the older server ($par%)"
echo "measured: older server, two new clients: $par% parity"
pass
