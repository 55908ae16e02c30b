"""A bounded DER reader for the parts of an X.509 certificate netfinger reports: issuer, subject, validity.

Used when ``cryptography`` refuses a certificate or only warns about it: embedded devices send
certificates with a zero or negative serial number, which cryptography 42+ reads with a deprecation
warning and "will reject in a future release". Pure and never raising: ``parse_tbs`` returns None on
anything it cannot read. Only definite lengths (DER), at most ``MAX_DEPTH`` levels, inside the input.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

SEQUENCE, SET, INTEGER, OID, UTC_TIME, GENERALIZED_TIME = 0x30, 0x31, 0x02, 0x06, 0x17, 0x18
EXPLICIT_0 = 0xA0
# String types of X.520 values and how to decode them (T.61 read as Latin-1, as most readers do).
STRINGS = {0x0C: "utf-8", 0x13: "ascii", 0x16: "ascii", 0x12: "ascii", 0x1A: "ascii", 0x14: "latin-1",
           0x1E: "utf-16-be", 0x1C: "utf-32-be"}
# Short names in RFC 4514 output, as cryptography's ``rfc4514_string`` writes them.
SHORT_NAMES = {"2.5.4.3": "CN", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O", "2.5.4.11": "OU",
               "2.5.4.6": "C", "2.5.4.9": "STREET", "0.9.2342.19200300.100.1.25": "DC",
               "0.9.2342.19200300.100.1.1": "UID"}
MAX_DEPTH = 8


@dataclass(frozen=True)
class Tlv:
    tag: int
    start: int  # where the value starts
    end: int  # where the value ends (exclusive)


@dataclass(frozen=True)
class Tbs:
    """What the fallback reads: each Name as (oid, value) pairs per RDN, validity as written."""

    serial: int
    issuer: tuple[tuple[tuple[str, str], ...], ...]
    subject: tuple[tuple[tuple[str, str], ...], ...]
    not_before: str
    not_after: str


def read_tlv(data: bytes, pos: int, end: int) -> Tlv | None:
    """The TLV at ``pos`` if it fits before ``end`` (single-byte tags, definite lengths only)."""
    if pos + 2 > end:
        return None
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > end:
            return None
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    if pos + length > end:
        return None
    return Tlv(tag, pos, pos + length)


def children(data: bytes, tlv: Tlv) -> list[Tlv] | None:
    out: list[Tlv] = []
    pos = tlv.start
    while pos < tlv.end:
        child = read_tlv(data, pos, tlv.end)
        if child is None:
            return None
        out.append(child)
        pos = child.end
    return out


def decode_oid(raw: bytes) -> str | None:
    if not raw or raw[-1] & 0x80:
        return None
    arcs: list[int] = []
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(a) for a in head + arcs[1:])


def _value(data: bytes, tlv: Tlv) -> str:
    raw = data[tlv.start:tlv.end]
    encoding = STRINGS.get(tlv.tag)
    if encoding is None:
        return "#" + raw.hex()
    return codecs.decode(raw, encoding, "replace")


def read_name(data: bytes, tlv: Tlv) -> tuple[tuple[tuple[str, str], ...], ...] | None:
    """Name ::= SEQUENCE OF RDN; RDN ::= SET OF SEQUENCE { type OID, value ANY }."""
    if tlv.tag != SEQUENCE:
        return None
    rdns: list[tuple[tuple[str, str], ...]] = []
    for rdn in children(data, tlv) or []:
        attrs = children(data, rdn) if rdn.tag == SET else None
        pairs: list[tuple[str, str]] = []
        for attr in attrs or []:
            parts = children(data, attr) if attr.tag == SEQUENCE else None
            if not parts or len(parts) != 2 or parts[0].tag != OID:
                return None
            oid = decode_oid(data[parts[0].start:parts[0].end])
            if oid is None:
                return None
            pairs.append((oid, _value(data, parts[1])))
        rdns.append(tuple(pairs))
    return tuple(rdns)


def parse_tbs(der: bytes) -> Tbs | None:
    """Serial, issuer, validity and subject of a DER certificate, or None."""
    cert = read_tlv(der, 0, len(der))
    top = children(der, cert) if cert and cert.tag == SEQUENCE else None
    tbs = children(der, top[0]) if top and top[0].tag == SEQUENCE else None
    if not tbs:
        return None
    if tbs[0].tag == EXPLICIT_0:
        tbs = tbs[1:]
    if len(tbs) < 5 or tbs[0].tag != INTEGER:
        return None
    serial = int.from_bytes(der[tbs[0].start:tbs[0].end], "big", signed=True)
    issuer, subject = read_name(der, tbs[2]), read_name(der, tbs[4])
    validity = children(der, tbs[3]) if tbs[3].tag == SEQUENCE else None
    if issuer is None or subject is None or not validity or len(validity) != 2:
        return None
    times = [der[t.start:t.end].decode("ascii", "replace") for t in validity
             if t.tag in (UTC_TIME, GENERALIZED_TIME)]
    if len(times) != 2:
        return None
    return Tbs(serial, issuer, subject, times[0], times[1])


def escape_rfc4514(value: str) -> str:
    """RFC 4514 value escaping, the way cryptography writes it."""
    if not value:
        return ""
    if value.startswith("#") and all(c in "0123456789abcdef" for c in value[1:]):
        return value  # an undecodable value, already in RFC 4514's #hex form
    for char in ("\\", '"', "+", ",", ";", "<", ">"):
        value = value.replace(char, "\\" + char)
    value = value.replace("\0", "\\00")
    if value[0] == "#" or (value[0] == " " and len(value) > 1):
        value = "\\" + value
    if value[-1] == " ":
        value = value[:-1] + "\\ "
    return value


def rfc4514(name: tuple[tuple[tuple[str, str], ...], ...]) -> str:
    """The Name as cryptography's ``rfc4514_string`` would write it (RDNs in reverse order)."""
    return ",".join("+".join(f"{SHORT_NAMES.get(oid, oid)}={escape_rfc4514(value)}" for oid, value in rdn)
                    for rdn in reversed(name))
