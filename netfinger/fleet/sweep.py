"""``netfinger fleet sweep``: send one order per site, and with ``--wait`` watch the store for them.

Each order gets a new uid (``SITE:HEX``); a site's result is "back" when the history holds a sweep of
that site with that uid. Sites whose result is not back by the deadline are named, not waited for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from celery import Celery

from netfinger import history
from netfinger.errors import NetfingerError
from netfinger.fleet.config import SWEEP_TASK, site_queue
from netfinger.fleet.messages import Order, new_uid

POLL_INTERVAL = 0.5
LOOK_BACK = 50  # sweeps per site searched for an order's uid


@dataclass(frozen=True)
class Arrival:
    order: Order
    sweep_id: int | None  # None: not back in time
    seconds: float
    hosts: int = 0
    banned: int = 0
    vulnerable: int = 0


def dispatch(app: Celery, sites: list[str], kind: str = "scan", *, timeout: float = 2.0,
             duration: float = 60.0, probes: tuple[str, ...] = ()) -> list[Order]:  # fmt: skip
    orders = [Order(new_uid(s), s, kind, timeout, duration, probes) for s in sites]
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


def wait(db: str, orders: list[Order], timeout: float, started: float | None = None) -> list[Arrival]:
    """Poll the store until every order is stored or ``timeout`` seconds have passed."""
    started = time.monotonic() if started is None else started
    found: dict[str, Arrival] = {}
    while True:
        for order in orders:
            if order.uid not in found and (row := _find(db, order)) is not None:
                found[order.uid] = Arrival(order, row.id, time.monotonic() - started, row.hosts, row.banned,
                                           row.vulnerable)  # fmt: skip
        elapsed = time.monotonic() - started
        if len(found) == len(orders) or elapsed >= timeout:
            break
        time.sleep(min(POLL_INTERVAL, max(timeout - elapsed, 0.01)))
    return [found.get(o.uid) or Arrival(o, None, time.monotonic() - started) for o in orders]
