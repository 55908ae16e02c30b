"""The evidence store: sightings in, one HostEvidence per host out (merged by MAC, then IP)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from ipaddress import IPv4Address, IPv4Network

from netfinger.evidence import HostEvidence, RawReply, Sighting, normalise_mac
from netfinger.scan.macinfo import mac_observations

MAX_OUTSIDE_NOTES = 50
# Raw replies are for replay; re-matching uses the observations. One raw reply per (protocol, source)
# (the repeats of a multicast answer add nothing) and at most this many raw bytes per host, so a
# 1,000-host report stays a few megabytes.
MAX_RAW_BYTES_PER_HOST = 32 * 1024


def raw_to_keep(host: HostEvidence, raws: tuple[RawReply, ...]) -> tuple[RawReply, ...]:
    """The raw replies of a sighting worth adding to ``host``: new (protocol, source), within budget."""
    held = {(r.protocol, r.source) for r in host.raw}
    room = MAX_RAW_BYTES_PER_HOST - sum(len(r.data) for r in host.raw)
    kept: list[RawReply] = []
    for raw in raws:
        if (raw.protocol, raw.source) in held or len(raw.data) > room:
            continue
        held.add((raw.protocol, raw.source))
        room -= len(raw.data)
        kept.append(raw)
    return tuple(kept)


def _ip_key(host: HostEvidence) -> tuple[int, str]:
    try:
        return int(IPv4Address(host.ip or "")), host.mac or ""
    except ValueError:
        return 1 << 33, host.mac or ""


def _is_ipv4(text: str) -> bool:
    try:
        IPv4Address(text)
    except ValueError:
        return False
    return True


class EvidenceStore:
    def __init__(self, networks: Iterable[IPv4Network], local_ips: Iterable[str] = ()) -> None:
        self.networks = tuple(networks)
        self.local_ips = frozenset(local_ips)
        self._hosts: list[HostEvidence] = []
        self._by_mac: dict[str, HostEvidence] = {}
        self._by_ip: dict[str, list[HostEvidence]] = {}
        self.outside: list[str] = []  # replies from addresses outside the targets (recorded, not followed)
        self.outside_by_protocol: dict[str, int] = {}

    def in_targets(self, ip: str) -> bool:
        try:
            addr = IPv4Address(ip)
        except ValueError:
            return False
        return any(addr in net for net in self.networks)

    def _note_outside(self, sighting: Sighting) -> None:
        proto = sighting.protocol or "probe"
        self.outside_by_protocol[proto] = self.outside_by_protocol.get(proto, 0) + 1
        note = f"{sighting.protocol or 'probe'}: reply from {sighting.ip} (outside the targets) ignored"
        if note not in self.outside and len(self.outside) < MAX_OUTSIDE_NOTES:
            self.outside.append(note)

    def _new_host(self, ip: str, mac: str | None) -> HostEvidence:
        host = HostEvidence(ip=ip, mac=mac)
        self._hosts.append(host)
        self._by_ip.setdefault(ip, []).append(host)
        if mac:
            self._by_mac[mac] = host
        return host

    def _host_for(self, ip: str, mac: str | None) -> HostEvidence:
        same_ip = self._by_ip.get(ip, [])
        if mac is None:
            return same_ip[0] if same_ip else self._new_host(ip, None)
        if mac in self._by_mac:
            return self._by_mac[mac]
        unclaimed = [h for h in same_ip if h.mac is None]
        if unclaimed:
            host = unclaimed[0]
            host.mac = mac
            self._by_mac[mac] = host
            return host
        host = self._new_host(ip, mac)
        if same_ip:
            macs = ", ".join(sorted(h.mac or "?" for h in [*same_ip, host]))
            note = f"ip {ip} answered from several MACs ({macs}): address conflict or proxy ARP"
            for other in [*same_ip, host]:
                if note not in other.anomalies:
                    other.anomalies.append(note)
        return host

    def add(self, sighting: Sighting) -> HostEvidence | None:
        """Merge one sighting; returns its host, or None when it came from outside the targets."""
        if not sighting.ip or sighting.ip in self.local_ips or not _is_ipv4(sighting.ip):
            return None
        if not self.in_targets(sighting.ip):
            self._note_outside(sighting)
            return None
        mac = normalise_mac(sighting.mac) if sighting.mac else None
        host = self._host_for(sighting.ip, mac)
        if mac and mac != host.mac:
            note = f"MAC {mac} seen for {sighting.ip}, host already known as {host.mac}"
            if note not in host.anomalies:
                host.anomalies.append(note)
        if sighting.raw:
            sighting = replace(sighting, raw=raw_to_keep(host, sighting.raw))
        host.add(sighting)
        return host

    def enrich(self) -> None:
        """Add what each host's MAC says by itself (``mac.*``); done once, after the probes.

        Deferred so the OUI registry (slow to load) never stalls the event loop while replies arrive.
        """
        for host in self._hosts:
            if host.mac and not host.values("mac.address"):
                source = host.protocols[0] if host.protocols else ""
                host.add(Sighting(ip=None, observations=tuple(mac_observations(host.mac, source))))

    def hosts(self) -> list[HostEvidence]:
        return sorted(self._hosts, key=_ip_key)

    def lookup(self, ip: str, field: str) -> list[str]:
        values: list[str] = []
        for host in self._by_ip.get(ip, []):
            values += [v for v in host.values(field) if v not in values]
        return values
