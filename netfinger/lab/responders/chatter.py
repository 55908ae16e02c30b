"""What a device says unasked when it boots (``chatter`` section): DHCP, and DNS for its maker's cloud.

Profile section::

    chatter:
      dhcp: {hostname: AMC0167A0E9B4C5D21, params: [1, 3, 4, 5, 6, 12, 15, 28, 42]}
      dns: [p2p.amcrestview.com, p2pregister.easy4ipcloud.com]

``dhcp`` also takes ``vendor_class`` (option 60, e.g. ``android-dhcp-14`` for a phone).

Sent with the other announcements (when the lab comes up, and on ``lab capture``): the DHCPREQUEST to
255.255.255.255:67 from port 68, each DNS query to the lab's first address (the scanner, which has
no DNS server: the queries go unanswered, as to a dead resolver). Nothing else is answered.
"""

from __future__ import annotations

import ipaddress
import zlib
from typing import Any

from netfinger.lab.responders import schema
from netfinger.lab.responders.base import Datagram, Device, ProfileError, Responder, UdpEndpoint
from netfinger.lab.wire import chatter

DHCP_CLIENT_PORT = 68
DNS_SOURCE_PORT = 40053
MAX_NAMES = 16


class ChatterResponder(Responder):
    name = "chatter"

    def validate(self, section: Any, where: str) -> None:
        sec = schema.mapping(section, where)
        schema.only_keys(sec, {"dhcp", "dns"}, where)
        if "dhcp" in sec:
            dhcp = schema.mapping(sec["dhcp"], f"{where}.dhcp")
            schema.only_keys(dhcp, {"hostname", "params", "vendor_class"}, f"{where}.dhcp")
            schema.opt_str(dhcp, "vendor_class", f"{where}.dhcp")
            params = dhcp.get("params", [])
            if not isinstance(params, list) or not all(isinstance(p, int) and 0 < p < 255 for p in params):
                raise ProfileError(f"{where}.dhcp.params: a list of option numbers 1-254")
        names = schema.str_list(sec.get("dns", []), f"{where}.dns")
        if len(names) > MAX_NAMES:
            raise ProfileError(f"{where}.dns: at most {MAX_NAMES} names")

    def udp_endpoints(self, device: Device) -> list[UdpEndpoint]:
        sec = device.sections.get("chatter", {})
        out = []
        if "dhcp" in sec:
            out.append(UdpEndpoint(DHCP_CLIENT_PORT))  # the DNS queries leave from it too
        elif sec.get("dns"):
            out.append(UdpEndpoint(DNS_SOURCE_PORT))
        return out

    def announcements(self, device: Device) -> list[Datagram]:
        sec = device.sections.get("chatter", {})
        out: list[Datagram] = []
        xid = zlib.crc32(device.mac.encode())
        if "dhcp" in sec:
            spec = sec["dhcp"]
            data = chatter.build_dhcp_request(device.mac, device.ip, str(spec.get("hostname", device.name)),
                                              list(spec.get("params", [1, 3, 6, 12, 15, 28, 42])), xid,
                                              vendor_class=str(spec.get("vendor_class", "")))
            out.append(Datagram(data, ("255.255.255.255", 67)))
        return out + self._queries(device, xid)

    def _queries(self, device: Device, xid: int) -> list[Datagram]:
        resolver = str(next(ipaddress.IPv4Network(f"{device.ip}/{device.prefixlen}", strict=False).hosts()))
        names = device.sections.get("chatter", {}).get("dns", [])
        return [Datagram(chatter.build_dns_query(str(name), xid + i), (resolver, 53))
                for i, name in enumerate(names)]
