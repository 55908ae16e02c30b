"""HTTP/RTSP Digest and Basic authentication, device side: nonces in vendor shapes and verification."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets


def hik_nonce() -> str:
    """Hikvision's nonce: hex of the base64 of ``<hex>:<hex>`` (protocols.md §5.1)."""
    raw = f"{secrets.token_hex(4)}:{secrets.token_hex(4)}".encode()
    return base64.b64encode(raw).hex()


def hex32_nonce() -> str:
    return secrets.token_hex(16)


def onvif_nonce() -> str:
    """Dahua's ONVIF nonce: base64 of ``onvif-digest:<digits>`` (protocols.md §8.2)."""
    digits = str(secrets.randbelow(10**11)).zfill(11)
    return base64.b64encode(f"onvif-digest:{digits}".encode()).decode()


def nonce_vars() -> dict[str, str]:
    """Fresh per-reply values for templates: nonces, Dahua's login ``random`` and session, 40-hex tokens."""
    return {
        "nonce_hik": hik_nonce(),
        "nonce_hex32": hex32_nonce(),
        "nonce_onvif": onvif_nonce(),
        "random7": str(1000000 + secrets.randbelow(9000000)),
        "hex40": secrets.token_hex(20).upper(),
        "session_int": str(100000000 + secrets.randbelow(2000000000)),
    }


def parse_params(text: str) -> dict[str, str]:
    """``k="v", k2=v2`` into a dict; tolerant, bounded by the caller's header size limit."""
    out: dict[str, str] = {}
    rest = text
    while rest:
        key, sep, rest = rest.partition("=")
        if not sep:
            break
        key = key.strip(" ,").lower()
        rest = rest.lstrip()
        if rest.startswith('"'):
            end = rest.find('"', 1)
            if end < 0:
                break
            out[key], rest = rest[1:end], rest[end + 1 :]
        else:
            value, _, rest = rest.partition(",")
            out[key] = value.strip()
    return out


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def verify(method: str, authorization: str | None, users: dict[str, str]) -> bool:
    """True when the Authorization header proves one of ``users`` (Basic or Digest, MD5)."""
    if not authorization or not users:
        return False
    scheme, _, rest = authorization.strip().partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        name, _, password = decoded.partition(":")
        return name in users and hmac.compare_digest(users[name], password)
    if scheme.lower() != "digest":
        return False
    p = parse_params(rest)
    user, realm, nonce, uri = p.get("username"), p.get("realm"), p.get("nonce"), p.get("uri")
    if user is None or user not in users or realm is None or nonce is None or uri is None:
        return False
    ha1 = _md5(f"{user}:{realm}:{users[user]}")
    ha2 = _md5(f"{method}:{uri}")
    if p.get("qop"):
        expected = _md5(f"{ha1}:{nonce}:{p.get('nc', '')}:{p.get('cnonce', '')}:{p['qop']}:{ha2}")
    else:
        expected = _md5(f"{ha1}:{nonce}:{ha2}")
    return hmac.compare_digest(expected, p.get("response", ""))
