"""A running lab's state: ``/run/netfinger/labs/NAME/state.json``, written by ``lab up``.

Tests, benchmarks and the emulator read it; ``lab down`` uses it (and, after a crash, the namespace
names alone) to clean up.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from netfinger.errors import NetfingerError, UsageError

LABS_ROOT = Path(os.environ.get("NETFINGER_LAB_ROOT", "/run/netfinger/labs"))
LAB_NAME_RE = re.compile(r"^[a-z0-9]{1,8}$")
NS_PREFIX = "nf-"
UNCONFIGURED = "0.0.0.0"  # a device with no IPv4 address (fresh, no DHCP answer): lab/unconfigured.py
MAX_DEVICES = 9999  # device namespaces and bridge ports are numbered with four digits
STATE_FILE = "state.json"
READY_FILE = "ready"
ERROR_FILE = "error"
LOG_FILE = "emulator.log"
PID_FILE = "emulator.pid"


def check_lab_name(name: str) -> str:
    if not LAB_NAME_RE.match(name):
        raise UsageError(f"lab name {name!r}: use 1 to 8 lower-case letters or digits")
    return name


def unique_lab_name(prefix: str = "t") -> str:
    """A lab name no other live process uses: ``prefix`` (up to 3 chars) + this process's pid in base 36."""
    pid, digits = os.getpid(), ""
    while pid:
        pid, rem = divmod(pid, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rem] + digits
    return check_lab_name((prefix[:3] + digits)[:8])


def bridge_ns(lab: str) -> str:
    return f"{NS_PREFIX}{lab}-br"


def scanner_ns(lab: str) -> str:
    return f"{NS_PREFIX}{lab}-scan"


def router_ns(lab: str) -> str:
    return f"{NS_PREFIX}{lab}-rt"


def device_ns(lab: str, index: int) -> str:
    return f"{NS_PREFIX}{lab}-d{index:04d}"


def lab_dir(lab: str, root: Path | None = None) -> Path:
    return (root or LABS_ROOT) / lab


@dataclass(frozen=True)
class DeviceState:
    index: int  # 1-based; names the namespace (nf-LAB-dNNNN) and the bridge port (vNNNN)
    name: str
    ns: str
    ip: str
    mac: str
    expect: dict[str, Any]
    protocols: list[str]
    profile: str  # the profile file the emulator loads the protocol sections from
    vars: dict[str, str] = field(default_factory=dict)
    generated: bool = False  # made by --scale from the profile, not one of the site's own devices
    prefixlen: int = 0  # its own network's prefix (0: the lab network's), e.g. a factory-default /24
    gateway: str = ""  # routed side (behind the lab router): its default route; "" means on-link
    ipv6: bool = False  # an IPv6 link-local address (EUI-64 from its MAC) on eth0

    @property
    def port(self) -> str:
        """The device's veth name in the bridge namespace."""
        return f"v{self.index:04d}"


@dataclass
class LabState:
    name: str
    site: str
    subnet: str  # the lab network, e.g. 10.77.0.0/24
    scanner_ns: str
    scanner_ip: str
    scanner_mac: str
    bridge_ns: str
    devices: list[DeviceState]
    emulator_pid: int | None = None
    seed: int = 0
    created: float = 0.0
    responders: str | None = None  # extra responder file (tests), see profile.responder_registry
    router_ns: str = ""  # a router between the scanner's segment and routed subnets ("": none)
    router_ip: str = ""  # the router's address on the scanner's segment
    routed_subnets: list[str] = field(default_factory=list)  # behind the router; it is .1 in each
    scanner_ipv6: bool = False  # the scanner has an IPv6 link-local address

    @property
    def prefixlen(self) -> int:
        return int(self.subnet.rsplit("/", 1)[1])

    @property
    def namespaces(self) -> list[str]:
        router = [self.router_ns] if self.router_ns else []
        return [self.bridge_ns, self.scanner_ns, *router, *(d.ns for d in self.devices)]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LabState:
        devices = [DeviceState(**d) for d in data["devices"]]
        return cls(**{**data, "devices": devices})

    def save(self, root: Path | None = None) -> Path:
        """Write atomically (the emulator and other processes may read it at any time)."""
        directory = lab_dir(self.name, root)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / STATE_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1), encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load_file(cls, path: Path) -> LabState:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls.from_dict(data)
        except FileNotFoundError:
            raise NetfingerError(f"no lab state at {path}: is the lab up? (netfinger lab up)") from None
        except (ValueError, TypeError, KeyError) as exc:
            raise NetfingerError(f"lab state {path} is damaged ({exc}); run netfinger lab down") from None

    @classmethod
    def load(cls, name: str = "lab", root: Path | None = None) -> LabState:
        return cls.load_file(lab_dir(check_lab_name(name), root) / STATE_FILE)


def list_labs(root: Path | None = None) -> list[str]:
    base = root or LABS_ROOT
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if LAB_NAME_RE.match(p.name))
