"""Alerts after a recorded sweep: what changed since the previous sweep, sent to webhooks, mail, syslog.

``interface`` (the change set, the transport seam, ``DeliveryError``), ``payload`` (diff -> change set),
one module per transport (``webhook``, ``smtp``, ``syslog``), ``registry`` (URL scheme -> transport),
``deliver`` (retries and back-off) and ``sweep`` (the entry point: diff, send, record).
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
from netfinger.alert.registry import TRANSPORTS, parse_alert_url
from netfinger.alert.sweep import AlertConfig, AlertOutcome, alert_sweep

__all__ = [
    "DEFAULT_TRIGGERS", "TRANSPORTS", "TRIGGERS", "AlertConfig", "AlertOutcome", "ChangeSet", "Delivery",
    "DeliveryError", "HostChange", "RetryPolicy", "SweepInfo", "Transport", "alert_sweep", "parse_alert_url",
]  # fmt: skip
