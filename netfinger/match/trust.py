"""Evidence a host cannot vouch for, so it does not count towards a maker.

A discovery reply that names another host's MAC or address (an identity claim), or a DHIP reply whose
header lies about its own length, is not what an honest device sends; the protocol's observations are
set aside and the verdict says why. Malformed SADP XML is *not* distrusted: real Hikvision firmware
sends it (protocols.md §3.2).
"""

from __future__ import annotations

import re

from netfinger.evidence import HostEvidence, Observation, normalise_mac

# Anomaly notes (written by the probes) that make a protocol's evidence untrustworthy for this host.
_DISTRUSTING = (
    re.compile(r"^(?P<proto>[a-z0-9_]+): reply from \S+ claims "),
    re.compile(r"^(?P<proto>dhip): (?:body length|header size)"),
)
# Fields in which a reply states the sender's own MAC.
_CLAIMED_MAC = {"sadp.MAC": "sadp", "dhip.mac": "dhip", "dhip.legacy.mac": "dhip"}


def distrusted(host: HostEvidence) -> dict[str, str]:
    """Protocol prefix -> reason, for every protocol whose replies this host cannot vouch for."""
    out: dict[str, str] = {}
    for note in host.anomalies:
        for pattern in _DISTRUSTING:
            found = pattern.match(note)
            if found:
                out.setdefault(found.group("proto"), note)
    own = normalise_mac(host.mac) if host.mac else None
    if own is None:
        return out
    for obs in host.observations:
        proto = _CLAIMED_MAC.get(obs.field)
        claimed = normalise_mac(obs.value) if proto else None
        if proto and claimed and claimed != own:
            out.setdefault(proto, f"{proto}: reply names MAC {claimed}, but the host is {own}")
    return out


def trusted(observations: list[Observation], distrust: dict[str, str]) -> list[Observation]:
    if not distrust:
        return observations
    return [o for o in observations if o.field.split(".", 1)[0] not in distrust]
