#!/usr/bin/env python3
# netpipe: tests/forge.py: a host on the LAN that sees all traffic and
# forges packets, for the tests of -k (tests/t-key-*.sh).  Root only: it
# reads loopback with a packet socket and sends from any address with a
# raw socket.
#
#   forge.py capture PORT SECONDS FILE
#       Write every UDP datagram of the transfer on PORT (to PORT or
#       PORT+1, or from PORT+1) seen on lo for SECONDS (or until
#       SIGTERM) to FILE, one a line: "src:sport dst:dport hex".
#   forge.py attack PORT GROUP CAPTURE ROUNDS
#       From what CAPTURE holds of the run under way: the session id,
#       the server's address, each client's status socket and salt.
#       Then ROUNDS times: to the group, from the server's address and
#       port, an R1_DATA (the marker FORGED!, a right CRC), R1_EOT,
#       R1_ERROR and a seeking R1_PING in clear, and sealed-looking
#       R1_DATA, R1_EOT, R1_ERROR with the session and random bytes;
#       to each client's status socket, from the server, the same
#       sealed-looking ones carrying that client's salt; to the server,
#       from each client's status socket, R1_STATUS, R1_DONE, R1_ERROR
#       in clear and sealed-looking with its salt; and last every
#       datagram of CAPTURE again, to where it went, from where it came
#       (replays).  Prints "group N", "client PORT N" for each client,
#       "server N": how many datagrams each must have dropped.
#   forge.py replay CAPTURE OLDPORT PORT GROUP [CPORT]
#       Every datagram of CAPTURE (an earlier run on OLDPORT) again:
#       those to OLDPORT and OLDPORT+1 to this run's GROUP:PORT and PORT+1,
#       the server's to a client's status socket from PORT+1 (to CPORT,
#       a client of this run, if given); the server's from this run's
#       server port, the clients' from where they came.
#       Prints "group N", "client N" and "server N".
#
# Copyright (C) 2026 the netpipe authors
# SPDX-License-Identifier: GPL-2.0-or-later

import os
import random
import signal
import socket
import struct
import sys
import time
import zlib

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4
R1_PING, R1_DATA, R1_STATUS, R1_EOT, R1_DONE, R1_ERROR = \
    0x0C, 0x10, 0x11, 0x12, 0x13, 0x14
SEALED, SALTED = 0x80, 0x40


def crc(p):
    return p + struct.pack(">I", zlib.crc32(p) & 0xffffffff)


def segments(pay):
    """A GSO train crosses lo whole: its datagrams, each starting with
    the same command byte and session id."""
    if len(pay) < 5:
        return [pay]
    seg = pay.find(pay[:5], 1)
    if seg == -1:
        return [pay]
    return [pay[i:i + seg] for i in range(0, len(pay), seg)]


def capture(port, secs, path):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                      socket.htons(ETH_P_IP))
    s.bind(("lo", ETH_P_IP))
    s.settimeout(0.2)
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *a: stop.__setitem__(0, True))
    end = time.time() + secs
    with open(path, "w") as f:
        while not stop[0] and time.time() < end:
            try:
                d, a = s.recvfrom(70000)
            except socket.timeout:
                continue
            except InterruptedError:
                continue
            if a[2] == PACKET_OUTGOING or len(d) < 28 or d[9] != 17:
                continue
            ihl = (d[0] & 15) * 4
            src, dst = socket.inet_ntoa(d[12:16]), socket.inet_ntoa(d[16:20])
            sp, dp, ulen = struct.unpack(">HHH", d[ihl:ihl + 6])
            if dp not in (port, port + 1) and sp != port + 1:
                continue
            pay = d[ihl + 8:]
            for seg in segments(pay):
                f.write("%s:%d %s:%d %s\n" % (src, sp, dst, dp, seg.hex()))
            f.flush()


def load(path):
    out = []
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) != 3:
                continue
            (sa, sp), (da, dp) = [x.rsplit(":", 1) for x in w[:2]]
            out.append(((sa, int(sp)), (da, int(dp)), bytes.fromhex(w[2])))
    return out


class Raw:
    """Datagrams from any address: IPv4 and UDP headers of our own."""

    def __init__(self):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                               socket.IPPROTO_RAW)
        self.s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                          socket.inet_aton("127.0.0.1"))
        self.n = 0

    def send(self, src, dst, pay):
        udp = struct.pack(">HHHH", src[1], dst[1], 8 + len(pay), 0) + pay
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp),
                         random.randrange(65536), 0, 1, 17, 0,
                         socket.inet_aton(src[0]), socket.inet_aton(dst[0]))
        self.s.sendto(ip + udp, (dst[0], 0))
        self.n += 1
        if self.n % 16 == 0:
            time.sleep(0.002)    # paced: none lost to a full buffer


