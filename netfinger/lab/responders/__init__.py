"""Lab responders, keyed by the profile section they serve (see ``base.py`` for the contract)."""

from __future__ import annotations

from netfinger.lab.responders.base import Responder
from netfinger.lab.responders.chatter import ChatterResponder
from netfinger.lab.responders.dhip import DhipResponder
from netfinger.lab.responders.http import HttpResponder
from netfinger.lab.responders.mdns import MdnsResponder
from netfinger.lab.responders.onvif import OnvifResponder
from netfinger.lab.responders.poll import PollResponder
from netfinger.lab.responders.replay_tcp import TcpReplayResponder
from netfinger.lab.responders.replay_udp import UdpReplayResponder
from netfinger.lab.responders.rtsp import RtspResponder
from netfinger.lab.responders.sadp import SadpResponder
from netfinger.lab.responders.search import SearchResponder
from netfinger.lab.responders.ssdp import SsdpResponder
from netfinger.lab.responders.tcp import TcpResponder
from netfinger.lab.responders.wsd import WsdResponder

RESPONDERS: dict[str, Responder] = {
    r.name: r
    for r in (
        WsdResponder(),
        SsdpResponder(),
        SadpResponder(),
        DhipResponder(),
        HttpResponder(),
        OnvifResponder(),
        RtspResponder(),
        TcpResponder(),
        MdnsResponder(),
        UdpReplayResponder(),  # hostile sections (docs/lab.md, 'Hostile sections')
        ChatterResponder(),  # what devices say unasked at boot (DHCP, cloud DNS)
        TcpReplayResponder(),
        PollResponder(),  # a recorder polling its cameras (RTSP, ONVIF), by itself
        SearchResponder(),  # a PC running SADP Tool / ConfigTool, by itself
    )
}

__all__ = ["RESPONDERS", "Responder"]
