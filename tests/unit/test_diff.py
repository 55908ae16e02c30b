"""Diffs between sweeps: new, gone and changed devices, identity by MAC, serial, then IP, and the diff command
(recorded sweeps on SQLite and on PostgreSQL)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest

from netfinger.cli import EXIT_MATCHED, EXIT_OK, EXIT_USAGE, main
from netfinger.evidence import Observation
from netfinger.history.diff import diff_reports, host_changes
from netfinger.history.identity import identity_keys
from netfinger.history.render import diff_view, to_text
from netfinger.history.store import record_sweep
from netfinger.match.interface import VulnFinding
from netfinger.report.model import HostReport, Report
from netfinger.report.samples import axis_host, dahua_host, hikvision_host, sample_scan_info
from netfinger.report.schema import report_schema

pytest_plugins = ["history_backends"]  # history_db: SQLite and PostgreSQL


def _with(host: HostReport, ip: str | None = None, mac: str | None = "keep", **verdict: object) -> HostReport:
    evidence = dataclasses.replace(host.evidence, ip=ip or host.evidence.ip)
    if mac != "keep":
        evidence.mac = mac
    return HostReport(evidence=evidence, verdict=dataclasses.replace(host.verdict, **verdict))  # type: ignore[arg-type]


def _report(*hosts: HostReport) -> Report:
    return Report(scan=sample_scan_info(), hosts=list(hosts))


def _kinds(host_old: HostReport, host_new: HostReport) -> list[tuple[str, object, object]]:
    return [(c.kind, c.old, c.new) for c in host_changes(host_old, host_new)]


def test_identical_reports_have_no_diff() -> None:
    assert diff_reports(_report(hikvision_host(), axis_host()), _report(axis_host(), hikvision_host())).empty


def test_new_and_gone() -> None:
    d = diff_reports(_report(hikvision_host(), axis_host()), _report(hikvision_host(), dahua_host()))
    assert [e.host.verdict.model for e in d.new] == ["IPC-HDW1431T1-S4"]
    assert [e.host.verdict.model for e in d.gone] == ["P3245-LV"]
    assert d.changed == []


def test_firmware_upgrade_fixes_a_vulnerability() -> None:
    old = hikvision_host()
    new = _with(old, firmware="V5.5.0 build 170725", vulnerabilities=())
    assert _kinds(old, new) == [
        ("firmware_changed", "V5.4.0 build 160401", "V5.5.0 build 170725"),
        ("vulnerability_fixed", "CVE-2017-7921", None),
    ]


def test_ip_change_keeps_identity_by_mac() -> None:
    old, new = dahua_host(), _with(dahua_host(), ip="192.168.50.99")
    d = diff_reports(_report(old), _report(new))
    assert not d.new and not d.gone
    assert [(c.kind, c.old, c.new) for c in d.changed[0].changes] == [
        ("ip_changed", "192.168.50.34", "192.168.50.99")
    ]


def test_newly_banned_new_vulnerability_and_model_change() -> None:
    # A rebranded box first seen as a generic camera, later identified (say after a signature update).
    old = _with(axis_host(), manufacturer=None, brand="Annke", model="C800", firmware=None)
    new = _with(
        axis_host(),
        manufacturer="Hikvision",
        brand="Annke",
        model="DS-2CD2087G2-LU",
        banned=True,
        vulnerabilities=(VulnFinding(id="CVE-2021-36260", kev=True),),
    )
    assert _kinds(old, new) == [
        ("model_changed", "C800", "DS-2CD2087G2-LU"),
        ("newly_banned", False, True),
        ("new_vulnerability", None, "CVE-2021-36260"),
    ]


def test_unknown_values_are_not_changes() -> None:
    old = hikvision_host()
    assert _kinds(old, _with(old, firmware=None, model=None)) == []


def test_macless_host_pairs_by_ip() -> None:
    on_link = hikvision_host()
    routed = _with(on_link, mac=None)
    d = diff_reports(_report(on_link), _report(_with(routed, firmware="V5.5.0")))
    assert not d.new and not d.gone
    assert d.changed[0].changes[0].kind == "firmware_changed"


def test_shared_mac_does_not_merge_hosts() -> None:
    a = _with(axis_host(), ip="10.0.0.1", mac="00:11:22:33:44:55")
    b = _with(dahua_host(), ip="10.0.0.2", mac="00-11-22-33-44-55")
    assert identity_keys([a, b]) == ["mac:00:11:22:33:44:55@10.0.0.1", "mac:00:11:22:33:44:55@10.0.0.2"]
    assert diff_reports(_report(a, b), _report(a, b)).empty


def test_json_entries_carry_the_fields() -> None:
    old = _report(hikvision_host(), axis_host())
    new = _report(_with(hikvision_host(), firmware="V5.5.0 build 170725"), dahua_host())
    data = diff_reports(old, new).to_dict()
    assert set(data) == {"new", "gone", "changed", "signatures"}
    assert data["signatures"] == {"old": "2026.11.1", "new": "2026.11.1"}
    assert data["new"][0]["model"] == "IPC-HDW1431T1-S4" and data["new"][0]["mac"] == "3c:ef:8c:aa:bb:cc"
    assert data["gone"][0]["manufacturer"] == "Axis"
    changed = data["changed"][0]
    assert {k: changed[k] for k in ("ip", "mac", "manufacturer", "brand", "model")} == {
        "ip": "192.168.50.21",
        "mac": "c0:56:e3:12:34:56",
        "manufacturer": "Hikvision",
        "brand": "Hikvision",
        "model": "DS-2CD2142FWD-I",
    }
    assert changed["changes"] == [
        {
            "kind": "firmware_changed",
            "field": "firmware",
            "old": "V5.4.0 build 160401",
            "new": "V5.5.0 build 170725",
        }
    ]


@pytest.fixture
def history(history_db: str) -> str:
    db = history_db
    nights = [_report(hikvision_host(), axis_host()), _report(hikvision_host(), axis_host()),
              _report(_with(hikvision_host(), ip="192.168.50.22"), dahua_host())]
    for day, report in enumerate(nights):
        report.scan.start = f"2026-11-2{day + 4}T02:00:00Z"  # three nights: three distinct sweeps
        record_sweep(db, report)
    return db


def test_diff_command_with_history_aliases(history: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "last~1", "last", "--db", str(history), "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert (data["old"], data["new_report"]) == ("sweep 2", "sweep 3")
    assert [e["model"] for e in data["new"]] == ["IPC-HDW1431T1-S4"]
    assert [e["model"] for e in data["gone"]] == ["P3245-LV"]
    assert data["changed"][0]["changes"][0]["kind"] == "ip_changed"
    assert main(["diff", "1", "2", "--db", str(history), "--fail-on-change"]) == EXIT_OK
    assert "no new, gone or changed devices" in capsys.readouterr().out
    assert main(["diff", "1", "last", "--db", str(history), "--fail-on-change"]) == EXIT_MATCHED
    table = capsys.readouterr().out
    assert "Gone (1)" in table and "New (1)" in table and "Changed (1)" in table
    assert "IP changed: 192.168.50.21 ->" in " ".join(table.split())
    assert "\\n" not in table


def _save(path: Path, report: Report) -> Path:
    data = report.to_dict()
    jsonschema.validate(data, report_schema())
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_diff_command_with_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _save(tmp_path / "old.json", _report(axis_host()))
    new = _save(tmp_path / "new.json", _report(axis_host(), hikvision_host()))
    assert main(["diff", str(old), str(new)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "New (1)" in out and "DS-2CD2142FWD-I" in out


def test_diff_command_errors(history: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "last~5", "last", "--db", str(history)]) == EXIT_USAGE
    assert "last~5 does not exist" in capsys.readouterr().err
    assert main(["diff", "last~1", "last"]) == EXIT_USAGE
    assert "--db" in capsys.readouterr().err


def test_diff_view_puts_each_change_on_its_own_line() -> None:
    old = hikvision_host()
    new = _with(old, firmware="V5.5.0", vulnerabilities=())
    text = to_text(diff_view(diff_reports(_report(old), _report(new)), "a", "b"), width=240)
    assert "\\n" not in text
    flat = " ".join(text.split())
    assert "firmware changed: V5.4.0 build 160401 -> V5.5.0 vulnerability fixed: CVE-2017-7921" in flat
    fixed_line = next(line for line in text.splitlines() if "vulnerability fixed" in line)
    assert "firmware changed" not in fixed_line  # a line of its own, not run on after the firmware change


def test_a_signature_update_is_called_out() -> None:
    old, new = _report(hikvision_host()), _report(_with(hikvision_host(), vulnerabilities=()))
    new.scan.signatures_version = "2026.12.0"
    d = diff_reports(old, new)
    assert d.signatures_changed and d.to_dict()["signatures"] == {"old": "2026.11.1", "new": "2026.12.0"}
    text = " ".join(to_text(diff_view(d, "a", "b")).split())
    assert "signatures changed (2026.11.1 -> 2026.12.0)" in text
    assert not diff_reports(old, _report(hikvision_host())).signatures_changed


def _serial_host(ip: str, mac: str | None, serial: str) -> HostReport:
    host = _with(hikvision_host(), ip=ip, mac=mac)
    host.evidence.observations = [*host.evidence.observations, Observation("sadp.DeviceSN", serial)]
    return host


def test_a_macless_host_is_known_by_its_serial() -> None:
    routed = _serial_host("10.9.0.5", None, "DS-2CD2142FWD-I20170101AAWR123456789")
    assert identity_keys([routed]) == ["serial:DS-2CD2142FWD-I20170101AAWR123456789"]
    # Seen on-link (with its MAC) one night and through a router at a new address the next:
    on_link = _serial_host("192.168.50.21", "c0:56:e3:12:34:56", "DS-2CD2142FWD-I20170101AAWR123456789")
    diff = diff_reports(_report(on_link), _report(routed))
    assert (diff.new, diff.gone) == ([], [])
    assert [c.kind for c in diff.changed[0].changes] == ["ip_changed"]
    # Two MAC-less hosts whose serials differ are two devices, even at one address.
    other = _serial_host("10.9.0.5", None, "DS-2CD2142FWD-I20170101AAWR999999999")
    diff = diff_reports(_report(routed), _report(other))
    assert (len(diff.new), len(diff.gone), diff.changed) == (1, 1, [])


def test_diff_by_site(history_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Private ranges repeat across sites: last~N counts within one site, chosen with --site."""
    for day, site, hosts in ((4, "berlin", [axis_host()]), (5, "paris", [hikvision_host()]),
                             (6, "berlin", [axis_host(), dahua_host()])):  # fmt: skip
        report = _report(*hosts)
        report.scan.start = f"2026-11-2{day}T02:00:00Z"
        record_sweep(history_db, report, site=site)
    assert main(["diff", "last~1", "last", "--db", history_db]) == EXIT_USAGE
    assert "pick one with --site" in capsys.readouterr().err
    assert main(["diff", "last~1", "last", "--db", history_db, "--site", "berlin", "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert (data["old"], data["new_report"]) == ("sweep 1", "sweep 3")
    assert [e["model"] for e in data["new"]] == ["IPC-HDW1431T1-S4"] and data["gone"] == []
    assert main(["diff", "2", "last", "--db", history_db, "--site", "berlin"]) == EXIT_USAGE
    assert "belongs to site 'paris'" in capsys.readouterr().err
    assert main(["diff", "last", "last", "--db", history_db, "--site", "lyon"]) == EXIT_USAGE
    assert "no sweeps of site 'lyon'" in capsys.readouterr().err
