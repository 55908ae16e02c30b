"""Live check: scan the default lab site (inside its namespaces only) and compare every verdict with
the device profile's ``expect``. Root only; skipped otherwise. The unit test
``test_match_default_site`` does the same offline from a saved scan.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from netfinger.lab.state import LabState

pytestmark = pytest.mark.lab

NETFINGER = Path(sys.executable).parent / "netfinger"
KEYS = ("manufacturer", "brand", "model", "firmware", "device_type", "banned", "status")


def test_live_scan_matches_every_profile(default_lab: LabState, tmp_path: Path) -> None:
    devices = [d for d in default_lab.devices if not d.generated]
    if not devices:
        pytest.skip("the default site has no devices yet")
    out = tmp_path / "report.json"
    cmd = ["ip", "netns", "exec", default_lab.scanner_ns, str(NETFINGER), "scan", "--quiet",
           "--json", str(out), default_lab.subnet]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    hosts = {h["mac"]: h for h in json.loads(out.read_text(encoding="utf-8"))["hosts"]}
    wrong = {}
    for device in devices:
        host = hosts.get(device.mac)
        assert host is not None, device.name
        got = {k: host[k] for k in KEYS} | {"cves": sorted(v["id"] for v in host["vulnerabilities"])}
        want = {k: device.expect.get(k) for k in KEYS} | {"cves": sorted(device.expect.get("cves") or [])}
        if got != want:
            wrong[device.name] = {k: (want[k], got[k]) for k in got if got[k] != want[k]}
    assert wrong == {}
