"""Carrying out one order at a sensor: a scan or a listen, within its time limit, once per uid.

The outcome goes to the outbox before the order is acknowledged: a :class:`Result`, or a
:class:`Failure` with the reason when the order cannot be carried out (the scan raised, a bad
target or interface, the time limit was hit). A crash (the process killed, the machine down) sends
nothing: the unacknowledged order is given out again, which is the point of late acknowledgement.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from netfinger import history
from netfinger.errors import NetfingerError, UsageError
from netfinger.fleet.messages import Failure, Order, Result, inert
from netfinger.fleet.outbox import Outbox
from netfinger.report.model import Report
from netfinger.scan import ScanConfig, run_scan
from netfinger.scan.config import DEFAULT_PROBES
from netfinger.scan.iface import choose_interface, list_interfaces
from netfinger.scan.targets import parse_targets

if TYPE_CHECKING:
    from netfinger.fleet.sensor import SensorConfig

log = logging.getLogger("netfinger.fleet.sensor")
LISTEN_GRACE = 60.0  # a listen order's default limit: its duration plus this
STOP_GRACE = 30.0  # after the limit stops the work, how long it may take to wind down


class TimeLimitHit(NetfingerError):
    pass


Work = Callable[[asyncio.Event], Awaitable[Report]]


async def _bounded(work: Work, limit: float, what: str) -> Report:
    """Run ``work(stop)``; at ``limit`` seconds set ``stop``, and give up STOP_GRACE later."""
    stop = asyncio.Event()
    timer = asyncio.get_running_loop().call_later(limit, stop.set)
    try:
        report = await asyncio.wait_for(work(stop), limit + STOP_GRACE)
    except TimeoutError:
        raise TimeLimitHit(f"time limit of {limit:g}s hit; the {what} did not stop") from None
    finally:
        timer.cancel()
    if stop.is_set():
        raise TimeLimitHit(f"time limit of {limit:g}s hit; the {what} was stopped")
    return report


def _scan(order: Order, targets: tuple[str, ...]) -> Work:
    config = ScanConfig(targets=targets, timeout=order.timeout, probes=order.probes or DEFAULT_PROBES)
    return lambda stop: run_scan(config, stop=stop)


def listen_interface(order: Order, cfg: SensorConfig) -> str:
    """The order's interface, else the sensor's --listen-iface, else the one facing its targets."""
    if order.iface or cfg.listen_iface:
        return order.iface or cfg.listen_iface
    iface = choose_interface(list_interfaces(), None, parse_targets(list(cfg.targets), False))
    if iface is None:
        raise UsageError("no interface faces this sensor's targets; give the sensor --listen-iface IF")
    return iface.name


def _listen(order: Order, cfg: SensorConfig) -> Work:
    try:
        passive: Any = importlib.import_module("netfinger.passive")
    except ModuleNotFoundError:
        raise UsageError("this netfinger has no passive listening (netfinger.passive)") from None
    config = passive.ListenConfig(iface=listen_interface(order, cfg), duration=order.duration)

    def ready(iface: str) -> None:
        log.info("order %s: listening on %s for %gs; nothing is sent", order.uid, iface, order.duration)

    return lambda stop: passive.listen(config, halt=stop, ready=ready)


def warm_up() -> None:
    """Load what a scan loads on first use (the scan core and its probes, the signatures, the OUI
    registry, the certificate reader; about a CPU-second) before the worker takes its first order, so
    that no order pays it; in a fleet sweep every sensor would pay it at the same moment. Never raises."""
    try:
        import netfinger.scan.core  # noqa: F401 - imported for its probes
        from netfinger.match import oui
        from netfinger.protocols import tls
        from netfinger.scan.report import load_matcher

        load_matcher()
        oui.warm_up()
        tls.warm_up()
    except Exception as exc:  # a scan would meet the same problem and report it
        log.warning("warm-up failed (%s: %s); the first scan loads what it needs", type(exc).__name__, exc)


def time_limit(order: Order, cfg: SensorConfig) -> float:
    if order.limit:
        return order.limit
    return cfg.time_limit if order.kind == "scan" else order.duration + LISTEN_GRACE


def _report(cfg: SensorConfig, order: Order) -> Report:
    work = _scan(order, cfg.targets) if order.kind == "scan" else _listen(order, cfg)
    return asyncio.run(_bounded(work, time_limit(order, cfg), order.kind))


def _reason(exc: Exception) -> str:
    if isinstance(exc, NetfingerError):
        return str(exc) or type(exc).__name__
    return f"the {type(exc).__name__} error: {exc}"


def run_order(cfg: SensorConfig, outbox: Outbox, order: Order) -> Result | Failure:
    """Run an order once per uid: a uid already in the outbox is re-sent, not run again."""
    kept = outbox.get(order.uid) or outbox.get_failure(order.uid)
    if kept is not None:
        outbox.requeue(order.uid)
        log.info("order %s was already run here; sending its outcome again", order.uid)
        return kept
    started = time.monotonic()
    try:
        report = _report(cfg, order)
    except Exception as exc:  # every way an order fails is reported back; a crash (BaseException) is not
        failure = Failure(order.uid, cfg.site, cfg.name, order.kind, inert(_reason(exc)),
                          round(time.monotonic() - started, 3))  # fmt: skip
        outbox.put_failure(failure)
        log.error("order %s failed after %.1fs: %s", order.uid, failure.seconds, failure.reason)  # noqa: TRY400
        return failure
    ran = time.monotonic() - started
    text = json.dumps(report.to_dict(), ensure_ascii=True, separators=(",", ":"))
    result = Result(order.uid, cfg.site, cfg.name, order.kind, text)
    outbox.put(result)
    try:
        history.record_sweep(cfg.directory / "history.sqlite", report, site=cfg.site, sensor=cfg.name,
                             uid=order.uid)  # fmt: skip
    except NetfingerError as exc:
        log.warning("local history not written: %s", exc)
    log.info("order %s: %s of %s done in %.1fs (the %s itself %.2fs), %d hosts", order.uid, order.kind,
             ",".join(cfg.targets), time.monotonic() - started, order.kind, ran,
             len(report.hosts))  # fmt: skip
    return result
