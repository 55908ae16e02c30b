"""The datagram discovery exchange: multicast asks, unicast follow-ups on a socket of their own, floods
capped per source, and the kernel's drops counted.

Why a second socket: a flooding unit answers the multicast ask on the asker's port, so every honest
answer to that ask races the flood for the kernel's receive buffer. The follow-up inquiries go out from
a fresh port, to live targets that have not answered and are not flooding, so their answers never share
a queue with the flood. Why batches with a yield between them: reading a 20,000-datagram flood in one go
held the event loop for most of a second, so the follow-ups went out late and answers still queued at the
end of the window were never read. The end of the window drains what the kernel already holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from netfinger.evidence import Sighting, flood_note
from netfinger.probes.interface import ScanContext
from netfinger.probes.kerneldrops import kernel_drops
from netfinger.probes.udp import MAX_DATAGRAM, Send, Step, open_socket, send_all

log = logging.getLogger("netfinger.scan")
MAX_DATAGRAMS = 20000  # handled per probe, bounds the work a flood can cause
MAX_PER_SOURCE = 256  # handled per source address; an honest device sends a few dozen at most
BATCH = 64  # datagrams read before the loop gets a turn (the sender and the other probes must run)
# Unicast follow-ups, as fractions of the listen window: after the multicast answers (and any flood)
# are in, and again for hosts found late or answers lost on the wire.
FOLLOW_UPS = (0.35, 0.55, 0.75, 0.9)
# After the window, a live host asked fewer than this many times directly gets a late round.
LATE_MIN_ASKS = 4  # with one reply in five lost: a device missed 1 time in 625 (0.2 ** 4)
LATE_GRACE = 0.75  # seconds, at least; a quarter of the window when that is longer
SETTLE_LIMIT = 6.0  # seconds a probe waits, at most, for the ARP/TCP sweep to finish finding hosts
LATE_ROUND = 1.0  # seconds between asks to new hosts while the ARP/TCP sweeps still find them
# At most this long the multicast question waits for the ARP sweep's first pass (a /24's is out in tens
# of milliseconds): parsing hundreds of answers at once would otherwise hold the sweep's batches back.
SWEEP_HEAD_START = 0.2
MULTICAST, FOLLOW_UP, GROUP = "multicast ask", "unicast follow-up", "group"
# What arrives on these came from the scan link: answers to a TTL-1 multicast ask, messages sent to
# a discovery group (multicast is not routed to us). Their sightings are marked ``link``, so a device
# answering from outside the targets is reported as such (and never contacted).
LINK_CHANNELS = frozenset({MULTICAST, GROUP})

Handler = Callable[[bytes, tuple[str, int]], None]


@dataclass
class FloodGuard:
    """Counts datagrams per source across one probe's sockets; past the cap a source is a flood."""

    ctx: ScanContext
    protocol: str
    counts: dict[str, int] = field(default_factory=dict)

    def over(self, addr: tuple[str, int]) -> bool:
        count = self.counts.get(addr[0], 0) + 1
        self.counts[addr[0]] = count
        if count == MAX_PER_SOURCE + 1:
            note = flood_note(self.protocol, MAX_PER_SOURCE, where=f"udp/{addr[1]}")
            self.ctx.emit(Sighting(ip=str(addr[0]), anomalies=(note,), protocol=self.protocol))
        return count > MAX_PER_SOURCE

    def sources(self) -> dict[str, int]:
        """Flooding sources and how many of their datagrams were read and dropped unparsed."""
        return {ip: n - MAX_PER_SOURCE for ip, n in sorted(self.counts.items()) if n > MAX_PER_SOURCE}


@dataclass
class Channel:
    """One socket of an exchange, what it is for, and the kernel drop count when it was opened."""

    name: str
    sock: socket.socket
    drops_at_open: int = 0
    drops: int = 0

    def read_drops(self) -> None:
        now = kernel_drops(self.sock)
        if now is not None:
            self.drops = max(0, now - self.drops_at_open)


