"""HTTP/1.x, client side and sans-I/O: build requests, parse bounded responses, pull out fingerprint bits."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

MAX_RESPONSE_BYTES = 256 * 1024
MAX_HEADERS = 100
USER_AGENT = "netfinger/0.1 (device inventory)"

# Every repetition below is bounded: an unbounded [^>]* / [^>]+ made a page of repeated '<meta ...'
# or '<title' quadratic (a 64 KiB landing page held the event loop for minutes).
_TITLE_RE = re.compile(rb"<title[^>]{0,256}>(.{0,512}?)</title", re.IGNORECASE | re.DOTALL)
_JS_REDIRECT_RE = re.compile(
    rb"""(?:window\.|document\.|self\.|top\.)?location(?:\.href\s*=|\s*=|\.replace\(|\.assign\()\s*"""
    rb"""["']([^"']{1,512})["']""",
    re.IGNORECASE,
)
_META_TAG_RE = re.compile(rb"<meta\b[^>]{0,1024}>", re.IGNORECASE)
_META_REFRESH_RE = re.compile(rb"""http-equiv=["']?refresh\b""", re.IGNORECASE)
_META_URL_RE = re.compile(rb"""url\s{0,8}=\s{0,8}['"]?([^"'>\s]{1,512})""", re.IGNORECASE)
MAX_META_TAGS = 64
# Parameter names are short; an unbounded \w+ made a long run of letters quadratic (seconds per header).
_AUTH_PARAM_RE = re.compile(r'(\w{1,64})\s*=\s*(?:"([^"]{0,1024})"|([^\s,]{0,1024}))')
MAX_AUTH_CHARS = 4096  # a WWW-Authenticate value is a few hundred characters; the rest is not read


def _is_decimal(text: str) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts '²', which ``int`` refuses)."""
    return 0 < len(text) <= 12 and text.isascii() and text.isdigit()


def url_host(ip: str) -> str:
    """An address as a URL's host: IPv6 in brackets, without its zone (``fe80::1%eth0``)."""
    return f"[{ip.split('%', 1)[0]}]" if ":" in ip else ip


def host_header(ip: str, port: int) -> str:
    """The Host header for an address and port (the port left out when it is 80 or 443)."""
    name = url_host(ip)
    return name if port in (80, 443) else f"{name}:{port}"


def build_request(method: str, host: str, path: str, body: bytes = b"", content_type: str = "",  # noqa: PLR0917
                  keep_alive: bool = False) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}",
        f"User-Agent: {USER_AGENT}",
        "Accept: */*",
        f"Connection: {'keep-alive' if keep_alive else 'close'}",
    ]
    if body or method == "POST":
        lines.append(f"Content-Type: {content_type or 'application/octet-stream'}")
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@dataclass
class HttpResponse:
    valid: bool
    status: int = 0
    reason: str = ""
    version: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)  # (name as sent, value)
    body: bytes = b""
    error: str = ""

    def header(self, name: str) -> str:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return ""

    def header_all(self, name: str) -> list[str]:
        lname = name.lower()
        return [v for k, v in self.headers if k.lower() == lname]


def _dechunk(data: bytes) -> bytes:
    """Join chunks; size lines may end in CRLF or a bare LF, and carry ``;extensions``."""
    out = bytearray()
    pos = 0
    while pos < len(data):
        end = data.find(b"\n", pos)
        if end < 0:
            break
        try:
            size = int(data[pos:end].split(b";", 1)[0].strip() or b"0", 16)
        except ValueError:
            break
        if size <= 0:
            break
        out += data[end + 1:end + 1 + size]
        pos = end + 1 + size
        pos += 2 if data[pos:pos + 2] == b"\r\n" else 1 if data[pos:pos + 1] == b"\n" else 0
    return bytes(out)


def head_end(data: bytes) -> int:
    """Offset just after the blank line ending the head, or -1 when it has not arrived yet."""
    end = data.find(b"\r\n\r\n")
    if end >= 0:
        return end + 4
    end = data.find(b"\n\n")
    return end + 2 if end >= 0 else -1


def parse_response(data: bytes, protocol: str = "HTTP") -> HttpResponse:
    """Parse a complete (or cut) response. ``protocol`` is 'HTTP' or 'RTSP'. Never raises."""
    split = head_end(data)
    head = data[:split] if split >= 0 else data[:16384]
    body = data[split:] if split >= 0 else b""
    lines = head.decode("latin-1").replace("\r\n", "\n").split("\n")
    status_line = lines[0].strip() if lines else ""
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].upper().startswith(protocol + "/") or not _is_decimal(parts[1]):
        return HttpResponse(False, error=f"not an {protocol} response")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line.strip() or len(headers) >= MAX_HEADERS:
            continue
        name, sep, value = line.partition(":")
        if sep and name and name == name.strip() and " " not in name:
            headers.append((name, value.strip()))
    resp = HttpResponse(True, int(parts[1]), parts[2] if len(parts) > 2 else "", parts[0], headers, body)
    if "chunked" in resp.header("Transfer-Encoding").lower():
        resp.body = _dechunk(body)
    return resp


