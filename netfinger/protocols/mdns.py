"""mDNS / DNS-SD (sans-I/O): the service types browsed, the one-shot query, responses read into service
records (zeroconf's DNS classes do the wire; the probe and the passive decoder share them), and
resolved services as evidence."""

from __future__ import annotations

import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from netfinger.evidence import Observation, bounded

MDNS_PORT = 5353
SERVICE_TYPES = tuple(
    f"{name}._tcp.local."
    for name in (
        "_CGI", "_http", "_https", "_rtsp", "_onvif", "_device-info", "_axis-video", "_axis-nvr", "_ipp",
        "_printer", "_pdl-datastream", "_smb", "_afpovertls", "_hap", "_airplay", "_googlecast",
        "_workstation", "_ssh", "_sftp-ssh", "_raop", "_homekit", "_psia", "_nvr",
    )
)
MAX_TXT_KEYS = 32
_TXT_KEY_RE = re.compile(r"^[A-Za-z0-9][\w-]{0,47}$")


@dataclass
class ServiceRecord:
    service_type: str
    instance: str
    hostname: str = ""
    port: int | None = None
    addresses: list[str] = field(default_factory=list)
    txt: dict[str, str] = field(default_factory=dict)


def decode_txt(properties: dict[bytes, bytes | None]) -> dict[str, str]:
    """TXT key/values as text; keys that are not plain identifiers are dropped (they become field names)."""
    out: dict[str, str] = {}
    for raw_key, raw_value in list(properties.items())[:MAX_TXT_KEYS]:
        key = raw_key.decode("utf-8", "replace")
        if not _TXT_KEY_RE.match(key):
            continue
        out[key] = "" if raw_value is None else raw_value.decode("utf-8", "replace")
    return out


def instance_label(name: str, service_type: str) -> str:
    return name[: -len(service_type) - 1] if name.endswith("." + service_type) else name


def observations(rec: ServiceRecord) -> list[Observation]:
    source = f"mdns/{rec.service_type}"
    out = [
        Observation("mdns.service", bounded(rec.service_type), MDNS_PORT, source),
        Observation("mdns.instance", bounded(instance_label(rec.instance, rec.service_type)), rec.port,
                    source),
    ]
    if rec.hostname:
        out.append(Observation("mdns.hostname", bounded(rec.hostname), MDNS_PORT, source))
    for key, value in rec.txt.items():
        out.append(Observation(f"mdns.txt.{key.lower()}", bounded(value), rec.port, source))
    return out


MDNS_GROUP6 = "ff02::fb"
MAX_RECORDS = 64
MAX_RESPONSE = 9000  # RFC 6762 §17: a multicast DNS packet is at most 9000 bytes
TYPE_A, TYPE_PTR, TYPE_TXT, TYPE_AAAA, TYPE_SRV = 1, 12, 16, 28, 33


def build_query(questions: Sequence[tuple[str, int]]) -> bytes:
    """One mDNS query (id 0, QM questions) for ``(name, type)`` pairs, as zeroconf writes it; sent
    from a port other than 5353 it is a one-shot query, answered unicast to the asker (RFC 6762 §6.7)."""
    from zeroconf._dns import DNSQuestion
    from zeroconf._protocol.outgoing import DNSOutgoing
    from zeroconf.const import _CLASS_IN, _FLAGS_QR_QUERY

    out = DNSOutgoing(_FLAGS_QR_QUERY, True)
    for name, qtype in questions:
        out.add_question(DNSQuestion(name, qtype, _CLASS_IN))
    packets = out.packets()
    return packets[0] if packets else b""


def incoming(payload: bytes) -> Any | None:
    """zeroconf's reading of one mDNS/DNS message, or None for garbage. Never raises."""
    if not payload or len(payload) > MAX_RESPONSE:
        return None
    try:
        from zeroconf._protocol.incoming import DNSIncoming

        msg = DNSIncoming(payload)
    except Exception:  # zeroconf marks most garbage invalid; anything else is garbage too
        return None
    return msg if msg.valid else None


def txt_pairs(raw: bytes) -> dict[bytes, bytes | None]:
    """A TXT record's ``key=value`` strings (first occurrence of a key wins), bounded."""
    out: dict[bytes, bytes | None] = {}
    pos = 0
    while pos < len(raw) and len(out) < MAX_TXT_KEYS:
        item = raw[pos + 1:pos + 1 + raw[pos]]
        pos += 1 + raw[pos]
        key, sep, value = item.partition(b"=")
        if key:
            out.setdefault(key, value if sep else None)
    return out


def services(records: list[Any]) -> list[ServiceRecord]:
    """Service records assembled from one response's PTR, SRV, TXT, A and AAAA records."""
    from zeroconf._dns import DNSAddress, DNSPointer, DNSService, DNSText

    found: dict[str, ServiceRecord] = {}
    for rec in records:
        is_service = rec.name.endswith("._tcp.local.") and not rec.name.startswith("_services")
        if isinstance(rec, DNSPointer) and is_service:
            found.setdefault(rec.alias, ServiceRecord(rec.name, rec.alias))
    addresses = [socket.inet_ntop(socket.AF_INET if len(r.address) == 4 else socket.AF_INET6, r.address)
                 for r in records if isinstance(r, DNSAddress) and len(r.address) in (4, 16)]
    for rec in records:
        svc = found.get(rec.name)
        if svc is None:
            continue
        if isinstance(rec, DNSService):
            svc.hostname, svc.port = rec.server.rstrip("."), rec.port
        elif isinstance(rec, DNSText):
            svc.txt = decode_txt(txt_pairs(rec.text))
    for svc in found.values():
        svc.addresses = list(addresses)
    return list(found.values())


def parse_response(payload: bytes) -> list[ServiceRecord] | None:
    """The services one mDNS response describes (its answers and additionals); None when the payload
    is not a readable response. Never raises."""
    msg = incoming(payload)
    if msg is None or msg.is_query():
        return None
    return services(msg.answers()[:MAX_RECORDS])
