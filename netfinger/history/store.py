"""The sweep history: one SQLite file, one transaction per sweep (a sweep is recorded whole or not at all).

Table ``sweeps`` holds one row per scan with its counts and the full JSON report; ``sweep_hosts`` holds
one row per host for quick queries (``SELECT ... FROM sweep_hosts WHERE banned``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from netfinger.errors import NetfingerError, UsageError
from netfinger.history.identity import identity_keys
from netfinger.report.load import report_from_json_text
from netfinger.report.model import HostReport, Report

SCHEMA_VERSION = 1
_DDL = """
CREATE TABLE IF NOT EXISTS sweeps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    ended TEXT NOT NULL,
    recorded TEXT NOT NULL,
    targets TEXT NOT NULL,
    hosts INTEGER NOT NULL,
    banned INTEGER NOT NULL,
    vulnerable INTEGER NOT NULL,
    interrupted INTEGER NOT NULL,
    report TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sweep_hosts (
    sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
    identity TEXT NOT NULL,
    ip TEXT, mac TEXT, manufacturer TEXT, brand TEXT, model TEXT, firmware TEXT,
    banned INTEGER NOT NULL,
    vulnerabilities TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sweep_hosts_by_sweep ON sweep_hosts(sweep_id);
CREATE INDEX IF NOT EXISTS sweep_hosts_by_identity ON sweep_hosts(identity);
"""


@dataclass(frozen=True, slots=True)
class SweepRow:
    id: int
    started: str
    ended: str
    recorded: str
    targets: list[str]
    hosts: int
    banned: int
    vulnerable: int
    interrupted: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "start": self.started, "end": self.ended, "recorded": self.recorded,
            "targets": self.targets, "hosts": self.hosts, "banned": self.banned,
            "vulnerable": self.vulnerable, "interrupted": self.interrupted,
        }  # fmt: skip


@contextlib.contextmanager
def open_history(path: Path, create: bool = False) -> Iterator[sqlite3.Connection]:
    """Open (and with ``create`` initialise) the history database; always closes it."""
    if not create and not path.is_file():
        raise UsageError(f"no sweep history at {path}; record one with 'netfinger scan ... --history {path}'")
    try:
        if create and not path.exists():
            # A new history is private: it lists vulnerable devices.
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        conn = sqlite3.connect(path, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise NetfingerError(f"cannot open history {path}: {exc}") from exc
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        _check_version(conn, path, create)
        yield conn
    except sqlite3.DatabaseError as exc:
        raise NetfingerError(
            f"history {path} is unreadable ({exc}); is it a netfinger history file?"
        ) from exc
    finally:
        conn.close()


def _check_version(conn: sqlite3.Connection, path: Path, create: bool) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == 0 and create:
        with conn:
            conn.executescript(_DDL)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    elif version != SCHEMA_VERSION:
        raise UsageError(f"{path} is not a netfinger history (format {version}, expected {SCHEMA_VERSION})")


def host_row(sweep_id: int, identity: str, host: HostReport) -> tuple[object, ...]:
    v = host.verdict
    vulns = json.dumps([f.id for f in v.vulnerabilities])
    return (sweep_id, identity, host.evidence.ip, host.evidence.mac, v.manufacturer, v.brand, v.model,
            v.firmware, int(v.banned), vulns)  # fmt: skip


def record_sweep(path: Path, report: Report) -> int:
    """Store ``report`` as a new sweep in one transaction; return its id."""
    summary = report.summary()
    scan = report.scan
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = json.dumps(report.to_dict(), ensure_ascii=True, separators=(",", ":"))
    with open_history(path, create=True) as conn, conn:
        cur = conn.execute(
            "INSERT INTO sweeps (started, ended, recorded, targets, hosts, banned, vulnerable, interrupted,"
            " report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (scan.start, scan.end, now, json.dumps(scan.targets), summary["hosts"], summary["banned"],
             summary["vulnerable"], int(scan.interrupted), text),
        )  # fmt: skip
        sweep_id = int(cur.lastrowid or 0)
        keys = identity_keys(report.hosts)
        for key, host in zip(keys, report.hosts, strict=True):
            conn.execute(
                "INSERT INTO sweep_hosts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", host_row(sweep_id, key, host)
            )
    return sweep_id


def list_sweeps(path: Path, limit: int | None = None) -> list[SweepRow]:
    """Sweeps, oldest first (the newest ``limit`` when given)."""
    with open_history(path) as conn:
        rows = conn.execute(
            "SELECT id, started, ended, recorded, targets, hosts, banned, vulnerable, interrupted FROM sweeps"
            " ORDER BY id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        ).fetchall()
    return [
        SweepRow(int(r[0]), str(r[1]), str(r[2]), str(r[3]), [str(t) for t in json.loads(r[4])], int(r[5]),
                 int(r[6]), int(r[7]), bool(r[8]))
        for r in reversed(rows)
    ]  # fmt: skip


def sweep_ids(path: Path) -> list[int]:
    with open_history(path) as conn:
        return [int(r[0]) for r in conn.execute("SELECT id FROM sweeps ORDER BY id")]


def load_sweep(path: Path, sweep_id: int) -> Report:
    with open_history(path) as conn:
        row = conn.execute("SELECT report FROM sweeps WHERE id = ?", (sweep_id,)).fetchone()
    if row is None:
        raise UsageError(f"no sweep {sweep_id} in {path}; 'netfinger history --db {path}' lists them")
    return report_from_json_text(str(row[0]), f"sweep {sweep_id} in {path}")
