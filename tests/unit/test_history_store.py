"""Sweep history on both backends (SQLite, PostgreSQL): one transaction per sweep, listing, loading,
last~N references, idempotent writes, the history command."""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa

from netfinger.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main
from netfinger.cli.output import add_output_arguments, write_outputs
from netfinger.errors import NetfingerError, UsageError
from netfinger.history import store
from netfinger.history.database import connect
from netfinger.history.refs import SweepRef, load_ref, parse_sweep_ref, resolve_sweep
from netfinger.history.store import Recorded, list_sweeps, load_sweep, record_sweep, store_sweep, sweep_ids
from netfinger.report.model import Report
from netfinger.report.samples import axis_host, sample_report, sample_scan_info
from netfinger.report.schema import report_schema

pytest_plugins = ["history_backends"]  # the history_db (SQLite, PostgreSQL) and pg_cluster fixtures


def _axis_only() -> Report:
    scan = sample_scan_info()
    scan.start, scan.end = "2026-11-25T02:00:00Z", "2026-11-25T02:01:00Z"
    return Report(scan=scan, hosts=[axis_host()])


def _count(db: str, table: str) -> int:
    engine, _ = connect(db)
    with engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def test_record_list_and_load(history_db: str) -> None:
    first = record_sweep(history_db, sample_report())
    second = record_sweep(history_db, _axis_only())
    assert second > first
    rows = list_sweeps(history_db)
    assert [(r.id, r.hosts, r.banned, r.vulnerable) for r in rows] == [(first, 4, 2, 2), (second, 1, 0, 0)]
    assert rows[0].started == "2026-11-24T02:00:00Z" and rows[0].targets == ["192.168.50.0/24"]
    assert [r.id for r in list_sweeps(history_db, limit=1)] == [second]
    loaded = load_sweep(history_db, first)
    assert loaded.to_dict() == sample_report().to_dict()
    jsonschema.validate(loaded.to_dict(), report_schema())


def test_new_sqlite_history_is_private(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite"
    record_sweep(db, sample_report())
    assert (db.stat().st_mode & 0o777) == 0o600


def test_per_host_rows_are_queryable(history_db: str) -> None:
    sweep = record_sweep(history_db, sample_report())
    engine, _ = connect(history_db)
    query = sa.text("SELECT model, vulnerabilities, site FROM sweep_hosts WHERE sweep_id = :s AND banned = 1 "
                    "ORDER BY ip")
    with engine.connect() as conn:
        banned = [tuple(r) for r in conn.execute(query, {"s": sweep})]
    assert banned == [("DS-2CD2142FWD-I", '["CVE-2017-7921"]', "default"),
                      ("IPC-HDW1431T1-S4", '["CVE-2021-33044"]', "default")]


def test_failure_midway_records_no_half_sweep(history_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    record_sweep(history_db, _axis_only())
    calls = {"n": 0}
    real_row = store.host_row

    def failing_row(*args: object) -> dict[str, object]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")
        return real_row(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "host_row", failing_row)
    with pytest.raises(RuntimeError, match="power cut"):
        record_sweep(history_db, sample_report())
    assert calls["n"] == 3  # the sweep row and two host rows were on their way ...
    assert len(list_sweeps(history_db)) == 1  # ... and rolled back together
    assert _count(history_db, "sweep_hosts") == 1


def test_a_retried_write_is_a_no_op(history_db: str) -> None:
    first = record_sweep(history_db, sample_report(), site="berlin", sensor="s1")
    assert store_sweep(history_db, sample_report(), site="berlin", sensor="s1") == Recorded(first, False)
    assert len(list_sweeps(history_db)) == 1 and _count(history_db, "sweep_hosts") == 4
    # An explicit uid (the fleet passes its task's sweep id) decides alone.
    a = record_sweep(history_db, _axis_only(), uid="sensor-7:42")
    assert record_sweep(history_db, sample_report(), uid="sensor-7:42") == a
    assert [r.uid for r in list_sweeps(history_db)][-1] == "sensor-7:42"
    # The same report from another site or sensor is another sweep.
    assert record_sweep(history_db, sample_report(), site="paris", sensor="s1") != first
    assert record_sweep(history_db, sample_report(), site="berlin", sensor="s2") != first
    assert len(list_sweeps(history_db)) == 4


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("7", SweepRef(sweep_id=7)),
        ("last", SweepRef()),
        ("last~2", SweepRef(back=2)),
        (" last~0 ", SweepRef()),
    ],
)
def test_parse_sweep_ref(text: str, ref: SweepRef) -> None:
    assert parse_sweep_ref(text) == ref


@pytest.mark.parametrize("text", ["", "last~", "last-1", "first", "~1", "report.json", "-3"])
def test_parse_sweep_ref_rejects(text: str) -> None:
    assert parse_sweep_ref(text) is None


def test_resolve_sweep() -> None:
    ids, db = [3, 4, 9], Path("h.sqlite")
    assert resolve_sweep(SweepRef(), ids, db) == 9
    assert resolve_sweep(SweepRef(back=2), ids, db) == 3
    assert resolve_sweep(SweepRef(sweep_id=4), ids, db) == 4
    with pytest.raises(UsageError, match="last~3 does not exist"):
        resolve_sweep(SweepRef(back=3), ids, db)
    with pytest.raises(UsageError, match="no sweep 5"):
        resolve_sweep(SweepRef(sweep_id=5), ids, db)


