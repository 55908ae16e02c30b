"""IPv6 link-local discovery, sans-I/O: ICMPv6 echo, EUI-64 addresses, ``/proc/net/if_inet6`` and
``ip -j -6 neigh`` output. Nothing here raises on what a device or the kernel hands it."""

from __future__ import annotations

import ipaddress
import json
import struct
from dataclasses import dataclass

from netfinger.evidence import normalise_mac

ALL_NODES = "ff02::1"
WSD_GROUP6 = "ff02::c"  # WS-Discovery and SSDP share the link-local group
ECHO_REQUEST, ECHO_REPLY = 128, 129
MAX_NEIGHBOURS = 4096


def build_echo_request(ident: int, seq: int, payload: bytes = b"netfinger") -> bytes:
    """ICMPv6 echo request; the checksum is left 0 for the kernel (raw ICMPv6 sockets fill it in)."""
    return struct.pack("!BBHHH", ECHO_REQUEST, 0, 0, ident & 0xFFFF, seq & 0xFFFF) + payload


def parse_echo_reply(data: bytes) -> tuple[int, int] | None:
    """(identifier, sequence) of an ICMPv6 echo reply (as a raw socket delivers it); None otherwise."""
    if len(data) < 8 or data[0] != ECHO_REPLY or data[1] != 0:
        return None
    ident, seq = struct.unpack_from("!HH", data, 4)
    return ident, seq


def is_link_local(addr: str) -> bool:
    try:
        return ipaddress.IPv6Address(addr.split("%", 1)[0]).is_link_local
    except ValueError:
        return False


def mac_from_eui64(addr: str) -> str | None:
    """The MAC inside an EUI-64 interface identifier (``…:xxff:fexx:…``, U/L bit flipped back)."""
    try:
        raw = ipaddress.IPv6Address(addr.split("%", 1)[0]).packed
    except ValueError:
        return None
    ident = raw[8:]
    if ident[3:5] != b"\xff\xfe":
        return None
    mac = bytes([ident[0] ^ 0x02]) + ident[1:3] + ident[5:8]
    return normalise_mac(mac.hex())


def link_local_of(if_inet6: str, iface: str) -> str | None:
    """The interface's link-local address from ``/proc/net/if_inet6`` text."""
    for line in if_inet6.splitlines():
        cols = line.split()
        if len(cols) == 6 and cols[5] == iface and cols[3] == "20" and len(cols[0]) == 32:
            try:
                return str(ipaddress.IPv6Address(bytes.fromhex(cols[0])))
            except ValueError:
                continue
    return None


@dataclass(frozen=True)
class Neighbour:
    address: str
    mac: str


def parse_neighbours(text: str) -> list[Neighbour]:
    """Link-local neighbours with a MAC from ``ip -j -6 neigh show dev IF``."""
    try:
        doc = json.loads(text)
    except ValueError:
        return []
    out: list[Neighbour] = []
    for entry in doc[:MAX_NEIGHBOURS] if isinstance(doc, list) else []:
        if not isinstance(entry, dict):
            continue
        addr, mac = str(entry.get("dst", "")), normalise_mac(str(entry.get("lladdr", "")))
        if mac and is_link_local(addr):
            out.append(Neighbour(str(ipaddress.IPv6Address(addr)), mac))
    return out
