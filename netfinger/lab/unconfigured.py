"""Serving a device with no IPv4 address (``ip: 0.0.0.0``): fresh from the factory, no DHCP answer.

Such a unit has no address to bind a UDP socket to, yet it still announces itself and answers
discovery, from source 0.0.0.0 (SADP Tool lists it as 0.0.0.0). Here its UDP responders run over one
raw socket on the device's ``eth0``: datagrams to the ports they serve (multicast or broadcast; the
unit has no unicast address) are read from the frames, and what the responders send goes out as
frames from 0.0.0.0 with the device's MAC. A unicast answer goes to the asker's MAC. No TCP: a unit
with no address serves no connection.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Address

from netfinger.lab.nsenter import in_netns
from netfinger.lab.responders.base import Datagram, Device, Responder
from netfinger.lab.serve import Guard
from netfinger.lab.state import UNCONFIGURED
from netfinger.lab.wire.udpframe import build_udp_frames, destination_mac

log = logging.getLogger("netfinger.lab.emulator")
__all__ = ["UNCONFIGURED", "UnconfiguredRuntime"]
ETH_P_IP = 0x0800
DEVICE_IF = "eth0"
MAX_FRAME = 65535
MAX_PEERS = 256  # askers' MACs remembered for unicast answers


@dataclass
class UnconfiguredRuntime:
    """The one raw socket of an address-less device, wired to its UDP responders (same interface as
    ``serve.DeviceRuntime``)."""

    device: Device
    ns: str
    ipv6: bool = False  # unused: the lab gives such a unit no link-local address either
    sock: socket.socket | None = None
    ports: dict[int, list[Responder]] = field(default_factory=dict)
    peers: dict[tuple[str, int], str] = field(default_factory=dict)  # asker -> its MAC
    ident: itertools.count[int] = field(default_factory=itertools.count)
    guard: Guard = field(default_factory=Guard)

    def open(self, responders: list[Responder], guard: Guard) -> None:
        self.guard = guard
        for responder in responders:
            for ep in guard.run(self.device, responder.name, responder.udp_endpoints, self.device) or []:
                self.ports.setdefault(ep.port, []).append(responder)
        with in_netns(self.ns):
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
            try:
                sock.bind((DEVICE_IF, 0))
                sock.setblocking(False)
            except OSError:
                sock.close()
                raise
        self.sock = sock

    async def start(self, guard: Guard) -> None:
        if self.sock is not None:
            asyncio.get_running_loop().add_reader(self.sock.fileno(), self._readable)

    def _readable(self) -> None:
        from netfinger.passive.frames import decode
        from netfinger.passive.interface import LINKTYPE_ETHERNET, Record

        assert self.sock is not None
        for _ in range(64):
            try:
                frame, addr = self.sock.recvfrom(MAX_FRAME)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                log.debug("%s: raw socket: %r", self.device.name, exc)
                return
            if len(addr) > 2 and addr[2] == socket.PACKET_OUTGOING:
                continue
            packet, _ = decode(Record(0.0, LINKTYPE_ETHERNET, frame, len(frame)))
            if packet is None or packet.transport != "udp" or packet.dport not in self.ports:
                continue
            if packet.dst_ip is None or not _for_everyone(packet.dst_ip) or packet.src_ip is None:
                continue
            peer = (packet.src_ip, packet.sport)
            if packet.src_mac and (peer in self.peers or len(self.peers) < MAX_PEERS):
                self.peers[peer] = packet.src_mac
            for responder in self.ports[packet.dport]:
                replies = self.guard.run(self.device, responder.name, responder.on_datagram, self.device,
                                          packet.payload, peer, packet.dport)
                self.send(packet.dport, replies or [])

    def send(self, port: int, datagrams: Iterable[Datagram]) -> None:
        """Each datagram as a frame from 0.0.0.0:``port`` with the device's MAC."""
        if self.sock is None:
            return
        for dgram in datagrams:
            dst_mac = destination_mac(dgram.dest[0], self.peers.get(dgram.dest))
            if dst_mac is None:
                continue  # a unicast answer to someone whose MAC we never saw
            frames = build_udp_frames(self.device.mac, dst_mac, (UNCONFIGURED, port), dgram.dest, dgram.data,
                                      ttl=1 if _for_everyone(dgram.dest[0]) else 64, ident=next(self.ident))
            try:
                for frame in frames:
                    self.sock.send(frame)
            except OSError as exc:
                log.warning("%s: raw send: %r", self.device.name, exc)

    def announce(self, responders: list[Responder], guard: Guard) -> None:
        for responder in responders:
            datagrams = self.guard.run(self.device, responder.name, responder.announcements, self.device)
            port = next((p for p, users in self.ports.items() if responder in users), 0)
            if datagrams and port:
                self.send(port, datagrams)

    async def close(self) -> None:
        if self.sock is not None:
            asyncio.get_running_loop().remove_reader(self.sock.fileno())
            self.sock.close()
            self.sock = None

    @property
    def socket_count(self) -> int:
        return 1 if self.sock is not None else 0


def _for_everyone(ip: str) -> bool:
    """Multicast or the limited broadcast: what an address-less unit can receive."""
    try:
        addr = IPv4Address(ip)
    except ValueError:
        return False
    return addr.is_multicast or addr == IPv4Address("255.255.255.255")
