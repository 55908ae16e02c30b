"""Hikvision SADP of the emulated devices (``sadp`` section), UDP 37020 on 239.255.255.250.

Profile section::

    sadp:
      fields:                          # after the echoed Uuid and Types, in this order
        - DeviceType: "142378"
        - DeviceDescription: "{model}"
        - MAC: "{mac_dash}"
        - HCPlatformEnable: "flase"    # the real firmware typo
      override: {Activated: "false"}   # change single values of a kit's list without repeating it
      crlf: true                       # CRLF between elements (LF when false)
      space_before_decl_end: false     # '<?xml ... ?>' with a space, as some copies show
      multicast_reply: false           # also send the reply to the group, as some devices do
      group_only: false                # send the reply only to the group (passive.md §1.4)
      hello: false                     # announce with a <Hello> to the group on coming up (§1.4)
"""

from __future__ import annotations

import re
from typing import Any

from netfinger.lab.responders import kits, schema
from netfinger.lab.responders.base import Datagram, Device, ProfileError, Responder, UdpEndpoint
from netfinger.lab.responders.templating import render, time_vars
from netfinger.lab.wire import sadp

GROUP = "239.255.255.250"
PORT = 37020
KEYS = {"kit", "fields", "override", "crlf", "space_before_decl_end", "multicast_reply", "group_only",
        "hello"}
XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def section(device: Device) -> dict[str, Any]:
    return kits.resolve("sadp", device.sections.get("sadp", {}))


class SadpResponder(Responder):
    name = "sadp"

    def validate(self, section: Any, where: str) -> None:
        sec = kits.resolve("sadp", section, where)
        schema.only_keys(sec, KEYS, where)
        fields = schema.pairs(sec.get("fields"), f"{where}.fields")
        if not fields:
            raise ProfileError(f"{where}.fields: at least one element")
        for name, _ in fields:
            if not XML_NAME.match(name):
                raise ProfileError(f"{where}.fields: {name!r} is not an XML element name")
        override = schema.mapping(sec.get("override", {}), f"{where}.override")
        names = {name for name, _ in fields}
        for name, value in override.items():
            if name not in names:
                raise ProfileError(f"{where}.override.{name}: not one of the fields")
            schema.scalar_text(value, f"{where}.override.{name}")
        for key in ("crlf", "space_before_decl_end", "multicast_reply", "group_only", "hello"):
            schema.opt_bool(sec, key, where)

    def udp_endpoints(self, device: Device) -> list[UdpEndpoint]:
        return [UdpEndpoint(port=PORT, groups=(GROUP,))]

    def on_datagram(self, device: Device, data: bytes, peer: tuple[str, int], port: int) -> list[Datagram]:
        inquiry = sadp.parse_inquiry(data)
        if inquiry is None:
            return []
        sec = section(device)
        fields = _fields(device, sec)
        reply = sadp.build_probe_match(
            inquiry,
            fields,
            crlf=sec.get("crlf", True),
            space_before_decl_end=sec.get("space_before_decl_end", False),
        )
        out = [] if sec.get("group_only", False) else [Datagram(reply, peer)]
        if sec.get("multicast_reply", False) or sec.get("group_only", False):
            out.append(Datagram(reply, (GROUP, PORT)))
        return out

    def announcements(self, device: Device) -> list[Datagram]:
        sec = section(device)
        if not sec.get("hello", False):
            return []
        return [Datagram(sadp.build_hello(_fields(device, sec), crlf=sec.get("crlf", True)), (GROUP, PORT))]


def _fields(device: Device, sec: dict[str, Any]) -> list[tuple[str, str]]:
    """The section's elements, overrides applied and templates rendered."""
    extra = time_vars()
    override = {k: schema.scalar_text(v, k) for k, v in (sec.get("override") or {}).items()}
    return [(k, render(device, override.get(k, v), extra)) for k, v in schema.pairs(sec["fields"], "fields")]
