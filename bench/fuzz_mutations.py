"""Mutations of valid captures the way hostile or broken devices bend them, plus plain random bytes.

Every mutator is ``(rng, data, seeds) -> bytes`` and deterministic for a given ``random.Random``.
Inputs stay below ``MAX_INPUT`` bytes (past every parser's own cap, so the caps are exercised).
"""

from __future__ import annotations

import random
import re
import struct
from collections.abc import Callable, Sequence

MAX_INPUT = 400_000
TOKENS = (
    b"A", b"\x00", b"\xff", b"\xc3\x28", b"<a>", b"</a>", b"&lol;", b"&#x1b;", b"\r\n", b"\n", b"{", b"[",
    b'"', b":", b"=", b",", b"%", b"\x1b[31m", "\u202e".encode(), b" ", b"\t",
    b"Content-Length: 99999999999\r\n", b"Transfer-Encoding: chunked\r\n", b"<![CDATA[", b"<?xml ?>",
)  # fmt: skip
DTD = (b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
       b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY x SYSTEM "file:///etc/passwd">]>')
Mutator = Callable[[random.Random, bytes, Sequence[bytes]], bytes]


def truncate(rng: random.Random, data: bytes, _seeds: Sequence[bytes]) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def flip(rng: random.Random, data: bytes, _seeds: Sequence[bytes]) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def insert_repeat(rng: random.Random, data: bytes, _seeds: Sequence[bytes]) -> bytes:
    """A token or a slice of the input repeated up to 100,000 times at a random place."""
    if data and rng.random() < 0.5:
        start = rng.randrange(len(data))
        token = data[start:start + rng.randint(1, 64)]
    else:
        token = rng.choice(TOKENS)
    times = min(rng.choice((2, 10, 1000, 100_000)), MAX_INPUT // max(len(token), 1))
    at = rng.randrange(len(data) + 1)
    return data[:at] + token * times + data[at:]


def wrong_lengths(rng: random.Random, data: bytes, _seeds: Sequence[bytes]) -> bytes:
    """Lie in the length fields: DHIP header words, Content-Length, or any 1/2/4-byte window."""
    lie = rng.choice((0, 1, 31, 32, 255, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, len(data) + 1, len(data) // 2))
    if data[4:8] == b"DHIP" and len(data) >= 32:
        out = bytearray(data)
        struct.pack_into("<I", out, rng.choice((0, 16, 24)), lie & 0xFFFFFFFF)
        return bytes(out)
    if re.search(rb"(?i)content-length", data):
        number = str(lie).encode()
        return re.sub(rb"(?i)(content-length:\s*)\d*", lambda m: m.group(1) + number, data, count=1)
    if len(data) < 4:
        return data + struct.pack("<I", lie & 0xFFFFFFFF)
    out = bytearray(data)
    at, size = rng.randrange(len(data) - 3), rng.choice((1, 2, 4))
    out[at:at + size] = (lie & ((1 << (8 * size)) - 1)).to_bytes(size, rng.choice(("big", "little")))
    return bytes(out)


def splice(rng: random.Random, data: bytes, seeds: Sequence[bytes]) -> bytes:
    other = rng.choice(seeds)
    return data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1):]


def nest(rng: random.Random, data: bytes, _seeds: Sequence[bytes]) -> bytes:
    """Deep nesting (XML elements, JSON arrays/objects) or an entity DTD in front of the document."""
    depth = rng.choice((100, 10_000, 50_000))
    kind = rng.randrange(4)
    if kind == 0:
        return b"<a>" * depth + data + b"</a>" * depth
    if kind == 1:
        return data.replace(b"{", b"[" * depth + b"{", 1)
    if kind == 2:
        return b'{"a":' * depth + data
    head, sep, rest = data.partition(b"?>")
    return head + sep + DTD + rest if sep else DTD + data


def random_bytes(rng: random.Random, _data: bytes, _seeds: Sequence[bytes]) -> bytes:
    return rng.randbytes(rng.choice((0, 1, 4, 32, 33, 512, 4096)))


MUTATORS: tuple[tuple[Mutator, int], ...] = (
    (truncate, 3), (flip, 4), (insert_repeat, 3), (wrong_lengths, 3), (splice, 2), (nest, 1),
    (random_bytes, 2),
)  # fmt: skip


def mutate(rng: random.Random, seeds: Sequence[bytes]) -> bytes:
    """One test input: a seed with one to three mutations stacked, or random bytes."""
    data = rng.choice(seeds)
    mutators, weights = zip(*MUTATORS, strict=True)
    for _ in range(rng.choice((1, 1, 2, 3))):
        data = rng.choices(mutators, weights)[0](rng, data, seeds)[:MAX_INPUT]
    return data
