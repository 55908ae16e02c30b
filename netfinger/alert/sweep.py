"""After a sweep is recorded: diff it against the previous sweep, alert, record the outcome.

This is the one entry point the CLI (and later the fleet) calls. It does no argument parsing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from netfinger.alert.deliver import Delivery, RetryPolicy, deliver_all
from netfinger.alert.interface import DEFAULT_TRIGGERS, ChangeSet, SweepInfo, Transport
from netfinger.alert.payload import build_changes
from netfinger.errors import NetfingerError
from netfinger.history.alerts import DeliveryRecord, delivered_targets, record_deliveries
from netfinger.history.diff import diff_reports
from netfinger.history.names import DEFAULT_SITE
from netfinger.history.store import Db, load_sweep, sweep_ids
from netfinger.report.model import Report


@dataclass(frozen=True, slots=True)
class AlertConfig:
    targets: tuple[Transport, ...]
    triggers: tuple[str, ...] = DEFAULT_TRIGGERS
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    site: str = DEFAULT_SITE


@dataclass(frozen=True, slots=True)
class AlertOutcome:
    previous_id: int | None  # None: this is the first sweep, there is nothing to compare with
    changes: ChangeSet | None = None
    deliveries: tuple[Delivery, ...] = ()
    already_sent: tuple[str, ...] = ()  # targets this sweep's alert reached before (recorded again)

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if not d.ok]


def previous_sweep_id(history: Db, sweep_id: int, site: str) -> int | None:
    """The sweep of ``site`` recorded just before ``sweep_id``."""
    earlier = [i for i in sweep_ids(history, site=site) if i < sweep_id]
    return earlier[-1] if earlier else None


def sweep_info(report: Report, sweep_id: int, previous_id: int, previous: Report,
               site: str) -> SweepInfo:  # fmt: skip
    s = report.scan
    return SweepInfo(sweep_id=sweep_id, previous_id=previous_id, site=site, start=s.start, end=s.end,
                     targets=tuple(s.targets), scanner_host=s.scanner_host,
                     signatures=(previous.scan.signatures_version, s.signatures_version))  # fmt: skip


async def alert_sweep(history: Db, sweep_id: int, report: Report, config: AlertConfig) -> AlertOutcome:
    """Send what changed in sweep ``sweep_id`` (already recorded, ``report``) to every target.

    Nothing is sent for a first sweep or when no device fires a selected trigger. Every delivery,
    sent or failed, is recorded in the history. A sweep recorded again (the same uid: a retried
    write) does not alert a target twice; a target it failed to reach is tried again.
    """
    previous_id = previous_sweep_id(history, sweep_id, config.site)
    if previous_id is None:
        return AlertOutcome(previous_id=None)
    try:
        previous = load_sweep(history, previous_id)
    except NetfingerError as exc:  # e.g. a previous report this version cannot read
        failed = [Delivery(t.display, False, 0, f"cannot compare with sweep {previous_id}: {exc}")
                  for t in config.targets]  # fmt: skip
        record_deliveries(history, _records(sweep_id, previous_id, 0, failed, config.site))
        return AlertOutcome(previous_id, None, tuple(failed))
    info = sweep_info(report, sweep_id, previous_id, previous, config.site)
    changes = build_changes(diff_reports(previous, report), info, config.triggers)
    done = delivered_targets(history, sweep_id) if not changes.empty else set()
    targets = [t for t in config.targets if t.display not in done]
    deliveries = await deliver_all(targets, changes, report, config.policy)
    if deliveries:
        records = _records(sweep_id, previous_id, len(changes.hosts), deliveries, config.site)
        record_deliveries(history, records)
    already = tuple(t.display for t in config.targets if t.display in done)
    return AlertOutcome(previous_id, changes, tuple(deliveries), already)


def _records(sweep_id: int, previous_id: int, hosts: int, deliveries: Sequence[Delivery],
             site: str) -> list[DeliveryRecord]:  # fmt: skip
    return [DeliveryRecord(sweep_id, previous_id, d.target, d.ok, d.attempts, hosts, d.error, site)
            for d in deliveries]  # fmt: skip
