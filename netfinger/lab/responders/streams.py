"""Bounded async reads for the text-protocol responders (HTTP, RTSP, SSDP description)."""

from __future__ import annotations

import asyncio

from netfinger.lab.wire.textmsg import MAX_HEAD, Request, content_length, parse_head

READ_TIMEOUT = 10.0
MAX_BODY = 65536


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """One request (head + body by Content-Length), or None on EOF, timeout, overflow or garbage."""
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
        return None
    if len(head) > MAX_HEAD:
        return None
    req = parse_head(head[:-4])
    if req is None:
        return None
    length = content_length(req, MAX_BODY)
    if length is None:
        return None
    if not length:
        return req
    try:
        body = await asyncio.wait_for(reader.readexactly(length), READ_TIMEOUT)
    except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
        return None
    return Request(req.method, req.target, req.version, req.headers, body)


async def send(writer: asyncio.StreamWriter, data: bytes) -> bool:
    """Write and drain; False if the peer went away."""
    try:
        writer.write(data)
        await asyncio.wait_for(writer.drain(), READ_TIMEOUT)
    except (ConnectionError, TimeoutError):
        return False
    return True
