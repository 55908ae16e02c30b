"""``netfinger signatures test|stats`` and ``netfinger match`` end to end (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netfinger.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "default_site_report.json"


def test_signatures_test_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["signatures", "test"]) == 0
    assert "ok" in capsys.readouterr().out


def test_signatures_stats_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["signatures", "stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    keys = {"rules", "examples", "counterexamples", "brands", "vulnerabilities", "regulations"}
    assert set(data) == keys
    assert data["brands"] >= 30 and data["vulnerabilities"] >= 12 and data["regulations"] == 3
    assert data["examples"] >= data["rules"]


def test_match_rewrites_verdicts(tmp_path: Path) -> None:
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for host in doc["hosts"]:
        host.update(manufacturer=None, brand=None, banned=False, banned_by=[])
        host.update(vulnerabilities=[], evidence=[])
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "out.json"
    main(["match", str(stale), "--json", str(out)])
    result = json.loads(out.read_text(encoding="utf-8"))
    makers = {h["mac"]: h["manufacturer"] for h in result["hosts"]}
    assert makers["44:47:cc:37:ce:81"] == "Hikvision"
    assert makers["4c:11:bf:39:23:dc"] == "Dahua"
    assert result["scan"]["signatures_version"].startswith("sha256:")
    hik = next(h for h in result["hosts"] if h["mac"] == "44:47:cc:37:ce:81")
    assert hik["banned"] and hik["evidence"]


def test_match_rejects_a_non_report(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something-else"}', encoding="utf-8")
    assert main(["match", str(bad)]) == 2
