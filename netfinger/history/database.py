"""Where the history lives: a SQLite file (a path) or a PostgreSQL database (a ``postgresql://`` URL).

``connect`` opens it (creating a new SQLite file with mode 0600 when asked), brings its schema up
to date with the Alembic migrations shipped in ``migrations/`` and returns the SQLAlchemy engine.
Engines are kept per URL, so a long-running process (the fleet's ingest) reuses its pool.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool

from netfinger.errors import NetfingerError, UsageError
from netfinger.history.migrate import upgrade_schema

PG_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
_engines: dict[str, Engine] = {}
_current: set[str] = set()  # PostgreSQL URLs already migrated by this process
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Location:
    """A parsed ``--db``/``--history`` value. ``label`` is safe to print (no password)."""

    url: URL
    label: str
    path: Path | None = None  # the SQLite file; None for PostgreSQL

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None


def locate(db: str | os.PathLike[str]) -> Location:
    text = os.fspath(db)
    if text.startswith(PG_SCHEMES):
        try:
            given = make_url(text)
        except sa.exc.ArgumentError as exc:
            raise UsageError(f"cannot read the PostgreSQL URL: {exc}") from exc
        label = given.set(drivername="postgresql").render_as_string(hide_password=True)
        return Location(given.set(drivername="postgresql+psycopg"), label)
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise UsageError(f"history {scheme}://... is not supported: give a SQLite file path or a "
                         "postgresql://user@host/dbname URL")  # fmt: skip
    path = Path(text)
    return Location(URL.create("sqlite", database=str(path)), str(path), path)


def _sqlite_on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" below starts every transaction
    dbapi_conn.execute("PRAGMA foreign_keys = ON")


def _sqlite_on_begin(conn: sa.Connection) -> None:
    # A writer takes the lock up front and queues on it (busy timeout) instead of failing mid-way.
    write = conn.get_execution_options().get("netfinger_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextlib.contextmanager
def transaction(engine: Engine, write: bool = False) -> Iterator[sa.Connection]:
    """One transaction: committed when the block ends, rolled back when it raises."""
    with engine.connect() as conn:
        if write:
            conn.execution_options(netfinger_write=True)
        with conn.begin():
            yield conn


def _engine(loc: Location) -> Engine:
    key = loc.url.render_as_string(hide_password=False)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            if loc.is_sqlite:
                engine = sa.create_engine(loc.url, poolclass=NullPool, connect_args={"timeout": 30})
                sa.event.listen(engine, "connect", _sqlite_on_connect)
                sa.event.listen(engine, "begin", _sqlite_on_begin)
            else:
                engine = sa.create_engine(loc.url, pool_pre_ping=True, pool_size=2, max_overflow=4)
            _engines[key] = engine
    return engine


def _create_private_file(path: Path) -> None:
    """A new history is private: it lists vulnerable devices."""
    try:
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise NetfingerError(f"cannot open history {path}: {exc}") from exc


def connect(db: str | os.PathLike[str], create: bool = False) -> tuple[Engine, Location]:
    """The engine of an up-to-date history at ``db``; with ``create`` a missing one is made."""
    loc = locate(db)
    if loc.path is not None:
        if not create and not loc.path.is_file():
            raise UsageError(f"no sweep history at {loc.label}; record one with "
                             f"'netfinger scan ... --history {loc.label}'")  # fmt: skip
        if create:
            _create_private_file(loc.path)
    engine = _engine(loc)
    key = loc.url.render_as_string(hide_password=False)
    if key not in _current:
        try:
            upgrade_schema(engine, loc.label, create)
        except sa.exc.OperationalError as exc:
            raise NetfingerError(f"cannot open history {loc.label}: {exc.orig}") from exc
        except sa.exc.DatabaseError as exc:
            raise NetfingerError(
                f"history {loc.label} is unreadable ({exc.orig}); is it a netfinger history?"
            ) from exc
        if not loc.is_sqlite:
            _current.add(key)  # a SQLite file can be replaced under us; its check is one PRAGMA
    return engine, loc


def dispose_all() -> None:
    """Close every pooled connection (tests stopping their server; a worker shutting down)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _current.clear()
