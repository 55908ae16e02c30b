"""``netfinger listen --read`` on the checked-in captures: the site (accuracy), hostile files."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import passive_build
import pytest

from netfinger.passive import ListenConfig, listen
from netfinger.report.model import Report
from netfinger.report.schema import validate_report

CAPTURES = passive_build.OUT

# ip -> (maker, brand or None, model or None, firmware or None): every banned device on the site.
BANNED = {
    "192.168.1.108": ("Dahua", "Dahua", "IPC-HFW2228M-I1-V2", None),
    "192.168.1.109": ("Dahua", "Dahua", "IPC-HDW1431T1-S4", "2.800.0000000.13.R"),
    "192.168.1.64": ("Hikvision", "Hikvision", "DS-2CD2320D-I", "V5.5.6 build 180326"),
    "192.168.1.65": ("Hikvision", "Hikvision", "DS-2CD7A47FWD-XZS", "V5.6.1 build 190603"),
    "192.168.1.110": ("Dahua", "Amcrest", None, None),
    "192.168.1.30": ("Dahua", None, None, None),
}
CLIENTS = {"192.168.1.5": "tool PC", "192.168.1.6": "app phone", "192.168.1.20": "VMS"}


def run(name: str) -> Report:
    return asyncio.run(listen(ListenConfig(read=str(CAPTURES / name))))


@pytest.fixture(scope="module")
def site() -> Report:
    return run("site.pcapng")


def test_checked_in_captures_are_what_the_builder_makes(tmp_path: Path) -> None:
    built = passive_build.build(tmp_path)
    for name, data in built.items():
        assert (CAPTURES / name).read_bytes() == data, f"{name} is stale: run tests/unit/passive_build.py"


def test_every_banned_device_with_maker_model_firmware(site: Report) -> None:
    hosts = {h.evidence.ip: h for h in site.hosts}
    for ip, (maker, brand, model, firmware) in BANNED.items():
        v = hosts[ip].verdict
        assert (v.manufacturer, v.banned) == (maker, True), ip
        assert (v.brand, v.model, v.firmware) == (brand, model, firmware), ip


def test_no_false_positives_counting_the_app_phone_and_the_tool_pc(site: Report) -> None:
    banned = {h.evidence.ip for h in site.hosts if h.verdict.banned}
    assert banned == set(BANNED)
    hosts = {h.evidence.ip: h for h in site.hosts}
    for ip, who in CLIENTS.items():
        assert hosts[ip].verdict.manufacturer is None, who
    phone = hosts["192.168.1.6"]
    assert {"litedev.ezvizlife.com", "www.easy4ipcloud.com"} <= set(phone.evidence.values("dns.query"))
    assert "apiieu.hik-connect.com" in phone.evidence.values("tls.sni")
    tool = hosts["192.168.1.5"]
    assert tool.presence is not None
    assert {"sadp-inquiry", "dhip-search", "wsd-probe"} <= set(tool.presence.signals)
    assert tool.evidence.protocols == ["arp"]  # a client: its searches left no device evidence


def test_passive_report_shape(site: Report) -> None:
    data: dict[str, Any] = json.loads(json.dumps(site.to_dict()))
    validate_report(data)
    assert data["scan"]["mode"] == "passive"
    by_ip = {h["ip"]: h for h in data["hosts"]}
    dahua = by_ip["192.168.1.108"]
    assert dahua["signals"] == ["arp", "dhcp", "wsd-hello", "dns-query"]
    assert dahua["first_seen"] == "2025-11-24T16:00:00Z" and dahua["last_seen"] == "2025-11-24T16:00:17Z"
    assert Report.from_dict(data).hosts[0].presence is not None


def test_gzip_pcap_reads_as_the_pcapng() -> None:
    def summary(report: Report) -> list[tuple[str | None, str | None, str | None]]:
        return [(h.evidence.ip, h.evidence.mac, h.verdict.manufacturer) for h in report.hosts]

    gz = run("site.pcap.gz")
    assert "(pcap)" in gz.scan.targets[0]
    assert summary(gz) == summary(run("site.pcapng"))


def test_hostile_capture_notes_each_problem_and_still_reads_the_rest() -> None:
    report = run("hostile.pcap")
    capture = report.scan.probes["capture"]
    for text in ("IPv4 total length 4000", "UDP length 3", "frame cut inside a VLAN tag",
                 "shorter than an Ethernet header", "overlapping segments with different data"):
        assert text in capture, text
    hosts = {h.evidence.ip: h for h in report.hosts}
    assert hosts["192.168.1.64"].verdict.model == "DS-2CD2320D-I"
    isapi = hosts["192.168.1.65"]  # its response arrived out of order and with an overlapping lie
    assert isapi.verdict.model == "DS-2CD7A47FWD-XZS"
    assert any("overlapping" in a for a in isapi.evidence.anomalies)


def test_truncated_and_snaplen_cut_captures() -> None:
    truncated = run("truncated.pcap")
    assert "truncated file" in truncated.scan.probes["capture"]
    assert any(h.verdict.model == "DS-2CD2320D-I" for h in truncated.hosts)
    cut = run("snaplen96.pcap")
    assert "snap length" in cut.scan.probes["capture"]
    assert {h.evidence.ip for h in cut.hosts} >= {"192.168.1.108", "192.168.1.64"}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netfinger", "listen", *args], capture_output=True,
                          text=True, timeout=120, check=False)


def test_cli_exit_codes_and_outputs(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = _cli("--read", str(CAPTURES / "site.pcapng"), "--json", str(out), "--fail-on", "banned", "-q")
    assert done.returncode == 1, done.stderr
    assert json.loads(out.read_text())["scan"]["mode"] == "passive"
    clean = _cli("--read", str(CAPTURES / "site.pcapng"), "--decoders", "arp", "--format", "csv")
    assert clean.returncode == 0 and clean.stdout.startswith("ip,")
    not_capture = tmp_path / "x.pcap"
    not_capture.write_bytes(b"hello world")
    bad = _cli("--read", str(not_capture))
    assert bad.returncode == 3 and "not a pcap or pcapng" in bad.stderr
    usage = _cli("--read", str(CAPTURES / "site.pcapng"), "--duration", "3")
    assert usage.returncode == 2 and "--iface only" in usage.stderr
