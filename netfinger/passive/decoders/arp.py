"""ARP: every request and reply states its sender's MAC and IPv4 address."""

from __future__ import annotations

from typing import ClassVar

from netfinger.evidence import Observation, Sighting
from netfinger.passive.frames import ETH_P_ARP
from netfinger.passive.interface import Decoder, Finding, Packet
from netfinger.protocols import arp


class ArpDecoder(Decoder):
    name: ClassVar[str] = "arp"
    ethertypes: ClassVar[frozenset[int]] = frozenset({ETH_P_ARP})

    def decode(self, packet: Packet) -> list[Finding]:
        parsed = arp.parse_frame(packet.link_frame, requests=True)
        if parsed is None or parsed.ip == "0.0.0.0":
            return []
        obs = (Observation("arp.mac", parsed.mac, source="arp"),)
        note: tuple[str, ...] = ()
        if packet.src_mac and packet.src_mac != parsed.mac:
            note = (f"arp: frame from {packet.src_mac} states sender MAC {parsed.mac}",)
        return [Finding(Sighting(ip=parsed.ip, mac=parsed.mac, observations=obs, anomalies=note,
                                 protocol="arp"), "arp")]
