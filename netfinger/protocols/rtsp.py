"""RTSP (TCP 554), client side: OPTIONS / DESCRIBE requests and the markers in their answers."""

from __future__ import annotations

from netfinger.evidence import Observation, bounded
from netfinger.protocols.http import HttpResponse, auth_challenges, head_end, is_complete, parse_response

RTSP_PORT = 554
USER_AGENT = "netfinger/0.1"


def build_request(method: str, url: str, cseq: int) -> bytes:
    lines = [f"{method} {url} RTSP/1.0", f"CSeq: {cseq}", f"User-Agent: {USER_AGENT}"]
    if method == "DESCRIBE":
        lines.append("Accept: application/sdp")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def parse(data: bytes) -> HttpResponse:
    return parse_response(data, "RTSP")


def keeps_alive(data: bytes) -> bool:
    """True when ``data`` is one whole RTSP response after which the connection may carry the next
    request (RTSP/1.0 connections persist unless the server says ``Connection: close``)."""
    if not data.startswith(b"RTSP/1.0") or not is_complete(data):
        return False
    tokens = {t.strip().lower() for t in parse(data[: head_end(data)]).header("Connection").split(",")}
    return "close" not in tokens


def sdp_markers(body: bytes) -> dict[str, str]:
    """session_name (s=), media_header, packetization, appversion from an SDP body."""
    out: dict[str, str] = {}
    for raw in body[:32768].decode("utf-8", "replace").splitlines():
        line = raw.strip()
        if line.startswith("s=") and "session_name" not in out:
            out["session_name"] = line[2:]
        elif line.startswith("a=Media_header:"):
            out.setdefault("media_header", line.split(":", 1)[1])
        elif line.startswith("a=packetization-supported:"):
            out.setdefault("packetization", line.split(":", 1)[1])
        elif line.startswith("a=appversion:"):
            out.setdefault("appversion", line.split(":", 1)[1])
    return out


def observations(resp: HttpResponse, method: str, source: str) -> list[Observation]:
    out: list[Observation] = []

    def add(name: str, value: str) -> None:
        out.append(Observation(name, bounded(value), RTSP_PORT, source))

    if method == "OPTIONS":
        add("rtsp.status", f"{resp.status} {resp.reason}".strip())
    for name, value in resp.headers:
        if name.lower() != "www-authenticate":
            add(f"rtsp.header.{name.lower()}", value)
    for scheme, realm in auth_challenges(resp):
        if scheme:
            add("rtsp.auth.scheme", scheme)
        if realm:
            add("rtsp.auth.realm", realm)
    if "sdp" in resp.header("Content-Type").lower() or resp.body[:64].lstrip().startswith(b"v=0"):
        for key, value in sdp_markers(resp.body).items():
            add(f"rtsp.sdp.{key}", value)
    return out
