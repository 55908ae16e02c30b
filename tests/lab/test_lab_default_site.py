"""The built-in default site answers exactly on the protocols its profiles declare (root).

Every device gets every UDP discovery probe: declared (the device's section for that protocol has its
responder listen on the probed port) -> a reply from that device; undeclared -> none.
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

from netfinger.lab import api
from netfinger.lab.profile import load_profile, responder_registry
from netfinger.lab.responders import kits
from netfinger.lab.responders.base import Device
from netfinger.lab.site import load_site
from netfinger.lab.state import DeviceState, LabState, unique_lab_name

pytestmark = pytest.mark.lab

PROBE = Path(__file__).resolve().parent / "lab_probe.py"
UDP_PROBES = {  # lab_probe.py's probe name -> (profile section, UDP port probed)
    "sadp": ("sadp", 37020),
    "dhip": ("dhip", 37810),
    "dhip-5050": ("dhip", 5050),
    "wsd": ("wsd", 3702),
    "ssdp": ("ssdp", 1900),
    "mdns": ("mdns", 5353),
}
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


def udp_ports(lab: LabState) -> dict[str, dict[str, set[int]]]:
    """ip -> protocol -> the UDP ports that protocol's responder listens on for that device."""
    registry = responder_registry()
    out: dict[str, dict[str, set[int]]] = {}
    for dev in lab.devices:
        device = device_of(dev, lab)
        out[dev.ip] = {p: {ep.port for ep in registry[p].udp_endpoints(device)} for p in dev.protocols}
    return out


def probe_once(lab: LabState, plan: dict[str, Any]) -> dict[str, Any]:
    out = subprocess.run(
        ["ip", "netns", "exec", lab.scanner_ns, sys.executable, str(PROBE)],
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def run_probes(lab: LabState) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Probe every device from the scanner namespace; the result and the TCP targets probed.

    Devices that stayed silent where they should answer get one more round (a loaded 2-core machine
    can lose a datagram among thousands); answers from both rounds count, also against the device.
    """
    tcp = tcp_plan(lab)
    result = probe_once(lab, {"udp": [d.ip for d in lab.devices], "tcp": tcp})
    silent = {name for probe in UDP_PROBES for name in udp_mismatches(lab, result, probe)[0]}
    failed = set(tcp_failures(result, tcp))
    if silent or failed:
        again = probe_once(
            lab,
            {
                "udp": [d.ip for d in lab.devices if d.name in silent],
                "tcp": [t for t in tcp if f"{t['kind']} {t['ip']}:{t['port']}" in failed],
            },
        )
        for probe, ips in again["udp"].items():
            result["udp"][probe] = sorted(set(result["udp"][probe]) | set(ips))
        result["tcp"].update(again["tcp"])
    return result, tcp


def udp_mismatches(lab: LabState, result: dict[str, Any], probe: str) -> tuple[list[str], list[str]]:
    """(declared but silent, answered but not declared) device names for one UDP probe."""
    proto, port = UDP_PROBES[probe]
    listening = udp_ports(lab)
    declared = {d.ip: d.name for d in lab.devices if port in listening[d.ip].get(proto, set())}
    answered = set(result["udp"][probe])
    missing = sorted(name for ip, name in declared.items() if ip not in answered)
    extra = sorted(d.name for d in lab.devices if d.ip in answered and d.ip not in declared)
    return missing, extra


def tcp_failures(result: dict[str, Any], tcp: list[dict[str, Any]]) -> dict[str, tuple[str, str | None]]:
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
    return failures


def arp_table(lab: LabState) -> dict[str, str]:
    """ip -> MAC of everything that answers an ARP sweep of the lab network (scapy, in the scanner ns)."""
    code = (
        "import json; from scapy.all import arping\n"
        f"ans, _ = arping({lab.subnet!r}, iface='eth0', timeout=2, retry=2, verbose=0)\n"
        "print(json.dumps({r.psrc: r.hwsrc for _, r in ans}))\n"
    )
    out = subprocess.run(
        ["ip", "netns", "exec", lab.scanner_ns, sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return dict(json.loads(out))


@pytest.fixture(scope="module")
def probed(default_lab: LabState) -> tuple[LabState, dict[str, Any], list[dict[str, Any]]]:
    if not default_lab.devices:
        pytest.skip("the default site has no device profiles yet")
    result, tcp = run_probes(default_lab)
    return default_lab, result, tcp


@pytest.mark.parametrize("probe", UDP_PROBES)
def test_udp_discovery_answers_exactly_where_declared(probed: Any, probe: str) -> None:
    lab, result, _tcp = probed
    missing, extra = udp_mismatches(lab, result, probe)
    assert missing == [], f"{probe}: declared but silent"
    assert extra == [], f"{probe}: answered but not declared"


def test_every_declared_discovery_protocol_is_probed(default_lab: LabState) -> None:
    """A device that declares a discovery protocol listens on one of the ports the probes above cover."""
    probed_ports: dict[str, set[int]] = {}
    for proto, port in UDP_PROBES.values():
        probed_ports.setdefault(proto, set()).add(port)
    listening = udp_ports(default_lab)
    silent = [
        (dev.name, proto)
        for dev in default_lab.devices
        for proto in dev.protocols
        if proto in probed_ports and not listening[dev.ip][proto] & probed_ports[proto]
    ]
    assert silent == []


def test_tcp_ports_accept_and_speak(probed: Any) -> None:
    _lab, result, tcp = probed
    assert tcp, "the default site declares no TCP service at all"
    assert tcp_failures(result, tcp) == {}


def test_every_device_answers_arp_with_its_mac(default_lab: LabState) -> None:
    if not default_lab.devices:
        pytest.skip("the default site has no device profiles yet")
    assert arp_table(default_lab) == {d.ip: d.mac for d in default_lab.devices}


def test_default_site_scaled_to_250_on_its_24() -> None:
    """--scale 250: the site's own devices plus clones, all on the /24, all answering like their profile."""
    if len(load_site_profiles()) == 0:
        pytest.skip("the default site has no device profiles yet")
    name = unique_lab_name("tz")
    api.down(name)
    with api.running_lab("default", scale=250, name=name) as lab:
        assert lab.subnet == "10.77.0.0/24"
        assert len(lab.devices) == 250
        assert arp_table(lab) == {d.ip: d.mac for d in lab.devices}
        result, tcp = run_probes(lab)
        for probe in UDP_PROBES:
            assert udp_mismatches(lab, result, probe) == ([], []), probe
        assert tcp_failures(result, tcp) == {}


def load_site_profiles() -> list[str]:
    return [p.name for p in load_site("default").profiles]
