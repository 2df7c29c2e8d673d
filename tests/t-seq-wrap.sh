#!/bin/sh
# Rev. 0's 32-bit sequence number wraps: --first-seq 4294967290 on both
# sides, with -b 1 (100 blocks) and with the default block size (about 20
# blocks); and a stream whose first block is 4294967295.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

rev 0

wrap() {
	new_port
	_wn=$1
	shift
	_k=1
	_names=
	while [ $_k -le "$_wn" ]; do
		client "c$_k" --first-seq 4294967290
		_names="$_names c$_k"
		_k=$((_k + 1))
	done
	server s "$T/in" -n "$_wn" --first-seq 4294967290 "$@"
	# shellcheck disable=SC2086
	wait_for 60 s $_names || fail "transfer across the wrap timed out"
	expect_rc s 0
	for _c in $_names; do
		expect_rc "$_c" 0
		same "$T/in" "$T/$_c.out"
	done
}

makedata "$T/in" 100
wrap 1 -b 1
echo "-b 1, 100 blocks, 1 client ok"

makedata "$T/in" $((20 * 1459 - 17))
wrap 2
echo "default block size, 20 blocks, 2 clients ok"

makedata "$T/in" 6
new_port
client c1 --first-seq 4294967295
server s "$T/in" -b 1 --first-seq 4294967295
wait_for 60 s c1 || fail "transfer from seq 4294967295 timed out"
expect_rc s 0
expect_rc c1 0
same "$T/in" "$T/c1.out"
echo "first block 4294967295, -b 1, 6 blocks ok"
pass
