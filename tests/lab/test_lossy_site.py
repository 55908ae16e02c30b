"""The hostile site with 20 % of the frames towards the scanner dropped on the wire (``lab loss``).

Floods and loss together: the unicast follow-ups and re-asks must still find every device with its MAC
and classify every honest one exactly as its profile expects (maker, brand, model, firmware, type,
banned, CVEs). Recall at 0/10/20 % loss is measured in ``make bench`` (docs/performance.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile_expect import misclassified

from netfinger.lab import api, impair
from netfinger.lab.state import LabState

pytestmark = pytest.mark.lab

NETFINGER = Path(sys.executable).parent / "netfinger"
LOSS = 20


@pytest.fixture(scope="module")
def lossy_lab() -> Iterator[LabState]:
    with api.running_lab("hostile", name=f"ls{os.getpid() % 10**6:06d}") as state:
        impair.set_loss(state, LOSS)
        yield state


@pytest.fixture(scope="module")
def report(lossy_lab: LabState, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("lossy") / "r.json"
    cmd = ["ip", "netns", "exec", lossy_lab.scanner_ns, str(NETFINGER), "scan", "--quiet",
           "--timeout", "2", "--io-timeout", "1.5", "--json", str(out), lossy_lab.subnet]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    dropped = impair.dropped(lossy_lab)
    assert dropped is not None and dropped > 100  # the loss rule was really in the way
    return dict(json.loads(out.read_text(encoding="utf-8")))


def test_every_device_is_found_with_its_mac_under_loss(lossy_lab: LabState, report: dict[str, Any]) -> None:
    by_ip = {h["ip"]: h for h in report["hosts"]}
    assert {d.ip: d.mac for d in lossy_lab.devices} == {
        d.ip: by_ip.get(d.ip, {}).get("mac") for d in lossy_lab.devices
    }


def test_honest_devices_are_classified_as_expected_under_loss(lossy_lab: LabState,
                                                              report: dict[str, Any]) -> None:
    by_ip = {h["ip"]: h for h in report["hosts"]}
    honest = [d for d in lossy_lab.devices if not d.name.startswith("x-")]
    assert len(honest) >= 7
    assert misclassified(honest, by_ip) == {}
