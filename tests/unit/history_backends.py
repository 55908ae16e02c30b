"""The ``history_db`` fixture: every history test runs against SQLite and against a real PostgreSQL.

Import it into a test module (``from history_backends import history_db, pg_cluster``). The
PostgreSQL cluster starts once per test session (``pg_server.running_postgres``, a Unix socket in
a temp dir) and is stopped at the end; each test gets an empty database (its schema dropped and
made anew: much quicker than CREATE DATABASE on a busy machine).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pg_server import PgCluster, pg_bindir, running_postgres

from netfinger.history.database import dispose_all

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    if pg_bindir() is None:
        pytest.skip("PostgreSQL is not installed (scripts/setup.sh installs Debian's postgresql)")
    with running_postgres() as cluster:
        yield cluster
        dispose_all()


@pytest.fixture(scope="session")
def pg_history_url(pg_cluster: PgCluster) -> str:
    return pg_cluster.new_database()


@pytest.fixture(params=BACKENDS)
def history_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A history location that does not exist yet: a SQLite path, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "history.sqlite")
        return
    url: str = request.getfixturevalue("pg_history_url")
    dispose_all()  # forget pooled connections and "already migrated" from the previous test
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    yield url
    dispose_all()
