"""Probe registry: every probe the scanner can run, by name, in the order ``--probes`` lists them."""

from __future__ import annotations

from netfinger.probes.arp import ArpProbe
from netfinger.probes.dhip import DhipProbe
from netfinger.probes.http import HttpProbe
from netfinger.probes.interface import Probe
from netfinger.probes.ipv6 import Ipv6Probe
from netfinger.probes.mdns import MdnsProbe
from netfinger.probes.onvif import OnvifProbe
from netfinger.probes.rtsp import RtspProbe
from netfinger.probes.sadp import SadpProbe
from netfinger.probes.ssdp import SsdpProbe
from netfinger.probes.sweep import SweepProbe
from netfinger.probes.tcp import TcpProbe
from netfinger.probes.wsd import WsdProbe

PROBES: dict[str, type[Probe]] = {
    cls.name: cls
    for cls in (
        ArpProbe, WsdProbe, SsdpProbe, MdnsProbe, SadpProbe, DhipProbe, SweepProbe, Ipv6Probe,
        HttpProbe, RtspProbe, TcpProbe, OnvifProbe,
    )
}

__all__ = ["PROBES", "Probe"]
