"""``netfinger fleet status``: per site, the sensors heard from lately, the last sweep and its counts."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from netfinger.errors import NetfingerError
from netfinger.fleet import hqdb
from netfinger.fleet.config import result_queue
from netfinger.fleet.views import fleet_views

ONLINE_WITHIN = 35.0  # seconds: three missed 10 s heartbeats and a margin


@dataclass(frozen=True)
class SiteStatus:
    site: str
    online: list[str] = field(default_factory=list)
    offline: list[str] = field(default_factory=list)
    pending: int = 0  # results the site's sensors still hold
    rejected: int = 0
    last: dict[str, Any] | None = None  # the last sweep's listing row
    new_since_last: int = 0
    suspect: int | None = None  # hosts of the last sweep in the suspect tier (None: no sweep yet)
    failure: hqdb.FailureRow | None = None  # the site's latest failed order

    def to_dict(self) -> dict[str, Any]:
        return {"site": self.site, "sensors_online": self.online, "sensors_offline": self.offline,
                "pending_results": self.pending, "rejected_results": self.rejected,
                "last_sweep": self.last, "new_since_last": self.new_since_last,
                "suspect": self.suspect,
                "last_failure": self.failure.to_dict() if self.failure else None}  # fmt: skip


def _age(seconds: float) -> str:
    seconds = max(0.0, seconds)  # a heartbeat stamped a moment after ``now`` is not "-0s ago"
    if seconds < 120:
        return f"{seconds:.0f}s"
    return f"{seconds / 60:.0f}m" if seconds < 7200 else f"{seconds / 3600:.0f}h"


def fleet_status(db: str, sites: list[str], now: float | None = None,
                 online_within: float = ONLINE_WITHIN) -> list[SiteStatus]:  # fmt: skip
    now = time.time() if now is None else now
    sensors = hqdb.list_sensors(db)
    rejects = hqdb.reject_counts(db)
    failures = hqdb.last_failures(db)
    try:
        # the latest report of each site: its suspect count is not a column of the sweep listing
        views = {v.site: v for v in fleet_views(db, None, trend=2, with_report=True)}
    except NetfingerError:
        views = {}  # no sweep stored yet
    names = sorted(set(sites) | set(views) | set(failures) | {s.site for s in sensors})
    out = []
    for site in names:
        mine = [s for s in sensors if s.site == site]
        online = [f"{s.sensor} ({_age(now - s.last_seen)} ago)" for s in mine
                  if now - s.last_seen <= online_within]
        offline = [f"{s.sensor} (last {_age(now - s.last_seen)} ago)" for s in mine
                   if now - s.last_seen > online_within]  # fmt: skip
        view = views.get(site)
        last = view.last.to_dict() if view is not None and view.last is not None else None
        latest = view.latest if view is not None else None
        suspect = int(latest.summary()["suspect"]) if latest is not None else None
        out.append(SiteStatus(site, online, offline, sum(s.pending for s in mine),
                              rejects.get(result_queue(site), 0), last,
                              view.new_since_last if view else 0, suspect, failures.get(site)))  # fmt: skip
    return out


def when(iso: str) -> str:
    try:
        at = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return f"{iso} ({_age((datetime.now(UTC) - at).total_seconds())} ago)"


def _failure_cell(failure: hqdb.FailureRow | None, now: float) -> str:
    if failure is None:
        return "none"
    return f"{_age(now - failure.at)} ago, {failure.kind}: {failure.reason}"


def render_table(rows: list[SiteStatus], width: int = 120) -> str:
    import io

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="netfinger fleet")
    for col in ("site", "sensors online", "last sweep", "hosts", "banned", "suspect", "vulnerable", "new",
                "pending", "rejected", "last failure"):
        # Headers keep to one line (the cells wrap instead), but for the widest, which may take two.
        table.add_column(col, min_width=len(col) if col != "sensors online" else len("sensors"))
    for r in rows:
        last = r.last or {}
        table.add_row(Text(r.site), Text("\n".join(r.online) or ("none; " + ", ".join(r.offline) if r.offline
                                                               else "none")),
                      Text(when(str(last["end"])) if last else "none yet"), str(last.get("hosts", "-")),
                      str(last.get("banned", "-")), "-" if r.suspect is None else str(r.suspect),
                      str(last.get("vulnerable", "-")), str(r.new_since_last),
                      str(r.pending), str(r.rejected),
                      Text(_failure_cell(r.failure, time.time())))  # fmt: skip
    out = io.StringIO()
    Console(file=out, width=width, force_terminal=False, color_system=None).print(table)
    return out.getvalue()
