"""One host port's requests over as few connections as the server allows (HTTP/1.1 keep-alive; RTSP's
persistent connections with ``reusable=rtsp.keeps_alive``).

The http probe asks each web port for its landing page and a handful of read-only identification
pages. One connection (and, on the TLS ports, one handshake) per request was most of a scan's CPU time:
on a 250-device /24, about 2,000 connections on port 80 alone. A :class:`KeepAlive` sends the requests
one after another on one connection while each response is whole and says the connection may stay
open, and opens a new connection otherwise: after ``Connection: close``, a response without a length,
a cut or late one, or an error. A server that closes an idle kept-alive connection (it may, at any
time) is asked again on a new one. A server that accepts a second request and then stays silent has
keep-alive turned off for the rest of the port's requests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from netfinger.probes.tcpio import Connection, TcpResult, close, connect, exchange
from netfinger.protocols.http import MAX_RESPONSE_BYTES, keeps_alive


@dataclass
class KeepAlive:
    host: str
    port: int
    seconds: float
    tls: bool = False
    done: Callable[[bytes], bool] | None = None
    limit: int = MAX_RESPONSE_BYTES
    reusable: Callable[[bytes], bool] = keeps_alive  # may this response's connection carry the next?
    connections: int = 0  # opened so far (for the tests and the bench)
    reuse: bool = True
    _conn: Connection | None = field(default=None, repr=False)

    async def request(self, payload: bytes) -> TcpResult:
        """Send one whole request (built with keep-alive) and read its response."""
        if self._conn is not None:
            result = await exchange(self._conn, payload, self.seconds, self.limit, self.done, None)
            if result.data and not result.error:
                await self._settle(result)
                return result
            await self._drop()  # closed while idle, reset, or silent on a reused connection
            if result.ended == "timeout" or result.error == "TimeoutError":
                self.reuse = False
        return await self._fresh(payload)

    async def _fresh(self, payload: bytes) -> TcpResult:
        result = await self._open_and_send(payload, self.seconds)
        if result.connected and not result.data and result.ended == "timeout":
            # accepted and sent, but not one byte back in time: slow rather than absent (as tcpio.request)
            await self._drop()
            result = await self._open_and_send(payload, self.seconds * 2)
        await self._settle(result)
        return result

    async def _open_and_send(self, payload: bytes, seconds: float) -> TcpResult:
        conn = await connect(self.host, self.port, seconds, self.tls, self.limit)
        if isinstance(conn, TcpResult):
            return conn
        self.connections += 1
        self._conn = conn
        return await exchange(conn, payload, seconds, self.limit, self.done, None)

    async def _settle(self, result: TcpResult) -> None:
        """Keep the connection for the next request only after a whole keep-alive response."""
        if not (self.reuse and result.ended == "done" and not result.error and self.reusable(result.data)):
            await self._drop()

    async def _drop(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await close(conn)

    async def aclose(self) -> None:
        await self._drop()
