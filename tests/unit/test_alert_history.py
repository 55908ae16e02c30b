"""Alert deliveries in the history store: migration 0003 on older files, PostgreSQL, pruning."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alert_receivers import webhook_receiver
from alert_reports import axis_host, dahua_host, report
from pg_server import pg_bindir, running_postgres

from netfinger.alert import RetryPolicy
from netfinger.alert.registry import parse_alert_url
from netfinger.alert.secrets import Secrets
from netfinger.alert.sweep import AlertConfig, alert_sweep
from netfinger.history.alerts import DeliveryRecord, list_deliveries, record_deliveries
from netfinger.history.database import dispose_all
from netfinger.history.migrate import MIGRATIONS, SQLITE_VERSION
from netfinger.history.prune import prune_sweeps
from netfinger.history.store import record_sweep


def _history_at_0002(path: Path) -> None:
    """A history as the store wrote it before alert deliveries existed (revision 0002)."""
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    engine.dispose()


def test_a_revision_0002_history_gains_the_deliveries_table(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    _history_at_0002(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    sweep = record_sweep(db, report(axis_host()))
    record_deliveries(db, [DeliveryRecord(sweep, sweep, "syslog://127.0.0.1", False, 4, 1, "refused")])
    (row,) = list_deliveries(db, failed_only=True)
    assert (row.sweep_id, row.target, row.ok, row.error, row.site) == (sweep, "syslog://127.0.0.1", False,
                                                                       "refused", "default")  # fmt: skip
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SQLITE_VERSION == 3


def test_pruning_a_sweep_drops_its_delivery_rows(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    first = record_sweep(db, report(axis_host()))
    second = record_sweep(db, report(axis_host(), dahua_host(), start="2026-11-25T02:00:00Z"))
    hook = "http://127.0.0.1:9/"
    record_deliveries(db, [DeliveryRecord(s, first, hook, True, 1, 1) for s in (first, second)])
    assert prune_sweeps(db, keep=1) == [first]
    assert [r.sweep_id for r in list_deliveries(db)] == [second]


@pytest.mark.skipif(pg_bindir() is None, reason="PostgreSQL is not installed (scripts/setup.sh)")
def test_alerts_on_a_postgresql_history_per_site() -> None:
    with running_postgres() as cluster, webhook_receiver() as hook:
        url = cluster.new_database()
        try:
            for site in ("north", "south"):
                record_sweep(url, report(axis_host()), site=site)
            new = report(axis_host(), dahua_host(), start="2026-11-25T02:00:00Z")
            sweep_id = record_sweep(url, new, site="north")
            target = parse_alert_url(hook.url, Secrets(environ={}))
            config = AlertConfig((target,), policy=RetryPolicy(backoff=0.01), site="north")
            outcome = asyncio.run(alert_sweep(url, sweep_id, new, config))
            assert outcome.previous_id == 1  # north's previous sweep, not south's (id 2)
            assert [d.ok for d in outcome.deliveries] == [True] and len(hook.posts) == 1
            (row,) = list_deliveries(url, site="north")
            assert (row.sweep_id, row.previous_id, row.site, row.hosts) == (sweep_id, 1, "north", 1)
            assert list_deliveries(url, site="south") == []
        finally:
            dispose_all()
            cluster.drop_database(url)
