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

SRC	= netpipe.c net.c rev0.c rev1.c crc32.c
OBJ	= netpipe.o net.o rev0.o rev1.o crc32.o
TESTBIN	= tests/shim.so tests/junk tests/gen

# The fuzz target (tests/fuzz/README): clang's libFuzzer, ASan and UBSan.
FUZZCC	= clang
FUZZFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZSRC	= tests/fuzz/fuzz.c tests/fuzz/fakenet.c tests/fuzz/rev0fz.c \
	tests/fuzz/rev1fz.c crc32.c
FUZZ_SECONDS = 1800
FUZZ_SMOKE_SECONDS = 50
FUZZOPTS = -use_value_profile=1 -max_len=4096 \
	-timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix=tests/fuzz/work/

all: netpipe

netpipe: $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LDLIBS)

$(OBJ): netpipe.h

.c.o:
	$(CC) $(CFLAGS) -D_GNU_SOURCE -c $<

tests/shim.so: tests/shim.c
	$(CC) -O2 -g -Wall -Wextra -fPIC -shared -o $@ tests/shim.c -ldl

tests/junk: tests/junk.c
	$(CC) -O2 -g -Wall -Wextra -o $@ tests/junk.c

tests/gen: tests/gen.c
	$(CC) -O2 -g -Wall -Wextra -o $@ tests/gen.c

check: netpipe $(TESTBIN)
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
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run
	$(MAKE) clean

tests/fuzz/fuzz: $(FUZZSRC) tests/fuzz/fuzz.h netpipe.h netpipe.c rev0.c \
	    rev1.c
	$(FUZZCC) $(FUZZFLAGS) -Wall -Wextra -D_GNU_SOURCE -o $@ $(FUZZSRC) \
		$(LDLIBS)

tests/fuzz/mkcorpus: tests/fuzz/mkcorpus.c crc32.c netpipe.h
	$(CC) -O2 -g -Wall -Wextra -D_GNU_SOURCE -o $@ tests/fuzz/mkcorpus.c \
		crc32.c $(LDLIBS)

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
	rm -f tests/fuzz/corpus/r[01]-*
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
	rm -f netpipe $(OBJ) $(TESTBIN) tests/fuzz/fuzz tests/fuzz/mkcorpus
	rm -rf tests/fuzz/work

.PHONY: all bench check check-asan demo fuzz fuzz-corpus fuzz-smoke \
	install uninstall clean
