"""The host-at-a-time JSON renderer writes exactly what json.dumps(indent=2) of the whole report would."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from netfinger.report.json_format import render_report
from netfinger.report.load import load_report
from netfinger.report.samples import large_report, sample_report


def _reference(report: object) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=True) + "\n"  # type: ignore[attr-defined]


def test_same_text_as_whole_document_dumps() -> None:
    for report in (sample_report(), large_report(40)):
        assert render_report(report) == _reference(report)


def test_empty_report_and_round_trip(tmp_path: Path) -> None:
    empty = dataclasses.replace(sample_report(), hosts=[])
    assert render_report(empty) == _reference(empty)
    path = tmp_path / "r.json"
    report = sample_report()
    path.write_text(render_report(report))
    again = load_report(path)
    assert [h.evidence.ip for h in again.hosts] == [h.evidence.ip for h in report.hosts]