def test_load_ref_file_or_history(history_db: str, tmp_path: Path) -> None:
    record_sweep(history_db, sample_report())
    record_sweep(history_db, _axis_only())
    report, label = load_ref("last", history_db)
    assert label == f"sweep {sweep_ids(history_db)[-1]}" and len(report.hosts) == 1
    report, _ = load_ref("last~1", history_db)
    assert len(report.hosts) == 4
    with pytest.raises(UsageError, match="add --db"):
        load_ref("last", None)
    with pytest.raises(UsageError, match="no sweep 99"):
        load_ref("99", history_db)
    saved = tmp_path / "r.json"
    data = sample_report().to_dict()
    jsonschema.validate(data, report_schema())
    saved.write_text(json.dumps(data), encoding="utf-8")
    assert load_ref(str(saved), None)[1] == str(saved)


def test_history_command(history_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    record_sweep(history_db, sample_report(), sensor="gate-sensor")
    record_sweep(history_db, _axis_only(), site="annex", sensor="annex-sensor")
    assert main(["history", "--db", history_db, "--json"]) == EXIT_OK
    sweeps = json.loads(capsys.readouterr().out)["sweeps"]
    assert [(s["hosts"], s["banned"], s["start"], s["site"], s["sensor"]) for s in sweeps] == [
        (4, 2, "2026-11-24T02:00:00Z", "default", "gate-sensor"),
        (1, 0, "2026-11-25T02:00:00Z", "annex", "annex-sensor"),
    ]
    assert main(["history", "--db", history_db]) == EXIT_OK
    table = capsys.readouterr().out
    assert "2026-11-25T02:00:00Z" in table and "Banned" in table and "annex-sensor" in table
    assert main(["history", "--db", history_db, "--site", "annex", "--json"]) == EXIT_OK
    assert [s["site"] for s in json.loads(capsys.readouterr().out)["sweeps"]] == ["annex"]


def test_history_table_shows_the_newest_by_default(history_db: str, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr("netfinger.cli.history.TABLE_ROWS", 2)
    for day in (1, 2, 3):
        report = _axis_only()
        report.scan.start = f"2026-11-0{day}T02:00:00Z"
        record_sweep(history_db, report)
    assert main(["history", "--db", history_db]) == EXIT_OK
    out = capsys.readouterr().out
    assert "2026-11-01" not in out and "2026-11-03" in out and "--limit N" in out
    assert main(["history", "--db", history_db, "--limit", "0"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "2026-11-01" in out and "--limit N" not in out
    assert main(["history", "--db", history_db, "--json"]) == EXIT_OK
    assert len(json.loads(capsys.readouterr().out)["sweeps"]) == 3


def test_history_errors(history_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--db", history_db]) == EXIT_USAGE
    assert "no sweep history" in capsys.readouterr().err
    assert main(["history"]) == EXIT_USAGE
    assert "add --db" in capsys.readouterr().err


def test_sqlite_history_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(NetfingerError, match="cannot open history"):
        record_sweep(tmp_path / "no" / "such" / "dir.sqlite", sample_report())
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    assert main(["history", "--db", str(junk)]) == EXIT_FAILURE
    assert "unreadable" in capsys.readouterr().err
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    assert main(["history", "--db", str(other)]) == EXIT_USAGE
    assert "not a netfinger history" in capsys.readouterr().err
    assert main(["history", "--db", "mysql://u@h/db"]) == EXIT_USAGE
    assert "postgresql://" in capsys.readouterr().err


def test_scan_style_outputs_record_history(history_db: str, tmp_path: Path) -> None:
    json_path = tmp_path / "r.json"
    parser = argparse.ArgumentParser()
    add_output_arguments(parser)
    args = parser.parse_args(["--history", history_db, "--json", str(json_path), "--quiet", "--site", "hq"])
    assert write_outputs(args, sample_report()) == EXIT_OK
    assert write_outputs(args, sample_report()) == EXIT_OK  # the same report again: kept once
    jsonschema.validate(json.loads(json_path.read_text(encoding="utf-8")), report_schema())
    assert [r.site for r in list_sweeps(history_db)] == ["hq"]
    assert load_sweep(history_db, sweep_ids(history_db)[0]).to_dict() == json.loads(
        json_path.read_text(encoding="utf-8")
    )


def test_report_command_renders_a_recorded_sweep(history_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    record_sweep(history_db, sample_report())
    record_sweep(history_db, _axis_only())
    assert main(["report", "last~1", "--db", history_db, "--format", "csv"]) == EXIT_OK
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 5 and rows[1].startswith("192.168.50.21,")
    assert main(["report", "last", "--format", "csv"]) == EXIT_USAGE  # an id needs --db


def test_a_damaged_stored_report_is_a_usage_error(history_db: str) -> None:
    sweep = record_sweep(history_db, sample_report())
    engine, _ = connect(history_db)
    for damage in ('{"schema": "netfinger.report/1", "hosts": 7}', "[1, 2]", "not json",
                   '{"schema": "other"}'):  # fmt: skip
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE sweep_reports SET report = :r WHERE sweep_id = :s"),
                         {"r": damage, "s": sweep})  # fmt: skip
        with pytest.raises(UsageError, match="is damaged"):
            load_sweep(history_db, sweep)
