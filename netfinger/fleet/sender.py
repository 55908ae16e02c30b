"""The sensor's sender thread: delivers the outbox to HQ and sends heartbeats, through the broker.

It looks at the outbox every POLL_EVERY seconds (the worker that fills it is another process; one
look is an index read) and sends a heartbeat every ``every`` seconds. A result or failure report the
broker does not take stays pending and is tried again on the next wake, so what was made while the
broker or the WAN link was down arrives when it is back, in the order it was made.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from celery import Celery

from netfinger.fleet.config import FAILURE_TASK, HEARTBEAT_TASK, RESULT_TASK, result_queue
from netfinger.fleet.messages import Heartbeat
from netfinger.fleet.outbox import Outbox

log = logging.getLogger("netfinger.fleet.sensor")
SEND_POLICY = {"max_retries": 1, "interval_start": 0.5, "interval_step": 0.5, "interval_max": 1.0}
POLL_EVERY = 0.2  # seconds between looks at the outbox (the worker is another process)
HEARTBEAT_EXPIRES = 120  # seconds: a heartbeat that waited longer in the queue says nothing


class Sender(threading.Thread):
    def __init__(self, app: Celery, outbox: Outbox, site: str, sensor: str, every: float) -> None:
        super().__init__(name="netfinger-sender", daemon=True)
        self.app, self.outbox, self.site, self.sensor, self.every = app, outbox, site, sensor, every
        self.queue = result_queue(site)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.delivered = 0

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def run(self) -> None:
        next_beat = 0.0
        while not self._stop.is_set():
            self._wake.clear()
            self.deliver()
            if time.monotonic() >= next_beat:
                self.beat()
                next_beat = time.monotonic() + self.every
            self._wake.wait(POLL_EVERY)

    def _send(self, name: str, kwargs: dict[str, Any], **options: Any) -> bool:
        try:
            self.app.send_task(name, kwargs=kwargs, queue=self.queue, retry=True, retry_policy=SEND_POLICY,
                               **options)  # fmt: skip
        except Exception as exc:  # kombu/redis raise many kinds; all mean "not now"
            log.warning("broker not reachable (%s: %s); will retry", type(exc).__name__, str(exc)[:200])
            return False
        return True

    def deliver(self) -> int:
        """Send every pending failure report, then every pending result; stop at the first the broker
        refuses. Returns how many went."""
        sent, ok = self._deliver("failures")
        if ok:
            sent += self._deliver("results")[0]
        self.delivered += sent
        return sent

    def _deliver(self, table: str) -> tuple[int, bool]:
        sent = 0
        for uid in self.outbox.pending(table):
            item = self.outbox.get_failure(uid) if table == "failures" else self.outbox.get(uid)
            if item is None:
                continue
            ok = self._send(FAILURE_TASK if table == "failures" else RESULT_TASK, item.to_kwargs())
            if table == "results":
                self.outbox.mark(uid, ok)
            elif ok:
                self.outbox.mark_failure(uid)
            if not ok:
                return sent, False
            log.info("%s %s delivered to %s", "failure report" if table == "failures" else "result", uid,
                     self.queue)  # fmt: skip
            sent += 1
        return sent, True

    def beat(self) -> None:
        _, pending = self.outbox.counts()
        self._send(HEARTBEAT_TASK, Heartbeat(self.site, self.sensor, time.time(), pending).to_kwargs(),
                   expires=HEARTBEAT_EXPIRES)  # fmt: skip
