"""A real lab (root): namespaces, bridge, emulator, traffic from the scanner namespace, clean teardown.

Uses the mini test site with its test-only responders, so it does not depend on the real protocol
responders. All traffic stays inside the lab's namespaces.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netfinger.lab import api, netns
from netfinger.lab.state import LabState, lab_dir, unique_lab_name

pytestmark = pytest.mark.lab

LAB_SITES = Path(__file__).resolve().parent.parent / "lab_sites"
MINI = LAB_SITES / "mini"
MINI_RESPONDERS = LAB_SITES / "mini_responders.py"


def lab_name(tag: str) -> str:
    """Unique among live processes (our pid), after clearing what a crashed run with our pid left."""
    name = unique_lab_name(tag)
    api.down(name)
    return name


def in_scanner(state: LabState, code: str, timeout: float = 30) -> str:
    """Run Python code inside the scanner namespace (never in the host's)."""
    out = subprocess.run(
        ["ip", "netns", "exec", state.scanner_ns, sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return out.stdout


def host_links() -> list[str]:
    out = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True, check=True).stdout
    return sorted(line.split(":")[1].strip() for line in out.splitlines())


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture(scope="module")
def mini_lab() -> object:
    before = host_links()
    name = lab_name("tm")
    with api.running_lab(MINI, scale=12, name=name, responders=MINI_RESPONDERS) as state:
        yield state
    assert host_links() == before


def test_namespaces_bridge_and_emulator_exist(mini_lab: LabState) -> None:
    state = mini_lab
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    for ns in state.namespaces:
        assert ns in listed
    ports = subprocess.run(
        ["ip", "-n", state.bridge_ns, "-o", "link", "show", "master", "br0"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(ports.splitlines()) == 1 + 12
    assert "br0" not in host_links()
    assert state.emulator_pid is not None and alive(state.emulator_pid)
    cmdline = Path(f"/proc/{state.emulator_pid}/cmdline").read_bytes()
    assert b"netfinger.lab.emulator" in cmdline
    assert LabState.load(state.name) == state


def test_device_veths_have_their_own_receive_ring(mini_lab: LabState) -> None:
    """GRO on the device end of each veth: floods from the bridge skip the shared CPU backlog."""
    code = "from netfinger.lab.gro import gro_enabled; print(gro_enabled('eth0'))"
    for ns in (mini_lab.devices[0].ns, mini_lab.devices[-1].ns):
        out = subprocess.run(
            ["ip", "netns", "exec", ns, sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == "True"


def test_lab_run_executes_in_the_scanner_namespace(mini_lab: LabState) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "netfinger", "lab", "run", "--name", mini_lab.name, "--", "ip", "-4", "addr"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"inet {mini_lab.scanner_ip}/24" in out
    code = subprocess.run(
        [
            sys.executable,
            "-m",
            "netfinger",
            "lab",
            "run",
            "--name",
            mini_lab.name,
            "--",
            "sh",
            "-c",
            "exit 7",
        ],
        check=False,
    ).returncode
    assert code == 7


def test_devices_answer_arp(mini_lab: LabState) -> None:
    code = (
        "import json; from scapy.all import arping\n"
        f"ans, _ = arping({mini_lab.subnet!r}, iface='eth0', timeout=2, retry=2, verbose=0)\n"
        "print(json.dumps({r.psrc: r.hwsrc for _, r in ans}))\n"
    )
    seen = json.loads(in_scanner(mini_lab, code))
    assert seen == {d.ip: d.mac for d in mini_lab.devices}


ECHO_PROBE = """
import json, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.bind(("0.0.0.0", 0))
s.settimeout(1.0)
s.sendto(b"PING {target}", ({target!r}, 4999))
got = {{}}
try:
    while True:
        data, peer = s.recvfrom(512)
        got[peer[0]] = data.decode()
except socket.timeout:
    pass
print(json.dumps(got))
"""


@pytest.mark.parametrize("target", ["239.255.255.250", "255.255.255.255"])
def test_echo_devices_answer_multicast_and_broadcast(mini_lab: LabState, target: str) -> None:
    got = json.loads(in_scanner(mini_lab, ECHO_PROBE.format(target=target)))
    echoers = {d.ip: d.name for d in mini_lab.devices if "echo" in d.protocols}
    assert 0 < len(echoers) < len(mini_lab.devices)
    assert got == {ip: f"PONG {name} {target}" for ip, name in echoers.items()}


def test_tcp_banner_uses_the_device_vars(mini_lab: LabState) -> None:
    code = (
        "import socket, sys\n"
        "for ip, port in [tuple(a.split(':')) for a in sys.argv[1:]]:\n"
        "    with socket.create_connection((ip, int(port)), timeout=3) as c:\n"
        "        print(c.recv(200).decode().strip())\n"
    )
    targets = []
    expected = []
    for dev in mini_lab.devices:
        if "banner" in dev.protocols:
            port = 8000 if dev.name.startswith("cam1") else 37777
            targets.append(f"{dev.ip}:{port}")
            hexmac = dev.mac.replace(":", "").upper()
            expected.append(
                f"cam {dev.name} sn={dev.vars['serial']} mac={hexmac}"
                if dev.name.startswith("cam1")
                else f"nvr {dev.vars['SerialNo']}"
            )
    out = subprocess.run(
        ["ip", "netns", "exec", mini_lab.scanner_ns, sys.executable, "-c", code, *targets],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    assert out.splitlines() == expected


def test_a_failing_responder_does_not_kill_the_emulator(mini_lab: LabState) -> None:
    nvrs = [d.ip for d in mini_lab.devices if "boom" in d.protocols]
    code = (
        "import socket\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        f"for ip in {nvrs!r}:\n"
        "    for _ in range(3):\n"
        "        s.sendto(b'x', (ip, 5000))\n"
    )
    in_scanner(mini_lab, code)
    time.sleep(0.3)
    assert mini_lab.emulator_pid is not None and alive(mini_lab.emulator_pid)
    log = (lab_dir(mini_lab.name) / "emulator.log").read_text()
    assert log.count("boom responder failed") == len(nvrs)  # once per device, not per datagram
    assert "PONG" in in_scanner(mini_lab, ECHO_PROBE.format(target="239.255.255.250"))


def test_down_removes_everything() -> None:
    before = host_links()
    name = lab_name("tx")
    state = api.up(MINI, name=name, responders=MINI_RESPONDERS)
    pid = state.emulator_pid
    assert pid is not None
    # a stray process left inside the lab is cleaned up too
    stray = subprocess.Popen(["ip", "netns", "exec", state.devices[0].ns, "sleep", "60"])
    time.sleep(0.2)
    subprocess.run([sys.executable, "-m", "netfinger", "lab", "down", "--name", name], check=True)
    stray.wait(timeout=5)
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    assert f"nf-{name}-" not in listed
    assert host_links() == before
    assert not alive(pid)
    assert not lab_dir(name).exists()


def test_down_after_a_crash() -> None:
    name = lab_name("tc")
    state = api.up(MINI, name=name, responders=MINI_RESPONDERS)
    assert state.emulator_pid is not None
    os.kill(state.emulator_pid, signal.SIGKILL)
    os.waitpid(state.emulator_pid, 0)
    shutil.rmtree(lab_dir(name))  # the state is lost as well: only the namespaces are left
    assert netns.lab_namespaces(name)
    assert name in api.all_labs()
    # (not --all here: that would also remove labs of tests running in parallel)
    subprocess.run([sys.executable, "-m", "netfinger", "lab", "down", "--name", name], check=True)
    assert netns.lab_namespaces(name) == []


def test_a_second_up_with_the_same_name_is_refused(mini_lab: LabState) -> None:
    with pytest.raises(Exception, match="already exists"):
        api.up(MINI, name=mini_lab.name, responders=MINI_RESPONDERS)
    assert mini_lab.emulator_pid is not None and alive(mini_lab.emulator_pid)


def test_down_finds_a_live_emulator_whose_state_is_lost() -> None:
    name = lab_name("ts")
    state = api.up(MINI, name=name, responders=MINI_RESPONDERS)
    pid = state.emulator_pid
    assert pid is not None
    shutil.rmtree(lab_dir(name))
    api.down(name)
    assert not Path(f"/proc/{pid}").exists()  # stopped and reaped, not left as a zombie
    assert netns.lab_namespaces(name) == []
