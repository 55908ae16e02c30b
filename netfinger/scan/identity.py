"""Replies that name another identity than their sender's: noted as a conflicting identity on the sender.

SADP and DHIP replies state the device's own MAC and IPv4 address. Evidence is always keyed by the
address a reply came from, so a reply that names another host never changes that host; the sender
gets an anomaly saying what it claimed (and whose identity that is, when that host was seen too).
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address

from netfinger.evidence import CLAIMED_IP_FIELDS as CLAIMED_IP
from netfinger.evidence import CLAIMED_MAC_FIELDS as CLAIMED_MAC
from netfinger.evidence import HostEvidence, bounded, normalise_mac

UNSET_IPS = frozenset({"0.0.0.0", "255.255.255.255"})  # not a claim: an unconfigured device says these


def _ipv4(text: str) -> str | None:
    try:
        return str(IPv4Address(text.strip()))
    except ValueError:
        return None


def _owner(what: str, value: str, owners: dict[str, str]) -> str:
    other = owners.get(value)
    return f" ({what} of host {other})" if other else ""


def conflicts(host: HostEvidence, mac_owners: dict[str, str], ip_owners: dict[str, str]) -> list[str]:
    """The conflicting-identity notes for one host (``*_owners``: MAC/IP -> the host that has it)."""
    notes: list[str] = []
    for obs in host.observations:
        if obs.field in CLAIMED_MAC and host.mac:
            claimed = normalise_mac(obs.value)
            if claimed and claimed != host.mac:
                notes.append(f"{CLAIMED_MAC[obs.field]}: conflicting identity: reply names MAC {claimed}, "
                             f"but came from {host.mac}{_owner('the MAC', claimed, mac_owners)}")
        elif obs.field in CLAIMED_IP and host.ip:
            ip = _ipv4(obs.value)
            if ip and ip != host.ip and ip not in UNSET_IPS:
                whose = _owner("the address", ip, ip_owners)
                notes.append(f"{CLAIMED_IP[obs.field]}: conflicting identity: reply names IPv4 address "
                             f"{bounded(ip, 40)}, but came from {host.ip}{whose}")
    return list(dict.fromkeys(notes))


def note_conflicts(hosts: Iterable[HostEvidence]) -> None:
    """Add the conflicting-identity anomalies to every host whose replies claim another identity."""
    hosts = list(hosts)
    mac_owners = {h.mac: h.ip or "?" for h in hosts if h.mac}
    ip_owners = {h.ip: h.mac or h.ip for h in hosts if h.ip}
    for host in hosts:
        for note in conflicts(host, mac_owners, ip_owners):
            if note not in host.anomalies:
                host.anomalies.append(note)
