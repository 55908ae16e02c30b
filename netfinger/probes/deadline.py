"""Timeouts that a late event loop does not turn into failures.

On a busy machine the scanner's process may not run for a second or more. When it runs again, the
event loop handles the connection that completed meanwhile and the timer that expired meanwhile in
the same turn, and with ``asyncio.timeout`` the timer wins: the task is cancelled before it sees the
connection it already has. Captured in the lab at load 10: every RTSP handshake completed within a
millisecond, yet the probe reported 0 replies, its connects all "timed out" 0.8 s after the deadline.

:class:`Deadline` is ``asyncio.timeout`` with one difference: a timer that fires more than ``LATE``
seconds after its time (the loop was held up, not the peer) is set again, as far ahead as it was late
(at most the original span), up to ``EXTENSIONS`` times; the operation gets the turns it lost. A timer
that fires on time cancels, as ``asyncio.timeout`` does, and the block raises ``TimeoutError``.
"""

from __future__ import annotations

import asyncio
from types import TracebackType

LATE = 0.1  # seconds past its time a timer may fire before the loop counts as held up
EXTENSIONS = 3  # so a block never lasts longer than 4x its span


class Deadline:
    def __init__(self, seconds: float | None = None, *, when: float | None = None) -> None:
        self._seconds = seconds
        self._when_given = when
        self._when = 0.0
        self._span = 0.0
        self._extensions = 0
        self._expired = False
        self._handle: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[object] | None = None
        self._cancelling = 0

    async def __aenter__(self) -> Deadline:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("Deadline must be used inside a task")
        self._task = task
        self._cancelling = task.cancelling()
        now = loop.time()
        self._when = self._when_given if self._when_given is not None else now + (self._seconds or 0.0)
        self._span = max(0.0, self._when - now)
        self._handle = loop.call_at(self._when, self._expire)
        return self

    def _expire(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        late = now - self._when
        if late > LATE and self._extensions < EXTENSIONS:
            self._extensions += 1
            self._when = now + min(late, self._span)
            self._handle = loop.call_at(self._when, self._expire)
            return
        self._expired = True
        if self._task is not None:
            self._task.cancel()

    @property
    def extensions(self) -> int:
        """How often the deadline was set again for a late loop."""
        return self._extensions

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._handle is not None:
            self._handle.cancel()
        if self._expired and exc_type is asyncio.CancelledError and self._task is not None \
                and self._task.uncancel() <= self._cancelling:
            raise TimeoutError from exc


def deadline(seconds: float) -> Deadline:
    """A block that must end within ``seconds`` of loop time the loop was there for (see above)."""
    return Deadline(seconds)


def deadline_at(when: float) -> Deadline:
    """As :func:`deadline`, until loop time ``when``."""
    return Deadline(when=when)
