"""HTTP(S) probe: GET / and read-only identification paths on the HTTP ports of live hosts."""

from __future__ import annotations

import asyncio
import time
from typing import ClassVar

from netfinger.evidence import Observation, RawReply, Sighting, bounded
from netfinger.probes.fanout import for_each_host
from netfinger.probes.interface import Completed, Probe, ProbeOutcome, ScanContext
from netfinger.probes.keepalive import KeepAlive
from netfinger.probes.tcpio import TcpResult, read_anomalies
from netfinger.protocols import http, http_ident, tls
from netfinger.protocols.http_observations import identification, landing_page

TLS_PORTS = frozenset({443, 8443})
FAVICON_LIMIT = 64 * 1024
LANES = 2  # keep-alive connections per port for the identification pages


class HttpProbe(Probe):
    name: ClassVar[str] = "http"
    phase: ClassVar[str] = "unicast"

    async def _get(self, ctx: ScanContext, session: KeepAlive, req: tuple[str, str, bytes, str],
                   onward: bool = True) -> TcpResult:
        method, path, body, content_type = req
        host = http.host_header(session.host, session.port)
        await ctx.pace(onward=onward)
        payload = http.build_request(method, host, path, body, content_type, keep_alive=True)
        return await request(session, payload)

    async def _root(self, ctx: ScanContext, ip: str, port: int) -> tuple[TcpResult, KeepAlive]:
        """GET / with TLS on the TLS ports; switch once when the port plainly speaks the other way."""
        session = KeepAlive(ip, port, ctx.io_timeout, tls=port in TLS_PORTS, done=http_done)
        checked = ctx.port_check is not None  # the landing page follows the port's SYN check
        root = await self._get(ctx, session, ("GET", "/", b"", ""), onward=checked)
        if session.tls and not root.connected and "SSL" in root.error:
            tls = False
        elif not session.tls and root.connected and http.wants_tls(root.data):
            tls = True
        else:
            return root, session
        await session.aclose()
        session = KeepAlive(ip, port, ctx.io_timeout, tls=tls, done=http_done)
        return await self._get(ctx, session, ("GET", "/", b"", ""), onward=checked), session

    async def _port(self, ctx: ScanContext, ip: str, port: int) -> int:
        if await ctx.refuses(ip, port):
            return 0
        root, session = await self._root(ctx, ip, port)
        try:
            return await self._identify(ctx, session, root)
        finally:
            await session.aclose()

    async def _identify(self, ctx: ScanContext, session: KeepAlive, root: TcpResult) -> int:
        """The landing page's evidence, then the identification pages' over the same connection."""
        if not root.connected:
            return 0
        ip, port = session.host, session.port
        base = f"{'https' if session.tls else 'http'}://{http.url_host(ip)}:{port}"
        resp = http.parse_response(root.data)
        obs: list[Observation] = []
        raws = [RawReply.capture("http", f"{base}/", root.data)]
        notes = read_anomalies("http", port, root)
        if root.peercert:
            obs += tls_observations(root.peercert, port, base)
        if not resp.valid:  # not HTTP on this port: no point asking for identification pages
            opened = Observation("tcp.open", str(port), port, f"tcp/{port}")
            ctx.emit(Sighting(ip=ip, observations=(*obs, opened), anomalies=tuple(notes),
                              protocol="http" if obs else "tcp"))
            return 0
        obs += landing_page(resp, port, f"{base}/")
        requests = identification_requests()
        for req, result in zip(requests, await self._in_lanes(ctx, session, requests), strict=True):
            path = req[1]
            notes += [n for n in read_anomalies("http", port, result) if n not in notes]
            sub = http.parse_response(result.data)
            if not sub.valid:
                continue
            obs += identification(path, sub, port, f"{base}{path}")
            if sub.status == 200 and path != http_ident.FAVICON:
                raws.append(RawReply.capture("http", bounded(f"{base}{path}", 256), result.data))
        ctx.emit(Sighting(ip=ip, observations=tuple(obs), raw=tuple(raws), anomalies=tuple(notes),
                          protocol="http"))
        return 1

    async def _in_lanes(self, ctx: ScanContext, session: KeepAlive,
                        requests: list[tuple[str, str, bytes, str]]) -> list[TcpResult]:
        """The requests over ``LANES`` keep-alive connections at once (the first one ``session``), in
        turn on each: one connection's round trips one after another were the scan's longest tail."""
        lanes = [session] + [KeepAlive(session.host, session.port, session.seconds, tls=session.tls,
                                       done=http_done) for _ in range(LANES - 1)]

        async def lane(k: int) -> list[TcpResult]:
            return [await self._get(ctx, lanes[k], req) for req in requests[k::LANES]]

        try:
            done = await asyncio.gather(*(lane(k) for k in range(LANES)))
        finally:
            for extra in lanes[1:]:
                await extra.aclose()
        out: list[TcpResult] = [TcpResult(False)] * len(requests)
        for k, results in enumerate(done):
            out[k::LANES] = results
        return out

    async def _host(self, ctx: ScanContext, ip: str) -> int:
        counts = await asyncio.gather(*(self._port(ctx, ip, port) for port in ctx.http_ports))
        return sum(counts)

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        started = time.monotonic()
        count, _ = await for_each_host(ctx, lambda ip: self._host(ctx, ip))
        return Completed(self.name, count, time.monotonic() - started)


async def request(session: KeepAlive, payload: bytes) -> TcpResult:
    """The probe's TCP seam: one request on the port's keep-alive session."""
    return await session.request(payload)


def http_done(data: bytes) -> bool:
    """Stop reading at the end of the response, or as soon as the bytes are plainly not HTTP."""
    return (len(data) >= 5 and not data.startswith(b"HTTP/")) or http.is_complete(data)


def identification_requests() -> list[tuple[str, str, bytes, str]]:
    """(method, path, body, content type) of the read-only identification requests, in order."""
    out = [
        ("GET", http_ident.HIK_LOGIN_PATH, b"", ""),
        ("GET", http_ident.ISAPI_DEVICE_INFO, b"", ""),
        ("POST", http_ident.RPC2_LOGIN, http_ident.build_rpc2_challenge(), "application/json"),
    ]
    out += [("GET", http_ident.magicbox_path(a), b"", "") for a in http_ident.MAGICBOX_ACTIONS]
    out.append(("GET", http_ident.FAVICON, b"", ""))
    return out


def tls_observations(der: bytes, port: int, source: str) -> list[Observation]:
    cert = tls.parse_names(der)
    if not cert.valid:
        return []
    out = [Observation("tls.subject", bounded(cert.subject), port, source),
           Observation("tls.issuer", bounded(cert.issuer), port, source)]
    out += [Observation(f"tls.subject.{k}", bounded(v), port, source) for k, v in cert.subject_attrs.items()]
    out += [Observation(f"tls.issuer.{k}", bounded(v), port, source) for k, v in cert.issuer_attrs.items()]
    return out
