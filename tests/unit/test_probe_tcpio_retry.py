"""tcpio.request against real local servers on 127.0.0.1: a silent reply is asked once more."""

from __future__ import annotations

import asyncio

from netfinger.probes import tcpio


async def _serve(replies: list[bytes | None]) -> tuple[asyncio.Server, list[int]]:
    """A server answering its n-th connection with replies[n] (None: read the request, say nothing)."""
    seen: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        n = len(seen)
        seen.append(n)
        await reader.read(100)
        reply = replies[min(n, len(replies) - 1)]
        if reply is None:
            await asyncio.sleep(5)
        else:
            writer.write(reply)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, seen


def test_a_request_met_with_silence_is_sent_once_more() -> None:
    async def run() -> tuple[tcpio.TcpResult, list[int]]:
        server, seen = await _serve([None, b"HTTP/1.0 200 OK\r\n\r\nhello"])
        port = server.sockets[0].getsockname()[1]
        async with server:
            result = await tcpio.request("127.0.0.1", port, b"GET / HTTP/1.0\r\n\r\n", 0.3)
        return result, seen

    result, seen = asyncio.run(run())
    assert seen == [0, 1]
    assert result.data.endswith(b"hello")


def test_silence_twice_gives_up_after_the_second_try() -> None:
    async def run() -> tuple[tcpio.TcpResult, list[int]]:
        server, seen = await _serve([None])
        port = server.sockets[0].getsockname()[1]
        async with server:
            result = await tcpio.request("127.0.0.1", port, b"GET / HTTP/1.0\r\n\r\n", 0.2)
        return result, seen

    result, seen = asyncio.run(run())
    assert seen == [0, 1]
    assert (result.connected, result.data, result.ended) == (True, b"", "timeout")


def test_an_empty_payload_is_not_retried() -> None:
    async def run() -> list[int]:
        server, seen = await _serve([None])
        port = server.sockets[0].getsockname()[1]
        async with server:
            await tcpio.request("127.0.0.1", port, b"", 0.2)
        return seen

    assert asyncio.run(run()) == [0]
