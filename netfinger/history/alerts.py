"""Alert deliveries recorded next to the sweeps: one row per destination per alerted sweep.

Table ``alert_deliveries`` lives in the history file beside ``sweeps`` and is created on first use,
so histories written before alerts existed keep working (the schema version does not change).
A failed delivery is never only a message on stderr: ``netfinger history --db DB --alerts`` lists it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from netfinger.history.store import open_history

_DDL = """
CREATE TABLE IF NOT EXISTS alert_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
    previous_id INTEGER NOT NULL,
    recorded TEXT NOT NULL,
    target TEXT NOT NULL,
    ok INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    hosts INTEGER NOT NULL,
    error TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_deliveries_by_sweep ON alert_deliveries(sweep_id);
"""


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    sweep_id: int
    previous_id: int
    target: str  # the URL as typed, placeholders unexpanded: never a secret
    ok: bool
    attempts: int
    hosts: int  # changed hosts the alert carried
    error: str = ""
    recorded: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "sweep": self.sweep_id, "previous": self.previous_id, "recorded": self.recorded,
            "target": self.target, "ok": self.ok, "attempts": self.attempts, "hosts": self.hosts,
            "error": self.error,
        }  # fmt: skip


def record_deliveries(path: Path, records: list[DeliveryRecord]) -> None:
    """Store the outcomes in one transaction (the sweeps they name must be in the history)."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open_history(path) as conn, conn:
        conn.executescript(_DDL)
        conn.executemany(
            "INSERT INTO alert_deliveries (sweep_id, previous_id, recorded, target, ok, attempts, hosts,"
            " error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.sweep_id, r.previous_id, now, r.target, int(r.ok), r.attempts, r.hosts, r.error[:2000])
             for r in records],
        )  # fmt: skip


def list_deliveries(path: Path, failed_only: bool = False) -> list[DeliveryRecord]:
    """Recorded deliveries, oldest first."""
    with open_history(path) as conn:
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alert_deliveries'"
        ).fetchone()
        if exists is None:
            return []
        rows = conn.execute(
            "SELECT sweep_id, previous_id, target, ok, attempts, hosts, error, recorded"
            " FROM alert_deliveries WHERE ok = 0 OR ? = 0 ORDER BY id",
            (int(failed_only),),
        ).fetchall()
    return [
        DeliveryRecord(int(r[0]), int(r[1]), str(r[2]), bool(r[3]), int(r[4]), int(r[5]), str(r[6]),
                       str(r[7]))
        for r in rows
    ]  # fmt: skip
