"""SSDP/UPnP of the emulated devices (``ssdp`` section): search responses, NOTIFY, description XML.

Profile section::

    ssdp:
      location: "http://{ip}:49152/upnp_device_desc.xml"
      targets: [["upnp:rootdevice", "uuid:{udn}::upnp:rootdevice"], ["uuid:{udn}", "uuid:{udn}"]]  # ST, USN
      search_headers: [[CACHE-CONTROL, max-age=1800], [DATE, "{http_date}"], [EXT, ""],
                       [LOCATION, "{location}"], [SERVER, "..."], [ST, "{st}"], [USN, "{usn}"]]
      notify: true                      # NOTIFY ssdp:alive per target when the device comes up
      notify_headers: [...]             # same placeholders, with {nt} instead of {st}
      description: [[deviceType, ...], [friendlyName, ...], [manufacturer, ...], ...]   # <device> children
      description_headers: [[Content-Type, text/xml], [Content-Length, "{length}"]]

The description is served on the LOCATION port by this responder, unless the device's ``http`` section
has that port: then the http responder answers ``GET <location path>`` with it (see ``http.py``).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from netfinger.lab.responders import kits, replies, schema
from netfinger.lab.responders.base import Datagram, Device, ProfileError, Responder, TcpEndpoint, UdpEndpoint
from netfinger.lab.responders.streams import read_request, send
from netfinger.lab.responders.templating import render, time_vars
from netfinger.lab.wire import ssdp
from netfinger.lab.wire.textmsg import Request

KEYS = {
    "kit",
    "location",
    "targets",
    "search_headers",
    "notify",
    "notify_headers",
    "description",
    "description_headers",
}
DESC_HEADERS = [
    ("Content-Type", 'text/xml; charset="utf-8"'),
    ("Content-Length", "{length}"),
    ("Connection", "close"),
]


def section(device: Device) -> dict[str, Any] | None:
    raw = device.sections.get("ssdp")
    return None if raw is None else kits.resolve("ssdp", raw)


def location(device: Device, sec: dict[str, Any]) -> tuple[str, int, str]:
    """(rendered LOCATION, its port, its path)."""
    url = render(device, sec["location"])
    parts = urlsplit(url)
    return url, parts.port or 80, parts.path or "/"


def targets(device: Device, sec: dict[str, Any]) -> list[tuple[str, str]]:
    return [(render(device, st), render(device, usn)) for st, usn in schema.pairs(sec["targets"], "targets")]


def description_reply(device: Device, req: Request, port: int, version: str) -> bytes | None:
    """The description XML reply if ``req`` asks for it on the LOCATION port, else None."""
    sec = section(device)
    if sec is None or "description" not in sec or req.method not in ("GET", "HEAD"):
        return None
    _url, loc_port, path = location(device, sec)
    if port != loc_port or req.path != path:
        return None
    fields = [(k, render(device, v)) for k, v in schema.pairs(sec["description"], "description")]
    spec = {"headers": sec.get("description_headers", DESC_HEADERS)}
    return replies.build(
        device,
        spec,
        version=version,
        extra=time_vars(),
        body=ssdp.build_description(fields),
        head_only=req.method == "HEAD",
    )


class SsdpResponder(Responder):
    name = "ssdp"

    def validate(self, section: Any, where: str) -> None:
        sec = kits.resolve("ssdp", section, where)
        schema.only_keys(sec, KEYS, where)
        if not isinstance(sec.get("location"), str) or not sec["location"].startswith("http://"):
            raise ProfileError(f"{where}.location: an http:// URL template is required")
        if not schema.pairs(sec.get("targets"), f"{where}.targets"):
            raise ProfileError(f"{where}.targets: at least one [ST, USN] pair")
        for key in ("search_headers", "notify_headers", "description", "description_headers"):
            schema.pairs(sec.get(key), f"{where}.{key}")
        schema.opt_bool(sec, "notify", where)

    def udp_endpoints(self, device: Device) -> list[UdpEndpoint]:
        return [UdpEndpoint(port=ssdp.PORT, groups=(ssdp.GROUP,))]

    def tcp_endpoints(self, device: Device) -> list[TcpEndpoint]:
        sec = section(device)
        if sec is None or "description" not in sec:
            return []
        http_raw = device.sections.get("http")
        http_ports = (
            {int(p) for p in (kits.resolve("http", http_raw).get("ports") or {})} if http_raw else set()
        )
        _url, port, _path = location(device, sec)
        return [] if port in http_ports else [TcpEndpoint(port=port)]

    def on_datagram(self, device: Device, data: bytes, peer: tuple[str, int], port: int) -> list[Datagram]:
        search = ssdp.parse_msearch(data)
        sec = section(device)
        if search is None or sec is None:
            return []
        url, _port, _path = location(device, sec)
        out = []
        for st, usn in ssdp.wanted(search.st, targets(device, sec)):
            extra = dict(time_vars(), location=url, st=st, usn=usn)
            hdrs = [(k, render(device, v, extra)) for k, v in schema.pairs(sec.get("search_headers"), "h")]
            out.append(Datagram(ssdp.build_search_response(hdrs), peer))
        return out

    def announcements(self, device: Device) -> list[Datagram]:
        sec = section(device)
        if sec is None or not sec.get("notify"):
            return []
        url, _port, _path = location(device, sec)
        out = []
        for nt, usn in targets(device, sec):
            extra = dict(time_vars(), location=url, nt=nt, usn=usn)
            hdrs = [(k, render(device, v, extra)) for k, v in schema.pairs(sec.get("notify_headers"), "h")]
            out.append(Datagram(ssdp.build_notify(hdrs), (ssdp.GROUP, ssdp.PORT)))
        return out

    async def on_connection(
        self, device: Device, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int
    ) -> None:
        req = await read_request(reader)
        if req is None:
            return
        reply = description_reply(device, req, port, "HTTP/1.1")
        if reply is None:
            reply = replies.build(
                device,
                {
                    "status": 404,
                    "reason": "Not Found",
                    "headers": [["Content-Length", "0"], ["Connection", "close"]],
                },
                version="HTTP/1.1",
                extra={},
            )
        await send(writer, reply)
