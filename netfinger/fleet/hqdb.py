"""HQ's own tables beside the sweep history: sensors last heard from, rejected results, failed orders.

``fleet_sensors`` (one row per site and sensor: when its last heartbeat was sent and how many
results it still holds), ``fleet_rejects`` (every result refused, with why) and ``fleet_failures``
(every order a sensor reported it could not carry out, with its reason; one row per order uid).
They are created on first use (``create_all``), so a store made before a table existed gains it.
SQLAlchemy Core, so the same code runs on PostgreSQL (the fleet's store) and on a SQLite path (a
one-machine trial).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from netfinger.errors import NetfingerError
from netfinger.fleet.messages import Failure

metadata = sa.MetaData()
sensors = sa.Table(
    "fleet_sensors", metadata,
    sa.Column("site", sa.String(64), primary_key=True),
    sa.Column("sensor", sa.String(128), primary_key=True),
    sa.Column("last_seen", sa.Float, nullable=False),
    sa.Column("pending", sa.Integer, nullable=False, default=0),
)  # fmt: skip
rejects = sa.Table(
    "fleet_rejects", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("queue", sa.String(200), nullable=False),
    sa.Column("claimed_site", sa.String(200), nullable=False),
    sa.Column("sensor", sa.String(200), nullable=False),
    sa.Column("uid", sa.String(200), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False),
)  # fmt: skip
failures = sa.Table(
    "fleet_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),  # when HQ stored it
    sa.Column("site", sa.String(64), nullable=False),
    sa.Column("sensor", sa.String(128), nullable=False),
    sa.Column("uid", sa.String(128), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("seconds", sa.Float, nullable=False),
    sa.Index("fleet_failures_by_uid", "uid", unique=True),
    sa.Index("fleet_failures_by_site", "site", "id"),
)  # fmt: skip
_engines: dict[str, Engine] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class FailureRow:
    at: float
    site: str
    sensor: str
    uid: str
    kind: str
    reason: str
    seconds: float

    def to_dict(self) -> dict[str, object]:
        return {"at": self.at, "sensor": self.sensor, "uid": self.uid, "kind": self.kind,
                "reason": self.reason, "seconds": self.seconds}  # fmt: skip


@dataclass(frozen=True)
class SensorRow:
    site: str
    sensor: str
    last_seen: float
    pending: int


def engine(db: str) -> Engine:
    """One pooled engine per database, its fleet tables created on first use."""
    with _lock:
        found = _engines.get(db)
        if found is not None:
            return found
        url = make_url(db) if "://" in db else make_url(f"sqlite:///{db}")
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        made = sa.create_engine(url, pool_pre_ping=True)
        try:
            metadata.create_all(made, checkfirst=True)
        except sa.exc.SQLAlchemyError as exc:
            made.dispose()
            raise NetfingerError(f"cannot open the fleet tables: {getattr(exc, 'orig', exc)}") from exc
        _engines[db] = made
        return made


def dispose() -> None:
    with _lock:
        for made in _engines.values():
            made.dispose()
        _engines.clear()


def seen(db: str, site: str, sensor: str, at: float, pending: int) -> None:
    """Note a heartbeat (a late one never moves ``last_seen`` back)."""
    with engine(db).begin() as conn:
        where = (sensors.c.site == site) & (sensors.c.sensor == sensor)
        done = conn.execute(sensors.update().where(where & (sensors.c.last_seen <= at))
                            .values(last_seen=at, pending=pending))  # fmt: skip
        if done.rowcount == 0 and conn.execute(sa.select(sensors.c.site).where(where)).first() is None:
            conn.execute(sensors.insert().values(site=site, sensor=sensor, last_seen=at, pending=pending))


def list_sensors(db: str) -> list[SensorRow]:
    with engine(db).begin() as conn:
        rows = conn.execute(sa.select(sensors).order_by(sensors.c.site, sensors.c.sensor)).all()
    return [SensorRow(str(r.site), str(r.sensor), float(r.last_seen), int(r.pending)) for r in rows]


def reject(db: str, queue: str, claimed: dict[str, str], reason: str) -> None:
    """Note a refused result: the queue it came on and what it claimed (site, sensor, uid)."""
    values = {"claimed_site": claimed.get("site", ""), "sensor": claimed.get("sensor", ""),
              "uid": claimed.get("uid", "")}
    with engine(db).begin() as conn:
        conn.execute(rejects.insert().values(at=time.time(), queue=queue[:200], reason=reason[:500],
                                             **{k: v[:200] for k, v in values.items()}))


def reject_counts(db: str) -> dict[str, int]:
    """Rejected results per queue they came in on."""
    with engine(db).begin() as conn:
        rows = conn.execute(sa.select(rejects.c.queue, sa.func.count()).group_by(rejects.c.queue)).all()
    return {str(q): int(n) for q, n in rows}


def record_failure(db: str, failure: Failure) -> bool:
    """Note a failed order once per uid; False when that uid was already noted."""
    row = {"at": time.time(), "site": failure.site, "sensor": failure.sensor, "uid": failure.uid,
           "kind": failure.kind, "reason": failure.reason[:500], "seconds": failure.seconds}  # fmt: skip
    try:
        with engine(db).begin() as conn:
            noted = conn.execute(sa.select(failures.c.id).where(failures.c.uid == failure.uid)).first()
            if noted is not None:
                return False
            conn.execute(failures.insert().values(**row))
    except sa.exc.IntegrityError:
        return False  # another worker noted the same uid between our look and our insert
    return True


def _failure(r: Any) -> FailureRow:
    return FailureRow(float(r.at), str(r.site), str(r.sensor), str(r.uid), str(r.kind), str(r.reason),
                      float(r.seconds))  # fmt: skip


def failures_of(db: str, uids: list[str]) -> dict[str, FailureRow]:
    """The failures noted for these order uids."""
    if not uids:
        return {}
    with engine(db).begin() as conn:
        rows = conn.execute(sa.select(failures).where(failures.c.uid.in_(uids))).all()
    return {str(r.uid): _failure(r) for r in rows}


def last_failures(db: str) -> dict[str, FailureRow]:
    """Each site's latest failed order."""
    latest = sa.select(sa.func.max(failures.c.id)).group_by(failures.c.site)
    with engine(db).begin() as conn:
        rows = conn.execute(sa.select(failures).where(failures.c.id.in_(latest))).all()
    return {str(r.site): _failure(r) for r in rows}
