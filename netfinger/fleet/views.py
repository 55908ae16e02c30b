"""What HQ shows per site, read through the history's public functions: the latest sweep, the one
before it (for "new since last"), and the counts of the last sweeps (for trends)."""

from __future__ import annotations

from dataclasses import dataclass, field

from netfinger import history
from netfinger.report.model import Report

DEFAULT_TREND = 30


@dataclass(frozen=True)
class SiteView:
    site: str
    rows: list[history.SweepRow] = field(default_factory=list)  # oldest first, the latest last
    latest: Report | None = None
    new_since_last: int = 0
    gone_since_last: int = 0

    @property
    def last(self) -> history.SweepRow | None:
        return self.rows[-1] if self.rows else None


def site_view(db: str, site: str, trend: int = DEFAULT_TREND, with_report: bool = True) -> SiteView:
    rows = history.list_sweeps(db, limit=max(trend, 2), site=site)
    if not rows:
        return SiteView(site)
    latest = history.load_sweep(db, rows[-1].id) if with_report or len(rows) > 1 else None
    new = gone = 0
    if latest is not None and len(rows) > 1:
        diff = history.diff_reports(history.load_sweep(db, rows[-2].id), latest)
        new, gone = len(diff.new), len(diff.gone)
    elif len(rows) == 1:
        new = rows[0].hosts  # a first sweep: everything is new
    return SiteView(site, rows[-trend:], latest if with_report else None, new, gone)


def fleet_views(db: str, sites: list[str] | None = None, trend: int = DEFAULT_TREND,
                with_report: bool = True) -> list[SiteView]:  # fmt: skip
    """One view per site: the given sites, else every site the store holds sweeps of."""
    names = sorted(set(sites)) if sites else history.sites(db)
    return [site_view(db, s, trend, with_report) for s in names]
