"""What lab devices say unasked (sans-I/O builders): a DHCP REQUEST at boot and cloud DNS queries."""

from __future__ import annotations

import socket
import struct

DHCP_MAGIC = b"\x63\x82\x53\x63"


def build_dhcp_request(mac: str, ip: str, hostname: str, params: list[int], xid: int, *,
                       vendor_class: str = "") -> bytes:
    """A DHCPREQUEST as a booting client sends it (options 53, 55, 12, 61, 50, then 60 if given)."""
    raw_mac = bytes.fromhex(mac.replace(":", ""))
    head = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000, b"\0" * 4, b"\0" * 4,
                       b"\0" * 4, b"\0" * 4, raw_mac + b"\0" * 10, b"", b"")
    name = hostname.encode()[:63]
    vendor = vendor_class.encode()[:63]
    opts = (b"\x35\x01\x03" + bytes([55, len(params), *params]) + bytes([12, len(name)]) + name
            + b"\x3d\x07\x01" + raw_mac + b"\x32\x04" + socket.inet_aton(ip)
            + (bytes([60, len(vendor)]) + vendor if vendor else b"") + b"\xff")
    return head + DHCP_MAGIC + opts


def build_dns_query(name: str, qid: int) -> bytes:
    """A recursive A query for ``name``."""
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.strip(".").split(".") if p)
    return struct.pack("!HHHHHH", qid & 0xFFFF, 0x0100, 1, 0, 0, 0) + labels + b"\0\x00\x01\x00\x01"
