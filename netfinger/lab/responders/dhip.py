"""Dahua discovery of the emulated devices (``dhip`` section): DHIP on UDP 37810, legacy UDP 5050.

Profile section::

    dhip:
      style: spaced | compact          # older firmware's '{ "k" : v }' or newer compact JSON
      device_info:                     # params.deviceInfo, keys in this order; strings are templates
        DeviceClass: IPC
        DeviceType: "{model}"
        SerialNo: "{serial}"
        IPv4Address: {IPAddress: "{ip}", SubnetMask: "{netmask}", DefaultGateway: "{gateway}"}
      discovery: true                  # answer DHIP on 37810 (false: an old unit that only has 5050)
      legacy_5050: false               # also answer the 0xa3 broadcast search on UDP 5050
      reply_to: sender | group | both  # where the DHIP answer goes (default sender; some units use the group)
      legacy: {device_type: "IPC", model: "{model}", http_port: 80, tcp_port: 37777,
               text: [[Name, "{serial}"], [Device, "{model}"], [SerialNo, "{serial}"]]}

Replies go unicast to the sender, as most real devices do (``reply_to`` changes that). A ``mac`` in the
search that is not this device's gets no reply.
"""

from __future__ import annotations

from typing import Any

from netfinger.lab.responders import kits, schema
from netfinger.lab.responders.base import Datagram, Device, ProfileError, Responder, UdpEndpoint
from netfinger.lab.responders.templating import render, static_vars
from netfinger.lab.wire import dhip

GROUP = "239.255.255.251"
PORT = 37810
LEGACY_PORT = 5050
KEYS = {"kit", "style", "device_info", "discovery", "legacy_5050", "legacy", "reply_to"}
REPLY_TO = ("sender", "group", "both")
LEGACY_KEYS = {"device_type", "model", "http_port", "tcp_port", "text"}


def section(device: Device) -> dict[str, Any]:
    return kits.resolve("dhip", device.sections.get("dhip", {}))


def render_tree(device: Device, value: Any) -> Any:
    if isinstance(value, str):
        return render(device, value)
    if isinstance(value, dict):
        return {str(k): render_tree(device, v) for k, v in value.items()}
    if isinstance(value, list):
        return [render_tree(device, v) for v in value]
    return value


def _check_tree(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _check_tree(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_tree(v, f"{where}[{i}]")
    elif value is not None and not isinstance(value, str | int | float | bool):
        raise ProfileError(f"{where}: expected JSON-compatible values")


class DhipResponder(Responder):
    name = "dhip"

    def validate(self, section: Any, where: str) -> None:
        sec = kits.resolve("dhip", section, where)
        schema.only_keys(sec, KEYS, where)
        if sec.get("style", "compact") not in ("spaced", "compact"):
            raise ProfileError(f"{where}.style: spaced or compact")
        info = schema.mapping(sec.get("device_info", {}), f"{where}.device_info")
        if sec.get("discovery", True) and not info:
            raise ProfileError(f"{where}.device_info: required unless discovery is false")
        _check_tree(info, f"{where}.device_info")
        schema.opt_bool(sec, "legacy_5050", where)
        schema.opt_bool(sec, "discovery", where)
        if sec.get("reply_to", "sender") not in REPLY_TO:
            raise ProfileError(f"{where}.reply_to: one of {', '.join(REPLY_TO)}")
        if sec.get("legacy_5050"):
            legacy = schema.mapping(sec.get("legacy"), f"{where}.legacy")
            schema.only_keys(legacy, LEGACY_KEYS, f"{where}.legacy")
            schema.opt_int(legacy, "http_port", f"{where}.legacy")
            schema.opt_int(legacy, "tcp_port", f"{where}.legacy")
            schema.pairs(legacy.get("text"), f"{where}.legacy.text")

    def udp_endpoints(self, device: Device) -> list[UdpEndpoint]:
        sec = section(device)
        out = [UdpEndpoint(port=PORT, groups=(GROUP,))] if sec.get("discovery", True) else []
        if sec.get("legacy_5050"):
            out.append(UdpEndpoint(port=LEGACY_PORT))
        return out

    def on_datagram(self, device: Device, data: bytes, peer: tuple[str, int], port: int) -> list[Datagram]:
        sec = section(device)
        if port == LEGACY_PORT:
            if not sec.get("legacy_5050") or not dhip.parse_legacy_request(data):
                return []
            return [Datagram(self.legacy_reply(device, sec), peer)]
        search = dhip.parse_search(data) if sec.get("discovery", True) else None
        if search is None or (search.mac and search.mac != device.mac.lower()):
            return []
        info = render_tree(device, sec["device_info"])
        body = dhip.build_notify(device.mac.lower(), info, spaced=sec.get("style") == "spaced")
        reply_to = sec.get("reply_to", "sender")
        out = [Datagram(body, peer)] if reply_to != "group" else []
        return out + ([Datagram(body, (GROUP, PORT))] if reply_to != "sender" else [])

    def legacy_reply(self, device: Device, sec: dict[str, Any]) -> bytes:
        legacy = sec.get("legacy") or {}
        net = static_vars(device)
        info = dhip.LegacyInfo(
            device_type=render(device, legacy.get("device_type", "IPC")),
            ip=device.ip,
            netmask=net["netmask"],
            gateway=net["gateway"],
            mac=device.mac.lower(),
            model=render(device, legacy.get("model", "")),
            http_port=int(legacy.get("http_port", 80)),
            tcp_port=int(legacy.get("tcp_port", 37777)),
            text=[(k, render(device, v)) for k, v in schema.pairs(legacy.get("text"), "text")],
        )
        return dhip.build_legacy_reply(info)
