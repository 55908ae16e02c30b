"""After a sweep is recorded: diff it against the previous sweep, alert, record the outcome.

This is the one entry point the CLI (and later the fleet) calls. It does no argument parsing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from netfinger.alert.deliver import Delivery, RetryPolicy, deliver_all
from netfinger.alert.interface import DEFAULT_TRIGGERS, ChangeSet, SweepInfo, Transport
from netfinger.alert.payload import build_changes
from netfinger.history.alerts import DeliveryRecord, record_deliveries
from netfinger.history.diff import diff_reports
from netfinger.history.store import load_sweep, sweep_ids
from netfinger.report.model import Report


@dataclass(frozen=True, slots=True)
class AlertConfig:
    targets: tuple[Transport, ...]
    triggers: tuple[str, ...] = DEFAULT_TRIGGERS
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    site: str | None = None


@dataclass(frozen=True, slots=True)
class AlertOutcome:
    previous_id: int | None  # None: this is the first sweep, there is nothing to compare with
    changes: ChangeSet | None = None
    deliveries: tuple[Delivery, ...] = ()

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if not d.ok]


def previous_sweep_id(history: Path, sweep_id: int) -> int | None:
    """The sweep recorded just before ``sweep_id`` (of the same site, once sweeps carry one)."""
    earlier = [i for i in sweep_ids(history) if i < sweep_id]
    return earlier[-1] if earlier else None


def sweep_info(report: Report, sweep_id: int, previous_id: int, previous: Report,
               site: str | None) -> SweepInfo:  # fmt: skip
    s = report.scan
    return SweepInfo(sweep_id=sweep_id, previous_id=previous_id, site=site, start=s.start, end=s.end,
                     targets=tuple(s.targets), scanner_host=s.scanner_host,
                     signatures=(previous.scan.signatures_version, s.signatures_version))  # fmt: skip


async def alert_sweep(history: Path, sweep_id: int, report: Report, config: AlertConfig) -> AlertOutcome:
    """Send what changed in sweep ``sweep_id`` (already recorded, ``report``) to every target.

    Nothing is sent for a first sweep or when no device fires a selected trigger. Every delivery,
    sent or failed, is recorded in the history.
    """
    previous_id = previous_sweep_id(history, sweep_id)
    if previous_id is None:
        return AlertOutcome(previous_id=None)
    previous = load_sweep(history, previous_id)
    info = sweep_info(report, sweep_id, previous_id, previous, config.site)
    changes = build_changes(diff_reports(previous, report), info, config.triggers)
    deliveries = await deliver_all(config.targets, changes, report, config.policy)
    if deliveries:
        record_deliveries(history, _records(sweep_id, previous_id, len(changes.hosts), deliveries))
    return AlertOutcome(previous_id, changes, tuple(deliveries))


def _records(sweep_id: int, previous_id: int, hosts: int,
             deliveries: Sequence[Delivery]) -> list[DeliveryRecord]:  # fmt: skip
    return [DeliveryRecord(sweep_id, previous_id, d.target, d.ok, d.attempts, hosts, d.error)
            for d in deliveries]  # fmt: skip
