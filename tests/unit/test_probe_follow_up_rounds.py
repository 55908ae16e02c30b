"""How often the discovery rounds ask a silent live host, with and without signs of lost answers.

Nothing is sent: ``exchange.send_all`` is replaced by a recorder, so the test sees each round's
datagrams and the sockets only listen (unbound to any interface, on ports the kernel picks)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence

import pytest
from probe_fixtures import make_ctx

from netfinger.probes import exchange, loss, rounds
from netfinger.probes.interface import ScanContext
from netfinger.probes.udp import Send

SILENT = ("10.77.0.5", "10.77.0.6")
GROUP = ("239.255.255.250", 1900)


def _ctx() -> ScanContext:
    ctx, _ = make_ctx(live=SILENT)
    ctx.iface, ctx.local_ips = None, frozenset()
    ctx.timeout = 2.0  # the last in-window round is 0.2 s before the end: room for a slow loop
    return ctx


async def _run(ctx: ScanContext, monkeypatch: pytest.MonkeyPatch,
               on_follow_up: object = None) -> Counter[str]:
    asked: Counter[str] = Counter()
    group_sends: list[Sequence[Send]] = []

    async def record(ctx: ScanContext, sock: object, datagrams: Sequence[Send],
                     groups: Sequence[str] = (), *, urgent: bool = False) -> int:
        datagrams = list(datagrams)
        for _, dest in datagrams:
            if dest == GROUP:
                group_sends.append(datagrams)
            else:
                asked[dest[0]] += 1
        return len(datagrams)

    def unicast(dests: list[str]) -> Sequence[Send]:
        if callable(on_follow_up):
            on_follow_up()
        return [(b"ask", (ip, 9)) for ip in dests]

    monkeypatch.setattr(exchange, "send_all", record)
    settled = ctx.hosts_settled = asyncio.Event()
    settled.set()  # no sweep still finding hosts
    failure, _ = await rounds.discover(ctx, "test", ask=lambda: [(b"q", GROUP)], unicast=unicast,
                                       handle=lambda data, addr: None, answered=set())
    assert failure is None
    assert len(group_sends) == 2  # the group question, and once again
    return asked


def test_without_signs_of_loss_each_silent_host_is_asked_four_times_in_all(
        monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = _ctx()
    asked = asyncio.run(_run(ctx, monkeypatch))
    # Two group questions and two unicast follow-ups: the later rounds and the late round ask no more.
    assert asked == dict.fromkeys(SILENT, loss.QUIET_ASKS - 2)


def test_a_sign_of_loss_before_the_window_brings_more_follow_ups(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = _ctx()
    ctx.loss.note("arp", "10.77.0.9 answered only a repeated who-has", 0.2)
    asked = asyncio.run(_run(ctx, monkeypatch))
    # Normally all four in-window rounds (six asks with the group's two); a round cut off by a very
    # late loop still leaves more than the quiet case's two.
    assert all(asked[ip] > loss.QUIET_ASKS - 2 for ip in SILENT), asked
    assert all(asked[ip] <= loss.LOSSY_ASKS - 2 for ip in SILENT), asked


def test_a_sign_seen_during_the_window_counts_from_the_next_round(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = _ctx()
    asked = asyncio.run(_run(ctx, monkeypatch,
                             on_follow_up=lambda: ctx.loss.note("test", "kernel drops", 0.5)))
    assert all(asked[ip] > loss.QUIET_ASKS - 2 for ip in SILENT), asked
    assert list(ctx.loss.signs) == ["test"] and ctx.loss.signs["test"].first == "kernel drops"


def test_another_probes_loss_is_its_own_and_the_wires_is_everyones(monkeypatch: pytest.MonkeyPatch) -> None:
    """A WS-Discovery socket that overflowed does not make the other probes ask more; lost ARP does."""
    ctx = _ctx()
    ctx.loss.note("wsd", "2000 datagrams dropped by the kernel on the multicast ask socket", 0.6)
    assert asyncio.run(_run(ctx, monkeypatch)) == dict.fromkeys(SILENT, loss.QUIET_ASKS - 2)
    assert ctx.loss.lossy("wsd") and not ctx.loss.lossy("test")
    ctx.loss.note("arp", "10.77.0.9 answered only a repeated who-has", 0.2)
    assert ctx.loss.lossy("test") and ctx.loss.asks_wanted("sadp") == loss.LOSSY_ASKS


def test_a_small_share_of_loss_keeps_the_quiet_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    """One who-has answer lost of 250 is recorded, and the rounds still ask four times."""
    ctx = _ctx()
    ctx.loss.note("arp", "10.77.0.9 answered only a repeated who-has", 1 / 250)
    asked = asyncio.run(_run(ctx, monkeypatch))
    assert asked == dict.fromkeys(SILENT, loss.QUIET_ASKS - 2)
    assert not ctx.loss.lossy("test") and "arp" in ctx.loss.signs


def test_loss_signs_keep_each_probes_first_and_its_largest_share() -> None:
    signs = loss.LossSigns()
    assert not signs.lossy("wsd") and signs.asks_wanted("wsd") == loss.QUIET_ASKS
    signs.note("arp", "first", 0.01)
    assert not signs.lossy("wsd") and signs.asks_wanted("wsd") == loss.QUIET_ASKS
    signs.note("arp", "second", loss.LOSSY_SHARE)
    signs.note("arp", "third", 0.02)
    assert signs.signs == {"arp": loss.Sign("first", loss.LOSSY_SHARE)}
    assert signs.lossy("wsd") and signs.asks_wanted("wsd") == loss.LOSSY_ASKS