def is_complete(data: bytes) -> bool:
    """True when ``data`` holds the whole response (Content-Length satisfied or chunked end seen)."""
    split = head_end(data)
    if split < 0:
        return False
    is_rtsp = data.startswith(b"RTSP/")
    resp = parse_response(data[:split], "RTSP" if is_rtsp else "HTTP")
    length = resp.header("Content-Length")
    if _is_decimal(length):
        return len(data) - split >= int(length)
    if is_rtsp:
        return True  # an RTSP response without Content-Length has no body
    if "chunked" in resp.header("Transfer-Encoding").lower():
        return data.endswith(b"0\r\n\r\n")
    return resp.status in (204, 304) or 100 <= resp.status < 200


def keeps_alive(data: bytes) -> bool:
    """True when ``data`` is one whole HTTP response after which the connection may carry another
    request: HTTP/1.1 without ``Connection: close``, or HTTP/1.0 with ``Connection: keep-alive``."""
    if not data.startswith(b"HTTP/") or not is_complete(data):
        return False
    resp = parse_response(data[: head_end(data)])
    tokens = {t.strip().lower() for t in resp.header("Connection").split(",")}
    if resp.version == "HTTP/1.1":
        return "close" not in tokens
    return resp.version == "HTTP/1.0" and "keep-alive" in tokens


def title(body: bytes) -> str:
    m = _TITLE_RE.search(body[:65536])
    if not m:
        return ""
    raw = m.group(1).decode("utf-8", "replace")
    return " ".join(html.unescape(raw).split())


def redirect_target(resp: HttpResponse) -> str:
    """Location header, else a script or meta-refresh redirect target in the body."""
    location = resp.header("Location")
    if location:
        return location
    m = _JS_REDIRECT_RE.search(resp.body[:65536])
    if m:
        return m.group(1).decode("utf-8", "replace")
    return meta_refresh(resp.body[:65536])


def meta_refresh(body: bytes) -> str:
    """The target of a ``<meta http-equiv="refresh" content="0; url=...">`` tag, '' when none."""
    for count, tag in enumerate(_META_TAG_RE.finditer(body)):
        if count >= MAX_META_TAGS:
            break
        url = _META_URL_RE.search(tag.group(0))
        if url and _META_REFRESH_RE.search(tag.group(0)):
            return url.group(1).decode("utf-8", "replace")
    return ""


_PARAM_RE = re.compile(r'([\w-]{1,64})\s*=\s*(?:"([^"]{0,1024})"?|([^\s,]{0,1024}))')
# A scheme is a token not followed by '=' (``Digest realm=...``, a bare ``Basic``), unlike a parameter.
_SCHEME_RE = re.compile(r"([A-Za-z][\w-]{0,31})(?:\s+(?=[^\s=])|\s*$)")
MAX_CHALLENGES = 8


def _split_commas(value: str) -> list[str]:
    """``value`` split on commas outside double quotes."""
    items: list[str] = []
    start, quoted = 0, False
    for pos, char in enumerate(value):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append(value[start:pos])
            start = pos + 1
    items.append(value[start:])
    return [item.strip() for item in items if item.strip()]


def challenges(header: str) -> list[tuple[str, dict[str, str]]]:
    """Every challenge in one WWW-Authenticate value: ``[(scheme, {param: value}), ...]``.

    One header may carry several (``Digest realm="a", nonce="b", Basic realm="c"``); parameters
    may come in any order (``qop="auth"`` before ``realm``), quoted or not. Never raises.
    """
    out: list[tuple[str, dict[str, str]]] = []
    for item in _split_commas(header[:MAX_AUTH_CHARS]):
        scheme = _SCHEME_RE.match(item)
        rest = item
        if scheme:
            if len(out) >= MAX_CHALLENGES:
                break
            out.append((scheme.group(1), {}))
            rest = item[scheme.end():]
        param = _PARAM_RE.match(rest)
        if param is not None and out:
            name = param.group(1).lower()
            value = param.group(2) if param.group(2) is not None else param.group(3)
            out[-1][1].setdefault(name, value)
    return out


def parse_auth(header: str) -> tuple[str, str]:
    """(scheme, realm) of the first challenge of one WWW-Authenticate value; ('', '') when empty."""
    found = challenges(header)
    if not found:
        return "", ""
    scheme, params = found[0]
    return scheme, params.get("realm", "")


def auth_challenges(resp: HttpResponse) -> list[tuple[str, str]]:
    """(scheme, realm) of every challenge in every WWW-Authenticate header, in order."""
    out: list[tuple[str, str]] = []
    for value in resp.header_all("WWW-Authenticate")[:MAX_CHALLENGES]:
        out += [(scheme, params.get("realm", "")) for scheme, params in challenges(value)]
    return out[:MAX_CHALLENGES]


def body_text(body: bytes, limit: int = 512) -> str:
    """The first bytes of a body as text (BOM dropped), for ``http.body``."""
    return body[:limit * 2].decode("utf-8", "replace").lstrip("\ufeff")[:limit]


_TLS_HINTS = (b"plain http request was sent to https port", b"speaking plain http to an ssl-enabled",
              b"the client sent an http request to an https server")


def wants_tls(data: bytes) -> bool:
    """True when a plain-text request got a TLS record back, or an HTTP 'use HTTPS on this port' error."""
    if len(data) >= 3 and data[0] in (0x15, 0x16) and data[1] == 0x03:
        return True
    head = data[:4096].lower()
    return head.startswith(b"http/") and any(hint in head for hint in _TLS_HINTS)
