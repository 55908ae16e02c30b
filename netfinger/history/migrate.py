"""Bring a history's schema up to date with the Alembic migrations shipped in ``migrations/``.

A history written by netfinger 0.1 (plain sqlite3, ``PRAGMA user_version = 1``, no Alembic table)
is stamped at revision 0001 first, then upgraded like any other. Everything runs in one
transaction (PostgreSQL and SQLite both have transactional DDL), under an advisory lock on
PostgreSQL so that sensors starting together migrate once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from netfinger.errors import UsageError

if TYPE_CHECKING:  # Alembic is imported only when a store needs migrating (it costs ~0.5 s)
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0002"  # the newest revision in migrations/versions (a test keeps the two in step)
SQLITE_VERSION = 2  # PRAGMA user_version at the head revision
LEGACY_SQLITE_VERSION = 1
_PG_LOCK = 0x6E66_6869  # "nfhi": the advisory lock key of history migrations


@cache
def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS))


def head_revision() -> str:
    """The head as the shipped migration scripts say (HEAD must equal it)."""
    head = _script().get_current_head()
    assert head is not None
    return head


def _known(revision: object) -> bool:
    from alembic.util import CommandError

    if revision is None:
        return False
    try:
        return _script().get_revision(str(revision)) is not None
    except CommandError:
        return False


def _config(conn: sa.Connection) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def _run(conn: sa.Connection, stamp_legacy: bool) -> None:
    from alembic import command

    cfg = _config(conn)
    if stamp_legacy:
        command.stamp(cfg, "0001")
    command.upgrade(cfg, "head")


def _sqlite(conn: sa.Connection, label: str, create: bool) -> None:
    version = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
    if version == SQLITE_VERSION:
        return
    tables = set(sa.inspect(conn).get_table_names()) - {"sqlite_sequence"}
    if version > SQLITE_VERSION:
        raise UsageError(f"{label} was written by a newer netfinger (format {version}); upgrade netfinger")
    if version == LEGACY_SQLITE_VERSION and "sweeps" in tables:
        _run(conn, stamp_legacy="alembic_version" not in tables)
    elif version == 0 and not tables and create:
        _run(conn, stamp_legacy=False)
    else:
        raise UsageError(
            f"{label} is not a netfinger history (format {version}, expected {SQLITE_VERSION})"
        )


def _postgresql(conn: sa.Connection, label: str, create: bool) -> None:
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
    tables = set(sa.inspect(conn).get_table_names())
    if "alembic_version" in tables:
        revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        if revision == HEAD:
            return
        if not _known(revision):
            raise UsageError(f"{label} was written by a newer netfinger (revision {revision}); "
                             "upgrade netfinger")  # fmt: skip
        _run(conn, stamp_legacy=False)
    elif "sweeps" in tables:
        raise UsageError(f"{label} has a 'sweeps' table netfinger did not create; use another database")
    elif create:
        _run(conn, stamp_legacy=False)
    else:
        raise UsageError(f"no sweep history in {label}; record one with 'netfinger scan ... --history URL'")


def upgrade_schema(engine: sa.Engine, label: str, create: bool) -> None:
    """Check, and when needed migrate, the schema; raise UsageError for a store that is not ours."""
    with engine.connect() as conn:
        conn.execution_options(netfinger_write=True)
        with conn.begin():
            if conn.dialect.name == "sqlite":
                _sqlite(conn, label, create)
            else:
                _postgresql(conn, label, create)
