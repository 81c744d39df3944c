#!/usr/bin/env python3
"""Answers ICMP echo requests to one address after a fixed delay, from user space.

slow_responder.py ADDR DELAY_S LIFETIME_S: run in the responder namespace with the
kernel's own echo replies off (net.ipv4.icmp_echo_ignore_all=1). Exits after
LIFETIME_S whatever happens, so a test cannot leave it behind for long.
"""
import heapq
import select
import socket
import struct
import sys
import time


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def main():
    addr, delay, lifetime = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.bind((addr, 0))
    end = time.monotonic() + lifetime
    due = []  # (time, seq, destination, reply bytes)
    n = 0
    while time.monotonic() < end:
        wait = max(0.0, min(end - time.monotonic(), (due[0][0] - time.monotonic()) if due else 0.05))
        r, _, _ = select.select([s], [], [], wait)
        if r:
            pkt, src = s.recvfrom(65535)
            ihl = (pkt[0] & 0x0F) * 4
            dst = socket.inet_ntoa(pkt[16:20])
            icmp = pkt[ihl:]
            if dst == addr and len(icmp) >= 8 and icmp[0] == 8 and icmp[1] == 0:
                body = b"\0\0\0\0" + icmp[4:]
                reply = bytes([0, 0]) + struct.pack("!H", checksum(body)) + icmp[4:]
                n += 1
                heapq.heappush(due, (time.monotonic() + delay, n, src[0], reply))
        while due and due[0][0] <= time.monotonic():
            _, _, to, reply = heapq.heappop(due)
            s.sendto(reply, (to, 0))


if __name__ == "__main__":
    main()
