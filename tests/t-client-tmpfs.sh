#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# Root only: a client writing to a file on a small tmpfs (1 MiB) that
# fills up (ENOSPC) mid-stream tells the server and exits 1 saying so;
# the server drops it at once (long before its -t 20), the other client
# gets the stream byte-exact, the server exits 3, and what reached the
# full file system is a prefix of the stream.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs"
mkdir "$T/mnt" || fail "mkdir"
mount -t tmpfs -o size=1m netpipe-test "$T/mnt" 2>/dev/null ||
    skip "cannot mount a tmpfs here"
MOUNTS="$T/mnt"
makedata "$T/in" $((4 * 1024 * 1024))

t() {
	rm -f "$T/mnt/out" "$T/c2.out"
	ln -s "$T/mnt/out" "$T/c2.out"
	client c1 -t 20
	client c2 -t 20
	server s "$T/in" -n 2 -t 20
	t1=$(wait_grep 60 "$T/s.err" "dropped: ") ||
	    fail "the server did not drop the client within 60 s"
	wait_for 60 s c1 c2 || fail "the transfer did not end"
	expect_rc s 3
	expect_rc c1 0
	expect_rc c2 1
	same "$T/in" "$T/c1.out"
	prefix_of "$T/in" "$T/mnt/out"
	grep -q "stdout: No space left on device" "$T/c2.err" ||
	    fail "the client does not say that its file system is full"
	grep -q "dropped: failed: No space left on device" "$T/s.err" ||
	    fail "the server does not say why it dropped the client"
	el=$((t1 - $(exit_ms c2)))
	[ "$el" -lt 10000 ] ||
	    fail "the server dropped the client $el ms after it failed (-t 20): not at once"
	measured "client's exit to the server's drop (-t 20)" "$el"
	echo "$(size "$T/mnt/out") bytes fit on the tmpfs"
	cat "$T/c2.err" "$T/s.err"
}

each_rev t
pass
