"""A PC running the vendor search tools (``search`` section): SADP Tool and Dahua ConfigTool.

Profile section::

    search:
      every: 5          # seconds between searches (default 5)
      sadp: true        # SADP Tool: the inquiry to 239.255.255.250:37020, from port 37020
      dhip: true        # ConfigTool: DHDiscover.search to 239.255.255.251:37810, from port 37810

The datagrams are the vendor tools' own formats (``netfinger.protocols.sadp.build_inquiry``, a fresh
upper-case GUID each time, and ``dhip.build_search``, ConfigTool's 73-byte body). The site's devices
answer as they answer any searcher; the PC answers nothing itself (a client, not a device).
"""

from __future__ import annotations

from typing import Any

from netfinger.lab.responders import schema
from netfinger.lab.responders.base import Datagram, Device, Outbound, ProfileError, Responder, UdpEndpoint
from netfinger.protocols import dhip, sadp

SADP = ("239.255.255.250", 37020)
DHIP = ("239.255.255.251", 37810)
DEFAULT_EVERY = 5.0


class SearchResponder(Responder):
    name = "search"

    def validate(self, section: Any, where: str) -> None:
        sec = schema.mapping(section, where)
        schema.only_keys(sec, {"every", "sadp", "dhip"}, where)
        schema.opt_bool(sec, "sadp", where)
        schema.opt_bool(sec, "dhip", where)
        every = sec.get("every", DEFAULT_EVERY)
        if not isinstance(every, int | float) or isinstance(every, bool) or not 1 <= every <= 3600:
            raise ProfileError(f"{where}.every: seconds between searches, 1-3600")
        if not (sec.get("sadp", True) or sec.get("dhip", True)):
            raise ProfileError(f"{where}: sadp or dhip (or both)")

    def udp_endpoints(self, device: Device) -> list[UdpEndpoint]:
        """The tools' own ports (the devices answer to them); no group is joined, as the tools do not."""
        sec = device.sections.get("search", {})
        return ([UdpEndpoint(SADP[1])] if sec.get("sadp", True) else []) + (
            [UdpEndpoint(DHIP[1])] if sec.get("dhip", True) else [])

    def period(self, device: Device) -> float | None:
        return float(device.sections["search"].get("every", DEFAULT_EVERY))

    async def act(self, device: Device, out: Outbound) -> None:
        sec = device.sections["search"]
        if sec.get("sadp", True):
            out.send(SADP[1], [Datagram(sadp.build_inquiry(sadp.new_uuid()), SADP)])
        if sec.get("dhip", True):
            out.send(DHIP[1], [Datagram(dhip.build_search(), DHIP)])
