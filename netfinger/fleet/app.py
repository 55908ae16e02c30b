"""The Celery app both sides share: JSON only, late acknowledgement, one task at a time per worker.

``acks_late`` with ``prefetch 1``: a sensor acknowledges an order only when its result is safe in the
local outbox, so an order whose sensor dies stays in Redis and is given out again once the visibility
timeout passes. ``rediss://`` brokers verify the server certificate (CA file in NETFINGER_BROKER_CA).
"""

from __future__ import annotations

import os
import ssl
from typing import Any

from celery import Celery

from netfinger.fleet.config import CA_ENV, visibility_timeout


def _tls(broker: str) -> dict[str, Any] | None:
    if not broker.startswith("rediss://"):
        return None
    options: dict[str, Any] = {"ssl_cert_reqs": ssl.CERT_REQUIRED}
    if os.environ.get(CA_ENV):
        options["ssl_ca_certs"] = os.environ[CA_ENV]
    return options


def make_app(broker: str) -> Celery:
    app = Celery("netfinger", broker=broker, set_as_current=False)
    app.conf.update(
        task_serializer="json", accept_content=["json"], result_serializer="json",
        task_ignore_result=True, result_backend=None,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_default_queue="netfinger.default", task_create_missing_queues=True,
        broker_connection_retry_on_startup=True, broker_connection_max_retries=None,
        broker_transport_options={"visibility_timeout": visibility_timeout(), "socket_timeout": 10,
                                  "socket_connect_timeout": 10, "retry_on_timeout": True},
        broker_use_ssl=_tls(broker),
        worker_enable_remote_control=False, worker_send_task_events=False, task_send_sent_event=False,
        worker_hijack_root_logger=False, worker_redirect_stdouts=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
    )  # fmt: skip
    return app


def worker_argv(queues: list[str], hostname: str, processes: int = 1) -> list[str]:
    """Only the given queues, one task at a time per process: a sensor runs one process (a scan is
    asyncio inside); ingest may run several (validating a result is CPU work), as a prefork pool."""
    pool = ["-P", "solo", "-c", "1"] if processes <= 1 else ["-P", "prefork", "-c", str(processes)]
    return ["worker", "-Q", ",".join(queues), *pool, "-n", hostname,
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]  # fmt: skip
