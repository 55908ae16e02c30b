"""Helpers for the lab responder tests: devices from the default site and socketpair conversations.

No network traffic: TCP responders are driven over ``socket.socketpair()``.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

from netfinger.lab.profile import load_profile
from netfinger.lab.responders import RESPONDERS
from netfinger.lab.responders.base import Device

SITE = Path(__file__).resolve().parents[2] / "netfinger" / "lab" / "sites" / "default"
PEER = ("10.77.0.1", 50000)


def site_device(name: str) -> Device:
    """The runtime device of one default-site profile."""
    prof = load_profile(SITE / f"{name}.yaml")
    assert prof.ip is not None
    return Device(prof.name, prof.mac, str(prof.ip), 24, prof.sections, prof.vars)


def make_device(
    sections: dict[str, Any],
    vars_: dict[str, str] | None = None,
    mac: str = "44:47:cc:37:ce:81",
    ip: str = "10.77.0.21",
) -> Device:
    for key, section in sections.items():
        RESPONDERS[key].validate(section, where=f"test: {key}")
    return Device("test", mac, ip, 24, sections, dict(vars_ or {}))


async def _converse(proto: str, device: Device, port: int, data: bytes) -> bytes:
    server_sock, client_sock = socket.socketpair()
    reader, writer = await asyncio.open_connection(sock=server_sock)
    creader, cwriter = await asyncio.open_connection(sock=client_sock)
    task = asyncio.create_task(RESPONDERS[proto].on_connection(device, reader, writer, port))
    cwriter.write(data)
    await cwriter.drain()
    cwriter.write_eof()
    await asyncio.wait_for(task, 15)
    writer.close()
    out = await asyncio.wait_for(creader.read(), 5)
    cwriter.close()
    return out


def converse(proto: str, device: Device, port: int, data: bytes) -> bytes:
    """Everything the responder sends for ``data`` (the client half-closes after sending)."""
    return asyncio.run(_converse(proto, device, port, data))


def split_response(raw: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
    """(status line, ordered headers, body) of one HTTP/RTSP-style response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = [(k, v[1:] if v.startswith(" ") else v) for k, _, v in (ln.partition(":") for ln in lines[1:])]
    return lines[0], headers, body
