"""A live ``netfinger listen`` in the lab sends nothing: the bridge side of its link sees 0 frames from it.

The listener runs in the scanner namespace on its ``eth0``. tcpdump, in the bridge namespace, records
what enters the bridge from that link (``vscan``, direction in) and, as a control, from one device's
link. A device then speaks: it pings another device (ARP broadcast) and sends a SADP inquiry to the
group (a client act). All traffic stays inside the lab's namespaces.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netfinger.lab.state import LabState

pytestmark = pytest.mark.lab

INQUIRY = (b'<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>F93CF8DC-DF53-424B-98A7-9FC0536E1083</Uuid>'
           b"<Types>inquiry</Types></Probe>")


def _tcpdump(state: LabState, port: str, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["ip", "netns", "exec", state.bridge_ns, "tcpdump", "-i", port, "-Q", "in", "-n", "-U",
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
    talker, other = state.devices[0], state.devices[1]
    from_listener, from_talker = tmp_path / "vscan.pcap", tmp_path / "talker.pcap"
    dumps = [_tcpdump(state, "vscan", from_listener), _tcpdump(state, talker.port, from_talker)]
    report = tmp_path / "listen.json"
    try:
        for dump in dumps:
            _wait_listening(dump)
        listener = subprocess.Popen(
            ["ip", "netns", "exec", state.scanner_ns, sys.executable, "-m", "netfinger", "listen",
             "--iface", "eth0", "--duration", "6", "--promisc", "--json", str(report), "-q"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(2.5)  # not synchronisation of a result: only gives the listener time to start reading
        send = ("import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
                "s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1); "
                f"s.sendto({INQUIRY!r}, ('239.255.255.250', 37020))")
        subprocess.run(["ip", "netns", "exec", talker.ns, "ip", "neigh", "flush", "all"], check=True)
        subprocess.run(["ip", "netns", "exec", talker.ns, "ping", "-c", "2", "-i", "0.3", other.ip],
                       capture_output=True, check=False, timeout=20)
        subprocess.run(["ip", "netns", "exec", talker.ns, sys.executable, "-c", send], check=True, timeout=20)
        _, err = listener.communicate(timeout=60)
        assert listener.returncode == 0, err.decode()
    finally:
        for dump in dumps:
            dump.terminate()
            dump.wait(timeout=10)
    assert _frames(from_talker) > 0, "the control capture saw nothing: tcpdump did not work"
    assert _frames(from_listener) == 0, "frames left the listener's interface"
    data = json.loads(report.read_text())
    assert data["scan"]["mode"] == "passive"
    heard = {h["ip"]: h for h in data["hosts"]}
    assert talker.ip in heard, sorted(heard)
    assert "sadp-inquiry" in heard[talker.ip]["signals"]
    assert heard[talker.ip]["mac"] == talker.mac
