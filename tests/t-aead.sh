#!/bin/sh
# The AEAD of -k (aead.c) on its own, no network, in a second
# (tests/aead.c): every test vector of RFC 8439 (2.1.1 quarter round,
# 2.3.2 block, 2.4.2 encryption, 2.5.2 Poly1305, 2.6.2 key generation,
# 2.8.2 AEAD, Appendix A.1 to A.5) and HChaCha20's (draft-irtf-cfrg-
# xchacha-03 2.2.1), and tampering: every bit flipped in the AAD, the
# ciphertext or the tag of a packet, every truncation, another key or
# nonce, fails to open and leaves the output untouched.  Once for each
# ChaCha20 path: eight blocks at once (AVX2, if the CPU has it) and
# four (NETPIPE_CHACHA=x4).  tests/aead prints a line per failure and
# last "aead (ChaCha20 PATH): N vectors, N tamper checks, N failed",
# and exits 0 only if none failed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

AEAD=$NETPIPE_TOP/tests/aead
[ -x "$AEAD" ] || skip "$AEAD is not built (make check builds it)"

for path in default x4; do
	NETPIPE_CHACHA=$path timeout 60 "$AEAD" >"$T/aead.out" 2>"$T/aead.err"
	st=$?
	last=$(tail -n 1 "$T/aead.out")
	if [ $st -ne 0 ]; then
		head -n 40 "$T/aead.out"
		fail "tests/aead exited $st: $last"
	fi
	echo "$last"
	echo "$last" | grep -q -x 'aead (ChaCha20 .*): 4[0-9] vectors, [0-9]* tamper checks, 0 failed' ||
	    fail "tests/aead exited 0 without its summary line: $last"
done
if grep -q -w avx2 /proc/cpuinfo 2>/dev/null; then
	"$AEAD" | tail -n 1 | grep -q "x8 (AVX2)" ||
	    fail "the CPU has AVX2, but the x8 path was not taken"
fi
pass
