#!/bin/sh
# shellcheck disable=SC2317 # t() is called through each_rev
# 256 KiB to one client on loopback multicast, server and client both
# under valgrind's memcheck, in each protocol revision: byte-exact, both
# exit 0, and neither has a memory error or a leak (definite, indirect or
# possible; what static pointers still hold at exit is not a leak).
# valgrind makes netpipe some 20 times slower: -t 60 on both sides, so
# that nobody is dropped for being slow.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || skip "valgrind is not installed"
# A sanitizer build (make check-asan) cannot run under valgrind.
grep -q -e __asan_init -e AddressSanitizer "$NETPIPE" &&
    skip "netpipe is built with AddressSanitizer, which valgrind cannot run"

# Every netpipe of this test goes through this wrapper: exit 99 on any
# error valgrind finds, and its report on the process's stderr.
cat >"$T/vg" <<EOF
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \\
    --show-leak-kinds=definite,indirect,possible \\
    --errors-for-leak-kinds=definite,indirect,possible \\
    --track-origins=yes "$NETPIPE" "\$@"
EOF
chmod +x "$T/vg"
NETPIPE=$T/vg

makedata "$T/in" $((256 * 1024))

t() {
	client c -t 60
	server s "$T/in" -n 1 -t 60
	wait_for 240 s || fail "the transfer under valgrind timed out"
	# A client lingers a little after the end.
	wait_for 60 c || fail "the client did not exit after the server"
	expect_rc s 0
	expect_rc c 0
	same "$T/in" "$T/c.out"
	echo "clean under valgrind: server and client"
}

each_rev t
pass
