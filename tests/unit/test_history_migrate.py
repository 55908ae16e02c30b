"""Schema migrations: a history written by netfinger 0.1 upgrades without loss; the migrated schema
is exactly the one the code declares, on both backends; stores that are not ours are refused."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pg_server import PgCluster

from netfinger.errors import UsageError
from netfinger.history.database import connect, dispose_all
from netfinger.history.migrate import HEAD, SQLITE_VERSION, head_revision
from netfinger.history.store import list_sweeps, load_sweep, record_sweep
from netfinger.history.tables import metadata
from netfinger.report.samples import sample_report

LEGACY = Path(__file__).parent / "fixtures" / "history-v1.sqlite"  # written by netfinger 0.1's store

pytest_plugins = ["history_backends"]  # the history_db (SQLite, PostgreSQL) and pg_cluster fixtures


_SWEEP_COLUMNS = "id, started, ended, recorded, targets, hosts, banned, vulnerable, interrupted"


def _legacy_rows(path: Path, migrated: bool) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every column netfinger 0.1 wrote, of every row (after the migration, the report is joined
    back from sweep_reports)."""
    query = (f"SELECT {_SWEEP_COLUMNS}, r.report FROM sweeps JOIN sweep_reports r ON r.sweep_id = id "
             "ORDER BY id" if migrated else f"SELECT {_SWEEP_COLUMNS}, report FROM sweeps ORDER BY id")
    with sqlite3.connect(path) as conn:
        sweeps = conn.execute(query).fetchall()
        hosts = conn.execute("SELECT sweep_id, identity, ip, mac, manufacturer, brand, model, firmware, "
                             "banned, vulnerabilities FROM sweep_hosts ORDER BY rowid").fetchall()
    return sweeps, hosts


def test_a_netfinger_0_1_history_upgrades_without_loss(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    shutil.copy(LEGACY, db)
    before_sweeps, before_hosts = _legacy_rows(db, migrated=False)
    assert len(before_sweeps) == 3 and len(before_hosts) == 7
    rows = list_sweeps(db)  # the first open migrates
    assert [(r.id, r.site, r.sensor, r.uid, r.interrupted) for r in rows] == [
        (1, "default", "sweeper", "legacy-1", False),
        (2, "default", "sweeper", "legacy-2", False),
        (3, "default", "sweeper", "legacy-3", True),
    ]
    assert _legacy_rows(db, migrated=True) == (before_sweeps, before_hosts)  # every old value kept
    assert len(load_sweep(db, 1).hosts) == 4 and len(load_sweep(db, 3).hosts) == 2
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SQLITE_VERSION  # 0.1 now refuses it
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    new = record_sweep(db, sample_report(), site="annex")
    assert new == 4 and [r.site for r in list_sweeps(db)] == ["default"] * 3 + ["annex"]
    assert list_sweeps(db)[:3] == rows  # opening again migrates nothing


def test_migrated_schema_is_the_declared_schema(history_db: str) -> None:
    record_sweep(history_db, sample_report())
    engine, _ = connect(history_db)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def _kind(entry: object) -> str:
    first = entry[0] if isinstance(entry, list) else entry
    assert isinstance(first, tuple)
    return str(first[0])


def test_upgraded_legacy_schema_is_the_declared_schema(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    shutil.copy(LEGACY, db)
    engine, _ = connect(db)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    # Two artefacts of reflecting 0.1's hand-written DDL, not differences: SQLite's reflection misses
    # an inline "REFERENCES ... ON DELETE CASCADE" and calls "id INTEGER PRIMARY KEY" nullable.
    assert sorted(_kind(d) for d in diff) == ["add_fk", "modify_nullable", "remove_fk"]
    with sqlite3.connect(db) as conn:
        fks = conn.execute("PRAGMA foreign_key_list(sweep_hosts)").fetchall()
        pk = [c for c in conn.execute("PRAGMA table_info(sweeps)").fetchall() if c[1] == "id"]
    assert [(fk[2], fk[3], fk[4], fk[6]) for fk in fks] == [("sweeps", "sweep_id", "id", "CASCADE")]
    assert pk[0][5] == 1  # the rowid primary key: never NULL


def test_a_newer_sqlite_history_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    record_sweep(db, sample_report())
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(UsageError, match="newer netfinger"):
        list_sweeps(db)


def test_postgresql_stores_that_are_not_ours_are_refused(pg_cluster: PgCluster) -> None:
    foreign, newer = pg_cluster.new_database(), pg_cluster.new_database()
    try:
        with sa.create_engine(foreign.replace("postgresql://", "postgresql+psycopg://")).begin() as conn:
            conn.execute(sa.text("CREATE TABLE sweeps (x int)"))
        with pytest.raises(UsageError, match="did not create"):
            record_sweep(foreign, sample_report())
        record_sweep(newer, sample_report())
        dispose_all()
        with sa.create_engine(newer.replace("postgresql://", "postgresql+psycopg://")).begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(UsageError, match="newer netfinger"):
            list_sweeps(newer)
    finally:
        dispose_all()
        pg_cluster.drop_database(foreign)
        pg_cluster.drop_database(newer)


def test_sensors_starting_together_migrate_once_and_never_duplicate(history_db: str) -> None:
    """Four writers race on a new store: the schema is made once; one uid is stored once."""
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def write(uid: str) -> None:
        try:
            start.wait(timeout=60)
            results.append(record_sweep(history_db, sample_report(), uid=uid))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(uid,)) for uid in ("a", "a", "b", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == [] and len(results) == 4
    assert len(set(results)) == 2 and len(list_sweeps(history_db)) == 2


def test_the_head_constant_names_the_newest_migration() -> None:
    assert head_revision() == HEAD
