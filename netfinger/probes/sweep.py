"""TCP connect sweep of off-link targets (ARP cannot see them): a host that accepts or refuses is alive."""

from __future__ import annotations

import asyncio
import resource
import time
from collections.abc import Iterator
from typing import ClassVar

from netfinger.evidence import Observation, Sighting
from netfinger.probes.interface import Completed, Probe, ProbeOutcome, ScanContext, Skipped

SWEEP_PORTS = (80, 554, 8000, 37777, 443)
MAX_SWEEP_TIMEOUT = 0.8


def offlink_targets(ctx: ScanContext) -> Iterator[str]:
    for net in ctx.networks:
        hosts = net.hosts() if net.prefixlen < 31 else iter(net)
        for addr in hosts:
            if not ctx.on_link(addr) and str(addr) not in ctx.local_ips:
                yield str(addr)


async def knock(ip: str, port: int, seconds: float) -> str:
    """'open', 'closed' (refused: the host is there) or '' (no answer)."""
    try:
        async with asyncio.timeout(seconds):
            _, writer = await asyncio.open_connection(ip, port)
    except ConnectionRefusedError:
        return "closed"
    except (TimeoutError, OSError):
        return ""
    writer.close()
    return "open"


def sweep_width(ctx: ScanContext) -> int:
    """Hosts knocked on at once: bounded by open-file limits (one socket per port per host)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    room = max(soft - 256, 64) // len(SWEEP_PORTS)
    return max(1, min(room, ctx.concurrency * 4))


class SweepProbe(Probe):
    name: ClassVar[str] = "sweep"
    finds_hosts: ClassVar[bool] = True
    phase: ClassVar[str] = "discovery"

    async def _knock(self, ctx: ScanContext, ip: str, port: int) -> str:
        await ctx.pace()
        return await knock(ip, port, min(ctx.io_timeout, MAX_SWEEP_TIMEOUT))

    async def _host(self, ctx: ScanContext, ip: str, gate: asyncio.Semaphore) -> int:
        """Knock on every sweep port at once: a dead address costs one timeout, not one per port."""
        async with gate:
            states = await asyncio.gather(*(self._knock(ctx, ip, port) for port in SWEEP_PORTS))
        if not any(states):
            return 0
        obs = tuple(Observation("tcp.open", str(port), port, f"tcp/{port}")
                    for port, state in zip(SWEEP_PORTS, states, strict=True) if state == "open")
        ctx.emit(Sighting(ip=ip, observations=obs, protocol="sweep"))
        return 1

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        started = time.monotonic()
        if all(any(net.subnet_of(link) for link in ctx.onlink) for net in ctx.networks):
            return Skipped(self.name, "every target is on the scan interface's networks (ARP covers them)")
        width = sweep_width(ctx)
        gate = asyncio.Semaphore(width)
        found = 0
        batch: list[asyncio.Task[int]] = []
        for ip in offlink_targets(ctx):
            batch.append(asyncio.create_task(self._host(ctx, ip, gate)))
            if len(batch) >= 4 * width:
                found += sum(await asyncio.gather(*batch))
                batch = []
        found += sum(await asyncio.gather(*batch))
        return Completed(self.name, found, time.monotonic() - started)
