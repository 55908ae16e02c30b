"""The passive evidence store: findings in, one HostEvidence per host out, with first/last seen and signals.

Hosts merge by MAC, then by IPv4 address (as in the scan's store). Unlike a scan, a listener also
learns hosts it only knows by MAC (a DHCP DISCOVER from 0.0.0.0, IPv6 link-local traffic), and it
keeps when each host was first and last heard and which kinds of traffic it sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from ipaddress import IPv4Address

from netfinger.evidence import HostEvidence, Sighting, normalise_mac
from netfinger.passive.interface import Finding
from netfinger.scan.macinfo import mac_observations
from netfinger.scan.store import raw_to_keep

MAX_HOSTS = 65536
MAX_MAC_CANDIDATES = 65536


@dataclass
class Seen:
    first: float
    last: float
    signals: list[str] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)


def usable_ip(ip: str | None) -> str | None:
    """A unicast IPv4 address a host can own; None for 0.0.0.0, broadcast, multicast and IPv6."""
    if not ip:
        return None
    try:
        addr = IPv4Address(ip)
    except ValueError:
        return None
    if addr.is_multicast or addr.is_unspecified or ip == "255.255.255.255":
        return None
    return ip


class PassiveStore:
    def __init__(self) -> None:
        self._hosts: list[HostEvidence] = []
        self._by_mac: dict[str, HostEvidence] = {}
        self._by_ip: dict[str, HostEvidence] = {}
        self.seen: dict[int, Seen] = {}
        self.frame_macs: dict[str, str | None] = {}  # ip -> the one source MAC its unicast frames carried
        self.dropped = 0

    def _new(self, ip: str | None, mac: str | None) -> HostEvidence | None:
        if len(self._hosts) >= MAX_HOSTS:
            self.dropped += 1
            return None
        host = HostEvidence(ip=ip, mac=mac)
        self._hosts.append(host)
        if ip:
            self._by_ip.setdefault(ip, host)
        if mac:
            self._by_mac[mac] = host
        return host

    def _host_for(self, ip: str | None, mac: str | None) -> HostEvidence | None:
        if mac and mac in self._by_mac:
            host = self._by_mac[mac]
            if ip and not host.ip:
                host.ip = ip
                self._by_ip.setdefault(ip, host)
            return host
        same = self._by_ip.get(ip) if ip else None
        if same is not None and (mac is None or same.mac is None):
            if mac:
                same.mac = mac
                self._by_mac[mac] = same
            return same
        created = self._new(ip, mac)
        if created is not None and same is not None:
            note = f"ip {ip} seen from several MACs ({same.mac}, {mac}): address conflict or proxy ARP"
            for other in (same, created):
                if note not in other.anomalies:
                    other.anomalies.append(note)
        return created

    def _owner(self, sighting: Sighting) -> HostEvidence | None:
        ip = usable_ip(sighting.ip)
        mac = normalise_mac(sighting.mac) if sighting.mac else None
        if mac in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff") or (mac and int(mac[:2], 16) & 1):
            mac = None
        if ip is None and mac is None:
            return None
        return self._host_for(ip, mac)

    def again(self, finding: Finding, ts: float) -> None:
        """A finding equal to one already added (the same datagram heard again): only its time counts;
        what it says is in the host already."""
        host = self._owner(finding.sighting)
        seen = self.seen.get(id(host)) if host is not None else None
        if seen is None:
            if host is not None:
                self.add(finding, ts)
            return
        seen.first, seen.last = min(seen.first, ts), max(seen.last, ts)

    def add(self, finding: Finding, ts: float) -> HostEvidence | None:
        sighting = finding.sighting
        host = self._owner(sighting)
        if host is None:
            return None
        if sighting.raw:
            sighting = replace(sighting, raw=raw_to_keep(host, sighting.raw))
        host.add(Sighting(ip=None, mac=None, observations=sighting.observations, raw=sighting.raw,
                          anomalies=sighting.anomalies, protocol=sighting.protocol))
        seen = self.seen.get(id(host))
        if seen is None:
            seen = self.seen[id(host)] = Seen(ts, ts)
        seen.first, seen.last = min(seen.first, ts), max(seen.last, ts)
        if finding.signal and finding.signal not in seen.signals:
            seen.signals.append(finding.signal)
        seen.roles.add(finding.role)
        return host

    def note_frame_mac(self, ip: str, mac: str | None) -> None:
        """Remember the source MAC of an IPv4 unicast frame (a router's MAC when routed: see finish)."""
        have = self.frame_macs.get(ip, "")
        if have == "" and len(self.frame_macs) < MAX_MAC_CANDIDATES:
            self.frame_macs[ip] = mac
        elif have not in (None, "", mac):
            self.frame_macs[ip] = None  # several MACs for one address: not its own

    def finish(self) -> None:
        """Give MAC-less hosts the MAC their frames carried, when that MAC carried no other address
        (a router's MAC fronts many addresses and is nobody's own); then add what each MAC says."""
        per_mac: dict[str, int] = {}
        for mac in self.frame_macs.values():
            if mac:
                per_mac[mac] = per_mac.get(mac, 0) + 1
        for host in self._hosts:
            mac = self.frame_macs.get(host.ip or "") if host.ip else None
            if not host.mac and mac and per_mac.get(mac) == 1 and mac not in self._by_mac:
                host.mac = mac
                self._by_mac[mac] = host
            if host.mac and not host.values("mac.address"):
                host.add(Sighting(ip=None, observations=tuple(mac_observations(host.mac, "frame"))))

    def hosts(self) -> list[HostEvidence]:
        def key(h: HostEvidence) -> tuple[int, str]:
            return (int(IPv4Address(h.ip)) if h.ip else 1 << 33, h.mac or "")
        return sorted(self._hosts, key=key)

    def __len__(self) -> int:
        return len(self._hosts)
