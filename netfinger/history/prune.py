"""Pruning the history: keep the newest N sweeps of each site, or drop sweeps older than N days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from netfinger.errors import UsageError
from netfinger.history.database import connect, transaction
from netfinger.history.store import Db
from netfinger.history.tables import sweep_hosts, sweep_reports, sweeps

_CHUNK = 500  # ids per DELETE ... IN (...): far below every backend's parameter limit


def _over_keep(conn: sa.Connection, keep: int, site: str | None) -> list[int]:
    names = [site] if site is not None else list(conn.execute(sa.select(sweeps.c.site).distinct()).scalars())
    doomed: list[int] = []
    for name in names:
        query = (sa.select(sweeps.c.id).where(sweeps.c.site == name).order_by(sweeps.c.id.desc())
                 .offset(keep))  # fmt: skip
        doomed += [int(i) for i in conn.execute(query).scalars()]
    return doomed


def _older_than(conn: sa.Connection, days: float, site: str | None, now: datetime) -> list[int]:
    cutoff = (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    query = sa.select(sweeps.c.id).where(sweeps.c.started < cutoff)
    if site is not None:
        query = query.where(sweeps.c.site == site)
    return [int(i) for i in conn.execute(query).scalars()]


def prune_sweeps(db: Db, keep: int | None = None, older_than_days: float | None = None,
                 site: str | None = None, now: datetime | None = None) -> list[int]:  # fmt: skip
    """Delete sweeps (with their host rows) in one transaction; return the deleted ids, ascending.

    ``keep``: keep the newest ``keep`` sweeps of each site (of ``site`` only, when given).
    ``older_than_days``: delete sweeps that started more than that many days before ``now``.
    """
    if (keep is None) == (older_than_days is None):
        raise UsageError("prune needs exactly one of --keep N or --older-than DAYS")
    if (keep is not None and keep < 0) or (older_than_days is not None and older_than_days < 0):
        raise UsageError("--keep and --older-than take a number of 0 or more")
    engine, _ = connect(db)
    with transaction(engine, write=True) as conn:
        if keep is not None:
            doomed = sorted(_over_keep(conn, keep, site))
        else:
            doomed = sorted(_older_than(conn, float(older_than_days or 0), site, now or datetime.now(UTC)))
        for start in range(0, len(doomed), _CHUNK):
            chunk = doomed[start : start + _CHUNK]
            conn.execute(sweep_hosts.delete().where(sweep_hosts.c.sweep_id.in_(chunk)))
            conn.execute(sweep_reports.delete().where(sweep_reports.c.sweep_id.in_(chunk)))
            conn.execute(sweeps.delete().where(sweeps.c.id.in_(chunk)))
    return doomed
