"""Sweep history: every recorded scan in one store (a SQLite file, or PostgreSQL for a fleet),
addressable by id or ``last~N`` within a site, and diffs.

The public API, for the CLI and the fleet: :func:`record_sweep` (one transaction, idempotent by
uid), :func:`load_sweep`, :func:`list_sweeps`, :func:`sweep_ids`, :func:`prune_sweeps` and
:func:`diff_reports`. ``db`` is a SQLite path or a ``postgresql://`` URL everywhere.
"""

from __future__ import annotations

from netfinger.history.diff import ReportDiff, diff_reports
from netfinger.history.prune import prune_sweeps
from netfinger.history.store import (
    DEFAULT_SITE,
    SweepRow,
    list_sweeps,
    load_sweep,
    record_sweep,
    sites,
    sweep_ids,
)

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
