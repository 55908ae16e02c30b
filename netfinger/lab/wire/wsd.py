"""ONVIF WS-Discovery, device side: parse a Probe, build ProbeMatches and Hello (protocols.md §1).

Three envelope styles: ``hikvision`` (``env:``/``wsadis:``, MessageID = endpoint, AppSequence),
``dahua`` (``s:``/``a:``, ``uuid:`` MessageIDs, To = the discovery URN, RelatesTo after Action) and
``generic`` (gSOAP-like ``SOAP-ENV:``/``wsa:``/``wsdd:``).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import defusedxml.ElementTree as SafeET

from netfinger.lab.wire import soapns

MAX_PROBE = 16384
STYLES = ("hikvision", "dahua", "generic")


@dataclass(frozen=True)
class Probe:
    message_id: str
    types: tuple[str, ...]  # local names, e.g. ("NetworkVideoTransmitter",); empty = any


@dataclass(frozen=True)
class Advert:
    endpoint: str
    types: str
    scopes: tuple[str, ...]
    xaddrs: tuple[str, ...]
    metadata_version: int
    instance_id: int = 1
    message_number: int = 1


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_probe(data: bytes) -> Probe | None:
    """The Probe's MessageID (exactly as sent) and requested Types, or None if this is no Probe."""
    if not data or len(data) > MAX_PROBE:
        return None
    try:
        root = SafeET.fromstring(data)
    except Exception:  # any parse failure or defused construct: stay silent
        return None
    if _local(root.tag) != "Envelope":
        return None
    message_id, probe = "", None
    for el in root.iter():
        name = _local(el.tag)
        if name == "MessageID" and not message_id:
            message_id = (el.text or "").strip()
        elif name == "Probe":
            probe = el
    if probe is None or not message_id or len(message_id) > 256:
        return None
    types: list[str] = []
    for el in probe:
        if _local(el.tag) == "Types" and el.text:
            types += [t.rsplit(":", 1)[-1] for t in el.text.split()]
    return Probe(message_id=message_id, types=tuple(types))


def matches(probe: Probe, advert_types: str) -> bool:
    """True when every requested type is one the device offers (by local name); no Types = all."""
    offered = {t.rsplit(":", 1)[-1] for t in advert_types.split()}
    return all(t in offered for t in probe.types)


def _match_body(adv: Advert, p: str, d: str) -> str:
    return (
        f"<{p}:EndpointReference><{p}:Address>{escape(adv.endpoint)}</{p}:Address></{p}:EndpointReference>"
        f"<{d}:Types>{escape(adv.types)}</{d}:Types>"
        f"<{d}:Scopes>{escape(' '.join(adv.scopes))}</{d}:Scopes>"
        f"<{d}:XAddrs>{escape(' '.join(adv.xaddrs))}</{d}:XAddrs>"
        f"<{d}:MetadataVersion>{adv.metadata_version}</{d}:MetadataVersion>"
    )


def _app_sequence(adv: Advert, d: str) -> str:
    return (
        f"<{d}:AppSequence InstanceId={quoteattr(str(adv.instance_id))} "
        f"MessageNumber={quoteattr(str(adv.message_number))}></{d}:AppSequence>"
    )


def _envelope(style: str, header: str, body: str) -> bytes:
    if style == "hikvision":
        head = '<?xml version="1.0" encoding="UTF-8"?>\n'
        env, decl = "env", soapns.declare(soapns.HIKVISION)
    elif style == "dahua":
        head = '<?xml version="1.0" encoding="utf-8" standalone="yes" ?>'
        env, decl = "s", soapns.declare(soapns.DAHUA_WSD)
    else:
        head = '<?xml version="1.0" encoding="UTF-8"?>\n'
        env, decl = "SOAP-ENV", soapns.declare(soapns.GENERIC_WSD)
    return (
        f"{head}<{env}:Envelope {decl}><{env}:Header>{header}</{env}:Header>"
        f"<{env}:Body>{body}</{env}:Body></{env}:Envelope>"
    ).encode()


def _prefixes(style: str) -> tuple[str, str]:
    return {"hikvision": ("wsadis", "d"), "dahua": ("a", "d")}.get(style, ("wsa", "wsdd"))


def build_probe_matches(style: str, adv: Advert, relates_to: str, message_id: str) -> bytes:
    """ProbeMatches for one probe; ``relates_to`` is the probe's MessageID exactly as it was sent."""
    a, d = _prefixes(style)
    action = f"<{a}:Action>{soapns.ACTION_BASE}ProbeMatches</{a}:Action>"
    rel = f"<{a}:RelatesTo>{escape(relates_to)}</{a}:RelatesTo>"
    mid = f"<{a}:MessageID>{escape(message_id)}</{a}:MessageID>"
    if style == "hikvision":
        to = f"<{a}:To>{soapns.ANONYMOUS}</{a}:To>"
        header = mid + rel + to + action + _app_sequence(adv, d)
    elif style == "dahua":
        header = mid + f"<{a}:To>{soapns.WSD_TO}</{a}:To>" + action + rel
    else:
        header = mid + rel + f"<{a}:To>{soapns.ANONYMOUS}</{a}:To>" + action + _app_sequence(adv, d)
    body = f"<{d}:ProbeMatches><{d}:ProbeMatch>{_match_body(adv, a, d)}</{d}:ProbeMatch></{d}:ProbeMatches>"
    return _envelope(style, header, body)


def build_hello(style: str, adv: Advert, message_id: str) -> bytes:
    """The Hello a device multicasts when it joins the network."""
    a, d = _prefixes(style)
    header = (
        f"<{a}:MessageID>{escape(message_id)}</{a}:MessageID><{a}:To>{soapns.WSD_TO}</{a}:To>"
        f"<{a}:Action>{soapns.ACTION_BASE}Hello</{a}:Action>"
    )
    if style != "dahua":
        header += _app_sequence(adv, d)
    return _envelope(style, header, f"<{d}:Hello>{_match_body(adv, a, d)}</{d}:Hello>")
