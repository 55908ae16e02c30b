"""Evidence a host cannot vouch for, so it does not count towards a maker.

A discovery reply that names another host's MAC or address (an identity claim), a DHIP reply whose
header lies about its own length, or a flood of replies is not what an honest device sends; the
protocol's observations are set aside and the verdict says why. The notes that say so are built and
recognised in ``netfinger.evidence``. Malformed SADP XML is *not* distrusted: real Hikvision firmware
sends it (protocols.md §3.2).
"""

from __future__ import annotations

from netfinger.evidence import (
    CLAIMED_MAC_FIELDS,
    UNTRUSTWORTHY_NOTE,
    HostEvidence,
    Observation,
    normalise_mac,
)


def distrusted(host: HostEvidence) -> dict[str, str]:
    """Protocol prefix -> reason, for every protocol whose replies this host cannot vouch for."""
    out: dict[str, str] = {}
    for note in host.anomalies:
        found = UNTRUSTWORTHY_NOTE.match(note)
        if found:
            out.setdefault(found.group("proto"), note)
    own = normalise_mac(host.mac) if host.mac else None
    if own is None:
        return out
    for obs in host.observations:
        proto = CLAIMED_MAC_FIELDS.get(obs.field)
        claimed = normalise_mac(obs.value) if proto else None
        if proto and claimed and claimed != own:
            out.setdefault(proto, f"{proto}: reply names MAC {claimed}, but the host is {own}")
    return out


def trusted(observations: list[Observation], distrust: dict[str, str]) -> list[Observation]:
    if not distrust:
        return observations
    return [o for o in observations if o.field.split(".", 1)[0] not in distrust]
