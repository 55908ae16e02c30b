"""Alerts after a recorded sweep: what changed since the previous sweep, sent to webhooks, mail, syslog.

``interface`` (the change set, the transport seam, ``DeliveryError``), ``payload`` (diff -> change set),
one module per transport (``webhook``, ``smtp``, ``syslog``), ``registry`` (URL scheme -> transport,
``parse_alert_url``), ``deliver`` (retries and back-off) and ``sweep`` (the entry point,
``alert_sweep``: diff, send, record). This package re-exports only the light seam; the transports
and the core are imported where they are used, so a command without ``--alert`` never loads them.
"""

from __future__ import annotations

from netfinger.alert.deliver import Delivery, RetryPolicy
from netfinger.alert.interface import (
    DEFAULT_TRIGGERS,
    TRIGGERS,
    ChangeSet,
    DeliveryError,
    HostChange,
    SweepInfo,
    Transport,
)

__all__ = [
    "DEFAULT_TRIGGERS", "TRIGGERS", "ChangeSet", "Delivery", "DeliveryError", "HostChange", "RetryPolicy",
    "SweepInfo", "Transport",
]  # fmt: skip
