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


def test_urgent_requests_keep_their_own_rate_and_the_others_pay_for_them() -> None:
    clock = FakeClock()
    bucket = TokenBucket(100, burst=10, clock=clock)
    assert all(bucket.try_take() == 0 for _ in range(10))  # the shared bucket is empty
    assert bucket.reserve_urgent(5) == 0.0  # a re-ask goes out at once all the same
    assert bucket.try_take() == pytest.approx(0.06)  # and the ordinary traffic pays for it
    assert bucket.reserve_urgent(10) == pytest.approx(0.05)  # urgent traffic keeps to the rate too


def test_async_urgent_take_does_not_wait_behind_ordinary_waiters() -> None:
    async def main() -> tuple[float, float]:
        bucket = TokenBucket(400, burst=10)
        start = time.monotonic()
        ordinary = asyncio.gather(*(bucket.take() for _ in range(210)))
        await asyncio.sleep(0)
        await bucket.take_urgent(2)
        urgent = time.monotonic() - start
        await ordinary
        return urgent, time.monotonic() - start

    urgent, total = asyncio.run(main())
    assert urgent < 0.25 < 0.4 <= total  # the ordinary 200 beyond the burst need 0.5 s at 400/s


def test_onward_requests_go_before_the_ordinary_ones_waiting() -> None:
    """A host's next request (onward) does not wait behind the first requests queued for other hosts."""
    async def main() -> list[str]:
        bucket = TokenBucket(200, burst=1)
        order: list[str] = []

        async def one(name: str, onward: bool) -> None:
            await (bucket.take_onward() if onward else bucket.take())
            order.append(name)

        first = [asyncio.create_task(one(f"new{k}", False)) for k in range(6)]
        await asyncio.sleep(0)  # the six are queued (the first took the one token there was)
        later = asyncio.create_task(one("onward", True))
        await asyncio.gather(*first, later)
        return order

    order = asyncio.run(main())
    assert order.index("onward") <= 2, order  # after at most the one granted and the one being paid
    assert [n for n in order if n != "onward"] == [f"new{k}" for k in range(6)]  # call order kept


def test_a_cancelled_waiter_is_not_charged_and_does_not_block_the_queue() -> None:
    async def main() -> float:
        bucket = TokenBucket(100, burst=1)
        await bucket.take()  # the bucket is empty now
        stuck = asyncio.create_task(bucket.take(50))  # would need half a second
        await asyncio.sleep(0.02)
        stuck.cancel()
        start = time.monotonic()
        await bucket.take()
        return time.monotonic() - start

    assert asyncio.run(main()) < 0.25  # a token is due within 10 ms; 0.5 s if the 50 were still paid
