# netpipe: copy one stream onto many machines over UDP.
# POSIX make; override CC, CFLAGS, LDFLAGS, PREFIX, MANPREFIX, DESTDIR.

PREFIX	= /usr/local
BINDIR	= $(PREFIX)/bin
MANPREFIX = $(PREFIX)/share/man
CC	= cc
CFLAGS	= -O2 -g -Wall -Wextra
LDFLAGS	=
LDLIBS	= -lz
SANFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

# The protocol core (the roles, the wire, what they share) is linked
# into netpipe, the simulator and the fuzz harness alike; the driver
# (command line, loop, sockets, what the operator sees) only into netpipe.
CORESRC	= role.c wire.c rate.c rev0.c rev1.c crc32.c fec.c aead.c seal.c
CORE	= role.o wire.o rate.o rev0.o rev1.o crc32.o fec.o aead.o seal.o
OBJ	= netpipe.o loop.o report.o net.o $(CORE)
TESTBIN	= tests/shim.so tests/junk tests/gen tests/codec tests/rate \
	tests/fec tests/sim/sim tests/aead

# The fuzz target (tests/fuzz/README): clang's libFuzzer, ASan and UBSan.
FUZZCC	= clang
FUZZFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZSRC	= tests/fuzz/fuzz.c tests/fuzz/fakenet.c tests/fuzz/fakeseal.c \
	$(CORESRC) report.c
FUZZ_SECONDS = 1800
FUZZ_SMOKE_SECONDS = 50
FUZZOPTS = -use_value_profile=1 -max_len=4096 \
	-timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix=tests/fuzz/work/

all: netpipe

netpipe: $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LDLIBS)

# The same objects linked statically (glibc's libc.a, zlib's libz.a: in
# Debian's libc6-dev and zlib1g-dev), for a machine without a C library:
# netpipe-static, which tests/t-static runs in an empty root.
static: netpipe-static

netpipe-static: $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -static -o $@ $(OBJ) $(LDLIBS)

$(OBJ): netpipe.h
aead.o seal.o loop.o netpipe.o report.o: seal.h

.c.o:
	$(CC) $(CFLAGS) -D_GNU_SOURCE -c $<

tests/shim.so: tests/shim.c
	$(CC) -O2 -g -Wall -Wextra -fPIC -shared -o $@ tests/shim.c -ldl

tests/junk: tests/junk.c
	$(CC) -O2 -g -Wall -Wextra -o $@ tests/junk.c

tests/gen: tests/gen.c
	$(CC) -O2 -g -Wall -Wextra -o $@ tests/gen.c

# Unit tests of the core, no network: the codec, the rate decision.
tests/codec: tests/codec.c wire.o crc32.o netpipe.h
	$(CC) $(CFLAGS) -D_GNU_SOURCE $(LDFLAGS) -o $@ tests/codec.c \
		wire.o crc32.o $(LDLIBS)

tests/rate: tests/rate.c rate.o netpipe.h
	$(CC) $(CFLAGS) -D_GNU_SOURCE $(LDFLAGS) -o $@ tests/rate.c rate.o \
		$(LDLIBS)

# The AEAD of -k against RFC 8439's test vectors; its speed per core.
tests/aead: tests/aead.c aead.o netpipe.h seal.h
	$(CC) $(CFLAGS) -D_GNU_SOURCE $(LDFLAGS) -o $@ tests/aead.c aead.o

aead-bench: bench/aead.c aead.o netpipe.h seal.h
	$(CC) $(CFLAGS) -D_GNU_SOURCE $(LDFLAGS) -o bench/aead bench/aead.c \
		aead.o
	bench/aead

# The erasure code of parity on demand (fec.c), also tested alone.
tests/fec: tests/fec.c fec.o netpipe.h
	$(CC) $(CFLAGS) -D_GNU_SOURCE $(LDFLAGS) -o $@ tests/fec.c fec.o \
		$(LDLIBS)

# fec.c's MB/s on one core, beside Intel's ISA-L when libisal-dev is
# installed (ISA-L is never a dependency of netpipe or of make check).
fec-bench: bench/fec.c fec.o netpipe.h
	if echo '#include <isa-l/erasure_code.h>' | \
	    $(CC) -x c -E - >/dev/null 2>&1; then \
		$(CC) $(CFLAGS) -D_GNU_SOURCE -DHAVE_ISAL $(LDFLAGS) \
		    -o bench/fec bench/fec.c fec.o -lisal; \
	else \
		$(CC) $(CFLAGS) -D_GNU_SOURCE $(LDFLAGS) -o bench/fec \
		    bench/fec.c fec.o; \
	fi
	bench/fec

