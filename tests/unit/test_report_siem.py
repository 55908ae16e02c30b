"""SIEM exports: every OCSF line checked against OCSF 1.8.0's classes, every ECS document against the
ECS 9.4.0 field set (subsets kept in fixtures/siem/, with their source), streamed, inert, and the
--ocsf/--ecs/--format options of scan, match and report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from siem_check import check_ecs_doc, check_ocsf_event

from netfinger import __version__
from netfinger.cli import EXIT_OK, main
from netfinger.evidence import Observation
from netfinger.report import RENDERERS, RenderOptions
from netfinger.report.model import Report
from netfinger.report.samples import large_report, sample_report

pytest_plugins = ["history_backends"]  # history_db: SQLite and PostgreSQL

OPTIONS = RenderOptions(site="berlin-hq", sensor="sensor-7")


def _lines(text: str) -> list[dict[str, Any]]:
    assert text.endswith("\n") and text.isascii()
    return [json.loads(line) for line in text.splitlines()]


def _with_serial() -> Report:
    report = sample_report()
    hik = next(h for h in report.hosts if h.verdict.model == "DS-2CD2142FWD-I")
    hik.evidence.observations.append(Observation("sadp.DeviceSN", "DS-2CD2142FWD-I20160101AAWR123456789"))
    return report


def test_every_ocsf_event_conforms() -> None:
    events = _lines(RENDERERS["ocsf"].render(_with_serial(), OPTIONS))
    for event in events:
        assert check_ocsf_event(event) == [], event
    inventory = [e for e in events if e["class_uid"] == 5001]
    findings = [e for e in events if e["class_uid"] == 2002]
    report = sample_report()
    assert len(inventory) == len(report.hosts)
    assert len(findings) == sum(len(h.verdict.vulnerabilities) for h in report.hosts) == 2
    hik = next(e for e in inventory if e["device"].get("model") == "DS-2CD2142FWD-I")
    assert (hik["category_uid"], hik["activity_id"], hik["type_uid"]) == (5, 2, 500102)
    dev = hik["device"]
    assert (dev["type_id"], dev["type"], dev["vendor_name"], dev["region"]) == (7, "IP Camera", "Hikvision",
                                                                                "berlin-hq")
    assert dev["hw_info"]["serial_number"] == "DS-2CD2142FWD-I20160101AAWR123456789"
    assert dev["os"]["version"] == "V5.4.0 build 160401"
    assert (dev["ip"], dev["mac"]) == ("192.168.50.21", "c0:56:e3:12:34:56")
    assert dev["mac_vendor"] == "Hangzhou Hikvision Digital Technology Co.,Ltd."
    assert [g["name"] for g in dev["groups"]] == ["NDAA §889", "FCC Covered List"]
    product = {"name": "netfinger", "vendor_name": "netfinger", "version": __version__}
    assert hik["metadata"]["product"] == product
    cve = next(e for e in findings if e["vulnerabilities"][0]["cve"]["uid"] == "CVE-2017-7921")
    assert (cve["type_uid"], cve["severity_id"]) == (200201, 5)  # a KEV-listed backdoor: critical
    assert {"KEV", "Backdoor"} <= set(cve["finding_info"]["types"])
    assert cve["unmapped"]["netfinger"] == {"kev": True, "backdoor": True}
    assert cve["vulnerabilities"][0]["is_exploit_available"] is True
    assert cve["device"]["uid"] == dev["uid"]


def test_ocsf_checker_catches_mistakes() -> None:
    """The checker itself must fail on what the schema forbids, or the test above proves nothing."""
    event = _lines(RENDERERS["ocsf"].render(sample_report(), OPTIONS))[0]
    broken = json.loads(json.dumps(event))
    del broken["time"]
    broken["device"]["type_id"] = 77
    broken["device"]["ip"] = "not-an-ip"
    broken["device"]["colour"] = "red"
    broken["type_uid"] = 500101
    problems = " | ".join(check_ocsf_event(broken))
    for needle in ("time: required", "77 is not one of", "not-an-ip", "colour: not an attribute", "type_uid"):
        assert needle in problems


def test_every_ecs_document_conforms() -> None:
    lines = _lines(RENDERERS["ecs"].render(_with_serial(), OPTIONS))
    actions, docs = lines[0::2], lines[1::2]
    assert all(list(a) == ["create"] and len(a["create"]["_id"]) == 40 for a in actions)
    assert len({a["create"]["_id"] for a in actions}) == len(actions)
    for doc in docs:
        assert check_ecs_doc(doc) == [], doc
    assets = [d for d in docs if d["event"]["kind"] == "asset"]
    vulns = [d for d in docs if "vulnerability" in d]
    assert len(assets) == 4 and len(vulns) == 2
    hik = next(d for d in assets if d["device"].get("model", {}).get("identifier") == "DS-2CD2142FWD-I")
    assert hik["host"]["mac"] == ["C0-56-E3-12-34-56"] and hik["host"]["ip"] == ["192.168.50.21"]
    assert hik["device"]["manufacturer"] == "Hikvision"
    assert hik["device"]["serial_number"] == "DS-2CD2142FWD-I20160101AAWR123456789"
    assert hik["observer"]["hostname"] == "sensor-7" and hik["labels"]["site"] == "berlin-hq"
    cve = next(d for d in vulns if d["vulnerability"]["id"] == "CVE-2017-7921")
    assert (cve["labels"]["kev"], cve["labels"]["backdoor"]) == ("true", "true")
    assert cve["vulnerability"]["enumeration"] == "CVE" and cve["event"]["category"] == ["vulnerability"]


def test_ecs_checker_catches_mistakes() -> None:
    doc = _lines(RENDERERS["ecs"].render(sample_report(), OPTIONS))[1]
    doc["host"]["mac"] = ["c0:56:e3:12:34:56"]
    doc["event"]["kind"] = "inventory"
    doc["device"]["colour"] = "red"
    doc["host"]["ip"] = ["nope"]
    problems = " | ".join(check_ecs_doc(doc))
    for needle in ("AA-BB-CC", "'inventory' is not an allowed value", "device.colour: not an ECS", "'nope'"):
        assert needle in problems


@pytest.mark.parametrize("fmt", ["ocsf", "ecs"])
def test_exports_stream_host_by_host_and_stay_inert(fmt: str) -> None:
    report = large_report(40)
    chunks = RENDERERS[fmt].stream(report, OPTIONS)
    first = next(chunks)  # one event (or action line) at a time, not the whole export
    assert first.count("\n") == 1
    rest = "".join(chunks)
    text = first + rest
    assert text == RENDERERS[fmt].render(report, OPTIONS)
    assert text.isascii() and "\x1b" not in text and "\u202e" not in text  # hostile hosts escaped


def test_export_options_on_match_and_report(tmp_path: Path, history_db: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps(sample_report().to_dict()), encoding="utf-8")
    ocsf, ecs = tmp_path / "out.ocsf.jsonl", tmp_path / "out.ecs.ndjson"
    argv = ["match", str(saved), "--ocsf", str(ocsf), "--ecs", str(ecs), "--site", "annex", "--sensor", "s9",
            "--history", history_db, "--quiet"]
    assert main(argv) == EXIT_OK
    events = _lines(ocsf.read_text(encoding="ascii"))
    assert events and all(check_ocsf_event(e) == [] for e in events)
    assert {e["device"]["region"] for e in events} == {"annex"}
    docs = _lines(ecs.read_text(encoding="ascii"))[1::2]
    assert docs and all(check_ecs_doc(d) == [] for d in docs)
    assert {d["observer"]["name"] for d in docs} == {"s9"}
    # A recorded sweep re-exported: the site and sensor come from the history.
    assert main(["report", "last", "--db", history_db, "--format", "ocsf"]) == EXIT_OK
    again = _lines(capsys.readouterr().out)
    assert {e["device"]["region"] for e in again} == {"annex"}
    assert {e["unmapped"]["netfinger"]["sensor"] for e in again if e["class_uid"] == 5001} == {"s9"}
    assert main(["report", "last", "--db", history_db, "--format", "ecs"]) == EXIT_OK
    assert all(check_ecs_doc(d) == [] for d in _lines(capsys.readouterr().out)[1::2])
