#!/bin/sh
# Rev. 1 labels: a client given -l sda1 never answers a server announcing
# -l sda2 (it writes nothing and keeps waiting), while a client with -l
# sda2 gets the stream; the server, wanting one client, takes only it.
# Then (with python3, which forges the pings) a client given no -l ignores
# a seeking R1_PING, sealed and of the right length, that announces a
# label of 65 or 200 bytes (PROTOCOL.txt 10.3.1: at most 64), and answers
# one with 64 bytes: it says it answers, and its R1_PONG comes back.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

makedata "$T/in" $((256 * 1024))
rev default
client wrong -l sda1
client right -l sda2
server s "$T/in" -n 1 -l sda2
wait_for 60 s right || fail "the transfer did not end"
expect_rc s 0
expect_rc right 0
same "$T/in" "$T/right.out"
running wrong || fail "the client with the other label exited: $(cat "$T/wrong.err")"
[ "$(size "$T/wrong.out")" -eq 0 ] || fail "the client with the other label wrote data"
[ "$(grep -c joined "$T/s.err")" -eq 1 ] || fail "more than one client joined"

if ! command -v python3 >/dev/null; then
	echo "no python3: the forged long labels are not tried (tests/codec checks the codec)"
	pass
fi
new_port
client any -v -t 2
# Bounded wait until it listens.
i=0
while [ -z "$(status_port any)" ] && [ "$i" -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
# From the status port, as a server sends: each long label three times,
# then a 64-byte one, whose R1_PONG must come back.
python3 - "$GROUP" "$PORT" >"$T/forge.out" 2>&1 <<'EOF' ||
import socket, struct, sys, time, zlib
group, port = sys.argv[1], int(sys.argv[2])
session = 0x5EA1AB1E
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port + 1))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
             socket.inet_aton("127.0.0.1"))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)

def ping(llen, stamp):
    p = struct.pack(">BIBQQIIIB", 0x0C, session, 0x01, stamp, 0, 0,
                    1455, 64 * 1455, llen) + b"z" * llen
    return p + struct.pack(">I", zlib.crc32(p) & 0xffffffff)

def pongs(wait):
    got = []
    s.settimeout(0.05)
    end = time.time() + wait
    while time.time() < end:
        try:
            d, a = s.recvfrom(65536)
        except socket.timeout:
            continue
        if len(d) == 17 and d[0] == 0x0D:
            got.append(struct.unpack(">Q", d[5:13])[0])
    return got

stamp = 1000
for llen in (65, 200):
    for i in range(3):
        stamp += 1
        s.sendto(ping(llen, stamp), (group, port))
        time.sleep(0.05)
    if pongs(0.5):
        sys.exit("a %d-byte label was answered" % llen)
    print("%d-byte label: no answer" % llen)
s.sendto(ping(64, 4242), (group, port))
got = pongs(1.5)
if 4242 not in got:
    sys.exit("the 64-byte label was not answered: %r" % got)
print("64-byte label: answered")
EOF
    fail "forged pings: $(cat "$T/forge.out")"
cat "$T/forge.out"
[ "$(grep -c 'answering server' "$T/any.err")" -eq 1 ] ||
    fail "the client did not answer exactly one server"
grep -q "answering server 127.0.0.1:$((PORT + 1)), session 5ea1ab1e, label z\{64\}\$" "$T/any.err" ||
    fail "the client answered, but not the 64-byte label: $(grep answering "$T/any.err")"
# Locked, it waits for R1_INIT, and gives up after -t 2.
wait_for 20 any || fail "the client did not give up"
expect_rc any 1
pass
