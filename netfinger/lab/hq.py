"""The fleet lab's HQ servers: a real ``redis-server`` and a real PostgreSQL, in the HQ namespace.

Redis listens on the HQ service address (reached by the sites over their WAN links), on the HQ
namespace's 127.0.0.1 and on a Unix socket; the default user is off, HQ and every site have their
own ACL user and password. Its append-only file is synced on every write, so a restart loses no
task. PostgreSQL listens on the HQ namespace's 127.0.0.1 (sites never reach it) and a Unix socket.
Both run as their Debian system users, never as root.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import signal
import subprocess
import time
from contextlib import suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from netfinger.errors import NetfingerError

HQ_ADDR = "172.31.255.1"
REDIS_PORT = 6379
PG_PORT = 5432
PG_USER = "netfinger"
PG_DB = "netfinger"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
# Sites may run the broker's data commands, not administer it.
SITE_ACL = "~* &* +@all -@admin -flushall -flushdb -keys"


@dataclass
class ServerInfo:
    """What the lab needs to find, restart and reach one server again."""

    kind: str  # "redis" | "postgres"
    pid: int
    directory: str
    passwords: dict[str, str]  # user -> password

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ServerInfo:
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _owned_dir(path: Path, user: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)
    path.chmod(0o700)
    return path


def _spawn(ns: str, user: str, argv: list[str], log: Path) -> int:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            ["ip", "netns", "exec", ns, "runuser", "-u", user, "--", *argv],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True, cwd="/",
        )  # fmt: skip
    return proc.pid


def _wait_for(check: Any, what: str, pid: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if check():
            return
        if not _alive(pid):
            raise NetfingerError(f"{what} exited at start; see {log}")
        time.sleep(0.1)
    raise NetfingerError(f"{what} not ready after {START_TIMEOUT:.0f}s; see {log}")


def _alive(pid: int) -> bool:
    with suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def stop(info: ServerInfo) -> None:
    """Stop a server cleanly (Redis syncs its AOF; PostgreSQL does a fast shutdown), then wait."""
    sig = signal.SIGINT if info.kind == "postgres" else signal.SIGTERM
    for pid in _server_pids(info):
        with suppress(ProcessLookupError):
            os.kill(pid, sig)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and any(_alive(p) for p in _server_pids(info)):
        time.sleep(0.05)
    for pid in _server_pids(info):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _server_pids(info: ServerInfo) -> list[int]:
    """The wrapper (ip netns exec/runuser) and the server process it became or started."""
    pids = [info.pid] if _alive(info.pid) else []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != info.pid:
            with suppress(OSError):
                if Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[-1].split()[1] == str(info.pid):
                    pids.append(int(entry))
    return [p for p in pids if _alive(p)]


# --- Redis -------------------------------------------------------------------------------------------


def _redis_config(directory: Path) -> str:
    return "\n".join([
        f"bind {HQ_ADDR} 127.0.0.1", f"port {REDIS_PORT}", "protected-mode yes",
        f"unixsocket {directory / 'redis.sock'}", "unixsocketperm 700",
        f"dir {directory}", "appendonly yes", "appendfsync always", 'save ""',
        f"aclfile {directory / 'users.acl'}", "daemonize no", f"logfile {directory / 'redis.log'}",
        "maxmemory-policy noeviction", "",
    ])  # fmt: skip


def _redis_acl(passwords: dict[str, str]) -> str:
    lines = ["user default off"]
    for user, password in sorted(passwords.items()):
        rights = "~* &* +@all" if user == "hq" else SITE_ACL
        lines.append(f"user {user} on >{password} {rights}")
    return "\n".join(lines) + "\n"


def start_redis(ns: str, directory: Path, users: list[str],
                passwords: dict[str, str] | None = None) -> ServerInfo:
    """Start (or, given the old passwords, restart) the broker; ``users`` are ``hq`` and the sites."""
    directory = _owned_dir(directory, "redis")
    passwords = passwords or {u: secrets.token_urlsafe(18) for u in users}
    (directory / "redis.conf").write_text(_redis_config(directory), encoding="utf-8")
    acl = directory / "users.acl"
    acl.write_text(_redis_acl(passwords), encoding="utf-8")
    acl.chmod(0o600)
    entry = pwd.getpwnam("redis")
    for path in (directory / "redis.conf", acl):
        os.chown(path, entry.pw_uid, entry.pw_gid)
    log = directory / "redis.log"
    pid = _spawn(ns, "redis", ["redis-server", str(directory / "redis.conf")], directory / "redis.out")
    info = ServerInfo("redis", pid, str(directory), passwords)
    _wait_for(lambda: redis_ping(info), "redis-server", pid, log)
    return info


def redis_ping(info: ServerInfo) -> bool:
    import redis

    client = redis.Redis(unix_socket_path=str(Path(info.directory) / "redis.sock"), username="hq",
                         password=info.passwords["hq"], socket_timeout=2)  # fmt: skip
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


# --- PostgreSQL ---------------------------------------------------------------------------------------


def pg_bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(Path(p).parts[4]))
    if not found:
        raise NetfingerError("PostgreSQL is not installed: run scripts/setup.sh (Debian package postgresql)")
    return Path(found[-1]).parent


def _initdb(directory: Path, password: str) -> None:
    pwfile = directory / "pwfile"
    pwfile.write_text(password + "\n", encoding="utf-8")
    entry = pwd.getpwnam("postgres")
    os.chown(pwfile, entry.pw_uid, entry.pw_gid)
    pwfile.chmod(0o600)
    done = subprocess.run(
        ["runuser", "-u", "postgres", "--", str(pg_bindir() / "initdb"), "-D", str(directory / "data"),
         "-U", PG_USER, "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}",
         "-E", "UTF8", "--no-sync"],
        capture_output=True, text=True, timeout=120, check=False, cwd="/",
    )  # fmt: skip
    pwfile.unlink()
    if done.returncode != 0:
        raise NetfingerError(f"initdb failed: {done.stderr.strip()[:500]}")


def start_postgres(ns: str, directory: Path, password: str | None = None) -> ServerInfo:
    """Start PostgreSQL (a new cluster with database ``netfinger`` unless ``directory`` holds one)."""
    directory = _owned_dir(directory, "postgres")
    sock = _owned_dir(directory / "sock", "postgres")
    fresh = not (directory / "data").is_dir()
    password = password or secrets.token_urlsafe(18)
    if fresh:
        _initdb(directory, password)
    argv = [str(pg_bindir() / "postgres"), "-D", str(directory / "data"), "-k", str(sock),
            "-c", "listen_addresses=127.0.0.1", "-p", str(PG_PORT)]  # fmt: skip
    pid = _spawn(ns, "postgres", argv, directory / "postgres.log")
    info = ServerInfo("postgres", pid, str(directory), {PG_USER: password})
    _wait_for(lambda: _pg_ready(sock), "postgres", pid, directory / "postgres.log")
    if fresh:
        import psycopg

        with psycopg.connect(host=str(sock), port=PG_PORT, user=PG_USER, dbname="postgres",
                             autocommit=True) as conn:  # fmt: skip
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
    return info


def _pg_ready(sock: Path) -> bool:
    import psycopg

    try:
        with psycopg.connect(host=str(sock), port=PG_PORT, user=PG_USER, dbname="postgres",
                             connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def pg_socket_url(info: ServerInfo) -> str:
    """A URL for tools in the host namespace (the Unix socket; local connections are trusted)."""
    return f"postgresql://{PG_USER}@/{PG_DB}?host={Path(info.directory) / 'sock'}&port={PG_PORT}"


def pg_url(info: ServerInfo) -> str:
    """The URL inside the HQ namespace (TCP on its 127.0.0.1, with the password)."""
    return f"postgresql://{PG_USER}:{info.passwords[PG_USER]}@127.0.0.1:{PG_PORT}/{PG_DB}"
