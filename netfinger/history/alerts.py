"""Alert deliveries recorded next to the sweeps: one row per destination per alerted sweep.

Table ``alert_deliveries`` (migration 0003) lives in the same store as ``sweeps``. A failed delivery
is never only a message on stderr: ``netfinger history --db DB --alerts`` lists it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from netfinger.errors import NetfingerError
from netfinger.history.database import connect, transaction
from netfinger.history.names import DEFAULT_SITE
from netfinger.history.store import Db
from netfinger.history.tables import alert_deliveries

MAX_ERROR_CHARS = 2000


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    sweep_id: int
    previous_id: int
    target: str  # the URL as typed, placeholders unexpanded: never a secret
    ok: bool
    attempts: int
    hosts: int  # changed hosts the alert carried
    error: str = ""
    site: str = DEFAULT_SITE
    recorded: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "sweep": self.sweep_id, "previous": self.previous_id, "site": self.site,
            "recorded": self.recorded, "target": self.target, "ok": self.ok, "attempts": self.attempts,
            "hosts": self.hosts, "error": self.error,
        }  # fmt: skip


def record_deliveries(db: Db, records: list[DeliveryRecord]) -> None:
    """Store the outcomes in one transaction (the sweeps they name must be in the history)."""
    if not records:
        return
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = [
        {"sweep_id": r.sweep_id, "previous_id": r.previous_id, "site": r.site, "recorded": now,
         "target": r.target, "ok": int(r.ok), "attempts": r.attempts, "hosts": r.hosts,
         "error": r.error[:MAX_ERROR_CHARS]}
        for r in records
    ]  # fmt: skip
    engine, loc = connect(db)
    try:
        with transaction(engine, write=True) as conn:
            conn.execute(alert_deliveries.insert(), rows)
    except sa.exc.SQLAlchemyError as exc:
        raise NetfingerError(f"cannot record alert deliveries in history {loc.label}: {exc}") from exc


def list_deliveries(db: Db, site: str | None = None, failed_only: bool = False) -> list[DeliveryRecord]:
    """Recorded deliveries, oldest first, of one site or of all."""
    t = alert_deliveries
    query = sa.select(t).order_by(t.c.id)
    if site is not None:
        query = query.where(t.c.site == site)
    if failed_only:
        query = query.where(t.c.ok == 0)
    engine, _ = connect(db)
    with transaction(engine) as conn:
        rows = conn.execute(query).all()
    return [
        DeliveryRecord(int(r.sweep_id), int(r.previous_id), str(r.target), bool(r.ok), int(r.attempts),
                       int(r.hosts), str(r.error), str(r.site), str(r.recorded))
        for r in rows
    ]  # fmt: skip


def delivered_targets(db: Db, sweep_id: int) -> set[str]:
    """The targets an alert about ``sweep_id`` already reached (a sweep recorded again, by uid)."""
    t = alert_deliveries
    engine, _ = connect(db)
    with transaction(engine) as conn:
        rows = conn.execute(sa.select(t.c.target).where(t.c.sweep_id == sweep_id, t.c.ok == 1)).scalars()
        return {str(r) for r in rows}
