"""IPv4 and ICMP packets for the e2e forgers and responders (raw sockets, no scapy)."""
import socket
import struct


def csum(b):
    """The Internet checksum (RFC 1071) of b."""
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def icmp(typ, code, rest4, data):
    """An ICMP message: type, code, the 4 bytes after the checksum, then data."""
    h = struct.pack("!BBH", typ, code, 0) + rest4 + data
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


def ip(src, dst, l4, proto=1, ttl=64, ident=0x1234, opts=b""):
    """An IPv4 datagram carrying l4, header checksum filled in."""
    hl = 20 + len(opts)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, 0, hl + len(l4), ident, 0, ttl, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst)) + opts
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4
