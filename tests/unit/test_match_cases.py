"""Hand-built hosts (tests/unit/match_cases/*.yaml): evidence in, the expected verdict out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from netfinger.evidence import HostEvidence, Observation
from netfinger.match import default_matcher
from netfinger.protocols.wsd import parse_scope

CASES_DIR = Path(__file__).parent / "match_cases"


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            out.append(pytest.param(case, id=f"{path.stem}:{case['name']}"))
    return out


def _scope_observations(uris: list[str]) -> list[Observation]:
    """Raw WS-Discovery scope URIs through the real scope parser, as the wsd probe records them."""
    out = []
    for uri in uris:
        scope = parse_scope(uri)
        out.append(Observation("wsd.scope", scope.uri))
        if scope.category:
            out.append(Observation(f"wsd.scope.{scope.category}", scope.value))
    return out


def build_host(case: dict[str, Any]) -> HostEvidence:
    observations = [Observation(str(f), str(v)) for f, v in case.get("observations") or []]
    observations += _scope_observations([str(u) for u in case.get("scopes") or []])
    anomalies = [str(a) for a in case.get("anomalies") or []]
    return HostEvidence(ip="192.0.2.10", mac=case.get("mac"), observations=observations, anomalies=anomalies)


@pytest.mark.parametrize("case", _cases())
def test_case_verdict(case: dict[str, Any]) -> None:
    verdict = default_matcher().classify(build_host(case))
    expect = case["expect"]
    for key in ("manufacturer", "brand", "model", "firmware", "device_type", "banned", "status"):
        if key in expect:
            assert getattr(verdict, key) == expect[key], (key, verdict)
    assert verdict.banned == (verdict.status == "banned")
    assert (verdict.suspect is not None) == (verdict.status == "suspect")
    if expect.get("banned") is False and "status" not in expect:
        assert verdict.status != "suspect", f"{verdict.status}: say status: suspect in the case"
    assert sorted(f.id for f in verdict.vulnerabilities) == sorted(expect.get("cves", []))
    if "kev" in expect:
        assert sorted(f.id for f in verdict.vulnerabilities if f.kev) == sorted(expect["kev"])
    if "backdoor" in expect:
        assert sorted(f.id for f in verdict.vulnerabilities if f.backdoor) == sorted(expect["backdoor"])
    if "max_confidence" in expect:
        assert verdict.confidence <= expect["max_confidence"]
    if "note" in expect:
        assert any(expect["note"] in note for note in verdict.notes), verdict.notes
    if verdict.banned:
        assert set(verdict.banned_by) >= {"ndaa-889", "fcc-covered-list"}
    else:
        assert verdict.banned_by == ()


def test_every_case_file_has_cases() -> None:
    assert len(_cases()) >= 30


def test_evidence_names_the_rules_that_fired() -> None:
    case = {"mac": "44:47:cc:00:00:09", "observations": [["http.header.server", "App-webs/"]]}
    verdict = default_matcher().classify(build_host(case))
    assert verdict.manufacturer == "Hikvision"
    refs = {(e.rule, e.field, e.value) for e in verdict.evidence}
    assert ("http.hik.server-app-webs", "http.header.server", "App-webs/") in refs


def test_vulnerability_basis_names_model_firmware_and_range() -> None:
    case = {
        "mac": "44:47:cc:00:00:0a",
        "observations": [
            ["sadp.DeviceDescription", "DS-2CD2032F-I"],
            ["sadp.SoftwareVersion", "V5.3.0build 151016"],
        ],
    }
    verdict = default_matcher().classify(build_host(case))
    finding = next(f for f in verdict.vulnerabilities if f.id == "CVE-2017-7921")
    assert "DS-2CD2032F-I" in finding.basis
    assert "V5.3.0 build 151016" in finding.basis
    assert "V5.4.0 build 160530" in finding.basis
    assert finding.kev and finding.backdoor
    assert finding.fixed_in


def test_conflicting_makers_are_noted() -> None:
    case = {
        "mac": "00:1f:55:4b:62:0d",
        "observations": [
            ["onvif.Manufacturer", "Honeywell"],
            ["wsd.scope.name", "Honeywell"],
            ["sadp.DeviceDescription", "HC30WB5R2"],
            ["sadp.DeviceSN", "HC30WB5R220191015AAWRE78901234"],
            ["wsd.envelope", "env/wsadis"],
            ["wsd.scope.extension", "Honeywell_mask/37777"],
        ],
    }
    verdict = default_matcher().classify(build_host(case))
    assert verdict.manufacturer == "Hikvision"
    assert verdict.brand == "Honeywell"
    assert any("Dahua" in n for n in verdict.notes)


def test_empty_host_is_undecided() -> None:
    verdict = default_matcher().classify(HostEvidence(ip="192.0.2.1"))
    assert verdict.manufacturer is None
    assert not verdict.banned
    assert verdict.vulnerabilities == ()


def test_lookalikes_are_never_flagged_and_cite_a_source() -> None:
    cases = yaml.safe_load((CASES_DIR / "lookalikes.yaml").read_text(encoding="utf-8"))
    assert len(cases) >= 40
    for case in cases:
        assert case.get("source"), case["name"]
        verdict = default_matcher().classify(build_host(case))
        assert verdict.status in ("clear", "unknown"), (case["name"], verdict.status, verdict.notes)
