"""Ethernet + IPv4 + UDP frames, device side, for a unit with no address (it sends from 0.0.0.0).

Pure builders: the frames (fragmented past the MTU) with both checksums, and the Ethernet destination
for an IPv4 one (the group's multicast MAC, the broadcast MAC, or the asker's MAC for a unicast answer).
"""

from __future__ import annotations

import socket
import struct

from netfinger.protocols.checksum import internet_checksum

ETH_P_IP = 0x0800
BROADCAST_MAC = "ff:ff:ff:ff:ff:ff"
DEFAULT_TTL = 64
MTU = 1500


def destination_mac(dst_ip: str, unicast_mac: str | None = None) -> str | None:
    """The Ethernet destination for ``dst_ip``: 01:00:5e + the group's low 23 bits, broadcast, or the
    asker's MAC (None when a unicast destination's MAC is not known)."""
    raw = socket.inet_aton(dst_ip)
    if 224 <= raw[0] <= 239:
        return "01:00:5e:" + ":".join(f"{b:02x}" for b in (raw[1] & 0x7F, raw[2], raw[3]))
    if raw == b"\xff\xff\xff\xff":
        return BROADCAST_MAC
    return unicast_mac


def build_udp_frames(src_mac: str, dst_mac: str, src: tuple[str, int], dst: tuple[str, int],
                     payload: bytes, *, ttl: int = DEFAULT_TTL, ident: int = 0,
                     mtu: int = MTU) -> list[bytes]:
    """Untagged Ethernet II frames carrying ``payload`` in UDP over IPv4 (no options): one frame, or
    IPv4 fragments of at most ``mtu`` bytes each (a 1.6 KB SADP answer needs two), as a host sends."""
    src_ip, dst_ip = socket.inet_aton(src[0]), socket.inet_aton(dst[0])
    length = 8 + len(payload)
    pseudo = src_ip + dst_ip + struct.pack("!BBH", 0, socket.IPPROTO_UDP, length)
    udp = struct.pack("!HHHH", src[1], dst[1], length, 0) + payload
    udp_sum = internet_checksum(pseudo + udp) or 0xFFFF  # 0 would mean "no checksum"
    udp = udp[:6] + struct.pack("!H", udp_sum) + udp[8:]
    eth = bytes.fromhex(dst_mac.replace(":", "")) + bytes.fromhex(src_mac.replace(":", ""))
    eth += struct.pack("!H", ETH_P_IP)
    step = (mtu - 20) // 8 * 8
    frames = []
    for at in range(0, len(udp), step):
        piece = udp[at:at + step]
        more = at + step < len(udp)
        # whole: don't fragment; else more fragments (but the last) and the offset in 8-byte units
        flags = 0x4000 if len(udp) <= step else (0x2000 if more else 0) | (at // 8)
        head = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(piece), ident & 0xFFFF, flags, ttl,
                           socket.IPPROTO_UDP, 0, src_ip, dst_ip)
        head = head[:10] + struct.pack("!H", internet_checksum(head)) + head[12:]
        frames.append(eth + head + piece)
    return frames
