"""End to end on the field site: routed camera subnets, factory-default units, IPv6 link-local.

Two scans from the scanner namespace, each under a tcpdump capture on its interface: the routed /24s
and the scanner's own /24 without --ipv6, then the scanner's /24 with --ipv6. The captures show what
netfinger sent: no unicast IPv4 packet to an address outside the targets, no IPv6 without --ipv6,
and only link-local IPv6 with it (root only; skipped otherwise).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netfinger.lab import api
from netfinger.lab.router import link_local
from netfinger.lab.state import LabState, unique_lab_name

pytestmark = pytest.mark.lab

NETFINGER = Path(sys.executable).parent / "netfinger"
MAKERS = ("Hikvision", "Dahua")
CAPTURE_BUFFER_KIB = 65536  # tcpdump -B: the scan's opening burst fits many times over


@pytest.fixture(scope="module")
def field_lab() -> Iterator[LabState]:
    name = unique_lab_name("tf")
    api.down(name)
    with api.running_lab("field", name=name) as state:
        yield state


def captured_scan(lab: LabState, tmp: Path, args: list[str]) -> tuple[dict[str, Any], Path]:
    """Run ``netfinger scan ARGS`` in the scanner namespace under tcpdump; (report, pcap)."""
    pcap, out = tmp / "scan.pcap", tmp / "report.json"
    dump = subprocess.Popen(
        ["ip", "netns", "exec", lab.scanner_ns, "tcpdump", "-i", "eth0", "-B", str(CAPTURE_BUFFER_KIB), "-n",
         "-U", "--immediate-mode", "-w", str(pcap)], stderr=subprocess.PIPE, text=True)
    try:
        assert dump.stderr is not None
        line = dump.stderr.readline()  # "listening on eth0 ...": the capture is on
        assert "listening on" in line, line
        cmd = ["ip", "netns", "exec", lab.scanner_ns, str(NETFINGER), "scan", "--quiet", "--timeout", "3",
               "--json", str(out), *args]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
    finally:
        dump.send_signal(signal.SIGINT)
        _, summary = dump.communicate(timeout=30)
    # The scan's first milliseconds are a burst (a who-has per address, the group questions, the answers):
    # a capture that dropped part of it would make the checks below pass or fail on what it missed.
    dropped = re.search(r"(\d+) packets? dropped by kernel", summary)
    assert dropped is not None and dropped.group(1) == "0", summary
    return json.loads(out.read_text(encoding="utf-8")), pcap


def packets(pcap: Path, bpf: str) -> list[str]:
    done = subprocess.run(["tcpdump", "-n", "-r", str(pcap), bpf], capture_output=True, text=True,
                          timeout=60, check=True)
    return [line for line in done.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def routed_scan(field_lab: LabState, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    targets = [field_lab.subnet, *field_lab.routed_subnets]
    return captured_scan(field_lab, tmp_path_factory.mktemp("routed"), targets)


@pytest.fixture(scope="module")
def ipv6_scan(field_lab: LabState, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    return captured_scan(field_lab, tmp_path_factory.mktemp("ipv6"), ["--ipv6", field_lab.subnet])


def _by_ip(report: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    return {h["ip"]: h for h in report["hosts"]}


def test_routed_units_identified_with_their_claimed_mac(
    field_lab: LabState, routed_scan: tuple[dict[str, Any], Path]
) -> None:
    by_ip = _by_ip(routed_scan[0])
    routed = [d for d in field_lab.devices if d.gateway]
    assert len(routed) >= 8
    wrong = {d.name: by_ip.get(d.ip, {}).get("brand") for d in routed
             if d.expect["manufacturer"] in MAKERS
             and (by_ip.get(d.ip, {}).get("manufacturer"), by_ip.get(d.ip, {}).get("brand"))
             != (d.expect["manufacturer"], d.expect["brand"])}
    assert wrong == {}, routed_scan[0]["scan"]["probes"]
    macs = {d.name: (by_ip[d.ip]["mac"], by_ip[d.ip].get("mac_source")) for d in routed
            if d.expect["manufacturer"] in MAKERS}
    assert macs == {d.name: (d.mac, "claimed") for d in routed if d.expect["manufacturer"] in MAKERS}


def test_no_false_positive_on_either_side(
    field_lab: LabState, routed_scan: tuple[dict[str, Any], Path]
) -> None:
    truth = {d.ip: d.expect["manufacturer"] for d in field_lab.devices}
    false = [(h["ip"], h["manufacturer"]) for h in routed_scan[0]["hosts"]
             if h["manufacturer"] in MAKERS and truth.get(h["ip"]) != h["manufacturer"]]
    assert false == []


def test_factory_default_units_heard_and_never_contacted(
    field_lab: LabState, routed_scan: tuple[dict[str, Any], Path]
) -> None:
    report, pcap = routed_scan
    by_ip = _by_ip(report)
    factory = [d for d in field_lab.devices if d.name.startswith("x-")]
    assert len(factory) == 3  # Hikvision 192.0.0.64, Dahua 192.168.1.108, and one with no address
    for dev in factory:
        host = by_ip.get(dev.ip)
        assert host is not None, f"{dev.name} not reported"
        assert host.get("outside_targets") is True
        assert (host["mac"], host["manufacturer"]) == (dev.mac, dev.expect["manufacturer"])
        assert "heard on the link; not contacted" in host["anomalies"]
    hik = by_ip["192.0.0.64"]
    assert "sadp" in hik["protocols"]  # its SADP answer went only to the group: heard on the group socket
    inside = " and ".join(f"not dst net {net}" for net in [field_lab.subnet, *field_lab.routed_subnets])
    sent = packets(pcap, f"ip and src host {field_lab.scanner_ip} and not ip multicast and {inside}")
    assert sent == []
    heard = packets(pcap, f"ip and src host {factory[0].ip}")
    assert heard, "the capture saw nothing from the factory-default unit, so it proves nothing"


def test_unit_with_no_address_heard_at_the_link_layer_and_never_contacted(
    field_lab: LabState, routed_scan: tuple[dict[str, Any], Path]
) -> None:
    """A unit at 0.0.0.0 answers the SADP inquiry (and says Hello) to the group from 0.0.0.0: the kernel
    drops that before any UDP socket, the link-layer listener hears it, and nothing is sent to it."""
    report, pcap = routed_scan
    unit = next(d for d in field_lab.devices if d.ip == "0.0.0.0")
    (host,) = [h for h in report["hosts"] if h["mac"] == unit.mac]
    assert (host["ip"], host.get("outside_targets"), host.get("mac_source")) == ("0.0.0.0", True, "link")
    assert "heard on the link; not contacted" in host["anomalies"]
    assert "sadp" in host["protocols"]
    got = {k: host[k] for k in ("manufacturer", "model", "firmware", "banned")}
    assert got == {k: unit.expect[k] for k in got}
    assert packets(pcap, f"ether src {unit.mac} and src host 0.0.0.0 and udp dst port 37020"), \
        "the unit sent nothing from 0.0.0.0: the check below would prove nothing"
    assert packets(pcap, f"ether dst {unit.mac}") == []  # not a frame to it, not even at the link layer
    assert packets(pcap, "ip and dst host 0.0.0.0") == []


def test_no_ipv6_packet_without_the_flag(
    field_lab: LabState, routed_scan: tuple[dict[str, Any], Path]
) -> None:
    _, pcap = routed_scan
    # The kernel's own MLD reports for the interface's solicited-node group (to ff02::16, or to the
    # group itself in MLDv1) follow the lab's address set-up by a second or two; they are not
    # netfinger's. Anything netfinger could send (ff02::1, ff02::c, ff02::fb, fe80 unicast) still counts.
    kernel = "not dst host ff02::16 and not dst net ff02::1:ff00:0/104"
    assert packets(pcap, f"ip6 and ether src {field_lab.scanner_mac} and {kernel}") == []
    assert packets(pcap, f"ip and ether src {field_lab.scanner_mac}")  # the capture did see the scan


def test_ipv6_host_merges_with_its_ipv4_host(
    field_lab: LabState, ipv6_scan: tuple[dict[str, Any], Path]
) -> None:
    by_ip = _by_ip(ipv6_scan[0])
    dual = next(d for d in field_lab.devices if d.ipv6 and d.ip.startswith("10."))
    assert by_ip[dual.ip]["ipv6"] == [f"{link_local(dual.mac)}%eth0"]
    assert by_ip[dual.ip]["mac"] == dual.mac
    assert sum(1 for h in ipv6_scan[0]["hosts"] if h["mac"] == dual.mac) == 1


def test_ipv6_only_unit_identified(field_lab: LabState, ipv6_scan: tuple[dict[str, Any], Path]) -> None:
    only = next(d for d in field_lab.devices if d.name == "y-dahua-ipv6-only")
    hosts = [h for h in ipv6_scan[0]["hosts"] if h["mac"] == only.mac]
    assert len(hosts) == 1
    host = hosts[0]
    assert host["ip"] is None and host["ipv6"] == [f"{link_local(only.mac)}%eth0"]
    assert host["manufacturer"] == only.expect["manufacturer"]
    assert "http" in host["protocols"]


def test_ipv6_only_unit_identified_through_mdns_on_ff02_fb(
    field_lab: LabState, ipv6_scan: tuple[dict[str, Any], Path]
) -> None:
    """A unit whose IPv6 side answers only mDNS (and the echo): its OUI alone would leave it suspect;
    the advert's instance, heard over IPv6, names the model and bans it."""
    unit = next(d for d in field_lab.devices if d.name == "y-hik-ipv6-mdns")
    (host,) = [h for h in ipv6_scan[0]["hosts"] if h["mac"] == unit.mac]
    assert host["ip"] is None and host["ipv6"] == [f"{link_local(unit.mac)}%eth0"]
    assert "mdns" in host["protocols"]
    assert (host["manufacturer"], host["model"], host["banned"]) == (
        unit.expect["manufacturer"], unit.expect["model"], True)
    fired = {e["rule"] for e in host["evidence"]}
    assert "mdns.hik.instance" in fired, host["evidence"]
    dual = next(d for d in field_lab.devices if d.ipv6 and d.ip.startswith("10."))
    (merged,) = [h for h in ipv6_scan[0]["hosts"] if h["mac"] == dual.mac]  # mDNS over IPv6 merged by MAC
    assert merged["ip"] == dual.ip and merged["ipv6"] == [f"{link_local(dual.mac)}%eth0"]


