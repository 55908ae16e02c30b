"""mDNS / DNS-SD, device side: answer queries for a host's services (zeroconf's DNS classes do the wire).

Questions answered: the ``_services._dns-sd._udp.local.`` meta-query, PTR for a service type (with SRV,
TXT and the address as additionals), SRV/TXT/ANY for an instance, and A (AAAA)/ANY for the host name.
The address record is A for an IPv4 ``Host.address``, AAAA for an IPv6 one (the answer over IPv6).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from zeroconf import (  # type: ignore[attr-defined]  # public names, re-exported without __all__ typing
    DNSAddress,
    DNSIncoming,
    DNSOutgoing,
    DNSPointer,
    DNSQuestion,
    DNSRecord,
    DNSService,
    DNSText,
)
from zeroconf.const import (
    _CLASS_IN,
    _CLASS_UNIQUE,
    _FLAGS_AA,
    _FLAGS_QR_RESPONSE,
    _TYPE_A,
    _TYPE_AAAA,
    _TYPE_ANY,
    _TYPE_PTR,
    _TYPE_SRV,
    _TYPE_TXT,
)

META = "_services._dns-sd._udp.local."
MAX_QUERY = 9000
MAX_QUESTIONS = 32


@dataclass(frozen=True)
class Service:
    type_: str  # "_http._tcp.local."
    instance: str  # "DiskStation._http._tcp.local."
    port: int
    txt: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Host:
    hostname: str  # "diskstation.local."
    address: str  # IPv4, or the IPv6 link-local address when answering over IPv6
    services: tuple[Service, ...]
    ttl: int = 120


@dataclass(frozen=True)
class Query:
    id: int
    questions: tuple[tuple[str, int], ...]  # (lower-case name, type)
    unicast: bool  # some question has the QU bit


def txt_bytes(pairs: tuple[tuple[str, str], ...]) -> bytes:
    out = b""
    for key, val in pairs:
        item = (f"{key}={val}" if val is not None else key).encode("utf-8")[:255]
        out += bytes([len(item)]) + item
    return out or b"\x00"


def parse_query(data: bytes) -> Query | None:
    if not data or len(data) > MAX_QUERY:
        return None
    msg = DNSIncoming(data)
    if not msg.valid or not msg.is_query() or not msg.questions or len(msg.questions) > MAX_QUESTIONS:
        return None
    qs = tuple((q.name.lower(), q.type) for q in msg.questions)
    return Query(id=msg.id, questions=qs, unicast=any(q.unicast for q in msg.questions))


def address_record(host: Host) -> DNSAddress:
    unique = _CLASS_IN | _CLASS_UNIQUE
    if ":" in host.address:
        raw = socket.inet_pton(socket.AF_INET6, host.address)
        return DNSAddress(host.hostname, _TYPE_AAAA, unique, host.ttl, raw)
    return DNSAddress(host.hostname, _TYPE_A, unique, host.ttl, socket.inet_aton(host.address))


def _records(host: Host, svc: Service) -> tuple[DNSRecord, DNSRecord, DNSRecord]:
    unique = _CLASS_IN | _CLASS_UNIQUE
    srv = DNSService(svc.instance, _TYPE_SRV, unique, host.ttl, 0, 0, svc.port, host.hostname)
    txt = DNSText(svc.instance, _TYPE_TXT, unique, 4500, txt_bytes(svc.txt))
    return srv, txt, address_record(host)


def answers(host: Host, name: str, qtype: int) -> tuple[list[DNSRecord], list[DNSRecord]]:
    """(answers, additionals) for one question."""
    ans: list[DNSRecord] = []
    add: list[DNSRecord] = []
    if name == META and qtype in (_TYPE_PTR, _TYPE_ANY):
        types = sorted({s.type_ for s in host.services})
        ans += [DNSPointer(META, _TYPE_PTR, _CLASS_IN, 4500, t) for t in types]
    for svc in host.services:
        srv, txt, addr = _records(host, svc)
        if name == svc.type_.lower() and qtype in (_TYPE_PTR, _TYPE_ANY):
            ans.append(DNSPointer(svc.type_, _TYPE_PTR, _CLASS_IN, 4500, svc.instance))
            add += [srv, txt, addr]
        elif name == svc.instance.lower():
            ans += [r for r in (srv, txt) if qtype in (r.type, _TYPE_ANY)]
            add.append(addr)
    if name == host.hostname.lower():
        addr = address_record(host)
        if qtype in (addr.type, _TYPE_ANY):
            ans.append(addr)
    return ans, add


def build_response(host: Host, query: Query, legacy: bool) -> bytes | None:
    """The reply to ``query``, or None when nothing asked is ours. ``legacy`` = unicast to a non-5353 port."""
    out = DNSOutgoing(_FLAGS_QR_RESPONSE | _FLAGS_AA, not legacy, query.id if legacy else 0)
    found = False
    for name, qtype in query.questions:
        ans, add = answers(host, name, qtype)
        if legacy and ans:
            out.add_question(DNSQuestion(name, qtype, _CLASS_IN))
        for rec in ans:
            out.add_answer_at_time(rec, 0)
        for rec in add:
            out.add_additional_answer(rec)
        found = found or bool(ans)
    packets = out.packets()
    return packets[0] if found and packets else None


def build_announcement(host: Host) -> bytes | None:
    out = DNSOutgoing(_FLAGS_QR_RESPONSE | _FLAGS_AA, True, 0)
    for svc in host.services:
        out.add_answer_at_time(DNSPointer(svc.type_, _TYPE_PTR, _CLASS_IN, 4500, svc.instance), 0)
        for rec in _records(host, svc):
            out.add_answer_at_time(rec, 0)
    packets = out.packets()
    return packets[0] if packets else None
