"""The discovery probes' rounds of asking (WS-Discovery, SSDP, SADP, DHIP), over an
:class:`~netfinger.probes.exchange.Exchange`: the multicast question twice, unicast follow-ups in the
window to live targets that have not answered, and after the window the late rounds that bring every
live host up to ``LATE_MIN_ASKS`` asks (a busy machine, a lossy wire, hosts the sweeps found late).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from netfinger.probes.exchange import (
    FOLLOW_UP,
    MULTICAST,
    Channel,
    Exchange,
    Handler,
    add_group_channel,
    run_window,
    unanswered_live,
)
from netfinger.probes.interface import ScanContext
from netfinger.probes.udp import Send, Step, open_socket

# Unicast follow-up rounds, as fractions of the listen window: after the multicast answers (and any
# flood) are in, and again for hosts found late or answers lost on the wire. A round asks only the
# silent hosts asked fewer times than ``ctx.loss.asks_wanted(protocol)`` so far (group questions included), so
# without signs of loss an on-link host is asked by the first two rounds only (``probes.loss``).
FOLLOW_UPS = (0.35, 0.55, 0.75, 0.9)
# After the window, a live host asked fewer than this many times directly gets a late round.
LATE_MIN_ASKS = 4  # with one reply in five lost: a device missed 1 time in 625 (0.2 ** 4)
LATE_GRACE = 0.75  # seconds, at least; a quarter of the window when that is longer
SETTLE_LIMIT = 6.0  # seconds a probe waits, at most, for the ARP/TCP sweep to finish finding hosts
LATE_ROUND = 1.0  # seconds between asks to new hosts while the ARP/TCP sweeps still find them


async def discover(ctx: ScanContext, protocol: str, *, ask: Callable[[], Sequence[Send]],
                   unicast: Callable[[list[str]], Sequence[Send]], handle: Handler,
                   answered: set[str], groups: Sequence[str] = (),
                   ask_again: Callable[[], Sequence[Send]] | None = None,
                   listen_group: tuple[str, int] | None = None) -> tuple[str | None, list[str]]:
    """The discovery probes' exchange for one listen window: (failure reason or None, outcome notes).

    The multicast question at once and again shortly after (for a lost first) on one socket; unicast
    follow-ups to live targets that have not answered and are not flooding, on a second socket; with
    ``listen_group``, a third socket that hears what is sent to the group."""
    ex = Exchange(ctx, protocol, handle, groups, answered)
    try:
        with contextlib.ExitStack() as stack:
            asker = ex.add(MULTICAST, stack.enter_context(open_socket(ctx)))
            follow = ex.add(FOLLOW_UP, stack.enter_context(open_socket(ctx)))
            add_group_channel(ex, stack, listen_group)

            asked: dict[str, int] = {}  # unicast asks per host
            group_asks = GroupAsks()

            def follow_ups(only: Sequence[str] | None = None) -> Sequence[Send]:
                dests = unanswered_live(ctx, answered, tuple(ex.guard.sources()))
                if only is not None:
                    chosen = set(only)
                    dests = [ip for ip in dests if ip in chosen]
                for ip in dests:
                    asked[ip] = asked.get(ip, 0) + 1
                return unicast(dests)

            def heard_group(ip: str) -> int:
                """The group questions ``ip`` heard: those sent, if it is on the link and they fitted."""
                return group_asks.sent if ctx.on_link(ip) and not asker.drops else 0

            def in_window() -> Sequence[Send]:
                """A follow-up round: to the silent live hosts asked fewer times than wanted so far."""
                note_loss(ex, heard_group)
                wanted = ctx.loss.asks_wanted(protocol)
                owed = [ip for ip in unanswered_live(ctx, answered, tuple(ex.guard.sources()))
                        if asked.get(ip, 0) + heard_group(ip) < wanted]
                return follow_ups(owed) if owed else ()

            window = ctx.timeout
            plan = [(0.0, asker, Step(0.0, group_asks.counted(ask))),
                    (min(0.3, window / 4), asker, Step(0.0, group_asks.counted(ask_again or ask)))]
            plan += [(window * f, follow, Step(0.0, in_window)) for f in FOLLOW_UPS]
            await run_window(ex, plan, window)
            await late_follow_ups(ex, follow, asked, follow_ups)
            # The group questions reached every on-link unit too, unless the asking socket overflowed.
            await late_round(ex, follow, asked, follow_ups, 0 if asker.drops else group_asks.sent)
    except OSError as exc:
        return f"socket error: {exc}", ex.notes()
    return None, ex.notes()


def note_loss(ex: Exchange, heard_group: Callable[[str], int]) -> None:
    """Tell the scan about signs of lost answers this exchange has seen (``probes.loss``): kernel drops
    on one of its sockets, or an on-link host that heard both group questions yet answered only a
    unicast follow-up."""
    loss = ex.ctx.loss
    for chan in ex.channels:
        chan.read_drops()
        if chan.drops:
            loss.note(ex.protocol, f"{chan.drops} datagrams dropped by the kernel on the {chan.name} socket",
                      chan.drops / (chan.drops + ex.handled))
    late = [ip for ip in ex.credited.get(FOLLOW_UP, []) if heard_group(ip) >= 2]
    if late:
        loss.note(ex.protocol, f"{late[0]} heard both group questions and answered only a follow-up",
                  len(late) / max(1, len(ex.answered or ())))


@dataclass
class GroupAsks:
    """How many multicast questions actually went out (a starved loop may not reach the second)."""

    sent: int = 0

    def counted(self, ask: Callable[[], Sequence[Send]]) -> Callable[[], Sequence[Send]]:
        def counting() -> Sequence[Send]:
            out = ask()
            self.sent += 1 if out else 0
            return out
        return counting


async def late_follow_ups(ex: Exchange, follow: Channel, asked: dict[str, int],
                          follow_ups: Callable[[Sequence[str] | None], Sequence[Send]]) -> None:
    """Off-link hosts turn up as the TCP sweep finds them, long after the multicast window (a sampled
    /16 takes half a minute): while the sweeps still run, ask each new host once (unicast, from the
    follow-up socket) every LATE_ROUND seconds; ``late_round`` then asks again those that stay silent."""
    def fresh() -> Sequence[Send]:
        live = unanswered_live(ex.ctx, ex.answered or set(), tuple(ex.guard.sources()))
        return follow_ups([ip for ip in live if not asked.get(ip)])

    settled = ex.ctx.hosts_settled
    while settled is not None and not settled.is_set():  # each round ends early once the sweeps end
        await run_window(ex, [(0.0, follow, Step(0.0, fresh))], LATE_ROUND, until=settled)


async def late_round(ex: Exchange, follow: Channel, asked: dict[str, int],
                     follow_ups: Callable[[Sequence[str] | None], Sequence[Send]],
                     group_credit: int = 0) -> None:
    """Hosts that turned up late (a busy machine, a lossy wire) and were asked fewer than
    ``LATE_MIN_ASKS`` times are asked until they were asked that often, with a short grace after the
    last ask. Hosts found in time were asked by every in-window round, so this costs nothing then.

    An on-link host also heard the ``group_credit`` multicast questions: on a busy machine the last
    in-window follow-up can slip past the window's end, and those hosts are not asked again for it."""
    settled = ex.ctx.hosts_settled
    if settled is not None and not settled.is_set():  # the ARP/TCP sweep is still finding hosts
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(settled.wait(), max(SETTLE_LIMIT, 3 * ex.ctx.timeout))
    live = unanswered_live(ex.ctx, ex.answered or set(), tuple(ex.guard.sources()))
    for ip in live if group_credit else ():
        if ex.ctx.on_link(ip):
            asked[ip] = asked.get(ip, 0) + group_credit
    late = [ip for ip in live if asked.get(ip, 0) < LATE_MIN_ASKS]
    if not late:
        return
    grace = max(LATE_GRACE, ex.ctx.timeout / 4)
    before = len(ex.credited.get(FOLLOW_UP, []))
    answered = ex.answered or set()
    while True:  # each wait is measured from its own send, however late that went
        due = [ip for ip in late if ip not in answered and asked.get(ip, 0) < LATE_MIN_ASKS]
        if not due:
            break
        last = all(asked.get(ip, 0) + 1 >= LATE_MIN_ASKS for ip in due)
        await run_window(ex, [(0.0, follow, Step(0.0, functools.partial(follow_ups, due)))],
                         grace if last else grace / 2)
    found = len(ex.credited.get(FOLLOW_UP, [])) - before
    hosts = "host" if len(late) == 1 else "hosts"
    ex.extra_notes.append(f"{len(late)} {hosts} found late asked again after the window ({found} answered)")
