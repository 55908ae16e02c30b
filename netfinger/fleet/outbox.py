"""The sensor's outbox: every result (and failure report) it produced, in a local SQLite file,
until HQ has it.

A result or failure is written here before the order is acknowledged, so neither a broker outage
nor a restart loses it; the sender thread delivers what is pending whenever the broker answers. A
redelivered order whose uid is already here is not run again: what is stored for it is re-sent.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from netfinger.errors import NetfingerError
from netfinger.fleet.messages import Failure, Result

OUTBOX_FILE = "outbox.sqlite"
_DDL = """
CREATE TABLE IF NOT EXISTS results (
    uid TEXT PRIMARY KEY, site TEXT NOT NULL, sensor TEXT NOT NULL, kind TEXT NOT NULL,
    report TEXT NOT NULL, created REAL NOT NULL, delivered REAL, attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS results_pending ON results (delivered, created);
CREATE TABLE IF NOT EXISTS failures (
    uid TEXT PRIMARY KEY, site TEXT NOT NULL, sensor TEXT NOT NULL, kind TEXT NOT NULL,
    reason TEXT NOT NULL, seconds REAL NOT NULL, created REAL NOT NULL, delivered REAL
);
"""
_TABLES = ("results", "failures")


class Outbox:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = directory / OUTBOX_FILE
        self._lock = threading.Lock()
        if not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        with self._connect() as conn:
            conn.executescript(_DDL)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                conn = sqlite3.connect(self.path, timeout=30)
            except sqlite3.Error as exc:
                raise NetfingerError(f"sensor outbox {self.path}: {exc}") from exc
            try:
                with conn:
                    yield conn
            finally:
                conn.close()

    def put(self, result: Result) -> bool:
        """Keep a result; False when its uid is already here (the first one stands)."""
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO results (uid, site, sensor, kind, report, created)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (result.uid, result.site, result.sensor, result.kind, result.report, time.time()),
            )
            return cur.rowcount == 1

    def get(self, uid: str) -> Result | None:
        with self._connect() as conn:
            row = conn.execute("SELECT uid, site, sensor, kind, report FROM results WHERE uid = ?",
                               (uid,)).fetchone()  # fmt: skip
        return None if row is None else Result(*map(str, row))

    def put_failure(self, failure: Failure) -> bool:
        """Keep a failure report; False when its uid is already here."""
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO failures (uid, site, sensor, kind, reason, seconds, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (failure.uid, failure.site, failure.sensor, failure.kind, failure.reason, failure.seconds,
                 time.time()),
            )
            return cur.rowcount == 1

    def get_failure(self, uid: str) -> Failure | None:
        with self._connect() as conn:
            row = conn.execute("SELECT uid, site, sensor, kind, reason, seconds FROM failures WHERE uid = ?",
                               (uid,)).fetchone()  # fmt: skip
        if row is None:
            return None
        uid, site, sensor, kind, reason, seconds = row
        return Failure(str(uid), str(site), str(sensor), str(kind), str(reason), float(seconds))

    def pending(self, table: str = "results") -> list[str]:
        """Uids not yet delivered (results, or ``failures``), oldest first."""
        assert table in _TABLES
        with self._connect() as conn:
            query = f"SELECT uid FROM {table} WHERE delivered IS NULL ORDER BY created"  # noqa: S608
            rows = conn.execute(query).fetchall()
        return [str(r[0]) for r in rows]

    def mark(self, uid: str, delivered: bool) -> None:
        with self._connect() as conn:
            if delivered:
                conn.execute("UPDATE results SET delivered = ?, attempts = attempts + 1 WHERE uid = ?",
                             (time.time(), uid))  # fmt: skip
            else:
                conn.execute("UPDATE results SET attempts = attempts + 1 WHERE uid = ?", (uid,))

    def mark_failure(self, uid: str) -> None:
        with self._connect() as conn:
            conn.execute("UPDATE failures SET delivered = ? WHERE uid = ?", (time.time(), uid))

    def requeue(self, uid: str) -> None:
        """A redelivered order whose outcome was already sent: send it once more (HQ keeps one)."""
        with self._connect() as conn:
            for table in _TABLES:
                conn.execute(f"UPDATE {table} SET delivered = NULL WHERE uid = ?", (uid,))  # noqa: S608

    def counts(self) -> tuple[int, int]:
        """(all results and failures kept, those pending)."""
        total = pending = 0
        with self._connect() as conn:
            for table in _TABLES:
                kept, waiting = conn.execute(
                    f"SELECT COUNT(*), COUNT(*) - COUNT(delivered) FROM {table}").fetchone()  # noqa: S608
                total, pending = total + int(kept), pending + int(waiting)
        return total, pending
