"""The SYN port checks' bookkeeping (``probes.portcheck``): what skips a port and what never does.

The raw socket is stood in for: SYNs go to a recorder (nothing is sent), and answers are fed through
a datagram socket pair, whose data starts at the IPv4 header as a raw socket's does. The real socket
runs in every lab scan (tests/lab) and in ``test_protocol_tcpsyn.py``'s kernel filter check.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from probe_fixtures import make_ctx

from netfinger.probes import portcheck
from netfinger.probes.portcheck import PortCheck
from netfinger.protocols import tcpsyn

SPORT = 61234


class Recorder:
    """Stands in for the raw socket: keeps what would be sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[bytes, tuple[str, int]]] = []

    def sendto(self, data: bytes, addr: tuple[str, int]) -> int:
        self.sent.append((data, addr))
        return len(data)


def answer(syn: bytes, dst: str, flags: int, ack_delta: int = 1) -> bytes:
    """The IPv4 packet a host at ``dst`` answers ``syn`` with (SYN+ACK or RST+ACK)."""
    sport, dport, seq = struct.unpack_from("!HHI", syn)
    tcp = struct.pack("!HHIIBBHHH", dport, sport, 7, (seq + ack_delta) & 0xFFFFFFFF, 5 << 4, flags, 0, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, socket.IPPROTO_TCP, 0,
                     socket.inet_aton(dst), socket.inet_aton("10.77.0.1"))
    return ip + tcp


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    b.setblocking(False)
    with a, b:
        yield a, b


def _check(recorder: Recorder, paid: list[int] | None = None) -> PortCheck:
    ctx, _ = make_ctx()
    ctx.is_root = True

    async def pacer(packets: int) -> None:
        if paid is not None:
            paid.append(packets)
        await asyncio.sleep(0)  # a pacer may suspend: a second caller arrives meanwhile

    ctx.pacer = pacer
    check = PortCheck(ctx, SPORT)
    check._socks["10.77.0.1"] = recorder  # type: ignore[assignment]
    return check


def test_a_reset_skips_the_port_and_a_syn_ack_does_not(pair: tuple[socket.socket, socket.socket]) -> None:
    feed, read = pair
    recorder = Recorder()
    paid: list[int] = []
    check = _check(recorder, paid)

    async def main() -> tuple[bool, bool, bool]:
        closed = asyncio.ensure_future(check.refuses("10.77.0.5", 9010))
        opened = asyncio.ensure_future(check.refuses("10.77.0.5", 80))
        again = asyncio.ensure_future(check.refuses("10.77.0.5", 9010))  # shares the first one's SYN
        await asyncio.sleep(0.01)
        assert len(recorder.sent) == 2 and {addr for _, addr in recorder.sent} == {("10.77.0.5", 0)}
        syns = {struct.unpack_from("!H", data, 2)[0]: data for data, _ in recorder.sent}
        feed.send(answer(syns[9010], "10.77.0.5", tcpsyn.RST | tcpsyn.ACK))
        feed.send(answer(syns[80], "10.77.0.5", tcpsyn.SYN | tcpsyn.ACK))
        check._read(read)
        return await closed, await opened, await again

    assert asyncio.run(main()) == (True, False, True)
    assert (check.counts.sent, check.counts.closed, check.counts.open) == (2, 1, 1)
    assert paid == [1, 1]  # one rate token per SYN sent; the caller that shared one paid nothing

    async def later() -> bool:  # a known answer costs no second SYN
        return await check.refuses("10.77.0.5", 9010)

    assert asyncio.run(later()) is True and len(recorder.sent) == 2


def test_a_reset_that_does_not_acknowledge_our_syn_is_ignored(
        pair: tuple[socket.socket, socket.socket], monkeypatch: pytest.MonkeyPatch) -> None:
    feed, read = pair
    monkeypatch.setattr(portcheck, "WAIT", 0.05)
    recorder = Recorder()
    check = _check(recorder)

    async def main() -> bool:
        pending = asyncio.ensure_future(check.refuses("10.77.0.5", 9010))
        await asyncio.sleep(0.01)
        syn = recorder.sent[0][0]
        feed.send(answer(syn, "10.77.0.5", tcpsyn.RST | tcpsyn.ACK, ack_delta=2))  # a forged or stray one
        feed.send(answer(syn, "10.77.0.6", tcpsyn.RST | tcpsyn.ACK))  # from another host
        check._read(read)
        return await pending

    assert asyncio.run(main()) is False  # unanswered: the probe connects as before
    assert (check.counts.closed, check.counts.unknown) == (0, 1)


def test_off_link_ipv6_and_own_addresses_are_never_checked() -> None:
    recorder = Recorder()
    check = _check(recorder)

    async def main() -> list[bool]:
        return [await check.refuses(ip, 80) for ip in ("192.0.2.7", "fe80::1%eth0", "10.77.0.1", "junk")]

    assert asyncio.run(main()) == [False] * 4
    assert recorder.sent == []


def test_no_checker_without_root_or_a_link() -> None:
    ctx, _ = make_ctx()
    assert PortCheck.for_scan(ctx) is None  # not root
    ctx.is_root = True
    assert PortCheck.for_scan(ctx) is not None
    off, _ = make_ctx(targets="192.0.2.0/24")
    off.is_root = True
    assert PortCheck.for_scan(off) is None  # nothing on the link: SYNs would go through a router


def test_the_source_port_is_outside_the_ephemeral_range(tmp_path: Path) -> None:
    ranges = {"32768\t60999\n": range(61000, 65536), "1024\t65535\n": range(1024, 1024)}
    for text, allowed in ranges.items():
        path = tmp_path / "range"
        path.write_text(text)
        ports = {portcheck.unused_port(str(path)) for _ in range(50)}
        if allowed:
            assert all(p in allowed for p in ports)
        else:
            assert ports == {1024}
