"""The lab's hostile site, re-matched from a saved scan: liars are not named, the ordinary and banned
units copied from the default site still get their verdicts.

``fixtures/hostile_site_report.json`` is ``netfinger scan --json`` of ``netfinger lab up --site hostile``
(raw replies dropped; the WS-Discovery flood host's observations cut to 300). Profiles whose ``expect``
line says "not asserted" (hostile units pretending to be Hikvision) are skipped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from netfinger.match import default_matcher
from netfinger.report.model import Report

FIXTURE = Path(__file__).parent / "fixtures" / "hostile_site_report.json"
SITE = Path(__file__).resolve().parents[2] / "netfinger" / "lab" / "sites" / "hostile"
KEYS = ("manufacturer", "brand", "model", "firmware", "device_type", "banned")


def _profiles() -> list[Any]:
    out = []
    for path in sorted(SITE.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        doc = yaml.safe_load(text)
        if not isinstance(doc, dict) or "expect" not in doc:
            continue
        lines = text.splitlines()
        asserted = not any(line.startswith("expect:") and "not asserted" in line for line in lines)
        out.append(pytest.param(doc, asserted, id=str(doc["name"])))
    return out


@pytest.mark.parametrize(("profile", "asserted"), _profiles())
def test_hostile_site_profile(profile: dict[str, Any], asserted: bool) -> None:
    if not asserted:
        pytest.skip("the profile marks its expectation as not asserted")
    report = Report.from_dict(json.loads(FIXTURE.read_text(encoding="utf-8")))
    hosts = {h.evidence.mac: h.evidence for h in report.hosts}
    if profile["mac"] not in hosts:
        pytest.skip(f"{profile['name']} is newer than the saved scan")
    verdict = default_matcher().classify(hosts[profile["mac"]])
    expect = profile["expect"]
    for key in KEYS:
        if key in expect:
            assert getattr(verdict, key) == expect[key], key
    assert sorted(f.id for f in verdict.vulnerabilities) == sorted(expect.get("cves") or [])
