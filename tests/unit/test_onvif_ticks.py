"""The ONVIF probe's hosts waiting for their XAddrs share one wake-up per poll (issue 16)."""

from __future__ import annotations

import asyncio
import time
from ipaddress import IPv4Network

from netfinger.probes.interface import ScanContext
from netfinger.probes.onvif import XADDR_POLL, Ticks


def _ctx() -> ScanContext:
    return ScanContext(networks=(IPv4Network("10.9.0.0/24"),), emit=lambda s: None)


def test_waiters_share_a_tick_and_wake_when_discovery_ends() -> None:
    async def main() -> tuple[int, float]:
        ctx = _ctx()
        ctx.discovery_done = asyncio.Event()
        ticks = Ticks(ctx)
        woken = 0

        async def host() -> None:
            nonlocal woken
            await ticks.wait()
            woken += 1

        tasks = [asyncio.create_task(host()) for _ in range(200)]
        await asyncio.sleep(0)
        shared = ticks._next
        assert shared is not None and not shared.done()
        started = time.monotonic()
        await asyncio.gather(*tasks)  # every waiter on the same future, woken by its timer
        first = time.monotonic() - started
        late = asyncio.create_task(ticks.wait())
        await asyncio.sleep(0)
        assert ticks._next is not shared
        ctx.discovery_done.set()  # the end of discovery wakes a waiter before its tick is due
        started = time.monotonic()
        await late
        assert time.monotonic() - started < 30 * XADDR_POLL
        return woken, first

    woken, first = asyncio.run(main())
    assert woken == 200 and first < 50 * XADDR_POLL


def test_a_cancelled_waiter_does_not_cancel_the_others() -> None:
    async def main() -> bool:
        ticks = Ticks(_ctx())
        one = asyncio.create_task(ticks.wait())
        other = asyncio.create_task(ticks.wait())
        await asyncio.sleep(0)
        one.cancel()
        await asyncio.gather(one, return_exceptions=True)
        await other
        return one.cancelled() and other.done() and not other.cancelled()

    assert asyncio.run(main())
