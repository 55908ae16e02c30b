"""Plan a lab from a site: addresses for the site's devices, plus clones for ``--scale`` / ``--spread``.

``--scale N`` means N devices in total: the site's own devices plus N minus that many clones, drawn
round-robin from the site's profiles with a fresh MAC (same first three octets), a fresh address and
fresh serial-like vars. ``expect`` is copied, so every clone keeps its ground truth.

Address space: the site's subnet when everything fits; otherwise the smallest wider network around it
(10.77.0.0/24 -> 10.77.0.0/22 for 1000 devices). ``--spread /16`` widens the lab network to that
prefix and scatters the clones over it at random.
"""

from __future__ import annotations

import ipaddress
import random
import time
from collections.abc import Iterator

from netfinger.errors import UsageError
from netfinger.lab.fresh import fresh_mac, fresh_vars
from netfinger.lab.profile import Profile
from netfinger.lab.site import Site
from netfinger.lab.state import (
    MAX_DEVICES,
    DeviceState,
    LabState,
    bridge_ns,
    device_ns,
    router_ns,
    scanner_ns,
)

SCANNER_MAC = "02:6e:66:00:00:01"  # locally administered, "nf"
WIDEST_AUTO_PREFIX = 16
Network = ipaddress.IPv4Network


def capacity(net: Network) -> int:
    """Devices that fit: every host address but the scanner's."""
    return net.num_addresses - 3


def parse_spread(spread: str | None) -> int | None:
    if spread is None:
        return None
    text = spread.strip().lstrip("/")
    if not text.isdigit() or not 8 <= int(text) <= 30:
        raise UsageError(f"--spread {spread!r}: give a prefix length such as /16")
    return int(text)


def lab_network(site: Site, total: int, spread: int | None) -> Network:
    if spread is not None:
        if spread > site.subnet.prefixlen:
            raise UsageError(f"--spread /{spread} is narrower than the site subnet {site.subnet}")
        net = site.subnet.supernet(new_prefix=spread)
        if total > capacity(net):
            raise UsageError(f"{total} devices do not fit in {net} (room for {capacity(net)})")
        return net
    net = site.subnet
    while total > capacity(net):
        if net.prefixlen <= WIDEST_AUTO_PREFIX:
            raise UsageError(f"{total} devices do not fit in a /{WIDEST_AUTO_PREFIX} around {site.subnet}")
        net = net.supernet()
    return net


def _sequential(net: Network, used: set[ipaddress.IPv4Address]) -> Iterator[ipaddress.IPv4Address]:
    for ip in net.hosts():
        if ip not in used:
            used.add(ip)
            yield ip


def _scattered(
    net: Network, used: set[ipaddress.IPv4Address], rng: random.Random
) -> Iterator[ipaddress.IPv4Address]:
    first, last = int(net.network_address) + 1, int(net.broadcast_address) - 1
    while True:
        ip = ipaddress.IPv4Address(rng.randint(first, last))
        if ip not in used:
            used.add(ip)
            yield ip


Identity = tuple[str, str, str, dict[str, str]]  # name, ip, mac, vars


def _placement(site: Site, ip: str) -> tuple[int, str]:
    """(prefix, gateway): a routed device's (the router is .1), a segment device's own prefix and no
    gateway, (0, "") for the lab network."""
    placed = site.topology.network_of(ipaddress.IPv4Address(ip))
    if placed is None:
        return 0, ""
    net, routed = placed
    return net.prefixlen, str(net.network_address + 1) if routed else ""


def _device(lab: str, index: int, prof: Profile, identity: Identity, site: Site) -> DeviceState:
    name, ip, mac, vars_ = identity
    prefixlen, gateway = _placement(site, ip)
    return DeviceState(
        prefixlen=prefixlen,
        gateway=gateway,
        ipv6=prof.ipv6,
        index=index,
        name=name,
        ns=device_ns(lab, index),
        ip=ip,
        mac=mac,
        expect=prof.expect.to_dict(),
        protocols=prof.protocols,
        profile=str(prof.path),
        vars=vars_,
        generated=name != prof.name,
    )


def plan_lab(
    site: Site, lab: str, scale: int | None = None, spread: str | None = None, seed: int = 0
) -> LabState:
    """Every device of the lab with its final address, MAC and vars (nothing is created here)."""
    own = len(site.profiles)
    total = own if scale is None else scale
    if total < own:
        raise UsageError(f"--scale {total} is fewer than the site's own {own} devices (--scale counts all)")
    if total > MAX_DEVICES:
        raise UsageError(f"--scale {total}: at most {MAX_DEVICES} devices")
    if total > own and own == 0:
        raise UsageError("--scale needs a site with at least one device profile to clone")
    net = lab_network(site, total, parse_spread(spread))
    rng = random.Random(seed)  # noqa: S311 - reproducible test identities, not secrets
    used_ips = {site.scanner_ip, *(p.ip for p in site.profiles if p.ip is not None)}
    used_macs = {SCANNER_MAC, *(p.mac for p in site.profiles)}
    used_serials: set[str] = set()
    site_ips = _sequential(site.subnet, used_ips)
    devices: list[DeviceState] = []
    for prof in site.profiles:
        ip = prof.ip if prof.ip is not None else next(site_ips, None)
        if ip is None:
            raise UsageError(f"the site subnet {site.subnet} has no free address for {prof.path.name}")
        identity = (prof.name, str(ip), prof.mac, dict(prof.vars))
        devices.append(_device(lab, len(devices) + 1, prof, identity, site))
    clone_ips = _scattered(net, used_ips, rng) if spread else _sequential(net, used_ips)
    for k in range(total - own):
        prof = site.profiles[k % own]
        index = len(devices) + 1
        mac = fresh_mac(prof.mac, rng, used_macs)
        vars_ = fresh_vars(prof.vars, prof.mac, mac, rng, used_serials)
        name = f"{prof.name}-g{index:04d}"
        devices.append(_device(lab, index, prof, (name, str(next(clone_ips)), mac, vars_), site))
    return LabState(
        name=lab,
        site=str(site.path),
        subnet=str(net),
        scanner_ns=scanner_ns(lab),
        scanner_ip=str(site.scanner_ip),
        scanner_mac=SCANNER_MAC,
        bridge_ns=bridge_ns(lab),
        devices=devices,
        seed=seed,
        created=time.time(),
        router_ns=router_ns(lab) if site.topology.routed else "",
        router_ip=str(site.topology.router_ip or ""),
        routed_subnets=[str(n) for n in site.topology.routed],
        scanner_ipv6=site.topology.ipv6,
    )
