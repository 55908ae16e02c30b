"""Hostile TCP services (``tcp_replay`` section): canned replies, huge streamed bodies, slow drips, resets.

One reply per connection. Profile section::

    tcp_replay:
      ports:
        - port: 80
          wait: head                 # head: read the request up to the blank line (bounded) first;
                                     # any: the first bytes; none: reply on connect
          capture: {cseq: "CSeq: *([0-9]{1,9})"}   # request values as {cseq} in the reply
          reply: {text: "HTTP/1.1 200 OK\\r\\nContent-Length: {length}\\r\\n\\r\\n"}
          body: {repeat: {text: "A", times: 52428800}}   # streamed after reply; {length} is its size
          drip_bytes_per_second: 1   # pace every byte sent (slow loris in reverse)
          reset_after_bytes: 200     # send this many bytes, then reset the connection (RST)

Bodies are generated in 64 KiB pieces while sending, never held whole. The emulator closes every
connection after 60 seconds, so a drip ends then at the latest.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Iterator
from typing import Any

from netfinger.lab.responders import capture, payload, schema
from netfinger.lab.responders.base import Device, ProfileError, Responder, TcpEndpoint
from netfinger.lab.responders.streams import READ_TIMEOUT, send
from netfinger.lab.responders.templating import render, time_vars

PORT_KEYS = {"port", "wait", "capture", "reply", "body", "drip_bytes_per_second", "reset_after_bytes"}
WAITS = ("head", "any", "none")
MAX_REQUEST = 16384
DRIP_TICKS = 10  # writes per second when dripping faster than 10 B/s


def port_specs(device: Device) -> dict[int, dict[str, Any]]:
    ports = device.sections.get("tcp_replay", {}).get("ports", [])
    return {int(spec["port"]): spec for spec in ports}


def _validate_port(raw: Any, where: str) -> None:
    spec = schema.mapping(raw, where)
    schema.only_keys(spec, PORT_KEYS, where)
    schema.port(spec.get("port"), f"{where}.port")
    if spec.get("wait", "head") not in WAITS:
        raise ProfileError(f"{where}.wait: one of {', '.join(WAITS)}")
    if "capture" in spec:
        capture.validate(spec["capture"], f"{where}.capture")
    payload.validate(spec.get("reply"), f"{where}.reply")
    if "body" in spec:
        payload.validate(spec["body"], f"{where}.body")
    schema.opt_int(spec, "drip_bytes_per_second", where, lo=1, hi=10**9)
    schema.opt_int(spec, "reset_after_bytes", where, lo=0, hi=10**12)


class TcpReplayResponder(Responder):
    name = "tcp_replay"

    def validate(self, section: Any, where: str) -> None:
        sec = schema.mapping(section, where)
        schema.only_keys(sec, {"ports"}, where)
        items = sec.get("ports")
        if not isinstance(items, list) or not items:
            raise ProfileError(f"{where}.ports: expected a non-empty list")
        seen: set[int] = set()
        for i, raw in enumerate(items):
            _validate_port(raw, f"{where}.ports[{i}]")
            if raw["port"] in seen:
                raise ProfileError(f"{where}.ports[{i}].port: {raw['port']} listed twice")
            seen.add(raw["port"])

    def tcp_endpoints(self, device: Device) -> list[TcpEndpoint]:
        return [TcpEndpoint(port=p) for p in sorted(port_specs(device))]

    async def on_connection(
        self, device: Device, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int
    ) -> None:
        spec = port_specs(device).get(port)
        if spec is None:
            return
        request = await read_request(reader, spec.get("wait", "head"))
        if request is None:
            return
        extra = {**time_vars(), **capture.values(spec.get("capture"), request)}

        def fill(text: str) -> str:
            return render(device, text, extra)

        body = spec.get("body")
        extra["length"] = str(payload.size(body, fill)) if body else "0"
        pieces = stream(spec, fill)
        limit = spec.get("reset_after_bytes")
        sent = await write_all(writer, pieces, spec.get("drip_bytes_per_second"), limit)
        if limit is not None and sent >= limit:
            reset(writer)


async def read_request(reader: asyncio.StreamReader, wait: str) -> bytes | None:
    """The request bytes to answer (b'' for ``none``), or None when the peer left or sent too much."""
    try:
        if wait == "none":
            return b""
        if wait == "any":
            data = await asyncio.wait_for(reader.read(MAX_REQUEST), READ_TIMEOUT)
        else:
            data = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
        return None
    return data or None


def stream(spec: dict[str, Any], fill: payload.Render) -> Iterator[bytes]:
    yield from payload.chunks(spec["reply"], fill)
    if spec.get("body"):
        yield from payload.chunks(spec["body"], fill)


async def write_all(writer: asyncio.StreamWriter, pieces: Iterator[bytes], rate: int | None,
                    limit: int | None) -> int:
    """Send the pieces (paced at ``rate`` bytes/s, stopping after ``limit`` bytes); returns bytes sent."""
    sent = 0
    for piece in pieces:
        allowed = piece if limit is None else piece[: max(limit - sent, 0)]
        for part in _paced(allowed, rate):
            if not await send(writer, part):
                return sent
            sent += len(part)
            if rate:
                await asyncio.sleep(len(part) / rate)
        if limit is not None and sent >= limit:
            break
    return sent


def _paced(piece: bytes, rate: int | None) -> Iterator[bytes]:
    step = len(piece) if not rate else max(1, rate // DRIP_TICKS)
    for i in range(0, len(piece), max(step, 1)):
        yield piece[i:i + step]


def reset(writer: asyncio.StreamWriter) -> None:
    """Abort the connection with a TCP RST (SO_LINGER 0), as a crashing service would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
