"""UDP plumbing shared by the datagram probes: one socket per probe, a send plan, a bounded receive loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Any

from netfinger.evidence import Sighting, flood_note
from netfinger.probes.interface import ScanContext

log = logging.getLogger("netfinger.scan")
MAX_DATAGRAM = 65535
# Unicast follow-ups go out at half the window and again near its end (hosts the TCP sweep finds late).
LATE_FOLLOW_UP = 0.8
MAX_DATAGRAMS = 20000  # per probe, bounds the work a flood can cause
MAX_PER_SOURCE = 256  # handled per source address and socket; an honest device sends a few dozen at most
RECV_BUFFER = 8 * 1024 * 1024  # a /24 of cameras answering one multicast at once must not overflow it

Send = tuple[bytes, tuple[str, int]]


@dataclass(frozen=True)
class Step:
    """At ``at`` seconds after start, send what ``datagrams()`` returns (evaluated then, not before)."""

    at: float
    datagrams: Callable[[], Sequence[Send]]


def iface_address(ctx: ScanContext) -> str | None:
    """The scanner's own address on the scan interface, when known."""
    return next(iter(sorted(ctx.local_ips)), None)


def enlarge_receive_buffer(sock: socket.socket, is_root: bool) -> None:
    """Ask for a big receive buffer (root may exceed the sysctl cap); best effort."""
    force = getattr(socket, "SO_RCVBUFFORCE", None)
    with contextlib.suppress(OSError):
        if is_root and force is not None:
            sock.setsockopt(socket.SOL_SOCKET, force, RECV_BUFFER)
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECV_BUFFER)


def open_socket(ctx: ScanContext, port: int = 0, group: str | None = None) -> socket.socket:
    """A non-blocking UDP socket on the scan interface; multicast TTL 1 (never leaves the link)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        enlarge_receive_buffer(sock, ctx.is_root)
        local = iface_address(ctx)
        if local:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(local))
        if ctx.iface and ctx.is_root:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ctx.iface.encode())
        sock.bind(("", port))
        if group:
            mreq = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton(local or "0.0.0.0"))
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def allowed_destination(ctx: ScanContext, dest: str, groups: Sequence[str] = ()) -> bool:
    """Only target addresses, the protocol's multicast groups, and on-link broadcasts may be sent to."""
    if dest in groups or ctx.in_targets(dest):
        return True
    try:
        addr = IPv4Address(dest)
    except ValueError:
        return False
    return any(addr == net.broadcast_address for net in ctx.onlink) and bool(ctx.onlink)


async def send_all(ctx: ScanContext, sock: socket.socket, datagrams: Sequence[Send],
                   groups: Sequence[str] = ()) -> int:
    loop = asyncio.get_running_loop()
    sent = 0
    for data, dest in datagrams:
        if not allowed_destination(ctx, dest[0], groups):
            continue
        await ctx.pace()
        try:
            await loop.sock_sendto(sock, data, dest)
            sent += 1
        except OSError:
            continue  # unreachable / no route: nothing to learn, keep going
    return sent


async def exchange(ctx: ScanContext, sock: socket.socket, steps: Sequence[Step], *, window: float,
                   handle: Callable[[bytes, tuple[str, int]], None], groups: Sequence[str] = (),
                   protocol: str) -> int:
    """Run the send plan and hand every datagram received within ``window`` seconds to ``handle``."""
    loop = asyncio.get_running_loop()
    start = time.monotonic()

    async def sender() -> None:
        for step in sorted(steps, key=lambda s: s.at):
            delay = start + step.at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            await send_all(ctx, sock, step.datagrams(), groups)

    task = asyncio.create_task(sender())
    received = 0
    per_source: dict[str, int] = {}
    try:
        async with asyncio.timeout_at(start + window):  # the loop's clock is time.monotonic()
            while received < MAX_DATAGRAMS:
                try:
                    first = await loop.sock_recvfrom(sock, MAX_DATAGRAM)
                except OSError:
                    await asyncio.sleep(0.01)
                    continue
                for data, addr in [first, *drain(sock, MAX_DATAGRAMS - received - 1)]:
                    if addr[0] in ctx.local_ips or flooding(ctx, per_source, addr, protocol):
                        continue
                    received += 1
                    _handle_one(handle, data, addr)
    except TimeoutError:
        pass
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, OSError):
            await task
    return received


def flooding(ctx: ScanContext, per_source: dict[str, int], addr: tuple[str, int], protocol: str) -> bool:
    """True past MAX_PER_SOURCE datagrams from one address: the rest of a flood is read and dropped
    (handling it held the event loop for seconds while honest answers overflowed the socket buffer)."""
    count = per_source.get(addr[0], 0) + 1
    per_source[addr[0]] = count
    if count == MAX_PER_SOURCE + 1:
        note = flood_note(protocol, MAX_PER_SOURCE, where=f"udp/{addr[1]}")
        ctx.emit(Sighting(ip=str(addr[0]), anomalies=(note,), protocol=protocol))
    return count > MAX_PER_SOURCE


def drain(sock: socket.socket, limit: int) -> list[tuple[bytes, Any]]:
    """Datagrams already queued on a non-blocking socket (a burst is read without a loop turn each)."""
    out: list[tuple[bytes, Any]] = []
    while len(out) < limit:
        try:
            out.append(sock.recvfrom(MAX_DATAGRAM))
        except OSError:  # BlockingIOError: the queue is empty
            break
    return out


def _handle_one(handle: Callable[[bytes, tuple[str, int]], None], data: bytes, addr: Any) -> None:
    try:
        handle(data, (str(addr[0]), int(addr[1])))
    except Exception:  # one bad datagram must not end the probe; parsers should not raise anyway
        log.debug("reply handler failed on a datagram from %s", addr[0], exc_info=True)


def unanswered_live(ctx: ScanContext, answered: set[str]) -> list[str]:
    """Live target hosts that have not answered this probe yet (for the unicast follow-up)."""
    hosts = [ip for ip in ctx.live_hosts if ctx.in_targets(ip)]
    return [str(ip) for ip in sorted(hosts) if str(ip) not in answered]


def discovery_plan(window: float, ask: Callable[[], Sequence[Send]], follow_up: Callable[[], Sequence[Send]],
                   ask_again: Callable[[], Sequence[Send]] | None = None) -> list[Step]:
    """The send plan of the discovery probes: the multicast question at once and again shortly after
    (for a lost first), then unicast follow-ups to live hosts that have not answered, at half and at
    most of the listen window."""
    return [
        Step(0.0, ask),
        Step(min(0.3, window / 4), ask_again or ask),
        Step(window / 2, follow_up),
        Step(window * LATE_FOLLOW_UP, follow_up),
    ]


async def run_exchange(ctx: ScanContext, protocol: str, steps: Sequence[Step], *,
                       handle: Callable[[bytes, tuple[str, int]], None], groups: Sequence[str]) -> str | None:
    """Open the probe's socket and run ``exchange`` for one listen window; the failure reason, or None."""
    try:
        sock = open_socket(ctx)
    except OSError as exc:
        return f"cannot open a UDP socket: {exc}"
    try:
        with sock:
            await exchange(ctx, sock, steps, window=ctx.timeout, handle=handle, groups=groups,
                           protocol=protocol)
    except OSError as exc:
        return f"socket error: {exc}"
    return None
