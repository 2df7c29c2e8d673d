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
	rm -f netpipe $(OBJ) $(TESTBIN)

.PHONY: all bench check check-asan demo install uninstall clean
