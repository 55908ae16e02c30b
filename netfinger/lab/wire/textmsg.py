"""HTTP/RTSP-style text messages on the device side: parse a request head, build a response.

Header names and order are kept exactly as the profile gives them; devices differ in case
(Dahua's ``CONTENT-LENGTH``) and order, and scanners fingerprint both.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_HEAD = 16384
MAX_HEADERS = 64
TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    version: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        low = name.lower()
        for key, val in self.headers:
            if key.lower() == low:
                return val
        return None

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""


def parse_head(head: bytes) -> Request | None:
    """Parse a request line plus headers (without the blank line). None if it is not one."""
    if not head or len(head) > MAX_HEAD:
        return None
    try:
        text = head.decode("latin-1")
    except UnicodeDecodeError:  # latin-1 never fails; kept for clarity of intent
        return None
    lines = text.replace("\r\n", "\n").split("\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[0] or not set(parts[0]) <= TOKEN_CHARS or not parts[1]:
        return None
    method, target, version = parts
    if not version.startswith(("HTTP/", "RTSP/")) or len(lines) - 1 > MAX_HEADERS:
        return None
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or not set(name) <= TOKEN_CHARS:
            return None
        headers.append((name, value.strip()))
    return Request(method=method, target=target, version=version, headers=tuple(headers))


def content_length(req: Request, limit: int) -> int | None:
    """The declared body length, or None when absent, negative, garbled or above ``limit``."""
    raw = req.header("Content-Length")
    if raw is None:
        return 0
    if not raw.isdigit():
        return None
    value = int(raw)
    return value if value <= limit else None


def build_response(
    version: str, status: int, reason: str, headers: list[tuple[str, str]], body: bytes
) -> bytes:
    head = f"{version} {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode("latin-1", "replace") + body