@dataclass
class Exchange:
    """One probe's datagram exchange over one or more channels, for one listen window."""

    ctx: ScanContext
    protocol: str
    handle: Handler
    groups: Sequence[str] = ()
    answered: set[str] | None = None  # the probe's set of answering hosts, to credit a channel
    guard: FloodGuard = field(init=False)
    channels: list[Channel] = field(default_factory=list)
    handled: int = 0
    credited: dict[str, list[str]] = field(default_factory=dict)  # channel name -> first answers
    extra_notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.guard = FloodGuard(self.ctx, self.protocol)

    def add(self, name: str, sock: socket.socket) -> Channel:
        chan = Channel(name, sock, kernel_drops(sock) or 0)
        self.channels.append(chan)
        return chan

    def _one(self, chan: Channel, data: bytes, addr: tuple[str, int]) -> None:
        before = self.answered is not None and addr[0] in self.answered
        emit = self.ctx.emit
        if chan.name in LINK_CHANNELS:  # handlers run synchronously: the swap covers exactly this call
            self.ctx.emit = lambda s: emit(replace(s, link=True))
        self.ctx.heard_on = chan.name
        try:
            self.handle(data, addr)
        except Exception:  # one bad datagram must not end the probe; parsers should not raise anyway
            log.debug("reply handler failed on a datagram from %s", addr[0], exc_info=True)
        finally:
            self.ctx.emit, self.ctx.heard_on = emit, ""
        if self.answered is not None and not before and addr[0] in self.answered:
            self.credited.setdefault(chan.name, []).append(addr[0])

    def read_batch(self, chan: Channel, buf: bytearray, limit: int) -> tuple[int, bool]:
        """Read up to ``limit`` queued datagrams without blocking; (read, queue empty)."""
        view = memoryview(buf)
        read = 0
        while read < limit and self.handled < MAX_DATAGRAMS:
            try:
                size, raw_addr = chan.sock.recvfrom_into(buf)
            except BlockingIOError:
                return read, True
            except OSError:  # e.g. a queued ICMP error: nothing to read from it
                return read, False
            read += 1
            addr = (str(raw_addr[0]), int(raw_addr[1]))
            if addr[0] in self.ctx.local_ips or self.guard.over(addr):
                continue
            self.handled += 1
            self._one(chan, bytes(view[:size]), addr)
        return read, False

    async def receive(self, chan: Channel) -> None:
        """Read ``chan`` until cancelled, in batches, giving the loop a turn after each."""
        buf = bytearray(MAX_DATAGRAM)
        while self.handled < MAX_DATAGRAMS:
            await wait_readable(chan.sock)
            _, empty = self.read_batch(chan, buf, BATCH)
            if not empty:
                await asyncio.sleep(0)

    def drain(self) -> None:
        """At the end of the window: what the kernel already queued arrived in time, so read it."""
        buf = bytearray(MAX_DATAGRAM)
        for chan in self.channels:
            empty = False
            while not empty and self.handled < MAX_DATAGRAMS:
                read, empty = self.read_batch(chan, buf, BATCH)
                if read == 0:
                    break
            chan.read_drops()

    def notes(self) -> list[str]:
        """What the probe's outcome text says about floods, drops and which channel found whom."""
        out: list[str] = []
        floods = self.guard.sources()
        flooders = ", ".join(floods) or ""
        for ip, extra in floods.items():
            out.append(f"flood from {ip} capped at {MAX_PER_SOURCE} datagrams, "
                       f"{extra:,} more discarded unparsed")
        for chan in self.channels:
            if chan.drops:
                cause = f" under a flood from {flooders}" if flooders else " (receive buffer full)"
                out.append(f"{chan.drops:,} datagrams dropped by the kernel on the {chan.name} socket{cause}")
        if self.handled >= MAX_DATAGRAMS:
            out.append(f"stopped reading after {MAX_DATAGRAMS:,} datagrams")
        group = self.credited.get(GROUP, [])
        if group:
            out.append(f"{len(group)} answered to the group {', '.join(self.groups)}, heard on the "
                       f"{GROUP} socket")
        follow = self.credited.get(FOLLOW_UP, [])
        if follow and MULTICAST in {c.name for c in self.channels}:
            shown = ", ".join(follow[:5]) + (f" and {len(follow) - 5} more" if len(follow) > 5 else "")
            hosts = "host" if len(follow) == 1 else "hosts"
            out.append(f"{len(follow)} {hosts} answered only the {FOLLOW_UP} ({shown})")
        return out + self.extra_notes