def test_mdns_over_ipv6_only_with_the_flag(
    field_lab: LabState, routed_scan: tuple[dict[str, Any], Path], ipv6_scan: tuple[dict[str, Any], Path]
) -> None:
    assert packets(routed_scan[1], "ip6 and udp port 5353") == []
    asked = packets(ipv6_scan[1], f"ip6 and ether src {field_lab.scanner_mac} and dst host ff02::fb "
                                  "and udp dst port 5353")
    assert asked, "no mDNS query to ff02::fb with --ipv6"


def test_ipv6_traffic_is_link_local_only(field_lab: LabState, ipv6_scan: tuple[dict[str, Any], Path]) -> None:
    _, pcap = ipv6_scan
    mine = f"ip6 and ether src {field_lab.scanner_mac}"
    assert packets(pcap, mine), "no IPv6 sent with --ipv6: the check below would prove nothing"
    scoped = "src net fe80::/10 and (dst net fe80::/10 or dst net ff02::/16)"
    assert packets(pcap, f"{mine} and not ({scoped})") == []


def _group_socket_open(lab: LabState) -> bool:
    """The scan's SADP group socket (bound to 37020 in the scanner namespace) is open."""
    done = subprocess.run(["ip", "netns", "exec", lab.scanner_ns, "ss", "-Hlun", "sport = :37020"],
                          capture_output=True, text=True, timeout=30, check=False)
    return bool(done.stdout.strip())


