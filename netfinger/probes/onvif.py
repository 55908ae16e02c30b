"""ONVIF device-service probe: unauthenticated GetSystemDateAndTime / GetDeviceInformation on the XAddr,
and GetDeviceInformation with user-supplied credentials only."""

from __future__ import annotations

import asyncio
import time
from typing import ClassVar
from urllib.parse import urlsplit

from netfinger.evidence import Observation, RawReply, Sighting, bounded
from netfinger.probes.fanout import for_each_host
from netfinger.probes.interface import Completed, Probe, ProbeOutcome, ScanContext
from netfinger.probes.keepalive import KeepAlive
from netfinger.probes.onvif_auth import device_information
from netfinger.probes.tcpio import TcpResult
from netfinger.protocols import http, onvif

MAX_ONVIF_BYTES = 64 * 1024
XADDR_POLL = 0.1


def xaddr_targets(ctx: ScanContext, ip: str) -> list[tuple[str, int, str]]:
    """(host, port, path) of the host's own http XAddrs; XAddrs naming any other address are ignored."""
    if ip in ctx.live_v6:  # IPv6 link-local: its XAddrs name its IPv4 address; the usual path
        return [(ip, 80, "/onvif/device_service")]
    out = []
    for url in ctx.lookup(ip, "wsd.xaddrs"):
        try:
            parts = urlsplit(url)
            port = parts.port or 80
        except ValueError:
            continue
        if parts.scheme == "http" and parts.hostname == ip and ctx.in_targets(ip):
            out.append((ip, port, parts.path or "/onvif/device_service"))
    return out[:2]


class Ticks:
    """One wake-up every ``XADDR_POLL`` seconds (or at the end of discovery) shared by every host still
    waiting for its XAddrs: a poll of its own per host cost ~30 us each, seconds of CPU over a /16's
    two-minute sweep with 250 hosts waiting."""

    def __init__(self, ctx: ScanContext) -> None:
        self._ctx = ctx
        self._next: asyncio.Future[None] | None = None

    def _arm(self) -> asyncio.Future[None]:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()

        def wake(_: object = None) -> None:
            if not fut.done():
                fut.set_result(None)

        timer = loop.call_later(XADDR_POLL, wake)
        fut.add_done_callback(lambda _: timer.cancel())
        if self._ctx.discovery_done is not None:
            ended = asyncio.ensure_future(self._ctx.discovery_done.wait())
            ended.add_done_callback(wake)
            fut.add_done_callback(lambda _: ended.cancel())
        return fut

    async def wait(self) -> None:
        if self._next is None or self._next.done():
            self._next = self._arm()
        await asyncio.shield(self._next)  # a host cancelled while waiting must not cancel the others


class OnvifProbe(Probe):
    name: ClassVar[str] = "onvif"
    phase: ClassVar[str] = "unicast"

    def __init__(self) -> None:
        self._ticks: Ticks | None = None

    async def _post(self, ctx: ScanContext, session: KeepAlive, path: str, body: bytes) -> bytes:
        await ctx.pace(onward=True)  # the host announced this endpoint (WS-Discovery XAddrs)
        req = http.build_request("POST", http.host_header(session.host, session.port), path, body,
                                 onvif.CONTENT_TYPE, keep_alive=True)
        return (await request(session, req)).data

    async def _endpoint(self, ctx: ScanContext, host: str, port: int, path: str,
                        raws: list[RawReply]) -> list[Observation]:
        session = KeepAlive(host, port, ctx.io_timeout, done=http.is_complete, limit=MAX_ONVIF_BYTES)
        try:
            return await self._ask(ctx, session, path, raws)
        finally:
            await session.aclose()

    async def _ask(self, ctx: ScanContext, session: KeepAlive, path: str,
                   raws: list[RawReply]) -> list[Observation]:
        """GetSystemDateAndTime, then GetDeviceInformation (without credentials, and with each given
        set until one answers), over one connection where the device keeps it open."""
        host, port = session.host, session.port
        source = f"http://{http.url_host(host)}:{port}{path}"
        out: list[Observation] = []
        raw = await self._post(ctx, session, path, onvif.build_get_system_date_and_time())
        if raw:
            raws.append(RawReply.capture("onvif", f"{source} GetSystemDateAndTime", raw))
        resp = http.parse_response(raw)
        sdt = onvif.parse_system_date_and_time(resp.body) if resp.valid else None
        if sdt is not None and sdt.valid:
            if sdt.envelope:
                out.append(Observation("onvif.envelope", bounded(sdt.envelope), port, source))
            if "timezone" in sdt.fields:
                out.append(Observation("onvif.timezone", bounded(sdt.fields["timezone"]), port, source))
        raw = await self._post(ctx, session, path, onvif.build_get_device_information())
        if raw:
            raws.append(RawReply.capture("onvif", f"{source} GetDeviceInformation", raw))
        resp = http.parse_response(raw)
        if resp.valid and resp.status == 200:
            info = onvif.parse_device_information(resp.body)
            out += [Observation(f"onvif.{k}", bounded(v), port, source) for k, v in info.fields.items()]
        for value in resp.header_all("WWW-Authenticate")[:http.MAX_CHALLENGES]:
            for _, params in http.challenges(value):
                if params.get("realm"):
                    out.append(Observation("onvif.auth.realm", bounded(params["realm"]), port, source))
                if onvif.nonce_format(params.get("nonce", "")):
                    out.append(Observation("onvif.auth.nonce_format", "onvif-digest", port, source))
        for creds in ctx.credentials:
            fields = await device_information(host, port, creds, ctx.io_timeout * 2)
            if fields:
                out += [Observation(f"onvif.{k}", bounded(v), port, f"{source} (authenticated)")
                        for k, v in fields.items()]
                break
        return out

    async def _wait_for_xaddrs(self, ctx: ScanContext, ip: str) -> list[tuple[str, int, str]]:
        """The host's XAddrs, waiting (until discovery ends) for its WS-Discovery reply if need be."""
        targets = xaddr_targets(ctx, ip)
        while not targets and ctx.discovery_done is not None and not ctx.discovery_done.is_set():
            if self._ticks is None:
                self._ticks = Ticks(ctx)
            await self._ticks.wait()
            targets = xaddr_targets(ctx, ip)
        return targets

    async def _host(self, ctx: ScanContext, ip: str) -> int:
        obs: list[Observation] = []
        raws: list[RawReply] = []
        for host, port, path in await self._wait_for_xaddrs(ctx, ip):
            obs += await self._endpoint(ctx, host, port, path, raws)
            if obs:
                break
        if not obs:
            return 0
        ctx.emit(Sighting(ip=ip, observations=tuple(obs), raw=tuple(raws), protocol="onvif"))
        return 1

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        started = time.monotonic()
        count, _ = await for_each_host(ctx, lambda ip: self._host(ctx, ip))
        return Completed(self.name, count, time.monotonic() - started)


async def request(session: KeepAlive, payload: bytes) -> TcpResult:
    """The probe's TCP seam: one request on the endpoint's keep-alive connection."""
    return await session.request(payload)
