"""End to end: ``netfinger scan`` from the scanner namespace of the default lab site.

Every device must be found with its MAC, and every protocol its profile answers must show in its
evidence. All traffic stays inside the lab's namespaces (root only; skipped otherwise).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from netfinger.fields import is_known_field
from netfinger.lab.state import LabState

pytestmark = pytest.mark.lab

NETFINGER = Path(sys.executable).parent / "netfinger"
LISTEN_WINDOW = 3.0  # the default is 2 s; a margin for a machine shared with other lab tests


def scan_command(lab: LabState, out: Path, window: float) -> list[str]:
    """``netfinger scan`` of the lab's subnet, run inside its scanner namespace, JSON to ``out``."""
    return ["ip", "netns", "exec", lab.scanner_ns, str(NETFINGER), "scan", "--quiet",
            "--timeout", str(window), "--json", str(out), lab.subnet]


@pytest.fixture(scope="module")
def scanned(default_lab: LabState, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], float]:
    if not default_lab.devices:
        pytest.skip("the default site has no devices yet")
    out = tmp_path_factory.mktemp("scan") / "report.json"
    cmd = scan_command(default_lab, out, LISTEN_WINDOW)
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text(encoding="utf-8")), took


def test_every_device_found_with_its_mac(
    default_lab: LabState, scanned: tuple[dict[str, Any], float]
) -> None:
    report, _ = scanned
    by_ip = {h["ip"]: h for h in report["hosts"]}
    missing = [d.name for d in default_lab.devices if d.ip not in by_ip]
    assert missing == []
    wrong_mac = [(d.name, by_ip[d.ip]["mac"]) for d in default_lab.devices if by_ip[d.ip]["mac"] != d.mac]
    assert wrong_mac == []
    assert not any(h["ip"] == default_lab.scanner_ip for h in report["hosts"])


UNASKED = {"chatter", "poll", "search"}  # what a device says or does unasked (boot DHCP/DNS, an NVR polling,
# a PC searching): for netfinger listen, not a scan


def test_every_answered_protocol_shows_in_evidence(
    default_lab: LabState, scanned: tuple[dict[str, Any], float]
) -> None:
    report, _ = scanned
    by_ip = {h["ip"]: h for h in report["hosts"]}
    gaps = {}
    for device in default_lab.devices:
        host = by_ip.get(device.ip, {"protocols": [], "observations": []})
        prefixes = {o["field"].split(".", 1)[0] for o in host["observations"]}
        lacking = [p for p in device.protocols if p not in UNASKED
                   and (p not in host["protocols"] or not _has_fields(p, prefixes))]
        if lacking:
            gaps[device.name] = lacking
    assert gaps == {}, f"protocols missing from evidence: {gaps}; probes: {report['scan']['probes']}"


def _has_fields(protocol: str, prefixes: set[str]) -> bool:
    expected = {"ssdp": {"ssdp", "upnp"}, "http": {"http", "tls"}, "tcp": {"tcp"}}.get(protocol, {protocol})
    return bool(expected & prefixes)


def test_scan_is_one_listen_window_plus_unicast(scanned: tuple[dict[str, Any], float]) -> None:
    report, took = scanned
    assert not report["scan"]["interrupted"]
    outcomes = report["scan"]["probes"]
    assert all(v.startswith("completed") for k, v in outcomes.items() if k not in ("sweep", "ipv6")), outcomes
    assert outcomes["sweep"].startswith("skipped")  # every target is on-link: ARP covers them
    assert outcomes["ipv6"].startswith("skipped: IPv6 is off")  # nothing sent without --ipv6
    # Generous (5x the ~5 s median on a 2-core machine): the figure itself belongs to make bench.
    assert took < 5 * (LISTEN_WINDOW + 2.0)  # process start-up, listen window, unicast answers


def test_every_field_is_in_the_vocabulary(scanned: tuple[dict[str, Any], float]) -> None:
    report, _ = scanned
    fields = {o["field"] for h in report["hosts"] for o in h["observations"]}
    assert {f for f in fields if not is_known_field(f)} == set()
    assert {"mac.address", "mac.oui_org", "arp.mac"} <= fields


def test_ctrl_c_still_writes_the_report(default_lab: LabState, tmp_path: Path) -> None:
    out = tmp_path / "interrupted.json"
    cmd = [c for c in scan_command(default_lab, out, 60) if c != "--quiet"]  # progress lines on stderr
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    said = []
    for line in proc.stderr:  # interrupt once the ARP sweep is in, while the 60 s listen window runs
        said.append(line)
        if line.startswith("netfinger: arp: completed"):
            break
    assert said and said[-1].startswith("netfinger: arp: completed"), "".join(said)
    proc.send_signal(signal.SIGINT)  # ip netns exec replaces itself with netfinger: this is its pid
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["scan"]["interrupted"] is True
    assert report["scan"]["probes"]["wsd"] == "failed: interrupted"
    assert len(report["hosts"]) >= len(default_lab.devices) // 2  # what the sweep found is kept


def _unicast_evidence(report: dict[str, Any]) -> set[tuple[str, Any]]:
    """(host, port) of every port a connection probe heard from (what each page said is left out: a
    page lost to a busy machine in one scan must not fail this check)."""
    return {(h["ip"], o.get("port")) for h in report["hosts"] for o in h["observations"]
            if o["field"].split(".", 1)[0] in {"tcp", "http", "rtsp", "tls"}}


def test_syn_checks_skip_closed_ports_and_lose_nothing(
    default_lab: LabState, scanned: tuple[dict[str, Any], float], tmp_path: Path
) -> None:
    """The default scan checked ports with bare SYNs and connected only where no RST came back; a
    --connect-only scan of the same site, which connects to every port, finds the same open ports."""
    report, _ = scanned
    note = report["scan"]["probes"]["tcp"]
    found = re.search(r"SYN checks: (\d+) sent, (\d+) ports closed", note)
    assert found is not None, note
    assert int(found.group(1)) > int(found.group(2)) > 0, note
    out = tmp_path / "connect-only.json"
    cmd = [*scan_command(default_lab, out, LISTEN_WINDOW), "--connect-only"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    plain = json.loads(out.read_text(encoding="utf-8"))
    assert "SYN checks" not in plain["scan"]["probes"]["tcp"]
    assert _unicast_evidence(report) == _unicast_evidence(plain)
