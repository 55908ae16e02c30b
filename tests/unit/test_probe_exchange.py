"""The datagram exchange's receive side on real sockets, on loopback only (nothing leaves the host):
kernel drops counted, floods capped per source, answers credited to the channel that got them first."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from probe_fixtures import make_ctx

from netfinger.probes import exchange
from netfinger.probes.kerneldrops import kernel_drops

Pair = tuple[socket.socket, socket.socket]


@pytest.fixture
def pair() -> Iterator[Pair]:
    """A receiver with the smallest receive buffer the kernel allows, and a sender, on 127.0.0.1."""
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    rx.bind(("127.0.0.1", 0))
    rx.setblocking(False)
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx.bind(("127.0.0.1", 0))
    with rx, tx:
        yield rx, tx


def test_kernel_drops_are_counted_and_named_in_the_outcome(pair: Pair) -> None:
    rx, tx = pair
    ctx, _ = make_ctx()
    got: list[bytes] = []
    ex = exchange.Exchange(ctx, "sadp", lambda data, addr: got.append(data))
    chan = ex.add(exchange.MULTICAST, rx)
    for i in range(400):  # loopback delivers synchronously: what does not fit is dropped at once
        tx.sendto(b"%04d" % i + b"x" * 1000, rx.getsockname())
    ex.drain()
    assert got, "some datagrams fitted in the buffer"
    assert chan.drops == 400 - len(got)
    assert chan.drops == kernel_drops(rx)
    notes = ex.notes()
    assert f"{chan.drops:,} datagrams dropped by the kernel on the multicast ask socket" in notes[0]
    assert "(receive buffer full)" in notes[0]  # no flood seen, so none is blamed


def test_flood_is_capped_per_source_and_noted_once(pair: Pair) -> None:
    rx, tx = pair
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
    ctx, seen = make_ctx()
    handled: list[bytes] = []
    ex = exchange.Exchange(ctx, "sadp", lambda data, addr: handled.append(data))
    ex.add(exchange.MULTICAST, rx)
    for _ in range(exchange.MAX_PER_SOURCE + 50):
        tx.sendto(b"flood", rx.getsockname())
    ex.drain()
    assert len(handled) == exchange.MAX_PER_SOURCE
    assert ex.guard.sources() == {"127.0.0.1": 50}
    assert "flood from 127.0.0.1 capped at 256 datagrams, 50 more discarded unparsed" in ex.notes()
    assert [s.ip for s in seen] == ["127.0.0.1"]  # the flood note, once


def test_first_answers_are_credited_to_the_follow_up_channel(pair: Pair) -> None:
    rx, tx = pair
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024 * 1024)
    follow = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    follow.bind(("127.0.0.1", 0))
    follow.setblocking(False)
    ctx, _ = make_ctx()
    answered: set[str] = set()
    ex = exchange.Exchange(ctx, "sadp", lambda data, addr: answered.add(addr[0]), answered=answered)
    with follow:
        ex.add(exchange.MULTICAST, rx)
        ex.add(exchange.FOLLOW_UP, follow)
        tx.sendto(b"answer", follow.getsockname())
        ex.drain()
        tx.sendto(b"again", rx.getsockname())  # a later answer on the multicast socket credits nothing
        ex.drain()
    assert ex.credited == {exchange.FOLLOW_UP: ["127.0.0.1"]}
    assert "1 host answered only the unicast follow-up (127.0.0.1)" in ex.notes()
