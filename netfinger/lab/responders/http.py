"""HTTP/HTTPS web servers of the emulated devices (``http`` section).

Profile section (usually ``kit: <family>`` plus overrides)::

    http:
      users: {admin: "secret"}          # credentials that pass ``auth: true`` routes (Digest or Basic)
      ports:
        80:
          version: HTTP/1.1             # status-line version unless a reply sets its own
          tls: {subject: {CN: ..., O: ...}, issuer: {...}}     # optional: serve HTTPS
          routes:
            "GET /": {status: 200, headers: [...], body: "..."}
            "GET /doc/*": {...}          # trailing * = prefix; "* /x" = any method
            "GET /ISAPI/System/deviceInfo": {auth: true, status: 200, ...}
          unauthorized: {status: 401, headers: [[WWW-Authenticate, 'Digest realm="..."']]}
          default: {status: 404, ...}

Routes match on the path (query ignored) unless the key holds a ``?``, then on the whole target.
HEAD is answered from the GET route without a body. ``POST <onvif path>`` goes to the onvif section
(see ``onvif.py``) and ``GET <ssdp description path>`` on the SSDP LOCATION port to the ssdp section.
"""

from __future__ import annotations

import asyncio
from typing import Any

from netfinger.lab.responders import kits, onvif, replies, schema, ssdp, tls
from netfinger.lab.responders.base import Device, ProfileError, Responder, TcpEndpoint
from netfinger.lab.responders.streams import read_request, send
from netfinger.lab.responders.templating import render, time_vars
from netfinger.lab.wire import digest
from netfinger.lab.wire.textmsg import Request

PORT_KEYS = {"version", "tls", "routes", "unauthorized", "default"}
ROUTE_EXTRA = {"auth"}
MAX_REQUESTS = 32
VERSIONS = ("HTTP/1.0", "HTTP/1.1")
NOT_FOUND = {"status": 404, "reason": "Not Found", "headers": [["Content-Length", "{length}"]], "body": ""}
BAD_REQUEST = {"status": 400, "reason": "Bad Request", "headers": [["Connection", "close"]]}


def section(device: Device) -> dict[str, Any]:
    return kits.resolve("http", device.sections.get("http", {}))


def ports(sec: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {int(p): spec for p, spec in (sec.get("ports") or {}).items()}


def find_route(routes: dict[str, Any], method: str, target: str) -> dict[str, Any] | None:
    """The route for ``method target``: exact, then any-method, then the longest matching prefix."""
    path = target.split("?", 1)[0]
    methods = (method, "GET") if method == "HEAD" else (method,)
    for m in (*methods, "*"):
        for key in (f"{m} {target}", f"{m} {path}"):
            if key in routes:
                return dict(routes[key])
    best: tuple[int, dict[str, Any]] | None = None
    for key, spec in routes.items():
        m, _, pat = key.partition(" ")
        hit = pat.endswith("*") and m in (*methods, "*") and path.startswith(pat[:-1])
        if hit and (best is None or len(pat) > best[0]):
            best = (len(pat), dict(spec))
    return best[1] if best else None


class HttpResponder(Responder):
    name = "http"

    def validate(self, section: Any, where: str) -> None:
        sec = kits.resolve("http", section, where)
        schema.only_keys(sec, {"kit", "users", "ports"}, where)
        schema.mapping(sec.get("users", {}), f"{where}.users")
        port_map = schema.mapping(sec.get("ports"), f"{where}.ports")
        if not port_map:
            raise ProfileError(f"{where}.ports: at least one port")
        for p, raw in port_map.items():
            pw = f"{where}.ports.{p}"
            schema.port(int(p) if str(p).isdigit() else p, pw)
            spec = schema.mapping(raw, pw)
            schema.only_keys(spec, PORT_KEYS, pw)
            if spec.get("tls") is not None:
                t = schema.mapping(spec["tls"], f"{pw}.tls")
                schema.only_keys(t, {"subject", "issuer"}, f"{pw}.tls")
                tls.check_name(t.get("subject"), f"{pw}.tls.subject")
                tls.check_name(t.get("issuer", t.get("subject")), f"{pw}.tls.issuer")
            for key in ("unauthorized", "default"):
                if key in spec:
                    replies.validate_reply(spec[key], f"{pw}.{key}")
            for key, route in schema.mapping(spec.get("routes", {}), f"{pw}.routes").items():
                method, _, path = str(key).partition(" ")
                if not method or not path.startswith("/"):
                    raise ProfileError(f"{pw}.routes.{key}: the key is '<METHOD> /path'")
                replies.validate_reply(route, f"{pw}.routes.{key}", ROUTE_EXTRA)

    def tcp_endpoints(self, device: Device) -> list[TcpEndpoint]:
        out = []
        for p, spec in sorted(ports(section(device)).items()):
            ctx = None
            if spec.get("tls"):
                subject = tls.check_name(spec["tls"]["subject"], "tls.subject")
                issuer = tls.check_name(spec["tls"].get("issuer", spec["tls"]["subject"]), "tls.issuer")
                ctx = tls.server_context(subject, issuer)
            out.append(TcpEndpoint(port=p, tls=ctx))
        return out

    async def on_connection(
        self, device: Device, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int
    ) -> None:
        spec = ports(section(device)).get(port)
        if spec is None:
            return
        for _ in range(MAX_REQUESTS):
            req = await read_request(reader)
            if req is None:
                return
            data, keep = respond(device, spec, req, port)
            if not await send(writer, data) or not keep:
                return


def respond(device: Device, port_spec: dict[str, Any], req: Request, port: int) -> tuple[bytes, bool]:
    """Reply bytes for one request and whether the connection may stay open."""
    head_only = req.method == "HEAD"
    req_version = req.version if req.version in VERSIONS else "HTTP/1.1"
    extra = dict(digest.nonce_vars(), **time_vars(), req_version=req_version)
    version = render(device, port_spec.get("version", "HTTP/1.1"), extra)
    if onvif.serves(device, req):
        return onvif.answer(device, req, version, head_only), False
    desc = ssdp.description_reply(device, req, port, version)
    if desc is not None:
        return desc, False
    route = find_route(port_spec.get("routes") or {}, req.method, req.target)
    if route is None:
        spec = port_spec.get("default", NOT_FOUND)
    elif route.pop("auth", False) and not digest.verify(
        req.method, req.header("Authorization"), section(device).get("users", {})
    ):
        spec = port_spec.get("unauthorized", BAD_REQUEST)
    else:
        spec = route
    data = replies.build(device, spec, version=version, extra=extra, head_only=head_only)
    keep = (
        req.version == "HTTP/1.1"
        and (req.header("Connection") or "").lower() != "close"
        and replies.keeps_alive(spec)
    )
    return data, keep
