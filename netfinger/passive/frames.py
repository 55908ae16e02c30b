"""Frames to packets: Ethernet (802.1Q / QinQ tags), Linux cooked, raw IP; IPv4, IPv6, UDP, TCP.

Pure and hostile-input safe: a frame that is too short, cut by the snap length or lies about its
lengths gives a packet flagged ``cut`` (what is there is still read) or no packet and a note.
Never raises.
"""

from __future__ import annotations

import socket
import struct
from typing import Any, NamedTuple

from netfinger.passive.interface import (
    LINKTYPE_ETHERNET,
    LINKTYPE_IPV4,
    LINKTYPE_IPV6,
    LINKTYPE_LINUX_SLL,
    LINKTYPE_LINUX_SLL2,
    LINKTYPE_RAW,
    Packet,
    Record,
)

ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
ETH_P_IPV6 = 0x86DD
VLAN_TAGS = frozenset({0x8100, 0x88A8, 0x9100})
MAX_VLAN_TAGS = 4
IPPROTO_TCP = 6
IPPROTO_UDP = 17
IPV6_EXTENSIONS = frozenset({0, 43, 60})  # hop-by-hop, routing, destination options
MAX_IPV6_EXTENSIONS = 4

Decoded = tuple[Packet | None, str | None]  # (packet, anomaly note)


class _Ip(NamedTuple):
    """What the IP layer found: version, addresses (raw), protocol, the segment, whether it was cut."""

    version: int
    src: bytes
    dst: bytes
    proto: int
    seg: bytes
    cut: bool
    note: str | None


def mac_text(raw: bytes) -> str:
    return raw.hex(":")


def _link_local(dst_mac: bytes | None, dst_ip: bytes, version: int) -> bool:
    if dst_mac is not None and dst_mac[0] & 1:
        return True  # Ethernet multicast or broadcast
    if version == 4:
        return dst_ip[0] >= 224 or dst_ip == b"\xff\xff\xff\xff"
    return dst_ip[0] == 0xFF


def _ethernet(data: bytes) -> tuple[bytes, bytes, int, int] | str:
    """(dst mac, src mac, ethertype, payload offset) with VLAN tags skipped, or a note."""
    if len(data) < 14:
        return "frame shorter than an Ethernet header"
    ethertype = struct.unpack_from("!H", data, 12)[0]
    offset = 14
    tags = 0
    while ethertype in VLAN_TAGS:
        tags += 1
        if tags > MAX_VLAN_TAGS:
            return f"more than {MAX_VLAN_TAGS} VLAN tags"
        if len(data) < offset + 4:
            return "frame cut inside a VLAN tag"
        ethertype = struct.unpack_from("!H", data, offset + 2)[0]
        offset += 4
    return data[0:6], data[6:12], ethertype, offset


def _ipv4(rec: Record, l2: tuple[bytes | None, bytes | None], data: bytes, at: int) -> Decoded:
    if len(data) < at + 20:
        return None, "IPv4 header cut"
    ver_ihl, _, total = struct.unpack_from("!BBH", data, at)
    ihl = (ver_ihl & 0x0F) * 4
    if ver_ihl >> 4 != 4 or ihl < 20:
        return None, "IPv4 header with a bogus version or header length"
    if len(data) < at + ihl:
        return None, "IPv4 options cut"
    frag = struct.unpack_from("!H", data, at + 6)[0]
    proto = data[at + 9]
    src, dst = data[at + 12:at + 16], data[at + 16:at + 20]
    if total < ihl:
        return None, f"IPv4 total length {total} below its header length {ihl}"
    end = at + total
    cut = end > len(data)
    note = None
    if cut and rec.wire_len <= len(data):
        note = f"IPv4 total length {total} beyond the {len(data) - at} bytes of the frame"
    if frag & 0x1FFF:
        return None, None  # a later fragment: no transport header here
    return _transport(rec, l2, _Ip(4, src, dst, proto, data[at + ihl:min(end, len(data))], cut, note))


def _ipv6(rec: Record, l2: tuple[bytes | None, bytes | None], data: bytes, at: int) -> Decoded:
    if len(data) < at + 40:
        return None, "IPv6 header cut"
    if data[at] >> 4 != 6:
        return None, "IPv6 header with a bogus version"
    plen = struct.unpack_from("!H", data, at + 4)[0]
    nxt = data[at + 6]
    src, dst = data[at + 8:at + 24], data[at + 24:at + 40]
    body_end = at + 40 + plen
    cut = body_end > len(data)
    note = None
    if cut and rec.wire_len <= len(data):
        note = f"IPv6 payload length {plen} beyond the frame"
    pos = at + 40
    for _ in range(MAX_IPV6_EXTENSIONS):
        if nxt not in IPV6_EXTENSIONS:
            break
        if len(data) < pos + 2:
            return None, "IPv6 extension header cut"
        nxt, hlen = data[pos], (data[pos + 1] + 1) * 8
        pos += hlen
    return _transport(rec, l2, _Ip(6, src, dst, nxt, data[pos:min(body_end, len(data))], cut, note))


