"""Run one coroutine per live target host, bounded by ``ctx.concurrency``; never raises."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from ipaddress import IPv4Address

from netfinger.probes.interface import ScanContext


def live_targets(ctx: ScanContext) -> list[str]:
    hosts = [ip for ip in ctx.live_hosts if ctx.in_targets(ip) and str(ip) not in ctx.local_ips]
    return [str(ip) for ip in sorted(hosts, key=IPv4Address)]


async def for_each_host(ctx: ScanContext, work: Callable[[str], Awaitable[int]]) -> tuple[int, int]:
    """Await ``work(ip)`` for every live target; returns (sightings, hosts whose work failed)."""
    gate = asyncio.Semaphore(max(1, ctx.concurrency))

    async def one(ip: str) -> int:
        async with gate:
            return await work(ip)

    results = await asyncio.gather(*(one(ip) for ip in live_targets(ctx)), return_exceptions=True)
    failed = [r for r in results if isinstance(r, BaseException)]
    for exc in failed:
        if isinstance(exc, asyncio.CancelledError):
            raise exc
    return sum(r for r in results if isinstance(r, int)), len(failed)
