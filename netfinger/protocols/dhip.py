"""Dahua discovery, client side: DHIP ``DHDiscover.search`` (UDP 37810) and the legacy UDP 5050 probe."""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from typing import Any

from netfinger.evidence import Observation, bounded, normalise_mac

DHIP_GROUP = "239.255.255.251"
DHIP_PORT = 37810
LEGACY_PORT = 5050
HEADER_LEN = 32
MAGIC = b"DHIP"

# Byte-exact ConfigTool body: 73 bytes including the trailing LF.
SEARCH_BODY = b'{ "method" : "DHDiscover.search", "params" : { "mac" : "", "uni" : 1 } }\n'
LEGACY_PROBE = bytes.fromhex("a3010001" + "00" * 12 + "02" + "00" * 15)


def build_header(body_len: int) -> bytes:
    return struct.pack("<I4sIIIIII", HEADER_LEN, MAGIC, 0, 0, body_len, 0, body_len, 0)


def build_search() -> bytes:
    """The DHIP search datagram: 32-byte little-endian header + ConfigTool JSON body."""
    return build_header(len(SEARCH_BODY)) + SEARCH_BODY


def build_legacy_probe() -> bytes:
    return LEGACY_PROBE


@dataclass
class DhipReply:
    valid: bool
    mac: str | None = None
    method: str = ""
    info: dict[str, str] = field(default_factory=dict)  # flattened deviceInfo, e.g. IPv4Address.IPAddress
    style: str = ""  # 'spaced' | 'compact'
    anomalies: list[str] = field(default_factory=list)
    error: str = ""


def _flatten(obj: dict[str, Any], prefix: str = "", depth: int = 0) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in list(obj.items())[:128]:
        name = f"{prefix}{key}"
        if isinstance(value, dict) and depth < 1:
            out.update(_flatten(value, f"{name}.", depth + 1))
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif value is None:
            out[name] = ""
        elif isinstance(value, str | int | float):
            out[name] = str(value)
        else:
            out[name] = json.dumps(value)[:256]
    return out


_TAIL = b"\x00\r\n\t "


def _check_header(data: bytes) -> tuple[bytes, list[str]] | str:
    """(body as the length field bounds it, anomaly notes) or an error.

    Real devices count the trailing ``0a 00`` in the length or leave it out, and some pad with NULs:
    bytes beyond the length that are only LF/NUL/whitespace are not an anomaly.
    """
    if len(data) < HEADER_LEN or data[4:8] != MAGIC:
        return "not a DHIP datagram"
    hlen, _, _, _, len1, _, len2, _ = struct.unpack_from("<I4sIIIIII", data)
    notes: list[str] = []
    if hlen != HEADER_LEN:
        notes.append(f"dhip: header size field {hlen} != 32")
    payload = data[HEADER_LEN:]
    available = len(payload)
    if len1 != len2:
        notes.append(f"dhip: body length fields disagree ({len1} vs {len2})")
    if len1 > available or payload[len1:].strip(_TAIL):
        notes.append(f"dhip: body length field {len1} but datagram carries {available} bytes")
    return payload[:min(len1, available)], notes


def _json_object(body: bytes) -> dict[str, Any] | None:
    """The JSON object at the start of ``body`` (trailing LF/NUL/junk ignored), else None."""
    text = body.decode("utf-8", "replace").strip("\x00\r\n\t ")
    try:
        doc, _ = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):
        return None
    return doc if isinstance(doc, dict) else None


def _mac(doc: dict[str, Any], params: object, info: dict[str, Any]) -> str | None:
    """The MAC a reply claims: top-level ``mac`` (usual), else ``params.mac`` or ``deviceInfo.mac``."""
    for holder in (doc, params, info):
        raw = holder.get("mac") if isinstance(holder, dict) else None
        if isinstance(raw, str) and raw:
            return normalise_mac(raw)
    return None


def parse_reply(data: bytes) -> DhipReply:
    """Parse a DHIP reply (header + JSON, trailing LF/NUL stripped). Never raises."""
    checked = _check_header(data)
    if isinstance(checked, str):
        return DhipReply(False, error=checked)
    body, notes = checked
    doc = _json_object(body)  # a length field that cuts the JSON short leaves it unreadable (hostile)
    if doc is None:
        return DhipReply(False, anomalies=notes, error="DHIP body is not JSON")
    params = doc.get("params")
    info = params.get("deviceInfo") if isinstance(params, dict) else None
    if not isinstance(info, dict):
        return DhipReply(False, method=str(doc.get("method", ""))[:64], anomalies=notes,
                         error="no params.deviceInfo (a request, not a reply?)")
    head = body.lstrip(_TAIL)[:200].decode("utf-8", "replace")
    return DhipReply(
        True,
        mac=_mac(doc, params, info),
        method=str(doc.get("method", ""))[:64],
        info=_flatten(info),
        style="spaced" if head.startswith("{ ") or '" : ' in head else "compact",
        anomalies=notes,
    )


def observations(reply: DhipReply, source: str) -> list[Observation]:
    out = [Observation(f"dhip.{k}", bounded(v), DHIP_PORT, source) for k, v in reply.info.items() if v != ""]
    if reply.mac:
        out.append(Observation("dhip.mac", reply.mac, DHIP_PORT, source))
    if reply.style:
        out.append(Observation("dhip.style", reply.style, DHIP_PORT, source))
    return out
