"""Hikvision SADP (UDP 37020), client side: the inquiry and its ProbeMatch reply.

Replies are small XML documents, one element per CRLF-separated line; some firmware sends
malformed XML, so a line-based fallback reads ``<Name>value</Name>`` pairs when XML parsing fails.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from netfinger.evidence import Observation, bounded, normalise_mac
from netfinger.protocols.xmlsafe import local, parse_xml

SADP_GROUP = "239.255.255.250"
SADP_PORT = 37020
MAX_ELEMENTS = 128
ANNOUNCEMENTS = ("ProbeMatch", "Hello")  # a reply, and the power-on announcement (same elements)

_LINE_RE = re.compile(r"<([A-Za-z][\w.-]{0,63})>([^<]{0,1024})</\1>")
_NAME_RE = re.compile(r"^[A-Za-z][\w-]{0,63}$")


def new_uuid() -> str:
    return str(uuid.uuid4()).upper()


def build_inquiry(probe_uuid: str) -> bytes:
    """The inquiry exactly as the vendor tool sends it (upper-case GUID, no braces)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f"<Probe><Uuid>{probe_uuid}</Uuid><Types>inquiry</Types></Probe>"
    ).encode()


@dataclass
class SadpReply:
    valid: bool
    fields: list[tuple[str, str]] = field(default_factory=list)  # (element, text) in document order
    malformed: bool = False  # parsed with the line-based fallback
    error: str = ""

    def get(self, name: str) -> str:
        for key, value in self.fields:
            if key == name:
                return value
        return ""

    @property
    def mac(self) -> str | None:
        raw = self.get("MAC")
        return normalise_mac(raw) if raw else None

    @property
    def ipv4(self) -> str:
        return self.get("IPv4Address")


def _from_xml(data: bytes) -> SadpReply | None:
    root = parse_xml(data)
    if root is None:
        return None
    if local(root.tag) not in ANNOUNCEMENTS:
        return SadpReply(False, error=f"root element {local(root.tag)!r} is not ProbeMatch")
    fields = [(local(e.tag), (e.text or "").strip()) for e in list(root)[:MAX_ELEMENTS] if local(e.tag)]
    return SadpReply(True, fields)


def _from_lines(data: bytes) -> SadpReply:
    body = data[:65536].decode("utf-8", "replace")
    if "ProbeMatch" not in body and "<Hello>" not in body:
        return SadpReply(False, error="neither XML nor a ProbeMatch")
    fields = [(m.group(1), m.group(2).strip()) for m in _LINE_RE.finditer(body)][:MAX_ELEMENTS]
    fields = [(k, v) for k, v in fields if _NAME_RE.match(k)]
    if not fields:
        return SadpReply(False, malformed=True, error="ProbeMatch without readable elements")
    return SadpReply(True, fields, malformed=True)


def parse_reply(data: bytes) -> SadpReply:
    """Parse a ProbeMatch; malformed XML falls back to a line parser. Never raises."""
    if not data:
        return SadpReply(False, error="empty datagram")
    if b"<Probe>" in data[:200] and b"ProbeMatch" not in data and b"<Hello>" not in data:
        return SadpReply(False, error="an inquiry, not a reply")
    parsed = _from_xml(data)
    return parsed if parsed is not None else _from_lines(data)


def observations(reply: SadpReply, source: str) -> list[Observation]:
    return [
        Observation(f"sadp.{name}", bounded(value), SADP_PORT, source)
        for name, value in reply.fields
        if value
    ]


def check_uuid(reply: SadpReply, sent: set[str]) -> str | None:
    """An anomaly note when the reply's Uuid does not echo one we sent, else None."""
    echoed = reply.get("Uuid").strip().strip("{}").upper()
    if echoed in sent:
        return None
    return f"sadp: reply Uuid {bounded(echoed, 64)!r} does not echo our inquiry"
