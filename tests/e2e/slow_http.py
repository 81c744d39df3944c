#!/usr/bin/env python3
"""Slow HTTP clients (slowloris), bounded in count and time, for the exporter tests.

slow_http.py HOST PORT N SECONDS GAP SRC [SRC...]: opens N connections to HOST:PORT, spread
over the source addresses SRC, sends a request line and then one header line every GAP
seconds, never the end of the headers; after SECONDS closes everything and prints
"opened A refused B closed_by_server C".
"""
import socket
import sys
import time


def main():
    host, port, n, secs, gap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    srcs = sys.argv[6:]
    n = min(n, 1000)
    secs = min(secs, 120.0)
    socks, refused, closed = [], 0, 0
    connect_until = time.monotonic() + 10
    for i in range(n):
        if time.monotonic() > connect_until:
            refused += n - i
            break
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(0.3)
        try:
            s.bind((srcs[i % len(srcs)], 0))
            s.connect((host, port))
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
            s.setblocking(False)
            socks.append(s)
        except OSError:
            refused += 1
            s.close()
    opened = len(socks)
    print(f"connected {opened}", flush=True)
    end = time.monotonic() + secs
    k = 0
    while socks and time.monotonic() < end:
        time.sleep(min(gap, max(0.0, end - time.monotonic())))
        k += 1
        alive = []
        for s in socks:
            try:
                data = s.recv(4096)
                if not data:  # the server closed it
                    closed += 1
                    s.close()
                    continue
            except BlockingIOError:
                pass
            except OSError:
                closed += 1
                s.close()
                continue
            try:
                s.send(b"X-Slow-%d: y\r\n" % k)
                alive.append(s)
            except OSError:
                closed += 1
                s.close()
        socks = alive
    for s in socks:
        s.close()
    print(f"opened {opened} refused {refused} closed_by_server {closed}", flush=True)


main()
