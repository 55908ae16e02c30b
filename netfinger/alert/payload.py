"""Build the alert's change set from a diff, and render it as the webhook's JSON payload. Pure; no I/O.

A device's tier is the ``status`` its verdict carries (banned / suspect / clear / unknown). Verdicts
without one (or with the default ``unknown``, as reports written before tiers read back) fall back to
``banned`` when banned, ``clear`` when identified, else ``unknown``.
"""

from __future__ import annotations

from collections.abc import Iterable

from netfinger.alert.interface import TRIGGERS, ChangeSet, HostChange, SweepInfo
from netfinger.history.diff import DeviceEntry, ReportDiff
from netfinger.report.model import HostReport

PAYLOAD_SCHEMA_ID = "netfinger.alert/1"
TIERS = ("banned", "suspect", "clear", "unknown")
COVERED_TIERS = frozenset({"banned", "suspect"})
MAX_HOSTS = 1000  # per alert; the counts still cover every host
MAX_TEXT_HOSTS = 20  # lines in the chat ``text``


def tier(host: HostReport) -> str:
    status = getattr(host.verdict, "status", None)
    if isinstance(status, str) and status in TIERS and status != "unknown":
        return status
    if host.verdict.banned:
        return "banned"
    return "clear" if host.verdict.manufacturer else "unknown"


def _previous_tier(entry: DeviceEntry, now: str) -> str:
    """The tier before the change: the diff's ``old_status``, else its status or banned change."""
    old_status = getattr(entry, "old_status", None)
    if isinstance(old_status, str) and old_status in TIERS and old_status != "unknown":
        return old_status
    for change in entry.changes:
        if change.field == "status" and isinstance(change.old, str):
            return change.old
    for change in entry.changes:
        if change.field == "banned":
            return "banned" if change.old else "clear"
    return now


def _vuln_ids(host: HostReport) -> tuple[str, ...]:
    return tuple(f.id for f in host.verdict.vulnerabilities)


def _fired(event: str, now: str, before: str | None, new_vulns: tuple[str, ...]) -> list[str]:
    fired = []
    if now == "banned" and before != "banned" and event != "gone":
        fired.append("new-banned")
    if now == "suspect" and before not in COVERED_TIERS and event != "gone":  # not banned -> suspect
        fired.append("suspect")
    if new_vulns and event != "gone":
        fired.append("vulnerable")
    if event == "gone" and (now in COVERED_TIERS or new_vulns):
        fired.append("gone")
    return fired


def _host_change(event: str, entry: DeviceEntry, triggers: Iterable[str]) -> HostChange | None:
    host, now = entry.host, tier(entry.host)
    before = None if event == "new" else (now if event == "gone" else _previous_tier(entry, now))
    if event == "changed":
        new_vulns = tuple(str(c.new) for c in entry.changes if c.kind == "new_vulnerability")
    else:
        new_vulns = _vuln_ids(host)
    wanted = set(triggers)
    fired = tuple(t for t in _fired(event, now, before, new_vulns) if t in wanted)
    if not fired:
        return None
    v = host.verdict
    return HostChange(
        event=event, triggers=fired, identity=entry.identity, ip=host.evidence.ip, mac=host.evidence.mac,
        manufacturer=v.manufacturer, brand=v.brand, model=v.model, firmware=v.firmware, tier=now,
        previous_tier=before, new_vulnerabilities=new_vulns if event != "gone" else (),
        vulnerabilities=_vuln_ids(host), changes=tuple(c.to_dict() for c in entry.changes),
    )  # fmt: skip


def build_changes(diff: ReportDiff, sweep: SweepInfo, triggers: Iterable[str]) -> ChangeSet:
    """The devices of ``diff`` that fire one of ``triggers``; empty when none does."""
    selected = tuple(triggers)
    hosts: list[HostChange] = []
    for event, entries in (("new", diff.new), ("changed", diff.changed), ("gone", diff.gone)):
        for entry in entries:
            change = _host_change(event, entry, selected)
            if change is not None:
                hosts.append(change)
    counts = {t: sum(1 for h in hosts if t in h.triggers) for t in TRIGGERS if t in selected}
    return ChangeSet(sweep=sweep, hosts=tuple(hosts), counts=counts)
