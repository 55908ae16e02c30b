"""TCP probe: which vendor service ports are open, and what they say (a short nudge on 8000)."""

from __future__ import annotations

import asyncio
import time
from typing import ClassVar

from netfinger.evidence import Observation, RawReply, Sighting
from netfinger.probes.fanout import for_each_host
from netfinger.probes.interface import Completed, Probe, ProbeOutcome, ScanContext
from netfinger.probes.tcpio import request
from netfinger.protocols import tcp

SDK_PORT = 8000
Found = tuple[Observation, RawReply | None]
BANNER_WAIT = 0.5


class TcpProbe(Probe):
    name: ClassVar[str] = "tcp"
    phase: ClassVar[str] = "unicast"

    async def _port(self, ctx: ScanContext, ip: str, port: int) -> list[Found]:
        """Connect and wait briefly for a banner; the silent SDK port gets a short nudge right away."""
        if await ctx.refuses(ip, port):
            return []
        await ctx.pace(onward=ctx.port_check is not None)
        wait = min(BANNER_WAIT, ctx.io_timeout)
        payload = tcp.SDK_NUDGE if port == SDK_PORT else b""
        result = await request(ip, port, payload, ctx.io_timeout, limit=tcp.MAX_BANNER, read_time=wait)
        if not result.connected:
            return []
        source = f"tcp/{port}" + (f" after {len(payload)}-byte nudge" if payload else "")
        out: list[Found] = [(Observation("tcp.open", str(port), port, f"tcp/{port}"), None)]
        if result.data:
            out.append((Observation("tcp.banner", tcp.render_banner(result.data), port, source),
                        RawReply.capture("tcp", f"{ip}:{port}", result.data)))
        return out

    async def _host(self, ctx: ScanContext, ip: str) -> int:
        found = await asyncio.gather(*(self._port(ctx, ip, port) for port in ctx.tcp_ports))
        pairs = [pair for per_port in found for pair in per_port]
        if not pairs:
            return 0
        ctx.emit(Sighting(
            ip=ip,
            observations=tuple(o for o, _ in pairs),
            raw=tuple(r for _, r in pairs if r is not None),
            protocol="tcp",
        ))
        return 1

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        started = time.monotonic()
        count, _ = await for_each_host(ctx, lambda ip: self._host(ctx, ip))
        return Completed(self.name, count, time.monotonic() - started)
