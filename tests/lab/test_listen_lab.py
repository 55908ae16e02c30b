"""A live ``netfinger listen`` in the lab sends nothing: the bridge side of its link sees 0 frames from it.

The listener gets its own namespace with one address-less link into the lab bridge (a sensor's SPAN
port: no IPv4, IPv6 off, so the kernel itself has nothing to say either; the scanner namespace would
not do, its kernel answers and re-validates neighbours). tcpdump, in the bridge namespace, records
what enters the bridge from that link (direction in) and, as a control, from one device's link. A
device then speaks: a datagram to a neighbour it has not resolved (an ARP who-has) and a SADP inquiry
to the group (a client act). All traffic stays inside the lab's namespaces.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from netfinger.lab.profile import load_profile
from netfinger.lab.state import LabState

pytestmark = pytest.mark.lab

INQUIRY = (b'<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>F93CF8DC-DF53-424B-98A7-9FC0536E1083</Uuid>'
           b"<Types>inquiry</Types></Probe>")


@contextmanager
def _sensor_port(state: LabState) -> Iterator[str]:
    """A namespace with ``eth0`` bridged into the lab (no address, IPv6 off); yields its name."""
    ns = f"{state.bridge_ns.removesuffix('-br')}-lsn"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                        "net.ipv6.conf.default.disable_ipv6=1"], check=True)
        subprocess.run(["ip", "link", "add", SENSOR_PORT, "netns", state.bridge_ns, "type", "veth", "peer",
                        "name", "eth0", "netns", ns], check=True)
        subprocess.run(["ip", "-n", state.bridge_ns, "link", "set", SENSOR_PORT, "master", "br0", "up"],
                       check=True)
        subprocess.run(["ip", "-n", ns, "link", "set", "eth0", "up"], check=True)
        yield ns
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=False)


SENSOR_PORT = "vlsn"


def _tcpdump(state: LabState, port: str, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["ip", "netns", "exec", state.bridge_ns, "tcpdump", "-i", port, "-B", "65536", "-Q", "in", "-n", "-U",
         "-w", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_listening(proc: subprocess.Popen[bytes]) -> None:
    """tcpdump says 'listening on' once its capture is open (stderr)."""
    assert proc.stderr is not None
    line = proc.stderr.readline().decode()
    assert "listening on" in line, line


def _frames(path: Path) -> int:
    out = subprocess.run(["tcpdump", "-r", str(path), "-n"], capture_output=True, text=True, check=True)
    return len([line for line in out.stdout.splitlines() if line.strip()])


def test_live_listen_sends_nothing_and_hears_the_lab(default_lab: LabState, tmp_path: Path) -> None:
    state = default_lab
    talker = state.devices[0]
    from_listener, from_talker = tmp_path / "sensor.pcap", tmp_path / "talker.pcap"
    report = tmp_path / "listen.json"
    with _sensor_port(state) as sensor:
        _listen_while_talking(state, sensor, (from_listener, from_talker), report)
    assert _frames(from_talker) > 0, "the control capture saw nothing: tcpdump did not work"
    sent = subprocess.run(["tcpdump", "-r", str(from_listener), "-n", "-e"], capture_output=True, text=True,
                          check=True).stdout
    assert not sent.strip(), f"frames entered the bridge from the listener's link:\n{sent}"
    data = json.loads(report.read_text())
    assert data["scan"]["mode"] == "passive"
    heard = {h["ip"]: h for h in data["hosts"]}
    assert talker.ip in heard, sorted(heard)
    assert {"arp", "sadp-inquiry"} <= set(heard[talker.ip]["signals"])
    assert heard[talker.ip]["mac"] == talker.mac


def _listen_while_talking(state: LabState, sensor: str, dumps_to: tuple[Path, Path], report: Path) -> None:
    talker, other = state.devices[0], state.devices[1]
    dumps = [_tcpdump(state, SENSOR_PORT, dumps_to[0]), _tcpdump(state, talker.port, dumps_to[1])]
    try:
        for dump in dumps:
            _wait_listening(dump)
        listener = subprocess.Popen(
            ["ip", "netns", "exec", sensor, sys.executable, "-m", "netfinger", "listen",
             "--iface", "eth0", "--duration", "4", "--promisc", "--json", str(report), "-q"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert listener.stderr is not None
        said = listener.stderr.readline().decode()  # printed once the capture is sealed and reading
        assert "listening on eth0" in said, said
        # An ARP who-has (a datagram to a neighbour not yet resolved) and a SADP inquiry to the group.
        send = ("import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
                "s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1); "
                f"s.sendto(b'x', ({other.ip!r}, 9)); s.sendto({INQUIRY!r}, ('239.255.255.250', 37020))")
        subprocess.run(["ip", "netns", "exec", talker.ns, "ip", "neigh", "flush", "all"], check=True)
        subprocess.run(["ip", "netns", "exec", talker.ns, sys.executable, "-c", send], check=True, timeout=20)
        _, err = listener.communicate(timeout=60)
        assert listener.returncode == 0, err.decode()
    finally:
        for dump in dumps:
            dump.terminate()
            dump.wait(timeout=10)


@pytest.fixture(scope="module")
def site_hosts(default_lab: LabState, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """``lab capture`` (devices re-announce, clients start a round, no scanner), then ``listen --read``:
    the report's hosts by address."""
    state, tmp_path = default_lab, tmp_path_factory.mktemp("capture")
    cap = tmp_path / "site.pcap"
    done = subprocess.run([sys.executable, "-m", "netfinger", "lab", "capture", "--name", state.name,
                           "--seconds", "6", "-o", str(cap)], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    report = tmp_path / "r.json"
    read = subprocess.run([sys.executable, "-m", "netfinger", "listen", "--read", str(cap),
                           "--json", str(report), "-q"], capture_output=True, text=True, timeout=300,
                          check=False)
    assert read.returncode == 0, read.stderr
    return {h["ip"]: h for h in json.loads(report.read_text())["hosts"]}


def _polled(state: LabState) -> set[str]:
    """The cameras the site's recorders poll by themselves (their profiles' ``poll`` sections)."""
    out: set[str] = set()
    for dev in state.devices:
        section = load_profile(Path(dev.profile)).sections.get("poll")
        if section and not dev.generated:
            out |= {str(cam["ip"]) for cam in section["cameras"]}
    return out


def test_lab_capture_read_back_names_the_site(default_lab: LabState, site_hosts: dict[str, Any]) -> None:
    """On the lab's own traffic: every Hikvision/Dahua device that said something identifying is reported
    with the right maker, banned or suspect; 0 false positives, the tool PC and the app phone included;
    model and firmware wherever the traffic carries them (the NVRs' ONVIF polls, SADP/DHIP replies to
    the PC's searches)."""
    state, hosts = default_lab, site_hosts
    truth = {d.ip: d.expect for d in state.devices}
    named = {ip: h["manufacturer"] for ip, h in hosts.items() if h["manufacturer"]}
    wrong = {ip: (maker, truth.get(ip, {}).get("manufacturer")) for ip, maker in named.items()
             if truth.get(ip, {}).get("manufacturer") != maker}
    assert not wrong, wrong
    heard = [ip for ip, h in hosts.items() if set(h.get("signals", [])) & IDENTIFYING]
    banned_heard = [ip for ip in heard if truth.get(ip, {}).get("manufacturer") in ("Hikvision", "Dahua")]
    assert len(banned_heard) >= 20, "too few Hikvision/Dahua devices were heard"
    missed = {ip: hosts[ip]["manufacturer"] for ip in banned_heard
              if named.get(ip) != truth[ip]["manufacturer"]}
    assert not missed, missed
    # Covered makers all land in a covered tier: banned where the traffic carries a strong native
    # signal, suspect where it only names the maker (issue 11: one naming signal never bans).
    assert {ip: hosts[ip]["status"] for ip in banned_heard
            if hosts[ip]["status"] not in ("banned", "suspect")} == {}
    assert any(hosts[ip]["status"] == "banned" for ip in banned_heard)
    shown = [ip for ip in banned_heard if set(hosts[ip]["signals"]) & FIRMWARE_SIGNALS]
    assert len(shown) >= 15  # the PC's searches make every SADP/DHIP device answer
    got = {ip: (hosts[ip]["model"], hosts[ip]["firmware"]) for ip in shown}
    assert {ip: v for ip, v in got.items() if v != (truth[ip]["model"], truth[ip]["firmware"])} == {}
    chatty = [h for h in hosts.values() if {"dhcp", "dns-query"} <= set(h.get("signals", []))]
    assert len(chatty) >= 3  # the chatter sections: DHCP at boot, cloud lookups
    assert not [h["ip"] for h in chatty if h["banned"] and truth.get(h["ip"], {}).get("manufacturer")
                not in ("Hikvision", "Dahua")]


def test_nvr_polls_show_each_cameras_onvif_model_and_firmware(default_lab: LabState,
                                                              site_hosts: dict[str, Any]) -> None:
    state, hosts = default_lab, site_hosts
    polled = _polled(state)
    assert len(polled) >= 6
    truth = {d.ip: d.expect for d in state.devices}
    missing = {ip: hosts.get(ip, {}).get("signals") for ip in polled
               if not {"rtsp-response", "http-response"} <= set(hosts.get(ip, {}).get("signals", []))}
    assert not missing, missing
    for ip in polled:
        fields = {o["field"]: o["value"] for o in hosts[ip]["observations"]
                  if o["field"].startswith("onvif.")}
        assert fields.get("onvif.Model") == truth[ip]["model"], (ip, fields)
        assert truth[ip]["firmware"] and truth[ip]["firmware"] in fields.get("onvif.FirmwareVersion", ""), ip
        assert (hosts[ip]["model"], hosts[ip]["firmware"]) == (truth[ip]["model"], truth[ip]["firmware"])
    # The tool PC and the app phone are heard, as clients: never banned, never suspect, no maker.
    clients = [d for d in state.devices if d.expect.get("role") == "client"]
    assert len(clients) >= 2
    for dev in clients:
        host = hosts.get(dev.ip)
        assert host is not None, f"{dev.name} was not heard"
        assert (host["status"], host["manufacturer"], host["banned"]) == ("unknown", None, False), host
    tool = next(hosts[d.ip] for d in clients if "search" in d.protocols)
    assert {"sadp-inquiry", "dhip-search"} <= set(tool["signals"])
    assert any(n.startswith("client: searched for devices") for n in tool["notes"])
    phone = next(hosts[d.ip] for d in clients if "chatter" in d.protocols)
    assert {"dhcp", "dns-query"} <= set(phone["signals"])


ANNOUNCEMENTS = {"wsd-hello", "ssdp-notify", "mdns", "sadp-hello", "dhip-reply"}
FIRMWARE_SIGNALS = {"sadp-probematch", "dhip-reply", "http-response"}  # replies that carry firmware
IDENTIFYING = ANNOUNCEMENTS | FIRMWARE_SIGNALS | {"rtsp-response", "dhip-legacy-reply", "ssdp-response",
                                                  "tls-certificate"}
