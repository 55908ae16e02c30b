"""A token bucket shared by every probe: ``--rate`` packets per second, small bursts allowed."""

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