def _transport(rec: Record, l2: tuple[bytes | None, bytes | None], ip: _Ip) -> Decoded:
    version, src, dst, proto, seg, cut, note = ip
    family = socket.AF_INET if version == 4 else socket.AF_INET6
    src_ip, dst_ip = socket.inet_ntop(family, src), socket.inet_ntop(family, dst)
    dst_mac, src_mac = l2
    common: dict[str, Any] = {
        "ts": rec.ts, "src_mac": mac_text(src_mac) if src_mac else None,
        "dst_mac": mac_text(dst_mac) if dst_mac else None, "src_ip": src_ip, "dst_ip": dst_ip,
        "ethertype": ETH_P_IP if version == 4 else ETH_P_IPV6,
        "link_local": _link_local(dst_mac, dst, version),
    }
    if proto == IPPROTO_UDP:
        if len(seg) < 8:
            return None, note or "UDP header cut"
        sport, dport, ulen = struct.unpack_from("!HHH", seg)
        if ulen < 8 or (ulen > len(seg) and not cut):
            note = note or f"UDP length {ulen} disagrees with the {len(seg)} bytes carried"
        payload = seg[8:ulen] if 8 <= ulen <= len(seg) else seg[8:]
        return Packet(**common, transport="udp", sport=sport, dport=dport, payload=payload,
                      cut=cut or ulen > len(seg)), note
    if proto == IPPROTO_TCP:
        if len(seg) < 20:
            return None, note or "TCP header cut"
        sport, dport, seq, ack = struct.unpack_from("!HHII", seg)
        off = (seg[12] >> 4) * 4
        if off < 20 or off > len(seg):
            return None, note or "TCP data offset outside the segment"
        return Packet(**common, transport="tcp", sport=sport, dport=dport, payload=seg[off:],
                      tcp_seq=seq, tcp_ack=ack, tcp_flags=seg[13], cut=cut), note
    return None, note


def ethernet_ipv4(data: bytes) -> tuple[int, int] | None:
    """(offset of the IPv4 header, its length) in an Ethernet frame (tags skipped), else None."""
    parsed = _ethernet(data)
    if isinstance(parsed, str) or parsed[2] != ETH_P_IP or len(data) < parsed[3] + 20:
        return None
    at = parsed[3]
    ihl = (data[at] & 0x0F) * 4
    return (at, ihl) if data[at] >> 4 == 4 and ihl >= 20 and len(data) >= at + ihl else None


def is_ipv4_fragment(data: bytes) -> bool:
    """True for an Ethernet IPv4 frame that is a fragment (more fragments, or a non-zero offset)."""
    parsed = ethernet_ipv4(data)
    return parsed is not None and bool(struct.unpack_from("!H", data, parsed[0] + 6)[0] & 0x3FFF)


def _from_ethernet(rec: Record) -> Decoded:
    parsed = _ethernet(rec.data)
    if isinstance(parsed, str):
        return None, parsed
    dst, src, ethertype, at = parsed
    if ethertype == ETH_P_IP:
        return _ipv4(rec, (dst, src), rec.data, at)
    if ethertype == ETH_P_IPV6:
        return _ipv6(rec, (dst, src), rec.data, at)
    untagged = dst + src + rec.data[at - 2:]
    kind = "arp" if ethertype == ETH_P_ARP else "eth"
    return Packet(rec.ts, mac_text(src), mac_text(dst), None, None, kind, payload=rec.data[at:],
                  ethertype=ethertype, link_frame=untagged, link_local=bool(dst[0] & 1),
                  cut=rec.wire_len > len(rec.data)), None


def _from_cooked(rec: Record, v2: bool) -> Decoded:
    head = 20 if v2 else 16
    if len(rec.data) < head:
        return None, "frame shorter than a Linux cooked header"
    proto = struct.unpack_from("!H", rec.data, 0 if v2 else 14)[0]
    addr_len = rec.data[11] if v2 else struct.unpack_from("!H", rec.data, 4)[0]
    addr = rec.data[12:12 + min(addr_len, 8)] if v2 else rec.data[6:6 + min(addr_len, 8)]
    src = addr[:6] if len(addr) >= 6 else None
    if proto == ETH_P_IP:
        return _ipv4(rec, (None, src), rec.data, head)
    if proto == ETH_P_IPV6:
        return _ipv6(rec, (None, src), rec.data, head)
    return None, None


def decode(rec: Record) -> Decoded:
    """The packet in one captured frame (None for what no decoder reads), and an anomaly note."""
    if rec.linktype == LINKTYPE_ETHERNET:
        return _from_ethernet(rec)
    if rec.linktype in (LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6):
        version = rec.data[0] >> 4 if rec.data else 0
        if version == 4:
            return _ipv4(rec, (None, None), rec.data, 0)
        if version == 6:
            return _ipv6(rec, (None, None), rec.data, 0)
        return None, "raw IP frame with a bogus version"
    if rec.linktype in (LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2):
        return _from_cooked(rec, rec.linktype == LINKTYPE_LINUX_SLL2)
    return None, f"link type {rec.linktype} not supported"
