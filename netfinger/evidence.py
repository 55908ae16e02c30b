"""What probes observe: observations keyed ``protocol.field``, raw replies, and per-host evidence.

This module is the contract between ``netfinger.probes`` (which produce evidence) and
``netfinger.match`` (which turns it into verdicts). It does no I/O.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

# Size bounds for anything a device sends us. Values longer than this are cut and flagged.
MAX_VALUE_CHARS = 1024
MAX_RAW_BYTES = 16 * 1024
MAX_OBSERVATIONS_PER_HOST = 2000
MAX_RAW_PER_HOST = 64
MAX_IPV6_PER_HOST = 8


@dataclass(frozen=True, slots=True)
class Observation:
    """One fact a device told us, e.g. ``Observation("sadp.DeviceDescription", "DS-2CD2142FWD-I")``.

    ``field`` comes from the vocabulary in :mod:`netfinger.fields`. ``port`` is the TCP/UDP port
    the fact came from when that matters (HTTP on 80 vs 8080); ``source`` is a short locator
    such as ``udp/37020`` or ``http://10.0.0.5:80/ISAPI/System/deviceInfo``.
    """

    field: str
    value: str
    port: int | None = None
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "value": self.value}
        if self.port is not None:
            out["port"] = self.port
        if self.source:
            out["source"] = self.source
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Observation:
        port = data.get("port")
        return cls(
            field=str(data["field"]),
            value=str(data["value"]),
            port=int(port) if port is not None else None,
            source=str(data.get("source", "")),
        )


def bounded(value: str, limit: int = MAX_VALUE_CHARS) -> str:
    """Cut an untrusted string to ``limit`` characters."""
    return value if len(value) <= limit else value[:limit]


@dataclass(frozen=True, slots=True)
class RawReply:
    """The bytes a device sent, size-bounded, kept so a report can be re-matched or replayed."""

    protocol: str
    source: str
    data: bytes
    truncated: bool = False

    @classmethod
    def capture(cls, protocol: str, source: str, data: bytes) -> RawReply:
        cut = len(data) > MAX_RAW_BYTES
        return cls(protocol, source, data[:MAX_RAW_BYTES], cut)

    def to_dict(self) -> dict[str, Any]:
        return {
            "protocol": self.protocol,
            "source": self.source,
            "data_b64": base64.b64encode(self.data).decode("ascii"),
            "truncated": self.truncated,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RawReply:
        return cls(
            protocol=str(data["protocol"]),
            source=str(data.get("source", "")),
            data=base64.b64decode(str(data.get("data_b64", ""))),
            truncated=bool(data.get("truncated", False)),
        )


@dataclass(frozen=True, slots=True)
class Sighting:
    """What one probe learnt about one host in one reply. Probes emit these; the store merges them."""

    ip: str | None
    mac: str | None = None
    observations: tuple[Observation, ...] = ()
    raw: tuple[RawReply, ...] = ()
    anomalies: tuple[str, ...] = ()
    protocol: str = ""
    # Heard on the scan interface's link: an answer to a TTL-1 multicast ask, a message sent to a
    # discovery group, an ARP frame. Only such a sighting from outside the targets makes a host.
    link: bool = False
    ipv6: tuple[str, ...] = ()  # link-local IPv6 addresses of the sender (``--ipv6``)


# Where a host's MAC comes from: the link layer (ARP, the neighbour table), a MAC the device states in
# a reply (off-link: SADP, DHIP, WSD scope, ISAPI), or an EUI-64 IPv6 link-local address.
MAC_FROM_LINK, MAC_CLAIMED, MAC_FROM_EUI64 = "link", "claimed", "eui64"
OUTSIDE_NOTE = "heard on the link; not contacted"


@dataclass
class HostEvidence:
    """Everything seen for one host, merged by MAC then IP."""

    ip: str | None
    mac: str | None = None
    observations: list[Observation] = field(default_factory=list)
    raw: list[RawReply] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)
    protocols: list[str] = field(default_factory=list)
    mac_source: str | None = None  # MAC_FROM_LINK, MAC_CLAIMED or MAC_FROM_EUI64 (None: not known)
    outside_targets: bool = False  # heard on the scan link from an address outside the targets
    ipv6: list[str] = field(default_factory=list)
    # ``observations`` as a set, kept by ``add`` (rebuilt when the list was filled some other way).
    _have: set[Observation] = field(default_factory=set, init=False, repr=False, compare=False)

    def values(self, field_name: str) -> list[str]:
        """All distinct values observed for ``field_name``, in the order first seen."""
        seen: dict[str, None] = {}
        for obs in self.observations:
            if obs.field == field_name:
                seen.setdefault(obs.value, None)
        return list(seen)

    def first(self, field_name: str) -> str | None:
        vals = self.values(field_name)
        return vals[0] if vals else None

    def add(self, sighting: Sighting) -> None:
        if sighting.mac and not self.mac:
            self.mac = sighting.mac
            self.mac_source = self.mac_source or MAC_FROM_LINK
        for addr in sighting.ipv6:
            if addr not in self.ipv6 and len(self.ipv6) < MAX_IPV6_PER_HOST:
                self.ipv6.append(addr)
        if sighting.ip and not self.ip:
            self.ip = sighting.ip
        if len(self._have) != len(self.observations):
            self._have = set(self.observations)
        have = self._have
        for obs in sighting.observations:
            if obs in have:
                continue
            if len(self.observations) >= MAX_OBSERVATIONS_PER_HOST:
                note = "observations: per-host limit reached, further observations dropped"
                if note not in self.anomalies:
                    self.anomalies.append(note)
                break
            self.observations.append(obs)
            have.add(obs)
        room = MAX_RAW_PER_HOST - len(self.raw)
        self.raw.extend(sighting.raw[: max(room, 0)])
        for note in sighting.anomalies:
            if note not in self.anomalies:
                self.anomalies.append(note)
        if sighting.protocol and sighting.protocol not in self.protocols:
            self.protocols.append(sighting.protocol)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ip": self.ip,
            "mac": self.mac,
            "observations": [o.to_dict() for o in self.observations],
            "raw": [r.to_dict() for r in self.raw],
            "anomalies": list(self.anomalies),
            "protocols": list(self.protocols),
            **self.link_fields(),
        }

    def link_fields(self) -> dict[str, Any]:
        """The optional keys: only present when known (older reports and goldens stay as they were)."""
        out: dict[str, Any] = {}
        if self.mac_source:
            out["mac_source"] = self.mac_source
        if self.outside_targets:
            out["outside_targets"] = True
        if self.ipv6:
            out["ipv6"] = list(self.ipv6)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HostEvidence:
        return cls(
            ip=data.get("ip"),
            mac=data.get("mac"),
            observations=[Observation.from_dict(o) for o in data.get("observations", [])],
            raw=[RawReply.from_dict(r) for r in data.get("raw", [])],
            anomalies=[str(a) for a in data.get("anomalies", [])],
            protocols=[str(p) for p in data.get("protocols", [])],
            mac_source=str(data["mac_source"]) if data.get("mac_source") else None,
            outside_targets=bool(data.get("outside_targets", False)),
            ipv6=[str(a) for a in data.get("ipv6", [])][:MAX_IPV6_PER_HOST],
        )


def normalise_mac(mac: str) -> str | None:
    """Return ``aa:bb:cc:dd:ee:ff`` for any common MAC spelling, or None if it is not a MAC."""
    hexdigits = "".join(ch for ch in mac.lower() if ch in "0123456789abcdef")
    stripped = mac.strip().lower()
    if len(hexdigits) != 12 or any(ch not in "0123456789abcdef:-. " for ch in stripped):
        return None
    return ":".join(hexdigits[i : i + 2] for i in range(0, 12, 2))


# --- Anomaly notes the matcher reads -------------------------------------------------------------
# Notes are free text for people, but these kinds also tell the matcher that a protocol's replies
# from a host cannot be vouched for. Producers build them with the functions below; the matcher
# recognises them with UNTRUSTWORTHY_NOTE. Keep the two in step here, nowhere else.

# Fields in which a discovery reply states the sender's own MAC / IPv4 address.
CLAIMED_MAC_FIELDS = {"sadp.MAC": "sadp", "dhip.mac": "dhip", "dhip.legacy.mac": "dhip"}
# Every field in which a device states its own MAC, in the order trusted for an off-link host's MAC.
STATED_MAC_FIELDS = (*CLAIMED_MAC_FIELDS, "wsd.scope.mac", "http.isapi.macAddress", "upnp.macAddress")
CLAIMED_IP_FIELDS = {"sadp.IPv4Address": "sadp", "dhip.IPv4Address.IPAddress": "dhip"}


def claim_note(protocol: str, sender: str, what: str, value: str) -> str:
    """A reply from ``sender`` names another address for itself."""
    return f"{protocol}: reply from {sender} claims {what} {value[:40]}"


def flood_note(protocol: str, limit: int, unit: str = "datagrams", where: str = "") -> str:
    """A host sent more replies than any honest device does; the rest were not read."""
    on = f" on {where}" if where else ""
    return f"{protocol}: over {limit} {unit} from this host{on} (flood); the rest not read"


UNTRUSTWORTHY_NOTE = re.compile(
    r"^(?P<proto>[a-z0-9_]+): (?:reply from \S+ claims "
    r"|over \d+ \w+ from this host"
    r"|body length|header size)"
)
