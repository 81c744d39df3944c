#!/usr/bin/env python3
"""Answers ICMP echo requests to one address after a fixed delay, from user space.

slow_responder.py ADDR DELAY_S LIFETIME_S: run in the responder namespace with the
kernel's own echo replies off (net.ipv4.icmp_echo_ignore_all=1). Exits after
LIFETIME_S whatever happens, so a test cannot leave it behind for long.
"""
import heapq
import select
import socket
import sys
import time

from pktforge import icmp as icmp_msg


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
            m = pkt[ihl:]
            if dst == addr and len(m) >= 8 and m[0] == 8 and m[1] == 0:
                reply = icmp_msg(0, 0, m[4:8], m[8:])
                n += 1
                heapq.heappush(due, (time.monotonic() + delay, n, src[0], reply))
        while due and due[0][0] <= time.monotonic():
            _, _, to, reply = heapq.heappop(due)
            s.sendto(reply, (to, 0))


if __name__ == "__main__":
    main()
