"""Naming a report: a file path, or a sweep in the history by id, ``last`` or ``last~N``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from netfinger.errors import UsageError
from netfinger.history.database import locate
from netfinger.history.store import Db, load_sweep, sites, sweep_ids, sweep_row
from netfinger.report.load import load_report
from netfinger.report.model import Report

_REF = re.compile(r"^(?:(?P<id>\d+)|last(?:~(?P<back>\d+))?)$")


@dataclass(frozen=True, slots=True)
class SweepRef:
    """Either an absolute sweep id or an offset back from the newest sweep."""

    sweep_id: int | None = None
    back: int = 0


def parse_sweep_ref(text: str) -> SweepRef | None:
    """``"7"`` -> id 7, ``"last"`` -> newest, ``"last~2"`` -> two before newest; else None."""
    m = _REF.match(text.strip())
    if m is None:
        return None
    if m.group("id") is not None:
        return SweepRef(sweep_id=int(m.group("id")))
    return SweepRef(back=int(m.group("back") or 0))


def resolve_sweep(ref: SweepRef, ids: list[int], db: object) -> int:
    """The sweep id ``ref`` names among ``ids`` (ascending); UsageError when there is none."""
    if ref.sweep_id is not None:
        if ref.sweep_id not in ids:
            raise UsageError(f"no sweep {ref.sweep_id} in {db}; 'netfinger history --db {db}' lists them")
        return ref.sweep_id
    if ref.back >= len(ids):
        raise UsageError(f"{db} holds {len(ids)} sweep(s); last~{ref.back} does not exist yet")
    return ids[-1 - ref.back]


def choose_site(db: Db, site: str | None) -> str | None:
    """The site ``last``/``last~N`` count within: ``site`` when given (it must have sweeps), else the
    only site in the history; None for an empty history. UsageError when several sites need a choice."""
    known = sites(db)
    if site is not None:
        if site not in known:
            shown = ", ".join(known) or "none yet"
            raise UsageError(f"no sweeps of site {site!r} in the history (sites: {shown})")
        return site
    if len(known) > 1:
        shown = ", ".join(known)
        raise UsageError(f"the history holds {len(known)} sites ({shown}); pick one with --site NAME")
    return known[0] if known else None


@dataclass(frozen=True, slots=True)
class Resolved:
    """A loaded report and where it came from: a file (no site) or a sweep of a site."""

    report: Report
    label: str
    site: str | None = None
    sensor: str | None = None


def resolve_ref(text: str, db: Db | None, site: str | None = None) -> Resolved:
    """Load the report ``text`` names (see :func:`load_ref`), with the sweep's site and sensor."""
    path = Path(text)
    if path.is_file():
        return Resolved(load_report(path), str(path))
    ref = parse_sweep_ref(text)
    if ref is None:
        raise UsageError(f"{text!r} is not a file, and not a sweep id, 'last' or 'last~N'")
    if db is None:
        raise UsageError(f"{text!r} names a sweep in the history; add --db HISTORY.sqlite "
                         "or a postgresql:// URL")
    label = locate(db).label
    if ref.sweep_id is not None:
        row = sweep_row(db, ref.sweep_id)
        if site is not None and row is not None and row.site != site:
            raise UsageError(f"sweep {ref.sweep_id} belongs to site {row.site!r}, not {site!r}")
        sweep_id = resolve_sweep(ref, [ref.sweep_id] if row is not None else [], label)
    else:
        sweep_id = resolve_sweep(ref, sweep_ids(db, choose_site(db, site)), label)
        row = sweep_row(db, sweep_id)
    report = load_sweep(db, sweep_id)
    return Resolved(report, f"sweep {sweep_id}", row.site if row else None, row.sensor if row else None)


def load_ref(text: str, db: Db | None, site: str | None = None) -> tuple[Report, str]:
    """Load the report ``text`` names; return it with a label for humans (path or ``sweep N``).

    An existing file wins over a history reference of the same spelling. ``last``/``last~N`` count
    the sweeps of ``site`` (default: the only site); an id names one sweep of any site.
    """
    found = resolve_ref(text, db, site)
    return found.report, found.label
