"""DNS (UDP 53) and mDNS (UDP 5353), read with zeroconf's parser (the one the mDNS probe runs on).

DNS: the names a host asks for are evidence about the *asker* (``dns.query``), and weak: a phone
running a maker's app asks the same cloud names as the maker's cameras. mDNS: a response describes
its sender's own services, read into the ``mdns.*`` fields the probe fills.
"""

from __future__ import annotations

from typing import Any, ClassVar

from netfinger.evidence import Observation, bounded
from netfinger.passive.decoders.base import client, sender
from netfinger.passive.interface import Decoder, Finding, Packet
from netfinger.protocols import mdns

DNS_PORT = 53
MAX_QUESTIONS = 16
MAX_RECORDS = 64


def _incoming(payload: bytes) -> Any | None:
    try:
        from zeroconf._protocol.incoming import DNSIncoming

        msg = DNSIncoming(payload)
    except Exception:  # zeroconf marks most garbage invalid; anything else is garbage too
        return None
    return msg if msg.valid else None


def _txt(raw: bytes) -> dict[bytes, bytes | None]:
    out: dict[bytes, bytes | None] = {}
    pos = 0
    while pos < len(raw) and len(out) < mdns.MAX_TXT_KEYS:
        item = raw[pos + 1:pos + 1 + raw[pos]]
        pos += 1 + raw[pos]
        key, sep, value = item.partition(b"=")
        if key:
            out.setdefault(key, value if sep else None)
    return out


def services(records: list[Any]) -> list[mdns.ServiceRecord]:
    """Service records assembled from one response's PTR, SRV, TXT and A records."""
    from zeroconf._dns import DNSAddress, DNSPointer, DNSService, DNSText

    found: dict[str, mdns.ServiceRecord] = {}
    for rec in records:
        is_service = rec.name.endswith("._tcp.local.") and not rec.name.startswith("_services")
        if isinstance(rec, DNSPointer) and is_service:
            found.setdefault(rec.alias, mdns.ServiceRecord(rec.name, rec.alias))
    addresses = [r.address for r in records if isinstance(r, DNSAddress) and len(r.address) == 4]
    for rec in records:
        svc = found.get(rec.name)
        if svc is None:
            continue
        if isinstance(rec, DNSService):
            svc.hostname, svc.port = rec.server.rstrip("."), rec.port
        elif isinstance(rec, DNSText):
            svc.txt = mdns.decode_txt(_txt(rec.text))
    for svc in found.values():
        svc.addresses = [".".join(str(b) for b in a) for a in addresses]
    return list(found.values())


class DnsDecoder(Decoder):
    name: ClassVar[str] = "dns"
    udp_ports: ClassVar[frozenset[int]] = frozenset({DNS_PORT, mdns.MDNS_PORT})

    def decode(self, packet: Packet) -> list[Finding]:
        if mdns.MDNS_PORT in (packet.sport, packet.dport):
            return self._mdns(packet)
        msg = _incoming(packet.payload)
        if msg is None or not msg.is_query() or packet.dport != DNS_PORT:
            return []  # answers repeat the question to the asker; the query itself is the evidence
        names = [q.name.rstrip(".").lower() for q in msg.questions[:MAX_QUESTIONS]]
        obs = [Observation("dns.query", bounded(n, 255), DNS_PORT, "udp/53") for n in names if n]
        if not obs:
            return []
        return [sender(packet, obs, protocol="dns", signal="dns-query")]

    def _mdns(self, packet: Packet) -> list[Finding]:
        msg = _incoming(packet.payload)
        if msg is None:
            return []
        if msg.is_query():
            return [client(packet, signal="mdns-query")] if msg.questions else []
        records = msg.answers()[:MAX_RECORDS]
        obs: list[Observation] = []
        for svc in services(records):
            obs += mdns.observations(svc)
        if not obs:
            return []
        return [sender(packet, obs, protocol="mdns", signal="mdns", raw=packet.payload)]
