#!/usr/bin/env python3
# Writes the hand-made seed corpora in tests/fuzz/corpus/<target>/ (run from
# anywhere; rewrites the same files). Each seed is a small valid or nearly
# valid input that reaches one path of the code under test.
import os
import socket
import struct

BASE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def w(target, name, data):
    os.makedirs(os.path.join(BASE, target), exist_ok=True)
    with open(os.path.join(BASE, target, name), "wb") as f:
        f.write(data)


# fuzz_targets_file: byte 0 picks stream (0), CIDR (1) or range (2).
T = "fuzz_targets_file"
w(T, "stream-mixed", b"\x00" + b"10.0.0.1\n# a comment\n  host.example  # trailing\n\n::1\n\tfd00::7\r\n")
w(T, "stream-words", b"\x00" + b"a b c\nx#y\n#only\n   \n")
w(T, "stream-nul", b"\x00" + b"10.0.0.1\n\x00\n")
w(T, "cidr-30", b"\x01" + b"10.0.0.0/30")
w(T, "cidr-32", b"\x01" + b"192.0.2.7/32")
w(T, "cidr-24", b"\x01" + b"10.1.0.0/24")
w(T, "cidr-31", b"\x01" + b"10.1.0.1/31")
w(T, "range", b"\x02" + b"10.0.0.1\x0010.0.0.9")
w(T, "range-reversed", b"\x02" + b"10.0.0.9\x0010.0.0.1")
w(T, "range-one", b"\x02" + b"255.255.255.255\x00255.255.255.255")


# fuzz_options: arguments separated by NUL bytes (argv[0] is added).
def argv(*a):
    return b"\x00".join(x.encode() for x in a)


O = "fuzz_options"
w(O, "count-interval", argv("-c", "3", "-i", "0.2", "10.0.0.1"))
w(O, "files-cidr-report", argv("--file", "t.txt", "--cidr", "10.0.0.0/24", "--report", "1", "--file", "-"))
w(O, "daemon-metrics", argv("--metrics", "127.0.0.1:9374", "--metrics-buckets", "0.001,0.01,0.1", "--daemon",
                            "--file", "f", "--max-targets", "5"))
w(O, "ping-letters", argv("-qDnfv", "-p", "ff00a", "-s", "8", "-t", "64", "-W", "1", "-w", "5", "-I", "eth0", "h"))
w(O, "socket-consume", argv("--mode", "socket", "--consume", "h"))
w(O, "four-six", argv("-4", "-6", "h"))
w(O, "help", argv("--help"))
w(O, "version", argv("-V"))
w(O, "long-all", argv("--json", "--hist", "--burst", "--period=0.5", "--attach", "tc", "--xdp-mode", "native",
                      "--pin", "/sys/fs/bpf/x", "--ringbuf-kib", "64", "--max-outstanding", "100", "h", "--", "-c"))
w(O, "missing-value", argv("h", "-c"))
w(O, "unknown", argv("-Z", "--bogus=1", "--ver"))


# fuzz_socket_rx: byte 0 bit 0 = no cookie; then an IPv4 datagram. Targets
# 10.1.2.3, 10.9.9.9, 192.0.2.77; id 0x04d2; cookie 11 22 .. 88.
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip(src, dst, proto, l4, ihl=5, ttl=64):
    opts = b"\x01" * ((ihl - 5) * 4)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(l4), 1, 0, ttl, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst)) + opts
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4


def icmp(t, c, rest, data):
    h = struct.pack("!BBH", t, c, 0) + rest + data
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


COOKIE = bytes([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])
PAYLOAD = COOKIE + struct.pack("<qq", 1700000000, 123000000) + bytes(range(56 - 8 - 16))
ID = struct.pack("!H", 0x04d2)


def echo(t, seq, data):
    return icmp(t, 0, ID + struct.pack("!H", seq), data)


S = "fuzz_socket_rx"
w(S, "reply-t0", b"\x00" + ip("10.1.2.3", "10.0.0.1", 1, echo(0, 1, PAYLOAD)))
w(S, "reply-t1", b"\x00" + ip("10.9.9.9", "10.0.0.1", 1, echo(0, 2, PAYLOAD)))
w(S, "reply-ihl6", b"\x00" + ip("192.0.2.77", "10.0.0.1", 1, echo(0, 3, PAYLOAD), ihl=6))
w(S, "reply-nocookie", b"\x01" + ip("10.1.2.3", "10.0.0.1", 1, echo(0, 4, b"\xaa\xbb")))
w(S, "reply-badcookie", b"\x00" + ip("10.1.2.3", "10.0.0.1", 1, echo(0, 5, b"\0" * 8 + PAYLOAD[8:])))
w(S, "reply-stranger", b"\x00" + ip("10.7.7.7", "10.0.0.1", 1, echo(0, 6, PAYLOAD)))
w(S, "unreach", b"\x00" + ip("10.0.0.254", "10.0.0.1", 1,
                              icmp(3, 1, b"\0" * 4, ip("10.0.0.1", "10.9.9.9", 1, echo(8, 7, PAYLOAD))[:28])))
w(S, "timeexceeded-ihl15", b"\x00" + ip("10.0.0.254", "10.0.0.1", 1,
                                         icmp(11, 0, b"\0" * 4,
                                              ip("10.0.0.1", "10.1.2.3", 1, echo(8, 8, PAYLOAD), ihl=15)[:68])))
w(S, "truncated", b"\x00" + ip("10.1.2.3", "10.0.0.1", 1, echo(0, 9, PAYLOAD))[:24])
