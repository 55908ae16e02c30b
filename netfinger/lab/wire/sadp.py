"""Hikvision SADP on UDP 37020: the inquiry probe and the device's ProbeMatch reply.

Reply framing follows real devices: an XML declaration, ``<ProbeMatch>`` with the echoed ``Uuid``
on the same line, then one element per line separated by CRLF (reference protocols.md §3.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET

MAX_PROBE = 4096
INQUIRY_VERBS = frozenset({"inquiry", "inquiry_v32"})
DEFAULT_DECL = '<?xml version="1.0" encoding="UTF-8"?>'


@dataclass(frozen=True)
class Inquiry:
    uuid: str
    verb: str


def parse_inquiry(data: bytes) -> Inquiry | None:
    """The probe's Uuid and verb, or None for anything but a well-formed inquiry/inquiry_v32."""
    if not data or len(data) > MAX_PROBE:
        return None
    try:
        root = SafeET.fromstring(data)
    except Exception:  # defusedxml raises several types on hostile input
        return None
    if root.tag != "Probe":
        return None
    uuid = (root.findtext("Uuid") or "").strip()
    verb = (root.findtext("Types") or "").strip()
    if verb not in INQUIRY_VERBS or not uuid or len(uuid) > 64:
        return None
    return Inquiry(uuid=uuid, verb=verb)


def build_probe_match(
    inquiry: Inquiry,
    fields: list[tuple[str, str]],
    *,
    crlf: bool = True,
    space_before_decl_end: bool = False,
    declaration: str = DEFAULT_DECL,
) -> bytes:
    """A ProbeMatch echoing the probe's Uuid and verb, then ``fields`` in the order given."""
    eol = "\r\n" if crlf else "\n"
    decl = declaration
    if space_before_decl_end and decl.endswith("?>") and not decl.endswith(" ?>"):
        decl = decl[:-2] + " ?>"
    lines = [f"<ProbeMatch><Uuid>{escape(inquiry.uuid)}</Uuid>", f"<Types>{escape(inquiry.verb)}</Types>"]
    lines += [f"<{name}>{escape(value)}</{name}>" for name, value in fields]
    return (decl + eol + eol.join(lines) + eol + "</ProbeMatch>").encode("utf-8")


def build_hello(fields: list[tuple[str, str]], *, crlf: bool = True,
                declaration: str = DEFAULT_DECL) -> bytes:
    """The power-on announcement a device sends to the group (passive.md §1.4): ``<Hello>`` and
    ``<Types>hello</Types>`` on lines of their own, then ``fields``, one element per line."""
    eol = "\r\n" if crlf else "\n"
    lines = ["<Hello>", "<Types>hello</Types>"]
    lines += [f"<{name}>{escape(value)}</{name}>" for name, value in fields]
    return (declaration + eol + eol.join(lines) + eol + "</Hello>").encode("utf-8")
