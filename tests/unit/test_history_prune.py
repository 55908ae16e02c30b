"""history prune on both backends: --keep N per site, --older-than DAYS, host rows go with their sweep."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from netfinger.cli import EXIT_OK, EXIT_USAGE, main
from netfinger.errors import UsageError
from netfinger.history import prune_sweeps
from netfinger.history.database import connect
from netfinger.history.store import list_sweeps, record_sweep
from netfinger.report.model import Report
from netfinger.report.samples import sample_report

pytest_plugins = ["history_backends"]  # history_db: SQLite and PostgreSQL


def _night(day: int) -> Report:
    report = sample_report()
    report.scan.start = f"2026-11-{day:02d}T02:00:00Z"
    return report


def _fill(db: str) -> None:
    for day in (1, 2, 3, 4):
        record_sweep(db, _night(day), site="berlin")
    for day in (2, 4):
        record_sweep(db, _night(day), site="paris")


def _host_rows(db: str) -> int:
    engine, _ = connect(db)
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT COUNT(*) FROM sweep_hosts")).scalar_one())


def test_keep_the_newest_n_of_each_site(history_db: str) -> None:
    _fill(history_db)
    assert prune_sweeps(history_db, keep=1) == [1, 2, 3, 5]
    assert [(r.site, r.started[:10]) for r in list_sweeps(history_db)] == [
        ("berlin", "2026-11-04"), ("paris", "2026-11-04"),
    ]  # fmt: skip
    assert _host_rows(history_db) == 2 * 4


def test_keep_within_one_site(history_db: str) -> None:
    _fill(history_db)
    assert prune_sweeps(history_db, keep=2, site="berlin") == [1, 2]
    assert [r.id for r in list_sweeps(history_db)] == [3, 4, 5, 6]


def test_older_than_days(history_db: str) -> None:
    _fill(history_db)
    now = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
    assert prune_sweeps(history_db, older_than_days=3, now=now) == [1, 2, 5]  # before 2 Nov 12:00
    assert [r.started[:10] for r in list_sweeps(history_db)] == ["2026-11-03", "2026-11-04", "2026-11-04"]
    assert _host_rows(history_db) == 3 * 4
    assert prune_sweeps(history_db, older_than_days=30, now=now) == []


def test_prune_needs_one_rule(history_db: str) -> None:
    _fill(history_db)
    with pytest.raises(UsageError, match="exactly one"):
        prune_sweeps(history_db)
    with pytest.raises(UsageError, match="exactly one"):
        prune_sweeps(history_db, keep=1, older_than_days=1)


def test_prune_command(history_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    _fill(history_db)
    assert main(["history", "prune", "--db", history_db, "--keep", "3", "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == {"deleted": [1]}
    assert main(["history", "prune", "--db", history_db, "--site", "paris", "--keep", "0"]) == EXIT_OK
    assert "deleted 2 sweep(s)" in capsys.readouterr().out
    assert [r.site for r in list_sweeps(history_db)] == ["berlin"] * 3
    assert main(["history", "prune", "--db", history_db, "--older-than", "36500"]) == EXIT_OK
    assert len(list_sweeps(history_db)) == 3  # nothing is a century old
    with pytest.raises(SystemExit):
        main(["history", "prune", "--db", history_db])  # argparse: one of --keep/--older-than
    with pytest.raises(SystemExit):
        main(["history", "prune", "--db", history_db, "--keep", "-1"])
    assert main(["history", "prune", "--keep", "1"]) == EXIT_USAGE
