"""The evidence store: sightings in, one HostEvidence per host out (merged by MAC, then IP)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from ipaddress import IPv4Address, IPv4Network

from netfinger.evidence import (
    MAC_CLAIMED,
    MAC_FROM_EUI64,
    MAC_FROM_LINK,
    OUTSIDE_NOTE,
    STATED_MAC_FIELDS,
    HostEvidence,
    RawReply,
    Sighting,
    normalise_mac,
)
from netfinger.protocols.ipv6 import is_link_local, mac_from_eui64
from netfinger.scan.macinfo import mac_observations

MAX_OUTSIDE_NOTES = 50
MAX_OUTSIDE_HOSTS = 1024  # devices heard on the link from outside the targets (a flood makes no more)
MAX_V6_SIGHTINGS = 256  # per IPv6 link-local address
UNICAST_PROTOCOLS = frozenset({"http", "rtsp", "tcp", "onvif"})
OUTSIDE_V6_NOTE = ("heard on the link; not contacted over IPv4 (its IPv6 link-local address was probed, "
                   "--ipv6)")
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


def stated_mac(sighting: Sighting | HostEvidence) -> str | None:
    """The first MAC the device states for itself in a reply (SADP, DHIP, WSD scope, ISAPI, UPnP)."""
    for name in STATED_MAC_FIELDS:
        for obs in sighting.observations:
            if obs.field == name and (mac := normalise_mac(obs.value)):
                return mac
    return None


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
        # Devices heard on the scan link from outside the targets: reported, never contacted.
        self._outside: dict[str, HostEvidence] = {}  # "mac:..." or "ip:..." -> host
        self._v6: dict[str, list[Sighting]] = {}  # fe80::…%iface -> its sightings (--ipv6)

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

    def _add_outside(self, sighting: Sighting) -> None:
        """A device heard on the link from outside the targets: a host of its own, keyed by its MAC."""
        ip = sighting.ip or ""
        link_mac = normalise_mac(sighting.mac) if sighting.mac else None
        mac = link_mac or stated_mac(sighting)
        host = self._outside.get(f"mac:{mac}") if mac else None
        same_ip = self._outside.get(f"ip:{ip}")
        if host is None and same_ip is not None and not (mac and same_ip.mac and same_ip.mac != mac):
            host = same_ip  # a different MAC at the same address is another unit (several at 0.0.0.0)
        if host is None:
            if len(self._outside) >= MAX_OUTSIDE_HOSTS:
                self._note_outside(sighting)
                return
            host = HostEvidence(ip=ip, outside_targets=True, anomalies=[OUTSIDE_NOTE])
        if mac and (host.mac is None or (link_mac and host.mac_source != MAC_FROM_LINK)):
            host.mac, host.mac_source = mac, MAC_FROM_LINK if link_mac else MAC_CLAIMED
        self._outside.setdefault(f"ip:{ip}", host)
        if host.mac:
            self._outside.setdefault(f"mac:{host.mac}", host)
        if sighting.raw:
            sighting = replace(sighting, raw=raw_to_keep(host, sighting.raw))
        host.add(replace(sighting, mac=None))

    def _add_v6(self, zone: str, sighting: Sighting) -> None:
        """An IPv6 link-local sighting: held until the end, then merged by MAC (``merge_ipv6``)."""
        held = self._v6.get(zone)
        if held is None:
            if len(self._v6) >= MAX_OUTSIDE_HOSTS:
                return
            held = self._v6[zone] = []
        if len(held) < MAX_V6_SIGHTINGS:
            held.append(replace(sighting, ip=None, ipv6=(zone,)))

    def merge_ipv6(self) -> None:
        """Each IPv6 link-local host joins the IPv4 host (target or heard outside) with its MAC; one
        with no IPv4 host becomes a host of its own (reached over IPv6 only)."""
        for zone, sightings in self._v6.items():
            mac, source = mac_from_eui64(zone), MAC_FROM_EUI64
            for s in sightings:
                if s.mac:
                    mac = normalise_mac(s.mac)
                    source = MAC_FROM_LINK if any(o.value == "neighbour" for o in s.observations
                                                  if o.field == "ipv6.mac_from") else MAC_FROM_EUI64
            host = (self._by_mac.get(mac) or self._outside.get(f"mac:{mac}")) if mac else None
            if host is None:
                host = HostEvidence(ip=None, mac=mac, mac_source=source if mac else None)
                self._hosts.append(host)
                if mac:
                    self._by_mac[mac] = host
            contacted = any(s.protocol in UNICAST_PROTOCOLS for s in sightings)
            if host.outside_targets and contacted and OUTSIDE_NOTE in host.anomalies:
                host.anomalies[host.anomalies.index(OUTSIDE_NOTE)] = OUTSIDE_V6_NOTE
            for s in sightings:
                host.add(replace(s, mac=None))

    def add(self, sighting: Sighting) -> HostEvidence | None:
        """Merge one sighting; returns its host, or None when it came from outside the targets.

        From outside the targets, a sighting heard on the link (``sighting.link``) makes or extends a
        host of its own (``outside_targets``), never returned, so never made live; any other is
        counted and dropped."""
        if sighting.ip is None and sighting.ipv6:
            self._add_v6(sighting.ipv6[0], sighting)
            return None
        if sighting.ip and "%" in sighting.ip and is_link_local(sighting.ip):  # a unicast probe over IPv6
            self._add_v6(sighting.ip, sighting)
            return None
        if not sighting.ip or sighting.ip in self.local_ips or not _is_ipv4(sighting.ip):
            return None
        if not self.in_targets(sighting.ip):
            if sighting.link and sighting.ip != "255.255.255.255":
                self._add_outside(sighting)
            else:
                self._note_outside(sighting)
            return None
        mac = normalise_mac(sighting.mac) if sighting.mac else None
        host = self._host_for(sighting.ip, mac)
        if mac and host.mac == mac and host.mac_source is None:
            host.mac_source = MAC_FROM_LINK
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
            if not host.mac and (claimed := stated_mac(host)):  # off-link: no ARP, the device's word
                host.mac, host.mac_source = claimed, MAC_CLAIMED
        for host in [*self._hosts, *self.outside_hosts()]:
            if host.mac and not host.values("mac.address"):
                source = host.protocols[0] if host.protocols else ""
                host.add(Sighting(ip=None, observations=tuple(mac_observations(host.mac, source))))

    def link_macs(self, neighbours: dict[str, str]) -> None:
        """Outside-target hosts take their MAC from the neighbour table (``ip -> mac``) when it has one:
        a device that answered us unicast first asked who we are, so the kernel knows its MAC."""
        for host in self.outside_hosts():
            mac = normalise_mac(neighbours.get(host.ip or "", ""))
            if mac and host.mac_source != MAC_FROM_LINK:
                host.mac, host.mac_source = mac, MAC_FROM_LINK

    def hosts(self) -> list[HostEvidence]:
        return sorted(self._hosts, key=_ip_key)

    def outside_hosts(self) -> list[HostEvidence]:
        """The devices heard on the link from outside the targets, one each, in address order."""
        unique = {id(h): h for h in self._outside.values()}
        return sorted(unique.values(), key=_ip_key)

    def lookup(self, ip: str, field: str) -> list[str]:
        values: list[str] = []
        for host in self._by_ip.get(ip, []):
            values += [v for v in host.values(field) if v not in values]
        return values
