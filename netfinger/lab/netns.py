"""The lab network: one namespace with a bridge, one for the scanner, one per device, joined by veths.

Everything is made with ``ip -batch`` inside the lab's own namespaces: veths are created directly in
their target namespaces, so no interface, address or route of the host is ever touched.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from netfinger.errors import NeedsRootError, NetfingerError
from netfinger.lab.gro import set_gro
from netfinger.lab.nsenter import NETNS_DIR, in_netns
from netfinger.lab.router import (
    enable_forwarding,
    link_local,
    quiet_ipv6,
    routed_bridge,
    router_batch,
    router_links,
    scanner_routes,
)
from netfinger.lab.state import NS_PREFIX, UNCONFIGURED, DeviceState, LabState

BRIDGE = "br0"
SCANNER_PORT = "vscan"
DEVICE_IF = "eth0"
MULTICAST_NET = "224.0.0.0/4"
PARALLEL = 8
# rt: the router of a routed lab (lab/router.py); hq: the HQ namespace of a fleet lab (lab/fleet.py)
LAB_NS_RE = re.compile(rf"^{NS_PREFIX}([a-z0-9]{{1,8}})-(br|scan|rt|hq|d\d{{4}})$")


def require_root() -> None:
    if os.geteuid() != 0:
        raise NeedsRootError("the lab needs root (network namespaces): run netfinger lab as root")
    if shutil.which("ip") is None:
        raise NetfingerError("the lab needs the ip command: install iproute2")


def lab_namespaces(lab: str | None = None) -> list[str]:
    """Namespaces that belong to lab ``lab`` (or to any netfinger lab), from /run/netns."""
    try:
        names = os.listdir(NETNS_DIR)
    except FileNotFoundError:
        return []
    out = []
    for name in names:
        match = LAB_NS_RE.match(name)
        if match and (lab is None or match.group(1) == lab):
            out.append(name)
    return sorted(out)


def host_batch(state: LabState) -> list[str]:
    """Namespaces, then every veth pair created straight into its two namespaces."""
    lines = [f"netns add {ns}" for ns in state.namespaces]
    lines.append(
        f"link add {SCANNER_PORT} netns {state.bridge_ns} type veth "
        f"peer name {DEVICE_IF} netns {state.scanner_ns} address {state.scanner_mac}"
    )
    lines += [
        f"link add {d.port} netns {state.bridge_ns} type veth "
        f"peer name {DEVICE_IF} netns {d.ns} address {d.mac}"
        for d in state.devices
    ]
    return lines + router_links(state)


def bridge_batch(state: LabState) -> list[str]:
    """The bridge floods multicast to every port: snooping off, so no querier is needed."""
    ports = [SCANNER_PORT, *(d.port for d in state.devices)]
    lines = [
        "link set lo up",
        f"link add {BRIDGE} type bridge stp_state 0 mcast_snooping 0",
        f"link set {BRIDGE} addrgenmode none",
        f"link set {BRIDGE} up",
    ]
    for port in ports:
        lines += [f"link set {port} addrgenmode none", f"link set {port} master {BRIDGE} up"]
    return lines + routed_bridge(state)


def endpoint_batch(ip: str, prefixlen: int, gateway: str = "") -> list[str]:
    """Inside a device or the scanner: loopback, the address, multicast and a default route on eth0
    (on-link, or via ``gateway`` for a device behind the lab router)."""
    via = f"via {gateway} " if gateway else ""
    return [
        "link set lo up",
        f"link set {DEVICE_IF} addrgenmode none",
        f"link set {DEVICE_IF} up",
        f"addr add {ip}/{prefixlen} brd + dev {DEVICE_IF}",
        f"route add {MULTICAST_NET} dev {DEVICE_IF}",
        f"route add default {via}dev {DEVICE_IF}",
    ]


def device_batch(dev: DeviceState, lab_prefixlen: int) -> list[str]:
    if dev.ip == UNCONFIGURED:  # no address, no route: its interface only (it talks in raw frames)
        return ["link set lo up", f"link set {DEVICE_IF} addrgenmode none", f"link set {DEVICE_IF} up"]
    lines = endpoint_batch(dev.ip, dev.prefixlen or lab_prefixlen, dev.gateway)
    if dev.ipv6:
        lines.append(f"addr add {link_local(dev.mac)}/64 dev {DEVICE_IF} nodad")
    return lines


def _batch(lines: Iterable[str], ns: str | None = None) -> subprocess.Popen[str]:
    argv = ["ip", *(["-n", ns] if ns else []), "-batch", "-"]
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdin is not None
    proc.stdin.write("\n".join(lines) + "\n")
    proc.stdin.close()
    return proc


def _errors(proc: subprocess.Popen[str]) -> str:
    """Wait for an ``ip -batch`` and return what it said on stderr."""
    err = ""
    if proc.stderr is not None:
        with proc.stderr:
            err = proc.stderr.read()
    proc.wait()
    return err


def _wait(proc: subprocess.Popen[str], what: str) -> None:
    err = _errors(proc)
    if proc.returncode != 0:
        raise NetfingerError(f"setting up {what} failed: {err.strip()[:500]}")


def create(state: LabState) -> None:
    """Make the lab's namespaces, bridge and links. Raises if any namespace of the lab already exists."""
    require_root()
    if lab_namespaces(state.name):
        raise NetfingerError(f"lab {state.name} already exists: run netfinger lab down --name {state.name}")
    _wait(_batch(host_batch(state)), "namespaces and veths")
    _wait(_batch(bridge_batch(state), state.bridge_ns), "the bridge")
    quiet_ipv6(state)
    jobs = [(state.scanner_ns, endpoint_batch(state.scanner_ip, state.prefixlen) + scanner_routes(state))]
    jobs += [(d.ns, device_batch(d, state.prefixlen)) for d in state.devices]
    if state.router_ns:
        jobs.append((state.router_ns, router_batch(state)))
    running: list[tuple[subprocess.Popen[str], str]] = []
    for ns, lines in jobs:
        running.append((_batch(lines, ns), ns))
        if len(running) >= PARALLEL:
            _wait(*running.pop(0))
    for proc, ns in running:
        _wait(proc, ns)
    enable_forwarding(state)
    for dev in state.devices:
        with in_netns(dev.ns), contextlib.suppress(OSError):  # an old kernel: stay on the backlog
            set_gro(DEVICE_IF, True)
    _gro_on_the_way_back(state)


