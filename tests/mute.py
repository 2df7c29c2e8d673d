#!/usr/bin/env python3
# netpipe: tests/mute.py: a Rev. 1 client that answers every R1_PING of
# the server on GROUP:PORT with R1_PONG (PROTOCOL.txt 10.3.2) and never
# answers R1_INIT, for SECONDS; prints a line for each pong.  For
# tests/t-init-mute.sh.
#
#   mute.py GROUP PORT SECONDS
#
# Copyright (C) 2026 the netpipe authors
# SPDX-License-Identifier: GPL-2.0-or-later

import socket
import struct
import sys
import time
import zlib

R1_PING, R1_PONG = 0x0C, 0x0D


def main():
    group, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    d.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    d.bind(("", port))
    mreq = socket.inet_aton(group) + socket.inet_aton("127.0.0.1")
    d.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    st = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    st.bind(("127.0.0.1", 0))
    end = time.monotonic() + secs
    while time.monotonic() < end:
        d.settimeout(max(0.01, end - time.monotonic()))
        try:
            p, src = d.recvfrom(65536)
        except socket.timeout:
            break
        if len(p) < 39 or p[0] != R1_PING or src[1] != port + 1:
            continue
        if zlib.crc32(p[:-4]) & 0xffffffff != struct.unpack(">I", p[-4:])[0]:
            continue
        q = bytes([R1_PONG]) + p[1:5] + p[6:14]
        q += struct.pack(">I", zlib.crc32(q) & 0xffffffff)
        st.sendto(q, src)
        print("pong", flush=True)


main()
