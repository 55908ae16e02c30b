"""WS-Discovery: Hello, Bye and ProbeMatches describe their sender; a Probe's sender is a client."""

from __future__ import annotations

from typing import ClassVar

from netfinger.passive.decoders.base import client, sender
from netfinger.passive.interface import Decoder, Finding, Packet
from netfinger.protocols import wsd

SIGNALS = {"Hello": "wsd-hello", "Bye": "wsd-bye", "ProbeMatches": "wsd-probematches", "Fault": "wsd-fault"}


class WsdDecoder(Decoder):
    name: ClassVar[str] = "wsd"
    udp_ports: ClassVar[frozenset[int]] = frozenset({wsd.WSD_PORT})

    def decode(self, packet: Packet) -> list[Finding]:
        msg = wsd.parse_message(packet.payload)
        if not msg.valid:
            if msg.action == "Probe":
                return [client(packet, signal="wsd-probe")]
            return []
        notes: tuple[str, ...] = ()
        if msg.scopes_sent > wsd.MAX_SCOPES_KEPT:
            notes = (f"wsd: {msg.scopes_sent} scopes in one message (first {wsd.MAX_SCOPES_KEPT} kept)",)
        return [sender(packet, wsd.observations(msg, f"udp/{wsd.WSD_PORT}"), protocol="wsd",
                       signal=SIGNALS.get(msg.action, "wsd"), raw=packet.payload, anomalies=notes)]
