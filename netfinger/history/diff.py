"""What changed between two reports: new, gone and changed devices. Pure; no I/O.

Hosts are matched by identity (MAC, else serial, else IP; see :mod:`netfinger.history.identity`). A
field that is unknown in one of the two reports (a probe did not answer this time) is not reported as
a change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from netfinger.history.identity import identity_keys
from netfinger.report.model import HostReport, Report
from netfinger.report.order import ip_sort_key
from netfinger.report.serial import serial_number

# (kind when the value changed, verdict/evidence attribute)
_COMPARED = (
    ("ip_changed", "ip"),
    ("manufacturer_changed", "manufacturer"),
    ("brand_changed", "brand"),
    ("model_changed", "model"),
    ("firmware_changed", "firmware"),
)


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # ip_changed, model_changed, firmware_changed, newly_banned, new_vulnerability, ...
    field: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True, slots=True)
class DeviceEntry:
    """One device in a diff: how it looks in the newer report (the older one for gone devices)."""

    identity: str
    host: HostReport
    changes: tuple[Change, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        v = self.host.verdict
        out: dict[str, Any] = {
            "identity": self.identity, "ip": self.host.evidence.ip, "mac": self.host.evidence.mac,
            "manufacturer": v.manufacturer, "brand": v.brand, "model": v.model, "firmware": v.firmware,
            "banned": v.banned, "vulnerabilities": [f.id for f in v.vulnerabilities],
        }  # fmt: skip
        if self.changes:
            out["changes"] = [c.to_dict() for c in self.changes]
        return out


@dataclass
class ReportDiff:
    new: list[DeviceEntry] = field(default_factory=list)
    gone: list[DeviceEntry] = field(default_factory=list)
    changed: list[DeviceEntry] = field(default_factory=list)
    # The signature sets the two reports were matched with; when they differ, identification and
    # vulnerability changes may come from the update rather than from the devices.
    signatures: tuple[str, str] = ("", "")

    @property
    def signatures_changed(self) -> bool:
        return self.signatures[0] != self.signatures[1]

    @property
    def empty(self) -> bool:
        return not (self.new or self.gone or self.changed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "new": [e.to_dict() for e in self.new],
            "gone": [e.to_dict() for e in self.gone],
            "changed": [e.to_dict() for e in self.changed],
            "signatures": {"old": self.signatures[0], "new": self.signatures[1]},
        }


def _value(host: HostReport, attr: str) -> str | None:
    value: str | None = host.evidence.ip if attr == "ip" else getattr(host.verdict, attr)
    return value


def host_changes(old: HostReport, new: HostReport) -> list[Change]:
    """Every difference between two sightings of the same device that a person should look at."""
    changes = []
    for kind, attr in _COMPARED:
        before, after = _value(old, attr), _value(new, attr)
        if before and after and before != after:
            changes.append(Change(kind, attr, before, after))
    if old.verdict.banned != new.verdict.banned:
        kind = "newly_banned" if new.verdict.banned else "no_longer_banned"
        changes.append(Change(kind, "banned", old.verdict.banned, new.verdict.banned))
    before_ids = [f.id for f in old.verdict.vulnerabilities]
    after_ids = [f.id for f in new.verdict.vulnerabilities]
    changes += [
        Change("new_vulnerability", "vulnerabilities", None, v) for v in after_ids if v not in before_ids
    ]
    changes += [
        Change("vulnerability_fixed", "vulnerabilities", v, None) for v in before_ids if v not in after_ids
    ]
    return changes


def _by_identity(report: Report) -> dict[str, HostReport]:
    return dict(zip(identity_keys(report.hosts), report.hosts, strict=True))


def _ip_order(entry: DeviceEntry) -> tuple[tuple[int, int, str], str]:
    return (ip_sort_key(entry.host.evidence.ip), entry.identity)


def _pair_by(attr: Callable[[HostReport], str | None], before: dict[str, HostReport],
             after: dict[str, HostReport], taken: set[str]) -> dict[str, str]:  # fmt: skip
    """Pair leftover hosts on ``attr`` (serial, then IP) when one side has no MAC (seen across a
    router one time, on-link the next) and their serials do not disagree. New key -> old key."""
    old_by: dict[str, str] = {}
    for k, h in before.items():
        value = attr(h)
        if k not in after and k not in taken and value:
            old_by.setdefault(value, k)
    pairs: dict[str, str] = {}
    for key, host in after.items():
        value = attr(host)
        old_key = old_by.get(value) if value and key not in before else None
        if old_key is None or (key.startswith("mac:") and old_key.startswith("mac:")):
            continue
        old_serial, new_serial = serial_number(before[old_key]), serial_number(host)
        if old_serial and new_serial and old_serial != new_serial:
            continue
        pairs[key] = old_key
        del old_by[value or ""]
    return pairs


def _pair_macless(before: dict[str, HostReport], after: dict[str, HostReport]) -> dict[str, str]:
    by_serial = _pair_by(serial_number, before, after, set())
    rest = {k: h for k, h in after.items() if k not in by_serial}
    return by_serial | _pair_by(lambda h: h.evidence.ip, before, rest, set(by_serial.values()))


def diff_reports(old: Report, new: Report) -> ReportDiff:
    before, after = _by_identity(old), _by_identity(new)
    pairs = {k: k for k in after if k in before} | _pair_macless(before, after)
    matched_old = set(pairs.values())
    result = ReportDiff(
        new=[DeviceEntry(k, h) for k, h in after.items() if k not in pairs],
        gone=[DeviceEntry(k, h) for k, h in before.items() if k not in matched_old],
        signatures=(old.scan.signatures_version, new.scan.signatures_version),
    )
    for key, old_key in pairs.items():
        changes = host_changes(before[old_key], after[key])
        if changes:
            result.changed.append(DeviceEntry(key, after[key], tuple(changes)))
    for entries in (result.new, result.gone, result.changed):
        entries.sort(key=_ip_order)
    return result
