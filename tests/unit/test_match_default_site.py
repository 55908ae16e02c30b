"""The lab's default site: re-matching a scan of it must reproduce every profile's ``expect``.

``fixtures/default_site_report.json`` is a real ``netfinger scan --json`` of ``netfinger lab up``
(default site, raw replies dropped to keep it small). Profiles are read from the lab's site directory,
so a profile added later without a fixture refresh is reported as missing rather than passing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from netfinger.match import default_matcher
from netfinger.report.model import Report

FIXTURE = Path(__file__).parent / "fixtures" / "default_site_report.json"
SITE = Path(__file__).resolve().parents[2] / "netfinger" / "lab" / "sites" / "default"


def _report() -> Report:
    return Report.from_dict(json.loads(FIXTURE.read_text(encoding="utf-8")))


def _profiles() -> list[Any]:
    out = []
    for path in sorted(SITE.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and "expect" in doc:
            out.append(pytest.param(doc, id=str(doc["name"])))
    return out


def _hosts_by_mac() -> dict[str, Any]:
    return {h.evidence.mac: h.evidence for h in _report().hosts if h.evidence.mac}


@pytest.mark.parametrize("profile", _profiles())
def test_profile_expectation(profile: dict[str, Any]) -> None:
    hosts = _hosts_by_mac()
    if profile["mac"] not in hosts:
        pytest.skip(f"{profile['name']} is newer than the saved scan; refresh {FIXTURE.name}")
    verdict = default_matcher().classify(hosts[profile["mac"]])
    expect = profile["expect"]
    keys = ("manufacturer", "brand", "model", "firmware", "device_type", "banned", "status")
    got = {k: getattr(verdict, k) for k in keys}
    want = {k: expect.get(k) for k in got}
    assert got == want
    assert sorted(f.id for f in verdict.vulnerabilities) == sorted(expect.get("cves") or [])


def test_fixture_covers_the_site() -> None:
    hosts = _hosts_by_mac()
    macs = [p.values[0]["mac"] for p in _profiles()]
    assert len(macs) >= 30
    assert sum(m in hosts for m in macs) >= 30


def test_every_profile_states_its_tier() -> None:
    for param in _profiles():
        expect = param.values[0]["expect"]
        assert expect.get("status") in ("banned", "suspect", "clear", "unknown"), param.id


def test_no_ordinary_device_is_flagged() -> None:
    matcher = default_matcher()
    for host in _report().hosts:
        verdict = matcher.classify(host.evidence)
        if verdict.manufacturer not in ("Hikvision", "Dahua"):
            assert not verdict.banned, host.evidence.mac
            assert verdict.vulnerabilities == (), host.evidence.mac
