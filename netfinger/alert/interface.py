"""The alert seam: a change set in, a message out to one destination. Transports do their own I/O.

A :class:`ChangeSet` is what changed between a recorded sweep and the previous sweep of the same site,
already filtered by ``--alert-on``. Each :class:`Transport` turns it into its own format (webhook JSON,
mail, syslog lines) and sends it; a failed send raises :class:`DeliveryError`, which says whether a
retry can help.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any

from netfinger.errors import NetfingerError
from netfinger.report.model import Report

# What can trigger an alert, in the order summaries list them. The default is the first three.
TRIGGERS = ("new-banned", "suspect", "vulnerable", "gone")
DEFAULT_TRIGGERS = TRIGGERS[:3]
TRIGGER_WORDS = {
    "new-banned": "newly banned",
    "suspect": "newly suspect",
    "vulnerable": "with new vulnerabilities",
    "gone": "gone",
}
EVENTS = ("new", "gone", "changed")


class DeliveryError(NetfingerError):
    """One attempt to send failed. ``permanent``: retrying cannot help (e.g. HTTP 404, SMTP 550)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class HostChange:
    """One device that fired at least one trigger. Text fields are device-controlled: hostile."""

    event: str  # one of EVENTS
    triggers: tuple[str, ...]
    identity: str
    ip: str | None
    mac: str | None
    manufacturer: str | None
    brand: str | None
    model: str | None
    firmware: str | None
    tier: str  # banned | suspect | clear | unknown (the last sighting's, for gone devices)
    previous_tier: str | None  # None for new devices
    new_vulnerabilities: tuple[str, ...] = ()
    vulnerabilities: tuple[str, ...] = ()
    changes: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event, "triggers": list(self.triggers), "identity": self.identity,
            "ip": self.ip, "mac": self.mac, "manufacturer": self.manufacturer, "brand": self.brand,
            "model": self.model, "firmware": self.firmware, "tier": self.tier,
            "previous_tier": self.previous_tier, "new_vulnerabilities": list(self.new_vulnerabilities),
            "vulnerabilities": list(self.vulnerabilities), "changes": [dict(c) for c in self.changes],
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class SweepInfo:
    """The sweep the alert is about and the one it was compared with."""

    sweep_id: int
    previous_id: int
    site: str | None = None
    start: str = ""
    end: str = ""
    targets: tuple[str, ...] = ()
    scanner_host: str = ""
    signatures: tuple[str, str] = ("", "")  # (previous, this sweep)


@dataclass(frozen=True, slots=True)
class ChangeSet:
    sweep: SweepInfo
    hosts: tuple[HostChange, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)  # trigger -> hosts that fired it

    @property
    def empty(self) -> bool:
        return not self.hosts

    @property
    def summary(self) -> str:
        """One line for a person; names no device-controlled text."""
        where = f"site {self.sweep.site}, " if self.sweep.site and self.sweep.site != "default" else ""
        head = f"netfinger ({where}sweep {self.sweep.sweep_id} vs {self.sweep.previous_id})"
        parts = [f"{self.counts[t]} {TRIGGER_WORDS[t]}" for t in TRIGGERS if self.counts.get(t)]
        return f"{head}: {', '.join(parts) or 'no alerting changes'}"


class Transport(abc.ABC):
    """One alert destination. ``display`` is the URL as given, placeholders unexpanded: safe to log."""

    scheme: str = ""

    def __init__(self, display: str) -> None:
        self.display = display

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.display}>"

    @abc.abstractmethod
    async def send(self, changes: ChangeSet, report: Report, io_timeout: float) -> None:
        """Deliver once; raise :class:`DeliveryError` on failure. ``report`` is this sweep's."""