@pytest.fixture(scope="module")
def hello_scan(field_lab: LabState, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A scan during which every lab device comes up again (SIGUSR1: the units say Hello), sent once the
    scan's group socket is open: the Hellos arrive inside its listen window."""
    out = tmp_path_factory.mktemp("hello") / "report.json"
    cmd = ["ip", "netns", "exec", field_lab.scanner_ns, str(NETFINGER), "scan", "--quiet", "--timeout", "5",
           "--json", str(out), field_lab.subnet]
    scan = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not _group_socket_open(field_lab):
            assert scan.poll() is None and time.monotonic() < deadline, "no group socket opened"
        assert field_lab.emulator_pid
        os.kill(field_lab.emulator_pid, signal.SIGUSR1)
        _, err = scan.communicate(timeout=300)
    finally:
        if scan.poll() is None:
            scan.kill()
            scan.wait()
    assert scan.returncode == 0, err
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def test_sadp_hellos_heard_from_a_target_and_from_a_unit_with_no_address(
    field_lab: LabState, hello_scan: dict[str, Any]
) -> None:
    said = {d.mac for d in field_lab.devices if d.name in ("s-hik-ds2cd2143g0-2020", "x-hik-no-address")}
    assert len(said) == 2
    hello = {h["mac"]: h for h in hello_scan["hosts"]
             if any(o["field"] == "sadp.Types" and o["value"] == "hello" for o in h["observations"])}
    assert said <= set(hello), sorted(hello)
    inside = next(d for d in field_lab.devices if d.name == "s-hik-ds2cd2143g0-2020")
    assert hello[inside.mac]["ip"] == inside.ip and not hello[inside.mac].get("outside_targets")
    unit = next(d for d in field_lab.devices if d.ip == "0.0.0.0")
    assert hello[unit.mac]["ip"] == "0.0.0.0" and hello[unit.mac]["outside_targets"] is True
