"""Delivery: every destination at once, each with bounded retries and exponential back-off.

An attempt that fails with a retryable error is tried again after ``backoff``, ``2 x backoff``, ...
(at most ``max_backoff``), up to ``attempts`` tries in all; a permanent error (HTTP 4xx, SMTP 5xx,
a bad configuration) stops at once. Each attempt is bounded by ``timeout``. Nothing is raised: the
outcome of every destination comes back as a :class:`Delivery`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from netfinger.alert.interface import ChangeSet, DeliveryError, Transport
from netfinger.report.model import Report

DEFAULT_ATTEMPTS = 4
DEFAULT_BACKOFF = 2.0
DEFAULT_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = DEFAULT_ATTEMPTS
    backoff: float = DEFAULT_BACKOFF  # seconds before the first retry; doubles each time
    max_backoff: float = 60.0
    timeout: float = DEFAULT_TIMEOUT  # per attempt

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        return float(min(self.max_backoff, self.backoff * 2 ** (retry - 1)))


@dataclass(frozen=True, slots=True)
class Delivery:
    target: str  # the URL as typed: placeholders unexpanded
    ok: bool
    attempts: int
    error: str = ""  # the last attempt's error when not ok


async def _attempt(target: Transport, changes: ChangeSet, report: Report, policy: RetryPolicy) -> None:
    # The transport bounds its own I/O by policy.timeout; this outer bound only catches a transport
    # that does not (a blocking mail library stuck in a thread cannot be cancelled, only abandoned).
    try:
        async with asyncio.timeout(policy.timeout * 2 + 5):
            await target.send(changes, report, policy.timeout)
    except TimeoutError as exc:
        raise DeliveryError(f"no answer within {policy.timeout * 2 + 5:.0f} s") from exc


async def deliver_one(target: Transport, changes: ChangeSet, report: Report, policy: RetryPolicy) -> Delivery:
    error = ""
    for attempt in range(1, max(1, policy.attempts) + 1):
        if attempt > 1:
            await asyncio.sleep(policy.delay(attempt - 1))
        try:
            await _attempt(target, changes, report, policy)
        except DeliveryError as exc:
            error = str(exc)
            if exc.permanent:
                return Delivery(target.display, False, attempt, error)
            continue
        except Exception as exc:  # a transport bug must still be reported and recorded, not lost
            return Delivery(target.display, False, attempt, f"internal error: {type(exc).__name__}: {exc}")
        return Delivery(target.display, True, attempt)
    return Delivery(target.display, False, max(1, policy.attempts), error)


async def deliver_all(targets: Sequence[Transport], changes: ChangeSet, report: Report,
                      policy: RetryPolicy) -> list[Delivery]:  # fmt: skip
    """Send ``changes`` to every target concurrently; one Delivery per target, in order. Sends
    nothing when the change set is empty."""
    if changes.empty:
        return []
    return list(await asyncio.gather(*(deliver_one(t, changes, report, policy) for t in targets)))