# The simulator: the real roles in one process, in virtual time, over a
# modelled network (tests/sim/README).
tests/sim/sim: tests/sim/sim.c $(CORE) netpipe.h
	$(CC) $(CFLAGS) -D_GNU_SOURCE $(LDFLAGS) -o $@ tests/sim/sim.c \
		$(CORE) $(LDLIBS) -lm

sim: tests/sim/sim
	tests/sim/table.sh

check: netpipe netpipe-static $(TESTBIN)
	tests/run

# 100 MiB to 3 clients over loopback multicast, checked (any user).
demo: netpipe tests/gen
	tests/demo.sh

# The whole suite again with AddressSanitizer and UBSan.
check-asan:
	$(MAKE) clean
	$(MAKE) CFLAGS="$(SANFLAGS) -Wall -Wextra" LDFLAGS="$(SANFLAGS)" \
		netpipe $(TESTBIN)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	NETPIPE_SANITIZED=1 tests/run
	$(MAKE) clean

tests/fuzz/fuzz: $(FUZZSRC) tests/fuzz/fuzz.h netpipe.h seal.h
	$(FUZZCC) $(FUZZFLAGS) -Wall -Wextra -D_GNU_SOURCE -o $@ $(FUZZSRC) \
		$(LDLIBS)

tests/fuzz/mkcorpus: tests/fuzz/mkcorpus.c tests/fuzz/fuzz.h wire.c crc32.c \
	    netpipe.h
	$(CC) -O2 -g -Wall -Wextra -D_GNU_SOURCE -o $@ tests/fuzz/mkcorpus.c \
		wire.c crc32.c $(LDLIBS)

# Fuzz every role for FUZZ_SECONDS, from the seeds in tests/fuzz/corpus;
# what it learns stays in tests/fuzz/work/corpus, and what it finds in
# tests/fuzz/work.
fuzz: tests/fuzz/fuzz
	mkdir -p tests/fuzz/work/corpus
	tests/fuzz/fuzz $(FUZZOPTS) -max_total_time=$(FUZZ_SECONDS) \
		tests/fuzz/work/corpus tests/fuzz/corpus

# Every seed once, then FUZZ_SMOKE_SECONDS of fuzzing, quietly (CI).
fuzz-smoke: tests/fuzz/fuzz
	rm -rf tests/fuzz/work
	mkdir -p tests/fuzz/work/corpus
	tests/fuzz/fuzz $(FUZZOPTS) -verbosity=0 \
		-max_total_time=$(FUZZ_SMOKE_SECONDS) tests/fuzz/work/corpus \
		tests/fuzz/corpus

# The seeds written anew by tests/fuzz/mkcorpus (they are kept in git).
fuzz-corpus: tests/fuzz/mkcorpus
	rm -f tests/fuzz/corpus/r[01]-* tests/fuzz/corpus/k1-*
	mkdir -p tests/fuzz/corpus
	tests/fuzz/mkcorpus tests/fuzz/corpus

# netpipe against udpcast on a namespace LAN (root; see bench/bench.sh).
bench: netpipe
	bench/bench.sh

install: netpipe
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1
	cp -f netpipe $(DESTDIR)$(BINDIR)/netpipe
	chmod 755 $(DESTDIR)$(BINDIR)/netpipe
	cp -f man/netpipe.1 $(DESTDIR)$(MANPREFIX)/man1/netpipe.1
	chmod 644 $(DESTDIR)$(MANPREFIX)/man1/netpipe.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/netpipe $(DESTDIR)$(MANPREFIX)/man1/netpipe.1

clean:
	rm -f netpipe netpipe-static $(OBJ) $(TESTBIN) bench/fec bench/aead \
		tests/fuzz/fuzz tests/fuzz/mkcorpus
	rm -rf tests/fuzz/work

.PHONY: aead-bench all bench check check-asan demo fec-bench fuzz \
	fuzz-corpus fuzz-smoke install sim static uninstall clean
