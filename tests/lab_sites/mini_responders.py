"""Test-only responders for the mini lab site: they do not depend on the real protocol responders.

``echo``: UDP port from the section, joins a multicast group, answers ``PING <x>`` with
``PONG <device name> <x>`` to the sender, and announces ``HELLO <name>`` to the group at start.
``banner``: TCP port from the section, writes ``{banner}`` (templated) and a newline, then closes.
``boom``: raises in on_datagram, to show the emulator survives a broken responder.
"""

from __future__ import annotations

import asyncio
from typing import Any

from netfinger.lab.responders.base import Datagram, Device, ProfileError, Responder, TcpEndpoint, UdpEndpoint

GROUP = "239.255.255.250"


def _port(section: Any, where: str) -> int:
    if not isinstance(section, dict) or not isinstance(section.get("port"), int):
        raise ProfileError(f"{where}.port: must be an integer")
    return int(section["port"])


class Echo(Responder):
    name = "echo"

    def validate(self, section: Any, where: str) -> None:
        _port(section, where)
        for key in section:
            if key != "port":
                raise ProfileError(f"{where}.{key}: unknown key")

    def udp_endpoints(self, device: Device) -> list[UdpEndpoint]:
        return [UdpEndpoint(device.sections["echo"]["port"], (GROUP,))]

    def on_datagram(self, device: Device, data: bytes, peer: tuple[str, int], port: int) -> list[Datagram]:
        if not data.startswith(b"PING "):
            return []
        return [Datagram(b"PONG " + device.name.encode() + b" " + data[5:], peer)]

    def announcements(self, device: Device) -> list[Datagram]:
        return [Datagram(b"HELLO " + device.name.encode(), (GROUP, device.sections["echo"]["port"]))]


class Banner(Responder):
    name = "banner"

    def validate(self, section: Any, where: str) -> None:
        _port(section, where)
        if not isinstance(section.get("banner"), str):
            raise ProfileError(f"{where}.banner: must be a string")

    def tcp_endpoints(self, device: Device) -> list[TcpEndpoint]:
        return [TcpEndpoint(device.sections["banner"]["port"])]

    async def on_connection(
        self, device: Device, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int
    ) -> None:
        writer.write(device.substitute(device.sections["banner"]["banner"]).encode() + b"\n")
        await writer.drain()


class Boom(Responder):
    name = "boom"

    def validate(self, section: Any, where: str) -> None:
        _port(section, where)

    def udp_endpoints(self, device: Device) -> list[UdpEndpoint]:
        return [UdpEndpoint(device.sections["boom"]["port"])]

    def on_datagram(self, device: Device, data: bytes, peer: tuple[str, int], port: int) -> list[Datagram]:
        raise RuntimeError("this responder is broken on purpose")


RESPONDERS: dict[str, Responder] = {r.name: r for r in (Echo(), Banner(), Boom())}
