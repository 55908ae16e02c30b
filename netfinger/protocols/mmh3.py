"""MurmurHash3 (x86, 32-bit) and the Shodan-style favicon hash built on it. Pure functions."""

from __future__ import annotations

import base64

_C1 = 0xCC9E2D51
_C2 = 0x1B873593
_MASK = 0xFFFFFFFF


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & _MASK


def _fmix(h: int) -> int:
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    h ^= h >> 16
    return h


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """Unsigned 32-bit MurmurHash3 of ``data``."""
    h = seed & _MASK
    nblocks = len(data) // 4
    for i in range(nblocks):
        k = int.from_bytes(data[i * 4:i * 4 + 4], "little")
        k = _rotl((k * _C1) & _MASK, 15)
        h ^= (k * _C2) & _MASK
        h = (_rotl(h, 13) * 5 + 0xE6546B64) & _MASK
    tail = data[nblocks * 4:]
    if tail:
        k = int.from_bytes(tail, "little")
        k = _rotl((k * _C1) & _MASK, 15)
        h ^= (k * _C2) & _MASK
    h ^= len(data)
    return _fmix(h)


def signed32(value: int) -> int:
    return value - (1 << 32) if value & 0x80000000 else value


def favicon_hash(content: bytes) -> int:
    """Shodan's ``http.favicon.hash``: signed mmh3 of the MIME-style (76-column) base64 of the icon."""
    return signed32(murmur3_32(base64.encodebytes(content)))
