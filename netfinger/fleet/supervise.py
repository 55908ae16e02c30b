"""Keep a Celery worker consuming across broker outages: run it as a child and restart it when
the broker comes back.

Celery's Redis consumer does not always resume after the broker restarts or the link drops (the
worker stays up and silently stops taking tasks; celery/celery#8091, #9054). So ``netfinger sensor``
and ``netfinger fleet ingest`` run their worker in a child process and watch the broker themselves:
when it was unreachable and answers again, or answers with a new ``run_id`` (it restarted between
two looks), or the child exited, the child is replaced. Restarting is safe: orders are acknowledged
late, results are idempotent by uid, so at worst a redelivered order is run (or stored) once more.
The worker's configuration reaches the child in an environment variable, never on its command line.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
from typing import Any

from netfinger.fleet.config import CA_ENV

log = logging.getLogger("netfinger.fleet")
CHILD_ENV = "NETFINGER_WORKER_CONFIG"
CHECK_EVERY = 2.0
STOP_GRACE = 15.0  # a warm shutdown finishes the order in progress; a stuck worker is killed


def broker_identity(broker: str) -> str | None:
    """The broker's ``run_id`` (or "up" where INFO is not allowed); None when it does not answer."""
    import redis

    options: dict[str, Any] = {"socket_timeout": 5, "socket_connect_timeout": 5}
    if broker.startswith("rediss://") and os.environ.get(CA_ENV):
        options["ssl_ca_certs"] = os.environ[CA_ENV]
    try:
        client = redis.Redis.from_url(broker, **options)
    except ValueError:
        return None
    try:
        try:
            return str(client.info("server").get("run_id", "up"))
        except redis.exceptions.NoPermissionError:
            return "up" if client.ping() else None
    except (redis.RedisError, OSError):
        return None
    finally:
        client.close()


class Supervisor:
    def __init__(self, kind: str, config: dict[str, Any], broker: str) -> None:
        self.kind, self.config, self.broker = kind, config, broker
        self.stop_event = threading.Event()
        self.child: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    def _start(self) -> None:
        env = {**os.environ, CHILD_ENV: json.dumps({"kind": self.kind, "config": self.config})}
        self.child = subprocess.Popen([sys.executable, "-m", "netfinger.fleet.child"], env=env)

    def _stop_child(self) -> None:
        child, self.child = self.child, None
        if child is None or child.poll() is not None:
            return
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            log.warning("worker did not stop within %.0fs; killing it (its order will be redelivered)",
                        STOP_GRACE)  # fmt: skip
            child.kill()
            child.wait(timeout=30)

    def _replace(self, why: str) -> None:
        log.warning("restarting the %s worker: %s", self.kind, why)
        self._stop_child()
        self.restarts += 1
        self._start()

    def run(self) -> int:
        """Until ``stop_event`` (set by SIGTERM/SIGINT): watch the broker and the child."""
        seen = broker_identity(self.broker)
        self._start()
        try:
            while not self.stop_event.wait(CHECK_EVERY):
                now = broker_identity(self.broker)
                assert self.child is not None
                if self.child.poll() is not None:
                    self._replace(f"it exited with status {self.child.returncode}")
                elif now is not None and seen is None:
                    self._replace("the broker is reachable again")
                elif now is not None and seen is not None and now != seen and "up" not in (now, seen):
                    self._replace("the broker restarted")
                if now is None and seen is not None:
                    log.warning("broker not reachable; the worker will be restarted when it is back")
                seen = now
        finally:
            self._stop_child()
        return 0


def handle_signals(stop: threading.Event) -> None:
    """SIGTERM and SIGINT stop the supervisor (which stops its worker gracefully)."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda _s, _f: stop.set())
