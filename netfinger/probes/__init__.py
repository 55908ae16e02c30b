"""Probe registry: every probe the scanner can run, by name, in the order ``--probes`` lists them.

The probe modules are imported when ``PROBES`` is first used, not with the package: the scan
configuration imports ``probes.interface``, and ``netfinger --help`` should not load every probe.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from netfinger.probes.interface import Probe

if TYPE_CHECKING:
    PROBES: dict[str, type[Probe]]


@cache
def _registry() -> dict[str, type[Probe]]:
    from netfinger.probes.arp import ArpProbe
    from netfinger.probes.dhip import DhipProbe
    from netfinger.probes.http import HttpProbe
    from netfinger.probes.ipv6 import Ipv6Probe
    from netfinger.probes.mdns import MdnsProbe
    from netfinger.probes.onvif import OnvifProbe
    from netfinger.probes.rtsp import RtspProbe
    from netfinger.probes.sadp import SadpProbe
    from netfinger.probes.ssdp import SsdpProbe
    from netfinger.probes.sweep import SweepProbe
    from netfinger.probes.tcp import TcpProbe
    from netfinger.probes.wsd import WsdProbe

    return {
        cls.name: cls
        for cls in (
            ArpProbe, WsdProbe, SsdpProbe, MdnsProbe, SadpProbe, DhipProbe, SweepProbe, Ipv6Probe,
            HttpProbe, RtspProbe, TcpProbe, OnvifProbe,
        )
    }


def __getattr__(name: str) -> Any:
    if name == "PROBES":
        return _registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["PROBES", "Probe"]
