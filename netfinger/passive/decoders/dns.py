"""DNS (UDP 53) and mDNS (UDP 5353), read with zeroconf's parser (the one the mDNS probe runs on).

DNS: the names a host asks for are evidence about the *asker* (``dns.query``), and weak: a phone
running a maker's app asks the same cloud names as the maker's cameras. mDNS: a response describes
its sender's own services, read into the ``mdns.*`` fields the probe fills.
"""

from __future__ import annotations

from typing import ClassVar

from netfinger.evidence import Observation, bounded
from netfinger.passive.decoders.base import client, sender
from netfinger.passive.interface import Decoder, Finding, Packet
from netfinger.protocols import mdns

DNS_PORT = 53
MAX_QUESTIONS = 16


class DnsDecoder(Decoder):
    name: ClassVar[str] = "dns"
    udp_ports: ClassVar[frozenset[int]] = frozenset({DNS_PORT, mdns.MDNS_PORT})

    def decode(self, packet: Packet) -> list[Finding]:
        if mdns.MDNS_PORT in (packet.sport, packet.dport):
            return self._mdns(packet)
        msg = mdns.incoming(packet.payload)
        if msg is None or not msg.is_query() or packet.dport != DNS_PORT:
            return []  # answers repeat the question to the asker; the query itself is the evidence
        names = [q.name.rstrip(".").lower() for q in msg.questions[:MAX_QUESTIONS]]
        obs = [Observation("dns.query", bounded(n, 255), DNS_PORT, "udp/53") for n in names if n]
        if not obs:
            return []
        return [sender(packet, obs, protocol="dns", signal="dns-query")]

    def _mdns(self, packet: Packet) -> list[Finding]:
        msg = mdns.incoming(packet.payload)
        if msg is None:
            return []
        if msg.is_query():
            return [client(packet, signal="mdns-query")] if msg.questions else []
        records = msg.answers()[:mdns.MAX_RECORDS]
        obs: list[Observation] = []
        for svc in mdns.services(records):
            obs += mdns.observations(svc)
        if not obs:
            return []
        return [sender(packet, obs, protocol="mdns", signal="mdns", raw=packet.payload)]
