"""The scan interface: which one, its IPv4 addresses and on-link networks (from ``ip -j addr``)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from ipaddress import IPv4Interface, IPv4Network
from typing import Any

from netfinger.errors import NetfingerError, UsageError


@dataclass(frozen=True)
class Interface:
    name: str
    addresses: tuple[IPv4Interface, ...] = ()
    flags: tuple[str, ...] = field(default=())

    @property
    def networks(self) -> tuple[IPv4Network, ...]:
        return tuple(dict.fromkeys(a.network for a in self.addresses))

    @property
    def ips(self) -> frozenset[str]:
        return frozenset(str(a.ip) for a in self.addresses)


def parse_ip_addr(text: str) -> list[Interface]:
    """Interfaces with IPv4 addresses from ``ip -j -4 addr show`` output (loopback excluded)."""
    try:
        doc = json.loads(text)
    except ValueError:
        return []
    out = []
    for entry in doc if isinstance(doc, list) else []:
        if not isinstance(entry, dict):
            continue
        flags = tuple(str(f) for f in entry.get("flags", []))
        if "LOOPBACK" in flags or entry.get("link_type") == "loopback":
            continue
        addrs = []
        for info in entry.get("addr_info", []):
            if isinstance(info, dict) and info.get("family") == "inet":
                addrs.append(IPv4Interface(f"{info['local']}/{info.get('prefixlen', 32)}"))
        if addrs:
            out.append(Interface(str(entry.get("ifname", "")), tuple(addrs), flags))
    return out


def list_interfaces() -> list[Interface]:
    try:
        done = subprocess.run(["ip", "-j", "-4", "addr", "show"], capture_output=True, text=True,
                              timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NetfingerError(f"cannot list interfaces with 'ip': {exc}") from exc
    return [i for i in parse_ip_addr(done.stdout) if "UP" in i.flags or "LOWER_UP" in i.flags]


def choose_interface(interfaces: list[Interface], name: str | None,
                     targets: tuple[IPv4Network, ...]) -> Interface | None:
    """The named interface, else the one whose networks overlap the targets most, else the first."""
    if name:
        for iface in interfaces:
            if iface.name == name:
                return iface
        raise UsageError(f"no interface {name!r} with an IPv4 address here; try one of: "
                         + ", ".join(i.name for i in interfaces))
    if not interfaces:
        return None

    def overlap(iface: Interface) -> int:
        return sum(1 for n in iface.networks for t in targets if n.overlaps(t))

    best = max(interfaces, key=overlap)
    return best if overlap(best) or not targets else interfaces[0]


def describe(iface: Interface) -> dict[str, Any]:
    return {"name": iface.name, "addresses": [str(a) for a in iface.addresses]}
