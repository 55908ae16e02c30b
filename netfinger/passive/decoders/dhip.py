"""Dahua DHIP (UDP 37810) and legacy discovery (UDP 5050).

Replies describe a device; searches (ConfigTool, SmartPSS, an NVR) come from clients.
"""

from __future__ import annotations

from typing import ClassVar

from netfinger.evidence import claim_note
from netfinger.passive.decoders.base import client, sender
from netfinger.passive.interface import Decoder, Finding, Packet
from netfinger.protocols import dhip, dhip_legacy


class DhipDecoder(Decoder):
    name: ClassVar[str] = "dhip"
    udp_ports: ClassVar[frozenset[int]] = frozenset({dhip.DHIP_PORT, dhip.LEGACY_PORT})

    def decode(self, packet: Packet) -> list[Finding]:
        data = packet.payload
        source = f"udp/{packet.sport}"
        if data == dhip.LEGACY_PROBE or (data[:1] == b"\xa3" and len(data) == len(dhip.LEGACY_PROBE)):
            return [client(packet, signal="dhip-search")]
        if data[:1] == bytes([dhip_legacy.REPLY_MAGIC]):
            legacy = dhip_legacy.parse_reply(data)
            if not legacy.valid:
                return []
            return [sender(packet, dhip_legacy.observations(legacy, source), protocol="dhip",
                           signal="dhip-legacy-reply", raw=data, anomalies=tuple(legacy.anomalies))]
        reply = dhip.parse_reply(data)
        if not reply.valid:
            if reply.method:  # a request: DHDiscover.search from ConfigTool, SmartPSS, an NVR
                return [client(packet, signal="dhip-search")]
            return []
        notes = list(reply.anomalies)
        claimed = reply.info.get("IPv4Address.IPAddress", "")
        if packet.src_is_v4 and claimed and claimed != packet.src_ip:
            notes.append(claim_note("dhip", packet.src_ip or "", "IPAddress", claimed))
        return [sender(packet, dhip.observations(reply, source), protocol="dhip", signal="dhip-reply",
                       raw=data, anomalies=tuple(notes))]
