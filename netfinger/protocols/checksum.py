"""The Internet checksum (RFC 1071), for the IPv4, UDP and TCP headers netfinger builds."""

from __future__ import annotations

import struct


def internet_checksum(data: bytes) -> int:
    """The ones' complement of the ones' complement sum of ``data``'s 16-bit words."""
    if len(data) % 2:
        data += b"\0"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF
