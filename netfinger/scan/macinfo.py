"""What a MAC says by itself: registry owner and the locally-administered bit."""

from __future__ import annotations

from netfinger.evidence import Observation
from netfinger.match.oui import organisation


def locally_administered(mac: str) -> bool:
    return bool(int(mac[:2], 16) & 0x02)


def oui_org(mac: str) -> str:
    """The IEEE registrant of the MAC's block; empty when unknown."""
    return organisation(mac) or ""


def mac_observations(mac: str, source: str = "") -> list[Observation]:
    out = [Observation("mac.address", mac, None, source)]
    org = oui_org(mac)
    if org:
        out.append(Observation("mac.oui_org", org, None, source))
    out.append(Observation("mac.locally_administered", "true" if locally_administered(mac) else "false",
                           None, source))
    return out
