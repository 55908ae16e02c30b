"""RTSP probe: OPTIONS then DESCRIBE on TCP 554 of live hosts (no credentials)."""

from __future__ import annotations

import time
from typing import ClassVar

from netfinger.evidence import RawReply, Sighting
from netfinger.probes.fanout import for_each_host
from netfinger.probes.interface import Completed, Probe, ProbeOutcome, ScanContext
from netfinger.probes.keepalive import KeepAlive
from netfinger.probes.tcpio import TcpResult, read_anomalies
from netfinger.protocols import http, rtsp

MAX_RTSP_BYTES = 64 * 1024


class RtspProbe(Probe):
    name: ClassVar[str] = "rtsp"
    phase: ClassVar[str] = "unicast"

    async def _host(self, ctx: ScanContext, ip: str) -> int:
        if await ctx.refuses(ip, rtsp.RTSP_PORT):
            return 0
        url = f"rtsp://{http.url_host(ip)}:{rtsp.RTSP_PORT}/"
        obs = []
        raws = []
        notes: list[str] = []
        session = KeepAlive(ip, rtsp.RTSP_PORT, ctx.io_timeout, done=http.is_complete, limit=MAX_RTSP_BYTES,
                            reusable=rtsp.keeps_alive)
        try:
            for cseq, method in enumerate(("OPTIONS", "DESCRIBE"), start=1):
                await ctx.pace(onward=cseq > 1 or ctx.port_check is not None)
                result = await request(session, rtsp.build_request(method, url, cseq))
                if not result.connected:
                    break
                notes += [n for n in read_anomalies("rtsp", rtsp.RTSP_PORT, result) if n not in notes]
                resp = rtsp.parse(result.data)
                if not resp.valid:
                    continue
                obs += rtsp.observations(resp, method, f"{url} {method}")
                raws.append(RawReply.capture("rtsp", f"{url} {method}", result.data))
        finally:
            await session.aclose()
        if not obs:
            if notes:  # an answer was started and never finished: say so even with nothing readable
                ctx.emit(Sighting(ip=ip, anomalies=tuple(notes)))
            return 0
        ctx.emit(Sighting(ip=ip, observations=tuple(obs), raw=tuple(raws), anomalies=tuple(notes),
                          protocol="rtsp"))
        return 1

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        started = time.monotonic()
        count, _ = await for_each_host(ctx, lambda ip: self._host(ctx, ip))
        return Completed(self.name, count, time.monotonic() - started)


async def request(session: KeepAlive, payload: bytes) -> TcpResult:
    """The probe's TCP seam: one request on the host's RTSP connection."""
    return await session.request(payload)
