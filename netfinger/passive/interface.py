"""The passive seam: packets in (from a capture reader), sightings out (into the evidence store).

A *reader* (``readers/``) yields :class:`Record` s: the bytes of one captured frame. The framer
(:mod:`netfinger.passive.frames`) turns a frame into a :class:`Packet`. A *decoder* (``decoders/``,
one module per protocol) turns the packets it wants into :class:`Finding` s, calling the same
``netfinger.protocols`` parsers the active probes call. Nothing here sends or does I/O.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from netfinger.evidence import Sighting

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276


class Record(NamedTuple):
    """One captured frame: capture time (epoch seconds), link type, the bytes kept, the length on the wire.

    A named tuple, not a dataclass: one is made per record in the hot loop, and a tuple is cheapest.
    """

    ts: float
    linktype: int
    data: bytes
    wire_len: int


@dataclass(frozen=True, slots=True)
class Packet:
    """A frame decoded down to its transport payload. ``transport`` is 'udp', 'tcp', 'arp' or 'eth'."""

    ts: float
    src_mac: str | None
    dst_mac: str | None
    src_ip: str | None
    dst_ip: str | None
    transport: str
    sport: int = 0
    dport: int = 0
    payload: bytes = b""
    ethertype: int = 0
    link_frame: bytes = b""  # the untagged Ethernet frame (ARP decoding reads it whole)
    tcp_seq: int = 0
    tcp_ack: int = 0
    tcp_flags: int = 0
    cut: bool = False  # the capture kept fewer bytes than the packet had (snaplen)
    link_local: bool = False  # multicast/broadcast destination: the sender is on this segment

    @property
    def src_is_v4(self) -> bool:
        return self.src_ip is not None and ":" not in self.src_ip


@dataclass(frozen=True, slots=True)
class Finding:
    """What one packet said about one host: the sighting, and the kind of traffic (the signal)."""

    sighting: Sighting
    signal: str
    role: str = "device"  # 'device' or 'client' (an inquiry's sender is a client, never a device)


class Decoder(abc.ABC):
    """One protocol. ``udp_ports``/``tcp_ports``/``ethertypes`` say which packets it is offered."""

    name: ClassVar[str]
    udp_ports: ClassVar[frozenset[int]] = frozenset()
    tcp_ports: ClassVar[frozenset[int]] = frozenset()
    ethertypes: ClassVar[frozenset[int]] = frozenset()

    @abc.abstractmethod
    def decode(self, packet: Packet) -> list[Finding]:
        """Findings of one packet. Must not raise on any input (the session guards it anyway)."""


class StreamDecoder(abc.ABC):
    """A protocol read from reassembled TCP streams (both directions of one connection)."""

    name: ClassVar[str]

    @abc.abstractmethod
    def wants(self, server_port: int, first_bytes: bytes) -> bool:
        """True when the server side of a connection on ``server_port`` starting so is this protocol."""

    @abc.abstractmethod
    def decode_stream(self, flow: StreamView) -> list[Finding]:
        """Findings of one connection's bytes (client→server and server→client, each cut to a bound)."""


@dataclass(frozen=True, slots=True)
class StreamView:
    """One TCP connection as far as it was kept: who is the server, and the bytes each side sent."""

    client_ip: str
    server_ip: str
    client_port: int
    server_port: int
    to_server: bytes
    to_client: bytes
    first_ts: float
    last_ts: float
