"""RTSP servers of the emulated cameras (``rtsp`` section).

Profile section::

    rtsp:
      port: 554
      users: {admin: "secret"}                 # credentials that pass auth (Digest or Basic)
      auth_methods: [DESCRIBE, SETUP, PLAY]    # add OPTIONS for firmware that guards OPTIONS too
      methods:                                 # reply per method (after auth)
        OPTIONS: {status: 200, headers: [[CSeq, "{cseq}"], [Public, "..."], [Date, " {hik_rtsp_date}"]]}
        DESCRIBE: {headers: [...], body: "v=0\r\n..."}
      unauthorized: {status: 401, reason: Unauthorized, headers: [[CSeq, "{cseq}"], [WWW-Authenticate, ...]]}
      default: {status: 405, reason: Method Not Allowed, ...}   # unknown methods and non-RTSP requests

``{cseq}`` echoes the request's CSeq exactly as sent (a header whose whole value is ``{cseq}`` is left
out when the request had none); ``{uri}`` is the request URI.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from netfinger.lab.responders import kits, replies, schema
from netfinger.lab.responders.base import Device, ProfileError, Responder, TcpEndpoint
from netfinger.lab.responders.streams import read_request, send
from netfinger.lab.responders.templating import time_vars
from netfinger.lab.wire import digest
from netfinger.lab.wire.textmsg import Request

KEYS = {"kit", "port", "users", "auth_methods", "methods", "unauthorized", "default"}
MAX_REQUESTS = 32
VERSION = "RTSP/1.0"
FALLBACK = {"status": 405, "reason": "Method Not Allowed", "headers": [["CSeq", "{cseq}"]]}


def section(device: Device) -> dict[str, Any]:
    return kits.resolve("rtsp", device.sections.get("rtsp", {}))


def _safe(value: str | None) -> str | None:
    if value is None:
        return None
    return "".join(ch for ch in value[:64] if ch.isprintable())


def choose(sec: dict[str, Any], req: Request, users: dict[str, str]) -> dict[str, Any]:
    """The reply spec for one request: default, unauthorized or the method's reply."""
    methods = sec.get("methods") or {}
    if not req.version.startswith("RTSP/") or req.method not in methods:
        return dict(sec.get("default", FALLBACK))
    if req.method in sec.get("auth_methods", []) and not digest.verify(
        req.method, req.header("Authorization"), users
    ):
        return dict(sec.get("unauthorized", FALLBACK))
    return dict(methods[req.method])


def respond(device: Device, sec: dict[str, Any], req: Request) -> bytes:
    spec = choose(sec, req, sec.get("users", {}))
    cseq = _safe(req.header("CSeq"))
    if cseq is None:
        spec["headers"] = [h for h in schema.pairs(spec.get("headers"), "h") if h[1] != "{cseq}"]
    extra = dict(
        time_vars(),
        **digest.nonce_vars(),
        cseq=cseq or "",
        uri=_safe(req.target) or "",
        session=str(secrets.randbelow(10**9)),
    )
    return replies.build(device, spec, version=VERSION, extra=extra, head_only=False)


class RtspResponder(Responder):
    name = "rtsp"

    def validate(self, section: Any, where: str) -> None:
        sec = kits.resolve("rtsp", section, where)
        schema.only_keys(sec, KEYS, where)
        schema.port(sec.get("port", 554), f"{where}.port")
        schema.mapping(sec.get("users", {}), f"{where}.users")
        schema.str_list(sec.get("auth_methods", []), f"{where}.auth_methods")
        methods = schema.mapping(sec.get("methods"), f"{where}.methods")
        if not methods:
            raise ProfileError(f"{where}.methods: at least OPTIONS")
        for name, spec in methods.items():
            replies.validate_reply(spec, f"{where}.methods.{name}")
        for key in ("unauthorized", "default"):
            if key in sec:
                replies.validate_reply(sec[key], f"{where}.{key}")

    def tcp_endpoints(self, device: Device) -> list[TcpEndpoint]:
        return [TcpEndpoint(port=int(section(device).get("port", 554)))]

    async def on_connection(
        self, device: Device, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int
    ) -> None:
        sec = section(device)
        for _ in range(MAX_REQUESTS):
            req = await read_request(reader)
            if req is None or not await send(writer, respond(device, sec, req)):
                return
            if not req.version.startswith("RTSP/"):
                return
