"""The sweep history: one store (a SQLite file or a PostgreSQL database), one code path for both.

Each sweep is written in one transaction: its ``sweeps`` row (site, sensor, counts), its
``sweep_reports`` row (the full JSON report) and one ``sweep_hosts`` row per host, together or not
at all. A sweep carries a ``uid``;
writing a uid that is already stored is a no-op that returns the stored id, so a retried write
never duplicates a sweep.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from netfinger.errors import NetfingerError, UsageError
from netfinger.history.database import connect, transaction
from netfinger.history.identity import identity_keys
from netfinger.history.names import DEFAULT_SITE, check_site
from netfinger.history.tables import sweep_hosts, sweep_reports, sweeps
from netfinger.report.load import report_from_stored_json
from netfinger.report.model import HostReport, Report
from netfinger.report.serial import serial_number

Db = str | os.PathLike[str]
_LIST_COLUMNS = (sweeps.c.id, sweeps.c.started, sweeps.c.ended, sweeps.c.recorded, sweeps.c.targets,
                 sweeps.c.hosts, sweeps.c.banned, sweeps.c.vulnerable, sweeps.c.interrupted,
                 sweeps.c.site, sweeps.c.sensor, sweeps.c.uid)  # fmt: skip


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
    site: str = DEFAULT_SITE
    sensor: str = ""
    uid: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "site": self.site, "sensor": self.sensor, "start": self.started,
            "end": self.ended, "recorded": self.recorded, "targets": self.targets, "hosts": self.hosts,
            "banned": self.banned, "vulnerable": self.vulnerable, "interrupted": self.interrupted,
            "uid": self.uid,
        }  # fmt: skip



def sweep_uid(site: str, sensor: str, report_text: str) -> str:
    """The default uid: the same report from the same sensor and site is the same sweep."""
    digest = hashlib.sha256(f"{site}\n{sensor}\n".encode() + report_text.encode()).hexdigest()
    return f"sha256:{digest}"


def host_row(sweep_id: int, site: str, identity: str, host: HostReport) -> dict[str, Any]:
    v = host.verdict
    return {
        "sweep_id": sweep_id, "site": site, "identity": identity, "ip": host.evidence.ip,
        "mac": host.evidence.mac, "serial": serial_number(host), "manufacturer": v.manufacturer,
        "brand": v.brand, "model": v.model, "firmware": v.firmware, "banned": int(v.banned),
        "vulnerabilities": json.dumps([f.id for f in v.vulnerabilities]),
    }  # fmt: skip


def _sweep_values(report: Report, site: str, sensor: str, uid: str) -> dict[str, Any]:
    summary, scan = report.summary(), report.scan
    return {
        "started": scan.start, "ended": scan.end,
        "recorded": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "targets": json.dumps(scan.targets), "hosts": summary["hosts"], "banned": summary["banned"],
        "vulnerable": summary["vulnerable"], "interrupted": int(scan.interrupted),
        "uid": uid, "site": site, "sensor": sensor,
    }  # fmt: skip


def _stored_id(conn: sa.Connection, uid: str) -> int | None:
    found = conn.execute(sa.select(sweeps.c.id).where(sweeps.c.uid == uid)).scalar()
    return None if found is None else int(found)


def _insert(conn: sa.Connection, report: Report, values: dict[str, Any], text: str) -> int:
    key = conn.execute(sweeps.insert().values(**values)).inserted_primary_key
    assert key is not None
    sweep_id = int(key[0])
    conn.execute(sweep_reports.insert().values(sweep_id=sweep_id, report=text))
    keys = identity_keys(report.hosts)
    rows = [host_row(sweep_id, values["site"], k, h) for k, h in zip(keys, report.hosts, strict=True)]
    if rows:
        conn.execute(sweep_hosts.insert(), rows)
    return sweep_id


@dataclass(frozen=True, slots=True)
class Recorded:
    id: int
    created: bool  # False: the uid was already stored, nothing was written


def record_sweep(db: Db, report: Report, site: str = DEFAULT_SITE, sensor: str | None = None,
                 uid: str | None = None) -> int:  # fmt: skip
    """Store ``report`` as a sweep of ``site`` seen by ``sensor`` (default: the scanner's host name)
    in one transaction; return its id. A ``uid`` already stored is not written again: its id is
    returned. ``db`` is a SQLite path or a ``postgresql://`` URL; a missing SQLite file is created."""
    return store_sweep(db, report, site, sensor, uid).id


def store_sweep(db: Db, report: Report, site: str = DEFAULT_SITE, sensor: str | None = None,
                uid: str | None = None) -> Recorded:  # fmt: skip
    """:func:`record_sweep`, saying whether the sweep was new."""
    site = check_site(site)
    sensor = sensor or report.scan.scanner_host or socket.gethostname()
    text = json.dumps(report.to_dict(), ensure_ascii=True, separators=(",", ":"))
    uid = uid or sweep_uid(site, sensor, text)
    engine, loc = connect(db, create=True)
    values = _sweep_values(report, site, sensor, uid)
    try:
        with transaction(engine, write=True) as conn:
            stored = _stored_id(conn, uid)
            if stored is not None:
                return Recorded(stored, False)
            return Recorded(_insert(conn, report, values, text), True)
    except sa.exc.IntegrityError:
        # Another writer stored the same uid between our check and our insert: theirs stands.
        with transaction(engine) as conn:
            stored = _stored_id(conn, uid)
        if stored is None:
            raise
        return Recorded(stored, False)
    except sa.exc.OperationalError as exc:
        raise NetfingerError(f"cannot write to history {loc.label}: {exc.orig}") from exc


def _row(r: Any) -> SweepRow:
    return SweepRow(int(r.id), str(r.started), str(r.ended), str(r.recorded),
                    [str(t) for t in json.loads(r.targets)], int(r.hosts), int(r.banned), int(r.vulnerable),
                    bool(r.interrupted), str(r.site), str(r.sensor), str(r.uid))  # fmt: skip


def list_sweeps(db: Db, limit: int | None = None, site: str | None = None) -> list[SweepRow]:
    """Sweeps, oldest first (the newest ``limit`` when given), of one site or of all."""
    engine, _ = connect(db)
    query = sa.select(*_LIST_COLUMNS).order_by(sweeps.c.id.desc())
    if site is not None:
        query = query.where(sweeps.c.site == site)
    if limit is not None:
        query = query.limit(max(limit, 0))
    with transaction(engine) as conn:
        rows = conn.execute(query).all()
    return [_row(r) for r in reversed(rows)]


def sweep_ids(db: Db, site: str | None = None) -> list[int]:
    engine, _ = connect(db)
    query = sa.select(sweeps.c.id).order_by(sweeps.c.id)
    if site is not None:
        query = query.where(sweeps.c.site == site)
    with transaction(engine) as conn:
        return [int(i) for i in conn.execute(query).scalars()]


def sites(db: Db) -> list[str]:
    """The sites that have sweeps, sorted."""
    engine, _ = connect(db)
    with transaction(engine) as conn:
        return [str(s) for s in conn.execute(sa.select(sweeps.c.site).distinct().order_by(sweeps.c.site))
                .scalars()]  # fmt: skip


def sweep_row(db: Db, sweep_id: int) -> SweepRow | None:
    """One sweep's listing row (no report), or None when there is no such sweep."""
    engine, _ = connect(db)
    with transaction(engine) as conn:
        found = conn.execute(sa.select(*_LIST_COLUMNS).where(sweeps.c.id == sweep_id)).first()
    return None if found is None else _row(found)


def load_sweep(db: Db, sweep_id: int) -> Report:
    engine, loc = connect(db)
    with transaction(engine) as conn:
        query = sa.select(sweep_reports.c.report).where(sweep_reports.c.sweep_id == sweep_id)
        text = conn.execute(query).scalar()
    if text is None:
        hint = f"'netfinger history --db {loc.label}' lists them"
        raise UsageError(f"no sweep {sweep_id} in {loc.label}; {hint}")
    return report_from_stored_json(str(text), f"sweep {sweep_id} in {loc.label}")
