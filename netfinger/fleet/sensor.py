"""``netfinger sensor``: a Celery worker on one site's queue that scans (or listens) where it stands.

Each order is checked (it must name this sensor's site and arrive on its queue), run against the
sensor's own targets only, kept in the outbox and in a local history, and only then acknowledged;
the sender thread takes it to HQ. Targets: ``--targets``, else NETFINGER_SENSOR_TARGETS, else the
subnets of this host's interfaces except the one facing the broker (HQ is never swept).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import os
import socket
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from celery import Celery

from netfinger import history
from netfinger.errors import NetfingerError, UsageError
from netfinger.fleet.app import make_app, worker_argv
from netfinger.fleet.config import SWEEP_TASK, check_site, redact, site_queue
from netfinger.fleet.messages import Order, Result
from netfinger.fleet.outbox import Outbox
from netfinger.fleet.sender import Sender
from netfinger.fleet.supervise import Supervisor, handle_signals
from netfinger.report.model import Report
from netfinger.scan import ScanConfig, run_scan
from netfinger.scan.config import DEFAULT_PROBES
from netfinger.scan.iface import choose_interface, list_interfaces
from netfinger.scan.targets import parse_targets

log = logging.getLogger("netfinger.fleet.sensor")
TARGETS_ENV = "NETFINGER_SENSOR_TARGETS"
DIR_ENV = "NETFINGER_SENSOR_DIR"


@dataclass(frozen=True)
class SensorConfig:
    site: str
    broker: str
    name: str
    targets: tuple[str, ...]
    directory: Path
    heartbeat: float = 10.0


def default_directory(site: str) -> Path:
    if os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV])
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / "netfinger" / f"sensor-{site}"


def _broker_facing_address(broker: str) -> str | None:
    """The local address that talks to the broker (a UDP connect sends nothing)."""
    parts = urlsplit(broker)
    if not parts.hostname:
        return None
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect((parts.hostname, parts.port or 6379))
        except OSError:
            return None
        return str(probe.getsockname()[0])


def sensor_targets(given: str | None, broker: str) -> tuple[str, ...]:
    """Where this sensor may scan; never the network its broker link is on."""
    text = given or os.environ.get(TARGETS_ENV, "")
    if text:
        targets = tuple(t.strip() for t in text.split(",") if t.strip())
        parse_targets(list(targets), False)
        return targets
    facing = _broker_facing_address(broker)
    nets = [str(n) for i in list_interfaces() if facing not in i.ips for n in i.networks]
    if not nets:
        raise UsageError("no local network to scan besides the broker link: give --targets CIDR[,CIDR...]")
    return tuple(dict.fromkeys(nets))


def _scan(order: Order, targets: tuple[str, ...]) -> Report:
    config = ScanConfig(targets=targets, timeout=order.timeout, probes=order.probes or DEFAULT_PROBES)
    return asyncio.run(run_scan(config))


def _listen(order: Order, targets: tuple[str, ...]) -> Report:
    try:
        passive: Any = importlib.import_module("netfinger.passive")
    except ModuleNotFoundError:
        raise UsageError("this netfinger has no passive listening (netfinger.passive)") from None
    networks = parse_targets(list(targets), False)
    iface = choose_interface(list_interfaces(), None, networks)
    if iface is None:
        raise UsageError("no interface faces this sensor's targets")
    config = passive.ListenConfig(iface=iface.name, duration=order.duration)
    report: Report = asyncio.run(passive.listen(config))
    return report


def run_order(cfg: SensorConfig, outbox: Outbox, order: Order) -> Result:
    """Run an order once per uid: a uid already in the outbox is re-sent, not scanned again."""
    kept = outbox.get(order.uid)
    if kept is not None:
        outbox.requeue(order.uid)
        log.info("order %s was already run here; sending its result again", order.uid)
        return kept
    started = time.monotonic()
    report = _scan(order, cfg.targets) if order.kind == "scan" else _listen(order, cfg.targets)
    text = json.dumps(report.to_dict(), ensure_ascii=True, separators=(",", ":"))
    result = Result(order.uid, cfg.site, cfg.name, order.kind, text)
    outbox.put(result)
    try:
        history.record_sweep(cfg.directory / "history.sqlite", report, site=cfg.site, sensor=cfg.name,
                             uid=order.uid)  # fmt: skip
    except NetfingerError as exc:
        log.warning("local history not written: %s", exc)
    log.info("order %s: %s of %s done in %.1fs, %d hosts", order.uid, order.kind, ",".join(cfg.targets),
             time.monotonic() - started, len(report.hosts))  # fmt: skip
    return result


def register(app: Celery, cfg: SensorConfig, outbox: Outbox) -> None:
    queue = site_queue(cfg.site)

    @app.task(name=SWEEP_TASK, bind=True, acks_late=True)  # type: ignore[untyped-decorator]
    def sweep(self: Any, **kwargs: Any) -> str:
        routed = (self.request.delivery_info or {}).get("routing_key")
        try:
            order = Order.parse(kwargs, default_uid=f"task:{self.request.id}")
        except UsageError as exc:
            log.error("order rejected: %s", exc)  # noqa: TRY400 - the reason is the message
            return "rejected"
        if order.site != cfg.site or routed not in (None, queue):
            log.error("order %s for site %s on queue %s rejected: this sensor serves %s only",
                      order.uid, order.site, routed, cfg.site)  # fmt: skip
            return "rejected"
        try:
            run_order(cfg, outbox, order)
        except UsageError as exc:
            log.error("order %s cannot run here: %s", order.uid, exc)  # noqa: TRY400
            return "failed"
        return order.uid


def run_worker(cfg: SensorConfig) -> int:
    """The Celery worker (a child of :func:`run_sensor`): the site's queue, one order at a time."""
    app = make_app(cfg.broker)
    register(app, cfg, Outbox(cfg.directory))
    app.worker_main(worker_argv([site_queue(cfg.site)], f"sensor.{cfg.site}@{socket.gethostname()}"))
    return 0


def run_sensor(cfg: SensorConfig) -> int:
    """Until SIGTERM/Ctrl-C: the worker (supervised, restarted when the broker comes back) and the
    sender thread that takes the outbox to HQ and sends heartbeats."""
    check_site(cfg.site)
    outbox = Outbox(cfg.directory)
    sender = Sender(make_app(cfg.broker), outbox, cfg.site, cfg.name, cfg.heartbeat)
    log.warning("sensor %s for site %s on %s, targets %s, outbox %s", cfg.name, cfg.site, redact(cfg.broker),
                ",".join(cfg.targets), outbox.path)  # fmt: skip
    config = {**asdict(cfg), "directory": str(cfg.directory), "targets": list(cfg.targets)}
    supervisor = Supervisor("sensor", config, cfg.broker)
    handle_signals(supervisor.stop_event)
    sender.start()
    try:
        return supervisor.run()
    finally:
        sender.stop()
        sender.join(timeout=15)
