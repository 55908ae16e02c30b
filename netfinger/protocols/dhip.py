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


def _check_header(data: bytes) -> tuple[bytes, list[str]] | str:
    if len(data) < HEADER_LEN or data[4:8] != MAGIC:
        return "not a DHIP datagram"
    hlen, _, _, _, len1, _, len2, _ = struct.unpack_from("<I4sIIIIII", data)
    notes: list[str] = []
    if hlen != HEADER_LEN:
        notes.append(f"dhip: header size field {hlen} != 32")
    available = len(data) - HEADER_LEN
    if len1 != len2:
        notes.append(f"dhip: body length fields disagree ({len1} vs {len2})")
    if len1 != available:
        notes.append(f"dhip: body length field {len1} but datagram carries {available} bytes")
    return data[HEADER_LEN:HEADER_LEN + min(len1, available)], notes


def parse_reply(data: bytes) -> DhipReply:
    """Parse a DHIP reply (header + JSON, trailing LF/NUL stripped). Never raises."""
    checked = _check_header(data)
    if isinstance(checked, str):
        return DhipReply(False, error=checked)
    body, notes = checked
    text = body.rstrip(b"\x00\r\n ").decode("utf-8", "replace")
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return DhipReply(False, anomalies=notes, error="DHIP body is not JSON")
    if not isinstance(doc, dict):
        return DhipReply(False, anomalies=notes, error="DHIP body is not a JSON object")
    params = doc.get("params")
    info = params.get("deviceInfo") if isinstance(params, dict) else None
    if not isinstance(info, dict):
        return DhipReply(False, method=str(doc.get("method", ""))[:64], anomalies=notes,
                         error="no params.deviceInfo (a request, not a reply?)")
    mac_raw = doc.get("mac")
    return DhipReply(
        True,
        mac=normalise_mac(mac_raw) if isinstance(mac_raw, str) else None,
        method=str(doc.get("method", ""))[:64],
        info=_flatten(info),
        style="spaced" if text.startswith("{ ") or '" : ' in text[:200] else "compact",
        anomalies=notes,
    )


def observations(reply: DhipReply, source: str) -> list[Observation]:
    out = [Observation(f"dhip.{k}", bounded(v), DHIP_PORT, source) for k, v in reply.info.items() if v != ""]
    if reply.mac:
        out.append(Observation("dhip.mac", reply.mac, DHIP_PORT, source))
    if reply.style:
        out.append(Observation("dhip.style", reply.style, DHIP_PORT, source))
    return out
