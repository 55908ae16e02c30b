"""``probes/keepalive.py`` against a real HTTP server on 127.0.0.1: one connection while the server
keeps it open, a new one after ``Connection: close`` or an idle close, keep-alive off after silence."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from netfinger.probes.http import http_done
from netfinger.probes.keepalive import KeepAlive
from netfinger.protocols import http

Behaviour = Callable[[int, asyncio.StreamReader, asyncio.StreamWriter], Awaitable[bool]]


def _reply(body: bytes, close: bool = False) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n"
    return (head + ("Connection: close\r\n" if close else "") + "\r\n").encode() + body


async def _serve(behaviour: Behaviour) -> tuple[asyncio.Server, list[int]]:
    """A server whose ``behaviour(n, reader, writer)`` answers the n-th request on a connection and
    returns whether to keep reading; the list counts connections."""
    conns: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conns.append(1)
        n = 0
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if not head:
                    break
                n += 1
                if not await behaviour(n, reader, writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, conns


def _run(behaviour: Behaviour, requests: int, seconds: float = 2.0) -> tuple[list[bytes], int, KeepAlive]:
    async def main() -> tuple[list[bytes], int, KeepAlive]:
        server, conns = await _serve(behaviour)
        port = server.sockets[0].getsockname()[1]
        session = KeepAlive("127.0.0.1", port, seconds, done=http_done)
        out = []
        async with server:
            for i in range(requests):
                req = http.build_request("GET", f"127.0.0.1:{port}", f"/{i}", keep_alive=True)
                out.append((await session.request(req)).data)
            await session.aclose()
        return out, len(conns), session

    return asyncio.run(main())


def test_one_connection_while_the_server_keeps_it_open() -> None:
    async def keep(n: int, _r: asyncio.StreamReader, w: asyncio.StreamWriter) -> bool:
        w.write(_reply(b"r%d" % n))
        await w.drain()
        return True

    data, conns, session = _run(keep, 5)
    assert [http.parse_response(d).body for d in data] == [b"r1", b"r2", b"r3", b"r4", b"r5"]
    assert conns == 1 and session.connections == 1


def test_connection_close_opens_a_new_connection() -> None:
    async def close_each(n: int, _r: asyncio.StreamReader, w: asyncio.StreamWriter) -> bool:
        w.write(_reply(b"x", close=True))
        await w.drain()
        return False

    data, conns, _ = _run(close_each, 3)
    assert all(http.parse_response(d).status == 200 for d in data)
    assert conns == 3


def test_a_server_that_closes_an_idle_connection_is_asked_again() -> None:
    async def two_then_drop(n: int, _r: asyncio.StreamReader, w: asyncio.StreamWriter) -> bool:
        if n == 3:  # says keep-alive, then hangs up on the next request without a byte
            return False
        w.write(_reply(b"ok"))
        await w.drain()
        return True

    data, conns, _ = _run(two_then_drop, 4)
    assert all(http.parse_response(d).body == b"ok" for d in data)
    assert conns == 2


def test_silence_on_a_reused_connection_turns_keep_alive_off() -> None:
    async def first_only(n: int, _r: asyncio.StreamReader, w: asyncio.StreamWriter) -> bool:
        if n == 1:
            w.write(_reply(b"one"))
            await w.drain()
        return True  # later requests on this connection: read and never answered

    data, conns, session = _run(first_only, 3, seconds=0.3)
    assert all(http.parse_response(d).body == b"one" for d in data)
    assert not session.reuse
    assert conns == 3  # the silent reuse, then one fresh connection per request
