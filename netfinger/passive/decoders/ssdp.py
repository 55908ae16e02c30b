"""SSDP: NOTIFY and search responses describe their sender; an M-SEARCH's sender is a client."""

from __future__ import annotations

from typing import ClassVar

from netfinger.passive.decoders.base import client, sender
from netfinger.passive.interface import Decoder, Finding, Packet
from netfinger.protocols import ssdp


class SsdpDecoder(Decoder):
    name: ClassVar[str] = "ssdp"
    udp_ports: ClassVar[frozenset[int]] = frozenset({ssdp.SSDP_PORT})

    def decode(self, packet: Packet) -> list[Finding]:
        if packet.payload.startswith(b"M-SEARCH"):
            return [client(packet, signal="ssdp-search")]
        msg = ssdp.parse_message(packet.payload)
        if not msg.valid:
            return []
        signal = "ssdp-notify" if msg.kind == "notify" else "ssdp-response"
        obs = ssdp.observations(msg, f"udp/{ssdp.SSDP_PORT}")
        return [sender(packet, obs, protocol="ssdp", signal=signal, raw=packet.payload)]