async def wait_readable(sock: socket.socket) -> None:
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    fd = sock.fileno()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, wake)
    try:
        await ready
    finally:
        loop.remove_reader(fd)


async def _send_plan(ctx: ScanContext, start: float, plan: Sequence[tuple[float, Channel, Step]],
                     groups: Sequence[str]) -> None:
    for at, chan, step in sorted(plan, key=lambda p: p[0]):
        delay = start + at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        await send_all(ctx, chan.sock, step.datagrams(), groups, urgent=True)


async def after_sweep(ctx: ScanContext) -> None:
    """Wait (at most ``SWEEP_HEAD_START``) for the ARP sweep's first pass to be out."""
    if ctx.sweep_sent is not None and not ctx.sweep_sent.is_set():
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(SWEEP_HEAD_START):
                await ctx.sweep_sent.wait()


async def run_window(ex: Exchange, plan: Sequence[tuple[float, Channel, Step]], window: float) -> None:
    """Send ``plan`` and read every channel for ``window`` seconds, then drain what is queued."""
    await after_sweep(ex.ctx)
    start = time.monotonic()
    tasks = [asyncio.create_task(ex.receive(chan)) for chan in ex.channels]
    tasks.append(asyncio.create_task(_send_plan(ex.ctx, start, plan, ex.groups)))
    try:
        await asyncio.wait(tasks, timeout=max(0.0, start + window - time.monotonic()))
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await task
    ex.drain()


def unanswered_live(ctx: ScanContext, answered: set[str], skip: Sequence[str] = ()) -> list[str]:
    """Live target hosts that have not answered this probe yet and are not flooding it."""
    hosts = [ip for ip in ctx.live_hosts if ctx.in_targets(ip)]
    return [str(ip) for ip in sorted(hosts) if str(ip) not in answered and str(ip) not in skip]


def add_group_channel(ex: Exchange, stack: contextlib.ExitStack, group: tuple[str, int] | None) -> None:
    """A third socket bound to the group's port and joined to it: answers and announcements some
    units send to the group rather than to the asker (best effort: the port may be taken)."""
    if group is None or ex.ctx.iface is None:
        return
    try:
        sock = open_socket(ex.ctx, group[1], group[0])
    except OSError as exc:
        log.debug("%s: cannot listen on %s:%d: %s", ex.protocol, group[0], group[1], exc)
        return
    ex.add(GROUP, stack.enter_context(sock))


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

            asked: dict[str, int] = {}

            def follow_ups(only: Sequence[str] | None = None) -> Sequence[Send]:
                dests = unanswered_live(ctx, answered, tuple(ex.guard.sources()))
                if only is not None:
                    dests = [ip for ip in dests if ip in only]
                for ip in dests:
                    asked[ip] = asked.get(ip, 0) + 1
                return unicast(dests)

            window = ctx.timeout
            group_asks = GroupAsks()
            plan = [(0.0, asker, Step(0.0, group_asks.counted(ask))),
                    (min(0.3, window / 4), asker, Step(0.0, group_asks.counted(ask_again or ask)))]
            plan += [(window * f, follow, Step(0.0, follow_ups)) for f in FOLLOW_UPS]
            await run_window(ex, plan, window)
            await late_follow_ups(ex, follow, asked, follow_ups)
            # The group questions reached every on-link unit too, unless the asking socket overflowed.
            await late_round(ex, follow, asked, follow_ups, 0 if asker.drops else group_asks.sent)
    except OSError as exc:
        return f"socket error: {exc}", ex.notes()
    return None, ex.notes()


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
    while settled is not None and not settled.is_set():
        await run_window(ex, [(0.0, follow, Step(0.0, fresh))], LATE_ROUND)


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


async def listen(ctx: ScanContext, sock: socket.socket, steps: Sequence[Step], *, window: float,
                 handle: Handler, groups: Sequence[str] = (), protocol: str,
                 name: str = MULTICAST) -> list[str]:
    """Run a plain send plan on one socket for ``window`` seconds; the outcome notes."""
    ex = Exchange(ctx, protocol, handle, groups)
    chan = ex.add(name, sock)
    await run_window(ex, [(s.at, chan, s) for s in steps], window)
    return ex.notes()
