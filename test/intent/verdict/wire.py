"""Sends tagged Ethernet frames on two interfaces and reports which tags arrive (AF_PACKET, root).

usage: wire.py FRAMES OUT IFACE0 IFACE1
FRAMES holds records: side (1 byte: 0 or 1), length (2 bytes, big endian), frame.
OUT receives one received tag number per line.
"""
import select
import socket
import struct
import sys
import time

MAGIC = bytes([0x10, 0x7A, 0x1D, 0x5E])
ETH_P_ALL = 0x0003
SO_RCVBUFFORCE = 33
PACKET_HOST = 0


def open_socket(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 256 << 20)
    s.bind((name, 0))
    s.setblocking(False)
    return s


def tag_offset(data):
    """Where a forwarded test packet holds its tag: right after its own transport header (an ICMP
    error quoting a test packet has the tag deeper, and does not count)."""
    if len(data) < 34:
        return -1
    ethertype = struct.unpack_from(">H", data, 12)[0]
    if ethertype == 0x0800:
        ip_len = (data[14] & 0x0F) * 4
        proto = data[23]
    elif ethertype == 0x86DD:
        ip_len = 40
        proto = data[20]
    else:
        return -1
    return 14 + ip_len + (20 if proto == 6 else 8)


def drain(socks, seen):
    got = 0
    for s in socks:
        while True:
            try:
                data, addr = s.recvfrom(2048)
            except BlockingIOError:
                break
            if addr[2] != PACKET_HOST:
                continue
            at = tag_offset(data)
            if at > 0 and data[at : at + 4] == MAGIC and at + 8 <= len(data):
                seen.append(struct.unpack_from(">I", data, at + 4)[0])
                got += 1
    return got


def main():
    frames_path, out_path, if0, if1 = sys.argv[1:5]
    socks = [open_socket(if0), open_socket(if1)]
    data = open(frames_path, "rb").read()
    seen = []
    at = 0
    sent = 0
    while at < len(data):
        side, length = struct.unpack_from(">BH", data, at)
        socks[side].send(data[at + 3 : at + 3 + length])
        at += 3 + length
        sent += 1
        if sent % 128 == 0:
            drain(socks, seen)
    idle_until = time.monotonic() + 0.4
    while time.monotonic() < idle_until:
        select.select(socks, [], [], 0.05)
        if drain(socks, seen) > 0:
            idle_until = time.monotonic() + 0.4
    with open(out_path, "w") as out:
        out.write("\n".join(str(t) for t in seen))


main()
