"""Hostile-input XML helpers shared by the SOAP/XML parsers: parse through defusedxml, never raise."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from defusedxml import ElementTree as SafeET

MAX_XML_BYTES = 256 * 1024
NOT_WELL_FORMED = "not well-formed XML"

_PREFIX_RE = re.compile(rb"<\s*([A-Za-z_][\w.-]*):Envelope\b")
_DTD_RE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_BOM = b"\xef\xbb\xbf"
_DECL_RE = re.compile(rb"^<\?xml[^>]{0,256}?encoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']")
# Encodings expat reads itself; anything else (GB2312, GBK, Big5, windows-1252 ...) is decoded here first.
_EXPAT_ENCODINGS = frozenset({"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1",
                              "utf-16"})


def parse_xml(data: bytes) -> ET.Element | None:
    """Parse ``data`` as XML (DTDs, entities and external references refused); None when it is not XML."""
    if not data or len(data) > MAX_XML_BYTES:
        return None
    try:
        root = SafeET.fromstring(_prepare(data), forbid_dtd=True)
    except Exception:  # defusedxml raises ParseError, DefusedXmlException, ValueError ...
        return None
    return root if isinstance(root, ET.Element) else None


def _prepare(data: bytes) -> bytes:
    """Undo what real devices put around well-formed XML: a BOM and blank lines before ``<?xml``,
    and an encoding declaration expat cannot read (the text is transcoded to UTF-8 here)."""
    body = data[len(_BOM):] if data.startswith(_BOM) else data
    body = body.lstrip(b" \t\r\n")
    m = _DECL_RE.match(body)
    if m is None:
        return body if body.startswith(b"<") else data
    name = m.group(1).decode("ascii").lower()
    if name in _EXPAT_ENCODINGS:
        return body
    try:
        decoded = body.decode(name, "replace")
    except (LookupError, ValueError):
        return body
    # The declaration is ASCII, so its offsets are the same in the decoded text.
    return (decoded[:m.start(1)] + "UTF-8" + decoded[m.end(1):]).encode("utf-8")


def refusal(data: bytes) -> str:
    """Why :func:`parse_xml` gives None for ``data``, worded for an anomaly note."""
    if not data:
        return "empty"
    if len(data) > MAX_XML_BYTES:
        return f"XML larger than {MAX_XML_BYTES} bytes, not parsed"
    if _DTD_RE.search(data):
        return "XML with a DTD or entity declarations (entity bomb / external entity), refused"
    return NOT_WELL_FORMED


def local(tag: object) -> str:
    """The local part of a tag, without ``{namespace}`` (comments and PIs give '')."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace(tag: object) -> str:
    if not isinstance(tag, str) or not tag.startswith("{"):
        return ""
    return tag[1:].split("}", 1)[0]


def children(elem: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in elem if local(c.tag) == name]


def child(elem: ET.Element | None, name: str) -> ET.Element | None:
    if elem is None:
        return None
    for c in elem:
        if local(c.tag) == name:
            return c
    return None


def find_path(elem: ET.Element | None, *names: str) -> ET.Element | None:
    """Walk direct children by local name: ``find_path(env, 'Header', 'MessageID')``."""
    cur = elem
    for name in names:
        cur = child(cur, name)
    return cur


def find_first(elem: ET.Element, name: str) -> ET.Element | None:
    """First descendant (or self) with the given local name."""
    for e in elem.iter():
        if local(e.tag) == name:
            return e
    return None


def text(elem: ET.Element | None) -> str:
    return (elem.text or "").strip() if elem is not None else ""


def envelope_prefix(data: bytes, element: str = "Envelope") -> str:
    """The namespace prefix the sender used on its Envelope ('env', 's', 'SOAP-ENV'), '' when unprefixed."""
    if element == "Envelope":
        m = _PREFIX_RE.search(data[:4096])
    else:
        m = re.search(rb"<\s*([A-Za-z_][\w.-]*):" + re.escape(element.encode()) + rb"\b", data[:8192])
    return m.group(1).decode("ascii", "replace") if m else ""
