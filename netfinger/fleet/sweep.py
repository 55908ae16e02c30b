"""``netfinger fleet sweep``: send one order per site, and with ``--wait`` watch the store for them.

Each order gets a new uid (``SITE:HEX``); a site's result is "back" when the history holds a sweep of
that site with that uid, or "failed" when the fleet store holds a failure report for that uid (the
sensor took the order and could not carry it out: a failed site is not waited for). Sites with
neither by the deadline are named, not waited for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from celery import Celery

from netfinger import history
from netfinger.errors import NetfingerError
from netfinger.fleet import hqdb
from netfinger.fleet.config import SWEEP_TASK, site_queue
from netfinger.fleet.messages import Order, new_uid

POLL_INTERVAL = 0.2
LOOK_BACK = 50  # sweeps per site searched for an order's uid


@dataclass(frozen=True)
class Arrival:
    order: Order
    sweep_id: int | None  # None: failed (see failure) or not back in time
    seconds: float
    hosts: int = 0
    banned: int = 0
    vulnerable: int = 0
    failure: hqdb.FailureRow | None = None  # the sensor's report when the order failed
    row: history.SweepRow | None = None  # the stored sweep (its start and end as the sensor saw them)

    @property
    def sensor_seconds(self) -> float | None:
        """How long the scan itself took at the sensor (its report's start to end)."""
        if self.row is None:
            return None
        try:
            ended, started = datetime.fromisoformat(self.row.ended), datetime.fromisoformat(self.row.started)
            return (ended - started).total_seconds()
        except ValueError:
            return None


@dataclass(frozen=True)
class OrderSpec:
    """What every site is asked to do (the uid and site are added per order)."""

    kind: str = "scan"
    timeout: float = 2.0
    duration: float = 60.0
    probes: tuple[str, ...] = ()
    limit: float = 0.0
    iface: str = ""


def dispatch(app: Celery, sites: list[str], spec: OrderSpec | None = None) -> list[Order]:
    spec = spec or OrderSpec()
    orders = [Order(new_uid(s), s, spec.kind, spec.timeout, spec.duration, spec.probes, spec.limit,
                    spec.iface) for s in sites]  # fmt: skip
    for order in orders:
        try:
            app.send_task(SWEEP_TASK, kwargs=order.to_kwargs(), queue=site_queue(order.site), retry=True,
                          retry_policy={"max_retries": 3, "interval_start": 1, "interval_step": 1})
        except Exception as exc:  # kombu/redis errors: the broker is not there
            raise NetfingerError(f"cannot send the sweep to {order.site}: the broker is not reachable "
                                 f"({exc}); is it up, and are the URL and password right?") from exc
    return orders


def _find(db: str, order: Order) -> history.SweepRow | None:
    try:
        rows = history.list_sweeps(db, limit=LOOK_BACK, site=order.site)
    except NetfingerError:
        return None  # a store not created yet, or down for a moment: look again
    return next((r for r in rows if r.uid == order.uid), None)


def _failed(db: str, uids: list[str]) -> dict[str, hqdb.FailureRow]:
    try:
        return hqdb.failures_of(db, uids)
    except (NetfingerError, sa.exc.SQLAlchemyError):
        return {}  # down for a moment: look again


def _look(db: str, orders: list[Order], found: dict[str, Arrival], started: float) -> None:
    waiting = [o for o in orders if o.uid not in found]
    failed = _failed(db, [o.uid for o in waiting])
    for order in waiting:
        if (row := _find(db, order)) is not None:
            found[order.uid] = Arrival(order, row.id, time.monotonic() - started, row.hosts, row.banned,
                                       row.vulnerable, row=row)  # fmt: skip
        elif order.uid in failed:
            found[order.uid] = Arrival(order, None, time.monotonic() - started, failure=failed[order.uid])


def wait(db: str, orders: list[Order], timeout: float, started: float | None = None) -> list[Arrival]:
    """Poll the store until every order is stored or failed, or ``timeout`` seconds have passed."""
    started = time.monotonic() if started is None else started
    found: dict[str, Arrival] = {}
    while True:
        _look(db, orders, found, started)
        elapsed = time.monotonic() - started
        if len(found) == len(orders) or elapsed >= timeout:
            break
        time.sleep(min(POLL_INTERVAL, max(timeout - elapsed, 0.01)))
    return [found.get(o.uid) or Arrival(o, None, time.monotonic() - started) for o in orders]
