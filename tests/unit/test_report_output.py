"""Output options: where each format goes, --fail-on exit codes, atomic files, and the report command."""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from netfinger.cli import EXIT_FAILURE, EXIT_MATCHED, EXIT_OK, EXIT_USAGE, main
from netfinger.cli.output import Destination, add_output_arguments, plan_outputs, write_outputs
from netfinger.errors import UsageError
from netfinger.report import atomic
from netfinger.report.atomic import atomic_write_text
from netfinger.report.model import Report
from netfinger.report.samples import axis_host, large_report, sample_report, sample_scan_info, suspect_host
from netfinger.report.schema import report_schema


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_output_arguments(parser)
    return parser.parse_args(list(argv))


def _valid_report_file(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, report_schema())
    assert isinstance(data, dict)
    return data


def test_plan_defaults_to_a_table_on_stdout() -> None:
    assert plan_outputs(_args()) == [Destination("table", "-")]
    assert plan_outputs(_args("--quiet")) == []
    assert plan_outputs(_args("--quiet", "--format", "csv")) == [Destination("csv", "-")]


def test_plan_files_and_stdout() -> None:
    plan = plan_outputs(_args("--json", "a.json", "--html", "b.html", "--format", "json"))
    assert plan == [Destination("json", "a.json"), Destination("html", "b.html"), Destination("json", "-")]
    assert plan_outputs(_args("--json", "-")) == [Destination("json", "-")]
    assert plan_outputs(_args("--csv", "-", "--format", "csv")) == [Destination("csv", "-")]


@pytest.mark.parametrize(
    "argv",
    [("--json", "-", "--csv", "-"), ("--json", "-", "--format", "table"), ("--html", "-", "--csv", "-")],
)
def test_plan_rejects_two_things_on_stdout(argv: tuple[str, ...]) -> None:
    with pytest.raises(UsageError):
        plan_outputs(_args(*argv))


def test_write_all_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    j, c, h = tmp_path / "r.json", tmp_path / "r.csv", tmp_path / "r.html"
    code = write_outputs(_args("--json", str(j), "--csv", str(c), "--html", str(h)), sample_report())
    assert code == EXIT_OK
    data = _valid_report_file(j)
    assert data["summary"]["banned"] == 2  # type: ignore[index]
    assert len(list(csv.reader(c.open(newline="")))) == 5
    assert h.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    out, err = capsys.readouterr()
    assert "192.168.50.21" in out  # the default table went to stdout
    assert f"wrote json report to {j}" in err  # chatter to stderr
    assert "wrote" not in out
    assert (j.stat().st_mode & 0o777) == 0o600


def test_json_to_stdout_is_only_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert write_outputs(_args("--json", "-", "--quiet"), sample_report()) == EXIT_OK
    out, err = capsys.readouterr()
    jsonschema.validate(json.loads(out), report_schema())
    assert err == ""


@pytest.mark.parametrize(
    ("fail_on", "hosts", "expected"),
    [
        (["banned"], "sample", EXIT_MATCHED),
        (["vulnerable"], "sample", EXIT_MATCHED),
        (["banned"], "axis", EXIT_OK),
        (["banned", "vulnerable"], "axis", EXIT_OK),
        ([], "sample", EXIT_OK),
        (["suspect"], "sample", EXIT_OK),  # banned and vulnerable hosts, no suspect
        (["suspect"], "axis", EXIT_OK),
        (["suspect"], "suspect", EXIT_MATCHED),
        (["banned"], "suspect", EXIT_OK),  # a suspect alone does not fail --fail-on banned
        (["banned", "suspect"], "suspect", EXIT_MATCHED),
    ],
)
def test_fail_on_exit_codes(
    fail_on: list[str], hosts: str, expected: int, capsys: pytest.CaptureFixture[str]
) -> None:
    only = {"axis": [axis_host()], "suspect": [suspect_host(), axis_host()]}
    report = sample_report() if hosts == "sample" else Report(scan=sample_scan_info(), hosts=only[hosts])
    argv = ["--quiet"] + [a for name in fail_on for a in ("--fail-on", name)]
    assert write_outputs(_args(*argv), report) == expected


def test_interrupted_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("old report\n", encoding="utf-8")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        atomic_write_text(target, "x" * 100_000)
    assert target.read_text(encoding="utf-8") == "old report\n"
    assert os.listdir(tmp_path) == ["report.json"]  # no temporary file left behind


def test_renderer_failure_midway_keeps_old_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    write_outputs(_args("--json", str(target), "--quiet"), sample_report())
    before = target.read_bytes()
    real_write = atomic.os.fdopen

    class Exploding:
        def __init__(self, handle: object) -> None:
            self.handle = handle

        def __enter__(self) -> Exploding:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()  # type: ignore[attr-defined]

        def write(self, text: str) -> int:
            self.handle.write(text[: len(text) // 2])  # type: ignore[attr-defined]
            raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fdopen", lambda *a, **k: Exploding(real_write(*a, **k)))
    with pytest.raises(KeyboardInterrupt):
        write_outputs(_args("--json", str(target), "--quiet"), Report(scan=sample_scan_info()))
    assert target.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["report.json"]
    _valid_report_file(target)


def test_unwritable_destination_is_a_runtime_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.json"
    write_outputs(_args("--json", str(report), "--quiet"), sample_report())
    _valid_report_file(report)
    code = main(["report", str(report), "--format", "csv", "-o", str(tmp_path / "missing" / "r.csv")])
    assert code == EXIT_FAILURE
    assert "cannot write csv report" in capsys.readouterr().err


def test_report_command_renders_a_saved_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "r.json"
    write_outputs(_args("--json", str(saved), "--quiet"), sample_report())
    _valid_report_file(saved)
    assert main(["report", str(saved), "--why"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "hikvision.sadp" in out and "\x1b" not in out
    html_out = tmp_path / "r.html"
    assert main(["report", str(saved), "--format", "html", "-o", str(html_out)]) == EXIT_OK
    assert "CVE-2017-7921" in html_out.read_text(encoding="utf-8")
    assert main(["report", str(saved), "--format", "json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == json.loads(saved.read_text(encoding="utf-8"))


@pytest.mark.parametrize("content", ["not json", '{"schema": "netfinger.report/1"}', '{"schema": "other/9"}'])
def test_report_command_rejects_bad_input(
    tmp_path: Path, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert main(["report", str(bad)]) == EXIT_USAGE
    assert "not" in capsys.readouterr().err


def test_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == report_schema()


def test_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    saved = tmp_path / "big.json"
    data = large_report(300).to_dict()
    jsonschema.validate(data, report_schema())
    saved.write_text(json.dumps(data), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "netfinger", "report", str(saved)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()  # like `| head -1`: read a line, then go away
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == EXIT_OK
    assert "Traceback" not in err and "BrokenPipe" not in err
