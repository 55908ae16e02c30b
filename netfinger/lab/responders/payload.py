"""Reply bytes described as small data: text, hex, repeats and concatenations, generated on demand.

Used by the hostile responders (``udp_replay``, ``tcp_replay``) so that a 50 MB body or a datagram
with thousands of elements is a few lines of profile, never a large file. A payload spec is a mapping
with exactly one of these keys::

    text: "HTTP/1.1 200 OK\\r\\n..."         # templated ({ip}, {mac}, vars, captured request values)
    hex: "1b5b33316d"                         # raw bytes (non-UTF-8, NUL, control bytes)
    repeat: {text: "x ", times: 25000}        # a chunk (text or hex) repeated; the chunk is templated once
    parts: [{text: ...}, {hex: ...}, ...]     # concatenation of payload specs, in order

``size`` computes the length without building the bytes; ``chunks`` yields the bytes in pieces of at
most ``CHUNK`` bytes, so a repeat of 50 MB is streamed, never held in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from netfinger.lab.responders.base import ProfileError

CHUNK = 64 * 1024
MAX_TIMES = 10**9
MAX_PARTS = 64
KINDS = ("text", "hex", "repeat", "parts")

Render = Callable[[str], str]


def _hex(text: str, where: str) -> bytes:
    try:
        return bytes.fromhex("".join(text.split()))
    except ValueError as exc:
        raise ProfileError(f"{where}: not hex") from exc


def validate(spec: Any, where: str, depth: int = 0) -> None:
    """Raise ProfileError naming ``where`` when ``spec`` is not a payload spec."""
    if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in KINDS:
        raise ProfileError(f"{where}: expected a mapping with exactly one of {', '.join(KINDS)}")
    if depth > 4:
        raise ProfileError(f"{where}: payload specs nest at most 4 deep")
    kind, value = next(iter(spec.items()))
    if kind == "text" and not isinstance(value, str):
        raise ProfileError(f"{where}.text: expected a string")
    if kind == "hex":
        if not isinstance(value, str):
            raise ProfileError(f"{where}.hex: expected a string")
        _hex(value, f"{where}.hex")
    if kind == "repeat":
        _validate_repeat(value, f"{where}.repeat")
    if kind == "parts":
        if not isinstance(value, list) or not 1 <= len(value) <= MAX_PARTS:
            raise ProfileError(f"{where}.parts: expected a list of 1..{MAX_PARTS} payload specs")
        for i, part in enumerate(value):
            validate(part, f"{where}.parts[{i}]", depth + 1)


def _validate_repeat(value: Any, where: str) -> None:
    if not isinstance(value, dict) or set(value) - {"text", "hex", "times"}:
        raise ProfileError(f"{where}: expected {{text or hex, times}}")
    if ("text" in value) == ("hex" in value):
        raise ProfileError(f"{where}: exactly one of text, hex")
    times = value.get("times")
    if isinstance(times, bool) or not isinstance(times, int) or not 0 <= times <= MAX_TIMES:
        raise ProfileError(f"{where}.times: expected an integer in 0..{MAX_TIMES}")
    chunk = value.get("text", value.get("hex"))
    if not isinstance(chunk, str) or not chunk:
        raise ProfileError(f"{where}: the chunk must be a non-empty string")
    if "hex" in value:
        _hex(chunk, f"{where}.hex")


def _chunk(value: dict[str, Any], render: Render) -> bytes:
    if "hex" in value:
        return _hex(str(value["hex"]), "repeat.hex")
    return render(str(value["text"])).encode("utf-8", "surrogateescape")


def size(spec: dict[str, Any], render: Render) -> int:
    """The number of bytes ``chunks`` will yield."""
    kind, value = next(iter(spec.items()))
    if kind == "text":
        return len(render(value).encode("utf-8", "surrogateescape"))
    if kind == "hex":
        return len(_hex(value, "hex"))
    if kind == "repeat":
        return len(_chunk(value, render)) * int(value["times"])
    return sum(size(part, render) for part in value)


def chunks(spec: dict[str, Any], render: Render) -> Iterator[bytes]:
    """The payload's bytes, in pieces of at most ``CHUNK`` bytes (repeats are generated lazily)."""
    kind, value = next(iter(spec.items()))
    if kind in ("text", "hex"):
        data = render(value).encode("utf-8", "surrogateescape") if kind == "text" else _hex(value, "hex")
        for i in range(0, len(data), CHUNK):
            yield data[i:i + CHUNK]
    elif kind == "repeat":
        yield from _repeat(_chunk(value, render), int(value["times"]))
    else:
        for part in value:
            yield from chunks(part, render)


def _repeat(piece: bytes, times: int) -> Iterator[bytes]:
    per_block = max(1, CHUNK // len(piece))
    block = piece * per_block
    full, rest = divmod(times, per_block)
    for _ in range(full):
        yield block
    if rest:
        yield piece * rest


def build(spec: dict[str, Any], render: Render, limit: int) -> bytes:
    """The whole payload, cut at ``limit`` bytes (for datagrams)."""
    out = bytearray()
    for piece in chunks(spec, render):
        out += piece[: limit - len(out)]
        if len(out) >= limit:
            break
    return bytes(out)
