"""A token bucket shared by every probe: ``--rate`` packets per second, small bursts allowed.

Ordinary requests queue on a lock, in call order. Urgent requests (discovery re-asks and multicast
questions, a few packets each) do not: with a thousand unicast connections queued, a busy loop made the
ARP re-ask wait seconds behind them, and every unicast probe waits for discovery to end. An urgent
request keeps to a schedule of its own at the same rate and burst, and takes its packets out of the
shared bucket (which may go below zero), so the ordinary traffic pays for them and the long-run total
stays at ``rate``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

MAX_BURST = 64.0  # packets sent back to back at most, whatever the rate


class TokenBucket:
    def __init__(self, rate: float, burst: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, min(rate / 20, MAX_BURST))
        self._clock = clock
        self._tokens = self.burst
        self._stamp = clock()
        self._lock = asyncio.Lock()
        self._urgent_due = self._stamp  # when the urgent schedule is next free

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def try_take(self, n: float = 1.0) -> float:
        """Take ``n`` tokens if there are enough and return 0; else return how long to wait."""
        self._refill()
        if self._tokens >= n:
            self._tokens -= n
            return 0.0
        return (n - self._tokens) / self.rate

    def reserve_urgent(self, n: float) -> float:
        """Charge ``n`` urgent packets now; how long to wait before sending them."""
        self._refill()
        self._tokens -= n
        now = self._clock()
        self._urgent_due = max(self._urgent_due, now) + n / self.rate
        return max(0.0, self._urgent_due - self.burst / self.rate - now)

    async def take(self, n: int = 1) -> None:
        """Wait until ``n`` packets may be sent (requests larger than the burst are paid in parts)."""
        remaining = float(n)
        async with self._lock:
            while remaining > 0:
                part = min(remaining, self.burst)
                wait = self.try_take(part)
                if wait > 0:
                    await asyncio.sleep(wait)
                    continue
                remaining -= part

    async def take_urgent(self, n: int = 1) -> None:
        """Like ``take``, without queueing behind the ordinary requests (see the module text)."""
        wait = self.reserve_urgent(float(n))
        if wait > 0:
            await asyncio.sleep(wait)
