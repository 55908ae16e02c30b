"""Sweep history: one transaction per sweep, listing, loading, last~N references, the history command."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import jsonschema
import pytest

from netfinger.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main
from netfinger.errors import NetfingerError, UsageError
from netfinger.history import store
from netfinger.history.refs import SweepRef, load_ref, parse_sweep_ref, resolve_sweep
from netfinger.history.store import list_sweeps, load_sweep, record_sweep, sweep_ids
from netfinger.report.model import Report
from netfinger.report.samples import axis_host, sample_report, sample_scan_info
from netfinger.report.schema import report_schema


def _axis_only() -> Report:
    scan = sample_scan_info()
    scan.start, scan.end = "2026-11-25T02:00:00Z", "2026-11-25T02:01:00Z"
    return Report(scan=scan, hosts=[axis_host()])


def test_record_list_and_load(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite"
    first = record_sweep(db, sample_report())
    second = record_sweep(db, _axis_only())
    assert second > first
    rows = list_sweeps(db)
    assert [(r.id, r.hosts, r.banned, r.vulnerable) for r in rows] == [(first, 4, 2, 2), (second, 1, 0, 0)]
    assert rows[0].started == "2026-11-24T02:00:00Z" and rows[0].targets == ["192.168.50.0/24"]
    assert [r.id for r in list_sweeps(db, limit=1)] == [second]
    assert (db.stat().st_mode & 0o777) == 0o600
    loaded = load_sweep(db, first)
    assert loaded.to_dict() == sample_report().to_dict()
    jsonschema.validate(loaded.to_dict(), report_schema())


def test_per_host_rows_are_queryable(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite"
    sweep = record_sweep(db, sample_report())
    with sqlite3.connect(db) as conn:
        banned = conn.execute(
            "SELECT model, vulnerabilities FROM sweep_hosts WHERE sweep_id = ? AND banned ORDER BY ip",
            (sweep,),
        ).fetchall()
    assert banned == [("DS-2CD2142FWD-I", '["CVE-2017-7921"]'), ("IPC-HDW1431T1-S4", '["CVE-2021-33044"]')]


def test_failure_midway_records_no_half_sweep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "history.sqlite"
    record_sweep(db, _axis_only())
    calls = {"n": 0}
    real_row = store.host_row

    def failing_row(*args: object) -> tuple[object, ...]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")
        return real_row(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "host_row", failing_row)
    with pytest.raises(RuntimeError, match="power cut"):
        record_sweep(db, sample_report())
    assert calls["n"] == 3  # two host rows were inserted before the failure ...
    assert len(list_sweeps(db)) == 1  # ... and rolled back with the sweep row
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sweep_hosts").fetchone()[0] == 1


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


def test_load_ref_file_or_history(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    record_sweep(db, sample_report())
    record_sweep(db, _axis_only())
    report, label = load_ref("last", db)
    assert label == f"sweep {sweep_ids(db)[-1]}" and len(report.hosts) == 1
    report, _ = load_ref("last~1", db)
    assert len(report.hosts) == 4
    with pytest.raises(UsageError, match="add --db"):
        load_ref("last", None)
    saved = tmp_path / "r.json"
    data = sample_report().to_dict()
    jsonschema.validate(data, report_schema())
    saved.write_text(json.dumps(data), encoding="utf-8")
    assert load_ref(str(saved), None)[1] == str(saved)


def test_history_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.sqlite"
    record_sweep(db, sample_report())
    record_sweep(db, _axis_only())
    assert main(["history", "--db", str(db), "--json"]) == EXIT_OK
    sweeps = json.loads(capsys.readouterr().out)["sweeps"]
    assert [(s["hosts"], s["banned"], s["start"]) for s in sweeps] == [
        (4, 2, "2026-11-24T02:00:00Z"),
        (1, 0, "2026-11-25T02:00:00Z"),
    ]
    assert main(["history", "--db", str(db)]) == EXIT_OK
    table = capsys.readouterr().out
    assert "2026-11-25T02:00:00Z" in table and "Banned" in table


def test_history_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(NetfingerError, match="cannot open history"):
        record_sweep(tmp_path / "no" / "such" / "dir.sqlite", sample_report())
    assert main(["history", "--db", str(tmp_path / "none.sqlite")]) == EXIT_USAGE
    assert "no sweep history" in capsys.readouterr().err
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    assert main(["history", "--db", str(junk)]) == EXIT_FAILURE
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    assert main(["history", "--db", str(other)]) == EXIT_USAGE
    assert "not a netfinger history" in capsys.readouterr().err


def test_scan_style_outputs_record_history(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    json_path = tmp_path / "r.json"
    import argparse

    from netfinger.cli.output import add_output_arguments, write_outputs

    parser = argparse.ArgumentParser()
    add_output_arguments(parser)
    args = parser.parse_args(["--history", str(db), "--json", str(json_path), "--quiet"])
    assert write_outputs(args, sample_report()) == EXIT_OK
    jsonschema.validate(json.loads(json_path.read_text(encoding="utf-8")), report_schema())
    assert len(list_sweeps(db)) == 1
    assert load_sweep(db, sweep_ids(db)[0]).to_dict() == json.loads(json_path.read_text(encoding="utf-8"))


def test_report_command_renders_a_recorded_sweep(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.sqlite"
    record_sweep(db, sample_report())
    record_sweep(db, _axis_only())
    assert main(["report", "last~1", "--db", str(db), "--format", "csv"]) == EXIT_OK
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 5 and rows[1].startswith("192.168.50.21,")
    assert main(["report", "last", "--format", "csv"]) == EXIT_USAGE  # an id needs --db
