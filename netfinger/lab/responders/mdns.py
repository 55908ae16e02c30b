"""mDNS / DNS-SD of the emulated devices (``mdns`` section), UDP 5353 on 224.0.0.251.

Profile section::

    mdns:
      hostname: "DiskStation"           # ".local." is appended
      services:
        - type: _http._tcp               # ".local." is appended
          instance: "DiskStation"         # the instance label (may hold spaces)
          port: 5000
          txt: [[vendor, Synology], [model, DS920+]]    # ordered key/value pairs; values are templates

          ipv4: false                     # answer over IPv6 only (default true)

Multicast queries are answered on the group; legacy unicast queries (source port not 5353) and
QU questions go back to the sender. A device with ``ipv6: true`` also answers on ff02::fb, with its
link-local address (AAAA) in place of its IPv4 one.
"""

from __future__ import annotations

from typing import Any

from netfinger.lab.responders import kits, schema
from netfinger.lab.responders.base import Datagram, Device, ProfileError, Responder, UdpEndpoint
from netfinger.lab.responders.templating import render
from netfinger.lab.router import link_local
from netfinger.lab.wire import mdns

GROUP = "224.0.0.251"
GROUP6 = "ff02::fb"
PORT = 5353


def section(device: Device) -> dict[str, Any]:
    return kits.resolve("mdns", device.sections.get("mdns", {}))


def host(device: Device, v6: bool = False) -> mdns.Host:
    sec = section(device)
    services = []
    for svc in sec.get("services", []):
        type_ = render(device, svc["type"]).rstrip(".") + ".local."
        instance = render(device, svc["instance"]) + "." + type_
        txt = tuple((k, render(device, v)) for k, v in schema.pairs(svc.get("txt"), "txt"))
        services.append(mdns.Service(type_=type_, instance=instance, port=int(svc["port"]), txt=txt))
    hostname = render(device, sec["hostname"]).rstrip(".") + ".local."
    address = link_local(device.mac) if v6 else device.ip
    return mdns.Host(hostname=hostname, address=address, services=tuple(services))


class MdnsResponder(Responder):
    name = "mdns"

    def validate(self, section: Any, where: str) -> None:
        sec = kits.resolve("mdns", section, where)
        schema.only_keys(sec, {"kit", "hostname", "services", "ipv4"}, where)
        if not isinstance(sec.get("ipv4", True), bool):
            raise ProfileError(f"{where}.ipv4: true or false")
        if not isinstance(sec.get("hostname"), str) or not sec["hostname"]:
            raise ProfileError(f"{where}.hostname: required")
        items = sec.get("services", [])
        if not isinstance(items, list):
            raise ProfileError(f"{where}.services: expected a list")
        for i, raw in enumerate(items):
            sw = f"{where}.services[{i}]"
            svc = schema.mapping(raw, sw)
            schema.only_keys(svc, {"type", "instance", "port", "txt"}, sw)
            typ = svc.get("type")
            if (
                not isinstance(typ, str)
                or not typ.startswith("_")
                or not typ.rstrip(".").endswith(("._tcp", "._udp"))
            ):
                raise ProfileError(f"{sw}.type: like _http._tcp")
            if not isinstance(svc.get("instance"), str):
                raise ProfileError(f"{sw}.instance: required")
            schema.port(svc.get("port"), f"{sw}.port")
            schema.pairs(svc.get("txt"), f"{sw}.txt")

    def udp_endpoints(self, device: Device) -> list[UdpEndpoint]:
        return [UdpEndpoint(port=PORT, groups=(GROUP,))]

    def on_datagram(self, device: Device, data: bytes, peer: tuple[str, int], port: int) -> list[Datagram]:
        v6 = ":" in peer[0]
        if not v6 and not section(device).get("ipv4", True):
            return []
        query = mdns.parse_query(data)
        if query is None:
            return []
        legacy = peer[1] != PORT
        reply = mdns.build_response(host(device, v6), query, legacy)
        if reply is None:
            return []
        dest = peer if legacy or query.unicast else (GROUP6 if v6 else GROUP, PORT)
        return [Datagram(reply, dest)]

    def announcements(self, device: Device) -> list[Datagram]:
        if not section(device).get("ipv4", True):
            return []  # announcements go out on the IPv4 socket
        reply = mdns.build_announcement(host(device))
        return [] if reply is None else [Datagram(reply, (GROUP, PORT))]