def sealed(cmd, session, salt, n):
    """A sealed-looking packet: right command, session and salt, random
    counter, ciphertext and tag."""
    h = bytes([cmd | SEALED | (SALTED if salt else 0)])
    h += struct.pack(">IQ", session, random.getrandbits(64))
    return h + (salt or b"") + os.urandom(n + 16)


def attack(port, group, cap, rounds):
    pk = load(cap)
    srv = None
    session = None
    clients = {}        # status socket port -> salt
    for src, dst, p in pk:
        if dst[1] == port and len(p) >= 5 and p[0] & SEALED:
            srv, session = src, struct.unpack(">I", p[1:5])[0]
        if dst[1] == port + 1 and len(p) >= 29 and p[0] & SALTED:
            clients[src[1]] = p[13:29]
    if srv is None or not clients:
        sys.exit("forge.py: the capture shows no sealed transfer on %d"
                 % port)
    r = Raw()
    gdst = (group, port)
    ng, nc, ns = 0, {c: 0 for c in clients}, 0
    marker = b"FORGED! " * 180
    for i in range(rounds):
        g = [crc(bytes([R1_DATA]) + struct.pack(">IQ", session, 0) + marker),
             crc(bytes([R1_EOT]) + struct.pack(">IQI", session, 1440, 0)),
             crc(bytes([R1_ERROR]) + struct.pack(">III", session, 1, 0)),
             crc(bytes([R1_PING]) + struct.pack(">IBQQIIIB", session, 1,
                 i, 0, 0, 1431, 64 * 1431, 0)),
             sealed(R1_DATA, session, None, 8 + 1431),
             sealed(R1_EOT, session, None, 16),
             sealed(R1_ERROR, session, None, 12)]
        for p in g:
            r.send(srv, gdst, p)
            ng += 1
        for c, salt in clients.items():
            for p in (sealed(R1_DATA, session, salt, 8 + 1431),
                      sealed(R1_EOT, session, salt, 16),
                      sealed(R1_ERROR, session, salt, 12)):
                r.send(srv, ("127.0.0.1", c), p)
                nc[c] += 1
            csrc = ("127.0.0.1", c)
            for p in (crc(bytes([R1_STATUS]) + struct.pack(">IQQIIH",
                          session, 1 << 40, 1 << 41, 5, 0, 0)),
                      crc(bytes([R1_DONE]) + struct.pack(">II", session, 0)),
                      crc(bytes([R1_ERROR]) + struct.pack(">III", session,
                          1, 0)),
                      sealed(R1_STATUS, session, salt, 26),
                      sealed(R1_DONE, session, salt, 8),
                      sealed(R1_ERROR, session, salt, 12)):
                r.send(csrc, (srv[0], port + 1), p)
                ns += 1
    for src, dst, p in pk:
        r.send(src, dst, p)
        if dst[1] == port:
            ng += 1
        elif dst[1] == port + 1:
            ns += 1
        elif dst[1] in nc:
            nc[dst[1]] += 1
    print("group %d" % ng)
    for c in sorted(nc):
        print("client %d %d" % (c, nc[c]))
    print("server %d" % ns)


def replay(cap, oldport, port, group, cport):
    pk = load(cap)
    if not pk:
        sys.exit("forge.py: nothing captured")
    r = Raw()
    ng = nc = ns = 0
    for src, dst, p in pk:
        if dst[1] == oldport:
            r.send((src[0], port + 1), (group, port), p)
            ng += 1
        elif dst[1] == oldport + 1:
            r.send(src, (dst[0], port + 1), p)
            ns += 1
        else:
            r.send((src[0], port + 1), (dst[0], cport or dst[1]), p)
            nc += 1
    print("group %d" % ng)
    print("client %d" % nc)
    print("server %d" % ns)


def main():
    a = sys.argv[1:]
    if len(a) == 4 and a[0] == "capture":
        capture(int(a[1]), float(a[2]), a[3])
    elif len(a) == 5 and a[0] == "attack":
        attack(int(a[1]), a[2], a[3], int(a[4]))
    elif len(a) in (5, 6) and a[0] == "replay":
        replay(a[1], int(a[2]), int(a[3]), a[4],
               int(a[5]) if len(a) == 6 else 0)
    else:
        sys.exit("usage: forge.py capture PORT SECONDS FILE | "
                 "attack PORT GROUP CAPTURE ROUNDS | "
                 "replay CAPTURE OLDPORT PORT GROUP [CPORT]")


main()