def _gro_on_the_way_back(state: LabState) -> None:
    """GRO (a NAPI ring) also on the bridge's ports and the scanner's end: when hundreds of devices
    answer one multicast probe at once, their frames into the bridge and the bridge's into the
    scanner would otherwise all queue on the CPU's shared backlog and overflow it."""
    with in_netns(state.bridge_ns):
        for port in [SCANNER_PORT, *(d.port for d in state.devices)]:
            with contextlib.suppress(OSError):
                set_gro(port, True)
    with in_netns(state.scanner_ns), contextlib.suppress(OSError):
        set_gro(DEVICE_IF, True)


def _net_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def processes_in(namespaces: Iterable[str]) -> list[int]:
    """Pids of processes living in any of these namespaces (found by namespace inode, not by name)."""
    wanted = {i for ns in namespaces if (i := _net_identity(NETNS_DIR / ns)) is not None}
    if not wanted:
        return []
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            ident = _net_identity(Path("/proc") / entry / "ns" / "net")
            if ident in wanted:
                pids.append(int(entry))
    return pids


def delete(namespaces: Iterable[str]) -> None:
    """Delete namespaces; their veths and the bridge go with them."""
    lines = [f"netns del {ns}" for ns in namespaces if (NETNS_DIR / ns).exists()]
    if lines:
        proc = _batch(lines)
        err = _errors(proc)
        if proc.returncode != 0 and lab_namespaces_left(namespaces):
            raise NetfingerError(f"deleting lab namespaces failed: {err.strip()[:500]}")


def lab_namespaces_left(namespaces: Iterable[str]) -> list[str]:
    return [ns for ns in namespaces if (NETNS_DIR / ns).exists()]
