"""Run one coroutine per live target host, as hosts turn up, bounded by ``ctx.concurrency``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from netfinger.probes.interface import ScanContext

POLL = 0.05  # seconds between looks at the live-host set while discovery runs
SWEEP_WAIT = 1.0  # seconds unicast work waits for the ARP sweep to be out (a /24's takes ~0.3 s)


def live_targets(ctx: ScanContext, skip: set[str] | None = None) -> list[str]:
    """Live target hosts in address order (leaving out ``skip``), as strings: IPv4 first, then the
    IPv6 link-local ones (``fe80::…%iface``, only with --ipv6)."""
    hosts = [ip for ip in ctx.live_hosts if ctx.in_targets(ip) and str(ip) not in ctx.local_ips]
    out = [str(ip) for ip in sorted(hosts)] + sorted(ctx.live_v6)
    return [ip for ip in out if ip not in skip] if skip else out


async def live_stream(ctx: ScanContext) -> AsyncIterator[str]:
    """Each live target once, as soon as it is known, until discovery has finished."""
    seen: set[str] = set()
    if ctx.sweep_done is not None:  # a long sweep (a /16) does not hold back the hosts already known
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(SWEEP_WAIT):
                await ctx.sweep_done.wait()
    known = -1  # the live sets only grow: look again only when they did (each look sorts them all)
    while True:
        finished = ctx.discovery_done is None or ctx.discovery_done.is_set()
        size = len(ctx.live_hosts) + len(ctx.live_v6)
        if size != known or finished:
            known = size
            for ip in live_targets(ctx, seen):
                seen.add(ip)
                yield ip
        if finished:
            return
        assert ctx.discovery_done is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ctx.discovery_done.wait(), POLL)


async def for_each_host(ctx: ScanContext, work: Callable[[str], Awaitable[int]]) -> tuple[int, int]:
    """Await ``work(ip)`` for every live target; returns (sightings, hosts whose work failed)."""
    gate = asyncio.Semaphore(max(1, ctx.concurrency))

    async def one(ip: str) -> int:
        async with gate:
            return await work(ip)

    tasks: list[asyncio.Task[int]] = []
    try:
        async for ip in live_stream(ctx):
            tasks.append(asyncio.create_task(one(ip)))
        results = await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for task in tasks:
            task.cancel()
    failed = [r for r in results if isinstance(r, BaseException)]
    for exc in failed:
        if isinstance(exc, asyncio.CancelledError):
            raise exc
    return sum(r for r in results if isinstance(r, int)), len(failed)
