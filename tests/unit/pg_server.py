"""A throwaway PostgreSQL cluster for tests: initdb in a temp dir, a Unix socket only, stopped after.

``running_postgres()`` yields a :class:`PgCluster`; ``cluster.new_database()`` makes an empty
database and returns its ``postgresql://`` URL. initdb refuses to run as root, so as root the
cluster runs as the Debian ``postgres`` user (``runuser``). Binaries: Debian's
``/usr/lib/postgresql/*/bin`` (installed by ``scripts/setup.sh``) or ``pg_ctl`` on PATH.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

START_TIMEOUT_S = 120


def pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _as_owner(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@dataclass
class PgCluster:
    root: Path
    user: str
    _names: Iterator[int] = field(default_factory=itertools.count)

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def url(self, dbname: str) -> str:
        return f"postgresql://{self.user}@/{dbname}?host={self.socket_dir}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(host=str(self.socket_dir), user=self.user, dbname="postgres", autocommit=True)

    def new_database(self) -> str:
        name = f"nf_{os.getpid()}_{next(self._names)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.split("/")[3].split("?", maxsplit=1)[0]
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def running_postgres() -> Iterator[PgCluster]:
    bindir = pg_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed: run scripts/setup.sh (Debian package postgresql)")
    root = Path(tempfile.mkdtemp(prefix="nf-pg-"))
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    data, sock, log = root / "data", root / "sock", root / "server.log"
    sock.mkdir()
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        for path in (root, sock):
            os.chown(path, pw.pw_uid, pw.pw_gid)
    pg_ctl = str(bindir / "pg_ctl")
    try:
        subprocess.run(_as_owner([str(bindir / "initdb"), "-D", str(data), "-U", user, "-A", "trust",
                                  "-E", "UTF8", "--locale=C", "--no-sync"]),
                       check=True, capture_output=True, timeout=START_TIMEOUT_S)  # fmt: skip
        options = (f"-c listen_addresses='' -c unix_socket_directories={sock} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")  # fmt: skip
        subprocess.run(_as_owner([pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w",
                                  "-t", str(START_TIMEOUT_S), "start"]),
                       check=True, capture_output=True, timeout=START_TIMEOUT_S + 10)  # fmt: skip
        yield PgCluster(root, user)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_owner([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]),
                           capture_output=True, timeout=START_TIMEOUT_S, check=False)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)
