"""IPv4 fragment reassembly, bounded: large discovery datagrams (a 3 KB WS-Discovery Hello) arrive in pieces.

Fragments are held per (source, destination, protocol, id) until every byte from 0 to the last
fragment's end is there; the datagram is then rebuilt as one frame (the first fragment's link and IP
headers, the length fixed, the fragment fields cleared) and decoded like any other. At most
``MAX_DATAGRAMS`` datagrams are held, each of at most 64 KiB, and ``MAX_BYTES`` in total; past that the
oldest is dropped (counted). Overlapping fragments with different bytes keep the first copy (noted).
"""

from __future__ import annotations

import struct
from collections import OrderedDict
from dataclasses import dataclass, field

from netfinger.passive import frames
from netfinger.passive.interface import LINKTYPE_ETHERNET, Record

MAX_DATAGRAMS = 256
MAX_DATAGRAM = 65535
MAX_BYTES = 8 * 1024 * 1024
MAX_PIECES = 64


@dataclass
class _Datagram:
    head: bytes = b""  # link + IP header of the first fragment
    pieces: dict[int, bytes] = field(default_factory=dict)
    end: int | None = None  # payload length, known once the last fragment arrived
    size: int = 0


class Defragmenter:
    def __init__(self) -> None:
        self._held: OrderedDict[bytes, _Datagram] = OrderedDict()
        self._bytes = 0
        self.dropped = 0
        self.notes: list[str] = []

    def add(self, rec: Record) -> Record | None:
        """The whole datagram once ``rec`` (a fragment) completes it, else None."""
        split = _split(rec.data)
        if split is None:
            return None
        key, offset, more, head, payload = split
        dgram = self._held.get(key)
        if dgram is None:
            dgram = self._held[key] = _Datagram()
        if offset == 0:
            dgram.head = head
        if not more:
            dgram.end = offset + len(payload)
        if offset + len(payload) > MAX_DATAGRAM or len(dgram.pieces) >= MAX_PIECES:
            self._drop(key)
            return None
        have = dgram.pieces.get(offset)
        if have is not None and have != payload:
            self.notes.append("ip: overlapping fragments with different data (first copy kept)")
        elif have is None:
            dgram.pieces[offset] = payload
            dgram.size += len(payload)
            self._bytes += len(payload)
        whole = _assemble(dgram)
        if whole is not None:
            self._drop(key, counted=False)
            return Record(rec.ts, LINKTYPE_ETHERNET, whole, len(whole))
        while self._bytes > MAX_BYTES or len(self._held) > MAX_DATAGRAMS:
            self._drop(next(iter(self._held)))
        return None

    def _drop(self, key: bytes, counted: bool = True) -> None:
        dgram = self._held.pop(key, None)
        if dgram is not None:
            self._bytes -= dgram.size
            self.dropped += counted


def _split(data: bytes) -> tuple[bytes, int, bool, bytes, bytes] | None:
    """(key, payload offset, more fragments, link+IP header, payload) of an Ethernet IPv4 fragment."""
    parsed = frames.ethernet_ipv4(data)
    if parsed is None:
        return None
    at, ihl = parsed
    total, ident, frag = struct.unpack_from("!HHH", data, at + 2)
    offset, more = (frag & 0x1FFF) * 8, bool(frag & 0x2000)
    if not more and not offset:
        return None
    key = data[at + 12:at + 20] + data[at + 9:at + 10] + struct.pack("!H", ident)
    return key, offset, more, data[:at + ihl], data[at + ihl:at + max(total, ihl)]


def _assemble(dgram: _Datagram) -> bytes | None:
    if dgram.end is None or not dgram.head:
        return None
    out = bytearray()
    for offset in sorted(dgram.pieces):
        if offset > len(out):
            return None  # a hole
        out += dgram.pieces[offset][len(out) - offset:]
    if len(out) < dgram.end:
        return None
    head = bytearray(dgram.head)
    parsed = frames.ethernet_ipv4(dgram.head)
    if parsed is None:
        return None
    at, ihl = parsed
    struct.pack_into("!H", head, at + 2, ihl + dgram.end)  # total length of the whole datagram
    struct.pack_into("!H", head, at + 6, 0)  # no longer a fragment
    return bytes(head) + bytes(out[:dgram.end])
