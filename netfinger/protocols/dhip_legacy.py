"""Dahua legacy discovery (UDP 5050), client side: parse the binary ``0xb3`` reply.

Layout: a 120-byte fixed section (32-byte header with magic 0xb3, section-2 length at byte 2 and
section-3 length as u16 LE at 0x14; device type string at 0x28 (16 bytes); IPv4 address, mask,
gateway and DNS at 0x38..0x47), then section 2 (MAC as text, optionally followed by a model name)
and section 3 (``Key:Value`` lines, CRLF separated).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

from netfinger.evidence import Observation, bounded, normalise_mac
from netfinger.protocols.dhip import LEGACY_PORT

REPLY_MAGIC = 0xB3
FIXED_LEN = 0x78
_KEY_RE = re.compile(r"^[A-Za-z][\w-]{0,31}$")


@dataclass
class LegacyReply:
    valid: bool
    fields: dict[str, str] = field(default_factory=dict)
    mac: str | None = None
    anomalies: list[str] = field(default_factory=list)
    error: str = ""


def _cstr(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("utf-8", "replace").strip()


def _quad(raw: bytes) -> str:
    return ".".join(str(b) for b in raw)


def _section3(raw: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in raw.decode("utf-8", "replace").replace("\x00", "").splitlines()[:64]:
        key, sep, value = line.partition(":")
        if sep and _KEY_RE.match(key.strip()):
            out.setdefault(key.strip(), value.strip())
    return out


def parse_reply(data: bytes) -> LegacyReply:
    """Parse a legacy discovery reply. Never raises."""
    if len(data) < FIXED_LEN or data[0] != REPLY_MAGIC:
        return LegacyReply(False, error="not a legacy Dahua discovery reply")
    sec2_len = data[2]
    sec3_len = struct.unpack_from("<H", data, 0x14)[0]
    notes = []
    if FIXED_LEN + sec2_len + sec3_len != len(data):
        notes.append(
            f"dhip.legacy: section lengths {sec2_len}+{sec3_len} do not add up to the datagram "
            f"({len(data) - FIXED_LEN} bytes after the fixed part)"
        )
    fields = {
        "device_type": _cstr(data[0x28:0x38]),
        "ipv4": _quad(data[0x38:0x3C]),
        "netmask": _quad(data[0x3C:0x40]),
        "gateway": _quad(data[0x40:0x44]),
    }
    sec2 = data[FIXED_LEN:FIXED_LEN + sec2_len].decode("utf-8", "replace")
    mac = normalise_mac(sec2[:17]) if len(sec2) >= 17 else None
    if mac:
        fields["mac"] = mac
        model = _cstr(sec2[17:].lstrip(" \x00,;").encode())  # after the MAC, NUL-separated or not
        if model:
            fields["model"] = model
    start3 = FIXED_LEN + sec2_len
    fields.update(_section3(data[start3:start3 + sec3_len]))
    return LegacyReply(True, {k: v for k, v in fields.items() if v}, mac, notes)


def observations(reply: LegacyReply, source: str) -> list[Observation]:
    return [
        Observation(f"dhip.legacy.{k}", bounded(v), LEGACY_PORT, source) for k, v in reply.fields.items()
    ]
