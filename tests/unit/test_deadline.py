"""``probes/deadline.py``: a deadline found passed only because the loop was held up lets the block
see what completed meanwhile; on time, it times out as ``asyncio.timeout`` does."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from netfinger.probes.deadline import EXTENSIONS, Deadline, deadline


def _held_up(timeout: Callable[[float], AbstractAsyncContextManager[Any]]) -> str:
    """An answer arrives 0.05 s in; the loop is held up from 0.01 s to 0.41 s; the deadline is 0.1 s."""
    async def main() -> str:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[str] = loop.create_future()
        loop.call_later(0.05, answer.set_result, "answer")
        loop.call_later(0.01, time.sleep, 0.4)  # the process not scheduled, or a long callback
        try:
            async with timeout(0.1):
                return await answer
        except TimeoutError:
            return "timed out"

    return asyncio.run(main())


def test_a_held_up_loop_does_not_turn_an_answer_into_a_timeout() -> None:
    assert _held_up(deadline) == "answer"


def test_asyncio_timeout_does_in_the_same_case() -> None:
    """The control: the standard timeout loses the answer (why ``Deadline`` exists)."""
    assert _held_up(asyncio.timeout) == "timed out"


def test_on_time_it_times_out() -> None:
    async def main() -> float:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            async with deadline(0.05):
                await asyncio.sleep(10)
        return time.monotonic() - started

    assert asyncio.run(main()) < 5


def test_extensions_are_bounded() -> None:
    """A loop held up at every turn still ends the block, after at most EXTENSIONS re-arms."""
    async def main() -> int:
        loop = asyncio.get_running_loop()

        def hold() -> None:
            time.sleep(0.15)
            loop.call_soon(hold)

        loop.call_soon(hold)
        block = Deadline(0.05)
        with pytest.raises(TimeoutError):
            async with block:
                await asyncio.sleep(10)
        return block.extensions

    assert asyncio.run(main()) == EXTENSIONS


def test_an_outside_cancel_stays_a_cancel() -> None:
    async def main() -> None:
        async def inner() -> None:
            async with deadline(10):
                await asyncio.sleep(10)

        task = asyncio.create_task(inner())
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
