"""The lab router: a namespace forwarding between the scanner's segment and routed camera subnets.

Its ``eth0`` is a port of the scanner's bridge (``br0``), its ``eth1`` of a second bridge (``br1``) that
holds the routed devices; it is ``.1`` on every routed subnet. IPv4 forwarding only: no multicast
routing, so SADP, DHIP, WS-Discovery and SSDP multicast never reach the routed side (as on a real site),
and routed devices are found through unicast alone. Also the IPv6 link-local addresses of the lab
(EUI-64 from the MAC, added without duplicate address detection so they work at once).
"""

from __future__ import annotations

import ipaddress

from netfinger.lab.nsenter import in_netns
from netfinger.lab.state import LabState

ROUTED_BRIDGE = "br1"
SCANNER_SIDE, ROUTED_SIDE = "vrt0", "vrt1"  # the router's veths in the bridge namespace


def link_local(mac: str) -> str:
    """The EUI-64 IPv6 link-local address of a MAC (RFC 4291 appendix A): U/L bit flipped, ff:fe inside."""
    octets = bytearray(int(part, 16) for part in mac.split(":"))
    octets[0] ^= 0x02
    eui = bytes(octets[:3]) + b"\xff\xfe" + bytes(octets[3:])
    return str(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + eui))


def router_links(state: LabState) -> list[str]:
    """The router's two veths, made straight into the bridge namespace and the router's."""
    if not state.router_ns:
        return []
    return [
        f"link add {side} netns {state.bridge_ns} type veth peer name {inner} netns {state.router_ns}"
        for side, inner in ((SCANNER_SIDE, "eth0"), (ROUTED_SIDE, "eth1"))
    ]


def routed_bridge(state: LabState) -> list[str]:
    """Inside the bridge namespace: br1 for the routed side, the router's ports on both bridges."""
    if not state.router_ns:
        return []
    lines = [
        f"link add {ROUTED_BRIDGE} type bridge stp_state 0 mcast_snooping 0",
        f"link set {ROUTED_BRIDGE} addrgenmode none",
        f"link set {ROUTED_BRIDGE} up",
    ]
    for port, bridge in ((SCANNER_SIDE, "br0"), (ROUTED_SIDE, ROUTED_BRIDGE)):
        lines += [f"link set {port} addrgenmode none", f"link set {port} master {bridge} up"]
    lines += [f"link set {d.port} master {ROUTED_BRIDGE}" for d in state.devices if d.gateway]
    return lines


def router_batch(state: LabState) -> list[str]:
    """Inside the router: its address on the scanner's segment and .1 on every routed subnet."""
    lines = ["link set lo up"]
    for dev in ("eth0", "eth1"):
        lines += [f"link set {dev} addrgenmode none", f"link set {dev} up"]
    lines.append(f"addr add {state.router_ip}/{state.prefixlen} dev eth0")
    for subnet in state.routed_subnets:
        net = ipaddress.IPv4Network(subnet)
        lines.append(f"addr add {net.network_address + 1}/{net.prefixlen} dev eth1")
    return lines


def enable_forwarding(state: LabState) -> None:
    """IPv4 forwarding in the router namespace (its own sysctl; the host's is untouched)."""
    if not state.router_ns:
        return
    with in_netns(state.router_ns), open("/proc/sys/net/ipv4/ip_forward", "w", encoding="ascii") as f:
        f.write("1\n")


def scanner_routes(state: LabState) -> list[str]:
    """The scanner's routes to the routed subnets, via the router; its link-local if the site has IPv6."""
    lines = [f"route add {subnet} via {state.router_ip} dev eth0" for subnet in state.routed_subnets]
    if state.scanner_ipv6:
        lines.append(f"addr add {link_local(state.scanner_mac)}/64 dev eth0 nodad")
    return lines


def quiet_ipv6(state: LabState) -> None:
    """No router solicitations from the lab's IPv6 hosts: the kernel would send them on its own for
    seconds after the link-local address appears, and a capture of the scan would show them."""
    namespaces = [state.scanner_ns] if state.scanner_ipv6 else []
    namespaces += [d.ns for d in state.devices if d.ipv6]
    for ns in namespaces:
        with in_netns(ns), open("/proc/sys/net/ipv6/conf/eth0/router_solicitations", "w",
                                encoding="ascii") as f:
            f.write("0\n")
