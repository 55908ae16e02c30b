"""Sweep history: every recorded scan in one store (a SQLite file, or PostgreSQL for a fleet),
addressable by id or ``last~N`` within a site, and diffs.

The public API, for the CLI and the fleet: :func:`record_sweep` (one transaction, idempotent by
uid), :func:`load_sweep`, :func:`list_sweeps`, :func:`sweep_ids`, :func:`prune_sweeps` and
:func:`diff_reports`. ``db`` is a SQLite path or a ``postgresql://`` URL everywhere.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netfinger.history.diff import ReportDiff, diff_reports
    from netfinger.history.names import DEFAULT_SITE
    from netfinger.history.prune import prune_sweeps
    from netfinger.history.store import SweepRow, list_sweeps, load_sweep, record_sweep, sites, sweep_ids

# Imported on first use: the store pulls in SQLAlchemy, which a scan without --history never needs.
_LAZY = {
    "DEFAULT_SITE": "netfinger.history.names", "ReportDiff": "netfinger.history.diff",
    "diff_reports": "netfinger.history.diff", "prune_sweeps": "netfinger.history.prune",
    "SweepRow": "netfinger.history.store", "list_sweeps": "netfinger.history.store",
    "load_sweep": "netfinger.history.store", "record_sweep": "netfinger.history.store",
    "sites": "netfinger.history.store", "sweep_ids": "netfinger.history.store",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_SITE",
    "ReportDiff",
    "SweepRow",
    "diff_reports",
    "list_sweeps",
    "load_sweep",
    "prune_sweeps",
    "record_sweep",
    "sites",
    "sweep_ids",
]
