"""A token bucket shared by every probe: ``--rate`` packets per second, small bursts allowed.

Ordinary requests queue in call order. Onward requests (the next request of work already begun on a
host: the identification pages after a landing page, DESCRIBE after OPTIONS) queue ahead of them: with
thousands of first requests queued (a port check per host and port), each step of a host's chain
otherwise waited for the whole queue, and the scan's tail was the identification pages.

Urgent requests (discovery re-asks and multicast questions, a few packets each) do not queue at all:
with a thousand unicast connections queued, a busy loop made the ARP re-ask wait seconds behind them,
and every unicast probe waits for discovery to end. An urgent request keeps to a schedule of its own
at the same rate and burst, and takes its packets out of the shared bucket (which may go below zero),
so the ordinary traffic pays for them and the long-run total stays at ``rate``.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

MAX_BURST = 64.0  # packets sent back to back at most, whatever the rate
ONWARD, ORDINARY = 0, 1  # the queues, in the order they are served


@dataclass
class _Waiter:
    left: float  # tokens still to pay
    done: asyncio.Future[None]


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
        self._lanes: tuple[deque[_Waiter], ...] = (deque(), deque())  # ONWARD, ORDINARY
        self._timer: asyncio.TimerHandle | None = None
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
        await self._take(float(n), ORDINARY)

    async def take_onward(self, n: int = 1) -> None:
        """Like ``take``, served before the ordinary requests waiting (see the module text)."""
        await self._take(float(n), ONWARD)

    async def _take(self, n: float, lane: int) -> None:
        if not self._queued():  # nobody waiting: pay what the bucket holds now
            while n > 0:
                part = min(n, self.burst)
                if self.try_take(part) > 0:
                    break
                n -= part
            if n <= 0:
                return
        waiter = _Waiter(n, asyncio.get_running_loop().create_future())
        self._lanes[lane].append(waiter)
        self._serve()
        await waiter.done

    def _queued(self) -> bool:
        return bool(self._lanes[ONWARD] or self._lanes[ORDINARY])

    def _serve(self) -> None:
        """Grant the waiters in lane order while tokens last; else wake up when the next part is due."""
        if self._timer is not None:
            return
        while True:
            head = next((lane for lane in self._lanes if lane), None)
            if head is None:
                return
            waiter = head[0]
            if waiter.done.done():  # cancelled while it waited: charged no further
                head.popleft()
                continue
            part = min(waiter.left, self.burst)
            wait = self.try_take(part)
            if wait > 0:
                self._timer = asyncio.get_running_loop().call_later(wait, self._wake)
                return
            waiter.left -= part
            if waiter.left <= 0:
                head.popleft()
                waiter.done.set_result(None)

    def _wake(self) -> None:
        self._timer = None
        self._serve()

    async def take_urgent(self, n: int = 1) -> None:
        """Like ``take``, without queueing behind the ordinary requests (see the module text)."""
        wait = self.reserve_urgent(float(n))
        if wait > 0:
            await asyncio.sleep(wait)
