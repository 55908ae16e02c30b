"""Plain TCP services (``tcp`` section): ports that stay silent or answer with fixed bytes.

Profile section::

    tcp:
      ports:
        - {port: 8000, reply_hex: "00000010 0000001e 0000001e 00000000"}  # after the first bytes in
        - {port: 23, banner_hex: "..."}                                    # sent on connect
        - {port: 37777}                                                    # open and silent
"""

from __future__ import annotations

import asyncio
from typing import Any

from netfinger.lab.responders import kits, schema
from netfinger.lab.responders.base import Device, ProfileError, Responder, TcpEndpoint
from netfinger.lab.responders.streams import READ_TIMEOUT, send

MAX_DRAIN = 65536


def section(device: Device) -> dict[str, Any]:
    return kits.resolve("tcp", device.sections.get("tcp", {}))


def hex_bytes(text: str | None) -> bytes:
    return bytes.fromhex("".join((text or "").split()))


def port_specs(device: Device) -> dict[int, dict[str, Any]]:
    return {int(spec["port"]): spec for spec in section(device).get("ports", [])}


class TcpResponder(Responder):
    name = "tcp"

    def validate(self, section: Any, where: str) -> None:
        sec = kits.resolve("tcp", section, where)
        schema.only_keys(sec, {"kit", "ports"}, where)
        items = sec.get("ports")
        if not isinstance(items, list) or not items:
            raise ProfileError(f"{where}.ports: expected a non-empty list")
        for i, raw in enumerate(items):
            pw = f"{where}.ports[{i}]"
            spec = schema.mapping(raw, pw)
            schema.only_keys(spec, {"port", "banner_hex", "reply_hex"}, pw)
            schema.port(spec.get("port"), f"{pw}.port")
            for key in ("banner_hex", "reply_hex"):
                schema.opt_str(spec, key, pw)
                try:
                    hex_bytes(spec.get(key))
                except ValueError as exc:
                    raise ProfileError(f"{pw}.{key}: not hex") from exc

    def tcp_endpoints(self, device: Device) -> list[TcpEndpoint]:
        return [TcpEndpoint(port=p) for p in sorted(port_specs(device))]

    async def on_connection(
        self, device: Device, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int
    ) -> None:
        spec = port_specs(device).get(port, {})
        banner, reply = hex_bytes(spec.get("banner_hex")), hex_bytes(spec.get("reply_hex"))
        if banner and not await send(writer, banner):
            return
        received = 0
        while received < MAX_DRAIN:
            try:
                chunk = await asyncio.wait_for(reader.read(4096), READ_TIMEOUT)
            except (TimeoutError, ConnectionError):
                return
            if not chunk:
                return
            received += len(chunk)
            if reply and not await send(writer, reply):
                return
            reply = b""
