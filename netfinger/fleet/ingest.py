"""``netfinger fleet ingest``: the HQ worker that stores results in the database.

It consumes the result queues of the fleet's sites. A result must claim the site whose queue it
came in on (each site's broker user can be limited to its own queues): a mismatch is rejected,
logged and noted in ``fleet_rejects``, never stored. A valid one is stored by
``history.record_sweep`` in one transaction, idempotent by its uid, so a result delivered twice is
kept once. While the database is down the task is retried every few seconds until it is stored.
A failure report (an order the sensor could not carry out) is checked the same way and noted in
``fleet_failures``, once per uid, for ``fleet sweep --wait`` and ``fleet status``.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from celery import Celery

from netfinger import history
from netfinger.errors import NetfingerError, UsageError
from netfinger.fleet import hqdb
from netfinger.fleet.app import make_app, worker_argv
from netfinger.fleet.config import (
    FAILURE_TASK,
    HEARTBEAT_TASK,
    RESULT_TASK,
    redact,
    result_queue,
    site_of_result_queue,
)
from netfinger.fleet.messages import Failure, Heartbeat, Result
from netfinger.fleet.supervise import Supervisor, handle_signals
from netfinger.report.load import report_from_json_text
from netfinger.report.model import Report

log = logging.getLogger("netfinger.fleet.ingest")
STORE_ERRORS = (NetfingerError, sa.exc.SQLAlchemyError, OSError)


@dataclass(frozen=True)
class IngestConfig:
    broker: str
    db: str
    sites: tuple[str, ...]
    retry_delay: float = 2.0
    alerts: dict[str, list[str]] = field(default_factory=dict)  # site -> --alert URLs (the fleet file)
    processes: int = 1  # results stored at once (each validation is CPU work: up to one per core)


def _arrived_on(task: Any) -> str:
    return str((task.request.delivery_info or {}).get("routing_key") or "")


def _refuse(cfg: IngestConfig, queue: str, data: dict[str, Any], reason: str) -> str:
    claimed = {k: str(data.get(k, ""))[:200] for k in ("site", "sensor", "uid")}
    log.error("result rejected: %s (queue %s, claimed site %r, sensor %r, uid %r)", reason, queue,
              claimed["site"], claimed["sensor"], claimed["uid"])  # fmt: skip
    try:
        hqdb.reject(cfg.db, queue, claimed, reason)
    except STORE_ERRORS as exc:
        log.warning("could not note the rejection: %s", exc)
    return "rejected"


def store(cfg: IngestConfig, result: Result) -> int:
    """Validate the report and store it once; raises a STORE_ERROR while the database is away."""
    report = report_from_json_text(result.report, f"result {result.uid} from {result.site}")
    sweep_id = history.record_sweep(cfg.db, report, site=result.site, sensor=result.sensor, uid=result.uid)
    urls = cfg.alerts.get(result.site)
    if urls:
        alert_site(cfg.db, result.site, sweep_id, report, urls)
    return sweep_id


def alert_site(db: str, site: str, sweep_id: int, report: Report, urls: list[str]) -> None:
    """The site's alerts for a stored sweep, as ``--alert`` sends them; every delivery is recorded in
    the store (``netfinger history --alerts``), and a failed one is also logged here."""
    from netfinger.alert.registry import parse_alert_url
    from netfinger.alert.secrets import Secrets
    from netfinger.alert.sweep import AlertConfig, alert_sweep

    config = AlertConfig(targets=tuple(parse_alert_url(u, Secrets(None)) for u in urls), site=site)
    outcome = asyncio.run(alert_sweep(db, sweep_id, report, config))
    for failed in outcome.failed:
        log.error("alert for %s sweep %d to %s failed: %s", site, sweep_id, failed.target, failed.error)


def register(app: Celery, cfg: IngestConfig) -> None:
    @app.task(name=RESULT_TASK, bind=True, acks_late=True, max_retries=None)  # type: ignore[untyped-decorator]
    def result(self: Any, **kwargs: Any) -> str:
        queue = _arrived_on(self)
        if site_of_result_queue(queue) != kwargs.get("site"):
            return _refuse(cfg, queue, kwargs, "the site it claims is not the site of its queue")
        started = time.monotonic()
        try:
            msg = Result.parse(kwargs)
            sweep_id = store(cfg, msg)
        except UsageError as exc:
            return _refuse(cfg, queue, kwargs, f"invalid result: {exc}"[:400])
        except STORE_ERRORS as exc:
            log.warning("database not reachable (%s); retrying in %.0fs", str(exc)[:200], cfg.retry_delay)
            raise self.retry(countdown=cfg.retry_delay) from None
        log.info("stored %s from %s/%s as sweep %d in %.2fs", msg.uid, msg.site, msg.sensor, sweep_id,
                 time.monotonic() - started)  # fmt: skip
        return str(sweep_id)

    @app.task(name=FAILURE_TASK, bind=True, acks_late=True, max_retries=None)  # type: ignore[untyped-decorator]
    def failure(self: Any, **kwargs: Any) -> str:
        queue = _arrived_on(self)
        if site_of_result_queue(queue) != kwargs.get("site"):
            return _refuse(cfg, queue, kwargs, "the site it claims is not the site of its queue")
        try:
            msg = Failure.parse(kwargs)
            hqdb.record_failure(cfg.db, msg)
        except UsageError as exc:
            return _refuse(cfg, queue, kwargs, f"invalid failure report: {exc}"[:400])
        except STORE_ERRORS as exc:
            log.warning("database not reachable (%s); retrying in %.0fs", str(exc)[:200], cfg.retry_delay)
            raise self.retry(countdown=cfg.retry_delay) from None
        log.warning("order %s at %s/%s failed: %s", msg.uid, msg.site, msg.sensor, msg.reason)
        return "noted"

    @app.task(name=HEARTBEAT_TASK, bind=True, acks_late=True, ignore_result=True)  # type: ignore[untyped-decorator]
    def heartbeat(self: Any, **kwargs: Any) -> str:
        queue = _arrived_on(self)
        if site_of_result_queue(queue) != kwargs.get("site"):
            return _refuse(cfg, queue, kwargs, "heartbeat for another site")
        try:
            beat = Heartbeat.parse(kwargs)
            hqdb.seen(cfg.db, beat.site, beat.sensor, beat.at, beat.pending)
        except UsageError as exc:
            return _refuse(cfg, queue, kwargs, f"invalid heartbeat: {exc}"[:400])
        except STORE_ERRORS as exc:
            log.warning("heartbeat not noted: %s", str(exc)[:200])  # the next one will be
        return "ok"


def warm_up(db: str) -> None:
    """Load what the first result would load (the report schema's validator, the store's schema check
    and its modules, or the schema itself in a new store, the fleet tables) before taking results: a
    fresh process paid seconds for it on its first result. Connections are closed again, so a prefork
    pool's children share none (they reconnect on first use, without a second schema check). Never
    raises: a store still down is met again, and reported, by the first result."""
    from netfinger.history.database import connect, dispose_all
    from netfinger.report.schema import schema_errors

    schema_errors({})  # builds the validator
    try:
        connect(db, create=True)  # the store the first result would create: its schema checked or made
        hqdb.engine(db)
    except STORE_ERRORS as exc:
        log.info("store not ready at start (%s); the first result will open it", str(exc)[:200])
    finally:
        dispose_all()
        hqdb.dispose()


def run_worker(cfg: IngestConfig) -> int:
    """The Celery worker (a child of :func:`run_ingest`) on every site's result queue."""
    app = make_app(cfg.broker)
    register(app, cfg)
    warm_up(cfg.db)
    try:
        app.worker_main(worker_argv([result_queue(s) for s in cfg.sites], f"ingest@{socket.gethostname()}",
                                    cfg.processes))  # fmt: skip
    finally:
        hqdb.dispose()
    return 0


def run_ingest(cfg: IngestConfig) -> int:
    """Until SIGTERM/Ctrl-C: the ingest worker, restarted when the broker comes back."""
    if not cfg.sites:
        raise UsageError("ingest: no sites; give --site NAME (repeatable) or a fleet file "
                         "(--fleet or NETFINGER_FLEET)")
    queues = [result_queue(s) for s in cfg.sites]
    log.warning("ingest from %s (%s) into %s", redact(cfg.broker), ", ".join(queues), redact(cfg.db))
    supervisor = Supervisor("ingest", {**asdict(cfg), "sites": list(cfg.sites)}, cfg.broker)
    handle_signals(supervisor.stop_event)
    return supervisor.run()
