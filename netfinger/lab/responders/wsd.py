"""ONVIF WS-Discovery of the emulated devices (``wsd`` section), UDP 3702 on 239.255.255.250.

Profile section::

    wsd:
      style: hikvision | dahua | generic
      endpoint: "urn:uuid:..."       # optional; default per style (Hikvision: time-based, MAC tail)
      types: "dn:NetworkVideoTransmitter tds:Device"
      scopes: ["onvif://www.onvif.org/hardware/{model}", ...]     # order kept
      xaddrs: ["http://{ip}/onvif/device_service"]                 # default per style
      metadata_version: 10
      hello: true                     # multicast a Hello when the device comes up
      instance_id: 705289             # AppSequence InstanceId (hikvision/generic)
"""

from __future__ import annotations

import hashlib
import itertools
import uuid
from typing import Any

from netfinger.lab.responders import kits, schema
from netfinger.lab.responders.base import Datagram, Device, ProfileError, Responder, UdpEndpoint
from netfinger.lab.responders.templating import hik_uuid, render
from netfinger.lab.wire import wsd

GROUP = "239.255.255.250"
PORT = 3702
KEYS = {"kit", "style", "endpoint", "types", "scopes", "xaddrs", "metadata_version", "hello", "instance_id"}
DEFAULT_TYPES = "dn:NetworkVideoTransmitter tds:Device"
DEFAULT_XADDRS = {
    "hikvision": ["http://{ip}/onvif/device_service", "http://[{ipv6_ll}]/onvif/device_service"],
}


def section(device: Device) -> dict[str, Any]:
    return kits.resolve("wsd", device.sections.get("wsd", {}))


def default_endpoint(style: str, mac: str) -> str:
    """Hikvision: time-based UUID ending in the MAC; others: a stable random-looking UUID."""
    if style == "hikvision":
        return f"urn:uuid:{hik_uuid(mac)}"
    seed = hashlib.sha256(mac.encode()).hexdigest()
    value = str(uuid.UUID(hex=seed[:32], version=4))
    return f"uuid:{value}" if style == "dahua" else f"urn:uuid:{value}"


class WsdResponder(Responder):
    name = "wsd"

    def __init__(self) -> None:
        self._counters: dict[str, itertools.count[int]] = {}

    def validate(self, section: Any, where: str) -> None:
        sec = kits.resolve("wsd", section, where)
        schema.only_keys(sec, KEYS, where)
        if sec.get("style", "generic") not in wsd.STYLES:
            raise ProfileError(f"{where}.style: one of {', '.join(wsd.STYLES)}")
        schema.opt_str(sec, "endpoint", where)
        schema.opt_str(sec, "types", where)
        schema.str_list(sec.get("scopes", []), f"{where}.scopes")
        schema.str_list(sec.get("xaddrs", []), f"{where}.xaddrs")
        schema.opt_int(sec, "metadata_version", where, 0, 2**31)
        schema.opt_int(sec, "instance_id", where, 0, 2**31)
        schema.opt_bool(sec, "hello", where)

    def udp_endpoints(self, device: Device) -> list[UdpEndpoint]:
        return [UdpEndpoint(port=PORT, groups=(GROUP,))]

    def advert(self, device: Device) -> tuple[str, wsd.Advert]:
        sec = section(device)
        style = sec.get("style", "generic")
        endpoint = render(device, sec.get("endpoint") or default_endpoint(style, device.mac))
        counter = self._counters.setdefault(device.name, itertools.count(1))
        seed = int(hashlib.sha256(device.mac.encode()).hexdigest()[:5], 16)
        adv = wsd.Advert(
            endpoint=endpoint,
            types=sec.get("types", DEFAULT_TYPES),
            scopes=tuple(render(device, s) for s in sec.get("scopes", [])),
            xaddrs=tuple(
                render(device, x)
                for x in sec.get("xaddrs", DEFAULT_XADDRS.get(style, ["http://{ip}/onvif/device_service"]))
            ),
            metadata_version=int(sec.get("metadata_version", 1)),
            instance_id=int(sec.get("instance_id", seed)),
            message_number=next(counter),
        )
        return style, adv

    def _message_id(self, style: str, adv: wsd.Advert) -> str:
        if style == "hikvision":
            return adv.endpoint
        fresh = str(uuid.uuid4())
        return f"uuid:{fresh}" if style == "dahua" else f"urn:uuid:{fresh}"

    def on_datagram(self, device: Device, data: bytes, peer: tuple[str, int], port: int) -> list[Datagram]:
        probe = wsd.parse_probe(data)
        if probe is None:
            return []
        style, adv = self.advert(device)
        if not wsd.matches(probe, adv.types):
            return []
        reply = wsd.build_probe_matches(style, adv, probe.message_id, self._message_id(style, adv))
        return [Datagram(reply, peer)]

    def announcements(self, device: Device) -> list[Datagram]:
        if not section(device).get("hello", True):
            return []
        style, adv = self.advert(device)
        message_id = f"urn:uuid:{uuid.uuid4()}" if style != "dahua" else f"uuid:{uuid.uuid4()}"
        return [Datagram(wsd.build_hello(style, adv, message_id), (GROUP, PORT))]
