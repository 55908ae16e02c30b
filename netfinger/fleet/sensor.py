"""``netfinger sensor``: a Celery worker on one site's queue that scans (or listens) where it stands.

Each order is checked (it must name this sensor's site and arrive on its queue), run against the
sensor's own targets only (:mod:`orders`), its result or failure report kept in the outbox (and a
result in a local history), and only then acknowledged; the sender thread takes it to HQ. Targets:
``--targets``, else NETFINGER_SENSOR_TARGETS, else the subnets of this host's interfaces except the
one facing the broker (HQ is never swept).
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from celery import Celery

from netfinger.errors import UsageError
from netfinger.fleet.app import make_app, worker_argv
from netfinger.fleet.config import SWEEP_TASK, check_site, redact, site_queue
from netfinger.fleet.messages import Failure, Order, inert, is_uid
from netfinger.fleet.orders import run_order, warm_up
from netfinger.fleet.outbox import Outbox
from netfinger.fleet.sender import Sender
from netfinger.fleet.supervise import Supervisor, handle_signals
from netfinger.scan.iface import list_interfaces
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
    time_limit: float = 3600.0  # a scan order's limit unless the order sets its own
    listen_iface: str = ""  # where listen orders listen ("": the interface facing the targets)


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


def _refused(cfg: SensorConfig, outbox: Outbox, kwargs: dict[str, Any], task_id: str, why: str) -> str:
    """An order for this site that cannot be read: said back to HQ when it has a usable uid."""
    log.error("order rejected: %s", why)
    uid = kwargs.get("uid") or f"task:{task_id}"
    if kwargs.get("site") == cfg.site and isinstance(uid, str) and is_uid(uid):
        kind = kwargs.get("kind") if kwargs.get("kind") in ("scan", "listen") else "scan"
        outbox.put_failure(Failure(uid, cfg.site, cfg.name, str(kind), inert(f"order rejected: {why}")))
    return "rejected"


def register(app: Celery, cfg: SensorConfig, outbox: Outbox) -> None:
    queue = site_queue(cfg.site)

    @app.task(name=SWEEP_TASK, bind=True, acks_late=True)  # type: ignore[untyped-decorator]
    def sweep(self: Any, **kwargs: Any) -> str:
        routed = (self.request.delivery_info or {}).get("routing_key")
        try:
            order = Order.parse(kwargs, default_uid=f"task:{self.request.id}")
        except UsageError as exc:
            return _refused(cfg, outbox, kwargs, str(self.request.id), str(exc))
        if order.site != cfg.site or routed not in (None, queue):
            log.error("order %s for site %s on queue %s rejected: this sensor serves %s only",
                      order.uid, order.site, routed, cfg.site)  # fmt: skip
            return "rejected"
        outcome = run_order(cfg, outbox, order)
        return "failed" if isinstance(outcome, Failure) else order.uid


def run_worker(cfg: SensorConfig) -> int:
    """The Celery worker (a child of :func:`run_sensor`): the site's queue, one order at a time."""
    app = make_app(cfg.broker)
    register(app, cfg, Outbox(cfg.directory))
    warm_up()
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
