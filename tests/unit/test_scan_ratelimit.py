from __future__ import annotations

import asyncio
import time

import pytest

from netfinger.scan.ratelimit import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_burst_then_paces() -> None:
    clock = FakeClock()
    bucket = TokenBucket(100, burst=10, clock=clock)
    assert all(bucket.try_take() == 0 for _ in range(10))
    wait = bucket.try_take()
    assert wait == pytest.approx(0.01)
    clock.now += 0.05
    assert sum(1 for _ in range(10) if bucket.try_take() == 0) == 5


def test_bucket_rejects_nonsense_rate() -> None:
    with pytest.raises(ValueError, match="positive"):
        TokenBucket(0)


def test_async_take_holds_the_rate() -> None:
    async def main() -> float:
        bucket = TokenBucket(400, burst=10)
        start = time.monotonic()
        await asyncio.gather(*(bucket.take() for _ in range(210)))
        return time.monotonic() - start

    elapsed = asyncio.run(main())
    assert 0.4 <= elapsed < 2.5  # 200 packets beyond the burst at 400/s is 0.5 s (upper bound 5x)


def test_large_requests_are_paid_in_parts() -> None:
    async def main() -> float:
        bucket = TokenBucket(1000, burst=20)
        start = time.monotonic()
        await bucket.take(220)
        return time.monotonic() - start

    assert 0.15 <= asyncio.run(main()) < 1.0
