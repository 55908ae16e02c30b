"""The built-in default site answers exactly on the protocols its profiles declare (root).

Every device gets every UDP discovery probe: declared -> a reply from that device, undeclared -> none.
Every TCP port its responders listen on accepts a connection (and HTTP/RTSP ports answer with a
status line). Probing runs in the scanner namespace through ``lab_probe.py`` with plain sockets.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from netfinger.lab.profile import load_profile, responder_registry
from netfinger.lab.responders import kits
from netfinger.lab.responders.base import Device
from netfinger.lab.state import DeviceState, LabState

pytestmark = pytest.mark.lab

PROBE = Path(__file__).resolve().parent / "lab_probe.py"
UDP_DISCOVERY = ("sadp", "dhip", "wsd", "ssdp", "mdns")
TCP_KINDS = {"http": "http", "rtsp": "rtsp"}
ONVIF_PATH = "/onvif/device_service"


def device_of(dev: DeviceState, lab: LabState) -> Device:
    prof = load_profile(Path(dev.profile))
    sections = {p: prof.sections[p] for p in dev.protocols}
    return Device(dev.name, dev.mac, dev.ip, lab.prefixlen, sections, dict(dev.vars))


def tcp_plan(lab: LabState) -> list[dict[str, Any]]:
    registry = responder_registry()
    plan: dict[tuple[str, str, int], dict[str, Any]] = {}
    for dev in lab.devices:
        device = device_of(dev, lab)
        for proto in dev.protocols:
            for ep in registry[proto].tcp_endpoints(device):
                kind = TCP_KINDS.get(proto, "tcp")
                target = {"ip": dev.ip, "port": ep.port, "kind": kind, "tls": ep.tls is not None}
                plan.setdefault((kind, dev.ip, ep.port), target)
                if proto == "http" and "onvif" in dev.protocols:  # ONVIF is served on the web ports
                    plan[("onvif", dev.ip, ep.port)] = dict(target, kind="onvif", path=onvif_path(device))
    return list(plan.values())


def onvif_path(device: Device) -> str:
    section = kits.resolve("onvif", device.sections["onvif"], "onvif")
    return str(section.get("path", ONVIF_PATH))


@pytest.fixture(scope="module")
def probed(default_lab: LabState) -> tuple[LabState, dict[str, Any], list[dict[str, Any]]]:
    if not default_lab.devices:
        pytest.skip("the default site has no device profiles yet")
    tcp = tcp_plan(default_lab)
    plan = {"udp": [d.ip for d in default_lab.devices], "tcp": tcp}
    out = subprocess.run(
        ["ip", "netns", "exec", default_lab.scanner_ns, sys.executable, str(PROBE)],
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return default_lab, json.loads(out.stdout), tcp


@pytest.mark.parametrize("proto", UDP_DISCOVERY)
def test_udp_discovery_answers_exactly_where_declared(probed: Any, proto: str) -> None:
    lab, result, _tcp = probed
    declared = {d.ip: d.name for d in lab.devices if proto in d.protocols}
    answered = set(result["udp"][proto])
    missing = sorted(name for ip, name in declared.items() if ip not in answered)
    extra = sorted(d.name for d in lab.devices if d.ip in answered and d.ip not in declared)
    assert missing == [], f"{proto}: declared but silent"
    assert extra == [], f"{proto}: answered but not declared"


def test_tcp_ports_accept_and_speak(probed: Any) -> None:
    _lab, result, tcp = probed
    assert tcp, "the default site declares no TCP service at all"
    failures = {}
    for target in tcp:
        key = f"{target['kind']} {target['ip']}:{target['port']}"
        line = result["tcp"][key]
        ok = line is not None and not line.startswith("error")
        if target["kind"] in {"http", "onvif"}:
            ok = ok and line.startswith("HTTP/")
        elif target["kind"] == "rtsp":
            ok = ok and line.startswith("RTSP/")
        if not ok:
            failures[key] = (target["kind"], line)
    assert failures == {}


def test_every_device_answers_arp_with_its_mac(default_lab: LabState) -> None:
    if not default_lab.devices:
        pytest.skip("the default site has no device profiles yet")
    code = (
        "import json; from scapy.all import arping\n"
        f"ans, _ = arping({default_lab.subnet!r}, iface='eth0', timeout=2, verbose=0)\n"
        "print(json.dumps({r.psrc: r.hwsrc for _, r in ans}))\n"
    )
    out = subprocess.run(
        ["ip", "netns", "exec", default_lab.scanner_ns, sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert json.loads(out) == {d.ip: d.mac for d in default_lab.devices}
