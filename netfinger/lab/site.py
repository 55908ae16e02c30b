"""A lab site: a directory with ``site.yaml`` (subnet, scanner address) and one profile per device.

``--site`` takes a built-in site name (a directory under ``netfinger/lab/sites/``) or a path.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from netfinger.errors import UsageError
from netfinger.lab.profile import Profile, Registry, load_profile, responder_registry
from netfinger.lab.responders.base import ProfileError
from netfinger.lab.state import UNCONFIGURED

BUILTIN_SITES = Path(__file__).resolve().parent / "sites"
SITE_FILE = "site.yaml"
SITE_KEYS = ("subnet", "scanner_ip", "description", "router", "segment", "ipv6")
BUILTIN_RE = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class Topology:
    """Beyond one flat segment: a router to routed subnets, other networks numbered on the scanner's
    segment (factory defaults), and IPv6 link-local on the scanner."""

    router_ip: ipaddress.IPv4Address | None = None
    routed: tuple[ipaddress.IPv4Network, ...] = ()
    segment: tuple[ipaddress.IPv4Network, ...] = ()
    ipv6: bool = False

    def network_of(self, ip: ipaddress.IPv4Address) -> tuple[ipaddress.IPv4Network, bool] | None:
        """(network, routed) for an address on a routed subnet or an extra segment network."""
        for net in self.routed:
            if ip in net:
                return net, True
        for net in self.segment:
            if ip in net:
                return net, False
        return None


@dataclass(frozen=True)
class Site:
    path: Path
    subnet: ipaddress.IPv4Network
    scanner_ip: ipaddress.IPv4Address
    description: str
    profiles: tuple[Profile, ...]
    topology: Topology = field(default_factory=Topology)


def resolve_site(spec: str) -> Path:
    """A built-in site name or a directory path -> the site directory."""
    if BUILTIN_RE.match(spec) and (BUILTIN_SITES / spec / SITE_FILE).is_file():
        return BUILTIN_SITES / spec
    path = Path(spec)
    if (path / SITE_FILE).is_file():
        return path.resolve()
    builtins = sorted(p.name for p in BUILTIN_SITES.iterdir() if (p / SITE_FILE).is_file())
    raise UsageError(
        f"no lab site {spec!r}: give a built-in site ({', '.join(builtins)}) "
        f"or a directory holding {SITE_FILE}"
    )


def _parse_site_file(path: Path) -> tuple[ipaddress.IPv4Network, ipaddress.IPv4Address, str, Topology]:
    where = f"{path.parent.name}/{SITE_FILE}"
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"{where}: cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: must be a mapping with subnet, scanner_ip, description")
    for key in data:
        if key not in SITE_KEYS:
            raise ProfileError(f"{where}: {key}: unknown key (known: {', '.join(SITE_KEYS)})")
    try:
        subnet = ipaddress.IPv4Network(str(data.get("subnet")))
    except ValueError:
        raise ProfileError(f"{where}: subnet: must be an IPv4 network like 10.77.0.0/24") from None
    if subnet.prefixlen > 30 or subnet.prefixlen < 8:
        raise ProfileError(f"{where}: subnet: prefix length must be between /8 and /30")
    scanner_raw = data.get("scanner_ip", str(next(subnet.hosts())))
    try:
        scanner = ipaddress.IPv4Address(str(scanner_raw))
    except ValueError:
        raise ProfileError(f"{where}: scanner_ip: must be an IPv4 address") from None
    if not _is_host(scanner, subnet):
        raise ProfileError(f"{where}: scanner_ip: {scanner} is not a host address in {subnet}")
    description = data.get("description") or ""
    if not isinstance(description, str):
        raise ProfileError(f"{where}: description: must be a string")
    return subnet, scanner, description, _parse_topology(data, subnet, where)


def _networks(raw: Any, where: str) -> tuple[ipaddress.IPv4Network, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ProfileError(f"{where}: must be a list of IPv4 networks")
    try:
        return tuple(ipaddress.IPv4Network(str(n)) for n in raw)
    except ValueError as exc:
        raise ProfileError(f"{where}: {exc}") from None


def _parse_topology(data: dict[str, Any], subnet: ipaddress.IPv4Network, where: str) -> Topology:
    """``router: {ip, subnets}`` (the router's address on the scanner's subnet, the subnets behind it),
    ``segment: [networks]`` (also numbered on the scanner's segment), ``ipv6: true``."""
    router = data.get("router") or {}
    if not isinstance(router, dict) or set(router) - {"ip", "subnets"}:
        raise ProfileError(f"{where}: router: a mapping with ip and subnets")
    routed = _networks(router.get("subnets"), f"{where}: router.subnets")
    router_ip = None
    if routed:
        try:
            router_ip = ipaddress.IPv4Address(str(router.get("ip")))
        except ValueError:
            raise ProfileError(f"{where}: router.ip: the router's IPv4 address in {subnet}") from None
        if not _is_host(router_ip, subnet):
            raise ProfileError(f"{where}: router.ip: {router_ip} is not a host address in {subnet}")
    segment = _networks(data.get("segment"), f"{where}: segment")
    nets = [subnet, *routed, *segment]
    for i, net in enumerate(nets):
        if any(net.overlaps(other) for other in nets[i + 1:]):
            raise ProfileError(f"{where}: {net} overlaps another of the site's networks")
    ipv6 = data.get("ipv6", False)
    if not isinstance(ipv6, bool):
        raise ProfileError(f"{where}: ipv6: must be true or false")
    return Topology(router_ip, routed, segment, ipv6)


def _is_host(ip: ipaddress.IPv4Address, subnet: ipaddress.IPv4Network) -> bool:
    return ip in subnet and ip not in (subnet.network_address, subnet.broadcast_address)


def _check_unique(
    profiles: list[Profile], subnet: ipaddress.IPv4Network, scanner: ipaddress.IPv4Address,
    topology: Topology,
) -> None:
    """Addresses inside the site's networks and off the scanner; names, MACs and addresses used once."""
    seen: dict[tuple[str, str], str] = {}  # (key, value) -> file that used it first
    for prof in profiles:
        where = prof.path.name
        other = topology.network_of(prof.ip) if prof.ip is not None else None
        unconfigured = prof.ip == ipaddress.IPv4Address(UNCONFIGURED)  # no address at all (no DHCP answer)
        if prof.ip is not None and not unconfigured and not _is_host(prof.ip, other[0] if other else subnet):
            raise ProfileError(f"{where}: ip: {prof.ip} is not a host address in the site subnet {subnet}"
                               " (nor in its router.subnets or segment)")
        if other and other[1] and prof.ip == other[0].network_address + 1:
            raise ProfileError(f"{where}: ip: {prof.ip} is the router's address in {other[0]}")
        if prof.ip is not None and prof.ip == topology.router_ip:
            raise ProfileError(f"{where}: ip: {prof.ip} is the router's address")
        if prof.ip == scanner:
            raise ProfileError(f"{where}: ip: {prof.ip} is the scanner's address")
        values = {"name": prof.name, "mac": prof.mac,
                  "ip": None if prof.ip is None or unconfigured else str(prof.ip)}
        for key, value in values.items():
            if value is None:
                continue
            if (key, value) in seen:
                raise ProfileError(f"{where}: {key}: {value} is also used by {seen[key, value]}")
            seen[key, value] = where


def load_site(spec: str | Path, registry: Registry | None = None) -> Site:
    """Load a site directory: ``site.yaml`` plus every other ``*.yaml`` as a device, sorted by file name."""
    directory = spec if isinstance(spec, Path) else resolve_site(spec)
    reg = responder_registry() if registry is None else registry
    subnet, scanner, description, topology = _parse_site_file(directory / SITE_FILE)
    files = sorted(p for p in directory.glob("*.yaml") if p.name != SITE_FILE)
    profiles = [load_profile(p, reg) for p in files]
    _check_unique(profiles, subnet, scanner, topology)
    return Site(directory, subnet, scanner, description, tuple(profiles), topology)
