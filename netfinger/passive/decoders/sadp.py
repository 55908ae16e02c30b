"""Hikvision SADP (UDP 37020): ProbeMatch and Hello describe a device; an inquiry comes from a client."""

from __future__ import annotations

from typing import ClassVar

from netfinger.evidence import claim_note
from netfinger.passive.decoders.base import client, sender
from netfinger.passive.interface import Decoder, Finding, Packet
from netfinger.protocols import sadp, xmlsafe


class SadpDecoder(Decoder):
    name: ClassVar[str] = "sadp"
    udp_ports: ClassVar[frozenset[int]] = frozenset({sadp.SADP_PORT})

    def decode(self, packet: Packet) -> list[Finding]:
        reply = sadp.parse_reply(packet.payload)
        if not reply.valid:
            if b"<Probe>" in packet.payload[:200]:
                return [client(packet, signal="sadp-inquiry")]
            return []
        notes: list[str] = []
        if reply.malformed:
            notes.append("sadp: reply is not well-formed XML (read with the line parser)")
            why = xmlsafe.refusal(packet.payload)
            if why != xmlsafe.NOT_WELL_FORMED:
                notes.append(f"sadp: {why}")
        if packet.src_is_v4 and reply.ipv4 and reply.ipv4 != packet.src_ip:
            notes.append(claim_note("sadp", packet.src_ip or "", "IPv4Address", reply.ipv4))
        signal = "sadp-hello" if b"<Hello>" in packet.payload[:400] else "sadp-probematch"
        obs = sadp.observations(reply, f"udp/{sadp.SADP_PORT}")
        return [sender(packet, obs, protocol="sadp", signal=signal, raw=packet.payload,
                       anomalies=tuple(notes))]
