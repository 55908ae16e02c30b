"""Bounded TCP request/response over asyncio streams, shared by the http, rtsp, tcp, onvif and ssdp probes."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

from netfinger.protocols.http import MAX_RESPONSE_BYTES


@dataclass
class TcpResult:
    connected: bool
    data: bytes = b""
    peercert: bytes | None = None
    error: str = ""
    cut: bool = False  # the size cap was hit
    ended: str = ""  # why reading stopped: done | eof | cap | timeout | reset | error


def read_anomalies(proto: str, port: int, result: TcpResult) -> list[str]:
    """Anomaly notes for a reply that was oversize, still dripping at the deadline, or reset mid-way."""
    if result.ended == "reset":
        when = "mid-reply" if result.data else "before a reply"
        return [f"{proto}: connection on port {port} reset {when}"]
    if not result.data:
        return []
    if result.cut:
        return [f"{proto}: reply on port {port} reached the {len(result.data)}-byte limit, cut (oversize)"]
    if result.ended == "timeout":
        return [f"{proto}: reply on port {port} still incomplete at the read timeout (slow sender), cut"]
    return []


def insecure_tls() -> ssl.SSLContext:
    """TLS for fingerprinting only: no verification (devices use self-signed certificates)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    with contextlib.suppress(ssl.SSLError):
        ctx.set_ciphers("ALL:@SECLEVEL=0")
    return ctx


_TLS: ssl.SSLContext | None = None


def tls_context() -> ssl.SSLContext:
    global _TLS  # noqa: PLW0603 - one context per process, built lazily
    if _TLS is None:
        _TLS = insecure_tls()
    return _TLS


async def _read(reader: asyncio.StreamReader, deadline: float, limit: int,
                done: Callable[[bytes], bool] | None) -> tuple[bytes, str]:
    """Read until ``done``, EOF, ``limit`` bytes or the deadline; returns the bytes and why it stopped."""
    buf = bytearray()
    ended = "cap"
    try:
        async with asyncio.timeout_at(deadline):  # the loop's clock is time.monotonic()
            while len(buf) < limit:
                chunk = await reader.read(min(65536, limit - len(buf)))
                if not chunk:
                    ended = "eof"
                    break
                buf += chunk
                if done is not None and done(bytes(buf)):
                    ended = "done"
                    break
    except TimeoutError:
        ended = "timeout"
    except (OSError, ssl.SSLError) as exc:
        ended = "reset" if isinstance(exc, ConnectionResetError) else "error"
    return bytes(buf), ended


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(Exception):
        async with asyncio.timeout(0.5):
            await writer.wait_closed()


async def request(host: str, port: int, payload: bytes, seconds: float, *, tls: bool = False,
                  limit: int = MAX_RESPONSE_BYTES, done: Callable[[bytes], bool] | None = None,
                  read_time: float | None = None) -> TcpResult:
    """Connect (``seconds``), send ``payload`` (may be empty), read until ``done``/EOF/cap/deadline.

    A request that was accepted and sent but got not one byte back in time is sent once more on a
    new connection with twice the time: an embedded web server busy with something else (or a
    scanner on a starved machine) is slow, not absent. Timeouts use ``asyncio.timeout`` rather than
    ``wait_for``, which wraps each await in a task of its own: at thousands of requests a scan that
    was a good part of the scanner's CPU.
    """
    result = await _request_once(host, port, payload, seconds, tls, limit, done, read_time)
    if payload and result.connected and not result.data and result.ended == "timeout":
        result = await _request_once(host, port, payload, seconds * 2, tls, limit, done,
                                     read_time * 2 if read_time else None)
    return result


@dataclass
class Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    cert: bytes | None = None


async def connect(host: str, port: int, seconds: float, tls: bool, limit: int) -> Connection | TcpResult:
    """An open connection (with the peer's certificate when ``tls``), or the failed result."""
    try:
        async with asyncio.timeout(seconds):
            reader, writer = await asyncio.open_connection(
                host, port, ssl=tls_context() if tls else None, server_hostname="" if tls else None,
                limit=limit)
    except (TimeoutError, OSError, ssl.SSLError, ValueError) as exc:
        return TcpResult(False, error=type(exc).__name__)
    cert = None
    if tls:
        obj = writer.get_extra_info("ssl_object")
        if isinstance(obj, ssl.SSLObject):
            cert = obj.getpeercert(binary_form=True)
    return Connection(reader, writer, cert)


async def exchange(conn: Connection, payload: bytes, seconds: float, limit: int,  # noqa: PLR0917
                   done: Callable[[bytes], bool] | None, read_time: float | None) -> TcpResult:
    """Send ``payload`` (may be empty) on an open connection and read one reply; the connection stays open."""
    try:
        if payload:
            conn.writer.write(payload)
            async with asyncio.timeout(seconds):
                await conn.writer.drain()
        data, ended = await _read(conn.reader, time.monotonic() + (read_time or seconds), limit, done)
        return TcpResult(True, data, conn.cert, cut=len(data) >= limit, ended=ended)
    except (TimeoutError, OSError, ssl.SSLError) as exc:
        return TcpResult(True, peercert=conn.cert, error=type(exc).__name__)


async def close(conn: Connection) -> None:
    await _close(conn.writer)


async def _request_once(host: str, port: int, payload: bytes, seconds: float, tls: bool,  # noqa: PLR0917
                        limit: int, done: Callable[[bytes], bool] | None,
                        read_time: float | None) -> TcpResult:
    conn = await connect(host, port, seconds, tls, limit)
    if isinstance(conn, TcpResult):
        return conn
    try:
        return await exchange(conn, payload, seconds, limit, done, read_time)
    finally:
        await close(conn)


async def is_open(host: str, port: int, seconds: float) -> bool:
    try:
        async with asyncio.timeout(seconds):
            _, writer = await asyncio.open_connection(host, port)
    except (TimeoutError, OSError):
        return False
    await _close(writer)
    return True
