"""Plain TCP banners: how to show bytes a port sent, and what to send to a silent SDK port."""

from __future__ import annotations

MAX_BANNER = 256
# A few bytes that are not a valid SDK frame; a Hikvision SDK port answers with a 16-byte error frame.
SDK_NUDGE = b"\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
DEFAULT_PORTS = (8000, 37777, 34567, 35000, 9010, 5000, 8443, 23, 21)


def render_banner(data: bytes) -> str:
    """Printable ASCII text when the bytes are text, lower-case hex otherwise (bounded)."""
    chunk = data[:MAX_BANNER]
    if chunk and all(32 <= b < 127 or b in (9, 10, 13) for b in chunk):
        return chunk.decode("ascii").strip()
    return chunk.hex()
