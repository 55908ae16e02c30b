"""Naming a report: a file path, or a sweep in the history by id, ``last`` or ``last~N``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from netfinger.errors import UsageError
from netfinger.history.store import load_sweep, sweep_ids
from netfinger.report.load import load_report
from netfinger.report.model import Report

_REF = re.compile(r"^(?:(?P<id>\d+)|last(?:~(?P<back>\d+))?)$")
REF_HELP = "a report file, or with --db a sweep id, 'last' or 'last~N' (N sweeps before the last)"


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


def resolve_sweep(ref: SweepRef, ids: list[int], db: Path) -> int:
    """The sweep id ``ref`` names among ``ids`` (ascending); UsageError when there is none."""
    if ref.sweep_id is not None:
        if ref.sweep_id not in ids:
            raise UsageError(f"no sweep {ref.sweep_id} in {db}; 'netfinger history --db {db}' lists them")
        return ref.sweep_id
    if ref.back >= len(ids):
        raise UsageError(f"{db} holds {len(ids)} sweep(s); last~{ref.back} does not exist yet")
    return ids[-1 - ref.back]


def load_ref(text: str, db: Path | None) -> tuple[Report, str]:
    """Load the report ``text`` names; return it with a label for humans (path or ``sweep N``).

    An existing file wins over a history reference of the same spelling.
    """
    path = Path(text)
    if path.is_file():
        return load_report(path), str(path)
    ref = parse_sweep_ref(text)
    if ref is None:
        raise UsageError(f"{text!r} is not a file, and not a sweep id, 'last' or 'last~N'")
    if db is None:
        raise UsageError(f"{text!r} names a sweep in the history; add --db HISTORY.sqlite")
    sweep_id = resolve_sweep(ref, sweep_ids(db), db)
    return load_sweep(db, sweep_id), f"sweep {sweep_id}"
