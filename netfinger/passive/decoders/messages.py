"""Split a reassembled HTTP or RTSP byte stream into its messages (heads plus bodies), bounded."""

from __future__ import annotations

from netfinger.protocols import http

MAX_MESSAGES = 32


def _length(head: bytes) -> int | None:
    for line in head.split(b"\n")[1:]:
        name, sep, value = line.partition(b":")
        if sep and name.strip().lower() == b"content-length":
            text = value.strip()
            return int(text) if text.isdigit() and len(text) < 10 else None
    return None


def _chunked(head: bytes) -> bool:
    return b"chunked" in head.lower() and b"transfer-encoding" in head.lower()


def split(data: bytes, *, request: bool) -> list[bytes]:
    """Each message of a stream, in order. A message without a length runs to the end of the stream
    (a response) or has no body (a request); a cut last message is returned as far as it goes."""
    out: list[bytes] = []
    pos = 0
    while pos < len(data) and len(out) < MAX_MESSAGES:
        rest = data[pos:]
        end = http.head_end(rest)
        if end < 0:
            out.append(rest)
            break
        length = _length(rest[:end])
        if length is not None:
            stop = end + length
        elif _chunked(rest[:end]):
            tail = rest.find(b"\r\n0\r\n\r\n", end - 2)
            stop = tail + 7 if tail >= 0 else len(rest)
        else:
            stop = end if request or rest.startswith(b"RTSP/") else len(rest)
        out.append(rest[:stop])
        pos += max(stop, 1)
    return out


def request_line(message: bytes) -> tuple[str, str]:
    """(method, path) of a request message; ('', '') when it is not one."""
    line = message[:2048].split(b"\n", 1)[0].decode("latin-1").strip()
    parts = line.split(" ")
    if len(parts) != 3 or not parts[0].isalpha() or not parts[0].isupper():
        return "", ""
    target = parts[1]
    if "://" in target:  # RTSP and proxy requests carry a full URL
        target = "/" + target.split("://", 1)[1].partition("/")[2]
    return parts[0], target
