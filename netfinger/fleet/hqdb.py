"""HQ's own tables beside the sweep history: sensors last heard from, and rejected results.

``fleet_sensors`` (one row per site and sensor: when its last heartbeat was sent and how many
results it still holds) and ``fleet_rejects`` (every result refused, with why). SQLAlchemy Core, so
the same code runs on PostgreSQL (the fleet's store) and on a SQLite path (a one-machine trial).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from netfinger.errors import NetfingerError

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
_engines: dict[str, Engine] = {}
_lock = threading.Lock()


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
