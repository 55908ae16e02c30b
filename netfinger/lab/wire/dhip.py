"""Dahua discovery: DHIP on UDP 37810 and the legacy binary reply on UDP 5050 (protocols.md §4.1, §4.2).

DHIP frames are a 32-byte little-endian header (``20 00 00 00 'DHIP'``, session, request id, body length
twice) and a JSON body. Device replies end with LF NUL, both counted in the length.
"""

from __future__ import annotations

import json
import socket
import struct
from dataclasses import dataclass
from typing import Any

MAGIC = b"DHIP"
HEADER = struct.Struct("<I4sIIIIII")
MAX_REQUEST = 4096
LEGACY_REQUEST_PREFIX = b"\xa3\x01"
LEGACY_FIXED = 0x78


@dataclass(frozen=True)
class Search:
    mac: str  # "" = any device; otherwise the lower-case colon MAC the client asks for


def build_header(body_len: int, session: int = 0, request_id: int = 0) -> bytes:
    return HEADER.pack(0x20, MAGIC, session, request_id, body_len, 0, body_len, 0)


def parse_search(data: bytes) -> Search | None:
    """A discovery request, or None. Devices answer DHDiscover.search and any single non-NUL byte."""
    if len(data) == 1 and data != b"\x00":
        return Search(mac="")
    if len(data) < HEADER.size or len(data) > MAX_REQUEST or data[4:8] != MAGIC:
        return None
    size, _magic, _sess, _req, body_len, _z1, _len2, _z2 = HEADER.unpack_from(data)
    if size != 0x20 or body_len > len(data) - HEADER.size:
        return None
    body = data[HEADER.size : HEADER.size + body_len].rstrip(b"\x00\n\r ")
    try:
        msg = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(msg, dict) or msg.get("method") != "DHDiscover.search":
        return None
    params = msg.get("params")
    mac = params.get("mac", "") if isinstance(params, dict) else ""
    return Search(mac=mac.lower() if isinstance(mac, str) else "")


def spaced_json(value: Any) -> str:
    """Older firmware's JSON: ``{ "k" : v, ... }`` with ``/`` escaped as ``\\/``."""
    if isinstance(value, dict):
        if not value:
            return "{ }"
        items = ", ".join(f"{spaced_json(str(k))} : {spaced_json(v)}" for k, v in value.items())
        return "{ " + items + " }"
    if isinstance(value, list):
        return "[ " + ", ".join(spaced_json(v) for v in value) + " ]" if value else "[ ]"
    return json.dumps(value, ensure_ascii=False).replace("/", "\\/")


def build_notify(mac: str, device_info: dict[str, Any], *, spaced: bool) -> bytes:
    """The ``client.notifyDevInfo`` reply: header + JSON + LF NUL."""
    msg = {"mac": mac, "method": "client.notifyDevInfo", "params": {"deviceInfo": device_info}}
    text = spaced_json(msg) if spaced else json.dumps(msg, separators=(",", ":"), ensure_ascii=False)
    body = text.encode("utf-8") + b"\n\x00"
    return build_header(len(body)) + body


def parse_legacy_request(data: bytes) -> bool:
    """True for the 32-byte ``a3 01`` broadcast search of old DVR/NVR/IPC firmware."""
    return len(data) == 32 and data.startswith(LEGACY_REQUEST_PREFIX)


@dataclass(frozen=True)
class LegacyInfo:
    device_type: str
    ip: str
    netmask: str
    gateway: str
    mac: str
    model: str
    http_port: int
    tcp_port: int
    text: list[tuple[str, str]]  # section 3: Key:Value lines


def build_legacy_reply(info: LegacyInfo) -> bytes:
    """The ``0xb3`` reply: 120-byte fixed part, MAC (+ model) text, then ``Key:Value\\r\\n`` lines."""
    sec2 = (info.mac + info.model).encode("ascii", "replace")[:255]
    sec3 = "".join(f"{k}:{v}\r\n" for k, v in info.text).encode("utf-8")[:65535]
    fixed = bytearray(LEGACY_FIXED)
    fixed[0] = 0xB3
    fixed[2] = len(sec2)
    struct.pack_into("<I", fixed, 0x04, 0x58)
    struct.pack_into("<I", fixed, 0x10, 2)
    struct.pack_into("<H", fixed, 0x14, len(sec3))
    fixed[0x28:0x38] = info.device_type.encode("ascii", "replace")[:16].ljust(16, b"\x00")
    for off, addr in ((0x38, info.ip), (0x3C, info.netmask), (0x40, info.gateway), (0x44, info.gateway)):
        fixed[off : off + 4] = socket.inet_aton(addr)
    struct.pack_into("<HH", fixed, 0x4C, info.http_port, 0)
    struct.pack_into("<H", fixed, 0x50, info.tcp_port)
    return bytes(fixed) + sec2 + sec3
